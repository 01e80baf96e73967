"""Dorff & Minhas computations, each a function of the chapter's `Settings`: the analysis frame, Models 1-3
(Tables 2-3, `run`, cached), Table 1's outcome counts, the summary statistics (Tables 4-5), the
proportional-hazards tests, the survival scenarios (Figures 3-5), the cross-validation (Figures 6-7) and the
robustness refits. No glue, no display."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.cache import cached
from helpers.chapters.dorff_minhas import data as dm
from helpers.chapters.dorff_minhas.settings import (CV_HORIZON, EVENT, FIGURE2_YEARS, ID_COLUMNS, LABELS, MODELS,
                                                    MONADIC, NETWORK, ORDER, PH_LEVEL, SCENARIO_VARS, STARS, UNLAGGED)
from helpers.chapters.dorff_minhas.synth import generate
from helpers.methods import cox

CV_TIMES = np.arange(1, 17)   # the archive's crossval.R evaluates the AUC at t = 1, ..., 16


# ---------------------------------------------------------------------------------------------
# Analysis frame
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _network_matrices(network_cases: str, measure: str):
    cases = dm.archive_cases() if network_cases == "imposed" else dm.ties_cases(imposed_only=False)
    years = range(1960, 2014)
    comp = dm.reciprocity_matrices(dm.cumulative_networks(cases, years, "compliance"), measure)
    sanc = dm.reciprocity_matrices(dm.cumulative_networks(cases, years, "sanction"), measure)
    return comp, sanc


def network_terms(frame: pd.DataFrame, settings, year_offset: int = 0) -> pd.DataFrame:
    """Unlagged compliance (``uData``) and sanction (``SuData2``) reciprocity of each case-year, from the
    networks of year + ``year_offset`` built as the settings say (``network_cases``, ``reciprocity_measure``)."""
    comp, sanc = _network_matrices(settings.network_cases, settings.reciprocity_measure)
    shifted = frame.assign(year=frame["year"] + year_offset)
    return pd.DataFrame({"uData": dm.sender_means(shifted, comp),
                         "SuData2": dm.sender_means(shifted, sanc, transpose=True)}, index=frame.index)


def row_lag_same_year_share(frame: pd.DataFrame) -> float:
    """Share of rows whose archive 'lag' (previous row of the target) is a row of the same year."""
    srt = frame.sort_values(["targetstate", "year"], kind="stable")
    prev = srt.groupby("targetstate")["year"].shift(1)
    return float((prev == srt["year"]).mean())


def analysis_frame(settings) -> pd.DataFrame:
    """Case-year frame for the Cox models: the archive's file (lags and networks as the settings say) or the
    generator's, years up to ``sample_end_year``. Columns: ID_COLUMNS, the senders' codes (SENDER_COLS), the
    eleven covariates (ORDER) and the ``ph_tt_terms`` × log(t) interactions."""
    if not settings.data.is_real:
        frame = generate(seed=settings.seed, imputed=settings.imputed).frame
    else:
        frame = dm.archive_frame(settings.imputed, settings.issue_subset)
        custom_net = settings.reciprocity_measure != "srm" or settings.network_cases != "imposed"
        if settings.lag_mode == "calendar_network":
            rec = network_terms(frame, settings, year_offset=-1)
            frame["lag1_uData"], frame["lag1_SuData2"] = rec["uData"], rec["SuData2"]
        elif settings.lag_mode == "row":
            if custom_net:
                rec = network_terms(frame, settings)
                lagged = dm.row_lag(frame.assign(uData=rec["uData"], SuData2=rec["SuData2"]), ["uData", "SuData2"])
                frame["lag1_uData"], frame["lag1_SuData2"] = lagged["uData"], lagged["SuData2"]
        else:
            mon = dm.calendar_lag(frame, [UNLAGGED[c] for c in MONADIC], "monadic")
            for c in MONADIC:
                frame[c] = mon[UNLAGGED[c]].to_numpy()
            dy = dm.calendar_lag(frame, ["tdata", "allydata"], "dyadic")
            frame["lag1_tdata"], frame["lag1_allydata"] = dy["tdata"].to_numpy(), dy["allydata"].to_numpy()
            rec = network_terms(frame, settings, year_offset=-1)
            frame["lag1_uData"], frame["lag1_SuData2"] = rec["uData"], rec["SuData2"]
    frame = frame.loc[frame["year"] <= settings.sample_end_year, ID_COLUMNS + dm.SENDER_COLS + ORDER].copy()
    for term in settings.ph_tt_terms:
        if term not in ORDER:
            raise ValueError(f"ph_tt_terms: {term!r} is not a model covariate; use one of {ORDER}")
        if not np.allclose(frame["stop"] - frame["start"], 1):
            raise ValueError("ph_tt_terms needs unit-length (yearly) intervals")
        frame[f"{term}:log(t)"] = frame[term] * np.log(frame["stop"])
    return frame


# ---------------------------------------------------------------------------------------------
# Models 1-3 (Tables 2 and 3)
# ---------------------------------------------------------------------------------------------
def model_terms(name: str, settings) -> list[str]:
    terms = list(MODELS[name])
    return terms + [f"{t}:log(t)" for t in settings.ph_tt_terms if t in terms]


def fit_models(frame: pd.DataFrame, settings, models=tuple(MODELS)) -> dict[str, cox.CoxResults]:
    cluster = "caseid" if settings.se_type == "cluster" else None
    return {m: cox.fit_cox(frame, model_terms(m, settings), event=EVENT, ties=settings.ties, cluster=cluster)
            for m in models}


@dataclass(frozen=True)
class ModelFits:
    """Models 1-3 fitted on one analysis frame (each model drops the rows incomplete in its covariates)."""

    table: str                                # "Table 2" (imputed covariates) or "Table 3" (listwise deletion)
    frame: pd.DataFrame
    models: dict[str, cox.CoxResults]         # "Model 1", "Model 2", "Model 3"

    @property
    def model3(self) -> cox.CoxResults:
        return self.models["Model 3"]


def run(settings) -> ModelFits:
    """Models 1-3 under the settings (cached on disk: several pages and the scorecard share them)."""
    def compute() -> ModelFits:
        frame = analysis_frame(settings)
        return ModelFits("Table 2" if settings.imputed else "Table 3", frame, fit_models(frame, settings))

    return cached("dorff_minhas.models", settings.key(), compute)


def listwise_loss(imputed: ModelFits, unimputed: ModelFits) -> dict[str, int]:
    """Model 3's complete case-years and cases on the imputed and the unimputed file, and what listwise deletion
    loses (the text's "almost 1,000 country-year observations and 100 unique sanction cases")."""
    kept = {name: fits.frame[["caseid", "start", "stop", EVENT] + fits.model3.names].dropna()
            for name, fits in (("imputed", imputed), ("unimputed", unimputed))}
    out = {f"rows_{k}": len(v) for k, v in kept.items()} | {f"cases_{k}": int(v["caseid"].nunique())
                                                             for k, v in kept.items()}
    return out | {"rows_lost": out["rows_imputed"] - out["rows_unimputed"],
                  "cases_lost": out["cases_imputed"] - out["cases_unimputed"]}


def ph_tests(fit: cox.CoxResults) -> pd.DataFrame:
    """Grambsch-Therneau score tests of proportional hazards (``cox.zph``, Kaplan-Meier time scale), per term
    and GLOBAL."""
    return cox.cox_zph(fit, "km").table


def ph_flagged(fit: cox.CoxResults) -> list[str]:
    """Terms whose PH test rejects at ``PH_LEVEL`` (fn 15's 'where needed')."""
    table = ph_tests(fit)
    return [t for t, row in table.iterrows() if t != "GLOBAL" and row["p"] < PH_LEVEL]


# ---------------------------------------------------------------------------------------------
# Table 1 and Tables 4-5
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcomes:
    """Imposed sanction cases by final outcome (TIES codes): Table 1 and the shares the data section quotes."""

    n_cases: int
    capitulation: int         # sender capitulation after imposition (TIES code 8)
    stalemate: int            # stalemate after imposition (9)
    complied_pct: float       # percent of imposed cases complied by 2013 (1, 2, 5, 6, 7, 10)
    ongoing_pct: float        # percent still ongoing (no final outcome)
    other_pct: float          # percent ended otherwise (8, 9)

    @property
    def table1(self) -> pd.DataFrame:
        """Table 1: ended cases without compliance, by how they ended."""
        return pd.DataFrame({"Frequency": [self.capitulation, self.stalemate]},
                            index=["Capitulation by Sender After Imposition", "Stalemate after Sanctions Imposition"])

    @property
    def shares(self) -> pd.Series:
        """The outcome shares in percent, labelled as the text states them."""
        return pd.Series({"Share of imposed cases complied by 2013": self.complied_pct,
                          "Share of imposed cases ongoing": self.ongoing_pct,
                          "Share of imposed cases terminated otherwise": self.other_pct})


def outcomes(cases: pd.DataFrame | None = None) -> Outcomes:
    """Table 1 from a case table (default: the archive's cleaned TIES table)."""
    cases = dm.archive_cases() if cases is None else cases
    fo = cases["finaloutcome"]
    n = len(cases)
    return Outcomes(n, capitulation=int((fo == 8).sum()), stalemate=int((fo == 9).sum()),
                    complied_pct=100 * fo.isin(dm.COMPLIANCE_CODES).sum() / n, ongoing_pct=100 * fo.isna().sum() / n,
                    other_pct=100 * fo.isin([8, 9]).sum() / n)


def data_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Rows and unique cases of an analysis file (the data section's "over 800 cases", "over 7,500 observations")."""
    return {"rows": len(frame), "cases": int(frame["caseid"].nunique())}


def past_horizon(frame: pd.DataFrame, years: float = CV_HORIZON) -> tuple[int, float]:
    """Cases whose spell runs past ``years`` years in ``frame``, and the share of them that end in compliance."""
    by_case = frame.groupby("caseid").agg(stop=("stop", "max"), complied=(EVENT, "max"))
    past = by_case[by_case["stop"] > years]
    return len(past), float(past["complied"].mean()) if len(past) else float("nan")


def summary_stats(frame: pd.DataFrame) -> pd.DataFrame:
    """Tables 4-5: N, mean, median, SD, min, max on ``na.omit`` over the outcome and Model 3 covariates."""
    cols = [EVENT] + MODELS["Model 3"]
    d = frame[cols].dropna()
    out = pd.DataFrame({"N": d.count(), "Mean": d.mean(), "Median": d.median(), "Std. Dev.": d.std(),
                        "Min.": d.min(), "Max.": d.max()})
    out.index = [LABELS[c] for c in cols]
    return out


# ---------------------------------------------------------------------------------------------
# Figure 2: compliance reciprocity among the most active states
# ---------------------------------------------------------------------------------------------
def reciprocity_panel(year: int, top: int = 5) -> pd.DataFrame:
    """Figure 2's states in ``year``: the ``top`` states with the largest absolute row sums of the compliance
    network's SRM relationship effects (archive ``compSRM``) and the ``top`` with the largest column sums; their
    effects among themselves (row complies with column; zero diagonal)."""
    g = dm.archive_compliance_srm()["ueffect"][year]
    rows = g.abs().sum(1).nlargest(top).index
    cols = g.abs().sum(0).nlargest(top).index
    keep = list(dict.fromkeys(list(rows) + list(cols)))
    return g.loc[keep, keep]


def incoming_edges(panel: pd.DataFrame, state: int) -> tuple[int, int]:
    """(positive, negative) incoming edges of ``state`` in a Figure 2 panel: the other states' effects towards it."""
    if state not in panel.columns:
        return 0, 0
    inc = panel[state].drop(state)
    inc = inc[inc.abs() > 1e-9]
    return int((inc > 0).sum()), int((inc < 0).sum())


ISRAEL, USA = 666, 2                                         # the archive panel's codes
CANADA_FRANCE = {(20, 200): 1, (20, 365): -1, (20, 740): -1, (220, 740): 1, (220, 260): -1}   # row -> column: sign


@dataclass(frozen=True)
class Figure2Reading:
    """What the text reads off Figure 2, per panel year: (positive, negative) incoming edges of Israel and of the
    United States, and the panels that show Canada, the UK, Russia, Japan, France and Germany, with those in which
    Canada → UK is positive, Canada → Russia and → Japan negative, France → Japan positive and → Germany negative."""

    israel: dict[int, tuple[int, int]]
    usa: dict[int, tuple[int, int]]
    shown: tuple[int, ...]
    signs_hold: tuple[int, ...]


def figure2_reading(years=FIGURE2_YEARS, top: int = 5) -> Figure2Reading:
    panels = {y: reciprocity_panel(y, top) for y in years}
    states = {s for pair in CANADA_FRANCE for s in pair}
    shown = tuple(y for y, p in panels.items() if states <= set(p.index))
    hold = tuple(y for y in shown if all(np.sign(panels[y].loc[a, b]) == sign for (a, b), sign in CANADA_FRANCE.items()))
    return Figure2Reading({y: incoming_edges(p, ISRAEL) for y, p in panels.items()},
                          {y: incoming_edges(p, USA) for y, p in panels.items()}, shown, hold)


# ---------------------------------------------------------------------------------------------
# Figures 3-5: survival scenarios
# ---------------------------------------------------------------------------------------------
def scenario_frame(frame: pd.DataFrame, fit: cox.CoxResults, var: str, quantiles=(0.1, 0.9)) -> pd.DataFrame:
    """Two rows: ``var`` at its P10 / P90 (``noS``: min / max, as the archive), others at their means
    over the estimation sample."""
    d = frame[fit.names + [EVENT]].dropna()
    base = d[fit.names].mean()
    if var == "noS":
        lo, hi = d[var].min(), d[var].max()
    else:
        lo, hi = np.quantile(d[var], quantiles)   # R's default type-7 quantile
    rows = pd.DataFrame([base, base], index=["low", "high"])
    rows[var] = [lo, hi]
    return rows


def scenario_curves(fits: ModelFits) -> dict[str, cox.SurvivalPrediction]:
    """Model 3's predicted survival at the low and high value of each covariate of Figures 3-5."""
    return {v: cox.predict_survival(fits.model3, scenario_frame(fits.frame, fits.model3, v)) for v in SCENARIO_VARS}


# ---------------------------------------------------------------------------------------------
# Figures 6-7: cross-validation
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CrossValidation:
    """Case-grouped K-fold cross-validation of Models 1-3."""

    coefs: pd.DataFrame       # per fold: Model 3's reciprocity terms (term label, estimate, se, p_value)
    auc: pd.DataFrame         # per fold, model and time: the out-of-sample Chambless-Diao AUC
    folds: pd.Series          # case id -> fold
    auc_mode: str

    def auc_by_horizon(self) -> pd.DataFrame:
        """AUC with (fold, time) rows and one column per model."""
        return self.auc.pivot_table(index=["fold", "time"], columns="model", values="auc")

    def starred(self) -> pd.Series:
        """Per row of ``coefs``: the estimate carries a star by the paper's convention (``STARS``: p < 0.10, the
        90 % interval Figure 6 draws excludes zero)."""
        return self.coefs["p_value"].map(STARS.of) != ""

    def stable(self) -> bool:
        """Every reciprocity estimate keeps one sign and a star in every training set."""
        coefs = self.coefs.assign(starred=self.starred())
        return all(np.sign(g["estimate"]).nunique() == 1 and g["starred"].all() for _, g in coefs.groupby("term"))

    def model3_best_share(self) -> pd.Series:
        """Per fold: the share of horizons up to CV_HORIZON at which Model 3's AUC beats Models 1 and 2."""
        auc = self.auc_by_horizon()
        early = auc[auc.index.get_level_values("time") <= CV_HORIZON]
        return early.groupby("fold").apply(lambda d: ((d["Model 3"] > d["Model 1"]) & (d["Model 3"] > d["Model 2"])).mean())

    def folds_model3_best(self) -> int:
        """Folds in which Model 3 has the highest AUC at most horizons."""
        return int((self.model3_best_share() > 0.5).sum())


def cross_validation(settings) -> CrossValidation:
    """The archive's crossval.R: its sample (``cv_imputed`` covariates, years to ``cv_end_year``) split into
    ``cv_folds`` groups of cases; per fold, Models 1-3 fitted on the other folds (na.omit per model), Model 3's
    reciprocity estimates kept (Figure 6) and the out-of-sample AUC computed as ``auc_mode`` says (Figure 7)."""
    frame = analysis_frame(settings.replace(imputed=settings.cv_imputed, sample_end_year=settings.cv_end_year))
    folds = cox.case_folds(frame["caseid"], settings.cv_folds, settings.cv_seed)
    fold_of = frame["caseid"].map(folds)
    coefs, aucs = [], []
    for k in sorted(folds.unique()):
        train, test = frame[fold_of != k], frame[fold_of == k]
        for name in MODELS:
            terms = model_terms(name, settings)
            fit = cox.fit_cox(train, terms, event=EVENT, ties=settings.ties)
            tr = train[terms + ["start", "stop", EVENT, "caseid"]].dropna()
            te = test[terms + ["start", "stop", EVENT, "caseid"]].dropna()
            if settings.auc_mode == "faithful":
                auc = cox.survauc_cd_faithful(tr["start"], tr["stop"], fit.predict_lp(tr), te["start"],
                                              fit.predict_lp(te), CV_TIMES)
            else:
                last = te.groupby("caseid").tail(1)
                auc = cox.cd_auc_from_fit(fit, fit.predict_lp(last), CV_TIMES)
            aucs.append(pd.DataFrame({"fold": k, "model": name, "time": CV_TIMES, "auc": auc}))
            if name == "Model 3":
                tidy = fit.tidy().set_index("term")
                coefs += [dict(fold=k, term=LABELS[t], estimate=tidy.at[t, "estimate"], se=tidy.at[t, "std_error"],
                               p_value=tidy.at[t, "p_value"]) for t in NETWORK]
    return CrossValidation(pd.DataFrame(coefs), pd.concat(aucs, ignore_index=True), folds, settings.auc_mode)


# ---------------------------------------------------------------------------------------------
# Robustness: Model 3 under one change at a time
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    key: str                  # the glue-key part: dorff_minhas.robustness.<key>.compliance_reciprocity
    name: str
    fit: cox.CoxResults       # Model 3


@dataclass(frozen=True)
class Robustness:
    flagged: list[str]                        # covariates the PH tests flag (the log-time variant's terms)
    variants: tuple[Variant, ...]
    same_year_share: float | None             # archive rows whose row lag is a same-year row (real data only)
    contemporaneous: cox.CoxResults | None    # Model 3 with unlagged network terms (real data only)


def robustness(settings) -> Robustness:
    """Model 3 refitted under each check the paper mentions (archive-only checks on real data; the threatened
    cases' networks, which read raw TIES, not in quick runs). Cached; the fits are kept without their data."""
    def model3(variant) -> cox.CoxResults:
        return fit_models(analysis_frame(variant), variant, ("Model 3",))["Model 3"].without_data()

    def compute() -> Robustness:
        base = run(settings)
        flagged = ph_flagged(base.model3)
        changes = [
            ("baseline_table_2_model_3", "Baseline (Table 2, Model 3)", {}),
            ("clustered_se_by_case", "Clustered SE by case", {"se_type": "cluster"}),
            ("log_time_interactions_for_ph_flagged_covariates", "Log-time interactions for PH-flagged covariates",
             {"ph_tt_terms": flagged}),
            ("listwise_deletion_table_3", "Listwise deletion (Table 3)", {"imputed": False}),
            ("breslow_ties", "Breslow ties", {"ties": "breslow"}),
        ]
        if settings.data.is_real:
            changes += [
                ("security_issue_cases_imputed", "Security-issue cases, imputed", {"issue_subset": "secur"}),
                ("security_issue_cases_unimputed", "Security-issue cases, unimputed",
                 {"issue_subset": "secur", "imputed": False}),
                ("calendar_year_lags_all_lagged_covariates", "Calendar-year lags (all lagged covariates)",
                 {"lag_mode": "calendar"}),
                ("calendar_year_lag_for_the_two_network_terms_only", "Calendar-year lag for the two network terms only",
                 {"lag_mode": "calendar_network"}),
                ("raw_cumulative_counts_instead_of_srm", "Raw cumulative counts instead of SRM",
                 {"reciprocity_measure": "raw_counts"}),
            ]
            if not settings.quick:
                changes.append(("networks_include_threatened_cases", "Networks include threatened cases",
                                {"network_cases": "all"}))
        variants = tuple(Variant(key, name, model3(settings.replace(**change))) for key, name, change in changes)
        if not settings.data.is_real:
            return Robustness(flagged, variants, None, None)
        now = network_terms(base.frame, settings)
        unlagged = base.frame.assign(lag1_uData=now["uData"], lag1_SuData2=now["SuData2"])
        return Robustness(flagged, variants, row_lag_same_year_share(base.frame),
                          fit_models(unlagged, settings, ("Model 3",))["Model 3"].without_data())

    return cached("dorff_minhas.robustness", settings.key(), compute)
