"""Specification curves: one estimate across a sweep's runs, sorted, with the choices that made each run.

    fig = specification_curve(result.table, "slug.t2.x.coef", "slug.t2.x.ci_low", "slug.t2.x.ci_high",
                              choices=["lag", "data_source"], baseline={"lag": 1})
    summary = curve_summary(result.table, "slug.t2.x.coef", "slug.t2.x.ci_low", "slug.t2.x.ci_high",
                            baseline={"lag": 1})

Top panel: the estimate (dot) and its interval (bar) for every successful run, sorted by the estimate; the
baseline specification in the book's second colour; the paper's own value, where it has one, as a dotted line
with its printed interval (if any) as a bar right of the runs. Bottom panel: one row per choice value, a mark
under each run that used it (Simonsohn, Simmons & Nelson's layout).

The paper's value is read from `data/published/<slug>.csv`, never typed: `paper_values(slug, {"table": "Table 9",
"row": "Sanc", "column": "Electronics"})` (a grid's `[speccurve] paper`; a list marks several cells, `label` names
each) gives `PaperValue`s with the printed estimate and its 95% interval (the printed bounds, else ±1.96 SE).
"""
from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.report.claims import load_published
from helpers.report.figures import PALETTE, WIDTH


Key = str | list[str] | tuple[str, ...] | None
Z_95 = 1.959963984540054  # two-sided 95% normal interval, for runs that glue an SE instead of bounds
PAPER_KEYS = {"table", "row", "column", "label", "slug"}


@dataclass(frozen=True)
class PaperValue:
    """The paper's own value of the plotted estimate and its 95% interval (None when the paper prints none)."""

    value: float
    label: str = "the paper"
    low: float | None = None
    high: float | None = None
    source: str = ""            # where it was read: "data/published/<slug>.csv: table / row / column"


def _number(text: Any) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def paper_values(slug: str | None, paper: Any) -> list[PaperValue]:
    """The paper's values a grid's `[speccurve] paper` names: a published cell `{table, row, column}` of
    `data/published/<slug>.csv` (optional `label`; `slug` to read another chapter's file), a list of such cells,
    a `PaperValue`, or a bare number (only for a value the published file does not hold). None: no mark."""
    if paper is None:
        return []
    if isinstance(paper, PaperValue):
        return [paper]
    if isinstance(paper, (int, float)) and not isinstance(paper, bool):
        return [PaperValue(float(paper))]
    if isinstance(paper, Mapping):
        unknown = set(paper) - PAPER_KEYS
        missing = {"table", "row", "column"} - set(paper)
        if unknown or missing:
            raise ValueError(f"[speccurve] paper = {dict(paper)!r}: name a published cell with table, row and column "
                             f"(optional label, slug){'; unknown ' + ', '.join(sorted(unknown)) if unknown else ''}"
                             f"{'; missing ' + ', '.join(sorted(missing)) if missing else ''}")
        return [_published_value(paper.get("slug") or slug, paper)]
    if isinstance(paper, (list, tuple)):
        return [v for item in paper for v in paper_values(slug, item)]
    raise TypeError(f"[speccurve] paper must be a published cell {{table, row, column}}, a list of them or a number, "
                    f"not {paper!r}")


