"""Property tests: the reader, the pipeline, the table extractor and the value parser never
raise on arbitrary input, and keep their promises about qualifiers and values."""

from __future__ import annotations

import math
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from govstats.errors import ReportError
from govstats.model import Document
from govstats.normalize import parse_value
from govstats.pipeline import process_file
from govstats.read_text import read_text

QUALIFIERS = {"exact", "approx", "missing", "not_applicable", "unparsed"}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
CJK_EXT_A = st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF)
LAYOUT = st.sampled_from(list("\t|\n\r\f -—－()（）、。：:;0123456789*") + ["\r\n", "\u3000", "---", "\ufeff", "| ", " |\n", "|---|---|\n", "件", "（一）", "统计指标"])
ANY_CHAR = st.characters(codec="utf-8")
REPORT_TEXT = st.lists(st.one_of(CJK, CJK_EXT_A, LAYOUT, ANY_CHAR), max_size=300).map("".join)
TITLES = st.sampled_from(["", "某某局2019年政府信息公开工作年度报告\n", "兴庆区民政局 2017 年政府信息公开工作 年度报告\n\n"])

LABELS = [
    "(一) 收到申请数", "1. 当面申请数", "2. 传真申请数", "3. 网络申请数", "(二) 申请办结数", "1. 按时办结数",
    "一、主动公开情况", "(一) 主动公开政府信息数", "其中：主动公开规范性文件数", "2. 政府网站公开政府信息数",
    "四、行政复议数量", "(二) 被依法纠错数", "(三) 其他情形数", "七、依申请公开信息收取的费用", "（三）从事政府信息公开工作人员数",
]
HEADERS = ["统计指标", "单位", "统计数", "自然人", "总计", "本年新收政府信息公开申请数量", "2019", "2018年"]
UNITS = ["件", "条", "次", "万元", "——"]
VALUES = [
    "", " ", "0", "12", "—", "——", "/", "-", "+3", "-5", "350余", "约20", "１２３", "117.73万元", "6165711 元",
    "1,234", "无", "12%", "abc", "3.5", "1e5",
]
RANDOM_CJK = st.text(alphabet=CJK, min_size=1, max_size=8)
CELL = st.one_of(st.sampled_from(LABELS + HEADERS + UNITS + VALUES), RANDOM_CJK)
# a template-like row (label, unit, values) or cells drawn at random
LABELLED_ROW = st.tuples(
    st.one_of(st.sampled_from(LABELS), st.sampled_from(LABELS), st.sampled_from(LABELS), RANDOM_CJK),
    st.sampled_from(UNITS + [""]),
    st.lists(st.one_of(st.sampled_from(VALUES), st.sampled_from(VALUES), RANDOM_CJK), min_size=1, max_size=3),
).map(lambda r: [r[0], r[1], *r[2]] if r[1] else [r[0], *r[2]])
TABLE_ROW = st.one_of(LABELLED_ROW, LABELLED_ROW, LABELLED_ROW, st.lists(CELL, min_size=1, max_size=6)).map("\t".join)
TABLE = st.tuples(
    st.sampled_from(["统计指标\t单位\t统计数", "统计指标\t单位\t统计数", "指标\t单位\t2019\t2018", "\t自然人\t总计", ""]),
    st.lists(st.one_of(TABLE_ROW, TABLE_ROW, TABLE_ROW, st.just("")), min_size=2, max_size=30),
).map(lambda t: [t[0], *t[1]])
WHITESPACE = st.text(alphabet=st.sampled_from([chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]), max_size=12)
FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """One file the examples overwrite (tmp_path is per test, not per example)."""
    return tmp_path_factory.mktemp("properties") / "report.txt"


