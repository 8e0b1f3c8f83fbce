"""govstats: tidy, validated, traceable data from Chinese government information-disclosure
annual reports (政府信息公开工作年度报告).

    import govstats
    data = govstats.load()                       # the tables `govstats build` wrote
    one = govstats.read_report("data/raw/000_7e7a0834d21815b9.txt")
    one.facts                                    # same columns as data.facts
"""

from __future__ import annotations

import os

__version__ = "0.1.0"

__all__ = ["__version__", "build", "load", "read_report"]


def read_report(path: str | os.PathLike):
    """Read one report file. Returns a Dataset (reports, facts, unmapped, errors, checks, best) for it;
    a bad file gives one failed reports row and its error, not an exception."""
    from .export import to_dataset
    from .pipeline import process_file

    return to_dataset([process_file(path)])


def load(folder: str | os.PathLike = "data/processed", tables: list[str] | None = None, columns: dict[str, list[str]] | None = None,
         years: list[int | None] | None = None, keys: list[str] | None = None, files: list[str] | None = None):
    """Load the tables a build wrote (reports, facts, unmapped, errors, checks, best) as DataFrames,
    reading only the tables, columns (per table), report years, indicator keys and files asked for."""
    from .export import load as _load

    return _load(folder, tables, columns, years, keys, files)


def build(folder: str | os.PathLike = "data/raw", out: str | os.PathLike = "data/processed", progress: bool = False,
          corrections: str | os.PathLike | None = None, **options):
    """Build `folder` into `out` (applying a corrections file, if given) and return the tables.
    Options: jobs, engine ("local" or "dask"), scheduler, full, retry_failed, time_limit, csv_copies (see export.build)."""
    from .export import build as _build

    return _build(folder, out, progress=progress, corrections=corrections, **options)
