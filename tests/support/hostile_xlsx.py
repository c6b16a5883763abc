#!/usr/bin/env python3
"""Hostile spreadsheet files for the tests, written into the given folder: a zip bomb, an XML
entity expansion, an archive with a path trick, a sheet of 1,048,576 rows, a truncated file, and
an HTML page and an XLS renamed .xlsx (the last two from the file given as second argument)."""
import os
import sys
import zipfile

out = sys.argv[1]
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="xml" ContentType="application/xml"/></Types>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = '</sheetData></worksheet>'


def workbook(name, sheet_writer, extra=None):
    with zipfile.ZipFile(os.path.join(out, name), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            sheet_writer(f)
        for entry, data in (extra or {}).items():
            z.writestr(entry, data)


def rows(n):
    def write(f):
        f.write(HEAD.encode())
        f.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Ho va ten</t></is></c><c r="B1" t="inlineStr"><is><t>Ngay sinh</t></is></c></row>')
        chunk = []
        for r in range(2, n + 1):
            chunk.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>A</t></is></c><c r="B{r}"><v>1965</v></c></row>')
            if len(chunk) == 10000:
                f.write("".join(chunk).encode())
                chunk = []
        f.write("".join(chunk).encode())
        f.write(TAIL.encode())
    return write


def bomb(f):
    f.write(HEAD.encode())
    block = b" " * (1 << 20)
    for _ in range(300):  # 300 MiB of white space: compresses about a thousand-fold
        f.write(block)
    f.write(TAIL.encode())


def xxe(f):
    f.write(b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            b'<c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')


workbook("bomb.xlsx", bomb)
workbook("xxe.xlsx", xxe)
workbook("traversal.xlsx", rows(3), {"../../etc/evil.xml": "<x/>"})
workbook("million.xlsx", rows(1048576))
good = open(sys.argv[2], "rb").read() if len(sys.argv) > 2 else b""
open(os.path.join(out, "truncated.xlsx"), "wb").write(good[: len(good) // 2])
open(os.path.join(out, "page.xlsx"), "w").write("<html><body><table><tr><td>Họ và tên</td></tr></table></body></html>")
