"""read → recognise → extract → validate for one file, and the folder build that accounts for
every input file."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import signal
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import load_catalogue
from .errors import ReportError, UnreadableFileError, UnsupportedFormatError
from .extract_tables import extract_tables
from .model import Document
from .normalize import escaped
from .narrative import extract_narrative
from .read_docx import read_docx
from .read_html import read_html
from .read_pdf import read_pdf
from .read_text import read_text
from .recognise import Recognition, recognise
from .validate import basic_checks

MANIFEST_NAME = "MANIFEST.csv"
FORMATS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".xhtml": "html"}
_SAVE = "files are not read; save the report as PDF, DOCX, HTML or UTF-8 text"
_SHEET = "spreadsheets are not read (a statistics table sent with a report?); the report's own file holds its table"
_ARCHIVE = "archives are not opened; extract their files into the folder"
UNSUPPORTED = {".doc": f"DOC (Word 97–2003) {_SAVE}", ".wps": f"WPS {_SAVE}", ".ofd": f"OFD {_SAVE}", ".xls": f"Excel {_SHEET}",
               ".xlsx": f"Excel {_SHEET}", ".et": f"WPS {_SHEET}", ".zip": f"ZIP {_ARCHIVE}", ".rar": f"RAR {_ARCHIVE}", ".7z": f"7z {_ARCHIVE}"}
TIME_LIMIT = 600  # seconds a file may take to be read in a build (`govstats build --timeout`)


@dataclass
class ReportResult:
    """Everything govstats read from one file; the DataFrame rows of the build."""

    report: dict
    facts: list[dict] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    document: Document | None = None


def read_document(path: Path, name: str, data: bytes) -> Document:
    """The reader for the file's extension; anything else is read as text."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise UnsupportedFormatError(UNSUPPORTED[suffix])
    if FORMATS.get(suffix) == "pdf":
        return read_pdf(str(path), name, data)  # camelot reads the file itself
    reader = {"docx": read_docx, "html": read_html}.get(FORMATS.get(suffix, ""), read_text)
    return reader(name, data)


def process_file(path: str | os.PathLike, name: str | None = None, time_limit: float = 0) -> ReportResult:
    """Read one report file; a bad file gives a failed result with its reason, never an exception.
    A file still being read after `time_limit` seconds (0: no limit) is stopped and fails."""
    path = Path(path)
    name = name or path.name
    base = _identity(path, name)
    try:
        with _time_limit(time_limit):
            data = read_bytes(path)
            base = _identity(path, name, data)
            return _analyse(read_document(path, name, data), base)
    except ReportError as exc:
        return _failed(base, "read", exc.code, exc.message, exc.line)
    except _OutOfTime:
        return _failed(base, "read", "timed_out", f"reading this file took more than {time_limit:g} s and was stopped; every other"
                       " file was read. To read it, build again with a longer --timeout and --retry-failed")
    except Exception as exc:  # a govstats bug must not stop the build: this file fails visibly
        return _failed(base, "extract", "internal_error", f"govstats failed on this file ({type(exc).__name__}: {exc}); please report it")


class _OutOfTime(BaseException):
    """Raised by the time limit (_time_limit) in the middle of reading a file: not an Exception, so
    that no library's `except Exception` takes it for an error of its own."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Stop what runs inside after `seconds` (0: never) by raising _OutOfTime where the reading is;
    once, so that the `finally` clauses it sets off run whole (state shared by the files a process
    reads is put back in such clauses, or made whole before it is stored). In the main thread of
    a POSIX process (a build's worker processes, a one-process build), the interval timer's
    SIGALRM raises it, even inside a long regular-expression match; elsewhere (Dask's workers read
    in threads; Windows has no interval timer), a timer thread has the interpreter raise it in the
    reading thread, where it runs Python code: a single call into compiled code is stopped when it
    returns."""
    if not seconds:
        yield
    elif hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        def alarm(signum, frame):
            raise _OutOfTime

        previous = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    else:
        reader, lock, armed = ctypes.c_ulong(threading.get_ident()), threading.Lock(), [True]

        def stop() -> None:
            with lock:
                if armed[0]:
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(reader, ctypes.py_object(_OutOfTime))

        timer = threading.Timer(seconds, stop)
        timer.start()
        try:
            yield
        finally:
            with lock:  # once here, stop() has raised it (then it is taken back if not yet raised) or never will
                armed[0] = False
                timer.cancel()
                ctypes.pythonapi.PyThreadState_SetAsyncExc(reader, None)


