"""Charts with Chinese labels on any machine, in one theme; every function returns a Figure.

The CJK font is Noto Sans CJK SC as shipped inside the `mplfonts` package, registered with
matplotlib by file, so no system font is needed. `save` writes PNG and SVG without timestamps or
random ids, so a rerun gives the same bytes.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib

matplotlib.use("Agg") if not matplotlib.get_backend().lower().startswith(("module://", "nbagg", "widget", "ipympl")) else None

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from .analysis import AREAS, CHANNELS  # noqa: E402

PALETTE = {"网站": "#3b6ea5", "微博": "#e07b39", "微信": "#4f9d55", "公报": "#8c6bb1", "其他": "#9a9a9a"}
STATUS_COLOURS = {"fail": "#c0392b", "warn": "#e6a23c", "pass": "#67a36b", "not_assessable": "#d9d9d9"}


@functools.cache
def cjk_font() -> str:
    """Register Noto Sans CJK SC from the mplfonts package; return its family name."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_theme() -> None:
    """The one look of govstats charts: the CJK font, light grid, no top/right spines."""
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [cjk_font(), "DejaVu Sans"],
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#e5e5e5",
        "axes.titlesize": 12,
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "savefig.bbox": "tight",
        "svg.hashsalt": "govstats",  # fixed ids in SVG output
        "svg.fonttype": "path",
    })


def _figure(width: float = 8, height: float = 4.5) -> tuple[Figure, plt.Axes]:
    use_theme()
    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def _note(fig: Figure, text: str) -> None:
    fig.text(0.01, -0.02, text, fontsize=8, color="#555555", ha="left", va="top")


MAX_BARS = 40  # past this many reports (or places) a chart shows their distribution: a bar each would be metres tall


def channel_shares(table: pd.DataFrame) -> Figure:
    """Stacked bars: each report's channel shares (of the channels it states); for more than
    MAX_BARS reports, each channel's shares across them as a box plot."""
    shares = table.set_index("label")[[k.replace("channel_", "share_") for k in CHANNELS]].fillna(0)
    shares = shares[shares.sum(axis=1) > 0]
    if len(shares) > MAX_BARS:
        fig, ax = _figure(8, 4.5)
        boxes = ax.boxplot([shares[k.replace("channel_", "share_")] for k in CHANNELS], patch_artist=True,
                           medianprops={"color": "#222222"}, flierprops={"markersize": 2, "alpha": 0.3})
        for patch, name in zip(boxes["boxes"], CHANNELS.values()):
            patch.set_facecolor(PALETTE[name])
        ax.set_xticks(range(1, len(CHANNELS) + 1), list(CHANNELS.values()))
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_title(f"主动公开信息的发布渠道构成:{len(shares)} 份报告中各渠道的份额")
        _note(fig, "份额 = 各渠道条数 / 报告所列各渠道条数之和;未列出的渠道按 0 计入份额。箱体为四分位距,横线为中位数。")
        return fig
    fig, ax = _figure(8, 0.6 * len(shares) + 1.8)
    left = np.zeros(len(shares))
    for key, name in CHANNELS.items():
        values = shares[key.replace("channel_", "share_")].to_numpy()
        ax.barh(shares.index, values, left=left, color=PALETTE[name], label=name)
        left += values
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.invert_yaxis()
    ax.set_title("主动公开信息的发布渠道构成")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    _note(fig, "份额 = 各渠道条数 / 报告所列各渠道条数之和;未列出的渠道按 0 计入份额。")
    return fig


