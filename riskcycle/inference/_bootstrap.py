"""Block-bootstrap confidence intervals for forward-return statistics."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from .._options import BootstrapOptions
from .._resample import politis_white_block_length, stationary_blocks
from .._rng import RNGLike, check_rng
from .._typing import ClockLike, DelayLike, EventsLike, FollowerLike
from .._validation import (
    check_choice,
    check_confidence_level,
    check_float,
    check_n_resamples,
    check_timedelta,
)
from ..exceptions import DegenerateDataWarning, SmallSampleWarning
from . import _common as C
from ._result import BootstrapResult

__all__ = ["bootstrap_ci"]

SCHEMES = ("stationary", "circular")
INTERVALS = ("t", "order_statistic", "percentile", "basic", "studentized")
BETWEEN_EVENTS = ("t", "order_statistic")
#: Coverage of the intervals for the events' mean 365-day forward log return on the real
#: btc_long path (random 4-event sets at least 362 days apart, nominal 95%), measured with
#: benchmarks/calibration_power_interval.py (coverage); the slow tests check against them.
COVERAGE_T_BTC_LONG = 0.973
COVERAGE_WITHIN_WINDOW_BTC_LONG = 0.856
_CHUNK = 512  # resamples per block of random numbers (fixed: results depend on it)


# ---------------------------------------------------------------------------
# shared helpers (also used by base_rate and power_analysis)
# ---------------------------------------------------------------------------
def optimal_block(x: np.ndarray, scheme: str) -> float:
    """Politis-White block length for the bootstrap ``scheme`` (see
    :func:`riskcycle._resample.politis_white_block_length` for the guards)."""
    return politis_white_block_length(x, kind="circular" if scheme == "circular" else "stationary")


def n_blocks_needed(length: int, block: float) -> int:
    """Fixed-length blocks of the circular block bootstrap needed to cover ``length``."""
    return math.ceil(length / max(1, round(block)))


def draw_blocks(
    rng: np.random.Generator, n_rep: int, n_src: int, length: int, block: float, scheme: str
) -> tuple[np.ndarray, np.ndarray]:
    """Pre-drawn block starts (uniform on ``0..n_src-1``) and lengths covering ``length``.

    Stationary bootstrap (Politis & Romano 1994): the blocks of
    :func:`riskcycle._resample.stationary_blocks` (geometric lengths with mean
    ``block``, as in :class:`arch.bootstrap.StationaryBootstrap`; every row
    covers ``length``). Circular block bootstrap: every block ``round(block)``
    long (:class:`arch.bootstrap.CircularBlockBootstrap`), uniform starts.
    """
    if scheme == "stationary":
        return stationary_blocks(rng, n_src, block, n_rep, length=length)
    nb = n_blocks_needed(length, block)
    starts = rng.integers(0, n_src, size=(n_rep, nb), dtype=np.int64)
    lengths = np.full((n_rep, nb), max(1, round(block)), dtype=np.int64)
    return starts, lengths


def block_variance(x: np.ndarray, block: float) -> float:
    r"""Circular moving-block estimate of :math:`\mathrm{Var}(\sum_t x_t)`.

    :math:`\frac{n}{b}\,\frac1n\sum_{t}(B_t - b\bar x)^2` over the ``n`` circular
    blocks :math:`B_t` of length :math:`b` = ``round(block)`` (Künsch 1989); the
    bootstrap counterpart is the sum of squared centred block sums of each
    resample (:func:`riskcycle.inference._nb_paths.window_block_sums`).
    """
    n = len(x)
    if n == 0:
        return 0.0
    b = int(min(max(1, round(block)), n))
    xc = np.asarray(x, dtype=float) - np.mean(x)
    ext = np.concatenate([xc, xc[: b - 1]])
    cs = np.concatenate([[0.0], np.cumsum(ext)])
    sums = cs[b : b + n] - cs[:n]
    return float(n / b * np.mean(sums**2))


def describe_scheme(scheme: str, block: float) -> str:
    if scheme == "stationary":
        return (
            f"stationary bootstrap (Politis & Romano 1994): blocks of geometric length "
            f"with mean {block:.3g} bars at uniform random starts, wrapping around"
        )
    return (
        f"circular block bootstrap (Politis & Romano 1992): blocks of {max(1, round(block))} "
        "bars at uniform random starts, wrapping around"
    )


def _interval(
    theta: float,
    boot: np.ndarray,
    se: float,
    se_boot: np.ndarray,
    level: float,
    interval: str,
    center: float,
) -> tuple[float, float]:
    """Percentile, basic or studentized interval; ``center`` is the bootstrap world's value."""
    a = (1 - level) / 2
    if interval == "studentized":
        ok = se_boot > 0
        if se <= 0 or not ok.any():
            return np.nan, np.nan
        t = (boot[ok] - center) / se_boot[ok]
        qlo, qhi = np.quantile(t, [a, 1 - a])
        return float(theta - se * qhi), float(theta - se * qlo)
    lo, hi = np.quantile(boot, [a, 1 - a])
    if interval == "percentile":
        return float(theta + lo - center), float(theta + hi - center)
    return float(theta - (hi - center)), float(theta - (lo - center))


