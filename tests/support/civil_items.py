#!/usr/bin/env python3
"""The items of the civil-service API simulator, made from a `hopnhat gen` civil_servants.csv."""
import csv
import json
import sys

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""), delimiter=";"))
items = [{"ma_can_bo": r["Mã cán bộ"], "ho_ten": r["Họ tên"], "ngay_sinh": r["Ngày sinh"],
          "gioi_tinh": "Nam" if r["Giới tính"] == "1" else "Nữ", "so_dinh_danh": r["Số định danh cá nhân"] or None,
          "ma_ngach": r["Mã ngạch"], "bac_luong": int(r["Bậc lương"]), "he_so_luong": float(r["Hệ số lương"]),
          "don_vi": {"ma": "DV%02d" % (len(r["Đơn vị"]) % 7), "ten": r["Đơn vị"]}, "chuc_vu": r["Chức vụ"],
          "cap_nhat_luc": "2026-01-01T%02d:%02d:%02dZ" % (i // 3600, i // 60 % 60, i % 60)} for i, r in enumerate(rows)]
json.dump(items, sys.stdout, ensure_ascii=False)
