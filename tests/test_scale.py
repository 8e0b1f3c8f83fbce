"""Parallel, incremental and distributed builds give the same tables as a one-process build;
unchanged files are not read again; loading reads only what is asked for."""

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from conftest import RAW

import govstats.pipeline
import govstats.report
from govstats import cli, engine, export, store
from govstats.engine import CHUNK, chunk_sizes
from govstats.export import build, load
from govstats.schema import TABLES, dtypes, frame

SORT = {"reports": ["file"], "facts": ["file", "source", "key", "applicant_type", "area", "period", "line", "col"],
        "unmapped": ["file", "line", "col"], "errors": ["file", "code", "message"], "checks": ["file", "check", "period"],
        "best": ["file", "key", "applicant_type", "area", "period"]}


def corpus(tmp_path, copies: int):
    """The seeds, each under several names: more files than one chunk holds. Each copy ends in
    its own number of blank lines, so no two files hold the same bytes (whose rows a build would
    copy instead of reading both)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for n in range(copies):
        for seed in sorted(RAW.glob("*.txt")):
            (folder / f"{n:03d}_{seed.name}").write_bytes(seed.read_bytes() + b"\n" * n)
    return folder


def tables(dataset) -> dict[str, pd.DataFrame]:
    return {name: getattr(dataset, name).sort_values(SORT[name], kind="stable").reset_index(drop=True) for name in TABLES}


def assert_same(a, b):
    for name, df in tables(a).items():
        pd.testing.assert_frame_equal(df, tables(b)[name], obj=name)


def assert_csv_copies_hold(out, dataset):
    """Each CSV copy holds the rows loading gives, value for value, and no others."""
    for name in TABLES:
        df, copy = getattr(dataset, name), pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        for column, dtype in dtypes(name).items():
            copy[column] = copy[column].astype("string") if dtype == "string" else pd.to_numeric(copy[column].replace("", None)).astype(dtype)
        in_order = list(df.columns)
        pd.testing.assert_frame_equal(copy.sort_values(in_order).reset_index(drop=True), df.sort_values(in_order).reset_index(drop=True), obj=f"{name}.csv")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return corpus(tmp_path_factory.mktemp("scale"), copies=CHUNK // 5 + 3)  # two chunks


@pytest.fixture(scope="module")
def one_process(folder, tmp_path_factory):
    return build(folder, tmp_path_factory.mktemp("one"), progress=False, jobs=1)


@pytest.mark.parametrize("n, workers", [(0, 2), (1, 2), (CHUNK, 2), (CHUNK + 1, 2), (5 * CHUNK, 2), (5 * CHUNK, 1), (7 * CHUNK + 3, 3)])
def test_chunks_are_even_and_keep_every_worker_busy_to_the_end(n, workers):
    sizes = chunk_sizes(n, workers)
    assert sum(sizes) == n and all(0 < s <= CHUNK for s in sizes)
    assert max(sizes, default=0) - min(sizes, default=0) <= 1
    if n <= CHUNK:  # a small rebuild is one task, read in the build's own process
        assert len(sizes) == (n > 0)
    else:  # no worker left idle while another reads a last chunk
        assert len(sizes) % workers == 0


def test_two_processes_give_the_same_tables_as_one(folder, one_process, tmp_path):
    assert len(one_process.reports) > CHUNK
    assert_same(build(folder, tmp_path, progress=False, jobs=2), one_process)


def test_dask_local_cluster_gives_the_same_tables(folder, one_process, tmp_path):
    pytest.importorskip("dask.distributed")
    assert_same(build(folder, tmp_path, progress=False, engine="dask", jobs=2), one_process)


def test_a_dask_worker_running_tasks_in_threads_gives_the_same_tables(folder, one_process, tmp_path):
    """A cluster started elsewhere may run several tasks at once in one worker's threads (here,
    this process's): the same tables, and the cycle collector left as it was found."""
    import gc

    distributed = pytest.importorskip("dask.distributed")
    before = gc.get_threshold(), gc.get_freeze_count()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        assert_same(build(folder, tmp_path, progress=False, engine="dask", scheduler=cluster.scheduler_address), one_process)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def files_read(monkeypatch) -> list[str]:
    """The names of the files this process reads from now on (one-process builds), in order."""
    read = []
    original = govstats.pipeline.process_file
    monkeypatch.setattr(govstats.pipeline, "process_file", lambda path, name=None, *limit: read.append(name) or original(path, name, *limit))
    return read


