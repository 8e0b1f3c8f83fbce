"""Build a folder of reports into tidy tables: Parquet, CSV copies Excel opens with Chinese
intact (UTF-8 with BOM), and a data dictionary generated from the schema and the catalogue."""

from __future__ import annotations

import csv
import difflib
import numbers
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import schema, store
from .schema import frame
from .catalogue import load_catalogue
from .checks import RANK, run_checks
from .corrections import apply_corrections, load_corrections
from .narrative import narrative_keys
from .engine import Task, chunk_sizes, default_jobs, lean_memory, run
from .pipeline import MANIFEST_NAME, TIME_LIMIT, ReportResult, format_of, input_files


@dataclass
class Dataset:
    """The tables of a build, as DataFrames (see schema.TABLES)."""

    reports: pd.DataFrame
    facts: pd.DataFrame
    unmapped: pd.DataFrame
    errors: pd.DataFrame
    checks: pd.DataFrame
    best: pd.DataFrame


def to_dataset(results: list[ReportResult], corrections: list[dict] | None = None, corrections_source: str = "") -> Dataset:
    """The tables of a build: extraction results, corrections applied, then checks and the best-value view."""
    reports = frame("reports", [r.report for r in results])
    facts = frame("facts", [f for r in results for f in r.facts])
    unmapped = frame("unmapped", [u for r in results for u in r.unmapped])
    errors = [e for r in results for e in r.errors]
    if corrections:
        facts, stale = apply_corrections(facts, corrections, corrections_source)
        sha = dict(zip(reports["file"], reports["sha256"]))
        errors += [{**e, "sha256": sha.get(e["file"], "")} for e in stale]
    checks, best = run_checks(facts, unmapped, reports)
    counts = checks.groupby(["status", "file"]).size()
    for status in RANK:
        n = counts.get(status, pd.Series(dtype="Int64"))
        reports[f"n_checks_{status}"] = reports["file"].map(n).fillna(0).astype("Int64").where(reports["status"] == "parsed")
    errors = frame("errors", errors)
    for severity in ("error", "warning"):
        n = errors.loc[errors["severity"] == severity, "file"].value_counts()
        reports[f"n_{severity}s"] = reports["file"].map(n).fillna(0).astype("Int64")
    return Dataset(reports, facts, unmapped, errors, checks, best)


def build(folder: str | os.PathLike, out: str | os.PathLike, progress: bool = True, corrections: str | os.PathLike | None = None,
          jobs: int | None = None, engine: str = "local", scheduler: str | None = None, full: bool = False, csv_copies: bool = True,
          load_result: bool = True, time_limit: float | None = None, retry_failed: bool = False) -> Dataset | None:
    """Read every file in `folder` into the store in `out` and return the tables (or None).

    Incremental: a file whose bytes (sha256) are unchanged since the last build by the same govstats
    and corrections keeps its rows and is not read again, and so does one moved, renamed or copied
    (its rows are copied under its new name); only new and changed files are read, in chunks, on
    `jobs` processes (`engine="dask"`: on a Dask cluster at `scheduler`, or a local one). `full`
    reads everything again and rewrites the store. A file still being read after `time_limit`
    seconds (default pipeline.TIME_LIMIT; 0: no limit) is stopped and fails (`timed_out`).
    A file that failed is read again when it changes, or with `retry_failed` (or `full`).
    `csv_copies`: a CSV copy of each table beside the Parquet (store.write_csv); without, the copies
    an earlier build wrote are removed.
    """
    _check_options(jobs, engine, scheduler, time_limit)
    folder, out = Path(folder), Path(out)
    if not folder.is_dir():
        raise InputFolderError(f"{folder} is not a folder" if folder.exists() else f"no folder {folder}")
    if folder.resolve() == out.resolve():
        raise OutputFolderError(f"{out} is the input folder: write the build to another folder (one inside it is fine)")
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"{out} is a file: write the build to a folder")
    entries = load_corrections(corrections) if corrections else []
    try:
        files = input_files(folder, out)
    except OSError as exc:
        raise InputFolderError(f"{folder} cannot be listed ({exc.strerror or exc})") from exc
    paths, names = [p for p, _ in files], [n for _, n in files]
    # the store is locked while it is written, and let go however the build ends
    with store.State.open(out, fingerprint=store.fingerprint(entries), full=full, retry_failed=retry_failed) as state:
        shas = store.file_hashes(out, paths, remembered=not full)
        by_file: dict[str, list[dict]] = {}
        for entry in entries:
            by_file.setdefault(entry["file"], []).append(entry)
        keep, todo = state.split(names, shas)
        # the same bytes are read once: a file moved, renamed or copied gets the rows of its source
        copies, todo = state.sources(todo, names, shas, {i: format_of(paths[i]) for i in todo}, set(by_file))
        n_copies = sum(map(len, copies.values()))
        tasks, start = [], 0
        for size in chunk_sizes(len(todo), jobs or default_jobs()):
            chunk = [files[i] for i in todo[start:start + size]]
            start += size
            fixes = tuple(e for _, name in chunk for e in by_file.get(name, []))
            # processes on this machine write their chunk's rows themselves; Dask workers may not see `out`
            tasks.append(Task(state.new_part(), tuple(chunk), fixes, str(corrections or ""), out=str(out) if engine == "local" else "", time_limit=TIME_LIMIT if time_limit is None else time_limit))
        finished = run(tasks, engine=engine, jobs=jobs, scheduler=scheduler, isolate=state.crashed)
        if progress and tasks:
            from tqdm import tqdm

            finished = tqdm(finished, total=len(tasks), desc=f"reading {len(todo)} report(s) ({len(keep)} unchanged, {n_copies} moved or copied)", unit="chunk", disable=None)
        lean_memory()
        for _, tables in finished:
            state.add(tables)
            lean_memory()
        copied = state.copy(copies)
        if progress and copies:
            from tqdm import tqdm

            copied = tqdm(copied, desc=f"copying the rows of {n_copies} file(s) moved or copied", unit="part", disable=None)
        for _ in copied:
            pass
        extra = check_manifest(folder, names, shas) + _corrections_without_file(entries, set(names), str(corrections or "")) + _renamed(files)
        state.commit(keep, frame("errors", extra))
        _warn_same_reports(out)
        if csv_copies:
            store.write_csv(out, progress)
        else:  # copies an earlier build wrote would no longer match its tables
            store.remove_csv(out)
        (out / "data_dictionary.md").write_text(data_dictionary(), encoding="utf-8")
    return load(out) if load_result else None


