#!/usr/bin/env python3
"""fourth_gen.py - independent synthetic test data for record linkage.

Staff of the district-level "cơ quan Tổ chức – Nội vụ" cluster of a northern
district (huyện Kiến Xương, tỉnh Thái Bình), merging the Party committee's
organisation board with the State home-affairs office, as three systems hold
them:

  party_members.csv   party-member database export            (',')
  civil_servants.csv  civil-servant HR system export           (';')
  office_staff.csv    hand-kept office spreadsheet             (',')
  truth.csv           source,record_id,person
  truth_persons.csv   person,full_name,birth_date,gender,citizen_id (true values)
  hopnhat.json        engine configuration

Python 3 standard library only; output is a pure function of the arguments.

  python3 bench/fourth_gen.py --persons N --seed S --out DIR
         [--missing-cccd X] [--namesakes X] [--noise typical|hard]

Default rates (typical) are in RATES below, per source; --noise hard doubles
every error rate (capped at 0.5) but not the style/format mixes listed in
STYLE_KEYS.  --missing-cccd defaults to 0.10 (0.20 with --noise hard) and is
used as given when passed explicitly.  --namesakes defaults to 0.02.
Truth conventions: names are title-cased with "old" tone placement (Hòa,
Thúy, Ủy); gender codes "1"/"0" mean Nam/Nữ; the CCCD is the true citizen id.
"""
import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import unicodedata

REF = dt.date(2025, 6, 30)          # "as of" date of the extracts
DISTRICT = "Kiến Xương"

# ------------------------------------------------------------------ places
# (CCCD code, pre-2025 name, kind, name after the 07/2025 merger,
#  old CMND prefix, birth weight, districts)
PROVINCES = [
    ("034", "Thái Bình", "tỉnh", "Hưng Yên", "15", 70.0,
     ["Kiến Xương", "Tiền Hải", "Vũ Thư", "Đông Hưng", "Hưng Hà", "Quỳnh Phụ", "Thái Thụy"]),
    ("036", "Nam Định", "tỉnh", "Ninh Bình", "16", 6.0,
     ["Giao Thủy", "Hải Hậu", "Xuân Trường", "Nghĩa Hưng", "Ý Yên"]),
    ("033", "Hưng Yên", "tỉnh", "Hưng Yên", "14", 4.0, ["Tiên Lữ", "Phù Cừ", "Ân Thi", "Kim Động"]),
    ("030", "Hải Dương", "tỉnh", "Hải Phòng", "14", 3.0, ["Gia Lộc", "Tứ Kỳ", "Ninh Giang", "Thanh Miện"]),
    ("001", "Hà Nội", "thành phố", "Hà Nội", "01", 4.0, ["Thường Tín", "Phú Xuyên", "Ứng Hòa", "Đông Anh"]),
    ("031", "Hải Phòng", "thành phố", "Hải Phòng", "03", 3.0, ["Vĩnh Bảo", "Tiên Lãng", "An Lão", "Kiến Thụy"]),
    ("035", "Hà Nam", "tỉnh", "Ninh Bình", "16", 1.5, ["Lý Nhân", "Bình Lục", "Thanh Liêm"]),
    ("037", "Ninh Bình", "tỉnh", "Ninh Bình", "16", 1.5, ["Kim Sơn", "Yên Khánh", "Yên Mô"]),
    ("038", "Thanh Hóa", "tỉnh", "Thanh Hóa", "17", 2.0, ["Hoằng Hóa", "Hậu Lộc", "Nga Sơn", "Quảng Xương"]),
    ("040", "Nghệ An", "tỉnh", "Nghệ An", "18", 1.0, ["Diễn Châu", "Yên Thành", "Quỳnh Lưu"]),
    ("022", "Quảng Ninh", "tỉnh", "Quảng Ninh", "10", 1.0, ["Hải Hà", "Tiên Yên", "Vân Đồn"]),
    ("027", "Bắc Ninh", "tỉnh", "Bắc Ninh", "12", 0.7, ["Gia Bình", "Lương Tài", "Quế Võ"]),
    ("024", "Bắc Giang", "tỉnh", "Bắc Ninh", "12", 0.6, ["Lạng Giang", "Yên Dũng", "Tân Yên"]),
    ("019", "Thái Nguyên", "tỉnh", "Thái Nguyên", "09", 0.5, ["Phú Bình", "Đại Từ"]),
    ("026", "Vĩnh Phúc", "tỉnh", "Phú Thọ", "13", 0.4, ["Yên Lạc", "Vĩnh Tường"]),
    ("079", "Hồ Chí Minh", "thành phố", "Hồ Chí Minh", "02", 0.5, ["Củ Chi", "Hóc Môn", "Bình Chánh"]),
]
PROV = {p[0]: p for p in PROVINCES}
COMMUNES = ("An Bình, Bình Minh, Đông Phong, Hồng Thái, Hòa Bình, Minh Khai, Nam Hà, Nam Thắng, "
            "Quang Trung, Quang Minh, Tân Phong, Tân Hưng, Thanh Tân, Thượng Hiền, Trà Giang, Vũ Bình, "
            "Vũ Lễ, Vũ Hòa, Vũ An, Lê Lợi, Đình Phùng, Quyết Tiến, Hồng Tiến, Hùng Tiến, Đồng Tiến, "
            "Nghĩa Thái, Xuân Hòa, Quốc Tuấn, Bình Thanh, Hồng Phong").split(", ")

