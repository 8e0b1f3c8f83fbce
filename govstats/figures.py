"""`govstats figures`: every chart of the notebooks as PNG and SVG, with the CSV of the numbers
behind it, in `reports/figures/`. Deterministic: a rerun on the same build is byte-identical."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import analysis, plotting

# what the charts read of a build: load(folder, **READS)
READS = {"tables": ["best", "checks"], "keys": sorted({key for keys in analysis.KEYS.values() for key in keys}),
         "columns": {"checks": ["file", "check", "status"]}}


def charts(dataset) -> dict[str, tuple]:
    """name → (Figure, the DataFrame it plots)."""
    ch = analysis.channels(dataset)
    trend = analysis.channel_trend(ch)
    summary = analysis.request_summary(analysis.requests(dataset))
    dibao = analysis.dibao(dataset)
    standards = dibao[dibao["key"] == "dibao_standard"]
    gap = analysis.dibao_gap(dibao)
    matrix = analysis.check_matrix(dataset)
    labels = dict(zip(ch["file"], ch["label"]))
    share_columns = ["file", "label", "report_year", "proactive_total", *analysis.CHANNELS, "channels_sum"] + [k.replace("channel_", "share_") for k in analysis.CHANNELS]
    return {
        "01-channel-shares": (plotting.channel_shares(ch), ch[share_columns]),
        "01-channel-shares-by-year": (plotting.channel_trend(trend), trend),
        "02-information-requests": (plotting.request_states(summary), summary),
        "03-dibao-standards": (plotting.dibao_standards(dibao), standards[["file", "place", "area", "period", "value", "unit", "monthly", "basis", "evidence"]]),
        "03-dibao-standard-vs-benefit": (plotting.dibao_gap(gap), gap),
        "04-checks-by-report": (plotting.check_matrix(matrix, labels), matrix.reset_index()),
    }


def write_figures(dataset, out: str | Path = "reports/figures") -> list[Path]:
    out = Path(out)
    written = []
    for name, (fig, numbers) in charts(dataset).items():
        written += plotting.save(fig, out / name)
        csv = out / f"{name}.csv"
        pd.DataFrame(numbers).to_csv(csv, index=False, encoding="utf-8", lineterminator="\n")
        written.append(csv)
    return written
