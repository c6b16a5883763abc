#!/usr/bin/env python3
"""`make bench`: hopnhat's speed and quality figures, as published in docs/benchmarks.md.

    bench/run.py [--persons N] [--build build] [--out build/bench]

1. `hopnhat gen --persons N` (three sources, about 2 records per person) into a fresh folder;
2. a full sync into an empty SQLite store, three times (BENCH_REPEAT): the median wall time with
   the spread, the highest peak RSS, per-stage seconds and pairs per second of the median run;
3. pairwise precision / recall / review share against the generator's ground truth;
4. a second sync after 1% of the party records changed: wall time side by side with the full one;
   then the administrators' screens on that store over HTTP (bench/queue_bench.py: the
   dashboard and each queue page, filter and order);
5. the same full and 1%-changed syncs into a PostgreSQL store on a throw-away local server
   (BENCH_POSTGRES=0 skips it);
6. FEBRL dataset 3 (bench/data/febrl) with bench/febrl/febrl3.json: pairwise F1;
7. a 200,000-row, 25-field XLSX roster written and read back by the spreadsheet plugin;
8. the quality surface: bench/quality_grid.py at 3,000 persons (a grid of data conditions, two
   generators written without reading the engine, FEBRL 1-3 and Splink's fake_1000).
Prints a Markdown table and writes the raw figures to OUT/bench.json.
"""
import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, **kw):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    wall = time.monotonic() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, max over children so far
    return wall, max(peak, before) / 1024.0


def timed_own_rss(cmd):
    """Wall time and the peak RSS of this command alone (GNU time), in MiB."""
    t = time.monotonic()
    res = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t
    return wall, int(res.stderr.strip().splitlines()[-1]) / 1024.0


def timed_sync(hopnhat, config, report):
    """A sync of `config` with its run report in `report`: the report, and the figures both
    stores publish (wall time, peak RSS of the sync alone, per-stage seconds). What was written
    before (the generator's files, a night's changes) goes to disk first, not during the run."""
    os.sync()
    wall, rss = timed_own_rss([hopnhat, "--log-level", "warn", "sync", "--config", config, "--report", report])
    rep = json.load(open(report))
    return rep, {"wall_seconds": round(wall, 2), "peak_rss_mib": round(rss),
                 "stages": {k: round(v, 2) for k, v in rep["stages"].items()}}


def one_percent_run(hopnhat, config, data, report):
    """Changes 1% of the party records, syncs again; the figures of that run."""
    changed = change_one_percent(os.path.join(data, "party_members.csv"))
    inc, figures = timed_sync(hopnhat, config, report)
    return {"changed_records": changed, "reported_changed": sum(s["changed"] for s in inc["sources"]),
            "exports": exports_of(inc), **figures}


def spread_run(hopnhat, config, data, report):
    """Changes 1% of the records of every source (so that no file is skipped as unchanged),
    syncs again; the figures of that run."""
    changed = change_one_percent_everywhere(data)
    inc, figures = timed_sync(hopnhat, config, report)
    return {"changed_records": changed, "reported_changed": sum(s["changed"] for s in inc["sources"]),
            "exports": exports_of(inc), **figures}


def exports_of(report):
    """Per export: whether it was written whole or patched, and how many persons it wrote."""
    return [{"name": e["name"], "mode": e["mode"], "written": e["written"], "removed": e["removed"]} for e in report["exports"]]


def postgres_runs(hopnhat, out, persons):
    """Full and 1%-changed syncs into PostgreSQL (a server started here, as the tests do)."""
    fixture = os.path.join(ROOT, "tests", "support", "pg_fixture.sh")
    pg_dir = tempfile.mkdtemp(prefix="hopnhat-bench-pg-")  # where the postgres user may enter
    subprocess.run([fixture, "start", pg_dir], check=True)
    try:
        data = os.path.join(out, "data-pg")
        subprocess.run([hopnhat, "gen", "--persons", str(persons), "--seed", "42", "--out", data], check=True,
                       stdout=subprocess.DEVNULL)
        config = os.path.join(data, "hopnhat.json")
        c = json.load(open(config))
        c["store"] = {"postgres": open(os.path.join(pg_dir, "uri")).read().strip()}
        json.dump(c, open(config, "w"), ensure_ascii=False)
        _, full = timed_sync(hopnhat, config, os.path.join(out, "pg-full.json"))
        result = {"full": full,
                  "one_percent": one_percent_run(hopnhat, config, data, os.path.join(out, "pg-incremental.json"))}
        size = subprocess.run(["psql", "-XtA", c["store"]["postgres"], "-c", "SELECT pg_database_size(current_database())"],
                              check=True, capture_output=True, text=True).stdout.strip()
        result["database_mib"] = round(int(size) / 1048576)
        return result
    finally:
        subprocess.run([fixture, "stop", pg_dir], check=False)


