r"""The event inside the variance model: GARCH(1,1)-t with a regime dummy that
multiplies the variance intercept, fitted by maximum likelihood.

.. math::

    100 r_t = \mu + e_t,\quad e_t = \sigma_t z_t,\quad z_t \sim t_\nu \text{ (unit variance)},

    \sigma^2_t = \omega\, e^{\delta D_t} + \alpha e^2_{t-1} + \beta \sigma^2_{t-1},

with :math:`D_t = 1` from the event date on. The exponential keeps the intercept
positive for every :math:`\delta` (no constraint to enforce, a smooth likelihood), and
:math:`e^{\delta}` is directly the multiplier of the unconditional variance
:math:`\omega e^{\delta}/(1 - \alpha - \beta)` after the event (when
:math:`\alpha + \beta < 1`). With :math:`\delta = 0` the model is arch's
``arch_model(100 r, mean="Constant", vol="GARCH", p=1, q=1, dist="t")``, with the
same backcast, so the likelihoods agree exactly (tested).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .._results import ConfidenceInterval, ResultMixin, Summary, package_versions
from .._typing import AxesLike, DateLike, PricesLike
from .._validation import check_confidence_level, fmt_date
from ._garch import SCALE, _robust_cov, arch_backcast, fit_arch, shift_loglikelihood
from ._input import check_breaks, check_periods_per_year, log_returns, price_frame

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["VarianceEffectResult", "dummy_loglikelihood", "fit_dummy_garch", "variance_effect"]

_NAMES = ("mu", "omega", "delta", "alpha", "beta", "nu")


def dummy_loglikelihood(
    theta: np.ndarray, y: np.ndarray, dummy: np.ndarray, backcast: float
) -> np.ndarray:
    r"""Per-observation log-likelihood of the dummy model, ``theta = (mu, omega, delta,
    alpha, beta, nu)``; arch's standardised-t density and backcast."""
    mu, omega, delta, alpha, beta, nu = theta
    add = omega * math.expm1(delta)  # omega e^delta = omega + omega (e^delta - 1)
    return shift_loglikelihood(
        np.array([mu, omega, add, alpha, beta, nu]), y, dummy[:, None], 0, backcast
    )


def fit_dummy_garch(
    y: np.ndarray,
    dummy: np.ndarray,
    *,
    start: np.ndarray,
    fix_delta: float | None = None,
    backcast: float | None = None,
) -> tuple[np.ndarray, float, bool, str]:
    """Maximise the dummy-model likelihood (SLSQP, arch's constraints).

    ``fix_delta`` holds :math:`\\delta` at a value (profile likelihood). Returns the
    estimates, the log-likelihood, a success flag and the optimizer's message.
    """
    bc = arch_backcast(y) if backcast is None else backcast
    v = float(np.mean((y - y.mean()) ** 2))
    free = [0, 1, 3, 4, 5] if fix_delta is not None else [0, 1, 2, 3, 4, 5]

    def full(x):
        th = np.array(start, dtype=float)
        th[free] = x
        if fix_delta is not None:
            th[2] = fix_delta
        return th

    n = len(y)

    def objective(x):
        val = -dummy_loglikelihood(full(x), y, dummy, bc).sum() / n
        return val if np.isfinite(val) else 1e10

    bnd = {
        0: (None, None),
        1: (1e-8 * v, 10 * v),
        2: (-10.0, 10.0),
        3: (0.0, 1.0),
        4: (0.0, 1.0),
        5: (2.05, 500.0),
    }
    bounds = [bnd[j] for j in free]
    ia, ib = free.index(3), free.index(4)
    cons = [{"type": "ineq", "fun": lambda x: 1.0 - x[ia] - x[ib]}]
    x0 = np.array(start, dtype=float)[free]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        opt = optimize.minimize(
            objective,
            x0,
            method="SLSQP",
            bounds=bounds,
            constraints=cons,
            options={"ftol": 1e-13, "maxiter": 3000},
        )
    th = full(opt.x)
    return th, float(dummy_loglikelihood(th, y, dummy, bc).sum()), bool(opt.success), opt.message


