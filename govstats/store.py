"""The build's output folder: an index of reports and, per table, Parquet parts partitioned by
report year, written chunk by chunk as the build goes.

    out/reports.parquet                      one row per input file (the index): its sha256 and `part`
    out/facts/report_year=2017/<part>-0.parquet   (likewise unmapped, errors, checks, best)
    out/build_errors.parquet                 problems of the folder, not of one file (manifest, corrections)
    out/_build.json                          what built the store: govstats version and code, corrections
    out/_journal/<part>.parquet              index rows of the chunks written by a build not yet finished
    out/_hashes.parquet                      each input file's sha256 with the stat it was taken at
    out/_reading.json                        the files a build reads in its own process, while it does
    out/facts.csv, … and _csv_of.txt         CSV copies, and the sha256 of the index they hold
    out/.lock                                held by the build writing the store: one at a time

A file's rows live in the part named in its index row. An incremental build reads only new and
changed files into new parts and rewrites the index; rows of a changed file left in an old part
are no longer named by the index and are not loaded, and a part no file points to is deleted.
A build cut short (Ctrl-C, a crash, the machine going down) keeps what it finished: each chunk's
index rows go to the journal once its parts are written, and the next build takes them as its
own, so it reads only the files the interrupted one had not. Loading reads only the tables,
columns and year partitions asked for. A build whose own process died while reading (killed by
the system, a crash in a library) leaves `_reading.json` behind: the next reads in worker
processes, where a death names the file that caused it.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import shutil
import stat
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from . import __version__, schema
from .normalize import escaped
from .schema import frame

# A chunk's Arrow tables arrive unpickled from a worker process, their buffers not always aligned
# as the dataset writer (Acero) wants: it copies those instead of warning on every write.
os.environ.setdefault("ACERO_ALIGNMENT_HANDLING", "reallocate")

PARTED = [name for name in schema.TABLES if name != "reports"]
JOURNAL = "_journal"
HASHES = "_hashes.parquet"
READING = "_reading.json"
CSV_OF = "_csv_of.txt"  # the sha256 of the index the CSV copies were written from
# a file changed less than this before it was hashed is hashed again by the next build: a file's
# times are coarse (2 s on FAT; the kernel stamps them from a clock a tick behind the real one), so
# a second change that soon could leave them as the first change left them
RACY_NS = 2_000_000_000
ARROW = {"string": pa.string(), "Int64": pa.int64(), "Float64": pa.float64()}
PANDAS = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype()}  # as schema.py types them
YEAR = ds.partitioning(pa.schema([("report_year", pa.int32())]), flavor="hive")


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(c, ARROW[t]) for c, t in schema.dtypes(table).items()] + [("part", pa.string())])


# Modules that only present a build (charts, notebooks support, terminal views): changing them does
# not change what a build writes, so it does not invalidate the store.
PRESENTATION = {"analysis.py", "plotting.py", "widgets.py", "figures.py", "report.py", "cli.py", "__main__.py"}


def fingerprint(corrections: list[dict]) -> str:
    """The govstats that built the store: version, the code and data files that read and check
    reports, and the corrections."""
    h = hashlib.sha256(__version__.encode())
    package = resources.files("govstats")
    for path in sorted(Path(str(package)).rglob("*")):
        if path.suffix in (".py", ".csv") and "__pycache__" not in path.parts and path.name not in PRESENTATION:
            h.update(path.name.encode() + path.read_bytes())
    h.update(json.dumps(corrections, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]


@dataclass
class State:
    """One build in progress on an output folder."""

    out: Path
    number: int
    index: pd.DataFrame  # the reports of the last build and of chunks a build cut short finished, when still valid
    lock: object = None  # the open lock file: one build at a time writes a store
    parts: int = 0
    crashed: bool = False  # an earlier build's process died reading files: read in worker processes

    @classmethod
    def open(cls, out: Path, fingerprint: str, full: bool = False, retry_failed: bool = False) -> "State":
        """The store in `out`, locked. `full`: emptied; `retry_failed`: its failed files forgotten,
        so that they are read again."""
        out.mkdir(parents=True, exist_ok=True)
        lock = _lock(out)
        meta_path = out / "_build.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        if full or meta.get("fingerprint") != fingerprint:  # another govstats, other corrections, or asked for: start afresh
            for name in [*PARTED, JOURNAL]:
                shutil.rmtree(out / name, ignore_errors=True)
            for name in schema.TABLES:  # the index, and the one-file-a-table layout of older versions
                (out / f"{name}.parquet").unlink(missing_ok=True)
        index = _index(out)
        if retry_failed:
            index = index[index["status"] != "failed"].reset_index(drop=True)
        number = int(meta.get("build", 0)) + 1
        # the build's number is taken before it writes a part: a build after one cut short names its parts anew
        meta_path.write_text(json.dumps({"govstats": __version__, "fingerprint": fingerprint, "build": number}) + "\n")
        return cls(out, number, index, lock, crashed=(out / READING).exists())

    def split(self, names: list[str], shas: list[str]) -> tuple[pd.DataFrame, list[int]]:
        """(index rows of the files unchanged since the last build, positions of the files to read)."""
        files, before = self.index["file"].tolist(), self.index["sha256"].tolist()  # lists: Arrow strings one by one are slow
        known, now = dict(zip(files, before)), dict(zip(names, shas))
        todo = [i for i, (n, s) in enumerate(zip(names, shas)) if known.get(n) != s]
        return self.index[np.array([now.get(f) == s for f, s in zip(files, before)], dtype=bool)], todo  # [] would pick no columns

    def sources(self, todo: list[int], names: list[str], shas: list[str], formats: dict[int, str], corrected: set[str]) -> tuple[dict[tuple[str, str], list[str]], list[int]]:
        """Of the files to read, those with the bytes of a file the store holds (moved, renamed or
        copied since the last build) or of another file to read (a copy), by the file their rows
        will be copied from and its sha256 (as `copy` takes them); and the files left to read.
        Rows are copied only where reading would give the same ones but the name: the same reader
        (format), no corrections for either file, bytes that could be read (a sha256)."""
        index = self.index[["file", "sha256", "format"]]
        held = {}
        for file, sha, fmt in zip(*(index[c].tolist() for c in index.columns)):
            if sha and file not in corrected:
                held.setdefault((sha, fmt), file)
        copies: dict[tuple[str, str], list[str]] = {}
        read = []
        for i in todo:
            same = (shas[i], formats[i])
            if same in held and names[i] not in corrected:
                copies.setdefault((held[same], shas[i]), []).append(names[i])
            else:
                read.append(i)
                if shas[i] and names[i] not in corrected:
                    held[same] = names[i]  # its copies wait for it to be read
        return copies, read

    def copy(self, targets: dict[tuple[str, str], list[str]]) -> Iterator[str]:
        """Copy the rows of files the store holds, those of the last build and those this one has
        read ((source name, sha256) → new names), into new parts: one part for the files of one
        source part, as a chunk read would write them; each part's name is yielded once it is
        written. The sha256 tells a source read anew (with other bytes) from the one copied (its
        old rows, in its old part)."""
        if not targets:
            return
        index = pd.concat([self.index, *self._journal()], ignore_index=True).drop_duplicates(["file", "sha256"], keep="last")
        for part, rows in index.set_index(["file", "sha256"], drop=False).loc[list(targets)].groupby("part", sort=True):
            copies = {file: targets[file, sha] for file, sha in zip(rows["file"], rows["sha256"])}
            new = self.new_part()
            tables = {}
            for name in PARTED:
                paths = [str(p) for p in (self.out / name).glob(f"*/{part}-*.parquet")]
                if not paths:
                    continue
                data = ds.dataset(paths, format="parquet", partitioning=YEAR, partition_base_dir=str(self.out / name))
                table = data.to_table(filter=ds.field("file").isin(pa.array(list(copies), pa.string())))
                tables[name] = _renamed(table, copies, new).select(arrow_schema(name).append(pa.field("report_year", pa.int32())).names)
            reports = rows.iloc[[i for i, f in enumerate(rows["file"]) for _ in copies[f]]].reset_index(drop=True)
            reports["file"] = [n for f in rows["file"] for n in copies[f]]
            self.add({**tables, "reports": reports.assign(part=new)})
            yield new

    def _journal(self) -> list[pd.DataFrame]:
        """The index rows of the chunks this build has finished."""
        return [pd.read_parquet(p) for p in sorted((self.out / JOURNAL).glob(f"{self.prefix}*.parquet"))]

    def new_part(self) -> str:
        self.parts += 1
        return f"{self.prefix}{self.parts:05d}"

    @property
    def prefix(self) -> str:
        """Of the names of this build's parts."""
        return f"b{self.number:05d}-"

    def add(self, tables: dict) -> None:
        """Take one finished chunk: its other tables (from `to_parts`) written at once unless the
        worker wrote them itself, then its reports into the journal, for the index."""
        write_parts(self.out, tables)
        (self.out / JOURNAL).mkdir(exist_ok=True)  # the chunk's index rows wait there, not in memory
        _write_whole(tables["reports"], self.out / JOURNAL / f"{tables['reports']['part'].iloc[0]}.parquet")

    def commit(self, kept: pd.DataFrame, build_errors: pd.DataFrame) -> None:
        """Write the index and the folder's own problems; delete parts no file points to."""
        new = self._journal()
        index = pd.concat([kept, *new], ignore_index=True) if new else kept
        index = index.sort_values("file", kind="stable").reset_index(drop=True)
        _write_whole(index, self.out / "reports.parquet")
        build_errors.to_parquet(self.out / "build_errors.parquet", index=False)
        live = set(index["part"])
        for name in PARTED:
            (self.out / name).mkdir(exist_ok=True)  # present even when no file gave a row
            for path in (self.out / name).rglob("*.parquet"):
                if _part_of(path) not in live:
                    path.unlink()
        shutil.rmtree(self.out / JOURNAL, ignore_errors=True)  # the index holds its rows now
        (self.out / READING).unlink(missing_ok=True)  # every file is accounted for

    def __enter__(self) -> "State":
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def release(self) -> None:
        """Let another build write the store: once this one has written everything, or failed."""
        if self.lock is not None:
            self.lock.close()  # closing the file releases the lock
            self.lock = None


