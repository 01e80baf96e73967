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

import textwrap
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.report.figures import PALETTE


Key = str | list[str] | tuple[str, ...] | None
Z_95 = 1.959963984540054  # two-sided 95% normal interval, for runs that glue an SE instead of bounds


def _column(table: pd.DataFrame, key: Key) -> pd.Series | None:
    """A glued quantity as numbers; a list of keys is coalesced (e.g. Table 2 in some runs, Table 3 in others)."""
    if key is None:
        return None
    keys = [key] if isinstance(key, str) else list(key)
    present = [k for k in keys if k in table.columns]
    if not present:
        raise KeyError(f"the sweep results have no column {' or '.join(map(repr, keys))}; glued scalars "
                       f"available: {', '.join(c for c in table.columns if '.' in c) or 'none'}")
    out = pd.Series(np.nan, index=table.index)
    for k in present:
        out = out.fillna(pd.to_numeric(table[k], errors="coerce"))
    return out


def _usable(table: pd.DataFrame, estimate: Key, ci_low: Key = None, ci_high: Key = None,
            se: Key = None) -> pd.DataFrame:
    """Successful runs with an estimate, sorted, with columns _est, _lo, _hi (NaN when no interval)."""
    runs = table.copy()
    runs["_est"] = _column(runs, estimate)
    if ci_low is not None and ci_high is not None:
        runs["_lo"], runs["_hi"] = _column(runs, ci_low), _column(runs, ci_high)
    elif se is not None:
        half = Z_95 * _column(runs, se)
        runs["_lo"], runs["_hi"] = runs["_est"] - half, runs["_est"] + half
    else:
        runs["_lo"] = runs["_hi"] = np.nan
    if "status" in runs.columns:
        runs = runs[runs["status"] == "ok"]
    runs = runs[runs["_est"].notna()]
    return runs.sort_values("_est", kind="mergesort").reset_index(drop=True)


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


def specification_curve(table: pd.DataFrame, estimate: Key, ci_low: Key = None, ci_high: Key = None,
                        choices: list[str] | None = None, se: Key = None,
                        baseline: dict[str, Any] | None = None, reference: float | None = 0.0,
                        ylabel: str | None = None, title: str | None = None, labels: dict[str, str] | None = None,
                        paper: float | None = None):
    """The specification-curve figure (a matplotlib Figure) for `estimate` across the runs of `table`; `paper`
    (the paper's own value of the estimate) is drawn as a labelled line."""
    runs = _usable(table, estimate, ci_low, ci_high, se)
    if runs.empty:
        raise ValueError(f"no successful run has a value for {estimate!r}")
    choices = [c for c in (choices or []) if c in runs.columns and runs[c].nunique(dropna=False) > 1]
    labels = labels or {}
    rows = [(c, v) for c in choices for v in sorted(runs[c].dropna().unique(), key=lambda x: (str(type(x)), x))]
    x = np.arange(len(runs))
    y = runs["_est"].to_numpy(dtype=float)
    base = _is_baseline(runs, baseline)

    height_ratios = [3.0, max(1.0, 0.28 * len(rows))] if rows else [1.0]
    fig, axes = plt.subplots(len(height_ratios), 1, sharex=True, squeeze=False,
                             figsize=(7, 3.2 + 0.28 * len(rows)), gridspec_kw={"height_ratios": height_ratios})
    top = axes[0, 0]
    colours = np.where(base, PALETTE[1], PALETTE[0])
    lo, hi = runs["_lo"].to_numpy(dtype=float), runs["_hi"].to_numpy(dtype=float)
    for xi, l, h, c in zip(x, lo, hi, colours):
        if np.isfinite(l) and np.isfinite(h):
            top.plot([xi, xi], [l, h], color=c, alpha=0.55, lw=1.6)
    top.scatter(x, y, c=colours, s=22, zorder=3)
    if reference is not None:
        top.axhline(reference, color="0.35", lw=0.9, ls="--", zorder=1)
    if paper is not None:
        top.axhline(paper, color=PALETTE[2], lw=1.4, ls=":", zorder=2, label=f"the paper: {paper:g}")
    if base.any():
        top.scatter([], [], c=PALETTE[1], s=22, label="baseline specification")
    if base.any() or paper is not None:
        top.legend(loc="best", frameon=True, framealpha=0.9, fontsize=9)
    top.set_ylabel(textwrap.fill(ylabel or (estimate if isinstance(estimate, str) else estimate[0]), 34),
                   fontsize=9)
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

    def verdict(self) -> str:
        """One clause on what survives, for the page's reading."""
        if self.share_same_sign < 1:
            return (f"changes sign in {round(100 * (1 - self.share_same_sign))}% of the specifications")
        if self.share_excluding_reference is None:
            return "keeps its sign in every specification"
        if self.share_excluding_reference == 1:
            return "keeps its sign in every specification, and its 95% interval excludes zero in every one"
        return (f"keeps its sign in every specification, but its 95% interval includes zero in "
                f"{round(100 * (1 - self.share_excluding_reference))}% of them")


def curve_summary(table: pd.DataFrame, estimate: Key, ci_low: Key = None, ci_high: Key = None,
                  baseline: dict[str, Any] | None = None, reference: float = 0.0, se: Key = None) -> CurveSummary:
    runs = _usable(table, estimate, ci_low, ci_high, se)
    if runs.empty:
        raise ValueError(f"no successful run has a value for {estimate!r}")
    y = runs["_est"].to_numpy(dtype=float)
    base = _is_baseline(runs, baseline)
    base_value = float(y[base][0]) if base.any() else None
    sign = np.sign((base_value if base_value is not None else np.median(y)) - reference)
    excluding = None
    lo, hi = runs["_lo"].to_numpy(dtype=float), runs["_hi"].to_numpy(dtype=float)
    if np.isfinite(lo).all() and np.isfinite(hi).all():
        excluding = float(np.mean((lo > reference) | (hi < reference)))
    return CurveSummary(n_runs=len(table), n_ok=len(runs), baseline=base_value, low=float(y.min()),
                        median=float(np.median(y)), high=float(y.max()),
                        share_same_sign=float(np.mean(np.sign(y - reference) == sign)),
                        share_excluding_reference=excluding)


def curve_table(table: pd.DataFrame, estimate: Key, ci_low: Key = None, ci_high: Key = None, se: Key = None,
                choices: list[str] | None = None, digits: int = 3) -> pd.DataFrame:
    """The runs behind the curve, sorted by the estimate: choices, estimate, interval, status."""
    runs = _usable(table, estimate, ci_low, ci_high, se)
    cols = [c for c in (choices or []) if c in runs.columns]
    out = runs[cols].copy()
    out["estimate"], out["ci_low"], out["ci_high"] = runs["_est"], runs["_lo"], runs["_hi"]
    if "wall_time_s" in runs.columns:
        out["run time (s)"] = runs["wall_time_s"]
    return out.round(digits)


def choice_effects(table: pd.DataFrame, estimate: Key, choices: list[str]) -> pd.DataFrame:
    """For each choice and value: runs, median/min/max of the estimate; `spread` = range of the medians."""
    runs = _usable(table, estimate)
    rows = []
    for choice in choices:
        if choice not in runs.columns:
            continue
        medians = runs.groupby(choice, dropna=False)["_est"].median()
        for value, group in runs.groupby(choice, dropna=False)["_est"]:
            rows.append({"choice": choice, "value": value, "runs": len(group), "median": group.median(),
                         "min": group.min(), "max": group.max(), "spread": medians.max() - medians.min()})
    return pd.DataFrame(rows, columns=["choice", "value", "runs", "median", "min", "max", "spread"])
