#!/usr/bin/env bash
# The admin UI in headless Chromium (tests/browser/admin_ui.test.mjs, Playwright). The npm
# package is installed once per build folder from the lock file (npm ci).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/browser_lib.sh"

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
start_server hopnhat.json

URL="$URL" CONFIG="$WORK/hopnhat.json" HOPNHAT="$HOPNHAT" CHROMIUM="$CHROMIUM" OUT="$WORK" \
  node "$BROWSER_DIR/admin_ui.test.mjs" || { KEEP_WORK=1; fail "browser test (screenshots in $WORK)"; }
"$HOPNHAT" audit verify --config hopnhat.json >/dev/null || fail "audit chain after the browser session"
echo "admin UI test passed"
