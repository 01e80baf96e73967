"""One results vocabulary for the book's estimators (Cox, GLS-ARMA, PPML/OLS with fixed effects).

Every fit returns a frozen :class:`Results` (as statsmodels' ``LikelihoodModelResults`` and pyfixest's
output mixin): ``params``, ``bse``, ``cov``, ``nobs``, ``converged``, ``statistic`` ("z" or "t") with
``tvalues``, ``pvalues``, ``conf_int(alpha)`` (columns ``lower``, ``upper``), ``tidy(alpha)`` (columns
:data:`TIDY_COLUMNS`, label columns in front where a result carries labels), ``summary()`` and
``without_data()``. Estimator-specific extras (hazard ratios, ARMA coefficients, log-likelihoods, fit
statistics) live on the subclasses. Results are never edited: another view of a fit is another object
(``dataclasses.replace``).

:func:`from_pyfixest` reads a pyfixest fit through its public API into the same fields.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Results", "TIDY_COLUMNS", "from_pyfixest", "pyfixest_fields"]

TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]


@dataclass(frozen=True, kw_only=True)
class Results:
    """Frozen base of every fit: coefficients, their covariance and the inference derived from them.

    ``statistic`` names the test statistic ("z": standard normal; "t": Student t with ``df_resid``
    degrees of freedom, see :meth:`_reference_dist`). ``data`` holds whatever the fit keeps about its
    sample (the fields in ``_DATA_FIELDS``); :meth:`without_data` returns a copy without them.
    """

    params: pd.Series
    cov: pd.DataFrame
    nobs: int
    converged: bool = True
    data: Any = field(default=None, repr=False, compare=False)

    statistic: ClassVar[str] = "z"
    title: ClassVar[str] = "Regression"
    _DATA_FIELDS: ClassVar[tuple[str, ...]] = ("data",)

    # ---- inference -------------------------------------------------------------------------
    @property
    def bse(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.cov.to_numpy())), index=self.params.index)

    @property
    def tvalues(self) -> pd.Series:
        """Values of the test statistic (z or t, see ``statistic``)."""
        return self.params / self.bse

    def _reference_dist(self):
        """Distribution of the statistic under the null (the subclass using t overrides it)."""
        return stats.norm

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(2 * self._reference_dist().sf(np.abs(self.tvalues)), index=self.params.index)

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals params -/+ z_{1 - alpha/2} bse (normal quantile, as the papers print them)."""
        z = stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame({"lower": self.params - z * self.bse, "upper": self.params + z * self.bse})

    # ---- presentation ----------------------------------------------------------------------
    def labels(self) -> dict:
        """Label columns put in front of :meth:`tidy` (none by default)."""
        return {}

    def tidy(self, alpha: float = 0.05) -> pd.DataFrame:
        """One row per coefficient with :data:`TIDY_COLUMNS` (the frame every table is built from)."""
        ci = self.conf_int(alpha)
        out = pd.DataFrame({
            "term": list(map(str, self.params.index)), "estimate": self.params.to_numpy(float),
            "std_error": self.bse.to_numpy(float), "statistic": self.tvalues.to_numpy(float),
            "p_value": self.pvalues.to_numpy(float), "conf_low": ci["lower"].to_numpy(float),
            "conf_high": ci["upper"].to_numpy(float),
        })
        for pos, (k, v) in enumerate(self.labels().items()):
            out.insert(pos, k, v)
        return out

    def summary_lines(self) -> list[tuple[str, str]]:
        """(name, formatted value) lines printed under the coefficient table; subclasses add theirs."""
        return [("Observations", f"{self.nobs:,}"), ("Converged", str(bool(self.converged)))]

    def summary(self, alpha: float = 0.05, digits: int = 4, stars=None) -> str:
        """A readable text table: title, coefficients (with the marks of ``stars``, anything with a
        ``.of(p)`` method such as ``helpers.report.tables.STARS_3``), then the fit's statistics."""
        t = self.tidy(alpha).set_index("term")[TIDY_COLUMNS[1:]]
        body = t.map(lambda v: f"{v:.{digits}f}")
        if stars is not None:
            body["estimate"] = [f"{e}{stars.of(p)}" for e, p in zip(body["estimate"], t["p_value"])]
        body = body.rename(columns={"statistic": self.statistic})
        foot = self.summary_lines()
        width = max(len(k) for k, _ in foot) + 2
        return "\n".join([self.title, body.to_string(), *(f"{k:<{width}}{v}" for k, v in foot)])

    def __str__(self) -> str:
        return self.summary()

    # ---- data ------------------------------------------------------------------------------
    def without_data(self):
        """A new result without the sample-sized fields (for caching or pickling); this one is unchanged."""
        return dataclasses.replace(self, **{name: None for name in self._DATA_FIELDS})


# ----------------------------------------------------------------------------------------------
# pyfixest adapter
# ----------------------------------------------------------------------------------------------
def pyfixest_fields(fit) -> dict:
    """``params``, ``cov``, ``nobs`` and ``converged`` of a pyfixest ``Feols``/``Fepois`` fit.

    Coefficients and the estimation sample size come from the public API (``coef()``, ``resid()``).
    pyfixest 0.60 has no public getter for the covariance *matrix* (``vcov()`` recomputes and returns
    the model), so the matrix is read from ``_vcov``, the one private name used; its diagonal is
    checked against the public ``se()``.
    """
    params = fit.coef()
    names = list(map(str, params.index))
    params = pd.Series(params.to_numpy(float), index=names)
    cov = np.asarray(fit._vcov, float).reshape(len(names), len(names))
    if not np.allclose(np.sqrt(np.diag(cov)), fit.se().to_numpy(float), rtol=1e-12, atol=0):
        raise RuntimeError("pyfixest's covariance matrix and its standard errors disagree.")
    nobs = int(np.asarray(fit.resid()).size)
    return {"params": params, "cov": pd.DataFrame(cov, index=names, columns=names), "nobs": nobs,
            "converged": bool(getattr(fit, "convergence", True))}


def from_pyfixest(fit, cls: type[Results] = Results, **extra) -> Results:
    """A frozen result (``cls``, default :class:`Results`) from a pyfixest fit; ``extra`` fills the
    subclass's own fields."""
    return cls(**pyfixest_fields(fit), **extra)
