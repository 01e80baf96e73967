"""The four mechanical properties of the paper's design (spec §8), each shown on a run: the negative, falling median
(1), the one identified income dummy (2), the sanctions XOR identified from pairs of sanctioned countries (3),
and the `log(trade)` control that can flip the sign of a true effect (4)."""
from __future__ import annotations

import pandas as pd

from helpers.cache import cached
from helpers.chapters.phillips_ahmad.pipeline import GravityRun, second_stage, source_of
from helpers.chapters.phillips_ahmad.settings import SLUG

T_10PCT = 1.645                # one-sided 10% critical value of a normal t: "negative and significant at 10%"

# warning 4: the paper's second stage and the alternatives (keyword arguments of pipeline.second_stage)
SANC_SPECIFICATIONS = {
    "paper: OLS level resid + log(trade)": dict(estimator="ols_levels", control_log_trade=True),
    "OLS level resid, no log(trade)": dict(estimator="ols_levels", control_log_trade=False),
    "OLS ratio resid + log(trade)": dict(estimator="ols_ratio", control_log_trade=True),
    "OLS ratio resid, no log(trade)": dict(estimator="ols_ratio", control_log_trade=False),
    "one-step PPML (gravity + geopolitics)": dict(estimator="ppml_onestep"),
    "one-step PPML, international pairs": dict(estimator="ppml_onestep", sample="international_only"),
}


def median_mechanics(result: GravityRun) -> pd.DataFrame:
    """Warning 1: yearly medians of the level residual next to the scale-free relative residual."""
    return result.resid.groupby("year").agg(level_median=("resid", "median"), relative_median=("relative", "median"),
                                            share_positive=("resid", lambda v: (v > 0).mean()),
                                            mean_resid=("resid", "mean"), median_trade=("trade", "median"))


def dropped_terms(result: GravityRun) -> list[str]:
    """Warning 2: the pair variables dropped as collinear in some second-stage regression."""
    return sorted({t for r in result.stage2 for t in r.dropped})


def sanc_identification(result: GravityRun) -> pd.DataFrame:
    """Warning 3: pairs whose Sanc variation survives the FE = pairs where both countries are sanctioned (a row per
    year with a sanctioned country; none on WIOD 1995-2011)."""
    k = result.country_year.loc[result.country_year["sanctioned"] == 1].groupby("year").size()
    return pd.DataFrame({"year": k.index, "sanctioned countries": k.to_numpy(),
                         "both-sanctioned international pairs": (k * (k - 1)).to_numpy(),
                         "sanctioned domestic flows": k.to_numpy()})


def warning4_sectors(result: GravityRun) -> tuple[str, ...]:
    """The run's sectors that warning 4 refits: Machinery (quick) or Machinery and Metals, by name (on WIOD the
    industries standing for them), or every sector when none is named so (the Yotov panel's one)."""
    wanted = ("Machinery",) if result.settings["quick"] else ("Machinery", "Metals")
    return tuple(s for s in result.sectors if any(w in s for w in wanted)) or result.sectors


def sanc_across_specifications(result: GravityRun, sectors: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Warning 4: the Sanc coefficient (t) under the paper's specification and the alternatives, for `sectors`
    (default `warning4_sectors`), cached with the run's settings (columns specification, sector, period, Sanc, t;
    no rows where Sanc is not estimable)."""
    sectors = tuple(sectors or warning4_sectors(result))
    resid = result.resid[result.resid["sector"].isin(sectors)]
    # keyed on the numbers it refits (hashed), not only the settings: a run recomputed on changed data changes them
    key = {"stage": "warning4", **result.settings, "kind": result.kind, "sectors": list(sectors),
           "resid": resid.select_dtypes("number"), "geo": result.geo.select_dtypes("number")}
    return cached(SLUG, key, lambda: _sanc_across_specifications(result, resid))


def _sanc_across_specifications(result: GravityRun, resid: pd.DataFrame) -> pd.DataFrame:
    source = source_of(result)
    rows = []
    for name, specification in SANC_SPECIFICATIONS.items():
        for r in second_stage(resid, result.geo, result.settings, source, **specification):
            if "Sanc" in r.params:
                rows.append({"specification": name, "sector": r.label["sector"], "period": r.label["period"],
                             "Sanc": r.params["Sanc"], "t": r.tvalues["Sanc"]})
    return pd.DataFrame(rows, columns=["specification", "sector", "period", "Sanc", "t"])


def sanc_table(specifications: pd.DataFrame) -> pd.DataFrame:
    """The warning-4 table: "coefficient (t=...)" by specification, with a column per period and sector."""
    cells = specifications.assign(cell=specifications["Sanc"].map("{:.3g}".format)
                                  + " (t=" + specifications["t"].map("{:.1f}".format) + ")")
    return cells.pivot_table(index="specification", columns=["period", "sector"], values="cell", aggfunc="first")


def negative_significant(specifications: pd.DataFrame) -> pd.Series:
    """Per specification: "k/n" regressions with Sanc negative and significant at 10%."""
    return specifications.groupby("specification").apply(
        lambda d: f"{int(((d.Sanc < 0) & (d.t < -T_10PCT)).sum())}/{len(d)}", include_groups=False)
