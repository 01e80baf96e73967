"""Hausmann, Schetter & Yildirim: the tables the pages show, each a function of a result or of the settings.

Two kinds of function: the numbers (`table1`, `table1_facts`, `sanctions_vs_ranks`, `end_use_shares`, ...,
plain frames the claims and tests read) and their views (`*_view`: a `helpers.report.tables.Table` with readable
headers, the paper's precision, the paper's numbers beside ours where it prints them, and a note saying what is
real and what is generated).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import kstest, spearmanr

from helpers.chapter import Settings
from helpers.report.claims import load_published
from helpers.report.tables import Table, show

from . import data
from .model import calibration as cal
from .model import scenarios as sc
from .model.io_model import WorldIO
from .pipeline import scenario_runs
from .settings import ROBUSTNESS_VARIANTS, SLUG

END_USE = {"consumer_durable": "consumer durable", "consumer_nondurable": "consumer", "intermediate": "intermediate",
           "capital": "capital"}


def _published(table: str, row: str, column: str) -> str:
    """The paper's printed number (as text) for one cell of data/published/<slug>.csv."""
    return str(load_published(SLUG).loc[(table, row, column), "estimate"])


def _lists_note(s: Settings) -> str:
    if data.real_eu_list(s):
        luxury = " without the luxury-only bans" if s.eu_list == "real_no_luxury" else ""
        return (f"EU list: the real export bans in force on 9 May 2022{luxury} (Regulation 833/2014, HS2017 codes "
                "joined to HS92; banned when any of the code's HS2017 codes is). US list (bans = 1, controls = 2): "
                "generated.")
    return "EU and US lists (US: bans = 1, controls = 2): generated (calibrated to the paper's moments)."


# ---------------------------------------------------------------------------------------------------------------
# Section 3: the criterion
# ---------------------------------------------------------------------------------------------------------------
def figure6_view(table: pd.DataFrame, sigma: float, theta: float) -> Table:
    """Figure 6 in numbers: Eq. 3 per unit Domar weight with both coefficients, the exact effect and Eq. 4."""
    frame = table.set_index("omega")[["x", "eq3_printed", "eq3_half", "exact_small_share", "eq4_printed"]]
    frame.index = [f"{v:.2f}" for v in frame.index]
    return show(frame, caption=f"Figure 6 in numbers (σ = {sigma:g}, θ = {theta:g}), per unit Domar weight",
                decimals=5, index=True,
                labels={"x": "x = ln(1 − Ω)/(σ − 1)", "eq3_printed": "Eq. 3, c = 1 (printed)",
                        "eq3_half": "Eq. 3, c = ½ (derived)", "exact_small_share": "exact, small shares",
                        "eq4_printed": "Eq. 4, c = 1 (per unit Ω)"},
                note="Rows: the coalition's share Ω of Russian expenditure on the product. No data: the formulas "
                     "evaluated on a grid.")


# ---------------------------------------------------------------------------------------------------------------
# Section 2 and 4: the lists and the rankings
# ---------------------------------------------------------------------------------------------------------------
def table1(prepared: pd.DataFrame, n: int = 20, by: str = "rank_eq3") -> pd.DataFrame:
    """Table 1 analogue: the top-n products by a criterion, with the paper's columns (its three end-use flags in
    one column)."""
    top = prepared.sort_values(by).head(n)
    return pd.DataFrame({
        "Rank": top[by].to_numpy(), "HS-6": top["hs6"].to_numpy(),
        "Description": top["description"].fillna("").to_numpy(),
        "Russian imports (USD million)": (top["imports"] / 1e6).to_numpy(),
        "Coalition share": top["omega_co"].to_numpy(),
        "End use": top["bec_class"].map(END_USE).to_numpy(),
        "Elasticity": top["eps"].to_numpy(),
        "EU": top["eu"].astype(int).to_numpy(), "US": top["us"].astype(int).to_numpy()}).set_index("Rank")


