"""Does the residual find injected re-routing? The paired design of spec §7.4 on the synthetic world: the same seed
with and without the injected routes, residuals compared cell by cell, and a placebo route of share 0."""
from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.cache import cached
from helpers.chapter import Settings
from helpers.chapters.phillips_ahmad.pipeline import PAIR_KEY, SyntheticPanels, prepare
from helpers.chapters.phillips_ahmad.settings import SLUG
from helpers.chapters.phillips_ahmad.synth import PLACEBO_ROUTE, inject_routes
from helpers.methods import gravity as G


def recovery(settings: Settings) -> pd.DataFrame:
    """`recover(settings)`, cached on disk per settings (always on the synthetic world)."""
    return cached(SLUG, {"stage": "routes", **settings.key(), "data_source": "synthetic"},
                  lambda: recover(settings))


def recover(settings: Settings) -> pd.DataFrame:
    """Δresid on the route cells, summed over post-start years, against the injected amounts (`recovery` =
    Δresid / injected; negative amounts on the diverted origin->destination flow); the placebo's largest
    |Δresid|; and the hub's percentile among the destination's import residuals in the last year, with and
    without injection. One row per (sector, kind, cell)."""
    source = SyntheticPanels(settings)
    w = source.world
    x = source.gravity_vars
    per = source.periods[1]
    last = int(per[1])
    sectors = ["Machinery"] if settings["quick"] else [k for k in w.route_sectors if k in source.sectors]
    sectors = sectors or list(w.route_sectors)[:1]

    def residuals(panel: pd.DataFrame) -> pd.DataFrame:
        return G.fit_ppml(prepare(panel, settings), x, fe_structure=settings["fe_structure"]).data

    rows = []
    for sector in sectors:
        fitted = {inject: residuals(w.sector_panel(sector, per, inject=inject)) for inject in (True, False)}
        # the placebo alone (share 0) in its own paired comparison: nothing may move
        y0, _ = w.draw_trade(sector, inject=False)
        y_placebo, _ = inject_routes(y0, w.isos, w.year_list, [PLACEBO_ROUTE], sector)
        both_placebo = _paired(residuals(w.long_panel(y_placebo, sector, per, True)), fitted[False])
        both = _paired(fitted[True], fitted[False])
        _, records = w.draw_trade(sector, inject=True)
        for c in _injected_cells(records).itertuples():
            sel = (both["year"] >= c.start) & (both.exporter == c.exporter) & (both.importer == c.importer)
            rows.append({"sector": sector, "kind": "cell", "cell": f"{c.exporter}->{c.importer}", "role": c.role,
                         "injected": c.injected, "dresid": both.loc[sel, "dresid"].sum()})
        o, h, dd, t0, _ = PLACEBO_ROUTE
        for a, b, role in ((o, h, "origin->hub"), (h, dd, "hub->destination"), (o, dd, "diversion")):
            sel = (both_placebo["year"] >= t0) & (both_placebo.exporter == a) & (both_placebo.importer == b)
            rows.append({"sector": sector, "kind": "placebo", "cell": f"{a}->{b}", "role": role, "injected": 0.0,
                         "dresid": float(both_placebo.loc[sel, "dresid"].abs().max())})
        for route in w.routes:
            o, h, dd = route[:3]
            for inject, frame in fitted.items():
                imp = frame[(frame.importer == dd) & (frame.exporter != dd) & (frame.year == last)]
                hub = imp.loc[imp.exporter == h, "resid"]
                pct = float((imp["resid"] < hub.iloc[0]).mean()) if len(hub) else np.nan
                rows.append({"sector": sector, "kind": "percentile_with" if inject else "percentile_without",
                             "cell": f"{h} among {dd} imports {last}", "role": f"{o}->{h}->{dd}",
                             "injected": np.nan, "dresid": pct})
    out = pd.DataFrame(rows)
    out["recovery"] = np.where((out["kind"] == "cell") & (out["injected"].abs() > 0),
                               out["dresid"] / out["injected"].where(out["injected"] != 0), np.nan)
    return out


def _paired(with_: pd.DataFrame, without: pd.DataFrame) -> pd.DataFrame:
    both = with_[PAIR_KEY + ["resid"]].merge(without[PAIR_KEY + ["resid"]], on=PAIR_KEY, suffixes=("_with", "_without"))
    both["dresid"] = both["resid_with"] - both["resid_without"]
    return both


def _injected_cells(records: pd.DataFrame) -> pd.DataFrame:
    """Injected amount per cell and role: + on origin->hub and hub->destination, - on the diverted
    origin->destination flow, from the first injected year."""
    legs = pd.concat([
        records.assign(exporter=records.origin, importer=records.hub, role="origin->hub", amount=records.amount),
        records.assign(exporter=records.hub, importer=records.destination, role="hub->destination",
                       amount=records.amount),
        records.assign(exporter=records.origin, importer=records.destination, role="diversion",
                       amount=-records.amount)])
    return legs.groupby(["exporter", "importer", "role"]).agg(injected=("amount", "sum"),
                                                             start=("year", "min")).reset_index()


def summary(routes: pd.DataFrame) -> dict[str, float]:
    """The numbers the trajectories page quotes: the smallest recovery of VNM->USA, Vietnam's smallest percentile
    among U.S. import residuals with and without injection, and the placebo's largest |Δresid|."""
    cells = routes[~routes["kind"].str.startswith("percentile")]
    pct = routes[routes["kind"].str.startswith("percentile") & (routes["role"] == "CHN->VNM->USA")]
    return {"vnm_usa_min_recovery": cells.loc[cells["cell"] == "VNM->USA", "recovery"].min(),
            "vnm_pct_with": pct.loc[pct["kind"] == "percentile_with", "dresid"].min(),
            "vnm_pct_without": pct.loc[pct["kind"] == "percentile_without", "dresid"].min(),
            "placebo_max_abs": routes.loc[routes["kind"] == "placebo", "dresid"].abs().max()}


def recovery_table(routes: pd.DataFrame) -> pd.DataFrame:
    """Δresid / injected by route cell and role (rows) and sector (columns); the placebo rows hold its |Δresid|."""
    cells = routes[~routes["kind"].str.startswith("percentile")]
    return cells.pivot_table(index=["cell", "role"], columns="sector", values="recovery").round(2)
