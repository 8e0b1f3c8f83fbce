"""Read an HTML report (a portal page or a saved document) with lxml.

Portal chrome is left out: the article is the element that holds most of the page's text that is
not link text (menus, breadcrumbs, footers are mostly links or short), found by walking down from
<body> while one child holds nearly all of it; a title above it that names the 报告 is kept.
A table that holds another table, or whose cells hold paragraphs, is layout: its cells are read as
the page. Other tables are data: `rowspan`/`colspan` expanded to the grid, the text at the
top-left position of a merged cell and the other positions empty.
"""

from __future__ import annotations

import re

from .errors import BrokenFileError
from .model import Document
from .read_layout import Line, TableRows, build_document, cell_text
from .read_text import decode

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "select", "button", "iframe", "head"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "center", "blockquote", "pre", "dd", "dt",
          "ul", "ol", "dl", "main", "tbody", "thead", "tfoot", "tr", "td", "th"}
_CJK = re.compile(r"[\u3400-\u9fff]")


def read_html(path: str, data: bytes) -> Document:
    import lxml.etree
    import lxml.html

    text, encoding = _decode(data)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise BrokenFileError(f"not readable as HTML ({exc})") from exc
    for el in root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction):
        el.drop_tree() if el.getparent() is not None else None
    for el in list(root.iter(*_SKIP)):
        if el.getparent() is not None:
            el.drop_tree()
    body = root.find("body") if root.find("body") is not None else root
    article = _article(body)
    items: list[Line | TableRows] = _title_above(body, article)
    _walk(article, items)
    return build_document(path, data, "html", items, encoding)


def _decode(data: bytes) -> tuple[str, str]:
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        name = "gb18030" if name in ("gbk", "gb2312", "gb18030") else name
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: let the text reader's detection decide
    return decode(data)


def _weight(el) -> int:
    """Chinese characters in the element, not counting link text."""
    total = len(_CJK.findall(el.text_content()))
    links = sum(len(_CJK.findall(a.text_content())) for a in el.iter("a"))
    return total - links


def _article(body):
    node = body
    while True:
        children = [(c, _weight(c)) for c in node if isinstance(c.tag, str)]
        best = max(children, key=lambda cw: cw[1], default=None)
        if best is None or best[1] < 0.8 * _weight(node) or _is_data_table(best[0]):
            return node
        node = best[0]


def _title_above(body, article) -> list[Line]:
    """The report's title, when the article container starts below it (`<h1>` in a header div)."""
    if "报告" in article.text_content()[:200]:
        return []
    for el in body.iter("h1", "h2", "h3"):
        text = cell_text(el.text_content())
        if "报告" in text and len(text) <= 80:
            return [Line(text)]
    return []


def _is_data_table(el) -> bool:
    if el.tag != "table":
        return False
    return el.find(".//table") is None and el.find(".//td/p/following-sibling::p") is None


def _walk(el, items: list) -> None:
    """Paragraphs and tables in document order."""
    if el.tag == "table":
        if _is_data_table(el):
            items.append(_table(el))
        else:
            for cell in el.iter("td", "th"):
                if cell.getparent() is not None and _nearest_table(cell) is el:
                    _walk_children(cell, items)
        return
    _walk_children(el, items)


def _walk_children(el, items: list) -> None:
    """Inline text and <br>-separated runs are paragraphs; block children are walked."""
    run: list[str] = [el.text or ""]

    def flush():
        text = cell_text(" ".join(run).replace("\xa0", " ")) if any(t.strip() for t in run) else ""
        if text:
            items.append(Line(text))
        run.clear()

    for child in el:
        if not isinstance(child.tag, str):
            run.append(child.tail or "")
            continue
        if child.tag in _BLOCK or child.tag == "table" or child.tag == "br":
            flush()
            if child.tag != "br":
                _walk(child, items)
        else:
            run.append(child.text_content())
        run.append(child.tail or "")
    flush()


def _nearest_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _table(table) -> TableRows:
    rows: list[list[str]] = []
    taken: dict[tuple[int, int], str] = {}  # grid positions covered by a rowspan from above
    trs = [tr for tr in table.iter("tr") if _nearest_table(tr) is table]
    for r, tr in enumerate(trs):
        row: list[str] = []
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                row.append(taken.pop((r, c)))
                c += 1
            span_c, span_r = _span(cell, "colspan"), _span(cell, "rowspan")
            row.append(cell_text(_cell_text(cell)))
            row.extend([""] * (span_c - 1))
            for dr in range(1, span_r):
                for dc in range(span_c):
                    taken[(r + dr, c + dc)] = ""
            c += span_c
        while (r, c) in taken:
            row.append(taken.pop((r, c)))
            c += 1
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return TableRows(rows, [None] * len(rows))


def _cell_text(cell) -> str:
    parts = [cell.text or ""]
    for child in cell:
        if isinstance(child.tag, str) and (child.tag in _BLOCK or child.tag == "br"):
            parts.append("\n")
        parts.append(child.text_content() if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    return "".join(parts)


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(int(cell.get(attr, "1")), 1000))
    except ValueError:
        return 1
