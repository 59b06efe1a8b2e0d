"""Power of the placebo test by simulation; minimum detectable effect; events needed."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .._rng import check_rng
from .._validation import (
    check_choice,
    check_float,
    check_int,
    check_n_resamples,
    check_timedelta,
)
from . import _common as C
from ._bootstrap import describe_scheme, draw_blocks, optimal_block
from ._results import PowerResult

__all__ = ["power_analysis"]

DEFAULT_GRID = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50)
_SIM_CHUNK = 50
_N_EFFECTS = 241


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
    method,
    max_events,
    delay,
):
    horizon = C.check_horizon(horizon)
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
    method = check_choice(method, "method", ("stationary", "circular"))
    delay = check_timedelta(delay, "delay")
    return (
        horizon,
        effect,
        grid,
        alpha,
        target_power,
        n_simulations,
        n_resamples,
        block_length,
        method,
        max_events,
        delay,
    )


def power_analysis(
    follower: Any,
    events: Any = None,
    *,
    horizon: int,
    effect: float | None = None,
    n_events: Any = None,
    alpha: float = 0.05,
    target_power: float = 0.8,
    min_spacing: int | None = None,
    n_simulations: int = 200,
    n_resamples: int = 199,
    block_length: float | None = None,
    method: str = "stationary",
    max_events: int = 50,
    delay: Any = C.NO_DELAY,
    leader_clock: Any = None,
    follower_clock: Any = None,
    rng: Any = None,
) -> PowerResult:
    r"""Power of the placebo test against the number of events, by simulation.

    Simulated histories are glued from blocks of the follower's own daily log
    returns (its dependence structure); ``n`` pseudo-events are placed at a
    uniform random spaced set of dates and an effect :math:`\delta` is injected
    after each; the placebo test (mean forward log return, ``alternative =
    "greater"``, the same spacing) is run on each history. The share of
    histories with :math:`p \le \alpha` is the power.

    Parameters
    ----------
    follower : Series or DataFrame
        The follower's daily prices.
    events : Events or sequence of dates, optional
        The real events: they give the observed number of events, the observed
        effect (their mean forward log return minus the mean over all eligible
        days) and the event rate that sets the simulated history's length.
    horizon : int
        Forward window in calendar days.
    effect : float, optional
        Effect (excess mean forward log return) for the power column and the
        events needed. Default: the observed effect (``events`` required).
    n_events : sequence of int, optional
        Numbers of events to simulate. Default 1-8, 10, 12, 15, 20, 25, 30, 40, 50
        and the observed number; the events needed are then refined to the
        integer by bisection.
    alpha : float, default 0.05
    target_power : float, default 0.8
    min_spacing : int, optional
        Calendar days between pseudo-events (default as in
        :func:`riskcycle.placebo_test`).
    n_simulations : int, default 200
        Simulated histories per number of events (Monte Carlo error of a power
        near 0.5: about 0.035).
    n_resamples : int, default 199
        Placebo sets per simulated test.
    block_length : float, optional
        Default: Politis-White for the daily log returns (arch).
    method : {"stationary", "circular"}, default "stationary"
    max_events : int, default 50
        Largest number of events searched for ``events_needed``.
    delay, leader_clock, follower_clock
        As in :func:`riskcycle.placebo_test`.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    PowerResult
        ``table`` (power, its Monte Carlo error and the minimum detectable effect
        by number of events), ``power_observed``, ``mde_observed``,
        ``events_needed``, ``years_needed`` and ``min_attainable`` p-values.

    Raises
    ------
    TypeError, ValueError
        Invalid arguments, or ``effect`` missing without events.

    Notes
    -----
    **Simulated history.** For ``n`` events the history has
    :math:`\max(N, \lceil nN/n_{obs}\rceil)` bars (:math:`N` the follower's bars,
    :math:`n_{obs}` the observed events): as long as it would take to see ``n``
    events at the observed rate (at least twice the room the spacing needs). It
    is glued from stationary (or circular) bootstrap blocks of the daily log
    returns. Pseudo-events are a uniform random set of day-0 bars at least the
    spacing apart ("stars and bars", exact); :math:`\delta/h` is added to each
    return inside each pseudo-event's ``h``-bar window, so each event's forward
    log return rises by :math:`\delta`. Placebo sets are drawn the same way.

    **All effects at once.** Every statistic is linear in :math:`\delta`
    (``T = t_0 + \delta w``, ``w`` the share of injected windows a set covers),
    so one simulation gives the power at every :math:`\delta` exactly, with
    common random numbers: the minimum detectable effect is where the power
    curve crosses ``target_power`` (linear interpolation on a grid of 241
    effects up to six standard deviations of the forward return).

    **Caveat.** Blocks of a few days keep volatility clustering over days, not
    the year-scale swings (bubbles, the halving cycle) that make long-horizon
    returns so dispersed. Compare ``sd_forward_simulated`` with
    ``sd_forward_observed``: when the simulated dispersion is smaller, the power
    is overstated and the events needed understated (pass a longer
    ``block_length`` to check).

    The smallest attainable p-values are reported beside the power: with
    ``n`` events an exact sign test cannot go below :math:`2^{-n}` and the
    binomial hit test at base rate :math:`b` not below :math:`b^n`
    (:func:`riskcycle.base_rate`); two events cannot reject at 5% with either.

    Examples
    --------
    >>> import riskcycle
    >>> btc = riskcycle.datasets.load("btc", end="2026-01-22")
    >>> pw = riskcycle.power_analysis(btc, horizon=365, effect=0.5, n_events=[2, 10],
    ...                               n_simulations=50, n_resamples=39, rng=0)
    >>> int(pw.table["n_events"].min()), int(pw.table["n_events"].max())  # + bisection rows
    (2, 10)
    """
    (
        horizon,
        effect,
        grid,
        alpha,
        target_power,
        n_simulations,
        n_resamples,
        block_length,
        method,
        max_events,
        delay,
    ) = _power_analysis_iv(
        horizon,
        effect,
        n_events,
        alpha,
        target_power,
        n_simulations,
        n_resamples,
        block_length,
        method,
        max_events,
        delay,
    )
    gen = check_rng(rng)
    fd = C.follower_data(follower, follower_clock=follower_clock)
    win = C.windows(fd, horizon)
    ed = None
    if events is not None:
        ed = C.event_data(fd, win, events, delay=delay, leader_clock=leader_clock)
        C.warn_excluded(ed, fd, horizon)
        spacing, _ = C.resolve_spacing(min_spacing, events, ed, fd)
    else:
        spacing = (
            1
            if min_spacing is None
            else check_int(
                min_spacing,
                "min_spacing",
                minimum=1,
                what="a positive integer number of calendar days",
            )
        )
        if effect is None:
            raise ValueError(
                "`effect` is required when no `events` are given (e.g. effect=0.5 "
                "for a 0.5 higher mean forward log return)."
            )
    return power_core(
        fd,
        win,
        ed,
        effect=effect,
        grid=grid,
        alpha=alpha,
        target_power=target_power,
        spacing=spacing,
        n_simulations=n_simulations,
        n_resamples=n_resamples,
        block_length=block_length,
        method=method,
        max_events=max_events,
        rng=gen,
    )


def _power_curves(t0, w0, ts, ws, effects, alpha, n_pl):
    """Rejection indicators (n_sim, n_effects) of the placebo test at every effect."""
    crit = math.floor(alpha * (1 + n_pl) + 1e-9) - 1  # reject when #{extreme} <= crit
    d0 = ts - t0[:, None]
    dw = ws - w0[:, None]
    out = np.empty((len(t0), len(effects)), dtype=bool)
    tol = np.abs(t0)[:, None] * np.finfo(float).eps * 100
    for j, e in enumerate(effects):
        extreme = (d0 + e * dw >= -tol).sum(axis=1)
        out[:, j] = extreme <= crit
    return out


def power_core(
    fd,
    win,
    ed,
    *,
    effect,
    grid,
    alpha,
    target_power,
    spacing,
    n_simulations,
    n_resamples,
    block_length,
    method,
    max_events,
    rng,
) -> PowerResult:
    """Power on prepared data (shared with :func:`riskcycle.assess_signal`)."""
    from . import _nb, _nb_paths

    h = win.horizon
    x = fd.returns
    n_bars_real = fd.n
    elig = win.eligible
    fwd_e = win.fwd[elig]
    sd_obs = float(np.std(fwd_e, ddof=1)) if len(fwd_e) > 1 else np.nan
    span_days = max(int(fd.day[-1] - fd.day[0]), 1)
    bars_per_day = (fd.n - 1) / span_days
    h_bars = max(1, round(h * bars_per_day))
    s_bars = max(1, math.ceil(spacing * bars_per_day - 1e-9))
    notes: list[str] = []
    k_obs = 0 if ed is None else ed.n
    if ed is not None and k_obs:
        obs_stat = float(np.mean(win.fwd[ed.positions]))
        obs_effect = obs_stat - float(np.mean(fwd_e))
    else:
        obs_effect = np.nan
    if effect is None:
        if not np.isfinite(obs_effect):
            raise ValueError(
                "`effect` is required: no event has a complete window, so there "
                "is no observed effect."
            )
        effect, effect_source = (
            obs_effect,
            (
                "observed: the events' mean forward log return minus the mean over all "
                "eligible days"
            ),
        )
    else:
        effect_source = "given"
    if block_length is None:
        block = optimal_block(x, method)
        b_source = "Politis-White estimate for the daily log returns (arch)"
    else:
        block, b_source = float(block_length), "given"
    bars_per_event = n_bars_real / max(k_obs, 1)
    if grid is None:
        grid = tuple(
            sorted(
                {g for g in DEFAULT_GRID if g <= max_events}
                | ({k_obs} if 0 < k_obs <= max_events else set())
            )
        )
    sd_scale = (
        sd_obs if np.isfinite(sd_obs) and sd_obs > 0 else float(np.std(x) * math.sqrt(h_bars))
    )
    effects = np.linspace(0.0, 6.0 * sd_scale, _N_EFFECTS)
    eval_effects = np.append(effects, effect)

    cache: dict[int, dict] = {}
    sd_sim: list[float] = []

    def simulate(n: int, child: np.random.Generator) -> dict:
        n_bars = max(
            n_bars_real, math.ceil(n * bars_per_event), 2 * ((n - 1) * s_bars + h_bars + 1)
        )
        rej = np.empty((n_simulations, len(eval_effects)), dtype=bool)
        for lo in range(0, n_simulations, _SIM_CHUNK):
            hi = min(lo + _SIM_CHUNK, n_simulations)
            starts, lengths = draw_blocks(child, hi - lo, len(x), n_bars - 1, block, method)
            u_ev = child.random((hi - lo, n))
            u_pl = child.random((hi - lo, n_resamples, n))
            t0, w0, ts, ws, short = _nb_paths.power_batch(
                x, starts, lengths, n_bars, h_bars, s_bars, u_ev, u_pl
            )
            if short:  # pragma: no cover
                raise RuntimeError("internal error: pre-drawn blocks did not cover a path.")
            if n == 1:
                sd_sim.append(float(np.std(ts, ddof=1)))
            rej[lo:hi] = _power_curves(t0, w0, ts, ws, eval_effects, alpha, n_resamples)
        pw = rej.mean(axis=0)
        curve = pw[:-1]
        above = np.flatnonzero(curve >= target_power)
        if len(above) == 0:
            mde = np.nan
        elif above[0] == 0:
            mde = 0.0
        else:
            j = above[0]
            y0, y1 = curve[j - 1], curve[j]
            step = effects[j] - effects[j - 1]
            mde = float(effects[j - 1] + (target_power - y0) / (y1 - y0) * step)
        return {
            "n_events": n,
            "n_bars": n_bars,
            "power": float(pw[-1]),
            "power_se": float(math.sqrt(pw[-1] * (1 - pw[-1]) / n_simulations)),
            "mde": mde,
            "curve": curve,
        }

    children = rng.spawn(len(grid) + 1)
    refine_rng = children[-1]
    for n, child in zip(grid, children[:-1], strict=False):
        cache[n] = simulate(n, child)
    # events needed at `effect`: first grid point with enough power, refined by bisection
    events_needed = np.nan
    if effect <= 0:
        notes.append(
            f"The effect ({effect:.3g}) is not positive: no number of events gives the "
            "test power against it."
        )
    else:
        ok = [n for n in sorted(cache) if cache[n]["power"] >= target_power]
        if ok:
            hi_n = ok[0]
            below = [n for n in sorted(cache) if n < hi_n]
            lo_n = below[-1] if below else 0
            while hi_n - lo_n > 1:
                mid = (lo_n + hi_n) // 2
                if mid not in cache:
                    cache[mid] = simulate(mid, refine_rng.spawn(1)[0])
                if cache[mid]["power"] >= target_power:
                    hi_n = mid
                else:
                    lo_n = mid
            events_needed = float(hi_n)
        else:
            notes.append(
                f"Power stays below {target_power:.0%} up to {max(cache)} events at "
                f"effect {effect:.3g}."
            )
    table = pd.DataFrame(
        [{k: v for k, v in cache[n].items() if k != "curve"} for n in sorted(cache)]
    )
    curves = np.vstack([cache[n]["curve"] for n in sorted(cache)])
    bars_per_year = 365.25 * bars_per_day
    years = events_needed * bars_per_event / bars_per_year if k_obs else np.nan
    # smallest attainable p-values with the observed number of events
    min_att = {
        "sign_test": 0.5**k_obs if k_obs else np.nan,
        "simulated_placebo": 1.0 / (1 + n_resamples),
    }
    if k_obs:
        cand = elig
        nxt = np.searchsorted(fd.day[cand], fd.day[cand] + spacing, side="left").astype(np.int64)
        _t, log_count = _nb.spaced_tables(nxt, k_obs)
        min_att["placebo_exact"] = math.exp(-log_count) if np.isfinite(log_count) else np.nan
    power_obs = cache[k_obs]["power"] if k_obs in cache else np.nan
    mde_obs = cache[k_obs]["mde"] if k_obs in cache else np.nan
    if k_obs and k_obs in cache and not np.isfinite(mde_obs):
        notes.append(
            f"With {k_obs} events power does not reach {target_power:.0%} for effects up "
            f"to {effects[-1]:.3g} (six standard deviations of the forward return)."
        )
    sd_simulated = float(np.mean(sd_sim)) if sd_sim else np.nan
    if np.isfinite(sd_simulated) and np.isfinite(sd_obs) and sd_simulated < 0.9 * sd_obs:
        notes.append(
            f"The simulated forward returns are less dispersed (s.d. {sd_simulated:.3g}) "
            f"than the observed ones ({sd_obs:.3g}): power is overstated and the events "
            "needed understated."
        )
    return PowerResult(
        table=table,
        effect=float(effect),
        effect_source=effect_source,
        alpha=alpha,
        target_power=target_power,
        n_observed=k_obs,
        power_observed=power_obs,
        mde_observed=mde_obs,
        events_needed=events_needed,
        years_needed=float(years),
        min_attainable=min_att,
        effects=effects,
        power_curves=curves,
        sd_forward_observed=sd_obs,
        sd_forward_simulated=sd_simulated,
        horizon=h,
        min_spacing=spacing,
        block_length=block,
        method=method,
        n_simulations=n_simulations,
        n_resamples=n_resamples,
        resampling=(
            f"{describe_scheme(method, block)} (block length: {b_source}); "
            f"{n_simulations} simulated histories per number of events, pseudo-events "
            f"uniform over sets {s_bars} bars apart, effect spread evenly over each "
            f"{h_bars}-bar window, placebo test with {n_resamples} sets at alpha "
            f"{alpha}."
        ),
        follower_name=fd.name,
        notes=tuple(notes),
        settings={
            "horizon": h,
            "effect": effect,
            "alpha": alpha,
            "target_power": target_power,
            "min_spacing": spacing,
            "n_simulations": n_simulations,
            "n_resamples": n_resamples,
            "block_length": block_length,
            "method": method,
            "max_events": max_events,
            "n_events": list(grid),
        },
    )
