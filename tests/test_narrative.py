"""Phrase patterns of the prose reader, on real sentences from the seeds and invented variants.

Each case says what it exercises. `read` runs the prose reader alone on a small text, so a case
fails only because of the phrase it holds.
"""

import pytest

from govstats.catalogue import load_catalogue
from govstats.narrative import extract_narrative
from govstats.read_text import read_text


def read(text: str, template: str = "2014", year: int = 2017, agency: str = "某某县民政局") -> list[dict]:
    doc = read_text("case.txt", text.encode("utf-8"))
    return extract_narrative(doc, set(), template, year, agency, load_catalogue())


def facts(text: str, **kwargs) -> set[tuple]:
    """(key, applicant_type, area, period, value, unit, qualifier) of every fact read."""
    return {(f["key"], f["applicant_type"], f["area"], f["period"], f["value"], f["unit"], f["qualifier"]) for f in read(text, **kwargs)}


def keys(text: str, **kwargs) -> set[str]:
    return {f["key"] for f in read(text, **kwargs)}


# ---------------------------------------------------------------- proactive disclosure and channels


def test_seed_000_total_and_channels_in_one_sentence():
    # seed 000: the total, a 其中 sub-item and three channels separated only by commas
    text = "2017年，通过各类平台和载体，主动公开政府信息289条，其中制发并公开规范性文件1件，通过政府网站公开政府信息数为142条，通过政务微博公开政府信息数为82条，通过美丽兴庆客户端公开政府信息数为65条。"
    assert facts(text) == {
        ("proactive_total", "", "", "", 289.0, "条", "exact"),
        ("proactive_normative_docs", "", "", "", 1.0, "条", "exact"),  # printed 件, registry unit 条
        ("channel_website", "", "", "", 142.0, "条", "exact"),
        ("channel_weibo", "", "", "", 82.0, "条", "exact"),
        ("channel_other", "", "", "", 65.0, "条", "exact"),  # an app (客户端) is an other channel
    }


def test_seed_001_approximate_total_and_wechat_channel_with_a_list_in_between():
    # seed 001: `350 余条` (approx, spaced), 公众号 is WeChat, a topic list (`社会救助类信息 142 条`) is not a channel
    text = ("公开本部门信息 350 余条，其中，在中宁县人民政府网站主动公开各类信息 174 条，包括社会救助类信息 142 条，"
            "公示公告类信息 2 条；在“中宁民政局”微信公众号平台主动公开各类信息 153 条；通过广播电视台、宣传栏等形式公开信息 20 余条。")
    got = facts("（一）主动公开政府信息情况。" + text)
    assert got == {
        ("proactive_total", "", "", "", 350.0, "条", "approx"),
        ("channel_website", "", "", "", 174.0, "条", "exact"),
        ("channel_wechat", "", "", "", 153.0, "条", "exact"),
        ("channel_other", "", "", "", 20.0, "条", "approx"),  # radio/TV and notice boards
    }


def test_a_weak_total_needs_a_proactive_disclosure_section():
    # `公开本部门信息 350 余条` names no 主动公开 itself: outside such a section it is not read as the total
    assert keys("二、重点工作\n公开本部门信息 350 余条。") == set()


def test_third_party_website_listed_with_newspapers_is_other():
    # seed 002: a province bureau's site among newspapers is "other", the city portal is the website
    text = "全年通过吴忠市政府门户网站公开公示民政信息 88条，通过《宁夏双拥》、《宁夏老龄工作》、自治区民政厅网站、吴忠日报等新闻媒体公开公示各类政务信息 63条。"
    assert facts(text, agency="吴忠市民政局") == {
        ("channel_website", "", "", "", 88.0, "条", "exact"),
        ("channel_other", "", "", "", 63.0, "条", "exact"),
    }


