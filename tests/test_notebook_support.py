"""The library behind the notebooks: charts with Chinese glyphs, deterministic figure files, the
filter panel driven in code, and notebooks committed without outputs."""

import io
import json
import warnings

import pytest
from conftest import ROOT, read_gold

pytest.importorskip("matplotlib")
pytest.importorskip("ipywidgets")

import pandas as pd  # noqa: E402

import govstats  # noqa: E402
from govstats import analysis, widgets  # noqa: E402
from govstats.figures import charts, write_figures  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def ds(seed_build):
    return seed_build[0]


def glyph_warnings(fig) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]


def test_every_chart_renders_its_chinese_labels(ds):
    for name, (fig, _) in charts(ds).items():
        assert glyph_warnings(fig) == [], name
        texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
        assert any(any("\u4e00" <= c <= "\u9fff" for c in t) for t in texts), f"{name} has no Chinese label"


def test_the_explorer_draws_many_reports_as_a_histogram_and_shows_the_first_rows(ds, monkeypatch):
    import IPython.display

    from govstats import plotting

    states = ["reported"] * 90 + ["missing"] * 7 + ["not reported"] * 3
    many = pd.DataFrame({"label": [f"局 {i}" for i in range(100)], "value": [float(i) for i in range(90)] + [None] * 10, "state": states})
    fig = plotting.indicator_bars(many, "proactive_total")
    assert tuple(fig.get_size_inches()) == (7, 4) and glyph_warnings(fig) == []  # not 46 inches of bars
    assert fig.axes[0].get_title() == "proactive_total · 100 份报告: 90 已报告, 7 留空, 3 未报告"
    assert sum(p.get_height() for p in fig.axes[0].patches) == 90  # every number counted once
    monkeypatch.setattr(widgets, "MAX_ROWS", 2)
    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    box = widgets.explore(ds)
    html = next(o.data for o in shown if isinstance(o, IPython.display.HTML))
    assert len(box.table) == 5 and html.count("<tr") == 3 and "前 2 份" in html  # the header and two reports shown


