"""Recognise what a report is: agency, its kind and region (with the 6-digit administrative
code from jionlp's gazetteer), reporting year, publication date, document number and template era.

Every field carries the line it was read from, so a researcher can check it.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import functools
import io
import re
import threading
import unittest.mock
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .catalogue import Catalogue
from .model import Document, Table
from .normalize import compact, nfkc, squeeze

_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})年度?")
_TITLE_SUFFIX = re.compile(r"(?:关于)?(?:的)?政府信息(?:与政务)?公开(?:工作)?(?:的)?(?:年度)?(?:报告|年报|情况).*$")
_PERIOD = re.compile(r"统计(?:期限|时限|时间|期间)[^。]{0,12}?((?:19|20)\d{2})年\s*1\s*月\s*1\s*日")
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_DATE = re.compile(r"^([\d〇零一二三四五六七八九]{4})年([\d一二三四五六七八九十]{1,3})月([\d一二三四五六七八九十]{1,3})日$")
_DOC_NUMBER = re.compile(r"^(\S{1,12}?[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d{1,4}\s*号)$")
_PHONE = re.compile(r"(?<!\d)(0\d{2,3})\s*[-—－–]?\s*\d{7,8}(?!\d)")
_INSTITUTION_END = tuple("局委办府院厅处署室部所站馆队会心")


@dataclass
class Recognition:
    title: str = ""
    agency: str = ""
    agency_kind: str = ""
    admin_level: str = ""
    province: str = ""
    city: str = ""
    county: str = ""
    town: str = ""
    adcode: str = ""
    report_year: int | None = None
    published: str = ""
    doc_number: str = ""
    template_hint: str = ""  # from era markers; the pipeline settles custom / narrative
    evidence: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, message)


def recognise(doc: Document, catalogue: Catalogue) -> Recognition:
    rec = Recognition()
    lines = [(i + 1, s) for i, s in enumerate(doc.squeezed) if s]
    lines_outside_tables = _lines_outside_tables(doc, lines)
    _title(rec, doc, lines_outside_tables)
    _doc_number(rec, doc, lines_outside_tables)
    _year(rec, doc, lines_outside_tables)
    _published_and_signature(rec, doc, lines_outside_tables)
    rec.agency_kind = agency_kind(rec.agency)
    _region(rec, doc)
    rec.template_hint, evidence = detect_era(doc.tables, catalogue, rec.report_year)
    if evidence:
        rec.evidence["template"] = evidence
    return rec


def _lines_outside_tables(doc: Document, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    in_table = {cell.line for t in doc.tables for r in t.rows for cell in r.cells if cell.line}
    return [(n, s) for n, s in lines if n not in in_table]


def _title(rec: Recognition, doc: Document, lines: list[tuple[int, str]]) -> None:
    """The title is the first line (or two wrapped lines) that names a 报告 near the top."""
    head = lines[:12]
    for k, (n, text) in enumerate(head):
        if _DOC_NUMBER.match(text):
            continue
        joined = text
        if "报告" not in joined and k + 1 < len(head) and "报告" in head[k + 1][1] and len(head[k + 1][1]) <= 20:
            joined += head[k + 1][1]
        if "报告" in joined and "公开" in joined and len(joined) <= 60:
            rec.title = joined
            rec.evidence["title"] = _quote(doc, n, 2 if joined != text else 1)
            without_year = _YEAR_IN_TITLE.sub("", joined, count=1)
            rec.agency = _TITLE_SUFFIX.sub("", without_year).strip("《》")
            return


def _quote(doc: Document, line: int, count: int = 1) -> str:
    """`line N: text as printed` (a wrapped title spans two non-blank lines)."""
    printed = [ln.strip() for ln in doc.lines[line - 1 :] if ln.strip()][:count]
    return f"line {line}: " + " / ".join(printed)


def _doc_number(rec: Recognition, doc: Document, lines: list[tuple[int, str]]) -> None:
    for n, text in lines[:8]:
        m = _DOC_NUMBER.match(text)
        if m:
            rec.doc_number = m.group(1)
            rec.evidence["doc_number"] = _quote(doc, n)
            return


def _year(rec: Recognition, doc: Document, lines: list[tuple[int, str]]) -> None:
    m = _YEAR_IN_TITLE.search(rec.title)
    if m:
        rec.report_year = int(m.group(1))
        rec.evidence["report_year"] = rec.evidence["title"]
        return
    for n, text in lines:
        m = _PERIOD.search(text)
        if m:
            rec.report_year = int(m.group(1))
            rec.evidence["report_year"] = _quote(doc, n)
            return


def parse_date(text: str) -> str:
    """`2018 年 3 月 26 日` or `二〇一八年三月二十六日` → `2018-03-26` ('' if not a date)."""
    m = _DATE.match(compact(text))
    if not m:
        return ""
    year = "".join(_CN_DIGITS.get(c, c) for c in m.group(1))
    month, day = (_small_number(g) for g in m.group(2, 3))
    if not (year.isdigit() and 1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year}-{month:02d}-{day:02d}"


def _small_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    import cn2an

    try:
        return int(cn2an.cn2an(text, "normal"))
    except (ValueError, KeyError):  # malformed numerals such as 十十一: not a date
        return 0


def _published_and_signature(rec: Recognition, doc: Document, lines: list[tuple[int, str]]) -> None:
    """The last date printed alone on a line is the publication date; the line above it is
    the signing agency, which names it more fully than the title does (`兴庆区掌政镇人民政府`)."""
    for k in range(len(lines) - 1, -1, -1):
        n, text = lines[k]
        date = parse_date(text)
        if not date:
            continue
        rec.published = date
        rec.evidence["published"] = _quote(doc, n)
        if k > 0:
            sign_line, signature = lines[k - 1]
            if len(signature) <= 30 and not re.search(r"[，。；：,;:]", signature):
                title_agency = rec.agency
                if not title_agency or (signature.startswith(title_agency) and not title_agency.endswith(_INSTITUTION_END)):
                    rec.agency = signature
                    rec.evidence["agency"] = _quote(doc, sign_line)
        break
    if rec.agency and "agency" not in rec.evidence:
        rec.evidence["agency"] = rec.evidence.get("title", "")


@functools.cache
def _agency_kinds() -> list[tuple[str, str]]:
    with resources.files("govstats.data").joinpath("agency_kinds.csv").open(encoding="utf-8") as f:
        rows = [(r["suffix"], r["kind"]) for r in csv.DictReader(f)]
    return sorted(rows, key=lambda r: -len(r[0]))


def agency_kind(agency: str) -> str:
    for suffix, kind in _agency_kinds():
        if agency.endswith(suffix):
            return kind
    return "other_agency" if agency else ""


# ---------------------------------------------------------------- region


@functools.cache
def _jionlp():
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp
    return jionlp


@functools.cache
def _divisions() -> dict:
    """jionlp's gazetteer (province → city → county → town), the dict its
    `china_location_loader(detail=True)` returns without the villages: each town's dict is empty.
    Its ~600 000 village lines (nine in ten) are skipped in blocks, never split: govstats reads no
    village, and jionlp's place parser uses them only for the `village` of its reading (four
    fifths of the time of reading them, ~0.2 s a process). Read once a process, for the place
    parser and the administrative codes alike."""
    path = Path(_jionlp().__file__).parent / "dictionary" / "china_location.txt"
    tree: dict = {}
    province = city = county = {}
    # universal newlines, as jionlp's readlines; a block is a line with the village lines after it
    for block in re.split(r"\n(?!\t\t\t\t)", path.read_text(encoding="utf-8")):
        line = block.partition("\n")[0]
        if line.startswith("\t\t\t"):  # a town
            county[line.strip()] = {}
            continue
        fields = line.strip().split("\t")
        if len(fields) != 3:  # as jionlp: a line that is not name, code, alias is skipped
            continue
        name, code, alias = fields
        if not line.startswith("\t"):
            province = tree[name] = {"_full_name": name, "_alias": alias, "_admin_code": code}
        elif line.startswith("\t\t"):
            county = city[name] = {"_full_name": name, "_alias": alias, "_admin_code": code}
        else:
            city = province[name] = {"_full_name": name, "_alias": alias.split("/"), "_admin_code": code}
    return tree


@functools.cache
def _gazetteer() -> tuple[dict, dict[str, list[tuple[str, str]]]]:
    """jionlp's administrative divisions, and county name → [(province, city)] to spot names
    that several counties share (朝阳区, 铁西区…)."""
    tree = _divisions()
    counties: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for province, cities in tree.items():
        for city, county_map in cities.items():
            if city.startswith("_"):
                continue
            for county in county_map:
                if not county.startswith("_"):
                    counties[county].append((province, city))
    return tree, counties


@functools.cache
def _location_parser():
    """jionlp's place parser on the gazetteer read once (`_divisions`), with its candidate scan
    indexed (see `_indexed_candidates`)."""
    parser_module = _jionlp().gadget.location_parser

    class IndexedLocationParser(parser_module.LocationParser):
        def _prepare(self):
            # the detailed tree serves either reading: jionlp maps divisions down to counties only
            with unittest.mock.patch.object(parser_module, "china_location_loader", lambda detail=False: _divisions()):
                super()._prepare()

        def get_candidates(self, location_text):
            return _indexed_candidates(self, super().get_candidates, location_text)

    return IndexedLocationParser()


def _indexed_candidates(parser, scan, text: str) -> list:
    """jionlp's candidates for `text`, the same list in the same order, from the divisions one of
    whose names (full or alias) occurs in `text` only: jionlp tests every division's names against
    the text (~8 ms a call), a division none of whose names occur is never a candidate, so the scan
    runs on the few divisions an index of every name and every substring of the text finds."""
    divisions = parser.administrative_map_list
    index = getattr(parser, "_govstats_index", None)
    if index is None or index[0] is not divisions:  # jionlp rebuilds the list when it prepares again
        by_name = collections.defaultdict(set)
        for i, division in enumerate(divisions):
            for name in (n for names in division[1:4] for n in names if n):
                by_name[name].add(i)
        index = parser._govstats_index = (divisions, by_name, max(map(len, by_name)))
    _, by_name, longest = index
    hits: set[int] = set()
    for i in range(len(text)):
        for j in range(i + 1, min(len(text), i + longest) + 1):
            found = by_name.get(text[i:j])
            if found:
                hits |= found
    try:  # the list is put back however the scan ends, a file's time limit stopping it included
        parser.administrative_map_list = [divisions[i] for i in sorted(hits)]
        return scan(text)
    finally:
        parser.administrative_map_list = divisions


_PARSER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1 << 12)
def _parse_location(text: str, as_printed: bool = True) -> dict:
    """jionlp's reading of a place name, with the names as printed or (not `as_printed`) those
    of today (memoised: the same agencies report every year). One reading at a time: the parser
    swaps its candidate list while it reads (threaded workers)."""
    with _PARSER_LOCK:
        return _location_parser()(text, town_village=True, change2new=not as_printed)


def _reading(tree: dict, text: str) -> dict:
    """The places a text names, as printed: a report of 湾里区 (merged into 新建区 in 2019) or of
    无为县 (无为市 since) keeps its county and that county's code, which the gazetteer holds. A
    printed name the gazetteer does not hold (襄樊市, 襄阳市 since 2010) is read with today's."""
    found = _parse_location(text)
    node = tree
    for level in ("province", "city", "county"):
        if found.get(level) is None:
            break
        if found[level] not in node:
            return _parse_location(text, as_printed=False)
        node = node[found[level]]
    return found