def test_half_width_punctuation_thousands_and_chinese_numerals():
    # invented: half-width `,`, a thousands separator, 约 and a Chinese numeral with 余
    text = "2018年,本机关主动公开政府信息1,234条,其中通过政府网站公开1,100条,通过政务微信公开约300条,通过政务微博公开两百余条。"
    assert facts(text, year=2018) == {
        ("proactive_total", "", "", "", 1234.0, "条", "exact"),
        ("channel_website", "", "", "", 1100.0, "条", "exact"),
        ("channel_wechat", "", "", "", 300.0, "条", "approx"),
        ("channel_weibo", "", "", "", 200.0, "条", "approx"),
    }


def test_near_and_gazette_verb():
    # invented: 近 is approximate; 刊登 in the 政府公报 is the gazette channel (not 报刊 "other")
    assert facts("我局全年主动公开信息近200条，政府公报刊登信息12条。") == {
        ("proactive_total", "", "", "", 200.0, "条", "approx"),
        ("channel_gazette", "", "", "", 12.0, "条", "exact"),
    }


@pytest.mark.parametrize("text", [
    "全年通过政府网站、政务微博和微信公开信息300余条。",  # three channels in one figure: no single channel
    "2020年，民政局在中宁县政府网站及新媒体平台共公开社会救助类信息170余条。",  # seed 001: two channels and a topic subset
    "2017年度政务微博月均发布信息约7条。",  # seed 000: a monthly rate, not a count
    "在兴庆区政府门户网站上社会救助专栏及时全面按月公开城乡低保、高龄津贴等社会救助政策补贴标准各类信息共计60条。",  # seed 000: a 专栏
    "利用广播电视、报刊、新闻网站等平台，做好对外宣传，2017年共报送各级各类信息600余条。",  # seed 003: 报送 is not disclosure
    "其中：机构职能类信息4条，占23.5%。",  # seed 004: a category share
])
def test_subsets_rates_and_mixed_channels_give_nothing(text):
    assert keys("（二）主动公开政府信息情况\n" + text) == set()


def test_cumulative_figure_and_explicit_year_beside_it():
    # seed 004: a report that also states the cumulative figure labels the year's figures with the year
    text = "2017年我局共制作政府信息17条，主动公开17条，全文电子化率达100%。《条例》实施以来累计共主动公开政府信息192条。"
    assert facts(text) == {
        ("proactive_total", "", "", "2017", 17.0, "条", "exact"),
        ("proactive_total", "", "", "cumulative", 192.0, "条", "exact"),
    }


# ---------------------------------------------------------------- requests, review, litigation, complaints


@pytest.mark.parametrize("text", [
    "2017年，我局未收到信息公开申请。",  # seed 000
    "全年未接到公民、法人或其他组织有关公开政府信息的申请。",  # seed 002: 未接到, words between verb and 申请
    "截止到2017年，我局未曾收到政府信息公开申请。",  # seed 004: 未曾
    "本年度没有收到公民的信息公开申请。",  # invented: 没有收到
])
def test_negated_requests_are_zero_with_the_phrase_as_evidence(text):
    got = read(text)
    assert [(f["key"], f["value"], f["match"]) for f in got] == [("applications_received", 0.0, "negation")]
    assert got[0]["evidence"] in text


def test_a_2019_report_counts_new_applications_in_the_total_column():
    # seed 001 (2019 template): the quantity is app_new in the 总计 column
    assert facts("2020 年度未收到政府信息公开的申请。", template="2019", year=2020) == {("app_new", "total", "", "", 0.0, "件", "exact")}


def test_negated_review_litigation_and_complaints():
    # seed 002: one negation names all three; seed 004: 申诉 is not a complaint
    assert keys("也未发生因政府信息公开引起的行政复议、行政诉讼和投诉举报情况。") == {"reconsideration_total", "litigation_total", "complaints_total"}
    assert keys("截止到2017年，我局未曾发生针对本局有关政府信息公开事务的行政复议案、行政诉讼案和有关的申诉案。") == {"reconsideration_total", "litigation_total"}


