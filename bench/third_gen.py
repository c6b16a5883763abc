#!/usr/bin/env python3
"""Third, independent synthetic-data generator for hopnhat (standard library only).

Simulates the staff of a merged district agency (Ban Tổ chức Huyện ủy + Phòng Nội vụ and the
neighbouring district units of huyện Tiên Yên, Quảng Ninh) as seen by three systems that never
agreed with each other:

  party_members.csv   party member database          (~70 % of persons), comma-delimited
  civil_servants.csv  state civil-servant system     (~85 % of persons), semicolon-delimited
  office_staff.csv    office spreadsheet (Excel CSV)  (~60 % of persons), comma-delimited, BOM

plus truth.csv, truth_persons.csv and hopnhat.json.

The generator was written without reading the engine; every error rate below is a judgement of
what such records look like, not a target for the matcher.

    python3 bench/third_gen.py --persons N --seed S --out DIR [--missing-cccd F] [--namesakes F]

Reference data (names, province/CCCD codes, communes, salary scales) come from
the repository's copies (core/data, bench/data/admin_units; see their SOURCES.md).
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import unicodedata

# The reference tables ship in the repository (core/data, bench/data/admin_units; sources in their
# SOURCES.md): a clone needs nothing beside it, and every machine makes the same data.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOMAIN_DIRS = [os.path.join(ROOT, "core", "data"), os.path.join(ROOT, "bench", "data", "admin_units")]
REF_DATE = dt.date(2025, 6, 30)          # "today" of the snapshot
DISTRICT = "Tiên Yên"                   # the district whose apparatus we simulate
HOME_PROVINCE = "022"                   # Quảng Ninh

# --------------------------------------------------------------------------------------------
# Error rates (per record, per system).  Chosen by judgement; see the report / module docstring.
# --------------------------------------------------------------------------------------------
RATES = {
    "party": dict(
        upper=0.25, lower=0.0, typo=0.015, strip=0.005, tone_flip=0.15, mid_drop=0.012,
        mid_change=0.004, space=0.0, nfd=0.0, eth=0.0,
        bd_year_only=0.06, bd_month_year=0.05, bd_zero_fill=0.25, bd_swap=0.010,
        bd_digit=0.008, bd_missing=0.0,
        id_digit=0.008, id_swap=0.004, id_lost_zero=0.0, id_spaced=0.0,
        gender_err=0.002, gender_blank=0.0, stale_unit=0.45,
    ),
    "civil": dict(
        upper=0.02, lower=0.0, typo=0.010, strip=0.003, tone_flip=0.10, mid_drop=0.008,
        mid_change=0.003, space=0.0, nfd=0.0, eth=0.0,
        bd_swap=0.005, bd_digit=0.005, bd_missing=0.0,
        id_missing=0.015, id_digit=0.005, id_swap=0.003, id_lost_zero=0.0, id_spaced=0.0,
        gender_err=0.001, gender_blank=0.0, stale_unit=0.20,
    ),
    "office": dict(
        upper=0.06, lower=0.005, typo=0.030, strip=0.030, tone_flip=0.25, mid_drop=0.015,
        mid_change=0.005, space=0.02, nfd=0.015, eth=0.03,
        bd_alt_format=0.08, bd_swap=0.015, bd_digit=0.012, bd_missing=0.008,
        id_digit=0.015, id_swap=0.007, id_lost_zero=0.12, id_spaced=0.01,
        gender_err=0.003, gender_blank=0.01, stale_unit=0.25,
        phone_missing=0.15, phone_lost_zero=0.10,
    ),
}
DEFAULT_MISSING_CCCD = 0.08     # party and office rows without a CCCD
DEFAULT_NAMESAKES = 0.03
MOVED_SHARE = 0.10              # persons who changed unit; each system may still show the old one

# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

def _read_lines(rel):
    name = os.path.basename(rel)  # "names/boy.txt" in the shared layout is core/data/boy.txt here
    path = next((os.path.join(d, name) for d in DOMAIN_DIRS if os.path.exists(os.path.join(d, name))), "")
    if not path:
        raise SystemExit(f"third_gen: reference table {name} not found in {', '.join(DOMAIN_DIRS)}")
    try:
        with open(path, encoding="utf-8") as f:
            return [l.strip() for l in f if l.strip() and not l.startswith("#")]
    except OSError:
        return []


def _read_csv(rel):
    rows = _read_lines(rel)
    if not rows:
        return []
    return list(csv.DictReader(rows))


def fix_eth(s):
    """The name lists contain U+00D0 (Icelandic Eth) for Đ in places; the truth uses U+0110."""
    return unicodedata.normalize("NFC", s.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111"))


PROVINCES = {r["cccd_code"]: r["name"] for r in _read_csv(
    "admin_units/provinces_63_pre2025_gso_cccd.csv")} or {
    "001": "Hà Nội", "022": "Quảng Ninh", "024": "Bắc Giang", "030": "Hải Dương",
    "031": "Hải Phòng", "034": "Thái Bình", "036": "Nam Định", "038": "Thanh Hóa"}
if HOME_PROVINCE not in PROVINCES:
    PROVINCES[HOME_PROVINCE] = "Quảng Ninh"

QN_COMMUNES = [(r["district_type"], r["district_name"], r["commune_type"], r["commune_name"])
               for r in _read_csv("admin_units/quang_ninh_pre2025_districts_communes.csv")] or [
    ("Huyện", "Tiên Yên", "Xã", "Đông Ngũ"), ("Huyện", "Tiên Yên", "Xã", "Hải Lạng"),
    ("Thành phố", "Hạ Long", "Phường", "Bãi Cháy"), ("Huyện", "Đầm Hà", "Xã", "Quảng Tân")]

SALARY = {}
for r in _read_csv("hr/he_so_luong_groups.csv"):
    SALARY[r["group"]] = ([float(x) for x in r["coefficients"].split(";")],
                          int(r["thoi_gian_nang_bac_nam"] or 3))
if not SALARY:
    SALARY = {"A2.1": ([4.40, 4.74, 5.08, 5.42, 5.76, 6.10, 6.44, 6.78], 3),
              "A1": ([2.34, 2.67, 3.00, 3.33, 3.66, 3.99, 4.32, 4.65, 4.98], 3),
              "A0": ([2.10, 2.41, 2.72, 3.03, 3.34, 3.65, 3.96, 4.27, 4.58, 4.89], 3),
              "B": ([1.86, 2.06, 2.26, 2.46, 2.66, 2.86, 3.06, 3.26, 3.46, 3.66, 3.86, 4.06], 2)}

# Birth-registration province of staff of a Quảng Ninh district (CCCD code -> weight).
BIRTH_PROVINCE_W = [("022", 62), ("030", 6), ("031", 5), ("034", 5), ("036", 4), ("024", 3),
                    ("020", 3), ("001", 3), ("033", 2), ("038", 2), ("040", 2)]

# Family names: shares from names/surname_frequency_waiwiki.csv (Huỳnh/Hoàng and Vũ/Võ split
# with the northern spelling dominant), the rest of the ~10 % tail spread over common northern
# and local (Tày, Dao, Sán Dìu) surnames.
SURNAMES = [("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 4.5),
            ("Huỳnh", 0.6), ("Phan", 4.5), ("Vũ", 3.4), ("Võ", 0.5), ("Đặng", 2.1), ("Bùi", 2.0),
            ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đào", 0.9),
            ("Đinh", 0.9), ("Trịnh", 0.7), ("Mai", 0.5), ("Lương", 0.5), ("Cao", 0.4),
            ("Hà", 0.5), ("Phùng", 0.4), ("Lưu", 0.4), ("Đoàn", 0.5), ("Vương", 0.2),
            ("Tô", 0.3), ("Lâm", 0.3), ("Chu", 0.3), ("Trương", 0.4), ("Tạ", 0.3),
            ("Nông", 0.5), ("Triệu", 0.4), ("Lục", 0.2), ("Bàn", 0.2), ("Tăng", 0.1),
            ("Quách", 0.2), ("Khúc", 0.1), ("Nghiêm", 0.1), ("Vi", 0.2), ("Hứa", 0.1)]

MALE_MIDDLE = [("Văn", 0), ("Đức", 7), ("Minh", 7), ("Quang", 5), ("Hữu", 4), ("Xuân", 4),
               ("Ngọc", 3), ("Thanh", 4), ("Công", 4), ("Mạnh", 3), ("Anh", 3), ("Trung", 2),
               ("Hồng", 2), ("Tiến", 2), ("Duy", 3), ("Hoàng", 2), ("Huy", 2), ("Bá", 2),
               ("Đình", 4), ("Quốc", 3), ("Thế", 2), ("Việt", 2), ("Tuấn", 2), ("Kim", 1),
               ("Trọng", 2), ("Khắc", 1), ("Như", 1), ("Thành", 2), ("Hải", 1), ("Tất", 1)]
FEMALE_MIDDLE = [("Thị", 0), ("Thu", 6), ("Thanh", 6), ("Ngọc", 5), ("Minh", 3), ("Hồng", 4),
                 ("Phương", 3), ("Kim", 3), ("Thúy", 2), ("Lan", 1), ("Mai", 2), ("Bích", 2),
                 ("Hoài", 2), ("Thùy", 3), ("Hải", 2), ("Diệu", 1), ("Khánh", 2), ("Hương", 1),
                 ("Quỳnh", 1), ("Vân", 1), ("Tuyết", 1), ("Mỹ", 1), ("Việt", 1), ("Ánh", 1)]
# Second middle name for women with "Thị X Y" names.
FEMALE_MIDDLE2 = ["Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Phương", "Kim", "Thúy", "Bích",
                  "Hoài", "Thùy", "Hải", "Khánh", "Lan", "Mai", "Diệu", "Vân", "Quỳnh"]

# Given names of people born 1965-2003, common ones weighted by feel; the tail comes from the
# one-word lists of names/ with a small uniform weight.
MALE_GIVEN = [("Hùng", 30), ("Dũng", 28), ("Tuấn", 28), ("Hải", 22), ("Thắng", 20),
              ("Cường", 20), ("Long", 18), ("Nam", 18), ("Sơn", 18), ("Trung", 16),
              ("Minh", 18), ("Đức", 16), ("Hưng", 14), ("Tùng", 14), ("Hiếu", 12), ("Quang", 12),
              ("Thành", 14), ("Hoàng", 10), ("Huy", 12), ("Khánh", 10), ("Bình", 10),
              ("Tiến", 10), ("Phong", 9), ("Hòa", 8), ("Việt", 8), ("Anh", 10), ("Hiệp", 7),
              ("Quân", 8), ("Thái", 7), ("Hà", 5), ("Toàn", 7), ("Vinh", 8), ("Lâm", 6),
              ("Thịnh", 6), ("Tú", 6), ("Duy", 6), ("Kiên", 6), ("Chiến", 6), ("Thanh", 6),
              ("Huấn", 4), ("Lực", 4), ("Tâm", 6), ("Tài", 5), ("Trường", 6), ("Đạt", 8),
              ("Thủy", 2), ("Quý", 4), ("Thuận", 4), ("Công", 4), ("Khoa", 5), ("Phúc", 4),
              ("Thụy", 1), ("Lộc", 4), ("Tuyên", 3), ("Hạnh", 2), ("Ngọc", 3), ("Định", 3)]
FEMALE_GIVEN = [("Hương", 30), ("Lan", 24), ("Hà", 24), ("Linh", 22), ("Hằng", 20),
                ("Trang", 22), ("Thủy", 18), ("Hoa", 16), ("Nga", 14), ("Hiền", 16),
                ("Huyền", 16), ("Phương", 16), ("Thảo", 16), ("Mai", 14), ("Hạnh", 12),
                ("Yến", 12), ("Nhung", 10), ("Loan", 10), ("Dung", 12), ("Thúy", 12),
                ("Vân", 10), ("Oanh", 8), ("Ngọc", 10), ("Anh", 12), ("Liên", 8), ("Hoa", 4),
                ("Tâm", 6), ("Thu", 8), ("Hòa", 7), ("Lý", 4), ("Quyên", 6), ("Giang", 8),
                ("Dịu", 3), ("Nhàn", 5), ("Tuyết", 6), ("Xuân", 5), ("Chi", 6), ("Ly", 6),
                ("Thanh", 6), ("Hồng", 6), ("Duyên", 6), ("Lệ", 3), ("Thoa", 4), ("Uyên", 4),
                ("Quỳnh", 6), ("Thơ", 3), ("Vui", 2), ("Bích", 3), ("Thắm", 3), ("Ngân", 5),
                ("Thúy", 4), ("Khuê", 1), ("Thùy", 3), ("Nguyệt", 3), ("Huệ", 4), ("Dương", 3)]


def _tail(rel, weights, skip_lower=True):
    seen = {n for n, _ in weights}
    out = []
    for n in _read_lines(rel):
        n = fix_eth(n)
        if skip_lower and not n[:1].isupper():
            continue
        if n not in seen:
            seen.add(n)
            out.append((n, 0.6))
    return out


MALE_GIVEN += _tail("names/boy_one_word.txt", MALE_GIVEN)
FEMALE_GIVEN += _tail("names/girl_one_word.txt", FEMALE_GIVEN)
# Middle+given pairs from the two-syllable lists (mostly younger, "modern" names).
MALE_PAIRS = [fix_eth(x) for x in _read_lines("names/boy.txt") if len(x.split()) == 2]
FEMALE_PAIRS = [fix_eth(x) for x in _read_lines("names/girl.txt") if len(x.split()) == 2]

# Units: canonical name, civil-system catalogue name, party cell name (without "Chi bộ"),
# office spellings (weighted), weight of staff, kind (for positions).
UNITS = [
    dict(key="VPHU", civil="Văn phòng Huyện uỷ", party="Văn phòng Huyện ủy",
         office=[("Văn phòng Huyện ủy", 5), ("VP Huyện ủy", 3), ("VP HU", 2),
                 ("Văn phòng HU", 1), ("Văn phòng Huyện uỷ", 1)], w=14, kind="vp"),
    dict(key="BTC", civil="Ban Tổ chức Huyện uỷ", party="Ban Tổ chức Huyện ủy",
         office=[("Ban Tổ chức Huyện ủy", 5), ("Ban TC Huyện ủy", 2), ("BTC HU", 2),
                 ("Ban Tổ chức HU", 2), ("Ban Tổ chức", 1)], w=10, kind="ban"),
    dict(key="PNV", civil="Phòng Nội vụ", party="Phòng Nội vụ",
         office=[("Phòng Nội vụ", 5), ("Phòng Nội vụ huyện", 2), ("P. Nội vụ", 2),
                 ("Phòng NV", 1), ("P.NV", 1)], w=12, kind="phong"),
    dict(key="UBKT", civil="Uỷ ban Kiểm tra Huyện uỷ", party="Ủy ban Kiểm tra Huyện ủy",
         office=[("Ủy ban Kiểm tra Huyện ủy", 4), ("UBKT Huyện ủy", 3), ("UBKT HU", 3),
                 ("Uỷ ban kiểm tra HU", 1)], w=7, kind="ubkt"),
    dict(key="BTG", civil="Ban Tuyên giáo Huyện uỷ", party="Ban Tuyên giáo Huyện ủy",
         office=[("Ban Tuyên giáo Huyện ủy", 5), ("Ban TG HU", 2), ("BTG Huyện ủy", 2),
                 ("Ban Tuyên giáo", 1)], w=7, kind="ban"),
    dict(key="BDV", civil="Ban Dân vận Huyện uỷ", party="Ban Dân vận Huyện ủy",
         office=[("Ban Dân vận Huyện ủy", 5), ("Ban DV Huyện ủy", 2), ("BDV HU", 2)],
         w=6, kind="ban"),
    dict(key="VPUB", civil="Văn phòng HĐND và UBND huyện", party="Văn phòng HĐND và UBND",
         office=[("Văn phòng HĐND và UBND huyện", 4), ("VP HĐND-UBND", 3),
                 ("VP HĐND&UBND huyện", 2), ("Văn phòng UBND huyện", 1)], w=16, kind="vp"),
    dict(key="TTCT", civil="Trung tâm Chính trị huyện", party="Trung tâm Chính trị",
         office=[("Trung tâm Chính trị huyện", 4), ("TT Chính trị", 2), ("TTCT huyện", 2)],
         w=6, kind="tt"),
    dict(key="TCKH", civil="Phòng Tài chính - Kế hoạch", party="Phòng Tài chính - Kế hoạch",
         office=[("Phòng Tài chính - Kế hoạch", 4), ("Phòng TC-KH", 3), ("P. TCKH", 2)],
         w=10, kind="phong"),
    dict(key="LDTBXH", civil="Phòng Lao động - Thương binh và Xã hội",
         party="Phòng Lao động - TB và XH",
         office=[("Phòng Lao động - Thương binh và Xã hội", 3), ("Phòng LĐ-TB&XH", 3),
                 ("P. LĐTBXH", 2)], w=8, kind="phong"),
]
HEAD = {"vp": ("Chánh Văn phòng", "Phó Chánh Văn phòng"), "ban": ("Trưởng ban", "Phó Trưởng ban"),
        "phong": ("Trưởng phòng", "Phó Trưởng phòng"), "ubkt": ("Chủ nhiệm", "Phó Chủ nhiệm"),
        "tt": ("Giám đốc", "Phó Giám đốc")}
POS_ABBR = {"Chánh Văn phòng": ["CVP"], "Phó Chánh Văn phòng": ["Phó CVP", "P.CVP"],
            "Trưởng ban": ["TB"], "Phó Trưởng ban": ["Phó TB", "PTB"],
            "Trưởng phòng": ["TP"], "Phó Trưởng phòng": ["Phó TP", "PTP"],
            "Phó Chủ nhiệm": ["PCN"], "Chuyên viên": ["CV"], "Chuyên viên chính": ["CVC"],
            "Kiểm tra viên": ["KTV"], "Phó Giám đốc": ["PGĐ"], "Nhân viên": ["NV"]}
# (position, grade code, salary group, civil-servant?)
STAFF_POS = [("Chuyên viên", "01.003", "A1", True, 52), ("Chuyên viên chính", "01.002", "A2.1", True, 12),
             ("Cán sự", "01.004", "A0", True, 5), ("Văn thư", "02.007", "A1", True, 3),
             ("Kế toán", "06.031", "A1", True, 3), ("Nhân viên", "01.005", "B", True, 3),
             ("Lái xe", "", "", False, 3), ("Bảo vệ", "", "", False, 1.5),
             ("Tạp vụ", "", "", False, 1)]

# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------

def wchoice(rng, items):
    """items: list of (value, weight)."""
    total = sum(w for _, w in items)
    x = rng.random() * total
    for v, w in items:
        x -= w
        if x < 0:
            return v
    return items[-1][0]


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
TONE_LIST = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
VOWELS = set("aeiouyAEIOUY")


def strip_diacritics(s):
    d = unicodedata.normalize("NFD", s)
    d = "".join(c for c in d if not unicodedata.combining(c))
    return d.replace("đ", "d").replace("Đ", "D")


def _split_tone(syl, with_index=False):
    """(syllable without its tone mark, in NFD; the tone mark or ""; [index of the letter
    that carried it, -1 if none])."""
    d = unicodedata.normalize("NFD", syl)
    tone, at, n = "", -1, -1
    rest = []
    for c in d:
        if c in TONES:
            tone, at = c, n
        else:
            if not unicodedata.combining(c):
                n += 1
            rest.append(c)
    if with_index:
        return "".join(rest), tone, at
    return "".join(rest), tone


def _place_tone(base_nfd, idx_letter, tone):
    """Insert tone after the idx_letter-th base letter (with its modifiers) of base_nfd."""
    out, n = [], -1
    i = 0
    chars = list(base_nfd)
    while i < len(chars):
        c = chars[i]
        out.append(c)
        if not unicodedata.combining(c):
            n += 1
            j = i + 1
            while j < len(chars) and unicodedata.combining(chars[j]):
                out.append(chars[j])
                j += 1
            if n == idx_letter and tone:
                out.append(tone)
            i = j
            continue
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def set_tone_style(name, style):
    """style 'old' = Hòa, Thúy (tone on first vowel of a final oa/oe/uy);
    'new' = Hoà, Thuý (tone on the second)."""
    out = []
    for syl in name.split(" "):
        base, tone = _split_tone(syl)
        letters = "".join(c for c in base if not unicodedata.combining(c))
        low = letters.lower()
        if tone and len(low) >= 2 and low[-2:] in ("oa", "oe", "uy") and not (
                low[-2:] == "uy" and len(low) >= 3 and low[-3] == "q"):
            idx = len(letters) - 2 if style == "old" else len(letters) - 1
            syl = _place_tone(base, idx, tone)
        out.append(syl)
    return " ".join(out)


KEY_NEIGH = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "g": "fh", "h": "gj", "i": "uo",
    "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w", "r": "et",
    "s": "ad", "t": "ry", "u": "yi", "v": "cb", "x": "zc", "y": "tu",
}


def typo(rng, name):
    """One keyboard/tone typing error in one word (never in the spaces)."""
    words = name.split(" ")
    wi = rng.randrange(len(words))
    w = words[wi]
    kind = rng.random()
    if kind < 0.25:       # wrong / missing tone mark on one syllable (Telex/VNI slip)
        base, tone, at = _split_tone(w, with_index=True)
        letters = "".join(c for c in base if not unicodedata.combining(c))
        choices = [t for t in TONE_LIST + [""] if t != tone]
        new_tone = rng.choice(choices)
        vidx = [i for i, c in enumerate(letters) if c in VOWELS]
        if vidx:
            w2 = _place_tone(base, at if at >= 0 else vidx[-1 if len(vidx) < 3 else 1], new_tone)
            if w2 != w:
                words[wi] = w2
                return " ".join(words)
        kind = 0.5
    chars = list(w)
    if kind < 0.50 and len(chars) >= 2:       # substitute by a neighbouring key
        i = rng.randrange(1, len(chars)) if len(chars) > 1 else 0
        b = strip_diacritics(chars[i]).lower()
        nb = KEY_NEIGH.get(b)
        if nb:
            c = rng.choice(nb)
            chars[i] = c.upper() if chars[i].isupper() else c
        else:
            chars[i] = strip_diacritics(chars[i])
            if chars[i] == w[i]:
                chars.insert(i, chars[i])
    elif kind < 0.72 and len(chars) >= 3:     # drop a letter (not the first)
        del chars[rng.randrange(1, len(chars))]
    elif kind < 0.86:                         # double a letter
        i = rng.randrange(1, len(chars)) if len(chars) > 1 else 0
        chars.insert(i, chars[i].lower())
    elif len(chars) >= 3:                     # swap two adjacent letters (not the first)
        i = rng.randrange(1, len(chars) - 1)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars.append(chars[-1])
    words[wi] = "".join(chars)
    return " ".join(words)


def valid_date(y, m, d):
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def digit_error(rng, d):
    """Change one digit of ddmmyyyy so the date stays valid and plausible."""
    s = d.strftime("%d%m%Y")
    positions = [0, 1, 2, 3, 6, 7, 7, 6, 1, 7]        # year's last digits and day most often
    for _ in range(30):
        p = rng.choice(positions)
        nd = str((int(s[p]) + rng.choice([1, 9, 1, 9, 2, 8, 3, 7, 4, 6, 5])) % 10)
        t = s[:p] + nd + s[p + 1:]
        x = valid_date(int(t[4:]), int(t[2:4]), int(t[:2]))
        if x and x != d and 1950 <= x.year <= 2007:
            return x
    return d


def swap_dm(d):
    if d.day <= 12 and d.day != d.month:
        return dt.date(d.year, d.day, d.month)
    return d


def cccd_for(rng, prov, gender, year, used):
    century = (year // 100) - 19
    digit = 2 * century + (1 if gender == "Nữ" else 0)
    while True:
        c = "%s%d%02d%06d" % (prov, digit, year % 100, rng.randrange(1000000))
        if c not in used:
            used.add(c)
            return c


def mistype_digit(rng, s):
    i = rng.randrange(len(s))
    return s[:i] + str((int(s[i]) + rng.randrange(1, 10)) % 10) + s[i + 1:]


def swap_digits(rng, s):
    idx = [i for i in range(len(s) - 1) if s[i] != s[i + 1]]
    if not idx:
        return s
    i = rng.choice(idx)
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


# --------------------------------------------------------------------------------------------
# Persons
# --------------------------------------------------------------------------------------------

def make_name(rng, gender, year):
    fam = wchoice(rng, SURNAMES)
    older = year < 1982
    if gender == "Nam":
        if rng.random() < (0.04 if older else 0.15) and MALE_PAIRS:
            return "%s %s" % (fam, rng.choice(MALE_PAIRS))
        if rng.random() < (0.45 if older else 0.25):
            mid = "Văn"
        else:
            mid = wchoice(rng, MALE_MIDDLE[1:])
        given = wchoice(rng, MALE_GIVEN)
        while given == mid:
            given = wchoice(rng, MALE_GIVEN)
        return "%s %s %s" % (fam, mid, given)
    if rng.random() < (0.04 if older else 0.15) and FEMALE_PAIRS:
        return "%s %s" % (fam, rng.choice(FEMALE_PAIRS))
    r = rng.random()
    if r < (0.55 if older else 0.32):
        mid = "Thị"
        if rng.random() < 0.18:
            mid += " " + rng.choice(FEMALE_MIDDLE2)
    else:
        mid = wchoice(rng, FEMALE_MIDDLE[1:])
    given = wchoice(rng, FEMALE_GIVEN)
    while given == mid.split()[-1]:
        given = wchoice(rng, FEMALE_GIVEN)
    name = "%s %s %s" % (fam, mid, given)
    return name


def make_birth(rng, gender):
    # Age 23..60 (women retire a little earlier); more staff in their 30s-40s.
    hi = 60 if gender == "Nam" else 58
    age = int(min(hi, max(23, rng.triangular(23, hi + 2, 40))))
    y = REF_DATE.year - age
    start = dt.date(y, 1, 1)
    return start + dt.timedelta(days=rng.randrange(365))


def hometown(rng, prov):
    if rng.random() < 0.15:                          # father's origin differs from birth place
        prov = wchoice(rng, BIRTH_PROVINCE_W)
    if prov == HOME_PROVINCE and QN_COMMUNES:
        pool = [c for c in QN_COMMUNES if c[1] == DISTRICT] if rng.random() < 0.4 else QN_COMMUNES
        dtp, dname, ctp, cname = rng.choice(pool)
        pname = PROVINCES[HOME_PROVINCE]
        r = rng.random()
        if r < 0.40:
            return "%s %s, %s %s, tỉnh %s" % (ctp, cname, dtp.lower(), dname, pname)
        if r < 0.65:
            return "%s - %s - %s" % (cname, dname, pname)
        if r < 0.85:
            return "%s %s, %s, %s" % (ctp.lower(), cname, dname, pname)
        return "%s, %s" % (dname, pname)
    pname = PROVINCES.get(prov, "Hà Nội")
    r = rng.random()
    if r < 0.5:
        return pname
    if r < 0.85:
        return ("thành phố " if prov in ("001", "031", "048", "079", "092") else "tỉnh ") + pname
    return pname.upper()


def make_persons(rng, n, namesakes):
    used_cccd = set()
    persons = []
    for i in range(n):
        gender = "Nữ" if rng.random() < 0.48 else "Nam"
        birth = make_birth(rng, gender)
        name = make_name(rng, gender, birth.year)
        prov = wchoice(rng, BIRTH_PROVINCE_W) if rng.random() < 0.97 else rng.choice(sorted(PROVINCES))
        persons.append(dict(pid="P%05d" % (i + 1), gender=gender, birth=birth, name=name,
                            prov=prov, tone=("old" if rng.random() < 0.6 else "new")))
    # namesakes: copy full name and birth year (hence gender) of another person
    k = int(round(namesakes * n))
    if n >= 2 and k:
        idx = list(range(n))
        rng.shuffle(idx)
        for j in idx[:k]:
            i = rng.randrange(n - 1)
            i = i + 1 if i >= j else i
            src, p = persons[i], persons[j]
            p["name"], p["gender"], p["tone"] = src["name"], src["gender"], src["tone"]
            b = p["birth"]
            p["birth"] = valid_date(src["birth"].year, b.month, b.day) or dt.date(src["birth"].year, b.month, 28)
            p["namesake_of"] = src["pid"]
    for p in persons:
        p["name"] = set_tone_style(p["name"], p["tone"])
        p["cccd"] = cccd_for(rng, p["prov"], p["gender"], p["birth"].year, used_cccd)
        p["hometown"] = hometown(rng, p["prov"])
        assign_job(rng, p)
    return persons


def assign_job(rng, p):
    unit = wchoice(rng, [(u, u["w"]) for u in UNITS])
    age = REF_DATE.year - p["birth"].year
    r = rng.random()
    head, deputy = HEAD[unit["kind"]]
    if r < 0.035 and age >= 38:
        pos, grade, group, civil = head, "01.002", "A2.1", True
    elif r < 0.12 and age >= 32:
        pos, grade, group, civil = deputy, ("01.002" if rng.random() < 0.5 else "01.003"), None, True
        group = "A2.1" if grade == "01.002" else "A1"
    else:
        pos, grade, group, civil, _ = wchoice(rng, [(s, s[4]) for s in STAFF_POS])
        if pos == "Chuyên viên chính" and age < 35:
            pos, grade, group = "Chuyên viên", "01.003", "A1"
        if unit["kind"] == "ubkt" and pos == "Chuyên viên" and rng.random() < 0.5:
            pos = "Kiểm tra viên"
        if unit["kind"] == "tt" and pos == "Chuyên viên" and rng.random() < 0.4:
            pos = "Giảng viên"
    p["unit"], p["pos"], p["grade"], p["civil_ok"] = unit, pos, grade, civil
    # salary step from years in service (hired at 22-30, moved up every 2-3 years)
    if group:
        coeffs, every = SALARY.get(group, SALARY["A1"])
        service = max(0, age - rng.randint(22, 30))
        step = min(len(coeffs), 1 + service // every - (1 if rng.random() < 0.15 else 0))
        step = max(1, step)
        p["step"], p["coef"] = step, coeffs[step - 1]
    else:
        p["step"], p["coef"] = None, None
    p["old_unit"] = None
    if rng.random() < MOVED_SHARE:
        others = [u for u in UNITS if u is not unit]
        p["old_unit"] = wchoice(rng, [(u, u["w"]) for u in others])
    # hired year for the office file code
    p["hired"] = max(p["birth"].year + 22, REF_DATE.year - rng.randint(0, 30))
    p["hired"] = min(p["hired"], REF_DATE.year)


def membership(rng, p):
    leader = p["pos"] in (HEAD[p["unit"]["kind"]])
    civil = p["civil_ok"] and rng.random() < 0.90
    age = REF_DATE.year - p["birth"].year
    party_p = 0.97 if leader else (0.25 if not p["civil_ok"] else (0.45 if age < 30 else 0.74))
    party = rng.random() < party_p
    office = rng.random() < (0.85 if not p["civil_ok"] else 0.58)
    if not (civil or party or office):
        if p["civil_ok"]:
            pick = wchoice(rng, [("civil", 85), ("party", 70), ("office", 60)])
        else:
            pick = "office"
        civil, party, office = pick == "civil", pick == "party", pick == "office"
    return party, civil, office


# --------------------------------------------------------------------------------------------
# Rendering per system
# --------------------------------------------------------------------------------------------

def render_name(rng, p, sysname):
    R = RATES[sysname]
    name = p["name"]
    if rng.random() < R["tone_flip"]:
        name = set_tone_style(name, "new" if p["tone"] == "old" else "old")
    parts = name.split(" ")
    r = rng.random()
    if len(parts) >= 3 and r < R["mid_drop"]:
        # a woman's "Thị" is what is dropped most often, else a random middle name
        mids = list(range(1, len(parts) - 1))
        k = 1 if parts[1] == "Thị" and rng.random() < 0.7 else rng.choice(mids)
        del parts[k]
    elif len(parts) >= 3 and r < R["mid_drop"] + R["mid_change"]:
        k = rng.randrange(1, len(parts) - 1)
        pool = FEMALE_MIDDLE if p["gender"] == "Nữ" else MALE_MIDDLE
        alt = parts[k]
        while alt == parts[k]:
            alt = rng.choice(pool)[0]
        parts[k] = alt
    name = " ".join(parts)
    if rng.random() < R["typo"]:
        name = typo(rng, name)
    if rng.random() < R["strip"]:
        name = strip_diacritics(name)
    r = rng.random()
    if r < R["upper"]:
        name = name.upper()
    elif r < R["upper"] + R["lower"]:
        name = name.lower()
    if R["eth"] and ("Đ" in name or "đ" in name) and rng.random() < R["eth"]:
        name = name.replace("Đ", "\u00d0")
    if rng.random() < R["space"]:
        name = rng.choice([name + " ", " " + name, name.replace(" ", "  ", 1), name + "  "])
    if rng.random() < R["nfd"]:
        name = unicodedata.normalize("NFD", name)
    return name


def true_birth_for(rng, p, sysname):
    R = RATES[sysname]
    d = p["birth"]
    if rng.random() < R["bd_swap"]:
        d = swap_dm(d)
    if rng.random() < R["bd_digit"]:
        d = digit_error(rng, d)
    return d


def party_birth(rng, p):
    R = RATES["party"]
    d = true_birth_for(rng, p, "party")
    r = rng.random()
    if r < R["bd_year_only"]:
        return "00/00/%d" % d.year if rng.random() < R["bd_zero_fill"] else str(d.year)
    if r < R["bd_year_only"] + R["bd_month_year"]:
        if rng.random() < R["bd_zero_fill"]:
            return "00/%02d/%d" % (d.month, d.year)
        return "%02d/%d" % (d.month, d.year)
    return d.strftime("%d/%m/%Y")


def office_birth(rng, p):
    R = RATES["office"]
    if rng.random() < R["bd_missing"]:
        return ""
    d = true_birth_for(rng, p, "office")
    if rng.random() < R["bd_alt_format"]:
        f = wchoice(rng, [("dmy", 40), ("dash", 18), ("dot", 12), ("iso", 8), ("us", 6),
                          ("serial", 10), ("yy", 6)])
        if f == "dmy":
            return "%d/%d/%d" % (d.day, d.month, d.year)
        if f == "dash":
            return d.strftime("%d-%m-%Y")
        if f == "dot":
            return d.strftime("%d.%m.%Y")
        if f == "iso":
            return d.isoformat()
        if f == "us":
            return "%d/%d/%d" % (d.month, d.day, d.year)
        if f == "serial":
            return str((d - dt.date(1899, 12, 30)).days)
        return d.strftime("%d/%m/%y")
    return d.strftime("%d/%m/%Y")


def render_cccd(rng, p, sysname, missing):
    R = RATES[sysname]
    if rng.random() < missing:
        return ""
    c = p["cccd"]
    r = rng.random()
    if r < R["id_digit"]:
        c = mistype_digit(rng, c)
    elif r < R["id_digit"] + R["id_swap"]:
        c = swap_digits(rng, c)
    if rng.random() < R["id_lost_zero"]:
        c = c.lstrip("0") or "0"
    elif rng.random() < R["id_spaced"]:
        c = "%s %s %s %s" % (c[:3], c[3:6], c[6:9], c[9:])
    return c


def render_gender(rng, p, sysname):
    R = RATES[sysname]
    if rng.random() < R["gender_blank"]:
        return ""
    g = p["gender"]
    if rng.random() < R["gender_err"]:
        g = "Nam" if g == "Nữ" else "Nữ"
    if sysname == "office" and rng.random() < 0.03:
        g = rng.choice([g.lower(), strip_diacritics(g), g.upper()])
    return g


def unit_for(rng, p, sysname):
    if p["old_unit"] is not None and rng.random() < RATES[sysname]["stale_unit"]:
        return p["old_unit"]
    return p["unit"]


def phone(rng):
    prefix = wchoice(rng, [("09%d" % d, 3) for d in (0, 1, 3, 4, 6, 7, 8)] +
                     [("03%d" % d, 2) for d in range(2, 10)] +
                     [("08%d" % d, 1.5) for d in (1, 2, 3, 4, 5, 6, 8, 9)] +
                     [("07%d" % d, 1) for d in (0, 6, 7, 8, 9)])
    return prefix + "%07d" % rng.randrange(10000000)


def render_phone(rng, num):
    R = RATES["office"]
    if rng.random() < R["phone_missing"]:
        return ""
    if rng.random() < R["phone_lost_zero"]:
        return num[1:]
    f = rng.random()
    if f < 0.75:
        return num
    if f < 0.87:
        return "%s.%s.%s" % (num[:4], num[4:7], num[7:])
    if f < 0.95:
        return "%s %s %s" % (num[:4], num[4:7], num[7:])
    return "+84" + num[1:]


def render_position(rng, pos, sysname):
    if sysname == "civil":
        if pos in ("Chuyên viên", "Chuyên viên chính", "Cán sự", "Nhân viên", "Kiểm tra viên",
                   "Giảng viên", "Văn thư", "Kế toán") and rng.random() < 0.7:
            return ""
        return pos
    if pos in POS_ABBR and rng.random() < 0.25:
        return rng.choice(POS_ABBR[pos])
    if rng.random() < 0.05:
        return pos.lower()
    return pos


def party_dates(rng, p):
    """Admitted at 19-45 (most in their mid-twenties); official after the 12-month probation
    plus a few weeks for the decision; blank while still on probation."""
    b = p["birth"]
    latest = REF_DATE - dt.timedelta(days=30)
    max_age = (latest - b).days / 365.25
    if max_age <= 19.5:
        join = latest - dt.timedelta(days=rng.randrange(180))
    else:
        hi = min(45.0, max_age)
        age_join = rng.triangular(19, hi, min(26.0, hi))
        join = b + dt.timedelta(days=int(age_join * 365.25))
    official = join + dt.timedelta(days=365 + int(rng.expovariate(1 / 25.0)))
    off_s = official.strftime("%d/%m/%Y") if official <= REF_DATE else ""
    return join.strftime("%d/%m/%Y"), off_s


# --------------------------------------------------------------------------------------------

PARTY_HEAD = ["Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD",
              "Ngày vào Đảng", "Ngày chính thức", "Chi bộ"]
CIVIL_HEAD = ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã ngạch",
              "Bậc lương", "Hệ số lương", "Đơn vị", "Chức vụ"]
OFFICE_HEAD = ["STT", "Mã hồ sơ", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD",
               "Số điện thoại", "Đơn vị", "Chức vụ"]


def unique_codes(rng, n, make):
    seen, out = set(), []
    while len(out) < n:
        c = make()
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def generate(n, seed, out, missing_cccd, namesakes):
    rng = random.Random(seed)
    persons = make_persons(rng, n, namesakes)
    party_rows, civil_rows, office_rows, truth = [], [], [], []
    for p in persons:
        p["in"] = membership(rng, p)
    n_party = sum(1 for p in persons if p["in"][0])
    n_civil = sum(1 for p in persons if p["in"][1])
    n_office = sum(1 for p in persons if p["in"][2])
    cards = unique_codes(rng, n_party, lambda: "22%06d" % rng.randrange(1000000))
    cards.sort()
    codes = unique_codes(rng, n_civil, lambda: "22199%05d" % rng.randrange(100000))
    codes.sort()
    ci = pi = 0
    for p in persons:
        party, civil, office = p["in"]
        if party:
            unit = unit_for(rng, p, "party")
            join, official = party_dates(rng, p)
            cell = unit["party"]
            if rng.random() < 0.05:
                cell = rng.choice(unit["office"])[0]
            party_rows.append([cards[pi], render_name(rng, p, "party"), party_birth(rng, p),
                               render_gender(rng, p, "party"),
                               p["hometown"] if rng.random() > 0.03 else "",
                               render_cccd(rng, p, "party", missing_cccd), join, official,
                               "Chi bộ " + cell])
            truth.append(("party", cards[pi], p["pid"]))
            pi += 1
        if civil:
            unit = unit_for(rng, p, "civil")
            d = true_birth_for(rng, p, "civil")
            coef = "" if p["coef"] is None else ("%.2f" % p["coef"]).replace(".", ",")
            civil_rows.append([codes[ci], render_name(rng, p, "civil"), d.isoformat(),
                               render_gender(rng, p, "civil"),
                               render_cccd(rng, p, "civil", RATES["civil"]["id_missing"]),
                               p["grade"], "" if p["step"] is None else str(p["step"]), coef,
                               unit["civil"], render_position(rng, p["pos"], "civil")])
            truth.append(("civil", codes[ci], p["pid"]))
            ci += 1
        if office:
            unit = unit_for(rng, p, "office")
            office_rows.append([None, None, render_name(rng, p, "office"), office_birth(rng, p),
                                render_gender(rng, p, "office"),
                                render_cccd(rng, p, "office", missing_cccd),
                                render_phone(rng, phone(rng)), wchoice(rng, unit["office"]),
                                render_position(rng, p["pos"], "office"), unit["key"], p])
    # office file codes: HS<hired year>-<seq>, unique
    seq = {}
    for row in office_rows:
        y = row[10]["hired"]
        seq[y] = seq.get(y, 0) + 1
        row[1] = "HS%d-%03d" % (y, seq[y])
        truth.append(("office", row[1], row[10]["pid"]))
    # grouped by unit as a hand-kept spreadsheet is, random order inside a unit
    order = {u["key"]: i for i, u in enumerate(UNITS)}
    keyed = [(order[r[9]], rng.random(), r) for r in office_rows]
    keyed.sort(key=lambda t: (t[0], t[1]))
    office_rows = [t[2][:9] for t in keyed]
    for i, r in enumerate(office_rows):
        r[0] = str(i + 1)
    party_rows.sort(key=lambda r: r[0])
    civil_rows.sort(key=lambda r: r[0])

    os.makedirs(out, exist_ok=True)

    def write(fn, head, rows, delim=",", bom=False):
        with open(os.path.join(out, fn), "w", encoding="utf-8-sig" if bom else "utf-8",
                  newline="") as f:
            w = csv.writer(f, delimiter=delim, lineterminator="\r\n")
            w.writerow(head)
            w.writerows(rows)

    write("party_members.csv", PARTY_HEAD, party_rows)
    write("civil_servants.csv", CIVIL_HEAD, civil_rows, delim=";")
    write("office_staff.csv", OFFICE_HEAD, office_rows, bom=True)
    with open(os.path.join(out, "truth.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "record_id", "person"])
        w.writerows(truth)
    with open(os.path.join(out, "truth_persons.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["person", "full_name", "birth_date", "gender", "citizen_id"])
        for p in persons:
            w.writerow([p["pid"], p["name"], p["birth"].isoformat(), p["gender"], p["cccd"]])
    cfg = {"store": {"sqlite": "hopnhat.db"}, "sources": [
        {"name": "party", "plugin": "csv",
         "options": {"path": "party_members.csv", "id": PARTY_HEAD[0]}},
        {"name": "civil", "plugin": "csv",
         "options": {"path": "civil_servants.csv", "id": CIVIL_HEAD[0], "delimiter": ";"}},
        {"name": "office", "plugin": "csv",
         "options": {"path": "office_staff.csv", "id": OFFICE_HEAD[1]}}]}
    with open(os.path.join(out, "hopnhat.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return dict(persons=n, party=n_party, civil=n_civil, office=n_office,
                namesakes=sum(1 for p in persons if "namesake_of" in p))


def fraction(s):
    v = float(s)
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return v


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--missing-cccd", type=fraction, default=DEFAULT_MISSING_CCCD,
                    help="share of party and office rows without a CCCD (default %(default)s)")
    ap.add_argument("--namesakes", type=fraction, default=DEFAULT_NAMESAKES,
                    help="share of persons copying another's full name and birth year "
                         "(default %(default)s)")
    a = ap.parse_args(argv)
    if a.persons < 1:
        ap.error("--persons must be at least 1")
    stats = generate(a.persons, a.seed, a.out, a.missing_cccd, a.namesakes)
    print("third_gen: %(persons)d persons (%(namesakes)d namesakes); party %(party)d, "
          "civil %(civil)d, office %(office)d rows" % stats, file=sys.stderr)


if __name__ == "__main__":
    main()
