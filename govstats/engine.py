"""Where the per-file work runs: in this process, on a local process pool, or on a Dask cluster.

The unit of work is a `Task`: a chunk of files read, corrected and checked together into the
build's tables (checks and best values are per report, so a chunk is self-contained). Every
engine runs the same `run_task`, so their outputs are identical. A chunk's rows are written as soon
as it is done, so memory stays flat as the corpus grows: by the process that read it on this
machine, by the build's process when they come back from a Dask cluster. A file whose reading
kills its worker fails alone (`_surviving_deaths`), as does one read for longer than the build's
time limit (pipeline.process_file).
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import dataclasses
import gc
import os
import select
import threading
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

CHUNK = 200  # files per task: large enough to amortise scheduling, small enough to keep memory flat


@dataclasses.dataclass(frozen=True)
class Task:
    part: str  # names the output files this chunk's rows go to
    files: tuple[tuple[str, str], ...]  # (path, name inside the input folder)
    corrections: tuple[dict, ...] = ()  # entries of the corrections file for these files
    corrections_source: str = ""
    out: str = ""  # the store folder, when the task writes its own rows (this machine's processes); else they come back
    time_limit: float = 0  # seconds a file may take to be read (0: no limit)

    def halves(self) -> tuple["Task", "Task"]:
        """The task's files in two tasks (the first half, the rest), each in a part of its own."""
        mid = len(self.files) // 2
        return self._with(self.files[:mid], "0"), self._with(self.files[mid:], "1")

    def _with(self, files: tuple[tuple[str, str], ...], tag: str) -> "Task":
        names = {name for _, name in files}
        return dataclasses.replace(self, part=f"{self.part}-{tag}", files=files, corrections=tuple(e for e in self.corrections if e["file"] in names))


