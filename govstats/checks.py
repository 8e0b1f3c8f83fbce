"""Validation of a build: the best value of every figure, the accounting identities of the
templates, and the cross-checks between table and prose, over the facts of many reports at once
(a chunk of a build): best values and cross-checks as DataFrame operations, the identities in plain
Python over the best values indexed by key and applicant column.

Periods. Period '' (the reporting year) and the report year itself ('2017') are one period: facts
are compared and grouped on that canonical period, and output with the period as the facts print
it (the table's label when the table states the figure).

Best value (table `best`), one row per file × key × applicant_type × area × period:
- one source states the figure: its value, agreement `single` (several prose statements that
  agree give one row, the first by line; a figure the table prints twice, the first by line);
- table and prose both state it and agree: the table's value, agreement `agree`;
- they disagree: the table's value (the statutory statistic), agreement `conflict`, the prose
  value(s) with their evidence in `alternative`, check `table_vs_narrative`;
- the table cell is blank, not applicable or unparsed while the prose states a number: the prose
  value, agreement `single`, the blank cell named in `alternative`;
- prose statements disagree and no table value exists: the first by line, agreement `conflict`,
  check `narrative_inconsistent`, the others in `alternative`;
- nobody states it (a blank cell only): the blank, agreement `single`.
Two figures agree when they are equal in the registry unit (relative tolerance 1e-9). An `approx`
figure v (350余, 300多, 约20: the printed lower bound) stands for v <= x < v + p, p the place
value of v's last non-zero digit: 350余 is 350–359, 300多 is 300–399, 20余 is 20–29. So 350余
agrees with 356, with 300多 and with 355余, but not with 360 or 349.

Identities. `data/identities.csv` holds one equation per row: `rule` (A1…D4 of identities.md),
`check` (the name in the checks table; equations of one rule share it), `strength`, `templates`
(the template eras it runs on: `2014`; `custom:all` = on custom reports only where every key of the
equation is present; `2019:lhs` = only where the left-hand side is present; `*` = every era),
`terms` (`keys`: lhs and rhs name keys, compared within every applicant column and area;
`applicant_types`: they name applicant columns, compared within every key, A4), `lhs` and `rhs`
(terms joined by `+`), `op` (`=`; `<=`; `bound`: max(rhs) <= lhs <= sum(rhs), C8), `derives` and a
`description`. Equations are evaluated on the best values, so a figure stated only in the prose
counts too. 2014 rules whose keys a custom 附表 may break down differently (C1–C5, C7, C9) run on
custom and narrative reports only when complete; C6 (staff) and C8 (channels) run on every report
that has their keys. Before checking, a figure the table leaves to the reader is derived by the
equations marked `derives`: a blank 总计 cell is the sum of the applicant columns (A4), a group row
without cells of its own (（三）不予公开) the sum of its sub-items (A2). Other rules use the derived
figures; the deriving rules themselves never do, so A2 is not_assessable where no group cell exists.

Status of an equation: left side or every right-hand part blank or not printed → not_assessable;
it holds → pass; else fail, or warn for a SOFT rule and when the gap runs the way an approximate
figure (a lower bound) or a part that is not printed at all could explain. A blank part is read
as 0 (identities.md) and named in the message. One row per file × check × period, with the worst
status over the applicant columns and equations (fail > warn > not_assessable > pass); the message
names the columns (or rows, for A4) that do not pass.

Cross-checks (strength CROSS, rule empty): `table_vs_narrative` (pass, or fail listing every figure
the table and the prose state differently), `narrative_inconsistent` (warn: the prose states one
figure twice, differently), `section_header_values` (warn: values printed on section-header rows,
with the section sum each equals), `implausible_unit` (warn when a 低保 standard or benefit was
re-read in another time unit than printed, pass when none was).
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np
import pandas as pd

from . import schema
from .catalogue import load_catalogue
from .normalize import label_key

DIMS = ["file", "key", "applicant_type", "area", "pcanon"]
RANK = {"pass": 0, "not_assessable": 1, "warn": 2, "fail": 3}
DIBAO_RATES = ["dibao_standard", "dibao_avg_benefit"]
_BLANK = {"missing": "blank", "not_applicable": "n/a", "unparsed": "unparsed"}


def run_checks(facts: pd.DataFrame, unmapped: pd.DataFrame, reports: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (checks, best) for a whole build."""
    parsed = reports.loc[reports["status"] == "parsed", ["file", "sha256", "template", "report_year"]]
    facts = _canonical(facts, parsed)
    best, pairs = _best_values(facts)
    unmapped = _canonical(unmapped, parsed)
    printed = pd.concat([best[["file", "pcanon", "period", "source"]], unmapped[["file", "pcanon", "period", "source"]]])
    labels = printed.sort_values("source", key=lambda s: s != "table", kind="stable").groupby(["file", "pcanon"])["period"].first().to_dict()
    found = [_identity_checks(best, parsed), _table_vs_narrative(pairs), _narrative_inconsistent(best),
             _section_header_values(unmapped, facts), _implausible_units(facts)]
    checks = pd.concat([f for f in found if len(f)] or [pd.DataFrame(columns=["file", "pcanon"])], ignore_index=True)
    checks["period"] = [labels.get((f, p), p) for f, p in zip(checks["file"], checks["pcanon"])]
    checks["sha256"] = checks["file"].map(parsed.set_index("file")["sha256"])
    checks = checks.sort_values("file", kind="stable").reindex(columns=schema.columns("checks"))
    best = best.sort_values(["file", "line", "key"], kind="stable").reindex(columns=schema.columns("best"))
    return schema.conform("checks", checks), schema.conform("best", best)


