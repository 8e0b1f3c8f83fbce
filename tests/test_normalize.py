"""Cell values and label keys, on the tricky strings real reports print."""

import unicodedata
from decimal import Decimal

import pytest

from govstats.normalize import header_key, label_key, nfkc, parse_value, squeeze, strip_parentheticals, to_catalogue_unit


@pytest.mark.parametrize(
    "text, value, qualifier, unit",
    [
        ("289", Decimal(289), "exact", None),
        ("１２３", Decimal(123), "exact", None),  # full-width digits (NFKC)
        ("+12", Decimal(12), "exact", None),  # 本年增/减 printed with a plus sign
        ("-50", Decimal(-50), "exact", None),  # a decrease
        ("－8", Decimal(-8), "exact", None),  # full-width minus
        ("350余", Decimal(350), "approx", None),  # printed lower bound
        ("约20", Decimal(20), "approx", None),
        ("117.73万元", Decimal("117.73"), "exact", "万元"),  # money with its unit in the cell
        ("6165711 元", Decimal(6165711), "exact", "元"),  # seed 001's 采购总金额
        ("1,234", Decimal(1234), "exact", None),  # thousands separator
        ("0", Decimal(0), "exact", None),
        ("", None, "missing", None),  # blank: missing, never 0
        ("   ", None, "missing", None),
        ("—", None, "not_applicable", None),
        ("——", None, "not_applicable", None),
        ("-", None, "not_applicable", None),
        ("/", None, "not_applicable", None),
        ("／", None, "not_applicable", None),  # full-width slash
        ("见附件", None, "unparsed", None),  # text that is not a number
        ("12件3", None, "unparsed", None),
    ],
)
def test_parse_value(text, value, qualifier, unit):
    parsed = parse_value(text)
    assert (parsed.value, parsed.qualifier, parsed.unit) == (value, qualifier, unit)


def test_money_is_normalised_to_yuan_without_float_noise():
    value, unit = to_catalogue_unit(Decimal("117.73"), "万元", "元")
    assert (value, unit) == (Decimal("1177300.00"), "元")
    # a money cell with no printed unit is read in the catalogue's unit (万元 for 2014 fees)
    assert to_catalogue_unit(Decimal("1.5"), None, "万元") == (Decimal("15000.0"), "元")
    # counts keep the registry unit whatever the report prints (seed 004 prints 条 for applications)
    assert to_catalogue_unit(Decimal(3), "条", "件") == (Decimal(3), "件")


@pytest.mark.parametrize(
    "printed, key",
    [
        ("(一) 主动公开政府信息数", "主动公开政府信息数"),  # half-width enumerator
        ("（一）主动公开政府信息数", "主动公开政府信息数"),  # full-width
        ("其中：1.当面申请数", "当面申请数"),  # stacked enumerators
        ("其中:1．当面申请数", "当面申请数"),
        ("2. 其他法律行政法规 禁止公开", "其他法律行政法规禁止公开"),  # spaces from wrapping
        ("3. 危及“三安全一稳 定”", "危及三安全一稳定"),  # quotes
        ("3.信函、传真申请数", "信函,传真申请数"),  # 、 and ， read alike
        ("3.信函，传真申请数", "信函,传真申请数"),
        ("(1)“非《条例》所指政府信息”数", "非条例所指政府信息数"),
    ],
)
def test_label_key(printed, key):
    assert label_key(printed) == key


def test_strip_parentheticals_handles_labels_truncated_in_print():
    assert strip_parentheticals(label_key("1. 专职人员数（不包括政府公报及政府网站工作人")) == "专职人员数"
    assert strip_parentheticals(label_key("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）")) == "主动公开政府信息数"


def test_header_key_keeps_row_enumerators_apart_from_column_headers():
    assert header_key("总 计") == "总计"
    assert header_key("(七) 总计") != "总计"  # a data row label, not the 总计 column


def test_nfkc_is_unicodes_own_nfkc_however_it_gets_there():
    # nfkc maps full-width forms by a table before normalising: the result must be NFKC's own,
    # also where a combining mark follows a full-width letter (Ａ + U+0301 composes to Á)
    wide = [chr(c) for c in [*range(0xFF01, 0xFF5F), 0x3000]]
    marks = [chr(c) for c in range(0x300, 0x370)] + ["\u3099", "\u309a"]
    samples = [w + m for w in wide for m in marks] + ["（一）主动公开政府信息情况：共计１２３条，㎡½ｶﾞ", "\u212b\u0301", ""]
    for text in samples:
        assert nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)
    assert squeeze("（ 一 ）　主动公开\t政府信息") == "(一)主动公开政府信息"
