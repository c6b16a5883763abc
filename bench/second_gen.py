#!/usr/bin/env python3
"""Independent test-data generator: staff of a merged district agency in three systems.

Written without reading hopnhat's matching engine (core/, plugins/, sdk/src), so that the data is
not tuned to it. Standard library only; deterministic for a given --seed.

    python3 bench/second_gen.py --persons 3000 --seed 7 --out /tmp/sg
        [--missing-cccd 0.10] [--cccd-typo 0.03] [--namesakes 0.05] [--name-typo 0.04]
        [--noise typical|hard] [--domain DIR (default: the repository's core/data)]

Writes party_members.csv, civil_servants.csv (";"), office_staff.csv, hopnhat.json, truth.csv
(source,record_id,person) and truth_persons.csv (person,full_name,birth_date,gender,citizen_id).
See bench/second_gen_README.md.
"""
import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import unicodedata

NFC = lambda s: unicodedata.normalize("NFC", s)
NFD = lambda s: unicodedata.normalize("NFD", s)

TODAY = dt.date(2025, 6, 30)          # reference date of the export (fixed: output must not depend on the clock)
DISTRICT = "Tiên Yên"                 # a district of Quảng Ninh (province CCCD code 022)
HOME_CODE = "022"

# ---------------------------------------------------------------------------------------------
# Domain tables (my own knowledge, complemented by /work/shared/domain files read at run time)
# ---------------------------------------------------------------------------------------------

# Birth-registration province (CCCD code) of the staff: mostly Quảng Ninh, then the Red River delta.
BIRTH_PROVINCES = [("022", 64), ("030", 6), ("031", 5), ("034", 6), ("036", 4), ("001", 3), ("024", 2),
                   ("033", 2), ("038", 2), ("040", 1.5), ("037", 1), ("020", 1.5), ("027", 1), ("035", 1)]
OTHER_PROVINCE_WEIGHT = 1.0           # any other of the 63 provinces

# First two digits of the old 9-digit CMND by province (CCCD code -> CMND prefix), as commonly known.
CMND_PREFIX = {"001": "01", "031": "03", "022": "10", "024": "12", "020": "08", "030": "14", "033": "14",
               "034": "15", "036": "16", "035": "16", "037": "16", "038": "17", "040": "18", "027": "12"}

# Family names beyond the surname table (the table covers ~88 %); northern / Quảng Ninh flavour.
EXTRA_SURNAMES = ["Trịnh", "Đinh", "Lương", "Đào", "Mai", "Cao", "Tạ", "Lưu", "Hà", "Triệu", "Chu", "Đoàn",
                  "Vương", "Tô", "Lâm", "Nông", "La", "Quách", "Phùng", "Khúc", "Lã", "Ninh", "Lục", "Chìu",
                  "Tăng", "Thân", "Kiều", "Nghiêm", "Văn", "Bế"]

MIDDLE_M = [("Văn", 30), ("Đức", 8), ("Minh", 7), ("Quang", 6), ("Hữu", 5), ("Xuân", 5), ("Thanh", 5),
            ("Đình", 5), ("Ngọc", 4), ("Mạnh", 4), ("Trọng", 4), ("Công", 4), ("Bá", 3), ("Tiến", 3),
            ("Duy", 3), ("Hoàng", 3), ("Anh", 3), ("Thế", 3), ("Quốc", 3), ("Trung", 2), ("Việt", 2),
            ("Huy", 2), ("Hồng", 2), ("Đăng", 2), ("Tuấn", 2), ("Thành", 2), ("Kim", 1), ("Khắc", 1)]
MIDDLE_F = [("Thị", 55), ("Thu", 6), ("Thanh", 5), ("Ngọc", 4), ("Hồng", 4), ("Minh", 3), ("Phương", 3),
            ("Kim", 3), ("Thúy", 2), ("Bích", 2), ("Mai", 2), ("Hải", 2), ("Thùy", 2), ("Lan", 1),
            ("Diệu", 1), ("Quỳnh", 1), ("Khánh", 1), ("Hoài", 1), ("Vân", 1), ("Nguyệt", 1)]

# Very common given names (rank order matters: weight 1/(rank+4)); the domain lists add the long tail.
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Hải", "Minh", "Nam", "Long", "Thắng", "Cường", "Sơn", "Hoàng", "Thành",
           "Trung", "Quang", "Đức", "Huy", "Phong", "Tùng", "Hiếu", "Thịnh", "Tiến", "Hưng", "Toàn", "Khánh",
           "Việt", "Bình", "Hòa", "Tú", "Anh", "Duy", "Linh", "Mạnh", "Kiên", "Thanh", "Lâm", "Hiệp", "Lợi",
           "Phúc", "Quý", "Vinh", "Chiến", "Trường", "Giang", "Hậu", "Tâm", "Thuận", "Công", "Ngọc", "Hà",
           "Tài", "Thủy", "Khoa", "Thụy", "Huấn", "Định"]
GIVEN_F = ["Hương", "Lan", "Hà", "Linh", "Trang", "Hằng", "Thảo", "Nga", "Hoa", "Huyền", "Phương", "Thủy",
           "Mai", "Yến", "Dung", "Hạnh", "Ngọc", "Nhung", "Vân", "Oanh", "Hiền", "Loan", "Thu", "Quỳnh",
           "Hồng", "Tuyết", "Liên", "Giang", "Anh", "Thúy", "Hòa", "Lý", "Nhàn", "Ly", "Chi", "Huệ",
           "Hường", "Hoài", "Thơm", "Xuân", "Duyên", "Lương", "Thoa", "Hiên", "Tâm"]