def _published_value(slug: str | None, cell: Mapping) -> PaperValue:
    if not slug:
        raise ValueError(f"[speccurve] paper = {dict(cell)!r} names a published cell but no chapter: pass the slug")
    published = load_published(slug)
    where = (str(cell["table"]), str(cell["row"]), str(cell["column"]))
    source = f"data/published/{slug}.csv: {' / '.join(where)}"
    try:
        row = published.loc[where]
    except KeyError:
        near = published.loc[published.index.get_level_values("table") == where[0]].index
        near = [" / ".join(i) for i in near if where[1] in i or where[2] in i][:8]
        raise KeyError(f"no printed value {source}" + (f"; cells of that table: {'; '.join(near)}" if near else ""))
    value = _number(row["estimate"])
    if value is None:
        raise ValueError(f"{source} prints no number (estimate {row['estimate']!r})")
    low, high = _number(row["ci_low"]), _number(row["ci_high"])
    se = _number(row["se"])
    if (low is None or high is None) and se is not None:
        low, high = value - Z_95 * se, value + Z_95 * se
    label = cell.get("label") or f"the paper ({where[0]}, {where[2]})"
    return PaperValue(value, str(label), low, high, source)


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
    """Successful runs with an estimate, sorted, with columns _est, _lo, _hi (NaN when no interval: none named,
    or the run glued none)."""
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


def _signed(value: float) -> str:
    return f"{value:g}".replace("-", "\u2212")     # a typographic minus, as on the axis


def _label(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _row_label(choice: str, value: Any, labels: dict[str, str]) -> str:
    """A choice row's label: `labels["<choice> = <value>"]` if given, else `<labels[choice] or choice> = <value>`."""
    return labels.get(f"{choice} = {_label(value)}") or f"{labels.get(choice, choice)} = {_label(value)}"


def _has_interval_keys(ci_low: Key, ci_high: Key, se: Key) -> bool:
    return (ci_low is not None and ci_high is not None) or se is not None


def _without_interval(runs: pd.DataFrame) -> int:
    return int((~(np.isfinite(runs["_lo"].to_numpy(dtype=float)) & np.isfinite(runs["_hi"].to_numpy(dtype=float)))).sum())


def specification_curve(table: pd.DataFrame, estimate: Key, ci_low: Key = None, ci_high: Key = None,
                        choices: list[str] | None = None, se: Key = None,
                        baseline: dict[str, Any] | None = None, reference: float | None = 0.0,
                        ylabel: str | None = None, title: str | None = None, labels: dict[str, str] | None = None,
                        paper: Any = None, slug: str | None = None):
    """The specification-curve figure (a matplotlib Figure) for `estimate` across the runs of `table`.

    `labels` renames a choice (`{"fe_structure": "fixed effects"}`) or one of its values
    (`{"control_log_trade = True": "log(Trade) control"}`) in the rows under the curve.

    `paper`, the paper's own value of the estimate (see `paper_values`; a published cell needs `slug`), is drawn
    as a labelled dotted line, with its printed 95% interval as a bar right of the runs. Runs that named an
    interval but glued none are counted in a note under the curve."""
    runs = _usable(table, estimate, ci_low, ci_high, se)
    marks = paper_values(slug, paper)
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
                             figsize=(WIDTH, 3.4 + 0.3 * len(rows)), gridspec_kw={"height_ratios": height_ratios})
    top = axes[0, 0]
    colours = np.where(base, PALETTE[1], PALETTE[0])
    lo, hi = runs["_lo"].to_numpy(dtype=float), runs["_hi"].to_numpy(dtype=float)
    for xi, l, h, c in zip(x, lo, hi, colours):
        if np.isfinite(l) and np.isfinite(h):
            top.plot([xi, xi], [l, h], color=c, alpha=0.55, lw=1.6)
    top.scatter(x, y, c=colours, s=22, zorder=3)
    if reference is not None:
        top.axhline(reference, color="0.35", lw=0.9, ls="--", zorder=1)
    right = len(runs) - 0.3
    for i, mark in enumerate(marks):
        colour = PALETTE[2 + i % (len(PALETTE) - 2)]
        top.axhline(mark.value, color=colour, lw=1.4, ls=":", zorder=2, label=f"{mark.label}: {_signed(mark.value)}")
        if mark.low is not None and mark.high is not None:
            xi = len(runs) + 0.1 + 0.55 * i
            top.plot([xi, xi], [mark.low, mark.high], color=colour, lw=2.2, solid_capstyle="butt", zorder=3)
            top.scatter([xi], [mark.value], marker="D", s=26, color=colour, zorder=4)
            right = xi + 0.5
    if base.any():
        top.scatter([], [], c=PALETTE[1], s=22, label="baseline specification")
    if base.any() or marks:
        top.legend(loc="best", frameon=True, framealpha=0.9, fontsize=9)
    top.set_ylabel(textwrap.fill(ylabel or (estimate if isinstance(estimate, str) else estimate[0]), 34),
                   fontsize=9)
    if title:
        top.set_title(title)
    notes = []
    n_dropped = len(table) - len(runs)
    if n_dropped:
        notes.append(f"{n_dropped} run(s) failed or had no estimate")
    if _has_interval_keys(ci_low, ci_high, se) and (missing := _without_interval(runs)):
        notes.append(f"{missing} of {len(runs)} runs glued no interval")
    if any(m.low is not None for m in marks):
        notes.append("right of the runs: the paper's value with its 95% interval")
    xlabel = "\n".join(["specifications, sorted by the estimate", *(textwrap.fill(n, 60) for n in notes)])

    if rows:
        bottom = axes[1, 0]
        for i, (choice, value) in enumerate(rows):
            used = runs[choice].map(lambda v: v == value).to_numpy(dtype=bool)
            bottom.scatter(x[used], np.full(used.sum(), i), marker="|", s=90, lw=2,
                           c=np.where(base[used], PALETTE[1], "0.25"))
        bottom.set_yticks(range(len(rows)))
        bottom.set_yticklabels([_row_label(c, v, labels) for c, v in rows], fontsize=9)
        bottom.set_ylim(len(rows) - 0.5, -0.5)
        bottom.grid(axis="x", visible=False)
        bottom.set_xlabel(xlabel)
    else:
        top.set_xlabel(xlabel)
    axes[-1, 0].set_xlim(-0.7, right)
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
    share_excluding_reference: float | None  # share whose interval excludes `reference` (None: not every run has one)
    n_without_interval: int = 0     # successful runs that named an interval but glued none

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
                        share_excluding_reference=excluding,
                        n_without_interval=_without_interval(runs) if _has_interval_keys(ci_low, ci_high, se) else 0)


