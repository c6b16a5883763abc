"""Puts one person's current posting in dispute in the data of `hopnhat gen --merger`: the
civil-service system's own unit column says Văn phòng for a person whose postings there say the
merged unit, still open. Prints that person's civil-service id.

usage: dispute_posting.py GEN_DIR"""
import csv, sys

d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/civil_postings.csv", encoding="utf-8")))
who = next(r for r in rows if r["Đơn vị"] == "Phòng Tổ chức - Nội vụ" and not r["Đến ngày"])["Mã cán bộ"]
lines = list(csv.reader(open(f"{d}/civil_servants.csv", encoding="utf-8-sig", newline=""), delimiter=";"))
unit, code = lines[0].index("Đơn vị"), lines[0].index("Mã cán bộ")
for line in lines[1:]:
    if line[code] == who: line[unit] = "Văn phòng"
csv.writer(open(f"{d}/civil_servants.csv", "w", encoding="utf-8", newline=""), delimiter=";").writerows(lines)
print(who)
