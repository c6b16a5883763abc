#!/usr/bin/env python3
"""The administrators' screens at scale (issue #24): how long the dashboard and each queue page,
filter and order take over real HTTP, on a store a sync filled.

    bench/queue_bench.py --hopnhat build/bin/hopnhat --config DATA/hopnhat.json [--repeat 5] [--json FILE]

Adds a throw-away admin account, starts `hopnhat serve` on a free loopback port, logs in, and
times each request `--repeat` times (the slowest is reported beside the median). Prints a
Markdown table; exits 0 unless a request fails.
"""
import argparse
import http.cookiejar
import json
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hopnhat", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json")
    args = ap.parse_args()
    user, password = "bench-admin", "mat-khau-bench-9f3k"
    subprocess.run([args.hopnhat, "users", "add", user, "--role", "admin", "--password-stdin", "--config", args.config],
                   input=password + "\n", text=True, check=False, capture_output=True)  # exists already on a rerun
    server = subprocess.Popen([args.hopnhat, "serve", "--config", args.config, "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        m = re.search(r"http://[^ \n]*", line)
        if not m:
            raise SystemExit(f"queue_bench: the server did not start: {line!r}")
        url = m.group(0)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = urllib.request.Request(url + "api/login", data=json.dumps({"user": user, "password": password}).encode(),
                                       headers={"Content-Type": "application/json"})
        opener.open(login).read()

        def get(path):
            t = time.monotonic()
            body = opener.open(url + path).read()
            return time.monotonic() - t, json.loads(body)

        _, first = get("api/conflicts")
        last_page = max(1, -(-first["total"] // first["per_page"]))
        unit = urllib.parse.quote(first["units"][0]) if first["units"] else ""
        source = urllib.parse.quote(first["sources"][0]) if first["sources"] else ""
        requests = [
            ("dashboard", "api/dashboard"),
            ("queue, first page (most severe first)", "api/conflicts"),
            (f"queue, last page ({last_page})", f"api/conflicts?page={last_page}"),
            ("queue, one kind", "api/conflicts?kind=value_mismatch"),
            ("queue, one unit", f"api/conflicts?unit={unit}"),
            ("queue, one source", f"api/conflicts?source={source}"),
            ("queue, open a day or more", "api/conflicts?min_age_days=1"),
            ("queue, by name", "api/conflicts?sort=person&page=2"),
            ("settled disagreements", "api/conflicts?status=settled"),
        ]
        rows = []
        for name, path in requests:
            times = [get(path)[0] for _ in range(args.repeat)]
            rows.append({"request": name, "path": path, "median_ms": round(1000 * statistics.median(times), 1),
                         "max_ms": round(1000 * max(times), 1)})
        result = {"open_cases": first["total"], "requests": rows}
        print(f"Open cases: {first['total']:,}\n")
        print("| request | median | slowest |\n|---|---|---|")
        for r in rows:
            print(f"| {r['request']} | {r['median_ms']} ms | {r['max_ms']} ms |")
        if args.json:
            json.dump(result, open(args.json, "w"), indent=2)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
