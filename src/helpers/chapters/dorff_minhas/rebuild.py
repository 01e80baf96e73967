"""Extension: the analysis frame rebuilt from raw TIES v4.1 and public COW data (peacesciencer), compared with the
archive's, and Table 2 refitted on it. `run(settings)` (cached) gathers what the rebuild page shows."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.cache import cached
from helpers.chapters.dorff_minhas import data as dm
from helpers.chapters.dorff_minhas import pipeline
from helpers.chapters.dorff_minhas.settings import LABELS, MODELS
from helpers.methods.cox import CoxResults

# Target-state covariates come from the archive's country-year values (CNTS is proprietary), lagged by row here
MONADIC_LAGS = {"polity2": "lag1_polity2", "lgdpCAP": "lag1_lgdpCAP", "gdpGR": "lag1_gdpGR",
                "lpopulation": "lag1_lpopulation", "domSUM": "lag1_domSUM"}


@lru_cache(maxsize=4)
def _rebuild_unlagged(network_cases: str, measure: str, imputed: bool) -> pd.DataFrame:
    cases = dm.ties_cases(imposed_only=True)
    net_cases = cases if network_cases == "imposed" else dm.ties_cases(imposed_only=False)
    cy = dm.case_years(cases, 1960, 2013)
    members = {y: set(dm.panel_countries(y)) for y in range(1960, 2014)}
    tgt = []
    for t, y in zip(cy["targetstate"].astype(int), cy["year"].astype(int)):
        m = members[y]
        tgt.append(t if t in m else dm.PANEL_CODE.get(t, -1) if dm.PANEL_CODE.get(t, -1) in m else np.nan)
    cy["targetstate"] = tgt
    cy = cy.dropna(subset=["targetstate"])
    cy = cy[cy["targetstate"] != 1000]
    for col in dm.SENDER_COLS:
        cy[col] = [dm.PANEL_CODE.get(int(s), s) if pd.notna(s) and int(s) not in members[int(y)] else s
                   for s, y in zip(cy[col], cy["year"])]
    years = range(1960, 2014)
    comp = dm.reciprocity_matrices(dm.cumulative_networks(net_cases, years, "compliance"), measure)
    sanc = dm.reciprocity_matrices(dm.cumulative_networks(net_cases, years, "sanction"), measure)
    cy["uData"] = dm.sender_means(cy, comp)
    cy["SuData2"] = dm.sender_means(cy, sanc, transpose=True)
    cy = cy.join(dm.dyadic_covariates(cy))
    arch = dm.archive_frame(imputed)
    mon = arch[["targetstate", "year"] + list(MONADIC_LAGS)].drop_duplicates(["targetstate", "year"])
    return cy.merge(mon, on=["targetstate", "year"], how="left")


def rebuild_from_ties(settings, row_order: str = "newest_first") -> pd.DataFrame:
    """Case-year frame rebuilt from raw TIES v4.1: cases (imposed, corrected), yearly networks, SRM
    reciprocity (our code), sender means, row lags; dyadic covariates from peacesciencer; target-state
    covariates (polity, WDI, CNTS) from the archive's country-year values (CNTS is not public).

    ``row_order`` orders concurrent cases of a target-year before the archive-style row lag: newest case
    first, or the archive's own file order where the case-year exists in the archive."""
    cy = _rebuild_unlagged(settings.network_cases, settings.reciprocity_measure, bool(settings.imputed)).copy()
    arch = dm.archive_frame(settings.imputed)
    cy = cy[cy["year"] <= 2009]
    if row_order == "archive":           # concurrent cases in the archive's (undocumented) file order
        order = {k: i for i, k in enumerate(zip(arch["caseid"], arch["year"]))}
        cy = cy.assign(_pos=[order.get(k, np.inf) for k in zip(cy["caseid"], cy["year"])])
        cy = cy.sort_values(["targetstate", "year", "_pos", "startyear"], ascending=[True, True, True, False],
                            kind="stable").drop(columns="_pos").reset_index(drop=True)
    elif row_order == "newest_first":
        cy = cy.sort_values(["targetstate", "year", "startyear", "caseid"], ascending=[True, True, False, True],
                            kind="stable").reset_index(drop=True)
    else:
        raise ValueError(f"row_order must be 'newest_first' or 'archive', got {row_order!r}")
    lag_cols = ["uData", "SuData2", "tdata", "allydata"] + list(MONADIC_LAGS)
    lagged = dm.row_lag(cy, lag_cols)
    for c in lag_cols:
        cy[MONADIC_LAGS.get(c, f"lag1_{c}")] = lagged[c]
    return cy[cy["year"] <= settings.sample_end_year].reset_index(drop=True)


