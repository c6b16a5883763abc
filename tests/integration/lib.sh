# Helpers for the integration tests (sourced). Each test runs the real hopnhat binary on files
# in a fresh temporary folder; HOPNHAT, SOURCE_DIR and BUILD_DIR come from CTest.
set -euo pipefail
: "${HOPNHAT:?}" "${SOURCE_DIR:?}" "${BUILD_DIR:?}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hopnhat-it-XXXXXX")
trap '[[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"' EXIT
cd "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }
assert_eq() { [[ "$1" == "$2" ]] || fail "${3:-values differ}: expected [$2], got [$1]"; }
assert_contains() { grep -qF -- "$2" <<<"$1" || fail "${3:-text} does not contain [$2]: $1"; }
# json FILE EXPR: evaluates a Python expression over the parsed JSON as `j`.
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
# run_rc CMD...: runs a command, keeping its exit code in RC and its output in OUT / ERR.
run_rc() { set +e; OUT=$("$@" 2>"$WORK/.err"); RC=$?; ERR=$(cat "$WORK/.err"); set -e; }
# store_check CONFIG: the store's pages, every reference between its rows and what every run
# keeps true of them hold (a sync leaves reference checks to its own construction; this is
# where they are verified).
store_check() { "$HOPNHAT" store check --config "$1" >"$WORK/.check" 2>&1 || fail "store check of $1: $(cat "$WORK/.check")"; }