def paper_coverage(table: pd.DataFrame, estimate: Key, paper: PaperValue, ci_low: Key = None, ci_high: Key = None,
                   se: Key = None) -> dict[str, float | None]:
    """Where the paper's value sits on the curve: the share of runs whose estimate lies below it, the share whose
    interval covers it (None when not every run has an interval) and the distance from the median run."""
    runs = _usable(table, estimate, ci_low, ci_high, se)
    y = runs["_est"].to_numpy(dtype=float)
    lo, hi = runs["_lo"].to_numpy(dtype=float), runs["_hi"].to_numpy(dtype=float)
    covered = None
    if len(runs) and np.isfinite(lo).all() and np.isfinite(hi).all():
        covered = float(np.mean((lo <= paper.value) & (paper.value <= hi)))
    return {"value": paper.value, "share_below": float(np.mean(y < paper.value)) if len(y) else None,
            "share_covering": covered, "median_minus_paper": float(np.median(y)) - paper.value if len(y) else None}


def curve_table(table: pd.DataFrame, estimate: Key, ci_low: Key = None, ci_high: Key = None, se: Key = None,
                choices: list[str] | None = None, digits: int = 3) -> pd.DataFrame:
    """The runs behind the curve, sorted by the estimate: choices, estimate, interval, status."""
    runs = _usable(table, estimate, ci_low, ci_high, se)
    cols = [c for c in (choices or []) if c in runs.columns]
    out = runs[cols].copy()
    out["estimate"] = runs["_est"]
    if _has_interval_keys(ci_low, ci_high, se):     # no empty interval columns when the grid names no interval
        out["ci_low"], out["ci_high"] = runs["_lo"], runs["_hi"]
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
