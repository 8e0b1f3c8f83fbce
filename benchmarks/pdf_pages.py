"""PDF reading: govstats (camelot only on the pages that hold tables) against camelot run over
every page with its default settings, on the PDF fixtures, in one run. Both must give identical
facts. Prints a markdown table for README.

    .venv/bin/python benchmarks/pdf_pages.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pypdfium2

from govstats.pipeline import _analyse
from govstats.read_pdf import read_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pdf"


def facts(path: Path, all_pages: bool) -> tuple[float, list]:
    data = path.read_bytes()
    start = time.perf_counter()
    doc = read_pdf(str(path), path.name, data, all_pages=all_pages)
    result = _analyse(doc, {"file": path.name, "sha256": doc.sha256, "size_bytes": len(data), "format": "pdf"})
    seconds = time.perf_counter() - start
    return seconds, sorted(((f["key"], f["applicant_type"], f["area"], f["period"], f["value"], f["unit"], f["qualifier"]) for f in result.facts), key=str)


def main() -> int:
    files = sorted(p for p in FIXTURES.glob("*.pdf") if p.stem[:3].isdigit() or p.stem.startswith("matrix"))
    rows, totals = [], {"govstats": 0.0, "all pages": 0.0}
    pages_total = 0
    for path in files:
        pages = len(pypdfium2.PdfDocument(path.read_bytes()))
        facts(path, False)  # warm-up: imports and catalogue
        ours, ours_facts = facts(path, False)
        base, base_facts = facts(path, True)
        if ours_facts != base_facts:
            print(f"{path.name}: facts differ between the two runs", file=sys.stderr)
            return 1
        totals["govstats"] += ours
        totals["all pages"] += base
        pages_total += pages
        rows.append(f"| {path.name} | {pages} | {len(ours_facts)} | {ours:.2f} | {ours / pages:.3f} | {base:.2f} | {base / pages:.3f} | {base / ours:.1f}× |")
    print("| PDF | pages | facts | govstats s/report | s/page | camelot all pages s/report | s/page | speed-up |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    n = len(files)
    g, b = totals["govstats"], totals["all pages"]
    print(f"| **all {n}** | {pages_total} | | {g / n:.2f} | {g / pages_total:.3f} | {b / n:.2f} | {b / pages_total:.3f} | {b / g:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