def reader_died(path: str | os.PathLike, name: str) -> ReportResult:
    """The result of a file whose reading ended the process reading it (killed by the system for
    the memory it took, or a crash in a library): it fails, and the build goes on."""
    path = Path(path)
    try:  # its sha256, so that a rebuild does not read it again until it changes
        base = _identity(path, name, read_bytes(path))
    except UnreadableFileError:
        base = _identity(path, name)
    return _failed(base, "read", "reader_died", "reading this file ended the process reading it (killed by the system, most"
                   " likely for the memory it took, or a crash in a library); every other file was read. It is read again"
                   " when it changes, or with --retry-failed")


def _identity(path: Path, name: str, data: bytes | None = None) -> dict:
    """A file's fields before it is read: its name and format, and from its bytes, sha256 and size."""
    return {"file": name, "sha256": "" if data is None else hashlib.sha256(data).hexdigest(),
            "size_bytes": None if data is None else len(data), "format": format_of(path)}


def _failed(base: dict, stage: str, code: str, message: str, line: int | None = None) -> ReportResult:
    return ReportResult(report={**base, "status": "failed", "error_code": code}, errors=[_error(base["file"], base["sha256"], "error", stage, code, message, line)])


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a file the system will not give (permissions, a vanished or broken
    file, a link to nothing) fails with its own error instead of stopping the build, and so does
    what is not a regular file (a named pipe would block the build for ever)."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode) and os.path.islink(path):
            raise UnreadableFileError("a link to a folder: links to folders are not followed, so its files are not read;"
                                      " copy or move them into the folder")
        if stat.S_ISDIR(st.st_mode):  # one input_files could not list
            try:
                os.listdir(path)
            except OSError as exc:
                raise UnreadableFileError(f"a folder that cannot be listed ({exc.strerror or exc}): its files are not read") from exc
            raise UnreadableFileError("a folder, not a file: `govstats build` reads the files in a folder")
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFileError("not a regular file (a named pipe, socket or device): not read")
        return path.read_bytes()
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and os.path.islink(path):
            raise UnreadableFileError(f"a link to {os.readlink(path)}, which is not there") from exc
        raise UnreadableFileError(f"the file cannot be read ({exc.strerror or exc}); check that it exists and is readable") from exc


def _analyse(doc: Document, base: dict) -> ReportResult:
    catalogue = load_catalogue()
    rec = recognise(doc, catalogue)
    tables = extract_tables(doc.tables, catalogue, rec.template_hint)
    statistics = [t for t in tables if t.is_statistics_table]
    template = rec.template_hint or ("custom" if statistics else "narrative")
    table_facts = [f for t in statistics for f in t.facts]
    prose = extract_narrative(doc, {t.table.index for t in statistics}, template, rec.report_year, rec.agency, catalogue)
    facts = table_facts + prose
    unmapped = [u for t in statistics for u in t.unmapped]
    for row in facts + unmapped:
        row.update(file=base["file"], sha256=base["sha256"])
    errors = [_error(base["file"], base["sha256"], "warning", "read", code, msg, None) for code, msg in doc.warnings]
    errors += [_error(base["file"], base["sha256"], "warning", "recognise", code, msg, None) for code, msg in rec.warnings]
    for code, message, line in basic_checks(template, table_facts, unmapped, catalogue):
        errors.append(_error(base["file"], base["sha256"], "warning", "validate", code, message, line))
    if not facts and not unmapped:  # a page scraped by mistake, a notice: parsed, yet nothing to show for it
        unknown = "" if rec.agency or rec.report_year else "; neither its agency nor its report year was recognised: is it a disclosure report?"
        errors.append(_error(base["file"], base["sha256"], "warning", "validate", "no_figures",
                             f"no statistics table and no figure in the prose were read{unknown}", None))
    report = {
        **base,
        "encoding": doc.encoding,
        "status": "parsed",
        "error_code": "",
        **_recognition_fields(rec),
        "template": template,
        "n_paragraphs": len(doc.paragraphs),
        "n_tables": len(doc.tables),
        "n_statistics_tables": len(statistics),
        "n_facts": len(facts),
        "n_prose_facts": len(prose),
        "n_unmapped": len(unmapped),
    }
    return ReportResult(report, facts, unmapped, errors, doc)


