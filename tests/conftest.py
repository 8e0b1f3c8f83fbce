import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = Path(__file__).resolve().parent / "gold"
SHARED = ROOT.parent / "shared"  # present beside the clone in CI and on developer machines


@pytest.fixture
def loads(monkeypatch) -> list[dict]:
    """What each call of store.load from then on reads (its tables, keys and files)."""
    from govstats import store

    calls, real = [], store.load

    def spy(folder, tables=None, columns=None, years=None, keys=None, files=None):
        calls.append({"tables": tables, "keys": keys, "files": files})
        return real(folder, tables, columns, years, keys, files)

    monkeypatch.setattr(store, "load", spy)
    return calls


def read_gold(name: str) -> list[dict[str, str]]:
    with (GOLD / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """One build of data/raw, shared by the tests that read its output."""
    from govstats.export import build

    out = tmp_path_factory.mktemp("processed")
    return build(RAW, out, progress=False), out
