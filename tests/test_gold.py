"""The seeds against the hand-checked gold figures (tests/gold, a byte copy of shared/gold)."""

import filecmp
import hashlib
import math
import re

import pytest
from conftest import GOLD, RAW, ROOT, SHARED, read_gold

GOLD_TABLE_FACTS = [r for r in read_gold("seed_facts.csv") if r["source"] == "table"]
GOLD_NARRATIVE_FACTS = [r for r in read_gold("seed_facts.csv") if r["source"] == "narrative"]
# Families for which the gold lists every narrative figure of the seeds (gold README)
SCORED_FAMILIES = re.compile(r"^(proactive_total|channel_.*|applications_.*|app_.*|reconsideration_total|litigation_total|complaints_total|dibao_.*)$")
DIMENSIONS = ["file", "key", "applicant_type", "area", "period"]


def test_gold_copy_is_the_shared_gold():
    if not (SHARED / "gold").is_dir():
        pytest.skip("shared/ is not beside this clone")
    for name in ("seed_facts.csv", "seed_reports.csv", "seed_checks.csv", "README.md"):
        assert filecmp.cmp(GOLD / name, SHARED / "gold" / name, shallow=False), name


def test_shipped_catalogue_is_the_shared_catalogue():
    if not (SHARED / "templates").is_dir():
        pytest.skip("shared/ is not beside this clone")
    for name in ("indicators.csv", "applicant_types.csv"):
        assert filecmp.cmp(ROOT / "govstats" / "data" / name, SHARED / "templates" / name, shallow=False), name


def test_raw_files_match_their_manifest_checksums():
    manifest = {r["file"]: r for r in _csv(RAW / "MANIFEST.csv")}
    on_disk = {p.name for p in RAW.iterdir() if p.name not in ("MANIFEST.csv",) and not p.name.startswith(".")}
    assert on_disk == set(manifest)
    for name, row in manifest.items():
        data = (RAW / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], name
        assert len(data) == int(row["size_bytes"]), name


def test_raw_files_are_the_seeds_byte_for_byte():
    if not (SHARED / "seeds").is_dir():
        pytest.skip("shared/ is not beside this clone")
    for seed in (SHARED / "seeds").iterdir():
        assert filecmp.cmp(seed, RAW / seed.name, shallow=False), seed.name


@pytest.mark.parametrize("gold", read_gold("seed_reports.csv"), ids=lambda r: r["file"])
def test_report_fields_match_gold(seed_build, gold):
    reports = seed_build[0].reports.set_index("file")
    got = reports.loc[gold["file"]]
    for field, expected in gold.items():
        if field == "file":
            continue
        value = got[field]
        value = "" if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "<NA>" else str(value)
        assert value == expected, f"{gold['file']} {field}: {value!r} != gold {expected!r}"


@pytest.mark.parametrize("gold", GOLD_TABLE_FACTS, ids=lambda r: f"{r['file'][:3]}-{r['key']}-{r['applicant_type']}-{r['period']}")
def test_table_fact_matches_gold(seed_build, gold):
    _assert_one_fact_matches(seed_build[0].facts, gold)


@pytest.mark.parametrize("gold", GOLD_NARRATIVE_FACTS, ids=lambda r: f"{r['file'][:3]}-{r['key']}-{r['area']}-{r['period']}")
def test_narrative_fact_matches_gold(seed_build, gold):
    _assert_one_fact_matches(seed_build[0].facts, gold)


def _assert_one_fact_matches(facts, gold):
    facts = facts[facts["source"] == gold["source"]]
    mask = True
    for column in DIMENSIONS:
        mask = mask & (facts[column] == gold[column])
    found = facts[mask]
    assert len(found) == 1, f"expected one fact for {gold}, found {len(found)}"
    fact = found.iloc[0]
    assert fact["qualifier"] == gold["qualifier"]
    if gold["value"] == "":
        assert fact["value"] is None or str(fact["value"]) == "<NA>", "a blank cell must stay missing, never 0"
    else:
        assert float(fact["value"]) == float(gold["value"])
    if gold["unit"]:  # the gold leaves the unit blank on some missing cells
        assert fact["unit"] == gold["unit"]


def test_no_narrative_figure_beyond_the_gold_in_the_scored_families(seed_build):
    facts = seed_build[0].facts
    prose = facts[(facts["source"] == "narrative") & facts["key"].str.match(SCORED_FAMILIES.pattern)]
    emitted = {tuple(r) for r in prose[DIMENSIONS].itertuples(index=False)}
    gold = {tuple(r[c] for c in DIMENSIONS) for r in GOLD_NARRATIVE_FACTS if SCORED_FAMILIES.match(r["key"])}
    assert emitted - gold == set(), "false positives"
    assert gold - emitted == set(), "missed"


def test_every_narrative_fact_points_at_its_phrase(seed_build):
    facts = seed_build[0].facts
    prose = facts[facts["source"] == "narrative"]
    lines = {p.name: p.read_text(encoding="utf-8").split("\n") for p in RAW.glob("*.txt")}
    for _, fact in prose.iterrows():
        line = lines[fact["file"]][int(fact["line"]) - 1].replace(" ", "")
        assert fact["value_printed"].replace(" ", "")[:3] in line, fact.to_dict()
        assert fact["value_printed"] in fact["evidence"] or fact["match"] == "negation", fact.to_dict()
        assert fact["match"] and fact["evidence"]


def test_every_table_fact_carries_its_provenance(seed_build):
    facts = seed_build[0].facts
    table = facts[facts["source"] == "table"]
    assert len(table) > 0
    assert (table["sha256"].str.len() == 64).all()
    assert table["line"].notna().all() and table["table"].notna().all() and table["row"].notna().all()
    assert (table["evidence"] != "").all()
    # the line really holds the printed value
    lines = {p.name: p.read_text(encoding="utf-8").split("\n") for p in RAW.glob("*.txt")}
    for _, fact in table.iterrows():
        if fact["value_printed"]:
            assert fact["value_printed"] in lines[fact["file"]][int(fact["line"]) - 1], fact.to_dict()


def test_no_blank_cell_becomes_zero(seed_build):
    facts = seed_build[0].facts
    blank = facts[facts["value_printed"] == ""]
    assert len(blank) > 0  # seeds 001 and 003 have blank cells
    assert (blank["qualifier"] == "missing").all()
    assert blank["value"].isna().all()


def test_values_on_section_header_rows_are_kept_not_read_as_indicators(seed_build):
    unmapped = seed_build[0].unmapped
    headers = unmapped[(unmapped["file"] == "003_65346d4e8b8906da.txt") & (unmapped["reason"] == "value_on_section_header")]
    assert sorted(headers["value"].astype(float)) == [0.0, 60.0, 246.0]


def _csv(path):
    import csv

    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("gold", read_gold("seed_checks.csv"), ids=lambda r: f"{r['file'][:3]}-{r['check']}")
def test_check_reports_the_gold_status(seed_build, gold):
    checks = seed_build[0].checks
    found = checks[(checks["file"] == gold["file"]) & (checks["check"] == gold["check"])]
    assert len(found) == 1, f"expected one {gold['check']} row for {gold['file']}, found {len(found)}"
    row = found.iloc[0]
    assert row["status"] == gold["expected"], f"{row['status']}: {row['message']}"
    # the message names the figures the gold names (every number in the gold detail)
    for number in re.findall(r"\d+", gold["detail"].split(";")[0]):
        assert number in row["message"] + row["figures"], (number, row["message"])
