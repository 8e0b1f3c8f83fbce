"""The indicator registry and the one generic matcher that maps printed row labels to keys.

Templates are data: ``data/indicators.csv`` is the catalogue shipped in ``shared/templates``
(unchanged); ``data/local_variants.csv`` adds real variants and local 附表 rows seen in reports,
in the same columns. Adding an era or a variant adds rows, never code.
"""

from __future__ import annotations

import bisect
import copy
import csv
import difflib
import functools
import itertools
from dataclasses import dataclass, field
from importlib import resources
from typing import NamedTuple

from .normalize import compact, header_key, label_key, stripped_label_key

# Which template's unit wins when a key appears in several (the newest national one first).
TEMPLATE_PREFERENCE = ("2021", "2019", "2014", "custom", "2008")
NATIONAL_TEMPLATES = ("2014", "2019", "2021")
_NEGATORS = set("不未非无否")


@dataclass(frozen=True)
class Indicator:
    key: str
    template: str
    section: tuple[str, ...]
    label: str
    variants: tuple[str, ...]
    unit: str
    parent_key: str
    has_cell: bool  # False for group rows that have no cell of their own
    notes: str
    order: int  # position in the catalogue: templates list rows in printed order
    source_file: str

    @property
    def label_parts(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.label.split("::"))


@dataclass(frozen=True)
class ApplicantType:
    key: str
    label: str
    parent: str