# Units of the merged agency: key, type, name in the civil-service database, office-sheet spellings,
# party cell, relative size.
UNITS = [
    ("vp_hu", "vp", "Văn phòng Huyện ủy", ["Văn phòng Huyện ủy", "VP Huyện ủy", "VP Huyện uỷ", "Văn phòng HU"], "Chi bộ Văn phòng Huyện ủy", 12),
    ("btc", "ban", "Ban Tổ chức Huyện ủy", ["Ban Tổ chức Huyện ủy", "Ban Tổ chức HU", "BTC Huyện ủy"], "Chi bộ Ban Tổ chức", 7),
    ("btg", "ban", "Ban Tuyên giáo Huyện ủy", ["Ban Tuyên giáo Huyện ủy", "Ban Tuyên giáo HU", "BTG Huyện uỷ"], "Chi bộ Ban Tuyên giáo", 6),
    ("ubkt", "ubkt", "Ủy ban Kiểm tra Huyện ủy", ["UBKT Huyện ủy", "Uỷ ban Kiểm tra HU", "Ủy ban kiểm tra Huyện ủy"], "Chi bộ Ủy ban Kiểm tra", 6),
    ("bdv", "ban", "Ban Dân vận Huyện ủy", ["Ban Dân vận Huyện ủy", "Ban Dân vận HU", "BDV Huyện ủy"], "Chi bộ Ban Dân vận", 5),
    ("vp_ub", "vp", "Văn phòng HĐND và UBND huyện", ["Văn phòng HĐND-UBND", "VP HĐND & UBND", "VP UBND huyện"], "Chi bộ Văn phòng HĐND-UBND", 14),
    ("nv", "phong", "Phòng Nội vụ", ["Phòng Nội vụ", "P. Nội vụ", "Phòng NV"], "Chi bộ Phòng Nội vụ", 7),
    ("tckh", "phong", "Phòng Tài chính - Kế hoạch", ["Phòng Tài chính - Kế hoạch", "Phòng TC-KH", "P.TCKH"], "Chi bộ Phòng Tài chính - Kế hoạch", 9),
    ("tp", "phong", "Phòng Tư pháp", ["Phòng Tư pháp", "P. Tư pháp"], "Chi bộ Phòng Tư pháp", 4),
    ("gd", "phong", "Phòng Giáo dục và Đào tạo", ["Phòng Giáo dục và Đào tạo", "Phòng GD&ĐT", "Phòng GDĐT"], "Chi bộ Phòng Giáo dục", 9),
    ("tnmt", "phong", "Phòng Tài nguyên và Môi trường", ["Phòng Tài nguyên và Môi trường", "Phòng TN&MT", "P.TNMT"], "Chi bộ Phòng Tài nguyên - Môi trường", 8),
    ("ktht", "phong", "Phòng Kinh tế và Hạ tầng", ["Phòng Kinh tế và Hạ tầng", "Phòng KT&HT", "Phòng KT-HT"], "Chi bộ Phòng Kinh tế - Hạ tầng", 7),
    ("ldtbxh", "phong", "Phòng Lao động - Thương binh và Xã hội", ["Phòng Lao động - TB&XH", "Phòng LĐ-TB&XH", "P. LĐTBXH"], "Chi bộ Phòng LĐ-TB&XH", 6),
    ("tt", "tt", "Thanh tra huyện", ["Thanh tra huyện", "Thanh tra", "TT huyện"], "Chi bộ Thanh tra", 5),
]
# Chức vụ by unit type: (head, deputy); office-sheet spellings follow.
HEADS = {"vp": ("Chánh Văn phòng", "Phó Chánh Văn phòng"), "ban": ("Trưởng ban", "Phó Trưởng ban"),
         "ubkt": ("Chủ nhiệm", "Phó Chủ nhiệm"), "phong": ("Trưởng phòng", "Phó Trưởng phòng"),
         "tt": ("Chánh Thanh tra", "Phó Chánh Thanh tra")}
OFFICE_POS = {"Chánh Văn phòng": ["Chánh Văn phòng", "CVP", "Chánh VP"],
              "Phó Chánh Văn phòng": ["Phó Chánh Văn phòng", "PCVP", "Phó Chánh VP"],
              "Trưởng ban": ["Trưởng ban", "TB", "Trưởng Ban"], "Phó Trưởng ban": ["Phó Trưởng ban", "PTB", "Phó trưởng ban"],
              "Chủ nhiệm": ["Chủ nhiệm", "CN UBKT"], "Phó Chủ nhiệm": ["Phó Chủ nhiệm", "PCN", "Phó CN"],
              "Trưởng phòng": ["Trưởng phòng", "TP", "Trưởng Phòng"], "Phó Trưởng phòng": ["Phó Trưởng phòng", "PTP", "Phó TP"],
              "Chánh Thanh tra": ["Chánh Thanh tra", "Chánh TT"], "Phó Chánh Thanh tra": ["Phó Chánh Thanh tra", "Phó Chánh TT"],
              "Chuyên viên": ["Chuyên viên", "CV", "chuyên viên", "Chuyên viên"], "Kế toán": ["Kế toán", "KT", "Kế toán viên"],
              "Văn thư": ["Văn thư", "VT", "Văn thư - Lưu trữ"], "Nhân viên": ["Nhân viên", "NV"], "Lái xe": ["Lái xe", "Lái xe cơ quan"],
              "Thanh tra viên": ["Thanh tra viên", "TTV"]}
