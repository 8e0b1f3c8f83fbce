"""The text reader on the layouts real reports come in (inline fixtures, not the seeds)."""

import pytest

from govstats.errors import EmptyFileError, UndecodableError
from govstats.model import Paragraph
from govstats.read_text import read_text


def read(text: str, encoding="utf-8"):
    return read_text("x.txt", text.encode(encoding))


def test_pipe_table_split_by_page_breaks_is_one_table():
    doc = read("某某局2019年政府信息公开工作年度报告\n\n| 统计指标 | 单位 | 统计数 |\n|---|---|---|\n| (一) 收到申请数 | 件 | 1 |\n\n- 2 -\n\n| | | |\n|---|---|---|\n| 1. 当面申请数 | 件 | 1 |\n")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.parts == 2 and [r.texts for r in table.rows][-1] == ["1. 当面申请数", "件", "1"]
    assert table.rows[-1].line == 11
    assert [n.kind for n in doc.noise] == ["page_number"]


def test_tab_table_keeps_blank_cells_and_blank_lines_inside():
    doc = read("标题年度报告\n\n统计指标\t单位\t统计数\n(一) 收到申请数\t件\t\n\n1. 当面申请数\t件\t0\n")
    (table,) = doc.tables
    assert [r.texts for r in table.rows] == [["统计指标", "单位", "统计数"], ["(一) 收到申请数", "件", ""], ["1. 当面申请数", "件", "0"]]


def test_one_cell_per_line_table():
    doc = read("附表\n\n\t指标名称\n\t单位\n\t2018\n\n\t主动公开文件数\n\t条\n\t5\n")
    (table,) = doc.tables
    assert table.layout == "cell_per_line"
    assert [r.texts for r in table.rows] == [["指标名称", "单位", "2018"], ["主动公开文件数", "条", "5"]]
    assert [c.line for c in table.rows[1].cells] == [7, 8, 9]


def test_hard_wrapped_prose_is_joined_and_headings_are_not():
    text = (
        "一、概述\n\n本报告由某某局办公室根据本单位政府信息公开工作\n\n情况编制而成，所列数据统计期限为2019年1\n\n月1日至12月31日。\n"
        "mailto:someone@example.com\n二、主动公开情况\n"
    )
    doc = read(text)
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert paragraphs == ["一、概述", "本报告由某某局办公室根据本单位政府信息公开工作情况编制而成，所列数据统计期限为2019年1月1日至12月31日。", "二、主动公开情况"]
    joined = doc.paragraphs[1]
    assert joined.line_at(joined.text.index("情况编制")) == 5
    assert [n.kind for n in doc.noise] == ["mailto"]


def test_bookmark_and_bold_markup_are_removed_but_recorded():
    doc = read("[bookmark: _GoBack]（3）加强政府信息查阅场所工作。**四是**推进管理公开。\n")
    assert doc.paragraphs[0].text == "（3）加强政府信息查阅场所工作。四是推进管理公开。"
    assert {n.kind for n in doc.noise} == {"bookmark", "markup"}


def test_lines_are_squeezed_once_as_printed_and_again_where_markup_was_removed():
    doc = read("本单位全年通过网站主动公开政府信息，并在\n**二、 依申请公开情况**\n（一）　收到申请　２件\n")
    assert doc.squeezed == ["本单位全年通过网站主动公开政府信息,并在", "**二、依申请公开情况**", "(一)收到申请2件", ""]
    # the heading is recognised on the line without its bold markers, not on the printed line
    assert [p.text for p in doc.paragraphs] == ["本单位全年通过网站主动公开政府信息，并在", "二、 依申请公开情况", "（一）　收到申请　２件"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_encodings(encoding):
    doc = read("某某镇人民政府2018年政府信息公开工作年度报告\n", encoding)
    assert doc.paragraphs[0].text.startswith("某某镇人民政府")


def test_crlf_line_endings_and_form_feed_pages():
    doc = read("某某局年度报告\r\n\f统计指标\t单位\t统计数\r\n(一) 收到申请数\t件\t2\r\n")
    assert doc.tables[0].rows[1].texts == ["(一) 收到申请数", "件", "2"]
    assert doc.tables[0].rows[1].page == 2


def test_empty_and_undecodable_input_raise_specific_errors():
    with pytest.raises(EmptyFileError):
        read_text("x.txt", b"")
    with pytest.raises((UndecodableError,)) as info:
        read_text("x.txt", b"\xef\xbb\xbf\xff\xfe\xfd not utf-8 after a utf-8 bom")
    assert "byte-order mark" in info.value.message
