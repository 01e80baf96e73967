"""Scorecard: each replicated number against the paper's published one, with a rule and a verdict.

Published numbers live in `data/published/<slug>.csv` (table,row,column,estimate,se,ci_low,ci_high,stars,note),
transcribed from the papers; they are only ever compared against, never shown as results.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from helpers import paths

SLUGS = ("zeng_peterson", "dorff_minhas", "phillips_ahmad", "funke_wende", "hausmann_schetter_yildirim")
TITLES = {"zeng_peterson": "Zeng & Peterson", "dorff_minhas": "Dorff & Minhas", "phillips_ahmad": "Phillips & Ahmad",
          "funke_wende": "Funke & Wende", "hausmann_schetter_yildirim": "Hausmann, Schetter & Yildirim"}
VERDICTS = ("matched", "close", "differs", "not reproducible offline")
RULES = ("exact", "tolerance", "ci", "sign_sig", "qualitative", "band", "recovery")
COLUMNS = ["chapter", "table", "row", "column", "published", "replicated", "rule", "verdict", "data_source", "note"]
PUBLISHED_COLUMNS = ["table", "row", "column", "estimate", "se", "ci_low", "ci_high", "stars", "note"]


def load_published(slug: str, folder: Path | None = None) -> pd.DataFrame:
    """The paper's reported numbers as text (so printed precision is kept), indexed by (table, row, column)."""
    path = (folder or paths.PUBLISHED) / f"{slug}.csv"
    if not path.exists():
        raise FileNotFoundError(f"No published numbers for chapter '{slug}': expected {path}.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(PUBLISHED_COLUMNS) - set(frame.columns)
    if missing:
        raise ValueError(f"{path.name} lacks columns {sorted(missing)}; expected {PUBLISHED_COLUMNS}.")
    duplicated = frame.duplicated(["table", "row", "column"])
    if duplicated.any():
        raise ValueError(f"{path.name} repeats (table, row, column): {frame.loc[duplicated, ['table', 'row', 'column']].values.tolist()}")
    return frame.set_index(["table", "row", "column"])


def decimals_of(text: str) -> int:
    """Printed decimals of a number as written ("0.510" → 3, "-12" → 0)."""
    exponent = Decimal(text.strip()).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _num(text: str) -> float:
    return float(text) if str(text).strip() not in ("", "NA", "nan") else math.nan


def judge(rule: str, replicated, row: pd.Series | None = None, **args) -> tuple[str, str]:
    """Verdict and a short explanation for one number under one rule; `row` is the published row
    (or pass `published=` a value for numbers the paper states only in its text)."""
    published = row
    pub = _num(published["estimate"]) if published is not None else float(args.get("published", math.nan))
    if rule == "exact":
        d = args.get("decimals", decimals_of(published["estimate"]) if published is not None else 3)
        gap = abs(round(float(replicated), d) - round(pub, d))
        unit = 10.0 ** -d
        if gap < unit / 2:
            return "matched", f"equal to {d} decimals"
        return ("close" if gap <= unit * 1.01 else "differs"), f"off by {gap:.{d}f} at {d} decimals"
    if rule == "tolerance":
        gap = abs(float(replicated) - pub)
        limit = args["abs"] if "abs" in args else args["rel"] * abs(pub)
        what = f"abs {args['abs']}" if "abs" in args else f"rel {args['rel']:.0%}"
        if gap <= limit:
            return "matched", f"within {what}"
        return ("close" if gap <= 2 * limit else "differs"), f"gap {gap:.4g} > {what}"
    if rule == "ci":
        lo, hi = _num(published["ci_low"]), _num(published["ci_high"])
        inside = lo <= float(replicated) <= hi
        return ("matched" if inside else "differs"), f"published CI [{lo:g}, {hi:g}]"
    if rule == "sign_sig":
        pub_sig = bool(str(published["stars"]).strip()) if published is not None else args["published_significant"]
        same_sign = math.copysign(1, float(replicated)) == math.copysign(1, pub)
        same_sig = bool(args["significant"]) == pub_sig
        verdict = "matched" if same_sign and same_sig else "close" if same_sign else "differs"
        return verdict, f"sign {'same' if same_sign else 'flipped'}, significance {'same' if same_sig else 'differs'}"
    if rule == "qualitative":
        return ("matched" if args["holds"] else "differs"), args.get("claim", "")
    if rule == "band":
        lo, hi = args["lo"], args["hi"]
        value = float(replicated)
        if lo <= value <= hi:
            return "matched", f"inside [{lo:g}, {hi:g}]"
        width = hi - lo
        slack = 0.25 * (width if math.isfinite(width) else abs(lo if math.isfinite(lo) else hi))   # one-sided bands
        return ("close" if lo - slack <= value <= hi + slack else "differs"), f"outside [{lo:g}, {hi:g}]"
    if rule == "recovery":
        truth, se, k = args.get("truth", pub), args["se"], args.get("k", 2)
        z = abs(float(replicated) - truth) / se if se > 0 else math.inf
        verdict = "matched" if z <= k else "close" if z <= 2 * k else "differs"
        return verdict, f"|estimate − truth| = {z:.2f} SE (k={k})"
    raise ValueError(f"Unknown scorecard rule {rule!r}; use one of {', '.join(RULES)}.")


@dataclass
class Scorecard:
    """A chapter's scorecard. `record` adds a compared number, `unavailable` a number we cannot reproduce."""

    slug: str
    data_source: str = "real"
    published: pd.DataFrame | None = None
    rows: list[dict] = field(default_factory=list)

    def __post_init__(self):
        if self.slug not in SLUGS:
            raise ValueError(f"Unknown chapter slug {self.slug!r}; use one of {', '.join(SLUGS)}.")
        if self.published is None:
            self.published = load_published(self.slug)

    def _published(self, table: str, row: str, column: str) -> pd.Series:
        try:
            return self.published.loc[(table, row, column)]
        except KeyError:
            raise KeyError(f"No published value for ({table!r}, {row!r}, {column!r}) in data/published/{self.slug}.csv") from None

    def record(self, table: str, row: str, column: str, replicated, rule: str, note: str = "", **args) -> str:
        """Compare `replicated` with the published (table, row, column) under `rule`; returns the verdict."""
        published = None if "published" in args else self._published(table, row, column)
        verdict, why = judge(rule, replicated, published, **args)   # published: the row, or None
        shown = published["estimate"] if published is not None else args["published"]
        self.rows.append(dict(chapter=self.slug, table=table, row=row, column=column, published=shown,
                              replicated=float(replicated), rule=rule, verdict=verdict,
                              data_source=self.data_source, note="; ".join(filter(None, [why, note]))))
        return verdict

    def unavailable(self, table: str, row: str, column: str, reason: str) -> None:
        published = self._published(table, row, column)
        self.rows.append(dict(chapter=self.slug, table=table, row=row, column=column, published=published["estimate"],
                              replicated=math.nan, rule="—", verdict="not reproducible offline",
                              data_source=self.data_source, note=reason))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=COLUMNS)

    def counts(self) -> dict[str, int]:
        counts = self.frame()["verdict"].value_counts()
        return {v: int(counts.get(v, 0)) for v in VERDICTS}

    def show(self):
        return style(self.frame())

    def save(self, folder: Path | None = None) -> Path:
        folder = Path(folder or paths.scorecard_dir())
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.slug}.csv"
        self.frame().to_csv(path, index=False)
        return path


