#!/usr/bin/env python3
"""The build enforces the modules' layers (docs/architecture.md, "Modules and their layers").

Each module of core/ is its own library whose include root shows only its own folder, so its
sources see the headers of the modules it links and of nothing else. This test compiles probes
with the exact command the build uses for one source of each module (compile_commands.json):

1. what each module can see (by __has_include) is within what the architecture allows it;
2. a wrong-way include, compiled on purpose, fails with "No such file or directory" — and the
   same command with an allowed include compiles, so the failure is the layer and not the flags.

Usage: layers_test.py BUILD_DIR
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

# Modules a module may use (besides itself and the SDK). Keep in step with docs/architecture.md.
ALLOWED = {
    "base": set(),
    "record": set(),
    "text": {"base"},
    "store": {"base", "record"},
    "match": {"base", "text"},
    "merge": {"base", "record", "text"},
    "org": {"base", "text"},
    "config": {"base", "text", "match", "org"},
    "plugin": {"base", "text", "match", "org", "config"},
    "gen": {"base", "text"},
    "admin": {"base", "record", "text", "store", "merge", "org"},
    "sync": {"base", "record", "text", "store", "match", "merge", "org", "config", "plugin", "admin"},
    "server": {"base", "record", "text", "store", "match", "merge", "org", "config", "plugin", "admin", "sync"},
    "cli": {"base", "record", "text", "store", "match", "merge", "org", "config", "plugin", "admin", "sync",
            "gen", "server"},
}
# Each deliberate wrong-way include: (module whose source includes it, header, an allowed header).
WRONG_WAY = [
    ("match", "store/store.hpp", "text/normalize.hpp"),       # matching reads no store
    ("merge", "store/store.hpp", "record/stored_record.hpp"),  # golden records from a record view
    ("store", "sync/sync_job.hpp", "base/iso_time.hpp"),       # nothing below sync reaches up to it
    ("config", "plugin/manifest.hpp", "match/settings.hpp"),
    ("sync", "server/server.hpp", "admin/users.hpp"),
    ("server", "cli/commands.hpp", "sync/sync_job.hpp"),
]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def module_commands(build_dir, source_dir):
    """One compile command (argument list) per module, from a source in core/<module>/."""
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        entries = json.load(f)
    core = os.path.join(source_dir, "core") + os.sep
    commands = {}
    for e in entries:
        path = os.path.normpath(e["file"])
        if not path.startswith(core):
            continue
        module = path[len(core):].split(os.sep)[0]
        if module in commands:
            continue
        args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
        kept, skip = [], False
        for a in args:  # drop the output, the dependency file and the source: the probe replaces them
            if skip:
                skip = False
                continue
            if a in ("-o", "-MF", "-MT", "-MQ"):
                skip = True
                continue
            if a in ("-c", "-MD", "-MMD") or os.path.normpath(os.path.join(e["directory"], a)) == path:
                continue
            kept.append(a)
        commands[module] = (kept, e["directory"])
    return commands


def compile_probe(command, text, tmp):
    args, directory = command
    probe = os.path.join(tmp, "probe.cpp")
    with open(probe, "w") as f:
        f.write(text)
    env = dict(os.environ, LC_ALL="C")  # the compiler's messages in English, quotes in ASCII
    return subprocess.run(args + ["-fsyntax-only", probe], cwd=directory, capture_output=True, text=True, env=env)


def main():
    build_dir = os.path.abspath(sys.argv[1])
    source_dir = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    commands = module_commands(build_dir, source_dir)
    modules = sorted(ALLOWED)
    on_disk = sorted(d for d in os.listdir(os.path.join(source_dir, "core"))
                     if os.path.isdir(os.path.join(source_dir, "core", d)) and d != "data")
    if on_disk != modules:
        fail(f"core/ holds the modules {on_disk}, this test knows {modules}: add the new one to ALLOWED "
             "and to docs/architecture.md")
    headers = {}
    for m in modules:
        hpp = sorted(h for h in os.listdir(os.path.join(source_dir, "core", m)) if h.endswith(".hpp"))
        headers[m] = f"{m}/{hpp[0]}"
    probe = "".join(f'#if __has_include("{headers[m]}")\n#pragma message "sees {m}"\n#endif\n' for m in modules)
    with tempfile.TemporaryDirectory() as tmp:
        for m in modules:
            if m not in commands:
                if m == "record":  # header-only: nothing of its own is compiled
                    continue
                fail(f"no compile command for a source of core/{m}/ in compile_commands.json")
            r = compile_probe(commands[m], probe, tmp)
            if r.returncode != 0:
                fail(f"the visibility probe of {m} did not compile:\n{r.stderr}")
            seen = set(re.findall(r"#pragma message: sees (\w+)", r.stderr))
            if m not in seen:
                fail(f"{m} does not see its own headers: the probe is broken ({r.stderr[:500]})")
            wrong = seen - ALLOWED[m] - {m}
            if wrong:
                fail(f"core/{m} can include headers of {sorted(wrong)}, which the layers forbid "
                     f"(it may use {sorted(ALLOWED[m]) or 'no other module'})")
            print(f"{m}: sees {', '.join(sorted(seen - {m})) or 'no other module'}")
        for m, wrong_header, allowed_header in WRONG_WAY:
            good = compile_probe(commands[m], f'#include "{allowed_header}"\nint probe;\n', tmp)
            if good.returncode != 0:
                fail(f"{m} including {allowed_header} (allowed) did not compile:\n{good.stderr[:2000]}")
            bad = compile_probe(commands[m], f'#include "{wrong_header}"\nint probe;\n', tmp)
            if bad.returncode == 0:
                fail(f"{m} including {wrong_header} compiled: the wrong-way include is not stopped")
            if f"{wrong_header}: No such file or directory" not in bad.stderr:
                fail(f"{m} including {wrong_header} failed, but not for want of the header:\n{bad.stderr[:2000]}")
            print(f"{m} including {wrong_header}: fails to build, as it should")
    print("layers hold")


if __name__ == "__main__":
    main()