def _bootstrap_ci_iv(
    horizon, statistic, block_scheme, interval, block_length, confidence_level, n_resamples, delay
) -> BootstrapOptions:
    horizon = C.check_horizon(horizon)
    statistic = check_choice(statistic, "statistic", C.STATISTICS)
    block_scheme = check_choice(block_scheme, "block_scheme", SCHEMES)
    if interval is not None:
        interval = check_choice(interval, "interval", INTERVALS)
    if interval == "studentized" and statistic != "mean":
        raise ValueError(
            "`interval='studentized'` is available for statistic='mean' only (the "
            "median has no block standard error); use 'percentile' or 'basic'."
        )
    if interval == "t" and statistic != "mean":
        raise ValueError(
            "`interval='t'` is available for statistic='mean' only; for the median "
            "across events use 'order_statistic'."
        )
    if interval == "order_statistic" and statistic != "median":
        raise ValueError(
            "`interval='order_statistic'` is available for statistic='median' only; for "
            "the mean across events use 't'."
        )
    if block_length is not None:
        block_length = check_float(
            block_length, "block_length", minimum=1.0, what="a block length in bars"
        )
    confidence_level = check_confidence_level(confidence_level)
    n_resamples = check_n_resamples(n_resamples, minimum=2)
    delay = check_timedelta(delay, "delay")
    return BootstrapOptions(
        horizon=horizon,
        statistic=statistic,
        block_scheme=block_scheme,
        interval=interval,
        block_length=block_length,
        confidence_level=confidence_level,
        n_resamples=n_resamples,
        delay=delay,
    )