def channel_trend(trend: pd.DataFrame) -> Figure:
    """Mean share of the website and of new media (微博 + 微信) per report year."""
    fig, ax = _figure()
    years = trend["report_year"].astype(int)
    ax.plot(years, trend["share_website"], marker="o", color=PALETTE["网站"], label="网站")
    ax.plot(years, trend["share_new_media"], marker="o", color=PALETTE["微信"], label="新媒体(微博+微信)")
    for x, n in zip(years, trend["reports"]):
        ax.annotate(f"n={n}", (x, 0.02), ha="center", fontsize=8, color="#555555")
    ax.set_ylim(0, 1)
    ax.set_xticks(sorted(set(years)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_title("各年报告的平均渠道份额")
    ax.legend(frameon=False)
    return fig


def request_states(summary: pd.DataFrame) -> Figure:
    """Reports by what they say about information requests: zero, positive, blank, nothing."""
    names = {"zero": "0 件", "positive": "1 件及以上", "missing": "表格留空", "not reported": "未报告"}
    colours = {"zero": "#3b6ea5", "positive": "#e07b39", "missing": "#d9d9d9", "not reported": "#ffffff"}
    fig, ax = _figure(7, 3.5)
    bars = ax.bar([names[s] for s in summary["state"]], summary["reports"], color=[colours[s] for s in summary["state"]], edgecolor="#555555")
    for bar, share in zip(bars, summary["share"]):
        ax.annotate(f"{share:.0%}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")
    ax.set_ylabel("报告数")
    ax.set_title("依申请公开:本年收到的政府信息公开申请")
    _note(fig, "0 件、表格留空(缺失)与未报告分开计算,留空不按 0 处理。")
    return fig


def dibao_standards(table: pd.DataFrame) -> Figure:
    """Urban and rural 低保 standards per place and year, on a monthly basis; for more than
    MAX_BARS places, a histogram of the standards of each area."""
    rows = table[table["key"] == "dibao_standard"]
    pivot = rows.pivot_table(index="place", columns="area", values="monthly", aggfunc="first")
    fig, ax = _figure()
    areas = [a for a in ("urban", "rural", "all") if a in pivot.columns]
    colours = ["#3b6ea5", "#4f9d55", "#9a9a9a"]
    if len(pivot) > MAX_BARS:
        for area, colour in zip(areas, colours):
            values = pivot[area].dropna()
            ax.hist(values, bins=30, alpha=0.6, color=colour, label=f"{AREAS[area]} ({len(values)})")
        ax.set_xlabel("元/人/月")
        ax.set_ylabel("地方·年份数")
        ax.set_title(f"低保标准:城市与农村,{len(pivot)} 个地方·年份")
    else:
        width = 0.8 / max(len(areas), 1)
        x = np.arange(len(pivot))
        for i, area in enumerate(areas):
            ax.bar(x + i * width, pivot[area].to_numpy(), width, label=AREAS[area], color=colours[i])
        ax.set_xticks(x + width * (len(areas) - 1) / 2, pivot.index)
        ax.set_ylabel("元/人/月")
        ax.set_title("低保标准:城市与农村")
    ax.legend(frameon=False)
    _note(fig, "按月口径比较:报告以年计(元/人/年)的标准已除以 12。")
    return fig


def dibao_gap(gap: pd.DataFrame) -> Figure:
    """Standard against average benefit (monthly), per place, area and period; for more than
    MAX_BARS of them, one point each (standard across, benefit up) with the line where they are equal."""
    fig, ax = _figure()
    if len(gap) > MAX_BARS:
        ax.scatter(gap["dibao_standard"], gap["dibao_avg_benefit"], s=8, alpha=0.5, color="#3b6ea5")
        top = float(np.nanmax(gap[["dibao_standard", "dibao_avg_benefit"]].to_numpy(dtype=float), initial=1.0))
        ax.plot([0, top], [0, top], color="#e07b39", linewidth=1, label="补助 = 标准")
        ax.set_xlabel("低保标准(元/人/月)")
        ax.set_ylabel("月人均补助水平(元/人/月)")
        ax.set_title(f"低保标准与实际人均补助:{len(gap)} 组")
    else:
        labels = gap["place"] + " " + gap["area_zh"] + " " + gap["period"]
        x = np.arange(len(gap))
        ax.bar(x - 0.2, gap["dibao_standard"], 0.4, label="低保标准", color="#3b6ea5")
        ax.bar(x + 0.2, gap["dibao_avg_benefit"], 0.4, label="月人均补助水平", color="#e07b39")
        ax.set_xticks(x, labels, rotation=20, ha="right")
        ax.set_ylabel("元/人/月")
        ax.set_title("低保标准与实际人均补助")
    ax.legend(frameon=False)
    _note(fig, "按月口径;年标准已除以 12。补助水平高于标准时,多为报告口径不一(如按户计)。")
    return fig


def check_matrix(matrix: pd.DataFrame, labels: dict[str, str] | None = None) -> Figure:
    """Reports × checks coloured by status; for more than MAX_BARS reports, each check's reports
    counted by status (stacked bars)."""
    if len(matrix) > MAX_BARS:
        counts = pd.DataFrame({s: (matrix == s).sum() for s in STATUS_COLOURS})
        fig, ax = _figure(8, 0.3 * len(counts) + 2)
        left = np.zeros(len(counts))
        for status, colour in STATUS_COLOURS.items():
            ax.barh(counts.index, counts[status], left=left, color=colour, label=status)
            left += counts[status].to_numpy()
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel("报告数")
        ax.set_title(f"勾稽关系与交叉核对:{len(matrix)} 份报告的结果")
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
        return fig
    codes = {s: i for i, s in enumerate(STATUS_COLOURS)}
    grid = matrix.apply(lambda col: col.map(lambda s: codes.get(s, np.nan)))
    fig, ax = _figure(max(8, 0.45 * len(matrix.columns) + 3), 0.5 * len(matrix) + 2.5)
    cmap = matplotlib.colors.ListedColormap(list(STATUS_COLOURS.values())).with_extremes(bad="#ffffff")
    ax.imshow(np.ma.masked_invalid(grid.to_numpy(dtype=float)), cmap=cmap, vmin=-0.5, vmax=len(codes) - 0.5, aspect="auto")
    ax.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(matrix)), [(labels or {}).get(f, f) for f in matrix.index])
    ax.grid(False)
    ax.set_title("勾稽关系与交叉核对:各报告结果")
    handles = [matplotlib.patches.Patch(color=c, label=s) for s, c in STATUS_COLOURS.items()]
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig


