"""Claims, not cells: each chapter scores the paper's claims under rules fixed in its claims file.

Two files per chapter, both written before any result is computed:

- `data/published/<slug>.csv`: the printed numbers (cells), one row per (table, row, column), each with the
  `claim_id` it belongs to. A coefficient with its SE and stars is one cell; a number reported under two
  variants, or a table's N repeated in every column, is several cells of one claim.
- `data/published/<slug>_claims.csv`: one row per claim: `claim_id`, `claim` (the paper's statement in words),
  `headline` (yes/no: in the paper's main tables, figures or abstract), `evidence` (the classes this claim can be
  scored as, the book's default first, separated by " | "), `rule`, `tolerance` (`abs:0.02`, `rel:0.05` or
  empty), `reason` (why this rule and tolerance; required with a tolerance), `page` and `anchor` (the notebook and
  the table/figure label that computes it).

Code never passes a rule or a tolerance: it gives the value (and, where the rule needs them, whether our estimate
is significant, whether a statement holds, or the generator's truth and the estimate's SE). See `RULES`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from helpers import paths

SLUGS = ("zeng_peterson", "dorff_minhas", "phillips_ahmad", "funke_wende", "hausmann_schetter_yildirim")
TITLES = {"zeng_peterson": "Zeng & Peterson", "dorff_minhas": "Dorff & Minhas", "phillips_ahmad": "Phillips & Ahmad",
          "funke_wende": "Funke & Wende", "hausmann_schetter_yildirim": "Hausmann, Schetter & Yildirim"}

EVIDENCE = {
    "author data": "the authors' own analysis data reproduce the printed number",
    "rebuilt from sources": "analysis data we rebuilt from the raw public sources the paper used",
    "other real data": "the paper's method on other real data (another source, sample or period): scored on the "
                       "claim's direction, significance or ordering, not its digits",
    "model": "a structural model we re-implemented from the paper's equations and reported parameters",
    "model, generated inputs": "the re-implemented model where part of its inputs are generated",
    "method check": "a seeded generator whose truth we set: compares our estimate with the generator's truth; it "
                    "verifies our code and is never counted as a replication",
    "input": "a number the model or generator is built to hit (a calibration target): listed, never scored",
}
REPRODUCTIONS = ("author data", "rebuilt from sources", "model", "model, generated inputs")  # counted as reproductions
NOT_COUNTED = ("method check", "input")

RULES = {
    "exact": "equal at the paper's printed precision; otherwise within the claim's tolerance (by default one unit "
             "in the last printed digit) is 'reproduced within tolerance'",
    "at_least": "one-sided, at the paper's own threshold: our value is at least the printed number",
    "at_most": "one-sided, at the paper's own threshold: our value is at most the printed number",
    "sign_sig": "same sign, and significant (at the chapter's star level) exactly when the paper marks the number "
                "significant",
    "sign": "same sign",
    "within_ci": "inside the paper's printed confidence interval",
    "holds": "a statement (an ordering, a ranking, a direction) that holds or not in our results",
    "input": "a calibration target: listed, never scored",
}
DIRECTIONAL = ("sign_sig", "sign", "holds", "at_least", "at_most")     # the rules `other real data` may use
METHOD_CHECK_K = 2.0   # a method check passes when the estimate is within 2 SEs of the generator's truth (≈95 %)

CELL_VERDICTS = ("reproduced", "reproduced within tolerance", "not reproduced", "not testable offline",
                 "recovered", "not recovered", "input")
CLAIM_VERDICTS = ("reproduced", "reproduced within tolerance", "partly", "not reproduced", "not testable offline")
CELL_COLUMNS = ["chapter", "claim_id", "table", "row", "column", "published", "replicated", "evidence", "rule",
                "verdict", "page", "anchor", "note"]
CLAIMS_COLUMNS = ["claim_id", "claim", "headline", "evidence", "rule", "tolerance", "reason", "page", "anchor"]
PUBLISHED_COLUMNS = ["claim_id", "table", "row", "column", "estimate", "se", "ci_low", "ci_high", "stars", "note"]


class ClaimsFileError(ValueError):
    """A claims or published-numbers file breaks the format; the message names the file, the row and the fix."""


def _bad(path: Path, line: int, claim: str, what: str, fix: str) -> ClaimsFileError:
    return ClaimsFileError(f"{path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path}, line {line} "
                           f"(claim {claim!r}): {what}. Fix: {fix}")


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.exists():
        raise ClaimsFileError(f"{path} is missing. Fix: write it (columns {', '.join(columns)}).")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ClaimsFileError(f"{path} lacks the columns {', '.join(missing)}. Fix: add them (format in "
                              f"helpers.report.claims).")
    return frame


def parse_tolerance(text: str) -> tuple[str, float] | None:
    """"abs:0.02" -> ("abs", 0.02); "rel:0.05" -> ("rel", 0.05); "" -> None."""
    if not text.strip():
        return None
    kind, _, value = text.partition(":")
    if kind.strip() not in ("abs", "rel"):
        raise ValueError(text)
    return kind.strip(), float(value)


def _aligned(rules: list[str], classes: list[str], evidence: str) -> str:
    return rules[0] if len(rules) == 1 else rules[classes.index(evidence)]


def rule_for(claim: pd.Series, evidence: str) -> str:
    """The claim's rule for one evidence class: its `rule` is one rule for every class, or one per class in the
    order of `evidence` ("exact | sign_sig" beside "rebuilt from sources | other real data": the digits where we
    have the paper's data, the direction and significance on other data)."""
    rules = [r.strip() for r in claim["rule"].split("|")]
    return rules[0] if len(rules) == 1 else _aligned(rules, [e.strip() for e in claim["evidence"].split("|")], evidence)


def load_claims(slug: str, folder: Path | None = None) -> pd.DataFrame:
    """The chapter's claims, checked: every rule known, every evidence class known, ids unique, every tolerance
    with its reason, `other real data` only under directional rules."""
    path = (folder or paths.PUBLISHED) / f"{slug}_claims.csv"
    frame = _read(path, CLAIMS_COLUMNS)
    for i, row in frame.iterrows():
        line, cid = i + 2, row["claim_id"]
        if not cid.strip():
            raise _bad(path, line, cid, "empty claim_id", "give every claim an id")
        classes = [e.strip() for e in row["evidence"].split("|")]
        unknown = [e for e in classes if e not in EVIDENCE]
        if unknown:
            raise _bad(path, line, cid, f"unknown evidence class {unknown[0]!r}", f"use one of {', '.join(EVIDENCE)}")
        rules = [r.strip() for r in row["rule"].split("|")]
        bad_rule = [r for r in rules if r not in RULES]
        if bad_rule:
            raise _bad(path, line, cid, f"rule {bad_rule[0]!r} is missing or unknown", f"use one of {', '.join(RULES)}")
        if len(rules) > 1 and len(rules) != len(classes):
            raise _bad(path, line, cid, f"{len(rules)} rules for {len(classes)} evidence classes",
                       "give one rule, or one per evidence class in the same order")
        if "other real data" in classes and _aligned(rules, classes, "other real data") not in DIRECTIONAL:
            raise _bad(path, line, cid, "'other real data' scored on digits", f"use a rule of {', '.join(DIRECTIONAL)}")
        try:
            tolerance = parse_tolerance(row["tolerance"])
        except ValueError:
            raise _bad(path, line, cid, f"tolerance {row['tolerance']!r} unreadable", "write abs:<number> or rel:<number>")
        if tolerance and not row["reason"].strip():
            raise _bad(path, line, cid, "a tolerance without a reason", "say in `reason` why this tolerance, fixed "
                                                                          "before results")
        if row["headline"] not in ("yes", "no"):
            raise _bad(path, line, cid, f"headline {row['headline']!r}", "write yes or no")
    duplicated = frame["claim_id"].duplicated()
    if duplicated.any():
        i = int(duplicated.to_numpy().argmax())
        raise _bad(path, i + 2, frame["claim_id"].iloc[i], "duplicated claim_id", "give each claim its own id")
    return frame.set_index("claim_id")


def load_published(slug: str, folder: Path | None = None) -> pd.DataFrame:
    """The printed numbers as text (printed precision kept), indexed by (table, row, column), each with its claim."""
    path = (folder or paths.PUBLISHED) / f"{slug}.csv"
    frame = _read(path, PUBLISHED_COLUMNS)
    duplicated = frame.duplicated(["table", "row", "column"])
    if duplicated.any():
        i = int(duplicated.to_numpy().argmax())
        raise _bad(path, i + 2, frame["claim_id"].iloc[i], "repeats (table, row, column)", "keep one row per cell")
    claims = load_claims(slug, folder)
    orphan = ~frame["claim_id"].isin(claims.index)
    if orphan.any():
        i = int(orphan.to_numpy().argmax())
        raise _bad(path, i + 2, frame["claim_id"].iloc[i], "claim_id not in the claims file",
                   f"add it to {slug}_claims.csv or correct the id")
    return frame.set_index(["table", "row", "column"])


def decimals_of(text: str) -> int:
    """Printed decimals of a number as written ("0.510" → 3, "-12" → 0)."""
    exponent = Decimal(text.strip()).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _num(text) -> float:
    return float(text) if str(text).strip() not in ("", "NA", "nan") else math.nan


def judge(claim: pd.Series, cell: pd.Series, value: float, evidence: str, *, significant: bool | None = None,
          holds: bool | None = None, truth: float | None = None, se: float | None = None) -> tuple[str, str]:
    """(verdict, how it was judged) for one cell of one claim, under the claim's rule for `evidence`."""
    rule, printed = rule_for(claim, evidence), cell["estimate"]
    published = _num(printed)
    if rule == "input" or evidence == "input":
        return "input", "an input: a calibration target or true by construction, listed and never scored"
    if evidence == "method check":
        if truth is None or se is None:
            raise ValueError(f"claim {claim.name}: a method check needs the generator's truth and the estimate's SE")
        z = abs(float(value) - truth) / se if se > 0 else math.inf
        return ("recovered" if z <= METHOD_CHECK_K else "not recovered"), \
            f"|estimate − generator's truth {truth:.4g}| = {z:.2f} SE (≤ {METHOD_CHECK_K:g} passes)"
    if rule == "exact":
        d = decimals_of(printed)
        gap = abs(float(value) - published)
        if round(float(value), d) == round(published, d) or gap < 0.5 * 10.0 ** -d:
            return "reproduced", f"equal at {d} decimals"
        stated = parse_tolerance(claim["tolerance"])
        if stated is None:      # the shared rule: rounded to the printed decimals, one unit off at most
            within = abs(round(float(value), d) - published) <= 1.01 * 10.0 ** -d
            return ("reproduced within tolerance" if within else "not reproduced"), \
                f"off by {gap:.{d + 1}f} ({'within' if within else 'more than'} one unit of the last printed digit)"
        kind, limit = stated
        within = gap <= (limit if kind == "abs" else limit * abs(published)) + 1e-12
        return ("reproduced within tolerance" if within else "not reproduced"), \
            f"off by {gap:.{d + 1}f} ({'≤' if within else '>'} {kind} {limit:g}: {claim['reason']})"
    if rule in ("at_least", "at_most"):
        ok = value >= published if rule == "at_least" else value <= published
        return ("reproduced" if ok else "not reproduced"), f"{value:.4g} {'≥' if rule == 'at_least' else '≤'} {printed}: {ok}"
    if rule in ("sign", "sign_sig"):
        # a printed zero has no sign: only its significance can disagree
        same_sign = published == 0 or math.copysign(1, float(value)) == math.copysign(1, published)
        if rule == "sign":
            return ("reproduced" if same_sign else "not reproduced"), f"sign {'same' if same_sign else 'flipped'}"
        if significant is None:
            raise ValueError(f"claim {claim.name}: rule sign_sig needs significant=")
        same_sig = bool(significant) == bool(str(cell["stars"]).strip())
        return ("reproduced" if same_sign and same_sig else "not reproduced"), \
            f"sign {'same' if same_sign else 'flipped'}, significance {'same' if same_sig else 'differs'}"
    if rule == "within_ci":
        lo, hi = _num(cell["ci_low"]), _num(cell["ci_high"])
        inside = lo <= float(value) <= hi
        return ("reproduced" if inside else "not reproduced"), f"published CI [{lo:g}, {hi:g}]"
    if rule == "holds":
        if holds is None:
            raise ValueError(f"claim {claim.name}: rule holds needs holds=")
        return ("reproduced" if holds else "not reproduced"), "holds in our results" if holds else "does not hold"
    raise ValueError(f"Unknown rule {rule!r}")


@dataclass
class ClaimCard:
    """A chapter's verdicts: `record` scores one printed cell, `unavailable` lists one we cannot compute offline."""

    slug: str
    cells: list[dict] = field(default_factory=list)

    def __post_init__(self):
        if self.slug not in SLUGS:
            raise ValueError(f"Unknown chapter slug {self.slug!r}; use one of {', '.join(SLUGS)}.")
        self.claims = load_claims(self.slug)
        self.published = load_published(self.slug)

    def _cell(self, table: str, row: str, column: str) -> pd.Series:
        try:
            return self.published.loc[(table, row, column)]
        except KeyError:
            raise KeyError(f"No printed value ({table!r}, {row!r}, {column!r}) in data/published/{self.slug}.csv") from None

    def _evidence(self, claim: pd.Series, evidence: str | None) -> str:
        allowed = [e.strip() for e in claim["evidence"].split("|")]
        if evidence is None:
            return allowed[0]
        if evidence not in allowed:
            raise ValueError(f"claim {claim.name} may be scored as {' | '.join(allowed)} (its claims file), not {evidence!r}")
        return evidence

    def _add(self, cell: pd.Series, claim: pd.Series, key, replicated, evidence, verdict, note,
             where: tuple[str, str] | None = None) -> str:
        page, anchor = where or (claim["page"], claim["anchor"])
        self.cells.append(dict(chapter=self.slug, claim_id=claim.name, table=key[0], row=key[1], column=key[2],
                               published=cell["estimate"], replicated=replicated, evidence=evidence,
                               rule=rule_for(claim, evidence), verdict=verdict, page=page, anchor=anchor, note=note))
        return verdict

    def record(self, table: str, row: str, column: str, value: float, *, evidence: str | None = None,
               note: str = "", where: tuple[str, str] | None = None, **facts) -> str:
        """Score `value` against the printed (table, row, column) under its claim's rule for `evidence`; `facts`
        are `significant=`, `holds=`, or `truth=` and `se=` for a method check; `where` = (page, anchor) that
        shows this evidence, when it is not the claim's own page. Returns the cell's verdict."""
        cell = self._cell(table, row, column)
        claim = self.claims.loc[cell["claim_id"]]
        evidence = self._evidence(claim, evidence)
        verdict, why = judge(claim, cell, value, evidence, **facts)
        return self._add(cell, claim, (table, row, column), float(value), evidence, verdict,
                         "; ".join(filter(None, [why, note])), where)

    def unavailable(self, table: str, row: str, column: str, reason: str, evidence: str | None = None) -> None:
        """List a cell the book cannot compute offline, naming what is missing in `reason`."""
        cell = self._cell(table, row, column)
        claim = self.claims.loc[cell["claim_id"]]
        self._add(cell, claim, (table, row, column), math.nan, self._evidence(claim, evidence), "not testable offline",
                  reason)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.cells, columns=CELL_COLUMNS)

    def save(self, folder: Path | None = None) -> Path:
        folder = Path(folder or paths.scorecard_dir())
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.slug}.csv"
        self.frame().to_csv(path, index=False)
        return path

    def show(self):
        return claims_view(self.frame())