def test_positive_counts_with_full_width_digits_and_chinese_numerals():
    # invented: full-width digits (NFKC), 两件, and a bare 行政诉讼 clause inheriting the sentence's subject
    assert facts("全年共受理政府信息公开申请１２件，办结12件。") == {("applications_received", "", "", "", 12.0, "件", "exact")}
    assert facts("本年度共收到政府信息公开申请两件，因政府信息公开申请行政复议1件，行政诉讼0件。") == {
        ("applications_received", "", "", "", 2.0, "件", "exact"),
        ("reconsideration_total", "", "", "", 1.0, "件", "exact"),
        ("litigation_total", "", "", "", 0.0, "件", "exact"),
    }


@pytest.mark.parametrize("text", [
    "进一步规范行政行为，避免因行政不作为或行政乱作为而导致出现行政诉讼败诉、行政复议案件，2017年全年掌政镇涉案诉讼1件，法院判决驳回。",  # seed 003: a civil case
    "全年发生民事诉讼1件，行政诉讼2件。",  # invented: lawsuits not about disclosure
    "公示5个工作日后，在没有接到群众举报后，将救灾款发给相关受灾人员。",  # seed 004: a negation about relief, not disclosure
    "办理“4050”灵活就业人员社保补贴224件，就业创业登记证申请94件。",  # seed 003: other applications
    "2017 年，我局没有收到“行政首长信箱”舆情信息。",  # seed 002: a negation with no 申请
])
def test_requests_not_about_information_disclosure_give_nothing(text):
    assert keys(text) == set()


# ---------------------------------------------------------------- responses


def test_seed_000_responses_breakdown():
    # seed 000: the total, then 其中 items printed in 件 but counted in the registry's 次 / 篇
    text = "全年累计回应公众热点 37 次，其中：发布政策解读稿件 1 件，政务微博回应 33 件，政民互动平台回应 3 件。"
    assert facts(text) == {
        ("responses_total", "", "", "", 37.0, "次", "exact"),
        ("interpretation_articles", "", "", "", 1.0, "篇", "exact"),
        ("weibo_wechat_responses", "", "", "", 33.0, "次", "exact"),
        ("other_responses", "", "", "", 3.0, "次", "exact"),
    }


# ---------------------------------------------------------------- 低保


def test_seed_000_table_rows_take_the_month_of_the_table_title():
    # seed 000: a one-column table read as prose; `2017年12月` in its title is the period
    text = ("| 兴庆区民政局2017年12月社会救助资金发放情况 | |\n|---|--|\n| 城市居民最低生活保障标准：每人每月570元 | |\n"
            "| 农村居民最低生活保障标准：每人每年3800元 | |\n"
            "| 城市低保1671户2367人，发放低保资金117.73万元，自治区春节生活补贴（饺子费）14.2万元，当月人均补助水平677元/人； | |\n"
            "| 分散供养标准：每月每人800元 | |\n")
    assert facts(text) == {
        ("dibao_standard", "", "urban", "2017-12", 570.0, "元/人/月", "exact"),
        ("dibao_standard", "", "rural", "2017-12", 3800.0, "元/人/年", "exact"),
        ("dibao_households", "", "urban", "2017-12", 1671.0, "户", "exact"),
        ("dibao_recipients", "", "urban", "2017-12", 2367.0, "人", "exact"),
        ("dibao_spending", "", "urban", "2017-12", 1177300.0, "元", "exact"),  # 万元 → 元; the 饺子费 subsidy is not 低保 spending
        ("dibao_avg_benefit", "", "urban", "2017-12", 677.0, "元/人/月", "exact"),  # 当月 … 元/人 is monthly
        # 分散供养 is 特困 support, not 低保
    }


