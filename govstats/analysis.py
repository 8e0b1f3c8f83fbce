"""The tables the notebooks and `govstats figures` analyse, from a build's best values.

All work on a `Dataset` (see export.load) and keep the three states a figure can be in apart:
a number (0 included), `missing` (the report prints the row but leaves it blank), and not reported
(no row and no sentence states it). One row per report unless said otherwise; the report's
agency, region, year and template come along, so the filters of the explorer apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .narrative import narrative_units

REPORT_COLUMNS = ["file", "agency", "agency_kind", "province", "city", "county", "adcode", "report_year", "template"]
CHANNELS = {"channel_website": "网站", "channel_weibo": "微博", "channel_wechat": "微信", "channel_gazette": "公报", "channel_other": "其他"}
AREAS = {"urban": "城市", "rural": "农村", "all": "城乡"}
# the indicator keys each analysis reads: load(folder, tables=["best"], keys=KEYS["channels"]) reads
# only their rows (a large build's best values do not fit in memory whole)
KEYS = {
    "channels": ["proactive_total", *CHANNELS],
    "requests": ["app_new", "applications_received", "reconsideration_total", "litigation_total"],
    "dibao": [key for key in narrative_units() if key.startswith("dibao_")],
}


def report_label(reports: pd.DataFrame) -> pd.Series:
    """`兴庆区民政局 2017`: how charts name a report."""
    year = reports["report_year"].astype("string").fillna("?")
    return reports["agency"].where(reports["agency"] != "", reports.get("file", "")) + " " + year


def _reports(ds) -> pd.DataFrame:
    return plain(ds.reports[ds.reports["status"] == "parsed"][REPORT_COLUMNS])


def plain(df: pd.DataFrame) -> pd.DataFrame:
    """numpy dtypes (float64, object strings with '' for NA, Int64 years) for arithmetic and plots."""
    out = df.copy()
    for col in out.columns:
        if col == "report_year":
            out[col] = out[col].astype("Int64")
        elif pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype("float64")
        elif pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object:
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    return out


def year_figures(ds, key: str | None = None) -> pd.DataFrame:
    """Best values (of one key, or all) for the reporting year (period '' or the report's own
    year), with report columns."""
    best = ds.best if key is None else ds.best[ds.best["key"] == key]
    best = plain(best).merge(_reports(ds), on="file", how="inner")
    own_year = best["period"] == best["report_year"].astype("string").fillna("?")
    return best[(best["period"] == "") | own_year]


def indicator_values(ds, key: str) -> pd.DataFrame:
    """One indicator for the reporting year: one row per parsed report, `value` NaN and `state`
    `missing` or `not reported` where there is no number. Several rows of one report (by
    applicant type or area) are summed only when it has no `total`/`all` row."""
    rows = year_figures(ds, key)
    if (rows["applicant_type"] == "total").any():
        rows = rows[rows["applicant_type"].isin(["total", ""])]
    by_file = rows.groupby("file")  # built-in aggregations: a large build's reports are too many for a Python call each
    sources = rows.drop_duplicates(["file", "source"]).sort_values(["file", "source"])
    per_report = pd.DataFrame({
        "value": by_file["value"].sum(min_count=1),
        "qualifier": by_file["qualifier"].first().where(~(rows["qualifier"] == "approx").groupby(rows["file"]).any(), "approx"),
        "source": ("+" + sources["source"]).groupby(sources["file"]).sum().str[1:],
        "evidence": by_file["evidence"].first(),
    })
    out = _reports(ds).set_index("file").join(per_report, how="left")
    out["qualifier"] = out["qualifier"].fillna("")
    out["state"] = np.where(out["value"].notna(), "reported", np.where(out["qualifier"] == "missing", "missing", "not reported"))
    out["label"] = report_label(out)
    return out.reset_index()


def channels(ds) -> pd.DataFrame:
    """Proactive disclosure by channel: counts, the total, and each channel's share of the sum
    of the channels the report states (NaN where it states none)."""
    out = indicator_values(ds, "proactive_total")[REPORT_COLUMNS + ["label", "value"]].rename(columns={"value": "proactive_total"})
    for key in CHANNELS:
        out[key] = indicator_values(ds, key)["value"].to_numpy()
    counts = out[list(CHANNELS)]
    out["channels_sum"] = counts.sum(axis=1, min_count=1)
    for key in CHANNELS:
        out[key.replace("channel_", "share_")] = out[key] / out["channels_sum"].where(out["channels_sum"] > 0)
    out["share_new_media"] = out[["share_weibo", "share_wechat"]].sum(axis=1, min_count=1)
    return out


def channel_trend(table: pd.DataFrame) -> pd.DataFrame:
    """Mean channel shares per report year, over the reports that state any channel."""
    shares = [k.replace("channel_", "share_") for k in CHANNELS] + ["share_new_media"]
    stated = table[table["channels_sum"].notna() & (table["channels_sum"] > 0)]
    trend = stated.groupby("report_year")[shares].mean()
    trend["reports"] = stated.groupby("report_year").size()
    return trend.reset_index()


def requests(ds) -> pd.DataFrame:
    """Information requests received in the year (the 2019/2021 matrix's new applications, or the
    2014 statistic), with review and litigation, each kept as reported / missing / not reported."""
    new = indicator_values(ds, "app_new")
    old = indicator_values(ds, "applications_received")
    use_new = new["value"].notna() | (new["state"] == "missing")
    out = new[REPORT_COLUMNS + ["label"]].copy()
    out["applications"] = np.where(use_new, new["value"], old["value"])
    out["applications_state"] = np.where(use_new, new["state"], old["state"])
    out["applications_evidence"] = np.where(use_new, new["evidence"], old["evidence"])
    for key in ("reconsideration_total", "litigation_total"):
        v = indicator_values(ds, key)
        out[key] = v["value"].to_numpy()
        out[key + "_state"] = v["state"].to_numpy()
    out["zero"] = out["applications"] == 0
    return out


def request_summary(table: pd.DataFrame) -> pd.DataFrame:
    """How many reports state zero, a positive number, a blank cell, or nothing at all."""
    state = np.where(table["applications_state"] != "reported", table["applications_state"], np.where(table["applications"] == 0, "zero", "positive"))
    counts = pd.Series(state).value_counts()
    order = ["zero", "positive", "missing", "not reported"]
    out = pd.DataFrame({"state": order, "reports": [int(counts.get(s, 0)) for s in order]})
    out["share"] = out["reports"] / max(len(table), 1)
    return out


def dibao(ds) -> pd.DataFrame:
    """低保 figures, tidy: one row per report × key × area × period, standards and benefits also
    on a monthly basis (`monthly`, 元/人/月: an annual figure divided by 12, said in `basis`)."""
    best = plain(ds.best)
    rows = best[best["key"].str.startswith("dibao_") & best["value"].notna()].merge(_reports(ds), on="file")
    rows = rows[REPORT_COLUMNS + ["key", "area", "period", "value", "unit", "qualifier", "source", "evidence"]].copy()
    annual = rows["unit"] == "元/人/年"
    monthly = rows["unit"] == "元/人/月"
    rows["monthly"] = np.where(annual, rows["value"] / 12, np.where(monthly, rows["value"], np.nan))
    rows["basis"] = np.where(annual, "annual ÷ 12", np.where(monthly, "monthly as printed", ""))
    rows["area_zh"] = rows["area"].map(AREAS).fillna("")
    rows["place"] = rows["county"].where(rows["county"] != "", rows["city"]) + " " + rows["report_year"].astype("string").fillna("?")
    return rows.reset_index(drop=True)


def dibao_gap(table: pd.DataFrame) -> pd.DataFrame:
    """Standard vs average benefit, monthly, per report × area × period where both are stated."""
    pivot = table[table["key"].isin(["dibao_standard", "dibao_avg_benefit"])].pivot_table(
        index=["file", "place", "area", "area_zh", "period"], columns="key", values="monthly", aggfunc="first"
    )
    pivot = pivot.dropna(subset=[c for c in ("dibao_standard", "dibao_avg_benefit") if c in pivot.columns])
    if pivot.empty or "dibao_standard" not in pivot.columns or "dibao_avg_benefit" not in pivot.columns:
        return pd.DataFrame(columns=["file", "place", "area", "area_zh", "period", "dibao_standard", "dibao_avg_benefit", "gap", "benefit_share"])
    pivot["gap"] = pivot["dibao_standard"] - pivot["dibao_avg_benefit"]
    pivot["benefit_share"] = pivot["dibao_avg_benefit"] / pivot["dibao_standard"]
    return pivot.reset_index()


def check_matrix(ds) -> pd.DataFrame:
    """Reports × checks, the worst status of each check (fail > warn > pass > not_assessable)."""
    rank = {"fail": 3, "warn": 2, "pass": 1, "not_assessable": 0}
    checks = ds.checks.assign(rank=ds.checks["status"].map(rank))
    worst = checks.sort_values("rank").groupby(["file", "check"])["status"].last().unstack("check")
    return worst.reindex(sorted(worst.columns), axis=1)


def conflicts(ds) -> pd.DataFrame:
    """Failed or warned checks with their figures and message, worst first."""
    bad = ds.checks[ds.checks["status"].isin(["fail", "warn"])]
    return bad.sort_values(["status", "file", "check"]).reset_index(drop=True)