# ------------------------------------------------------------------ names
FAMILY = [("Nguyễn", 36), ("Trần", 10), ("Phạm", 9), ("Lê", 7), ("Vũ", 6), ("Hoàng", 4), ("Bùi", 4),
          ("Đỗ", 4), ("Đặng", 3), ("Ngô", 2), ("Phan", 1.5), ("Dương", 1.5), ("Đinh", 1.5),
          ("Trương", 1), ("Lương", 1), ("Đoàn", 1), ("Mai", 1), ("Hà", 1), ("Lý", .5), ("Hồ", .5),
          ("Tạ", .5), ("Cao", .5), ("Lưu", .5), ("Tô", .5), ("Võ", .3), ("Huỳnh", .2)]
MID_M = [("Văn", 35), ("Đức", 9), ("Minh", 8), ("Hữu", 6), ("Quang", 6), ("Thanh", 5), ("Xuân", 5),
         ("Ngọc", 4), ("Trọng", 4), ("Công", 4), ("Đình", 4), ("Tiến", 3), ("Mạnh", 3), ("Duy", 3),
         ("Khánh", 2), ("Hoàng", 2), ("Thế", 2), ("Việt", 2)]
MID_F = [("Thị", 55), ("Thu", 6), ("Thanh", 6), ("Ngọc", 5), ("Minh", 4), ("Phương", 3), ("Hồng", 3),
         ("Thúy", 2), ("Kim", 2), ("Bích", 2), ("Hải", 2), ("Khánh", 2), ("Mai", 2), ("Diệu", 1),
         ("Quỳnh", 1)]
GIVEN_M = ("Hùng Dũng Tuấn Minh Hải Nam Sơn Thắng Long Hưng Cường Trung Đức Hiếu Huy Quân Thành "
           "Phong Tùng Khánh Hòa Bình Thịnh Toàn Hoàng Vinh Quang Kiên Lâm Việt Tú Khoa Tuệ Hiệp "
           "Chiến Tiến Duy Đạt Phúc Trường Quý Lợi Hậu Tâm Thụy Công Giang").split()
GIVEN_F = ("Lan Hương Hoa Hằng Hà Huyền Thủy Thúy Trang Linh Nga Ngọc Phương Mai Hạnh Yến Loan "
           "Dung Nhung Thảo Vân Oanh Hòa Quỳnh Anh Tâm Hiền Liên Thu Hồng Giang Lý Duyên Nhàn "
           "Xuân Hoài Thoa Khuyên Tuyết Chi Huế Thùy Lụa Nhài").split()

# ------------------------------------------------------------------ units
# key, full name (HR system), spreadsheet variants, party cell, weight, head, deputy, n deputies
UNITS = [
    ("BTC", "Ban Tổ chức Huyện ủy", ["Ban Tổ chức HU", "BTC Huyện ủy", "Ban TC", "Ban Tổ chức"],
     "Chi bộ các Ban xây dựng Đảng", 8, "Trưởng ban", "Phó Trưởng ban", 2),
    ("PNV", "Phòng Nội vụ", ["P. Nội vụ", "Phòng NV", "PNV", "P.Nội vụ"],
     "Chi bộ Phòng Nội vụ", 12, "Trưởng phòng", "Phó Trưởng phòng", 2),
    ("VPHU", "Văn phòng Huyện ủy", ["VP Huyện ủy", "VPHU", "VP HU", "Văn phòng HU"],
     "Chi bộ Văn phòng Huyện ủy", 14, "Chánh Văn phòng", "Phó Chánh Văn phòng", 2),
    ("VPUB", "Văn phòng HĐND và UBND huyện", ["VP HĐND & UBND", "VP HĐND-UBND", "VP UBND", "VP HĐND&UBND"],
     "Chi bộ Văn phòng HĐND và UBND huyện", 20, "Chánh Văn phòng", "Phó Chánh Văn phòng", 3),
    ("UBKT", "Ủy ban Kiểm tra Huyện ủy", ["UBKT Huyện ủy", "UBKT HU", "Ủy ban KT HU"],
     "Chi bộ các Ban xây dựng Đảng", 7, "Chủ nhiệm", "Phó Chủ nhiệm", 2),
    ("TGDV", "Ban Tuyên giáo và Dân vận Huyện ủy", ["Ban TG-DV", "Ban Tuyên giáo - Dân vận", "BTGDV HU"],
     "Chi bộ các Ban xây dựng Đảng", 7, "Trưởng ban", "Phó Trưởng ban", 2),
    ("TCKH", "Phòng Tài chính – Kế hoạch", ["P. TC-KH", "Phòng TCKH", "P.Tài chính - KH"],
     "Chi bộ Phòng Tài chính – Kế hoạch", 12, "Trưởng phòng", "Phó Trưởng phòng", 2),
    ("TTRA", "Thanh tra huyện", ["Thanh tra", "TTr huyện", "Thanh tra H"],
     "Chi bộ Thanh tra huyện", 6, "Chánh Thanh tra", "Phó Chánh Thanh tra", 1),
    ("VHTT", "Phòng Văn hóa, Khoa học và Thông tin", ["P. VH-KH&TT", "Phòng Văn hóa", "P.VHTT"],
     "Chi bộ Phòng Văn hóa, Khoa học và Thông tin", 7, "Trưởng phòng", "Phó Trưởng phòng", 2),
]
UNIT = {u[0]: u for u in UNITS}
UNIT_ORDER = {u[0]: i for i, u in enumerate(UNITS)}
CELL_ORDER = {}
for _u in UNITS:
    CELL_ORDER.setdefault(_u[3], len(CELL_ORDER))

