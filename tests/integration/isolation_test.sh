#!/usr/bin/env bash
# isolation: process — a plugin that crashes, aborts, hangs, leaks, exits or garbles the protocol
# fails only its own source, and the report names the signal, the exit or the time-out; the other
# sources commit. One that prints to its standard output still works: the lines are notes.
source "$(dirname "$0")/lib.sh"
PLUGINS="$BUILD_DIR/tests/plugins/misbehaving"

printf 'Mã,Họ và tên,Ngày sinh\r\nA1,Nguyễn Văn An,12/09/1965\r\n' > staff.csv
config() {  # MODE
  cat > c.json <<JSON
{"store": {"sqlite": "h.db"}, "plugin_dirs": ["$PLUGINS"],
 "sources": [
   {"name": "sheet", "plugin": "csv", "options": {"path": "staff.csv", "id": "Mã"}, "max_deletion_share": 1},
   {"name": "bad", "plugin": "test-misbehaving", "options": {"mode": "$1"},
    "isolation": "process", "timeout_s": 3, "memory_mb": 512, "on_error": "keep_previous"}
 ],
 "exports": [{"name": "roster", "plugin": "csv", "options": {"path": "roster.csv"}, "isolation": "process"}]}
JSON
}

config ok
"$HOPNHAT" sync --config c.json --report ok.json >/dev/null 2>&1 || fail "an isolated plugin that behaves: $(cat ok.json)"
assert_eq "$(json ok.json "[(s['name'], s['read']) for s in j['sources']]")" "[('sheet', 1), ('bad', 1)]" "records over the pipe"
assert_eq "$(json ok.json "j['exports'][0]['written']")" "2" "isolated exporter"
assert_contains "$(cat roster.csv)" "Nguyễn Văn An" "roster written by the isolated exporter"

expect_failure() {  # MODE TEXT
  config "$1"
  printf 'Mã,Họ và tên,Ngày sinh\r\nA1,Nguyễn Văn An,12/09/1965\r\nA2,Trần Thị Bình,1970\r\n' > staff.csv
  run_rc "$HOPNHAT" sync --config c.json --report "$1.json"
  assert_eq "$RC" "3" "exit code when the plugin does '$1'"
  assert_contains "$(json "$1.json" "[s for s in j['sources'] if s['name']=='bad'][0]['error']")" "$2" "$1"
  assert_eq "$(json "$1.json" "[s['new'] for s in j['sources'] if s['name']=='sheet'][0]")" "1" "the other source committed ($1)"
  # back to one record, for the next case
  config ok
  printf 'Mã,Họ và tên,Ngày sinh\r\nA1,Nguyễn Văn An,12/09/1965\r\n' > staff.csv
  "$HOPNHAT" sync --config c.json >/dev/null 2>&1 || fail "reset after '$1'"
}
# A plugin that prints: its record still arrives, its lines are warnings of its source.
config print
"$HOPNHAT" sync --config c.json --report print.json >/dev/null 2>print.err || fail "a plugin that prints: $(cat print.json)"
assert_eq "$(json print.json "(j['status'], [s['read'] for s in j['sources'] if s['name']=='bad'])")" "('succeeded', [1])" "records of a plugin that prints"
assert_eq "$(json print.json "[s.get('notes') for s in j['sources'] if s['name']=='bad'][0]")" \
  "['the plugin wrote to its standard output: debug: reading', 'the plugin wrote to its standard output: debug: one record']" "its output as notes"
assert_contains "$(cat print.err)" "[bad] the plugin wrote to its standard output: debug: reading" "its output in the log"

expect_failure segv "signal 11"
expect_failure abort "signal 6"
expect_failure hang "timeout_s = 3"
expect_failure leak "signal 6"
expect_failure exit "exited with code 0 in the middle of its work"
expect_failure garbage "wrote a frame that is not JSON and was stopped: not json"
echo "isolation_test: ok"
