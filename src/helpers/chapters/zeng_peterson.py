"""Zeng & Peterson, "Alliances, state preferences, and trade networks": parameters and chapter logic.

Notebooks call: ``PARAMETERS``, ``choose(p)``, ``data_columns(p)``, ``analysis_panel(p)``, ``fit_models(panel, p)``,
``table2(results)``, ``table1(panel)``, ``figure1(panel)``, ``figure2(results, panel, p)``,
``hypothesis_verdicts(results)``, ``record_scorecard(card, p, panel)``, ``cow_panel(p)``, ``robustness(panel, p)``.
No glue and no display here.

The two files the paper rests on are not public: the controlled dual-use (CDU) trade flows and the historical
US Commerce Country Chart. A user who has them names them with the parameters ``cdu_file`` and
``country_chart_file`` (or the environment variables ``ZENG_PETERSON_CDU_FILE`` and
``ZENG_PETERSON_COUNTRY_CHART_FILE``, which let ``make book`` use them; a parameter wins over the variable;
relative paths resolve against the repository root). ``data_source``:

* ``"auto"``: the files that are given are used, the generator supplies the rest (stated on every page);
* ``"real"``: both files are required; a missing one raises :class:`DataUnavailable` naming the parameter;
* ``"synthetic"``: the generator for outcome, export controls and integration, files ignored.

The covariates (sanctions, alliances, proximities, GDP, democracy, distance, MECR) are real in every mode.
With the CDU file the outcome, its change, the sample of dyad-years and the integration measures are real
(:func:`helpers.data.zeng_peterson.cdu_dyad_years`, :func:`~helpers.data.zeng_peterson.cdu_integration`);
with the Country Chart the export-control index is real. CDU file without a chart: the export-control index
would be generated noise next to a real outcome, so it is left out of the models (H2 not testable) and shown
as synthetic in Table 1. Chart without the CDU file: the generator runs with the real index in its outcome
equation (a method check with one more real regressor).
"""
from __future__ import annotations

import functools
import hashlib
import html
import os
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
from scipy import stats

from helpers.cache import cached as disk_cached
from helpers import paths
from helpers.data import DataUnavailable, choose_source
from helpers.data import zeng_peterson as zd
from helpers.methods.gls_arma import gls_arma
from helpers.methods.margins import conditional_effects
from helpers.methods.networks import EDGE_DISTANCES, integration
from helpers.params import Boolean, Choice, Integer, ListOf, Number, Text
from helpers.synth import zeng_peterson as zs

SLUG = "zeng_peterson"
GENERATOR = "helpers.synth.zeng_peterson"

PARAMETERS = {
    "data_source": Choice("auto", "real", "synthetic",
                          doc="auto: the user's CDU / Country Chart files where given, else generated; real: both "
                              "files required; synthetic: always generated (covariates are real in every mode)"),
    "cdu_file": Text(doc="CSV of controlled dual-use trade flows (exporter_iso3, importer_iso3, year, value_musd "
                         "[, category]); empty = not provided"),
    "country_chart_file": Text(doc="CSV of the historical US Commerce Country Chart (iso3, year, CB1 ... AT2); "
                                   "empty = not provided"),
    "quick": Boolean(doc="smoke-run settings: a 15 % sample of dyads, 200 draws"),
    "seed": Integer(0, None, doc="seed of the synthetic generator"),
    "year_start": Integer(1997, 2014),
    "year_end": Integer(1998, 2015),
    "dv_transform": Choice("diff", "level", "level_ldv", doc="Δ log CDU (paper), log level, level with lagged DV"),
    "dv_mode": Choice("latent", "censored", doc="synthetic DV: Δ latent y* (recovers β) or Δ of max(0, y*)"),
    "truth_model": Choice("M3", "M2", "M1", "null", doc="which Table 2 column the generator uses as β_true"),
    "arma_p": Integer(0, 3),
    "arma_q": Integer(0, 3),
    "reml": Boolean(doc="REML (nlme default, the paper) or ML"),
    "correlation_index": Choice("time", "order", doc="corARMA form = ~year|dyad (gaps) or ~1|dyad"),
    "prox_normalisation": Choice("sample_max_each", "shared_max", "yearly_max"),
    "ally_coding": Choice("def_off_neu", "defense_only", "atopally_all"),
    "sanction_exclude_types": ListOf(Text(), doc="EUSANCT US imposition types that alone do not count"),
    "edge_transform": Choice(*EDGE_DISTANCES, doc="trade flow -> path length in the closeness networks"),
    "models": ListOf(Choice("M1", "M2", "M3")),
    "n_sims": Integer(10, 20000),
    "dyad_share": Number(0.01, 1.0, doc="share of dyads used by the robustness notebook"),
}

BASELINE = dict(data_source="auto", cdu_file="", country_chart_file="", quick=False, seed=20240101, year_start=1997, year_end=2015,
                dv_transform="diff", dv_mode="latent", truth_model="M3", arma_p=1, arma_q=1, reml=True,
                correlation_index="time", prox_normalisation="sample_max_each", ally_coding="def_off_neu",
                sanction_exclude_types=list(zd.PAPER_EXCLUDED_TYPES), edge_transform="inv_log1p",
                models=["M1", "M2", "M3"], n_sims=1000, dyad_share=1.0)

QUICK_DYAD_SHARE = 0.15