def table1_facts(prepared: pd.DataFrame, n: int = 20) -> dict:
    """How many of the top-n products by Eq. 3 are restricted, how large they are, and how that compares with all
    products (section 4.2's statements about Table 1)."""
    top = prepared.sort_values("rank_eq3").head(n)
    p90 = prepared["imports"].quantile(0.9)
    percentile = prepared["imports"].rank(pct=True, method="max") * 100
    return {"eu_sanctioned": int((top["eu"] > 0).sum()), "us_sanctioned": int((top["us"] > 0).sum()),
            "share_in_top_decile_imports": float((top["imports"] >= p90).mean()),
            "lowest_import_percentile": float(percentile.loc[top.index].min()),
            "top5_smallest_imports_bn": float(top["imports"].head(5).min() / 1e9),
            "eu_share_top": float((top["eu"] > 0).mean()), "eu_share_all": float((prepared["eu"] > 0).mean()),
            "us_share_top": float((top["us"] > 0).mean()), "us_share_all": float((prepared["us"] > 0).mean())}


def table1_view(prepared: pd.DataFrame, s: Settings, n: int = 20) -> Table:
    return show(table1(prepared, n), caption=f"Table 1 analogue. The top {n} products by Eq. 3 (cost to Russia of a "
                                             "coalition ban)",
                decimals={"Russian imports (USD million)": 0, "Coalition share": 2, "Elasticity": 2},
                labels={"Coalition share": "Coalition share Ω", "Elasticity": "Elasticity ε",
                        "EU": "EU ban", "US": "US ban / control"},
                note="Products: the real HS92 codes, descriptions and BEC end-use classes. Russian imports, "
                     "coalition shares (of imports plus imputed home sales) and elasticities: generated, so the "
                     f"products are not the paper's. {_lists_note(s)}")


def table1_facts_view(facts: dict, s: Settings) -> Table:
    """Section 4.2's statements about Table 1, the paper's beside ours."""
    rows = [("Top 20 products the EU restricts", _published("table1", "top20", "eu_sanctioned"),
             f"{facts['eu_sanctioned']}"),
            ("Top 20 products the US restricts (bans or controls)", _published("table1", "top20", "us_sanctioned"),
             f"{facts['us_sanctioned']}"),
            ("EU share of the top 20 against all products", "larger",
             f"{facts['eu_share_top']:.0%} against {facts['eu_share_all']:.0%}"),
            ("US share of the top 20 against all products", "larger",
             f"{facts['us_share_top']:.0%} against {facts['us_share_all']:.0%}"),
            ("Lowest import percentile among the top 20", "at least "
             + _published("table1", "top20", "lowest_import_percentile"), f"{facts['lowest_import_percentile']:.1f}"),
            ("Smallest Russian imports among the top 5 (bn USD)", "over "
             + _published("table1", "top5", "smallest_imports_bn_usd"), f"{facts['top5_smallest_imports_bn']:.2f}")]
    return show(pd.DataFrame(rows, columns=["Statement (section 4.2)", "Paper", "Ours"]),
                caption="Table 1's facts, the paper's beside ours",
                note=f"Ours: the ranking on generated product trade. {_lists_note(s)}")


def paper_table1_codes() -> list[str]:
    """The HS6 codes of the paper's Table 1, in rank order (from data/published)."""
    published = load_published(SLUG).reset_index()
    cells = published[(published["table"] == "table1") & (published["column"] == "eu")
                      & published["row"].str.fullmatch(r"\d{6}")]
    return cells["row"].tolist()


def paper_table1_eu(real: bool = True) -> pd.DataFrame:
    """The paper's own top 20 (Table 1) with its printed EU column and, when `real`, the real list's verdict on each
    product: rank, hs6, description, paper (0/1), real (the list in force on 9 May 2022, any category),
    real_no_luxury (without the luxury-only bans), categories and first_ban (the date of the first ban)."""
    published = load_published(SLUG).reset_index()
    cells = published[(published["table"] == "table1") & (published["column"] == "eu")
                      & published["row"].str.fullmatch(r"\d{6}")]
    hs6 = cells["row"].to_numpy()
    out = pd.DataFrame({"rank": range(1, len(cells) + 1), "hs6": hs6,
                        "description": cells["note"].str.extract(r"rank \d+: ([^;]+);")[0].to_numpy(),
                        "paper": cells["estimate"].astype(int).to_numpy()})
    if not real:
        return out
    full = data.eu_list_hs92().set_index("hs6")
    no_luxury = data.eu_list_hs92(data.NO_LUXURY).set_index("hs6")["eu"]
    categories = full.loc[hs6, list(data.eu_sanctions.CATEGORIES)]
    return out.assign(
        real=full.loc[hs6, "eu"].astype(int).to_numpy(), real_no_luxury=no_luxury.loc[hs6].astype(int).to_numpy(),
        categories=[", ".join(c.replace("_", " ") for c in categories.columns[row]) for row in categories.to_numpy()],
        first_ban=[d.strftime("%d %b %Y") if pd.notna(d) else "" for d in full.loc[hs6, "first_date"]])


