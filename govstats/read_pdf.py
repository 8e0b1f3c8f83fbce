"""Read a PDF report: page text with pypdfium2, statistics tables with camelot.

camelot is the slow part, so it runs only on pages that need it: pages with ruling lines (path
objects: a ruled table) are read with `lattice`; a page without ruling that prints several
catalogue labels (an unruled statistics table) with `stream`. Prose lines outside the tables come
from pypdfium2's text rectangles, with their position: a line that ends before the right margin
ends its paragraph. A table at the top of a page right after one at the bottom of the previous
page, with the same number of columns, is the same table continued; each row keeps its page.

Cells merged across rows or columns: camelot puts a merged cell's text in whichever grid
position it sits over (the middle of a row header spanning ten rows); it is moved to the merged
cell's top-left position, as the text, DOCX and HTML readers have it.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, field

from .errors import BrokenFileError, EncryptedError, NoTextLayerError
from .model import Document
from .normalize import compact
from .read_layout import Line, TableRows, build_document, cell_text
from .read_text import _PAGE_NUMBER

RULED_PAGE_PATHS = 4  # path objects on a page before it is worth a lattice pass
STREAM_PAGE_LABELS = 3  # catalogue labels on an unruled page before it is worth a stream pass


def read_pdf(file_path: str, name: str, data: bytes, all_pages: bool = False) -> Document:
    """``all_pages`` runs camelot's default (lattice) over every page: the benchmark's baseline."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedError("the PDF is encrypted with a password; save an unprotected copy") from exc
        raise BrokenFileError(f"not a readable PDF ({exc})") from exc
    try:
        pages = [_page(pdf[i], i + 1) for i in range(len(pdf))]
    finally:
        pdf.close()
    if not any(p.lines for p in pages):
        raise NoTextLayerError(f"no text layer on any of its {len(pages)} page(s): a scanned report; it needs OCR first")
    tables = _tables(file_path, pages, all_pages)
    margin = _right_margin([ln for p in pages for ln in p.lines])
    items: list[Line | TableRows] = []
    last_table = None  # (bbox, page) of the table that ends the content so far
    for page in pages:
        page_tables = tables.get(page.number, [])
        placed = [(bbox[3], (bbox, TableRows(rows, [page.number] * len(rows)))) for bbox, rows in page_tables]
        for ln in page.lines:
            if not any(_inside(ln, bbox) for bbox, _ in page_tables):
                placed.append((ln.top, Line(ln.text, page.number, wraps=ln.right >= margin - 1.5 * ln.height)))
        for _, item in sorted(placed, key=lambda p: -p[0]):
            if isinstance(item, Line):
                items.append(item)
                if not _PAGE_NUMBER.match(item.text):
                    last_table = None
                continue
            bbox, part = item
            # the top of a page right after a table that ended the previous one, same left and right edges
            part.continues = last_table is not None and last_table[1] == page.number - 1 and _same_edges(last_table[0], bbox)
            items.append(part)
            last_table = (bbox, page.number)
    doc = build_document(name, data, "pdf", items)
    blank = [p.number for p in pages if not p.lines]
    if blank:
        doc.warnings.append(("page_without_text", f"page(s) {', '.join(map(str, blank))} of {len(pages)} have no text layer (scanned?); what they hold is not read"))
    return doc


def _same_edges(a: tuple, b: tuple) -> bool:
    return abs(a[0] - b[0]) <= 3 and abs(a[2] - b[2]) <= 3


@dataclass
class _TextLine:
    left: float
    bottom: float
    right: float
    top: float
    text: str
    parts: list[_TextLine] = field(default_factory=list)  # the text rectangles on this line

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass
class _Page:
    number: int
    lines: list[_TextLine]
    paths: int  # path objects: ruling lines of a table, among others