LABELS = {
    "sanction": "Importer US sanction", "ally": "Exporter US ally", "export_controls": "US export controls",
    "exp_int": "Exporter integration", "imp_int": "Importer integration", "us_prox": "Exporter US proximity",
    "dyad_prox": "Dyadic proximity", "exp_lngdp": "Exporter log GDP", "imp_lngdp": "Importer log GDP",
    "exp_mecr": "Exporter MECR", "imp_mecr": "Importer MECR", "exp_libdem": "Exporter liberal democracy",
    "imp_libdem": "Importer liberal democracy", "lndist": "log Distance",
    "sanction:ally": "Importer sanct X Exporter ally", "sanction:export_controls": "Importer sanct X US export controls",
    "sanction:exp_int": "Importer sanct X Exporter integration",
    "sanction:imp_int": "Importer sanct X Importer integration",
    "sanction:us_prox": "Importer sanct X Exporter US proximity", "sanction:dyad_prox": "Importer sanct X Dyadic proximity",
    "sanction:exp_lngdp": "Importer sanct X Exp GDP", "sanction:imp_lngdp": "Importer sanct X Imp GDP",
    "sanction:exp_mecr": "Importer sanct X Exp MECR", "sanction:imp_mecr": "Importer sanct X Imp MECR",
    "sanction:exp_libdem": "Importer sanct X Exp libdem", "sanction:imp_libdem": "Importer sanct X Imp libdem",
    "sanction:lndist": "Importer sanct X Dist", "(Intercept)": "Constant",
}
MODEL_COLUMNS = {"M1": "Model 1", "M2": "Model 2", "M3": "Model 3"}
HEADLINE = ["ally", "export_controls", "exp_int", "imp_int", "us_prox", "dyad_prox", "sanction:ally",
            "sanction:export_controls", "sanction:exp_int", "sanction:imp_int", "sanction:us_prox",
            "sanction:dyad_prox"]
REAL_COLUMNS = ["importer US sanction (EUSANCT)", "exporter US ally (ATOP 5.1)",
                "exporter US proximity, dyadic proximity (UNGA ideal points, Jun 2024)",
                "exporter/importer log GDP (Anders, Fariss & Markowitz via peacesciencer)",
                "exporter/importer MECR (hand-coded regime membership)",
                "exporter/importer liberal democracy (V-Dem v14)", "log distance (CEPII distw)"]
SYNTHETIC_COLUMNS = ["log CDU export and its change (the outcome)", "US export controls (Country Chart index)",
                     "exporter and importer integration (closeness in CDU networks)",
                     "which dyad-years trade (gravity selection calibrated to N)"]


def defaults(**overrides) -> SimpleNamespace:
    return SimpleNamespace(**{**BASELINE, **overrides})


# ---------------------------------------------------------------------------------------------------------
# The user's files (CDU trade flows, Country Chart) and which columns are real
# ---------------------------------------------------------------------------------------------------------
FILE_PARAMETERS = {"cdu_file": ("ZENG_PETERSON_CDU_FILE", "the controlled dual-use trade flows", zd.CDU_LAYOUT),
                   "country_chart_file": ("ZENG_PETERSON_COUNTRY_CHART_FILE", "the historical US Commerce Country Chart",
                                          zd.CHART_LAYOUT)}


