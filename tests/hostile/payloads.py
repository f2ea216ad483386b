"""Hostile input shared by the suite: URL values, names, files, and what "nothing changed" means.

A new page, form or import joins the suite by using these lists (and `fingerprint` around
whatever it does): a URL parameter it reads goes into URL_PARAMETERS, a text field gets every
HOSTILE_NAMES value, an upload every HOSTILE_FILES file.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile

from openpyxl import Workbook
from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import Engine

# Every URL parameter the app reads (grep `query_params` in ui/ and pages/ when adding one).
URL_PARAMETERS = ("year", "org", "asof", "cmp", "id", "seconds", "panels", "theme", "since")

LINK = "[Phiên đã hết hạn – bấm vào đây](http://evil.example/dang-nhap)"
IMAGE = "![x](http://evil.example/pixel.png)"

HOSTILE_URL_VALUES: tuple[str, ...] = (
    "99999999999999999999",  # beyond SQLite INTEGER and PostgreSQL bigint
    "2147483648",  # beyond PostgreSQL integer (the ids)
    "0001-01-01",  # a date whose month before does not exist
    "1/1/1",
    "9999-12-31",
    "²",  # str.isdigit() is True, int() refuses it
    "٢٠٢٣",  # Arabic-Indic digits: int() would take them
    "9" * 5000,  # more digits than int() reads
    "1999",  # a year before the plans
    "-5",
    "0",
    "1e400",
    "\x00",
    "KB\x00HDND",
    "x" * 10_000,
    LINK,
    IMAGE,
    ":red[đỏ] :material/home:",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    " ",
)

HOSTILE_NAMES: tuple[str, ...] = (
    LINK,
    IMAGE,
    "<img src=x onerror=alert(1)>Chi bộ",
    ":red[Chi bộ đỏ] :material/home: :smile:",
    "=HYPERLINK(\"http://evil.example\",\"Bấm\")",
    "# Tiêu đề\n- mục",
    "$x^2$ ~~gạch~~ **đậm** `mã`",
    "http://evil.example www.evil.example a@evil.example",
    unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung"),  # Unikey's composite Unicode, macOS
    "Trần\u202eVăn An",  # a right-to-left override
    "Lê\u200bVăn\u200dBình",  # zero-width characters
    "A" * 10_000,
    "Phạm\x00Văn Cường",
)

# What Markdown would render from a payload (a link, an image, a colour, an icon, HTML, an
# autolink), looked for in a body once every backslash-escaped character is taken out.
PAYLOAD_MARKERS = ("](", "![", ":red[", ":material/", "<img", "<script", "<b>", "://", "www.", "@evil")
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")


def unescaped_markers(markdown: str) -> list[str]:
    """The payload markers left in a Markdown body when its escaped characters are removed:
    each would be rendered (md_escape'd text leaves none)."""
    bare = _ESCAPED.sub("", markdown)
    return [m for m in PAYLOAD_MARKERS if m in bare]


def fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """Each data table's row count and a hash of its rows, for "the database is unchanged"."""
    meta = MetaData()
    meta.reflect(engine)
    result = {}
    with engine.connect() as conn:
        for table in sorted(meta.sorted_tables, key=lambda t: t.name):
            if table.name in ("alembic_version",):
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            result[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def data_fingerprint(engine: Engine) -> dict[str, tuple[int, str]]:
    """fingerprint without what reading and signing in may change (the accounts: sessions, last seen)."""
    return {name: value for name, value in fingerprint(engine).items() if name != "app_user"}


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()


# Files ---------------------------------------------------------------------------------------


def _small_workbook(cells: dict[str, object] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for ref, value in (cells or {"A1": "x"}).items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_member(data: bytes, member: str, change) -> bytes:
    """The same .xlsx with one zip member's bytes changed by `change`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


def dimension_bomb(ref: str = "A1:XFD1048576", cells: dict[str, object] | None = None) -> bytes:
    """A small workbook whose first sheet declares `ref` as its size (openpyxl pads every row to it)."""
    data = _small_workbook(cells)

    def declare(xml: bytes) -> bytes:
        start = xml.index(b"<dimension ref=\"")
        end = xml.index(b"/>", start)
        return xml[:start] + f'<dimension ref="{ref}"'.encode() + xml[end:]

    return rewrite_member(data, "xl/worksheets/sheet1.xml", declare)


def undeclared_rows(rows: int) -> bytes:
    """A sheet without a declared size holding one cell in row `rows` (rows before it are empty)."""
    data = _small_workbook({"A1": "x"})

    def move(xml: bytes) -> bytes:
        start, end = xml.index(b"<dimension"), xml.index(b"/>", xml.index(b"<dimension")) + 2
        xml = xml[:start] + xml[end:]
        return xml.replace(b'<row r="1"><c r="A1"', f'<row r="{rows}"><c r="A{rows}"'.encode())

    return rewrite_member(data, "xl/worksheets/sheet1.xml", move)


def zip_bomb(megabytes: int = 200) -> bytes:
    """A valid zip whose one sheet unpacks to `megabytes` of spaces (a few hundred KB packed)."""
    data = _small_workbook()
    padding = b" " * (megabytes * 1_000_000)
    return rewrite_member(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>"))


def password_protected() -> bytes:
    """The shape of an .xlsx saved with a password: an OLE2 compound file holding the
    EncryptionInfo and EncryptedPackage streams (their contents do not matter to the check)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le")
    return header + directory + b"\x00" * 1024


def damaged_sheet() -> bytes:
    """A zip that openpyxl opens as a workbook but whose sheet is not well-formed XML."""
    return rewrite_member(_small_workbook(), "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"</row>", b"<row>"))


HOSTILE_FILES: dict[str, callable] = {
    "empty": lambda: b"",
    "not_excel": lambda: b"%PDF-1.4 definitely not a spreadsheet\n" * 20,
    "renamed_text": lambda: "Họ và tên,Ngày sinh\nNguyễn Văn A,01/01/1990\n".encode(),
    "old_xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000,
    "password": password_protected,
    "zip_bomb": zip_bomb,
    "dimension_bomb": dimension_bomb,
    "too_many_rows": lambda: undeclared_rows(1_048_576),
    "too_wide": lambda: dimension_bomb("A1:A1", {"A1": "x", "XFD1": "y"}),
    "damaged": damaged_sheet,
}
