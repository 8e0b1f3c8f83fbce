"""Read a DOCX report with python-docx: paragraphs and tables in document order.

A merged cell (gridSpan across columns, vMerge down rows) is read once, at its top-left grid
position; the other positions it covers are empty, as in the text extracted from such a table.
"""

from __future__ import annotations

import io
import zipfile

from .errors import BrokenFileError, EncryptedError
from .model import Document
from .read_layout import Line, TableRows, build_document, cell_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: str, data: bytes) -> Document:
    import docx  # python-docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise EncryptedError("an OLE container, not a DOCX zip: a password-protected DOCX (or an old .doc renamed); save it without a password as .docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BrokenFileError(f"not a readable DOCX ({type(exc).__name__}: {exc})") from exc
    items: list[Line | TableRows] = []
    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            text = DocxParagraph(child, document).text.strip()
            if text:
                items.append(Line(text))
        elif child.tag == _W + "tbl":
            items.append(_table(DocxTable(child, document)))
    return build_document(path, data, "docx", items)


def _table(table) -> TableRows:
    rows, seen = [], set()
    for row in table.rows:
        texts = []
        for cell in row.cells:  # one per grid position; a merged cell repeats
            texts.append("" if cell._tc in seen else cell_text(cell.text))
            seen.add(cell._tc)  # the element itself: keeping it alive keeps its identity
        rows.append(texts)
    return TableRows(rows, [None] * len(rows))