def test_charts_of_many_reports_show_their_distribution_in_a_figure_of_fixed_size():
    """Past MAX_BARS reports (places), a bar or a row each made `govstats figures` of a 10 000-report
    build draw figures 6 000 inches tall: 16 minutes and 18 GB. Each chart then shows the
    distribution, every report counted once, in a figure of fixed size with its Chinese labels."""
    import numpy as np

    from govstats import plotting

    n = plotting.MAX_BARS + 60
    shares = np.random.default_rng(0).dirichlet(np.ones(len(analysis.CHANNELS)), n)
    table = pd.DataFrame({"label": [f"局 {i}" for i in range(n)]} | {k.replace("channel_", "share_"): shares[:, i] for i, k in enumerate(analysis.CHANNELS)})
    fig = plotting.channel_shares(table)
    assert tuple(fig.get_size_inches()) == (8, 4.5) and len(fig.axes[0].patches) == len(analysis.CHANNELS)  # a box a channel
    assert f"{n} 份报告" in fig.axes[0].get_title() and glyph_warnings(fig) == []
    matrix = pd.DataFrame({"A1": ["pass"] * 70 + ["fail"] * 30, "B1": ["warn"] * 99 + [None]}, index=[f"f{i}" for i in range(n)])
    fig = plotting.check_matrix(matrix)
    widths = {(p.get_y(), p.get_facecolor()[:3]): p.get_width() for p in fig.axes[0].patches if p.get_width()}
    assert sorted(widths.values()) == [30, 70, 99] and tuple(fig.get_size_inches()) == (8, 2.6) and glyph_warnings(fig) == []
    places = [f"县{i} 2019" for i in range(n // 2)]
    standards = pd.DataFrame({"key": "dibao_standard", "place": places * 2, "area": ["urban"] * len(places) + ["rural"] * len(places),
                              "monthly": np.linspace(300, 900, 2 * len(places))})
    fig = plotting.dibao_standards(standards)
    assert sum(p.get_height() for p in fig.axes[0].patches) == 2 * len(places) and tuple(fig.get_size_inches()) == (8, 4.5)
    gap = pd.DataFrame({"place": places, "area_zh": "城市", "period": "2019", "dibao_standard": np.linspace(300, 900, len(places)),
                        "dibao_avg_benefit": np.linspace(200, 700, len(places))})
    fig = plotting.dibao_gap(gap)
    assert len(fig.axes[0].collections[0].get_offsets()) == len(places) and glyph_warnings(fig) == []


def test_the_glyph_check_catches_a_font_without_chinese():
    # the control: without the CJK font, matplotlib warns about the missing glyphs
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    with plt.rc_context({"font.family": "DejaVu Sans"}):
        fig = Figure()
        fig.add_subplot().set_title("低保标准")
        assert glyph_warnings(fig)


def test_figures_are_byte_identical_on_a_rerun(ds, tmp_path):
    first = write_figures(ds, tmp_path / "a")
    second = write_figures(ds, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second] and len(first) == 18
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    for committed in (ROOT / "reports" / "figures").glob("*.png"):  # the charts README shows
        assert committed.read_bytes() == (tmp_path / "a" / committed.name).read_bytes(), f"{committed.name}: run `make run` and commit it"


def test_figure_csv_holds_the_numbers_behind_the_chart(ds, tmp_path):
    write_figures(ds, tmp_path)
    shares = (tmp_path / "01-channel-shares.csv").read_text(encoding="utf-8")
    assert "兴庆区民政局 2017" in shares.splitlines()[1] and ",289.0,142.0,82.0," in shares.splitlines()[1]


def test_filter_state_selects_reports(ds):
    everything = widgets.apply_filter(widgets.FilterState(), ds)
    fujian = widgets.apply_filter(widgets.FilterState(province="福建省"), ds)
    assert len(everything.reports) == 5 and list(fujian.reports["agency"]) == ["三元区民政局"]
    towns = widgets.apply_filter(widgets.FilterState(agency_kinds=("town_government",)), ds)
    assert list(towns.reports["agency"]) == ["兴庆区掌政镇人民政府"]
    assert len(widgets.apply_filter(widgets.FilterState(years=(2020, 2020)), ds).reports) == 1
    assert set(widgets.apply_filter(widgets.FilterState(templates=("2014",)), ds).values["file"]) == {"000_7e7a0834d21815b9.txt", "003_65346d4e8b8906da.txt"}


def test_the_explorer_of_a_build_without_figures_says_so(tmp_path):
    """A build whose files all failed (a folder of scanned PDFs, say) stopped the explorer with a
    TraitError (an indicator chosen among none)."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "empty.txt").write_bytes(b"")
    failed = govstats.build(tmp_path / "raw", tmp_path / "out", csv_copies=False)
    for box in (widgets.explore(failed), widgets.explore(tmp_path / "out")):
        assert box.panel.indicator.value is None and box.figure is None
        assert len(box.table) == 0 and list(box.table.columns) == widgets.TABLE
        box.panel.province.value = "全部"  # the controls still answer


def test_changing_controls_in_code_changes_the_table_and_the_chart(ds):
    box = widgets.explore(ds)
    panel = box.panel

    def bars():
        return [round(p.get_width(), 6) for p in box.figure.axes[0].patches]

    table, chart = box.table.copy(), bars()
    assert list(table["value"].fillna(-1)) == gold_year_values("proactive_total", list(table["file"]))  # 吴忠 states none: -1, not 0
    panel.indicator.value = "channel_website"
    assert list(box.table["value"]) == gold_year_values("channel_website", list(box.table["file"])) and bars() != chart
    panel.province.value = "福建省"
    assert list(box.table["label"]) == ["三元区民政局 2017"] and len(bars()) == 1
    assert list(panel.city.options) == ["全部", "三明市"]  # the city list follows the province
    panel.province.value = "全部"
    assert len(box.table) == 5


def test_the_explorer_of_a_folder_reads_an_indicator_when_it_is_chosen(seed_build, loads):
    """Given a build's folder, the explorer shows what it shows of the loaded build, reading the
    index and then one indicator's best values at a time, never the whole table (9 GB at 100 000
    reports); five indicators chosen in turn (more than it keeps), then the first again."""
    ds, out = seed_build
    lazy, loaded = widgets.explore(out), widgets.explore(ds)
    assert lazy.panel.indicator.options == loaded.panel.indicator.options and len(lazy.panel.indicator.options) > 100
    for key in ["channel_website", "dibao_standard", "channel_wechat", "applications_received", "dibao_spending", "proactive_total"]:
        lazy.panel.indicator.value = loaded.panel.indicator.value = key
        pd.testing.assert_frame_equal(lazy.table, loaded.table)
        assert lazy.table["state"].eq("reported").any(), key
    lazy.panel.province.value = loaded.panel.province.value = "福建省"
    pd.testing.assert_frame_equal(lazy.table, loaded.table)
    assert loads[0]["tables"] == [] and all(call["keys"] is not None and len(call["keys"]) == 1 for call in loads[1:]) and len(loads) == 8
    of_2017 = widgets.explore(out, years=2017)
    assert set(of_2017.table["report_year"]) == {2017} and len(of_2017.table) == (ds.reports["report_year"] == 2017).sum()
    with pytest.raises(ValueError, match="not '2017'"):
        widgets.explore(out, years="2017")
    with pytest.raises(ValueError, match="give explore the folder"):  # a loaded Dataset holds the years it was loaded for
        widgets.explore(ds, years=2017)


def gold_year_values(key: str, files: list[str]) -> list[float]:
    """The gold figure of each report's own year, the table's where both sources give one (the
    best-value rule); -1 where the gold has none."""
    rows = [r for r in read_gold("seed_facts.csv") if r["key"] == key and r["period"] in ("", "2017", "2020") and r["value"]]
    by_file = {}
    for r in sorted(rows, key=lambda r: r["source"] != "table"):
        by_file.setdefault(r["file"], float(r["value"]))
    return [by_file.get(f, -1.0) for f in files]


@pytest.mark.parametrize("analyse, tables, keys", [("channels", ["best"], "channels"), ("requests", ["best"], "requests"), ("dibao", ["best"], "dibao"),
                                                  ("check_matrix", ["checks"], None), ("conflicts", ["checks"], None)])
def test_an_analysis_of_only_the_rows_it_reads_gives_the_same_table(seed_build, analyse, tables, keys):
    """What the notebooks load: a large build's tables do not fit in memory whole."""
    ds, out = seed_build
    few = govstats.load(out, tables=tables, keys=analysis.KEYS[keys] if keys else None)
    assert len(few.facts) == 0 and (keys is None or 0 < len(few.best) < len(ds.best))
    pd.testing.assert_frame_equal(getattr(analysis, analyse)(few), getattr(analysis, analyse)(ds))


def test_notebooks_are_committed_without_outputs_and_take_their_data_folder_as_a_parameter():
    assert [p.stem for p in NOTEBOOKS] == ["00-explore", "01-disclosure-channels", "02-information-requests", "03-dibao", "04-data-quality"]
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
        assert len(params) == 1 and 'data_dir = "data/processed"' in "".join(params[0]["source"]), path.name
        assert nb["cells"][0]["cell_type"] == "markdown" and "Question" in "".join(nb["cells"][0]["source"])
        assert any("What the data shows" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