def bootstrap_ci(
    follower: FollowerLike,
    events: EventsLike | None = None,
    *,
    horizon: int | None = None,
    statistic: str = "mean",
    block_scheme: str = "stationary",
    interval: str | None = None,
    block_length: float | None = None,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    delay: DelayLike = C.NO_DELAY,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    rng: RNGLike = None,
) -> BootstrapResult:
    r"""Confidence interval for a forward log return: across events, or from every day.

    With ``events``: the mean or median, across events, of the forward log return
    over ``horizon`` calendar days after each event; by default the interval's
    width comes from the dispersion *between* the events' forward returns
    (Student-t for the mean, order statistics for the median). Without: the mean
    or median forward log return from every eligible day (the follower's
    unconditional ``horizon``-day return), by block bootstrap.

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
    statistic : {"mean", "median"}, default "mean"
    block_scheme : {"stationary", "circular"}, default "stationary"
        The block-bootstrap scheme: stationary bootstrap (geometric block
        lengths) or circular block bootstrap (fixed blocks).
    interval : {"t", "order_statistic", "percentile", "basic", "studentized"}, optional
        Default: "t" (mean) or "order_statistic" (median) with ``events``,
        "percentile" without. "t" and "order_statistic" are intervals across
        events; "percentile", "basic" and "studentized" (bootstrap-t, for the
        mean) are block-bootstrap intervals, which with ``events`` reflect only
        the noise within each window (see Notes).
    block_length : float, optional
        Mean (stationary) or fixed (circular) block length in bars. Default: the
        Politis-White estimate for the follower's daily log returns
        (:func:`arch.bootstrap.optimal_block_length`).
    confidence_level : float, default 0.95
    n_resamples : int, default 9999
    delay, leader_clock, follower_clock
        As in :func:`riskcycle.placebo_test`.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    BootstrapResult

    Raises
    ------
    TypeError, ValueError
        Invalid arguments.

    Warns
    -----
    EventsExcludedWarning, IncompleteWindowWarning
        Events that cannot be used.
    SmallSampleWarning
        No usable event (NaN result); one event ("t") or too few for the level
        ("order_statistic"): NaN interval.
    DegenerateDataWarning
        A studentized interval with a zero standard error, or identical event
        returns ("t"): NaN interval.

    Notes
    -----
    **Across events (the default).** With ``n`` events and forward log returns
    :math:`y_1, \dots, y_n`: ``interval="t"`` gives
    :math:`\bar y \pm t_{n-1,\,(1+\text{level})/2}\, s/\sqrt{n}`, an interval for the
    mean forward return after an event whose width reflects the dispersion
    between events (exact for independent normal :math:`y_i`; NaN with one event);
    ``interval="order_statistic"`` gives the distribution-free interval for the
    median :math:`(y_{(j)}, y_{(n-j+1)})` with the largest :math:`j` whose
    binomial coverage :math:`1 - 2P(\mathrm{Bin}(n, 1/2) \le j-1)` reaches the
    level (NaN when none does: fewer than 6 events at 95%). Both treat the events'
    forward returns as independent draws with a common mean (or median); a note
    says when windows overlap. Coverage measured on the real ``btc_long`` path
    (random 4-event sets at least 362 days apart, 365-day horizon, the estimand the
    path's mean forward log return over eligible days; 20,000 sets): the t-interval
    covered 97.3% (binomial 95% interval 97.1-97.5%) at nominal 95%
    (conservative: spaced sets spread over the history, so their mean varies less
    than for independent draws).

    **Within windows** (``interval`` "percentile", "basic" or "studentized" with
    ``events``). Each event's window of daily log returns
    :math:`r_{p_i+1}, \dots, r_{e_i}` is resampled *within itself* with the
    chosen block scheme (circularly), its sum is the resampled forward return
    :math:`S^*_i`, and the statistic is taken across events. The interval
    describes only the noise of each window's drift given its own dependence; it
    ignores the variation between events and is *not* an interval for the events'
    mean forward return: on the real ``btc_long`` path (as above, 1,000 sets,
    999 resamples each) it covered 85.6% (binomial 95% interval 83.3-87.7%) at
    nominal 95%.

    **Unconditional.** The whole series of daily log returns is resampled into a
    path of the same length; the statistic of the forward returns from every
    eligible bar of the path is recomputed.

    **Intervals** (Davison & Hinkley 1997, ch. 5): percentile
    :math:`[q^*_{\alpha/2}, q^*_{1-\alpha/2}]`; basic
    :math:`[2\hat\theta - q^*_{1-\alpha/2}, 2\hat\theta - q^*_{\alpha/2}]`;
    studentized :math:`[\hat\theta - \hat s\, t^*_{1-\alpha/2}, \hat\theta - \hat s\,
    t^*_{\alpha/2}]` with :math:`t^* = (\theta^* - \hat\theta)/s^*`. The standard
    error :math:`\hat s` of the data uses the circular moving-block variance of
    the sum (Künsch 1989) with the same block length; :math:`s^*` of a resample
    uses the squared centred sums of its own blocks (Götze & Künsch 1996).

    Validated in the test suite: the block schemes match arch's
    ``StationaryBootstrap`` and ``CircularBlockBootstrap`` in distribution, and
    coverage on AR(1) and GARCH data with a known mean is within a binomial band
    of the nominal level.

    References
    ----------
    Politis, D. N. & Romano, J. P. (1994). The stationary bootstrap. *JASA*
    89(428), 1303-1313. doi:10.1080/01621459.1994.10476870

    Politis, D. N. & White, H. (2004). Automatic block-length selection for the
    dependent bootstrap. *Econometric Reviews* 23(1), 53-70.
    doi:10.1081/ETC-120028836 (correction: Patton, Politis & White 2009,
    doi:10.1080/07474930802459016)

    Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary
    observations. *Annals of Statistics* 17(3), 1217-1241. doi:10.1214/aos/1176347265

    Götze, F. & Künsch, H. R. (1996). Second-order correctness of the blockwise
    bootstrap for stationary observations. *Annals of Statistics* 24(5),
    1914-1933. doi:10.1214/aos/1069362303

    Conover, W. J. (1999). *Practical Nonparametric Statistics*, 3rd ed., Wiley,
    section 3.2 (confidence interval for a quantile).

    Examples
    --------
    >>> import riskcycle
    >>> btc = riskcycle.datasets.load("btc", end="2026-01-22")
    >>> ci = riskcycle.bootstrap_ci(btc, horizon=365, n_resamples=499, rng=0)
    >>> ci.target, ci.variation, ci.confidence_level
    ('unconditional', 'path', 0.95)
    >>> ev = ["2016-01-04", "2019-01-02", "2022-01-03"]
    >>> ev_ci = riskcycle.bootstrap_ci(btc, ev, horizon=365, leader_clock="utc_midnight")
    >>> ev_ci.interval, ev_ci.variation
    ('t', 'between_events')
    """
    horizon, delay = C.check_sample_args(
        follower,
        events,
        horizon=horizon,
        delay=delay,
        leader_clock=leader_clock,
        follower_clock=follower_clock,
    )
    opts = _bootstrap_ci_iv(
        horizon,
        statistic,
        block_scheme,
        interval,
        block_length,
        confidence_level,
        n_resamples,
        delay,
    )
    gen = check_rng(rng)
    sample = C.sample_for(
        follower,
        events,
        horizon=opts.horizon,
        delay=opts.delay,
        leader_clock=leader_clock,
        follower_clock=follower_clock,
    )
    if sample.ed is None and opts.interval in BETWEEN_EVENTS:
        raise ValueError(
            f"`interval={opts.interval!r}` is an interval across events: it needs `events` "
            "(without events use 'percentile', 'basic' or 'studentized')."
        )
    return bootstrap_core(sample.fd, sample.win, sample.ed, opts, rng=gen, warn=True)