def _recognition_fields(rec: Recognition) -> dict:
    fields = ("title", "agency", "agency_kind", "admin_level", "province", "city", "county", "town", "adcode", "report_year", "published", "doc_number")
    out = {f: getattr(rec, f) for f in fields}
    out["evidence"] = "; ".join(f"{k}: {v}" for k, v in rec.evidence.items())
    return out


def _error(file: str, sha: str, severity: str, stage: str, code: str, message: str, line: int | None) -> dict:
    message = escaped(message)  # a path that is not UTF-8 in a library's message (_as_text)
    return {"file": file, "sha256": sha, "severity": severity, "stage": stage, "code": code, "message": message, "line": line}


def format_of(path: str | os.PathLike) -> str:
    suffix = os.path.splitext(path)[1].lower()
    if suffix in UNSUPPORTED:
        return suffix.lstrip(".")
    return FORMATS.get(suffix, "text")


def input_files(folder: str | os.PathLike, out: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """Every file below the folder as (absolute path, name inside the folder: _as_text), in a
    stable order (that of sorted paths), except the manifest, hidden files (`.gitkeep`) and a
    build's output folder `out` placed inside it (its tables are not reports). Nothing else is
    skipped: a file that is not a report fails visibly, and so do a link to nothing, a link to a
    folder (not followed, as by Path.rglob), a folder that cannot be listed and what is not a
    regular file. Strings, not Paths: a corpus of 100 000 files took pathlib seconds."""
    root = os.path.abspath(folder)
    outside = os.path.realpath(out) if out is not None else None
    found, unlisted = [], []
    for directory, subfolders, names in os.walk(root, onerror=unlisted.append):  # like Path.rglob, not into linked folders
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and os.path.realpath(os.path.join(directory, d)) != outside]
        parts = () if directory == root else tuple(os.path.relpath(directory, root).split(os.sep))
        linked = [d for d in subfolders if os.path.islink(os.path.join(directory, d))]
        subfolders[:] = [d for d in subfolders if d not in linked]
        found += [(*parts, name) for name in names + linked if not name.startswith(".") and name != MANIFEST_NAME]
    for error in unlisted:  # a folder that cannot be listed is a failed entry of its own (read_bytes says why)
        if os.path.abspath(error.filename) == root:
            raise error
        found.append(tuple(os.path.relpath(error.filename, root).split(os.sep)))
    found.sort()
    names = _as_text([os.path.join(*parts) for parts in found])
    return [(os.path.join(root, *parts), name) for parts, name in zip(found, names)]


def _as_text(names: list[str]) -> list[str]:
    """Names any table can hold. A name whose bytes are not UTF-8 (os.walk gives it with
    surrogates, which neither Parquet nor JSON takes) is read as GB18030, as Chinese Windows
    writes names into zip files; failing that, or when another file has that name, its bytes
    are escaped (`\\xd0`). export.build warns of each (`file_name_not_utf8`)."""
    taken, out = set(names), []
    for name in names:
        if escaped(name) != name:
            try:
                shown = os.fsencode(name).decode("gb18030")
            except UnicodeDecodeError:
                shown = ""
            name = shown if shown and shown not in taken else escaped(name)
            taken.add(name)
        out.append(name)
    return out

