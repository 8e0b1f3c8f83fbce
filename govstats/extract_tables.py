"""Turn statistics tables into facts: one fact per (row, value column), mapped to the registry.

One generic routine serves every era and layout. Header rows are recognised by their words
(统计指标, 单位, 本年新制作数量, 自然人, 2017, 历年累计 …); spanning header cells are read within
their parent's span; data rows are aligned from the right, so row headers merged over several
cells (`三、本年度办理结果` / `（三）不予公开` / `1.属于国家秘密`) do not shift the values.
A blank cell is `missing`, never 0; a row no catalogue entry fits is kept as unmapped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from functools import cached_property

from .catalogue import Catalogue, Match, Matcher
from .model import Row, Table
from .normalize import compact, decimal_to_float, header_key, parse_value, to_catalogue_unit

_YEAR = re.compile(r"((?:19|20)\d{2})年?度?")
UNITS = {"件", "条", "个", "次", "人", "人次", "篇", "万元", "元", "户", "项", "家", "亿元"}


@dataclass
class Column:
    index: int
    path: tuple[str, ...]  # header cells above this column, top to bottom, as printed
    role: str  # label | unit | value | none
    period: str = ""
    applicant_type: str = ""
    labelled: bool = False  # the header names the quantity (`本年新制作数量`): part of the label


@dataclass
class Header:  # not changed once made
    rows: list[Row]
    columns: list[Column]

    @property
    def width(self) -> int:
        return len(self.columns)

    @cached_property
    def value_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role == "value"]

    @cached_property
    def label_columns(self) -> list[Column]:
        return [c for c in self.columns if c.role == "label"]

    @cached_property
    def unit_column(self) -> Column | None:
        return next((c for c in self.columns if c.role == "unit"), None)


@dataclass
class TableResult:
    table: Table
    template: str
    facts: list[dict] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)

    @property
    def matched_cells(self) -> int:
        return len(self.facts)

    @property
    def is_statistics_table(self) -> bool:
        return len({f["key"] for f in self.facts}) >= 2


def extract_tables(tables: list[Table], catalogue: Catalogue, template: str) -> list[TableResult]:
    """Extract every table; a table the report's era does not fit is read against all templates."""
    results = []
    for table in tables:
        templates = (template,) if template in ("2014", "2019", "2021", "2008") else None
        result = _TableReader(table, catalogue, templates, template or "custom").run()
        if templates is not None and not result.is_statistics_table:
            fallback = _TableReader(table, catalogue, None, "custom").run()
            if fallback.is_statistics_table:
                result = fallback
        results.append(result)
    return results


