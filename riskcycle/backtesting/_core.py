"""``riskcycle.backtesting.backtest``: trade a follower on a leader's signal, with significance."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._clocks import clock_of
from .._resample import resampling_pvalue, resampling_pvalue_se
from .._rng import RNGLike, check_rng
from .._sample import NO_DELAY, outside_data_message
from .._typing import DelayLike, EventsLike, PricesLike
from .._validation import (
    as_price_frame,
    check_bool,
    check_confidence_level,
    check_float,
    check_horizon,
    check_int,
    check_n_resamples,
    check_timedelta,
)
from ..calendar import GENESIS, SessionClock, halving_phase, map_to_follower
from ..exceptions import DegenerateDataWarning, EventsExcludedWarning
from . import _signals
from ._null import bootstrap_sharpe, random_entry_trades
from ._portfolio import from_signals_kwargs, lazy_portfolios
from ._result import BacktestResult, ConfidenceInterval, drawdown, short_timedelta
from ._snoop import psr_or_nan

__all__ = ["backtest"]

MAX_PERIODS_PER_YEAR = 366 * 24 * 60  # one-minute bars around the clock

NULL_HYPOTHESIS = (
    "the signal has no timing ability: the strategy's {stat} is a typical draw from "
    "strategies with the same number of non-overlapping trades and the same holding "
    "lengths entered at random admissible follower bars{phase}"
)


def _periods_per_year(frame: pd.DataFrame, clock: SessionClock, value: Any) -> int:
    if value is not None:
        return check_int(
            value,
            "periods_per_year",
            minimum=1,
            maximum=MAX_PERIODS_PER_YEAR,
            what="a positive integer",
        )
    ppy = (frame.attrs or {}).get("periods_per_year")
    return int(ppy) if ppy is not None else int(clock.periods_per_year)


def _exit_rules_iv(horizon, trailing_stop, exit_below, leader, follower_index):
    if horizon is not None:
        # a holding period longer than the follower's data never ends inside it
        horizon = check_horizon(
            horizon,
            "horizon",
            index=follower_index,
            what="a positive integer number of calendar days",
        )
    if trailing_stop is not None:
        trailing_stop = check_float(
            trailing_stop,
            "trailing_stop",
            minimum=0.0,
            maximum=1.0,
            inclusive=(False, False),
            what="a fraction",
        )
    if exit_below is not None:
        if isinstance(exit_below, str):
            if exit_below not in _signals.EXIT_LEVELS:
                raise ValueError(
                    f"`exit_below` must be one of {list(_signals.EXIT_LEVELS)} or a "
                    f"positive leader level; got {exit_below!r}."
                )
        else:
            exit_below = check_float(
                exit_below,
                "exit_below",
                minimum=0.0,
                inclusive=(False, True),
                what="a positive leader level",
            )
        if leader is None:
            raise ValueError("`exit_below` needs the leader's prices: pass `leader=`.")
    return horizon, trailing_stop, exit_below


def _costs_iv(fees, slippage, init_cash):
    fees = check_float(
        fees,
        "fees",
        minimum=0.0,
        maximum=1.0,
        inclusive=(True, False),
        what="a fraction of traded value",
    )
    slippage = check_float(
        slippage,
        "slippage",
        minimum=0.0,
        maximum=1.0,
        inclusive=(True, False),
        what="a fraction of the price",
    )
    init_cash = check_float(
        init_cash, "init_cash", minimum=0.0, inclusive=(False, True), what="a positive amount"
    )
    return fees, slippage, init_cash


@dataclass(frozen=True, slots=True)
class BacktestOptions:
    """The validated options of one :func:`backtest` call (its ``settings``)."""

    horizon: int | None
    trailing_stop: float | None
    exit_below: str | float | None
    delay: pd.Timedelta
    fees: float
    slippage: float
    init_cash: float
    periods_per_year: int
    n_resamples: int
    match_halving_phase: bool
    phase_window: float
    confidence_level: float
    follower_clock: SessionClock
    leader_clock: SessionClock

    def settings(self) -> dict[str, Any]:
        """The result's ``settings`` (clocks by name, the vectorbt arguments spelled out)."""
        rules = {"horizon": self.horizon, "trailing_stop": self.trailing_stop}
        rules["exit_below"] = self.exit_below
        costs = {"fees": self.fees, "slippage": self.slippage, "init_cash": self.init_cash}
        vbt = from_signals_kwargs(**costs)
        return {
            **rules,
            "exit_rules": {k: v for k, v in rules.items() if v is not None} or "none",
            "delay": short_timedelta(self.delay),
            **costs,
            "n_resamples": self.n_resamples,
            "match_halving_phase": self.match_halving_phase,
            "phase_window": self.phase_window,
            "confidence_level": self.confidence_level,
            "follower_clock": self.follower_clock.name,
            "leader_clock": self.leader_clock.name,
            "vectorbt": {
                k: v for k, v in vbt.items() if k not in ("broadcast_kwargs", "wrapper_kwargs")
            }
            | {"price": "close"},
        }