def _region(rec: Recognition, doc: Document) -> None:
    if not rec.agency:
        return
    tree, counties = _gazetteer()
    found = _reading(tree, rec.agency)
    evidence = f"agency name {rec.agency}"
    county = found.get("county")
    # jionlp counts every name it finds, aliases too: a town or a street named after another place
    # (长新乡: 新乡; 广安门内街道: 广安; 香港中路: 香港) can outvote the county printed in full before
    # it, and a county's name can hold another's (市南区: 南区)
    printed = _county_printed(rec.agency, counties) if county else ""
    if printed and printed != county and (county not in rec.agency or county in printed):
        evidence += f"; {printed} is printed in full (jionlp read {county})"
        county = printed
    places = counties.get(county, []) if county else []
    if len(places) == 1 and (found.get("province"), found.get("city"), found.get("county")) != (*places[0], county):
        found = _reading(tree, "".join(places[0]) + rec.agency)
    if len(places) > 1:  # a county name several counties share (朝阳区, 长安区, 铁西区…)
        at = rec.agency.find(county)
        before = rec.agency[:at] if at >= 0 else rec.agency  # 北京市 in 北京市朝阳区, not 河南 in 鼓楼区热河南路街道
        named = [p for p in places if any(name in before for name in _names(tree, *p))]
        phone = _area_phone(doc) if len(named) != 1 else ""
        codes = _area_code_places(phone) if phone else []
        dialled = [p for p in (named or places) if _dialled(p, codes)]
        if len(named) == 1 or len(dialled) == 1:
            province, city = named[0] if len(named) == 1 else dialled[0]
            if (found.get("province"), found.get("city")) != (province, city):
                found = _reading(tree, province + city + rec.agency)
            if len(named) != 1:
                evidence += f"; {county} is ambiguous, resolved by the phone area code of {phone} ({province}{city if city != province else ''})"
        else:
            why = ("no phone number is printed" if not phone
                   else f"the area code of {phone} fits {'several' if dialled else 'none'} of them")
            took = f"took jionlp's reading ({found['province']}{found.get('city') or ''})" if found.get("province") else "region left blank"
            rec.warnings.append(("region_ambiguous", f"{county} names {len(places)} counties ({', '.join(c for _, c in places)}) and {why}; {took}"))
    if not found.get("province"):
        rec.warnings.append(("region_unknown", f"no province, city or county recognised in {rec.agency!r}"))
        return
    rec.province = found["province"] or ""
    rec.city = found.get("city") or ""
    rec.county = found.get("county") or ""
    rec.town = _town_printed(tree, found, rec) or found.get("town") or ""
    if rec.agency_kind in ("town_government", "subdistrict_office") or rec.town:
        rec.admin_level = "town"
    elif rec.county:
        rec.admin_level = "county"
    elif rec.city and rec.city != rec.province:
        rec.admin_level = "prefecture"
    else:
        rec.admin_level = "province"
    node = tree.get(rec.province, {})
    code = node.get("_admin_code", "")
    if rec.admin_level != "province" and rec.city in node:
        node = node[rec.city]
        code = node.get("_admin_code", code)
        if rec.county in node:
            code = node[rec.county].get("_admin_code", code)
    rec.adcode = code
    rec.evidence["region"] = evidence


