"""A filter panel for exploring a build in Jupyter, and the pure function behind it.

`apply_filter(state, dataset)` does all the work and is tested without a browser; `FilterPanel`
only turns ipywidgets values into a `FilterState`. `explore(build)` is the panel plus a table
and a chart that are redrawn on every change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import analysis

ALL = "全部"
MAX_ROWS = 200  # rows of the explorer's table a notebook shows: a large build selects many thousand reports


@dataclass(frozen=True)
class FilterState:
    province: str = ALL
    city: str = ALL
    county: str = ALL
    years: tuple[int, int] | None = None  # inclusive; None = every year
    agency_kinds: tuple[str, ...] = ()  # empty = every kind
    templates: tuple[str, ...] = ()  # empty = every era
    indicator: str = "proactive_total"


@dataclass
class Filtered:
    reports: pd.DataFrame  # the parsed reports that pass the filter
    values: pd.DataFrame  # the indicator per report (analysis.indicator_values)
    facts: pd.DataFrame = field(default_factory=pd.DataFrame)  # best values of those reports


def matches(reports: pd.DataFrame, state: FilterState) -> pd.Series:
    """Which reports pass the filter (a boolean Series over `reports`)."""
    keep = pd.Series(True, index=reports.index)
    for column, wanted in (("province", state.province), ("city", state.city), ("county", state.county)):
        if wanted != ALL:
            keep &= reports[column].fillna("") == wanted
    if state.years is not None:
        year = reports["report_year"].astype("Int64")
        keep &= (year >= state.years[0]).fillna(False) & (year <= state.years[1]).fillna(False)
    if state.agency_kinds:
        keep &= reports["agency_kind"].isin(state.agency_kinds)
    if state.templates:
        keep &= reports["template"].isin(state.templates)
    return keep


def apply_filter(state: FilterState, dataset) -> Filtered:
    """The reports, indicator values and best values that the filter state selects."""
    parsed = dataset.reports[dataset.reports["status"] == "parsed"]
    reports = parsed[matches(parsed, state).to_numpy()]
    values = analysis.indicator_values(dataset, state.indicator)
    values = values[values["file"].isin(reports["file"])].reset_index(drop=True)
    facts = dataset.best[dataset.best["file"].isin(reports["file"])]
    return Filtered(reports.reset_index(drop=True), values, facts.reset_index(drop=True))


def options(dataset, state: FilterState, keys: list[str] | None = None) -> dict[str, list]:
    """Choices for each control, narrowed by the region chosen above it; the indicators are `keys`,
    or those of the dataset's best values."""
    parsed = analysis.plain(dataset.reports[dataset.reports["status"] == "parsed"])
    in_province = parsed if state.province == ALL else parsed[parsed["province"] == state.province]
    in_city = in_province if state.city == ALL else in_province[in_province["city"] == state.city]
    years = parsed["report_year"].dropna().astype(int)
    keys = sorted(set(dataset.best["key"].dropna())) if keys is None else keys
    return {
        "province": [ALL] + sorted(p for p in parsed["province"].unique() if p),
        "city": [ALL] + sorted(c for c in in_province["city"].unique() if c),
        "county": [ALL] + sorted(c for c in in_city["county"].unique() if c),
        "years": (int(years.min()), int(years.max())) if len(years) else (2008, 2030),
        "agency_kinds": sorted(k for k in parsed["agency_kind"].unique() if k),
        "templates": sorted(t for t in parsed["template"].unique() if t),
        "indicator": keys,
    }


