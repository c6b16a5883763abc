#!/usr/bin/env bash
# The SDK as an outside team uses it: install hopnhat into a prefix, build the plugin template
# and the bundled CSV plugin out of tree against it, run the template's tests (its unit tests
# and the conformance testkit), list its plugins and run a sync through them.
source "$(dirname "$0")/lib.sh"
JOBS=$(nproc)

cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" >/dev/null
[[ -x "$WORK/prefix/bin/hopnhat" ]] || fail "hopnhat not installed"
[[ -f "$WORK/prefix/include/hopnhat/sdk/plugin.hpp" ]] || fail "SDK headers not installed"
[[ ! -e "$WORK/prefix/include/hopnhat/sdk/../../core" ]] || fail "core headers installed"
[[ -f "$WORK/prefix/lib/hopnhat/plugins/csv.plugin.json" ]] || fail "bundled plugin not installed"

cp -r "$SOURCE_DIR/sdk/template" template
cmake -S template -B template-build -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build template-build -j"$JOBS" >/dev/null
(cd template-build && ctest --output-on-failure) || fail "template tests"

# The bundled CSV plugin builds on its own against the installed SDK (find_package path).
cmake -S "$SOURCE_DIR/plugins/csv" -B csv-build -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build csv-build -j"$JOBS" >/dev/null
[[ -f csv-build/csv.plugin.json && -f csv-build/libhopnhat_csv.so ]] || fail "out-of-tree csv plugin"

# The installed hopnhat finds its bundled plugins, and the template's through --plugin-dir.
"$WORK/prefix/bin/hopnhat" plugins list --json --plugin-dir template-build > plugins.json
assert_eq "$(json plugins.json "sorted(p['name'] for p in j['plugins'])")" "['civilservice', 'csv', 'example', 'partydb', 'reports', 'spreadsheet']" "plugins"
assert_eq "$(json plugins.json "[p['kinds'] for p in j['plugins'] if p['name']=='example'][0]")" "['importer', 'exporter']" "kinds"

# The other two ways to name a plugin folder: HOPNHAT_PLUGIN_PATH and the config's plugin_dirs.
HOPNHAT_PLUGIN_PATH="$WORK/template-build" "$WORK/prefix/bin/hopnhat" plugins list --json > env.json
assert_eq "$(json env.json "'example' in [p['name'] for p in j['plugins']]")" "True" "HOPNHAT_PLUGIN_PATH"

cp template/tests/data/staff.json .
cat > c.json <<'JSON'
{"store": {"sqlite": "h.db"},
 "sources": [{"name": "staff", "plugin": "example", "options": {"path": "staff.json"}}],
 "exports": [{"name": "json", "plugin": "example", "options": {"path": "golden.json"}}]}
JSON
"$WORK/prefix/bin/hopnhat" sync --config c.json --plugin-dir template-build --report r.json >/dev/null 2>&1
assert_eq "$(json r.json "(j['status'], j['sources'][0]['read'])")" "('succeeded', 3)" "template sync"
assert_eq "$(json golden.json "len(j)")" "3" "template export"
cat > d.json <<JSON
{"store": {"sqlite": "d.db"}, "plugin_dirs": ["$WORK/template-build"],
 "sources": [{"name": "staff", "plugin": "example", "options": {"path": "staff.json"}}]}
JSON
"$WORK/prefix/bin/hopnhat" validate --config d.json > /dev/null || fail "plugin_dirs in the configuration"
echo "package_test: ok"
