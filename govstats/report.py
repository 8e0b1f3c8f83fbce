"""Plain-text views of a build for the terminal: the build summary, `govstats check` (one line
per report) and `govstats show` (everything read from one report, for auditing it)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .export import Dataset
from .store import COUNTED, build_errors

STATUSES = ("fail", "warn", "pass", "not_assessable")
EXCEL_ROWS = 1_048_576  # lines of an Excel sheet, the header's included


def build_summary(out) -> tuple[str, pd.DataFrame]:
    """The summary of the build in folder `out` from its index of reports, which counts each
    report's facts, checks, errors and warnings (a build of any size); also the errors rows read
    for it: those of the files with an error, and the build's own problems."""
    from .export import load

    reports = load(out, tables=[], columns={"reports": ["status", "template", "error_code", *(c for cs in COUNTED.values() for c in cs),
                                                        "n_prose_facts"]}).reports
    erring = list(reports.loc[reports["n_errors"] > 0, "file"])  # failed, or a correction of it stale
    built = build_errors(Path(out))  # the build's own problems, with files it no longer holds too
    errors = pd.concat([load(out, tables=["errors"], files=erring).errors, built[~built["file"].isin(erring)]], ignore_index=True)
    text = _summary(reports, errors, int(reports["n_warnings"].sum()) + int((built["severity"] == "warning").sum()))
    for name, counted in COUNTED.items():
        rows = int(reports[counted].sum().sum())
        if rows >= EXCEL_ROWS and (Path(out) / f"{name}.csv").exists():
            text += (f"\n  {name}.csv has {rows:,} rows: Excel shows the first {EXCEL_ROWS - 1:,}; load the Parquet (govstats.load)"
                     " for them all, and build with --no-csv to skip the copies")
    return text, errors


def _summary(reports: pd.DataFrame, errors: pd.DataFrame, warnings: int) -> str:
    total = {c: int(reports[c].sum()) for c in reports.columns if c.startswith("n_")}
    parsed = reports[reports["status"] == "parsed"]
    failed = reports[reports["status"] != "parsed"]
    lines = [f"{len(reports)} input file(s): {len(parsed)} parsed, {len(failed)} failed"]
    for template, n in parsed["template"].value_counts().sort_index().items():
        lines.append(f"  {template:<10} {n} report(s)")
    lines.append(f"  {total['n_facts'] - total['n_prose_facts']} table facts, {total['n_prose_facts']} prose facts, "
                 f"{total['n_unmapped']} unmapped cells, {warnings} warnings")
    lines.append("  checks: " + ", ".join(f"{total[f'n_checks_{s}']} {s}" for s in STATUSES))
    reasons = errors[errors["severity"] == "error"].drop_duplicates("file").set_index("file")["message"]
    for file, code in zip(failed["file"], failed["error_code"]):
        lines.append(f"  FAILED {file}: {code}: {reasons.get(file, '')}")
    return "\n".join(lines)


# what check_summary reads of a build: load(folder, **CHECK_READS)
CHECK_READS = {"tables": ["checks", "errors"],
               "columns": {"reports": ["status", "error_code", "agency", "template", *(f"n_checks_{s}" for s in STATUSES)],
                           "checks": ["file", "status", "check", "period", "message"], "errors": ["file", "severity", "code"]}}


def check_summary(dataset: Dataset) -> str:
    """One line per report with its check counts, then each failed or warned check."""
    checks = dataset.checks
    lines = [f"{'file':<40} {'agency':<16} {'year':>4} {'template':<9} " + " ".join(f"{s:>5}" for s in ("fail", "warn", "pass", "n/a"))]
    for r in dataset.reports.to_dict("records"):  # not iterrows: a Series a report took 10 s at 100 000
        if r["status"] != "parsed":
            lines.append(f"{r['file']:<40} FAILED: {r['error_code']}")
            continue
        year = "" if pd.isna(r["report_year"]) else str(r["report_year"])
        lines.append(f"{r['file']:<40} {r['agency'][:16]:<16} {year:>4} {r['template']:<9} " + " ".join(f"{r[f'n_checks_{s}']:>5}" for s in STATUSES))
    flagged = checks[checks["status"].isin(["fail", "warn"])]
    if len(flagged):
        lines += ["", "failed and warned checks:"]
        lines += [f"  {r.file} {r.status.upper()} {r.check}{' ' + r.period if r.period else ''}: {r.message}" for r in flagged.itertuples()]
    warned = dataset.errors[dataset.errors["severity"] == "warning"].groupby("code", sort=True)["file"].unique()
    if len(warned):
        lines += ["", "warnings (each file's in `govstats show FILE`):"]
        lines += [f"  {code}: {len(files)} file(s): {', '.join(files[:3])}{', …' if len(files) > 3 else ''}" for code, files in warned.items()]
    return "\n".join(lines)