# Mã ngạch -> salary group (hr/he_so_luong_groups.csv)
NGACH_GROUP = {"01.002": "A2.1", "01.003": "A1", "01.004": "A0", "01.005": "B", "06.031": "A1",
               "02.008": "A1", "01.010": "B", "04.024": "A2.1", "04.025": "A1"}

QWERTY = {"q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok",
          "o": "ipl", "p": "ol", "a": "qsz", "s": "adwx", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy",
          "j": "hku", "k": "jli", "l": "kop", "z": "asx", "x": "zsc", "c": "xvd", "v": "cbf", "b": "vng",
          "n": "bmh", "m": "nj"}
TONES = ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]     # huyền sắc hỏi ngã nặng


# ---------------------------------------------------------------------------------------------
# Noise rates. "hard" doubles every built-in rate; the four command-line knobs are used as given.
# ---------------------------------------------------------------------------------------------
BASE_RATES = {
    # per record, by source (party, civil, office)
    "name_nodiac":      {"party": 0.04, "civil": 0.015, "office": 0.10},
    "name_caps":        {"party": 0.10, "civil": 0.02, "office": 0.05},
    "name_middle_drop": {"party": 0.015, "civil": 0.005, "office": 0.04},
    "name_middle_chg":  {"party": 0.01, "civil": 0.005, "office": 0.015},
    "name_tone_style":  {"party": 0.25, "civil": 0.10, "office": 0.30},   # only where a syllable can flip
    "name_spaces":      {"party": 0.03, "civil": 0.005, "office": 0.06},
    "name_nfd":         {"party": 0.01, "civil": 0.0, "office": 0.04},    # decomposed Unicode (Unikey "tổ hợp")
    "date_swap":        {"party": 0.02, "civil": 0.005, "office": 0.03},  # day/month swapped (if both <= 12)
    "date_year_only":   {"party": 0.015, "civil": 0.003, "office": 0.025},
    "date_month_year":  {"party": 0.015, "civil": 0.003, "office": 0.02},
    "date_zeros":       {"party": 0.01, "civil": 0.0, "office": 0.01},    # "00/00/1996"
    "date_off_year":    {"party": 0.01, "civil": 0.005, "office": 0.015},
    "date_digit_typo":  {"party": 0.01, "civil": 0.005, "office": 0.015},
    "date_unpadded":    {"party": 0.03, "civil": 0.0, "office": 0.12},    # "9/3/1985"
    "gender_missing":   {"party": 0.01, "civil": 0.003, "office": 0.02},
    "cccd_missing_civil": {"civil": 0.01},
    "cccd_lost_zero":   {"party": 0.04, "civil": 0.0, "office": 0.08},
    "cccd_spaces":      {"party": 0.01, "civil": 0.0, "office": 0.04},
    "cccd_cmnd":        {"party": 0.0, "civil": 0.0, "office": 0.06},     # old 9-digit CMND instead
    "unit_stale":       {"party": 0.03, "civil": 0.01, "office": 0.04},   # unit before a transfer
    "phone_missing":    {"office": 0.10},
    "office_duplicates": {"office": 0.03},                                  # share of office persons twice
}


def rates_for(noise):
    k = 2.0 if noise == "hard" else 1.0
    return {name: {src: min(0.95, v * k) for src, v in per.items()} for name, per in BASE_RATES.items()}


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------