@functools.lru_cache(maxsize=16)
def _sha256(path: str, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class UserFiles:
    """The user's non-public files this run uses (None = generated), with their sha256."""

    cdu: Path | None = None
    chart: Path | None = None
    cdu_sha256: str = ""
    chart_sha256: str = ""
    ignored: tuple[str, ...] = ()

    @property
    def outcome_real(self) -> bool:
        return self.cdu is not None

    @property
    def export_controls_real(self) -> bool:
        return self.chart is not None

    def signature(self) -> dict:
        out = {}
        if self.cdu:
            out.update(cdu_file=str(self.cdu), cdu_sha256=self.cdu_sha256)
        if self.chart:
            out.update(country_chart_file=str(self.chart), country_chart_sha256=self.chart_sha256)
        return out


def _given(p, name: str) -> tuple[str, str]:
    """(value, where it came from) of a file parameter; the parameter wins over its environment variable."""
    value = str(getattr(p, name, "") or "").strip()
    if value:
        return value, f"parameter {name}"
    env = FILE_PARAMETERS[name][0]
    value = os.environ.get(env, "").strip()
    return value, (f"environment variable {env}" if value else "")


def resolve_user_file(value: str) -> Path:
    """A user-given path; relative paths resolve against the repository root."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else paths.ROOT / path


def user_files(p) -> UserFiles:
    """Which of the two non-public files this run uses, following ``p.data_source`` (see the module doc).

    A path that is given but does not exist is an error in every mode except "synthetic" (no silent fallback
    on a typo); "real" without a file raises one message naming each missing parameter and its layout."""
    given = {name: _given(p, name) for name in FILE_PARAMETERS}
    if p.data_source == "synthetic":
        return UserFiles(ignored=tuple(f"{name} ({where})" for name, (v, where) in given.items() if v))
    found, problems = {}, []
    for name, (value, where) in given.items():
        env, what, layout = FILE_PARAMETERS[name]
        if not value:
            if p.data_source == "real":
                problems.append(f"data_source='real' needs {what}, which is not in the offline mirror: set the "
                                f"parameter {name} (or the environment variable {env}) to a {layout}.")
            continue
        path = resolve_user_file(value)
        if not path.is_file():
            problems.append(f"{name} = {value!r} ({where}): no such file ({path}). Expected {what}: a {layout}.")
            continue
        st = path.stat()
        found[name] = (path, _sha256(str(path), st.st_mtime_ns, st.st_size))
    if problems:
        raise DataUnavailable(" ".join(problems))
    cdu, chart = found.get("cdu_file"), found.get("country_chart_file")
    return UserFiles(cdu=cdu[0] if cdu else None, chart=chart[0] if chart else None,
                     cdu_sha256=cdu[1] if cdu else "", chart_sha256=chart[1] if chart else "")


def choose(p, with_user_files: bool = True):
    """The mirror files this chapter runs on. The covariates are real in every mode (there is no covariate
    generator), so a missing covariate file always raises; the user's files are handled by ``user_files``
    (checked here first, unless the page does not use them: the COW extension)."""
    import dataclasses

    if with_user_files:
        user_files(p)  # fail early and clearly on a bad or missing user file
    choice = choose_source("real", list(zd.KEYS.values()), generator=None, seed=p.seed)
    return dataclasses.replace(choice, requested=p.data_source)


def data_columns(p) -> dict:
    """``real=``, ``synthetic=`` and ``note=`` for ``show_data_source``: which columns this run has real."""
    f = user_files(p)
    real, synthetic = list(REAL_COLUMNS), []
    if f.outcome_real:
        real += [f"log CDU export and its change (the outcome), from cdu_file {f.cdu.name}",
                 "which dyad-years are in the sample (the rows of cdu_file)",
                 "exporter and importer integration (closeness in the CDU networks of cdu_file)"]
    else:
        synthetic += [SYNTHETIC_COLUMNS[0], SYNTHETIC_COLUMNS[2], SYNTHETIC_COLUMNS[3]]
    if f.export_controls_real:
        real.append(f"US export controls (index from the Country Chart file {f.chart.name})")
    else:
        synthetic.insert(1 if synthetic else 0, SYNTHETIC_COLUMNS[1] + (
            "; left out of the models because the outcome is real" if f.outcome_real else ""))
    notes = [f"User file {name} = <code>{html.escape(str(path))}</code> (sha256 {sha[:12]})" for name, path, sha in
             [("cdu_file", f.cdu, f.cdu_sha256), ("country_chart_file", f.chart, f.chart_sha256)] if path]
    if f.ignored:
        notes.append(f"data_source='synthetic': ignored {', '.join(f.ignored)}")
    if f.outcome_real:
        notes.append("The outcome is real: Table 2 and Figure 2 compare with the paper's published values.")
    else:
        notes.append("The outcome is generated: Table 2 and Figure 2 are a method check. Give the CDU trade file "
                     "(parameter cdu_file) and the Country Chart (country_chart_file) to run on real data.")
    return dict(real=real, synthetic=synthetic, note="<br>".join(notes))


@functools.lru_cache(maxsize=4)
def _covariates(prox_normalisation: str, ally_coding: str, exclude: tuple[str, ...], y0: int, y1: int) -> pd.DataFrame:
    return zd.build_covariates((y0 - 1, y1), prox_normalisation, ally_coding, exclude)


def _chart_by_ccode(files: UserFiles, cov: pd.DataFrame) -> pd.DataFrame:
    """The user's Country Chart index as importer (COW code), year, export_controls."""
    chart = zd.load_country_chart(files.chart).rename(columns={"iso3": "imp_iso3"})
    codes = cov[["imp_iso3", "importer"]].drop_duplicates()
    return chart.merge(codes, on="imp_iso3")[["importer", "year", "export_controls"]]


def real_cdu_panel(cov: pd.DataFrame, files: UserFiles, years: tuple[int, int], seed: int = 20240101,
                   edge_transform: str = "inv_log1p") -> pd.DataFrame:
    """The analysis panel on the user's CDU trade file (and Country Chart, if given).

    Rows: the file's dyad-years in ``years`` that have the real covariates (countries without ideal points,
    V-Dem or GDP drop out, and the US). ``log_cdu`` = log(1 + value_musd); ``d_log_cdu`` = its change from the
    file's previous year of the dyad (``in_diff_sample`` where it exists); ``exp_int`` / ``imp_int`` =
    closeness in the file's CDU networks (every country in the file is a node); ``export_controls`` = the
    Country Chart index (importer-years missing from the chart are dropped) or, without a chart, the generator's
    (not used by the models; see ``fit_models``). ``attrs`` records what is real and the rows dropped."""
    cdu = zd.load_cdu_trade(files.cdu)
    dy = zd.cdu_dyad_years(cdu).rename(columns={"exporter_iso3": "exp_iso3", "importer_iso3": "imp_iso3"})
    in_years = dy.year.between(*years)
    integ = zd.cdu_integration(cdu[cdu.year.between(*years)], transform=edge_transform)
    panel = cov[cov.year.between(*years)].merge(dy, on=["exp_iso3", "imp_iso3", "year"])
    if panel.empty:
        raise ValueError(f"No dyad-year of {files.cdu.name} in {years[0]}-{years[1]} matches the covariate panel "
                         "(ISO3 codes of countries with ideal points, V-Dem and GDP; the US is excluded).")
    panel = (panel.merge(integ[["iso3", "year", "exp_int"]].rename(columns={"iso3": "exp_iso3"}), on=["exp_iso3", "year"], how="left")
             .merge(integ[["iso3", "year", "imp_int"]].rename(columns={"iso3": "imp_iso3"}), on=["imp_iso3", "year"], how="left")
             .fillna({"exp_int": 0.0, "imp_int": 0.0}))
    n_cov = len(panel)
    if files.export_controls_real:
        panel = panel.merge(_chart_by_ccode(files, cov), on=["importer", "year"])
        if panel.empty:
            raise ValueError(f"No importer-year of the panel is in {files.chart.name} (ISO3 codes, years {years[0]}-{years[1]}).")
    else:
        ec = zs.synthetic_country_measures(cov, np.random.default_rng(seed))[["ccode", "year", "export_controls"]]
        panel = panel.merge(ec.rename(columns={"ccode": "importer"}), on=["importer", "year"], how="left")
    panel = panel.sort_values(["exporter", "importer", "year"], ignore_index=True)
    panel["dyad"] = pd.factorize(panel.exporter.astype(np.int64) * 1000 + panel.importer)[0]
    panel["in_diff_sample"] = panel.d_log_cdu.notna()
    panel.attrs.update(outcome="real", export_controls="real" if files.export_controls_real else "synthetic",
                       rows_in_file=int(in_years.sum()), rows_without_covariates=int(in_years.sum() - n_cov),
                       rows_without_chart=int(n_cov - len(panel)), **files.signature())
    return panel


@functools.lru_cache(maxsize=4)
def _panel(seed, truth_model, dv_mode, prox, ally, exclude, y0, y1, files: UserFiles = UserFiles(),
           edge_transform: str = "inv_log1p"):
    cov = _covariates(prox, ally, exclude, y0, y1)
    if files.outcome_real:
        return real_cdu_panel(cov, files, (y0, y1), seed=seed, edge_transform=edge_transform)
    ec = _chart_by_ccode(files, cov) if files.export_controls_real else None
    panel = zs.make_panel(cov, seed=seed, truth_model=truth_model, dv_mode=dv_mode, years=(y0, y1), export_controls=ec)
    panel.attrs.update(outcome="synthetic", export_controls="real" if ec is not None else "synthetic",
                       **files.signature())
    return panel


def analysis_panel(p) -> pd.DataFrame:
    """Levels panel (Table 1 sample) with ``d_log_cdu`` and ``in_diff_sample`` (Table 2 sample).

    Real outcome when the user's CDU file is given (``cdu_file``), else generated; ``panel.attrs["outcome"]``
    and ``["export_controls"]`` say which ("real" / "synthetic")."""
    if p.year_end <= p.year_start:
        raise ValueError(f"year_end ({p.year_end}) must be after year_start ({p.year_start}).")
    files = user_files(p)
    edge = getattr(p, "edge_transform", BASELINE["edge_transform"])
    panel = cached("panel", p, lambda: _panel(p.seed, p.truth_model, p.dv_mode, p.prox_normalisation,
                                              p.ally_coding, tuple(p.sanction_exclude_types), p.year_start,
                                              p.year_end, files, edge), keys=_PANEL_KEYS, files=files)
    if p.quick:
        keep = np.random.default_rng(p.seed).random(panel.dyad.max() + 1) < QUICK_DYAD_SHARE
        panel = panel[keep[panel.dyad.to_numpy()]].reset_index(drop=True)
    return panel


def _regression_frame(panel: pd.DataFrame, model: str, dv: str, extra: list[str] | None = None,
                      drop: list[str] | None = None):
    X = zs.design(panel, model)
    if drop:
        X = X.drop(columns=[c for c in X.columns if c in drop or c.split(":")[-1] in drop])
    for c in extra or []:
        X[c] = panel[c]
    frame = pd.concat([X, panel[[dv, "dyad", "year"]]], axis=1).dropna()
    # year dummies from the years left after dropping incomplete rows (first year = reference)
    years = pd.get_dummies(frame.year, prefix="year", prefix_sep="", drop_first=True).astype(float)
    return pd.concat([frame, years], axis=1), list(X.columns) + list(years.columns)


def fit_models(panel: pd.DataFrame, p, dv: str | None = None, sample: str = "in_diff_sample",
               drop: list[str] | None = None, extra: list[str] | None = None) -> dict:
    """GLS with ARMA(p, q) errors by dyad for each model in ``p.models``; returns {model: results}."""
    dv = dv or "d_log_cdu"
    if panel.attrs.get("outcome") == "real" and panel.attrs.get("export_controls") == "synthetic":
        drop = [*(drop or []), "export_controls"]  # generated index next to a real outcome: left out
    data = panel[panel[sample]] if sample else panel
    out = {}
    for m in p.models:
        frame, xs = _regression_frame(data, m, dv, extra, drop)
        out[m] = gls_arma(frame, dv, xs, "dyad", "year", p=p.arma_p, q=p.arma_q,
                          method="REML" if p.reml else "ML", correlation_index=p.correlation_index)
    return out


def _stars(pv: float) -> str:
    return "***" if pv < 0.001 else "**" if pv < 0.01 else "*" if pv < 0.05 else ""


def table2(results: dict, with_published: bool = True) -> pd.DataFrame:
    """Coefficient (stars) and 95 % CI per model, paper layout; optionally the published cell beside it."""
    from helpers.report.scorecard import load_published

    pub = load_published(SLUG) if with_published else None
    terms = [t for t in LABELS if any(t in r.params.index for r in results.values())]
    rows = []
    for t in terms:
        row = {"": LABELS[t]}
        for m, r in results.items():
            col = MODEL_COLUMNS[m]
            if t in r.params.index:
                ci = r.conf_int().loc[t]
                row[col] = f"{r.params[t]:.3f}{_stars(r.pvalues[t])} ({ci.lower:.3f}, {ci.upper:.3f})"
            else:
                row[col] = ""
            if pub is not None:
                key = ("Table 2", LABELS[t], col)
                row[f"{col} (paper)"] = (f"{pub.loc[key, 'estimate']}{pub.loc[key, 'stars']} "
                                         f"({pub.loc[key, 'ci_low']}, {pub.loc[key, 'ci_high']})") if key in pub.index else ""
        rows.append(row)
    for stat, f in [("Observations", lambda r: f"{r.nobs:,}"), ("Log Likelihood", lambda r: f"{r.llf:,.1f}"),
                    ("Akaike Inf. Crit.", lambda r: f"{r.aic:,.1f}"), ("Bayesian Inf. Crit.", lambda r: f"{r.bic:,.1f}"),
                    ("ARMA phi, theta", lambda r: ", ".join(f"{v:.3f}" for v in [*r.phi, *r.theta]))]:
        row = {"": stat}
        for m, r in results.items():
            col = MODEL_COLUMNS[m]
            row[col] = f(r)
            if pub is not None:
                key = ("Table 2", stat, col)
                row[f"{col} (paper)"] = pub.loc[key, "estimate"] if key in pub.index else ""
        rows.append(row)
    cols = [""] + [c for m in results for c in ([MODEL_COLUMNS[m]] + ([f"{MODEL_COLUMNS[m]} (paper)"] if pub is not None else []))]
    return pd.DataFrame(rows)[cols].set_index("")


# ---------------------------------------------------------------------------------------------------------
# Table 1 and Figure 1
# ---------------------------------------------------------------------------------------------------------
TABLE1_CONTINUOUS = {"log_cdu": "log CDU export", "export_controls": "US export controls",
                     "exp_int": "Exporter integration", "imp_int": "Importer integration",
                     "us_prox": "Exporter US proximity", "dyad_prox": "Dyadic proximity",
                     "exp_lngdp": "Exporter log GDP", "imp_lngdp": "Importer log GDP",
                     "exp_libdem": "Exporter liberal democracy", "imp_libdem": "Importer liberal democracy",
                     "lndist": "Distance (log)"}
TABLE1_BINARY = {"sanction": "Importer US sanction: Yes (%)", "exp_mecr": "Exporter MECR: Yes (%)",
                 "imp_mecr": "Importer MECR: Yes (%)"}


def table1(panel: pd.DataFrame) -> pd.DataFrame:
    """Mean (SD) / share by exporter ally status with Wilcoxon rank-sum and Pearson χ² p-values."""
    g0, g1 = panel[panel.ally == 0], panel[panel.ally == 1]
    rows = [{"": "N", "Non-ally": float(len(g0)), "Ally": float(len(g1)), "Non-ally SD": np.nan,
             "Ally SD": np.nan, "p-value": np.nan}]
    for c, name in TABLE1_CONTINUOUS.items():
        pv = stats.mannwhitneyu(g0[c], g1[c]).pvalue
        rows.append({"": name, "Non-ally": g0[c].mean(), "Ally": g1[c].mean(), "Non-ally SD": g0[c].std(),
                     "Ally SD": g1[c].std(), "p-value": pv})
    for c, name in TABLE1_BINARY.items():
        tab = pd.crosstab(panel.ally, panel[c])
        pv = stats.chi2_contingency(tab, correction=False)[1] if tab.shape == (2, 2) else np.nan
        rows.append({"": name, "Non-ally": 100 * g0[c].mean(), "Ally": 100 * g1[c].mean(), "Non-ally SD": np.nan,
                     "Ally SD": np.nan, "p-value": pv})
    return pd.DataFrame(rows).set_index("")


def table1_display(t1: pd.DataFrame) -> pd.DataFrame:
    from helpers.report.scorecard import load_published

    pub = load_published(SLUG)

    def fmt(v, sd):
        return f"{v:,.0f}" if np.isnan(sd) and v > 1000 else (f"{v:.1f}%" if np.isnan(sd) else f"{v:.2f} ({sd:.2f})")

    def pfmt(v):
        return "" if np.isnan(v) else "<0.001" if v < 0.001 else f"{v:.2g}"

    out = []
    for name, r in t1.iterrows():
        row = {"Characteristic": name, "Non-ally": fmt(r["Non-ally"], r["Non-ally SD"]),
               "Ally": fmt(r["Ally"], r["Ally SD"]), "p-value": pfmt(r["p-value"])}
        for grp in ("Non-ally", "Ally"):
            key = ("Table 1", name, grp)
            if key in pub.index:
                e, s = pub.loc[key, "estimate"], pub.loc[key, "se"]
                row[f"{grp} (paper)"] = f"{e} ({s})" if s else e
            else:
                row[f"{grp} (paper)"] = ""
        out.append(row)
    return pd.DataFrame(out).set_index("Characteristic")[["Non-ally", "Non-ally (paper)", "Ally", "Ally (paper)", "p-value"]]


def figure1(panel: pd.DataFrame):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 4, figsize=(12, 5.6))
    ax = axes.ravel()
    ax[0].hist(panel.log_cdu, bins=40, color="#1b4f72")
    ax[0].set_title("(a) log CDU export")
    country = lambda col, who: panel.drop_duplicates([who, "year"]).groupby("year")[col].mean()  # noqa: E731
    ax[1].plot(country("sanction", "importer"), marker="o")
    ax[1].set_title("(b) importers under US sanction")
    ax[2].hist(panel.drop_duplicates(["importer", "year"]).export_controls, bins=30, color="#c0392b")
    ax[2].set_title("(c) US export controls")
    ax[3].plot(country("ally", "exporter"), marker="o", color="#27ae60")
    ax[3].set_title("(d) exporters that are US allies")
    for a, col, t in [(ax[4], "us_prox", "(e) exporter US proximity"), (ax[5], "dyad_prox", "(f) dyadic proximity"),
                      (ax[6], "exp_int", "(g) exporter integration"), (ax[7], "imp_int", "(h) importer integration")]:
        a.hist(panel[col], bins=40, color="#5d6d7e")
        a.set_title(t)
    for a in ax[[1, 3]]:
        a.set_ylim(0, 1)
        a.set_ylabel("share of countries")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------------------
