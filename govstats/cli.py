"""`govstats build [DIR] [--out OUTDIR]` (and `python -m govstats build`)."""

from __future__ import annotations

import argparse
import sys

DEFAULT_RAW = "data/raw"
DEFAULT_OUT = "data/processed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="govstats", description="Tidy, traceable data from 政府信息公开工作年度报告.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="read every report in a folder and write data/processed")
    build.add_argument("folder", nargs="?", default=DEFAULT_RAW, help=f"folder of report files (default {DEFAULT_RAW})")
    build.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    from .export import build as run_build
    from .export import summary

    dataset = run_build(args.folder, args.out, progress=not args.quiet)
    print(summary(dataset))
    print(f"written to {args.out}/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
