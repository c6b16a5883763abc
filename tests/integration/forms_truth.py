"""The merger and headcount forms of the reports plugin, as LibreOffice read them back (CSV),
against figures computed here from the truth of `hopnhat gen --merger` alone — its units.csv,
crosswalk.csv, truth_units.csv and truth_postings.csv, read by Python, not by hopnhat.

usage: forms_truth.py GEN_DIR AS_OF MERGER.csv HEADCOUNT_NEW.csv HEADCOUNT_OLD.csv

Where each true person is on a day: a person whose civil-service postings are known is where
truth_postings.csv puts them (nowhere on a day they held no posting); any other is in their unit
of truth_units.csv. A unit is carried through the crosswalk to the day asked. A head's position
begins with "Trưởng", a deputy's with "Phó". The merger form compares the day before the
crosswalk's date with AS_OF. The old structure puts a person where they were that day when it
became their unit of AS_OF; those who joined the merged unit later cannot be put under either
predecessor and are counted in the "(chưa xác định đơn vị)" row, as are the persons whose only
record is the agency-wide party cell (they name no unit). Matching is not perfect on noisy data:
3% of a figure, at least 2."""
import collections, csv, datetime, sys

gen, as_of, merger_csv, new_csv, old_csv = sys.argv[1:6]
UNPLACED = "(chưa xác định đơn vị)"

units = list(csv.DictReader(open(f"{gen}/units.csv", encoding="utf-8")))
edges = list(csv.DictReader(open(f"{gen}/crosswalk.csv", encoding="utf-8")))
merger = max(e["valid_from"] for e in edges)
before = (datetime.date.fromisoformat(merger) - datetime.timedelta(days=1)).isoformat()
truth_unit = {r["person"]: (r["unit_code"], r["position"]) for r in csv.DictReader(open(f"{gen}/truth_units.csv", encoding="utf-8"))}
postings = collections.defaultdict(list)
for r in csv.DictReader(open(f"{gen}/truth_postings.csv", encoding="utf-8")):
    postings[r["person"]].append(r)
sources = collections.defaultdict(set)
for r in csv.DictReader(open(f"{gen}/truth.csv", encoding="utf-8")):
    sources[r["person"]].add((r["source"], r["record_id"]))
cell = {r["Số thẻ đảng viên"]: r["Chi bộ"] for r in csv.DictReader(open(f"{gen}/party_members.csv", encoding="utf-8"))}
nameless = {p for p, recs in sources.items()
            if {s for s, _ in recs} == {"party"} and all(cell[i] == "Chi bộ Cơ quan" for _, i in recs)}

def valid(code, day):
    return any(u["code"] == code and (not u["valid_from"] or u["valid_from"] <= day) and (not u["valid_to"] or day <= u["valid_to"])
               for u in units)

def carry(code, day):
    for e in edges:
        if e["old_code"] == code and e["valid_from"] <= day:
            return carry(e["new_code"], day)
    return code

def held(person, day):
    """(unit code as of that day, position), or None when not on the staff that day."""
    if person in postings:
        rows = [r for r in postings[person] if r["from"] <= day and (not r["to"] or r["to"] >= day)]
        return (rows[0]["unit_code"], rows[0]["position"]) if rows else None
    return truth_unit[person]

# Only the civil-service and office records state a position: a person known to the party
# database alone is staff to any reader of the records.
positioned = {p for p, recs in sources.items() if any(s in ("civil", "office") for s, _ in recs)}

def level(position, person):
    if person not in positioned: return "staff"
    return "head" if position.startswith("Trưởng") else "deputy" if position.startswith("Phó") else "staff"

def name_of(code, day):
    rows = [u for u in units if u["code"] == code and (not u["valid_from"] or u["valid_from"] <= day) and (not u["valid_to"] or day <= u["valid_to"])]
    return rows[0]["name"] if rows else [u for u in units if u["code"] == code][-1]["name"]

def quota(code):
    return float([u for u in units if u["code"] == code][-1].get("quota") or 0)

def read(path):
    rows = list(csv.reader(open(path, encoding="utf-8")))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "(1)")
    body = []
    for r in rows[start + 1:]:
        if not any(r): break
        body.append(r)
    return body

def num(s): return float(s) if s not in ("", None) else 0.0

def close(got, want, what):
    if abs(got - want) > max(2, 0.03 * abs(want)):
        raise SystemExit(f"{what}: the form says {got:g}, the truth {want:g}")

people = [p for p in truth_unit]
now = {p: held(p, as_of) for p in people}
then = {p: held(p, before) for p in people}
valid_now = [u["code"] for u in units if (not u["valid_from"] or u["valid_from"] <= as_of) and (not u["valid_to"] or as_of <= u["valid_to"])]

