"""The one definition of every output table's columns: export orders and types by it, and the
data dictionary documents it. Nothing else lists the columns."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

# (column, pandas dtype, description)
REPORTS = [
    ("file", "string", "file name inside the input folder"),
    ("sha256", "string", "SHA-256 of the file's bytes"),
    ("size_bytes", "Int64", "file size"),
    ("format", "string", "reader used: text, pdf, docx or html (doc, wps, ofd: not read)"),
    ("encoding", "string", "text encoding detected (utf-8, utf-8-sig, gb18030, utf-16…)"),
    ("status", "string", "parsed or failed; every input file has one row"),
    ("error_code", "string", "why the file failed (see errors); empty when parsed"),
    ("title", "string", "report title as printed (wrapped lines joined)"),
    ("agency", "string", "agency as printed (title or signature line)"),
    ("agency_kind", "string", "kind of agency from its name: civil_affairs_bureau, town_government, …"),
    ("admin_level", "string", "province, prefecture, county or town"),
    ("province", "string", "province-level division (jionlp gazetteer)"),
    ("city", "string", "prefecture-level division"),
    ("county", "string", "county-level division"),
    ("town", "string", "town or township (乡镇/街道), when the agency is one"),
    ("adcode", "string", "6-digit administrative code of the county-level unit (a town carries its county's, a prefecture its own)"),
    ("report_year", "Int64", "year the report covers"),
    ("published", "string", "publication date printed at the end (YYYY-MM-DD); empty when none is printed"),
    ("doc_number", "string", "document number printed above the title (元民〔2018〕2号)"),
    ("template", "string", "template era: 2014, 2019, 2021, custom (an agency's own 附表), narrative (no table), 2008"),
    ("n_paragraphs", "Int64", "prose paragraphs read"),
    ("n_tables", "Int64", "tables read"),
    ("n_statistics_tables", "Int64", "tables with at least two catalogue indicators"),
    ("n_facts", "Int64", "rows in facts for this file"),
    ("n_prose_facts", "Int64", "of those, read from the prose (source narrative)"),
    ("n_unmapped", "Int64", "rows in unmapped for this file"),
    ("n_checks_fail", "Int64", "rows in checks for this file with status fail (numbers that do not add up)"),
    ("n_checks_warn", "Int64", "… with status warn"),
    ("n_checks_pass", "Int64", "… with status pass"),
    ("n_checks_not_assessable", "Int64", "… with status not_assessable"),
    ("n_errors", "Int64", "rows in errors for this file with severity error (it gave no data, or a correction of it is stale)"),
    ("n_warnings", "Int64", "… with severity warning (not counting the build's own, such as same_report: build_errors.parquet)"),
    ("evidence", "string", "where each recognised field was read: `field: line N: text; …`"),
]

_FACT_COMMON = [
    ("file", "string", "file name inside the input folder"),
    ("sha256", "string", "SHA-256 of the file's bytes"),
    ("key", "string", "indicator key from the catalogue (data_dictionary.md); empty in unmapped"),
    ("applicant_type", "string", "column of the 2019/2021 application matrix (natural_person, commercial_enterprise, …, total); else empty"),
    ("area", "string", "urban, rural or all for 低保 figures; else empty"),
    ("period", "string", "empty = the reporting year; YYYY stated explicitly; YYYY-MM for a month; YYYY-MM/YYYY-MM for part of a year (1-6月); cumulative for 历年累计"),
    ("value", "Float64", "the number in the registry unit; empty when missing, not applicable or unparsed — never 0 for a blank"),
    ("unit", "string", "registry unit: money in 元 (万元 × 10 000), counts in the key's unit (件, 条, 次…)"),
    ("qualifier", "string", "exact; approx (余/多/约: value is the printed bound); missing (blank cell); not_applicable (— - /); unparsed (text that is not a number)"),
    ("source", "string", "table or narrative"),
    ("evidence", "string", "table: the printed row (cells joined by |) with the column header path in ‹›; narrative: the phrase the figure was read from"),
    ("label_printed", "string", "row label as printed (row-header fragments joined by /)"),
    ("value_printed", "string", "the cell as printed"),
    ("unit_printed", "string", "unit printed in the row, cell or phrase, if any (元/月人 as printed)"),
    ("template", "string", "template the table was read against (2014, 2019, 2021, custom)"),
    ("table", "Int64", "1-based table number in the document"),
    ("row", "Int64", "1-based row number in the table"),
    ("col", "Int64", "1-based cell number in the row as printed"),
    ("line", "Int64", "1-based line of the cell in the text file; for PDF, DOCX and HTML the line of the text as read (one per prose line or paragraph, one per table row)"),
    ("page", "Int64", "1-based page, when the format has pages"),
    ("lines_wrapped", "string", "further lines a wrapped row label was continued on"),
    ("note", "string", "why the value or unit differs from print (a unit re-read as implausible, a correction applied); else empty"),
]

FACTS = _FACT_COMMON + [
    ("match", "string", "table: how the label matched the catalogue (exact, stripped, prefix, fuzzy); narrative: the phrase pattern that read it"),
]

UNMAPPED = _FACT_COMMON + [
    ("reason", "string", "no_catalogue_match, value_on_section_header, value_in_column_without_header"),
]

ERRORS = [
    ("file", "string", "file name inside the input folder"),
    ("sha256", "string", "SHA-256 of the file's bytes (empty if it could not be read)"),
    ("severity", "string", "error (the file gave no data) or warning (parsed, but look here)"),
    ("stage", "string", "read, recognise, extract or validate"),
    ("code", "string", "stable code, e.g. empty_file, undecodable, binary_file, unmapped_rows"),
    ("message", "string", "what is wrong, specifically, for this file"),
    ("line", "Int64", "line the problem is on, when known"),
]

CHECKS = [
    ("file", "string", "file name inside the input folder"),
    ("sha256", "string", "SHA-256 of the file's bytes"),
    ("check", "string", "check name, e.g. application_balance, channels_bound_proactive_total, table_vs_narrative"),
    ("rule", "string", "identity id from the templates' 勾稽关系 (A1…D2), empty for the cross-checks"),
    ("strength", "string", "STATED, STRUCTURAL, SUBSET, DERIVED or SOFT (a SOFT rule only warns); CROSS for the cross-checks"),
    ("status", "string", "pass, fail, warn or not_assessable (a figure the rule needs is absent or blank)"),
    ("period", "string", "period the figures belong to (as in facts)"),
    ("figures", "string", "the figures involved: key[applicant]=value (source, line N); …"),
    ("message", "string", "one line a researcher can act on"),
    ("line", "Int64", "line of the first figure involved, when known"),
]

BEST = [
    ("file", "string", "file name inside the input folder"),
    ("sha256", "string", "SHA-256 of the file's bytes"),
    ("key", "string", "indicator key"),
    ("applicant_type", "string", "as in facts"),
    ("area", "string", "as in facts"),
    ("period", "string", "as in facts"),
    ("value", "Float64", "the chosen value (see `source`); empty when every source leaves it blank"),
    ("unit", "string", "registry unit"),
    ("qualifier", "string", "qualifier of the chosen value"),
    ("source", "string", "table or narrative: where the chosen value comes from"),
    ("agreement", "string", "single (one source states it), agree (table and prose agree) or conflict"),
    ("alternative", "string", "the other source's value(s) when they differ, with their evidence"),
    ("check", "string", "the check that reports the conflict (table_vs_narrative), else empty"),
    ("evidence", "string", "evidence of the chosen value"),
    ("line", "Int64", "line of the chosen value"),
    ("page", "Int64", "page of the chosen value, when the format has pages"),
]

TABLES = {"reports": REPORTS, "facts": FACTS, "unmapped": UNMAPPED, "errors": ERRORS, "checks": CHECKS, "best": BEST}


def columns(table: str) -> list[str]:
    return [name for name, _, _ in TABLES[table]]


def dtypes(table: str) -> dict[str, str]:
    return {name: dtype for name, dtype, _ in TABLES[table]}


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """The table from row dicts (a column a row lacks is empty), typed as `conform` types it: each
    row's values read in one call and turned into columns by zip, strings made Arrow arrays at once
    (a chunk's facts are tens of thousands of rows)."""
    names = columns(table)
    values = zip(*[tuple(map(r.get, names)) for r in rows]) if rows else ([] for _ in names)
    return pd.DataFrame({c: _typed(list(v), dtype) for (c, dtype), v in zip(dtypes(table).items(), values)}, columns=names)


def _typed(values: list, dtype: str):
    try:
        array = pa.array(values, _ARROW[dtype], from_pandas=True)  # from_pandas: NaN is empty too
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # another type (3.0 for an integer, 2020 for a string): as pandas converts it
        return _conformed(pd.Series(values, dtype=object), dtype)
    if dtype == "string":
        return pd.arrays.ArrowStringArray(array.fill_null(""))
    return pd.api.types.pandas_dtype(dtype).__from_arrow__(array)


_ARROW = {"string": pa.large_string(), "Int64": pa.int64(), "Float64": pa.float64()}


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table's columns, in order, with its dtypes ('' for a missing string)."""
    df = df.reindex(columns=columns(table)).reset_index(drop=True)
    for col, dtype in dtypes(table).items():
        df[col] = _conformed(df[col], dtype)
    return df


def _conformed(column: pd.Series, dtype: str):
    return column.astype("string").fillna("") if dtype == "string" else pd.array(column.tolist(), dtype=dtype)