def test_an_unchanged_file_is_never_read_twice(tmp_path, monkeypatch):
    folder = corpus(tmp_path, copies=2)
    out = tmp_path / "out"
    first = build(folder, out, progress=False, jobs=1)
    read = files_read(monkeypatch)
    written = (out / "facts.csv").stat().st_mtime_ns
    again = build(folder, out, progress=False, jobs=1)
    assert read == []
    assert_same(again, first)
    assert (out / "facts.csv").stat().st_mtime_ns == written  # nor the CSV copies written again
    # change one file, add one, remove one: only the changed and the new are read
    changed = folder / "000_003_65346d4e8b8906da.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("101", "102"), encoding="utf-8")
    (folder / "new.txt").write_bytes((RAW / "000_7e7a0834d21815b9.txt").read_bytes() + b"\n" * 9)  # bytes the store does not hold
    (folder / "001_002_81b4ed55c119b43f.txt").unlink()
    third = build(folder, out, progress=False, jobs=1)
    assert sorted(read) == ["000_003_65346d4e8b8906da.txt", "new.txt"]
    assert len(third.reports) == len(first.reports) and "001_002_81b4ed55c119b43f.txt" not in set(third.facts["file"])
    website = third.facts[(third.facts["file"] == "000_003_65346d4e8b8906da.txt") & (third.facts["key"] == "channel_website")]
    assert list(website["value"]) == [102.0]  # the new rows, and only those: the old ones are not loaded
    assert_csv_copies_hold(out, third)
    fresh = build(folder, tmp_path / "fresh", progress=False, jobs=1)
    assert_same(third, fresh)
    # the build summary counts the current rows only, as loading does
    text, _ = govstats.report.build_summary(out)
    sources, statuses = fresh.facts["source"].value_counts(), fresh.checks["status"].value_counts()
    assert f"{sources['table']} table facts, {sources['narrative']} prose facts, {len(fresh.unmapped)} unmapped cells" in text
    assert "checks: " + ", ".join(f"{statuses.get(s, 0)} {s}" for s in govstats.report.STATUSES) in text


def test_the_summary_names_a_csv_copy_too_long_for_excel_and_a_build_without_copies_removes_old_ones(tmp_path, monkeypatch):
    folder, out = corpus(tmp_path, copies=1), tmp_path / "out"
    facts = build(folder, out, progress=False, jobs=1).facts
    monkeypatch.setattr(govstats.report, "EXCEL_ROWS", len(facts))
    text, _ = govstats.report.build_summary(out)
    assert f"facts.csv has {len(facts):,} rows: Excel shows the first {len(facts) - 1:,}" in text
    assert "unmapped.csv" not in text  # fewer rows than the pretend sheet
    build(folder, out, progress=False, jobs=1, csv_copies=False, load_result=False)
    assert list(out.glob("*.csv")) == []  # they would no longer match the tables
    assert "Excel" not in govstats.report.build_summary(out)[0]


def test_csv_copies_cut_short_are_written_again_by_the_next_build(tmp_path, monkeypatch):
    folder, out = corpus(tmp_path, copies=1), tmp_path / "out"
    dataset = build(folder, out, progress=False, jobs=1)
    (out / "reports.csv").unlink()  # the copies are written again, from the same index
    live_rows = store._live_rows

    def disk_full(out, name, *args):
        if name == "checks":
            raise OSError(28, "No space left on device")
        return live_rows(out, name, *args)

    monkeypatch.setattr(store, "_live_rows", disk_full)
    with pytest.raises(OSError):
        store.write_csv(out)
    monkeypatch.undo()
    build(folder, out, progress=False, jobs=1, load_result=False)
    assert_csv_copies_hold(out, dataset)


