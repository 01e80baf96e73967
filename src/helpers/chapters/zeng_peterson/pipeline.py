"""Zeng & Peterson from settings to fitted models: ``run(settings)`` returns the frozen :class:`Result`.

The analysis panel (real covariates; outcome, export controls and integration generated unless the user's files
give them, see :mod:`.data`), the three Table 2 models by GLS with ARMA errors by dyad, and the same models on
real COW total trade (the extension). Figure 2's conditional effects and the robustness fits are functions of
the result. The slow steps are cached on disk (``helpers.cache``), keyed by the settings they depend on and the
sha256 of the user's files, so the chapter's pages share one computation.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyfixest as pf

from helpers.cache import cached
from helpers.chapters.zeng_peterson import data, synth
from helpers.chapters.zeng_peterson.settings import (COW_LAST_YEAR, FIGURE2_VARIABLES, LABELS, MODEL_COLUMNS,
                                                     QUICK_DYAD_SHARE, QUICK_N_SIMS, SLUG)
from helpers.methods.gls_arma import GLSARMAResults, gls_arma
from helpers.methods.margins import conditional_effects
from helpers.methods.networks import integration
from helpers.methods.results import Results, from_pyfixest

# the settings each cached step depends on (the user's files enter through their sha256)
PANEL_INPUTS = ("seed", "truth_model", "dv_mode", "prox_normalisation", "ally_coding", "sanction_exclude_types",
                "year_start", "year_end", "product_set", "edge_transform")
FIT_INPUTS = PANEL_INPUTS + ("quick", "arma_p", "arma_q", "reml", "correlation_index", "models")
COW_PANEL_INPUTS = ("prox_normalisation", "ally_coding", "sanction_exclude_types", "year_start", "year_end",
                    "edge_transform")


@dataclass(frozen=True)
class Extension:
    """The extension: Table 2's models on real COW total trade (US export controls left out)."""

    panel: pd.DataFrame
    fits: dict[str, GLSARMAResults]


@dataclass(frozen=True)
class Result:
    """One run of the chapter: the analysis panel, the Table 2 fits by model name ("M1", ...), the extension."""

    panel: pd.DataFrame                     # levels rows (Table 1's sample); in_diff_sample marks Table 2's
    fits: dict[str, GLSARMAResults]
    extension: Extension

    @property
    def outcome(self) -> str:
        """"real" when the outcome comes from the user's CDU file, else "synthetic"."""
        return self.panel.attrs.get("outcome", "synthetic")

    @property
    def export_controls(self) -> str:
        """"real" when the export-control index comes from the user's Country Chart, else "synthetic"."""
        return self.panel.attrs.get("export_controls", "synthetic")


def run(settings) -> Result:
    """Every computation the chapter's tables, figures and scorecard read (cached, see the module doc)."""
    panel = analysis_panel(settings)
    return Result(panel=panel, fits=table2_fits(settings, panel), extension=extension(settings))


def _cache_key(kind: str, settings, names: tuple[str, ...], files: data.UserFiles | None = None) -> dict:
    inputs = {"kind": kind, **{name: settings[name] for name in sorted(names)}}
    if files is not None and files.signature():
        inputs["user_files"] = files.signature()
        if files.outcome_real:  # the integration measures come from the file's networks
            inputs["edge_transform"] = settings.edge_transform
    return inputs


