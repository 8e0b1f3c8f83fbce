"""Bad and awkward input files: every one must give a sensible result, never an exception.

Fixtures are derived from the seed reports at test time (in tmp_path); the seeds are only read.
"""

from __future__ import annotations

import collections
import math
import os
import random
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW, read_gold

import govstats
from govstats import schema, store
from govstats.export import build, load
from govstats.pipeline import process_file
from govstats.read_text import read_text

SEED_000 = RAW / "000_7e7a0834d21815b9.txt"  # markdown pipe tables, 2014 template
SEED_003 = RAW / "003_65346d4e8b8906da.txt"  # tab-separated 2014 table with blank cells
TAB_HEADER = "统计指标\t单位\t统计数"
FACT_FIELDS = ("key", "applicant_type", "area", "period", "value", "unit", "qualifier")
GOLD_TABLE = [r for r in read_gold("seed_facts.csv") if r["source"] == "table"]


# ---------------------------------------------------------------- helpers


def seed_text(path) -> str:
    return path.read_bytes().decode("utf-8")


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def is_null(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def fact_tuple(fact: dict) -> tuple:
    return tuple(None if field == "value" and is_null(fact[field]) else fact[field] for field in FACT_FIELDS)


def table_facts(result) -> list[dict]:
    return [f for f in result.facts if f["source"] == "table"]


def fact_tuples(result) -> list[tuple]:
    return [fact_tuple(f) for f in result.facts]


def only_error(result) -> dict:
    errors = [e for e in result.errors if e["severity"] == "error"]
    assert len(errors) == 1, result.errors
    return errors[0]


def assert_failed(result, codes: set[str]) -> dict:
    assert result.report["status"] == "failed"
    assert result.report["error_code"] in codes
    assert result.facts == [] and result.unmapped == []
    error = only_error(result)
    assert error["code"] == result.report["error_code"]
    assert error["stage"] == "read"
    assert error["message"].strip()
    return error


def gold_for(file: str) -> dict[tuple, dict]:
    return {(g["key"], g["applicant_type"], g["area"], g["period"]): g for g in GOLD_TABLE if g["file"] == file}


def assert_matches_gold(fact: dict, gold: dict) -> None:
    assert fact["qualifier"] == gold["qualifier"], (fact, gold)
    if gold["value"] == "":
        assert is_null(fact["value"]), f"{fact['key']}: a blank cell must stay missing, never {fact['value']!r}"
    else:
        assert float(fact["value"]) == float(gold["value"]), (fact, gold)
    if gold["unit"]:
        assert fact["unit"] == gold["unit"], (fact, gold)


def tab_table_parts(text: str) -> tuple[list[str], list[str]]:
    """Seed 003 split into (everything up to and including the header row, the data rows)."""
    lines = text.split("\n")
    header = lines.index(TAB_HEADER)
    rows = [ln for ln in lines[header + 1 :] if "\t" in ln]
    assert len(rows) > 50  # the whole 2014 table follows the header
    return lines[: header + 1], rows


# ---------------------------------------------------------------- empty and binary files


# A 0-byte file fails as empty_file and says the file is empty.
def test_zero_byte_file_is_empty_file(tmp_path):
    result = process_file(write(tmp_path, "empty.txt", b""))
    error = assert_failed(result, {"empty_file"})
    assert "empty" in error["message"]
    assert result.report["size_bytes"] == 0


# Files holding only white space (ASCII, CRLF, full-width ideographic space, BOM) fail as empty_file.
@pytest.mark.parametrize(
    "data",
    [b"   \n\t\r\n  \n", "\r\n\u3000\u3000\n\t".encode("utf-8"), b"\xef\xbb\xbf \n \n", "  \n".encode("utf-16")],
    ids=["ascii", "ideographic-space", "bom-and-spaces", "utf16-spaces"],
)
def test_whitespace_only_file_is_empty_file(tmp_path, data):
    result = process_file(write(tmp_path, "blank.txt", data))
    error = assert_failed(result, {"empty_file"})
    assert re.search(r"empty|white ?space", error["message"]), error["message"]
    assert "binary" not in error["message"] and "encoding" not in error["message"]


# Random bytes fail as binary_file or undecodable, with a message that names the problem.
def test_random_binary_garbage_fails_as_binary_or_undecodable(tmp_path):
    result = process_file(write(tmp_path, "garbage.txt", random.Random(0).randbytes(4096)))
    error = assert_failed(result, {"binary_file", "undecodable"})
    if error["code"] == "binary_file":
        assert "binary" in error["message"] or "control" in error["message"]
    else:
        assert re.search(r"UTF-8|GB18030|encoding|not .*text", error["message"]), error["message"]


# A PDF saved with a .txt name is recognised by its magic bytes and named as a PDF.
def test_pdf_bytes_named_txt_fail_as_binary_file_naming_pdf(tmp_path):
    data = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + random.Random(1).randbytes(2048)
    result = process_file(write(tmp_path, "report.txt", data))
    error = assert_failed(result, {"binary_file", "undecodable"})
    assert error["code"] == "binary_file"
    assert "PDF" in error["message"]
    assert result.report["format"] == "text"  # the name says text; the bytes say otherwise


# The same garbage through the public API gives one failed reports row and one error row.
def test_read_report_on_garbage_returns_one_failed_row(tmp_path):
    data = govstats.read_report(write(tmp_path, "garbage.txt", random.Random(0).randbytes(4096)))
    assert len(data.reports) == 1 and data.reports.loc[0, "status"] == "failed"
    assert len(data.errors) == 1 and data.errors.loc[0, "severity"] == "error"
    assert data.errors.loc[0, "code"] == data.reports.loc[0, "error_code"]
    assert len(data.facts) == 0 and len(data.unmapped) == 0


@pytest.mark.parametrize("text, question", [
    ("你好，这是一个测试文件。\n", True),  # a page scraped by mistake: nothing says it is a report
    ("兴庆区民政局2019年政府信息公开工作年度报告\n今年我局认真贯彻落实《条例》，进一步做好政府信息公开工作。\n", False),
], ids=["not-a-report", "a-report-without-figures"])
def test_a_report_that_gives_no_figure_is_parsed_with_a_warning(tmp_path, text, question):
    """It was parsed without a word: nothing told a non-report in a scraped corpus from a report."""
    data = govstats.read_report(write(tmp_path, "short.txt", text.encode("utf-8")))
    assert data.reports.loc[0, "status"] == "parsed" and len(data.facts) == 0
    warning = data.errors.set_index("code").loc["no_figures"]
    assert warning["severity"] == "warning" and warning["message"].startswith("no statistics table and no figure in the prose were read")
    assert warning["message"].endswith("is it a disclosure report?") == question


# ---------------------------------------------------------------- encodings


# GBK copy of seed 000 and GB18030 copy of seed 003 parse, report gb18030, and give the UTF-8 facts.
@pytest.mark.parametrize("seed, encoding", [(SEED_000, "gbk"), (SEED_003, "gb18030")], ids=["000-gbk", "003-gb18030"])
def test_chinese_legacy_encodings_give_identical_facts(tmp_path, seed, encoding):
    original = process_file(seed)
    copy = process_file(write(tmp_path, f"{seed.stem}.{encoding}.txt", seed_text(seed).encode(encoding)))
    assert copy.report["status"] == "parsed", copy.errors
    assert copy.report["encoding"] == "gb18030"
    assert original.report["encoding"] == "utf-8"
    assert len(original.facts) > 50
    assert fact_tuples(copy) == fact_tuples(original)
    assert copy.report["template"] == original.report["template"] == "2014"


# UTF-8 with BOM and UTF-16 (with BOM) copies give the same facts as the UTF-8 original.
@pytest.mark.parametrize("seed", [SEED_000, SEED_003], ids=["000", "003"])
@pytest.mark.parametrize("encoding, reported", [("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")])
def test_bom_encodings_give_identical_facts(tmp_path, seed, encoding, reported):
    original = process_file(seed)
    copy = process_file(write(tmp_path, f"{seed.stem}.{encoding}.txt", seed_text(seed).encode(encoding)))
    assert copy.report["status"] == "parsed", copy.errors
    assert copy.report["encoding"] == reported
    assert fact_tuples(copy) == fact_tuples(original)
    assert copy.report["title"] == original.report["title"]


# ---------------------------------------------------------------- damaged tables


# Seed 000 cut inside its statistics table: the remaining rows are read right and the gap is flagged.
def test_truncated_table_keeps_remaining_rows_and_warns(tmp_path):
    text = seed_text(SEED_000)
    marker = "| 3. 网络申请数 | 件 | 0 |"
    cut = text[: text.index(marker) + len(marker)] + "\n"
    cut_line = cut.count("\n")
    original = process_file(SEED_000)
    result = process_file(write(tmp_path, "truncated.txt", cut.encode("utf-8")))

    assert result.report["status"] == "parsed"
    keys = [f["key"] for f in table_facts(result)]
    assert keys[-1] == "applications_online"
    assert "applications_letter" not in keys and "trainees" not in keys
    # exactly the facts of the original that sit on the lines kept
    kept = [fact_tuple(f) for f in table_facts(original) if f["line"] <= cut_line]
    assert [fact_tuple(f) for f in table_facts(result)] == kept and len(kept) >= 15
    gold = gold_for(SEED_000.name)
    for fact in table_facts(result):
        assert_matches_gold(fact, gold[(fact["key"], fact["applicant_type"], fact["area"], fact["period"])])

    warnings = [e for e in result.errors if e["code"] == "template_rows_missing"]
    assert len(warnings) == 1 and warnings[0]["severity"] == "warning"
    missing, expected = map(int, re.search(r"(\d+) of (\d+)", warnings[0]["message"]).groups())
    assert expected == len({f["key"] for f in table_facts(original)})
    assert missing == expected - len(set(keys))
    assert not any(e["code"] == "template_rows_missing" for e in original.errors)


# Seed 003's tab table with its data rows shuffled: unambiguous rows keep key and value; blanks stay missing.
@pytest.mark.parametrize("shuffle_seed", [0, 7, 2024])
def test_shuffled_rows_map_to_the_same_keys(tmp_path, shuffle_seed):
    head, rows = tab_table_parts(seed_text(SEED_003))
    shuffled = rows[:]
    random.Random(shuffle_seed).shuffle(shuffled)
    assert shuffled != rows
    result = process_file(write(tmp_path, "shuffled.txt", "\n".join(head + shuffled).encode("utf-8") + b"\n"))
    original = process_file(SEED_003)
    assert result.report["status"] == "parsed"

    # a label printed once in the table (not `(二) 被依法纠错数`, which is under both 复议 and 诉讼) is unambiguous
    printed = collections.Counter(f["label_printed"] for f in table_facts(original))
    unambiguous = {f["label_printed"]: fact_tuple(f) for f in table_facts(original) if printed[f["label_printed"]] == 1}
    assert len(unambiguous) >= 50
    got = collections.defaultdict(list)
    for fact in table_facts(result):
        got[fact["label_printed"]].append(fact_tuple(fact))
    for label, expected in unambiguous.items():
        assert got[label] == [expected], label

    gold = gold_for(SEED_003.name)
    by_dims = {(f["key"], f["applicant_type"], f["area"], f["period"]): f for f in table_facts(result)}
    for dims, g in gold.items():
        assert dims in by_dims, dims
        assert_matches_gold(by_dims[dims], g)

    blank = [f for f in table_facts(result) if f["value_printed"] == ""]
    assert len(blank) == sum(f["value_printed"] == "" for f in table_facts(original)) > 10
    for fact in blank:
        assert fact["qualifier"] == "missing" and is_null(fact["value"]), fact
    assert not any(f["value"] == 0 and f["value_printed"] == "" for f in table_facts(result))


# Two invented rows in seed 003's table go to unmapped (label, value 7, no_catalogue_match); known rows are untouched.
def test_unknown_rows_are_kept_as_unmapped(tmp_path):
    lines = seed_text(SEED_003).split("\n")
    invented = ["（五）某某自定义指标数", "（四）本局特色公开栏目更新次数"]
    lines.insert(lines.index("5. 其他方式回应事件数\t次\t0") + 1, f"{invented[0]}\t件\t7")
    lines.insert(lines.index("(三) 接受培训人员数\t人次\t2"), f"{invented[1]}\t次\t7")
    result = process_file(write(tmp_path, "custom_rows.txt", "\n".join(lines).encode("utf-8")))
    original = process_file(SEED_003)
    assert result.report["status"] == "parsed"

    for label, unit in zip(invented, ["件", "次"]):
        rows = [u for u in result.unmapped if u["label_printed"] == label]
        assert len(rows) == 1, (label, result.unmapped)
        row = rows[0]
        assert row["reason"] == "no_catalogue_match"
        assert row["value"] == 7 and row["qualifier"] == "exact" and row["value_printed"] == "7"
        assert not row["key"]
        assert row["unit"] == unit
        assert lines[row["line"] - 1].startswith(label)
    assert not any(f["label_printed"] in invented for f in result.facts)

    warnings = [e for e in result.errors if e["code"] == "unmapped_rows"]
    assert len(warnings) == 1 and warnings[0]["severity"] == "warning"
    assert all(label in warnings[0]["message"] for label in invented)
    assert fact_tuples(result) == fact_tuples(original)
    assert len(result.unmapped) == len(original.unmapped) + 2


# ---------------------------------------------------------------- a mixed folder


# A build over good, empty, binary and GBK files: one reports row each, errors for the failed, facts for the good.
def test_build_over_mixed_folder_accounts_for_every_file(tmp_path):
    folder, out = tmp_path / "raw", tmp_path / "processed"
    folder.mkdir()
    shutil.copyfile(SEED_000, folder / "good_000.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(random.Random(0).randbytes(4096))
    (folder / "gbk_003.txt").write_bytes(seed_text(SEED_003).encode("gbk"))
    names = sorted(p.name for p in folder.iterdir())

    data = build(folder, out, progress=False)

    reports = data.reports
    assert sorted(reports["file"]) == names
    assert reports["file"].is_unique
    status = dict(zip(reports["file"], reports["status"]))
    assert status == {"good_000.txt": "parsed", "gbk_003.txt": "parsed", "empty.txt": "failed", "garbage.txt": "failed"}
    codes = dict(zip(reports["file"], reports["error_code"]))
    assert codes["empty.txt"] == "empty_file" and codes["garbage.txt"] in {"binary_file", "undecodable"}
    assert codes["good_000.txt"] == codes["gbk_003.txt"] == ""

    errors = data.errors[data.errors["severity"] == "error"]
    for name in ("empty.txt", "garbage.txt"):
        rows = errors[errors["file"] == name]
        assert len(rows) == 1 and rows.iloc[0]["code"] == codes[name] and rows.iloc[0]["message"]
        assert (data.facts["file"] != name).all()
    assert set(errors["file"]) == {"empty.txt", "garbage.txt"}

    facts = data.facts
    n_facts = facts["file"].value_counts()
    assert n_facts["good_000.txt"] == len(process_file(SEED_000).facts)
    assert n_facts["gbk_003.txt"] == len(process_file(SEED_003).facts)
    assert dict(zip(reports["file"], reports["n_facts"]))["gbk_003.txt"] == n_facts["gbk_003.txt"]
    # each report counts its rows of facts and checks; a failed file has none to count (NA, not 0)
    prose = facts[facts["source"] == "narrative"]["file"].value_counts()
    statuses = data.checks.groupby(["file", "status"]).size()
    for r in reports.itertuples():
        if r.status == "failed":
            assert pd.isna(r.n_prose_facts) and pd.isna(r.n_checks_pass)
            continue
        assert r.n_prose_facts == prose.get(r.file, 0)
        for status in ("fail", "warn", "pass", "not_assessable"):
            assert getattr(r, f"n_checks_{status}") == statuses.get((r.file, status), 0)
    assert reports["n_checks_pass"].sum() > 0
    # and its rows of errors, by severity (the summary counts them there)
    from govstats.store import build_errors

    assert len(build_errors(out)) == 0  # every row of errors is a file's own
    by_severity = data.errors.groupby(["file", "severity"]).size()
    for r in reports.itertuples():
        assert (r.n_errors, r.n_warnings) == (by_severity.get((r.file, "error"), 0), by_severity.get((r.file, "warning"), 0)), r.file
    assert reports["n_errors"].sum() > 0 and reports["n_warnings"].sum() > 0
    assert dict(zip(reports["file"], reports["encoding"]))["gbk_003.txt"] == "gb18030"
    gbk = facts[(facts["file"] == "gbk_003.txt") & (facts["key"] == "channel_website")]
    assert list(gbk["value"].astype(float)) == [101.0]

    for name in schema.TABLES:
        stored = out / ("reports.parquet" if name == "reports" else name)
        assert stored.exists() and (stored.is_file() or any(stored.rglob("*.parquet"))), name
        assert (out / f"{name}.csv").is_file()
    assert (out / "data_dictionary.md").is_file()
    reloaded = load(out)
    assert sorted(reloaded.reports["file"]) == names
    assert len(reloaded.facts) == len(facts) and len(reloaded.errors) == len(data.errors)
    csv_reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")
    assert sorted(csv_reports["file"]) == names


def test_a_file_the_system_will_not_read_fails_alone(tmp_path, monkeypatch):
    """Permissions (tests run as root, so the refusal is simulated), a file removed mid-build: the
    file fails as unreadable_file, the others build, and a rebuild does not stop on it either."""
    folder, out = tmp_path / "raw", tmp_path / "processed"
    folder.mkdir()
    shutil.copyfile(SEED_000, folder / "good_000.txt")
    shutil.copyfile(SEED_003, folder / "locked.txt")
    original = Path.read_bytes

    def refuse(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    for _ in range(2):  # a fresh build, then an incremental one
        data = build(folder, out, progress=False, jobs=1)
        status = dict(zip(data.reports["file"], data.reports["status"]))
        assert status == {"good_000.txt": "parsed", "locked.txt": "failed"}
        error = data.errors[(data.errors["file"] == "locked.txt") & (data.errors["severity"] == "error")]
        assert list(error["code"]) == ["unreadable_file"] and "Permission denied" in error.iloc[0]["message"]
        assert (data.facts["file"] == "good_000.txt").all() and len(data.facts)
    monkeypatch.setattr(Path, "read_bytes", original)  # readable again: read at the next build
    data = build(folder, out, progress=False, jobs=1)
    assert set(data.reports["status"]) == {"parsed"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and symbolic links as on POSIX")
def test_links_to_nothing_linked_folders_and_pipes_fail_each_with_its_reason(tmp_path):
    """They were left out of the build without a word, and a named pipe would have blocked the
    build for ever had it been read. A link to a file is read as the file; a link mended is read
    at the next build."""
    folder, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    shutil.copyfile(SEED_000, folder / "good_000.txt")
    (folder / "linked_003.txt").symlink_to(SEED_003)
    (folder / "dangling.txt").symlink_to(tmp_path / "not_yet.txt")
    (folder / "linked_folder").symlink_to(elsewhere, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    data = build(folder, tmp_path / "out", progress=False, jobs=1)
    status = dict(zip(data.reports["file"], data.reports["status"]))
    assert status == {"good_000.txt": "parsed", "linked_003.txt": "parsed", "dangling.txt": "failed", "linked_folder": "failed",
                      "pipe.txt": "failed"}
    errors = data.errors[data.errors["severity"] == "error"].set_index("file")
    assert set(errors["code"]) == {"unreadable_file"}
    assert errors.loc["dangling.txt", "message"] == f"a link to {tmp_path / 'not_yet.txt'}, which is not there"
    assert errors.loc["linked_folder", "message"].startswith("a link to a folder: links to folders are not followed")
    assert errors.loc["pipe.txt", "message"] == "not a regular file (a named pipe, socket or device): not read"
    shutil.copyfile(SEED_003, tmp_path / "not_yet.txt")
    again = build(folder, tmp_path / "out", progress=False, jobs=1)
    assert again.reports.set_index("file").loc["dangling.txt", "status"] == "parsed"


def test_a_folder_that_cannot_be_listed_fails_as_an_entry_of_its_own(tmp_path, monkeypatch):
    """os.walk passed over it without a word (tests run as root, so the refusal is simulated)."""
    folder = tmp_path / "raw"
    (folder / "locked").mkdir(parents=True)
    shutil.copyfile(SEED_000, folder / "good_000.txt")
    shutil.copyfile(SEED_003, folder / "locked" / "003.txt")
    scandir, listdir = os.scandir, os.listdir

    def refuse(real):
        def call(path="."):
            if not isinstance(path, int) and os.fsdecode(path).endswith("locked"):  # (shutil lists by descriptor)
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path)
        return call

    monkeypatch.setattr(os, "scandir", refuse(scandir))
    monkeypatch.setattr(os, "listdir", refuse(listdir))
    data = build(folder, tmp_path / "out", progress=False, jobs=1)
    assert dict(zip(data.reports["file"], data.reports["status"])) == {"good_000.txt": "parsed", "locked": "failed"}
    assert data.errors.set_index("file").loc["locked", "message"] == "a folder that cannot be listed (Permission denied): its files are not read"
    assert govstats.read_report(folder).errors.loc[0, "message"] == "a folder, not a file: `govstats build` reads the files in a folder"


def test_file_names_that_are_not_utf8_are_read_as_gb18030_or_escaped_and_warned_of(tmp_path, monkeypatch):
    """Zip files made on Chinese Windows hold GBK names, which unzip writes as they are: such a name
    stopped the whole build (UnicodeEncodeError: surrogates not allowed)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    gbk, neither = "兴庆区民政局.txt".encode("gbk"), b"\xff\xfe.txt"  # 0xFF starts no GB18030 character
    try:
        for raw, seed in [(gbk, SEED_000), (neither, SEED_003), (b"sub/" + gbk, SEED_003)]:
            path = os.path.join(os.fsencode(folder), raw)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            shutil.copyfile(seed, path)
    except OSError:
        pytest.skip("this file system takes UTF-8 names only")
    shutil.copyfile(SEED_000, folder / "sub" / "兴庆区民政局.txt")  # the same name in UTF-8 beside the GBK one
    os.symlink(os.path.join(os.fsencode(tmp_path), "不在.txt".encode("gbk")), folder / "dangling.txt")  # a message naming such a path
    monkeypatch.setattr(store, "RACY_NS", 0)  # as if the files had been written long before: remembered by their stat
    first = build(folder, tmp_path / "out", progress=False, jobs=1)
    names = {"兴庆区民政局.txt", "\\xff\\xfe.txt", "sub/兴庆区民政局.txt", "sub/\\xd0\\xcb\\xc7\\xec\\xc7\\xf8\\xc3\\xf1\\xd5\\xfe\\xbe\\xd6.txt"}
    assert set(first.reports["file"]) == names | {"dangling.txt"} and set(first.reports["status"]) == {"parsed", "failed"}
    assert first.errors.set_index("file").loc["dangling.txt", "message"] == f"a link to {tmp_path}/\\xb2\\xbb\\xd4\\xda.txt, which is not there"
    warned = first.errors[first.errors["code"] == "file_name_not_utf8"].set_index("file")["message"]
    assert set(warned.index) == names - {"sub/兴庆区民政局.txt"}
    assert warned["兴庆区民政局.txt"].startswith("the file's name is not UTF-8: it is named '兴庆区民政局.txt' here") and "convmv -f gbk" in warned["兴庆区民政局.txt"]
    assert pd.read_csv(tmp_path / "out" / "reports.csv", encoding="utf-8-sig")["file"].tolist() == first.reports["file"].tolist()
    assert pd.read_parquet(tmp_path / "out" / "_hashes.parquet")["sha256"].str.len().eq(64).sum() == 4  # a rebuild tells them unchanged
    again = build(folder, tmp_path / "out", progress=False, jobs=1)
    pd.testing.assert_frame_equal(again.facts, first.facts)


# ---------------------------------------------------------------- mojibake


# UTF-8 Chinese read through a Western code page and saved again as UTF-8 fails as not_a_report naming mojibake.
@pytest.mark.parametrize(
    "codepage",
    ["latin-1", "cp1252"],  # latin-1 mojibake holds C1 control characters: still mojibake, not binary
)
def test_mojibake_fails_as_not_a_report(tmp_path, codepage):
    garbled = seed_text(SEED_000).encode("utf-8").decode(codepage, errors="ignore")
    assert "å" in garbled
    result = process_file(write(tmp_path, "mojibake.txt", garbled.encode("utf-8")))
    error = assert_failed(result, {"not_a_report"})
    assert "mojibake" in error["message"]


# ---------------------------------------------------------------- shapes that once crashed the reader


# A stray pipe separator line with no row of its own before seed 000's statistics table: the table is still read.
def test_separator_only_pipe_line_before_table(tmp_path):
    text = seed_text(SEED_000)
    header = "| 统计指标 | 单位 | 统计数 |"
    damaged = text.replace(header, "|---|---|---|\n\n" + header, 1)
    assert damaged != text
    doc = read_text("stray_separator.txt", damaged.encode("utf-8"))  # read_text may raise only ReportError
    assert any(t.rows and t.rows[0].texts == ["统计指标", "单位", "统计数"] for t in doc.tables)
    result = process_file(write(tmp_path, "stray_separator.txt", damaged.encode("utf-8")))
    assert result.report["status"] == "parsed", result.errors
    assert fact_tuples(result) == fact_tuples(process_file(SEED_000))


# A malformed Chinese-numeral signature date (十十一月) is no date, not a crash: the report still parses.
def test_malformed_chinese_date_is_not_a_crash(tmp_path):
    text = seed_text(SEED_000)
    damaged = text.replace("2018 年 3 月 26 日", "二〇一八年十十一月二十六日")
    assert damaged != text
    result = process_file(write(tmp_path, "bad_date.txt", damaged.encode("utf-8")))
    assert result.report["status"] == "parsed", result.errors
    assert result.report["published"] in ("", "2018-11-26")
    assert fact_tuples(result) == fact_tuples(process_file(SEED_000))
