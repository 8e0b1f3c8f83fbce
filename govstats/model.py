"""The document model every reader produces: paragraphs and tables exactly as printed.

Nothing downstream knows which format a report came in. Positions are 1-based text lines for
text reports and 1-based pages for paged formats; whichever the reader knows is filled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .normalize import squeeze


class Cell(NamedTuple):  # a tuple: made several times faster than a frozen dataclass (a report has hundreds)
    text: str
    line: int | None = None
    page: int | None = None


@dataclass
class Row:
    cells: list[Cell]
    line: int | None = None
    page: int | None = None

    @cached_property  # rows are not changed once read
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Table:
    """A logical table; parts split by page breaks are already joined (see ``parts``)."""

    index: int  # 1-based position among the document's tables
    rows: list[Row]
    layout: str  # pipe | tab | cell_per_line | pdf | docx | html
    parts: int = 1

    def text(self) -> str:
        return "\n".join("\t".join(r.texts) for r in self.rows)


@dataclass
class Paragraph:
    """Prose joined across hard line wraps; ``spans`` maps character offsets back to lines."""

    text: str
    spans: list[tuple[int, int]]  # (offset in text, source line), ascending
    page: int | None = None

    @property
    def line(self) -> int:
        return self.spans[0][1]

    def line_at(self, offset: int) -> int:
        line = self.spans[0][1]
        for start, ln in self.spans:
            if start > offset:
                break
            line = ln
        return line


@dataclass
class Noise:
    """A line left out of the text because it is layout, not content (kept for auditing)."""

    line: int
    text: str
    kind: str  # page_number | mailto | bookmark | markup


@dataclass
class Document:
    path: str
    sha256: str
    size_bytes: int
    format: str
    encoding: str
    lines: list[str]  # decoded text lines, as printed (empty for formats without lines)
    blocks: list[Paragraph | Table] = field(default_factory=list)
    noise: list[Noise] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, message) from the reader

    @cached_property  # read by several stages; lines are not changed once the document is read
    def squeezed(self) -> list[str]:
        """Each line as text is matched: NFKC, white space removed (normalize.squeeze)."""
        return [squeeze(ln) for ln in self.lines]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
