"""Text and value normalisation shared by every stage: NFKC (never ASCII folding), label keys,
cell values and units."""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Enumerators that prefix template labels: 一、 (一) 1. (1) 其中：
_ENUMERATOR = re.compile(
    r"^(?:其中[:：]?|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）][、.．]?"
    r"|\d+[.．、]|\d+[)）])"
)
_PAREN = re.compile(r"\([^()]*\)")
_OPEN_PAREN_TAIL = re.compile(r"\([^()]*$")  # a parenthetical truncated in print
_QUOTES = str.maketrans("", "", "“”\"‘’'《》〈〉<>「」")


# Full-width ASCII forms and the ideographic space, taken to their NFKC forms by a table first:
# lines of Chinese text are full of them (，：（）), and a line left without any passes NFKC's
# quick check instead of being decomposed and composed again. Each maps to one character that
# has no decomposition, so the result is NFKC's own. The table is a string indexed by code point
# (every other character maps to itself; those past its end are left as they are): str.translate
# reads it several times faster than a dict.
FULL_WIDTH = "".join(unicodedata.normalize("NFKC", chr(c)) if 0xFF01 <= c <= 0xFF5E or c == 0x3000 else chr(c) for c in range(0xFF5F))


def nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):  # ASCII and most Chinese lines: one quick pass, nothing to change
        return text
    return unicodedata.normalize("NFKC", text.translate(FULL_WIDTH))


def escaped(name: str) -> str:
    """A name from the file system as text any table or JSON can hold: itself, or, when its bytes
    are not UTF-8 (Python gives them as surrogates), with those bytes escaped (`\\xd0`)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def unspaced(text: str) -> str:
    """The text without its white space (str.split's white space is the regex \\s: the same 29
    characters), several times faster than a regex substitution."""
    return "".join(text.split())


def squeeze(text: str) -> str:
    """NFKC with all white space removed: Chinese labels wrap and space freely in print."""
    return unspaced(nfkc(text))


# labels repeat across reports, so they are squeezed once each; running text (lines,
# paragraphs) rarely repeats and is squeezed with `squeeze`, leaving this memo to the labels
compact = functools.lru_cache(maxsize=1 << 13)(squeeze)


@functools.lru_cache(maxsize=1 << 14)
def label_key(label: str) -> str:
    """The form labels are matched in: compact, enumerators and quotes removed, 、 read as ,."""
    key = compact(label).translate(_QUOTES)
    for _ in range(3):  # `其中：1.` stacks two enumerators
        stripped = _ENUMERATOR.sub("", key)
        if stripped == key:
            break
        key = stripped
    return key.replace("、", ",").rstrip(":：")


@functools.lru_cache(maxsize=1 << 14)
def header_key(text: str) -> str:
    """The form column headers are compared in. A label with an enumerator is a row label
    (`(七) 总计`), so it is left whole and never equals a column header (`总计`)."""
    key = compact(text).translate(_QUOTES).replace("、", ",")
    return key if _ENUMERATOR.match(key) else strip_parentheticals(key)


@functools.lru_cache(maxsize=1 << 14)
def stripped_label_key(label: str) -> str:
    """label_key without `(...)` notes: how a label matches when its notes differ from the template's."""
    return strip_parentheticals(label_key(label))


def strip_parentheticals(key: str) -> str:
    """Drop `(...)` notes, including one cut off at the end of a truncated label."""
    previous = None
    while previous != key:
        previous, key = key, _PAREN.sub("", key)
    return _OPEN_PAREN_TAIL.sub("", key)


# ---------------------------------------------------------------- values

# Marks that say "this cell does not apply" (after NFKC: － becomes -, ／ becomes /).
NOT_APPLICABLE = {"-", "--", "---", "—", "——", "–", "/", "\\", "─", "━", "×", "无此项"}
_NUMBER = re.compile(
    r"^(?P<prefix>约|近|超过|逾)?(?P<sign>[+-])?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)"
    r"(?P<approx>余|多)?(?P<unit>万元|亿元|元|万|件|条|个|人次|人|次|篇|户|项|家|%)?(?P<approx2>余|多)?$"
)
MONEY_FACTORS = {"元": Decimal(1), "万元": Decimal(10_000), "万": Decimal(10_000), "亿元": Decimal(100_000_000)}


@dataclass(frozen=True)
class ParsedValue:
    value: Decimal | None
    qualifier: str  # exact | approx | missing | not_applicable | unparsed
    unit: str | None = None  # unit printed inside the cell, e.g. `6165711 元`


@functools.lru_cache(maxsize=1 << 14)  # cells repeat (0, 1, blank): read once each
def parse_value(text: str) -> ParsedValue:
    """Read one table cell. Blank is missing, never 0; dashes are not applicable; text we
    cannot read as a number is `unparsed`, with the original kept by the caller."""
    s = compact(text)
    if not s:
        return ParsedValue(None, "missing")
    if s in NOT_APPLICABLE or set(s) <= {"-", "—", "–", "─"}:
        return ParsedValue(None, "not_applicable")
    if s in {"无", "零"}:  # "none" printed in a count cell
        return ParsedValue(Decimal(0), "exact")
    m = _NUMBER.match(s)
    if not m:
        return ParsedValue(None, "unparsed")
    try:
        number = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return ParsedValue(None, "unparsed")
    if m["sign"] == "-":
        number = number.copy_negate()  # exact: unary minus would round to the context precision
    approx = bool(m["prefix"] or m["approx"] or m["approx2"])
    return ParsedValue(number, "approx" if approx else "exact", m["unit"])


def to_catalogue_unit(value: Decimal | None, printed_unit: str | None, catalogue_unit: str):
    """Convert a value to the unit the registry stores: money in 元, counts in the key's unit.

    Returns (value, unit). A money figure with no printed unit is read in the catalogue's unit.
    """
    unit = printed_unit or catalogue_unit
    if catalogue_unit in MONEY_FACTORS or unit in MONEY_FACTORS:
        factor = MONEY_FACTORS.get(unit) or MONEY_FACTORS.get(catalogue_unit) or Decimal(1)
        return (None if value is None else value * factor), "元"
    return value, catalogue_unit or (printed_unit or "")


def decimal_to_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