_COLOURS = {"matched": "#d9f2d9", "close": "#fff3c4", "differs": "#f8d0d0", "not reproducible offline": "#e6e6e6"}


def style(frame: pd.DataFrame):
    """Scorecard rows coloured by verdict, compact, for notebooks and the book."""
    shown = frame.drop(columns=[c for c in ("chapter",) if frame.get(c) is not None and frame[c].nunique() == 1])
    return (shown.style.hide(axis="index")
            .format({"replicated": lambda v: "—" if pd.isna(v) else f"{v:.4g}"})
            .map(lambda v: f"background-color: {_COLOURS.get(v, '')}", subset=["verdict"])
            .set_properties(subset=["note"], **{"font-size": "0.8em", "min-width": "18em", "white-space": "normal"})
            .set_properties(**{"vertical-align": "top", "padding": "0.15em 0.5em"}))


class _Html:
    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html


def by_chapter(frame: pd.DataFrame) -> _Html:
    """Every row, one collapsible table per chapter with its verdict counts in the summary line."""
    parts = []
    for slug in [s for s in SLUGS if s in set(frame["chapter"])]:
        rows = frame[frame["chapter"] == slug].drop(columns=["chapter"])
        counts = rows["verdict"].value_counts()
        tally = ", ".join(f"{int(counts[v])} {v}" for v in VERDICTS if v in counts)
        parts.append(f"<details><summary><strong>{TITLES[slug]}</strong>: {len(rows)} rows ({tally})</summary>"
                     f"{style(rows).to_html()}</details>")
    return _Html("".join(parts))


def collect(folder: Path | None = None, slugs: tuple[str, ...] | None = None, require: bool = True) -> pd.DataFrame:
    """All chapter scorecards written during this build (by default of every chapter that has notebooks).
    Missing chapters raise when `require`."""
    folder = Path(folder or paths.scorecard_dir())
    slugs = expected_chapters() if slugs is None else slugs
    frames, missing = [], []
    for slug in slugs:
        path = folder / f"{slug}.csv"
        (frames.append(pd.read_csv(path, dtype={"published": str})) if path.exists() else missing.append(slug))
    if missing and require:
        raise FileNotFoundError(
            f"No scorecard from chapter(s) {', '.join(missing)} in {folder}. Chapter notebooks write them when "
            f"they execute; rebuild from clean with `make book-clean` if the execution cache is stale.")
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts of verdicts by chapter (rows) for the book's scorecard page."""
    if frame.empty:
        return pd.DataFrame(columns=[*VERDICTS, "rows", "data_source"])
    table = pd.crosstab(frame["chapter"], frame["verdict"]).reindex(columns=list(VERDICTS), fill_value=0)
    table["rows"] = table.sum(axis=1)
    sources = frame.groupby("chapter")["data_source"].agg(lambda s: ", ".join(sorted(set(s))))
    table = table.join(sources).reindex([s for s in SLUGS if s in table.index])
    return table.rename(index=TITLES).rename_axis("chapter")


def expected_chapters(root: Path | None = None) -> tuple[str, ...]:
    """Chapters that have notebooks (and so must have written a scorecard)."""
    root = Path(root or paths.ROOT)
    return tuple(s for s in SLUGS if any((root / "notebooks" / s).glob("[0-9]*.ipynb")))


def write_book_csv(frame: pd.DataFrame, path: Path | None = None) -> Path:
    """The book-level scorecard as `_build/scorecard.csv`."""
    path = Path(path or paths.BUILD / "scorecard.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path
