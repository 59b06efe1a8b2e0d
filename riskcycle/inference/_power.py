"""Power of the placebo test by simulation; minimum detectable effect; events needed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .._options import PowerOptions
from .._parallel import run_chunks
from .._rng import RNGLike, check_rng
from .._typing import ClockLike, DelayLike, EventsLike, FollowerLike
from .._validation import (
    check_choice,
    check_float,
    check_int,
    check_n_resamples,
    check_timedelta,
)
from . import _common as C
from ._bootstrap import describe_scheme, draw_blocks, optimal_block
from ._result import PowerResult

__all__ = ["power_analysis"]

DEFAULT_GRID = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50)
SCHEMES = ("real_path", "block")
_SIM_CHUNK = 50
_N_EFFECTS = 241
_N_MC_BOOT = 200  # bootstrap replicates of the simulations for the Monte Carlo errors
_EFFECT_BLOCK = 64  # effects compared at once in _power_curves
_BLOCK_CELLS = 1_000_000  # and at most this many cells in its temporaries (about 9 MB)
_SD_PATHS = 20  # block-bootstrapped histories behind sd_forward_simulated
HOENIG_HEISEY = (
    "Hoenig & Heisey (2001), The abuse of power, The American Statistician 55(1), 19-24, "
    "doi:10.1198/000313001300339897"
)


def _check_grid(n_events: Any, max_events: int) -> tuple[int, ...] | None:
    if n_events is None:
        return None
    if isinstance(n_events, int | np.integer) and not isinstance(n_events, bool):
        n_events = [n_events]
    if isinstance(n_events, str) or not hasattr(n_events, "__iter__"):
        raise TypeError(
            f"`n_events` must be a sequence of positive integers; got {type(n_events).__name__}."
        )
    out = sorted(
        {
            check_int(v, "n_events", minimum=1, maximum=max_events, what="a number of events")
            for v in n_events
        }
    )
    if not out:
        raise ValueError("`n_events` must not be empty.")
    return tuple(out)


def _power_analysis_iv(
    horizon,
    effect,
    n_events,
    alpha,
    target_power,
    n_simulations,
    n_resamples,
    block_length,
    block_scheme,
    max_events,
    delay,
    scheme="real_path",
    n_jobs=None,
) -> tuple[PowerOptions, int | None]:
    horizon = C.check_horizon(horizon)
    scheme = check_choice(scheme, "scheme", SCHEMES)
    if effect is not None:
        effect = check_float(effect, "effect", what="an effect in log-return units")
    max_events = check_int(
        max_events, "max_events", minimum=1, maximum=500, what="a number of events"
    )
    grid = _check_grid(n_events, max_events)
    alpha = check_float(
        alpha,
        "alpha",
        minimum=0.0,
        maximum=1.0,
        inclusive=(False, False),
        what="a significance level",
    )
    target_power = check_float(
        target_power,
        "target_power",
        minimum=0.0,
        maximum=1.0,
        inclusive=(False, False),
        what="a probability",
    )
    n_simulations = check_n_resamples(n_simulations, "n_simulations", minimum=10)
    n_resamples = check_n_resamples(n_resamples, minimum=1)
    if 1.0 / (1 + n_resamples) > alpha:
        raise ValueError(
            f"`n_resamples` ({n_resamples}) is too small: the placebo test could "
            f"never reach p <= alpha ({alpha}); use at least "
            f"{math.ceil(1 / alpha) - 1}."
        )
    if block_length is not None:
        block_length = check_float(
            block_length, "block_length", minimum=1.0, what="a block length in bars"
        )
    block_scheme = check_choice(block_scheme, "block_scheme", ("stationary", "circular"))
    delay = check_timedelta(delay, "delay")
    n_jobs = C.check_n_jobs(n_jobs)
    opts = PowerOptions(
        horizon=horizon,
        effect=effect,
        alpha=alpha,
        target_power=target_power,
        scheme=scheme,
        n_simulations=n_simulations,
        n_resamples=n_resamples,
        block_length=block_length,
        block_scheme=block_scheme,
        max_events=max_events,
        n_events=grid,
        delay=delay,
    )
    return opts, n_jobs


def power_analysis(
    follower: FollowerLike,
    events: EventsLike | None = None,
    *,
    horizon: int | None = None,
    effect: float | None = None,
    n_events: int | Sequence[int] | None = None,
    alpha: float = 0.05,
    target_power: float = 0.8,
    min_spacing: int | None = None,
    scheme: str = "real_path",
    n_simulations: int = 200,
    n_resamples: int = 199,
    block_length: float | None = None,
    block_scheme: str = "stationary",
    max_events: int = 50,
    delay: DelayLike = C.NO_DELAY,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    n_jobs: int | None = None,
    rng: RNGLike = None,
) -> PowerResult:
    r"""Power of the placebo test against the number of events, by simulation.

    ``n`` pseudo-events are placed at a uniform random spaced set of dates, an
    effect :math:`\delta` is added to their forward log returns, and the placebo
    test (mean forward log return, ``alternative = "greater"``, the same
    spacing) is run; the share of rejections at :math:`p \le \alpha` is the
    power. With ``scheme="real_path"`` (the default) the pseudo-events sit on
    the follower's **real** history, so the test meets the follower's own
    year-to-year dispersion (bubbles, eras, the halving cycle); with
    ``scheme="block"`` histories are glued from long blocks of its daily log
    returns.

    Parameters
    ----------
    follower : Series, DataFrame or EventSample
        The follower's daily prices.
        With an :class:`~riskcycle.inference.EventSample`
        (:func:`~riskcycle.inference.event_sample`), its follower and events: then
        ``events`` is None, and the horizon, delay, clocks and minimum spacing come
        from the sample (an argument that contradicts it is a ValueError; a zero
        ``delay``, the default, means the sample's); the numbers are those of the same call
        with the follower, and the excluded events are not warned about again.
    events : Events or sequence of dates, optional
        The real events: they give the observed number of events, the observed
        effect (their mean forward log return minus the mean over all eligible
        days), the spacing and the event rate behind ``years_needed``.
    horizon : int
        Forward window in calendar days; required with prices.
    effect : float, optional
        Effect (excess mean forward log return) for the power column and the
        events needed. Default: the observed effect (``events`` required), which
        makes the power column *post-hoc* power (see Notes).
    n_events : sequence of int, optional
        Numbers of events to simulate. Default: every number from 1 to the most
        events the history holds at the spacing (``real_path``, at most
        ``max_events``), or 1-8, 10, 12, 15, 20, 25, 30, 40, 50 and the observed
        number (``block``, the events needed then refined to the integer by
        bisection).
    alpha : float, default 0.05
    target_power : float, default 0.8
    min_spacing : int, optional
        Calendar days between pseudo-events (default as in
        :func:`riskcycle.placebo_test`).
    scheme : {"real_path", "block"}, default "real_path"
        Where the pseudo-events live: the real history, or simulated histories
        of block-bootstrapped daily log returns (any length, so any number of
        events).
    n_simulations : int, default 200
        Simulated tests per number of events (Monte Carlo error of a power near
        0.5: about 0.035).
    n_resamples : int, default 199
        Placebo sets per simulated test.
    block_length : float, optional
        ``scheme="block"`` only: mean (stationary) or fixed (circular) block
        length in bars. Default: the horizon in bars or the Politis-White
        estimate for the daily log returns, whichever is longer.
    block_scheme : {"stationary", "circular"}, default "stationary"
        ``scheme="block"`` only: the block-bootstrap scheme of the simulated
        histories.
    max_events : int, default 50
        Largest number of events searched for ``events_needed``.
    delay, leader_clock, follower_clock
        As in :func:`riskcycle.placebo_test`.
    n_jobs : int, optional
        Threads that simulate the numbers of events of the grid (each from its
        own stream); None or -1 (default): all cores (``numba.get_num_threads()``).
        The result does not depend on it.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    PowerResult
        ``table`` (power, its Monte Carlo error and the minimum detectable effect
        with its Monte Carlo error, by number of events), ``events_needed`` with
        its Monte Carlo error, ``mde_observed``, ``power_observed`` (post-hoc
        when the effect is the observed one), ``years_needed`` and the
        ``min_attainable`` p-values.

    Raises
    ------
    TypeError, ValueError
        Invalid arguments, or ``effect`` missing without events.

    Notes
    -----
    **Real path** (``scheme="real_path"``, the calibration design of issue 11).
    For each of ``n_simulations`` replications: a uniform random set of ``n``
    eligible days at least ``min_spacing`` days apart is drawn on the follower's
    own history (exact "stars and bars" sampling,
    :func:`riskcycle._nb_spacing.spaced_sample`); :math:`\delta/L_i` is added
    to each of the :math:`L_i` daily log returns in pseudo-event :math:`i`'s
    window, so its forward log return rises by :math:`\delta` and any placebo
    window that overlaps it gets its share; the placebo test is run with
    ``n_resamples`` uniform spaced sets from the same eligible days. At
    :math:`\delta = 0` the pseudo-events are drawn exactly as the placebo sets
    are, so the rejection rate is :math:`\alpha` (an exact randomisation test);
    at :math:`\delta > 0` the test meets the real path's dispersion of
    forward returns. The history bounds the number of events: with spacing
    :math:`s` it holds at most ``max_events_history`` of them; as the sets
    approach that bound the placebo sets overlap the pseudo-events' windows
    more and more (so the effect lifts them too) and few sets are admissible,
    so power stops growing with the number of events and then falls. Numbers
    of events beyond the bound get NaN power; the events needed beyond it
    cannot be measured on the real path (a note says so; the block scheme can
    extrapolate, with long blocks).

    **Block** (``scheme="block"``). A history of
    :math:`\max(N, \lceil nN/n_{obs}\rceil)` bars (:math:`N` the follower's
    bars, :math:`n_{obs}` the observed events) is glued from stationary (or
    circular) bootstrap blocks of the daily log returns; pseudo-events and
    placebo sets as above. Blocks shorter than the horizon keep volatility
    clustering over days but not the year-scale swings that make long-horizon
    returns dispersed, which overstates power (issue 11: 0.67 and 0.645 with
    blocks of a few days against 0.48 and 0.42 on the real path for ``btc_long``
    with 4 events); the default mean block length is therefore at least the
    horizon. Compare ``sd_forward_simulated`` with ``sd_forward_observed``.

    **All effects at once.** Every statistic is linear in :math:`\delta`
    (``T = t_0 + \delta w``, ``w`` the share of injected windows a set covers),
    so one simulation gives the power at every :math:`\delta`, with common
    random numbers: the minimum detectable effect is where the power curve
    crosses ``target_power`` (linear interpolation on a grid of 241 effects up
    to six standard deviations of the forward return).

    **Monte Carlo errors.** Power :math:`\hat\pi` at ``n`` events has standard
    error :math:`\sqrt{\hat\pi(1-\hat\pi)/R}` (:math:`R` = ``n_simulations``;
    ``power_se``). The minimum detectable effect and the events needed are
    recomputed on 200 bootstrap resamples of the simulations (each number of
    events resampled separately); their standard deviation is ``mde_se`` and
    ``events_needed_se``, their 2.5% and 97.5% quantiles
    ``events_needed_interval`` (with NaN, counted as "more than the largest
    number simulated", when the target is not reached in a resample).

    **Post-hoc power.** With the default ``effect`` (the observed one) the
    power column is *post-hoc* power: for a given test it is a one-to-one
    function of the observed p-value and says nothing the p-value does not
    (Hoenig & Heisey 2001); it is reported as ``power_observed`` and labelled
    post-hoc. Design quantities are ``mde_observed`` (the effect these events
    could detect with ``target_power``) and the power at an effect chosen in
    advance (``effect=``).

    The smallest attainable p-values are reported beside the power: with
    ``n`` events an exact sign test cannot go below :math:`2^{-n}` and the
    binomial hit test at base rate :math:`b` not below :math:`b^n`
    (:func:`riskcycle.base_rate`); two events cannot reject at 5% with either.

    Validated in the test suite: at zero effect the real-path rejection rate is
    within the binomial band of :math:`\alpha`; on i.i.d. normal returns the
    power matches the one-sided z-test's.

    References
    ----------
    Hoenig, J. M. & Heisey, D. M. (2001). The abuse of power: the pervasive
    fallacy of power calculations for data analysis. *The American
    Statistician* 55(1), 19-24. doi:10.1198/000313001300339897

    Politis, D. N. & Romano, J. P. (1994). The stationary bootstrap. *JASA*
    89(428), 1303-1313. doi:10.1080/01621459.1994.10476870

    Examples
    --------
    >>> import riskcycle
    >>> btc = riskcycle.datasets.load("btc", end="2026-01-22")
    >>> pw = riskcycle.power_analysis(btc, horizon=365, effect=0.5, n_events=[2, 10],
    ...                               min_spacing=362, n_simulations=50, n_resamples=39,
    ...                               rng=0)
    >>> pw.scheme, int(pw.table["n_events"].min()), int(pw.table["n_events"].max())
    ('real_path', 2, 10)
    """
    horizon, delay = C.check_sample_args(
        follower,
        events,
        horizon=horizon,
        delay=delay,
        min_spacing=min_spacing,
        leader_clock=leader_clock,
        follower_clock=follower_clock,
    )
    opts, n_jobs = _power_analysis_iv(
        horizon,
        effect,
        n_events,
        alpha,
        target_power,
        n_simulations,
        n_resamples,
        block_length,
        block_scheme,
        max_events,
        delay,
        scheme,
        n_jobs,
    )
    gen = check_rng(rng)
    sample = C.sample_for(
        follower,
        events,
        horizon=opts.horizon,
        delay=opts.delay,
        min_spacing=min_spacing,
        leader_clock=leader_clock,
        follower_clock=follower_clock,
    )
    if sample.ed is None and opts.effect is None:
        raise ValueError(
            "`effect` is required when no `events` are given (e.g. effect=0.5 "
            "for a 0.5 higher mean forward log return)."
        )
    opts = replace(opts, min_spacing=sample.min_spacing)
    return power_core(sample.fd, sample.win, sample.ed, opts, rng=gen, n_jobs=n_jobs)


def _power_curves(t0, w0, ts, ws, effects, alpha, n_pl):
    """Rejection indicators (n_sim, n_effects) of the placebo test at every effect.

    At effect ``e`` a placebo set is as extreme as the pseudo-events when
    ``(ts - t0) + e * (ws - w0) >= -tol``; the effects are taken in blocks (at most
    :data:`_EFFECT_BLOCK`, temporaries of at most :data:`_BLOCK_CELLS` cells; the same
    arithmetic, element by element).
    """
    crit = math.floor(alpha * (1 + n_pl) + 1e-9) - 1  # reject when #{extreme} <= crit
    d0 = (ts - t0[:, None])[:, :, None]
    dw = (ws - w0[:, None])[:, :, None]
    out = np.empty((len(t0), len(effects)), dtype=bool)
    tol = (np.abs(t0)[:, None] * np.finfo(float).eps * 100)[:, :, None]
    # effects per block: at most _EFFECT_BLOCK, and temporaries of at most _BLOCK_CELLS cells
    blk = max(1, min(_EFFECT_BLOCK, _BLOCK_CELLS // max(1, d0.size)))
    for lo in range(0, len(effects), blk):
        e = np.asarray(effects[lo : lo + blk], dtype=float)
        extreme = np.count_nonzero(d0 + e * dw >= -tol, axis=1)
        out[:, lo : lo + len(e)] = extreme <= crit
    return out


def _crossings(curves: np.ndarray, effects: np.ndarray, target: float) -> np.ndarray:
    """For every row of ``curves``, the smallest effect where it reaches ``target``
    (linear interpolation between the effects around the crossing; 0 when the first
    effect reaches it, NaN when none does)."""
    above = curves >= target
    j = above.argmax(axis=1)
    out = np.full(len(curves), np.nan)
    out[above.any(axis=1) & (j == 0)] = 0.0
    rows = np.flatnonzero(above.any(axis=1) & (j > 0))
    j = j[rows]
    y0, y1 = curves[rows, j - 1], curves[rows, j]
    out[rows] = effects[j - 1] + (target - y0) / (y1 - y0) * (effects[j] - effects[j - 1])
    return out


def _first_reachings(ns: list[int], power: np.ndarray, target: float) -> np.ndarray:
    """For every column of ``power`` (rows: ``ns``, ascending), the smallest ``n`` whose
    power reaches ``target``; NaN where none does."""
    ok = np.isfinite(power) & (power >= target)
    first = ok.argmax(axis=0)
    return np.where(ok.any(axis=0), np.asarray(ns, dtype=float)[first], np.nan)


def spaced_design(fd, win, spacing: int):
    """Eligible day-0 bars, their spaced-set successor table and the most events they hold."""
    elig = win.eligible.astype(np.int64)
    day = fd.day[elig]
    nxt = np.searchsorted(day, day + spacing, side="left").astype(np.int64)
    # the greedy chain (earliest first) is a largest spaced set
    n_max, a = 0, 0
    while a < len(elig):
        n_max += 1
        a = int(nxt[a])
    return elig, nxt, n_max


def real_path_batch(log_close, start, end, fwd, ev, pl):
    r"""Statistics of the real-path power simulation, linear in the effect.

    ``ev`` (n_sim, k) are the pseudo-events and ``pl`` (n_sim, B, k) the placebo
    sets, as indices into ``start``/``end``/``fwd`` (eligible day-0 bars, their
    window ends and forward log returns). The effect adds :math:`\delta/L_i` to
    each of the :math:`L_i` daily returns in pseudo-event ``i``'s window.
    Returns ``t0, w0, ts, ws`` as :func:`riskcycle.inference._nb_paths.power_batch`.
    """
    n_sim, k = ev.shape
    n_bars = len(log_close)
    t0 = fwd[ev].mean(axis=1)
    ts = fwd[pl].mean(axis=2)
    s_ev, e_ev = start[ev], end[ev]
    length = np.maximum(e_ev - s_ev, 1).astype(float)
    # injected daily returns: +1/L on bars s+1..e (a difference array), cumulated twice
    d = np.zeros((n_sim, n_bars + 1))
    rows = np.repeat(np.arange(n_sim), k)
    inj = np.where(e_ev > s_ev, 1.0 / length, 0.0).ravel()
    np.add.at(d, (rows, (s_ev + 1).ravel()), inj)
    np.add.at(d, (rows, np.minimum(e_ev + 1, n_bars).ravel()), -inj)
    g = np.cumsum(np.cumsum(d[:, :n_bars], axis=1), axis=1)  # injected log price at each bar
    r = np.arange(n_sim)
    w0 = (g[r[:, None], e_ev] - g[r[:, None], s_ev]).mean(axis=1)
    ws = (g[r[:, None, None], end[pl]] - g[r[:, None, None], start[pl]]).mean(axis=2)
    return t0, w0, ts, ws


def power_core(
    fd: C.FollowerData,
    win: C.Windows,
    ed: C.EventData | None,
    opts: PowerOptions,
    *,
    rng: np.random.Generator,
    n_jobs: int | None = None,
) -> PowerResult:
    """Power on prepared data (:func:`power_analysis`).

    ``opts.min_spacing`` must be resolved (an int).
    """
    sim = _Simulation.build(fd, win, ed, opts)
    notes: list[str] = []
    children = rng.spawn(len(sim.grid) + 3)
    refine_rng, mc_rng, sd_rng = children[-3], children[-2], children[-1]
    cache = _simulate_grid(sim, children, n_jobs)
    infeasible = [n for n in sim.grid if cache[n]["rej"] is None]
    if infeasible:
        notes.append(
            f"The follower's history holds at most {sim.n_hist} events {sim.spacing} days "
            f"apart: no power for {', '.join(map(str, infeasible))} events on the real path "
            "(scheme='block' simulates longer histories)."
        )
    events_needed = _events_needed(sim, cache, refine_rng, notes)
    ns = sorted(cache)
    mde_se, en_se, en_iv, en_boot_reached = _mc_errors(
        cache, ns, sim.effects, opts.target_power, sim.effect, opts.n_simulations, mc_rng
    )
    if not np.isfinite(events_needed):  # no point estimate: no error for it either
        en_se, en_iv = np.nan, (np.nan, np.nan)
    for n in ns:
        cache[n]["mde_se"] = mde_se[n]
    table = pd.DataFrame(
        [{c: cache[n][c] for c in TABLE_COLUMNS} for n in ns], columns=list(TABLE_COLUMNS)
    )
    curves = np.vstack(
        [
            cache[n]["rej"][:, :-1].mean(axis=0)
            if cache[n]["rej"] is not None
            else np.full(len(sim.effects), np.nan)
            for n in ns
        ]
    )
    if np.isfinite(events_needed) and en_boot_reached < 1:
        notes.append(
            f"In {1 - en_boot_reached:.0%} of the Monte Carlo resamples the power target "
            f"was not reached within {max(ns)} events."
        )
    bars_per_year = 365.25 * sim.bars_per_day
    years = events_needed * sim.bars_per_event / bars_per_year if sim.k_obs else np.nan
    observed = _observed_row(sim, cache, notes)
    sd_simulated = _dispersion_check(sim, sd_rng, notes)
    return PowerResult(
        table=table,
        effect=float(sim.effect),
        effect_source=sim.effect_source,
        post_hoc=sim.post_hoc,
        n_observed=sim.k_obs,
        **observed,
        events_needed=events_needed,
        events_needed_se=en_se,
        events_needed_interval=en_iv,
        years_needed=float(years),
        min_attainable=_min_attainable(fd, win, sim),
        effects=sim.effects,
        power_curves=curves,
        sd_forward_observed=sim.sd_obs,
        sd_forward_simulated=sd_simulated,
        max_events_history=sim.n_hist if opts.scheme == "real_path" else None,
        block_length=sim.block,
        method=opts.block_scheme if opts.scheme == "block" else "none",
        resampling=_resampling_text(sim),
        follower_name=fd.name,
        notes=tuple(notes),
        settings=replace(opts, effect=sim.effect, n_events=tuple(sim.grid)),
    )


# ---------------------------------------------------------------------------
# the steps of power_core
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class _Simulation:
    """What every simulated number of events shares: the data, the design, the effects."""

    opts: PowerOptions
    log_close: np.ndarray
    x: np.ndarray  # daily log returns
    n_bars_real: int
    h_bars: int
    s_bars: int
    spacing: int
    bars_per_day: float
    bars_per_event: float
    k_obs: int
    sd_obs: float
    effect: float
    effect_source: str
    post_hoc: bool
    effects: np.ndarray
    eval_effects: np.ndarray  # the effect grid and the effect itself (last)
    grid: tuple[int, ...]
    n_hist: int  # the most events the real history holds (-1 for "block")
    block: float
    block_source: str
    # the real path's eligible day-0 bars, their successor table, window ends, returns
    e_pos: np.ndarray | None = None
    nxt: np.ndarray | None = None
    e_end: np.ndarray | None = None
    e_fwd: np.ndarray | None = None

    @classmethod
    def build(
        cls, fd: C.FollowerData, win: C.Windows, ed: C.EventData | None, opts: PowerOptions
    ) -> _Simulation:
        h, x, spacing = win.horizon, fd.returns, opts.min_spacing
        fwd_e = win.fwd[win.eligible]
        sd_obs = float(np.std(fwd_e, ddof=1)) if len(fwd_e) > 1 else np.nan
        span_days = max(int(fd.day[-1] - fd.day[0]), 1)
        bars_per_day = (fd.n - 1) / span_days
        h_bars = max(1, round(h * bars_per_day))
        k_obs = 0 if ed is None else ed.n
        effect, effect_source = _effect(win, ed, fwd_e, opts.effect)
        sd_scale = (
            sd_obs if np.isfinite(sd_obs) and sd_obs > 0 else float(np.std(x) * math.sqrt(h_bars))
        )
        effects = np.linspace(0.0, 6.0 * sd_scale, _N_EFFECTS)
        design = dict(n_hist=-1, block=np.nan, block_source="not used")
        if opts.scheme == "real_path":
            e_pos, nxt, n_hist = spaced_design(fd, win, spacing)
            cap = min(opts.max_events, n_hist)
            grid = opts.n_events or (tuple(range(1, cap + 1)) if cap else (1,))
            design.update(
                n_hist=n_hist,
                e_pos=e_pos,
                nxt=nxt,
                e_end=win.end[e_pos].astype(np.int64),
                e_fwd=win.fwd[e_pos],
            )
        else:
            design["block"], design["block_source"] = _block_length(x, h_bars, opts)
            grid = opts.n_events or tuple(
                sorted(
                    {g for g in DEFAULT_GRID if g <= opts.max_events}
                    | ({k_obs} if 0 < k_obs <= opts.max_events else set())
                )
            )
        return cls(
            opts=opts,
            log_close=fd.log_close,
            x=x,
            n_bars_real=fd.n,
            h_bars=h_bars,
            s_bars=max(1, math.ceil(spacing * bars_per_day - 1e-9)),
            spacing=spacing,
            bars_per_day=bars_per_day,
            bars_per_event=fd.n / max(k_obs, 1),
            k_obs=k_obs,
            sd_obs=sd_obs,
            effect=effect,
            effect_source=effect_source,
            post_hoc=effect_source != "given",
            effects=effects,
            eval_effects=np.append(effects, effect),
            grid=tuple(grid),
            **design,
        )

    def n_bars(self, n: int) -> int:
        """Bars of a simulated history with ``n`` events (``"block"``)."""
        n_bars = max(self.n_bars_real, math.ceil(n * self.bars_per_event))
        return max(n_bars, 2 * ((n - 1) * self.s_bars + self.h_bars + 1))

    def simulate(self, n: int, child: np.random.Generator) -> dict:
        """Power, its Monte Carlo error and the minimum detectable effect with ``n`` events."""
        opts = self.opts
        if opts.scheme == "real_path":
            rej, n_bars = self._real(n, child), self.n_bars_real
        else:
            n_bars = self.n_bars(n)
            rej = self._block(n, child)
        if rej is None:
            nan = np.nan
            return dict(n_events=n, n_bars=n_bars, power=nan, power_se=nan, mde=nan, rej=None)
        pw = rej.mean(axis=0)
        return {
            "n_events": n,
            "n_bars": n_bars,
            "power": float(pw[-1]),
            "power_se": float(math.sqrt(pw[-1] * (1 - pw[-1]) / opts.n_simulations)),
            "mde": float(_crossings(pw[None, :-1], self.effects, opts.target_power)[0]),
            "rej": rej,
        }

    def _real(self, n: int, child: np.random.Generator) -> np.ndarray | None:
        from .. import _nb_sets as _nb

        opts = self.opts
        n_sim, n_pl = opts.n_simulations, opts.n_resamples
        table, log_count = _nb.spaced_tables(self.nxt, n)
        if not np.isfinite(log_count):
            return None
        rej = np.empty((n_sim, len(self.eval_effects)), dtype=bool)
        for lo in range(0, n_sim, _SIM_CHUNK):
            hi = min(lo + _SIM_CHUNK, n_sim)
            ev = _nb.spaced_sample(table, self.nxt, child.random((hi - lo, n)))
            pl = _nb.spaced_sample(table, self.nxt, child.random(((hi - lo) * n_pl, n)))
            pl = pl.reshape(hi - lo, n_pl, n)
            t0, w0, ts, ws = real_path_batch(
                self.log_close, self.e_pos, self.e_end, self.e_fwd, ev, pl
            )
            rej[lo:hi] = _power_curves(t0, w0, ts, ws, self.eval_effects, opts.alpha, n_pl)
        return rej

    def _block(self, n: int, child: np.random.Generator) -> np.ndarray:
        from . import _nb_paths

        opts = self.opts
        n_sim, n_pl, x = opts.n_simulations, opts.n_resamples, self.x
        n_bars = self.n_bars(n)
        rej = np.empty((n_sim, len(self.eval_effects)), dtype=bool)
        for lo in range(0, n_sim, _SIM_CHUNK):
            hi = min(lo + _SIM_CHUNK, n_sim)
            starts, lengths = draw_blocks(
                child, hi - lo, len(x), n_bars - 1, self.block, opts.block_scheme
            )
            u_ev = child.random((hi - lo, n))
            u_pl = child.random((hi - lo, n_pl, n))
            t0, w0, ts, ws, short = _nb_paths.power_batch(
                x, starts, lengths, n_bars, self.h_bars, self.s_bars, u_ev, u_pl
            )
            if short:  # pragma: no cover
                raise RuntimeError("internal error: pre-drawn blocks did not cover a path.")
            rej[lo:hi] = _power_curves(t0, w0, ts, ws, self.eval_effects, opts.alpha, n_pl)
        return rej


def _effect(
    win: C.Windows, ed: C.EventData | None, fwd_e: np.ndarray, effect: float | None
) -> tuple[float, str]:
    """The effect the power column is computed at, and where it comes from."""
    if effect is not None:
        return effect, "given"
    if ed is not None and ed.n:
        obs_effect = float(np.mean(win.fwd[ed.positions])) - float(np.mean(fwd_e))
    else:
        obs_effect = np.nan
    if not np.isfinite(obs_effect):
        raise ValueError(
            "`effect` is required: no event has a complete window, so there is no observed effect."
        )
    return obs_effect, (
        "observed: the events' mean forward log return minus the mean over all "
        "eligible days (so the power at it is post-hoc power)"
    )


def _block_length(x: np.ndarray, h_bars: int, opts: PowerOptions) -> tuple[float, str]:
    """Mean (or fixed) block length of the simulated histories and where it comes from."""
    if opts.block_length is not None:
        return float(opts.block_length), "given"
    pw_block = optimal_block(x, opts.block_scheme)
    return max(pw_block, float(h_bars)), (
        f"the longer of the horizon ({h_bars} bars) and the Politis-White estimate "
        f"for the daily log returns ({pw_block:.3g} bars, arch)"
    )


def _simulate_grid(sim: _Simulation, children: list, n_jobs: int | None) -> dict[int, dict]:
    """The grid's numbers of events, each from its own stream, on ``n_jobs`` threads."""
    sims: list = [None] * len(sim.grid)

    def task(j: int) -> None:
        sims[j] = sim.simulate(sim.grid[j], children[j])

    run_chunks(task, len(sim.grid), n_jobs)
    return dict(zip(sim.grid, sims, strict=True))


def _events_needed(
    sim: _Simulation, cache: dict, refine_rng: np.random.Generator, notes: list[str]
) -> float:
    """First number of events with enough power at the effect, refined by bisection where
    the grid has gaps (new numbers simulated into ``cache``)."""
    effect, target, spacing = sim.effect, sim.opts.target_power, sim.spacing
    if effect <= 0:
        notes.append(
            f"The effect ({effect:.3g}) is not positive: no number of events gives the "
            "test power against it."
        )
        return np.nan
    ok = [n for n in sorted(cache) if cache[n]["power"] >= target]
    if ok:
        hi_n = ok[0]
        below = [n for n in sorted(cache) if n < hi_n]
        lo_n = below[-1] if below else 0
        while hi_n - lo_n > 1:
            mid = (lo_n + hi_n) // 2
            if mid not in cache:
                cache[mid] = sim.simulate(mid, refine_rng.spawn(1)[0])
            if cache[mid]["power"] >= target:
                hi_n = mid
            else:
                lo_n = mid
        return float(hi_n)
    if sim.opts.scheme == "real_path" and max(cache) >= min(sim.opts.max_events, sim.n_hist):
        notes.append(
            f"Power stays below {target:.0%} up to {max(cache)} events at effect "
            f"{effect:.3g}, the most the follower's history holds {spacing} days apart: "
            "the events needed cannot be measured on the real path (scheme='block' "
            "extrapolates with simulated histories)."
        )
    else:
        notes.append(
            f"Power stays below {target:.0%} up to {max(cache)} events at effect {effect:.3g}."
        )
    return np.nan


def _min_attainable(fd: C.FollowerData, win: C.Windows, sim: _Simulation) -> dict:
    """Smallest attainable p-values with the observed number of events."""
    from .. import _nb_sets as _nb

    k_obs = sim.k_obs
    out = {
        "sign_test": 0.5**k_obs if k_obs else np.nan,
        "simulated_placebo": 1.0 / (1 + sim.opts.n_resamples),
    }
    if k_obs:
        cand = win.eligible
        nxt_obs = np.searchsorted(fd.day[cand], fd.day[cand] + sim.spacing, side="left").astype(
            np.int64
        )
        _t, log_count = _nb.spaced_tables(nxt_obs, k_obs)
        out["placebo_exact"] = math.exp(-log_count) if np.isfinite(log_count) else np.nan
    return out


def _observed_row(sim: _Simulation, cache: dict, notes: list[str]) -> dict:
    """Power and minimum detectable effect with the observed number of events."""
    k_obs, target = sim.k_obs, sim.opts.target_power
    row = cache.get(k_obs) if k_obs else None
    out = dict(
        power_observed=row["power"] if row else np.nan,
        power_observed_se=row["power_se"] if row else np.nan,
        mde_observed=row["mde"] if row else np.nan,
        mde_observed_se=row["mde_se"] if row else np.nan,
    )
    if row and row["rej"] is not None and not np.isfinite(out["mde_observed"]):
        notes.append(
            f"With {k_obs} events power does not reach {target:.0%} for effects up "
            f"to {sim.effects[-1]:.3g} (six standard deviations of the forward return)."
        )
    if sim.post_hoc and row:
        notes.append(
            f"Post-hoc power: the power at the observed effect ({out['power_observed']:.3g}) "
            "is a function of the observed p-value and adds nothing to it "
            f"({HOENIG_HEISEY}); read mde_observed, or give `effect` chosen in advance."
        )
    return out


def _dispersion_check(sim: _Simulation, sd_rng: np.random.Generator, notes: list[str]) -> float:
    """The simulated histories' forward-return dispersion, with a note when it is too low."""
    sd_obs = sim.sd_obs
    if sim.opts.scheme == "real_path":
        sd_simulated = sd_obs
    else:
        sd_simulated = _simulated_dispersion(
            sim.x, sim.n_bars_real, sim.h_bars, sim.block, sim.opts.block_scheme, sd_rng
        )
    if np.isfinite(sd_simulated) and np.isfinite(sd_obs) and sd_simulated < 0.9 * sd_obs:
        notes.append(
            f"The simulated forward returns are less dispersed (s.d. {sd_simulated:.3g}) "
            f"than the observed ones ({sd_obs:.3g}): power is overstated and the events "
            "needed understated."
        )
    return sd_simulated


def _resampling_text(sim: _Simulation) -> str:
    opts = sim.opts
    n_sim, n_pl, alpha = opts.n_simulations, opts.n_resamples, opts.alpha
    if opts.scheme == "real_path":
        return (
            f"real path: {n_sim} random sets of pseudo-events per number of events "
            f"on the follower's own history (uniform over the sets of eligible days at "
            f"least {sim.spacing} days apart; at most {sim.n_hist} fit), the effect added to "
            f"their {opts.horizon}-day forward log returns (spread evenly over each window), "
            f"placebo test with {n_pl} sets from the same days at alpha {alpha}."
        )
    return (
        f"{describe_scheme(opts.block_scheme, sim.block)} (block length: {sim.block_source}); "
        f"{n_sim} simulated histories per number of events, pseudo-events "
        f"uniform over sets {sim.s_bars} bars apart, effect spread evenly over each "
        f"{sim.h_bars}-bar window, placebo test with {n_pl} sets at alpha "
        f"{alpha}."
    )


def _simulated_dispersion(x, n_bars, h_bars, block, scheme, rng, n_paths=_SD_PATHS) -> float:
    """Standard deviation of the ``h_bars``-bar forward log return (every start) on
    ``n_paths`` block-bootstrapped histories of ``n_bars`` bars."""
    starts, lengths = draw_blocks(rng, n_paths, len(x), n_bars - 1, block, scheme)
    sds = []
    for st, ln in zip(starts, lengths, strict=True):
        idx = np.concatenate(
            [(s0 + np.arange(l0)) % len(x) for s0, l0 in zip(st, ln, strict=True)]
        )
        c = np.concatenate([[0.0], np.cumsum(x[idx[: n_bars - 1]])])
        sds.append(np.std(c[h_bars:] - c[:-h_bars], ddof=1))
    return float(np.mean(sds))


TABLE_COLUMNS = ("n_events", "n_bars", "power", "power_se", "mde", "mde_se")


def _mc_errors(cache, ns, effects, target, effect, n_sim, rng):
    """Monte Carlo errors of the minimum detectable effects and of the events needed.

    The simulations of each number of events are resampled with replacement
    (``_N_MC_BOOT`` times, each number separately, as they were simulated
    independently); the minimum detectable effect and the events needed are
    recomputed on each resample. Returns ``{n: mde_se}``, ``events_needed_se``,
    the 2.5%/97.5% quantiles of the events needed and the share of resamples in
    which the target was reached.
    """
    counts = rng.multinomial(n_sim, np.full(n_sim, 1.0 / n_sim), size=(len(ns), _N_MC_BOOT))
    mde_se: dict[int, float] = {}
    power_b = {}
    for i, n in enumerate(ns):
        rej = cache[n]["rej"]
        if rej is None:
            mde_se[n] = np.nan
            power_b[n] = np.full(_N_MC_BOOT, np.nan)
            continue
        curves_b = counts[i] @ rej.astype(float) / n_sim  # (_N_MC_BOOT, n_effects + 1)
        power_b[n] = curves_b[:, -1]
        m = _crossings(curves_b[:, :-1], effects, target)
        mde_se[n] = float(np.std(m, ddof=1)) if np.isfinite(m).all() else np.nan
    if effect <= 0:
        return mde_se, np.nan, (np.nan, np.nan), 0.0
    en = _first_reachings(ns, np.array([power_b[n] for n in ns]), target)
    reached = np.isfinite(en)
    share = float(reached.mean())
    if not reached.any():
        return mde_se, np.nan, (np.nan, np.nan), 0.0
    se = float(np.std(en[reached], ddof=1)) if reached.sum() > 1 else np.nan
    filled = np.where(reached, en, np.inf)
    lo, hi = (
        float(v) if np.isfinite(v) else np.nan
        for v in np.quantile(filled, [0.025, 0.975], method="inverted_cdf")
    )
    return mde_se, se, (lo, hi), share