def compare_to_archive(rebuilt: pd.DataFrame, archive: pd.DataFrame, variables=None) -> pd.DataFrame:
    """Per variable, on the rows matched on (case, year): rows compared, correlation, share identical
    (|diff| < 1e-6), mean absolute difference."""
    variables = variables or (["compliance"] + MODELS["Model 3"])
    key = ["caseid", "year"]
    m = archive[key + variables].merge(rebuilt[key + variables], on=key, suffixes=("_archive", "_rebuilt"))
    rows = []
    for v in variables:
        a, b = m[f"{v}_archive"], m[f"{v}_rebuilt"]
        ok = a.notna() & b.notna()
        same = (np.abs(a[ok] - b[ok]) < 1e-6).mean() if ok.any() else np.nan
        corr = np.corrcoef(a[ok], b[ok])[0, 1] if ok.sum() > 2 and a[ok].std() > 0 and b[ok].std() > 0 else np.nan
        rows.append(dict(variable=LABELS.get(v, v), rows_compared=int(ok.sum()), correlation=corr,
                         share_identical=same, mean_abs_diff=float(np.abs(a[ok] - b[ok]).mean())))
    return pd.DataFrame(rows).set_index("variable")


def rows_matched(rebuilt: pd.DataFrame, archive: pd.DataFrame) -> int:
    return len(archive[["caseid", "year"]].merge(rebuilt[["caseid", "year"]], on=["caseid", "year"]))


@dataclass(frozen=True)
class Rebuild:
    """The two steps of the rebuild page."""

    # step 1: the archive's case table through our networks, SRM and row lag
    srm_max_gap: float        # largest |our SRM effect - the archive's compSRM|, 1960-2011
    srm_gap_2012: float       # the same in 2012
    same_u: float             # share of the archive's lagged compliance reciprocity reproduced exactly
    same_s: float             # the same for sanction reciprocity
    # step 2: raw TIES v4.1 and peacesciencer
    n_cases: int              # imposed cases in TIES v4.1 after the five corrections
    distance: pd.DataFrame    # compare_to_archive in the archive's row order, with the newest-first shares
    rows_rebuilt: int
    rows_archive: int
    rows_matched: int
    rebuilt: dict[str, CoxResults]    # Models 1-3 on the rebuilt frame (archive row order), without their data
    archive: dict[str, CoxResults]    # Models 1-3 on the archive's frame, without their data

    def model3_gaps(self) -> pd.DataFrame:
        """Model 3 coefficients, rebuilt vs archive, and their difference in archive standard errors."""
        archive, rebuilt = self.archive["Model 3"], self.rebuilt["Model 3"]
        diffs = pd.DataFrame({"archive": archive.params, "rebuilt": rebuilt.params, "archive SE": archive.bse})
        diffs["difference in archive SEs"] = (diffs["rebuilt"] - diffs["archive"]) / diffs["archive SE"]
        diffs.index = [LABELS[t] for t in diffs.index]
        return diffs


def _step1(settings) -> tuple[float, float, float, float]:
    comp = dm.reciprocity_matrices(dm.cumulative_networks(dm.archive_cases(), range(1960, 2013), "compliance"))
    archive_srm = dm.archive_compliance_srm()["ueffect"]

    def gap(y: int) -> float:
        ours = comp[y].loc[archive_srm[y].index, archive_srm[y].columns].to_numpy()
        return float(np.abs(ours - archive_srm[y].to_numpy()).max())

    frame = dm.archive_frame(True)
    rec = pipeline.network_terms(frame, settings)
    lagged = dm.row_lag(frame.assign(uData=rec["uData"], SuData2=rec["SuData2"]), ["uData", "SuData2"])
    ok = frame["lag1_uData"].notna()
    same_u = (np.abs(lagged.loc[ok, "uData"] - frame.loc[ok, "lag1_uData"]) < 1e-9).mean()
    same_s = (np.abs(lagged.loc[ok, "SuData2"] - frame.loc[ok, "lag1_SuData2"]) < 1e-9).mean()
    return max(gap(y) for y in range(1960, 2012)), gap(2012), float(same_u), float(same_s)


def run(settings) -> Rebuild:
    """Both steps of the rebuild on real data (cached on disk: the raw-TIES networks take a few seconds)."""
    def compute() -> Rebuild:
        archive = pipeline.run(settings)
        rebuilt = rebuild_from_ties(settings, row_order="archive")
        distance = compare_to_archive(rebuilt, archive.frame)
        newest = compare_to_archive(rebuild_from_ties(settings, row_order="newest_first"), archive.frame)
        distance.insert(2, "share_identical_newest_first_order", newest["share_identical"])
        return Rebuild(*_step1(settings), n_cases=len(dm.ties_cases()), distance=distance,
                       rows_rebuilt=len(rebuilt), rows_archive=len(archive.frame),
                       rows_matched=rows_matched(rebuilt, archive.frame),
                       rebuilt={m: fit.without_data() for m, fit in pipeline.fit_models(rebuilt, settings).items()},
                       archive={m: fit.without_data() for m, fit in archive.models.items()})

    return cached("dorff_minhas.rebuild", settings.key(), compute)
