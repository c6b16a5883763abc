#!/usr/bin/env python3
"""Golden-record quality of a hopnhat store against the truth of bench/second_gen.py.

    golden_eval.py --persons persons.json --links links.json --truth-dir DIR

persons.json = `hopnhat persons --format json`, links.json = `hopnhat links --format json`,
DIR holds truth.csv (source,record_id,person) and truth_persons.csv
(person,full_name,birth_date,gender,citizen_id).

Every golden person is mapped to the true person holding most of its (non-deleted) linked records;
ties go to the true person id that sorts first. Prints, as JSON, how many golden persons carry the
true full name (compared after Unicode NFC), birth date (ISO yyyy-mm-dd) and citizen ID (exact),
and their shares of all golden persons that hold at least one record of the truth. When DIR also
holds the generator's three CSV files (second_gen.py's, or `hopnhat gen`'s with the office file
in TCVN3), each field also says for how many golden persons the true
value was written (exactly) in at least one of their records ("available"), and how many of those
got it right. Gender is reported too (as Nam/Nữ).
"""
import argparse
import csv
import io
import json
import os
import sys
import unicodedata
from collections import Counter, defaultdict

FIELDS = ["full_name", "birth_date", "citizen_id", "gender"]


def nfc(s):
    return unicodedata.normalize("NFC", s) if isinstance(s, str) else s


def person_list(doc):
    """The list of person objects, whatever wraps it."""
    if isinstance(doc, list):
        return doc
    for key in ("persons", "items", "data", "results"):
        if isinstance(doc.get(key), list):
            return doc[key]
    raise SystemExit("persons.json: no list of persons found")


def person_id(p):
    for key in ("person_id", "id", "person"):
        if key in p and isinstance(p[key], (str, int)):
            return str(p[key])
    raise SystemExit(f"persons.json: a person without an id: {json.dumps(p, ensure_ascii=False)[:200]}")


def plain(v):
    """A golden value may be given bare or as {"value": ..., "source": ...}."""
    if isinstance(v, dict):
        for key in ("value", "val", "v"):
            if key in v:
                return plain(v[key])
        return None
    return v


def golden_value(p, field):
    for container in (p.get("fields"), p.get("golden"), p.get("values"), p.get("attributes"), p):
        if isinstance(container, dict) and field in container:
            return plain(container[field])
        if isinstance(container, list):               # [{"field": ..., "value": ...}, ...]
            for item in container:
                if isinstance(item, dict) and item.get("field") == field:
                    return plain(item)
    return None


# The generators' files (second_gen.py, third_gen.py): (file, delimiter, id, name, birth date,
# citizen id), each column by the headings they use.
SOURCE_FILES = {
    "party": ("party_members.csv", ",", ["Số thẻ đảng viên"], ["Họ và tên", "Họ tên"], ["Ngày sinh"], ["Số CCCD"]),
    "civil": ("civil_servants.csv", ";", ["Mã cán bộ"], ["Họ tên", "Họ và tên"], ["Ngày sinh"], ["Số định danh cá nhân", "Số CCCD"]),
    "office": ("office_staff.csv", ",", ["Mã hồ sơ"], ["Họ và tên", "Họ tên"], ["Ngày tháng năm sinh", "Ngày sinh"], ["Số CCCD"]),
}
# `hopnhat gen` writes the office file in TCVN3 (bytes decoded with sdk/data's glibc table).
TCVN3_OFFICE_FILE = "office_staff_tcvn3.csv"


def tcvn3_text(path):
    table = {}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sdk", "data", "tcvn5712-1_glibc.tsv"),
              encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            byte, code = line.rstrip("\n").split("\t")[:2]
            table[int(byte, 16)] = chr(int(code[2:], 16))
    with open(path, "rb") as f:
        return "".join(table.get(b, chr(b)) for b in f.read())


def column(row, names):
    for n in names:
        if n in row:
            return row[n] or ""
    return ""


def iso_date(s):
    s = s.strip()
    parts = s.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        return f"{parts[2]}-{int(parts[1]):02d}-{int(parts[0]):02d}"
    parts = s.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return f"{parts[0]}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return None