def test_seed_002_other_programmes_and_subsidies_to_dibao_households_are_not_dibao():
    # seed 002: 特困 (供养) figures before, holiday and heating subsidies to 低保户 after; the year from 2017年全年
    text = ("2017年全年，我市临时救助累计救助人次 65302人次，发放救助金额3853.75万元；集中供养 605人，人均供养水平为每人每月 707元；"
            "城市低保累计保障对象 398090人次，支出资金 14556万元，人均补助水平每人每月 365.64元；"
            "此外，开斋节和古尔邦节期间累计向低保户发放困难补助津贴 3221万元，冬季来临之际向低保户发放取暖费共计5188.17万元。")
    assert facts(text) == {
        ("dibao_person_times", "", "urban", "2017", 398090.0, "人次", "exact"),
        ("dibao_spending", "", "urban", "2017", 145560000.0, "元", "exact"),
        ("dibao_avg_benefit", "", "urban", "2017", 365.64, "元/人/月", "exact"),
    }


def test_seed_004_area_by_contrast_range_period_and_implausible_unit():
    # seed 004: an unmarked standard before a 农村 one is urban; 1-12月 is the year; 6624元/月人 is annual
    text = ("重点公开城乡低保对象877人，特困人员56人，发布低保标准552元/月人，补助水平423元/月人，农村低保标准6624元/月人，"
            "补助水平389元/月人，1-12月城乡低保资金支出461万元；医疗救助172人次，累计救助20万元。")
    got = read(text)
    assert {(f["key"], f["area"], f["period"], f["value"], f["unit"]) for f in got} == {
        ("dibao_recipients", "all", "2017", 877.0, "人"),
        ("dibao_standard", "urban", "2017", 552.0, "元/人/月"),
        ("dibao_avg_benefit", "urban", "2017", 423.0, "元/人/月"),
        ("dibao_standard", "rural", "2017", 6624.0, "元/人/年"),
        ("dibao_avg_benefit", "rural", "2017", 389.0, "元/人/月"),
        ("dibao_spending", "all", "2017", 4610000.0, "元"),
    }
    reread = next(f for f in got if f["value"] == 6624.0)
    assert reread["unit_printed"] == "元/月人"
    assert "implausible" in reread["note"] and "12 × the urban monthly figure 552" in reread["note"]


def test_month_in_the_sentence_and_annual_standard():
    # invented: `12月份` sets the month; 低保金 is spending; a standard per year stays annual
    text = "12月份,全县城市低保对象3200户5100人,发放低保金320.5万元。农村低保标准为每人每年4800元。"
    assert facts(text, year=2018) == {
        ("dibao_households", "", "urban", "2018-12", 3200.0, "户", "exact"),
        ("dibao_recipients", "", "urban", "2018-12", 5100.0, "人", "exact"),
        ("dibao_spending", "", "urban", "2018-12", 3205000.0, "元", "exact"),
        ("dibao_standard", "", "rural", "2018", 4800.0, "元/人/年", "exact"),
    }


def test_annual_figure_printed_as_monthly_small_value_is_re_read_as_monthly():
    # invented: 每人每年450元 is implausible for a year; read as a month and flagged
    got = read("城市低保标准每人每年450元。")
    assert [(f["unit"], bool(f["note"])) for f in got] == [("元/人/月", True)]


def test_hard_line_wraps_inside_a_sentence():
    # seed 002 style: a sentence broken by hard wraps mid-word and mid-number-unit
    lines = ["对各项社会救助的受助人数、资金支出以及人均救助水平等情况，在政府门户网站公开的同时，积极对接",
             "吴忠日报等新闻媒体进行公示。城市低保累计保障对象 398090人次，支出资金 14556万元，人均补",
             "助水平每人每月 365.64元；农村低保累计保障对象 1129772",
             "人次，支出资金 30082.48万元。"]
    got = facts("\n".join(lines))
    assert ("dibao_person_times", "", "rural", "2017", 1129772.0, "人次", "exact") in got
    assert ("dibao_avg_benefit", "", "urban", "2017", 365.64, "元/人/月", "exact") in got


