"""Panel regressions with absorbed fixed effects and clustered standard errors, for the flows
estimators (roundabout, impact).

The algebra is linearmodels' (`AbsorbingLS`: the fixed effects are swept out, the coefficients
of interest estimated by least squares on what is left, the covariance clustered); this module
only names the effects and clusters by the panel's columns and returns plain numbers a finding
can quote. linearmodels, pandas and scipy are imported where they are used, so that commands
which never estimate start fast.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

LEVEL = 0.95


class EstimationError(ValueError):
    """The data cannot identify the coefficient asked for (it is absorbed, or never varies)."""


@dataclass(frozen=True)
class Coefficient:
    name: str
    estimate: float
    se: float
    low: float  # the 95 % confidence interval
    high: float
    p_value: float

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high

    def text(self) -> str:
        return (
            f"{self.estimate:+.3f} (SE {self.se:.3f}, 95 % CI {self.low:+.3f} to {self.high:+.3f})"
        )


@dataclass(frozen=True)
class WaldTest:
    """A joint test that the named coefficients are all zero: the clustered Wald statistic
    over its q restrictions, read against F(q, G − 1) for G clusters."""

    terms: tuple[str, ...]
    statistic: float
    df: int
    df_denom: int
    p_value: float

    def text(self) -> str:
        if not self.terms:
            return "no pre-period coefficient to test"
        if self.df > self.df_denom:
            return f"no joint test ({self.df} coefficients, only {self.df_denom + 1} clusters)"
        return f"Wald F({self.df}, {self.df_denom}) = {self.statistic:.2f}, p = {self.p_value:.3f}"


@dataclass(frozen=True)
class Fit:
    """One estimated regression: its coefficients and what a reader needs to judge them."""

    outcome: str
    coefficients: dict[str, Coefficient]
    nobs: int
    clusters: int
    cluster_by: str
    effects: tuple[str, ...]
    _results: Any = field(default=None, repr=False, compare=False)
    _scale: float = field(default=1.0, repr=False, compare=False)  # the CR1 factor

    def __getitem__(self, name: str) -> Coefficient:
        return self.coefficients[name]

    def wald(self, names: Sequence[str]) -> WaldTest:
        """Joint Wald test that every coefficient in `names` is zero."""
        names = tuple(names)
        if not names or len(names) > self.clusters - 1:
            # the clustered covariance has rank G − 1 at most: no joint test of more terms
            return WaldTest(names, math.nan, len(names), self.clusters - 1, math.nan)
        import numpy as np
        from scipy import stats  # type: ignore[import-untyped]

        columns = list(self._results.params.index)
        restriction = np.zeros((len(names), len(columns)))
        for row, name in enumerate(names):
            restriction[row, columns.index(name)] = 1.0
        test = self._results.wald_test(restriction, np.zeros(len(names)))
        # as F(q, G − 1), the few-clusters form of the clustered Wald test (statistic / q)
        q = int(test.df)
        statistic = float(test.stat) / q / self._scale
        p_value = float(stats.f(q, max(self.clusters - 1, 1)).sf(statistic))
        return WaldTest(names, statistic, q, self.clusters - 1, p_value)

    def describe(self) -> str:
        """N, clusters and effects, as a coefficient table's footnote says them."""
        return (
            f"N {self.nobs:,}; {self.clusters:,} clusters ({self.cluster_by}); fixed effects "
            f"{', '.join(self.effects)}"
        )


def _codes(frame: pd.DataFrame, columns: Sequence[str]) -> Any:
    """One integer per distinct combination of `columns` (the levels of an interaction)."""
    return frame.groupby(list(columns), sort=False, observed=True).ngroup().to_numpy()


def _nested(effect: Any, clusters: Any) -> bool:
    """Whether every level of the effect falls in one cluster (its dummies then cost the
    clustered covariance no degree of freedom)."""
    import pandas as pd

    pairs = pd.DataFrame({"effect": effect, "cluster": clusters}).drop_duplicates()
    return bool(pairs["effect"].is_unique)


def absorbing_fit(
    frame: pd.DataFrame,
    outcome: str,
    regressors: Sequence[str],
    effects: Mapping[str, Sequence[str]],
    cluster: Sequence[str],
    cluster_label: str,
) -> Fit:
    """Least squares of `outcome` on `regressors` with each effect (a name: the columns whose
    interaction it is) absorbed, standard errors clustered by the interaction of `cluster`.

    The clustered covariance is linearmodels' with the small-sample factor of Stata's reghdfe
    (CR1): G/(G − 1) · (N − 1)/(N − K), where K counts the regressors and the levels of the
    effects not nested in the clusters (a nested effect costs the clustered covariance
    nothing); intervals and p-values read t(G − 1), as Cameron and Miller (2015) advise when
    clusters are few."""
    import pandas as pd
    from linearmodels.iv import AbsorbingLS
    from linearmodels.panel.utility import AbsorbingEffectError
    from scipy import stats

    if frame.empty:
        raise EstimationError("no observations to estimate on")
    codes = {name: _codes(frame, columns) for name, columns in effects.items()}
    absorb = pd.DataFrame({name: pd.Categorical(code) for name, code in codes.items()})
    exog = frame[list(regressors)].reset_index(drop=True).astype(float)
    for name in regressors:
        if exog[name].nunique() < 2:
            raise EstimationError(f"{name} never varies in the data: nothing to estimate")
    dependent = frame[outcome].reset_index(drop=True).astype(float)
    clusters = _codes(frame, cluster)
    groups = len(set(clusters.tolist()))
    if groups < 2:
        raise EstimationError(f"one cluster ({cluster_label}): no clustered standard error")
    model = AbsorbingLS(dependent, exog, absorb=absorb)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter of the absorbing step
            results = model.fit(cov_type="clustered", clusters=clusters, debiased=False)
    except AbsorbingEffectError as exc:
        raise EstimationError(
            f"the fixed effects absorb the treatment: {exc}; the data have no comparison "
            "group for it"
        ) from None
    nobs = int(results.nobs)
    absorbed = sum(
        len(set(code.tolist())) - 1 for code in codes.values() if not _nested(code, clusters)
    )
    remaining = nobs - len(regressors) - absorbed
    if remaining < 1:
        raise EstimationError("more fixed effects than observations")
    scale = groups / (groups - 1) * (nobs - 1) / remaining
    t = stats.t(groups - 1)
    half = float(t.ppf(0.5 + LEVEL / 2))
    coefficients = {}
    for name in regressors:
        estimate = float(results.params[name])
        se = float(results.std_errors[name]) * math.sqrt(scale)
        p_value = float(2 * t.sf(abs(estimate / se))) if se > 0 else math.nan
        coefficients[name] = Coefficient(
            name, estimate, se, estimate - half * se, estimate + half * se, p_value
        )
    return Fit(
        outcome=outcome,
        coefficients=coefficients,
        nobs=nobs,
        clusters=groups,
        cluster_by=cluster_label,
        effects=tuple(effects),
        _results=results,
        _scale=scale,
    )