# pay grade: (start coefficient, increment, number of steps, years per step)
GRADES = {"01.002": (4.40, .34, 8, 3), "01.003": (2.34, .33, 9, 3), "01.004": (1.86, .20, 12, 2),
          "06.031": (2.34, .33, 9, 3), "02.007": (2.34, .33, 9, 3), "02.008": (2.10, .31, 10, 2),
          "04.024": (4.40, .34, 8, 3), "04.025": (2.34, .33, 9, 3)}
POS_ABBR = {
    "Trưởng phòng": ["TP", "Trưởng P."], "Phó Trưởng phòng": ["PTP", "Phó TP", "Phó phòng"],
    "Chánh Văn phòng": ["CVP", "Chánh VP"], "Phó Chánh Văn phòng": ["PCVP", "Phó CVP", "Phó VP"],
    "Trưởng ban": ["TB", "Trưởng Ban"], "Phó Trưởng ban": ["PTB", "Phó Ban"],
    "Chủ nhiệm": ["CN", "Chủ nhiệm UBKT"], "Phó Chủ nhiệm": ["PCN", "Phó CN"],
    "Chánh Thanh tra": ["CTT", "Chánh TT"], "Phó Chánh Thanh tra": ["PCTT", "Phó Chánh TT"],
    "Chuyên viên": ["CV", "C.viên", "chuyên viên"], "Chuyên viên chính": ["CVC", "CV chính"],
    "Cán sự": ["CS", "cán sự"], "Kế toán": ["KT", "Kế toán"], "Văn thư": ["VT", "Văn thư"],
    "Thanh tra viên": ["TTV", "Thanh tra viên"], "Thanh tra viên chính": ["TTVC", "TTV chính"],
    "Nhân viên hợp đồng": ["NV HĐ", "HĐ 68", "HĐ 111", "Hợp đồng"], "Lái xe": ["Lái xe", "LX"],
    "Bảo vệ": ["BV", "Bảo vệ"], "Phục vụ": ["Tạp vụ", "PV"],
}
PHONE_PREFIX = ("091 094 088 083 084 085 081 082 090 093 089 070 079 077 076 078 096 097 098 086 "
                "032 033 034 035 036 037 038 039 092 056 058").split()

# ------------------------------------------------------------------ noise rates (typical)
RATES = {
    "party": dict(
        nodia=.02, caps=.05, typo=.02, mid=.02, thi=.02, space=.03, tone=.25,
        dswap=.01, dtypo=.01, year1=.01, year_only=.03, month_year=.02,
        cmnd=.10, id_typo=.015, id_swap=.008, id_zero=.02, id_space=.02,
        g_blank=.01, g_code=.03, g_case=.02, g_nodia=0., g_wrong=.002,
        home_other=.15, cell_abbr=.05, mover_old=.5),
    "civil": dict(
        nodia=.005, caps=.02, typo=.01, mid=.01, thi=.01, space=.01, tone=.10,
        dswap=.004, dtypo=.005, year1=.004, year_only=0., month_year=0.,
        id_missing=.02, cmnd=.02, id_typo=.008, id_swap=.004, id_zero=0., id_space=0.,
        g_blank=.005, g_code=0., g_case=0., g_nodia=0., g_wrong=.001),
    "office": dict(
        nodia=.05, caps=.08, typo=.03, mid=.03, thi=.03, space=.06, tone=.40,
        dswap=.025, dtypo=.02, year1=.015, year_only=0., month_year=0.,
        cmnd=.06, id_typo=.03, id_swap=.015, id_zero=.08, id_space=.05,
        g_blank=.04, g_code=0., g_case=.05, g_nodia=.03, g_wrong=.005,
        phone_blank=.06, phone_change=.10, unit_full=.30, pos_abbr=.60, mover_old=.4),
    "person": dict(mover=.06, promoted_lag=.20, office_dup=.03),
}
# style mixes and structural shares: not doubled by --noise hard
STYLE_KEYS = {"tone", "unit_full", "pos_abbr", "mover_old", "home_other", "promoted_lag"}
TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
KEYNB = {"a": "qsz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "g": "fh", "h": "gj", "i": "uo",
         "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w", "r": "et",
         "s": "ad", "t": "ry", "u": "yi", "v": "cb", "x": "zc", "y": "tu"}


