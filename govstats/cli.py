"""`govstats build | check | show | figures` (also `python -m govstats …`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_RAW = "data/raw"
DEFAULT_OUT = "data/processed"
DEFAULT_CORRECTIONS = "data/corrections.toml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="govstats", description="Tidy, traceable data from 政府信息公开工作年度报告.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="read every report in a folder and write data/processed")
    build.add_argument("folder", nargs="?", default=DEFAULT_RAW, help=f"folder of report files (default {DEFAULT_RAW})")
    build.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    build.add_argument("--corrections", default=None, help=f"corrections file (default {DEFAULT_CORRECTIONS} when it exists)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument("--jobs", type=_positive, default=None, help="processes (local engine) or workers (a local Dask cluster); default: all cores")
    build.add_argument("--engine", choices=["local", "dask"], default="local", help="where files are read: this machine's processes, or Dask")
    build.add_argument("--scheduler", default=None, help="address of a Dask scheduler (tcp://host:8786); default: a local cluster")
    build.add_argument("--full", action="store_true", help="read every file again, even those unchanged since the last build")
    build.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                       help="stop reading a file after this long and fail it (default 600; 0: no limit)")
    build.add_argument("--retry-failed", action="store_true",
                       help="read again the files whose last reading failed (after raising --timeout, say), not only changed ones")
    build.add_argument("--no-csv", action="store_true", help="write Parquet only, no CSV copies (those of an earlier build are removed)")
    check = commands.add_parser("check", help="per-report summary of the checks of a build")
    check.add_argument("--data", default=DEFAULT_OUT, help=f"a build's output folder (default {DEFAULT_OUT})")
    show = commands.add_parser("show", help="everything read from one report, with evidence and checks")
    show.add_argument("file", help="report file name (or path, or the start of its name)")
    show.add_argument("--data", default=DEFAULT_OUT, help=f"a build's output folder (default {DEFAULT_OUT})")
    figures = commands.add_parser("figures", help="write every chart (PNG, SVG and the CSV behind it) to reports/figures")
    figures.add_argument("--data", default=DEFAULT_OUT, help=f"a build's output folder (default {DEFAULT_OUT})")
    figures.add_argument("--out", default="reports/figures", help="folder for the charts (default reports/figures)")
    args = parser.parse_args(argv)
    if args.command == "build" and args.scheduler and args.engine != "dask":
        build.error("--scheduler is the address of a Dask scheduler: give --engine dask too")

    from . import report
    from .corrections import CorrectionsFileError
    from .export import build as run_build
    from .engine import DaskMissingError, SchedulerError, WorkerStartError
    from .export import InputFolderError, OutputFolderError
    from .store import READING, StoreBusyError

    if args.command == "build":
        corrections = args.corrections or (DEFAULT_CORRECTIONS if Path(DEFAULT_CORRECTIONS).exists() else None)
        if (Path(args.out) / READING).exists():
            print(f"the last build of {args.out} ended while reading files in its own process (killed, or a crash in a library):"
                  " this one reads in worker processes, where a file that ends its reader fails alone (reader_died)", file=sys.stderr)
        try:
            run_build(args.folder, args.out, progress=not args.quiet, corrections=corrections, jobs=args.jobs, engine=args.engine,
                      scheduler=args.scheduler, full=args.full, csv_copies=not args.no_csv, load_result=False, time_limit=args.timeout,
                      retry_failed=args.retry_failed)
        except (CorrectionsFileError, DaskMissingError, InputFolderError, OutputFolderError, SchedulerError, StoreBusyError,
                WorkerStartError) as exc:
            print(f"ERROR {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"\ninterrupted: the chunks read so far are kept in {args.out}; run the same command again to read the rest", file=sys.stderr)
            return 130
        text, errors = report.build_summary(args.out)  # counts, not every fact: any size of build
        print(text)
        print(f"written to {args.out}/")
        stale = errors[errors["code"] == "correction_stale"]
        for message in stale["message"]:
            print(f"ERROR {message}", file=sys.stderr)
        return 1 if len(stale) else 0
    # each command reads only what it shows: the whole of a large build does not fit in memory
    if args.command == "figures":
        from .figures import READS, write_figures

        dataset = _loaded(args.data, **READS)
        if dataset is None:
            return 2
        written = write_figures(dataset, args.out)
        print(f"{len(written)} files written to {args.out}/")
        return 0
    if args.command == "check":
        dataset = _loaded(args.data, **report.CHECK_READS)
        if dataset is None:
            return 2
        print(report.check_summary(dataset))
        return 0
    index = _loaded(args.data, tables=[], columns={"reports": ["file"]})
    if index is None:
        return 2
    names = report.find_files(index, args.file)
    if not names:
        print(f"{args.file}: no such report in {args.data} (run `govstats build` on the folder that holds it)", file=sys.stderr)
        return 2
    if len(names) > 1:
        print(f"{args.file}: {len(names)} reports match ({', '.join(names[:5])}{', …' if len(names) > 5 else ''}): give more of the name", file=sys.stderr)
        return 2
    dataset = _loaded(args.data, files=names)
    if dataset is None:
        return 2
    print(report.show(dataset, names[0]))
    return 0


def _loaded(folder: str, **reads):
    """The build's tables asked for, or None when there is no whole build (said on stderr)."""
    from .export import load
    from .store import StoreIncompleteError

    try:
        return load(folder, **reads)
    except (FileNotFoundError, StoreIncompleteError) as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return None


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {n}")
    return n


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not seconds >= 0 or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or more seconds, not {text}")
    return seconds


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