def paper_table1_eu_view(frame: pd.DataFrame) -> Table:
    shown = frame.set_index("rank").rename_axis("Rank")
    real = "real" in frame
    return show(shown, caption="Table 1's EU column: the paper's top 20 products against the real EU list",
                index=True, labels={"hs6": "HS-6", "description": "Description", "paper": "EU ban (paper)",
                                    "real": "Real list, 9 May 2022", "real_no_luxury": "Real list, no luxury-only bans",
                                    "categories": "Ban categories (real list)", "first_ban": "First banned"},
                note="The paper's products and EU column as printed (rows 2–4 garbled in the text extraction; read as "
                     "in the spec). "
                     + ("Real list: Regulation 833/2014 by HS2017 code (Chupilkin, Javorcik & Plekhanov), joined to "
                        "HS92, a product banned when any of its HS2017 codes is." if real else
                        "This run does not use the real EU list, so the comparison is left out."))


def sanctions_vs_ranks(prepared: pd.DataFrame, level: float = 0.05) -> pd.DataFrame:
    """Figures 7-8 in numbers, and our extension: a KS test of restricted products' normalised ranks against the
    uniform distribution (not in the paper), rejected or not at `level`."""
    n = len(prepared)
    rows = []
    for crit in ("eq3", "eq4"):
        for lst, sel in (("EU", prepared["eu"] > 0), ("US", prepared["us"] > 0)):
            u = (prepared.loc[sel, f"rank_{crit}"] - 0.5) / n
            test = kstest(u, "uniform")
            rows.append({"criterion": crit, "list": lst, "n_sanctioned": int(sel.sum()),
                         "mean_normalised_rank": float(u.mean()), "ks_statistic": float(test.statistic),
                         "ks_pvalue": float(test.pvalue), "rejects_uniform": bool(test.pvalue < level)})
    return pd.DataFrame(rows)


def sanctions_vs_ranks_view(ks: pd.DataFrame, s: Settings) -> Table:
    frame = ks.assign(criterion=ks["criterion"].map({"eq3": "Eq. 3 (Figure 7)", "eq4": "Eq. 4 (Figure 8)"}),
                      rejects_uniform=ks["rejects_uniform"].map({True: "yes", False: "no"}))
    return show(frame, caption="Figures 7 and 8 in numbers: where the restricted products sit in each ranking",
                decimals={"mean_normalised_rank": 3, "ks_statistic": 3, "ks_pvalue": 3},
                labels={"criterion": "Ranking", "list": "List", "n_sanctioned": "Restricted products",
                        "mean_normalised_rank": "Mean normalised rank", "ks_statistic": "KS statistic",
                        "ks_pvalue": "KS p-value", "rejects_uniform": "Uniform rejected at 5%"},
                note="Normalised rank: 0 = most costly to Russia, uniform mean 0.5. The Kolmogorov-Smirnov test "
                     "against the uniform is our extension; the paper's statements are visual. Ranks from generated "
                     f"product trade. {_lists_note(s)}")


def ranking_robustness(base: pd.DataFrame, variants: dict[str, pd.DataFrame], top: int = 1000) -> pd.DataFrame:
    """Figure A.1: each variant's Eq. 3 ranking against the baseline: Spearman rank correlation and how many of
    the baseline top `top` stay in the top `top`."""
    rows = {}
    for label, alt in variants.items():
        merged = base[["hs6", "rank_eq3"]].merge(alt[["hs6", "rank_eq3"]], on="hs6", suffixes=("", "_alt"))
        rho = spearmanr(merged["rank_eq3"], merged["rank_eq3_alt"]).statistic
        overlap = int(((merged["rank_eq3"] <= top) & (merged["rank_eq3_alt"] <= top)).sum())
        rows[label] = {"rank_correlation": rho, f"top{top}_overlap": overlap}
    return pd.DataFrame(rows).T


