"""Base rates of forward-return thresholds and the events' hit count against them."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import special, stats

from .._design import check_prior
from .._options import BaseRateOptions
from .._rng import RNGLike, check_rng
from .._typing import ClockLike, DateLike, DelayLike, EventsLike, FollowerLike
from .._validation import (
    check_choice,
    check_confidence_level,
    check_float,
    check_n_resamples,
    check_timedelta,
)
from ..exceptions import SmallSampleWarning
from . import _common as C
from ._bootstrap import describe_scheme, draw_blocks, optimal_block
from ._result import BaseRateResult

__all__ = ["base_rate"]

_CHUNK = 1024


def _base_rate_iv(
    horizon, threshold, n_resamples, block_length, block_scheme, confidence_level, prior, delay
) -> BaseRateOptions:
    horizon = C.check_horizon(horizon)
    threshold = check_float(
        threshold,
        "threshold",
        minimum=-1.0,
        inclusive=(False, True),
        what="a simple-return threshold above -1",
    )
    n_resamples = check_n_resamples(n_resamples, minimum=2)
    if block_length is not None:
        block_length = check_float(
            block_length, "block_length", minimum=1.0, what="a block length in bars"
        )
    block_scheme = check_choice(block_scheme, "block_scheme", ("stationary", "circular"))
    confidence_level = check_confidence_level(confidence_level)
    prior = check_prior(prior)
    delay = check_timedelta(delay, "delay")
    return BaseRateOptions(
        horizon=horizon,
        threshold=threshold,
        n_resamples=n_resamples,
        block_length=block_length,
        block_scheme=block_scheme,
        confidence_level=confidence_level,
        prior=prior,
        delay=delay,
    )


def base_rate(
    follower: FollowerLike,
    events: EventsLike | None = None,
    *,
    horizon: int | None = None,
    threshold: float = 0.0,
    n_resamples: int = 9999,
    block_length: float | None = None,
    block_scheme: str = "stationary",
    confidence_level: float = 0.95,
    prior: tuple[float, float] = (1.0, 1.0),
    date_range: tuple[DateLike | None, DateLike | None] | None = None,
    delay: DelayLike = C.NO_DELAY,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    rng: RNGLike = None,
) -> BaseRateResult:
    r"""How often the follower beats a threshold from any day, and the events against that.

    The base rate is the share of eligible days (complete window) whose forward
    simple return over ``horizon`` calendar days exceeds ``threshold``. With
    ``k`` hits in ``n`` events it gives the exact binomial probability of at
    least ``k`` hits at the base rate, the same with the base rate's own
    uncertainty, a Beta-Binomial posterior for the signal's hit rate and the
    Bayes factor against "no better than the base rate".

    Parameters
    ----------
    follower : Series, DataFrame or EventSample
        The follower's daily prices (a sample without events:
        :meth:`~riskcycle.inference.EventSample.without_events`).
        With an :class:`~riskcycle.inference.EventSample`
        (:func:`~riskcycle.inference.event_sample`), its follower and events: then
        ``events`` is None, and the horizon, delay, clocks come from the sample
        (an argument that contradicts it is a ValueError; a zero ``delay``, the
        default, means the sample's); the numbers are those of the same call with the
        follower, and the excluded events are not warned about again.
    events : Events or sequence of dates, optional
        Leader events (mapped to day 0 as in :func:`riskcycle.placebo_test`).
    horizon : int
        Forward window in calendar days; required with prices.
    threshold : float, default 0
        Simple-return threshold: 0 = "rose", 0.5 = "rose more than 50%".
    n_resamples : int, default 9999
        Block-bootstrap resamples of the base rate.
    block_length : float, optional
        Default: the Politis-White estimate for the series of daily hit
        indicators (overlapping windows make it long).
    block_scheme : {"stationary", "circular"}, default "stationary"
        The block-bootstrap scheme of the base rate's interval: stationary
        (geometric block lengths) or circular (fixed blocks).
    confidence_level : float, default 0.95
        For the base rate's interval and the posterior's credible interval.
    prior : (a, b), default (1, 1)
        Beta prior of the signal's hit rate (uniform by default; (0.5, 0.5) is
        Jeffreys').
    date_range : (start, end), optional
        Restrict the days counted in the base rate.
    delay, leader_clock, follower_clock
        As in :func:`riskcycle.placebo_test`.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    BaseRateResult

    Raises
    ------
    TypeError, ValueError
        Invalid arguments.

    Warns
    -----
    EventsExcludedWarning, IncompleteWindowWarning
        Events that cannot be used.
    SmallSampleWarning
        No eligible day (NaN result).

    Notes
    -----
    With base rate :math:`b`, :math:`n` events and :math:`k` hits:

    - exact binomial p-value :math:`P(X \ge k)`, :math:`X \sim \mathrm{Bin}(n, b)`;
      a perfect record gives :math:`b^n`, the smallest attainable value;
    - with the base rate's uncertainty: the same averaged over the
      block-bootstrap distribution of :math:`b` (the daily hit indicators,
      strongly dependent through overlapping windows, are resampled in blocks);
    - posterior :math:`\theta \mid k \sim \mathrm{Beta}(a + k, b_0 + n - k)` for a
      :math:`\mathrm{Beta}(a, b_0)` prior;
    - Bayes factor against "no better than the base rate": a signal unrelated
      to the follower hits exactly at the base rate, :math:`H_0: \theta = b`;
      "better" is :math:`H_+: \theta > b` with the prior truncated to
      :math:`(b, 1)` (the one-sided Bayesian binomial test):
      :math:`BF_{+0} = \frac{B(a + k, b_0 + n - k)}{B(a, b_0)\, b^k (1-b)^{n-k}}
      \cdot \frac{P(\theta > b \mid k)}{P(\theta > b)}`; the two-sided
      :math:`BF_{10}` (prior on all of (0, 1)) drops the last factor. A composite
      null :math:`\theta \le b` is not used: with a flat prior it puts most of
      its weight on signals far worse than chance and so flatters the signal.

    The binomial and Beta-Binomial treat events as independent draws; with
    overlapping windows or a common driver (the halving cycle) they overstate
    the evidence.

    References
    ----------
    Kass, R. E. & Raftery, A. E. (1995). Bayes factors. *JASA* 90(430), 773-795.
    doi:10.1080/01621459.1995.10476572

    Examples
    --------
    >>> import riskcycle
    >>> btc = riskcycle.datasets.load("btc", end="2026-01-22")
    >>> br = riskcycle.base_rate(btc, horizon=365, n_resamples=499, rng=0)
    >>> 0 < br.base_rate < 1
    True
    """
    horizon, delay = C.check_sample_args(
        follower,
        events,
        horizon=horizon,
        delay=delay,
        leader_clock=leader_clock,
        follower_clock=follower_clock,
    )
    opts = _base_rate_iv(
        horizon, threshold, n_resamples, block_length, block_scheme, confidence_level, prior, delay
    )
    date_range = C.check_date_range(date_range)
    gen = check_rng(rng)
    sample = C.sample_for(
        follower,
        events,
        horizon=opts.horizon,
        delay=opts.delay,
        leader_clock=leader_clock,
        follower_clock=follower_clock,
    )
    mask = C.date_range_mask(sample.fd, date_range)
    return base_rate_core(sample.fd, sample.win, sample.ed, opts, mask=mask, rng=gen, warn=True)


def _binom_sf(k: int, n: int, b: np.ndarray | float) -> np.ndarray:
    """P(X >= k) for X ~ Bin(n, b)."""
    return stats.binom.sf(k - 1, n, b)


def base_rate_core(
    fd: C.FollowerData,
    win: C.Windows,
    ed: C.EventData | None,
    opts: BaseRateOptions,
    *,
    mask: np.ndarray,
    rng: np.random.Generator,
    warn: bool,
) -> BaseRateResult:
    """The base rate on prepared data (:func:`base_rate`; ``ed`` None: no events)."""
    h, threshold, n_resamples = win.horizon, opts.threshold, opts.n_resamples
    log_thr = math.log1p(threshold)
    elig = np.flatnonzero(win.complete & mask)
    hit_days = (win.fwd[elig] > log_thr).astype(float)
    n_elig = len(elig)
    ev_ret, ev_dates = _event_returns(win, ed)
    n = len(ev_ret)
    k = int(np.sum(ev_ret > log_thr))
    if ed is not None and n == 0 and warn:
        warnings.warn(
            f"no event has a complete {h}-day window: the hit count and its p-value are NaN "
            "(the base rate is still given).",
            SmallSampleWarning,
            stacklevel=4,
        )
    events = dict(n_events=n, hits=k, event_dates=ev_dates, event_returns=ev_ret)
    common = dict(
        null_hypothesis=(
            f"each event is a hit ({h}-day return above {threshold:+.0%}) with the "
            "probability of a random eligible day (the base rate), independently of the "
            "other events."
        ),
        follower_name=fd.name,
        settings=opts,
        **events,
    )
    if n_elig == 0:
        reason = f"no day has a complete {h}-day window: no base rate."
        if warn:
            warnings.warn(reason, SmallSampleWarning, stacklevel=4)
        return _no_base_rate(opts.prior, n, k, reason, common)
    rate = float(hit_days.mean())
    block, source = _block_length(hit_days, opts)
    boot = _bootstrap_rates(hit_days, block, opts.block_scheme, n_resamples, rng)
    a = (1 - opts.confidence_level) / 2
    lo_b, hi_b = np.quantile(boot, [a, 1 - a])
    notes: list[str] = []
    bayes = _bayes(opts.prior, k, n, rate, a, notes)
    return BaseRateResult(
        base_rate=rate,
        n_eligible=n_elig,
        confidence_interval=(float(lo_b), float(hi_b)),
        bootstrap_distribution=boot,
        iid_standard_error=math.sqrt(rate * (1 - rate) / n_elig),
        bootstrap_standard_error=float(np.std(boot, ddof=1)),
        block_length=block,
        n_resamples=n_resamples,
        statistic=k / n if n else np.nan,
        **_binomial_pvalues(k, n, rate, boot, notes),
        resampling=(
            f"{describe_scheme(opts.block_scheme, block)}; the {n_elig} daily hit indicators "
            f"resampled, {n_resamples} times (block length: {source})."
        ),
        **bayes,
        notes=tuple(notes),
        **common,
    )


# ---------------------------------------------------------------------------
# the steps of base_rate_core
# ---------------------------------------------------------------------------
def _event_returns(win: C.Windows, ed: C.EventData | None) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """The events' forward log returns and dates (empty without events)."""
    if ed is None:
        return np.empty(0), pd.DatetimeIndex([], name="event_date")
    return win.fwd[ed.positions], ed.dates


def _no_base_rate(
    prior: tuple[float, float], n: int, k: int, reason: str, common: dict
) -> BaseRateResult:
    """The NaN result when no day has a complete window."""
    a0, b0 = prior
    nan2 = (np.nan, np.nan)
    return BaseRateResult(
        base_rate=np.nan,
        n_eligible=0,
        confidence_interval=nan2,
        bootstrap_distribution=np.empty(0),
        iid_standard_error=np.nan,
        bootstrap_standard_error=np.nan,
        block_length=np.nan,
        n_resamples=0,
        statistic=np.nan,
        pvalue=np.nan,
        pvalue_bootstrap=np.nan,
        pvalue_bootstrap_se=np.nan,
        min_attainable_pvalue=np.nan,
        resampling="not run",
        posterior=(a0 + k, b0 + n - k),
        posterior_mean=np.nan,
        credible_interval=nan2,
        prob_better=np.nan,
        bayes_factor=np.nan,
        bayes_factor_two_sided=np.nan,
        notes=(reason,),
        **common,
    )


def _block_length(hit_days: np.ndarray, opts: BaseRateOptions) -> tuple[float, str]:
    """The block length (at most the series' length) and where it comes from."""
    if opts.block_length is None:
        block = optimal_block(hit_days, opts.block_scheme)
        source = "Politis-White estimate for the daily hit indicators (arch)"
    else:
        block, source = float(opts.block_length), "given"
    return min(block, len(hit_days)), source


def _bootstrap_rates(
    hit_days: np.ndarray, block: float, scheme: str, n_resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """Block bootstrap of the daily hit indicators (mean of a resample = its base rate)."""
    from . import _nb_paths

    n_elig = len(hit_days)
    boot = np.empty(n_resamples)
    f_start = np.arange(n_elig, dtype=np.int64)
    f_end = f_start + 1
    for lo in range(0, n_resamples, _CHUNK):
        hi = min(lo + _CHUNK, n_resamples)
        starts, lengths = draw_blocks(rng, hi - lo, n_elig, n_elig, block, scheme)
        t_b, _v, short = _nb_paths.path_statistics(hit_days, starts, lengths, f_start, f_end, 0)
        if short:  # pragma: no cover
            raise RuntimeError("internal error: pre-drawn blocks did not cover the series.")
        boot[lo:hi] = t_b
    return boot


def _binomial_pvalues(k: int, n: int, rate: float, boot: np.ndarray, notes: list[str]) -> dict:
    """Exact binomial p-value, the same over the bootstrap base rates, the smallest one."""
    if not n:
        nan = np.nan
        return dict(
            pvalue=nan, pvalue_bootstrap=nan, pvalue_bootstrap_se=nan, min_attainable_pvalue=nan
        )
    sf_boot = _binom_sf(k, n, boot)
    min_p = rate**n
    if n < 5:
        notes.append(f"With {n} event(s) even a perfect record has binomial p = {min_p:.3g}.")
    return dict(
        pvalue=float(_binom_sf(k, n, rate)),
        pvalue_bootstrap=float(np.mean(sf_boot)),
        pvalue_bootstrap_se=float(np.std(sf_boot, ddof=1) / math.sqrt(len(boot))),
        min_attainable_pvalue=min_p,
    )


def _bayes(
    prior: tuple[float, float], k: int, n: int, rate: float, a: float, notes: list[str]
) -> dict:
    """Beta-Binomial posterior of the hit rate and the Bayes factors against the base rate."""
    a0, b0 = prior
    a1, b1 = a0 + k, b0 + n - k
    post = stats.beta(a1, b1)
    prob_better = float(post.sf(rate))
    prior_better = float(stats.beta(a0, b0).sf(rate))
    if 0 < rate < 1:
        log_bf_two = (
            special.betaln(a1, b1)
            - special.betaln(a0, b0)
            - (k * math.log(rate) + (n - k) * math.log1p(-rate))
        )
        bf_two = float(math.exp(log_bf_two))
        bf = bf_two * prob_better / prior_better if prior_better > 0 else np.nan
    else:
        bf = bf_two = np.nan
        notes.append(f"The base rate is {rate:g}: the Bayes factors are undefined.")
    return dict(
        posterior=(a1, b1),
        posterior_mean=float(post.mean()),
        credible_interval=tuple(float(v) for v in post.ppf([a, 1 - a])),
        prob_better=prob_better,
        bayes_factor=bf,
        bayes_factor_two_sided=bf_two,
    )