def _is_null(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# read_text on arbitrary bytes returns a Document or raises a ReportError subclass, nothing else.
@SETTINGS
@given(data=st.one_of(st.binary(max_size=2048), REPORT_TEXT.map(lambda t: t.encode("utf-8")), REPORT_TEXT.map(lambda t: t.encode("gb18030"))))
def test_read_text_returns_document_or_report_error(data):
    try:
        doc = read_text("x.txt", data)
    except ReportError as exc:
        event(f"read_text raised {exc.code}")
        assert type(exc) is not ReportError  # always a specific subclass
        assert exc.code != ReportError.code and exc.message
    else:
        event(f"read_text decoded as {doc.encoding}")
        assert isinstance(doc, Document)
        assert doc.size_bytes == len(data) and doc.encoding


# process_file on arbitrary text (CJK, tabs, pipes, newlines) never raises and is parsed or failed.
@SETTINGS
@given(title=TITLES, body=REPORT_TEXT)
def test_process_file_never_raises_on_arbitrary_text(scratch, title, body):
    scratch.write_bytes((title + body).encode("utf-8"))
    result = process_file(scratch)
    event(f"{result.report['status']} {result.report['error_code']}".strip())
    assert result.report["status"] in {"parsed", "failed"}
    if result.report["status"] == "failed":
        assert result.report["error_code"] != "internal_error", result.errors  # a crash caught, not a verdict on the file
        assert result.report["error_code"] and not result.facts
        assert [e["code"] for e in result.errors if e["severity"] == "error"] == [result.report["error_code"]]
    else:
        assert result.report["error_code"] == ""
        assert not [e for e in result.errors if e["severity"] == "error"]
        assert result.report["n_facts"] == len(result.facts)


# The table extractor on arbitrary tab tables of realistic cells: valid qualifiers, and missing means no value.
@SETTINGS
@given(rows=TABLE, title=st.sampled_from(["某某局2019年政府信息公开工作年度报告", "某某县人民政府2014年度政府信息公开情况统计表"]))
def test_table_extractor_never_raises_and_keeps_qualifiers(scratch, rows, title):
    scratch.write_bytes((title + "\n\n" + "\n".join(rows) + "\n").encode("utf-8"))
    result = process_file(scratch)
    assert result.report["status"] == "parsed", result.errors
    event("has facts" if result.facts else "no facts")
    event("has unmapped" if result.unmapped else "no unmapped")
    for row in result.facts + result.unmapped:
        assert row["qualifier"] in QUALIFIERS, row
        if row["qualifier"] in ("missing", "not_applicable", "unparsed"):
            assert _is_null(row["value"]), row
        else:
            assert not _is_null(row["value"]) and math.isfinite(row["value"]), row
        if row["qualifier"] == "missing":
            assert row["value_printed"].strip() == "", row
    for fact in result.facts:
        assert fact["key"], fact


# ---------------------------------------------------------------- whole documents from report-like lines

PLACE = st.sampled_from(["兴庆区", "朝阳区", "铁西区", "宁夏回族自治区", "银川市", "掌政镇", "某某县", ""])
AGENCY_KIND = st.sampled_from(["民政局", "人民政府", "街道办事处", "财政局", "办公室", ""])
YEAR = st.sampled_from(["2014", "2017", "2019", "2021", "二〇一八", "1999", "3000"])
MONTH_DAY = st.sampled_from(["1", "3", "12", "26", "31", "0", "99", "三", "十", "十二", "二十六", "三十一"])
PROSE = st.text(alphabet=st.one_of(CJK, st.sampled_from(list("，。；：、（）0123456789 "))), min_size=1, max_size=60)
TITLE_LINE = st.builds("{}{}{}年{}".format, PLACE, AGENCY_KIND, YEAR, st.sampled_from(["政府信息公开工作年度报告", "度政府信息公开情况统计表", "年报"]))
DATE_LINE = st.builds("{}年{}月{}日".format, YEAR, MONTH_DAY, MONTH_DAY)  # well-formed numerals (see test_bad_input)
NOISE_LINE = st.sampled_from(["", "- 3 -", "第 2 页 共 5 页", "\f", "mailto:x@example.com", "[bookmark: _GoBack]", "电话：0951-6738151", "附件：统计表"])
PIPE_TABLE = st.builds(  # a header row always precedes the separator, as markdown writes it
    lambda header, rows: "\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows]),
    st.lists(st.sampled_from(HEADERS + [""]), min_size=1, max_size=4),
    st.lists(LABELLED_ROW, max_size=8),
)
TAB_TABLE = st.lists(st.one_of(TABLE_ROW, st.just("")), min_size=1, max_size=10).map("\n".join)
CELL_PER_LINE = st.lists(st.lists(CELL, min_size=1, max_size=4).map(lambda cells: "\n".join("\t" + c for c in cells)), min_size=1, max_size=4).map("\n\n".join)
BLOCK = st.one_of(TITLE_LINE, DATE_LINE, PROSE, NOISE_LINE, PIPE_TABLE, TAB_TABLE, CELL_PER_LINE)


# process_file on documents assembled from report-like lines and blocks: never a caught crash, qualifiers kept.
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=st.lists(BLOCK, min_size=1, max_size=15))
def test_process_file_on_report_like_documents(scratch, blocks):
    scratch.write_bytes("\n".join(blocks).encode("utf-8"))
    result = process_file(scratch)
    event(f"{result.report['status']} {result.report['error_code']}".strip())
    assert result.report["error_code"] != "internal_error", result.errors
    assert result.report["status"] in {"parsed", "failed"}
    for row in result.facts + result.unmapped:
        assert row["qualifier"] in QUALIFIERS, row
        if row["qualifier"] == "missing":
            assert _is_null(row["value"]), row


# parse_value on arbitrary text never raises and returns a known qualifier.
@SETTINGS
@given(text=st.one_of(st.text(), st.text(alphabet=st.sampled_from(list("0123456789.,+-约近余多万元件%０１２３—/ 　")))))
def test_parse_value_never_raises(text):
    parsed = parse_value(text)
    assert parsed.qualifier in QUALIFIERS
    assert (parsed.value is None) == (parsed.qualifier in ("missing", "not_applicable", "unparsed"))
    assert parsed.value is None or isinstance(parsed.value, Decimal)


# parse_value(str(n)) gives exactly n, exact; full-width digits and surrounding spaces read the same.
@SETTINGS
@given(n=st.integers(), pad=WHITESPACE)
def test_parse_value_reads_integers_exactly(n, pad):
    for printed in (str(n), str(n).translate(FULLWIDTH), pad + str(n) + pad):
        parsed = parse_value(printed)
        assert parsed.qualifier == "exact", printed
        assert parsed.value == Decimal(n), printed
        assert parsed.unit is None


# A negative integer of more than 28 digits is read exactly too (the sign is applied without rounding).
def test_parse_value_reads_long_negative_integers_exactly():
    n = -(10**28 + 1)
    assert parse_value(str(n)).value == Decimal(n)


# Blank or whitespace-only cells are missing with no value, never 0.
@SETTINGS
@given(text=WHITESPACE)
def test_parse_value_blank_is_missing(text):
    parsed = parse_value(text)
    assert parsed.qualifier == "missing"
    assert parsed.value is None