# Figure 2 and hypotheses
# ---------------------------------------------------------------------------------------------------------
FIG2_VARIABLES = ["ally", "export_controls", "exp_int", "imp_int", "us_prox", "dyad_prox"]


def figure2_effects(results: dict, panel: pd.DataFrame, p) -> pd.DataFrame:
    """Conditional effects (percent) under no sanction / sanction, +1 SD (0→1 for ally), Models 2 and 3."""
    sample = panel[panel.in_diff_sample]
    scales = {v: (1.0 if v == "ally" else float(sample[v].std())) for v in FIG2_VARIABLES}
    out = []
    for m in [m for m in ("M2", "M3") if m in results]:
        r = results[m]
        e = conditional_effects(r.params, r.cov_params(), scales, "sanction", n_sims=p.n_sims, seed=p.seed)
        out.append(e.assign(model=MODEL_COLUMNS[m], label=e.variable.map(LABELS)))
    return pd.concat(out, ignore_index=True)


def figure2(effects: pd.DataFrame):
    import matplotlib.pyplot as plt

    models = list(dict.fromkeys(effects.model))
    fig, axes = plt.subplots(1, len(models), figsize=(5.2 * len(models), 4.4), sharey=True, squeeze=False)
    labels = list(dict.fromkeys(effects.label))
    y = np.arange(len(labels))
    for ax, m in zip(axes[0], models):
        for s, (off, col, name) in enumerate([(-0.15, "#1b4f72", "not sanctioned"), (0.15, "#c0392b", "sanctioned")]):
            e = effects[(effects.model == m) & (effects.sanction == s)].set_index("label").loc[labels]
            ax.errorbar(e.estimate, y + off, xerr=[e.estimate - e.ci_low, e.ci_high - e.estimate], fmt="o",
                        color=col, label=f"importer {name}", capsize=2)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.set_title(m)
        ax.set_xlabel("% change in CDU exports (ally: 0→1; others: +1 SD)")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def _net(r, a: str, b: str):
    """Point estimate and two-sided p-value of β_a + β_b."""
    if b not in r.params.index:
        return r.params[a], r.pvalues[a]
    est = r.params[a] + r.params[b]
    cov = r.cov_params()
    se = np.sqrt(cov.loc[a, a] + cov.loc[b, b] + 2 * cov.loc[a, b])
    return est, 2 * stats.norm.sf(abs(est / se))