@dataclass(frozen=True, slots=True, kw_only=True)
class VarianceEffectResult(ResultMixin):
    """The effect of an event on the GARCH variance intercept, as a variance multiplier.

    Attributes
    ----------
    statistic : float
        Estimated variance multiplier :math:`e^{\\hat\\delta}` (after/before, on the
        variance intercept, equal to the ratio of unconditional variances).
    confidence_interval : ConfidenceInterval
        Profile-likelihood interval of the multiplier.
    volatility_multiplier : float
        :math:`e^{\\hat\\delta/2}`, the same effect on volatility.
    lr_statistic, pvalue : float
        Likelihood-ratio test of :math:`\\delta = 0` (chi-squared, 1 df).
    params : pandas.DataFrame
        ``estimate, std_error`` (robust sandwich) by parameter (percent returns).
    restricted_params : pandas.Series
        arch's estimates without the dummy.
    """

    statistic: float
    confidence_interval: ConfidenceInterval
    volatility_multiplier: float
    lr_statistic: float
    pvalue: float
    params: pd.DataFrame
    restricted_params: pd.Series
    loglikelihood: float
    loglikelihood_restricted: float
    profile: pd.DataFrame = field(repr=False)
    conditional_volatility: pd.Series = field(repr=False)
    event_date: pd.Timestamp
    n_before: int
    n_after: int
    confidence_level: float
    periods_per_year: float
    scale: float
    converged: bool
    null_hypothesis: str
    method: str
    notes: tuple[str, ...]
    versions: dict[str, str] = field(repr=False)

    def __repr__(self) -> str:
        lo, hi = self.confidence_interval
        return (
            f"VarianceEffectResult({fmt_date(self.event_date)}: variance x{self.statistic:.3f} "
            f"[{lo:.3f}, {hi:.3f}], LR p={self.pvalue:.4g})"
        )

    @property
    def findings(self) -> tuple[str, ...]:
        lo, hi = self.confidence_interval
        level = round(100 * self.confidence_level)
        moved = "lower" if self.statistic < 1 else "higher"
        sure = (
            f"the {level}% interval excludes 1"
            if (hi < 1 or lo > 1)
            else f"the {level}% interval includes 1 (no effect is compatible with the data)"
        )
        integrated = float(
            self.params.loc["alpha", "estimate"] + self.params.loc["beta", "estimate"]
        )
        what = (
            "the GARCH variance intercept (alpha + beta = 1: no unconditional variance to scale)"
            if integrated > 1 - 1e-6
            else "the GARCH variance intercept (and the unconditional variance)"
        )
        if not (np.isfinite(lo) and np.isfinite(hi)):
            sure += (
                "; the profile likelihood does not fall to the cut-off on one side within "
                "exp(+-12.8), so that end of the interval is unbounded (the effect is weakly "
                "identified)"
            )
        return (
            f"From {fmt_date(self.event_date)} {what} is "
            f"{self.statistic:.3f} times its earlier level ({moved}; "
            f"volatility x{self.volatility_multiplier:.3f}), {level}% profile-likelihood CI "
            f"[{lo:.3f}, {hi:.3f}]; LR = {self.lr_statistic:.3f}, p = {self.pvalue:.4g}; {sure}.",
        )

    def to_frame(self) -> pd.DataFrame:
        """Tidy ``quantity, value`` rows: the effect, its interval, the test and parameters."""
        lo, hi = self.confidence_interval
        rows = [
            ("variance_multiplier", self.statistic),
            ("ci_low", lo),
            ("ci_high", hi),
            ("volatility_multiplier", self.volatility_multiplier),
            ("lr_statistic", self.lr_statistic),
            ("pvalue", self.pvalue),
            ("loglikelihood", self.loglikelihood),
            ("loglikelihood_restricted", self.loglikelihood_restricted),
        ]
        for name, r in self.params.iterrows():
            rows += [(str(name), r["estimate"]), (f"{name}_std_error", r["std_error"])]
        return pd.DataFrame(rows, columns=["quantity", "value"]).astype({"value": float})

    def _summary(self) -> Summary:
        lo, hi = self.confidence_interval
        eff = pd.DataFrame(
            {
                "value": [
                    self.statistic,
                    lo,
                    hi,
                    self.volatility_multiplier,
                    self.lr_statistic,
                    self.pvalue,
                ]
            },
            index=pd.Index(
                [
                    "variance multiplier",
                    "CI low",
                    "CI high",
                    "volatility multiplier",
                    "LR statistic",
                    "p-value",
                ],
                name="",
            ),
        )
        return Summary(
            f"GARCH(1,1)-t with an event dummy in the variance: {fmt_date(self.event_date)}",
            tables=(("Effect", eff), ("Parameters (percent returns)", self.params)),
            notes=(
                *self.findings,
                f"Null hypothesis of the p-value: {self.null_hypothesis}",
                self.method,
                *self.notes,
            ),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Profile log-likelihood of the multiplier with the interval, and the conditional
        volatility with the event.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), width_ratios=(1, 2))
        else:
            axes = list(np.ravel(ax))
            if len(axes) < 2:
                raise ValueError(f"`ax` must hold 2 axes; got {len(axes)}.")
            fig = axes[0].figure
        a0, a1 = axes[0], axes[1]
        p = self.profile
        a0.plot(p["variance_multiplier"], p["loglikelihood"] - self.loglikelihood, color="k")
        cut = -0.5 * stats.chi2.ppf(self.confidence_level, 1)
        a0.axhline(cut, color="C1", ls="--", lw=0.8)
        a0.axvline(self.statistic, color="C0")
        a0.axvline(1.0, color="0.5", ls=":")
        a0.set_xscale("log")
        a0.set_xlabel("variance multiplier exp(delta) (unitless, log scale)")
        a0.set_ylabel("profile log-likelihood - max (nats)")
        cv = self.conditional_volatility
        a1.plot(cv.index, cv.to_numpy(), color="C0", lw=0.7)
        a1.axvline(self.event_date, color="C3", ls="--", lw=1)
        a1.set_xlabel("date")
        a1.set_ylabel("conditional volatility\n(annualised fraction)")
        fig.tight_layout()
        return fig


