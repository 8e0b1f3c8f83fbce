"""The DOCX and HTML readers on small invented documents, and the garbled-text checks."""

import io

import pytest

from govstats.errors import GarbledTextError, NotAReportError
from govstats.read_docx import read_docx
from govstats.read_html import read_html
from govstats.read_layout import check_garbled

TITLE = "某某县民政局2019年政府信息公开工作年度报告"


def html(body: str, head: str = '<meta charset="utf-8">') -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode("utf-8")


def grids(doc) -> list[list[list[str]]]:
    return [[r.texts for r in t.rows] for t in doc.tables]


def test_html_rowspan_and_colspan_fill_the_grid_with_text_at_the_top_left():
    # the 2019 matrix header: 申请人情况 over two rows, 法人或其他组织 over two columns
    body = (f"<p>{TITLE}</p><p>一、总体情况。本机关全年主动公开政府信息12条。</p>"
            "<table><tr><td rowspan=2>申请人情况</td><td rowspan=2>自然人</td><td colspan=2>法人或其他组织</td><td rowspan=2>总计</td></tr>"
            "<tr><td>商业企业</td><td>其他</td></tr>"
            "<tr><td>一、本年新收政府信息公开申请数量</td><td>1</td><td>0</td><td>2</td><td>3</td></tr></table>")
    doc = read_html("x.html", html(body))
    assert grids(doc) == [[
        ["申请人情况", "自然人", "法人或其他组织", "", "总计"],
        ["", "", "商业企业", "其他", ""],
        ["一、本年新收政府信息公开申请数量", "1", "0", "2", "3"],
    ]]
    assert [p.text for p in doc.paragraphs] == [TITLE, "一、总体情况。本机关全年主动公开政府信息12条。"]


def test_html_portal_chrome_is_dropped_and_a_layout_table_is_walked_into():
    # invented portal: menus and footer made of links or boilerplate, the article in a layout table
    nav = "<div class='menu'>" + "".join(f"<a href='#'>栏目{i}政务公开</a>" for i in range(20)) + "</div>"
    article = (f"<table><tr><td><h1>{TITLE}</h1><p>本年度未收到政府信息公开申请。</p><p>本机关全年主动公开政府信息128条。</p>"
               "<table border=1><tr><td>统计指标</td><td>单位</td><td>统计数</td></tr><tr><td>主动公开政府信息数</td><td>条</td><td>128</td></tr></table>"
               "<p>（一）主动公开政府信息情况。网站更新及时,内容详实。本机关切实做好信息公开工作。</p></td></tr></table>")
    footer = "<div id='foot'>版权所有：某某县人民政府 网站标识码：1234 <a>联系我们</a></div>"
    doc = read_html("x.html", html(nav + article + footer))
    prose = [p.text for p in doc.paragraphs]
    assert prose[0] == TITLE and "本年度未收到政府信息公开申请。" in prose
    assert not any("版权所有" in p or "栏目" in p for p in prose)
    assert grids(doc) == [[["统计指标", "单位", "统计数"], ["主动公开政府信息数", "条", "128"]]]


def test_html_declared_gbk_and_br_separated_paragraphs():
    body = f"<div>{TITLE}<br>本机关全年主动公开政府信息12条。<br/>二、其他情况。无。</div>"
    data = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>{body}</body></html>'.encode("gbk")
    doc = read_html("x.html", data)
    assert doc.encoding == "gb18030"
    assert [p.text for p in doc.paragraphs] == [TITLE, "本机关全年主动公开政府信息12条。", "二、其他情况。无。"]


def test_docx_paragraphs_and_tables_in_order_and_merged_cells_once():
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph("一、总体情况。本机关全年主动公开政府信息12条。")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "申请人情况"  # down two rows
    t.cell(0, 1).merge(t.cell(0, 2)).text = "法人或其他组织"  # across two columns
    t.cell(0, 3).text = "总计"
    t.cell(1, 1).text, t.cell(1, 2).text = "商业企业", "其他"
    for c, v in enumerate(["一、本年新收政府信息公开申请数量", "0", "2", "2"]):
        t.cell(2, c).text = v
    d.add_paragraph("二、其他情况。")
    buf = io.BytesIO()
    d.save(buf)
    doc = read_docx("x.docx", buf.getvalue())
    assert grids(doc) == [[
        ["申请人情况", "法人或其他组织", "", "总计"],
        ["", "商业企业", "其他", ""],
        ["一、本年新收政府信息公开申请数量", "0", "2", "2"],
    ]]
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Paragraph"]


@pytest.mark.parametrize("text, error", [
    ("某某县民政局(cid:12)(cid:34)(cid:56)(cid:78)政府信息", GarbledTextError),  # glyphs without a Unicode map
    ("某某" + "\ue001\ue002\ue003\ue004" * 5 + "政府信息公开", GarbledTextError),  # private-use code points
    ("政府信息公开" + "\ufffd" * 10, NotAReportError),  # replacement characters
])
def test_garbled_text_is_an_error(text, error):
    with pytest.raises(error):
        check_garbled(text)