def test_evidence_and_position_point_at_the_printed_phrase():
    text = "第一段没有数字。\n\n2017年，通过各类平台和载体，主动公开政府信息２８９条。"
    (fact,) = read(text)
    assert fact["line"] == 3
    assert fact["evidence"] == "主动公开政府信息２８９条"  # as printed: full-width digits kept
    assert fact["value_printed"] == "２８９条" and fact["source"] == "narrative"


# ---------------------------------------------------------------- wording of reports not among the seeds


def test_channel_breakdown_without_verbs_after_qizhong():
    # invented: channels listed as bare names after `其中:`, half-width punctuation, a thousands comma
    text = "全年主动公开政府信息1,200条,其中:政府网站1,100条,政务微博80条,政务微信20条。"
    assert facts(text) == {
        ("proactive_total", "", "", "", 1200.0, "条", "exact"),
        ("channel_website", "", "", "", 1100.0, "条", "exact"),
        ("channel_weibo", "", "", "", 80.0, "条", "exact"),
        ("channel_wechat", "", "", "", 20.0, "条", "exact"),
    }


def test_respectively_pairs_names_with_values_in_order():
    # invented: `分别为` lists channels, then review and litigation, with their values in the same order
    assert facts("通过政府网站、政务微博、政务微信公开信息分别为100条、20条和30条。") == {
        ("channel_website", "", "", "", 100.0, "条", "exact"),
        ("channel_weibo", "", "", "", 20.0, "条", "exact"),
        ("channel_wechat", "", "", "", 30.0, "条", "exact"),
    }
    assert facts("因政府信息公开引起的行政复议、行政诉讼分别为2件、1件。") == {
        ("reconsideration_total", "", "", "", 2.0, "件", "exact"),
        ("litigation_total", "", "", "", 1.0, "件", "exact"),
    }


def test_all_zero_applies_to_every_family_named():
    # invented: `均为0件` after a list of three families
    assert facts("本年度因政府信息公开引起的行政复议、行政诉讼和举报投诉均为0件。") == {
        ("reconsideration_total", "", "", "", 0.0, "件", "exact"),
        ("litigation_total", "", "", "", 0.0, "件", "exact"),
        ("complaints_total", "", "", "", 0.0, "件", "exact"),
    }


def test_listed_channels_ending_in_deng_give_the_total():
    # invented: several channels `等渠道` with 主动公开 is the total, not a channel
    assert facts("通过政府网站、政务微博等渠道主动公开政府信息500条。") == {("proactive_total", "", "", "", 500.0, "条", "exact")}


@pytest.mark.parametrize("text, key", [
    ("在本局网站主动公开信息80条。", "channel_website"),  # the agency's own site, not named 政府网站
    ("在政府网站信息公开专栏公开信息120条。", "channel_website"),  # the 信息公开专栏 is the site itself, not a topic
    ("通过抖音号发布信息15条。", "channel_other"),  # short-video accounts are other channels
])
def test_other_names_of_channels(text, key):
    assert keys(text) == {key}


@pytest.mark.parametrize("text", [
    "全年主动公开政府信息较上年增加20条。",  # a change on last year, not a count
    "主动公开政府信息同比减少5条。",  # the same with 同比
    "新增低保对象120户,退出低保56户。",  # flows into and out of 低保, not the number covered
    "落实低保“一户一档”管理制度。",  # `一户一档` is a slogan, not one household
    "村务公开栏公示低保名单,未收到群众投诉。",  # village notice board: a negation not about information disclosure
    "低保边缘家庭320户。",  # 低保边缘 families are another group
])
def test_changes_flows_slogans_and_other_groups_give_nothing(text):
    assert keys(text) == set()


