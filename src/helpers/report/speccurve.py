"""Specification curves: one estimate across a sweep's runs, sorted, with the choices that made each run.

    fig = specification_curve(result.table, "slug.t2.x.coef", "slug.t2.x.ci_low", "slug.t2.x.ci_high",
                              choices=["lag", "data_source"], baseline={"lag": 1})
    summary = curve_summary(result.table, "slug.t2.x.coef", "slug.t2.x.ci_low", "slug.t2.x.ci_high",
                            baseline={"lag": 1})

Top panel: the estimate (dot) and its interval (bar) for every successful run, sorted by the estimate; the
baseline specification in the book's second colour. Bottom panel: one row per choice value, a mark under
each run that used it (Simonsohn, Simmons & Nelson's layout).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.report.figures import PALETTE


def _usable(table: pd.DataFrame, estimate: str) -> pd.DataFrame:
    if estimate not in table.columns:
        raise KeyError(f"the sweep results have no column {estimate!r}; glued scalars available: "
                       f"{', '.join(c for c in table.columns if '.' in c) or 'none'}")
    ok = table if "status" not in table.columns else table[table["status"] == "ok"]
    ok = ok[pd.to_numeric(ok[estimate], errors="coerce").notna()]
    return ok.sort_values(estimate, kind="mergesort").reset_index(drop=True)


def _is_baseline(table: pd.DataFrame, baseline: dict[str, Any] | None) -> np.ndarray:
    if not baseline:
        return np.zeros(len(table), dtype=bool)
    mask = np.ones(len(table), dtype=bool)
    for name, value in baseline.items():
        mask &= table[name].map(lambda v: v == value).to_numpy(dtype=bool)
    return mask


def _label(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def specification_curve(table: pd.DataFrame, estimate: str, ci_low: str | None = None,
                        ci_high: str | None = None, choices: list[str] | None = None,
                        baseline: dict[str, Any] | None = None, reference: float | None = 0.0,
                        ylabel: str | None = None, title: str | None = None, labels: dict[str, str] | None = None):
    """The specification-curve figure (a matplotlib Figure) for `estimate` across the runs of `table`."""
    runs = _usable(table, estimate)
    if runs.empty:
        raise ValueError(f"no successful run has a value for {estimate!r}")
    choices = [c for c in (choices or []) if c in runs.columns and runs[c].nunique(dropna=False) > 1]
    labels = labels or {}
    rows = [(c, v) for c in choices for v in sorted(runs[c].dropna().unique(), key=lambda x: (str(type(x)), x))]
    x = np.arange(len(runs))
    y = runs[estimate].astype(float).to_numpy()
    base = _is_baseline(runs, baseline)

    height_ratios = [3.0, max(1.0, 0.28 * len(rows))] if rows else [1.0]
    fig, axes = plt.subplots(len(height_ratios), 1, sharex=True, squeeze=False,
                             figsize=(7, 3.2 + 0.28 * len(rows)), gridspec_kw={"height_ratios": height_ratios})
    top = axes[0, 0]
    colours = np.where(base, PALETTE[1], PALETTE[0])
    if ci_low and ci_high and {ci_low, ci_high} <= set(runs.columns):
        lo = runs[ci_low].astype(float).to_numpy()
        hi = runs[ci_high].astype(float).to_numpy()
        for xi, l, h, c in zip(x, lo, hi, colours):
            top.plot([xi, xi], [l, h], color=c, alpha=0.55, lw=1.6)
    top.scatter(x, y, c=colours, s=22, zorder=3)
    if reference is not None:
        top.axhline(reference, color="0.35", lw=0.9, ls="--", zorder=1)
    if base.any():
        top.scatter([], [], c=PALETTE[1], s=22, label="baseline specification")
        top.legend(loc="upper left", frameon=False, fontsize=8)
    top.set_ylabel(ylabel or estimate)
    if title:
        top.set_title(title)
    n_dropped = len(table) - len(runs)
    if n_dropped:
        top.annotate(f"{n_dropped} run(s) failed or had no estimate", xy=(1, 0), xycoords="axes fraction",
                     ha="right", va="bottom", fontsize=7, color="0.4")

    if rows:
        bottom = axes[1, 0]
        for i, (choice, value) in enumerate(rows):
            used = runs[choice].map(lambda v: v == value).to_numpy(dtype=bool)
            bottom.scatter(x[used], np.full(used.sum(), i), marker="|", s=90, lw=2,
                           c=np.where(base[used], PALETTE[1], "0.25"))
        bottom.set_yticks(range(len(rows)))
        bottom.set_yticklabels([f"{labels.get(c, c)} = {_label(v)}" for c, v in rows], fontsize=8)
        bottom.set_ylim(len(rows) - 0.5, -0.5)
        bottom.grid(axis="x", visible=False)
        bottom.set_xlabel("specifications, sorted by the estimate")
    else:
        top.set_xlabel("specifications, sorted by the estimate")
    axes[-1, 0].set_xlim(-0.7, len(runs) - 0.3)
    axes[-1, 0].set_xticks([])
    fig.align_ylabels()
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class CurveSummary:
    """What survives across the specifications."""

    n_runs: int
    n_ok: int
    baseline: float | None
    low: float
    median: float
    high: float
    share_same_sign: float          # share of runs whose estimate has the baseline's (or the median's) sign
    share_excluding_reference: float | None  # share whose interval excludes `reference`

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def curve_summary(table: pd.DataFrame, estimate: str, ci_low: str | None = None, ci_high: str | None = None,
                  baseline: dict[str, Any] | None = None, reference: float = 0.0) -> CurveSummary:
    runs = _usable(table, estimate)
    if runs.empty:
        raise ValueError(f"no successful run has a value for {estimate!r}")
    y = runs[estimate].astype(float).to_numpy()
    base = _is_baseline(runs, baseline)
    base_value = float(y[base][0]) if base.any() else None
    sign = np.sign((base_value if base_value is not None else np.median(y)) - reference)
    excluding = None
    if ci_low and ci_high and {ci_low, ci_high} <= set(runs.columns):
        lo, hi = runs[ci_low].astype(float).to_numpy(), runs[ci_high].astype(float).to_numpy()
        excluding = float(np.mean((lo > reference) | (hi < reference)))
    return CurveSummary(n_runs=len(table), n_ok=len(runs), baseline=base_value, low=float(y.min()),
                        median=float(np.median(y)), high=float(y.max()),
                        share_same_sign=float(np.mean(np.sign(y - reference) == sign)),
                        share_excluding_reference=excluding)
