"""Result objects of the inference functions.

Every result is a frozen dataclass with ``summary()`` (text; ``as_html()``,
``as_latex()``, ``as_markdown()``), ``to_frame()`` (tidy, unrounded,
snake_case), a short ``repr`` and ``plot(ax=None)``. Every p-value carries its
null hypothesis in plain language, its resampling scheme and its Monte Carlo
standard error (0 for exact enumeration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._options import (
    BaseRateOptions,
    BootstrapOptions,
    GarchNullOptions,
    PlaceboOptions,
    PowerOptions,
)
from .._results import ConfidenceInterval, ResultMixin, Summary, package_versions
from .._typing import AxesLike

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["BaseRateResult", "BootstrapResult", "GarchNullResult", "PlaceboResult", "PowerResult"]


def _fmt_p(p: float, se: float) -> str:
    if not np.isfinite(p):
        return "nan"
    if se == 0:
        return f"{p:.4g} (exact)"
    return f"{p:.4g} (Monte Carlo s.e. {se:.2g})"


_NAN_INTERVAL = ConfidenceInterval(np.nan, np.nan)


def _as_intervals(result: object, *names: str) -> None:
    """Turn the ``(low, high)`` pairs a constructor gave into ConfidenceInterval objects
    (the one interval type; indexing and unpacking read them as before)."""
    for name in names:
        value = getattr(result, name)
        if not isinstance(value, ConfidenceInterval):
            low, high = value
            object.__setattr__(result, name, ConfidenceInterval(low, high))


def _dates(idx: pd.DatetimeIndex) -> str:
    return ", ".join(d.strftime("%Y-%m-%d") for d in idx) or "none"


def _null_hist(values: np.ndarray, observed: float, ax: Any, title: str, xlabel: str) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size:
        ax.hist(
            v,
            bins=min(80, max(10, int(np.sqrt(v.size)))),
            color="0.7",
            density=True,
            label="null distribution",
        )
    if np.isfinite(observed):
        ax.axvline(observed, color="C3", lw=2, label=f"observed {observed:.3g}")
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    return ax


# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceboResult(ResultMixin):
    """Placebo (permutation over dates) test of an event statistic.

    Attributes
    ----------
    statistic : float
        The statistic on the real events (default: mean forward log return).
    pvalue : float
        Share of placebo sets at least as extreme (see ``method``).
    pvalue_se : float
        Monte Carlo standard error of ``pvalue`` (0 for exact enumeration).
    null_distribution : ndarray
        The statistic on every placebo set (all admissible sets when exact).
    method : {"exact", "monte_carlo"}
    null_hypothesis, resampling : str
        The null in plain language and exactly which distribution the placebo
        sets are drawn from.
    n_resamples : int
        Number of placebo sets in ``null_distribution``.
    n_admissible : float
        Number of admissible placebo sets (exact; for halving-matched sampling with
        more than about ten events, an estimate: pool sizes times the acceptance
        rate, with ``n_admissible_exact`` False).
    n_admissible_exact : bool
    min_attainable_pvalue : float
        The smallest p-value this test could have returned.
    observed_in_support : bool
        Whether the real event set is itself an admissible placebo set.
    acceptance_rate : float
        Share of proposals accepted (matched sampling; NaN otherwise).
    event_dates, day0_dates : DatetimeIndex
        The events used (leader dates) and their day-0 follower bars.
    event_returns : ndarray
        Their forward log returns.
    excluded : DataFrame
        Events not used, with the reason.
    min_spacing : int
        Minimum calendar days between placebo dates; ``spacing_source`` says why.
    matching : dict
        ``halving_window``, ``halving_cycles``, ``leader_within``, ``date_range``.
    n_eligible : int
        Number of eligible pseudo-event dates (complete window and every filter).
    settings : PlaceboOptions
        The checked options (a read-only mapping: ``settings["n_resamples"]``,
        ``dict(settings)``; with the resolved ``min_spacing`` and the eras'
        description).
    """

    statistic: float
    pvalue: float
    pvalue_se: float
    null_distribution: np.ndarray
    method: str
    alternative: str
    null_hypothesis: str
    resampling: str
    n_resamples: int
    n_admissible: float
    n_admissible_exact: bool
    min_attainable_pvalue: float
    observed_in_support: bool
    acceptance_rate: float
    n_events: int
    event_dates: pd.DatetimeIndex
    day0_dates: pd.DatetimeIndex
    event_returns: np.ndarray
    excluded: pd.DataFrame
    horizon: int
    statistic_name: str
    min_spacing: int
    spacing_source: str
    matching: dict
    n_eligible: int
    follower_name: str = "follower"
    notes: tuple[str, ...] = ()
    settings: PlaceboOptions
    versions: dict = field(default_factory=package_versions)

    @property
    def null_mean(self) -> float:
        """Mean of the null distribution (the statistic of a typical placebo set)."""
        v = self.null_distribution
        return float(np.mean(v)) if len(v) else np.nan

    @property
    def effect(self) -> float:
        """``statistic - null_mean``."""
        return self.statistic - self.null_mean

    def __repr__(self) -> str:
        return (
            f"PlaceboResult(statistic={self.statistic:.4g}, pvalue={self.pvalue:.4g}, "
            f"method={self.method!r}, n_events={self.n_events}, "
            f"n_resamples={self.n_resamples})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row: the statistic, the p-value with its error and the settings."""
        return pd.DataFrame(
            [
                {
                    "test": "placebo_matched"
                    if self.matching.get("halving_window") is not None
                    or self.matching.get("leader_within") is not None
                    else "placebo",
                    "horizon": self.horizon,
                    "statistic_name": self.statistic_name,
                    "statistic": self.statistic,
                    "null_mean": self.null_mean,
                    "effect": self.effect,
                    "pvalue": self.pvalue,
                    "pvalue_se": self.pvalue_se,
                    "min_attainable_pvalue": self.min_attainable_pvalue,
                    "alternative": self.alternative,
                    "method": self.method,
                    "n_events": self.n_events,
                    "n_resamples": self.n_resamples,
                    "n_admissible": self.n_admissible,
                    "n_eligible": self.n_eligible,
                    "min_spacing": self.min_spacing,
                    "null_hypothesis": self.null_hypothesis,
                    "resampling": self.resampling,
                }
            ]
        )

    def _summary(self) -> Summary:
        ev = pd.DataFrame(
            {
                "day0_date": self.day0_dates,
                "forward_log_return": self.event_returns,
                "simple_return": np.expm1(self.event_returns),
            },
            index=pd.DatetimeIndex(self.event_dates, name="event_date"),
        )
        head = self.to_frame().drop(columns=["null_hypothesis", "resampling"]).T
        head.columns = ["value"]
        notes = [
            f"Null hypothesis: {self.null_hypothesis}",
            f"Resampling: {self.resampling}",
            f"p-value: {_fmt_p(self.pvalue, self.pvalue_se)}; the smallest attainable "
            f"is {self.min_attainable_pvalue:.3g}.",
            f"Minimum spacing {self.min_spacing} days ({self.spacing_source}).",
        ]
        if len(self.excluded):
            notes.append(
                "Excluded events: "
                + "; ".join(f"{d.date()} ({r})" for d, r in self.excluded["reason"].items())
            )
        notes += list(self.notes)
        return Summary(
            title=f"Placebo test, {self.follower_name}, {self.horizon}-day horizon",
            tables=(("Test", head), ("Events", ev)),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Histogram of the null distribution with the observed statistic.

        Draws on ``ax`` (a new figure when None) and returns the matplotlib Figure.
        """
        return _null_hist(
            self.null_distribution,
            self.statistic,
            ax,
            f"Placebo null ({self.method}), p = {self.pvalue:.3g}",
            f"{self.statistic_name} {self.horizon}-day log return",
        ).figure


# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class BootstrapResult(ResultMixin):
    """Confidence interval for a forward-return statistic (across events or every day).

    Attributes
    ----------
    statistic : float
        The estimate (log return over ``horizon`` days).
    confidence_interval : ConfidenceInterval
        ``(low, high)`` at ``confidence_level`` by the ``interval`` method.
    standard_error : float
        Standard deviation of the bootstrap distribution; for ``interval="t"``
        the standard error of the events' mean, s.d. / sqrt(n_events).
    bootstrap_distribution : ndarray
        Empty for the intervals across events (no resampling).
    target : {"events", "unconditional"}
        The events' forward returns or every eligible day of the follower.
    variation : {"between_events", "within_windows", "path"}
        What the interval's width reflects: the dispersion between the events'
        forward returns (``interval`` "t" or "order_statistic": an interval for
        the events' mean or median forward return), only the noise inside each
        event's window (block bootstrap of each window within itself: it does
        not cover the events' mean forward return), or the whole path
        (``target="unconditional"``).
    method : {"stationary", "circular", "none"}
        Block scheme ("none" for the intervals across events).
    interval : {"t", "order_statistic", "percentile", "basic", "studentized"}
    block_length : float
        Mean (stationary) or fixed (circular) block length in bars (NaN when no
        block bootstrap is run); ``block_length_source`` says whether it was
        given or estimated.
    """

    statistic: float
    confidence_interval: ConfidenceInterval
    standard_error: float
    bootstrap_distribution: np.ndarray
    target: str
    variation: str = "within_windows"
    method: str
    block_length: float
    block_length_source: str
    n_resamples: int
    n_events: int
    event_dates: pd.DatetimeIndex
    n_obs: int
    resampling: str
    follower_name: str = "follower"
    notes: tuple[str, ...] = ()
    settings: BootstrapOptions
    versions: dict = field(default_factory=package_versions)

    def __post_init__(self) -> None:
        _as_intervals(self, "confidence_interval")

    @property
    def horizon(self) -> int:
        """Forward window in calendar days (``settings.horizon``)."""
        return self.settings.horizon

    @property
    def statistic_name(self) -> str:
        """``"mean"`` or ``"median"`` (``settings.statistic``)."""
        return self.settings.statistic

    @property
    def confidence_level(self) -> float:
        """``settings.confidence_level``."""
        return self.settings.confidence_level

    @property
    def interval(self) -> str:
        """The interval computed (``settings.interval``, its default resolved)."""
        return self.settings.interval

    def __repr__(self) -> str:
        lo, hi = self.confidence_interval
        return (
            f"BootstrapResult(statistic={self.statistic:.4g}, confidence_interval=({lo:.4g}, "
            f"{hi:.4g}), target={self.target!r}, interval={self.interval!r}, "
            f"variation={self.variation!r})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row: estimate, interval (log and simple returns) and settings."""
        lo, hi = self.confidence_interval
        return pd.DataFrame(
            [
                {
                    "target": self.target,
                    "variation": self.variation,
                    "statistic_name": self.statistic_name,
                    "horizon": self.horizon,
                    "statistic": self.statistic,
                    "ci_low": lo,
                    "ci_high": hi,
                    "simple_statistic": np.expm1(self.statistic),
                    "simple_ci_low": np.expm1(lo),
                    "simple_ci_high": np.expm1(hi),
                    "confidence_level": self.confidence_level,
                    "standard_error": self.standard_error,
                    "interval": self.interval,
                    "method": self.method,
                    "block_length": self.block_length,
                    "n_resamples": self.n_resamples,
                    "n_events": self.n_events,
                    "n_obs": self.n_obs,
                }
            ]
        )

    def _summary(self) -> Summary:
        head = self.to_frame().T
        head.columns = ["value"]
        notes = [f"Resampling: {self.resampling}"]
        if np.isfinite(self.block_length):
            notes.append(
                f"Block length {self.block_length:.3g} bars ({self.block_length_source})."
            )
        notes.append("Log returns; simple return = exp(log return) - 1.")
        if self.target == "events":
            notes.append(f"Events: {_dates(self.event_dates)}.")
        notes += list(self.notes)
        kind = {
            "between_events": "Interval across events",
            "within_windows": "Block-bootstrap interval (within-window noise only)",
            "path": "Block-bootstrap interval",
        }.get(self.variation, "Interval")
        return Summary(
            title=f"{kind}, {self.follower_name}, {self.horizon}-day horizon",
            tables=(("", head),),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Histogram of the bootstrap distribution with the estimate and the interval.

        Draws on ``ax`` (a new figure when None) and returns the matplotlib Figure.
        """
        ax = _null_hist(
            self.bootstrap_distribution,
            self.statistic,
            ax,
            f"{self.interval} {self.confidence_level:.0%} interval ({self.variation})",
            f"{self.statistic_name} {self.horizon}-day log return",
        )
        for v in self.confidence_interval:
            if np.isfinite(v):
                ax.axvline(v, color="C0", ls="--", lw=1)
        return ax.figure


# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class GarchNullResult(ResultMixin):
    """Model-based null: the event statistic on paths simulated from a fitted GARCH(1,1)-t.

    Attributes
    ----------
    statistic, pvalue, pvalue_se, null_distribution, alternative
        As for :class:`PlaceboResult`; ``null_distribution`` holds the statistic on
        each simulated path.
    params : dict
        Fitted ``mu`` (the Student-t location, *not* the simulation's drift),
        ``omega``, ``alpha``, ``beta`` (daily returns in percent, as arch reports
        them) and ``nu`` (degrees of freedom).
    persistence : float
        ``alpha + beta``.
    at_boundary : bool
        Whether ``persistence`` is within 1e-6 of 1 (integrated GARCH: no
        unconditional variance).
    drift : float
        The simulation's constant drift: the sample mean daily log return (not
        percent).
    start_variance : float
        The variance every path starts from: the sample variance of the daily
        log returns (percent squared, as ``params``).
    converged : bool
        The optimiser's convergence flag.
    expected_statistic : float
        The model's mean forward log return over the window (``drift`` times the
        bars in the window, averaged over the events).
    settings : GarchNullOptions
        The checked options (a read-only mapping: ``settings["burn"]``,
        ``dict(settings)``).
    """

    statistic: float
    pvalue: float
    pvalue_se: float
    null_distribution: np.ndarray
    alternative: str
    null_hypothesis: str
    resampling: str
    params: dict
    persistence: float
    converged: bool
    at_boundary: bool = False
    drift: float = np.nan
    start_variance: float = np.nan
    loglikelihood: float
    expected_statistic: float
    min_attainable_pvalue: float
    n_resamples: int
    burn: int
    horizon: int
    n_events: int
    event_dates: pd.DatetimeIndex
    event_returns: np.ndarray
    n_obs: int
    statistic_name: str
    follower_name: str = "follower"
    notes: tuple[str, ...] = ()
    settings: GarchNullOptions
    versions: dict = field(default_factory=package_versions)

    def __repr__(self) -> str:
        return (
            f"GarchNullResult(statistic={self.statistic:.4g}, pvalue={self.pvalue:.4g}, "
            f"n_resamples={self.n_resamples}, persistence={self.persistence:.4g})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row: statistic, p-value with its error, and the fitted parameters."""
        row = {
            "test": "garch_null",
            "horizon": self.horizon,
            "statistic_name": self.statistic_name,
            "statistic": self.statistic,
            "expected_statistic": self.expected_statistic,
            "null_mean": float(np.mean(self.null_distribution))
            if len(self.null_distribution)
            else np.nan,
            "pvalue": self.pvalue,
            "pvalue_se": self.pvalue_se,
            "min_attainable_pvalue": self.min_attainable_pvalue,
            "alternative": self.alternative,
            "n_events": self.n_events,
            "n_resamples": self.n_resamples,
            "n_obs": self.n_obs,
        }
        row.update({f"param_{k}": v for k, v in self.params.items()})
        row.update(
            {
                "persistence": self.persistence,
                "at_boundary": self.at_boundary,
                "drift": self.drift,
                "start_variance": self.start_variance,
                "converged": self.converged,
                "loglikelihood": self.loglikelihood,
                "null_hypothesis": self.null_hypothesis,
                "resampling": self.resampling,
            }
        )
        return pd.DataFrame([row])

    def _summary(self) -> Summary:
        head = self.to_frame().drop(columns=["null_hypothesis", "resampling"]).T
        head.columns = ["value"]
        notes = [
            f"Null hypothesis: {self.null_hypothesis}",
            f"Resampling: {self.resampling}",
            f"p-value: {_fmt_p(self.pvalue, self.pvalue_se)}.",
            f"Events: {_dates(self.event_dates)}.",
        ]
        if not self.converged:
            notes.append("The GARCH optimiser did not report convergence.")
        notes += list(self.notes)
        return Summary(
            title=f"GARCH(1,1)-t null, {self.follower_name}, {self.horizon}-day horizon",
            tables=(("", head),),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Histogram of the simulated statistic with the observed one.

        Draws on ``ax`` (a new figure when None) and returns the matplotlib Figure.
        """
        return _null_hist(
            self.null_distribution,
            self.statistic,
            ax,
            f"GARCH(1,1)-t null, p = {self.pvalue:.3g}",
            f"{self.statistic_name} {self.horizon}-day log return",
        ).figure


# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class BaseRateResult(ResultMixin):
    """Base rate of a forward-return threshold and the events' hit count against it.

    Attributes
    ----------
    base_rate : float
        Share of eligible days whose forward return exceeds ``threshold``.
    confidence_interval : ConfidenceInterval
        Block-bootstrap percentile interval for the base rate.
    bootstrap_distribution : ndarray
        Bootstrap base rates.
    iid_standard_error, bootstrap_standard_error : float
        The naive binomial error (as if days were independent) beside the
        dependence-aware one.
    n_events, hits : int
        Events with complete windows and how many exceeded the threshold.
    statistic : float
        The events' hit rate ``hits / n_events``.
    pvalue : float
        Exact binomial probability of at least ``hits`` hits in ``n_events`` at the
        base rate (no Monte Carlo error).
    pvalue_bootstrap, pvalue_bootstrap_se : float
        The same probability averaged over the bootstrap base rates (the base
        rate's own uncertainty), with its Monte Carlo error.
    min_attainable_pvalue : float
        ``base_rate ** n_events``: the p-value of a perfect record.
    prior, posterior : tuple of float
        Beta parameters of the hit rate before and after the events.
    posterior_mean, credible_interval, prob_better
        Posterior mean, equal-tailed credible interval (a
        :class:`~riskcycle.ConfidenceInterval`) and
        :math:`P(\\theta > \\text{base rate} \\mid \\text{data})`.
    bayes_factor : float
        :math:`BF_{+0}`: "better than the base rate" (prior truncated to
        :math:`\\theta > b`) against "no better than the base rate"
        (:math:`\\theta = b`, a signal unrelated to the follower).
    bayes_factor_two_sided : float
        :math:`BF_{10}`: the prior on all of (0, 1) against :math:`\\theta = b`.
    """

    base_rate: float
    n_eligible: int
    confidence_interval: ConfidenceInterval
    bootstrap_distribution: np.ndarray
    iid_standard_error: float
    bootstrap_standard_error: float
    block_length: float
    n_resamples: int
    n_events: int
    hits: int
    statistic: float
    pvalue: float
    pvalue_bootstrap: float
    pvalue_bootstrap_se: float
    min_attainable_pvalue: float
    null_hypothesis: str
    resampling: str
    posterior: tuple[float, float]
    posterior_mean: float
    credible_interval: ConfidenceInterval
    prob_better: float
    bayes_factor: float
    bayes_factor_two_sided: float
    event_dates: pd.DatetimeIndex
    event_returns: np.ndarray
    follower_name: str = "follower"
    notes: tuple[str, ...] = ()
    settings: BaseRateOptions
    versions: dict = field(default_factory=package_versions)

    def __post_init__(self) -> None:
        _as_intervals(self, "confidence_interval", "credible_interval")

    @property
    def threshold(self) -> float:
        """Simple-return threshold of a hit (``settings.threshold``)."""
        return self.settings.threshold

    @property
    def horizon(self) -> int:
        """Forward window in calendar days (``settings.horizon``)."""
        return self.settings.horizon

    @property
    def confidence_level(self) -> float:
        """``settings.confidence_level``."""
        return self.settings.confidence_level

    @property
    def prior(self) -> tuple[float, float]:
        """Beta parameters of the hit rate's prior (``settings.prior``)."""
        return self.settings.prior

    def __repr__(self) -> str:
        return (
            f"BaseRateResult(base_rate={self.base_rate:.4g}, hits={self.hits}/"
            f"{self.n_events}, pvalue={self.pvalue:.4g}, "
            f"bayes_factor={self.bayes_factor:.4g})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row of unrounded numbers."""
        lo, hi = self.confidence_interval
        clo, chi = self.credible_interval
        return pd.DataFrame(
            [
                {
                    "horizon": self.horizon,
                    "threshold": self.threshold,
                    "base_rate": self.base_rate,
                    "base_rate_ci_low": lo,
                    "base_rate_ci_high": hi,
                    "confidence_level": self.confidence_level,
                    "iid_standard_error": self.iid_standard_error,
                    "bootstrap_standard_error": self.bootstrap_standard_error,
                    "block_length": self.block_length,
                    "n_eligible": self.n_eligible,
                    "n_events": self.n_events,
                    "hits": self.hits,
                    "hit_rate": self.statistic,
                    "pvalue": self.pvalue,
                    "pvalue_bootstrap": self.pvalue_bootstrap,
                    "pvalue_bootstrap_se": self.pvalue_bootstrap_se,
                    "min_attainable_pvalue": self.min_attainable_pvalue,
                    "prior_a": self.prior[0],
                    "prior_b": self.prior[1],
                    "posterior_a": self.posterior[0],
                    "posterior_b": self.posterior[1],
                    "posterior_mean": self.posterior_mean,
                    "credible_low": clo,
                    "credible_high": chi,
                    "prob_better": self.prob_better,
                    "bayes_factor": self.bayes_factor,
                    "bayes_factor_two_sided": self.bayes_factor_two_sided,
                }
            ]
        )

    def _summary(self) -> Summary:
        head = self.to_frame().T
        head.columns = ["value"]
        thr = f"{self.threshold:+.0%}"
        notes = [
            f"Hit: {self.horizon}-day simple return above {thr}.",
            f"Null hypothesis: {self.null_hypothesis}",
            f"Resampling: {self.resampling}",
            f"Binomial p-value {_fmt_p(self.pvalue, 0.0)}; with the base rate's "
            f"uncertainty {_fmt_p(self.pvalue_bootstrap, self.pvalue_bootstrap_se)}; "
            f"a perfect record of {self.n_events} gives {self.min_attainable_pvalue:.3g}.",
            "The binomial treats events as independent.",
        ]
        notes += list(self.notes)
        return Summary(
            title=f"Base rate and hit rate, {self.follower_name}",
            tables=(("", head),),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Prior and posterior of the hit rate, with the base rate and its interval.

        Draws on ``ax`` (a new figure when None) and returns the matplotlib Figure.
        """
        import matplotlib.pyplot as plt
        from scipy import stats

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        x = np.linspace(0.0005, 0.9995, 400)
        ax.plot(x, stats.beta.pdf(x, *self.prior), color="0.6", ls="--", label="prior")
        if self.n_events:
            ax.plot(
                x,
                stats.beta.pdf(x, *self.posterior),
                color="C0",
                label=f"posterior ({self.hits}/{self.n_events} hits)",
            )
        ax.axvline(self.base_rate, color="C3", label=f"base rate {self.base_rate:.2f}")
        ax.axvspan(*self.confidence_interval, color="C3", alpha=0.15)
        ax.set_xlabel("hit rate")
        ax.legend(fontsize=8)
        return ax.figure


# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class PowerResult(ResultMixin):
    """Power of the placebo test by simulation, minimum detectable effect, events needed.

    Every simulated number carries its Monte Carlo standard error (``*_se``).

    Attributes
    ----------
    table : DataFrame
        One row per number of events: ``n_events``, ``n_bars`` (length of the
        history the pseudo-events live on), ``power`` (at ``effect``) and
        ``power_se`` (Monte Carlo), ``mde`` (minimum detectable effect at
        ``target_power``) and ``mde_se`` (Monte Carlo). NaN power where the
        history cannot hold that many events (``scheme="real_path"``).
    effect : float
        The effect the power column is computed at (the observed excess mean
        forward log return unless given); ``effect_source`` says which.
    post_hoc : bool
        True when ``effect`` is the observed effect: the power at it is post-hoc
        power, a function of the observed p-value that adds nothing to it
        (Hoenig & Heisey 2001, doi:10.1198/000313001300339897).
    n_observed : int
        Events with complete windows in the data (0 when none were given).
    power_observed, power_observed_se : float
        Power at ``effect`` with ``n_observed`` events and its Monte Carlo error
        (post-hoc power when ``post_hoc``).
    mde_observed, mde_observed_se : float
        Minimum detectable effect (log return) with ``n_observed`` events and its
        Monte Carlo error.
    events_needed : float
        Smallest number of events with power >= ``target_power`` at ``effect``
        (NaN when none up to the largest simulated; see ``notes``).
    events_needed_se : float
        Its Monte Carlo standard error (bootstrap over the simulations).
    events_needed_interval : ConfidenceInterval
        2.5% and 97.5% quantiles of the events needed over that bootstrap (NaN
        upper end when the target is not reached in more than 2.5% of them).
    years_needed : float
        ``events_needed`` at the observed event rate, in years.
    min_attainable : dict
        With ``n_observed`` events: the smallest p-value of an exact sign test
        (``0.5 ** n``), of the placebo test on these data (one over the number
        of admissible sets) and of the simulated placebo test (``1/(B+1)``).
    effects, power_curves : ndarray
        The effect grid and power at each (row: ``table`` row) for plotting;
        ``power_curves_se`` gives their Monte Carlo errors.
    sd_forward_observed, sd_forward_simulated : float
        Standard deviation of the forward log return across eligible days in the
        data and on the simulated histories (equal for ``scheme="real_path"``):
        the simulation understates the dispersion (and overstates power) when
        the second is clearly smaller.
    scheme : {"real_path", "block"}
        Pseudo-events on the follower's real history or on block-bootstrapped
        histories; ``max_events_history`` is the most events the real history
        holds at ``min_spacing`` (None for ``"block"``).
    """

    table: pd.DataFrame
    effect: float
    effect_source: str
    n_observed: int
    power_observed: float
    mde_observed: float
    events_needed: float
    years_needed: float
    min_attainable: dict
    effects: np.ndarray
    power_curves: np.ndarray
    sd_forward_observed: float
    sd_forward_simulated: float
    block_length: float
    method: str
    resampling: str
    post_hoc: bool = False
    power_observed_se: float = np.nan
    mde_observed_se: float = np.nan
    events_needed_se: float = np.nan
    events_needed_interval: ConfidenceInterval = _NAN_INTERVAL
    max_events_history: int | None = None
    follower_name: str = "follower"
    notes: tuple[str, ...] = ()
    settings: PowerOptions
    versions: dict = field(default_factory=package_versions)

    def __post_init__(self) -> None:
        _as_intervals(self, "events_needed_interval")

    @property
    def alpha(self) -> float:
        """Level of the simulated placebo tests (``settings.alpha``)."""
        return self.settings.alpha

    @property
    def target_power(self) -> float:
        """``settings.target_power``."""
        return self.settings.target_power

    @property
    def horizon(self) -> int:
        """Forward window in calendar days (``settings.horizon``)."""
        return self.settings.horizon

    @property
    def min_spacing(self) -> int:
        """Calendar days between pseudo-events (``settings.min_spacing``)."""
        return self.settings.min_spacing

    @property
    def scheme(self) -> str:
        """``"real_path"`` or ``"block"`` (``settings.scheme``)."""
        return self.settings.scheme

    @property
    def n_simulations(self) -> int:
        """Simulated tests per number of events (``settings.n_simulations``)."""
        return self.settings.n_simulations

    @property
    def n_resamples(self) -> int:
        """Placebo sets per simulated test (``settings.n_resamples``)."""
        return self.settings.n_resamples

    @property
    def power_curves_se(self) -> np.ndarray:
        """Monte Carlo standard errors of ``power_curves``: sqrt(p (1 - p) / n_simulations)."""
        p = self.power_curves
        return np.sqrt(p * (1 - p) / self.n_simulations)

    def __repr__(self) -> str:
        return (
            f"PowerResult(scheme={self.scheme!r}, n_observed={self.n_observed}, "
            f"effect={self.effect:.4g}, mde_observed={self.mde_observed:.4g}, "
            f"events_needed={self.events_needed})"
        )

    def to_frame(self) -> pd.DataFrame:
        """The power table (one row per number of events) with the study-level results.

        Columns: those of ``table``, then ``effect``, ``post_hoc``, ``events_needed``,
        ``events_needed_se``, ``events_needed_low``, ``events_needed_high`` and
        ``scheme``, the same on every row.
        """
        out = self.table.copy()
        lo, hi = self.events_needed_interval
        out["effect"] = self.effect
        out["post_hoc"] = self.post_hoc
        out["events_needed"] = self.events_needed
        out["events_needed_se"] = self.events_needed_se
        out["events_needed_low"] = lo
        out["events_needed_high"] = hi
        out["scheme"] = self.scheme
        return out

    def _summary(self) -> Summary:
        lo, hi = self.events_needed_interval
        label = "post_hoc_power_observed" if self.post_hoc else "power_observed"
        head = pd.DataFrame(
            {
                "value": {
                    "scheme": self.scheme,
                    "n_observed": self.n_observed,
                    "effect": self.effect,
                    label: self.power_observed,
                    f"{label}_se": self.power_observed_se,
                    "mde_observed": self.mde_observed,
                    "mde_observed_se": self.mde_observed_se,
                    "events_needed": self.events_needed,
                    "events_needed_se": self.events_needed_se,
                    "events_needed_low": lo,
                    "events_needed_high": hi,
                    "years_needed": self.years_needed,
                    "alpha": self.alpha,
                    "target_power": self.target_power,
                    "sd_forward_observed": self.sd_forward_observed,
                    "sd_forward_simulated": self.sd_forward_simulated,
                    **{f"min_pvalue_{k}": v for k, v in self.min_attainable.items()},
                }
            }
        )
        notes = [
            f"Effect: {self.effect_source}.",
            f"Resampling: {self.resampling}",
            "Monte Carlo errors: power sqrt(p(1-p)/R) with R = "
            f"{self.n_simulations} simulations; minimum detectable effect and events needed "
            "by a bootstrap over the simulations (events_needed_low/high: its 2.5% and "
            "97.5% quantiles).",
        ]
        notes += list(self.notes)
        return Summary(
            title=f"Power of the placebo test, {self.follower_name}, {self.horizon}-day horizon",
            tables=(("", head), ("Power by number of events", self.table.set_index("n_events"))),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Power against the number of events at the effect (±1.96 Monte Carlo s.e.).

        Draws on ``ax`` (a new figure when None) and returns the matplotlib Figure.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        t = self.table
        ax.errorbar(
            t["n_events"],
            t["power"],
            yerr=1.96 * t["power_se"],
            marker="o",
            ms=3,
            lw=1,
            capsize=2,
            label=f"effect {self.effect:.3g} (log){', post-hoc' if self.post_hoc else ''}",
        )
        ax.axhline(self.target_power, color="0.5", ls="--", lw=1)
        ax.axhline(self.alpha, color="0.5", ls=":", lw=1)
        if self.n_observed:
            ax.axvline(self.n_observed, color="C3", lw=1, label=f"observed n = {self.n_observed}")
        ax.set_xlabel("number of events")
        ax.set_ylabel("power")
        ax.set_ylim(0, 1)
        ax.legend(fontsize=8)
        return ax.figure
