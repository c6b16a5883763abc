#!/usr/bin/env python3
"""A simulator of the state civil-servant API, faithful to the reference contract of
docs/civilservice-api.md, with the faults a real gateway shows. For tests only; loopback only.

    civil_sim.py --data items.json --port-file PORT_FILE --client-id ID --client-secret SECRET

Contract: POST /oauth/token, GET /api/v1/can-bo?updated_since&page_size&cursor,
PATCH /api/v1/can-bo/{ma_can_bo} (Idempotency-Key required).
Test control (no auth): POST /_control {"faults": [...], "expire_tokens": true,
"update": {"<ma>": {...}}, "delete": ["<ma>"]}, GET /_log, GET /_items.
A fault applies to the next list request, in order: {"status": 429|503, "retry_after": s},
{"slow": seconds}, {"truncate": true}, {"overlap": true} (the page repeats the previous page's
last item).
"""
import argparse
import json
import secrets
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"items": {}, "tokens": {}, "faults": [], "log": [], "idempotency": {}, "clock": 0}


def now_iso():
    # A monotonic change clock, so that every change is strictly newer than the last.
    STATE["clock"] += 1
    base = datetime(2026, 6, 1, tzinfo=timezone.utc).timestamp() + STATE["clock"]
    return datetime.fromtimestamp(base, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def merge(dst, src):
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            merge(dst[k], v)
        else:
            dst[k] = v


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=None, truncate=False):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        if truncate:
            data = data[: len(data) // 2]
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode() if n else ""

    def authorised(self):
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        with LOCK:
            exp = STATE["tokens"].get(token)
        if exp is None or exp < time.time():
            self.send(401, {"error": "invalid_token"})
            return False
        return True

    def record(self):
        url = urllib.parse.urlparse(self.path)
        with LOCK:
            STATE["log"].append({"method": self.command, "path": url.path,
                                 "query": dict(urllib.parse.parse_qsl(url.query)),
                                 "idempotency_key": self.headers.get("Idempotency-Key")})
        return url

    def do_POST(self):
        url = self.record()
        body = self.body()
        if url.path == "/_control":
            c = json.loads(body or "{}")
            with LOCK:
                STATE["faults"].extend(c.get("faults", []))
                if c.get("expire_tokens"):
                    STATE["tokens"] = {t: 0 for t in STATE["tokens"]}
                for ma, changes in c.get("update", {}).items():
                    merge(STATE["items"][ma], changes)
                    STATE["items"][ma]["cap_nhat_luc"] = now_iso()
                for ma in c.get("delete", []):
                    STATE["items"].pop(ma, None)
            return self.send(200, {"ok": True})
        if url.path == "/oauth/token":
            form = dict(urllib.parse.parse_qsl(body))
            if (form.get("grant_type") != "client_credentials" or form.get("client_id") != ARGS.client_id
                    or form.get("client_secret") != ARGS.client_secret):
                return self.send(401, {"error": "invalid_client"})
            token = secrets.token_hex(16)
            with LOCK:
                STATE["tokens"][token] = time.time() + 3600
            return self.send(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})
        self.send(404, {"error": "not_found"})

    def do_GET(self):
        url = self.record()
        if url.path == "/_log":
            with LOCK:
                return self.send(200, STATE["log"])
        if url.path == "/_items":
            with LOCK:
                return self.send(200, STATE["items"])
        if url.path != "/api/v1/can-bo":
            return self.send(404, {"error": "not_found"})
        if not self.authorised():
            return
        with LOCK:
            fault = STATE["faults"].pop(0) if STATE["faults"] else {}
        if "status" in fault:
            return self.send(fault["status"], {"error": "busy"},
                             {"Retry-After": fault["retry_after"]} if "retry_after" in fault else None)
        if "slow" in fault:
            time.sleep(fault["slow"])
        q = dict(urllib.parse.parse_qsl(url.query))
        size = int(q.get("page_size", "100"))
        start = int(q.get("cursor", "0"))
        since = q.get("updated_since", "")
        with LOCK:
            items = sorted((i for i in STATE["items"].values() if i["cap_nhat_luc"] > since),
                           key=lambda i: (i["cap_nhat_luc"], i["ma_can_bo"]))
        if fault.get("overlap") and start > 0:
            start -= 1
        page = items[start:start + size]
        nxt = str(start + size) if start + size < len(items) else None
        self.send(200, {"items": page, "next_cursor": nxt}, truncate=fault.get("truncate", False))

    def do_PATCH(self):
        url = self.record()
        if not self.authorised():
            return
        key = self.headers.get("Idempotency-Key")
        if not key:
            return self.send(400, {"error": "Idempotency-Key required"})
        ma = urllib.parse.unquote(url.path.rsplit("/", 1)[-1])
        changes = json.loads(self.body() or "{}")
        with LOCK:
            if key in STATE["idempotency"]:
                status, body = STATE["idempotency"][key]
                return self.send(status, body)
            if ma not in STATE["items"]:
                status, body = 404, {"error": "not_found"}
            else:
                merge(STATE["items"][ma], changes)
                STATE["items"][ma]["cap_nhat_luc"] = now_iso()
                status, body = 200, STATE["items"][ma]
            STATE["idempotency"][key] = (status, body)
        self.send(status, body)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--client-secret", required=True)
    ARGS = ap.parse_args()
    STATE["items"] = {i["ma_can_bo"]: i for i in json.load(open(ARGS.data, encoding="utf-8"))}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
