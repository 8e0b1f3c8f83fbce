"""Known errors in the source reports, corrected declaratively after extraction.

A corrections file (TOML, ``data/corrections.toml`` by default) lists one ``[[correction]]`` per
fact: which fact (file, key and its dimensions, source), the value the source shows, the value
(and/or unit) it should have, and why. The extracted fact keeps its printed value in
``value_printed`` and says what was changed in ``note``.

An entry fails loudly, as an ``error`` in the errors table and a non-zero exit of
``govstats build``, when the source no longer shows that value: the report was replaced, the
extractor changed, or the entry is wrong. A correction is never applied blind.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd

class CorrectionsFileError(ValueError):
    """The corrections file itself is malformed: the build stops before reading anything."""


FIELDS = {"file", "key", "applicant_type", "area", "period", "source", "shows", "value", "unit", "why"}
DIMENSIONS = ["file", "key", "applicant_type", "area", "period", "source"]


def load_corrections(path: str | Path) -> list[dict]:
    """The entries of a corrections file; a malformed file or entry raises CorrectionsFileError naming it."""
    try:
        with open(path, "rb") as f:
            entries = tomllib.load(f).get("correction", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CorrectionsFileError(f"{path}: {exc}") from exc
    for n, entry in enumerate(entries, 1):
        unknown = set(entry) - FIELDS
        missing = {"file", "key", "shows", "why"} - set(entry)
        if unknown or missing or not ({"value", "unit"} & set(entry)):
            raise CorrectionsFileError(f"{path}: correction {n} ({entry.get('file', '?')} {entry.get('key', '?')}): "
                             f"needs file, key, shows, why and a value or unit; unknown fields {sorted(unknown)}, missing {sorted(missing)}")
    return entries


def apply_corrections(facts: pd.DataFrame, entries: list[dict], source: str = "") -> tuple[pd.DataFrame, list[dict]]:
    """Return (corrected facts, error rows for entries the facts no longer bear out)."""
    facts = facts.copy()
    errors = []
    for n, entry in enumerate(entries, 1):
        dims = {d: str(entry.get(d, "table" if d == "source" else "")) for d in DIMENSIONS}
        mask = pd.Series(True, index=facts.index)
        for column, wanted in dims.items():
            mask &= facts[column] == wanted
        found = facts.index[mask]
        what = f"correction {n} in {source or 'the corrections file'} ({entry['key']}"
        what += "".join(f" {dims[d]}" for d in ("applicant_type", "area", "period") if dims[d]) + f", {dims['source']})"
        if len(found) != 1:
            problem = "no such fact" if len(found) == 0 else f"{len(found)} facts match"
        else:
            shown = facts.at[found[0], "value"]
            problem = "" if pd.notna(shown) and float(shown) == float(entry["shows"]) else f"the source now shows {shown}, not {entry['shows']}"
        if problem:
            errors.append({"file": dims["file"], "sha256": "", "severity": "error", "stage": "correct", "code": "correction_stale",
                           "message": f"{what}: {problem}; review the entry (why: {entry['why']})", "line": None})
            continue
        i = found[0]
        changed = []
        if "value" in entry:
            facts.at[i, "value"] = float(entry["value"])
            changed.append(f"value {entry['shows']} → {entry['value']}")
        if "unit" in entry:
            changed.append(f"unit {facts.at[i, 'unit']} → {entry['unit']}")
            facts.at[i, "unit"] = entry["unit"]
        note = f"corrected ({', '.join(changed)}): {entry['why']}"
        facts.at[i, "note"] = f"{facts.at[i, 'note']}; {note}" if facts.at[i, "note"] else note
    return facts, errors
