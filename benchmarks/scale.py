"""Build speed and memory on synthetic corpora (benchmarks/synth_corpus.py; never data/raw/).

    .venv/bin/python benchmarks/scale.py --sizes 1000 10000 100000 [--work /tmp/govstats-bench]

For each size: a full build with all cores, then an incremental rebuild after 1 % of the files
changed, each run as `govstats build --no-csv` in its own process with the peak memory of its
whole process tree (RSS every 0.1 s, PSS every 0.5 s) sampled from /proc; likewise the writing of
the full build's CSV copies (what a build without --no-csv does last). Also: text reports a second
on one core (1 000 reports, --jobs 1: with start-up, and beyond a 200-report build's time) and the
local engine against a Dask LocalCluster on 1 000 reports. Prints markdown tables for README, and the
machine's speed on a reference loop before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth_corpus  # noqa: E402

GOVSTATS = str(Path(sys.executable).with_name("govstats"))


def tree_memory(pid: int, pss: bool = True) -> tuple[int, int]:
    """(RSS, PSS) of a process and all its descendants, in bytes. RSS counts a page shared by
    several processes once per process; PSS shares it out among them, so its sum is the tree's
    real footprint. PSS costs the kernel a walk of every mapping (~10 ms a process, taken from the
    build measured): `pss=False` leaves it out (0)."""
    rss, total_pss = 0, 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                rss += next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
            if pss:
                with open(f"/proc/{p}/smaps_rollup") as f:
                    total_pss += next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return rss, total_pss


def run_build(corpus: Path, out: Path, *extra: str) -> tuple[float, tuple[int, int]]:
    """(seconds, (peak RSS, peak PSS) of the process tree) of one `govstats build`."""
    return measure([GOVSTATS, "build", str(corpus), "--out", str(out), "--quiet", "--no-csv", *extra])


def write_csv(out: Path) -> tuple[float, tuple[int, int]]:
    """The same of writing a store's CSV copies, what a build without --no-csv does last."""
    return measure([sys.executable, "-c", "import sys; from pathlib import Path; from govstats.store import write_csv; write_csv(Path(sys.argv[1]))", str(out)])


def measure(command: list[str]) -> tuple[float, tuple[int, int]]:
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = (0, 0)
    done = threading.Event()

    def sample():  # PSS every 0.1 s took a tenth to a quarter of a core from the build it measured
        nonlocal peak
        n = 0
        while not done.is_set():
            peak = tuple(map(max, peak, tree_memory(proc.pid, pss=n % 5 == 0)))
            n += 1
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = proc.wait()
    done.set()
    sampler.join()
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed (exit {code})")
    return time.perf_counter() - start, peak


def machine_speed() -> float:
    """Milliseconds for a fixed pure-Python loop (best of 5): this VM's speed drifts by tens of
    per cent with its neighbours' load, so the timings are printed beside it."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.process_time() - start)
    return best * 1000


def _mb(memory: tuple[int, int]) -> str:
    rss, pss = memory
    return f"{pss / 2**20:.0f} MB ({rss / 2**20:.0f} MB)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", default="/tmp/govstats-bench")
    args = parser.parse_args()
    work = Path(args.work)
    cores = len(os.sched_getaffinity(0))

    print(f"Machine speed before: {machine_speed():.0f} ms for the reference loop (lower is faster)\n", flush=True)
    one = work / "corpus-1000"
    if not one.exists():
        synth_corpus.generate(one, 1000, seed=0)
    seconds, _ = run_build(one, work / "out-one-core", "--jobs", "1", "--full")
    few = work / "corpus-200"  # the same first 200 reports: a build's start-up and first chunk cost what they cost in the larger one
    if not few.exists():
        synth_corpus.generate(few, 200, seed=0)
    first, _ = run_build(few, work / "out-one-core", "--jobs", "1", "--full")
    print(f"Text reports a second on one core (1 000 reports, `--jobs 1`): **{1000 / seconds:.0f}** with start-up; "
          f"**{800 / (seconds - first):.0f}** beyond the first 200 (the 1 000-report build less a 200-report one)\n", flush=True)
    local, _ = run_build(one, work / "out-local", "--full")
    dask, _ = run_build(one, work / "out-dask", "--full", "--engine", "dask")
    print(f"| engine (1,000 reports, {cores} workers) | seconds |\n| --- | --- |\n| local processes | {local:.1f} |\n| Dask LocalCluster | {dask:.1f} |\n", flush=True)
    print(f"| reports | full build ({cores} cores) | reports/s | peak PSS (RSS) | files changed | incremental rebuild | of full | peak PSS (RSS) | CSV copies | peak PSS (RSS) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |", flush=True)
    for n in args.sizes:
        corpus = work / f"corpus-{n}"
        if not corpus.exists():
            synth_corpus.generate(corpus, n, seed=0)
        out = work / f"out-{n}"
        shutil.rmtree(out, ignore_errors=True)
        full, full_mem = run_build(corpus, out)
        csv, csv_mem = write_csv(out)
        changed = synth_corpus.mutate(sorted(corpus.glob("*.txt")), 0.01, seed=1)
        incremental, inc_mem = run_build(corpus, out)
        print(f"| {n:,} | {full:.1f} s | {n / full:.0f} | {_mb(full_mem)} | {len(changed):,} | {incremental:.1f} s | {incremental / full:.1%} | {_mb(inc_mem)} | {csv:.1f} s | {_mb(csv_mem)} |", flush=True)
        shutil.rmtree(out, ignore_errors=True)
    print(f"\nMachine speed after: {machine_speed():.0f} ms for the reference loop", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
