"""Recognition on invented reports of other agencies, years and punctuation."""

import pytest

from govstats.catalogue import load_catalogue
from govstats.read_text import read_text
from govstats.recognise import agency_kind, parse_date, recognise


def recognise_text(text: str):
    return recognise(read_text("x.txt", text.encode("utf-8")), load_catalogue())


def test_title_with_year_first_and_signature_with_chinese_date():
    rec = recognise_text(
        "2019年度灵武市财政局政府信息公开工作年度报告\n\n本报告所列数据统计期限为2019年1月1日至2019年12月31日。\n\n"
        "灵武市财政局\n二〇二〇年一月十五日\n"
    )
    assert (rec.agency, rec.agency_kind, rec.report_year, rec.published) == ("灵武市财政局", "finance_bureau", 2019, "2020-01-15")
    assert (rec.province, rec.city, rec.county, rec.admin_level, rec.adcode) == ("宁夏回族自治区", "银川市", "灵武市", "county", "640181")


def test_ambiguous_county_name_is_resolved_by_the_phone_area_code():
    # 朝阳区 is a district of both 北京市 and 长春市; 0431 is 长春's area code
    rec = recognise_text("朝阳区民政局2021年政府信息公开工作年度报告\n\n如有疑问请联系（电话：0431-85951234）。\n")
    assert (rec.province, rec.city, rec.adcode) == ("吉林省", "长春市", "220104")
    assert "0431" in rec.evidence["region"]


@pytest.mark.parametrize("agency, phone, region", [
    ("长安区民政局", "029-86543210", ("陕西省", "西安市", "长安区", "610116")),  # 029 is also 咸阳's
    ("长安区民政局", "0311-86543210", ("河北省", "石家庄市", "长安区", "130102")),
    ("龙华区民政局", "0898-66123456", ("海南省", "海口市", "龙华区", "460106")),  # 0898 is all of Hainan's
    ("龙华区民政局", "0755-26123456", ("广东省", "深圳市", "龙华区", "440309")),
    ("城中区民政局", "0772-2123456", ("广西壮族自治区", "柳州市", "城中区", "450202")),  # 0772 is also 来宾's
    ("铁西区民政局", "024-23456789", ("辽宁省", "沈阳市", "铁西区", "210106")),  # 024 is also 抚顺's, 本溪's, 铁岭's
])
def test_a_shared_area_code_resolves_an_ambiguous_county_among_its_places(agency, phone, region):
    rec = recognise_text(f"{agency}2021年政府信息公开工作年度报告\n\n如有疑问请联系（电话：{phone}）。\n")
    assert (rec.province, rec.city, rec.county, rec.adcode) == region and phone in rec.evidence["region"] and not rec.warnings


def test_an_ambiguous_county_named_with_its_city_needs_no_phone():
    rec = recognise_text("北京市朝阳区民政局2021年政府信息公开工作年度报告\n\n正文。\n")
    assert (rec.city, rec.adcode, rec.warnings) == ("北京市", "110105", [])
    assert "phone" not in rec.evidence["region"]


def test_an_area_code_of_none_of_the_counties_warns():
    rec = recognise_text("朝阳区民政局2021年政府信息公开工作年度报告\n\n如有疑问请联系（电话：029-86543210）。\n")
    assert any(code == "region_ambiguous" and "029" in message for code, message in rec.warnings)


@pytest.mark.parametrize("agency, region", [
    ("湾里区太平镇人民政府", ("南昌市", "湾里区", "太平镇", "360105")),  # merged into 新建区 in 2019
    ("无为县民政局", ("芜湖市", "无为县", "", "340225")),  # 无为市 since 2019
    ("襄樊市民政局", ("襄阳市", "", "", "420600")),  # renamed in 2010: the gazetteer holds 襄阳市 only
])
def test_a_renamed_or_merged_place_is_read_as_printed_when_the_gazetteer_holds_it(agency, region):
    rec = recognise_text(f"{agency}2016年政府信息公开工作年度报告\n\n正文。\n")
    assert (rec.city, rec.county, rec.town, rec.adcode) == region and not rec.warnings