def hypothesis_verdicts(r, alpha: float = 0.05) -> pd.DataFrame:
    """H1–H6 with the rules of the spec (§8), from one fitted model with interactions (Model 2 or 3)."""
    P, pv = r.params, r.pvalues
    rows = []

    def add(h, main, cond_main, stronger_holds, text):
        rows.append({"hypothesis": h, "main term": f"{P[main]:.3f}{_stars(pv[main])}",
                     "S × term": f"{P['sanction:' + main]:.3f}{_stars(pv['sanction:' + main])}"
                     if "sanction:" + main in P.index else "—",
                     "main part holds": bool(cond_main), "conditional part holds": bool(stronger_holds),
                     "verdict": "supported" if cond_main and stronger_holds else "partly" if cond_main or stronger_holds
                     else "not supported", "rule": text})

    if "ally" in P.index:
        net, pnet = _net(r, "ally", "sanction:ally")
        add("H1", "ally", P["ally"] > 0 and pv["ally"] < alpha, pnet >= alpha or net < 0,
            "β_ally > 0 (p<.05); β_ally + β_S×ally n.s. or negative")
    if "export_controls" in P.index:
        net, pnet = _net(r, "export_controls", "sanction:export_controls")
        add("H2", "export_controls", P["export_controls"] > 0 and pv["export_controls"] < alpha,
            net <= 0 or pnet >= alpha, "β_EC > 0 (p<.05); β_EC + β_S×EC ≤ 0 or n.s.")
    for h, v, sign in [("H3", "us_prox", -1), ("H4", "dyad_prox", 1), ("H5", "exp_int", 1), ("H6", "imp_int", 1)]:
        if v in P.index:
            inter = "sanction:" + v
            add(h, v, sign * P[v] > 0 and pv[v] < alpha, inter in P.index and sign * P[inter] > 0,
                f"β {'<' if sign < 0 else '>'} 0 (p<.05); stronger under sanction: β_S× {'<' if sign < 0 else '>'} 0")
    return pd.DataFrame(rows).set_index("hypothesis")