def _page(page, number: int) -> _Page:
    """Text lines (rectangles on one baseline joined, left to right) and the count of paths."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    rects = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top).replace("\r", "").replace("\n", "")
        if text.strip():
            rects.append(_TextLine(left, bottom, right, top, text))
    lines: list[_TextLine] = []
    for r in sorted(rects, key=lambda r: (-r.top, r.left)):
        middle = (r.top + r.bottom) / 2
        line = next((ln for ln in lines if ln.bottom <= middle <= ln.top), None)
        if line is None:
            lines.append(_TextLine(r.left, r.bottom, r.right, r.top, "", [r]))
        else:
            line.parts.append(r)
            line.left, line.right = min(line.left, r.left), max(line.right, r.right)
    for line in lines:
        line.parts.sort(key=lambda r: r.left)
        line.text = cell_text("\n".join(r.text for r in line.parts))
    paths = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1))
    textpage.close()
    return _Page(number, lines, paths)


def _right_margin(lines: list[_TextLine]) -> float:
    """Where full prose lines end: the median right edge of the longer lines."""
    rights = sorted(ln.right for ln in lines)
    if not rights:
        return 0.0
    long = rights[len(rights) // 2 :]
    return statistics.median(long)


def _inside(line: _TextLine, bbox: tuple[float, float, float, float]) -> bool:
    x1, y1, x2, y2 = bbox
    x, y = (line.left + line.right) / 2, (line.top + line.bottom) / 2
    return x1 - 2 <= x <= x2 + 2 and y1 - 2 <= y <= y2 + 2


def _tables(file_path: str, pages: list[_Page], all_pages: bool = False) -> dict[int, list[tuple[tuple, list[list[str]]]]]:
    """camelot on the pages that need it: {page: [(bbox, rows)]}."""
    from .catalogue import load_catalogue

    labels = {compact(p) for ind in load_catalogue().indicators for p in (ind.label_parts[0], *ind.variants)}
    labels = {label for label in labels if len(label) >= 6}
    lattice, stream = [], []
    for p in pages:
        if all_pages or (p.paths >= RULED_PAGE_PATHS and p.lines):
            lattice.append(p.number)
        elif sum(any(label in compact(ln.text) for label in labels) for ln in p.lines) >= STREAM_PAGE_LABELS:
            stream.append(p.number)
    found: dict[int, list] = {}
    runs = (("lattice", lattice, {} if all_pages else {"backend": GrayRender()}), ("stream", stream, {}))
    for flavor, numbers, options in runs:
        for table in _camelot(file_path, numbers, flavor, **options):
            rows = _rows(table) if flavor == "lattice" else [[cell_text(t) for t in r] for r in table.df.values.tolist()]
            if any(any(t for t in r) for r in rows):
                found.setdefault(int(table.page), []).append((table._bbox, rows))
    return found


def _camelot(file_path: str, numbers: list[int], flavor: str, **options) -> list:
    if not numbers:
        return []
    import camelot

    for name in ("camelot", "playa", "pdfminer"):  # font-spec chatter on CJK fonts, not errors
        logging.getLogger(name).setLevel(logging.ERROR)
    return list(camelot.read_pdf(file_path, pages=",".join(map(str, numbers)), flavor=flavor, **options))


class GrayRender:
    """camelot's image backend for lattice, rendering pages in grey at 150 dpi.

    camelot 2.0 renders every page in colour at 300 dpi whatever `resolution` says; ruling lines
    need far less, and the table cells come out the same (benchmarks/pdf_pages.py checks the
    facts against camelot's default on every fixture) at about a fifth of the time.
    """

    DPI = 150

    def convert(self, pdf_path: str, png_path: str, resolution: int = 300, page: int = 1) -> None:
        import cv2

        cv2.imwrite(png_path, self.to_array(pdf_path, page))

    def to_array(self, pdf_path: str, page: int = 1):
        import numpy as np
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(pdf_path)
        try:
            grey = doc[page - 1].render(scale=self.DPI / 72, grayscale=True).to_numpy()
        finally:
            doc.close()
        grey = grey[:, :, 0] if grey.ndim == 3 else grey
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))  # the BGR array camelot expects


def _rows(table) -> list[list[str]]:
    """Cell texts, each merged cell's text at its top-left grid position."""
    texts = [[cell_text(t) for t in r] for r in table.df.values.tolist()]
    cells = table.cells
    out = [["" for _ in r] for r in texts]
    for r, row in enumerate(texts):
        for c, text in enumerate(row):
            if not text:
                continue
            top, left = r, c
            while top > 0 and not cells[top][c].top:
                top -= 1  # no ruling above: the same merged cell
            while left > 0 and not cells[top][left].left:
                left -= 1
            out[top][left] = cell_text(out[top][left] + "\n" + text) if out[top][left] else text
    return out