@contextlib.contextmanager
def reading_here(out: str, names: list[str]):
    """While a build reads files in its own process, `_reading.json` in the store names them: it is
    left behind only if that process dies (State.crashed)."""
    if not out:
        yield
        return
    path = Path(out) / READING
    path.write_text(json.dumps(names, ensure_ascii=False) + "\n", encoding="utf-8")
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def file_hashes(out: Path, files: list[str], remembered: bool = True) -> list[str]:
    """Each file's sha256 ('' when it cannot be read). As git tells unchanged files, a file is not
    read again when its size, modification and change times, inode and device are all as they
    were when a build into this store hashed it (`out/_hashes.parquet`): the change time is set by
    the system on every write and no program can set it back, so an edit that keeps the size and
    restores the modification time (`cp -p`, `rsync -t`, `touch -d`) still shows. A file changed
    less than RACY_NS before it was hashed is not remembered, nor is one that cannot be read.
    `remembered=False` reads and hashes every file (`--full`). `files` are absolute paths
    (pipeline.input_files): a file is remembered by its path."""
    path = out / HASHES
    known: dict[str, tuple[str, str]] = {}
    if remembered and path.exists():
        try:
            table = pq.read_table(path, columns=["path", "stat", "sha256"])
            known = {p: (st, sha) for p, st, sha in zip(*(table[c].to_pylist() for c in table.column_names))}
        except (OSError, pa.ArrowException, KeyError):  # unreadable or of another layout: every file is read
            pass
    now = time.time_ns()  # before any file is looked at: a change after it is after its reading
    shas, rows = [], []
    for file in files:
        try:
            st = os.stat(file)
        except OSError:  # the reading task reports why
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):  # not read: a named pipe would block for ever
            shas.append("")
            continue
        signature = f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {st.st_dev}"
        key = escaped(file)  # a name not UTF-8 (pipeline._as_text)
        then, sha = known.get(key, ("", ""))
        if then != signature:
            sha = _sha256(file)
        shas.append(sha)
        if sha and max(st.st_mtime_ns, st.st_ctime_ns) < now - RACY_NS:
            rows.append((key, signature, sha))
    _write_whole(pd.DataFrame(rows, columns=["path", "stat", "sha256"]), path)
    return shas