def source_values(truth_dir):
    """(source, record_id) -> {field: value as written, lightly normalised}; empty if the files are absent.
    Used to tell whether the true value was available in a golden person's records at all."""
    out = {}
    for src, (fname, delim, id_col, name_col, date_col, id_num_col) in SOURCE_FILES.items():
        path = os.path.join(truth_dir, fname)
        if src == "office" and not os.path.exists(path) and os.path.exists(os.path.join(truth_dir, TCVN3_OFFICE_FILE)):
            lines = io.StringIO(tcvn3_text(os.path.join(truth_dir, TCVN3_OFFICE_FILE)), newline="")
        elif os.path.exists(path):
            lines = open(path, encoding="utf-8-sig", newline="")
        else:
            continue
        with lines as f:
            for row in csv.DictReader(f, delimiter=delim):
                out[(src, column(row, id_col))] = {
                    "full_name": " ".join(nfc(column(row, name_col)).split()),
                    "birth_date": iso_date(column(row, date_col)),
                    "citizen_id": "".join(c for c in column(row, id_num_col) if c.isdigit()),
                }
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", required=True)
    ap.add_argument("--links", required=True)
    ap.add_argument("--truth-dir", required=True)
    ap.add_argument("--show-errors", type=int, default=0, help="also list up to N wrong values per field")
    args = ap.parse_args()

    truth_of = {}
    with open(os.path.join(args.truth_dir, "truth.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth_of[(row["source"], row["record_id"])] = row["person"]
    true_values = {}
    with open(os.path.join(args.truth_dir, "truth_persons.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            true_values[row["person"]] = row

    records = defaultdict(list)
    with open(args.links, encoding="utf-8") as f:
        for l in json.load(f):
            if l.get("status") != "deleted":
                records[str(l["person_id"])].append((l["source"], str(l["record_id"])))

    with open(args.persons, encoding="utf-8") as f:
        persons = person_list(json.load(f))
    raw = source_values(args.truth_dir)
    available = Counter()
    correct_available = Counter()

    counted = 0
    no_truth = 0
    correct = Counter()
    missing = Counter()
    all_three = 0
    mapped_to = Counter()
    errors = defaultdict(list)
    for p in persons:
        pid = person_id(p)
        recs = records.get(pid, [])
        votes = Counter(truth_of[r] for r in recs if r in truth_of)
        if not votes:
            no_truth += 1
            continue
        best = max(votes.values())
        true_pid = min(t for t, n in votes.items() if n == best)
        mapped_to[true_pid] += 1
        counted += 1
        truth = true_values[true_pid]
        ok_all = True
        for field in FIELDS:
            v = golden_value(p, field)
            if v is None or v == "":
                missing[field] += 1
            v = nfc(str(v)) if v is not None else None
            want = nfc(truth[field])
            avail = field != "gender" and any(raw.get(r, {}).get(field) == want for r in recs)
            if avail:
                available[field] += 1
            if v == want:
                correct[field] += 1
                if avail:
                    correct_available[field] += 1
            else:
                if field != "gender":
                    ok_all = False
                if len(errors[field]) < args.show_errors:
                    errors[field].append({"person": pid, "true_person": true_pid, "golden": v, "true": want,
                                          "available": avail})
        if ok_all:
            all_three += 1

    share = lambda n: round(n / counted, 5) if counted else 0.0
    out = {"golden_persons": len(persons), "evaluated": counted, "without_true_records": no_truth,
           "true_persons": len(true_values),
           "true_persons_found": len(mapped_to),
           "true_persons_split": sum(1 for n in mapped_to.values() if n > 1)}
    for field in FIELDS:
        out[field] = {"correct": correct[field], "share": share(correct[field]), "missing": missing[field]}
        if raw and field != "gender":
            # how many golden persons had the true value, exactly as true (name: NFC, spaces collapsed;
            # date: a full date in any format; ID: digits), in at least one of their records
            out[field]["available"] = available[field]
            out[field]["correct_where_available"] = correct_available[field]
            out[field]["share_where_available"] = (round(correct_available[field] / available[field], 5)
                                                   if available[field] else 0.0)
    out["name_date_id_all_correct"] = {"correct": all_three, "share": share(all_three)}
    if args.show_errors:
        out["errors"] = errors
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