def test_a_file_is_hashed_again_only_when_its_size_times_or_inode_changed(tmp_path, monkeypatch):
    """As git tells unchanged files: an edit that keeps the size and puts the modification time
    back still shows (its change time); a file changed just before it was hashed is not
    remembered; --full and an unreadable record hash every file."""
    folder = corpus(tmp_path, copies=1)
    out = tmp_path / "out"
    hashed = []
    original = store._sha256
    monkeypatch.setattr(store, "_sha256", lambda path: hashed.append(os.path.basename(path)) or original(path))

    def again(**options):
        hashed.clear()
        return build(folder, out, progress=False, jobs=1, csv_copies=False, **options)

    monkeypatch.setattr(store, "RACY_NS", 10**15)  # every file changed "just before" it was hashed
    again(load_result=False)
    again(load_result=False)
    assert len(hashed) == 5
    monkeypatch.setattr(store, "RACY_NS", 0)  # as if the files had been written long before
    again(load_result=False)
    again(load_result=False)
    assert hashed == []
    edited = folder / "000_003_65346d4e8b8906da.txt"
    before = edited.stat()
    edited.write_text(edited.read_text(encoding="utf-8").replace("101", "102"), encoding="utf-8")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (edited.stat().st_size, edited.stat().st_mtime_ns, edited.stat().st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    dataset = again()
    assert hashed == [edited.name]
    website = dataset.facts[(dataset.facts["file"] == edited.name) & (dataset.facts["key"] == "channel_website")]
    assert list(website["value"]) == [102.0]
    again(full=True, load_result=False)
    assert len(hashed) == 5
    (out / store.HASHES).write_bytes(b"not parquet")
    dataset = again()
    assert len(hashed) == 5
    assert_same(dataset, build(folder, tmp_path / "fresh", progress=False, jobs=1))


RUN_TASK = engine.run_task


def dies_on_crash(task):
    """run_task, but the worker process reading a file named crash* is killed (as the system's
    out-of-memory killer would kill it); read in the test's own process, it fails instead."""
    if any(name.startswith("crash") for _, name in task.files):
        assert multiprocessing.parent_process() is not None, "read in the build's own process, not in a worker"
        os.kill(os.getpid(), signal.SIGKILL)
    return RUN_TASK(task)


@pytest.mark.parametrize("engine_name", ["local", "dask"])
def test_a_file_that_kills_its_reader_fails_and_the_build_goes_on(engine_name, tmp_path, monkeypatch):
    """A worker killed while reading takes the tasks in flight with it (on this machine, the whole
    pool; on Dask, the task that ended every worker it ran on): they are run again one at a time,
    the files of the one that dies again one by one; the file that killed it fails
    (`reader_died`), every other file is read, and a rebuild does not read that file again until
    it changes."""
    if engine_name == "dask":
        dask = pytest.importorskip("dask")
        pytest.importorskip("dask.distributed")
        # a task is given up at the first worker it ends, not the fourth: a faster test
        scheduler = {**dask.config.get("distributed.scheduler"), "allowed-failures": 0}
        monkeypatch.setitem(dask.config.config, "distributed", {**dask.config.get("distributed"), "scheduler": scheduler})
    folder = corpus(tmp_path, copies=2)
    expected = build(folder, tmp_path / "expected", progress=False, jobs=1)
    (folder / "crash.txt").write_bytes((RAW / "003_65346d4e8b8906da.txt").read_bytes() + b"\n" * 9)
    monkeypatch.setattr(engine, "CHUNK", 4)  # several chunks, all in flight on two workers
    monkeypatch.setattr(engine, "run_task", dies_on_crash)
    out = tmp_path / "out"
    dataset = build(folder, out, progress=False, jobs=2, engine=engine_name)
    crashed = dataset.reports.set_index("file").loc["crash.txt"]
    assert (crashed["status"], crashed["error_code"]) == ("failed", "reader_died") and crashed["sha256"]
    assert list(dataset.errors.loc[dataset.errors["file"] == "crash.txt", "code"]) == ["reader_died"]
    for name, df in tables(dataset).items():
        pd.testing.assert_frame_equal(df[df["file"] != "crash.txt"].reset_index(drop=True), tables(expected)[name], obj=name)
    tasks = []
    monkeypatch.setattr(export, "run", lambda todo, **_: tasks.extend(todo) or iter(()))
    assert_same(build(folder, out, progress=False, jobs=2, engine=engine_name), dataset)
    assert tasks == []


def test_a_file_that_kills_a_build_reading_in_its_own_process_fails_alone_in_the_next(tmp_path, monkeypatch, capsys):
    """A one-process build (one job, or one chunk) dies with the file that kills its reader; the
    next build of the store reads in worker processes, where that file fails alone, and the one
    after it reads in its own process again."""
    folder = corpus(tmp_path, copies=1)
    expected = build(folder, tmp_path / "expected", progress=False, jobs=1)
    (folder / "crash.txt").write_bytes((RAW / "003_65346d4e8b8906da.txt").read_bytes() + b"\n" * 9)
    out = tmp_path / "out"
    script = tmp_path / "dies.py"
    script.write_text("import os, signal, govstats, govstats.pipeline as p\n"
                      "read = p.read_document\n"
                      "p.read_document = lambda path, name, data: os.kill(os.getpid(), signal.SIGKILL) if name.startswith('crash') else read(path, name, data)\n"
                      f"if __name__ == '__main__':\n    govstats.build({str(folder)!r}, {str(out)!r}, jobs=1)\n")
    assert subprocess.run([sys.executable, str(script)], cwd=tmp_path).returncode == -signal.SIGKILL
    assert (out / store.READING).exists()
    monkeypatch.setattr(engine, "run_task", dies_on_crash)  # in the workers
    monkeypatch.chdir(tmp_path)  # no corrections file of the working folder's
    assert cli.main(["build", str(folder), "--out", str(out), "--quiet", "--no-csv", "--jobs", "1"]) == 0
    assert "reads in worker processes" in capsys.readouterr().err
    dataset = load(out)
    crashed = dataset.reports.set_index("file").loc["crash.txt"]
    assert (crashed["status"], crashed["error_code"]) == ("failed", "reader_died")
    for name, df in tables(dataset).items():
        pd.testing.assert_frame_equal(df[df["file"] != "crash.txt"].reset_index(drop=True), tables(expected)[name], obj=name)
    assert not (out / store.READING).exists()
    monkeypatch.setattr(engine, "run_task", RUN_TASK)
    (folder / "new.txt").write_bytes((RAW / "001_d30c6bb9e8db6bc5.txt").read_bytes() + b"\n" * 9)
    read = files_read(monkeypatch)
    build(folder, out, progress=False, jobs=1, load_result=False)
    assert read == ["new.txt"]  # in this process


def test_a_chunk_that_dies_alone_is_halved_until_a_death_names_its_file(monkeypatch):
    """The engine's course after a death, on a pretend pool where a task holding a deadly file
    takes every task in flight with it: each file comes back exactly once, the deadly ones as
    reader_died, and a chunk of 200 with one deadly file costs a few tasks, not one a file."""
    monkeypatch.setattr(engine, "_reader_died", lambda task: "died")
    deadly = {"f037", "f150"}
    tasks = [engine.Task(f"b{c}", tuple((f"/nowhere/f{i:03d}", f"f{i:03d}") for i in range(c * 200, c * 200 + 200))) for c in range(3)]
    attempted = []

    def attempt(queue, in_flight):
        while queue:
            batch = [queue.popleft() for _ in range(min(in_flight, len(queue)))]
            attempted.extend(batch)
            if any(name in deadly for t in batch for _, name in t.files):
                return batch
            yield from ((t, "read") for t in batch)
        return []

    finished = list(engine._surviving_deaths(tasks, attempt, 2))
    names = sorted(name for t, _ in finished for _, name in t.files)
    assert names == sorted(name for t in tasks for _, name in t.files)
    assert sorted(t.files[0][1] for t, got in finished if got == "died") == sorted(deadly)
    assert len({t.part for t, _ in finished}) == len(finished)
    # b0 and b1 lost together and run again whole, then 2 tasks a halving (200 → 1: 8 of them) for
    # each deadly file, and b2: 31 tasks; one a file would be 400 more
    assert len(attempted) <= 40


def test_a_script_that_builds_without_the_main_guard_stops_with_an_error_that_says_why(tmp_path):
    """A worker starts by importing the program's main module: one of a script that builds
    without `if __name__ == "__main__":` builds again as it starts, and fails. The build stops
    and says why, instead of taking each failed start for a death caused by a file."""
    script = tmp_path / "unguarded.py"
    script.write_text(f"import govstats, govstats.engine\ngovstats.engine.CHUNK = 2\ngovstats.build({str(RAW)!r}, {str(tmp_path / 'out')!r}, jobs=2)\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 1 and "WorkerStartError" in run.stderr and 'if __name__ == "__main__":' in run.stderr


def spins_on_slow(task):
    """run_task, but reading a file named slow* takes 60 s (far longer than the time limit)."""
    original = govstats.pipeline.read_document

    def spinning(path, name, data):
        end = time.monotonic() + 60
        while name.startswith("slow") and time.monotonic() < end:
            pass
        return original(path, name, data)

    govstats.pipeline.read_document = spinning
    try:
        return RUN_TASK(task)
    finally:
        govstats.pipeline.read_document = original


@pytest.mark.parametrize("jobs, engine_name", [(1, "local"), (2, "local"), (2, "dask")])
def test_a_file_read_for_longer_than_the_time_limit_fails_and_the_build_goes_on(jobs, engine_name, tmp_path, monkeypatch):
    """In the build's own process, in its workers and in a Dask worker's threads alike (the limit
    is well above the time a worker takes to warm up on its first file)."""
    if engine_name == "dask":
        pytest.importorskip("dask.distributed")
    folder = corpus(tmp_path, copies=1)
    expected = build(folder, tmp_path / "expected", progress=False, jobs=1)
    (folder / "slow.txt").write_bytes((RAW / "003_65346d4e8b8906da.txt").read_bytes() + b"\n" * 9)
    monkeypatch.setattr(engine, "CHUNK", 3)
    monkeypatch.setattr(engine, "run_task", spins_on_slow)
    dataset = build(folder, tmp_path / "out", progress=False, jobs=jobs, engine=engine_name, time_limit=6)
    slow = dataset.reports.set_index("file").loc["slow.txt"]
    assert (slow["status"], slow["error_code"]) == ("failed", "timed_out") and slow["sha256"]
    [message] = dataset.errors.loc[dataset.errors["file"] == "slow.txt", "message"]
    assert "more than 6 s" in message and "--timeout" in message
    for name, df in tables(dataset).items():
        pd.testing.assert_frame_equal(df[df["file"] != "slow.txt"].reset_index(drop=True), tables(expected)[name], obj=name)


def test_a_file_that_failed_is_read_again_only_when_asked(tmp_path, monkeypatch):
    """A failed file is not read again while its bytes are the same (a file that timed out would
    cost the time limit at every rebuild), but is with retry_failed, once what failed it is mended
    (here: the file no longer takes longer than the limit)."""
    folder = corpus(tmp_path, copies=1)
    (folder / "slow.txt").write_bytes((RAW / "003_65346d4e8b8906da.txt").read_bytes() + b"\n" * 9)
    out = tmp_path / "out"
    monkeypatch.setattr(engine, "run_task", spins_on_slow)
    assert build(folder, out, progress=False, jobs=1, time_limit=2).reports.set_index("file").loc["slow.txt", "error_code"] == "timed_out"
    monkeypatch.setattr(engine, "run_task", RUN_TASK)
    read = files_read(monkeypatch)
    again = build(folder, out, progress=False, jobs=1)
    assert read == [] and again.reports.set_index("file").loc["slow.txt", "error_code"] == "timed_out"
    monkeypatch.chdir(tmp_path)  # no corrections file of the working folder's
    assert cli.main(["build", str(folder), "--out", str(out), "--quiet", "--no-csv", "--jobs", "1", "--retry-failed"]) == 0
    assert read == ["slow.txt"]
    assert_same(load(out), build(folder, tmp_path / "fresh", progress=False, jobs=1))


def test_loading_reads_only_the_columns_years_and_keys_asked_for(one_process, folder, tmp_path):
    out = tmp_path / "out"
    build(folder, out, progress=False, jobs=1, csv_copies=False, load_result=False)
    part = load(out, tables=["facts"], columns={"facts": ["key", "value"]}, years=[2020])
    assert list(part.facts.columns) == ["key", "value"]
    assert set(part.reports["report_year"]) == {2020} and len(part.best) == 0
    whole = one_process.facts
    in_2020 = whole[whole["file"].isin(one_process.reports.loc[one_process.reports["report_year"] == 2020, "file"])]
    assert len(part.facts) == len(in_2020)
    assert any(p.name == "report_year=2020" for p in (out / "facts").iterdir())  # one folder a year
    keyed = load(out, tables=["facts", "unmapped", "checks"], keys=["channel_website"], years=[2020])
    assert set(keyed.facts["key"]) == {"channel_website"} and len(keyed.facts) == (in_2020["key"] == "channel_website").sum()
    assert len(keyed.unmapped) == 0 and len(keyed.checks) == len(load(out, tables=["checks"], years=[2020]).checks)  # checks have no key


def test_the_keys_of_a_build_are_those_of_its_current_rows(tmp_path):
    """store.keys (the explorer's indicators, read a batch at a time) leaves out a key only the
    old version of a changed file held: its rows stay in a part that other files keep current."""
    from govstats import store

    folder, out = tmp_path / "raw", tmp_path / "out"
    folder.mkdir()
    for seed in sorted(RAW.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    build(folder, out, progress=False, jobs=1, csv_copies=False, load_result=False)
    assert "dibao_households" in store.keys(out)  # seed 000's alone
    (folder / "000_7e7a0834d21815b9.txt").write_bytes((RAW / "003_65346d4e8b8906da.txt").read_bytes() + b"\n")
    build(folder, out, progress=False, jobs=1, csv_copies=False, load_result=False)
    for years in (None, [2017], [2020, None]):
        assert store.keys(out, "best", years) == sorted(set(load(out, tables=["best"], years=years).best["key"]) - {""}), years
    assert "dibao_households" not in store.keys(out) and len(store.keys(out, "best", [2020])) < len(store.keys(out)) and store.keys(out, "facts")


def test_the_same_bytes_are_read_once(tmp_path, monkeypatch):
    """A file moved, renamed or copied since the last build, or a copy of another file this build
    reads, gets the rows of the file with its bytes under its own name, unless reading could give
    other ones: another reader (format), or a correction for the file or for the one its rows
    would come from."""
    folder = corpus(tmp_path, copies=2)
    unique = (RAW / "003_65346d4e8b8906da.txt").read_text(encoding="utf-8").replace("101", "102")
    (folder / "corrected.txt").write_text(unique, encoding="utf-8")  # bytes no other file has
    fixes = tmp_path / "corrections.toml"
    fixes.write_text("".join(f'[[correction]]\nfile = "{file}"\nkey = "proactive_total"\nshows = 30\nvalue = 246\nwhy = "test"\n'
                             for file in ["corrected.txt", "fixed_copy.txt"]), encoding="utf-8")
    out = tmp_path / "out"
    build(folder, out, progress=False, jobs=1, corrections=fixes)
    (folder / "2019").mkdir()
    for seed in ["002_81b4ed55c119b43f", "004_871b05a060ee8a47", "000_7e7a0834d21815b9"]:
        (folder / f"000_{seed}.txt").rename(folder / "2019" / f"000_{seed}.txt")  # moved
    (folder / "001_004_871b05a060ee8a47.txt").rename(folder / "001_004.md")  # renamed, read as text all the same
    shutil.copy(folder / "001_003_65346d4e8b8906da.txt", folder / "copy.txt")  # a copy of a file still there
    shutil.copy(folder / "001_003_65346d4e8b8906da.txt", folder / "fixed_copy.txt")  # a copy with a correction of its own
    (folder / "corrected.txt").rename(folder / "003.txt")  # the rows of a corrected file are not its own
    (folder / "000_001_d30c6bb9e8db6bc5.txt").rename(folder / "001.html")  # another reader
    seed = (RAW / "004_871b05a060ee8a47.txt").read_bytes()
    (folder / "000_002_81b4ed55c119b43f.txt").write_bytes(seed + b"\n" * 7)  # other bytes under a name moved away
    for twin in ["twin_a.txt", "twin_b.txt"]:  # new bytes, twice: read once
        (folder / twin).write_bytes(seed + b"\n" * 8)
    read = files_read(monkeypatch)
    again = build(folder, out, progress=False, jobs=1, corrections=fixes)
    assert sorted(read) == ["000_002_81b4ed55c119b43f.txt", "001.html", "003.txt", "fixed_copy.txt", "twin_a.txt"]
    assert_same(again, build(folder, tmp_path / "fresh", progress=False, jobs=1, corrections=fixes))
    proactive = again.facts[(again.facts["key"] == "proactive_total") & (again.facts["source"] == "table")].set_index("file")["value"]
    assert proactive["fixed_copy.txt"] == 246 and proactive["copy.txt"] == proactive["001_003_65346d4e8b8906da.txt"] == 30
    assert proactive["003.txt"] == 30  # the correction named the old name only
    assert set(again.reports["file"]) >= {"2019/000_000_7e7a0834d21815b9.txt", "001_004.md", "copy.txt", "twin_b.txt"}


def test_a_report_saved_twice_with_other_bytes_is_warned_of_once(tmp_path):
    """The same agency, region and report year in two files (another encoding, a line more) would
    count twice in every analysis; the bytes differ, so no copy of rows tells it."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for seed in sorted(RAW.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    (folder / "zz_000_again.txt").write_bytes((RAW / "000_7e7a0834d21815b9.txt").read_bytes() + b"\n")
    (folder / "zz_003_gbk.txt").write_bytes((RAW / "003_65346d4e8b8906da.txt").read_text(encoding="utf-8").encode("gbk"))
    for _ in range(2):  # a rebuild says it once again, not twice
        data = build(folder, tmp_path / "out", progress=False, jobs=1)
        same = data.errors[data.errors["code"] == "same_report"].set_index("file")["message"]
        assert sorted(same.index) == ["zz_000_again.txt", "zz_003_gbk.txt"]
        assert same["zz_000_again.txt"].startswith("possibly the same report as 000_7e7a0834d21815b9.txt: the same agency, region and report year (兴庆区民政局, 2017)")
        assert same["zz_003_gbk.txt"].startswith("possibly the same report as 003_65346d4e8b8906da.txt")
        assert_csv_copies_hold(tmp_path / "out", data)  # errors.csv had left out the folder's problems with files it holds


def test_other_corrections_or_full_read_everything_again(tmp_path, monkeypatch):
    folder = corpus(tmp_path, copies=1)
    out = tmp_path / "out"
    build(folder, out, progress=False, jobs=1)
    read = files_read(monkeypatch)
    build(folder, out, progress=False, jobs=1, full=True)
    assert len(read) == 5
    read.clear()
    fixes = tmp_path / "corrections.toml"
    fixes.write_text('[[correction]]\nfile = "000_003_65346d4e8b8906da.txt"\nkey = "proactive_total"\nshows = 30\nvalue = 246\nwhy = "test"\n', encoding="utf-8")
    fixed = build(folder, out, progress=False, jobs=1, corrections=fixes)
    assert len(read) == 5  # the corrections changed: every file is read and corrected again
    total = fixed.facts[(fixed.facts["file"] == "000_003_65346d4e8b8906da.txt") & (fixed.facts["key"] == "proactive_total") & (fixed.facts["source"] == "table")]
    assert list(total["value"]) == [246.0]


def test_a_build_cut_short_keeps_what_it_finished(folder, one_process, tmp_path, monkeypatch):
    """A build stopped after its first chunk (Ctrl-C, a crash), while the second chunk's parts
    were written but not yet taken into the index: the next build reads only the files of the
    chunks not finished, and its store is the one a build never cut short writes."""
    import govstats.export
    from govstats.store import _part_of

    out = tmp_path / "out"
    build(folder, out, progress=False, jobs=1, load_result=False)
    real = govstats.export.run

    def cut_short(tasks, **options):
        for n, finished in enumerate(real(tasks, **options)):
            if n == 1:  # the second chunk is written, the build stops before taking it in
                raise KeyboardInterrupt
            yield finished

    monkeypatch.setattr(govstats.export, "run", cut_short)
    with pytest.raises(KeyboardInterrupt):
        build(folder, out, progress=False, jobs=1, full=True)  # a full build's first step deletes the old store
    with pytest.raises(FileNotFoundError, match="did not finish: run `govstats build` again"):
        load(out)
    monkeypatch.setattr(govstats.export, "run", real)
    read = files_read(monkeypatch)
    resumed = build(folder, out, progress=False, jobs=1)
    first_chunk = chunk_sizes(len(one_process.reports), 1)[0]
    assert sorted(read) == sorted(one_process.reports["file"])[first_chunk:]  # files are chunked in name order
    assert_same(resumed, one_process)
    live = set(pd.read_parquet(out / "reports.parquet")["part"])
    assert {_part_of(p) for p in out.rglob("*.parquet") if p.parent != out} == live  # the parts cut off are gone
    assert len({p.split("-")[0] for p in live}) == 2 and not (out / "_journal").exists()


def test_a_table_from_row_dicts_keeps_blanks_and_converts_as_pandas_does():
    """frame() builds a chunk's tables in Arrow at once: a key a row lacks, None and NaN are
    empty ('' in a string column, NA in a number one; never 0), and a value of another type is
    converted as pandas converts it (an integer column given 3.0, a string column given 2020)."""
    rows = [{"file": "a", "key": "k", "value": 2, "line": 3, "period": ""},
            {"file": "b", "value": float("nan"), "line": 4.0, "period": 2020, "evidence": None}]
    df = frame("facts", rows)
    assert list(df.columns) == [name for name, _, _ in TABLES["facts"]]
    assert dict(df.dtypes.astype(str)) == {name: {"string": "string"}.get(dtype, dtype) for name, dtype, _ in TABLES["facts"]}
    assert df["key"].tolist() == ["k", ""] and df["evidence"].tolist() == ["", ""]
    assert df["value"].iloc[0] == 2.0 and pd.isna(df["value"].iloc[1]) and df["col"].isna().all()
    assert df["line"].tolist() == [3, 4] and df["period"].tolist() == ["", "2020"]
    empty = frame("facts", [])
    assert empty.empty and empty.dtypes.equals(df.dtypes)


def test_a_chunk_leaves_the_cycle_collector_as_it_found_it():
    import gc

    from govstats.engine import Task, run_task

    seed = sorted(RAW.glob("*.txt"))[0]
    before = gc.get_threshold()
    tables = run_task(Task("p1", ((str(seed), seed.name),)))
    assert tables["facts"].num_rows > 0 and set(tables) == set(TABLES)  # no store folder: every table comes back
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0 and gc.isenabled()
    gc.freeze()  # a program that froze its own objects keeps them frozen
    try:
        run_task(Task("p2", ((str(seed), seed.name),)))
        assert gc.get_freeze_count() > 0  # not unfrozen (a frozen object freed meanwhile lowers the count)
    finally:
        gc.unfreeze()


def test_a_store_is_written_by_one_build_at_a_time(tmp_path, capsys):
    """Two builds into one folder would name their parts alike and overwrite each other's rows:
    the second is refused with a clear error, and the folder is free again once a build is done."""
    from govstats.store import State, StoreBusyError, fingerprint

    folder = corpus(tmp_path, copies=1)
    out = tmp_path / "out"
    first = State.open(out, fingerprint([]))
    with pytest.raises(StoreBusyError, match="another govstats build is writing"):
        State.open(out, fingerprint([]))
    assert cli.main(["build", str(folder), "--out", str(out), "--quiet", "--no-csv"]) == 2
    assert "another govstats build is writing" in capsys.readouterr().err
    first.release()
    assert cli.main(["build", str(folder), "--out", str(out), "--quiet", "--no-csv"]) == 0
    State.open(out, fingerprint([])).release()  # the build let go of it


def test_a_store_missing_a_part_file_fails_to_load(tmp_path, capsys):
    """Rows lost behind the build's back (a part file deleted, or overwritten by another program)
    are found by the counts every report row carries: loading fails and says how to mend it."""
    from govstats.store import StoreIncompleteError

    out = tmp_path / "out"
    build(corpus(tmp_path, copies=1), out, progress=False, jobs=1, load_result=False)
    year = int(load(out, tables=[]).reports["report_year"].dropna().iloc[0])
    assert len(load(out, years=[year], columns={"facts": ["key"], "reports": ["agency"]}).facts) > 0  # complete: loads
    lost = next((out / "facts").rglob("*.parquet"))
    lost.unlink()
    with pytest.raises(StoreIncompleteError, match="build again with --full"):
        load(out)
    index = load(out, tables=[]).reports
    of_that_year = index.loc[index["report_year"] == int(lost.parent.name.split("=")[1]), "file"].iloc[0]
    assert cli.main(["show", of_that_year, "--data", str(out)]) == 2 and "facts holds" in capsys.readouterr().err
    next((out / "checks").rglob("*.parquet")).unlink()
    assert cli.main(["check", "--data", str(out)]) == 2 and "checks holds" in capsys.readouterr().err


def test_an_output_folder_inside_the_input_folder_is_not_read_as_reports(tmp_path, capsys):
    """Its tables (CSV copies, Parquet) are not reports: a second build reads the same five files.
    The input folder itself cannot be the output folder."""

    folder = corpus(tmp_path, copies=1)
    for _ in range(2):
        assert len(build(folder, folder / "out", progress=False, jobs=1).reports) == 5
    assert cli.main(["build", str(folder), "--out", str(folder), "--quiet"]) == 2
    assert "is the input folder" in capsys.readouterr().err


@pytest.mark.parametrize("options", [["--jobs", "0"], ["--jobs", "-2"], ["--jobs", "x"], ["--scheduler", "tcp://127.0.0.1:8786"],
                                     ["--timeout", "-1"], ["--timeout", "nan"], ["--timeout", "10m"]])
def test_options_that_cannot_be_followed_are_refused(options, tmp_path, capsys):
    """--jobs is a whole number of one or more; --timeout seconds, 0 or more; --scheduler goes with
    --engine dask (neither was ignored silently before)."""

    with pytest.raises(SystemExit) as exit_:
        cli.main(["build", str(RAW), "--out", str(tmp_path / "out"), *options])
    assert exit_.value.code == 2 and options[0] in capsys.readouterr().err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("options, name", [({"jobs": 0}, "jobs"), ({"jobs": -1}, "jobs"), ({"jobs": "2"}, "jobs"), ({"jobs": 1.5}, "jobs"),
                                           ({"engine": "spark"}, "engine"), ({"scheduler": "tcp://127.0.0.1:8786"}, "scheduler"),
                                           ({"time_limit": -1}, "time_limit"), ({"time_limit": float("nan")}, "time_limit")])
def test_build_options_that_cannot_be_followed_are_refused_before_anything_is_read(options, name, tmp_path):
    """The same for the Python API: an unknown engine ran locally, a negative time limit failed
    every file, jobs=-1 ran in one process."""
    with pytest.raises(ValueError, match=f"^{name} "):
        build(RAW, tmp_path / "out", progress=False, **options)
    assert not (tmp_path / "out").exists()


def test_folders_that_are_not_there_or_not_folders_are_errors_and_an_empty_one_an_empty_build(tmp_path, capsys):
    """A mistyped folder used to fail deep in the build (KeyError: 'file'), and so did an empty one;
    a file given for the output folder, or a folder without a build to the other commands, ended
    in a traceback."""
    for given, message in [(tmp_path / "nowhere", f"no folder {tmp_path / 'nowhere'}"), (RAW / "MANIFEST.csv", f"{RAW / 'MANIFEST.csv'} is not a folder")]:
        assert cli.main(["build", str(given), "--out", str(tmp_path / "out"), "--quiet"]) == 2
        assert f"ERROR {message}" in capsys.readouterr().err and not (tmp_path / "out").exists()
    (tmp_path / "a file").write_text("")
    assert cli.main(["build", str(RAW), "--out", str(tmp_path / "a file"), "--quiet"]) == 2
    assert f"ERROR {tmp_path / 'a file'} is a file: write the build to a folder" in capsys.readouterr().err
    for command in [["check"], ["figures"], ["show", "000"]]:  # a folder no build wrote
        assert cli.main([*command, "--data", str(tmp_path / "nowhere")]) == 2
        assert f"ERROR {tmp_path / 'nowhere' / 'reports.parquet'} not found: run `govstats build` first" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    empty = build(tmp_path / "empty", tmp_path / "out", progress=False)
    assert all(len(getattr(empty, name)) == 0 and list(getattr(empty, name).columns) == [c for c, _, _ in TABLES[name]] for name in TABLES)


def test_the_dask_engine_without_dask_installed_is_an_error_that_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # an import of it fails, as when it is not installed
    assert cli.main(["build", str(RAW), "--out", str(tmp_path / "out"), "--quiet", "--engine", "dask"]) == 2
    assert "pip install 'govstats[dask]'" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_a_clear_error_and_the_store_is_let_go(tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    import dask

    from govstats.engine import SchedulerError

    out = tmp_path / "out"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = cli.main(["build", str(RAW), "--out", str(out), "--quiet", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])
        assert code == 2 and "cannot reach a Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
        with pytest.raises(SchedulerError) as failed:
            build(RAW, out, progress=False, engine="dask", scheduler="tcp://127.0.0.1:9")
    # the traceback kept (as a notebook keeps its last one) holds the failed build's frames, not its lock
    assert failed.traceback and len(build(RAW, out, progress=False, jobs=1).reports) == 5


def test_ctrl_c_says_the_build_goes_on_where_it_stopped(tmp_path, monkeypatch, capsys):
    import govstats.export

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(govstats.export, "build", interrupted)
    assert cli.main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--quiet"]) == 130
    assert "run the same command again to read the rest" in capsys.readouterr().err


SPAWNED = """
import os, sys, time, multiprocessing
from concurrent.futures import ProcessPoolExecutor
from govstats.engine import _end_with

if __name__ == "__main__":  # the build's pool as Windows starts it: workers spawned by the build itself
    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=_end_with, initargs=(os.getpid(), "spawn"))
    futures = [pool.submit(time.sleep, 120) for _ in range(2)]
    time.sleep(120)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="finds the workers in /proc (Linux)")
@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_workers_end_when_the_build_is_killed(method, folder, tmp_path):
    """A build killed outright cannot stop its workers; they end by themselves instead of
    waiting for ever with a chunk's memory: forked from a fork server (Linux, macOS), or spawned
    by the build (Windows)."""
    import signal
    import subprocess
    import sys
    import time

    def children(pid: int) -> list[int]:
        found = []
        for stat in os.listdir("/proc"):
            try:
                fields = open(f"/proc/{stat}/stat").read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(stat))
        return found

    def alive(pid: int) -> bool:
        try:
            return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    def workers_of(pid: int) -> list[int]:
        if method == "forkserver":  # the fork server's children
            return [w for server in children(pid) for w in children(server)]
        return [w for w in children(pid) if b"spawn_main" in open(f"/proc/{w}/cmdline", "rb").read()]

    if method == "forkserver":
        command = ["-c", f"from govstats.export import build; build({str(folder)!r}, {str(tmp_path / 'out')!r}, progress=False, jobs=2)"]
    else:
        (tmp_path / "spawned.py").write_text(SPAWNED, encoding="utf-8")
        command = [str(tmp_path / "spawned.py")]
    main = subprocess.Popen([sys.executable, *command])
    workers, deadline = [], time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and main.poll() is None:
        workers = workers_of(main.pid)
        time.sleep(0.05)
    assert len(workers) == 2, "the build ended before its workers were seen"
    main.send_signal(signal.SIGKILL)
    main.wait()
    deadline = time.monotonic() + 20
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if alive(w)]
    for w in left:  # not left behind by a failing test either
        os.kill(w, signal.SIGKILL)
    assert not left


def test_a_worker_without_pidfd_asks_whether_the_build_is_still_there(monkeypatch):
    """macOS, and Linux before 5.3, have no pidfd: the worker asks every so often instead."""
    import subprocess
    import threading

    from govstats.engine import wait_for_end

    monkeypatch.delattr(os, "pidfd_open", raising=False)
    build_process = subprocess.Popen(["sleep", "60"])
    watcher = threading.Thread(target=wait_for_end, args=(build_process.pid, "forkserver", 0.05), daemon=True)
    watcher.start()
    watcher.join(0.5)
    assert watcher.is_alive()  # the build is there: the worker goes on
    build_process.kill()
    build_process.wait()
    watcher.join(5)
    assert not watcher.is_alive()
