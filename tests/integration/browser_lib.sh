# Helpers for the browser tests (sourced after lib.sh): Debian's Chromium driven by Playwright
# (playwright-core, installed once per build folder from the lock file with npm ci), and an admin
# server on a free loopback port.
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[[ -x "$CHROMIUM" ]] || fail "Chromium is needed: apt-get install chromium"
command -v node >/dev/null || fail "Node.js is needed for the browser tests"
BROWSER_DIR="$BUILD_DIR/browser-tests"
if [[ ! -d "$BROWSER_DIR/node_modules/playwright-core" ]] || ! cmp -s "$SOURCE_DIR/tests/browser/package-lock.json" "$BROWSER_DIR/package-lock.json"; then
  mkdir -p "$BROWSER_DIR"
  cp "$SOURCE_DIR/tests/browser/package.json" "$SOURCE_DIR/tests/browser/package-lock.json" "$BROWSER_DIR/"
  (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund >/dev/null) || fail "npm ci of the browser tests"
fi
cp "$SOURCE_DIR"/tests/browser/*.mjs "$BROWSER_DIR/"

# start_server CONFIG: serves CONFIG on 127.0.0.1 and a free port, sets URL and SERVER (its pid),
# and stops it when the test ends.
start_server() {
  "$HOPNHAT" serve --config "$1" --listen 127.0.0.1:0 > serve.out 2> serve.err &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"' EXIT
  for _ in $(seq 50); do grep -q listening serve.out && break; sleep 0.1; done
  URL=$(grep -o 'http://[^ ]*' serve.out) || fail "the server did not start: $(cat serve.err)"
}