@dataclass(frozen=True, slots=True)
class _BacktestInput:
    """Validated data of one call: follower and leader prices, the signal, options, rng."""

    frame: pd.DataFrame
    leader: pd.DataFrame | None
    signal: _signals.LeaderSignal
    options: BacktestOptions
    rng: np.random.Generator


def _follower_iv(follower, follower_clock):
    if not isinstance(follower, pd.Series | pd.DataFrame | str | os.PathLike):
        raise TypeError(
            "`follower` must be a pandas Series or DataFrame of prices, or a path to "
            f"a CSV file; got {type(follower).__name__}."
        )
    fclock = clock_of(follower, follower_clock, "follower_clock")
    return as_price_frame(follower, name="follower", timezone=fclock.timezone), fclock


def _leader_iv(leader, leader_clock):
    if leader is None:
        return None
    # the leader's zone only matters for timezone-aware dates; its clock may be unknown
    # here when the signal (Events) carries it
    known = leader_clock is not None or "clock" in (getattr(leader, "attrs", {}) or {})
    tz = clock_of(leader, leader_clock, "leader_clock").timezone if known else "UTC"
    return as_price_frame(leader, name="leader", timezone=tz)


def _phase_iv(match_halving_phase, phase_window, frame):
    match_halving_phase = check_bool(match_halving_phase, "match_halving_phase")
    if match_halving_phase and frame.index[0] < GENESIS.tz_localize(None).normalize():
        raise ValueError(
            "`match_halving_phase` needs follower dates from the genesis block "
            f"(2009-01-03) on; the follower starts {frame.index[0].date()}."
        )
    phase_window = check_float(
        phase_window,
        "phase_window",
        minimum=0.0,
        maximum=0.5,
        inclusive=(False, True),
        what="a fraction of the halving cycle",
    )
    return match_halving_phase, phase_window


def _backtest_iv(
    follower,
    events_or_signal,
    leader,
    horizon,
    trailing_stop,
    exit_below,
    delay,
    fees,
    slippage,
    init_cash,
    follower_clock,
    leader_clock,
    periods_per_year,
    n_resamples,
    match_halving_phase,
    phase_window,
    confidence_level,
    rng,
) -> _BacktestInput:
    frame, fclock = _follower_iv(follower, follower_clock)
    lead = _leader_iv(leader, leader_clock)
    signal = _signals.as_signal(events_or_signal, leader=lead, leader_clock=leader_clock)
    horizon, trailing_stop, exit_below = _exit_rules_iv(
        horizon, trailing_stop, exit_below, lead, frame.index
    )
    delay = check_timedelta(delay, "delay")
    fees, slippage, init_cash = _costs_iv(fees, slippage, init_cash)
    ppy = _periods_per_year(frame, fclock, periods_per_year)
    n_resamples = check_n_resamples(n_resamples, minimum=0)
    match_halving_phase, phase_window = _phase_iv(match_halving_phase, phase_window, frame)
    confidence_level = check_confidence_level(confidence_level)
    options = BacktestOptions(
        horizon=horizon,
        trailing_stop=trailing_stop,
        exit_below=exit_below,
        delay=delay,
        fees=fees,
        slippage=slippage,
        init_cash=init_cash,
        periods_per_year=ppy,
        n_resamples=n_resamples,
        match_halving_phase=match_halving_phase,
        phase_window=phase_window,
        confidence_level=confidence_level,
        follower_clock=fclock,
        leader_clock=signal.clock,
    )
    return _BacktestInput(
        frame=frame, leader=lead, signal=signal, options=options, rng=check_rng(rng)
    )


