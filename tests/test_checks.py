"""Best values, accounting identities and cross-checks, on small invented builds and on the seeds."""

import pytest

from govstats import schema
from govstats.checks import load_identities, run_checks
from govstats.export import frame

FILE = "a.txt"


def fact(key, value=None, *, qualifier=None, source="table", applicant_type="", area="", period="", line=1, file=FILE, **extra):
    """One facts row; a value of None is a blank cell (qualifier missing) unless told otherwise."""
    qualifier = qualifier or ("missing" if value is None else "exact")
    return {"file": file, "sha256": file * 4, "key": key, "applicant_type": applicant_type, "area": area, "period": period,
            "value": value, "unit": "件", "qualifier": qualifier, "source": source, "template": "2014", "line": line,
            "evidence": extra.pop("evidence", f"{key} {value}"), "value_printed": "" if value is None else str(value), **extra}


def report(template="2014", file=FILE, year=2017, status="parsed"):
    return {"file": file, "sha256": file * 4, "template": template, "report_year": year, "status": status}


def run(facts, template="2014", unmapped=(), reports=None):
    return run_checks(frame("facts", facts), frame("unmapped", list(unmapped)), frame("reports", reports or [report(template)]))


def check_row(checks, check, file=FILE):
    rows = checks[(checks["check"] == check) & (checks["file"] == file)]
    assert len(rows) == 1, f"expected one {check} row, got {len(rows)}:\n{checks[['check', 'status', 'message']]}"
    return rows.iloc[0]


def lines_of(facts):
    return [dict(f, line=i + 1) for i, f in enumerate(facts)]


# ---------------------------------------------------------------- every identity, holding and failing


def _equation_facts(rule, holds):
    """Facts for one equation of identities.csv: parts 1, 2, 3…; the left side set to hold or to break it."""
    lhs, rhs = rule["lhs"].split("+"), rule["rhs"].split("+")
    parts = {term: float(i + 1) for i, term in enumerate(rhs)}
    total, largest = sum(parts.values()), max(parts.values())
    if rule["op"] == "bound":
        left = total if holds else largest - 1  # below the largest part
    else:
        left = total if holds else total + 1
    values = {**{term: 0.0 for term in lhs}, lhs[0]: left, **parts}
    if rule["terms"] == "keys":
        return lines_of([fact(term, v) for term, v in values.items()])
    values.setdefault("total", total)  # the 总计 column a 小计 column sits beside
    return lines_of([fact("app_new", v, applicant_type=term) for term, v in values.items()])


EQUATIONS = load_identities().to_dict("records")


@pytest.mark.parametrize("holds", [True, False], ids=["holds", "breaks"])
@pytest.mark.parametrize("rule", EQUATIONS, ids=lambda r: f"{r['rule']}-{r['lhs'].split('+')[0]}")
def test_every_identity_passes_when_it_holds_and_fails_when_broken(rule, holds):
    # each equation of identities.csv alone, on a report of the first template it lists
    template = rule["templates"].split()[0].split(":")[0].replace("*", "2014")
    checks, _ = run(_equation_facts(rule, holds), template=template)
    row = check_row(checks, rule["check"])
    assert (row["rule"], row["strength"]) == (rule["rule"], rule["strength"])
    broken = "warn" if rule["strength"] == "SOFT" else "fail"
    assert row["status"] == ("pass" if holds else broken), row["message"]


def test_identity_file_names_the_gold_checks_and_valid_strengths():
    # the check names the gold uses, and only the strength classes of identities.md
    ids = load_identities()
    names = dict(zip(ids["rule"], ids["check"]))
    assert (names["A1"], names["C6"], names["C8"]) == ("application_balance", "staff_total_sum", "channels_bound_proactive_total")
    assert set(ids["strength"]) <= {"STATED", "STRUCTURAL", "SUBSET", "DERIVED", "SOFT"}
    assert {f"A{i}" for i in range(1, 5)} | {"B1", "D1", "D2"} | {f"C{i}" for i in range(1, 11)} <= set(ids["rule"])


# ---------------------------------------------------------------- statuses and messages