def bootstrap_core(
    fd: C.FollowerData,
    win: C.Windows,
    ed: C.EventData | None,
    opts: BootstrapOptions,
    *,
    rng: np.random.Generator,
    warn: bool,
) -> BootstrapResult:
    """The interval on prepared data (:func:`bootstrap_ci`; ``ed`` None: unconditional)."""
    kind = C.STATISTICS.index(opts.statistic)
    x = fd.returns
    interval = opts.interval
    if interval is None:
        interval = "percentile" if ed is None else ("t" if kind == 0 else "order_statistic")
    between = interval in BETWEEN_EVENTS
    block, source = _block_length(x, opts, between)
    common = dict(
        method="none" if between else opts.block_scheme,
        block_length=block,
        block_length_source=source,
        n_resamples=opts.n_resamples,
        follower_name=fd.name,
        settings=replace(opts, interval=interval),
    )
    h = win.horizon
    if ed is not None and ed.n == 0:
        reason = f"no event has a complete {h}-day window: no interval."
        variation = "between_events" if between else "within_windows"
        return _no_interval(reason, "events", variation, ed.dates, 0, warn, common)
    if ed is None and len(win.eligible) == 0:
        reason = f"no bar has a complete {h}-day window: no interval."
        empty = pd.DatetimeIndex([])
        return _no_interval(reason, "unconditional", "path", empty, len(x), warn, common)
    if ed is not None:
        pos = ed.positions
        ends = win.end[pos]
        # a window with no bar after day 0 (possible for exchange-traded followers and very
        # short horizons) has return 0: it is carried as one zero return
        segs = [x[p:e] if e > p else np.zeros(1) for p, e in zip(pos, ends, strict=True)]
        sums = np.array([s.sum() for s in segs])
        theta = float(np.mean(sums) if kind == 0 else np.median(sums))
        if between:
            level = opts.confidence_level
            return _between_events(sums, pos, ends, ed, theta, interval, level, common, warn)
        draws = _within_windows(segs, sums, theta, kind, block, opts, rng)
        dates, n_events = ed.dates, len(pos)
    else:
        draws = _whole_path(x, win, kind, block, opts, rng)
        dates, n_events = pd.DatetimeIndex([]), 0
    theta, boot = draws["theta"], draws["boot"]
    ci = _interval(
        theta,
        boot,
        draws["se"],
        draws["se_boot"],
        opts.confidence_level,
        interval,
        draws["center"],
    )
    notes = draws["notes"]
    if interval == "studentized" and not np.isfinite(ci[0]):
        msg = "zero standard error: the studentized interval is undefined (NaN)."
        notes.append(msg)
        if warn:
            warnings.warn(msg, DegenerateDataWarning, stacklevel=4)
    target = "events" if ed is not None else "unconditional"
    scheme = describe_scheme(opts.block_scheme, block)
    return BootstrapResult(
        statistic=theta,
        confidence_interval=ci,
        standard_error=float(np.std(boot, ddof=1)),
        bootstrap_distribution=boot,
        target=target,
        variation="within_windows" if target == "events" else "path",
        n_events=n_events,
        event_dates=dates,
        n_obs=draws["n_obs"],
        resampling=f"{scheme}; {draws['resampling']}",
        notes=tuple(notes),
        **common,
    )


