#!/usr/bin/env python3
"""SQL that creates the party database's reference schema and loads the members of a
`hopnhat gen` party_members.csv, with change times one hour apart from 2026-01-01."""
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
cells = sorted({r["Chi bộ"] for r in rows})
q = lambda v: "NULL" if v == "" else "'" + v.replace("'", "''") + "'"
iso = lambda d: "NULL" if not d else "'" + "-".join(reversed(d.split("/"))) + "'"
print("""CREATE TABLE chi_bo (id integer PRIMARY KEY, ten varchar NOT NULL, dang_bo varchar);
CREATE TABLE dang_vien (
  so_the_dang_vien varchar PRIMARY KEY, ho_ten varchar NOT NULL, gioi_tinh varchar,
  ngay_sinh varchar, que_quan varchar, so_cccd varchar, ngay_vao_dang date, ngay_chinh_thuc date,
  chi_bo_id integer REFERENCES chi_bo(id), cap_nhat_luc timestamp NOT NULL);
GRANT SELECT ON chi_bo, dang_vien TO hopnhat;""")
print("INSERT INTO chi_bo VALUES " + ", ".join(f"({i + 1}, {q(c)}, 'Đảng bộ Cơ quan')" for i, c in enumerate(cells)) + ";")
for i, r in enumerate(rows):
    print(f"INSERT INTO dang_vien VALUES ({q(r['Số thẻ đảng viên'])}, {q(r['Họ và tên'])}, {q(r['Giới tính'])}, "
          f"{q(r['Ngày sinh'])}, {q(r['Quê quán'])}, {q(r['Số CCCD'])}, {iso(r['Ngày vào Đảng'])}, "
          f"{iso(r['Ngày chính thức'])}, {cells.index(r['Chi bộ']) + 1}, TIMESTAMP '2026-01-01' + interval '{i} hours');")