def _sha256(path: str) -> str:
    """The file's sha256; '' when it cannot be read (the reading task reports why)."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return ""


def _index(out: Path) -> pd.DataFrame:
    """The index of the last build, with the rows of chunks a build cut short had finished since
    (a file's latest row wins)."""
    path = out / "reports.parquet"
    index = pd.read_parquet(path) if path.exists() else frame("reports", []).assign(part=pd.Series(dtype="string"))
    done = []
    for chunk in sorted((out / JOURNAL).glob("*.parquet")):  # part names sort in the order written
        try:
            done.append(pd.read_parquet(chunk))
        except (OSError, pa.ArrowException):  # unreadable: its files are read again
            pass
    if not done:
        return index
    newer = pd.concat(done, ignore_index=True).drop_duplicates("file", keep="last")
    return pd.concat([index[~index["file"].isin(newer["file"])], newer], ignore_index=True)


def _renamed(table: pa.Table, targets: dict[str, list[str]], part: str) -> pa.Table:
    """Each row once for every new name of its file, in the new part (by Arrow and numpy: a part
    holds ~100 000 rows)."""
    sources = list(targets)
    counts = np.array([len(targets[f]) for f in sources])
    which = pc.index_in(table["file"], value_set=pa.array(sources, pa.string())).to_numpy()  # each row's source
    repeats = counts[which]
    rows = np.repeat(np.arange(len(table)), repeats)
    # the k-th copy of a row takes its file's k-th new name
    k = np.arange(len(rows)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    names = pa.array([n for f in sources for n in targets[f]], pa.string()).take(pa.array((np.cumsum(counts) - counts)[which[rows]] + k))
    if len(rows) != len(table):  # some file has several new names; else every row stays where it is
        table = table.take(pa.array(rows))
    table = table.set_column(table.schema.get_field_index("file"), "file", names)
    return table.set_column(table.schema.get_field_index("part"), "part", pa.repeat(pa.scalar(part, pa.string()), len(rows)))


def _write_whole(df: pd.DataFrame, path: Path) -> None:
    """Write a Parquet file whole or not at all: a build stopped while writing leaves no torn file."""
    temporary = path.with_name(f".{path.name}.tmp")
    df.to_parquet(temporary, index=False)
    os.replace(temporary, path)


class StoreBusyError(RuntimeError):
    """Another build is writing the same output folder."""


def _lock(out: Path):
    """An exclusive lock on the store, held until the build is written (or its process ends): two
    builds writing one store at once would name their parts alike and overwrite each other's
    rows. None where the system has no flock (the lock is then the user's care)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    f = open(out / ".lock", "a")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        raise StoreBusyError(f"another govstats build is writing {out}: wait for it to finish, or build into another folder") from None
    return f


def write_parts(out: Path, tables: dict) -> None:
    """Write a chunk's tables other than reports (those of `to_parts` it holds) into the store's
    year partitions, as files named after the chunk's part."""
    reports = tables["reports"]
    part = reports["part"].iloc[0] if len(reports) else None
    for name in PARTED:
        if name in tables and tables[name].num_rows and part:
            ds.write_dataset(tables[name], out / name, format="parquet", partitioning=YEAR,
                             basename_template=f"{part}-{{i}}.parquet", existing_data_behavior="overwrite_or_ignore",
                             use_threads=False)


def _part_of(path: Path) -> str:
    """The part a Parquet file belongs to: `b00001-00002-0.parquet` → `b00001-00002`."""
    return path.name.rsplit("-", 1)[0]


def to_parts(tables: dict[str, pd.DataFrame]) -> dict:
    """A chunk's tables as the store writes them: the reports frame, and every other table as an
    Arrow table with the report year it is partitioned by. Made where the chunk was read, so the
    build's own process only writes."""
    reports = tables["reports"]
    years = dict(zip(reports["file"], reports["report_year"]))
    parts = {"reports": reports}
    for name in PARTED:
        target = arrow_schema(name).append(pa.field("report_year", pa.int32()))
        df = tables[name].assign(report_year=tables[name]["file"].map(years))
        parts[name] = pa.Table.from_pandas(df[target.names], schema=target, preserve_index=False)
    return parts


def load(out: Path, tables: list[str] | None = None, columns: dict[str, list[str]] | None = None, years: list[int | None] | None = None,
         keys: list[str] | None = None, files: list[str] | None = None):
    """The tables of a build; only the tables, columns, report years (None: year unknown) and
    files asked for are read (a file the build does not hold is a ValueError), and of the tables
    with indicator keys (facts, unmapped, best), with `keys`, only the rows of those keys."""
    from .export import Dataset

    path = out / "reports.parquet"
    if not path.exists():
        if (out / JOURNAL).exists():
            raise FileNotFoundError(f"the build writing {out} did not finish: run `govstats build` again, it goes on where it stopped")
        raise FileNotFoundError(f"{path} not found: run `govstats build` first")
    columns = columns or {}
    present = set(pq.read_schema(path).names)
    counts = [c for cs in COUNTED.values() for c in cs if c in present]  # to check the tables against (older stores lack some)
    shown = None if "reports" not in columns else {"file", "report_year", *columns["reports"]}
    index = pd.read_parquet(path, columns=None if shown is None else sorted({"part", *counts, *shown}))
    if "part" not in index.columns:
        raise FileNotFoundError(f"{out} was written by an older govstats (one file a table): run `govstats build` again")
    index = _of_years(index, years)
    if files is not None:
        _known_files(files, index["file"])
        index = index[index["file"].isin(files)]
    result = {"reports": _typed("reports", index[[c for c in index.columns if c != "part" and (shown is None or c in shown)]])}
    live = index[["file", "part"]]
    current = _pairs(pa.Table.from_pandas(live, preserve_index=False))
    for name in PARTED:
        wanted = columns.get(name, schema.columns(name))
        asked = tables is None or name in tables
        some = keys is not None and "key" in schema.dtypes(name)
        rows = _rows(out, name, live, years, keys if some else None) if asked else None
        if rows is None:
            if asked:
                _check_complete(out, name, 0, index)
            result[name] = _typed(name, frame(name, [])[wanted])
            continue
        table = _current(rows[0].to_table(columns=sorted({"file", "part", *wanted}), filter=rows[1]), current)
        if not some:
            _check_complete(out, name, table.num_rows, index)
        target = arrow_schema(name)
        result[name] = _as_schema(table, pa.schema([target.field(c) for c in wanted])).to_pandas(types_mapper=PANDAS.get)
    if tables is None or "errors" in tables:
        extra = build_errors(out)
        if years is not None or files is not None:  # only the folder's problems with the files loaded
            extra = extra[extra["file"].isin(index["file"])]
        result["errors"] = pd.concat([result["errors"], extra[result["errors"].columns]], ignore_index=True)
    return Dataset(**result)


def build_errors(out: Path) -> pd.DataFrame:
    """The build's own problems with the folder's files (a manifest mismatch, a name that is not
    UTF-8, the same report twice, a correction of a file no longer there), in the errors schema."""
    path = out / "build_errors.parquet"
    return _typed("errors", pd.read_parquet(path)[schema.columns("errors")] if path.exists() else frame("errors", []))


def _rows(out: Path, name: str, live: pd.DataFrame, years: list[int | None] | None, keys: list[str] | None):
    """A parted table as an Arrow dataset of the part files of the parts in `live` (the index's
    file and part: a file's part files are found by their names, the others never opened), and
    the filter of those parts' rows of those report years and indicator keys (None: all); None
    when those parts have no row in the table."""
    parts = set(live["part"])
    paths = [str(p) for p in (out / name).rglob("*.parquet") if _part_of(p) in parts]
    if not paths:
        return None
    dataset = ds.dataset(paths, format="parquet", partitioning=YEAR, partition_base_dir=str(out / name))
    condition = ds.field("part").isin(pa.array(sorted(parts), pa.string()))
    if years is not None:
        by_year = ds.field("report_year").isin(pa.array([y for y in years if y is not None], pa.int32()))
        condition &= (by_year | ds.field("report_year").is_null()) if None in years else by_year
    if keys is not None:
        condition &= ds.field("key").isin(pa.array(keys, pa.string()))
    return dataset, condition


def _known_files(files: list[str], held: pd.Series) -> None:
    missing = sorted(set(files) - set(held))
    if missing:
        import difflib

        close = difflib.get_close_matches(missing[0], list(held), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "names are as the reports table holds them (govstats.load(folder).reports.file)"
        raise ValueError(f"no report {missing[0]!r} in the build: {hint}")


def _of_years(index: pd.DataFrame, years: list[int | None] | None) -> pd.DataFrame:
    if years is None:
        return index
    return index[index["report_year"].isin([y for y in years if y is not None]) | (index["report_year"].isna() if None in years else False)]


def _current(rows: pa.Table, current: pa.ChunkedArray) -> pa.Table:
    """The rows whose file and part (_pairs) are `current`, the index's: those of a file that
    changed since are left behind."""
    stale = pc.invert(pc.is_in(_pairs(rows), value_set=current))
    return rows.filter(pc.invert(stale)) if pc.any(stale).as_py() else rows


def keys(out: Path, name: str = "best", years: list[int | None] | None = None) -> list[str]:
    """The indicator keys of a build's table (of those report years), read a batch at a time: a
    large build's keys without holding its rows (those of 100 000 reports take gigabytes). A batch
    is of one part file: its rows are current when its files' index rows name its part (the few
    of a file changed since are left out)."""
    live = _of_years(pd.read_parquet(out / "reports.parquet", columns=["file", "part", "report_year"]), years)[["file", "part"]]
    rows = _rows(out, name, live, years, None)
    if rows is None:
        return []
    files_of = {part: set(files) for part, files in live.groupby("part")["file"]}
    found = set()
    for batch in rows[0].to_batches(columns=["key", "file", "part"], filter=rows[1]):
        parts = pc.unique(batch["part"]).to_pylist()
        for part in parts:
            of_part = batch if len(parts) == 1 else batch.filter(pc.equal(batch["part"], part))
            current = files_of.get(part, set())
            if not current.issuperset(pc.unique(of_part["file"]).to_pylist()):
                of_part = of_part.filter(pc.is_in(of_part["file"], value_set=pa.array(sorted(current), pa.string())))
            found.update(pc.unique(of_part["key"]).drop_null().to_pylist())
    return sorted(found - {""})


class StoreIncompleteError(RuntimeError):
    """A store's tables hold fewer or more rows than its index counts."""


COUNTED = {"facts": ["n_facts"], "unmapped": ["n_unmapped"], "checks": [c for c in schema.columns("reports") if c.startswith("n_checks_")],
           "errors": ["n_errors", "n_warnings"]}


def _check_complete(out: Path, name: str, rows: int, index: pd.DataFrame) -> None:
    """Every row the index counts for the reports loaded is there: a part file deleted or
    overwritten behind the build's back fails loudly instead of leaving figures out."""
    counted = [c for c in COUNTED.get(name, []) if c in index.columns]
    if counted and (expected := int(index[counted].sum().sum())) != rows:
        raise StoreIncompleteError(f"{out}: {name} holds {rows} rows of the reports loaded, its index counts {expected}"
                                   " (a part file missing or overwritten): build again with --full")


def _typed(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The dtypes of schema.py, whatever Parquet gave back."""
    df = df.reset_index(drop=True).copy()
    for col, dtype in schema.dtypes(name).items():
        if col in df.columns:
            df[col] = df[col].astype("string").fillna("") if dtype == "string" else df[col].astype(dtype)
    return df


def write_csv(out: Path, progress: bool = False) -> None:
    """CSV copies Excel opens with Chinese intact (UTF-8 with BOM): the rows `load` gives, written
    by Arrow's CSV writer some 64 000 rows at a time, so that memory stays flat (strings quoted, a
    blank cell empty, numbers as Arrow prints them: 12, 0.5, 1.2e+10). Not written again while the
    index they were written from is the same (a build that changed nothing)."""
    stamp = hashlib.sha256(b"".join((out / name).read_bytes() for name in ("reports.parquet", "build_errors.parquet"))).hexdigest()
    if all((out / name).exists() for name in [CSV_OF, *(f"{t}.csv" for t in schema.TABLES)]) and (out / CSV_OF).read_text(encoding="utf-8") == stamp:
        return
    (out / CSV_OF).unlink(missing_ok=True)  # until every copy is written
    index = pq.read_table(out / "reports.parquet")
    counts = index.select([c for cs in COUNTED.values() for c in cs if c in index.column_names]).to_pandas()

    def write(name: str) -> None:
        target = arrow_schema(name).remove(len(schema.TABLES[name]))  # without `part`
        with open(out / f"{name}.csv", "wb") as f:
            f.write(codecs.BOM_UTF8)
            with pacsv.CSVWriter(f, target, write_options=pacsv.WriteOptions(quoting_style="needed")) as writer:
                if name == "reports":
                    writer.write_table(_as_schema(index, target))
                    return
                rows = 0
                for table in _live_rows(out, name, index):
                    writer.write_table(_as_schema(table, target))
                    rows += table.num_rows
                _check_complete(out, name, rows, counts)
                if name == "errors":  # the folder's own problems (manifest, names, the same report twice), as `load` gives them
                    writer.write_table(_as_schema(pq.read_table(out / "build_errors.parquet"), target))

    with ThreadPoolExecutor(2) as pool:  # two at a time: Arrow reads, converts and writes without holding the GIL
        written = pool.map(write, schema.TABLES)
        if progress:
            from tqdm import tqdm

            written = tqdm(written, total=len(schema.TABLES), desc="writing the CSV copies (--no-csv skips them)", unit="table", disable=None)
        for _ in written:
            pass
    (out / CSV_OF).write_text(stamp, encoding="utf-8")


def remove_csv(out: Path) -> None:
    for path in [out / CSV_OF, *(out / f"{name}.csv" for name in schema.TABLES)]:
        path.unlink(missing_ok=True)


def _live_rows(out: Path, name: str, index: pa.Table, size: int = 1 << 16) -> Iterator[pa.Table]:
    """A table's rows of the files in the index, in tables of about `size` rows: those of the
    part each file's index row names (a changed file's rows left in an old part are not). Read a
    part file at a time: Arrow's dataset scanner keeps what it reads ahead while its reader writes
    (apache/arrow#39808), some 2 GB at 100 000 reports."""
    files_of: dict[str, list[str]] = {}
    for file, part in zip(index["file"].to_pylist(), index["part"].to_pylist()):
        files_of.setdefault(part, []).append(file)
    held, n = [], 0
    for path in sorted((out / name).rglob("*.parquet")):
        files = files_of.get(_part_of(path))
        if files is None:
            continue
        table = pq.ParquetFile(path).read()
        held.append(table.filter(pc.is_in(table["file"], value_set=pa.array(files, table["file"].type))))
        n += held[-1].num_rows
        if n >= size:
            yield pa.concat_tables(held)
            held, n = [], 0
    if held:
        yield pa.concat_tables(held)


def _pairs(rows: pa.Table) -> pa.ChunkedArray:
    """Each row's file and part, joined: a file's rows are those of the part its index row names."""
    return pc.binary_join_element_wise(rows["file"].cast(pa.string()), rows["part"].cast(pa.string()), "\n")


def _as_schema(table: pa.Table, target: pa.Schema) -> pa.Table:
    """The columns of `target`, in order and typed; a blank string is '', as `load` gives it."""
    columns = []
    for field in target:
        column = table[field.name].cast(field.type) if field.name in table.column_names else pa.nulls(table.num_rows, field.type)
        columns.append(pc.fill_null(column, "") if field.type == pa.string() else column)
    return pa.Table.from_arrays(columns, schema=target)