def pick(rng, weighted):
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


class Person:
    pass


# ------------------------------------------------------------------ text helpers
def clusters(word):
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and out:
            out[-1][1].append(ch)
        else:
            out.append([ch, []])
    return out


def unclusters(cl):
    return unicodedata.normalize("NFC", "".join(b + "".join(m) for b, m in cl))


def new_style(word):
    """Hòa -> Hoà, Thúy -> Thuý, Ủy -> Uỷ (tone on the second vowel)."""
    cl = clusters(word)
    if len(cl) >= 2:
        (b1, m1), (b2, m2) = cl[-2], cl[-1]
        if (b1.lower() + b2.lower()) in ("oa", "oe", "uy") and len(m1) == 1 and m1[0] in TONES and not m2:
            prev = cl[-3][0].lower() if len(cl) >= 3 else ""
            if not (b1.lower() == "u" and prev == "q"):
                cl[-1][1] = [m1[0]]
                cl[-2][1] = []
    return unclusters(cl)


def strip_marks(s):
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return s.replace("đ", "d").replace("Đ", "D")


def retone(word, rng):
    cl = clusters(word)
    for b, m in cl:
        for j, mk in enumerate(m):
            if mk in TONES:
                alt = [t for t in TONES if t != mk] + [""]
                new = rng.choice(alt)
                if new:
                    m[j] = new
                else:
                    del m[j]
                return unclusters(cl)
    vowels = [i for i, (b, _) in enumerate(cl) if b.lower() in "aeiouy"]
    if not vowels:
        return word
    cl[vowels[-1]][1].append(rng.choice(TONES))
    return unclusters(cl)


def typo_words(words, rng):
    idx = [i for i, w in enumerate(words) if len(w) >= 3 and w not in ("Thị", "Văn")]
    if not idx:
        return words
    i = rng.choice(idx)
    w = words[i]
    k = rng.random()
    w2 = w
    if k < .40:
        w2 = retone(w, rng)
    elif k < .60:
        j = rng.randrange(1, len(w))
        w2 = w[:j] + w[j + 1:]
    elif k < .75:
        js = [j for j in range(1, len(w) - 1) if w[j] != w[j + 1]]
        if js:
            j = rng.choice(js)
            w2 = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    else:
        js = [j for j in range(1, len(w)) if w[j] in KEYNB]
        if js:
            j = rng.choice(js)
            w2 = w[:j] + rng.choice(KEYNB[w[j]]) + w[j + 1:]
    if w2 == w:
        j = rng.randrange(1, len(w))
        w2 = w[:j] + w[j + 1:]
    words = list(words)
    words[i] = w2
    return words


# ------------------------------------------------------------------ person generation
def make_name(rng, gender, year):
    fam = pick(rng, FAMILY)
    pool = MID_F if gender == "Nữ" else MID_M
    common = "Thị" if gender == "Nữ" else "Văn"
    f = 0.4 if year >= 1988 else 1.0
    pw = [(m, w * (f if m == common else 1.0)) for m, w in pool]
    u = rng.random()
    mids = []
    if u >= .03:
        mids.append(pick(rng, pw))
        if u > .90:
            mids.append(pick(rng, [(m, w) for m, w in pool if m not in (common, mids[0])]))
    while True:
        giv = rng.choice(GIVEN_F if gender == "Nữ" else GIVEN_M)
        if giv not in mids:
            return fam, mids, giv


def full_name(p):
    return " ".join([p.family] + p.mids + [p.given])