def verdict_table(columns: dict) -> pd.DataFrame:
    """Side-by-side verdict columns; a hypothesis a source cannot test is marked so."""
    out = pd.concat({k: v["verdict"] for k, v in columns.items()}, axis=1)
    return out.reindex([f"H{i}" for i in range(1, 7)]).fillna("not testable (no export-control data)")


def paper_verdicts(model: str = "M3") -> pd.DataFrame:
    """The same rules applied to the paper's printed Table 2 (SEs backed out of the CIs)."""
    from helpers.report.scorecard import load_published

    pub = load_published(SLUG)
    col = MODEL_COLUMNS[model]
    terms = [t for t in LABELS if ("Table 2", LABELS[t], col) in pub.index]
    est = pd.Series({t: float(pub.loc[("Table 2", LABELS[t], col), "estimate"]) for t in terms})
    se = pd.Series({t: float(pub.loc[("Table 2", LABELS[t], col), "se"]) for t in terms})
    cov = pd.DataFrame(np.diag(se ** 2), index=terms, columns=terms)  # covariances unknown: set to 0
    fake = SimpleNamespace(params=est, pvalues=pd.Series(2 * stats.norm.sf(np.abs(est / se)), index=terms),
                           cov_params=lambda: cov)
    return hypothesis_verdicts(fake)


