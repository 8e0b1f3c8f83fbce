"""Read a plain-text report (as extracted from PDF/DOCX, or typed) into the document model.

Shapes met in real reports (see the seeds): markdown pipe tables split by page breaks, tab
tables with blank cells and row headers wrapped over several lines, tables printed one cell per
line with blank lines between rows, prose hard-wrapped mid-sentence, page-number lines,
stray `mailto:` and `[bookmark: …]` lines.
"""

from __future__ import annotations

import codecs
import collections
import hashlib
import re

from .errors import BinaryFileError, EmptyFileError, NotAReportError, UndecodableError
from .model import Cell, Document, Noise, Paragraph, Row, Table
from .normalize import squeeze, unspaced

# ---------------------------------------------------------------- decoding

_MAGIC = {
    b"%PDF": "a PDF file",
    b"PK\x03\x04": "a ZIP container (DOCX/XLSX?)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Office (DOC/XLS) file",
}


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes: UTF-8 (with or without BOM), UTF-16 (BOM), GB18030/GBK, else what
    charset-normalizer finds. Raises a specific ReportError for anything that is not text."""
    if not data:
        raise EmptyFileError("the file is empty (0 bytes)")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise EmptyFileError("the file holds only white space")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise BinaryFileError(f"this is {what}, not a text report; give it its proper extension")
    text, encoding = _decode_text(data)
    _check_text(text)
    return text, encoding


def _decode_text(data: bytes) -> tuple[str, str]:
    boms = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"starts with a {encoding} byte-order mark but is not valid {encoding}: {exc.reason} at byte {exc.start}") from exc
    if data.count(b"\x00") > len(data) // 4:  # UTF-16 without a BOM: every other byte is NUL
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _cjk_share(text) > 0.2:
                return text, encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a core dependency
        best = None
    else:
        best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    raise UndecodableError("not valid UTF-8, UTF-16 or GB18030, and no other text encoding fits; is it a text file?")


_CJK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+")
_LATIN1 = re.compile(r"[\u0080-\u00ff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc, less the white-space controls


def _cjk_share(text: str, visible: str | None = None) -> float:
    """Share of Chinese characters among the visible (non-white) ones."""
    visible = unspaced(text) if visible is None else visible
    return sum(map(len, _CJK.findall(visible))) / len(visible) if visible else 0.0


def _check_text(text: str) -> None:
    visible = unspaced(text)
    if not visible:
        raise EmptyFileError("the file holds only white space")
    little_chinese = _cjk_share(text, visible) < 0.05
    if little_chinese and len(_LATIN1.findall(visible)) > len(visible) // 10:
        raise NotAReportError("mojibake: Chinese text decoded with a Western code page somewhere upstream (e.g. å…´åº†)")
    controls = len(_CONTROL.findall(visible))
    if controls > max(2, len(visible) // 100):
        raise BinaryFileError(f"{controls} control characters among {len(visible)}: binary data, not a text report")
    replacement = text.count("\ufffd")
    if replacement > max(2, len(visible) // 100):
        raise NotAReportError(f"{replacement} replacement characters (\ufffd): the text was garbled before it reached govstats")
    if little_chinese:
        raise NotAReportError("almost no Chinese characters: not a government information-disclosure report")


# ---------------------------------------------------------------- lines to blocks

_PAGE_NUMBER = re.compile(r"^[\s\f]*(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?)[\s\f]*$")
_BOOKMARK = re.compile(r"^\s*\[bookmark:[^\]]*\]\s*")
_MAILTO = re.compile(r"^\s*mailto:\S*\s*$")
_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、](?!\d)|第[一二三四五六七八九十]+[章节部分]|附件|附表)"
)
_DATE_LINE = re.compile(r"^[\d〇零一二三四五六七八九]{4}\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日$")
_TERMINAL = tuple("。！？!?")
_CLAUSE_PUNCTUATION = set("，,；;：:、。")
_TITLE_ENDINGS = ("报告", "年报", "统计表", "情况", "附表", "附件")


def read_text(path: str, data: bytes) -> Document:
    text, encoding = decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = Document(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        format="text",
        encoding=encoding,
        lines=lines,
    )
    pages = _page_numbers(lines)
    _Blocks(doc, pages).run()
    return doc


def _page_numbers(lines: list[str]) -> list[int | None]:
    """Form feeds (as pdftotext writes them) give pages; otherwise pages are unknown."""
    if not any("\f" in ln for ln in lines):
        return [None] * len(lines)
    page, out = 1, []
    for ln in lines:
        out.append(page)
        page += ln.count("\f")
    return out


class _Blocks:
    """One pass over the lines, grouping them into tables and paragraphs.

    Readers of paged formats pass the tables they found (``tables``: first line → (rows, whether
    it continues the table before it), the rows' lines in ``doc.lines`` as tab-joined text) and,
    per line, whether it runs to the right margin (``wraps``), which tells a hard wrap from a
    paragraph's end better than line lengths.
    """

    def __init__(self, doc: Document, pages: list[int | None], tables: dict[int, tuple[list[Row], bool]] | None = None, wraps: list[bool] | None = None):
        self.doc = doc
        self.pages = pages
        self.lines = [ln.replace("\f", "") for ln in doc.lines]
        self.wrap_width = _wrap_width(self.lines, doc.squeezed)
        self.paragraph: list[tuple[int, str, str]] = []  # (line index, text, text squeezed)
        self.head = ""  # the paragraph so far, squeezed
        self.ends_sentence = False  # whether it ends a sentence (closing quotes and brackets aside)
        self.tables = tables or {}
        self.wraps = wraps

    def run(self) -> None:
        i, n = 0, len(self.lines)
        while i < n:
            line = self.lines[i]
            kind = self._kind(line)
            if i in self.tables:
                rows, continues = self.tables[i]
                self._add_table(rows, self.doc.format, i + 1, continues)
                i += len(rows)
            elif kind == "blank":
                i += 1
            elif kind == "noise":
                self._noise(i, line)
                i += 1
            elif kind == "pipe":
                i = self._pipe_table(i)
            elif kind == "tab":
                i = self._tab_table(i)
            else:
                self._text_line(i, line)
                i += 1
        self._flush()

    # -- classification

    def _kind(self, line: str) -> str:
        if not line.strip():
            return "blank"
        if _PAGE_NUMBER.match(line) or _MAILTO.match(line) or (_BOOKMARK.match(line) and not _BOOKMARK.sub("", line).strip()):
            return "noise"
        if line.lstrip().startswith("|"):
            return "pipe"
        if "\t" in line:
            return "tab"
        return "text"

    def _noise(self, i: int, line: str) -> None:
        kind = "page_number" if _PAGE_NUMBER.match(line) else "mailto" if _MAILTO.match(line) else "bookmark"
        self.doc.noise.append(Noise(i + 1, line, kind))

    # -- tables

    def _add_table(self, rows: list[Row], layout: str, first_line: int, continues: bool = False) -> None:
        self._flush()
        previous = self.doc.blocks[-1] if self.doc.blocks else None
        if (
            isinstance(previous, Table)
            and previous.layout == layout
            and rows
            and _only_layout_between(self.lines, previous.rows[-1].line, first_line)
            and (continues or _continues(previous, rows))
        ):
            if not any(rows[0].texts) or rows[0].texts == previous.rows[0].texts:
                rows = rows[1:]  # the empty or repeated header row of a continued table
            previous.rows.extend(rows)
            previous.parts += 1
            return
        self.doc.blocks.append(Table(index=len(self.doc.tables) + 1, rows=rows, layout=layout))

    def _pipe_table(self, i: int) -> int:
        start, rows = i, []
        while i < len(self.lines) and self.lines[i].lstrip().startswith("|"):
            line = self.lines[i]
            if not _PIPE_SEPARATOR.match(line.strip()):
                body = line.strip()
                body = body[1:] if body.startswith("|") else body
                body = body[:-1] if body.endswith("|") else body
                rows.append(self._row(i, body.split("|")))
            i += 1
        if rows:
            self._add_table(rows, "pipe", start + 1)
        else:  # a separator line with no row of its own is layout, not a table
            self.doc.noise.extend(Noise(j + 1, self.lines[j], "markup") for j in range(start, i))
        return i

    def _tab_table(self, i: int) -> int:
        """Tab lines, allowing blank and page-number lines between them (page breaks)."""
        start, members = i, []
        while i < len(self.lines):
            kind = self._kind(self.lines[i])
            if kind == "tab":
                members.append(i)
            elif kind == "noise":
                self._noise(i, self.lines[i])
            elif kind != "blank":
                break
            i += 1
        if all(re.fullmatch(r"\t[^\t]+", self.lines[j]) for j in members) and len(members) > 1:
            rows = self._cell_per_line_rows(members)
            self._add_table(rows, "cell_per_line", start + 1)
        else:
            rows = [self._row(j, self.lines[j].split("\t")) for j in members]
            self._add_table(rows, "tab", start + 1)
        return i

    def _cell_per_line_rows(self, members: list[int]) -> list[Row]:
        """One cell a line; a row ends where a blank line (or anything else) comes between."""
        rows, group = [], [members[0]]
        for j in members[1:]:
            if j == group[-1] + 1:
                group.append(j)
            else:
                rows.append(self._row_from_lines(group))
                group = [j]
        rows.append(self._row_from_lines(group))
        return rows

    def _row(self, i: int, texts: list[str]) -> Row:
        page = self.pages[i]
        return Row([Cell(t.strip(), i + 1, page) for t in texts], line=i + 1, page=page)

    def _row_from_lines(self, indices: list[int]) -> Row:
        cells = [Cell(self.lines[j].strip(), j + 1, self.pages[j]) for j in indices]
        return Row(cells, line=indices[0] + 1, page=self.pages[indices[0]])

    # -- prose

    def _text_line(self, i: int, line: str) -> None:
        printed = line
        if _BOOKMARK.match(line):
            self.doc.noise.append(Noise(i + 1, _BOOKMARK.match(line).group(0).strip(), "bookmark"))
            line = _BOOKMARK.sub("", line)
        if "**" in line:
            self.doc.noise.append(Noise(i + 1, "**", "markup"))
            line = line.replace("**", "")
        line = line.strip()
        squeezed = self.doc.squeezed[i] if line == printed.strip() else squeeze(line)
        if self.paragraph and not self._joins(squeezed):
            self._flush()
        self.paragraph.append((i, line, squeezed))
        self.head += squeezed
        ending = line.rstrip("」”’）)\"'")
        if ending:  # a line of closing marks only leaves the paragraph's ending as it was
            self.ends_sentence = ending.endswith(_TERMINAL)

    def _joins(self, following: str) -> bool:
        """Does the line (`following`, squeezed) continue the paragraph (a hard wrap), or start a new one?"""
        last = self.paragraph[-1]
        if self.wraps is not None and not self.wraps[last[0]]:
            return False  # the last line ended before the right margin
        if self.ends_sentence:
            return False
        if _HEADING.match(following) or _DATE_LINE.match(following):
            return False
        head = self.head
        if head.startswith(("附件", "附表")) or _DATE_LINE.match(head):
            return False
        if _HEADING.match(head) and len(head) <= 30 and "。" not in head:
            return False  # a heading such as `一、概述`
        if self.wraps is not None:
            return True
        if self.wrap_width is not None:
            return len(last[2]) >= 0.85 * self.wrap_width or _has_clause(head)
        return _has_clause(head) or not _is_title_like(head, following)

    def _flush(self) -> None:
        if not self.paragraph:
            return
        text, spans = "", []
        for i, line, _ in self.paragraph:
            if text and text[-1].isascii() and text[-1].isalnum() and line[:1].isascii() and line[:1].isalpha():
                text += " "
            spans.append((len(text), i + 1))
            text += line
        self.doc.blocks.append(Paragraph(text=text, spans=spans, page=self.pages[self.paragraph[0][0]]))
        self.paragraph, self.head, self.ends_sentence = [], "", False


def _has_clause(text: str) -> bool:
    return any(c in _CLAUSE_PUNCTUATION for c in text)


def _is_title_like(head: str, following: str) -> bool:
    """A title, signature or unnumbered heading (the caller knows it has no clause): short,
    ending like one, or followed by another such line."""
    return len(head) <= 20 or head.endswith(_TITLE_ENDINGS) or (len(following) <= 20 and not _has_clause(following))


def _wrap_width(lines: list[str], squeezed: list[str]) -> int | None:
    """The width a PDF-to-text tool wrapped prose at, if the text shows one."""
    lengths = [len(sq) for ln, sq in zip(lines, squeezed) if ln.strip() and "\t" not in ln and "|" not in ln]
    long = [n for n in lengths if n >= 12]
    if len(long) < 10:
        return None
    mode, _ = collections.Counter(long).most_common(1)[0]
    near = sum(1 for n in long if mode - 2 <= n <= mode + 1)
    return mode if near >= 0.3 * len(long) else None


def _only_layout_between(lines: list[str], after_line: int | None, before_line: int) -> bool:
    if after_line is None:
        return False
    between = lines[after_line : before_line - 1]
    return all(not ln.strip() or _PAGE_NUMBER.match(ln) for ln in between)


def _continues(previous: Table, rows: list[Row]) -> bool:
    width = max(len(r.cells) for r in previous.rows)
    return len(rows[0].cells) == width and (not any(rows[0].texts) or rows[0].texts == previous.rows[0].texts)
