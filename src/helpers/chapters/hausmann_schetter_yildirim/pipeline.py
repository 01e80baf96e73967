"""Hausmann, Schetter & Yildirim: from the settings to the ranked products and the six scenarios, as one frozen
result.

    r = run(settings)
    r.products (ranked by Eq. 3 and Eq. 4), r.world, r.scenarios, r.summary, r.headlines

Each part is built on first use (the criterion and calibration pages solve no scenario); the scenario runs are
kept in the result cache, so the scenario, robustness and scorecard pages solve each specification once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from helpers.cache import cached
from helpers.chapter import Settings

from . import inputs
from .model import calibration as cal
from .model import scenarios as sc
from .model.io_model import IOModel, WorldIO
from .settings import SLUG


def prepare(raw: pd.DataFrame, s: Settings, **changes) -> pd.DataFrame:
    """The product table ranked under the settings: expenditure, Omega_CO, Eq. 3/4 values and ranks, model
    industry. `changes` override the ranking's inputs (Figure A.1: home_sales=False, common_sigma=9.2)."""
    options = dict(scheme=s.industry_scheme, unmapped=s.unmapped_treatment, coef=float(s.second_order_coef),
                   theta_intermediate=s.theta_intermediate, omega_cap=s.omega_cap, home_sales=s.home_sales)
    return sc.prepare_products(raw, list(s.coalition), **{**options, **changes})


def scenario_runs(s: Settings, scenarios=sc.SCENARIOS) -> dict[int, sc.ScenarioResult]:
    """The scenarios under the settings, each warm-started from the previous one; cached on disk (the results
    are deterministic, so a cache hit returns exactly what a fresh run would)."""
    def compute():
        kind = s.data.kind
        w = inputs.world(kind, s.industry_scheme)
        elasticities, theta_d = cal.elasticities(s.elasticity_set, s.industry_scheme)
        products = prepare(inputs.product_table(kind, s.seed, s.industry_scheme, s.elasticity_source, s.eu_list), s)
        results = sc.run_all(w, IOModel(w, elasticities), products, list(s.coalition), theta_d, scenarios=scenarios,
                             targeting_rule=s.targeting_rule, target_share=s.ban_share_target or None,
                             expansion=s.expansion, fn23_scaling=s.fn23_scaling, seed=s.seed)
        for r in results.values():
            r.__dict__.pop("_x", None)          # the warm start is not part of the result
        return results

    return cached(SLUG, {"scenarios": list(scenarios), **s.key()}, compute)


@dataclass(frozen=True)
class Results:
    """The chapter's result under `settings` (every attribute is computed once, then fixed)."""

    settings: Settings

    @property
    def kind(self) -> str:
        """"real" (WIOD and the concordances) or "synthetic": the data the run is built on."""
        return self.settings.data.kind

    @property
    def coalition(self) -> list[str]:
        return list(self.settings.coalition)

    @cached_property
    def world(self) -> WorldIO:
        return inputs.world(self.kind, self.settings.industry_scheme)

    @cached_property
    def raw_products(self) -> pd.DataFrame:
        """The HS6 product table as built (before ranking)."""
        s = self.settings
        return inputs.product_table(self.kind, s.seed, s.industry_scheme, s.elasticity_source, s.eu_list)

    @cached_property
    def products(self) -> pd.DataFrame:
        """The products Russia imports, ranked by Eq. 3 and Eq. 4."""
        return prepare(self.raw_products, self.settings)

    @cached_property
    def ranking_variants(self) -> dict[str, pd.DataFrame]:
        """Figure A.1: the ranking without Russian home sales, and with a common elasticity (eps = -8.2)."""
        return {"no_home_shares": prepare(self.raw_products, self.settings, home_sales=False),
                "common_elasticity": prepare(self.raw_products, self.settings, common_sigma=9.2)}

    @cached_property
    def scenarios(self) -> dict[int, sc.ScenarioResult]:
        """The six scenarios of section 6.4."""
        return scenario_runs(self.settings)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Figure 10a in numbers: Russia's and the coalition's losses per scenario."""
        return sc.summary_table(self.scenarios, self.coalition)

    @property
    def headlines(self) -> dict:
        """The section 9 headline statistics."""
        return sc.headlines(self.summary)


def run(settings: Settings) -> Results:
    """The chapter's result under `settings` (from `chapter.open` or `chapter.settings`)."""
    return Results(settings)