def _profile_interval(y, dummy, best, ll1, bc, level):
    """Roots of 2(l1 - l_p(delta)) = chi2_1(level) on each side of delta-hat."""
    crit = stats.chi2.ppf(level, 1)
    cache: dict[float, float] = {}

    def g(d):
        if d not in cache:
            start = best.copy()
            start[2] = d
            _, ll, _, _ = fit_dummy_garch(y, dummy, start=start, fix_delta=d, backcast=bc)
            cache[d] = ll
        return 2 * (ll1 - cache[d]) - crit

    out = []
    for sign in (-1.0, 1.0):
        step, d0 = 0.1, best[2]
        d1 = d0 + sign * step
        while g(d1) < 0 and abs(d1 - d0) < 8:
            step *= 2
            d1 = d0 + sign * step
        if g(d1) < 0:
            out.append(sign * math.inf)
            continue
        out.append(float(optimize.brentq(g, *sorted((d0, d1)), xtol=1e-5)))
    prof = pd.DataFrame(sorted(cache.items()), columns=["delta", "loglikelihood"])
    prof["variance_multiplier"] = np.exp(prof["delta"])
    return out[0], out[1], prof


def _dummy_sigma2(best: np.ndarray, y: np.ndarray, dummy: np.ndarray, bc: float) -> np.ndarray:
    """Conditional variances of the fitted dummy-GARCH model (percent scale)."""
    mu, omega, delta, alpha, beta, _nu = best
    e = y - mu
    s2 = np.empty(len(y))
    prev_s2, prev_e2 = bc, bc
    om = omega * np.exp(delta * dummy)
    for t in range(len(y)):
        s2[t] = om[t] + alpha * prev_e2 + beta * prev_s2
        prev_s2, prev_e2 = s2[t], e[t] * e[t]
    return s2


def _effect_notes(best: np.ndarray, note0: str, ok: bool, msg: str) -> list[str]:
    notes = []
    alpha, beta = best[3], best[4]
    if alpha + beta > 1 - 1e-6:
        notes.append(
            "alpha + beta is at 1 (integrated GARCH): there is no unconditional variance, and "
            "exp(delta) then scales the variance intercept only."
        )
    if note0:
        notes.append(f"Restricted fit (arch): {note0}.")
    if not ok:
        notes.append(f"Optimizer: {msg}")
    return notes