# ---------------------------------------------------------------------------------------------------------
# Scorecard
# ---------------------------------------------------------------------------------------------------------
def record_recovery(card, results: dict, p) -> None:
    """Synthetic mode: headline coefficients of the generator's own model against its true values (2 SE).

    Only the model the data were generated from is scored: Models 1-2 fitted to Model 3 data estimate
    other quantities (omitted interactions), so their distance from the truth is not a method check."""
    truth = zs.true_coefficients(p.truth_model)
    model = p.truth_model if p.truth_model in results else None
    if model is None:
        return
    r = results[model]
    for t in ["sanction", *HEADLINE]:
        if t in r.params.index:
            card.record("Table 2", LABELS[t], MODEL_COLUMNS[model], r.params[t], "recovery", truth=truth.get(t, 0.0),
                        se=r.bse[t], k=2, note="method check on synthetic data (true value = generator's)")


def record_sign_sig(card, results: dict, table: str, note: str) -> None:
    """Real-trade extension: same sign and same significance (p<0.05) as the paper's coefficient."""
    for m, r in results.items():
        col = MODEL_COLUMNS[m]
        for t in HEADLINE:
            if t not in r.params.index or (table, LABELS[t], col) not in card.published.index:
                continue
            card.record(table, LABELS[t], col, r.params[t], "sign_sig", significant=bool(r.pvalues[t] < 0.05),
                        note=note)


TABLE1_REAL_COVARIATES = ["Exporter US proximity", "Dyadic proximity", "Exporter log GDP", "Importer log GDP",
                          "Exporter liberal democracy", "Importer liberal democracy", "Distance (log)"]
TABLE1_SHARES = ["Exporter MECR: Yes (%)", "Importer MECR: Yes (%)", "Importer US sanction: Yes (%)"]


def outcome_kind(panel: pd.DataFrame) -> str:
    """"real" when the outcome comes from the user's CDU file, else "synthetic" (the scorecard's data source)."""
    return panel.attrs.get("outcome", "synthetic")


def record_scorecard(card, p, panel: pd.DataFrame, results: dict | None = None, cow: dict | None = None) -> None:
    """Every scorecard row of the chapter.

    Table 2: on a generated outcome, recovery of the generator's truth (a method check, ``record_recovery``);
    on the user's real CDU outcome, same sign and significance as the paper (``record_sign_sig``) for every
    fitted model, and N within 5 %. Table 1: group means of the real columns within ±0.02 (0-1 variables) or
    ±0.10 (logs), shares within 2 points; the outcome, export-control and integration rows only when real.
    The real-trade extension (COW): sign and significance."""
    results = results if results is not None else table2_results(p, panel)
    real_outcome = outcome_kind(panel) == "real"
    if real_outcome:
        record_sign_sig(card, results, "Table 2", "real CDU outcome (user's file)")
        for m, r in results.items():
            card.record("Table 2", "Observations", MODEL_COLUMNS[m], r.nobs, "tolerance", rel=0.05,
                        note="real CDU outcome (user's file)")
    else:
        record_recovery(card, results, p)
        for m in ("M1", "M2", "M3"):
            card.unavailable("Table 2", "Log Likelihood", MODEL_COLUMNS[m],
                             "depends on the CDU outcome, which is not public offline")
    t1 = table1(panel)
    rows = list(TABLE1_REAL_COVARIATES)
    if real_outcome:
        rows += ["log CDU export", "Exporter integration", "Importer integration"]
    if panel.attrs.get("export_controls") == "real":
        rows.append("US export controls")
    for name in rows:
        for grp in ["Non-ally", "Ally"]:
            tol = 0.10 if "GDP" in name or "Distance" in name or "log CDU" in name else 0.02
            card.record("Table 1", name, grp, t1.loc[name, grp], "tolerance", abs=tol,
                        note="real" + ("" if real_outcome else "; sample of trading dyads synthetic"))
    for name in TABLE1_SHARES:
        for grp in ["Non-ally", "Ally"]:
            card.record("Table 1", name, grp, t1.loc[name, grp], "tolerance", abs=2.0, note="real, percent")
    cow = cow if cow is not None else cow_results(p, cow_panel(p))
    record_sign_sig(card, cow, "Table 2 (extension: COW total trade)", "extension on real total trade")


# ---------------------------------------------------------------------------------------------------------
# Extension: total directed trade from COW, closeness on the real COW network
# ---------------------------------------------------------------------------------------------------------
COW_LAST_YEAR = 2014


def cow_panel(p) -> pd.DataFrame:
    """Real-data panel: covariates + Δ log(1 + COW exports, million current USD) + real-network closeness.

    US export controls has no public source offline and is left out of these models.
    """
    y1 = min(p.year_end, COW_LAST_YEAR)
    cov = _covariates(p.prox_normalisation, p.ally_coding, tuple(p.sanction_exclude_types), p.year_start, y1)
    trade = zd.cow_trade((p.year_start - 1, y1))
    edges = trade.rename(columns={"trade": "flow"})
    exp_int = integration(edges, "out", transform=p.edge_transform).rename(columns={"node": "exporter", "closeness": "exp_int"})
    imp_int = integration(edges, "in", transform=p.edge_transform).rename(columns={"node": "importer", "closeness": "imp_int"})
    d = cov.merge(trade, on=["exporter", "importer", "year"])
    d = d.merge(exp_int, on=["exporter", "year"], how="left").merge(imp_int, on=["importer", "year"], how="left")
    d = d.fillna({"exp_int": 0.0, "imp_int": 0.0}).sort_values(["exporter", "importer", "year"]).reset_index(drop=True)
    d["log_trade"] = np.log1p(d.trade)
    d["dyad"] = pd.factorize(d.exporter.astype(np.int64) * 1000 + d.importer)[0]
    same = (d.dyad.shift(1) == d.dyad) & (d.year.shift(1) == d.year - 1)
    d["d_log_trade"] = np.where(same, d.log_trade - d.log_trade.shift(1), np.nan)
    d["lag_log_trade"] = np.where(same, d.log_trade.shift(1), np.nan)
    d["in_diff_sample"] = same & (d.year >= p.year_start)
    d["export_controls"] = 0.0  # placeholder column so the design builder works; dropped from the models
    if p.quick:
        keep = np.random.default_rng(p.seed).random(d.dyad.max() + 1) < QUICK_DYAD_SHARE
        d = d[keep[d.dyad.to_numpy()]].reset_index(drop=True)
    return d