@pytest.mark.parametrize("agency, phone, region", [
    ("云龙县长新乡人民政府", "", ("云南省", "云龙县", "长新乡", "532929")),  # not 新乡市 (河南)
    ("扶余市更新乡人民政府", "", ("吉林省", "扶余市", "更新乡", "220781")),
    ("西城区广安门内街道办事处", "", ("北京市", "西城区", "广安门内街道", "110102")),  # not 广安市 (四川)
    ("鼓楼区热河南路街道办事处", "025-83123456", ("江苏省", "鼓楼区", "热河南路街道", "320106")),  # not 河南 from 热河南路
    ("通道侗族自治县县溪镇人民政府", "", ("湖南省", "通道侗族自治县", "县溪镇", "431230")),
    ("陈仓区县功镇人民政府", "", ("陕西省", "陈仓区", "县功镇", "610304")),
    ("市南区香港中路街道办事处", "", ("山东省", "市南区", "香港中路街道", "370202")),  # not 香港's 南区
    ("平城区振华南街街道办事处", "", ("山西省", "平城区", "振华南街街道", "140213")),  # not 南街街道, another town of 平城区
    ("莱芜区茶业口镇人民政府", "", ("山东省", "莱芜区", "茶业口镇", "370116")),  # not 口镇
])
def test_a_town_named_like_another_place_does_not_move_its_county(agency, phone, region):
    """jionlp counts every place name it finds, aliases too: the county printed in full before a
    town or street named after another place (长新乡, 广安门内, 热河南路, 香港中路) is the county,
    and the town is the longest of the county's towns printed (振华南街街道, not 南街街道)."""
    tail = f"如有疑问请联系（电话：{phone}）。\n" if phone else ""
    rec = recognise_text(f"{agency}2021年政府信息公开工作年度报告\n\n正文。\n{tail}")
    assert (rec.province, rec.county, rec.town, rec.adcode) == region and rec.admin_level == "town" and not rec.warnings


def test_ambiguous_county_without_phone_warns():
    rec = recognise_text("朝阳区民政局2021年政府信息公开工作年度报告\n\n正文。\n")
    assert any(code == "region_ambiguous" for code, _ in rec.warnings)


def test_subdistrict_office_is_town_level():
    rec = recognise_text("银川市兴庆区凤凰北街街道办事处2020年政府信息公开工作年度报告\n\n正文。\n")
    assert rec.agency_kind == "subdistrict_office" and rec.admin_level == "town" and rec.adcode == "640104"


def test_document_number_only_when_printed_above_the_title():
    rec = recognise_text("灵政发〔2019〕 12 号\n\n灵武市人民政府2018年政府信息公开工作年度报告\n\n按照《银兴政办发[2017]128 号》文件精神开展工作。\n")
    assert rec.doc_number == "灵政发〔2019〕12号"


@pytest.mark.parametrize(
    "lines, era",
    [
        ("信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0", "2021"),
        ("信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t0\t0\t0", "2019"),
        ("统计指标\t单位\t统计数\n(一) 主动公开政府信息数\t条\t1\n3. 政务微博公开政府信息数\t条\t1", "2014"),
        ("指标名称\t单位\t2018\n主动公开文件数\t条\t1", ""),  # no marker: the pipeline decides custom
    ],
)
def test_era_markers(lines, era):
    rec = recognise_text("某某局2020年政府信息公开工作年度报告\n\n" + lines + "\n")
    assert rec.template_hint == era


def test_matrix_only_report_is_dated_by_its_year():
    matrix = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t申请人情况\n一、本年新收政府信息公开申请数量\t0"
    assert recognise_text("某某局2020年政府信息公开工作年度报告\n\n" + matrix + "\n").template_hint == "2019"
    assert recognise_text("某某局2022年政府信息公开工作年度报告\n\n" + matrix + "\n").template_hint == "2021"


def test_agency_kinds_and_dates():
    assert agency_kind("兴庆区掌政镇人民政府") == "town_government"
    assert agency_kind("某某县人民政府办公室") == "government_general_office"
    assert agency_kind("某某区卫生健康委员会") == "health_commission"
    assert agency_kind("某某局") == "other_bureau" and agency_kind("某某中心") == "other_agency"


