"""Basic per-report checks on what extraction produced: warnings that tell a researcher where to
look (rows no catalogue entry fits, values on heading rows, cells that are not numbers, labels
matched only loosely, template rows absent). The accounting identities come on top of these."""

from __future__ import annotations

import collections

from .catalogue import NATIONAL_TEMPLATES, Catalogue


def basic_checks(template: str, facts: list[dict], unmapped: list[dict], catalogue: Catalogue) -> list[tuple[str, str, int | None]]:
    """Return (code, message, line) warnings for one report's table facts."""
    warnings: list[tuple[str, str, int | None]] = []
    for reason, code in (("no_catalogue_match", "unmapped_rows"), ("value_on_section_header", "value_on_section_header"), ("value_in_column_without_header", "value_without_header")):
        rows = [u for u in unmapped if u["reason"] == reason]
        if rows:
            shown = "; ".join(f"line {u['line']}: {u['label_printed'] or u['evidence']} = {u['value_printed'] or '(blank)'}" for u in rows[:5])
            more = f" (+{len(rows) - 5} more)" if len(rows) > 5 else ""
            warnings.append((code, f"{len(rows)} cell(s) kept in unmapped: {shown}{more}", rows[0]["line"]))
    for fact in facts:
        if fact["qualifier"] == "unparsed":
            warnings.append(("unparsed_cell", f"{fact['key']}: cell {fact['value_printed']!r} is not a number", fact["line"]))
        if fact["match"] == "fuzzy":
            warnings.append(("fuzzy_label_match", f"label {fact['label_printed']!r} read as {fact['key']} by similarity; confirm", fact["line"]))
    dims = collections.Counter((f["key"], f["applicant_type"], f["area"], f["period"]) for f in facts)
    for (key, applicant, _, period), n in dims.items():
        if n > 1:
            first = next(f for f in facts if (f["key"], f["applicant_type"], f["period"]) == (key, applicant, period))
            warnings.append(("duplicate_fact", f"{key} {applicant} {period}".strip() + f" printed {n} times", first["line"]))
    if template in NATIONAL_TEMPLATES and facts:
        expected = {i.key for i in catalogue.indicators if i.template == template and i.has_cell and i.source_file == "indicators.csv"}
        missing = sorted(expected - {f["key"] for f in facts}, key=lambda k: [i.order for i in catalogue.indicators if i.key == k][0])
        if missing:
            warnings.append(("template_rows_missing", f"{len(missing)} of {len(expected)} {template} template cells not found (truncated or abridged table?): {', '.join(missing[:6])}", None))
    return warnings
