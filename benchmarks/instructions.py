"""Instructions a report costs, counted by valgrind's callgrind: the same count on every run of the
same code and corpus, however loaded the machine is (this VM's speed drifts by tens of per cent,
so timings judge only large changes). Use it to judge a change to the per-report path:

    .venv/bin/python benchmarks/instructions.py [--corpus /tmp/govstats-bench/corpus-1000] [--n 50]

The corpus is made by synth_corpus.py if it is not there. One process reads a first chunk to warm
up (imports, the gazetteer, memos), then counts the instructions of one chunk of `n` reports read,
corrected, checked and made into the store's tables (engine.read_task), and prints millions of
instructions a report. Smaller chunks cost more a report (a chunk's tables cost ~0.4 G
instructions whatever its size). Needs valgrind (Debian: valgrind); takes about a second a report.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def inner(corpus: Path, n: int) -> None:
    """Run under callgrind with instrumentation off: warm up, then count one chunk."""
    from govstats.engine import Task, read_task
    from govstats.pipeline import input_files

    files = input_files(corpus)
    if len(files) < 40 + n:
        raise SystemExit(f"{corpus} holds {len(files)} files: {40 + n} are needed")
    read_task(Task("warm", tuple(files[:40])))
    count = ["callgrind_control", "-i", "on", str(os.getpid())]
    subprocess.run(count, check=True, stdout=subprocess.DEVNULL)
    read_task(Task("counted", tuple(files[40:40 + n])))
    subprocess.run([*count[:2], "off", count[3]], check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default="/tmp/govstats-bench/corpus-1000")
    parser.add_argument("--n", type=int, default=50, help="reports in the counted chunk")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if args.inner:
        inner(corpus, args.n)
        return 0
    if not corpus.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import synth_corpus

        synth_corpus.generate(corpus, 1000, seed=0)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind): it counts the instructions")
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={tmp}/callgrind.out",
                              sys.executable, __file__, "--inner", "--corpus", str(corpus), "--n", str(args.n)],
                             cwd=ROOT, capture_output=True, text=True)
    collected = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode or not collected:
        sys.stderr.write(run.stderr[-3000:])
        raise SystemExit(f"the counted run failed (exit {run.returncode})")
    print(f"{int(collected.group(1)) / args.n / 1e6:.1f} M instructions a report (a chunk of {args.n} reports of {corpus})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