@functools.cache
def _area_codes() -> dict[str, list[tuple[str, str]]]:
    """Landline area code → the places that dial it, (`省`, `市`) short names, from jionlp's phone
    dictionary: 029 is 西安's and 咸阳's, 0898 all of Hainan's. (jionlp's own phone parser keeps
    the last place of a code only, and first expands every mobile-number range of that file into
    a trie: 2 s a process.)"""
    path = Path(_jionlp().__file__).parent / "dictionary" / "phone_location.txt"
    codes: dict[str, list[tuple[str, str]]] = {}
    with path.open(encoding="utf-8") as f:
        for place, code, _zip in (line.strip().split("\t") for line in f if line.strip() and not line.startswith("\t")):
            province, city = place.split(" ")
            codes.setdefault(code, []).append((province, city))
    return codes


def _area_code_places(phone: str) -> list[tuple[str, str]]:
    """The places a landline number's area code is dialled in, read as jionlp.phone_location reads
    the code; none when the number is not a landline or the code is unknown."""
    patterns = _jionlp().rule.rule_pattern
    code = re.search(patterns.LANDLINE_PHONE_AREA_CODE_PATTERN, phone)
    if not re.search(patterns.LANDLINE_PHONE_CHECK_PATTERN, phone) or code is None:
        return []
    return _area_codes().get(code.group(1), [])


