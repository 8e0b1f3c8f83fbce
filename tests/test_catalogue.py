"""The registry and its matcher: variants, truncation, context, and what must not match."""

from govstats.catalogue import load_catalogue


def matcher(*templates):
    return load_catalogue().matcher(templates or None)


def test_registry_units_are_one_per_key():
    cat = load_catalogue()
    assert cat.unit("applications_received") == "件"  # 2014 件 wins over the 2008 local 条
    assert cat.unit("fees_collected") == "万元"
    assert cat.unit("applications_letter_or_fax") == "件"  # a local 附表 key


def test_variants_and_half_width_enumerators_match():
    m = matcher("2014")
    assert m.match(["(一) 主动公开政府信息数"]).indicator.key == "proactive_total"
    assert m.match(["（一）召开政府信息与政务公开工作会议或专题会议数"]).indicator.key == "meetings"
    assert m.match(["1. 专职人员数（不包括政府公报及政府网站工作人"]).indicator.key == "staff_fulltime"


def test_same_label_is_resolved_by_the_section_it_sits_in():
    m = matcher("2014")
    m.match(["四、行政复议数量"])
    assert m.match(["(二) 被依法纠错数"]).indicator.key == "reconsideration_corrected"
    m.match(["五、行政诉讼数量"])
    assert m.match(["(二) 被依法纠错数"]).indicator.key == "litigation_corrected"
    assert m.match(["(三) 其他情形数"]).indicator.key == "litigation_other"


def test_row_and_column_labels_combine_for_two_way_tables():
    m = matcher("2019")
    assert m.match(["规章", "本年新 制作数量"]).indicator.key == "rule_new_made"
    assert m.match(["规章（设区的市、自治州人民政府应提供相关数据）", "对外公开总数量"]).indicator.key == "rule_total_published"
    assert m.match(["行政复议", "总 计"]).indicator.key == "reconsideration_total"
    assert m.match(["行政诉讼", "复议后起诉", "尚未审结"]).indicator.key == "litigation_after_reconsideration_pending"


def test_truncated_label_matches_by_prefix_and_is_flagged():
    found = matcher("2019").match(["4. 无正当理由大量反"])
    assert found.indicator.key == "outcome_not_processed_excessive" and found.method == "prefix"


def test_fuzzy_match_never_crosses_a_negation():
    m = matcher("2014")
    # invented wording: one character away from 同意公开答复数 but the opposite meaning
    found = m.match(["不同意予以公开答复数"])
    assert found is None or found.indicator.key != "reply_agree"


def test_section_headings_are_recognised_without_an_entry():
    found = matcher("2014").match(["一、主动公开情况"])
    assert found.indicator is None and found.method == "section"


def test_unknown_label_does_not_match():
    assert matcher("2014").match(["（五）某某自定义指标数"]) is None


def test_local_fujian_annex_rows_match_when_reading_a_custom_table():
    m = matcher()
    assert m.match(["3.信函、传真申请数"]).indicator.key == "applications_letter_or_fax"
    assert m.match(["接受行政申诉、举报数"]).indicator.key == "complaints_total"
