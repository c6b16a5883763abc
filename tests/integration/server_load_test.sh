#!/usr/bin/env bash
# The admin server under a careless or hostile load, over real loopback HTTP (issue #22, items 6
# and 7): thirty connections that trickle one byte every two seconds from another address do
# not keep anyone else out, lose their share beyond ten at once and are closed when no whole
# request came within the deadline; a flood of logins (Argon2id on purpose slow) does not stall
# the pages of a user already logged in.
source "$(dirname "$0")/lib.sh"

"$HOPNHAT" gen --persons 60 --seed 3 --out . >/dev/null
"$HOPNHAT" sync --config hopnhat.json >/dev/null 2>&1 || fail "sync"
echo "mat-khau-reviewer" | "$HOPNHAT" users add lan --role reviewer --password-stdin --config hopnhat.json >/dev/null

"$HOPNHAT" serve --config hopnhat.json --listen 127.0.0.1:0 > serve.out 2> serve.err &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening serve.out && break; sleep 0.1; done
URL=$(grep -o 'http://[^ ]*' serve.out) || fail "the server did not start: $(cat serve.err)"

python3 - "$URL" <<'PY' || fail "see above"
import json, socket, statistics, sys, threading, time, urllib.error, urllib.request

url = sys.argv[1]
host, port = url.split("//")[1].rstrip("/").split(":")
port = int(port)

def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)

# --- slow clients ------------------------------------------------------------------------
slow = []
for i in range(30):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))  # another client address on loopback
    s.connect((host, port))
    s.sendall(b"GET /api/dashboard HTTP/1.1\r\nHost: x\r\n")
    slow.append(s)
started = time.monotonic()
stop = threading.Event()
def trickle():
    while not stop.is_set():
        for s in slow:
            try:
                s.sendall(b"X")
            except OSError:
                pass
        stop.wait(2)
threading.Thread(target=trickle, daemon=True).start()

worst = 0.0
for _ in range(15):
    t = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=8) as r:
            if r.status != 200: fail(f"the page answered {r.status} while slow clients were connected")
    except Exception as e:
        fail(f"the page did not answer while 30 slow clients were connected: {e}")
    worst = max(worst, time.monotonic() - t)
    time.sleep(0.5)
if worst > 4: fail(f"the page took {worst:.1f} s while slow clients were connected")

def closed(s):
    s.setblocking(False)
    try:
        return s.recv(1 << 16) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
over_share = sum(closed(s) for s in slow)
if over_share < 20: fail(f"only {over_share} of 30 trickling connections from one address were closed (at most 10 per client)")
deadline = started + 30
while time.monotonic() < deadline and not all(closed(s) for s in slow):
    time.sleep(0.5)
left = sum(not closed(s) for s in slow)
if left: fail(f"{left} trickling connections were still open 30 s after they connected (deadline 20 s)")
stop.set()
print(f"slow clients: page answered in at most {worst:.2f} s; all 30 closed")

# --- a login flood -----------------------------------------------------------------------
def post(path, body, headers=None):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()

status, headers, body = post("api/login", {"user": "lan", "password": "mat-khau-reviewer"})
if status != 200: fail(f"login: {status} {body!r}")
cookie = headers["Set-Cookie"].split(";")[0]

def login_time(name):
    t = time.monotonic()
    status, _, _ = post("api/login", {"user": name, "password": "sai-mat-khau"})
    if status not in (401, 429, 503): fail(f"a wrong login answered {status}")
    return time.monotonic() - t
alone = statistics.median(login_time(f"thu-{i}") for i in range(5))

flooding = threading.Event()
answers = {}
def flood(k):
    n = 0
    while not flooding.is_set():
        status, _, _ = post("api/login", {"user": f"lu-{k}-{n}", "password": "sai-mat-khau"})
        answers[status] = answers.get(status, 0) + 1
        n += 1
threads = [threading.Thread(target=flood, args=(k,), daemon=True) for k in range(6)]
for t in threads: t.start()
time.sleep(1)
pages = []
for _ in range(12):
    t = time.monotonic()
    req = urllib.request.Request(url + "api/dashboard", headers={"Cookie": cookie})
    with urllib.request.urlopen(req, timeout=60) as r:
        if r.status != 200: fail(f"dashboard answered {r.status}")
    pages.append(time.monotonic() - t)
    time.sleep(0.1)
flooding.set()
for t in threads: t.join()
page = statistics.median(pages)
print(f"login flood: one login alone {alone*1000:.0f} ms; dashboard during the flood median {page*1000:.0f} ms; answers {answers}")
if set(answers) - {401, 429, 503}: fail(f"the flood got answers other than 401/429/503: {answers}")
if page > alone / 3: fail(f"the dashboard waited for the logins: median {page*1000:.0f} ms against {alone*1000:.0f} ms for one login")
PY
kill $SERVER
wait $SERVER 2>/dev/null || true
echo "server load: ok"