def evaluate(hopnhat, config, extra):
    links = subprocess.run([hopnhat, "links", "--config", config, "--format", "json"], check=True,
                           capture_output=True).stdout
    path = config + ".links.json"
    open(path, "wb").write(links)
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "evaluate.py"), "--links", path] + extra,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def change_every_100th(path, encoding, delimiter, column, change):
    """Applies `change` to one cell of every 100th data row of a generated CSV file."""
    with open(path, encoding=encoding, newline="") as f:
        lines = f.read().split("\r\n")
    changed = 0
    for i in range(100, len(lines), 100):
        if not lines[i]:
            continue
        cells = lines[i].split(delimiter)
        cells[column] = change(cells[column])
        lines[i] = delimiter.join(cells)
        changed += 1
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write("\r\n".join(lines))
    return changed


def change_one_percent(path):
    """1% of the party records: their hometown."""
    return change_every_100th(path, "utf-8", ",", 4, lambda v: "Hà Nội" if v != "Hà Nội" else "Huế")


def change_one_percent_everywhere(data):
    """1% of each source: party hometowns, civil salary steps, office phone numbers (the office
    file is TCVN3 bytes, read here as Latin-1 so that they stay as they are)."""
    changed = change_one_percent(os.path.join(data, "party_members.csv"))
    changed += change_every_100th(os.path.join(data, "civil_servants.csv"), "utf-8", ";", 6,
                                  lambda v: str(int(v) % 12 + 1) if v.isdigit() else "1")
    changed += change_every_100th(os.path.join(data, "office_staff_tcvn3.csv"), "latin-1", ",", 6,
                                  lambda v: v[:-1] + str((int(v[-1]) + 1) % 10) if v[-1:].isdigit() else "0912345678")
    return changed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=int(os.environ.get("BENCH_PERSONS", "1000000")))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "3")),
                    help="full syncs from an empty store; the median is published (this machine's speed wanders)")
    args = ap.parse_args()
    hopnhat = os.path.join(args.build, "bin", "hopnhat")
    out = args.out or os.path.join(args.build, "bench")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    data = os.path.join(out, "data")
    results = {"persons": args.persons, "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores",
               "date": time.strftime("%Y-%m-%d")}

    t = time.monotonic()
    subprocess.run([hopnhat, "gen", "--persons", str(args.persons), "--seed", "42", "--out", data], check=True,
                   stdout=subprocess.DEVNULL)
    results["gen_seconds"] = round(time.monotonic() - t, 2)
    config = os.path.join(data, "hopnhat.json")
    report = os.path.join(out, "full.json")
    runs = []
    for attempt in range(max(1, args.repeat)):
        for suffix in ("", "-wal", "-shm", "-journal", ".lock"):  # an empty store each time
            path = os.path.join(data, "hopnhat.db" + suffix)
            if os.path.exists(path):
                os.remove(path)
        runs.append(timed_sync(hopnhat, config, report))
    by_wall = sorted(runs, key=lambda r: r[1]["wall_seconds"])
    full, figures = by_wall[len(by_wall) // 2]  # the median run's figures; the store is the last run's
    figures["wall_seconds_all"] = [r[1]["wall_seconds"] for r in runs]
    figures["peak_rss_mib"] = max(r[1]["peak_rss_mib"] for r in runs)
    results["full"] = {**figures, "records": full["match"]["records"], "match": full["match"]}
    results["quality"] = evaluate(hopnhat, config, ["--truth", os.path.join(data, "truth.csv")])

    results["one_percent"] = one_percent_run(hopnhat, config, data, os.path.join(out, "incremental.json"))
    results["one_percent_everywhere"] = spread_run(hopnhat, config, data, os.path.join(out, "incremental-all.json"))

    # The administrators' screens on this store (issue #24: every page within 200 ms).
    queue_json = os.path.join(out, "queue.json")
    queue_table = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "queue_bench.py"), "--hopnhat", hopnhat,
                                  "--config", config, "--json", queue_json], check=True, capture_output=True, text=True).stdout
    results["queue"] = json.load(open(queue_json))

    if os.environ.get("BENCH_POSTGRES", "1") != "0":
        results["postgres"] = postgres_runs(hopnhat, out, args.persons)

    febrl_dir = os.path.join(out, "febrl")
    os.makedirs(febrl_dir)
    shutil.copy(os.path.join(ROOT, "bench", "data", "febrl", "dataset3.csv"), febrl_dir)
    shutil.copy(os.path.join(ROOT, "bench", "febrl", "febrl3.json"), febrl_dir)
    fconfig = os.path.join(febrl_dir, "febrl3.json")
    wall, _ = timed([hopnhat, "--log-level", "warn", "sync", "--config", fconfig])
    results["febrl3"] = evaluate(hopnhat, fconfig, ["--febrl"])
    results["febrl3"]["wall_seconds"] = round(wall, 2)

    # Spreadsheets: a 200,000-row roster of 25 fields written, then read back, each in its own
    # process (the peak RSS is the plugin's own).
    sheet_bench = os.path.join(args.build, "bin", "hopnhat-sheet-bench")
    xlsx = os.path.join(out, "roster-200k.xlsx")
    for mode, argv in (("export", ["export", "200000", xlsx]), ("import", ["import", xlsx])):
        line = subprocess.run([sheet_bench] + argv, check=True, capture_output=True, text=True).stdout
        results["xlsx_" + mode] = json.loads(line)

    # The quality surface (bench/quality_grid.py): the grid of data conditions at 3,000 persons,
    # FEBRL 1-3 and fake_1000, and the same three systems made by the second generator.
    grid_json = os.path.join(out, "grid.json")
    grid_table = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "quality_grid.py"), "--hopnhat", hopnhat,
                                 "--persons", "3000", "--json", grid_json], check=True, capture_output=True, text=True).stdout
    results["quality_grid"] = json.load(open(grid_json))

    json.dump(results, open(os.path.join(out, "bench.json"), "w"), indent=2)
    f, q, o, fb = results["full"], results["quality"], results["one_percent"], results["febrl3"]
    print(f"| figure | value |\n|---|---|")
    print(f"| persons generated / source records | {args.persons:,} / {f['records']:,} |")
    print(f"| full sync, empty store: wall (median of {len(f['wall_seconds_all'])}) | {f['wall_seconds']} s "
          f"({', '.join(str(w) for w in f['wall_seconds_all'])}) |")
    print(f"| full sync: peak RSS (highest) | {f['peak_rss_mib']} MiB |")
    print(f"| stages (s) | {', '.join(f'{k} {v}' for k, v in f['stages'].items())} |")
    print(f"| candidate pairs; compared per second | {f['match']['candidate_pairs']:,}; "
          f"{f['match']['per_second']['pairs_compared']:,.0f} |")
    def exported(run):
        return "; ".join(f"export {x['name']} {x['mode']}, {x['written']:,} written" for x in run["exports"])
    print(f"| 1% of party records changed: wall, share of the full sync | {o['wall_seconds']} s, "
          f"{o['wall_seconds'] / f['wall_seconds']:.0%} ({o['reported_changed']} changed; {exported(o)}) |")
    print(f"| 1% of party records changed: stages (s) | {', '.join(f'{k} {v}' for k, v in o['stages'].items())} |")
    e = results["one_percent_everywhere"]
    print(f"| 1% of every source's records changed: wall, share | {e['wall_seconds']} s, "
          f"{e['wall_seconds'] / f['wall_seconds']:.0%} ({e['reported_changed']} changed; {exported(e)}) |")
    if "postgres" in results:
        pg = results["postgres"]
        print(f"| PostgreSQL store: full sync wall, peak RSS (hopnhat) | {pg['full']['wall_seconds']} s, {pg['full']['peak_rss_mib']} MiB |")
        print(f"| PostgreSQL store: 1% changed wall | {pg['one_percent']['wall_seconds']} s ({pg['one_percent']['reported_changed']} changed) |")
        print(f"| PostgreSQL store: database size | {pg['database_mib']} MiB |")
    print(f"| precision / recall / F1 | {q['precision']} / {q['recall']} / {q['f1']} |")
    print(f"| records waiting for review | {q['review_records']:,} ({q['review_share']:.2%}) |")
    print(f"| FEBRL dataset 3: precision / recall / F1 | {fb['precision']} / {fb['recall']} / {fb['f1']} ({fb['wall_seconds']} s) |")
    for mode in ("export", "import"):
        x = results["xlsx_" + mode]
        print(f"| XLSX {mode}, 200,000 rows x 25 fields | {x['seconds']} s, peak RSS {x['peak_rss_mib']} MiB |")
    print("\nThe administrators' screens (bench/queue_bench.py):\n")
    print(queue_table)
    print("\nQuality surface (bench/quality_grid.py --persons 3000):\n")
    print(grid_table)


if __name__ == "__main__":
    main()