def _names(tree: dict, province: str, city: str) -> set[str]:
    """A province's and a city's full names and aliases (北京市, 北京; 陕西省, 陕西, 西安市, 西安)."""
    node = tree[province]
    return {province, node["_alias"], city, *node[city]["_alias"]} - {""}


def _dialled(place: tuple[str, str], dialled: list[tuple[str, str]]) -> bool:
    """Whether a (province, city) of the gazetteer is one of the area code's places (short names)."""
    province, city = place
    return any(province.startswith(p) and city.startswith(c) for p, c in dialled)


def _town_printed(tree: dict, found: dict, rec: Recognition) -> str:
    """A town government's or subdistrict office's town: the longest of its county's towns printed
    after the county. jionlp takes the first in its list that the text holds (南街街道 for
    振华南街街道, 口镇 for 茶业口镇) and drops a 县 that follows the county (县溪镇)."""
    county = found.get("county")
    if not county or rec.agency_kind not in ("town_government", "subdistrict_office"):
        return ""
    towns = tree.get(found["province"], {}).get(found.get("city") or "", {}).get(county, {})
    after = rec.agency.split(county, 1)[-1]
    printed = [t for t in towns if not t.startswith("_") and t in after]
    return max(printed, key=len, default="")


def _county_printed(text: str, counties: dict) -> str:
    """The first county-level name printed in full in the text (the longest at its place)."""
    for i in range(len(text)):
        for j in range(len(text), i + 1, -1):
            if text[i:j] in counties:
                return text[i:j]
    return ""