@pytest.mark.parametrize("agency, kind", [
    ("某某县卫生和计划生育局", "health_commission"), ("某某市卫生计生委", "health_commission"), ("某某县卫生局", "health_commission"),
    ("某某县国土资源局", "natural_resources_bureau"), ("某某区环境保护局", "ecology_environment_bureau"),
    ("某某县安全生产监督管理局", "emergency_management_bureau"), ("某某县食品药品监督管理局", "market_regulation_bureau"),
    ("某某县农业局", "agriculture_rural_affairs_bureau"), ("某某县农业农村局", "agriculture_rural_affairs_bureau"),
    ("某某县文化体育和旅游局", "culture_tourism_bureau"), ("某某县文化广电新闻出版局", "culture_tourism_bureau"),
])
def test_agency_kinds_of_the_names_before_the_2018_reform(agency, kind):
    """Reports of 2014–2018 are signed with the bureaus' names of their time: the kind is that of
    the bureau that took over the work, so a kind can be followed across the years."""
    assert agency_kind(agency) == kind
    assert parse_date("2018 年 3 月 26 日") == "2018-03-26"
    assert parse_date("二〇一八年三月二十六日") == "2018-03-26"
    assert parse_date("2018年13月1日") == ""


@pytest.mark.parametrize("text", [
    "北京市朝阳区民政局", "辽宁省朝阳市朝阳县", "朝阳区人民政府", "铁西区民政局", "上海市嘉定区太原路99号",
    "青海西宁城东区", "湖南省长沙市", "喀左旗覃家岗街道梨树湾村", "秦皇岛市经济技术开发区管委会",
    "银川市兴庆区掌政镇人民政府", "重庆市重庆路", "香港特别行政区", "成都和西安是西部大开发先锋城市。",
    "某某局", "", "广州市海珠区南华西街道办事处", "襄樊市民政局", "吉林省延边朝鲜族自治州延吉市",
])
def test_indexed_place_parser_reads_places_as_jionlp_does(text):
    """The indexed candidate scan is a speed-up only: every reading equals jionlp's own, renamed
    places (襄樊), ambiguous names, aliases before 路, overlapping names and no place at all included."""
    from govstats import recognise

    assert recognise._location_parser()(text, town_village=True) == recognise._jionlp().parse_location(text, town_village=True)


@pytest.mark.parametrize("phone", ["029-86543210", "0851-8765432", "024 23456789", "(0531)87654321", "（010）12345678",
                                   "0999-1234567", "010-1234567", "0755—12345678", "0371 6543210"])
def test_the_places_of_an_area_code_include_jionlps_reading(phone):
    """jionlp keeps one place a code; govstats keeps every place that dials it (029: 西安 and 咸阳)."""
    from govstats import recognise

    place = recognise._jionlp().phone_location(phone)
    ours = recognise._area_code_places(phone)
    assert (place["province"], place["city"]) in ours if place["province"] else ours == []


def test_gazetteer_is_jionlps_own_without_villages():
    """The gazetteer read in blocks (for speed) is the dict jionlp's own loader returns, to the
    town; the villages are left out (each town's dict is empty)."""
    from govstats import recognise

    theirs = recognise._jionlp().china_location_loader(detail=True)
    towns = 0
    for province in theirs.values():
        for city in (c for name, c in province.items() if not name.startswith("_")):
            for county in (c for name, c in city.items() if not name.startswith("_")):
                for town in (t for t in county if not t.startswith("_")):
                    county[town] = {}
                    towns += 1
    assert towns > 30_000
    assert recognise._divisions() == theirs


def test_place_readings_from_several_threads_are_the_serial_ones():
    """A Dask worker may run tasks in threads: the place parser swaps its candidate list while it
    reads, so readings are made one at a time (without that, most of these came out wrong)."""
    import concurrent.futures

    from govstats import recognise

    places = ["北京市朝阳区民政局", "辽宁省朝阳市朝阳县", "银川市兴庆区掌政镇人民政府", "广州市海珠区南华西街道办事处",
              "吉林省延边朝鲜族自治州延吉市", "襄樊市民政局", "湖南省长沙市", "秦皇岛市经济技术开发区管委会"]
    texts = [f"{place}{i}" for i in range(40) for place in places]  # distinct texts: none read from the memo
    read = recognise._parse_location.__wrapped__  # without the memo
    serial = [read(t) for t in texts]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert list(pool.map(read, texts)) == serial