def test_sum_message_reads_parts_then_total():
    # staff: 1 + 1 = 2 passes with the arithmetic as the message; 3 fails naming the keys
    checks, _ = run(lines_of([fact("staff_total", 2), fact("staff_fulltime", 1), fact("staff_parttime", 1)]))
    row = check_row(checks, "staff_total_sum")
    assert (row["status"], row["message"], row["line"]) == ("pass", "1 + 1 = 2", 1)
    assert row["figures"] == "staff_total=2 (table, line 1); staff_fulltime=1 (table, line 2); staff_parttime=1 (table, line 3)"
    checks, _ = run(lines_of([fact("staff_total", 3), fact("staff_fulltime", 1), fact("staff_parttime", 1)]))
    row = check_row(checks, "staff_total_sum")
    assert row["status"] == "fail"
    assert row["message"] == "staff_total = 3, but staff_fulltime + staff_parttime = 1 + 1 = 2"


def test_blank_left_side_or_all_blank_parts_is_not_assessable():
    # a blank total, or every part blank, cannot be checked
    checks, _ = run(lines_of([fact("staff_total"), fact("staff_fulltime", 1), fact("staff_parttime", 1)]))
    assert check_row(checks, "staff_total_sum")["status"] == "not_assessable"
    assert "staff_total blank" in check_row(checks, "staff_total_sum")["message"]
    checks, _ = run(lines_of([fact("staff_total", 2), fact("staff_fulltime"), fact("staff_parttime")]))
    assert check_row(checks, "staff_total_sum")["status"] == "not_assessable"


def test_some_blank_parts_are_read_as_zero_and_said_so():
    # one blank part is 0 for the sum (identities.md), and the message says so
    checks, _ = run(lines_of([fact("staff_total", 1), fact("staff_fulltime", 1), fact("staff_parttime")]))
    row = check_row(checks, "staff_total_sum")
    assert row["status"] == "pass"
    assert "blank read as 0: staff_parttime" in row["message"]
    checks, _ = run(lines_of([fact("staff_total", 2), fact("staff_fulltime", 1), fact("staff_parttime")]))
    assert check_row(checks, "staff_total_sum")["status"] == "fail"  # blank is 0, not a wildcard


def test_no_row_when_none_of_a_rules_keys_exist():
    # a report with no staff rows gets no staff_total_sum row
    checks, _ = run([fact("proactive_total", 5)])
    assert "staff_total_sum" not in set(checks["check"])


def test_gap_explained_by_an_approximate_figure_only_warns():
    # parts with a 余 figure are lower bounds: a total above their sum is a warning, not an error
    checks, _ = run(lines_of([fact("staff_total", 10), fact("staff_fulltime", 5, qualifier="approx"), fact("staff_parttime", 3)]))
    row = check_row(checks, "staff_total_sum")
    assert row["status"] == "warn"
    assert "approximate" in row["message"]
    # ... but a total below the sum of lower bounds cannot be explained by them
    checks, _ = run(lines_of([fact("staff_total", 7), fact("staff_fulltime", 5, qualifier="approx"), fact("staff_parttime", 3)]))
    assert check_row(checks, "staff_total_sum")["status"] == "fail"


def test_soft_rule_only_warns():
    # C10 replies ≈ concluded is SOFT
    checks, _ = run(lines_of([fact("replies_total", 5), fact("applications_concluded", 4)]))
    row = check_row(checks, "replies_vs_concluded")
    assert (row["status"], row["strength"], row["rule"]) == ("warn", "SOFT", "C10")
    assert "SOFT" in row["message"]


def test_subset_larger_than_its_total_fails():
    # C7: 其中 items within their totals, three equations in one row
    facts = lines_of([fact("proactive_total", 3), fact("proactive_normative_docs", 5), fact("press_conferences", 2), fact("press_conferences_principal", 1)])
    row = check_row(run(facts)[0], "subsets_within_totals")
    assert row["status"] == "fail"
    assert row["message"] == "proactive_normative_docs 5 exceeds proactive_total 3; the other 1 hold"


