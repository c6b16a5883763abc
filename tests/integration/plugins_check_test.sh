#!/usr/bin/env bash
# `hopnhat plugins check` (issue #23, item 7): every check a load makes, made without loading —
# the manifest, the files' permissions, the ABI stamp and the factories read from the library
# file, name clashes between folders — each problem one sentence, exit 1 when any plugin fails.
source "$(dirname "$0")/lib.sh"
P="$BUILD_DIR/tests/plugins"

"$HOPNHAT" plugins check > bundled.txt || fail "the bundled plugins: $(cat bundled.txt)"
assert_contains "$(cat bundled.txt)" "ok    csv" "the bundled csv plugin"

run_rc "$HOPNHAT" plugins check "$P/wrong_abi/test-wrong-abi.plugin.json" "$P/no_stamp/test-no-stamp.plugin.json" \
  "$P/missing_factory/test-missing-factory.plugin.json" "$P/good/test-good.plugin.json"
assert_eq "$RC" "1" "exit code when a plugin fails"
assert_contains "$OUT" "FAIL  test-wrong-abi" "wrong ABI"
assert_contains "$OUT" "built for ABI 99; rebuild the plugin" "wrong ABI: what to do"
assert_contains "$OUT" "not a hopnhat plugin: it has no hopnhat_plugin_abi_version symbol" "no stamp"
assert_contains "$OUT" "no hopnhat_create_exporter symbol" "a missing factory"
assert_contains "$OUT" "ok    test-good" "the good plugin among them"

# Two folders with a plugin of one name, one of them writable by everyone, a manifest misnamed.
mkdir -p one two three
cp "$P"/good/* one/ && cp "$P"/good/* two/ && cp "$P"/good/* three/
chmod 755 one two && chmod 777 three
mv three/test-good.plugin.json three/other.plugin.json
run_rc "$HOPNHAT" plugins check --json --plugin-dir one --plugin-dir two one/test-good.plugin.json three/other.plugin.json
assert_eq "$RC" "1" "exit code with a clash"
printf '%s' "$OUT" > check.json
assert_contains "$(json check.json "j['plugins'][0]['problems'][0]")" "the name is taken by more than one plugin" "the clash"
assert_contains "$(json check.json "' | '.join(j['plugins'][1]['problems'])")" "writable by every user" "a folder everyone may write"
assert_contains "$(json check.json "' | '.join(j['plugins'][1]['problems'])")" "named other.plugin.json, not test-good.plugin.json" "a misnamed manifest"
echo "plugins check: ok"