def build_plan(
    signal,
    frame,
    fclock,
    lead,
    *,
    horizon,
    trailing_stop,
    exit_below,
    delay,
    day0=None,
    close_times=None,
    hold_end=None,
    below_exec=None,
):
    """Day-0 mapping of the signals and the trade plan (shared with the sweep).

    ``day0`` (the :func:`~riskcycle.calendar.map_to_follower` frame of the signals,
    ``strict=True``: entry bars)
    ``close_times`` (the follower's close times, int64 ns), ``hold_end`` and
    ``below_exec`` (see :func:`._signals.plan_trades`) may be passed when already known.
    """
    idx = frame.index
    m = _signals.signal_entries(signal, idx, fclock, delay) if day0 is None else day0
    if close_times is None:
        close_times = fclock.information_times(idx).asi8
    below = below_exec
    if exit_below is not None:
        lmap = map_to_follower(
            lead.index,
            idx,
            leader_clock=signal.clock,
            follower_clock=fclock,
            delay=delay,
            strict=True,
        )["position"].to_numpy()
        below = _signals.leader_below_exits(signal, lead, exit_below, lmap)
    plan = _signals.plan_trades(
        m["position"].to_numpy(),
        m["status"].to_numpy(),
        idx,
        frame["close"].to_numpy(),
        close_times,
        delay.value,
        horizon=horizon,
        trailing_stop=trailing_stop,
        below_exec=below,
        hold_end=hold_end,
    )
    return m, plan


def first_admissible(signal, idx, fclock) -> int:
    """First follower bar a signal could have been traded on (from the leader's first date)."""
    if signal.data_start is None:
        return 0
    m = map_to_follower(
        [signal.data_start], idx, leader_clock=signal.clock, follower_clock=fclock, strict=True
    )
    p = int(m["position"].iloc[0])
    return max(p, 0) if m["status"].iloc[0] != "after_end" else len(idx) - 1


def _trades_frame(plan, m, frame, fees, slippage) -> pd.DataFrame:
    idx = frame.index
    close = frame["close"].to_numpy()
    n = len(close)
    e, x = plan.entries, plan.exits
    closed = x >= 0
    xe = np.where(closed, x, n - 1)
    entry_fill = close[e] * (1.0 + slippage)
    exit_fill = np.where(closed, close[xe] * (1.0 - slippage), np.nan)
    gross = np.where(closed, (1.0 - slippage) * (1.0 - fees), 1.0) * close[xe] / close[e]
    ret = gross / ((1.0 + fees) * (1.0 + slippage)) - 1.0
    exit_date = pd.DatetimeIndex(
        np.where(closed, idx[xe].asi8, np.iinfo(np.int64).min).astype("datetime64[ns]")
    )
    return pd.DataFrame(
        {
            "signal_date": m.index[plan.signal_index],
            "entry_date": idx[e],
            "entry_price": entry_fill,
            "exit_date": exit_date,
            "exit_price": exit_fill,
            "exit_reason": plan.reasons.astype(str),
            "bars_held": xe - e,
            "days_held": (idx[xe] - idx[e]).days.to_numpy(),
            "trade_return": ret,
        }
    )