def test_channels_bound_messages():
    # C8 in its three outcomes: within bounds, below the largest channel, above the channel sum
    channels = [fact("channel_gazette", 0), fact("channel_website", 142), fact("channel_weibo", 82), fact("channel_wechat", 0), fact("channel_other", 65)]
    row = check_row(run(lines_of([fact("proactive_total", 289), *channels]))[0], "channels_bound_proactive_total")
    assert (row["status"], row["message"]) == ("pass", "max channel 142 <= 289 <= channel sum 289")
    row = check_row(run(lines_of([fact("proactive_total", 30), *channels]))[0], "channels_bound_proactive_total")
    assert (row["status"], row["message"]) == ("fail", "table proactive_total 30 is below the largest channel (website 142); channels sum to 289")
    row = check_row(run(lines_of([fact("proactive_total", 300), *channels]))[0], "channels_bound_proactive_total")
    assert row["status"] == "fail" and "exceeds the channel sum 289" in row["message"]


def test_parts_not_printed_could_hold_a_shortfall():
    # staff_parttime not printed at all (not a blank cell): a total above the parts only warns
    row = check_row(run(lines_of([fact("staff_total", 3), fact("staff_fulltime", 2)]))[0], "staff_total_sum")
    assert row["status"] == "warn" and "not printed: staff_parttime" in row["message"]


def test_channels_bound_runs_on_custom_reports_and_tolerates_channels_not_printed():
    # a custom 附表 with two channel rows only: above their sum is a warning (the others may hold it)
    facts = lines_of([fact("proactive_total", 20), fact("channel_website", 17), fact("channel_gazette", 0)])
    row = check_row(run(facts, template="custom")[0], "channels_bound_proactive_total")
    assert row["status"] == "warn"
    assert "not printed: channel_weibo, channel_wechat, channel_other" in row["message"]


def test_custom_reports_run_structural_sums_only_when_every_key_is_present():
    # C1 on a custom table lacking the fax and letter rows is not run at all; C6 runs everywhere
    facts = lines_of([fact("applications_received", 3), fact("applications_in_person", 1), fact("applications_online", 1),
                      fact("staff_total", 2), fact("staff_fulltime", 2), fact("staff_parttime", 0)])
    checks, _ = run(facts, template="custom")
    assert "applications_by_channel_sum" not in set(checks["check"])
    assert check_row(checks, "staff_total_sum")["status"] == "pass"


def test_rules_do_not_run_on_other_templates():
    # B1 (2019/2021) is not applied to a 2014 report
    facts = lines_of([fact("reconsideration_total", 3), fact("reconsideration_upheld", 1), fact("reconsideration_pending", 1)])
    assert "review_litigation_totals" not in set(run(facts, template="2014")[0]["check"])


# ---------------------------------------------------------------- the application matrix


COLUMNS = ["natural_person", "commercial_enterprise", "total"]


def matrix(values, key_order=("app_new", "app_carried_over", "outcome_total", "app_carry_forward")):
    """{column: (app_new, carried, outcome_total, carry_forward)} as facts."""
    rows = [fact(key, v[i], applicant_type=col) for col, v in values.items() for i, key in enumerate(key_order)]
    return lines_of(rows)


def test_application_balance_is_one_row_with_the_worst_column():
    # A1 holds for natural_person and total, fails for commercial_enterprise: one fail row naming that column
    facts = matrix({"natural_person": (821, 18, 767, 72), "commercial_enterprise": (35, 0, 30, 0), "total": (856, 18, 797, 77)})
    checks, _ = run(facts, template="2019")
    row = check_row(checks, "application_balance")
    assert row["status"] == "fail"
    assert row["message"].startswith("commercial_enterprise: outcome_total + app_carry_forward = 30 + 0 = 30")
    assert "natural_person" not in row["message"]
    assert row["message"].endswith("the other 2 hold")


def test_application_balance_pass_in_every_column():
    # A1 with the same arithmetic in every column, as seed 001 prints it
    facts = matrix({col: (0, 0, 0, 0) for col in COLUMNS})
    row = check_row(run(facts, template="2019")[0], "application_balance")
    assert (row["status"], row["message"]) == ("pass", "0 + 0 = 0 + 0 in every applicant column")


