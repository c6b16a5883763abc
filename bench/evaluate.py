#!/usr/bin/env python3
"""Pairwise linkage quality of a hopnhat store against ground truth.

    evaluate.py --links links.json --truth truth.csv          # hopnhat gen's truth file
    evaluate.py --links links.json --febrl                    # FEBRL: rec-N-org / rec-N-dup-K

`links.json` is `hopnhat links --format json`. A pair of records is predicted to match when both
are linked (or wait for review) to the same person; it truly matches when the truth says the
same entity. Prints precision, recall, F1, the true and predicted pair counts and the share of
records waiting for review, as JSON.
"""
import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from itertools import combinations


def pairs_of(groups):
    out = set()
    for members in groups.values():
        for a, b in combinations(sorted(members), 2):
            out.add((a, b))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", required=True)
    ap.add_argument("--truth")
    ap.add_argument("--febrl", action="store_true")
    args = ap.parse_args()

    links = [l for l in json.load(open(args.links, encoding="utf-8")) if l["status"] != "deleted"]
    predicted = defaultdict(list)
    for l in links:
        predicted[l["person_id"]].append((l["source"], l["record_id"]))
    truth = defaultdict(list)
    if args.febrl:
        for l in links:
            m = re.match(r"rec-(\d+)-", l["record_id"])
            truth[m.group(1)].append((l["source"], l["record_id"]))
    else:
        for row in csv.DictReader(open(args.truth, encoding="utf-8")):
            truth[row["person"]].append((row["source"], row["record_id"]))
    p, t = pairs_of(predicted), pairs_of(truth)
    tp = len(p & t)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    review = sum(1 for l in links if l["status"] == "review")
    json.dump({"precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5),
               "true_pairs": len(t), "predicted_pairs": len(p), "true_positive_pairs": tp,
               "records": len(links), "review_records": review,
               "review_share": round(review / len(links), 5) if links else 0.0}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
