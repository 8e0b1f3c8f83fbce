"""The same facts whatever the format: every seed as PDF, DOCX and HTML (tests/fixtures, made by
tests/fixtures/make_fixtures.py from the seed texts) against the seed text itself, and the
fixtures that must fail, each with its own error."""

import functools
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import RAW

from govstats.export import build
from govstats.pipeline import process_file
from govstats.read_docx import read_docx
from govstats.read_html import read_html

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = sorted(p.stem for p in RAW.glob("*.txt"))
FORMATS = ("pdf", "docx", "html")
REPORT_FIELDS = ("agency", "agency_kind", "adcode", "report_year", "published", "doc_number", "template", "n_statistics_tables")


@functools.cache
def result(path: Path):
    return process_file(path)


def fact_keys(res) -> list[tuple]:
    return sorted(((f["key"], f["applicant_type"], f["area"], f["period"], f["value"], f["unit"], f["qualifier"], f["source"]) for f in res.facts), key=str)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", SEEDS)
def test_facts_do_not_depend_on_the_format(seed, fmt):
    text = result(RAW / f"{seed}.txt")
    other = result(FIXTURES / fmt / f"{seed}.{fmt}")
    assert other.report["status"] == "parsed", other.errors
    assert fact_keys(other) == fact_keys(text)
    for field in REPORT_FIELDS:
        assert other.report[field] == text.report[field], field


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_fact_says_where_it_came_from(fmt):
    res = result(FIXTURES / fmt / f"{SEEDS[0]}.{fmt}")
    assert all(f["line"] and f["evidence"] for f in res.facts)
    lines = res.document.lines
    for f in res.facts:
        if f["source"] == "table":  # the row the figure came from, as read
            assert f["value_printed"] in lines[f["line"] - 1]
    if fmt == "pdf":
        assert all(f["page"] for f in res.facts)
        assert {f["page"] for f in res.facts if f["source"] == "table"} >= {4, 5}  # a table over two pages


@pytest.mark.parametrize("name, code, words", [
    ("pdf/image_only_scanned.pdf", "no_text_layer", "needs OCR"),
    ("pdf/unmapped_glyphs_cid.pdf", "garbled_text", ""),
    ("pdf/encrypted.pdf", "encrypted", "password"),
])
def test_unreadable_pdfs_fail_with_their_own_error(name, code, words):
    res = result(FIXTURES / name)
    assert res.report["status"] == "failed"
    assert [e["code"] for e in res.errors] == [code]
    assert words in res.errors[0]["message"]


def test_a_build_goes_on_past_bad_files_and_accounts_for_each(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("pdf/image_only_scanned.pdf", "pdf/encrypted.pdf", f"docx/{SEEDS[0]}.docx", f"html/{SEEDS[1]}.html"):
        shutil.copy(FIXTURES / name, raw / Path(name).name)
    (raw / "old_word.doc").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    (raw / "tables.xlsx").write_bytes(b"PK\x03\x04 a spreadsheet")
    (raw / "reports.7z").write_bytes(b"7z\xbc\xaf\x27\x1c an archive")  # once read as a short text report
    ds = build(raw, tmp_path / "out", progress=False)
    status = dict(zip(ds.reports["file"], ds.reports["status"]))
    assert status == {"image_only_scanned.pdf": "failed", "encrypted.pdf": "failed", f"{SEEDS[0]}.docx": "parsed", f"{SEEDS[1]}.html": "parsed",
                      "old_word.doc": "failed", "tables.xlsx": "failed", "reports.7z": "failed"}
    assert set(ds.errors.loc[ds.errors.severity == "error", "code"]) == {"no_text_layer", "encrypted", "unsupported_format"}
    messages = ds.errors.set_index("file")["message"]
    assert messages["reports.7z"] == "7z archives are not opened; extract their files into the folder"
    assert messages["tables.xlsx"].startswith("Excel spreadsheets are not read")


def test_a_2019_matrix_split_across_a_page_break_is_one_table():
    res = result(FIXTURES / "pdf" / "matrix_2019_split_across_pages.pdf")
    matrices = [t for t in res.document.tables if "法人或其他组织" in t.text()]
    assert len(matrices) == 1
    (matrix,) = matrices
    assert matrix.parts == 2 and {r.page for r in matrix.rows} == {1, 2}
    # the same matrix figures as the seed whose matrix sits on one page (the fixture leaves out its other sections)
    whole = result(FIXTURES / "pdf" / f"{matrix_seed()}.pdf")
    (whole_matrix,) = [t for t in whole.document.tables if "法人或其他组织" in t.text()]
    assert matrix_facts(res, matrix.index) == matrix_facts(whole, whole_matrix.index)
    assert len(matrix_facts(res, matrix.index)) > 100


def matrix_seed() -> str:
    return next(s for s in SEEDS if "法人或其他组织" in (RAW / f"{s}.txt").read_text(encoding="utf-8"))


def matrix_facts(res, table: int) -> list[tuple]:
    return sorted((f["key"], f["applicant_type"], f["value"]) for f in res.facts if f["source"] == "table" and f["table"] == table)


def test_docx_merged_cells_appear_once():
    # the 2019 matrix with its template merges: each merged cell's text once, at its top-left position
    sys.path.insert(0, str(FIXTURES))
    from make_fixtures import grid

    doc = read_docx("merged_cells.docx", (FIXTURES / "docx" / "merged_cells.docx").read_bytes())
    (table,) = doc.tables
    seed = result(RAW / f"{matrix_seed()}.txt").document
    (matrix,) = [t for t in seed.tables if "法人或其他组织" in t.text()]
    assert squeeze([r.texts for r in table.rows]) == squeeze(grid(matrix))
    assert sum(t == "法人或其他组织" for r in table.rows for t in r.texts) == 1


def squeeze(rows: list[list[str]]) -> list[list[str]]:
    return [[re.sub(r"\s", "", t) for t in r] for r in rows]


def test_html_portal_chrome_is_left_out_and_the_nested_table_is_data():
    data = (FIXTURES / "html" / "portal_chrome_nested_table.html").read_bytes()
    doc = read_html("portal.html", data)
    prose = "\n".join(p.text for p in doc.paragraphs)
    for chrome in ("版权所有", "网站标识码", "ICP", "联系我们", "首页"):
        assert chrome not in prose, chrome
    assert any(t.layout == "html" and len(t.rows) > 5 for t in doc.tables)
    res = result(FIXTURES / "html" / "portal_chrome_nested_table.html")
    assert res.report["status"] == "parsed" and res.facts


def test_gbk_html_is_decoded_by_its_declared_charset():
    res = result(FIXTURES / "html" / "gbk_encoded.html")
    assert res.report["status"] == "parsed" and res.report["encoding"] == "gb18030"


def test_a_page_without_text_is_reported_not_dropped(tmp_path):
    # a report whose text pages are followed by a scanned page
    import pypdfium2

    path = tmp_path / "partly_scanned.pdf"
    pdf = pypdfium2.PdfDocument(FIXTURES / "pdf" / f"{matrix_seed()}.pdf")
    pdf.import_pages(pypdfium2.PdfDocument(FIXTURES / "pdf" / "image_only_scanned.pdf"), [0])
    pdf.save(path)
    res = process_file(path)
    assert res.report["status"] == "parsed" and res.facts
    (warning,) = [e for e in res.errors if e["code"] == "page_without_text"]
    assert "page(s) 5 of 5" in warning["message"]
