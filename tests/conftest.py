import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = Path(__file__).resolve().parent / "gold"
SHARED = ROOT.parent / "shared"  # present beside the clone in CI and on developer machines


def read_gold(name: str) -> list[dict[str, str]]:
    with (GOLD / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """One build of data/raw, shared by the tests that read its output."""
    from govstats.export import build

    out = tmp_path_factory.mktemp("processed")
    return build(RAW, out, progress=False), out