def _read_csv(name: str) -> list[dict[str, str]]:
    with resources.files("govstats.data").joinpath(name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _match_key(label: str) -> str:
    return "::".join(label_key(p) for p in label.split("::"))


def _stripped_key(label: str) -> str:
    return "::".join(stripped_label_key(p) for p in label.split("::"))


@dataclass
class Catalogue:
    indicators: list[Indicator]
    applicant_types: list[ApplicantType]
    column_headers: dict[str, dict[str, str]]  # label key -> row of column_headers.csv
    era_markers: list[tuple[str, str]]  # (template, compact marker)
    _units: dict[str, str] = field(default_factory=dict)
    _matchers: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        rank = {t: i for i, t in enumerate(TEMPLATE_PREFERENCE)}
        for ind in sorted(self.indicators, key=lambda i: rank.get(i.template, 99)):
            if ind.unit:
                self._units.setdefault(ind.key, ind.unit)

    def unit(self, key: str) -> str:
        """The registry unit of a key, whatever template printed it."""
        return self._units.get(key, "")

    @functools.cached_property
    def applicant_by_label(self) -> dict[str, ApplicantType]:
        return {header_key(a.label): a for a in self.applicant_types}

    @functools.cached_property
    def column_vocabulary(self) -> set[str]:
        """Header keys a header row may hold: header words, applicant types, column parts."""
        words = set(self.column_headers) | set(self.applicant_by_label)
        for ind in self.indicators:
            words.update(header_key(part) for part in ind.label_parts[1:])
        return words

    def matcher(self, templates: tuple[str, ...] | None = None) -> "Matcher":
        """A fresh Matcher (its context is per table) over prebuilt, shared lookup tables."""
        key = tuple(templates) if templates is not None else None
        if key not in self._matchers:
            self._matchers[key] = Matcher([i for i in self.indicators if templates is None or i.template in templates])
        return self._matchers[key].fresh()


@functools.cache
def load_catalogue() -> Catalogue:
    indicators = []
    for source in ("indicators.csv", "local_variants.csv"):
        for row in _read_csv(source):
            indicators.append(
                Indicator(
                    key=row["key"],
                    template=row["template"],
                    section=tuple(s.strip() for s in row["section"].split(">") if s.strip()),
                    label=row["label_zh"],
                    variants=tuple(v for v in row["label_variants"].split("|") if v.strip()),
                    unit=row["unit"],
                    parent_key=row["parent_key"],
                    has_cell=row["notes"].startswith("[cell]"),
                    notes=row["notes"],
                    order=len(indicators),
                    source_file=source,
                )
            )
    applicants = [ApplicantType(r["key"], r["label_zh"], r["parent"]) for r in _read_csv("applicant_types.csv")]
    headers = {header_key(r["label"]): r for r in _read_csv("column_headers.csv")}
    markers = [(r["template"], compact(r["marker"])) for r in _read_csv("era_markers.csv")]
    return Catalogue(indicators, applicants, headers, markers)


# ---------------------------------------------------------------- matching


class Match(NamedTuple):  # a tuple: made several times faster than a frozen dataclass
    indicator: Indicator | None  # None when the label is a section heading with no entry
    method: str  # exact | stripped | prefix | fuzzy | section
    section_key: str = ""


class Matcher:
    """Maps one table's row labels to indicators, keeping the section context of the rows
    seen so far: `（二）被依法纠错数` means 复议 under `四、行政复议数量` and 诉讼 under `五、…`."""

    def __init__(self, indicators: list[Indicator]):
        self.indicators = indicators
        self.exact: dict[str, list[Indicator]] = {}
        self.stripped: dict[str, list[Indicator]] = {}
        self.sections: set[str] = set()
        self.scope: dict[int, set[str]] = {}
        by_key = {}
        for ind in indicators:
            by_key.setdefault(ind.key, ind)
        for ind in indicators:
            for label in (ind.label, *ind.variants):
                self.exact.setdefault(_match_key(label), []).append(ind)
                self.stripped.setdefault(_stripped_key(label), []).append(ind)
            section_keys = {stripped_label_key(s) for s in ind.section}
            self.sections |= section_keys
            parent = by_key.get(ind.parent_key)
            if parent is not None:
                section_keys.add(_stripped_key(parent.label_parts[0]))
            self.scope[ind.order] = section_keys
        self.single_part = {k: v for k, v in self.stripped.items() if "::" not in k}
        # for loose matches: the single-part keys in alphabetical order (a prefix is a range) and by
        # length (a fuzzy match is near the label's length), each with its place in single_part
        keys = list(self.single_part)
        self._alphabetical = sorted((k, i) for i, k in enumerate(keys))
        self._by_length = sorted((len(k), i, k) for i, k in enumerate(keys))
        self.context: list[str] = []
        self.last_order = -1
        self._loose: dict[str, tuple | None] = {}

    def fresh(self) -> "Matcher":
        """The same lookup tables (and loose-match memo), an empty context."""
        twin = copy.copy(self)
        twin.context, twin.last_order = [], -1
        return twin

    def match(self, parts: list[str], *, allow_loose: bool = True) -> Match | None:
        """Match label parts (row label, then any column labels) and update the context."""
        parts = [p for p in parts if compact(p)]
        if not parts:
            return None
        full = "::".join(label_key(p) for p in parts)
        stripped = "::".join(stripped_label_key(p) for p in parts)
        found = self._lookup(full, stripped, allow_loose)
        if found is None:
            if stripped in self.sections:
                self.context.append(stripped)
                return Match(None, "section", stripped)
            return None
        candidates, method = found
        chosen = self._choose(candidates)
        self.context.append(_stripped_key(chosen.label_parts[0]))
        self.last_order = chosen.order
        return Match(chosen, method)

    def peek(self, parts: list[str]) -> Match | None:
        """Match without touching the context (used to test whether wrapped rows join)."""
        context, last = list(self.context), self.last_order
        try:
            return self.match(parts, allow_loose=False)
        finally:
            self.context, self.last_order = context, last

    def _lookup(self, full: str, stripped: str, allow_loose: bool):
        if full in self.exact:
            return self.exact[full], "exact"
        if stripped in self.stripped:
            return self.stripped[stripped], "stripped"
        if not allow_loose or "::" in stripped or len(stripped) < 4:
            return None
        if stripped not in self._loose:
            if len(self._loose) > 10_000:  # a memo, not a record: bounded
                self._loose.clear()
            self._loose[stripped] = self._loose_lookup(stripped)
        return self._loose[stripped]

    def _loose_lookup(self, stripped: str):
        """A label cut off in print (the only catalogue labels it starts), else the most similar
        label (difflib ratio >= 0.88). Only keys the bisections find are compared, in single_part
        order as a scan of all of them would."""
        start = bisect.bisect_left(self._alphabetical, (stripped,))
        starting = itertools.takewhile(lambda ki: ki[0].startswith(stripped), self._alphabetical[start:])
        prefixed = [ind for _, key in sorted((i, k) for k, i in starting) for ind in self.single_part[key]]
        if prefixed and len({i.key for i in prefixed}) == 1:
            return prefixed, "prefix"  # a label cut off in print: `4. 无正当理由大量反`
        best, best_ratio = None, 0.0
        sm = difflib.SequenceMatcher(None, "", stripped)  # the label's analysis is made once
        # 2·min(len) >= 0.88·(sum of lengths) holds only for lengths within 0.78…1.28 × the label's
        near = self._by_length[bisect.bisect_left(self._by_length, (int(0.78 * len(stripped)),)):
                               bisect.bisect_right(self._by_length, (int(1.28 * len(stripped)) + 1,))]
        for _, _, key in sorted(near, key=lambda item: item[1]):
            inds = self.single_part[key]
            if 2 * min(len(key), len(stripped)) < 0.88 * (len(key) + len(stripped)):
                continue  # the lengths alone rule it out
            sm.set_seq1(key)
            if sm.quick_ratio() < 0.88:
                continue
            ratio = sm.ratio()
            if ratio > best_ratio and not _negation_differs(stripped, key):
                best, best_ratio = inds, ratio
        if best is not None and best_ratio >= 0.88:
            return best, "fuzzy"
        return None

    def _choose(self, candidates: list[Indicator]) -> Indicator:
        if len({c.key for c in candidates}) == 1 and len({c.has_cell for c in candidates}) == 1:
            return min(candidates, key=lambda c: c.order)

        def score(c: Indicator):
            in_context = max((i for i, k in enumerate(self.context) if k in self.scope[c.order]), default=-1)
            follows = c.order > self.last_order
            return (in_context, follows, -c.order)

        return max(candidates, key=score)


def _negation_differs(a: str, b: str) -> bool:
    return (set(a) & _NEGATORS) != (set(b) & _NEGATORS)