def find_files(dataset: Dataset, wanted: str) -> list[str]:
    """The reports of the build a name given on the command line means: the name itself (a path
    inside the built folder); else a path that ends in one (the file's own path); else names that
    end in it (`兴庆区民政局.txt` for `宁夏/兴庆区民政局.txt`); else names or base names it starts."""
    files = list(dataset.reports["file"])
    wanted, paths = wanted.replace("\\", "/"), [f.replace("\\", "/") for f in files]  # names built on Windows too
    for match in (lambda f: f == wanted, lambda f: wanted.endswith("/" + f), lambda f: f.endswith("/" + wanted),
                  lambda f: f.startswith(wanted) or f.rsplit("/", 1)[-1].startswith(wanted)):
        found = [f for f, path in zip(files, paths) if match(path)]
        if found:
            return found
    return []


def show(dataset: Dataset, name: str) -> str:
    """Everything govstats read from one report: fields, facts with evidence, checks, problems."""
    r = dataset.reports[dataset.reports["file"] == name].iloc[0]
    lines = [f"# {name}", ""]
    for field in ("status", "error_code", "title", "agency", "agency_kind", "admin_level", "province", "city", "county", "town",
                  "adcode", "report_year", "published", "doc_number", "template", "encoding", "sha256"):
        value = r[field]
        if not pd.isna(value) and str(value):
            lines.append(f"{field:<12} {value}")
    if r["evidence"]:
        lines += ["", "read from:"] + [f"  {part}" for part in str(r["evidence"]).split("; ")]
    facts = dataset.facts[dataset.facts["file"] == name]
    for source, heading in (("table", "table facts"), ("narrative", "prose facts")):
        part = facts[facts["source"] == source]
        if len(part):
            lines += ["", f"## {heading} ({len(part)})"]
            lines += [_fact_line(f) for f in part.itertuples()]
    unmapped = dataset.unmapped[dataset.unmapped["file"] == name]
    if len(unmapped):
        lines += ["", f"## unmapped cells ({len(unmapped)})"]
        lines += [f"  line {u.line}: {u.label_printed or u.evidence} = {u.value_printed or '(blank)'} [{u.reason}]" for u in unmapped.itertuples()]
    checks = dataset.checks[dataset.checks["file"] == name]
    if len(checks):
        lines += ["", f"## checks ({len(checks)})"]
        order = {s: i for i, s in enumerate(STATUSES)}
        for c in sorted(checks.itertuples(), key=lambda c: order.get(c.status, 9)):
            rule = f" ({c.rule})" if c.rule else ""
            lines.append(f"  {c.status.upper():<15} {c.check}{rule}{' ' + c.period if c.period else ''}: {c.message}")
    errors = dataset.errors[dataset.errors["file"] == name]
    if len(errors):
        lines += ["", f"## problems ({len(errors)})"]
        lines += [f"  {e.severity} {e.code}{f' line {e.line}' if not pd.isna(e.line) else ''}: {e.message}" for e in errors.itertuples()]
    return "\n".join(lines)


def _fact_line(f) -> str:
    dims = "".join(f"[{d}]" for d in (f.applicant_type, f.area, f.period) if d)
    value = "(blank)" if pd.isna(f.value) else f"{f.value:g}"
    where = f"line {f.line}" if not pd.isna(f.line) else ""
    note = f"  NOTE {f.note}" if f.note else ""
    return f"  {f.key}{dims} = {value} {f.unit} {f.qualifier if f.qualifier != 'exact' else ''}".rstrip() + f"   ‹{f.evidence}› {where}{note}"
