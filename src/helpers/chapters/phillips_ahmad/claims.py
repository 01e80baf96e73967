"""Phillips & Ahmad: the paper's claims, scored.

`data/published/phillips_ahmad_claims.csv` holds every claim's text, evidence classes, rule and the page that
computes it; `data/published/phillips_ahmad.csv` the printed numbers, each with its claim. Nothing here is a rule,
a threshold or a tolerance: this module computes our values (and whether the paper's statements hold in our
results) and hands them to `helpers.report.claims.ClaimCard`, which judges them under the claims file's rules.
Significance is read with the chapter's `STARS` (the paper's own star levels) and compared with the paper's
printed stars.

    card = scorecard(settings, pipeline.run(settings))

Evidence. The default build runs the paper's pipeline on a seeded structural-gravity generator whose true gravity
coefficients are the paper's Tables 5-6: those cells are `method check`s, compared with the generator's truth
(`result.truth`), never with the paper as a replication. The injected re-routing (Figures 6-8) and the Mexico
placebo (zero by design) are `input`. Tables 5-6 and 9-10 are also scored on real WIOD sector trade with GSDB
sanctions (`real_wiod`) as `other real data`, by sign and significance (`sign_sig`), one cell per WIOD industry
standing for the paper's sector. The paper's qualitative claims are scored on the Yotov et al. panel and V-Dem as
`other real data` under `holds` / `at_least`; the GSDB text facts and Table 7's share of pairs under sanction
are `rebuilt from sources` from GSDB release 3 (the paper used V4; the share over the World Bank's economies, a
stand-in for the paper's country list). Everything that needs ITPD-E itself (the digits of Tables 1-10, the fit statistics) is not
testable offline.
"""
from __future__ import annotations

import math

import numpy as np
from helpers.chapter import Settings
from helpers.chapters.phillips_ahmad import real_wiod, routes
from helpers.chapters.phillips_ahmad.data import vdem_world_means, world_economies
from helpers.chapters.phillips_ahmad.figures import median_by_year
from helpers.chapters.phillips_ahmad.pipeline import GravityRun
from helpers.chapters.phillips_ahmad.real_application import counterpart
from helpers.chapters.phillips_ahmad.settings import PAPER_PERIODS, SLUG, STARS
from helpers.chapters.phillips_ahmad.tables import pair_shares, pair_values
from helpers.data import DataUnavailable, gsdb
from helpers.report.claims import ClaimCard

REAL_NOTE = "our reading on the Yotov et al. panel 1986-2006 (the paper's method on other data, not its data)"
ITPDE = ("needs ITPD-E (the paper's trade flows, not in the offline mirror)")
UNAVAILABLE = {   # table -> what is missing offline
    "Table 1": ITPDE + " for the 14 sector second-stage regressions, with DGD, V-Dem and GSDB V4",
    "Table 2": ITPDE + " for the 14 sector second-stage regressions, with DGD, V-Dem and GSDB V4",
    "Table 3": ITPDE + " and its Dynamic Gravity Dataset (DGD) variables on the paper's country-year sample",
    "Table 4": ITPDE + " and DGD's population-weighted distances on the paper's country sample",
    "Table 7": ITPDE + "'s country list and years (the shares depend on the country list), with V-Dem, GSDB V4 "
                       "and World Bank income groups",
    "Table 8": ITPDE + "'s country list with V-Dem indices",
    "Table 9": ITPDE + " flows and GSDB V4 sanctions; the synthetic second stage is in log points, not USD m",
    "Table 10": ITPDE + " flows and GSDB V4 sanctions; the synthetic second stage is in log points, not USD m",
}
# the paper's text on income groups: 79 of 225 countries upper-income in 1995, 141 of 225 in 2024 (for 04_second_stage)
UPPER_INCOME_TEXT = {1995: (79, 225), 2024: (141, 225)}
APR2_MISSING = ITPDE + "; the generator sets the coefficients, not the fit, so the fit is no method check"