def fit_cow(d: pd.DataFrame, p) -> dict:
    return fit_models(d, p, dv="d_log_trade", drop=["export_controls"])


# ---------------------------------------------------------------------------------------------------------
# Robustness named in the paper (fn. 22-23): levels, lagged DV, OLS with dyad-clustered SEs
# ---------------------------------------------------------------------------------------------------------
def robustness(panel: pd.DataFrame, p, model: str = "M2", dyad_share: float = 1.0) -> pd.DataFrame:
    """Headline coefficients of one model under the paper's robustness specifications (on a random
    ``dyad_share`` of dyads, to bound build time)."""
    import pyfixest as pf

    if not 0 < dyad_share <= 1:
        raise ValueError(f"dyad_share must be in (0, 1], got {dyad_share}.")
    keep = np.random.default_rng(p.seed + 1).random(panel.dyad.max() + 1) < dyad_share
    d = panel[keep[panel.dyad.to_numpy()]].copy()
    d = d.sort_values(["dyad", "year"])
    same = (d.dyad.shift(1) == d.dyad) & (d.year.shift(1) == d.year - 1)
    d["lag_log_cdu"] = np.where(same, d.log_cdu.shift(1), np.nan)
    q = SimpleNamespace(**{**vars(p), "models": [model]})
    specs = {"GLS-ARMA, Δ log CDU (paper)": fit_models(d, q)[model],
             "GLS-ARMA, log CDU level": fit_models(d, q, dv="log_cdu", sample="in_diff_sample")[model],
             "GLS-ARMA, Δ log CDU + lagged level": fit_models(d, q, extra=["lag_log_cdu"])[model]}
    frame, xs = _regression_frame(d[d.in_diff_sample], model, "d_log_cdu")
    frame.columns = [c.replace(":", "_X_") for c in frame.columns]
    rhs = " + ".join(c.replace(":", "_X_") for c in xs if not c.startswith("year"))
    ols = pf.feols(f"d_log_cdu ~ {rhs} | year", data=frame, vcov={"CRV1": "dyad"})
    co, se, pv = ols.coef(), ols.se(), ols.pvalue()
    rename = {c.replace(":", "_X_"): c for c in xs}
    specs["OLS + year FE, dyad-clustered SEs"] = SimpleNamespace(params=co.rename(index=rename),
                                                                  bse=se.rename(index=rename),
                                                                  pvalues=pv.rename(index=rename))
    rows = []
    for name, r in specs.items():
        row = {"specification": name}
        for t in HEADLINE:
            if t in r.params.index:
                row[LABELS[t]] = f"{r.params[t]:.3f}{_stars(r.pvalues[t])} ({r.bse[t]:.3f})"
        rows.append(row)
    return pd.DataFrame(rows).set_index("specification").T


# ---------------------------------------------------------------------------------------------------------
# Disk cache of fitted models shared by the chapter's notebooks (keyed by parameters and source code)
# ---------------------------------------------------------------------------------------------------------
_CODE_FILES = ("chapters/zeng_peterson.py", "synth/zeng_peterson.py", "data/zeng_peterson.py", "methods/gls_arma.py",
               "methods/networks.py")


_PANEL_KEYS = ("seed", "truth_model", "dv_mode", "prox_normalisation", "ally_coding", "sanction_exclude_types",
               "year_start", "year_end")


def cached(kind: str, p, compute, keys=None, files: UserFiles | None = None):
    """``compute()`` once per (kind, parameters, code); later notebooks load the stored value. With user
    files, their paths, sha256 and the network edge transform are part of the key."""
    keys = [k for k in (keys or BASELINE) if k not in FILE_PARAMETERS]  # the resolved files count, not the text
    inputs = {"kind": kind, **{k: getattr(p, k) for k in sorted(keys) if hasattr(p, k)}}
    if files is not None and files.signature():
        inputs["user_files"] = files.signature()
        if files.outcome_real:
            inputs["edge_transform"] = getattr(p, "edge_transform", BASELINE["edge_transform"])
    return disk_cached(SLUG, inputs, compute, code=_CODE_FILES)


_FIT_KEYS = _PANEL_KEYS + ("quick", "arma_p", "arma_q", "reml", "correlation_index", "models")


def table2_results(p, panel=None) -> dict:
    return cached("table2", p, lambda: fit_models(panel if panel is not None else analysis_panel(p), p),
                  keys=_FIT_KEYS, files=user_files(p))


def cow_results(p, d=None) -> dict:
    return cached("cow", p, lambda: fit_cow(d if d is not None else cow_panel(p), p),
                  keys=_FIT_KEYS + ("edge_transform",))