def _canonical(df: pd.DataFrame, parsed: pd.DataFrame) -> pd.DataFrame:
    """Rows of parsed reports, with a float value `v` and the canonical period."""
    kept = df["file"].isin(parsed["file"])
    df = df.reset_index(drop=True) if kept.all() else df[kept].reset_index(drop=True)  # a copy of every row only when some go
    year = dict(zip(parsed["file"], parsed["report_year"].astype("string").fillna("")))
    df["pcanon"] = df["period"].where(df["period"] != "", df["file"].map(year))
    df["v"] = df["value"].to_numpy(dtype="float64", na_value=np.nan)
    return df


# ---------------------------------------------------------------- best values


def _best_values(facts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The best-value rows (with `pcanon` and `v`), and every table × prose pair stating one figure.
    Each figure (DIMS) gets a number, `gid`, in the order of its DIMS: the merges join on that one
    integer instead of five strings, and carry the dimensions only where they are needed."""
    f = facts[[*DIMS, "sha256", "period", "v", "unit", "qualifier", "source", "evidence", "line", "page"]]
    f = f.assign(gid=f.groupby(DIMS, sort=True, dropna=False).ngroup(), stated=f["v"].notna(), shown=_shown(f), fid=np.arange(len(f)))
    f["lo"], f["hi"] = _interval(f["v"].to_numpy(), f["qualifier"])
    values = [c for c in f.columns if c not in DIMS]
    table = _first(f[f["source"] == "table"])
    prose = f[f["source"] == "narrative"]
    said = prose[prose["stated"]].sort_values("line", kind="stable")
    first = _first(prose)

    others = said.merge(first[["gid", "fid", "lo", "hi"]], on="gid", suffixes=("", "_first"))
    others = others[(others["fid"] != others["fid_first"]) & ~_agree(others["lo"], others["hi"], others["lo_first"], others["hi_first"])]
    inconsistent = _joined(others, "also prose " + others["shown"] + " (" + others["evidence"] + _at(others["line"]) + ")")

    pairs = table[table["stated"]].merge(said[values], on="gid", suffixes=("_t", "_n"))
    pairs["agree"] = _agree(pairs["lo_t"], pairs["hi_t"], pairs["lo_n"], pairs["hi_n"])
    bad = pairs[~pairs["agree"]]
    conflicts = _joined(bad, "prose " + bad["shown_n"] + " (" + bad["evidence_n"] + _at(bad["line_n"]) + ")")

    # each figure's row: its table fact, unless the cell is blank and the prose states it
    t_fid, n_fid = _by_figure(table, len(f)), _by_figure(first, len(f))
    gids = np.flatnonzero((t_fid >= 0) | (n_fid >= 0))
    t_fid, n_fid = t_fid[gids], n_fid[gids]
    stated = f["stated"].to_numpy()
    has_t, has_n = t_fid >= 0, n_fid >= 0
    t_said, n_said = has_t & stated[t_fid], has_n & stated[n_fid]  # index -1 where absent: masked
    pick_t = has_t & (t_said | ~n_said)
    b = f.take(np.where(pick_t, t_fid, n_fid)).reset_index(drop=True)  # in gid order
    conflict, other = conflicts.reindex(gids).to_numpy(), inconsistent.reindex(gids).to_numpy()
    table_conflict = pick_t & pd.notna(conflict)
    prose_conflict = ~pick_t & pd.notna(other)
    blank_cell = ~pick_t & has_t
    b["agreement"] = np.select([table_conflict | prose_conflict, t_said & n_said], ["conflict", "agree"], "single")
    b["check"] = np.select([table_conflict, prose_conflict], ["table_vs_narrative", "narrative_inconsistent"], "")
    cells = f.take(t_fid[blank_cell])
    notes = dict(zip(np.flatnonzero(blank_cell), "table cell " + cells["shown"] + " (" + cells["evidence"] + _at(cells["line"]) + ")"))
    alternative = np.full(len(b), "", dtype=object)
    for i in np.flatnonzero(table_conflict | blank_cell | prose_conflict):
        texts = (conflict[i] if table_conflict[i] else "", notes.get(i, ""), other[i] if prose_conflict[i] else "")
        alternative[i] = "; ".join(t for t in texts if t)
    b["alternative"] = alternative
    b["value"] = b["v"]
    return b, pairs


def _by_figure(rows: pd.DataFrame, size: int) -> np.ndarray:
    """The row number (fid) of each figure's fact in `rows` (one a figure), indexed by gid; -1 for none."""
    fid = np.full(size, -1)
    fid[rows["gid"].to_numpy()] = rows["fid"].to_numpy()
    return fid


def _first(df: pd.DataFrame) -> pd.DataFrame:
    """One fact per figure: the first stated one by line, else the first by line."""
    return df.sort_values(["stated", "line"], ascending=[False, True], kind="stable").drop_duplicates("gid")


def _interval(v: np.ndarray, qualifier: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """[lo, hi] a figure stands for: itself when exact, v … v + place value (exclusive) when approx."""
    place = np.ones_like(v)
    with np.errstate(invalid="ignore"):
        for k in range(1, 13):
            place = np.where((v >= 10.0**k) & (np.mod(v, 10.0**k) == 0), 10.0**k, place)
    approx = (qualifier == "approx").to_numpy(dtype=bool)
    return v, np.where(approx, v + 0.999 * place, v)


def _agree(lo1, hi1, lo2, hi2) -> pd.Series:
    tol = 1e-9 * np.maximum(1, np.maximum(np.abs(lo1), np.abs(lo2)))
    return pd.Series(np.maximum(lo1, lo2) <= np.minimum(hi1, hi2) + tol, index=getattr(lo1, "index", None))


def _joined(rows: pd.DataFrame, text: pd.Series) -> pd.Series:
    """Texts joined by '; ' per figure (gid)."""
    return text.groupby(rows["gid"]).agg("; ".join) if len(rows) else pd.Series(dtype="object")


# ---------------------------------------------------------------- identities


def load_identities() -> pd.DataFrame:
    with resources.files("govstats.data").joinpath("identities.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


def _identity_checks(best: pd.DataFrame, parsed: pd.DataFrame) -> pd.DataFrame:
    """Every equation of identities.csv on every report, in plain Python over the best values
    indexed by key and by applicant column: a chunk's reports have few figures per equation, and
    pandas' cost per operation outweighs the work."""
    rules = list(load_identities().itertuples())
    line = best["line"].astype(object)
    records = _records(best[[*DIMS, "v", "qualifier", "source", "shown"]].assign(line=line.where(line.notna(), None)))
    figures = _Index(records)
    template = dict(zip(parsed["file"], parsed["template"]))
    derived = _derive(figures, rules, template)
    deriving = {rule.rule for rule in rules if rule.derives == "yes"}
    parts = [part for order, rule in enumerate(rules)
             for part in _evaluate([figures] if rule.rule in deriving else [figures, derived], rule, order, template)]
    return _aggregate(parts)


class _Index(dict):
    """Figure records by the value of `key` and of `applicant_type`, each with the unit it belongs
    to in an equation naming that column (see _roles): {(column, value): [(unit, record)]}."""

    def __init__(self, records: list[dict]):
        super().__init__()
        for r in records:
            self.add(r)

    def add(self, r: dict) -> None:
        self.setdefault(("key", r["key"]), []).append(((r["file"], r["pcanon"], r["applicant_type"], r["area"]), r))
        self.setdefault(("applicant_type", r["applicant_type"]), []).append(((r["file"], r["pcanon"], r["key"], r["area"]), r))


def _derive(figures: _Index, rules: list, template: dict[str, str]) -> _Index:
    """Figures the table leaves to the reader: blank 总计 cells first (A4), then group rows (A2);
    a derived figure takes the place of the blank or absent one."""
    derived = _Index([])
    for rule in sorted((r for r in rules if r.derives == "yes"), key=lambda r: r.terms != "applicant_types"):
        # derive wherever the parts are printed, whatever the rule's own condition for checking
        anywhere = rule._replace(templates=" ".join(t.split(":")[0] for t in rule.templates.split()))
        term, unit = _roles(rule)
        new = []
        for u in _units([figures, derived], anywhere, template):
            if u.stated_l == 0 and u.stated_r > 0:
                r = {"file": u.file, "pcanon": u.pcanon, **{c: getattr(u, c) for c in unit}, term: rule.lhs, "v": u.total_r,
                     "qualifier": "approx" if u.approx_r else "exact", "source": "derived", "line": None}
                r["shown"] = _shown_value(r["v"], r["qualifier"])
                r["fig"] = f"{_name_of(r['key'], r['applicant_type'], r['area'])}={r['shown']} (derived by {rule.rule})"
                new.append(r)
        for r in new:  # after the loop: each equation sees the figures derived by the ones before
            derived.add(r)
    return derived


def _roles(rule) -> tuple[str, list[str]]:
    """The column an equation's terms name, and the columns that make one unit to check."""
    return ("key", ["applicant_type", "area"]) if rule.terms == "keys" else ("applicant_type", ["key", "area"])


def _conditions(templates: str) -> dict[str, str]:
    """'2014 custom:all' → {template: condition}; '*' → every template."""
    conds = dict((t.split(":") + [""])[:2] for t in templates.split())
    if "*" in conds:
        return {t: conds["*"] for t in ["2008", "2014", "2019", "2021", "custom", "narrative"]}
    return conds


def _units(indexes: list[_Index], rule, template: dict[str, str]) -> list["_Unit"]:
    """One unit per file × period × applicant column (or key, for A4) where a term of the
    equation is printed, in file, period, unit order. A figure of a later index takes the place
    of the same figure in an earlier one."""
    lhs, rhs = rule.lhs.split("+"), rule.rhs.split("+")
    term, unit = _roles(rule)
    conds = _conditions(rule.templates)
    slots: dict[tuple, dict[str, dict]] = {}
    files = {f for f, t in template.items() if t in conds}
    for index in indexes:
        for name in lhs + rhs:
            for where, r in index.get((term, name), ()):
                if where[0] in files:
                    slots.setdefault(where, {})[name] = r
    units = []
    for where, got in sorted(slots.items()):
        cond = conds[template[where[0]]]
        if not ((cond == "all" and not all(t in got for t in lhs + rhs)) or (cond == "lhs" and not any(t in got for t in lhs))):
            units.append(_Unit(where, unit, got, lhs, rhs))
    return units


def _side(got: dict[str, dict], terms: list[str]) -> tuple[int, int, float, bool]:
    """(terms present, terms stated, their sum, whether one is approximate) of one side."""
    present = stated = 0
    total, approx = 0.0, False
    for t in terms:
        r = got.get(t)
        if r is not None:
            present += 1
            if r["v"] == r["v"]:  # not NaN
                stated += 1
                total += r["v"]
            approx = approx or r["qualifier"] == "approx"
    return present, stated, total, approx


class _Unit:
    """The figures of one equation in one file × period × applicant column (or key): each side's
    count, stated count, sum and approximation up front; the texts for messages on demand."""

    __slots__ = ("file", "pcanon", "key", "applicant_type", "area", "got", "lhs", "rhs", "n_l", "n_r", "stated_l", "stated_r",
                 "total_l", "total_r", "approx_l", "approx_r", "line", "status", "by_approx", "by_absent")

    def __init__(self, where: tuple, unit: list[str], got: dict[str, dict], lhs: list[str], rhs: list[str]):
        self.file, self.pcanon = where[0], where[1]
        for column, value in zip(unit, where[2:]):
            setattr(self, column, value)
        self.got, self.lhs, self.rhs = got, lhs, rhs
        self.n_l, self.stated_l, self.total_l, self.approx_l = _side(got, lhs)
        self.n_r, self.stated_r, self.total_r, self.approx_r = _side(got, rhs)
        lines = [r["line"] for r in got.values() if r["line"] is not None]
        self.line = min(lines) if lines else None

    def _present(self, terms: list[str]) -> list[tuple[str, dict]]:
        return [(t, self.got[t]) for t in terms if t in self.got]

    def shown(self, terms: list[str]) -> str:
        return " + ".join(r["shown"] for _, r in self._present(terms))

    def blank(self, terms: list[str]) -> str:
        return ", ".join(t for t, r in self._present(terms) if r["v"] != r["v"])

    def source(self, terms: list[str]) -> str:
        present = self._present(terms)
        return present[0][1]["source"] if present else ""

    def top(self) -> tuple[float, str]:
        """The largest stated right-hand figure and its term (NaN, '' when none is stated)."""
        right = [(self.got[t]["v"], t) for t in self.rhs if t in self.got and self.got[t]["v"] == self.got[t]["v"]]
        if not right:
            return np.nan, ""
        top = max(v for v, _ in right)
        return top, next(t for v, t in right if v == top)

    @property
    def absent(self) -> str:
        return ", ".join(t for t in self.lhs + self.rhs if t not in self.got)

    @property
    def figures(self) -> str:
        for t in self.lhs + self.rhs:  # each record's text made once, when first shown (a derived one has its own)
            if t in self.got and "fig" not in self.got[t]:
                self.got[t]["fig"] = _figure_of(self.got[t])
        return "; ".join(self.got[t]["fig"] for t in self.lhs + self.rhs if t in self.got)


def _evaluate(indexes: list[_Index], rule, order: int, template: dict[str, str]) -> list[dict]:
    """Status of one equation in every unit where one of its terms is present; its message and
    figures are made when shown (_message, _figures): most parts of a passing check never are."""
    lhs, rhs = rule.lhs.split("+"), rule.rhs.split("+")
    parts = []
    for u in _units(indexes, rule, template):
        L, R = u.total_l, u.total_r
        tol = 1e-9 * max(1, abs(L), abs(R))
        too_big = L > R + tol
        too_small = (L < R - tol) if rule.op == "=" else (L < u.top()[0] - tol) if rule.op == "bound" else False
        u.by_approx = (too_big and u.approx_r) or (too_small and u.approx_l)
        u.by_absent = (too_big and u.n_r < len(rhs)) or (too_small and u.n_l < len(lhs))
        if not (u.stated_l > 0 and u.stated_r > 0):
            u.status = "not_assessable"
        elif not (too_big or too_small):
            u.status = "pass"
        else:
            u.status = "warn" if u.by_approx or u.by_absent or rule.strength == "SOFT" else "fail"
        named = u.applicant_type if rule.terms == "keys" else u.key
        parts.append({"file": u.file, "pcanon": u.pcanon, "check": rule.check, "rule": rule.rule, "strength": rule.strength,
                      "status": u.status, "line": u.line, "unit": named + (" " + u.area if u.area else ""), "lhs": rule.lhs,
                      "order": order, "kind": "applicant column" if rule.terms == "keys" else "row", "of": (u, rule)})
    return parts


def _message(part: dict) -> str:
    if "message" not in part:
        part["message"] = _part_message(*part["of"])
    return part["message"]


def _figures(part: dict) -> str:
    return part["of"][0].figures


def _part_message(r, rule) -> str:
    lhs, rhs = rule.lhs.split("+"), rule.rhs.split("+")
    lname, rname = " + ".join(lhs), " + ".join(rhs)
    if r.status == "not_assessable":
        if r.stated_l == 0:
            derived = " (derived from its parts for the other checks)" if rule.derives == "yes" else ""
            return f"{lname} {'blank' if r.n_l else 'not printed'}{derived}"
        return f"{rname}: every part blank or not printed"
    shown_l, shown_r = r.shown(lhs), r.shown(rhs)
    left = shown_l if len(lhs) == 1 else f"{shown_l} = {_num(r.total_l)}"
    right = shown_r if len(rhs) == 1 else f"{shown_r} = {_num(r.total_r)}"
    ok = r.status == "pass"
    if rule.op == "bound":
        prefix = _common_prefix(rhs)
        top, top_term = r.top()
        label, largest = prefix.rstrip("_") or "part", f"{str(top_term).removeprefix(prefix)} {_num(top)}"
        if ok:
            text = f"max {label} {_num(top)} <= {shown_l} <= {label} sum {_num(r.total_r)}"
        elif r.total_l < top:
            text = f"{r.source(lhs)} {lname} {shown_l} is below the largest {label} ({largest}); {label}s sum to {_num(r.total_r)}"
        else:
            text = f"{r.source(lhs)} {lname} {shown_l} exceeds the {label} sum {_num(r.total_r)} (largest {label}: {largest})"
    elif rule.op == "<=":
        text = f"{lname} {left} {'<=' if ok else 'exceeds'} {rname} {right}"
    else:
        text = f"{shown_r} = {shown_l}" if ok else f"{lname} = {left}, but {rname} = {right}"
    notes = []
    blank = ", ".join(b for b in (r.blank(lhs), r.blank(rhs)) if b)
    if blank:
        notes.append(f"blank read as 0: {blank}")
    if r.absent:
        notes.append(f"not printed: {r.absent}")
    if r.status == "warn":
        if r.by_approx:
            notes.append("the gap could come from approximate figures (余/多/约 are lower bounds)")
        if r.by_absent:
            notes.append("the rows not printed could hold the difference")
        if not (r.by_approx or r.by_absent):
            notes.append("SOFT rule: a warning, not an error")
    return "; ".join([text, *notes])


def _aggregate(parts: list[dict]) -> pd.DataFrame:
    """One row per file × check × period: the worst status; the parts that are not pass named."""
    first: dict[str, int] = {}
    for p in parts:
        first[p["check"]] = min(first.get(p["check"], p["order"]), p["order"])
    parts = sorted(parts, key=lambda p: (first[p["check"]], p["order"], p["line"] is None, p["line"] or 0))
    groups: dict[tuple, list[dict]] = {}
    for p in parts:
        groups.setdefault((p["file"], p["pcanon"], p["check"]), []).append(p)
    rows = []
    for (file, pcanon, check), recs in groups.items():
        worst = max(recs, key=lambda r: RANK[r["status"]])["status"]
        shown = recs if worst == "pass" else sorted((r for r in recs if r["status"] != "pass"), key=lambda r: -RANK[r["status"]])
        if worst == "pass" and _more_texts_than(3, recs):
            shown = ([r for r in recs if r["unit"] == "total"] or recs)[:1]
            texts = [f"holds in all {len(recs)} {recs[0]['kind']}s and equations, e.g. {_describe(shown, recs)[0]}"]
        else:
            texts = _describe(shown, recs)
            if len(shown) < len(recs):
                texts.append(f"the other {len(recs) - len(shown)} hold")
        rows.append({"file": file, "pcanon": pcanon, "check": check, "rule": recs[0]["rule"], "strength": recs[0]["strength"], "status": worst,
                     "message": "; ".join(texts), "figures": "; ".join(_figures(r) for r in shown), "line": _first_line(shown)})
    return pd.DataFrame(rows)


def _more_texts_than(n: int, recs: list[dict]) -> bool:
    """Whether the parts would be described in more than n texts (distinct equation messages):
    counts only until it knows."""
    seen = set()
    for r in recs:
        seen.add((r["lhs"], _message(r)))
        if len(seen) > n:
            return True
    return False


def _describe(shown: list[dict], recs: list[dict]) -> list[str]:
    """One text per distinct equation message, naming the applicant columns (or rows) it is true of."""
    units_of = {}
    for r in recs:
        units_of.setdefault(r["lhs"], set()).add(r["unit"])
    several_units = len({r["unit"] for r in recs}) > 1
    alike = {}
    for r in shown:
        alike.setdefault((r["lhs"], _message(r)), []).append(r["unit"])
    texts = []
    for (lhs, message), units in alike.items():
        text = message if lhs in message or len(units_of) == 1 else f"{lhs}: {message}"
        if several_units:
            text = f"{text} in every {recs[0]['kind']}" if set(units) == units_of[lhs] else f"{', '.join(units)}: {text}"
        texts.append(text)
    return texts


# ---------------------------------------------------------------- cross-checks


def _table_vs_narrative(pairs: pd.DataFrame) -> pd.DataFrame:
    """Every figure the table and the prose both state: pass when all agree, else fail with the conflicts."""
    if pairs.empty:
        return pairs
    pairs = pairs.assign(name=_name(pairs), line=pairs["line_t"]).sort_values("line_t", kind="stable")
    pairs["conflict"] = "table " + pairs["name"] + " " + pairs["shown_t"] + " vs prose " + pairs["evidence_n"]
    pairs["figures"] = (pairs["name"] + "=" + pairs["shown_t"] + " (table" + _at(pairs["line_t"]) + "); "
                        + pairs["name"] + "=" + pairs["shown_n"] + " (narrative" + _at(pairs["line_n"]) + ")")
    rows = []
    for (file, pcanon), recs in _groups(pairs, ["file", "pcanon"]):
        bad = [r for r in recs if not r["agree"]]
        message = "; ".join(r["conflict"] for r in bad) or \
            f"every figure stated in both the table and the prose agrees ({_count(len({r['name'] for r in recs}), 'figure')})"
        rows.append(_cross_row(file, pcanon, "fail" if bad else "pass", message, bad or recs))
    return _cross("table_vs_narrative", rows)


def _narrative_inconsistent(best: pd.DataFrame) -> pd.DataFrame:
    """Prose that states one figure differently, with no table value to settle it: warn."""
    bad = best[best["check"] == "narrative_inconsistent"]
    if bad.empty:
        return bad
    bad = bad.assign(text=_name(bad) + " " + bad["shown"] + " (" + bad["evidence"] + _at(bad["line"]) + ") but " + bad["alternative"],
                     figures=_figure(bad))
    rows = [_cross_row(file, pcanon, "warn", "prose states a figure differently: " + "; ".join(r["text"] for r in recs), recs)
            for (file, pcanon), recs in _groups(bad, ["file", "pcanon"])]
    return _cross("narrative_inconsistent", rows)


def _section_header_values(unmapped: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Values printed on section-header rows, and whether each is its section's column sum.

    A header's section is found in the catalogue (the cells of the same table and column whose key
    sits under a section of that name), so a sum is claimed only where it is checked."""
    heads = unmapped[unmapped["reason"] == "value_on_section_header"].copy()
    if heads.empty:
        return heads
    heads["section"] = heads["label_printed"].map(label_key)
    catalogue = pd.DataFrame([(i.key, i.template, label_key(i.section[0])) for i in load_catalogue().indicators if i.section],
                             columns=["key", "template", "section"]).drop_duplicates(["key", "template"])
    where = ["file", "table", "col", "section"]
    cells = facts[(facts["source"] == "table") & facts["file"].isin(heads["file"])].merge(catalogue, on=["key", "template"])
    cells = cells.merge(heads[[*where, "row"]], on=where, suffixes=("", "_head"))
    cells = cells[cells["row"] > cells["row_head"]].sort_values("row", kind="stable")
    cells["term"] = cells["v"].map(_num).where(cells["v"].fillna(0) != 0, "")
    sums = cells.groupby(where).agg(total=("v", "sum"), terms=("term", lambda s: "+".join(x for x in s if x)))
    heads = heads.merge(sums, left_on=where, right_index=True, how="left").sort_values("line", kind="stable")
    heads["equal"] = (heads["total"] - heads["v"]).abs() < 1e-9 * np.maximum(1, heads["v"].abs())
    terms = heads["terms"].fillna("").replace("", "0")
    heads["sum_text"] = np.where(terms.str.contains("+", regex=False), terms + "=" + heads["total"].map(_num), terms)
    heads["figures"] = heads["label_printed"] + "=" + heads["value_printed"] + " (table" + _at(heads["line"]) + ")"
    rows = []
    for (file, pcanon), recs in _groups(heads, ["file", "pcanon"]):
        if all(r["equal"] for r in recs):
            listed, sums = ", ".join(r["label_printed"] + " " + r["value_printed"] for r in recs), "; ".join(r["sum_text"] for r in recs)
            message = (f"values printed on section-header rows: {listed}; "
                       f"each is the sum of its section's column ({sums}), a spreadsheet auto-sum, not an indicator")
        else:
            notes = [f"{r['label_printed']} {r['value_printed']}" + (f" (= its section's sum {r['sum_text']})" if r["equal"] else
                     "" if pd.isna(r["total"]) else f" (its section's rows sum to {_num(r['total'])})") for r in recs]
            message = "values printed on section-header rows, kept in unmapped: " + ", ".join(notes)
        rows.append(_cross_row(file, pcanon, "warn", message, recs))
    return _cross("section_header_values", rows)


def _implausible_units(facts: pd.DataFrame) -> pd.DataFrame:
    """低保 standards and benefits whose printed time unit (月/年) was re-read as implausible."""
    d = facts[facts["key"].isin(DIBAO_RATES)].copy()
    if d.empty:
        return d
    month, year = d["unit_printed"].str.contains("月"), d["unit_printed"].str.contains("年")
    printed = np.select([month & ~year, year & ~month], ["月", "年"], "")
    read = np.select([d["unit"].str.endswith("/月"), d["unit"].str.endswith("/年")], ["月", "年"], "")
    d["reread"] = (printed != "") & (read != "") & (printed != read)
    d = d.sort_values("line", kind="stable")
    d["text"] = d["evidence"] + ": " + d["note"].where(d["note"] != "", "printed " + d["unit_printed"] + ", read as " + d["unit"])
    d["figures"] = _figure(d.assign(shown=_shown(d)))
    rows = []
    for (file, pcanon), recs in _groups(d, ["file", "pcanon"]):
        bad = [r for r in recs if r["reread"]]
        message = "; ".join(r["text"] for r in bad) or f"every 低保 standard and benefit is read in its printed unit ({_count(len(recs), 'figure')})"
        rows.append(_cross_row(file, pcanon, "warn" if bad else "pass", message, bad or recs))
    return _cross("implausible_unit", rows)


def _records(df: pd.DataFrame) -> list[dict]:
    """df.to_dict("records"), several times faster on Arrow-backed string columns."""
    names = list(df.columns)
    return [dict(zip(names, row)) for row in zip(*(df[c].tolist() for c in names))]


def _groups(df: pd.DataFrame, keys: list[str]):
    """(key, records) per group in order of appearance: for building the result rows' texts."""
    groups: dict[tuple, list[dict]] = {}
    for record in _records(df):
        groups.setdefault(tuple(record[k] for k in keys), []).append(record)
    return groups.items()


def _first_line(records: list[dict]):
    lines = [r["line"] for r in records if not pd.isna(r["line"])]
    return min(lines) if lines else None


def _cross_row(file: str, pcanon: str, status: str, message: str, shown: list[dict]) -> dict:
    return {"file": file, "pcanon": pcanon, "status": status, "message": message,
            "figures": "; ".join(r["figures"] for r in shown), "line": _first_line(shown)}


def _cross(check: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).assign(check=check, rule="", strength="CROSS")


# ---------------------------------------------------------------- display


def _num(x) -> str:
    return "blank" if pd.isna(x) else _number_text(float(x))


@functools.lru_cache(maxsize=1 << 12)  # figures repeat (0, 1, 2 …): each text is made once
def _number_text(x: float) -> str:
    return str(int(round(x))) if abs(x - round(x)) < 1e-6 * max(1, abs(x)) else f"{x:.6f}".rstrip("0").rstrip(".")


def _shown(df: pd.DataFrame) -> pd.Series:
    """A value for messages: 30, ≥350 (approx), blank, n/a, unparsed."""
    pairs = list(zip(df["v"].tolist(), df["qualifier"].tolist()))
    texts = {pair: _shown_value(*pair) for pair in set(pairs)}  # values repeat: each text made once
    return pd.Series([texts[pair] for pair in pairs], index=df.index, dtype="object")


def _shown_value(v, qualifier: str) -> str:
    return _BLANK.get(qualifier, "blank") if pd.isna(v) else ("≥" if qualifier == "approx" else "") + _num(v)


def _name(df: pd.DataFrame) -> pd.Series:
    """key[applicant_type, area] as in the figures column."""
    return pd.Series([_name_of(*k) for k in zip(df["key"].tolist(), df["applicant_type"].tolist(), df["area"].tolist())], index=df.index, dtype="object")


def _name_of(key: str, applicant_type: str, area: str) -> str:
    qual = ", ".join(x for x in (applicant_type, area) if x)
    return f"{key}[{qual}]" if qual else key


def _at(line: pd.Series) -> pd.Series:
    return pd.Series([_at_line(n) for n in line], index=line.index, dtype="object")


def _at_line(n) -> str:
    return "" if pd.isna(n) else f", line {int(n)}"


def _figure(df: pd.DataFrame) -> pd.Series:
    return pd.Series([_figure_of(r) for r in _records(df[["key", "applicant_type", "area", "shown", "qualifier", "source", "line"]])],
                     index=df.index, dtype="object")


def _figure_of(r: dict) -> str:
    """key[applicant]=value (source, line N)."""
    source = r["source"] if r["qualifier"] in ("exact", "missing") else f"{r['qualifier']}, {r['source']}"
    return f"{_name_of(r['key'], r['applicant_type'], r['area'])}={r['shown'].lstrip('≥')} ({source}{_at_line(r['line'])})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _common_prefix(names: list[str]) -> str:
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: prefix.rfind("_") + 1]