def variance_effect(
    prices: PricesLike,
    *,
    event_date: DateLike = "2024-01-10",
    confidence_level: float = 0.95,
    periods_per_year: float | None = None,
) -> VarianceEffectResult:
    r"""The event's effect on volatility inside a GARCH(1,1)-t model, with interval and test.

    Parameters
    ----------
    prices : pandas.Series or DataFrame
        Daily prices (a Series of closes or a frame with ``close``).
    event_date : date, default "2024-01-10"
        First date of the post-event regime (the return dated on it is the first with
        :math:`D_t = 1`); default the US spot-Bitcoin-ETF approval.
    confidence_level : float, default 0.95
    periods_per_year : float, optional
        Annualisation of the conditional volatility; default ``prices.attrs``.

    Returns
    -------
    VarianceEffectResult

    Raises
    ------
    TypeError, ValueError
        Invalid prices or options; an event date not inside the returns.

    Notes
    -----
    Model in the module docstring (:mod:`riskcycle.regimes._effect`): the dummy
    multiplies the variance intercept by :math:`e^{\delta}`; the effect is reported as
    that multiplier, which is the ratio of the unconditional variances after/before
    when :math:`\alpha + \beta < 1`. Maximum likelihood with scipy's SLSQP under
    arch's constraints (:math:`\alpha, \beta \ge 0`, :math:`\alpha + \beta \le 1`,
    :math:`2.05 < \nu < 500`), started at arch's estimates with :math:`\delta = 0`.
    The interval inverts the likelihood-ratio test (profile likelihood:
    :math:`\{\delta: 2(\ell(\hat\theta) - \max_{\theta: \delta} \ell) \le
    \chi^2_{1,\text{level}}\}`), so it is invariant to the parametrisation and
    consistent with the LR p-value. Validated: at :math:`D_t = 0` the likelihood and
    the estimates equal arch's (tested to 1e-6); on simulated GARCH(1,1)-t data
    (1,500 returns, :math:`\alpha = 0.08, \beta = 0.85, \nu = 6`, multiplier 0.5 at
    mid-sample, 80 replications) the bias of :math:`\hat\delta` was +0.026 (Monte
    Carlo s.e. 0.020) and the 95% interval covered the truth 77 times (binomial 95%
    interval 0.89-0.99). The test assumes the GARCH-t model is correctly specified apart
    from the event; other variance breaks (see :func:`variance_breaks`) load onto
    :math:`\delta` when they are on the same side of the event.

    References
    ----------
    Bollerslev, T. (1987). A conditionally heteroskedastic time series model for
    speculative prices and rates of return. *Review of Economics and Statistics*
    69(3), 542-547. doi:10.2307/1925546

    Venzon, D. J., & Moolgavkar, S. H. (1988). A method for computing
    profile-likelihood-based confidence intervals. *Journal of the Royal Statistical
    Society C* 37(1), 87-94. doi:10.2307/2347496

    Examples
    --------
    >>> import riskcycle
    >>> from riskcycle.regimes import variance_effect
    >>> btc = riskcycle.datasets.load("btc")
    >>> res = variance_effect(btc.loc["2022":], event_date="2024-01-10")
    >>> bool(res.confidence_interval.low < res.statistic < res.confidence_interval.high)
    True
    """
    frame = price_frame(prices)
    ppy = check_periods_per_year(periods_per_year, prices)
    returns = log_returns(frame["close"])
    date = check_breaks(event_date, returns.index, name="event_date")[0]
    level = check_confidence_level(confidence_level)
    y = returns.to_numpy() * SCALE
    dummy = (returns.index >= date).astype(float)
    bc = arch_backcast(y)
    res0, note0 = fit_arch(y, 0)
    p0 = res0.params
    ll0 = float(res0.loglikelihood)
    start = np.array(
        [
            float(p0["mu"]),
            float(p0["omega"]),
            0.0,
            float(p0["alpha[1]"]),
            float(p0["beta[1]"]),
            float(p0["nu"]),
        ]
    )
    best, ll1, ok, msg = fit_dummy_garch(y, dummy, start=start, backcast=bc)
    lr = max(2.0 * (ll1 - ll0), 0.0)
    lo, hi, prof = _profile_interval(y, dummy, best, max(ll1, ll0), bc, level)
    h = 1e-5 * np.maximum(np.abs(best), 1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        cov = _robust_cov(best, lambda th: dummy_loglikelihood(th, y, dummy, bc), h)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    params = pd.DataFrame(
        {"estimate": best, "std_error": se}, index=pd.Index(_NAMES, name="parameter")
    )
    delta = best[2]
    s2 = _dummy_sigma2(best, y, dummy, bc)
    cvol = pd.Series(np.sqrt(s2 * ppy) / SCALE, index=returns.index, name="conditional_volatility")
    notes = _effect_notes(best, note0, ok, msg)
    return VarianceEffectResult(
        statistic=float(np.exp(delta)),
        confidence_interval=ConfidenceInterval(float(np.exp(lo)), float(np.exp(hi))),
        volatility_multiplier=float(np.exp(delta / 2)),
        lr_statistic=lr,
        pvalue=float(stats.chi2.sf(lr, 1)),
        params=params,
        restricted_params=p0.astype(float),
        loglikelihood=max(ll1, ll0),
        loglikelihood_restricted=ll0,
        profile=prof,
        conditional_volatility=cvol,
        event_date=date,
        n_before=int((dummy == 0).sum()),
        n_after=int(dummy.sum()),
        confidence_level=level,
        periods_per_year=ppy,
        scale=SCALE,
        converged=ok,
        null_hypothesis=(
            "The event does not change the GARCH variance intercept (delta = 0), in a "
            "GARCH(1,1) model with Student-t errors fitted to the full sample."
        ),
        method=(
            "GARCH(1,1)-t with sigma2_t = omega exp(delta D_t) + alpha e2_{t-1} + beta "
            "sigma2_{t-1}, D_t = 1 from the event on; own maximum likelihood (scipy SLSQP), "
            "restricted model by arch (same likelihood and backcast); profile-likelihood "
            "interval and likelihood-ratio test (chi-squared, 1 df). Percent returns."
        ),
        notes=tuple(notes),
        versions=package_versions(),
    )