class OutputFolderError(ValueError):
    """The output folder given is the input folder, or a file."""


class InputFolderError(FileNotFoundError):
    """The folder of reports given is not there, or is a file (a single report: govstats.read_report)."""


def _corrections_without_file(entries: list[dict], present: set[str], source: str) -> list[dict]:
    """A correction for a file the folder does not hold is stale too: it fails loudly."""
    return [{"file": e["file"], "sha256": "", "severity": "error", "stage": "correct", "code": "correction_stale", "line": None,
             "message": f"correction of {e['key']} in {source or 'the corrections file'}: {e['file']} is not in the input folder"}
            for e in entries if e["file"] not in present]


SAME_REPORT = ["agency", "province", "city", "county", "town", "report_year"]


def _warn_same_reports(out: Path) -> None:
    """A warning (`same_report`) for each parsed file with the agency, region and report year of
    an earlier one (by name): one report saved twice (PDF and HTML, or scraped again with other
    bytes) would count twice in an analysis. Possibly: two towns of one name whose county was not
    recognised look alike too. Added to the folder's problems once the index is whole."""
    index = pd.read_parquet(out / "reports.parquet", columns=["file", "status", *SAME_REPORT])
    index = index[(index["status"] == "parsed") & (index["agency"] != "") & index["report_year"].notna()]
    later = index[index.duplicated(SAME_REPORT)]
    if later.empty:
        return
    first = index.drop_duplicates(SAME_REPORT).set_index(SAME_REPORT)["file"]
    rows = [{"file": file, "sha256": "", "severity": "warning", "stage": "validate", "code": "same_report", "line": None,
             "message": f"possibly the same report as {first[key]}: the same agency, region and report year ({key[0]}, {key[-1]});"
                        " analyses count both unless one is removed"}
            for file, key in zip(later["file"], later[SAME_REPORT].itertuples(index=False, name=None))]
    errors = pd.concat([pd.read_parquet(out / "build_errors.parquet"), frame("errors", rows)], ignore_index=True)
    errors.to_parquet(out / "build_errors.parquet", index=False)


def _renamed(files: list[tuple[str, str]]) -> list[dict]:
    """A warning for each file whose name (or a folder's in it) is not UTF-8, so is shown in other
    characters (pipeline._as_text)."""
    return [{"file": name, "sha256": "", "severity": "warning", "stage": "read", "code": "file_name_not_utf8", "line": None,
             "message": f"the file's name is not UTF-8: it is named {name!r} here (its bytes read as GB18030, or escaped where they"
                        " are not GB18030); rename such files in UTF-8 (GBK names: convmv -f gbk -t utf8 -r --notest FOLDER)"}
            for path, name in files if not path.endswith(os.sep + name)]


def _check_options(jobs, engine: str, scheduler: str | None, time_limit) -> None:
    """build's options, checked before anything is read (the command line checks its own): a
    wrong one would otherwise be ignored (an unknown engine ran locally) or fail every file."""
    if engine not in ("local", "dask"):
        raise ValueError(f"engine is 'local' or 'dask', not {engine!r}")
    if scheduler and engine != "dask":
        raise ValueError("scheduler is the address of a Dask scheduler: give engine='dask' too")
    if jobs is not None and not (isinstance(jobs, numbers.Integral) and not isinstance(jobs, bool) and jobs >= 1):
        raise ValueError(f"jobs is a number of processes, 1 or more (None: all cores), not {jobs!r}")
    if time_limit is not None and not (isinstance(time_limit, numbers.Real) and 0 <= time_limit < float("inf")):
        raise ValueError(f"time_limit is 0 (no limit) or more seconds (None: {TIME_LIMIT}), not {time_limit!r}")