def claim_verdict(verdicts: pd.Series) -> str:
    """One claim's verdict from its cells' verdicts (scored cells only)."""
    v = set(verdicts)
    if v <= {"not testable offline"}:
        return "not testable offline"
    scored = v - {"not testable offline"}
    if scored <= {"reproduced", "recovered"}:
        return "reproduced" if v == scored else "partly"
    if scored <= {"reproduced", "reproduced within tolerance", "recovered"}:
        return "reproduced within tolerance" if v == scored else "partly"
    if scored & {"reproduced", "reproduced within tolerance", "recovered"}:
        return "partly"
    return "not reproduced"


def claims_table(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per (chapter, claim, evidence) with the claim's verdict; `input` claims are listed, not scored."""
    if cells.empty:
        return pd.DataFrame(columns=["chapter", "claim_id", "claim", "headline", "evidence", "verdict", "cells", "page", "anchor"])
    texts = {slug: load_claims(slug) for slug in cells["chapter"].unique()}
    rows = []
    for (slug, cid, evidence), group in cells.groupby(["chapter", "claim_id", "evidence"], sort=False):
        claim = texts[slug].loc[cid]
        verdict = "input" if evidence == "input" else claim_verdict(group["verdict"])
        if evidence == "method check":
            verdict = {"reproduced": "recovered", "not reproduced": "not recovered"}.get(verdict, verdict)
        rows.append(dict(chapter=slug, claim_id=cid, claim=claim["claim"], headline=claim["headline"] == "yes",
                         evidence=evidence, verdict=verdict, cells=len(group), page=claim["page"], anchor=claim["anchor"]))
    return pd.DataFrame(rows)


def grade(claims: pd.DataFrame) -> tuple[str, str]:
    """The AEA Data Editor's four words for one chapter, from its headline claims scored as reproductions."""
    head = claims[claims["headline"] & claims["evidence"].isin(REPRODUCTIONS)
                  & (claims["verdict"] != "not testable offline")]
    head = (head.assign(_rank=head["evidence"].map(REPRODUCTIONS.index)).sort_values("_rank")
            .drop_duplicates("claim_id"))          # a claim scored on two kinds of evidence counts once
    if head.empty:
        return "not able to reproduce", "no headline claim can be scored as a reproduction offline"
    n, exact = len(head), int((head["verdict"] == "reproduced").sum())
    ok = int(head["verdict"].isin(["reproduced", "reproduced within tolerance"]).sum())
    if exact == n:
        return "full", f"all {n} headline claims reproduced"
    if ok == n:
        return "full with minor issues", f"{exact} of {n} headline claims reproduced exactly, the rest within tolerance"
    if ok or (head["verdict"] == "partly").any():
        return "partial", f"{ok} of {n} headline claims reproduced (exactly or within tolerance)"
    return "not able to reproduce", f"none of {n} headline claims reproduced"


def headline_table(claims: pd.DataFrame) -> pd.DataFrame:
    """Chapters × evidence classes: 'reproduced / scored' claims (method checks: 'recovered / run'; inputs: count)."""
    out = {}
    for slug in [s for s in SLUGS if s in set(claims["chapter"])]:
        mine = claims[claims["chapter"] == slug]
        row = {}
        for evidence in EVIDENCE:
            sub = mine[mine["evidence"] == evidence]
            if sub.empty:
                row[evidence] = ""
            elif evidence == "input":
                row[evidence] = f"{len(sub)}"
            else:
                scored = sub[sub["verdict"] != "not testable offline"]
                good = scored["verdict"].isin(["reproduced", "reproduced within tolerance", "recovered"]).sum()
                untested = len(sub) - len(scored)
                row[evidence] = f"{good} / {len(scored)}" + (f" (+{untested} untestable)" if untested else "")
        row["grade"] = grade(mine)[0]
        out[TITLES[slug]] = row
    return pd.DataFrame(out).T.rename_axis("chapter")


def headline_counts(claims: pd.DataFrame) -> dict[str, int]:
    """The numbers of the headline sentence, computed from the claims table (and so from `_build/scorecard.csv`)."""
    ok = claims["verdict"].isin(["reproduced", "reproduced within tolerance"])
    counted = claims[~claims["evidence"].isin(NOT_COUNTED)]
    return {
        "claims": int(len(counted)),
        "author_data": int((ok & (claims["evidence"] == "author data")).sum()),
        "rebuilt": int((ok & (claims["evidence"] == "rebuilt from sources")).sum()),
        "model": int((ok & claims["evidence"].str.startswith("model")).sum()),
        "other_real": int((ok & (claims["evidence"] == "other real data")).sum()),
        "untestable": int((counted["verdict"] == "not testable offline").sum()),
        "method_checks": int((claims["evidence"] == "method check").sum()),
        "inputs": int((claims["evidence"] == "input").sum()),
    }


def headline_sentence(claims: pd.DataFrame) -> str:
    c = headline_counts(claims)
    return (f"Of the {c['claims']} claims the papers make in their main tables and figures that this book scores, "
            f"{c['author_data']} are reproduced from the authors' own data, {c['rebuilt']} from data rebuilt from the "
            f"papers' raw sources, {c['model']} by the papers' models re-implemented from their equations, and "
            f"{c['other_real']} hold in direction or significance on other real data; {c['untestable']} cannot be "
            f"tested offline. {c['method_checks']} method checks verify our code on generated data and are not "
            f"counted, nor are {c['inputs']} calibration targets.")


_COLOURS = {"reproduced": "#d9f2d9", "reproduced within tolerance": "#e8f5d0", "partly": "#fff3c4",
            "not reproduced": "#f8d0d0", "not testable offline": "#e6e6e6", "recovered": "#dde8f7",
            "not recovered": "#f3d9ec", "input": "#eeeeee"}


def html_id(label: str) -> str:
    """The id Sphinx gives a label in the built page (lower case, runs of other characters as one hyphen)."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def link(page: str, anchor: str, base: str = "../") -> str:
    """The built page (and anchor) that computes a claim, relative to a page one folder deep."""
    href = base + str(Path(page).with_suffix(".html")) + (f"#{html_id(anchor)}" if anchor else "")
    return f'<a href="{href}">{Path(page).stem.replace("_", " ")}</a>'


def claims_view(cells: pd.DataFrame, base: str = "../../"):
    """Claims with their verdicts, each with its cells beneath (table, row, column, printed, ours, verdict) and a
    link to the page that computes it; notes wrap, so nothing needs horizontal scrolling."""
    import html

    claims = claims_table(cells)
    parts = ['<table class="claims"><colgroup><col class="claim"><col class="evidence"><col class="verdict">'
             '<col class="where"></colgroup><thead><tr><th>claim</th><th>evidence</th><th>verdict</th><th>where</th>'
             '</tr></thead><tbody>']
    for _, c in claims.iterrows():
        colour = _COLOURS.get(c["verdict"], "")
        parts.append(f'<tr><td>{html.escape(c["claim"])}</td><td>{html.escape(c["evidence"])}</td>'
                     f'<td style="background:{colour}">{html.escape(c["verdict"])}</td>'
                     f'<td>{link(c["page"], c["anchor"], base)}</td></tr>')
        mine = cells[(cells["claim_id"] == c["claim_id"]) & (cells["evidence"] == c["evidence"])]
        rows = "".join(f'<tr><td>{html.escape(str(r.table))}, {html.escape(str(r.row))}, {html.escape(str(r.column))}</td>'
                       f'<td>{html.escape(str(r.published))}</td><td>{"—" if pd.isna(r.replicated) else f"{r.replicated:.4g}"}</td>'
                       f'<td>{html.escape(r.verdict)}</td><td class="note">{html.escape(str(r.note))}</td></tr>'
                       for r in mine.itertuples())
        parts.append('<tr class="cells"><td colspan="4"><details><summary>cells</summary><table><thead><tr>'
                     '<th>cell</th><th>paper</th><th>ours</th><th>verdict</th><th>how judged</th></tr></thead>'
                     f'<tbody>{rows}</tbody></table></details></td></tr>')
    parts.append("</tbody></table>")
    return _Html("".join(parts))


class _Html:
    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html


def collect(folder: Path | None = None, slugs: tuple[str, ...] = SLUGS) -> pd.DataFrame:
    """Every chapter's scored cells written during this build; a missing chapter is an error naming the fix."""
    folder = Path(folder or paths.scorecard_dir())
    missing = [s for s in slugs if not (folder / f"{s}.csv").exists()]
    if missing:
        raise FileNotFoundError(f"No scorecard from chapter(s) {', '.join(missing)} in {folder}. Chapter notebooks "
                                "write them when they execute; rebuild with `make book-clean`.")
    return pd.concat([pd.read_csv(folder / f"{s}.csv", dtype={"published": str}, keep_default_na=False,
                                  na_values={"replicated": [""]}) for s in slugs], ignore_index=True)


def write_book_csv(cells: pd.DataFrame, path: Path | None = None) -> Path:
    """The book-level scorecard, `_build/scorecard.csv`: one row per scored cell with its claim, evidence and page."""
    path = Path(path or paths.BUILD / "scorecard.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    cells.to_csv(path, index=False)
    return path


def evidence_table() -> pd.DataFrame:
    """The evidence classes, what each means and whether it counts as a reproduction (for the scorecard page)."""
    counted = {e: "a reproduction" for e in REPRODUCTIONS}
    counted |= {"other real data": "direction and significance on other data", "method check": "never counted",
                "input": "never scored"}
    return pd.DataFrame({"evidence": list(EVIDENCE), "what it means": list(EVIDENCE.values()),
                         "counted as": [counted[e] for e in EVIDENCE]})


def by_chapter(cells: pd.DataFrame, base: str = "../") -> _Html:
    """Every claim, one collapsible table per chapter with its grade and reason in the summary line."""
    parts = []
    for slug in [s for s in SLUGS if s in set(cells["chapter"])]:
        mine = cells[cells["chapter"] == slug]
        word, why = grade(claims_table(mine))
        parts.append(f"<details><summary><strong>{TITLES[slug]}</strong>: {mine['claim_id'].nunique()} claims; "
                     f"grade <em>{word}</em> ({why})</summary>{claims_view(mine, base)._repr_html_()}</details>")
    return _Html("".join(parts))