# ---------------------------------------------------------------------------
# the steps of backtest
# ---------------------------------------------------------------------------
def _planned_trades(inp: _BacktestInput):
    """Entry bars of the signals and the trade plan; signals outside the data are named."""
    opt = inp.options
    m, plan = build_plan(
        inp.signal,
        inp.frame,
        opt.follower_clock,
        inp.leader,
        horizon=opt.horizon,
        trailing_stop=opt.trailing_stop,
        exit_below=opt.exit_below,
        delay=opt.delay,
    )
    excluded = m.index[m["status"] != "ok"]
    if len(excluded):
        warnings.warn(
            outside_data_message(excluded, inp.frame.index, noun="signal", verb="were", limit=8),
            EventsExcludedWarning,
            stacklevel=3,
        )
    return m, plan


def _simulate(inp: _BacktestInput, plan):
    """Daily returns of the strategy and of buy-and-hold, and their (lazy) vectorbt portfolios.

    Two columns of riskcycle's kernel (vectorbt's fills and returns, equal to
    vectorbt's); the vectorbt portfolios are simulated on first use.
    """
    from . import _nb

    opt, frame = inp.options, inp.frame
    idx = frame.index
    close_s = frame["close"].rename(str(frame.attrs.get("name", "close")))
    close = close_s.to_numpy()
    n = len(close)
    costs = {"fees": opt.fees, "slippage": opt.slippage, "init_cash": opt.init_cash}
    mat, _ = _nb.returns_and_stats(  # the sweep's kernel: one kernel to compile for both
        close,
        np.array([0, plan.n_trades, plan.n_trades + 1]),
        np.append(plan.entries, 0),
        np.append(plan.exits, -1),  # buy-and-hold: in at the first bar, never out
        **costs,
    )
    rets = pd.Series(mat[:, 0], index=idx, name="strategy")
    bh_rets = pd.Series(mat[:, 1], index=idx, name="buy_and_hold")
    ent = np.zeros((n, 2), dtype=bool)
    ext = np.zeros((n, 2), dtype=bool)
    ent[plan.entries, 0] = True
    ext[plan.exits[plan.exits >= 0], 0] = True
    ent[0, 1] = True
    pf, bh = lazy_portfolios(
        close_s,
        ent,
        ext,
        **costs,
        columns=pd.Index(["strategy", "buy_and_hold"], name="portfolio"),
    )
    return rets, bh_rets, pf, bh


def _sharpe(rets: pd.Series, ppy: int) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = rets.std(ddof=1)
        return float(rets.mean() / sd * np.sqrt(ppy)) if sd > 0 else np.nan


@dataclass(frozen=True, slots=True)
class _Significance:
    """Random-entry p-values and the bootstrap interval of the Sharpe ratio."""

    null: pd.DataFrame
    boot: np.ndarray
    block: float = np.nan
    p_tr: float = np.nan
    p_sr: float = np.nan
    se_tr: float = np.nan
    se_sr: float = np.nan
    min_p: float = np.nan
    ci: ConfidenceInterval = field(default_factory=lambda: ConfidenceInterval(np.nan, np.nan))


def _random_entry_stats(inp: _BacktestInput, plan, close: np.ndarray):
    """Statistics of the random-entry strategies and of the observed one."""
    from . import _nb

    opt, idx = inp.options, inp.frame.index
    n = len(close)
    is_open = plan.exits < 0
    lengths = np.where(is_open, n - 1 - plan.entries, plan.exits - plan.entries)
    first = first_admissible(inp.signal, idx, opt.follower_clock)
    phase = target = None
    if opt.match_halving_phase:
        phase = halving_phase(idx)["cycle_fraction"].to_numpy()
        target = phase[plan.entries]
    offs, e_null, x_null = random_entry_trades(
        lengths,
        is_open,
        n,
        first,
        opt.n_resamples,
        inp.rng,
        phase=phase,
        target_phase=target,
        phase_window=opt.phase_window,
    )
    kw = {
        "fees": opt.fees,
        "slippage": opt.slippage,
        "init_cash": opt.init_cash,
        "periods_per_year": opt.periods_per_year,
    }
    stats = _nb.strategy_stats(close, offs, e_null, x_null, **kw)
    obs = _nb.strategy_stats(close, np.array([0, plan.n_trades]), plan.entries, plan.exits, **kw)[
        0
    ]
    return stats, obs