def rows_of(path, key_column):
    """{key: row}: a unit's row by its key column, a predecessor's "– từ" row by (unit, its key)."""
    rows = read(path)
    total = rows[-1]
    assert total[0] == "Tổng cộng", (path, total)
    table, current = {}, None
    for r in rows[:-1]:
        key = UNPLACED if r[1] == UNPLACED else r[key_column]
        if r[1].startswith("– từ "):
            table[(current, key)] = r
        else:
            current = key
            table[key] = r
    return table, total

def compare(what, table, want, columns, first):
    for key in set(want) | set(table):
        got = [num(x) for x in table[key][first:first + len(columns)]] if key in table else [0.0] * len(columns)
        for i, name in enumerate(columns):
            close(got[i], want[key][i], f"{what}, {key}, {name}")

# 1. The merger form: a row per unit of AS_OF, then a "– từ X" row for each unit that became it.
table, total = rows_of(merger_csv, 2)
COLUMNS = ["quota", "before", "moved", "after", "difference", "heads before", "heads after", "deputies before", "deputies after"]
want = collections.defaultdict(lambda: [0.0] * 9)
for code in valid_now:
    want[code][0] = quota(code)
    for e in edges:
        if e["new_code"] == code: want[(code, e["old_code"])][0] = quota(e["old_code"])
def add(keys, index, person_level, head_index, deputy_index):
    for k in keys:
        want[k][index] += 1
        want[k][head_index] += person_level == "head"
        want[k][deputy_index] += person_level == "deputy"
for p in people:
    a = None if p in nameless else now[p]
    b = None if p in nameless else then[p]
    at = carry(a[0], as_of) if a else None
    went = carry(b[0], as_of) if b else None
    if a:
        key = at if at in valid_now else UNPLACED
        add([key] + ([(key, b[0])] if b and (key, b[0]) in want else []), 3, level(a[1], p), 6, 8)
    if b:
        key = went if went in valid_now else UNPLACED
        add([key] + ([(key, b[0])] if (key, b[0]) in want else []), 1, level(b[1], p), 5, 7)
        if a and at == went:
            want[key][2] += 1
            if (key, b[0]) in want: want[(key, b[0])][2] += 1
for p in nameless:  # no unit written: the unplaced row, as staff
    if now[p] is not None: want[UNPLACED][3] += 1
    if then[p] is not None: want[UNPLACED][1] += 1
for w in want.values():
    w[4] = w[3] - w[0]
compare("merger form", table, want, COLUMNS, 3)
for i, name in enumerate(COLUMNS):
    close(num(total[3 + i]), sum(w[i] for k, w in want.items() if isinstance(k, str)), f"merger form, total, {name}")
print("merger form ok:", {k if isinstance(k, str) else " < ".join(k): [int(num(x)) for x in v[3:12]] for k, v in table.items()})

# 2. The headcount form in the new structure (that of AS_OF) and in the old (the day before the
# merger): quota, present, difference, heads, deputies; the predecessors listed.
def headcount(path, structure):
    table, total = rows_of(path, 1)
    want = collections.defaultdict(lambda: [0.0] * 5)
    on = [u for u in units if (not u["valid_from"] or u["valid_from"] <= structure) and (not u["valid_to"] or structure <= u["valid_to"])]
    for u in on:
        want[u["name"]][0] = float(u.get("quota") or 0)
    by_code = {u["code"]: u["name"] for u in on}
    for p in people:
        a = now[p]
        if a is None: continue
        if p in nameless:  # no unit written: the unplaced row, as staff
            want[UNPLACED][1] += 1
            continue
        if structure >= as_of:
            key = by_code.get(carry(a[0], structure), UNPLACED)
        elif valid(a[0], structure):
            key = by_code[a[0]]
        elif then[p] and valid(then[p][0], structure) and carry(then[p][0], as_of) == a[0]:
            key = by_code[then[p][0]]
        else:
            olds = [e["old_code"] for e in edges if e["new_code"] == a[0]]
            key = by_code[olds[0]] if len(olds) == 1 and olds[0] in by_code else UNPLACED
        want[key][1] += 1
        want[key][3] += level(a[1], p) == "head"
        want[key][4] += level(a[1], p) == "deputy"
    for w in want.values():
        w[2] = w[1] - w[0]
    compare(f"headcount form ({structure})", table, want, ["quota", "present", "difference", "heads", "deputies"], 2)
    for u in on:
        names = "; ".join(name_of(e["old_code"], before) for e in edges if e["new_code"] == u["code"])
        assert table[u["name"]][7] == names, (u["name"], table[u["name"]][7], names)
    print(f"headcount form ({structure}) ok:", {k: [int(num(x)) for x in v[2:7]] for k, v in table.items()})

headcount(new_csv, as_of)
headcount(old_csv, before)