def test_old_value_of_a_raise_is_not_the_standard():
    # invented: `由…提高到…` — only the new value is the standard; a bare year sets the period
    assert facts("2018年城市低保标准由每人每月500元提高到每人每月550元。", year=2018) == {
        ("dibao_standard", "", "urban", "2018", 550.0, "元/人/月", "exact"),
    }


@pytest.mark.parametrize("text", [
    "全年无政府信息公开申请。",  # `无…申请`
    "本机关未有收到政府信息公开申请。",  # `未有`
    "关于依申请公开,本年度我单位未收到申请。",  # the disclosure words earlier in the sentence
])
def test_more_negations_of_applications(text):
    assert facts(text, template="2019") == {("app_new", "total", "", "", 0.0, "件", "exact")}


def test_applications_breakdown_is_not_the_total():
    # invented: the total, then 其中 by channel of application
    assert facts("本年度共收到政府信息公开申请5件,其中网上申请3件,信函申请2件。") == {("applications_received", "", "", "", 5.0, "件", "exact")}


def test_review_counts_only_the_part_about_disclosure():
    # invented: all reviews, then `其中涉及政府信息公开的1件`
    assert facts("全年共收到行政复议申请12件,其中涉及政府信息公开的1件。") == {("reconsideration_total", "", "", "", 1.0, "件", "exact")}


@pytest.mark.parametrize("text, value, qualifier", [
    ("主动公开政府信息1.2万余条。", 12000.0, "approx"),  # `余` after 万
    ("主动公开政府信息千余条。", 1000.0, "approx"),  # a bare 千 with 余
    ("主动公开政府信息300条以上。", 300.0, "approx"),  # `以上`
])
def test_more_approximate_amounts(text, value, qualifier):
    assert facts(text) == {("proactive_total", "", "", "", value, "条", qualifier)}


def test_this_year_so_far_is_not_cumulative():
    # invented: `今年以来` is the reporting year; `《条例》实施以来` is cumulative
    assert facts("今年以来,主动公开政府信息300条。《条例》实施以来累计主动公开政府信息3000条。") == {
        ("proactive_total", "", "", "2017", 300.0, "条", "exact"),
        ("proactive_total", "", "", "cumulative", 3000.0, "条", "exact"),
    }


def test_press_conferences_counted_in_chang():
    # invented: 场 is the unit of press conferences
    assert facts("召开新闻发布会3场。") == {("press_conferences", "", "", "", 3.0, "次", "exact")}


@pytest.mark.parametrize("text, period", [
    ("1-6月城市低保资金支出120万元。", "2017-01/2017-06"),  # part of a year: an interval, not June
    ("2016年1至12月城市低保资金支出300万元。", "2016"),  # the whole of a stated year
    ("一至十二月城市低保资金支出300万元。", "2017"),  # Chinese numeral months
])
def test_month_ranges(text, period):
    assert [f["period"] for f in read(text)] == [period]


def test_characters_that_normalise_to_several_keep_evidence_on_the_printed_text():
    # NFKC writes ㎡ as m2 and ½ as 1⁄2: the normalised text grows, the evidence and the
    # position must still point at the printed characters
    text = "第一段没有数字。\n\n2017年，在５０㎡的大厅和½版面上，主动公开政府信息２８９条。"
    (fact,) = [f for f in read(text) if f["key"] == "proactive_total"]
    assert fact["evidence"] == "主动公开政府信息２８９条" and fact["value_printed"] == "２８９条"
    assert fact["value"] == 289.0 and fact["line"] == 3


def test_normalised_prose_maps_back_to_the_printed_characters():
    from govstats.narrative import Text

    text = Text("共计㎡面积，２８９条", lambda offset: 1)
    assert text.norm == "共计m2面积,289条"
    assert text.original(text.norm.index("m2"), text.norm.index("m2") + 2) == "㎡"
    assert text.original(text.norm.index("289"), len(text.norm)) == "２８９条"
