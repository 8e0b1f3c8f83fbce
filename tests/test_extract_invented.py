"""Table extraction on an invented 2021-format report: another agency and year, pipe layout,
the 总计 column printed first, half-width punctuation, 其他处理 split into sub-items, a blank
cell, a dash and a money cell in 万元. None of the seeds has these, so this guards generality."""

import math

from govstats.pipeline import process_file

REPORT = """某某市生态环境局2022年政府信息公开工作年度报告

二、主动公开政府信息情况

| 第二十条第(一)项 | | | |
|---|---|---|---|
| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
| 规章 | 0 | 0 | 2 |
| 行政规范性文件 | 3 | 1 | 15 |
| 第二十条第(八)项 | | | |
| 信息内容 | 本年收费金额(单位:万元) | | |
| 行政事业性收费 | 12.5 | | |

三、收到和处理政府信息公开申请情况

| (本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | | 申请人情况 | | | | | | |
|---|---|---|---|---|---|---|---|---|
| | | 总计 | 自然人 | 法人或其他组织 | | | | |
| | | | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |
| 一、本年新收政府信息公开申请数量 | | 10 | 8 | 2 | 0 | 0 | 0 | 0 |
| 二、上年结转政府信息公开申请数量 | | 1 | 1 | 0 | 0 | 0 | 0 | 0 |
| 三、本年度办理结果 | (一)予以公开 | 6 | 5 | 1 | 0 | 0 | 0 | 0 |
| | (六)其他处理 | | | | | | | |
| | 1.申请人无正当理由逾期不补正,行政机关不再处理其政府信息公开申请 | 1 | 1 | 0 | 0 | 0 | 0 | 0 |
| | 2.申请人逾期未按收费通知要求缴纳费用,行政机关不再处理其政府信息公开申请 | — | — | — | — | — | — | — |
| | 3.其他 | | 0 | 0 | 0 | 0 | 0 | 0 |
| | (七)总计 | 7 | 6 | 1 | 0 | 0 | 0 | 0 |
| 四、结转下年度继续办理 | | 4 | 3 | 1 | 0 | 0 | 0 | 0 |
"""


def test_invented_2021_report(tmp_path):
    path = tmp_path / "invented_2021.txt"
    path.write_text(REPORT, encoding="utf-8")
    result = process_file(path)
    assert result.report["template"] == "2021"
    assert (result.report["agency_kind"], result.report["report_year"]) == ("ecology_environment_bureau", 2022)
    facts = {(f["key"], f["applicant_type"]): f for f in result.facts}

    assert facts[("normdoc_in_force", "")]["value"] == 15
    assert facts[("normdoc_repealed", "")]["value"] == 1
    assert facts[("admin_fee_amount", "")]["value"] == 125000 and facts[("admin_fee_amount", "")]["unit"] == "元"
    # the 总计 column is found by its header, not by its position
    assert facts[("app_new", "total")]["value"] == 10
    assert facts[("app_new", "natural_person")]["value"] == 8
    assert facts[("app_new", "commercial_enterprise")]["value"] == 2
    assert facts[("outcome_other_no_correction", "natural_person")]["value"] == 1
    unpaid = facts[("outcome_other_unpaid_fee", "total")]
    assert unpaid["qualifier"] == "not_applicable" and _null(unpaid["value"])
    misc_total = facts[("outcome_other_misc", "total")]
    assert misc_total["qualifier"] == "missing" and _null(misc_total["value"])  # blank, not 0
    assert facts[("app_carry_forward", "research_institution")]["value"] == 0
    # (六)其他处理 is a group row in 2021: no fact of its own
    assert ("outcome_other", "total") not in facts
    assert result.unmapped == []


def _null(value):
    return value is None or (isinstance(value, float) and math.isnan(value))