def ranking_robustness_view(rob: pd.DataFrame) -> Table:
    names = {"no_home_shares": "(a) no Russian home sales", "common_elasticity": "(b) common elasticity ε = −8.2"}
    frame = pd.DataFrame({
        ("Rank correlation", "ours"): rob["rank_correlation"].astype(float),
        ("Rank correlation", "paper"): [_published("figA1", v, "rank_correlation") for v in rob.index],
        ("Top 1,000 kept", "ours"): rob["top1000_overlap"].astype(int),
        ("Top 1,000 kept", "paper"): [_published("figA1", v, "top1000_overlap") for v in rob.index],
    }, index=[names.get(v, v) for v in rob.index])
    return show(frame, caption="Figure A.1 in numbers: the Eq. 3 ranking against two variants",
                decimals={("Rank correlation", "ours"): 2}, index=True,
                note="Spearman rank correlation with the baseline ranking, and how many of the baseline's top 1,000 "
                     "products stay in the top 1,000. Product trade, home sales and elasticities generated.")


def _with_status(products: pd.DataFrame) -> pd.DataFrame:
    """The products the EU list speaks about: all of them for a generated list; for the real list every HS92 code
    with an HS2017 counterpart (orphans have no status)."""
    if "eu_orphan" in products:
        return products[~products["eu_orphan"]]
    return products


def eu_list_overview(raw: pd.DataFrame, s: Settings) -> dict:
    """Figure 3 in numbers: the share of HS6 categories the EU list restricts (of those it gives a status), of
    those restricted by either list the split both / EU only / US only, the coalition's share of Russian imports
    and the restricted products' share of Russian imports (the last three on generated trade or lists)."""
    listed = _with_status(raw)
    eu, us = listed["eu"] > 0, listed["us"] > 0
    either = eu | us
    imports = raw["imports"]
    coalition = raw[[f"imp_{c}" for c in cal.COALITION]].sum(axis=1)
    restricted = (raw["eu"] > 0) | (raw["us"] > 0)
    return {"eu_share": float(eu.mean()), "us_share": float(us.mean()), "either_share": float(either.mean()),
            "both_of_either": float((eu & us).sum() / either.sum()),
            "eu_only_of_either": float((eu & ~us).sum() / either.sum()),
            "us_only_of_either": float((~eu & us).sum() / either.sum()),
            "n_products": int(len(listed)), "n_orphans": int(len(raw) - len(listed)),
            "orphan_import_share": float(imports[~raw.index.isin(listed.index)].sum() / imports.sum()),
            "coalition_import_share": float(coalition.sum() / imports.sum()),
            "restricted_import_share": float(imports[restricted].sum() / imports.sum()),
            "eu_real": bool(data.real_eu_list(s))}


def eu_list_overview_view(o: dict) -> Table:
    eu_kind = "real" if o["eu_real"] else "generated"
    rows = [("HS6 categories restricted by the EU", "", f"{o['eu_share']:.1%}", f"EU list ({eu_kind})"),
            ("… by the EU, the US or both", "more than " + f"{float(_published('fig3', 'restricted_share', 'eu_or_us')):.0%}",
             f"{o['either_share']:.1%}", f"EU list ({eu_kind}); US list (generated)"),
            ("of those: by both", f"~{float(_published('fig3', 'restricted_split', 'both')):.0%}",
             f"{o['both_of_either']:.0%}", "US list generated"),
            ("of those: by the EU only", f"~{float(_published('fig3', 'restricted_split', 'eu_only')):.0%}",
             f"{o['eu_only_of_either']:.0%}", "US list generated"),
            ("of those: by the US only", f"~{float(_published('fig3', 'restricted_split', 'us_only')):.0%}",
             f"{o['us_only_of_either']:.0%}", "US list generated"),
            ("Coalition share of Russian imports", f"~{float(_published('fig3', 'coalition_import_share', 'all')):.0%}",
             f"{o['coalition_import_share']:.0%}", "generated trade, calibrated to the paper's 54%"),
            ("Restricted products' share of Russian imports",
             f"~{float(_published('fig3', 'restricted_import_share', 'eu_or_us')):.0%}",
             f"{o['restricted_import_share']:.0%}", f"generated trade; EU list ({eu_kind}), US list (generated)")]
    note = (f"Shares of the {o['n_products']:,} HS92 codes the list gives a status"
            + (f" ({o['n_orphans']:,} HS92 codes have no HS2017 counterpart and so no status; they carry "
               f"{o['orphan_import_share']:.0%} of the generated imports and count as not banned in the scenarios)"
               if o["n_orphans"] else "") + ".")
    return show(pd.DataFrame(rows, columns=["Figure 3", "Paper", "Ours", "Our data"]),
                caption="Figure 3 in numbers: how much the EU and US lists restrict", note=note)


