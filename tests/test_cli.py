"""The command line a user runs, end to end on a folder of their own."""

import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from conftest import RAW


def test_build_command_writes_every_table_and_accounts_for_every_file(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(RAW / "004_871b05a060ee8a47.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "govstats", "build", str(folder), "--out", str(out), "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2 input file(s): 1 parsed, 1 failed" in done.stdout
    assert "FAILED empty.txt: empty_file" in done.stdout
    for name in ("reports", "facts", "unmapped", "errors"):
        assert (out / ("reports.parquet" if name == "reports" else name)).exists()
        # CSV copies open in Excel with Chinese intact: UTF-8 with a byte-order mark
        assert (out / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    facts = pd.read_csv(out / "facts.csv", encoding="utf-8-sig")
    assert set(facts["key"]) >= {"proactive_total", "applications_letter_or_fax"}
    dictionary = (out / "data_dictionary.md").read_text(encoding="utf-8")
    assert "| applications_letter_or_fax | 件 |" in dictionary and "| qualifier |" in dictionary


def test_load_and_read_report_return_the_same_columns(seed_build):
    import govstats

    dataset, out = seed_build
    loaded = govstats.load(out)
    one = govstats.read_report(RAW / "000_7e7a0834d21815b9.txt")
    assert list(loaded.facts.columns) == list(one.facts.columns) == list(dataset.facts.columns)
    assert len(one.reports) == 1 and one.reports.loc[0, "agency"] == "兴庆区民政局"
    from_build = loaded.facts[loaded.facts["file"] == "000_7e7a0834d21815b9.txt"].reset_index(drop=True)
    pd.testing.assert_frame_equal(from_build, one.facts, check_dtype=False)


@pytest.mark.parametrize("asked, message", [
    ({"tables": ["fact"]}, "no table 'fact' in a govstats build: did you mean 'facts'?"),
    ({"columns": {"facts": ["vale"]}}, "no column 'vale' in facts in a govstats build: did you mean 'value'?"),
    ({"columns": {"fact": ["value"]}}, "no table 'fact'"),
    ({"keys": ["dibao_standards"]}, "no indicator key 'dibao_standards' in a govstats build: did you mean 'dibao_standard'?"),
    ({"years": "[2017]"}, "years are report years as integers"),  # papermill's -p gives text
    ({"years": [2017.0]}, "not 2017.0"),
    ({"files": ["000_7e7a0834d21815b9"]}, "no report '000_7e7a0834d21815b9' in the build: did you mean '000_7e7a0834d21815b9.txt'?"),
])
def test_loading_what_a_build_does_not_hold_is_an_error_not_empty_tables(seed_build, asked, message):
    import govstats

    with pytest.raises(ValueError, match=re.escape(message)):
        govstats.load(seed_build[1], **asked)


def test_one_name_or_year_loads_as_a_list_of_one(seed_build):
    import govstats

    dataset, out = seed_build
    one = govstats.load(out, tables="facts", columns={"facts": "value"}, keys="dibao_standard", years=2017)
    listed = govstats.load(out, tables=["facts"], columns={"facts": ["value"]}, keys=["dibao_standard"], years=[2017])
    pd.testing.assert_frame_equal(one.facts, listed.facts)
    in_2017 = dataset.reports.loc[dataset.reports["report_year"] == 2017, "file"]
    expected = dataset.facts[(dataset.facts["key"] == "dibao_standard") & dataset.facts["file"].isin(in_2017)]
    assert len(one.facts) == len(expected) > 0 and len(one.checks) == 0


def test_loading_files_gives_their_rows_of_every_table(seed_build):
    import govstats

    dataset, out = seed_build
    wanted = ["001_d30c6bb9e8db6bc5.txt", "004_871b05a060ee8a47.txt"]
    some = govstats.load(out, files=wanted)
    for name in vars(dataset):
        whole = getattr(dataset, name)
        pd.testing.assert_frame_equal(getattr(some, name).reset_index(drop=True), whole[whole["file"].isin(wanted)].reset_index(drop=True), obj=name)
    assert len(some.facts) and len(govstats.load(out, files="001_d30c6bb9e8db6bc5.txt").reports) == 1


def test_show_check_and_figures_read_only_what_they_print(seed_build, loads, tmp_path, capsys):
    """Each command loaded the whole build (some 21 GB at 100 000 reports) to print one report,
    the checks or the charts; they print what they did, reading their tables, columns and files."""
    from govstats import cli, report
    from govstats.figures import write_figures

    dataset, out = seed_build
    printed = {"show": report.show(dataset, "000_7e7a0834d21815b9.txt") + "\n", "check": report.check_summary(dataset) + "\n"}
    for command in (["show", "000"], ["check"]):
        assert cli.main([*command, "--data", str(out)]) == 0
        assert capsys.readouterr().out == printed[command[0]]
    assert cli.main(["figures", "--data", str(out), "--out", str(tmp_path / "cli")]) == 0
    assert len(loads) == 4 and all(call["tables"] is not None or call["files"] == ["000_7e7a0834d21815b9.txt"] for call in loads)
    for path in write_figures(dataset, tmp_path / "whole"):  # the same charts as from the whole build
        assert path.read_bytes() == (tmp_path / "cli" / path.name).read_bytes(), path.name


def test_an_unexpected_failure_on_one_file_fails_that_file_only(tmp_path, monkeypatch):
    import govstats.pipeline as pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(pipeline, "extract_tables", broken)
    result = pipeline.process_file(RAW / "000_7e7a0834d21815b9.txt")
    assert result.report["status"] == "failed" and result.report["error_code"] == "internal_error"
    assert "simulated bug" in result.errors[0]["message"]


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govstats", *args], capture_output=True, text=True)


def test_show_finds_a_report_in_a_subfolder_by_its_path_its_name_or_their_start(tmp_path, capsys):
    from govstats import cli

    nested = tmp_path / "raw" / "宁夏" / "银川 市"
    nested.mkdir(parents=True)
    shutil.copy(RAW / "000_7e7a0834d21815b9.txt", nested / "兴庆区民政局 2017.txt")
    shutil.copy(RAW / "003_65346d4e8b8906da.txt", nested.parent / "掌政镇 2017.txt")
    out = tmp_path / "out"
    assert cli.main(["build", str(tmp_path / "raw"), "--out", str(out), "--quiet", "--jobs", "1", "--no-csv"]) == 0
    capsys.readouterr()
    name = "宁夏/银川 市/兴庆区民政局 2017.txt"
    for given in [name, str(nested / "兴庆区民政局 2017.txt"), "兴庆区民政局 2017.txt", "兴庆"]:
        assert cli.main(["show", given, "--data", str(out)]) == 0
        assert capsys.readouterr().out.startswith(f"# {name}\n")
    assert cli.main(["show", "宁夏", "--data", str(out)]) == 2
    assert f"宁夏: 2 reports match (宁夏/掌政镇 2017.txt, {name}): give more of the name" in capsys.readouterr().err


def test_check_prints_a_line_per_report_and_every_failed_check(seed_build):
    _, out = seed_build
    done = run_cli("check", "--data", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for name in ("000_7e7a0834d21815b9.txt", "004_871b05a060ee8a47.txt"):
        assert any(line.startswith(name) for line in lines)
    assert any(line.strip().startswith("003_65346d4e8b8906da.txt FAIL table_vs_narrative") and "196" in line for line in lines)
    warnings = lines[lines.index("warnings (each file's in `govstats show FILE`):") + 1:]  # the errors table's, counted by code
    assert "  value_on_section_header: 1 file(s): 003_65346d4e8b8906da.txt" in warnings


def test_show_prints_one_report_with_evidence_checks_and_problems(seed_build):
    _, out = seed_build
    done = run_cli("show", "003", "--data", str(out))  # the start of a file name is enough
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("# 003_65346d4e8b8906da.txt")
    assert "agency       兴庆区掌政镇人民政府" in text
    assert "proactive_total = 196 条   ‹全年主动公开政府信息196条› line 21" in text  # a prose fact, its phrase and line
    assert "FAIL            channels_bound_proactive_total" in text
    assert "value_on_section_header" in text
    assert run_cli("show", "no_such_report", "--data", str(out)).returncode == 2
