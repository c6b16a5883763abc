#!/usr/bin/env bash
# The conformance testkit runs the plugin under test in a child process with a deadline per
# check: a plugin that exits, prints, crashes or hangs fails the check it did that in, with the
# cause, within the deadline, and the later checks still run; --expected-records makes the kit
# compare what the importer read. The control cases pass.
source "$(dirname "$0")/lib.sh"
KIT="$BUILD_DIR/bin/hopnhat-testkit"
PLUGINS="$BUILD_DIR/tests/plugins"
MISBEHAVING="$PLUGINS/misbehaving/test-misbehaving.plugin.json"

kit() {  # MODE [ARGS…]: runs the kit on the misbehaving plugin; RC, FAILURES, ERR and ELAPSED
  local mode=$1 start=$SECONDS
  shift
  run_rc "$KIT" --manifest "$MISBEHAVING" --host "$HOPNHAT" --timeout 3 --importer-options "{\"mode\": \"$mode\"}" --junit kit.xml "$@"
  ELAPSED=$((SECONDS - start))
  # The kit's report: "FAILED: check :: message" per failure, then the cases' counts.
  FAILURES=$(printf '%s\n' "$OUT" | sed -n 's/^FAILED: //p; /^cases: /p')
}

kit ok
assert_eq "$RC" "0" "the kit on a plugin that behaves: $FAILURES $ERR"
# The default host is the hopnhat beside the testkit, and a plugin without options passes too.
run_rc "$KIT" --manifest "$PLUGINS/good/test-good.plugin.json"
assert_eq "$RC" "0" "the kit on test-good: $OUT $ERR"

expect_fail() {  # MODE CAUSE: the read check fails with CAUSE, so does the one after it
  kit "$1"
  [[ "$RC" != 0 ]] || fail "the kit passed a plugin that does '$1': $FAILURES"
  (( ELAPSED < 40 )) || fail "the kit took ${ELAPSED}s on '$1' (deadline 3s per check)"
  assert_contains "$FAILURES" "the importer yields records with unique, non-empty ids and NFC text :: $2" "check and cause ($1)"
  # The kit survived the first failing check: the next one failed on its own, and the checks
  # after those ran and passed.
  assert_contains "$FAILURES" "the importer gives the same output for the same input :: $2" "later check ($1)"
  assert_contains "$FAILURES" "cases: 6 passed, 2 failed" "every check ran ($1)"
  # The JUnit report says the same, for a CI server.
  assert_eq "$(python3 -c 'import sys, xml.etree.ElementTree as ET; s = ET.parse("kit.xml").getroot().find("testsuite"); print(s.get("tests"), s.get("failures"), sorted({t.get("name") for t in s.iter("testcase") if t.find("failure") is not None}))')" \
    "8 2 ['the importer gives the same output for the same input', 'the importer yields records with unique, non-empty ids and NFC text']" "the JUnit report ($1)"
}
expect_fail exit "read failed (the plugin process is gone): the plugin process exited with code 0 in the middle of its work"
expect_fail print 'the plugin wrote 2 line(s) to its standard output during read (log with ctx.log instead); the first: "debug: reading"'
expect_fail segv "read failed (the plugin process is gone): the plugin process was killed by signal 11"
expect_fail hang "read failed (the plugin process is gone): the plugin did not finish within timeout_s = 3"
expect_fail garbage "read failed (the plugin process is gone): the plugin process wrote a frame that is not JSON"

# Expected records: the right ones pass, a different value, a missing and an extra record fail
# naming the first difference.
printf '[{"id": "1", "fields": {"full_name": "Lê Thị Hoa"}}]' > right.json
kit ok --expected-records right.json
assert_eq "$RC" "0" "the kit with the right expected records: $FAILURES"
printf '[{"id": "1", "fields": {"full_name": "Lê Thị Hoà"}}]' > value.json
kit ok --expected-records value.json
assert_eq "$RC" "1" "a different value"
assert_contains "$FAILURES" 'the importer reads the expected records :: what the importer read differs from --expected-records: record "1" (expected record 1), field full_name: expected "Lê Thị Hoà", got "Lê Thị Hoa"' "difference"
printf '[{"id": "1", "fields": {"full_name": "Lê Thị Hoa"}}, {"id": "2", "fields": {}}]' > missing.json
kit ok --expected-records missing.json
assert_contains "$FAILURES" 'record "2" (expected record 2) was not read; the importer read 1 record(s), the first with id "1"' "a missing record"
printf '[]' > none.json
kit ok --expected-records none.json
assert_contains "$FAILURES" 'record "1" was read but is not among the 0 expected records' "an extra record"
printf '[{"id": 1}]' > bad.json
kit ok --expected-records bad.json
assert_eq "$RC" "2" "a malformed expected-records file"
assert_contains "$ERR" "bad.json: [0].id: expected a non-empty string" "its message"

# Checks chosen by name or [tag]; a choice that matches none is an error, not a pass.
run_rc "$KIT" --manifest "$PLUGINS/good/test-good.plugin.json" --list
assert_contains "$OUT" "the importer reads the expected records  [importer][expected]" "--list"
run_rc "$KIT" --manifest "$MISBEHAVING" --host "$HOPNHAT" --timeout 3 --importer-options '{"mode": "exit"}' "[manifest]"
assert_eq "$RC" "0" "only the manifest checks, which a plugin that exits passes: $OUT"
assert_contains "$OUT" "cases: 1 passed, 0 failed" "one check chosen"
run_rc "$KIT" --manifest "$MISBEHAVING" "[no-such-tag]"
assert_eq "$RC" "2" "a filter that matches nothing"
run_rc "$KIT" --manifest "$MISBEHAVING" --no-such-option
assert_eq "$RC" "2" "an unknown option"
assert_contains "$ERR" "unknown option --no-such-option" "its message"

# A host that cannot run is named before any check.
run_rc "$KIT" --manifest "$MISBEHAVING" --host /nonexistent/hopnhat
assert_eq "$RC" "2" "a missing host"
assert_contains "$ERR" "give --host PATH" "the missing host's message"

# CTest gives every conformance test a time limit (it has none by default: 10,000,000 s).
(cd "$BUILD_DIR" && ctest --show-only=json-v1) > tests.json
assert_eq "$(json tests.json "sorted({t['name']: [p['value'] for p in t.get('properties', []) if p['name']=='TIMEOUT'] for t in j['tests'] if t['name'].startswith('conformance.')}.items())")" \
  "[('conformance.hopnhat_csv', [600.0]), ('conformance.hopnhat_reports', [600.0]), ('conformance.hopnhat_test_good', [120.0]), ('conformance.hopnhat_test_misbehaving', [300.0])]" "conformance time limits"
echo "testkit_test: ok"
