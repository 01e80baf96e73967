"""The paper's figures from a result: median unexplained trade (Figures 2-5), the trade and unexplained trade of
named partners (Figures 1, 6, 8, 10), the decile outliers drawn as ranked bars instead of maps (Figures 7, 9, 11),
and Figure 12 from the real V-Dem file; with the series each figure plots."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.chapters.phillips_ahmad.data import vdem_world_means
from helpers.chapters.phillips_ahmad.pipeline import GravityRun
from helpers.data.gsdb import COUNTRIES
from helpers.methods.gravity import decile_outliers, median_series, partner_series
from helpers.report.figures import WIDTH

FIG1_PARTNERS = {"imports": ("CHN", "CAN", "MEX", "KHM", "VNM"), "exports": ("CAN", "MEX", "KHM", "VNM")}
FIG6_PARTNERS = ("CHN", "CAN", "MEX", "KHM", "VNM")
FIG8_PARTNERS = ("CAN", "MEX", "VNM", "KHM", "RUS")
RUSSIA_PARTNERS = ("CHN", "IND", "KAZ", "DEU", "FRA", "POL", "GBR", "TUR", "BLR", "ARM", "ITA", "ESP", "UKR", "USA")
PANEL_SECTORS = ("Chemicals/pharma", "Metals", "Machinery", "Transportation equipment")
RESIDUAL_COLUMNS = {"level": "resid", "ratio": "ratio", "pearson": "pearson", "log": "log", "relative": "relative"}
NAME_FIXES = {"VNM": "Vietnam", "KOR": "South Korea", "PRK": "North Korea"}   # first GSDB name is historical
_NAMES = {}
for _name, _code in COUNTRIES.items():
    _NAMES.setdefault(_code, _name)
_NAMES.update(NAME_FIXES)
RATIO_FLOOR = -3.0     # the ratio is <= 1 but unbounded below: tiny flows would flatten the plot


def figure_median_2022(result: GravityRun):
    """Figure 2: the median residual in the last year by sector, (a) value, (b) ratio to trade."""
    last = int(result.resid["year"].max())
    d = result.resid[result.resid["year"] == last]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax, value, title in ((axes[0], "resid", "(a) residual value"), (axes[1], "ratio", "(b) residual / trade")):
        med = d.groupby("sector")[value].median().reindex(result.sectors)
        ax.barh(med.index, med.values)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_title(f"{title}, {last}")
        ax.invert_yaxis()
    axes[1].set_yticklabels([])
    fig.tight_layout()
    return fig


def figure_median_yearly(result: GravityRun):
    """Figure 3: panel (a) the residual chosen by `residual_def` (the paper's level by default), (b) the ratio."""
    first = RESIDUAL_COLUMNS[result.settings["residual_def"]]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    label = "(a) value" if first == "resid" else f"(a) {result.settings['residual_def']} residual"
    for ax, value, title in ((axes[0], first, label), (axes[1], "ratio", "(b) fraction of bilateral trade")):
        m = median_series(result.resid, ["year"], value=value, band=result.settings["band"])
        ax.plot(m["year"], m["median"], marker="o", ms=3, label="median")
        if result.settings["band"] == "boot_median":
            ax.fill_between(m["year"], m["low"], m["high"], alpha=0.25, label="95% CI of the median")
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(title)
    fig.tight_layout()
    return fig


def median_by_year(result: GravityRun, value: str = "resid") -> pd.DataFrame:
    """Figure 3's series: the yearly median of `value` with the run's band."""
    return median_series(result.resid, ["year"], value=value, band=result.settings["band"])


def figure_median_by_sector(result: GravityRun):
    """Figure 4: the yearly median residual by sector, (a) value, (b) ratio to trade."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, value, title in ((axes[0], "resid", "(a) value"), (axes[1], "ratio", "(b) fraction of bilateral trade")):
        m = result.resid[["sector", "year", value]].dropna().groupby(["sector", "year"])[value].median().unstack(0)
        m.plot(ax=ax, lw=1.2, legend=False)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(title)
    axes[1].legend(fontsize=7, ncol=2, loc="lower left")
    fig.tight_layout()
    return fig


def us_median_ratio(result: GravityRun, reporter: str = "USA") -> pd.DataFrame:
    """Figure 5's values: the median ratio of `reporter`'s international imports and exports by sector and period."""
    d = result.resid
    out = {}
    for flow, col in (("imports", "importer"), ("exports", "exporter")):
        own = d[d[col] == reporter]
        own = own[own["exporter"] != own["importer"]]
        out[flow] = own.groupby(["sector", "period"])["ratio"].median().unstack("period")
    return pd.concat(out, axis=1)


def figure_us_median_ratio(result: GravityRun, reporter: str = "USA"):
    """Figure 5: `us_median_ratio` as bars, (a) imports, (b) exports."""
    t = us_median_ratio(result, reporter)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, flow in zip(axes, ("imports", "exports")):
        t[flow].plot.barh(ax=ax)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_title(f"({'a' if flow == 'imports' else 'b'}) {reporter} {flow}")
        ax.invert_yaxis()
    fig.tight_layout()
    return fig


def partners(result: GravityRun, wanted) -> list:
    """The partners in `wanted` that are countries of the run's data, in the order given."""
    have = set(result.countries)
    return [c for c in wanted if c in have]


def figure_partner_series(result: GravityRun, reporter: str, wanted, flow: str, title: str):
    """`reporter`'s unexplained trade with each partner, summed over sectors: value and ratio to trade.
    Returns (figure, the series)."""
    s = partner_series(result.resid, reporter, partners(result, wanted), flow=flow,
                       min_trade=result.settings["min_trade_ratio"])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, value, sub in ((axes[0], "resid", "unexplained value"), (axes[1], "ratio", "unexplained / trade")):
        s.pivot(index="year", columns="partner", values=value).plot(ax=ax, lw=1.4)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(f"{title}: {sub}")
        if value == "ratio" and s["ratio"].min() < RATIO_FLOOR:
            ax.set_ylim(RATIO_FLOOR, 1.05)
            ax.set_title(f"{title}: {sub} (axis cut at {RATIO_FLOOR})")
    fig.tight_layout()
    return fig, s


def has_russia_2022(result: GravityRun) -> bool:
    """Figures 10 and 11 need Russia in the data up to 2022."""
    return "RUS" in result.countries and result.resid["year"].max() >= 2022


def russia_2021_2022(result: GravityRun, wanted=RUSSIA_PARTNERS) -> pd.DataFrame:
    """Figure 10's values: Russia's unexplained exports (value, ratio) to `wanted` in 2021 and 2022."""
    s = partner_series(result.resid, "RUS", partners(result, wanted), flow="exports",
                       min_trade=result.settings["min_trade_ratio"])
    s = s[s["year"].isin([2021, 2022])]
    return s.pivot(index="partner", columns="year", values=["resid", "ratio"])


def figure_russia(result: GravityRun):
    """Figure 10: `russia_2021_2022` as bars."""
    t = russia_2021_2022(result)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    t["resid"].plot.bar(ax=axes[0])
    t["ratio"].plot.bar(ax=axes[1])
    axes[0].set_title("Russia's unexplained exports (value)")
    axes[1].set_title("Russia's unexplained exports / trade")
    for ax in axes:
        ax.axhline(0, color="k", lw=0.8)
    fig.tight_layout()
    return fig


def country_name(code: str) -> str:
    """A country's name for a figure: the GSDB name of an ISO3 code; the synthetic world's generated codes
    (G007) as "synthetic country 7"."""
    if len(code) == 4 and code.startswith("G") and code[1:].isdigit():
        return f"synthetic country {int(code[1:])}"
    return _NAMES.get(code, code)


def figure_outliers(result: GravityRun, reporter: str, flow: str, value: str = "resid"):
    """Figures 7, 9 and 11 as ranked bars (no shapefiles offline): `reporter`'s partners in the top and bottom
    decile of unexplained `flow` in the last year. Returns (figure, the partners)."""
    d = decile_outliers(result.resid, reporter, flow=flow, value=value)
    fig, ax = plt.subplots(figsize=(WIDTH, max(3.0, 0.28 * len(d) + 1.2)))
    colors = ["#1b4f72" if g == "top" else "#c0392b" for g in d["group"]]
    ax.barh([country_name(c) for c in d["partner"]], d[value], color=colors)
    ax.axvline(0, color="k", lw=0.8)
    ax.invert_yaxis()
    unit = "unexplained trade (USD m)" if value == "resid" else "unexplained trade / trade (share)"
    ax.set_xlabel(f"{unit}, summed over sectors")
    ax.set_ylabel("partner country (\"synthetic country n\": a generated country)" if d["partner"].astype(str).str.match(r"G\d{3}$").any()
                  else "partner country")
    ax.set_title(f"{country_name(reporter)} {flow}, {int(result.resid['year'].max())}:\n"
                 "top decile (blue) and bottom decile (red) of partners")
    fig.tight_layout()
    return fig, d


def missing_partners(result: GravityRun, wanted) -> list:
    """Partners in `wanted` that are not countries of this run's data."""
    have = set(partners(result, wanted))
    return [c for c in wanted if c not in have]


def log_growth(series: pd.DataFrame, partner: str) -> str:
    """Log change of a `trade_series` column from its first to its last year, "n/a" where it cannot be taken."""
    if partner not in series or not series[partner].iloc[[0, -1]].gt(0).all():
        return "n/a"
    return f"{np.log(series[partner].iloc[-1] / series[partner].iloc[0]):.1f}"


def trade_series(result: GravityRun, reporter: str, wanted, flow: str) -> pd.DataFrame:
    """Trade of `reporter` with each partner in `wanted` (those present), summed over the run's sectors:
    a year x partner frame in USD m."""
    own, other = ("importer", "exporter") if flow == "imports" else ("exporter", "importer")
    d = result.resid[result.resid[own] == reporter]
    d = d[d[other].isin(partners(result, wanted))]
    return d.groupby(["year", other])["trade"].sum().unstack(other).reindex(columns=partners(result, wanted))


def figure_trade_series(result: GravityRun):
    """Figure 1: log trade summed over sectors, (a) U.S. imports from China, Canada, Mexico, Cambodia, Vietnam,
    (b) China's exports to Canada, Mexico, Cambodia, Vietnam. Returns (figure, {panel: missing partners})."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    missing = {}
    colours = {c: f"C{k}" for k, c in enumerate(FIG1_PARTNERS["imports"])}
    for ax, (reporter, flow, title) in zip(axes, (("USA", "imports", "(a) U.S. imports"),
                                                  ("CHN", "exports", "(b) China exports"))):
        wanted = FIG1_PARTNERS[flow]
        t = trade_series(result, reporter, wanted, flow)
        logged = np.log(t.where(t > 0))
        for c in logged.columns:
            ax.plot(logged.index, logged[c], lw=1.4, color=colours[c], label=c)
        missing[flow] = missing_partners(result, wanted)
        note = f"\n(not in these data: {', '.join(missing[flow])})" if missing[flow] else ""
        ax.set_title(title + note)
        ax.set_ylabel("log trade (USD m), summed over sectors")
        if len(logged.columns):
            ax.legend(fontsize=8)
    fig.tight_layout()
    return fig, missing


def _plot_partner_panel(ax_v, ax_r, data, result, reporter, have, flow, colours):
    s = partner_series(data, reporter, have, flow=flow, min_trade=result.settings["min_trade_ratio"])
    for value, ax in (("resid", ax_v), ("ratio", ax_r)):
        wide = s.pivot(index="year", columns="partner", values=value)
        for c in wide.columns:
            ax.plot(wide.index, wide[c], lw=1.2, color=colours[c], label=c)
        ax.axhline(0, color="k", lw=0.8)
    if s["ratio"].min() < RATIO_FLOOR:
        ax_r.set_ylim(RATIO_FLOOR, 1.05)
    return s


def figure_partner_panels(result: GravityRun, reporter: str, wanted, flow: str, title: str,
                          sectors=PANEL_SECTORS):
    """Figures 6 and 8 as small multiples: (a) all sectors, (b)-(e) `sectors`, unexplained value (top row)
    and ratio to trade (bottom row, ratio of sums, axis cut at RATIO_FLOOR). Sectors absent from the run are
    drawn as empty panels that say so. Returns (figure, series of panel (a), absent sectors)."""
    present = set(pd.unique(result.resid["sector"]))
    have = partners(result, wanted)
    colours = {c: f"C{k}" for k, c in enumerate(wanted)}
    panels = [("(a) all sectors", None)] + [(f"({l}) {sec}", sec) for l, sec in zip("bcde", sectors)]
    absent = [sec for sec in sectors if sec not in present]
    # one row per panel, two columns (panel_grid's width): unexplained value on the left, its ratio to trade on
    # the right; the value axes are created first so fig.axes lists (a)-(e) values, then (a)-(e) ratios
    fig = plt.figure(figsize=(WIDTH, 2.3 * len(panels)))
    grid = fig.add_gridspec(len(panels), 2)
    values = [fig.add_subplot(grid[k, 0]) for k in range(len(panels))]
    ratios = [fig.add_subplot(grid[k, 1], sharex=values[0]) for k in range(len(panels))]
    for ax in values[1:]:
        ax.sharex(values[0])
    axes = [ax for pair in zip(values, ratios) for ax in pair]
    agg = None
    for row, (label, sec) in enumerate(panels):
        ax_v, ax_r = values[row], ratios[row]
        ax_v.set_title(label, fontsize=10)
        ax_r.set_title(f"{label}, ratio", fontsize=10)
        ax_v.set_ylabel("unexplained (USD m)")
        ax_r.set_ylabel("unexplained / trade")
        if sec is not None and sec not in present:
            for ax in (ax_v, ax_r):
                ax.text(0.5, 0.5, "sector not in this run", ha="center", va="center", transform=ax.transAxes,
                        color="0.4")
                ax.set_yticks([])
            continue
        data = result.resid if sec is None else result.resid[result.resid["sector"] == sec]
        s = _plot_partner_panel(ax_v, ax_r, data, result, reporter, have, flow, colours)
        if sec is None:
            agg = s
    for ax in axes[:-2]:
        ax.tick_params(labelbottom=False)
    for ax in axes[-2:]:
        ax.set_xlabel("year")
    handles = [plt.Line2D([], [], color=colours[c], lw=1.6) for c in have]
    fig.suptitle(f"{title}\nunexplained trade (left, USD m) and unexplained / trade (right, share; "
                 f"axis cut at {RATIO_FLOOR:g})", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.legend(handles, [country_name(c) for c in have], loc="upper center", ncol=min(len(have), 3),
               frameon=False, bbox_to_anchor=(0.5, 0.955), title="partner")
    fig.subplots_adjust(top=0.86)
    return fig, agg, absent


def figure12(years: tuple[int, int] = (1960, 2024), countries: tuple[str, ...] | None = None):
    """Figure 12 on real V-Dem data (in every mode): mean democracy and corruption across countries (every rated
    country, or `countries`) per year, with 95% intervals. Returns (figure, the yearly means)."""
    means = vdem_world_means(years, countries)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharex=True)
    for ax, (name, label) in zip(axes, (("democracy", "(a) Democracy index"), ("corruption", "(b) Corruption index"))):
        d = means[means["index"] == name]
        ax.fill_between(d["year"], d["lo"], d["hi"], color="C0", alpha=0.25, lw=0)
        ax.plot(d["year"], d["mean"], color="C0", lw=1.5)
        ax.set_title(f"{label}, {d['year'].min()}-{d['year'].max()}")
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("mean across countries (95% interval)")
    fig.tight_layout()
    return fig, means


def placeholder(text: str):
    """A one-line figure that says why a figure is not drawn (e.g. no Russia 2021-2022 in the data)."""
    fig, ax = plt.subplots(figsize=(6, 1))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center")
    return fig
