#!/usr/bin/env python3
"""The items of the civil-service API simulator, made from a `hopnhat gen` civil_servants.csv, with\ntheir postings and salary history as the contract's nested arrays."""
import csv
import json
import sys

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""), delimiter=";"))
items = [{"ma_can_bo": r["Mã cán bộ"], "ho_ten": r["Họ tên"], "ngay_sinh": r["Ngày sinh"],
          "gioi_tinh": "Nam" if r["Giới tính"] == "1" else "Nữ", "so_dinh_danh": r["Số định danh cá nhân"] or None,
          "ma_ngach": r["Mã ngạch"], "bac_luong": int(r["Bậc lương"]), "he_so_luong": float(r["Hệ số lương"]),
          "don_vi": {"ma": "DV%02d" % (len(r["Đơn vị"]) % 7), "ten": r["Đơn vị"]}, "chuc_vu": r["Chức vụ"],
          "cap_nhat_luc": "2026-01-01T%02d:%02d:%02dZ" % (i // 3600, i // 60 % 60, i % 60)} for i, r in enumerate(rows)]
# Their "quá trình công tác" and "quá trình lương": every item holds its present posting since a
# day of its own; one in four came from Văn phòng; one in three was a step lower before 2021.
for i, item in enumerate(items):
    since = "20%02d-%02d-01" % (12 + i % 10, 1 + i % 12)
    postings = [{"tu_ngay": since, "den_ngay": None, "don_vi": item["don_vi"], "chuc_vu": item["chuc_vu"]}]
    if i % 4 == 0:
        postings.insert(0, {"tu_ngay": "2008-09-01", "den_ngay": "20%02d-06-30" % (12 + i % 10 - 2),
                            "don_vi": "Văn phòng", "chuc_vu": "Chuyên viên"})
    item["qua_trinh_cong_tac"] = postings
    if i % 3 == 0 and item["bac_luong"] > 1:
        item["qua_trinh_luong"] = [{"tu_ngay": "2018-01-01", "ma_ngach": item["ma_ngach"], "bac_luong": item["bac_luong"] - 1},
                                   {"tu_ngay": "2021-01-01", "ma_ngach": item["ma_ngach"], "bac_luong": item["bac_luong"],
                                    "he_so_luong": item["he_so_luong"]}]
json.dump(items, sys.stdout, ensure_ascii=False)