def check_manifest(folder: Path, names: list[str], shas: list[str]) -> list[dict]:
    """Raw data is immutable: warn when a file (by its name inside the folder) differs from its
    manifest checksum."""
    manifest = folder / MANIFEST_NAME
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8") as f:
        recorded = {row["file"]: row["sha256"] for row in csv.DictReader(f)}
    problems = []
    for name, sha in zip(names, shas):
        if name not in recorded:
            problems.append((name, sha, "not_in_manifest", f"{name} is not listed in {MANIFEST_NAME}; add it with its sha256"))
        elif sha and recorded[name] != sha:  # an unreadable file fails with its own error
            problems.append((name, sha, "checksum_mismatch", f"{name} differs from its {MANIFEST_NAME} checksum: raw files must never be edited"))
    present = set(names)
    problems += [(name, "", "missing_from_folder", f"{name} is listed in {MANIFEST_NAME} but absent") for name in recorded if name not in present]
    return [{"file": n, "sha256": s, "severity": "warning", "stage": "read", "code": c, "message": m, "line": None} for n, s, c, m in problems]


def data_dictionary() -> str:
    lines = ["# govstats data dictionary", "", "Generated by `govstats build` from `govstats/schema.py` and the indicator catalogue; do not edit.", ""]
    for name, cols in schema.TABLES.items():
        lines += [f"## {name}", "", "| column | type | meaning |", "| --- | --- | --- |"]
        lines += [f"| {c} | {t} | {d} |" for c, t, d in cols]
        lines.append("")
    catalogue = load_catalogue()
    lines += ["## indicators", "", "One key per quantity, whatever template printed it. Labels are the printed row labels per template.", "",
              "| key | unit | parent | templates and labels |", "| --- | --- | --- | --- |"]
    seen: dict[str, list] = {}
    for ind in catalogue.indicators:
        seen.setdefault(ind.key, []).append(ind)
    for key, inds in seen.items():
        labels = "<br>".join(f"{i.template}: {i.label}" for i in inds)
        parent = next((i.parent_key for i in inds if i.parent_key), "")
        lines.append(f"| {key} | {catalogue.unit(key)} | {parent} | {labels} |")
    lines += ["", "## keys read only from prose", "", "| key | unit | label | notes |", "| --- | --- | --- | --- |"]
    lines += [f"| {k['key']} | {k['unit']} | {k['label_zh']} | {k['notes']} |" for k in narrative_keys()]
    lines += ["", "## applicant types", "", "| key | label | parent |", "| --- | --- | --- |"]
    lines += [f"| {a.key} | {a.label} | {a.parent} |" for a in catalogue.applicant_types]
    return "\n".join(lines) + "\n"


def load(folder: str | os.PathLike = "data/processed", tables: list[str] | None = None, columns: dict[str, list[str]] | None = None,
         years: list[int] | None = None, keys: list[str] | None = None, files: list[str] | None = None) -> Dataset:
    """Load a build's tables as DataFrames, reading only the tables, columns (per table), report
    years, indicator keys (rows of facts, unmapped and best) and files (names as `reports` holds
    them) asked for; tables not asked for are empty. One name may stand for a list of one; a
    table, column or key govstats does not write, a file the build does not hold, or a year that
    is not an integer, is an error (it would select nothing, without a word)."""
    tables = _known("table {}", tables, schema.TABLES)
    _known("table {}", list(columns or {}), schema.TABLES)
    columns = {name: _known(f"column {{}} in {name}", cols, schema.columns(name)) for name, cols in (columns or {}).items()}
    keys = _known("indicator key {}", keys, {i.key for i in load_catalogue().indicators} | {k["key"] for k in narrative_keys()})
    files = [files] if isinstance(files, str) else files
    return store.load(Path(folder), tables, columns, read_years(years), keys, files)


def read_years(years) -> list[int | None] | None:
    """Report years asked for (a year, several, None: all) as a list of integers (None in it: year
    unknown); a year that is not an integer is a ValueError."""
    if years is None:
        return None
    years = [years] if isinstance(years, (numbers.Integral, str)) else list(years)
    wrong = [y for y in years if not (y is None or isinstance(y, numbers.Integral) and not isinstance(y, bool))]
    if wrong:
        raise ValueError(f"years are report years as integers (None: year unknown), e.g. years=[2019, 2020]; not {wrong[0]!r}")
    return [None if y is None else int(y) for y in years]


def _known(what: str, given, known) -> list[str] | None:
    """`given` (a name, several, or None: all) as a list, each name one of `known`; `what` names
    one in messages ("table {}")."""
    if given is None:
        return None
    given = [given] if isinstance(given, str) else list(given)
    for name in given:
        if name not in known:
            close = difflib.get_close_matches(str(name), sorted(known), n=1)
            hint = f"did you mean {close[0]!r}?" if close else "see data_dictionary.md in the build's folder"
            raise ValueError(f"no {what.format(repr(name))} in a govstats build: {hint}")
    return given
