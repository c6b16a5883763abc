#!/usr/bin/env bash
# A run that ends abruptly still ends with a word (issue #22, item 2): a plugin in hopnhat's own
# process that calls exit(0), or crashes, never makes `sync` exit 0; stderr names the plugin and
# the phase, and the next sync records the run as failed with those words. A destructor that
# throws after the commit leaves the run committed, its summary printed and its report written.
# Plugins not shipped with hopnhat run isolated unless the configuration says otherwise, and a
# time limit for an in-process plugin is refused, not ignored.
source "$(dirname "$0")/lib.sh"
PLUGINS="$BUILD_DIR/tests/plugins/misbehaving"

printf 'Mã,Họ và tên,Ngày sinh\r\nA1,Nguyễn Văn An,12/09/1965\r\n' > staff.csv
config() {  # MODE ISOLATION-JSON
  cat > c.json <<JSON
{"store": {"sqlite": "h.db"}, "plugin_dirs": ["$PLUGINS"],
 "sources": [
   {"name": "sheet", "plugin": "csv", "options": {"path": "staff.csv", "id": "Mã"}},
   {"name": "odd", "plugin": "test-misbehaving", "options": {"mode": "$1"} $2}
 ]}
JSON
}
runs() { "$HOPNHAT" runs list --config c.json --format json > runs.json; }

config ok ''
"$HOPNHAT" sync --config c.json > /dev/null 2>&1 || fail "first sync"

# exit(0) from a plugin in hopnhat's process: exit 1, the plugin and phase named, nothing committed.
config exit ', "isolation": "none"'
run_rc "$HOPNHAT" sync --config c.json
assert_eq "$RC" "1" "sync when an in-process plugin calls exit(0)"
assert_contains "$ERR" "the plugin of source odd (test-misbehaving), during read: the process was ended by a call to exit()" "stderr"
assert_contains "$ERR" "the run did not commit" "stderr"
ls h.db.unfinished-run.* > /dev/null 2>&1 || fail "no note of the unfinished run"
config ok ''
"$HOPNHAT" sync --config c.json > /dev/null 2>&1 || fail "the sync after"
runs
assert_eq "$(json runs.json "[r['status'] for r in j][:3]")" "['succeeded', 'failed', 'succeeded']" "the abrupt run is recorded as failed"
assert_contains "$(json runs.json "j[1]['report']['error']")" "ended abruptly: the plugin of source odd (test-misbehaving), during read" "its error"
ls h.db.unfinished-run.* > /dev/null 2>&1 && fail "the note stayed after it was recorded"

# A crash in-process: the process dies of the signal, after saying which plugin.
config segv ', "isolation": "none"'
run_rc "$HOPNHAT" sync --config c.json
[[ $RC -ne 0 ]] || fail "sync exited 0 after a segfault"
assert_contains "$ERR" "the plugin of source odd (test-misbehaving), during read: killed by signal SIGSEGV" "stderr after a crash"
config ok ''
"$HOPNHAT" sync --config c.json > /dev/null 2>&1 || fail "the sync after the crash"
runs
assert_contains "$(json runs.json "j[1]['report']['error']")" "killed by signal SIGSEGV" "the crashed run is recorded"

# A destructor that throws once the run committed: the run stands, its summary and report are out.
config throw_on_unload ', "isolation": "none"'
run_rc "$HOPNHAT" sync --config c.json --report unload.json
assert_eq "$RC" "0" "a committed run whose plugin throws while unloading keeps its own exit code"
assert_contains "$ERR" "the plugin of source odd (test-misbehaving), during unload: std::terminate" "stderr"
assert_contains "$OUT" "succeeded" "the summary is printed"
assert_eq "$(json unload.json "j['status']")" "succeeded" "the report is written"
ls h.db.unfinished-run.* > /dev/null 2>&1 && fail "a note stayed although the run's outcome was recorded"
runs
assert_eq "$(json runs.json "j[0]['status']")" "succeeded" "the run committed"

# Not shipped with hopnhat: isolated by default, so exit(0) fails its run cleanly, at once.
config exit ''
run_rc "$HOPNHAT" sync --config c.json --report iso.json
assert_eq "$RC" "1" "sync when an isolated plugin exits"
assert_contains "$(json iso.json "j['error']")" "odd" "the failing source is named"
ls h.db.unfinished-run.* > /dev/null 2>&1 && fail "an isolated failure needs no note"

# Limits for an in-process plugin are refused rather than ignored.
config ok ', "isolation": "none", "timeout_s": 5'
run_rc "$HOPNHAT" validate --config c.json
assert_eq "$RC" "2" "validate: timeout_s with isolation none"
assert_contains "$ERR" "sources[1].timeout_s: a limit applies only to isolation \"process\"" "the message"
cat > c.json <<JSON
{"store": {"sqlite": "h.db"}, "sources": [{"name": "sheet", "plugin": "csv", "options": {"path": "staff.csv", "id": "Mã"}, "memory_mb": 512}]}
JSON
run_rc "$HOPNHAT" validate --config c.json
assert_eq "$RC" "2" "validate: memory_mb for a bundled plugin in-process by default"
assert_contains "$ERR" "the bundled plugin \"csv\" runs in hopnhat's process by default" "the message"
echo "abrupt ends: ok"
