"""The method applied to real data: the paper's pipeline on the Yotov et al. manufacturing panel (1986-2006) with
V-Dem, World Bank income groups and GSDB (or TIES/EUSANCT) sanctions, and how its sanctions and FTA codings
matter."""
from __future__ import annotations

import pandas as pd

from helpers.chapter import Settings
from helpers.chapters.phillips_ahmad.data import (FTA_CODINGS, SANCTION_SOURCES, real_geopolitics,
                                                  sanctioned_by_source, yotov_panel)
from helpers.chapters.phillips_ahmad.pipeline import GravityRun, YotovPanels, first_stage, run, second_stage
from helpers.chapters.phillips_ahmad.tables import coefficient_cells, percent
from helpers.data import DataUnavailable


def real_settings(settings: Settings) -> Settings:
    """The settings of the real-data page: the Yotov panel, under "auto" whenever its files resolve (the other
    pages' "auto" is the synthetic world); "synthetic" as asked; "real" never falls back."""
    if settings.data_source == "synthetic":
        return settings
    try:
        return settings.replace(data_source="real", real_panel="yotov")
    except DataUnavailable:
        if settings.data_source == "real":
            raise
        return settings


def counterpart(settings: Settings) -> GravityRun:
    """The run of `settings` on the Yotov panel, with its own default split (a synthetic-world split year may lie
    outside 1986-2006): the scorecard's Section 8 rows. Raises DataUnavailable without the real files."""
    return run(settings.replace(data_source="real", real_panel="yotov", split_year=0))


def sanctions_comparison(result: GravityRun) -> pd.DataFrame:
    """Yotov runs: the sanctioned Yotov countries and the paper's second-stage Sanc coefficient (with stars
    and pair-clustered SE) under each sanctions source (GSDB, TIES, EUSANCT, either); the run's source is
    marked."""
    s = result.settings
    by = sanctioned_by_source()
    source = YotovPanels(s)
    rows = []
    for src in SANCTION_SOURCES:
        geo = real_geopolitics(income_missing=s["income_missing"], sanctions=src)
        b = by[by["source"] == src]
        row = {"sanctioned countries (years)": ", ".join(f"{r.iso3} {r.first}-{r.last}" if r.first != r.last
                                                         else f"{r.iso3} {r.first}" for r in b.itertuples()),
               "this run": "yes" if src == s["real_sanctions"] else ""}
        for r in second_stage(result.resid, geo, s, source):
            row[f"Sanc {r.label['period']}"] = coefficient_cells(r).get("Sanc", "(collinear)")
        rows.append(pd.Series(row, name=src))
    return pd.DataFrame(rows)


def fta_comparison(result: GravityRun) -> pd.DataFrame:
    """Real runs: under each FTA coding (`data.FTA_CODINGS`: the Yotov RTA dummy, DESTA agreements in force,
    either), the share of international pair-years with an agreement and the FTA coefficient (stars,
    pair-clustered SE) of each period's PPML gravity fit with the run's other settings; the run's coding is
    marked."""
    s = result.settings
    x = YotovPanels(s).gravity_vars
    rows = []
    for coding in FTA_CODINGS:
        panel = yotov_panel(fta=coding)
        intl = panel[panel["exporter"] != panel["importer"]]
        row = {}
        for label, per in zip(result.period_labels, result.periods):
            row[f"share with agreement {label}"] = percent(100 * intl.loc[intl["year"].between(*per), "fta"].mean())
        for label, per in zip(result.period_labels, result.periods):
            r = first_stage(panel[panel["year"].between(*per)], x, {"sector": "Manufacturing", "period": label}, s)
            row[f"FTA {label}"] = coefficient_cells(r).get("fta", "(collinear)")
        row["this run"] = "yes" if coding == s["real_fta"] else ""
        rows.append(pd.Series(row, name=coding))
    return pd.DataFrame(rows)