def scorecard(settings: Settings, result: GravityRun) -> ClaimCard:
    """Every claim of the chapter scored for `result` (computed with `settings`), or listed as not testable."""
    card = ClaimCard(SLUG)
    _gravity_tables(card, settings, result)
    _routes(card, settings, result)
    for (table, row, column) in card.published.index:
        if table in UNAVAILABLE and column != "change" and (table, row) != ("Table 7", "SancOR"):
            card.unavailable(table, row, column, UNAVAILABLE[table])
    _table7_gsdb(card)
    try:
        real = result if result.kind == "yotov" else counterpart(settings)
    except DataUnavailable as e:
        real = None
        keys = [k for k in card.published.index if k[0] == "Section 8" and k[1] not in ("rerouting", "mexico")]
        for key in keys + [("Table 7", "SancOR", "change"), ("Table 7", "U11", "change")]:
            card.unavailable(*key, f"the Yotov et al. panel is not in the data mirror ({e})")
    if real is not None:
        _real_claims(card, real)
        _table7_changes(card, real)
    _wiod_tables(card, settings)
    _figure12(card)
    _gsdb_facts(card)
    return card


WIOD_PAGE = "notebooks/phillips_ahmad/06b_real_wiod.ipynb"


def _wiod_tables(card: ClaimCard, settings: Settings) -> None:
    """Tables 5-6 and 9-10 on WIOD (`other real data`): every coefficient the WIOD run estimates, scored by sign
    and significance at the paper's star levels against the paper's cell for the sector the industry stands for
    (Apparel and Wood/paper: two industries, two cells; c12 and c14: compared with both sectors). Without the WIOD
    files the cells keep only their `not testable offline` row."""
    try:
        comp = real_wiod.wiod_comparisons(settings)
    except DataUnavailable:
        return
    for c in comp.itertuples():
        second = c.period != comp["period"].min()
        note = (f"WIOD {c.industry}, {c.period}{' (two years, not 2010-2022)' if second else ''}: "
                f"{c.estimate:.3g}{c.stars} (SE {c.std_error:.3g}); 40 economies, WIOD values, not ITPD-E")
        card.record(c.table, c.row, c.column, float(c.estimate), evidence="other real data",
                    significant=bool(c.significant), note=note,
                    where=(WIOD_PAGE, f"tbl-pa-wiod-{c.table.replace(' ', '').lower()}"))


def _gravity_tables(card: ClaimCard, settings: Settings, result: GravityRun) -> None:
    """Tables 5-6: on the synthetic world each coefficient against the generator's truth (method check); the
    adjusted pseudo R² and every cell of a sector or period not estimated here are not testable."""
    fits = {(r.label["sector"], r.label["period"]): r for r in result.gravity}
    truth = result.truth if result.kind == "synthetic" else None
    for (table, row, column) in [k for k in card.published.index if k[0] in ("Table 5", "Table 6")]:
        period = PAPER_PERIODS[0] if table == "Table 5" else PAPER_PERIODS[1]
        if row == "apr2":
            card.unavailable(table, row, column, APR2_MISSING)
            continue
        r = fits.get((column, period))
        if truth is None or r is None or (column, period) not in truth.index:
            why = ("this run is on real data, not the generator (the paper's own flows are ITPD-E)" if truth is None
                   else f"sector or period not estimated in this run (quick={settings.quick}, periods "
                        f"{', '.join(result.period_labels)})")
            card.unavailable(table, row, column, why)
            continue
        card.record(table, row, column, float(r.params[row]), evidence="method check",
                    truth=float(truth.loc[(column, period), row]), se=float(r.bse[row]),
                    note="synthetic world: truth = the paper's estimate, set by us")


def _routes(card: ClaimCard, settings: Settings, result: GravityRun) -> None:
    """Figure 6a's re-routing and the Mexico placebo are built into the generator: inputs, listed with what the
    paired design finds (not run on quick settings)."""
    hd = pl = math.nan
    note_hd = note_pl = "not run on quick settings"
    if not settings.quick and result.kind == "synthetic":
        found = routes.recovery(settings)
        cells = found[(found["kind"] == "cell") & (found["injected"].abs() > 0)]
        hd = float(cells[cells["role"] == "hub->destination"]["recovery"].min())
        pl = float(found[found["kind"] == "placebo"]["dresid"].abs().max())
        note_hd = "injected VNM/KHM re-routing; smallest share of the injected hub->destination flow found (paired design)"
        note_pl = "placebo route CHN->MEX->USA injected at share 0; largest |Δresid| in the paired design"
    card.record("Section 8", "rerouting", "VNM/KHM after 2018", hd, evidence="input", note=note_hd)
    card.record("Section 8", "mexico", "no pattern", pl, evidence="input", note=note_pl)