class _TableReader:
    def __init__(self, table: Table, catalogue: Catalogue, templates: tuple[str, ...] | None, template: str):
        self.table = table
        self.catalogue = catalogue
        self.matcher: Matcher = catalogue.matcher(templates)
        self.result = TableResult(table, template)
        self.header: Header | None = None
        self.previous: _RowState | None = None

    def run(self) -> TableResult:
        pending: list[Row] = []
        for number, row in enumerate(self.table.rows, start=1):
            if not any(compact(t) for t in row.texts):
                continue
            if self._is_header(row.texts):
                pending.append(row)
                continue
            if pending:
                self.header = self._header(pending)
                pending = []
            self._data_row(number, row)
        return self.result

    # -- headers

    def _is_header(self, texts: list[str]) -> bool:
        cells = hits = years = 0
        vocabulary = self.catalogue.column_vocabulary
        for text in texts:
            if not compact(text):
                continue
            cells += 1
            year, value, key = _header_cell(text)
            if year:
                years += 1
            elif value:
                return False
            else:
                hits += key in vocabulary
        return hits >= 1 and (cells >= 2 or hits + years == cells)

    def _header(self, rows: list[Row]) -> Header:
        width = max(len(r.cells) for r in rows)
        grid = [[""] * (width - len(r.texts)) + r.texts for r in rows]
        paths = [[] for _ in range(width)]
        segment = [0] * width  # which parent span each column sits in
        for depth, cells in enumerate(grid):
            spans = depth < len(grid) - 1  # leaf headers never span: a blank there is no column
            filled, current, current_segment = [], "", None
            for c, text in enumerate(cells):
                if text.strip():
                    current, current_segment = text.strip(), segment[c]
                elif not spans or current_segment != segment[c]:
                    current, current_segment = "", segment[c]
                filled.append(current)
            new_segment, sid = [], 0
            for c in range(width):
                if c and (segment[c] != segment[c - 1] or cells[c].strip()):
                    sid += 1
                new_segment.append(sid)
            segment = new_segment
            for c, text in enumerate(filled):
                if text and (not paths[c] or paths[c][-1] != text):
                    paths[c].append(text)
        applicant_block = len({header_key(t) for row in grid for t in row} & set(self.catalogue.applicant_by_label)) >= 3
        columns = [self._column(c, tuple(p), applicant_block) for c, p in enumerate(paths)]
        first_value = next((c.index for c in columns if c.role == "value"), width)
        for c in columns[:first_value]:
            if c.role == "none":
                c.role = "label"
        return Header(rows, columns)

    def _column(self, index: int, path: tuple[str, ...], applicant_block: bool) -> Column:
        keys = [header_key(p) for p in path if header_key(p)]
        if not keys:
            return Column(index, path, "none")
        if applicant_block:
            for key in reversed(keys):
                applicant = self.catalogue.applicant_by_label.get(key)
                if applicant is not None:
                    return Column(index, path, "value", applicant_type=applicant.key)
        leaf = keys[-1]
        known = self.catalogue.column_headers.get(leaf)
        if known is not None and known["role"] in ("label", "unit"):
            return Column(index, path, known["role"])
        if known is not None and known["role"] == "value":
            return Column(index, path, "value", period=known["period"])
        year = _YEAR.fullmatch(leaf)
        if year:
            return Column(index, path, "value", period=year.group(1))
        return Column(index, path, "value", labelled=True)

    # -- data rows

    def _data_row(self, number: int, row: Row) -> None:
        header = self.header or self._default_header(row)
        texts = row.texts
        pad = header.width - len(texts)
        aligned = [""] * pad + texts if pad > 0 else texts[-pad:] if pad < 0 else texts
        extra = texts[: -header.width] if pad < 0 else []
        labels = [t for t in extra + [aligned[c.index] for c in header.label_columns] if compact(t)]
        state = _RowState(number, row, header, aligned, labels, pad)
        if self._continues_previous(state):
            return
        self.previous = state
        self._emit(state)

    def _default_header(self, row: Row) -> Header:
        """Before any header row: leading text cells label the row, a unit word is the unit,
        and the rest are values of the reporting year."""
        columns = []
        for c, text in enumerate(row.texts):
            if compact(text) in UNITS and c > 0:
                columns.append(Column(c, (), "unit"))
            elif c == 0 or (parse_value(text).qualifier == "unparsed" and all(col.role == "label" for col in columns)):
                columns.append(Column(c, (), "label"))
            else:
                columns.append(Column(c, (), "value"))
        return Header([], columns)

    def _continues_previous(self, state: "_RowState") -> bool:
        """`4. 无正当理由大量反` / `复申请`: a label wrapped onto a row of its own."""
        previous = self.previous
        cells = [t for t in state.row.texts if compact(t)]
        if previous is None or len(cells) != 1 or not previous.labels or parse_value(cells[0]).qualifier != "unparsed":
            return False
        if previous.match is not None and previous.match.method not in ("prefix", "fuzzy"):
            return False
        if self.matcher.peek([cells[0]]) is not None:
            return False
        joined = previous.labels[-1] + cells[0]
        if self.matcher.peek([joined]) is None:
            return False
        del self.result.facts[len(self.result.facts) - previous.n_facts :]
        del self.result.unmapped[len(self.result.unmapped) - previous.n_unmapped :]
        previous.labels = previous.labels[:-1] + [joined]
        previous.wrapped_lines.append(state.row.line)
        self._emit(previous)
        return True

    def _emit(self, state: "_RowState") -> None:
        n_facts, n_unmapped = len(self.result.facts), len(self.result.unmapped)
        header = state.header
        state.evidence = " | ".join(t.strip() for t in state.row.texts if compact(t))
        state.label_printed = " / ".join(t.strip() for t in state.labels)
        unit_column = header.unit_column
        unit_text = compact(state.aligned[unit_column.index]) if unit_column is not None else ""
        state.unit_printed = unit_text if unit_text in UNITS else ""
        state.lines_wrapped = ",".join(map(str, state.wrapped_lines))
        label = state.labels[-1] if state.labels else ""
        for context in state.labels[:-1]:  # `（三）不予公开` before `1.属于国家秘密` sets the context
            self.matcher.match([context], allow_loose=False)
        match = self.matcher.match([label]) if label else None
        state.match = match
        if match is not None and (match.indicator is None or not match.indicator.has_cell):
            self._group_row(state, match)
        elif match is not None:
            for column in header.value_columns:
                self._cell(state, column, match)
        elif any(c.labelled for c in header.value_columns):
            for column in header.value_columns:
                parts = ([label] if label else []) + (list(column.path) if column.labelled else [])
                cell_match = self.matcher.match(parts)
                if cell_match is not None and cell_match.indicator is not None and cell_match.indicator.has_cell:
                    self._cell(state, column, cell_match)
                else:
                    self._unmapped(state, column, "no_catalogue_match")
        else:
            for column in header.value_columns:
                self._unmapped(state, column, "no_catalogue_match")
        for column in header.columns:
            if column.role == "none" and compact(state.aligned[column.index]):
                self._unmapped(state, column, "value_in_column_without_header")
        state.n_facts = len(self.result.facts) - n_facts
        state.n_unmapped = len(self.result.unmapped) - n_unmapped

    def _group_row(self, state: "_RowState", match: Match) -> None:
        """Section headings and group rows have no cell of their own; a value printed there
        (seed 003: `一、主动公开情况 —— 246`) is kept as unmapped, not read as an indicator."""
        for column in state.header.value_columns:
            if parse_value(state.aligned[column.index]).qualifier not in ("missing", "not_applicable"):
                self._unmapped(state, column, "value_on_section_header")

    def _cell(self, state: "_RowState", column: Column, match: Match) -> None:
        indicator = match.indicator
        record = self._record(state, column)
        parsed = parse_value(record["value_printed"])
        printed_unit = parsed.unit or record["unit_printed"] or None
        value, unit = to_catalogue_unit(parsed.value, printed_unit, self.catalogue.unit(indicator.key))
        record.update(
            key=indicator.key,
            value=decimal_to_float(value),
            unit=unit,
            qualifier=parsed.qualifier,
            match=match.method,
        )
        self.result.facts.append(record)

    def _unmapped(self, state: "_RowState", column: Column, reason: str) -> None:
        record = self._record(state, column)
        parsed = parse_value(record["value_printed"])
        printed_unit = parsed.unit or record["unit_printed"] or ""
        value, unit = to_catalogue_unit(parsed.value, printed_unit, printed_unit) if printed_unit else (parsed.value, "")
        record.update(key=None, value=decimal_to_float(value), unit=unit, qualifier=parsed.qualifier, reason=reason)
        self.result.unmapped.append(record)

    def _record(self, state: "_RowState", column: Column) -> dict:
        original = column.index - state.pad  # position in the row as printed
        cells = state.row.cells
        cell = cells[original] if 0 <= original < len(cells) else None
        return {
            "applicant_type": column.applicant_type,
            "area": "",
            "period": column.period,
            "source": "table",
            "evidence": state.evidence + _shown_path(column.path) if column.path else state.evidence,
            "label_printed": state.label_printed,
            "value_printed": state.aligned[column.index].strip(),
            "unit_printed": state.unit_printed,
            "template": self.result.template,
            "table": self.table.index,
            "row": state.number,
            "col": original + 1 if cell is not None else None,
            "line": (cell.line if cell is not None else state.row.line),
            "page": (cell.page if cell is not None else state.row.page),
            "lines_wrapped": state.lines_wrapped,
        }


@functools.lru_cache(maxsize=1 << 14)  # cells repeat across rows and reports
def _header_cell(text: str) -> tuple[bool, bool, str]:
    """Of a cell that is not blank, what tells a header row: (a year, a number, its header key)."""
    return bool(_YEAR.fullmatch(compact(text))), parse_value(text).value is not None, header_key(text)


@functools.lru_cache(maxsize=1 << 12)  # a header's columns serve every row below it
def _shown_path(path: tuple[str, ...]) -> str:
    """A column's header cells, as a cell's evidence names them."""
    return " ‹" + " / ".join(compact(p) for p in path) + "›"


@dataclass
class _RowState:
    number: int
    row: Row
    header: Header
    aligned: list[str]
    labels: list[str]
    pad: int
    match: Match | None = None
    n_facts: int = 0
    n_unmapped: int = 0
    wrapped_lines: list[int] = field(default_factory=list)
    evidence: str = ""  # the row as printed, its labels, unit and wrapped lines: set by _emit, shared by its cells
    label_printed: str = ""
    unit_printed: str = ""
    lines_wrapped: str = ""