def strip_diacritics(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    return NFC("".join(c for c in NFD(s) if unicodedata.category(c) != "Mn"))


def tone_of(ch):
    for c in NFD(ch):
        if c in TONES:
            return c
    return None


def without_tone(ch):
    return NFC("".join(c for c in NFD(ch) if c not in TONES))


def flip_tone_style(word):
    """hòa <-> hoà, thúy <-> thuý, khỏe <-> khoẻ: the tone moves between the two vowels of an open
    oa/oe/uy syllable (old, traditional placement on the first vowel <-> new placement on the
    second). Other words are returned unchanged."""
    chars = list(NFC(word))
    base = strip_diacritics(word).lower()
    if len(chars) != len(base) or len(base) < 2 or base[-2:] not in ("oa", "oe", "uy"):
        return word
    if len(base) >= 3 and base[-3] in "aeiouyq" or base[-3:] == "quy":
        return word
    t1, t2 = tone_of(chars[-2]), tone_of(chars[-1])
    if t1 and not t2:
        chars[-2], chars[-1] = without_tone(chars[-2]), NFC(NFD(chars[-1]) + t1)
    elif t2 and not t1:
        chars[-1], chars[-2] = without_tone(chars[-1]), NFC(NFD(chars[-2]) + t2)
    else:
        return word
    return "".join(chars)


def has_flippable(name):
    return any(flip_tone_style(w) != w for w in name.split())


def flip_name_style(name):
    return " ".join(flip_tone_style(w) for w in name.split(" "))


def set_name_style(name, old_style):
    """Put every flippable syllable in the requested style (old = tone on the first vowel: Hòa, Thúy;
    new = Hoà, Thuý). 70 % of the persons have the old, most common, style in their true name."""
    out = []
    for w in name.split(" "):
        f = flip_tone_style(w)
        if f != w:
            chars = list(NFC(w))
            on_first = tone_of(chars[-2]) is not None
            if on_first != old_style:
                w = f
        out.append(w)
    return " ".join(out)


def name_typo(name, rng):
    """One typing error: a letter substituted (QWERTY neighbour or wrong/missing tone), dropped or doubled."""
    words = name.split(" ")
    for _ in range(20):
        wi = rng.choices(range(len(words)), weights=[2 if i in (0, len(words) - 1) else 1 for i in range(len(words))])[0]
        w = list(words[wi])
        if len(w) < 2:
            continue
        op = rng.choice(["sub", "sub", "drop", "double", "tone"])
        i = rng.randrange(len(w))
        if op == "sub":
            base = strip_diacritics(w[i]).lower()
            if base not in QWERTY:
                continue
            repl = rng.choice(QWERTY[base])
            w[i] = repl.upper() if w[i].isupper() else repl
        elif op == "drop":
            if i == 0:
                continue
            del w[i]
        elif op == "double":
            if i == 0:
                continue
            w.insert(i, w[i].lower())
        else:
            # wrong tone: the syllable's tone replaced by another one, or lost, or one added
            toned = [j for j, ch in enumerate(w) if tone_of(ch)]
            vowels = [j for j, ch in enumerate(w) if strip_diacritics(ch).lower() in "aeiouy"]
            if not vowels:
                continue
            j = toned[0] if toned else vowels[-1]
            cur = tone_of(w[j])
            t = rng.choice([t for t in TONES if t != cur] + ([None] if cur else []))
            w[j] = NFC(NFD(without_tone(w[j])) + (t or ""))
        new = "".join(w)
        if new and new != words[wi] and strip_diacritics(new) != "":
            words[wi] = NFC(new)
            return " ".join(words)
    return name


# ---------------------------------------------------------------------------------------------
# Domain loading
# ---------------------------------------------------------------------------------------------

def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [NFC(l.strip().replace("Ð", "Đ")) for l in f if l.strip()]


def locate(root, *parts):
    """A domain file under `root` as the shared domain folder lays it out (names/, hr/,
    admin_units/), or flat in the repository's own copies (core/data, bench/data/admin_units)."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(root, *parts), os.path.join(root, parts[-1]),
                      os.path.join(here, "..", "core", "data", parts[-1]),
                      os.path.join(here, "data", "admin_units", parts[-1])):
        if os.path.exists(candidate):
            return candidate
    raise SystemExit(f"second_gen: domain file {parts[-1]} not found under {root} or the repository")


def load_domain(root):
    d = {}
    d["boy1"] = [w for w in read_lines(locate(root, "names", "boy_one_word.txt")) if len(w.split()) == 1]
    d["girl1"] = [w for w in read_lines(locate(root, "names", "girl_one_word.txt")) if len(w.split()) == 1]
    d["boy2"] = [w for w in read_lines(locate(root, "names", "boy.txt")) if len(w.split()) == 2]
    d["girl2"] = [w for w in read_lines(locate(root, "names", "girl.txt")) if len(w.split()) == 2]
    surnames = []
    with open(locate(root, "names", "surname_frequency_waiwiki.csv"), encoding="utf-8") as f:
        rows = [l for l in f if not l.startswith("#")]
    for row in csv.DictReader(rows):
        s, p = NFC(row["surname"]), float(row["percent"])
        if s == "Huỳnh/Hoàng":      # northern agency: mostly Hoàng
            surnames += [("Hoàng", p * 0.9), ("Huỳnh", p * 0.1)]
        elif s == "Vũ/Võ":
            surnames += [("Vũ", p * 0.88), ("Võ", p * 0.12)]
        else:
            surnames.append((s, p))
    rest = max(0.0, 100.0 - sum(p for _, p in surnames))
    surnames += [(s, rest / len(EXTRA_SURNAMES)) for s in EXTRA_SURNAMES]
    d["surnames"] = surnames
    provinces = {}
    with open(locate(root, "admin_units", "provinces_63_pre2025_gso_cccd.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            provinces[row["cccd_code"]] = (row["type"], NFC(row["name"]))
    d["provinces"] = provinces
    communes = []
    with open(locate(root, "admin_units", "quang_ninh_pre2025_districts_communes.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            communes.append((NFC(row["district_type"]), NFC(row["district_name"]), NFC(row["commune_type"]), NFC(row["commune_name"])))
    d["communes"] = communes
    digits = {}
    with open(locate(root, "hr", "cccd_gender_century_digit.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(l for l in f if not l.startswith("#")):
            digits[(NFC(row["gender"]), int(row["century_base"]))] = row["digit"]
    d["century_digit"] = digits
    salary = {}
    with open(locate(root, "hr", "he_so_luong_groups.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(l for l in f if not l.startswith("#")):
            salary[row["group"]] = [c for c in row["coefficients"].split(";")]
    d["salary"] = salary
    return d


# ---------------------------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------------------------

def wchoice(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def zipf_pairs(items, offset=10):
    return [(x, 1.0 / (i + offset)) for i, x in enumerate(items)]


def random_date(rng, year):
    start = dt.date(year, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(year + 1, 1, 1) - start).days))


def make_name(rng, dom, gender, year):
    family = wchoice(rng, dom["surnames"])
    modern = year >= 1985
    r = rng.random()
    if gender == "Nam":
        if r < (0.22 if modern else 0.07):
            rest = rng.choice(dom["boy2"]).split()
        else:
            mids = [(m, w * (0.6 if (m == "Văn" and modern) else 1.0)) for m, w in MIDDLE_M]
            given = wchoice(rng, zipf_pairs(GIVEN_M) + [(g, 0.004) for g in dom["boy1"]])
            mid = wchoice(rng, [(m, w) for m, w in mids if m != given])
            rest = [mid, given]
    else:
        if r < (0.22 if modern else 0.07):
            rest = rng.choice(dom["girl2"]).split()
        elif r < (0.32 if modern else 0.15):
            rest = ["Thị"] + rng.choice(dom["girl2"]).split()
        else:
            mids = [(m, w * (0.6 if (m == "Thị" and modern) else 1.0)) for m, w in MIDDLE_F]
            given = wchoice(rng, zipf_pairs(GIVEN_F) + [(g, 0.004) for g in dom["girl1"]])
            mid = wchoice(rng, [(m, w) for m, w in mids if m != given])
            rest = [mid, given]
    name = " ".join([family] + rest)
    return NFC(name)


def pick_province(rng, dom):
    others = [c for c in dom["provinces"] if c not in dict(BIRTH_PROVINCES)]
    pairs = BIRTH_PROVINCES + [("*", OTHER_PROVINCE_WEIGHT)]
    p = wchoice(rng, pairs)
    return rng.choice(others) if p == "*" else p


def make_cccd(rng, dom, prov, gender, dob, used):
    digit = dom["century_digit"][(gender, dob.year // 100 * 100)]
    while True:
        c = f"{prov}{digit}{dob.year % 100:02d}{rng.randrange(1000000):06d}"
        if c not in used:
            used.add(c)
            return c


def make_cmnd(rng, prov, used):
    prefix = CMND_PREFIX.get(prov, f"{rng.randrange(1, 40):02d}")
    while True:
        c = prefix + f"{rng.randrange(10 ** 7):07d}"
        if c not in used:
            used.add(c)
            return c


def quequan(rng, dom, prov):
    if prov == HOME_CODE:
        local = [c for c in dom["communes"] if c[1] == DISTRICT]
        dtype, dname, ctype, cname = rng.choice(local if rng.random() < 0.6 else dom["communes"])
        style = rng.random()
        if style < 0.5:
            return f"{ctype} {cname}, {dtype.lower()} {dname}, tỉnh Quảng Ninh"
        if style < 0.8:
            return f"{cname}, {dname}, Quảng Ninh"
        return f"{ctype} {cname} - {dname} - Quảng Ninh"
    ptype, pname = dom["provinces"][prov]
    return rng.choice([f"{ptype.lower()} {pname}", pname, f"{pname}"]) if ptype else pname


def make_phone(rng):
    prefix = rng.choice(["091", "094", "088", "098", "097", "096", "086", "090", "093", "089", "036", "038", "035", "033", "039", "070", "079", "077", "083", "085"])
    return prefix + f"{rng.randrange(10 ** 7):07d}"


def fmt_phone(rng, p):
    r = rng.random()
    if r < 0.55:
        return p
    if r < 0.75:
        return f"{p[:4]} {p[4:7]} {p[7:]}"
    if r < 0.88:
        return f"{p[:4]}.{p[4:7]}.{p[7:]}"
    return "+84" + p[1:]


def make_persons(rng, dom, n, namesake_share):
    persons = []
    used_cccd, used_cmnd = set(), set()
    for i in range(n):
        gender = "Nam" if rng.random() < 0.55 else "Nữ"
        # working age on TODAY: men 22..61, women 22..57; mid-career heavier
        lo = TODAY.year - (61 if gender == "Nam" else 57)
        hi = TODAY.year - 23
        if rng.random() < 0.6:
            year = rng.randint(lo, hi)
        else:
            year = int(round(rng.triangular(lo, hi, (lo + hi) / 2 + 3)))
        year = max(lo, min(hi, year))
        dob = random_date(rng, year)
        prov = pick_province(rng, dom)
        p = {"id": f"T{i + 1:06d}", "gender": gender, "dob": dob, "prov": prov,
             "name": make_name(rng, dom, gender, year), "old_style": rng.random() < 0.7}
        p["name"] = set_name_style(p["name"], p["old_style"])
        p["cccd"] = make_cccd(rng, dom, prov, gender, dob, used_cccd)
        p["cmnd"] = make_cmnd(rng, prov, used_cmnd)
        p["phone"] = make_phone(rng)
        p["quequan"] = quequan(rng, dom, prov)
        persons.append(p)
    # namesakes: a share of persons copies the full name, gender and birth year of another person
    k = int(round(namesake_share * n))
    k = min(k, n // 2)
    order = list(range(n))
    rng.shuffle(order)
    pairs = []
    for a, b in zip(order[:k], order[k:2 * k]):
        orig, copy = persons[a], persons[b]
        copy["name"], copy["gender"], copy["old_style"] = orig["name"], orig["gender"], orig["old_style"]
        while True:
            d = random_date(rng, orig["dob"].year)
            if d != orig["dob"] and not (d.day == orig["dob"].month and d.month == orig["dob"].day):
                break
        copy["dob"] = d
        used_cccd.discard(copy["cccd"])
        copy["cccd"] = make_cccd(rng, dom, copy["prov"], copy["gender"], d, used_cccd)
        copy["namesake_of"] = orig["id"]
        pairs.append((a, b))
    return persons, pairs


def assign_jobs(rng, dom, persons):
    weights = [u[5] for u in UNITS]
    by_unit = {u[0]: [] for u in UNITS}
    for p in persons:
        u = rng.choices(range(len(UNITS)), weights=weights)[0]
        p["unit"] = u
        by_unit[UNITS[u][0]].append(p)
        # a few moved from another unit recently
        p["old_unit"] = rng.choice([j for j in range(len(UNITS)) if j != u])
    for ui, unit in enumerate(UNITS):
        staff = by_unit[unit[0]]
        staff.sort(key=lambda p: p["dob"])           # oldest first: leaders come from the senior staff
        head, deputy = HEADS[unit[1]]
        n_heads = max(1, len(staff) // 40)
        n_dep = max(1, len(staff) // 15)
        seniors = [p for p in staff if TODAY.year - p["dob"].year >= 35]
        rng.shuffle(seniors)
        leaders = seniors[:n_heads + n_dep]
        for j, p in enumerate(leaders):
            p["pos"] = head if j < n_heads else deputy
        for p in staff:
            if "pos" in p:
                continue
            r = rng.random()
            if unit[1] == "vp":
                p["pos"] = "Kế toán" if r < 0.12 else "Văn thư" if r < 0.22 else "Lái xe" if r < 0.30 else "Nhân viên" if r < 0.36 else "Chuyên viên"
            elif unit[1] == "tt":
                p["pos"] = "Thanh tra viên" if r < 0.7 else "Chuyên viên"
            else:
                p["pos"] = "Chuyên viên" if r < 0.95 else "Nhân viên"
    for p in persons:
        pos = p["pos"]
        r = rng.random()
        if pos in ("Kế toán",):
            ngach = "06.031"
        elif pos == "Văn thư":
            ngach = "02.008"
        elif pos == "Lái xe":
            ngach = "01.010"
        elif pos == "Nhân viên":
            ngach = "01.005"
        elif pos == "Thanh tra viên":
            ngach = "04.025" if r < 0.8 else "04.024"
        elif pos.startswith(("Trưởng", "Chánh", "Chủ")):
            ngach = "01.002" if r < 0.75 else "01.003"
        elif pos.startswith("Phó"):
            ngach = "01.002" if r < 0.45 else "01.003"
        else:
            ngach = "01.003" if r < 0.85 else "01.002" if r < 0.92 else "01.004"
        p["ngach"] = ngach
        start = min(TODAY.year - 1, p["dob"].year + 22 + rng.randrange(0, 9))
        years = TODAY.year - start
        group = NGACH_GROUP[ngach]
        coeffs = dom["salary"][group]
        interval = 2 if group == "B" else 3
        seniority = years - (9 if group.startswith("A2") else 0)
        step = max(1, min(len(coeffs), 1 + seniority // interval))
        p["start"], p["bac"], p["heso"] = start, step, coeffs[step - 1]
        # party: joined between 20 and 40, not after TODAY - 2 months
        join_lo = dt.date(p["dob"].year + 20, 1, 1)
        join_hi = min(dt.date(p["dob"].year + 40, 12, 31), TODAY - dt.timedelta(days=60))
        if join_lo > join_hi:
            join_lo = join_hi - dt.timedelta(days=365)
        join = join_lo + dt.timedelta(days=rng.randrange(max(1, (join_hi - join_lo).days)))
        p["join"] = join
        official = join + dt.timedelta(days=365 + rng.randrange(0, 40))
        p["official"] = official if official <= TODAY else None


def assign_membership(rng, persons, pairs):
    for p in persons:
        p["in"] = {"party": rng.random() < 0.75, "civil": rng.random() < 0.85, "office": rng.random() < 0.60}
        if not any(p["in"].values()):
            p["in"]["civil" if rng.random() < 0.6 else "party"] = True
    for a, b in pairs:                       # both namesakes in at least two sources
        for p in (persons[a], persons[b]):
            while sum(p["in"].values()) < 2:
                p["in"][rng.choice(["party", "civil", "office"])] = True


# ---------------------------------------------------------------------------------------------
# Record noise
# ---------------------------------------------------------------------------------------------

def noisy_name(rng, p, src, R, knobs, dom):
    name = p["name"]
    words = name.split(" ")
    hit = lambda k: rng.random() < R[k].get(src, 0.0)
    if len(words) >= 3 and hit("name_middle_drop"):
        # drop "Văn"/"Thị" when there are two middle words, else the middle word
        if len(words) >= 4 and words[1] in ("Thị", "Văn"):
            words = [words[0]] + words[2:]
        else:
            words = [words[0], words[-1]]
    elif len(words) >= 3 and hit("name_middle_chg"):
        pool = MIDDLE_M if p["gender"] == "Nam" else MIDDLE_F
        new = wchoice(rng, [(m, w) for m, w in pool if m != words[1]])
        words = [words[0], new] + words[2:]
    name = " ".join(words)
    if hit("name_tone_style") and has_flippable(name):
        name = flip_name_style(name)
    if rng.random() < knobs["name_typo"]:
        name = name_typo(name, rng)
    if hit("name_nodiac"):
        name = strip_diacritics(name)
    if hit("name_caps"):
        name = name.upper()
    if hit("name_spaces"):
        r = rng.random()
        ws = name.split(" ")
        if r < 0.5 and len(ws) > 1:
            i = rng.randrange(1, len(ws))
            name = " ".join(ws[:i]) + "  " + " ".join(ws[i:])
        elif r < 0.8:
            name = name + " "
        else:
            name = " " + name
    if hit("name_nfd"):
        name = NFD(name)
    return name


def valid_date(y, m, d):
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def noisy_date(rng, dob, src, R):
    """Returns a string in the source's format."""
    hit = lambda k: rng.random() < R[k].get(src, 0.0)
    y, m, d = dob.year, dob.month, dob.day
    iso = src == "civil"
    unpadded = hit("date_unpadded")

    def full(y, m, d):
        if iso:
            return f"{y:04d}-{m:02d}-{d:02d}"
        if unpadded:
            return f"{d}/{m}/{y:04d}"
        return f"{d:02d}/{m:02d}/{y:04d}"

    if hit("date_year_only"):
        return f"{y:04d}"
    if hit("date_month_year"):
        return f"{y:04d}-{m:02d}" if iso else (f"{m}/{y:04d}" if unpadded else f"{m:02d}/{y:04d}")
    if hit("date_zeros"):
        return f"00/00/{y:04d}"
    if hit("date_off_year"):
        y2 = y + rng.choice([-1, 1])
        dd = valid_date(y2, m, d) or valid_date(y2, m, d - 1)
        y, m, d = dd.year, dd.month, dd.day
    if hit("date_digit_typo"):
        for _ in range(20):
            s = f"{d:02d}{m:02d}{y:04d}"
            i = rng.choice([0, 1, 2, 3, 6, 7])          # day, month or the last two year digits
            c = str((int(s[i]) + rng.choice([1, -1, 2, 3])) % 10)
            s2 = s[:i] + c + s[i + 1:]
            dd = valid_date(int(s2[4:]), int(s2[2:4]), int(s2[:2]))
            if dd and dd != dt.date(y, m, d) and 1940 < dd.year < 2010:
                y, m, d = dd.year, dd.month, dd.day
                break
    if hit("date_swap") and d <= 12 and d != m:
        m, d = d, m
    return full(y, m, d)


def keystroke_error(rng, s):
    digits = list(s)
    for _ in range(20):
        if rng.random() < 0.6:
            i = rng.randrange(len(digits))
            c = rng.choice([x for x in "0123456789" if x != digits[i]])
            return "".join(digits[:i] + [c] + digits[i + 1:])
        i = rng.randrange(len(digits) - 1)
        if digits[i] != digits[i + 1]:
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
            return "".join(digits)
    return s


def noisy_cccd(rng, p, src, R, knobs):
    """Returns (text, kind). kind: ok / missing / typo / cmnd (for the record of what was done)."""
    hit = lambda k: rng.random() < R[k].get(src, 0.0)
    miss = knobs["missing_cccd"] if src in ("party", "office") else R["cccd_missing_civil"]["civil"]
    if rng.random() < miss:
        return "", "missing"
    if hit("cccd_cmnd") and p["dob"].year < 1995:
        return p["cmnd"], "cmnd"
    c, kind = p["cccd"], "ok"
    if rng.random() < knobs["cccd_typo"]:
        c, kind = keystroke_error(rng, c), "typo"
    if hit("cccd_lost_zero"):
        c = c.lstrip("0")
    elif hit("cccd_spaces"):
        c = rng.choice([f"{c[:3]} {c[3:6]} {c[6:]}", f"{c[:6]} {c[6:]}", f"{c[:4]} {c[4:8]} {c[8:]}"])
    return c, kind


def noisy_gender(rng, p, src, R):
    if rng.random() < R["gender_missing"].get(src, 0.0):
        return ""
    if src == "civil":
        return "1" if p["gender"] == "Nam" else "0"
    return p["gender"]


def unit_of(rng, p, src, R):
    u = p["old_unit"] if rng.random() < R["unit_stale"].get(src, 0.0) else p["unit"]
    return UNITS[u]


def fmt_dmy(d):
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if d else ""


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--missing-cccd", type=float, default=0.10)
    ap.add_argument("--cccd-typo", type=float, default=0.03)
    ap.add_argument("--namesakes", type=float, default=0.05)
    ap.add_argument("--name-typo", type=float, default=0.04)
    ap.add_argument("--noise", choices=["typical", "hard"], default="typical")
    ap.add_argument("--domain", default=os.environ.get("HOPNHAT_DOMAIN", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "core", "data")))
    args = ap.parse_args()
    if args.persons < 2:
        ap.error("--persons must be at least 2")
    for k in ("missing_cccd", "cccd_typo", "namesakes", "name_typo"):
        v = getattr(args, k)
        if not 0.0 <= v <= 1.0:
            ap.error(f"--{k.replace('_', '-')} must be between 0 and 1")

    rng = random.Random(args.seed)
    dom = load_domain(args.domain)
    R = rates_for(args.noise)
    knobs = {"missing_cccd": args.missing_cccd, "cccd_typo": args.cccd_typo, "name_typo": args.name_typo}

    persons, pairs = make_persons(rng, dom, args.persons, args.namesakes)
    assign_jobs(rng, dom, persons)
    assign_membership(rng, persons, pairs)

    os.makedirs(args.out, exist_ok=True)
    truth = []

    # --- party ---
    party_rows = []
    used_cards = set()
    for p in persons:
        if not p["in"]["party"]:
            continue
        while True:
            card = f"22{rng.randrange(10 ** 6):06d}"
            if card not in used_cards:
                used_cards.add(card)
                break
        cccd, _ = noisy_cccd(rng, p, "party", R, knobs)
        unit = unit_of(rng, p, "party", R)
        party_rows.append([card, noisy_name(rng, p, "party", R, knobs, dom), noisy_date(rng, p["dob"], "party", R),
                           noisy_gender(rng, p, "party", R), p["quequan"], cccd, fmt_dmy(p["join"]),
                           fmt_dmy(p["official"]), unit[4]])
        truth.append(("party", card, p["id"]))
    cell_order = {u[4]: i for i, u in enumerate(UNITS)}
    party_rows.sort(key=lambda r: (cell_order[r[8]], r[0]))

    # --- civil ---
    civil_rows = []
    seq = 0
    civil_persons = [p for p in persons if p["in"]["civil"]]
    rng.shuffle(civil_persons)
    for p in civil_persons:
        seq += 1
        code = f"TY{p['start']}{seq:04d}"
        cccd, _ = noisy_cccd(rng, p, "civil", R, knobs)
        unit = unit_of(rng, p, "civil", R)
        civil_rows.append([code, noisy_name(rng, p, "civil", R, knobs, dom), noisy_date(rng, p["dob"], "civil", R),
                           noisy_gender(rng, p, "civil", R), cccd, p["ngach"], str(p["bac"]),
                           p["heso"].replace(".", ","), unit[2], p["pos"]])
        truth.append(("civil", code, p["id"]))
    civil_rows.sort(key=lambda r: r[0])

    # --- office ---
    office_people = [p for p in persons if p["in"]["office"]]
    n_dup = int(round(R["office_duplicates"]["office"] * len(office_people)))
    dups = rng.sample(office_people, min(n_dup, len(office_people)))
    entries = [(p, False) for p in office_people] + [(p, True) for p in dups]
    used_hs = set()
    office_rows = []
    for p, is_dup in entries:
        while True:
            hs = f"HS{rng.randrange(10 ** 5):05d}"
            if hs not in used_hs:
                used_hs.add(hs)
                break
        cccd, _ = noisy_cccd(rng, p, "office", R, knobs)
        unit = UNITS[p["old_unit"]] if is_dup and rng.random() < 0.3 else unit_of(rng, p, "office", R)
        phone = "" if rng.random() < R["phone_missing"]["office"] else fmt_phone(rng, p["phone"])
        pos = rng.choice(OFFICE_POS[p["pos"]])
        office_rows.append([None, hs, noisy_name(rng, p, "office", R, knobs, dom),
                            noisy_date(rng, p["dob"], "office", R), noisy_gender(rng, p, "office", R), cccd, phone,
                            rng.choice(unit[3]), pos])
        truth.append(("office", hs, p["id"]))
    unit_order = {v: i for i, u in enumerate(UNITS) for v in u[3]}
    office_rows.sort(key=lambda r: (unit_order[r[7]], r[1]))
    for i, r in enumerate(office_rows):
        r[0] = str(i + 1)

    # --- write ---
    def write(path, header, rows, delim=",", bom=False):
        with open(os.path.join(args.out, path), "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
            w = csv.writer(f, delimiter=delim, lineterminator="\r\n")
            w.writerow(header)
            w.writerows(rows)

    write("party_members.csv", ["Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD",
                                "Ngày vào Đảng", "Ngày chính thức", "Chi bộ"], party_rows)
    write("civil_servants.csv", ["Mã cán bộ", "Họ tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã ngạch",
                                 "Bậc lương", "Hệ số lương", "Đơn vị", "Chức vụ"], civil_rows, delim=";")
    write("office_staff.csv", ["STT", "Mã hồ sơ", "Họ và tên", "Ngày tháng năm sinh", "Giới tính", "Số CCCD",
                               "Số điện thoại", "Đơn vị", "Chức vụ"], office_rows)
    write("truth.csv", ["source", "record_id", "person"], truth)
    write("truth_persons.csv", ["person", "full_name", "birth_date", "gender", "citizen_id"],
          [[p["id"], p["name"], p["dob"].isoformat(), p["gender"], p["cccd"]] for p in persons])
    config = {"store": {"sqlite": "hopnhat.db"},
              "sources": [
                  {"name": "party", "plugin": "csv", "options": {"path": "party_members.csv", "id": "Số thẻ đảng viên"}},
                  {"name": "civil", "plugin": "csv", "options": {"path": "civil_servants.csv", "id": "Mã cán bộ", "delimiter": ";"}},
                  {"name": "office", "plugin": "csv", "options": {"path": "office_staff.csv", "id": "Mã hồ sơ"}}],
              "survivorship": {"source_priority": ["civil", "party", "office"]}}
    with open(os.path.join(args.out, "hopnhat.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(json.dumps({"persons": len(persons), "namesake_pairs": len(pairs), "party": len(party_rows),
                      "civil": len(civil_rows), "office": len(office_rows), "office_duplicates": len(dups),
                      "out": args.out}, ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    main()