def _printed_stars(card: ClaimCard, table: str, row: str, column: str) -> str:
    return str(card.published.loc[(table, row, column), "stars"]).strip()


def _real_claims(card: ClaimCard, real: GravityRun) -> None:
    """The paper's statements about its Tables 5-6, Figure 3a and Tables 1-2, on the real panel."""
    g = real.gravity
    dist = np.array([r.params["ln_dist"] for r in g])
    dist_stars = {STARS.of(r.pvalues["ln_dist"]) for r in g}
    printed = _printed_stars(card, "Section 8", "ln_dist_max", "all regressions")
    card.record("Section 8", "ln_dist_max", "all regressions", float(dist.max()),
                holds=bool((dist < 0).all() and dist_stars == {printed}),
                note=f"{REAL_NOTE}: largest of {len(dist)} distance elasticities; every one negative with {printed}: "
                     f"{bool((dist < 0).all() and dist_stars == {printed})}")
    dom = np.array([r.params["dom"] for r in g])
    card.record("Section 8", "dom_min", "all regressions", float(dom.min()), holds=bool((dom > 0).all()),
                note=f"{REAL_NOTE}: smallest of {len(dom)} domestic-trade coefficients; all positive")
    apr2 = min(r.stats["apr2"] for r in g)
    card.record("Section 8", "apr2_min", "all regressions", float(apr2),
                note=f"{REAL_NOTE}: smallest adjusted pseudo R² of {len(g)} regressions")
    lvl = median_by_year(real, "resid").set_index("year")["median"]
    card.record("Section 8", "median_negative", "share of years", float((lvl < 0).mean()), holds=bool((lvl < 0).all()),
                note=f"{REAL_NOTE}: share of years {lvl.index.min()}-{lvl.index.max()} with a negative median residual")
    slope = float(np.polyfit(lvl.index.to_numpy(float), lvl.to_numpy(), 1)[0])
    card.record("Section 8", "median_trend", "sign of slope", slope, holds=slope < 0,
                note=f"{REAL_NOTE}: OLS slope of the yearly median residual")
    stage2 = [r for r in real.stage2 if "Sanc" in r.params]
    # the later real period stands in for the paper's later period, the earlier for the earlier
    for r, period in zip(sorted(stage2, key=lambda r: r.label["period"], reverse=True), PAPER_PERIODS):
        sig = STARS.of(r.pvalues["Sanc"])
        ok = bool(r.params["Sanc"] < 0 and sig != "")
        card.record("Section 8", "sanc_negative", period, float(r.params["Sanc"]), holds=ok,
                    note=f"{REAL_NOTE}: Sanc in the real period {r.label['period']} (not {period}; one regression, "
                         f"not 14 sectors) is {r.params['Sanc']:.3g}{sig}; negative and significant: {ok}; "
                         f"sanctions: {real.settings['real_sanctions']}")


def _table7_changes(card: ClaimCard, real: GravityRun) -> None:
    """The paper's reading of Table 7 (the share of pairs under sanction fell, the share of upper-income pairs
    rose) on the real panel's two periods; income missing is left out (1986-1987 have no World Bank groups)."""
    shares = pair_shares(pair_values(real.country_year, "drop"), real.periods)
    late, early = shares.columns
    note = f"our reading on the Yotov et al. panel, {early} -> {late} (not the paper's periods); percentage points"
    sanc = float(shares.loc["SancOR", late] - shares.loc["SancOR", early])
    card.record("Table 7", "SancOR", "change", sanc, holds=sanc < 0,
                note=f"{note}; sanctions: {real.settings['real_sanctions']}")
    u11 = float(shares.loc["U11", late] - shares.loc["U11", early])
    card.record("Table 7", "U11", "change", u11, holds=u11 > 0, note=f"{note}; World Bank groups, missing left out")