def _significance(inp: _BacktestInput, plan, rets: pd.Series) -> _Significance:
    """Random-entry p-values and the stationary-bootstrap Sharpe-ratio interval."""
    opt = inp.options
    none = _Significance(
        null=pd.DataFrame({"total_return": np.empty(0), "sharpe_ratio": np.empty(0)}),
        boot=np.empty(0),
    )
    if plan.n_trades == 0:
        warnings.warn(
            "the signal produced no trade in the follower's data; the random-entry "
            "p-values and the Sharpe-ratio interval are NaN.",
            DegenerateDataWarning,
            stacklevel=3,
        )
        return none
    if opt.n_resamples == 0:
        return none
    stats, obs = _random_entry_stats(inp, plan, inp.frame["close"].to_numpy())
    boot, block = bootstrap_sharpe(
        rets.to_numpy(),
        n_resamples=opt.n_resamples,
        periods_per_year=opt.periods_per_year,
        rng=inp.rng,
    )
    ci = ConfidenceInterval(np.nan, np.nan)
    ok = boot[np.isfinite(boot)]
    if len(ok):
        alpha = 1.0 - opt.confidence_level
        ci = ConfidenceInterval(
            float(np.quantile(ok, alpha / 2)), float(np.quantile(ok, 1 - alpha / 2))
        )
    # (1 + #{null >= observed}) / (1 + m) over the m finite null statistics, with its
    # Monte Carlo standard error sqrt(p (1 - p) / m)
    return _Significance(
        null=pd.DataFrame({"total_return": stats[:, 0], "sharpe_ratio": stats[:, 1]}),
        boot=boot,
        block=block,
        p_tr=resampling_pvalue(obs[0], stats[:, 0], alternative="greater"),
        p_sr=resampling_pvalue(obs[1], stats[:, 1], alternative="greater"),
        se_tr=resampling_pvalue_se(obs[0], stats[:, 0], alternative="greater"),
        se_sr=resampling_pvalue_se(obs[1], stats[:, 1], alternative="greater"),
        min_p=1.0 / (opt.n_resamples + 1),
        ci=ci,
    )


def _exposure(plan, n: int) -> float:
    in_pos = np.zeros(n, dtype=bool)
    for e, x in zip(plan.entries, plan.exits, strict=True):
        in_pos[e : (n if x < 0 else x)] = True
    return float(in_pos.mean())


def _signals_frame(m: pd.DataFrame, plan) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "signal_date": m.index,
            "information_time": m["information_time"].to_numpy(),
            "available_time": m["available_time"].to_numpy(),
            "entry_date": m["follower_date"].to_numpy(),
            "status": plan.signal_status,
        }
    )