def indicator_bars(values: pd.DataFrame, title: str, unit: str = "") -> Figure:
    """One indicator per report (the explorer's chart): numbers as bars, blanks and absences
    named; for more than MAX_BARS reports, a histogram of the numbers, the others counted."""
    if len(values) > MAX_BARS:
        fig, ax = _figure(7, 4)
        ax.hist(values["value"].dropna(), bins=30, color="#3b6ea5")
        counts = values["state"].value_counts()
        ax.set_title(f"{title} · {len(values)} 份报告: {counts.get('reported', 0)} 已报告, {counts.get('missing', 0)} 留空, "
                     f"{counts.get('not reported', 0)} 未报告", fontsize=10)
        ax.set_xlabel(unit)
        ax.set_ylabel("报告数")
        return fig
    fig, ax = _figure(7, 0.45 * max(len(values), 1) + 1.6)
    shown = values.fillna({"value": 0})
    colours = ["#3b6ea5" if s == "reported" else "#d9d9d9" for s in values["state"]]
    ax.barh(values["label"], shown["value"], color=colours)
    for y, (v, s) in enumerate(zip(shown["value"], values["state"])):  # the value (or why there is none) at the bar's end
        ax.annotate(f"{v:g}" if s == "reported" else ("留空" if s == "missing" else "未报告"), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    ax.set_title(title)
    return fig


def save(fig: Figure, path_stem: Path) -> list[Path]:
    """PNG and SVG, byte-identical on a rerun."""
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = path_stem.with_suffix(".png"), path_stem.with_suffix(".svg")
    fig.savefig(png, format="png", metadata={"Software": None})
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return [png, svg]