def _dyad_sample(frame: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """Whole dyads, each kept with probability ``share`` (a seeded draw per dyad)."""
    keep = np.random.default_rng(seed).random(frame.dyad.max() + 1) < share
    return frame[keep[frame.dyad.to_numpy()]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------
# The analysis panel and Table 2
# ---------------------------------------------------------------------------------------------------------
def _build_panel(settings, files: data.UserFiles) -> pd.DataFrame:
    years = (settings.year_start, settings.year_end)
    cov = data.covariates(settings.prox_normalisation, settings.ally_coding, tuple(settings.sanction_exclude_types),
                          *years)
    if files.outcome_real:
        return data.real_cdu_panel(cov, files, years, seed=settings.seed, edge_transform=settings.edge_transform)
    chart = data.chart_by_importer(files, cov) if files.export_controls_real else None
    products = data.dual_use_products() if data.uses_product_set(settings) else None
    panel = synth.make_panel(cov, seed=settings.seed, truth_model=settings.truth_model, dv_mode=settings.dv_mode,
                             years=years, export_controls=chart, products=products,
                             edge_transform=settings.edge_transform)
    panel.attrs.update(outcome="synthetic", export_controls="real" if chart is not None else "synthetic",
                       **files.signature())
    return panel


def analysis_panel(settings) -> pd.DataFrame:
    """Levels panel (Table 1 sample) with ``d_log_cdu`` and ``in_diff_sample`` (Table 2 sample).

    Real outcome when the user's CDU file is given (``cdu_file``), else generated; ``panel.attrs["outcome"]``
    and ``["export_controls"]`` say which ("real" / "synthetic")."""
    if settings.year_end <= settings.year_start:
        raise ValueError(f"year_end ({settings.year_end}) must be after year_start ({settings.year_start}).")
    files = data.user_files(settings)
    panel = cached(SLUG, _cache_key("panel", settings, PANEL_INPUTS, files), lambda: _build_panel(settings, files))
    return _dyad_sample(panel, QUICK_DYAD_SHARE, settings.seed) if settings.quick else panel


def regression_frame(panel: pd.DataFrame, model: str, dv: str, extra: list[str] | None = None,
                     drop: list[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Complete rows of the model's regressors, ``dv``, dyad and year, with year dummies; and the regressors."""
    X = synth.design(panel, model)
    if drop:
        X = X.drop(columns=[c for c in X.columns if c in drop or c.split(":")[-1] in drop])
    for c in extra or []:
        X[c] = panel[c]
    frame = pd.concat([X, panel[[dv, "dyad", "year"]]], axis=1).dropna()
    # year dummies from the years left after dropping incomplete rows (first year = reference)
    years = pd.get_dummies(frame.year, prefix="year", prefix_sep="", drop_first=True).astype(float)
    return pd.concat([frame, years], axis=1), list(X.columns) + list(years.columns)


def fit_models(panel: pd.DataFrame, settings, models: list[str] | None = None, dv: str = "d_log_cdu",
               sample: str = "in_diff_sample", drop: list[str] | None = None,
               extra: list[str] | None = None) -> dict[str, GLSARMAResults]:
    """GLS with ARMA(p, q) errors by dyad for each model (default ``settings.models``), by model name."""
    if panel.attrs.get("outcome") == "real" and panel.attrs.get("export_controls") == "synthetic":
        drop = [*(drop or []), "export_controls"]  # generated index next to a real outcome: left out
    rows = panel[panel[sample]] if sample else panel
    out = {}
    for m in models or settings.models:
        frame, xs = regression_frame(rows, m, dv, extra, drop)
        out[m] = gls_arma(frame, dv, xs, "dyad", "year", p=settings.arma_p, q=settings.arma_q,
                          method="REML" if settings.reml else "ML", correlation_index=settings.correlation_index)
    return out


def table2_fits(settings, panel: pd.DataFrame) -> dict[str, GLSARMAResults]:
    files = data.user_files(settings)
    return cached(SLUG, _cache_key("table2", settings, FIT_INPUTS, files),
                  lambda: {m: r.without_data() for m, r in fit_models(panel, settings).items()})


# ---------------------------------------------------------------------------------------------------------
# Extension: total directed trade from COW, closeness on the real COW network
# ---------------------------------------------------------------------------------------------------------
def _build_cow_panel(settings) -> pd.DataFrame:
    y0, y1 = settings.year_start, min(settings.year_end, COW_LAST_YEAR)
    cov = data.covariates(settings.prox_normalisation, settings.ally_coding, tuple(settings.sanction_exclude_types),
                          y0, y1)
    trade = data.cow_trade((y0 - 1, y1))
    edges = trade.rename(columns={"trade": "flow"})
    exp_int = integration(edges, "out", transform=settings.edge_transform).rename(columns={"node": "exporter", "closeness": "exp_int"})
    imp_int = integration(edges, "in", transform=settings.edge_transform).rename(columns={"node": "importer", "closeness": "imp_int"})
    d = cov.merge(trade, on=["exporter", "importer", "year"])
    d = d.merge(exp_int, on=["exporter", "year"], how="left").merge(imp_int, on=["importer", "year"], how="left")
    d = d.fillna({"exp_int": 0.0, "imp_int": 0.0}).sort_values(["exporter", "importer", "year"]).reset_index(drop=True)
    d["log_trade"] = np.log1p(d.trade)
    d["dyad"] = pd.factorize(d.exporter.astype(np.int64) * 1000 + d.importer)[0]
    same = (d.dyad.shift(1) == d.dyad) & (d.year.shift(1) == d.year - 1)
    d["d_log_trade"] = np.where(same, d.log_trade - d.log_trade.shift(1), np.nan)
    d["lag_log_trade"] = np.where(same, d.log_trade.shift(1), np.nan)
    d["in_diff_sample"] = same & (d.year >= y0)
    d["export_controls"] = 0.0  # placeholder column so the design builder works; dropped from the models
    return d


def cow_panel(settings) -> pd.DataFrame:
    """Real-data panel: covariates + Δ log(1 + COW exports, million current USD) + real-network closeness.

    US export controls has no public source offline and is left out of these models."""
    panel = cached(SLUG, _cache_key("cow_panel", settings, COW_PANEL_INPUTS), lambda: _build_cow_panel(settings))
    return _dyad_sample(panel, QUICK_DYAD_SHARE, settings.seed) if settings.quick else panel


def extension(settings) -> Extension:
    """The extension on its own: it needs none of the user's files."""
    panel = cow_panel(settings)
    fits = cached(SLUG, _cache_key("cow", settings, FIT_INPUTS + ("edge_transform",)),
                  lambda: {m: r.without_data() for m, r in
                           fit_models(panel, settings, dv="d_log_trade", drop=["export_controls"]).items()})
    return Extension(panel=panel, fits=fits)


# ---------------------------------------------------------------------------------------------------------
# Figure 2: conditional effects
# ---------------------------------------------------------------------------------------------------------
def figure2_effects(result: Result, settings) -> pd.DataFrame:
    """Conditional effects (percent) under no sanction / sanction, +1 SD (0→1 for ally), Models 2 and 3."""
    sample = result.panel[result.panel.in_diff_sample]
    scales = {v: (1.0 if v == "ally" else float(sample[v].std())) for v in FIGURE2_VARIABLES}
    n_sims = min(settings.n_sims, QUICK_N_SIMS) if settings.quick else settings.n_sims
    out = []
    for m in [m for m in ("M2", "M3") if m in result.fits]:
        r = result.fits[m]
        e = conditional_effects(r.params, r.cov, scales, "sanction", n_sims=n_sims, seed=settings.seed)
        out.append(e.assign(model=MODEL_COLUMNS[m], label=e.variable.map(LABELS)))
    return pd.concat(out, ignore_index=True)


# ---------------------------------------------------------------------------------------------------------
# Robustness named in the paper (fn. 22-23): levels, lagged DV, OLS with dyad-clustered SEs
# ---------------------------------------------------------------------------------------------------------
def robustness(result: Result, settings, model: str) -> dict[str, Results]:
    """One model under the paper's robustness specifications, by specification name, on a random
    ``settings.dyad_share`` of dyads (to bound build time)."""
    keep = np.random.default_rng(settings.seed + 1).random(result.panel.dyad.max() + 1) < settings.dyad_share
    d = result.panel[keep[result.panel.dyad.to_numpy()]].copy()
    d = d.sort_values(["dyad", "year"])
    same = (d.dyad.shift(1) == d.dyad) & (d.year.shift(1) == d.year - 1)
    d["lag_log_cdu"] = np.where(same, d.log_cdu.shift(1), np.nan)
    specs = {"GLS-ARMA, Δ log CDU (as the paper)": fit_models(d, settings, [model])[model],
             "GLS-ARMA, log CDU level": fit_models(d, settings, [model], dv="log_cdu", sample="in_diff_sample")[model],
             "GLS-ARMA, Δ log CDU + lagged level": fit_models(d, settings, [model], extra=["lag_log_cdu"])[model]}
    frame, xs = regression_frame(d[d.in_diff_sample], model, "d_log_cdu")
    # pyfixest formulas cannot name a term "a:b" as a column: renamed for the fit and back after
    safe = {c: c.replace(":", "_X_") for c in xs}
    rhs = " + ".join(safe[c] for c in xs if not c.startswith("year"))
    ols = pf.feols(f"d_log_cdu ~ {rhs} | year", data=frame.rename(columns=safe), vcov={"CRV1": "dyad"})
    ols = from_pyfixest(ols)
    back = {v: k for k, v in safe.items()}
    specs["OLS + year FE, dyad-clustered SEs"] = dataclasses.replace(
        ols, params=ols.params.rename(index=back), cov=ols.cov.rename(index=back, columns=back))
    return specs