def backtest(
    follower: PricesLike,
    events_or_signal: EventsLike | pd.Series,
    *,
    leader: PricesLike | None = None,
    horizon: int | None = 365,
    trailing_stop: float | None = None,
    exit_below: str | float | None = None,
    delay: DelayLike = NO_DELAY,
    fees: float = 0.001,
    slippage: float = 0.001,
    init_cash: float = 100.0,
    leader_clock: SessionClock | str | None = None,
    follower_clock: SessionClock | str | None = None,
    periods_per_year: int | None = None,
    n_resamples: int = 9999,
    match_halving_phase: bool = False,
    phase_window: float = 0.125,
    confidence_level: float = 0.95,
    rng: RNGLike = None,
) -> BacktestResult:
    r"""Trade the follower on a leader's signal, without look-ahead, and test the result.

    Parameters
    ----------
    follower : Series or DataFrame
        The traded series' daily closes (bundled data carry their clock).
    events_or_signal : Events or boolean Series
        :class:`~riskcycle.Events` (e.g. :func:`riskcycle.breakouts`) or a boolean
        Series indexed by leader dates, True on signal dates.
    leader : Series or DataFrame, optional
        The leader's prices; needed for ``exit_below``.
    horizon : int or None, default 365
        Holding period in calendar days (exit at the last follower bar dated on or
        before entry + ``horizon``); None for no time limit.
    trailing_stop : float, optional
        Exit when the follower closes at or below ``1 - trailing_stop`` times its
        highest close since entry.
    exit_below : {"prior_record", "signal_level"} or float, optional
        Exit when the leader closes below the record the signal broke, below its
        close on the signal date, or below a given level.
    delay : timedelta or str, default NO_DELAY (zero)
        Time between a signal becoming known and the order (entries and exits).
    fees, slippage : float, default 0.001
        Per side, as fractions of traded value and of the price (10 bp each).
    init_cash : float, default 100
        Starting cash (returns do not depend on it).
    leader_clock, follower_clock : SessionClock or str, optional
        Default: the clocks recorded by :func:`riskcycle.datasets.load` (or the
        clock of the Events).
    periods_per_year : int, optional
        Annualisation; default the follower's clock (365 for BTC, 252 for US equities).
    n_resamples : int, default 9999
        Random-entry strategies and bootstrap replicates (0 skips both).
    match_halving_phase : bool, default False
        Random entries at bars in the same halving-cycle phase (within
        ``phase_window`` of a cycle) as the real trade they replace.
    phase_window : float, default 0.125
        Half-width of the phase window, as a fraction of the cycle.
    confidence_level : float, default 0.95
        Of the Sharpe-ratio interval.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    BacktestResult
        The daily returns of the strategy and of buy-and-hold, their vectorbt
        portfolios (simulated on first use),
        trades, random-entry p-values, the Sharpe-ratio confidence interval and the
        probabilistic Sharpe ratio.

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (each message names the argument), including a ``horizon``
        above 36,525 days or longer than the follower's data, a ``delay`` above 100
        years and ``n_resamples`` above 10,000,000.

    Warns
    -----
    EventsExcludedWarning
        Signals known before the follower's first bar or after its last.
    DegenerateDataWarning
        No trade at all: p-values and the interval are NaN.

    Notes
    -----
    **Timing.** A signal dated :math:`d` is known at its information time
    :math:`\tau(d)` (16:00 New York for a US index); the trade enters at the close
    of the first follower bar whose close time is strictly after
    :math:`\tau(d) + \text{delay}` (:func:`riskcycle.calendar.map_to_follower`
    with ``strict=True``), never at a bar that closed before or at the instant the
    signal was known. A Friday Russell 2000 close (21:00 UTC in winter) enters BTC
    at the close of its Friday bar (24:00 UTC); with equal clocks (Russell 2000
    onto IWM, both 16:00 New York) it enters at the next IWM close, because the
    close that produced the signal cannot be traded. Exits: the fixed holding
    period is scheduled at entry; a trailing stop triggered by the close of bar
    :math:`j` executes at the first bar closing strictly after that close plus
    the delay (bar :math:`j + 1` without delay); a leader close below the level
    executes at the first follower bar closing strictly after its information
    time plus the delay. The first exit to fire closes the position; signals
    during a position are skipped.

    **Simulation.** The fills and returns of
    :meth:`vectorbt.Portfolio.from_signals` with every argument passed explicitly
    (nothing read from ``vectorbt.settings``): long only, all cash in at
    ``close * (1 + slippage)``, fees on traded value, fractional units, out at
    ``close * (1 - slippage)``; one bar = ``freq="1D"``. Buy-and-hold enters at
    the follower's first bar with the same costs. The returns are computed by
    riskcycle's compiled kernel, which repeats vectorbt's order arithmetic (equal to
    vectorbt's returns; tested); ``portfolio`` and ``benchmark_portfolio`` run
    vectorbt itself on the same signals when first used (vectorbt then compiles its
    simulation, about 10 s in a new process).

    **Significance.** The random-entry null places the same number of
    non-overlapping trades with the same holding lengths (bars) at random
    follower bars from the first one a leader signal could reach, uniformly over
    all such configurations (optionally in matched halving phases); each is
    simulated by a compiled kernel with vectorbt's fills (equal to vectorbt's
    returns to rounding error), and :math:`p = (1 + \#\{T^\ast \ge T\})/(1 + n)`.
    The Sharpe-ratio interval is the percentile interval of the stationary
    bootstrap (Politis and Romano 1994) of the daily returns, mean block length
    by Politis and White (2004) (the estimator of
    :func:`arch.bootstrap.optimal_block_length`, computed by
    :func:`riskcycle._resample.politis_white_block_length`).
    The probabilistic Sharpe ratio (Bailey and López de Prado 2012) comes from
    :func:`riskcycle.probabilistic_sharpe_ratio`.

    References
    ----------
    Politis, D. N. & Romano, J. P. (1994). The stationary bootstrap. *JASA* 89(428),
    1303-1313. doi:10.1080/01621459.1994.10476870

    Politis, D. N. & White, H. (2004). Automatic block-length selection for the
    dependent bootstrap. *Econometric Reviews* 23(1), 53-70.
    doi:10.1081/ETC-120028836

    Bailey, D. H. & López de Prado, M. (2012). The Sharpe ratio efficient frontier.
    *Journal of Risk* 15(2), 3-44. doi:10.21314/JOR.2012.255

    Examples
    --------
    >>> import riskcycle
    >>> rut = riskcycle.datasets.load("rut")
    >>> btc = riskcycle.datasets.load("btc")
    >>> ev = riskcycle.breakouts(rut, min_gap=250).between(start="2014-09-17")
    >>> res = riskcycle.backtest(btc, ev, horizon=365, n_resamples=999, rng=1)
    >>> res.trades["entry_date"].dt.strftime("%Y-%m-%d").tolist()
    ['2016-11-14', '2020-11-13', '2025-09-18']
    """
    inp = _backtest_iv(
        follower,
        events_or_signal,
        leader,
        horizon,
        trailing_stop,
        exit_below,
        delay,
        fees,
        slippage,
        init_cash,
        follower_clock,
        leader_clock,
        periods_per_year,
        n_resamples,
        match_halving_phase,
        phase_window,
        confidence_level,
        rng,
    )
    opt, frame = inp.options, inp.frame
    ppy = opt.periods_per_year
    m, plan = _planned_trades(inp)
    rets, bh_rets, pf, bh = _simulate(inp, plan)
    sharpe, bh_sharpe = _sharpe(rets, ppy), _sharpe(bh_rets, ppy)
    total = float(np.prod(1.0 + rets.to_numpy()) - 1.0)
    sig = _significance(inp, plan, rets)
    psr = psr_or_nan(rets) if plan.n_trades else np.nan
    phase_txt = " in the same halving-cycle phase" if opt.match_halving_phase else ""
    return BacktestResult(
        portfolio=pf,
        benchmark_portfolio=bh,
        returns=rets,
        benchmark_returns=bh_rets,
        trades=_trades_frame(plan, m, frame, opt.fees, opt.slippage),
        signals=_signals_frame(m, plan),
        statistic=sharpe,
        pvalue=sig.p_sr,
        pvalue_se=sig.se_sr,
        total_return=total,
        total_return_pvalue=sig.p_tr,
        total_return_pvalue_se=sig.se_tr,
        min_attainable_pvalue=sig.min_p,
        benchmark_total_return=float(np.prod(1.0 + bh_rets.to_numpy()) - 1.0),
        benchmark_sharpe_ratio=bh_sharpe,
        max_drawdown=float(drawdown(rets).min()),
        benchmark_max_drawdown=float(drawdown(bh_rets).min()),
        exposure=_exposure(plan, len(frame)),
        confidence_interval=sig.ci,
        null_distribution=sig.null,
        bootstrap_distribution=sig.boot,
        block_length=float(sig.block),
        probabilistic_sharpe_ratio=psr,
        null_hypothesis=NULL_HYPOTHESIS.format(
            stat="Sharpe ratio (and total return)", phase=phase_txt
        ),
        periods_per_year=ppy,
        follower_name=str(frame.attrs.get("name", "follower")),
        leader_name=inp.signal.name,
        settings=opt.settings(),
    )