def _area_phone(doc: Document) -> str:
    for line in doc.lines[:60]:
        m = _PHONE.search(nfkc(line))
        if m:
            return m.group(0)
    return ""


# ---------------------------------------------------------------- template era


def detect_era(tables: list[Table], catalogue: Catalogue, year: int | None) -> tuple[str, str]:
    """Apply the era rules of templates/README.md, in order, to the text of the tables.

    Returns (era, evidence); era is '' when no marker is printed, and the pipeline then decides
    between `custom` (a statistics table of the agency's own) and `narrative` (none at all)."""
    text = squeeze("\n".join(t.text() for t in tables))
    hits = collections.defaultdict(list)
    for template, marker in catalogue.era_markers:
        if marker in text:
            hits[template].append(marker)

    def found(era: str, rule: str, why: str = "") -> tuple[str, str]:
        return era, f"{era}: the tables print " + "、".join(hits[rule][:3]) + why

    if hits["2021"]:
        return found("2021", "2021")
    if hits["2019"]:
        return found("2019", "2019")
    if hits["2019/2021"]:
        if year is not None:
            return found("2019" if year <= 2020 else "2021", "2019/2021", f"; reporting year {year}")
        return found("2021" if "逾期不补正" in text else "2019", "2019/2021", "; decided by the 其他处理 sub-items")
    if hits["2014"]:
        return found("2014", "2014")
    if hits["2008"] and year is not None and year <= 2013:
        return found("2008", "2008", f"; reporting year {year}")
    return "", ""