def chunk_sizes(n: int, workers: int) -> list[int]:
    """How many of n files each task reads: at most CHUNK, as even as can be, and as many tasks as
    a multiple of the workers when there are several, so that the workers finish together (five
    full chunks on two workers would leave one idle while the other reads the fifth)."""
    count = -(-n // CHUNK)
    if count > 1:
        count = -(-count // workers) * workers
    base, extra = divmod(n, count) if count else (0, 0)
    return [base + 1] * extra + [base] * (count - extra)


def run_task(task: Task) -> dict:
    """Read the task's files and return its tables (schema.TABLES, as store.to_parts makes them),
    every row tagged with the part; a task given the store folder writes all but the reports
    there itself and returns the reports only (the build's process then has little to do)."""
    return _written(task, read_task(task))


def _written(task: Task, tables: dict) -> dict:
    from .store import write_parts

    if not task.out:
        return tables
    write_parts(Path(task.out), tables)
    return {"reports": tables["reports"]}


def read_task(task: Task) -> dict:
    """The task's files read, corrected and checked: its tables, every row tagged with the part."""
    from .pipeline import process_file

    lean_memory()
    with fewer_collections():
        results = []
        for path, name in task.files:
            result = process_file(path, name, task.time_limit)
            result.document = None
            results.append(result)
        return _tables(task, results)


def _tables(task: Task, results: list) -> dict:
    from .export import to_dataset
    from .store import to_parts

    dataset = to_dataset(results, list(task.corrections), task.corrections_source)
    return to_parts({name: df.assign(part=task.part) for name, df in vars(dataset).items()})


def _reader_died(task: Task) -> dict:
    """The tables of a task of one file whose reading ended the process reading it."""
    from .pipeline import reader_died

    return _written(task, _tables(task, [reader_died(*task.files[0])]))


@contextlib.contextmanager
def fewer_collections():
    """Python's cycle collector, run less often and over less while a chunk is read: a chunk
    allocates hundreds of thousands of short-lived objects (freed by reference counting), and
    each collection would otherwise walk every object of the process (modules, gazetteer, memos)
    again: a tenth of the time or more. What lives when the chunk starts is left out of collections
    (gc.freeze); the chunk's own cyclic garbage is collected once at its end. A freeze of the
    caller's own (govstats run inside a program that froze its objects) is left as it was. Chunks
    read at once in threads of one process (a Dask worker's) share the setting: the first to start
    makes it, the last to end restores what was there before."""
    with _collector["lock"]:
        if _collector["chunks"] == 0:
            _collector["before"] = gc.get_threshold(), gc.get_freeze_count() == 0
            if _collector["before"][1]:
                gc.freeze()
            gc.set_threshold(50_000, 20, 100)
        _collector["chunks"] += 1
    try:
        yield
    finally:
        with _collector["lock"]:
            _collector["chunks"] -= 1
            if _collector["chunks"] == 0:
                threshold, ours = _collector["before"]
                gc.collect()
                gc.set_threshold(*threshold)
                if ours:
                    gc.unfreeze()


_collector = {"lock": threading.Lock(), "chunks": 0, "before": None}


def lean_memory() -> None:
    """Keep a long build's memory flat: Arrow allocates from the C heap (its default mimalloc pool
    keeps what it freed), and glibc hands the heap freed by the last chunk back to the system."""
    import pyarrow as pa

    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to hand back
        pass


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run(tasks: list[Task], engine: str = "local", jobs: int | None = None, scheduler: str | None = None,
        isolate: bool = False) -> Iterator[tuple[Task, dict]]:
    """Each task with its tables, in the order they finish. One job, or a single task, runs in this
    process, unless `isolate`: then on worker processes (one for one job), so that a file that kills
    its reader fails alone (_surviving_deaths)."""
    if engine == "dask":
        yield from _run_dask(tasks, scheduler, jobs)
        return
    jobs = jobs or default_jobs()
    if not isolate and (jobs <= 1 or len(tasks) <= 1):
        from .store import reading_here

        for task in tasks:
            with reading_here(task.out, [name for _, name in task.files]):
                tables = run_task(task)
            yield task, tables
        return
    # a few tasks in flight per worker, no more: a finished task's tables are dropped once
    # written, so memory stays flat however many tasks there are
    yield from _surviving_deaths(tasks, lambda queue, in_flight: _pooled(queue, min(jobs, in_flight), in_flight), 2 * jobs)


def _surviving_deaths(tasks: list[Task], attempt: Callable, in_flight: int) -> Iterator[tuple[Task, dict]]:
    """Each task with its tables, whatever worker processes die. A worker killed by the system
    (most likely for the memory it took) or by a crash in a library takes the tasks it held with
    it (on this machine, every task in flight: the pool breaks), and which file killed it is not
    known: those tasks are run again one at a time, and one that dies alone is cut in halves, run
    one at a time too, until a death names its file, which fails (`reader_died`): a chunk of 200
    with one such file costs some 16 tasks, not 200. `attempt(queue, n)` runs the queued tasks,
    n at a time, and returns those lost with a worker. (A build reading in its own process dies
    with it; the next one reads in workers: store.reading_here.)"""
    queue = collections.deque(tasks)
    while queue:
        alone = collections.deque((yield from attempt(queue, in_flight)))
        while alone:
            for task in (yield from attempt(alone, 1)):
                if len(task.files) > 1:
                    alone.extendleft(reversed(task.halves()))
                else:
                    yield task, _reader_died(task)


def _pooled(queue: collections.deque, workers: int, in_flight: int) -> Generator[tuple[Task, dict], None, list[Task]]:
    """Each task taken from the queue, with its tables, on a pool of `workers` processes with at
    most `in_flight` tasks at once; returns the tasks lost if a worker died, leaving the rest queued."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # workers forked from a fresh server process, not from this one: they do not inherit the
    # build's index and file list (memory that every forked worker would count again)
    context = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else None)
    lost: list[Task] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_end_with, initargs=(os.getpid(), context.get_start_method())) as pool:
        try:  # a worker that cannot start would otherwise be taken for one killed by a file
            pool.submit(os.getpid).result()
        except BrokenProcessPool:
            raise WorkerStartError("the build's worker processes ended as they started, before reading any file (a worker's"
                                   " own error goes to this program's standard error). A worker starts by importing the"
                                   " program's main module: a script that calls govstats.build must call it under"
                                   " `if __name__ == \"__main__\":`, from a file, not standard input; or build with jobs=1") from None
        pending, finished = {}, []
        while True:
            while queue and not lost and len(pending) < in_flight:
                task = queue.popleft()
                pending[pool.submit(run_task, task)] = task
            yield from finished  # once the tasks that follow them are on their way
            if not pending:
                return lost
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            finished = []
            for future in done:
                task = pending.pop(future)
                try:
                    finished.append((task, future.result()))
                except BrokenProcessPool:  # every task in flight fails with it
                    lost.append(task)


class WorkerStartError(RuntimeError):
    """The build's worker processes cannot start."""


def _end_with(build: int, method: str) -> None:
    """A worker ends as soon as the build's process does. Killed (kill -9, the out-of-memory
    killer, a job scheduler's SIGTERM), that process cannot stop its workers: they would wait for
    ever, each with a chunk's memory."""

    def watch():
        wait_for_end(build, method)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def wait_for_end(pid: int, method: str, poll: float = 0.5) -> None:
    """Return once the process `pid`, which started this worker by `method`, has ended: a
    spawned worker (Windows) watches its parent, which is that process; one forked from a fork
    server, whose parent is the server, watches it through a pidfd (Linux) or, where there is
    none (macOS, Linux before 5.3), asks every `poll` seconds whether it is still there."""
    import multiprocessing.connection

    if method == "spawn":
        multiprocessing.connection.wait([multiprocessing.parent_process().sentinel])
        return
    if hasattr(os, "pidfd_open"):
        try:
            select.select([os.pidfd_open(pid)], [], [])  # readable once the process has ended
            return
        except ProcessLookupError:  # it has ended already
            return
        except OSError:  # a kernel without pidfd
            pass
    while True:
        try:
            os.kill(pid, 0)  # signal 0: only asks whether the process is there
        except (ProcessLookupError, PermissionError):  # gone (or its number now another user's)
            return
        time.sleep(poll)


def _on_dask(client, queue: collections.deque, in_flight: int) -> Generator[tuple[Task, dict], None, list[Task]]:
    """As _pooled, on a Dask cluster: a task is lost when it has ended every worker it ran on (Dask's
    `allowed-failures`); the others go on."""
    from dask.distributed import KilledWorker, as_completed

    by_key, futures, lost = {}, as_completed(), []

    def submit() -> None:
        task = queue.popleft()
        future = client.submit(run_task, task, pure=False)
        by_key[future.key] = task
        futures.add(future)

    for _ in range(min(len(queue), in_flight)):
        submit()
    for future in futures:
        task = by_key.pop(future.key)
        if queue:
            submit()
        try:
            yield task, future.result()
        except KilledWorker:
            lost.append(task)
        future.release()
    return lost


class DaskMissingError(ImportError):
    """The Dask engine asked for, and dask.distributed not installed."""


class SchedulerError(OSError):
    """The Dask scheduler given cannot be reached."""


def _run_dask(tasks: list[Task], scheduler: str | None, jobs: int | None):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise DaskMissingError("the Dask engine needs dask.distributed: pip install 'govstats[dask]'") from exc
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler)
        except OSError as exc:  # unreachable, or not a Dask scheduler
            raise SchedulerError(f"cannot reach a Dask scheduler at {scheduler}: {exc}") from None
    else:  # no address: a cluster on this machine
        cluster = LocalCluster(n_workers=jobs or default_jobs(), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        yield from _surviving_deaths(tasks, lambda queue, in_flight: _on_dask(client, queue, in_flight), 2 * workers)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