def test_group_rows_without_cells_are_derived_for_the_outcome_sum():
    # 2019 prints no cell for （三）不予公开: A2 has nothing to check (no row), A3 uses the sum of its sub-items
    facts = lines_of([fact("outcome_total", 6, applicant_type="total"), fact("outcome_disclosed", 3, applicant_type="total"),
                      fact("outcome_withheld_state_secret", 1, applicant_type="total"), fact("outcome_withheld_third_party", 2, applicant_type="total")])
    checks, _ = run(facts, template="2019")
    assert not (checks["check"] == "application_outcome_groups").any()
    row = check_row(checks, "application_outcomes_sum")
    assert row["status"] == "pass"
    assert "outcome_withheld[total]=3 (derived by A2)" in row["figures"]


def test_blank_total_cells_are_recomputed_from_the_columns():
    # E5 leaves 总计 blank in outcome rows: A4 cannot check that row, A1 uses the column sum instead
    facts = matrix({"natural_person": (5, 0, 4, 1), "commercial_enterprise": (2, 0, 2, 0), "total": (7, 0, None, 1)})
    checks, _ = run(facts, template="2019")
    row = check_row(checks, "applicant_columns_sum")
    assert row["status"] == "not_assessable"
    assert "total blank" in row["message"] and "outcome_total" in row["message"]
    assert check_row(checks, "application_balance")["status"] == "pass"


def test_applicant_columns_that_do_not_add_up_fail_naming_the_row():
    # A4: the total column of app_new is not the sum of the applicant columns
    columns = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org"]
    facts = matrix({**{col: (1, 0, 1, 0) for col in columns}, "total": (8, 0, 6, 0)})
    row = check_row(run(facts, template="2019")[0], "applicant_columns_sum")
    assert row["status"] == "fail"
    assert row["message"].startswith("app_new: total = 8, but")


# ---------------------------------------------------------------- best values