def end_use_shares(raw: pd.DataFrame) -> pd.DataFrame:
    """Figure 4 (g)-(i), unweighted: the share of consumer, intermediate and capital goods among the products the
    EU bans and among the others (products the list gives a status), and the difference in percentage points."""
    listed = _with_status(raw)
    group = listed["bec_class"].map({"consumer_durable": "consumer", "consumer_nondurable": "consumer",
                                     "intermediate": "intermediate", "capital": "capital"})
    banned = listed["eu"] > 0
    out = pd.DataFrame({"banned": group[banned].value_counts(normalize=True),
                        "not_banned": group[~banned].value_counts(normalize=True)})
    out = out.reindex(["consumer", "intermediate", "capital"]).fillna(0.0)
    out["difference_pp"] = 100 * (out["banned"] - out["not_banned"])
    out["paper"] = ["lower", "higher", "higher"]
    out["holds"] = [out.loc["consumer", "difference_pp"] < 0, out.loc["intermediate", "difference_pp"] > 0,
                    out.loc["capital", "difference_pp"] > 0]
    return out


def share_banned(raw: pd.DataFrame) -> float:
    """The share of products the EU list bans (of those it gives a status)."""
    return float((_with_status(raw)["eu"] > 0).mean())


def ban_rates(raw: pd.DataFrame) -> pd.Series:
    """The share of products the EU list bans within each BEC end-use class (products with a status)."""
    listed = _with_status(raw)
    return (listed["eu"] > 0).groupby(listed["bec_class"]).mean()


def category_share(raw: pd.DataFrame, bec_class: str, category: str) -> float:
    """Of the products of a BEC class the real EU list bans, the share it bans under one of its categories (e.g.
    'luxury'); NaN for a generated list (it has no categories)."""
    column = f"eu_{category}"
    listed = _with_status(raw)
    banned = listed[(listed["eu"] > 0) & (listed["bec_class"] == bec_class)]
    return float(banned[column].mean()) if column in banned and len(banned) else float("nan")


def loss_phrase(loss_pct: float, decimals: int = 2) -> str:
    """A welfare change in words: 'loses 1.12%' or 'gains 0.03%' (signs as words in the prose)."""
    return f"{'gains' if loss_pct < 0 else 'loses'} {abs(loss_pct):.{decimals}f}%"


def end_use_view(shares: pd.DataFrame, s: Settings) -> Table:
    frame = pd.DataFrame({"EU-banned products (%)": 100 * shares["banned"],
                          "other products (%)": 100 * shares["not_banned"],
                          "difference (pp)": shares["difference_pp"],
                          "paper (among banned)": shares["paper"],
                          "same direction": shares["holds"].map({True: "yes", False: "no"})},
                         index=["(g) consumer goods", "(h) intermediate goods", "(i) capital goods"])
    real = data.real_eu_list(s)
    return show(frame, caption="Figure 4 (g)–(i): end-use classes of the products the EU bans and of the others",
                decimals=1, index=True,
                note=("Real: the EU list of 9 May 2022 and the BEC rev. 4 end-use classes of the HS92 codes; shares of "
                      "products, unweighted (the paper weights by Russian imports, which are generated here)."
                      if real else "Generated EU list (the generator builds this tilt in); unweighted shares."))


