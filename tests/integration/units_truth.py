"""The headcount per unit that `hopnhat units list` printed (JSON), against the truth of
`hopnhat gen --merger`, on the date each file was counted for (its "as_of"): a person the
civil-service system keeps postings for is where truth_postings.csv puts them on that date (and
in no unit on a date they held no posting: before they joined, after they left); any other
person is in their unit of truth_units.csv. A unit is carried through crosswalk.csv to the date.

usage: units_truth.py GEN_DIR UNITS.json…

A person whose only record is a party record of the agency-wide cell ("Chi bộ Cơ quan") names no
unit: such persons are expected among the unplaced, not in a unit. Matching is not perfect on
noisy data (a person split in two or two joined moves a count): 3% of a unit, at least 2."""
import csv, collections, json, os, sys

gen, files = sys.argv[1], sys.argv[2:]
unit_of = {r["person"]: r["unit_code"] for r in csv.DictReader(open(f"{gen}/truth_units.csv"))}
postings = collections.defaultdict(list)
if os.path.exists(f"{gen}/truth_postings.csv"):
    for r in csv.DictReader(open(f"{gen}/truth_postings.csv")):
        postings[r["person"]].append(r)
sources = collections.defaultdict(set)
for r in csv.DictReader(open(f"{gen}/truth.csv")):
    sources[r["person"]].add((r["source"], r["record_id"]))
cell = {r["Số thẻ đảng viên"]: r["Chi bộ"] for r in csv.DictReader(open(f"{gen}/party_members.csv"))}
unplaceable = {p for p, recs in sources.items()
               if {s for s, _ in recs} == {"party"} and all(cell[i] == "Chi bộ Cơ quan" for _, i in recs)}
edges = list(csv.DictReader(open(f"{gen}/crosswalk.csv")))

def carry(code, date):
    for e in edges:
        if e["old_code"] == code and date >= e["valid_from"]:
            return carry(e["new_code"], date)
    return code

def place(person, date):
    if person in postings:
        held = [r["unit_code"] for r in postings[person] if r["from"] <= date and (not r["to"] or r["to"] >= date)]
        return carry(held[0], date) if held else None
    return carry(unit_of[person], date)

def check(file):
    got = json.load(open(file))
    date = got["as_of"]
    placed = {p: place(p, date) for p in unit_of if p not in unplaceable}
    expected = collections.Counter(u for u in placed.values() if u)
    counts = {u["code"]: u["headcount"] for u in got["units"]}
    for code in set(expected) | set(counts):
        want, have = expected.get(code, 0), counts.get(code, 0)
        if abs(have - want) > max(2, 0.03 * want):
            raise SystemExit(f"{date} {code}: units list says {have}, the generator's truth {want}")
    unplaced = sum(n["persons"] for n in got["unplaced"])
    if abs(unplaced - len(unplaceable)) > max(2, 0.03 * len(unplaceable)):
        raise SystemExit(f"{date}: {unplaced} persons unplaced, the truth {len(unplaceable)} (only the agency-wide cell)")
    off = sum(1 for u in placed.values() if u is None)
    if postings and abs(got.get("not_posted", 0) - off) > max(2, 0.03 * off):
        raise SystemExit(f"{date}: {got.get('not_posted')} persons without a posting that day, the truth {off}")
    print(date, "ok:", dict(sorted(counts.items())), "unplaced", unplaced, "not posted", got.get("not_posted", 0))

for f in files:
    check(f)