def best_row(best, key, **dims):
    rows = best[best["key"] == key]
    for col, value in dims.items():
        rows = rows[rows[col] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_best_value_single_agree_and_conflict():
    # table only → single; table and prose equal → agree (table kept); different → conflict, table kept
    facts = [fact("staff_total", 2, line=10), fact("proactive_total", 30, line=11), fact("channel_website", 5, line=12),
             fact("proactive_total", 196, source="narrative", line=3, evidence="全年主动公开政府信息196条"),
             fact("channel_website", 5, source="narrative", line=4), fact("channel_website", 5, source="narrative", line=5)]
    checks, best = run(facts)
    assert len(best) == 3
    assert tuple(best_row(best, "staff_total")[["source", "agreement"]]) == ("table", "single")
    assert tuple(best_row(best, "channel_website")[["source", "agreement", "line"]]) == ("table", "agree", 12)
    row = best_row(best, "proactive_total")
    assert (row["value"], row["source"], row["agreement"], row["check"]) == (30, "table", "conflict", "table_vs_narrative")
    assert "全年主动公开政府信息196条" in row["alternative"] and "line 3" in row["alternative"]
    row = check_row(checks, "table_vs_narrative")
    assert (row["status"], row["strength"], row["rule"]) == ("fail", "CROSS", "")
    assert row["message"] == "table proactive_total 30 vs prose 全年主动公开政府信息196条"


def test_table_vs_narrative_passes_when_all_agree_and_is_absent_when_nothing_is_stated_twice():
    # pass row when every doubly stated figure agrees; no row when the prose states nothing the table does
    checks, _ = run([fact("staff_total", 2), fact("staff_total", 2, source="narrative")])
    assert check_row(checks, "table_vs_narrative")["status"] == "pass"
    checks, _ = run([fact("staff_total", 2), fact("proactive_total", 9, source="narrative")])
    assert "table_vs_narrative" not in set(checks["check"])


def test_blank_table_cell_is_filled_from_the_prose():
    # the prose states a figure the table leaves blank: the prose value, noting the blank cell
    checks, best = run([fact("proactive_total", line=90), fact("proactive_total", 196, source="narrative", line=3)])
    row = best_row(best, "proactive_total")
    assert (row["value"], row["source"], row["agreement"], row["line"]) == (196, "narrative", "single", 3)
    assert "table cell blank" in row["alternative"] and "line 90" in row["alternative"]
    assert "table_vs_narrative" not in set(checks["check"])


def test_blank_everywhere_stays_blank():
    # a blank cell and no prose: one row with an empty value, never 0
    _, best = run([fact("complaints_total")])
    row = best_row(best, "complaints_total")
    assert str(row["value"]) == "<NA>" and row["qualifier"] == "missing"


def test_prose_that_disagrees_with_itself():
    # two prose statements differ and no table states it: the first by line, conflict, narrative_inconsistent
    checks, best = run([fact("proactive_total", 200, source="narrative", line=7), fact("proactive_total", 196, source="narrative", line=3)])
    row = best_row(best, "proactive_total")
    assert (row["value"], row["line"], row["agreement"], row["check"]) == (196, 3, "conflict", "narrative_inconsistent")
    assert "200" in row["alternative"]
    assert check_row(checks, "narrative_inconsistent")["status"] == "warn"


def test_table_against_several_prose_statements():
    # the table agrees with one prose statement and not with another: conflict, only the differing one listed
    facts = [fact("proactive_total", 30, line=90), fact("proactive_total", 30, source="narrative", line=3, evidence="公开信息30条"),
             fact("proactive_total", 31, source="narrative", line=8, evidence="公开信息31条")]
    _, best = run(facts)
    row = best_row(best, "proactive_total")
    assert (row["source"], row["agreement"]) == ("table", "conflict")
    assert "31条" in row["alternative"] and "30条" not in row["alternative"]


@pytest.mark.parametrize("exact, agrees", [(350, True), (356, True), (359, True), (360, False), (349, False)])
def test_approximate_prose_agrees_with_table_values_in_its_range(exact, agrees):
    # 350余 covers 350–359
    _, best = run([fact("proactive_total", exact), fact("proactive_total", 350, qualifier="approx", source="narrative")])
    assert best_row(best, "proactive_total")["agreement"] == ("agree" if agrees else "conflict")


def test_empty_period_and_report_year_are_one_period():
    # table period '' and prose period '2017' in a 2017 report: one best row, labelled as the table prints it
    facts = [fact("staff_total", 2, line=20), fact("staff_fulltime", 2, line=21),
             fact("staff_total", 2, source="narrative", period="2017", line=3), fact("staff_parttime", 0, source="narrative", period="2017", line=4)]
    checks, best = run(facts)
    row = best_row(best, "staff_total")
    assert (row["period"], row["agreement"]) == ("", "agree")
    assert best_row(best, "staff_parttime")["period"] == "2017"
    row = check_row(checks, "staff_total_sum")  # table and prose figures in one equation
    assert (row["status"], row["period"]) == ("pass", "")
    assert check_row(checks, "table_vs_narrative")["period"] == ""


def test_other_periods_are_checked_separately():
    # seed 004 prints 2017 and 历年累计 columns: one row per period
    facts = lines_of([fact("staff_total", 2, period="2017"), fact("staff_fulltime", 2, period="2017"), fact("staff_parttime", 0, period="2017"),
                      fact("staff_total", 5, period="cumulative"), fact("staff_fulltime", 4, period="cumulative"), fact("staff_parttime", 0, period="cumulative")])
    checks, _ = run(facts, template="custom")
    rows = checks[checks["check"] == "staff_total_sum"].set_index("period")["status"]
    assert rows.to_dict() == {"2017": "pass", "cumulative": "fail"}


def test_failed_reports_are_not_checked():
    reports = [report(), report(file="b.txt", status="failed")]
    facts = [fact("staff_total", 3), fact("staff_total", 3, file="b.txt"), fact("staff_fulltime", 1, file="b.txt")]
    checks, best = run(facts, reports=reports)
    assert set(best["file"]) == {FILE} and "b.txt" not in set(checks["file"])


# ---------------------------------------------------------------- section headers and units


def header(label, value, row, line):
    return {**fact("", value, line=line, row=row, table=1, col=3, label_printed=label), "reason": "value_on_section_header"}


def test_section_header_values_name_the_section_sums():
    # seed 003's 统计表: 一、主动公开情况 246 is 30+101+60+55, the sum of its section's column
    section = [fact(k, v, table=1, row=3 + i, col=3, line=93 + i) for i, (k, v) in
               enumerate([("proactive_total", 30), ("proactive_normative_docs", 0), ("channel_website", 101), ("channel_weibo", 60), ("channel_wechat", 55)])]
    section.append(fact("responses_total", 7, table=1, row=13, col=3, line=103))
    checks, _ = run(section, unmapped=[header("一、主动公开情况", 246, 2, 92), header("二、回应解读情况", 7, 12, 102)])
    row = check_row(checks, "section_header_values")
    assert (row["status"], row["line"]) == ("warn", 92)
    assert row["message"] == ("values printed on section-header rows: 一、主动公开情况 246, 二、回应解读情况 7; each is the sum of its section's "
                              "column (30+101+60+55=246; 7), a spreadsheet auto-sum, not an indicator")
    checks, _ = run(section, unmapped=[header("一、主动公开情况", 250, 2, 92)])
    assert "its section's rows sum to 246" in check_row(checks, "section_header_values")["message"]


def test_implausible_unit_reports_the_re_read_unit():
    # seed 004: 6624元/月人 is an annual figure; the note explains why it was re-read
    facts = [fact("dibao_standard", 552, area="urban", source="narrative", unit_printed="元/月人", line=34, evidence="低保标准552元/月人"),
             {**fact("dibao_standard", 6624, area="rural", source="narrative", unit_printed="元/月人", line=34, evidence="农村低保标准6624元/月人",
                     note="12 x the urban monthly standard 552; read as 元/人/年"), "unit": "元/人/年"}]
    facts[0]["unit"] = "元/人/月"
    row = check_row(run(facts)[0], "implausible_unit")
    assert (row["status"], row["strength"]) == ("warn", "CROSS")
    assert row["message"] == "农村低保标准6624元/月人: 12 x the urban monthly standard 552; read as 元/人/年"
    assert check_row(run(facts[:1])[0], "implausible_unit")["status"] == "pass"
    assert "implausible_unit" not in set(run([fact("staff_total", 1)])[0]["check"])


def test_output_columns_are_the_schema():
    checks, best = run([fact("staff_total", 2), fact("staff_fulltime", 2)])
    assert list(checks.columns) == schema.columns("checks")
    assert list(best.columns) == schema.columns("best")
    assert (checks["sha256"] == FILE * 4).all()
    empty_checks, empty_best = run([], reports=[])
    assert list(empty_checks.columns) == schema.columns("checks") and empty_best.empty


# ---------------------------------------------------------------- the seeds


SEED_TABLE_EXPECTATIONS = [  # tests/gold/seed_checks.csv rows that need no prose
    ("003_65346d4e8b8906da.txt", "channels_bound_proactive_total", "fail",
     "table proactive_total 30 is below the largest channel (website 101); channels sum to 216"),
    ("003_65346d4e8b8906da.txt", "section_header_values", "warn", "30+101+60+55=246; 60; 0"),
    ("003_65346d4e8b8906da.txt", "staff_total_sum", "pass", "1 + 1 = 2"),
    ("000_7e7a0834d21815b9.txt", "staff_total_sum", "pass", "0 + 1 = 1"),
    ("000_7e7a0834d21815b9.txt", "channels_bound_proactive_total", "pass", "max channel 142 <= 289 <= channel sum 289"),
    ("001_d30c6bb9e8db6bc5.txt", "application_balance", "pass", "0 + 0 = 0 + 0 in every applicant column"),
]


def test_seed_table_checks_match_gold(seed_build):
    dataset = seed_build[0]
    facts = dataset.facts[dataset.facts["source"] == "table"]
    checks, best = run_checks(facts, dataset.unmapped, dataset.reports)
    assert list(checks.columns) == schema.columns("checks") and list(best.columns) == schema.columns("best")
    for file, check, status, detail in SEED_TABLE_EXPECTATIONS:
        row = check_row(checks, check, file=file)
        assert row["status"] == status, (file, check, row["message"])
        assert detail in row["message"], (file, check, row["message"])
        assert row["sha256"] == dataset.reports.set_index("file").loc[file, "sha256"]