# ---------------------------------------------------------------------------------------------------------------
# Section 6: calibration and scenarios
# ---------------------------------------------------------------------------------------------------------------
def calibration_tables(w: WorldIO) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country groups (GNE share, share of Russia's goods imports, Russia's share of the group's exports) and
    industries (xi, Russia's import mix, coalition share of Russia's imports, Russian value-added share)."""
    r = w.countries.index(cal.RUSSIA)
    N, D = w.N, w.D
    imports_r = w.X[r].sum(0) + w.C[r]                     # (seller country, industry)
    imports_r[r] = 0.0
    goods = slice(0, D - 1)
    own = np.array([w.X[i, :, i, :].sum() + w.C[i, i].sum() for i in range(N)])
    sales = w.X.sum((0, 1)).sum(1) + w.C.sum(0).sum(1)
    to_r = imports_r.sum(1)
    groups = pd.DataFrame({
        "coalition": [c in cal.COALITION for c in w.countries],
        "GNE share (%)": 100 * w.E / w.E.sum(),
        "share of Russia's goods imports (%)": 100 * imports_r[:, goods].sum(1) / imports_r[:, goods].sum(),
        "Russia's share of exports (%)": np.where(np.arange(N) == r, np.nan, 100 * to_r / (sales - own)),
    }, index=w.countries)
    co = [w.countries.index(c) for c in cal.COALITION]
    xi = cal.INDUSTRY_SCHEMES["tableA1_16" if D == 16 else "bf30_15"][1]
    industries = pd.DataFrame({
        "xi (CP)": xi,
        "Russia's import mix (%)": 100 * imports_r.sum(0) / imports_r.sum(),
        "coalition share of Russia's imports": imports_r[co].sum(0) / imports_r.sum(0),
        "import share of Russian use": imports_r.sum(0) / (imports_r.sum(0) + w.X[r, :, r, :].sum(0) + w.C[r, r]),
        "Russian VA share (gamma)": w.gamma.reshape(N, D)[r],
    }, index=w.industries)
    return groups, industries


def calibration_views(w: WorldIO, real: bool) -> tuple[Table, Table]:
    groups, industries = calibration_tables(w)
    source = ("WIOD 2013 release, world input-output table 2008, aggregated as in Table A.1" if real else
              "a generated world table (no WIOD file)")
    g = groups.assign(coalition=groups["coalition"].map({True: "yes", False: "no"}))
    gv = show(g, caption="Table A.1 (countries): the 18 country groups of the model", decimals=2, index=True,
              labels={"coalition": "Coalition", "GNE share (%)": "Share of world expenditure (%)",
                      "share of Russia's goods imports (%)": "Share of Russia's goods imports (%)",
                      "Russia's share of exports (%)": "Russia's share of the group's exports (%)"},
              note=f"Source: {source}. Exports exclude flows within a group; — for Russia itself.")
    iv = show(industries, caption="Table A.1 (industries): the 16 industries of the model", index=True,
              decimals={"xi (CP)": 2, "Russia's import mix (%)": 1, "coalition share of Russia's imports": 2,
                        "import share of Russian use": 2, "Russian VA share (gamma)": 2},
              labels={"xi (CP)": "ξ (Caliendo–Parro)", "Russia's import mix (%)": "Share of Russia's imports (%)",
                      "coalition share of Russia's imports": "Coalition share of Russia's imports",
                      "import share of Russian use": "Import share of Russian use",
                      "Russian VA share (gamma)": "Russian value-added share γ"},
              note=f"Source: {source}; ξ from Table A.1 (1 + the Caliendo–Parro trade elasticity).")
    return gv, iv


SCENARIO_COLUMNS = {"label": "Scenario", "banned_share": "Banned coalition exports (%)",
                    "russia_loss_pct": "Russia's loss (%)", "coalition_loss_pct": "Coalition's loss (%)",
                    "ratio_proportional": "Proportional ratio", "ratio_absolute": "Absolute ratio",
                    "baltics_loss_pct": "Baltic group's loss (%)", "largest_coalition_loser": "Largest coalition loser"}


def scenario_view(summary: pd.DataFrame, s: Settings, caption: str | None = None) -> Table:
    """Figure 10a in numbers: losses by scenario (solver diagnostics are left to the text)."""
    frame = summary[list(SCENARIO_COLUMNS)].copy()
    frame["banned_share"] = 100 * frame["banned_share"]
    frame.index = [f"S{k}" for k in frame.index]
    return show(frame, caption=caption or "Figure 10a in numbers: welfare losses by scenario", index=True,
                decimals={"banned_share": 1, "russia_loss_pct": 3, "coalition_loss_pct": 4, "ratio_proportional": 0,
                          "ratio_absolute": 2, "baltics_loss_pct": 3},
                labels=SCENARIO_COLUMNS,
                note="Losses in % of real expenditure (real GNE); ratios: Russia's loss over the coalition's, "
                     "proportional and absolute. IO model: WIOD 2008 where the files are available; product trade "
                     f"generated. {_lists_note(s)}")


def elasticity_set_summary(s: Settings, name: str) -> pd.DataFrame:
    """The scenarios' summary with another elasticity set (Table B.1)."""
    return sc.summary_table(scenario_runs(s.replace(elasticity_set=name)), list(s.coalition))


ELASTICITY_SET_NAMES = {"robust1": "Robustness 1", "robust2": "Robustness 2", "robust1_all": "Robustness 1, services too"}


def elasticity_sets_view(summaries: dict[str, pd.DataFrame], s: Settings) -> Table:
    """Figure B.1 in numbers: Russia's, the coalition's and the Baltic group's losses per scenario and set."""
    parts = {}
    for name, t in summaries.items():
        for col, label in (("russia_loss_pct", "Russia"), ("coalition_loss_pct", "coalition"),
                           ("baltics_loss_pct", "Baltics")):
            parts[(ELASTICITY_SET_NAMES.get(name, name), label)] = t[col].to_numpy()
    frame = pd.DataFrame(parts, index=[f"S{k}" for k in next(iter(summaries.values())).index])
    return show(frame, caption="Figure B.1 in numbers: welfare losses (%) under the elasticities of Table B.1",
                decimals=3, index=True,
                note="Robustness 1: ξ = θ = 0.05 in the goods industries (services at ξ = 6); with services too, "
                     "the literal reading; Robustness 2: ε = 0.1, φ = 0.1, εᶠ = 0.5. Negative: a gain. "
                     f"Product trade generated. {_lists_note(s)}")


def headline_table(s: Settings) -> pd.DataFrame:
    """The section 9 headline statistics with both second-order coefficients of Eq. 3 (columns)."""
    return pd.DataFrame({label: sc.headlines(sc.summary_table(scenario_runs(s.replace(second_order_coef=coef)),
                                                              list(s.coalition)))
                         for coef, label in ((1.0, "coef1"), (0.5, "coef05"))})


HEADLINE_ROWS = {   # statistic -> (label, the paper's statement as printed in the published file, decimals)
    "ratio_proportional_min": ("Proportional ratio, smallest across scenarios", "~{}", 0),
    "ratio_proportional_max": ("Proportional ratio, largest across scenarios", "~{}", 0),
    "ratio_absolute_min": ("Absolute ratio, smallest across scenarios", "at least {}", 2),
    "ratio_absolute_s5": ("Absolute ratio, scenario 5", "more than {}", 2),
    "russia_over_baltics_s5": ("Russia's loss over the Baltic group's, scenario 5", "more than {}", 1),
    "s5_over_s4": ("Russia's loss, S5 / S4", "~{}", 2),
    "s5_over_s2": ("Russia's loss, S5 / S2", "~{}", 2),
    "russia_loss_s5": ("Russia's loss in scenario 5 (%)", "{}", 2),
    "baltics_largest_s5": ("Baltic group the largest coalition loser in S5", "yes", None),
    "ordering_holds": ("Russia's loss rising from S1 to S4, S2, S5 and S6", "yes", None),
    "coordination_ge_expansion": ("S2 − S4 ≥ S4 − S1 (coordination ≥ expansion)", "yes", None),
    "expansion_raises_cost": ("S6 above S5", "yes", None),
    "adoption_gt_as_is": ("S2 and S3 above S1", "yes", None),
    "banned_share_s2": ("Banned share of coalition exports, S2 (%)", "~{}", 1),
}


def headline_view(heads: pd.DataFrame, s: Settings) -> Table:
    """The headline statistics, the paper's statement beside ours with both coefficients of Eq. 3."""
    published = load_published(SLUG)
    rows = []
    for stat, (label, form, d) in HEADLINE_ROWS.items():
        key = ("text", stat, "all") if stat == "banned_share_s2" else ("fig10", stat, "coef1")
        printed = published.loc[key, "estimate"] if key in published.index else ""
        if stat == "banned_share_s2":
            printed = f"{100 * float(printed):g}"
        paper = form.format(printed) if "{}" in form else form

        def cell(v):
            if d is None:
                return "yes" if bool(v) else "no"
            return f"{100 * float(v):.{d}f}" if stat == "banned_share_s2" else f"{float(v):,.{d}f}"
        rows.append((label, paper, cell(heads.loc[stat, "coef1"]), cell(heads.loc[stat, "coef05"])))
    frame = pd.DataFrame(rows, columns=["Statistic (section 6.4)", "Paper", "Ours, Eq. 3 as printed (c = 1)",
                                        "Ours, Eq. 3 as derived (c = ½)"])
    return show(frame, caption="Headline results of Figure 10 and section 6.4, the paper's beside ours",
                note="Both coefficients of Eq. 3's second-order term change only the Eq. 4 ranking (scenarios 4–6). "
                     f"IO model: WIOD 2008; product trade generated. {_lists_note(s)}")


def robustness_table(s: Settings, variants: dict | None = None, scenarios=(1, 2, 4, 5)) -> pd.DataFrame:
    """Russia's loss and the headline ratios under each specification variant (scenarios 1, 2, 4, 5)."""
    rows = {}
    for name, over in (variants or ROBUSTNESS_VARIANTS).items():
        if not s.data.is_real and (over.get("elasticity_source", "synthetic") != "synthetic" or "eu_list" in over):
            continue                     # needs the real concordance files / is the synthetic run itself
        tab = sc.summary_table(scenario_runs(s.replace(**over), scenarios=scenarios), list(s.coalition))
        L = tab["russia_loss_pct"]
        rows[name] = {"Russia S2 (%)": L[2], "Russia S4 (%)": L[4], "Russia S5 (%)": L[5], "S5/S4": L[5] / L[4],
                      "S5/S2": L[5] / L[2], "coalition S5 (%)": tab.loc[5, "coalition_loss_pct"],
                      "ratio S5": tab.loc[5, "ratio_proportional"],
                      "largest coalition loser S5": tab.loc[5, "largest_coalition_loser"]}
    return pd.DataFrame(rows).T


def robustness_view(rob: pd.DataFrame, s: Settings) -> Table:
    frame = rob.copy()
    for col in frame.columns[:-1]:
        frame[col] = frame[col].astype(float)
    return show(frame, caption="Specification choices: Russia's loss and the targeting gains, one change at a time",
                index=True, decimals={"Russia S2 (%)": 3, "Russia S4 (%)": 3, "Russia S5 (%)": 3, "S5/S4": 2,
                                      "S5/S2": 2, "coalition S5 (%)": 4, "ratio S5": 0},
                labels={"coalition S5 (%)": "Coalition S5 (%)", "ratio S5": "Proportional ratio S5",
                        "largest coalition loser S5": "Largest coalition loser S5"},
                note="Each row changes one choice from the baseline (first row). Losses in % of real expenditure. "
                     f"Product trade generated. {_lists_note(s)}")


def seed_variation(s: Settings, seeds=(1, 2, 3, 4, 5)) -> pd.DataFrame:
    """Headline statistics across draws of the synthetic product level (how much of a result is the draw)."""
    rows = {}
    for seed in seeds:
        h = sc.headlines(sc.summary_table(scenario_runs(s.replace(seed=seed)), list(s.coalition)))
        rows[seed] = {k: h[k] for k in ("russia_loss_s5", "s5_over_s4", "s5_over_s2", "ratio_proportional_min",
                                        "ratio_proportional_max", "russia_over_baltics_s5", "ordering_holds",
                                        "coordination_ge_expansion", "baltics_largest_s5")}
    out = pd.DataFrame(rows).T
    out.index.name = "seed"
    return out


def seed_variation_view(seeds: pd.DataFrame, s: Settings) -> Table:
    frame = seeds.copy()
    for col in ("ordering_holds", "coordination_ge_expansion", "baltics_largest_s5"):
        frame[col] = frame[col].map({True: "yes", False: "no"})
    for col in ("russia_loss_s5", "s5_over_s4", "s5_over_s2", "ratio_proportional_min", "ratio_proportional_max",
                "russia_over_baltics_s5"):
        frame[col] = frame[col].astype(float)
    return show(frame, caption="Headline statistics across draws of the product-level generator", index=True,
                decimals={"russia_loss_s5": 2, "s5_over_s4": 2, "s5_over_s2": 2, "ratio_proportional_min": 0,
                          "ratio_proportional_max": 0, "russia_over_baltics_s5": 1},
                labels={"seed": "Seed", "russia_loss_s5": "Russia S5 (%)", "s5_over_s4": "S5/S4", "s5_over_s2": "S5/S2",
                        "ratio_proportional_min": "Ratio, smallest", "ratio_proportional_max": "Ratio, largest",
                        "russia_over_baltics_s5": "Russia / Baltics S5", "ordering_holds": "Ordering holds",
                        "coordination_ge_expansion": "Coordination ≥ expansion",
                        "baltics_largest_s5": "Baltics largest loser"},
                note="Each row is a draw of generated product trade, home sales, elasticities and the US list with "
                     f"the same calibrated moments; seed 4 is the chapter's. {_lists_note(s)}")