# ---------------------------------------------------------------------------
# the steps of bootstrap_core
# ---------------------------------------------------------------------------
def _block_length(x: np.ndarray, opts: BootstrapOptions, between: bool) -> tuple[float, str]:
    """The block length in bars and where it comes from (NaN across events)."""
    if between:
        return np.nan, "not used (an interval across events)"
    if opts.block_length is None:
        block = optimal_block(x, opts.block_scheme)
        return block, "Politis-White estimate for the daily log returns (arch)"
    return float(opts.block_length), "given"


def _no_interval(
    reason: str,
    target: str,
    variation: str,
    dates: pd.DatetimeIndex,
    n_obs: int,
    warn: bool,
    common: dict,
) -> BootstrapResult:
    """The NaN result when no event (or no bar) has a complete window."""
    if warn:
        warnings.warn(reason, SmallSampleWarning, stacklevel=5)
    return BootstrapResult(
        statistic=np.nan,
        confidence_interval=(np.nan, np.nan),
        standard_error=np.nan,
        bootstrap_distribution=np.empty(0),
        target=target,
        variation=variation,
        n_events=0,
        event_dates=dates,
        n_obs=n_obs,
        resampling="not run",
        notes=(reason,),
        **common,
    )


def _within_windows(
    segs: list[np.ndarray],
    sums: np.ndarray,
    theta: float,
    kind: int,
    block: float,
    opts: BootstrapOptions,
    rng: np.random.Generator,
) -> dict:
    """Each event's window of daily log returns block-resampled within itself."""
    from . import _nb_paths

    k, n_resamples = len(segs), opts.n_resamples
    lens = np.array([len(s) for s in segs], dtype=np.int64)
    v_hat = np.array([block_variance(s, min(block, len(s))) for s in segs])
    se = float(np.sqrt(v_hat.sum()) / k)
    prefix = np.concatenate([np.concatenate([[0.0], np.cumsum(s)]) for s in segs])
    p_off = np.concatenate([[0], np.cumsum(lens + 1)[:-1]]).astype(np.int64)
    boot = np.empty(n_resamples)
    se_boot = np.empty(n_resamples)
    for lo in range(0, n_resamples, _CHUNK):
        hi = min(lo + _CHUNK, n_resamples)
        parts = [
            draw_blocks(rng, hi - lo, int(n), int(n), min(block, n), opts.block_scheme)
            for n in lens
        ]
        starts = np.ascontiguousarray(np.hstack([p[0] for p in parts]))
        lengths = np.ascontiguousarray(np.hstack([p[1] for p in parts]))
        widths = [p[0].shape[1] for p in parts]
        c_off = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
        s_b, v_b, short = _nb_paths.window_block_sums(prefix, p_off, lens, starts, lengths, c_off)
        if short:  # pragma: no cover - every row of blocks covers its window
            raise RuntimeError("internal error: pre-drawn blocks did not cover a window.")
        boot[lo:hi] = s_b.mean(axis=1) if kind == 0 else np.median(s_b, axis=1)
        se_boot[lo:hi] = np.sqrt(v_b.sum(axis=1)) / k
    n_obs = int(lens.sum())
    return dict(
        theta=theta,
        se=se,
        boot=boot,
        se_boot=se_boot,
        # circular resampling within a window keeps its sum's expectation: E*[S*] = S
        center=theta if kind == 1 else float(np.mean(sums)),
        n_obs=n_obs,
        resampling=(
            f"each event's {opts.horizon}-day window of daily log returns resampled "
            f"within itself ({k} windows, {n_obs} daily returns)."
        ),
        notes=[
            "Within-window noise only: each event's window is resampled within itself, so "
            "the interval ignores the variation between events and does not cover the "
            "events' mean forward return (on the real btc_long path, random 4-event sets "
            f"362+ days apart, 365 days: {COVERAGE_WITHIN_WINDOW_BTC_LONG:.0%} coverage at "
            "nominal 95%). For an interval for the events' mean use interval='t'."
        ],
    )