class FilterPanel:
    """ipywidgets controls for a FilterState; `on_change(state)` is called after every change.
    The indicators are `keys`, or those of the dataset's best values."""

    def __init__(self, dataset, on_change=None, state: FilterState | None = None, keys: list[str] | None = None):
        import ipywidgets as w

        self.dataset, self.keys = dataset, keys
        self.on_change = on_change
        first = options(dataset, FilterState(), keys)
        indicator = "proactive_total" if "proactive_total" in first["indicator"] else (first["indicator"] or [None])[0]  # None: no figure
        self.state = state or FilterState(years=first["years"], indicator=indicator)
        self.province = w.Dropdown(description="省份", options=first["province"], value=self.state.province)
        self.city = w.Dropdown(description="城市", options=first["city"], value=self.state.city)
        self.county = w.Dropdown(description="区县", options=first["county"], value=self.state.county)
        low, high = first["years"]
        self.years = w.IntRangeSlider(description="年份", min=low, max=high, value=self.state.years or (low, high))
        self.agency_kinds = w.SelectMultiple(description="机构类型", options=first["agency_kinds"], value=self.state.agency_kinds)
        self.templates = w.SelectMultiple(description="模板", options=first["templates"], value=self.state.templates)
        self.indicator = w.Dropdown(description="指标", options=first["indicator"], value=self.state.indicator)
        self.controls = [self.province, self.city, self.county, self.years, self.agency_kinds, self.templates, self.indicator]
        self.widget = w.VBox([w.HBox([self.province, self.city, self.county]), self.years, w.HBox([self.agency_kinds, self.templates]), self.indicator])
        self._updating = False
        for control in self.controls:
            control.observe(self._changed, names="value")

    def _changed(self, _change) -> None:
        if self._updating:
            return
        self._updating = True
        try:
            self.state = FilterState(self.province.value, self.city.value, self.county.value, tuple(self.years.value),
                                     tuple(self.agency_kinds.value), tuple(self.templates.value), self.indicator.value)
            narrowed = options(self.dataset, self.state, self.keys)
            for control, name in ((self.city, "city"), (self.county, "county")):
                if list(control.options) != narrowed[name]:
                    value = control.value if control.value in narrowed[name] else ALL
                    control.options = narrowed[name]
                    control.value = value
            self.state = replace(self.state, city=self.city.value, county=self.county.value)
        finally:
            self._updating = False
        if self.on_change:
            self.on_change(self.state)


TABLE = ["label", "province", "city", "county", "report_year", "template", "value", "state", "source", "evidence", "file"]


class _Build:
    """What the explorer reads. Of a Dataset, its tables. Of a build's folder, its index of reports
    at once, the indicators its best values hold (store.keys), and an indicator's best values when
    it is chosen, the last few kept: all the best values of 100 000 reports take some 9 GB; read
    this way, the explorer's first view takes 13 s, another indicator 8–9 s, and 1.6 GB at most
    with four kept."""

    KEPT = 4

    def __init__(self, data, years=None):
        from . import store
        from .export import load, read_years

        if isinstance(data, (str, os.PathLike)):
            self.folder, self.years = Path(data), read_years(years)
            self.reports = load(self.folder, tables=[], years=self.years).reports
            self.keys = store.keys(self.folder, "best", self.years)
        else:
            if years is not None:
                raise ValueError("years select what a build's folder is read for: give explore the folder, or load those years")
            self.folder, self.reports, self.data = None, data.reports, data
            self.keys = sorted(set(data.best["key"].dropna()))
        self._kept: dict[str, object] = {}

    def of(self, key: str):
        """A Dataset holding the index and the best values of one indicator (of a folder) or all."""
        if self.folder is None:
            return self.data
        if key not in self._kept:
            from .export import load

            if len(self._kept) >= self.KEPT:
                del self._kept[next(iter(self._kept))]
            self._kept[key] = replace(load(self.folder, tables=["best"], years=self.years, keys=[key]), reports=self.reports)
        return self._kept[key]


def explore(data, years: list[int] | None = None):
    """The panel, a table of the selected indicator per report, and its chart; redrawn on change.
    `data`: a build's folder (an indicator's values are read when it is chosen: a build of any
    size; `years` reads those report years only), or a loaded Dataset with its best values."""
    import io

    import ipywidgets as w
    from IPython.display import HTML, Image, display

    from . import plotting

    build = _Build(data, years)
    output = w.Output()
    box = w.VBox([output])

    def draw(state: FilterState) -> None:
        output.clear_output(wait=True)
        if state.indicator is None:  # no report parsed, or none gave a figure
            box.table, box.figure = pd.DataFrame(columns=TABLE), None
            parsed = int((build.reports["status"] == "parsed").sum())
            with output:
                display(HTML(f"<p>这次构建没有可浏览的数字：{len(build.reports)} 个文件，{parsed} 个已解析（原因见 errors 表）。</p>"))
            return
        chosen = apply_filter(state, build.of(state.indicator))
        box.table = chosen.values[TABLE]
        box.figure = plotting.indicator_bars(chosen.values, state.indicator)
        with output:
            shown = f"，表中为前 {MAX_ROWS} 份（全部在 explorer.table）" if len(box.table) > MAX_ROWS else ""
            display(HTML(f"<p>{len(chosen.reports)} 份报告{shown} · 指标 <b>{state.indicator}</b></p>"
                         + box.table.head(MAX_ROWS).to_html(index=False, classes="govstats-table", na_rep="")))
            png = io.BytesIO()
            box.figure.savefig(png, format="png")  # an image whatever the notebook's matplotlib backend
            display(Image(png.getvalue()))

    box.panel = FilterPanel(build, on_change=draw, keys=build.keys)  # kept on the box, with table and figure, for code that drives it
    box.children = [box.panel.widget, output]
    draw(box.panel.state)
    return box
