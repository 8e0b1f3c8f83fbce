"""The document model from readers that know where paragraphs and tables are (PDF, DOCX, HTML).

A reader lists what it found in reading order: prose lines (with their page, and whether each
runs to the right margin, i.e. is hard-wrapped) and tables (rows of cell texts, a page per row).
This module turns them into the same Document the text reader builds, with the same paragraph
and table rules, so nothing downstream knows the format.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .errors import GarbledTextError
from .model import Cell, Document, Row
from .read_text import _CONTROL, _Blocks, _check_text

_CID = re.compile(r"\(cid:\d+\)")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")


@dataclass
class Line:
    text: str
    page: int | None = None
    wraps: bool = False  # runs to the right margin: the next line continues it


@dataclass
class TableRows:
    rows: list[list[str]]
    pages: list[int | None]
    continues: bool = False  # the reader knows it continues the table before it (a PDF page break)


def build_document(path: str, data: bytes, fmt: str, items: list[Line | TableRows], encoding: str = "") -> Document:
    """Lay the items out as numbered lines (a table row is one line, its cells tab-joined) and
    group them into paragraphs and tables. Raises a ReportError when the text is garbled."""
    lines: list[str] = []
    pages: list[int | None] = []
    wraps: list[bool] = []
    tables: dict[int, tuple[list[Row], bool]] = {}
    for item in items:
        if isinstance(item, Line):
            lines.append(item.text.replace("\t", " "))
            pages.append(item.page)
            wraps.append(item.wraps)
            continue
        start, rows = len(lines), []
        for texts, page in zip(item.rows, item.pages):
            n = len(lines) + 1
            rows.append(Row([Cell(t, n, page) for t in texts], line=n, page=page))
            lines.append("\t".join(texts))
            pages.append(page)
            wraps.append(False)
        if rows:
            tables[start] = (rows, item.continues)
    check_garbled("\n".join(lines))
    doc = Document(path=path, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), format=fmt, encoding=encoding, lines=lines)
    _Blocks(doc, pages, tables=tables, wraps=wraps).run()
    return doc


def check_garbled(text: str) -> None:
    """Garbled text is an error, not data: glyphs without a Unicode mapping show as `(cid:NN)`,
    private-use or control characters; then the usual checks of the text reader."""
    visible = sum(not c.isspace() for c in text) or 1
    controls = len(_CONTROL.findall(text))
    if controls > max(2, visible // 100):
        raise GarbledTextError(f"{controls} control characters among {visible} in the text layer: the fonts map glyphs to no real characters (no ToUnicode map); the text cannot be read (OCR would be needed)")
    cids = len(_CID.findall(text))
    if cids > 2:
        raise GarbledTextError(f"{cids} `(cid:NN)` glyphs without a Unicode mapping: the PDF's fonts lack a ToUnicode map; the text cannot be read (OCR would be needed)")
    private = len(_PRIVATE_USE.findall(text))
    if private > max(2, visible // 100):
        raise GarbledTextError(f"{private} private-use characters among {visible}: the fonts map glyphs to no real characters; the text cannot be read (OCR would be needed)")
    _check_text(text)


def cell_text(text: str) -> str:
    """A cell's lines joined as the text reader sees them: no break inside Chinese, a space
    between two Latin words."""
    out = ""
    for part in (p.strip() for p in text.splitlines()):
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out