def _whole_path(
    x: np.ndarray,
    win: C.Windows,
    kind: int,
    block: float,
    opts: BootstrapOptions,
    rng: np.random.Generator,
) -> dict:
    """The whole series of daily log returns resampled into paths of the same length."""
    from . import _nb_paths

    n_resamples = opts.n_resamples
    elig = win.eligible
    f_start = elig.astype(np.int64)
    f_end = win.end[elig].astype(np.int64)
    fw = win.fwd[elig]
    theta = float(np.mean(fw) if kind == 0 else np.median(fw))
    hbar = float(np.mean(f_end - f_start))
    n = len(x)
    se = float(hbar * np.sqrt(block_variance(x, block)) / n)
    boot = np.empty(n_resamples)
    se_boot = np.empty(n_resamples)
    for lo in range(0, n_resamples, _CHUNK):
        hi = min(lo + _CHUNK, n_resamples)
        starts, lengths = draw_blocks(rng, hi - lo, n, n, block, opts.block_scheme)
        t_b, v_b, short = _nb_paths.path_statistics(x, starts, lengths, f_start, f_end, kind)
        if short:  # pragma: no cover
            raise RuntimeError("internal error: pre-drawn blocks did not cover the path.")
        boot[lo:hi] = t_b
        se_boot[lo:hi] = hbar * np.sqrt(v_b) / n
    notes = []
    # The bootstrap world's mean forward return is exactly hbar * mean(x) (every position
    # of a circular resample has expectation mean(x)); the data's overlapping-window mean
    # weighs the first and last days less. Intervals are centred on that value (the mean);
    # the median is left as is, with a note when its bootstrap distribution is off-centre.
    if kind == 1 and abs(np.mean(boot) - theta) > 0.5 * np.std(boot):
        notes.append(
            f"The bootstrap distribution of the median is centred at "
            f"{np.mean(boot):.3g}, away from the estimate {theta:.3g}: short blocks "
            "do not reproduce the dependence that shapes long-horizon returns."
        )
    return dict(
        theta=theta,
        se=se,
        boot=boot,
        se_boot=se_boot,
        center=hbar * float(np.mean(x)) if kind == 0 else theta,
        n_obs=n,
        resampling=(
            f"the {n} daily log returns resampled into paths of the same "
            f"length, forward returns from the {len(elig)} eligible bars recomputed "
            "on each."
        ),
        notes=notes,
    )


