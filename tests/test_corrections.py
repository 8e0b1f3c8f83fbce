"""The corrections file: applied after extraction, and loud when the source no longer shows the
value an entry corrects."""

import shutil
import subprocess
import sys

import pytest
from conftest import RAW, ROOT

from govstats.corrections import CorrectionsFileError, apply_corrections, load_corrections
from govstats.export import build

SEED_003 = "003_65346d4e8b8906da.txt"
ENTRY = f'''
[[correction]]
file = "{SEED_003}"
key = "channel_website"
shows = 101
value = 10
why = "a test correction"
'''


def write(tmp_path, text: str):
    path = tmp_path / "corrections.toml"
    path.write_text(text, encoding="utf-8")
    return path


def one_seed(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir(parents=True)
    shutil.copy(RAW / SEED_003, folder)
    return folder


def test_the_shipped_corrections_file_loads_and_every_entry_applies(seed_build):
    # every entry of data/corrections.toml must still match the seeds (none may be stale)
    entries = load_corrections(ROOT / "data" / "corrections.toml")
    _, stale = apply_corrections(seed_build[0].facts, entries)
    assert stale == []


def test_a_correction_changes_the_value_keeps_the_print_and_says_why(tmp_path):
    data = build(one_seed(tmp_path), tmp_path / "out", progress=False, corrections=write(tmp_path, ENTRY))
    fact = data.facts[(data.facts["key"] == "channel_website") & (data.facts["source"] == "table")].iloc[0]
    assert fact["value"] == 10 and fact["value_printed"] == "101"
    assert "value 101 → 10" in fact["note"] and "a test correction" in fact["note"]
    assert not (data.errors["code"] == "correction_stale").any()
    # checks see the corrected value: the channel sum is now 10 + 60 + 55
    c8 = data.checks[(data.checks["file"] == SEED_003) & (data.checks["check"] == "channels_bound_proactive_total")].iloc[0]
    assert "125" in c8["message"] or "125" in c8["figures"]


def test_a_stale_correction_fails_loudly_and_changes_nothing(tmp_path):
    stale = ENTRY.replace("shows = 101", "shows = 99")
    data = build(one_seed(tmp_path), tmp_path / "out", progress=False, corrections=write(tmp_path, stale))
    errors = data.errors[data.errors["code"] == "correction_stale"]
    assert len(errors) == 1 and errors.iloc[0]["severity"] == "error"
    assert "now shows 101.0, not 99" in errors.iloc[0]["message"]
    assert len(errors.iloc[0]["sha256"]) == 64
    website = data.facts[(data.facts["key"] == "channel_website") & (data.facts["source"] == "table")]
    assert website.iloc[0]["value"] == 101 and website.iloc[0]["note"] == ""
    # and the command line exits non-zero, naming the entry
    done = subprocess.run([sys.executable, "-m", "govstats", "build", str(one_seed(tmp_path / "again")), "--out", str(tmp_path / "o2"),
                           "--quiet", "--corrections", str(write(tmp_path, stale))], capture_output=True, text=True)
    assert done.returncode == 1 and "correction_stale" not in done.stdout and "now shows 101.0, not 99" in done.stderr


def test_an_entry_for_a_fact_that_does_not_exist_is_stale(tmp_path):
    entries = load_corrections(write(tmp_path, ENTRY.replace('key = "channel_website"', 'key = "channel_fax"')))
    data = build(one_seed(tmp_path), tmp_path / "out", progress=False)
    _, stale = apply_corrections(data.facts, entries)
    assert len(stale) == 1 and "no such fact" in stale[0]["message"]


@pytest.mark.parametrize("text", [
    ENTRY.replace('why = "a test correction"', ""),  # no reason given
    ENTRY.replace("value = 10", ""),  # nothing to change
    ENTRY + 'colour = "red"\n',  # a field that does not exist
    "[[correction]\n",  # not TOML
])
def test_a_malformed_corrections_file_stops_the_build_with_its_reason(tmp_path, text):
    with pytest.raises(CorrectionsFileError):
        load_corrections(write(tmp_path, text))


def test_the_build_summary_says_what_the_whole_tables_say(tmp_path):
    """The summary reads the index's counts and the errors rows of the files with an error only
    (the whole errors table took 1.5 s at 100 000 reports): a failed file, a stale correction of a
    file (an error of a parsed file), one of a file not there and the same report twice (the
    build's own problems) are said as the whole tables say them."""
    from govstats import report

    folder = one_seed(tmp_path)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "twin.txt").write_bytes((RAW / SEED_003).read_bytes() + b"\n")
    gone = ENTRY.replace(SEED_003, "gone.txt")
    data = build(folder, tmp_path / "out", progress=False, corrections=write(tmp_path, ENTRY.replace("shows = 101", "shows = 99") + gone))
    text, errors = report.build_summary(tmp_path / "out")
    assert text == report._summary(data.reports, data.errors, int((data.errors["severity"] == "warning").sum()))
    assert "FAILED empty.txt: empty_file" in text and (errors["code"] == "same_report").sum() == 1
    stale = errors[errors["code"] == "correction_stale"]
    assert sorted(stale["file"]) == [SEED_003, "gone.txt"] and len(data.errors[data.errors["code"] == "correction_stale"]) == 2