def _figure12(card: ClaimCard) -> None:
    """The text's reading of Figure 12 on the real V-Dem series."""
    try:
        m = vdem_world_means().pivot(index="year", columns="index", values="mean")
    except DataUnavailable as e:
        for row, column in (("democracy", "change 1995-2009"), ("corruption", "change since 2010")):
            card.unavailable("Figure 12", row, column, f"V-Dem is not in the data mirror ({e})")
        return
    rise = float(m.loc[2009, "democracy"] - m.loc[1995, "democracy"])
    card.record("Figure 12", "democracy", "change 1995-2009", rise, holds=rise > 0,
                note="our reading: real V-Dem v14 (v2x_polyarchy), mean over rated countries, 2009 minus 1995")
    last = int(m.index.max())
    fall = float(m.loc[last, "corruption"] - m.loc[2010, "corruption"])
    card.record("Figure 12", "corruption", "change since 2010", fall, holds=fall < 0,
                note=f"our reading: real V-Dem v14 (v2x_corr), mean over rated countries, {last} minus 2010 (the "
                     f"paper's runs to 2025); the sign is scored, not the 5 points")


def _gsdb_facts(card: ClaimCard) -> None:
    """The paper's GSDB statements (Section 3), from the real GSDB file (release 3; the paper used V4)."""
    try:
        facts = gsdb.paper_facts().set_index("fact")
    except DataUnavailable as e:
        for column in ("count (GSDB names)", "count (ISO3 codes)"):
            card.unavailable("Section 3", "gsdb_complete_1995", column, f"GSDB is not in the data mirror ({e})")
        card.unavailable("Section 3", "gsdb_complete_2022", "list (count)", f"GSDB is not in the data mirror ({e})")
        return
    v3 = "GSDB release 3 (the mirror's); the paper used GSDB V4"
    for by, column in (("GSDB names", "count (GSDB names)"), ("ISO3 codes", "count (ISO3 codes)")):
        f = facts.loc[f"countries under complete trade sanctions, 1995 ({by})"]
        card.record("Section 3", "gsdb_complete_1995", column, float(f["gsdb_v3"]), note=f"{v3}: {f['note']}")
    n = facts.loc["countries under complete trade sanctions, 2022 (count)"]
    lst = facts.loc["countries under complete trade sanctions, 2022 (list)"]
    card.record("Section 3", "gsdb_complete_2022", "list (count)", float(n["gsdb_v3"]), holds=bool(lst["agrees"]),
                note=f"{v3}: ours {lst['gsdb_v3']}; {lst['note']}")


def _table7_gsdb(card: ClaimCard) -> None:
    """Table 7's share of pairs with at least one country under sanction, per paper period, rebuilt from GSDB
    release 3 (the paper's source and rule; it used V4) over the World Bank's economies, a stand-in for the
    paper's ITPD-E country list (the share depends on the list)."""
    try:
        countries = world_economies()
        shares = {p: gsdb.pair_shares(countries, tuple(int(y) for y in p.split("-"))) for p in PAPER_PERIODS}
    except DataUnavailable as e:
        for period in PAPER_PERIODS:
            card.unavailable("Table 7", "SancOR", period, f"GSDB or the World Bank file is not in the mirror ({e})")
        return
    for period, share in shares.items():
        card.record("Table 7", "SancOR", period, 100 * share["either"], evidence="rebuilt from sources",
                    note=f"GSDB release 3 (the paper used V4), complete trade sanctions, over the World Bank's "
                         f"{len(countries)} economies and their domestic pairs ({share['n']:,} pair-years), not "
                         f"the paper's ITPD-E country list: the share depends on the list")


def upper_income_pairs_in_text() -> dict[int, float]:
    """The share of both-upper-income pairs the paper's text implies (its Table 7 reports 3.16% and 6.93%)."""
    return {year: (k / n) ** 2 for year, (k, n) in UPPER_INCOME_TEXT.items()}