def _order_statistic_ranks(k: int, level: float) -> tuple[int, float]:
    """Largest ``j`` with :math:`1 - 2P(\\mathrm{Bin}(k, 1/2) \\le j - 1) \\ge` ``level``
    and that coverage; ``(0, nan)`` when even ``(min, max)`` falls short."""
    from scipy import stats

    best, cover = 0, np.nan
    for j in range(1, k // 2 + 1):
        c = 1.0 - 2.0 * float(stats.binom.cdf(j - 1, k, 0.5))
        if c >= level - 1e-12:
            best, cover = j, c
    return best, cover


def _between_events(sums, pos, ends, ed, theta, interval, level, common, warn):
    """Interval for the events' mean (t) or median (order statistics) forward log return
    from the dispersion of the events' own forward returns."""
    from scipy import stats

    k = len(sums)
    notes: list[str] = []
    ci = (np.nan, np.nan)
    se = np.nan
    if interval == "t":
        sd = float(np.std(sums, ddof=1)) if k > 1 else np.nan
        se = sd / np.sqrt(k) if k > 1 else np.nan
        if k < 2:
            reason = (
                "one event: its forward return says nothing about the dispersion between "
                "events, so no t-interval (NaN)."
            )
            notes.append(reason)
            if warn:
                warnings.warn(reason, SmallSampleWarning, stacklevel=5)
        elif sd <= 1e-12 * abs(theta):  # identical up to rounding (0 when theta is 0)
            reason = "the events' forward returns are identical: the t-interval is undefined."
            notes.append(reason)
            if warn:
                warnings.warn(reason, DegenerateDataWarning, stacklevel=5)
        else:
            q = float(stats.t.ppf(0.5 + level / 2, k - 1))
            ci = (theta - q * se, theta + q * se)
        resampling = (
            f"none: Student-t interval across the {k} events' forward log returns, mean "
            f"+/- t(0.5 + level/2, {k - 1} d.f.) x s.d./sqrt({k})."
        )
    else:
        j, cover = _order_statistic_ranks(k, level)
        srt = np.sort(sums)
        if j == 0:
            reason = (
                f"with {k} events no order-statistic interval reaches {level:.0%} "
                f"(the widest, min to max, covers {1 - 2 * 0.5**k:.1%}): NaN."
            )
            notes.append(reason)
            if warn:
                warnings.warn(reason, SmallSampleWarning, stacklevel=5)
        else:
            ci = (float(srt[j - 1]), float(srt[k - j]))
            notes.append(
                f"Exact distribution-free coverage {cover:.2%} (order statistics {j} "
                f"and {k - j + 1} of {k})."
            )
        resampling = (
            f"none: distribution-free interval for the median from order statistics of the "
            f"{k} events' forward log returns (binomial, p = 1/2)."
        )
    order = np.argsort(pos)
    if k > 1 and np.any(pos[order][1:] < ends[order][:-1]):
        notes.append(
            "Some event windows overlap: their forward returns share days, so the interval "
            "(which treats them as independent) is too narrow."
        )
    notes.append(
        "Between-event interval: its width comes from the dispersion of the events' own "
        "forward returns (on the real btc_long path, random 4-event sets 362+ days apart, "
        f"365 days, the t-interval covered {COVERAGE_T_BTC_LONG:.1%} at nominal 95%: spaced "
        "sets spread over the history, so their mean varies less than for independent draws)."
    )
    return BootstrapResult(
        statistic=theta,
        confidence_interval=ci,
        standard_error=float(se),
        bootstrap_distribution=np.empty(0),
        target="events",
        variation="between_events",
        n_events=k,
        event_dates=ed.dates,
        n_obs=int(np.sum(ends - pos)),
        resampling=resampling,
        notes=tuple(notes),
        **{**common, "n_resamples": 0},
    )
