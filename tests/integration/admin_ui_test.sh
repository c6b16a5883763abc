#!/usr/bin/env bash
# The admin UI in headless Chromium (tests/browser/admin_ui.test.mjs, Playwright). The npm
# package is installed once per build folder from the lock file (npm ci).
source "$(dirname "$0")/lib.sh"
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[[ -x "$CHROMIUM" ]] || fail "Chromium is needed: apt-get install chromium"
command -v node >/dev/null || fail "Node.js is needed for the browser tests"
BROWSER_DIR="$BUILD_DIR/browser-tests"
if [[ ! -d "$BROWSER_DIR/node_modules/playwright-core" ]] || ! cmp -s "$SOURCE_DIR/tests/browser/package-lock.json" "$BROWSER_DIR/package-lock.json"; then
  mkdir -p "$BROWSER_DIR"
  cp "$SOURCE_DIR/tests/browser/package.json" "$SOURCE_DIR/tests/browser/package-lock.json" "$BROWSER_DIR/"
  (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund >/dev/null) || fail "npm ci of the browser tests"
fi
cp "$SOURCE_DIR/tests/browser/admin_ui.test.mjs" "$BROWSER_DIR/"

"$HOPNHAT" gen --persons 150 --seed 9 --out . >/dev/null
# A person of three records counts as too many here, so that the page of such a case is tried.
python3 - <<'PY'
import json
c = json.load(open("hopnhat.json", encoding="utf-8"))
c.setdefault("match", {})["max_person_records"] = 2
json.dump(c, open("hopnhat.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
"$HOPNHAT" sync --config hopnhat.json >/dev/null 2>&1 || fail "first sync"
echo "mat-khau-reviewer" | "$HOPNHAT" users add lan --role reviewer --password-stdin --config hopnhat.json >/dev/null
echo "mat-khau-admin-01" | "$HOPNHAT" users add quan --role admin --password-stdin --config hopnhat.json >/dev/null
"$HOPNHAT" serve --config hopnhat.json --listen 127.0.0.1:0 > serve.out 2> serve.err &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q listening serve.out && break; sleep 0.1; done
URL=$(grep -o 'http://[^ ]*' serve.out) || fail "the server did not start: $(cat serve.err)"

URL="$URL" CONFIG="$WORK/hopnhat.json" HOPNHAT="$HOPNHAT" CHROMIUM="$CHROMIUM" OUT="$WORK" \
  node "$BROWSER_DIR/admin_ui.test.mjs" || { KEEP_WORK=1; fail "browser test (screenshots in $WORK)"; }
"$HOPNHAT" audit verify --config hopnhat.json >/dev/null || fail "audit chain after the browser session"
echo "admin UI test passed"