def gen_persons(n, rng, rates, namesakes):
    provs = [(p[0], p[5]) for p in PROVINCES]
    persons = []
    for i in range(n):
        p = Person()
        p.pid = f"P{i + 1:05d}"
        p.gender = "Nữ" if rng.random() < .52 else "Nam"
        y = min(2001, int(rng.triangular(1965, 2002, 1985)))
        p.birth = dt.date(y, 1, 1) + dt.timedelta(days=rng.randrange(366 if y % 4 == 0 else 365))
        p.family, p.mids, p.given = make_name(rng, p.gender, y)
        p.bprov = pick(rng, provs)
        p.contract = rng.random() < .08
        if p.contract:
            p.unit = pick(rng, [("VPUB", 5), ("VPHU", 3), ("PNV", 1), ("TCKH", 1)])
        else:
            p.unit = pick(rng, [(u[0], u[4]) for u in UNITS])
        persons.append(p)
    # namesakes: same full name and birth year, often the same unit
    k = min(int(round(namesakes * n / 2)), n // 2)
    order = list(range(n))
    rng.shuffle(order)
    pairs = 0
    for j in range(k):
        a, b = persons[order[2 * j]], persons[order[2 * j + 1]]
        b.gender, b.family, b.mids, b.given = a.gender, a.family, list(a.mids), a.given
        b.birth = shift_year(b.birth, a.birth.year - b.birth.year)
        if rng.random() < .6:
            b.unit, b.contract = a.unit, a.contract
        pairs += 1
    # citizen ids
    used = set()
    for p in persons:
        y = p.birth.year
        cg = (0 if y < 2000 else 2) + (1 if p.gender == "Nữ" else 0)
        while True:
            c = f"{p.bprov}{cg}{y % 100:02d}{rng.randrange(10 ** 6):06d}"
            if c not in used:
                used.add(c)
                break
        p.cccd = c
        p.cmnd = ""
        if y <= 1999 or rng.random() < .5:
            p.cmnd = PROV[p.bprov][4] + f"{rng.randrange(10 ** 7):07d}"
        p.home = p.bprov if rng.random() > rates["party"]["home_other"] else pick(rng, provs)
        p.home_district = rng.choice(PROV[p.home][6])
        p.home_commune = rng.choice(COMMUNES)
        p.phone = rng.choice(PHONE_PREFIX) + f"{rng.randrange(10 ** 7):07d}"
        p.alt_phone = rng.choice(PHONE_PREFIX) + f"{rng.randrange(10 ** 7):07d}"
    assign_positions(persons, rng, rates)
    return persons, pairs


def age(p):
    return REF.year - p.birth.year


def assign_positions(persons, rng, rates):
    for p in persons:
        p.pos = None
    for u in UNITS:
        cand = [p for p in persons if p.unit == u[0] and not p.contract and age(p) >= 35]
        rng.shuffle(cand)
        cand.sort(key=lambda p: -age(p) + rng.randrange(12))
        if cand:
            cand[0].pos = u[5]
        for p in cand[1:1 + u[7]]:
            p.pos = u[6]
    for p in persons:
        p.leader = p.pos is not None
        a = age(p)
        if p.contract:
            p.pos = pick(rng, [("Nhân viên hợp đồng", 4), ("Lái xe", 3), ("Bảo vệ", 1), ("Phục vụ", 1)])
        elif p.pos is None:
            r = rng.random()
            if p.unit == "TTRA":
                p.pos = "Thanh tra viên chính" if a >= 45 and r < .4 else "Thanh tra viên"
            elif p.unit in ("VPHU", "VPUB", "TCKH") and r < .08:
                p.pos = "Kế toán"
            elif p.unit in ("VPHU", "VPUB") and r < .16:
                p.pos = "Văn thư"
            elif a >= 45 and r < .50:
                p.pos = "Chuyên viên chính"
            elif r > .95:
                p.pos = "Cán sự"
            else:
                p.pos = "Chuyên viên"
        # pay grade and step
        p.grade = None
        if not p.contract:
            if p.pos in ("Chuyên viên chính",):
                g = "01.002"
            elif p.pos == "Thanh tra viên chính" or (p.leader and p.unit == "TTRA" and a >= 42):
                g = "04.024"
            elif p.pos == "Thanh tra viên" or (p.leader and p.unit == "TTRA"):
                g = "04.025"
            elif p.leader:
                g = "01.002" if a >= 42 else "01.003"
            elif p.pos == "Kế toán":
                g = "06.031"
            elif p.pos == "Văn thư":
                g = "02.007" if rng.random() < .7 else "02.008"
            elif p.pos == "Cán sự":
                g = "01.004"
            else:
                g = "01.003"
            start, inc, nsteps, per = GRADES[g]
            yrs = a - (rng.randint(36, 44) if start > 4 else rng.randint(23, 28))
            step = min(nsteps, 1 + max(0, yrs) // per)
            p.grade, p.step, p.coef = g, step, start + (step - 1) * inc
        # earlier unit/position still shown by lagging systems
        p.old = None
        if not p.contract and rng.random() < rates["person"]["mover"]:
            ou = rng.choice([u[0] for u in UNITS if u[0] != p.unit])
            p.old = (ou, "Chuyên viên chính" if p.leader and a >= 45 else ("Chuyên viên" if p.leader else p.pos))
        elif p.leader and rng.random() < rates["person"]["promoted_lag"]:
            head = UNIT[p.unit][5]
            p.old = (p.unit, UNIT[p.unit][6] if p.pos == head else "Chuyên viên chính")
        # sources
        if p.contract:
            p.in_civil, p.in_office, p.member = False, rng.random() < .95, rng.random() < .30
        else:
            p.in_civil = rng.random() < .96
            p.in_office = rng.random() < .85
            p.member = p.leader or rng.random() < (.45 if a < 28 else .82)
        if not (p.in_civil or p.in_office or p.member):
            p.in_office = True
        if p.member:
            ages = [x for x in (20, 21, 22, 23, 23, 24, 24, 25, 25, 26, 27, 28, 29, 30, 31, 32, 34) if x < a]
            j = shift_year(p.birth, rng.choice(ages)) + dt.timedelta(days=rng.randrange(-150, 150))
            j = min(j, REF - dt.timedelta(days=30 + rng.randrange(300)))
            if (j - p.birth).days < 18 * 366:
                j = p.birth + dt.timedelta(days=18 * 366 + rng.randrange(200))
            p.join = j
            off = shift_year(j, 1) + dt.timedelta(days=0 if rng.random() < .75 else rng.randrange(1, 120))
            p.official = off if off <= REF else None


# ------------------------------------------------------------------ field noise
def noisy_name(p, r, rng):
    mids = list(p.mids)
    if mids and rng.random() < r["mid"]:
        j = rng.randrange(len(mids))
        if rng.random() < .6:
            del mids[j]
        else:
            pool = MID_F if p.gender == "Nữ" else MID_M
            mids[j] = rng.choice([m for m, _ in pool if m not in mids and m != p.given])
    if p.gender == "Nữ" and rng.random() < r["thi"]:
        if "Thị" in mids:
            mids.remove("Thị")
        else:
            mids.insert(0, "Thị")
    words = [p.family] + mids + [p.given]
    if rng.random() < r["tone"]:
        words = [new_style(w) for w in words]
    if rng.random() < r["typo"]:
        words = typo_words(words, rng)
    s = " ".join(words)
    if rng.random() < r["nodia"]:
        s = strip_marks(s)
    if rng.random() < r["caps"]:
        s = s.upper()
    if rng.random() < r["space"]:
        k = rng.random()
        if k < .5 and " " in s:
            gaps = [i for i, c in enumerate(s) if c == " "]
            g = rng.choice(gaps)
            s = s[:g] + " " + s[g:]
        elif k < .8:
            s = s + " "
        else:
            s = " " + s
    return s


def shift_year(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def noisy_date(d, r, rng):
    if rng.random() < r["dswap"] and d.day <= 12 and d.day != d.month:
        d = dt.date(d.year, d.day, d.month)
    if rng.random() < r["year1"]:
        d = shift_year(d, rng.choice((-1, 1)))
    if rng.random() < r["dtypo"]:
        s = f"{d.day:02d}{d.month:02d}{d.year}"
        for _ in range(10):
            j = rng.choice((0, 1, 2, 3, 6, 7))
            t = s[:j] + rng.choice([c for c in "0123456789" if c != s[j]]) + s[j + 1:]
            try:
                d2 = dt.date(int(t[4:]), int(t[2:4]), int(t[:2]))
            except ValueError:
                continue
            if 1940 <= d2.year <= 2010:
                d = d2
                break
    return d


DATE_FMT = {"dmy": "{d:02d}/{m:02d}/{y}", "dmy_short": "{d}/{m}/{y}", "iso": "{y}-{m:02d}-{d:02d}",
            "dash": "{d:02d}-{m:02d}-{y}", "dot": "{d:02d}.{m:02d}.{y}", "my": "{m:02d}/{y}", "y": "{y}"}


def fmt_date(d, style):
    return DATE_FMT[style].format(d=d.day, m=d.month, y=d.year)


def noisy_gender(g, r, rng):
    if rng.random() < r["g_wrong"]:
        g = "Nam" if g == "Nữ" else "Nữ"
    u = rng.random()
    for key in ("g_blank", "g_code", "g_case", "g_nodia"):
        if u < r[key]:
            return {"g_blank": "", "g_code": "1" if g == "Nam" else "0",
                    "g_case": g.lower(), "g_nodia": strip_marks(g)}[key]
        u -= r[key]
    return g


def noisy_id(p, r, miss, rng):
    if rng.random() < miss:
        return ""
    v = p.cmnd if (p.cmnd and rng.random() < r["cmnd"]) else p.cccd
    u = rng.random()
    if u < r["id_typo"]:
        j = rng.randrange(len(v))
        v = v[:j] + rng.choice([c for c in "0123456789" if c != v[j]]) + v[j + 1:]
    elif u < r["id_typo"] + r["id_swap"]:
        js = [j for j in range(len(v) - 1) if v[j] != v[j + 1]]
        if js:
            j = rng.choice(js)
            v = v[:j] + v[j + 1] + v[j] + v[j + 2:]
    if rng.random() < r["id_zero"]:
        v = v.lstrip("0") or "0"            # spreadsheet turned it into a number
    elif rng.random() < r["id_space"]:
        v = " ".join(v[i:i + 3] for i in range(0, len(v), 3)) if rng.random() < .7 else v[:6] + " " + v[6:]
    return v


def fmt_phone(ph, rng):
    u = rng.random()
    if u < .55:
        return ph
    if u < .67:
        return f"{ph[:4]} {ph[4:7]} {ph[7:]}"
    if u < .77:
        return f"{ph[:4]}.{ph[4:7]}.{ph[7:]}"
    if u < .89:
        return ph[1:]                          # leading zero eaten by the spreadsheet
    if u < .94:
        return f"+84 {ph[1:4]} {ph[4:7]} {ph[7:]}"
    return "84" + ph[1:]


def home_text(p, rng):
    code, name, kind, newname = PROV[p.home][:4]
    city = kind == "thành phố"
    u = rng.random()
    if u < .30:
        return ("TP. " + name) if city and rng.random() < .4 else name
    if u < .35:
        return f"{kind} {name}" if rng.random() < .5 else f"{kind.capitalize()} {name}"
    if u < .70:
        s = f"Xã {p.home_commune}, huyện {p.home_district}, {kind} {name}"
        return s if rng.random() < .8 else s.lower().replace(p.home_commune.lower(), p.home_commune) \
            .replace(p.home_district.lower(), p.home_district).replace(name.lower(), name)
    if u < .80:
        return f"{p.home_commune} - {p.home_district} - {name}"
    if u < .90:
        return f"Xã {p.home_commune}, {p.home_district}, {name}"
    return f"Xã {p.home_commune}, {kind} {newname}"   # written after the 07/2025 merger


# ------------------------------------------------------------------ sources
def party_rows(persons, R, miss, rng):
    r = R["party"]
    rows = []
    cards = iter(rng.sample(range(10 ** 7, 10 ** 8), len(persons)))
    for p in persons:
        if not p.member:
            continue
        unit = p.old[0] if (p.old and rng.random() < r["mover_old"]) else p.unit
        cell = UNIT[unit][3]
        if rng.random() < r["cell_abbr"]:
            cell = cell.replace("Chi bộ", "CB", 1)
        u = rng.random()
        style = "y" if u < r["year_only"] else "my" if u < r["year_only"] + r["month_year"] else \
            ("dmy_short" if rng.random() < .15 else "dmy")
        pstyle = "dmy_short" if style == "dmy_short" else "dmy"
        card = str(next(cards))
        rows.append(((CELL_ORDER[UNIT[unit][3]], rng.random()), p.pid, [
            card, noisy_name(p, r, rng), fmt_date(noisy_date(p.birth, r, rng), style),
            noisy_gender(p.gender, r, rng), home_text(p, rng), noisy_id(p, r, miss, rng),
            fmt_date(p.join, pstyle), fmt_date(p.official, pstyle) if p.official else "", cell]))
    rows.sort(key=lambda t: t[0])
    return [(pid, row) for _, pid, row in rows]


def civil_rows(persons, R, rng):
    r = R["civil"]
    rows = []
    # six digits up to 900,000 persons (the data of smaller runs stays as it was), seven beyond
    codes = iter(rng.sample(range(10 ** 5, 10 ** 6 if len(persons) <= 900000 else 10 ** 7), len(persons)))
    for p in persons:
        if not p.in_civil:
            continue
        rank = 0 if p.pos == UNIT[p.unit][5] else 1 if p.leader else 2
        rows.append(((UNIT_ORDER[p.unit], rank, rng.random()), p.pid, [
            f"CB{next(codes)}", noisy_name(p, r, rng), fmt_date(noisy_date(p.birth, r, rng), "dmy"),
            noisy_gender(p.gender, r, rng), noisy_id(p, r, r["id_missing"], rng), p.grade,
            str(p.step), f"{p.coef:.2f}".replace(".", ","), UNIT[p.unit][1], p.pos]))
    rows.sort(key=lambda t: t[0])
    return [(pid, row) for _, pid, row in rows]


def office_rows(persons, R, miss, rng):
    r = R["office"]
    rows = []
    ndup = 0
    for p in persons:
        if not p.in_office:
            continue
        copies = 1
        if rng.random() < R["person"]["office_dup"]:
            copies, ndup = 2, ndup + 1
        for c in range(copies):
            unit, pos = p.unit, p.pos
            if p.old and rng.random() < r["mover_old"]:
                unit, pos = p.old
            if c == 1 and p.old:            # re-entered after the move: the other version
                unit, pos = (p.old if (unit, pos) == (p.unit, p.pos) else (p.unit, p.pos))
            utext = UNIT[unit][1] if rng.random() < r["unit_full"] else rng.choice(UNIT[unit][2])
            if rng.random() < r["tone"]:
                utext = " ".join(new_style(w) for w in utext.split(" "))
            ptext = rng.choice(POS_ABBR[pos]) if rng.random() < r["pos_abbr"] else pos
            style = pick(rng, [("dmy", 55), ("dmy_short", 20), ("iso", 10), ("dash", 7), ("dot", 8)])
            phone = p.alt_phone if (c == 1 and rng.random() < r["phone_change"]) else p.phone
            phone = "" if rng.random() < r["phone_blank"] else fmt_phone(phone, rng)
            rows.append(((UNIT_ORDER[unit], rng.random()), p.pid, [
                noisy_name(p, r, rng), fmt_date(noisy_date(p.birth, r, rng), style),
                noisy_gender(p.gender, r, rng), noisy_id(p, r, miss, rng), phone, utext, ptext]))
    rows.sort(key=lambda t: t[0])
    width = max(4, len(str(3 * len(rows))))
    ids = rng.sample(range(1, 10 ** width), len(rows))
    out = []
    for i, (_, pid, row) in enumerate(rows):
        out.append((pid, [str(i + 1), f"HS{ids[i]:0{width}d}"] + row))
    return out, ndup


HEADERS = {
    "party": ["Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Số CCCD",
              "Ngày vào Đảng", "Ngày chính thức", "Chi bộ"],
    "civil": ["Mã cán bộ", "Họ tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Mã ngạch",
              "Bậc lương", "Hệ số lương", "Đơn vị", "Chức vụ"],
    "office": ["STT", "Mã hồ sơ", "Họ và tên", "Ngày tháng năm sinh", "Giới tính", "Số CCCD",
               "Số điện thoại", "Đơn vị", "Chức vụ"],
}
CONFIG = {"store": {"sqlite": "hopnhat.db"}, "sources": [
    {"name": "party", "plugin": "csv", "options": {"path": "party_members.csv", "id": "Số thẻ đảng viên"}},
    {"name": "civil", "plugin": "csv", "options": {"path": "civil_servants.csv", "id": "Mã cán bộ", "delimiter": ";"}},
    {"name": "office", "plugin": "csv", "options": {"path": "office_staff.csv", "id": "Mã hồ sơ"}}],
    "survivorship": {"source_priority": ["civil", "party", "office"]}}


def write_csv(path, header, rows, delim=","):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delim)
        w.writerow(header)
        w.writerows(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--missing-cccd", type=float, default=None)
    ap.add_argument("--namesakes", type=float, default=0.02)
    ap.add_argument("--noise", choices=["typical", "hard"], default="typical")
    a = ap.parse_args()
    if a.persons < 1:
        ap.error("--persons must be >= 1")
    mult = 2.0 if a.noise == "hard" else 1.0
    R = {src: {k: (v if k in STYLE_KEYS else min(.5, v * mult)) for k, v in d.items()}
         for src, d in RATES.items()}
    miss = a.missing_cccd if a.missing_cccd is not None else .10 * mult
    rng = random.Random(a.seed)
    persons, pairs = gen_persons(a.persons, rng, R, max(0.0, a.namesakes))
    party = party_rows(persons, R, miss, rng)
    civil = civil_rows(persons, R, rng)
    office, ndup = office_rows(persons, R, miss, rng)

    os.makedirs(a.out, exist_ok=True)
    write_csv(os.path.join(a.out, "party_members.csv"), HEADERS["party"], [r for _, r in party])
    write_csv(os.path.join(a.out, "civil_servants.csv"), HEADERS["civil"], [r for _, r in civil], ";")
    write_csv(os.path.join(a.out, "office_staff.csv"), HEADERS["office"], [r for _, r in office])
    truth = [("party", r[0], pid) for pid, r in party] + [("civil", r[0], pid) for pid, r in civil] + \
            [("office", r[1], pid) for pid, r in office]
    write_csv(os.path.join(a.out, "truth.csv"), ["source", "record_id", "person"], truth)
    write_csv(os.path.join(a.out, "truth_persons.csv"),
              ["person", "full_name", "birth_date", "gender", "citizen_id"],
              [(p.pid, full_name(p), p.birth.isoformat(), p.gender, p.cccd) for p in persons])
    with open(os.path.join(a.out, "hopnhat.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(CONFIG, ensure_ascii=False) + "\n")

    key_count = {}
    for p in persons:
        key = (full_name(p), p.birth.year)
        key_count[key] = key_count.get(key, 0) + 1
    summary = {
        "persons": a.persons, "seed": a.seed, "noise": a.noise, "missing_cccd": miss,
        "namesakes_requested": a.namesakes, "namesake_pairs_made": pairs,
        "persons_sharing_name_and_year": sum(1 for p in persons if key_count[(full_name(p), p.birth.year)] > 1),
        "rows": {"party": len(party), "civil": len(civil), "office": len(office)},
        "office_duplicate_persons": ndup,
        "movers": sum(1 for p in persons if p.old and p.old[0] != p.unit),
        "promoted_lag": sum(1 for p in persons if p.old and p.old[0] == p.unit),
        "in_all_three": sum(1 for p in persons if p.member and p.in_civil and p.in_office),
        "out": a.out,
    }
    print(json.dumps(summary, ensure_ascii=False), file=sys.stderr)


if __name__ == "__main__":
    main()
