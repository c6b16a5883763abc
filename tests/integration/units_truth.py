"""The headcount per unit that `hopnhat units list` printed (JSON), against the truth of
`hopnhat gen --merger` (truth_units.csv: each true person's unit before the merger; the merger
itself read from crosswalk.csv), for a date before and one after 1 July 2025.

usage: units_truth.py GEN_DIR BEFORE.json AFTER.json

A person whose only record is a party record of the agency-wide cell ("Chi bộ Cơ quan") names no
unit: such persons are expected among the unplaced, not in a unit. Matching is not perfect on
noisy data (a person split in two or two joined moves a count): 3% of a unit, at least 2."""
import csv, collections, json, sys

gen, before_file, after_file = sys.argv[1:4]
unit_of = {r["person"]: r["unit_code"] for r in csv.DictReader(open(f"{gen}/truth_units.csv"))}
sources = collections.defaultdict(set)
for r in csv.DictReader(open(f"{gen}/truth.csv")):
    sources[r["person"]].add((r["source"], r["record_id"]))
cell = {r["Số thẻ đảng viên"]: r["Chi bộ"] for r in csv.DictReader(open(f"{gen}/party_members.csv"))}
unplaceable = {p for p, recs in sources.items()
               if {s for s, _ in recs} == {"party"} and all(cell[i] == "Chi bộ Cơ quan" for _, i in recs)}
merged_into = {r["old_code"]: r["new_code"] for r in csv.DictReader(open(f"{gen}/crosswalk.csv"))}

def check(file, carry, label):
    expected = collections.Counter(carry(u) for p, u in unit_of.items() if p not in unplaceable)
    got = json.load(open(file))
    counts = {u["code"]: u["headcount"] for u in got["units"]}
    for code in set(expected) | set(counts):
        want, have = expected.get(code, 0), counts.get(code, 0)
        if abs(have - want) > max(2, 0.03 * want):
            raise SystemExit(f"{label} {code}: units list says {have}, the generator's truth {want}")
    unplaced = sum(n["persons"] for n in got["unplaced"])
    if abs(unplaced - len(unplaceable)) > max(2, 0.03 * len(unplaceable)):
        raise SystemExit(f"{label}: {unplaced} persons unplaced, the truth {len(unplaceable)} (only the agency-wide cell)")
    print(label, "ok:", dict(sorted(counts.items())), "unplaced", unplaced)

check(before_file, lambda u: u, "before the merger")
check(after_file, lambda u: merged_into.get(u, u), "after the merger")
