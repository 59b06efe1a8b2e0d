"""Parameter sweeps as one compiled batch, with data-snooping control."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._clocks import clock_of
from .._results import ResultMixin, Summary, package_versions
from .._rng import RNGLike, check_rng
from .._sample import NO_DELAY, horizon_end_positions
from .._threads import check_n_jobs
from .._typing import AxesLike, DelayLike, PricesLike
from .._validation import (
    as_price_frame,
    check_choice,
    check_float,
    check_horizon,
    check_int,
    check_size,
    check_timedelta,
)
from ..calendar import SessionClock, map_to_follower
from ..events import breakouts
from ..exceptions import DegenerateDataWarning
from . import _signals
from ._core import _costs_iv, _periods_per_year, build_plan
from ._portfolio import run_portfolio, signal_matrices
from ._result import drawdown, short_timedelta

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

    from ..snooping import PBOResult, SharpeRatioResult, SPAResult, StepMResult

__all__ = ["SweepResult", "sweep"]

BENCHMARKS = ("buy_and_hold", "cash")
ENGINES = ("numba", "vectorbt")
GRID_COLUMNS = ("min_gap", "margin", "horizon", "delay", "trailing_stop", "exit_below")


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepResult(ResultMixin):
    """Daily returns of every parameter combination and the data-snooping statistics.

    Attributes
    ----------
    returns : pandas.DataFrame
        The ``T x k`` matrix of daily strategy returns (rows: follower bars,
        columns: combination number ``strategy``).
    benchmark_returns : pandas.Series
        Buy-and-hold of the follower with the same costs (zero for ``benchmark="cash"``).
    grid : pandas.DataFrame
        One row per combination (index ``strategy``): ``min_gap``, ``margin``, ``horizon``
        (days; NaN = none), ``delay``, ``trailing_stop`` (NaN = none), ``exit_below``
        (missing = none), ``n_trades``,
        ``total_return``, ``sharpe_ratio`` (annualised), ``max_drawdown``,
        ``exposure``, ``distinct`` (the combination whose identical trades it
        repeats; the snooping statistics count each distinct strategy once) and
        ``superior`` (StepM).
    best : int
        Combination with the highest Sharpe ratio.
    spa : riskcycle.snooping.SPAResult or None
        Hansen's SPA p-values (lower, consistent, upper) and White's Reality Check
        against the benchmark, over the distinct strategies with trades.
    stepm : riskcycle.snooping.StepMResult or None
        Romano-Wolf StepM from the same bootstrap.
    dsr : riskcycle.snooping.SharpeRatioResult or None
        Deflated Sharpe ratio of the best strategy over the distinct trials.
    pbo : riskcycle.snooping.PBOResult or None
        Probability of backtest overfitting (CSCV).
    periods_per_year : int
    benchmark : str
    settings : dict
    versions : dict
    """

    returns: pd.DataFrame
    benchmark_returns: pd.Series
    grid: pd.DataFrame
    best: int
    spa: SPAResult
    stepm: StepMResult
    dsr: SharpeRatioResult
    pbo: PBOResult
    periods_per_year: int
    benchmark: str
    settings: dict = field(default_factory=dict)
    versions: dict = field(default_factory=package_versions)

    @property
    def n_strategies(self) -> int:
        return self.returns.shape[1]

    @property
    def n_distinct(self) -> int:
        return int(self.grid["distinct"].nunique())

    def __repr__(self) -> str:
        spa = "n/a" if self.spa is None else f"{self.spa.pvalue:.4f}"
        pbo = "n/a" if self.pbo is None else f"{self.pbo.pbo:.3f}"
        dsr = "n/a" if self.dsr is None else f"{self.dsr.probability:.3f}"
        return (
            f"SweepResult(k={self.n_strategies} ({self.n_distinct} distinct), "
            f"best={self.best}, "
            f"SPA p={spa}, DSR={dsr}, PBO={pbo})"
        )

    def to_frame(self, kind: str = "grid") -> pd.DataFrame:
        """``"grid"``: one row per combination (:attr:`grid`, with ``strategy``);
        ``"returns"``: the long table ``date``, ``strategy``, ``return``;
        ``"snooping"``: one row per test (``test``, ``statistic``, ``pvalue``)."""
        kind = check_choice(kind, "kind", ("grid", "returns", "snooping"))
        if kind == "grid":
            return self.grid.reset_index()
        if kind == "returns":
            long = self.returns.stack()
            long.index.names = ["date", "strategy"]
            return long.rename("return").reset_index()
        rows = []
        if self.spa is not None:
            rows += [
                ("spa_lower", self.spa.statistic, self.spa.pvalue_lower),
                ("spa_consistent", self.spa.statistic, self.spa.pvalue_consistent),
                ("spa_upper", self.spa.statistic, self.spa.pvalue_upper),
                ("reality_check", self.spa.reality_check_statistic, self.spa.reality_check_pvalue),
            ]
        if self.stepm is not None:
            rows.append(("stepm_n_superior", float(len(self.stepm.superior)), np.nan))
        if self.dsr is not None:
            rows.append(
                ("deflated_sharpe_ratio", float(self.dsr.probability), float(self.dsr.pvalue))
            )
        if self.pbo is not None:
            rows.append(("pbo", float(self.pbo.pbo), np.nan))
        return pd.DataFrame(rows, columns=["test", "statistic", "pvalue"])

    def _summary(self) -> Summary:
        top = self.grid.sort_values("sharpe_ratio", ascending=False).head(10).copy()
        top["delay"] = top["delay"].map(short_timedelta)
        cols = [*GRID_COLUMNS, "n_trades", "total_return", "sharpe_ratio", "max_drawdown"]
        snoop = self.to_frame("snooping").set_index("test")
        notes = [
            f"{self.n_strategies} combinations, {self.n_distinct} distinct trade sets; "
            f"benchmark for SPA/StepM: {self.benchmark}.",
            f"Sharpe ratios annualised with {self.periods_per_year} periods a year.",
            "SPA/Reality Check null: no strategy beats the benchmark in expected daily "
            "return; DSR: probability that the best strategy's true Sharpe ratio exceeds "
            "the best of as many unskilled trials; PBO: probability that the in-sample "
            "best is below the median out of sample.",
        ]
        if self.settings.get("pbo_flat_halves"):
            notes.append(
                "PBO: some strategies held no position on some halves of the data "
                "(constant returns); they rank last there."
            )
        return Summary(
            title="Parameter sweep with data-snooping control",
            tables=(("Best combinations", top[cols]), ("Snooping tests", snoop)),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Sharpe ratio of every combination (sorted), the best one and buy-and-hold marked.

        Draws on ``ax`` (a new figure when None) and returns the matplotlib Figure.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        sr = np.sort(self.grid["sharpe_ratio"].to_numpy())
        ax.plot(np.arange(len(sr)), sr, color="C0", lw=1.0, label="combinations (sorted)")
        r = self.benchmark_returns
        sd = r.std(ddof=1)
        if sd > 0:
            ax.axhline(
                r.mean() / sd * np.sqrt(self.periods_per_year),
                color="0.5",
                ls="--",
                lw=0.8,
                label=self.benchmark,
            )
        ax.set_xlabel("combination rank")
        ax.set_ylabel("annualised Sharpe ratio")
        title = f"{self.n_strategies} combinations"
        if self.spa is not None:
            title += f"; SPA p = {self.spa.pvalue:.3f}"
        if self.pbo is not None:
            title += f"; PBO = {self.pbo.pbo:.2f}"
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=8)
        return ax.figure


def _values(value: Any, name: str, check) -> list:
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
        value = [value]
    if len(value) == 0:
        raise ValueError(f"`{name}` must list at least one value.")
    return [check(v) for v in value]


def _exit_below(v):
    if v is None:
        return None
    if isinstance(v, str):
        if v not in _signals.EXIT_LEVELS:
            raise ValueError(
                f"`exit_below` must be one of {list(_signals.EXIT_LEVELS)}, a "
                f"positive leader level or None; got {v!r}."
            )
        return v
    return check_float(
        v, "exit_below", minimum=0.0, inclusive=(False, True), what="a positive leader level"
    )


@dataclass(frozen=True, slots=True)
class SweepOptions:
    """The validated options of one :func:`sweep` call (its ``settings``)."""

    min_gap: tuple[int, ...]
    margin: tuple[float, ...]
    horizon: tuple[int | None, ...]
    delay: tuple[pd.Timedelta, ...]
    trailing_stop: tuple[float | None, ...]
    exit_below: tuple[str | float | None, ...]
    fees: float
    slippage: float
    init_cash: float
    benchmark: str
    periods_per_year: int
    n_resamples: int
    alpha: float
    n_partitions: int
    engine: str
    leader_clock: SessionClock
    follower_clock: SessionClock

    @property
    def grid(self) -> dict[str, tuple]:
        """The values of each grid column, in :data:`GRID_COLUMNS` order."""
        return {c: getattr(self, c) for c in GRID_COLUMNS}

    def settings(self, *, pbo_flat_halves: bool) -> dict[str, Any]:
        """The result's ``settings`` (with the PBO's flat-halves flag of the run)."""
        return {
            **{k: list(vals) for k, vals in self.grid.items()},
            "fees": self.fees,
            "slippage": self.slippage,
            "init_cash": self.init_cash,
            "n_resamples": self.n_resamples,
            "alpha": self.alpha,
            "n_partitions": self.n_partitions,
            "engine": self.engine,
            "leader_clock": self.leader_clock.name,
            "follower_clock": self.follower_clock.name,
            "pbo_flat_halves": pbo_flat_halves,
        }


@dataclass(frozen=True, slots=True)
class _SweepInput:
    """Validated data of one call: leader and follower prices, options, rng."""

    leader: pd.DataFrame
    frame: pd.DataFrame
    options: SweepOptions
    rng: np.random.Generator
    n_jobs: int | None = None  # threads of SPA/StepM (the numbers do not depend on it)


def _grid_iv(min_gap, margin, horizons, delay, trailing_stop, exit_below) -> dict[str, tuple]:
    def optional(check):
        return lambda v: None if v is None else check(v)

    checks = {
        "min_gap": lambda v: check_size(
            v, "min_gap", minimum=1, what="a positive integer number of sessions"
        ),
        "margin": lambda v: check_float(v, "margin", minimum=0.0, what="a non-negative fraction"),
        "horizon": optional(
            lambda v: check_horizon(
                v, "horizons", what="a positive integer number of calendar days"
            )
        ),
        "delay": lambda v: check_timedelta(v, "delay"),
        "trailing_stop": optional(
            lambda v: check_float(
                v,
                "trailing_stop",
                minimum=0.0,
                maximum=1.0,
                inclusive=(False, False),
                what="a fraction",
            )
        ),
        "exit_below": _exit_below,
    }
    given = {
        "min_gap": min_gap,
        "margin": margin,
        "horizon": horizons,
        "delay": delay,
        "trailing_stop": trailing_stop,
        "exit_below": exit_below,
    }
    # the argument's name in messages (the grid column of the horizons is `horizon`)
    arg = {"horizon": "horizons"}
    return {c: tuple(_values(given[c], arg.get(c, c), checks[c])) for c in GRID_COLUMNS}


def _snooping_iv(n_resamples, alpha, n_partitions):
    n_resamples = check_int(n_resamples, "n_resamples", minimum=0, what="a non-negative integer")
    alpha = check_float(
        alpha,
        "alpha",
        minimum=0.0,
        maximum=1.0,
        inclusive=(False, False),
        what="a probability (the family-wise error rate)",
    )
    n_partitions = check_int(
        n_partitions, "n_partitions", minimum=2, what="an even integer number of blocks"
    )
    if n_partitions % 2:
        raise ValueError(
            f"`n_partitions` must be an even integer number of blocks; got {n_partitions}."
        )
    return n_resamples, alpha, n_partitions


def _sweep_iv(
    leader,
    follower,
    min_gap,
    margin,
    horizons,
    delay,
    trailing_stop,
    exit_below,
    fees,
    slippage,
    init_cash,
    benchmark,
    leader_clock,
    follower_clock,
    periods_per_year,
    n_resamples,
    alpha,
    n_partitions,
    engine,
    rng,
    n_jobs=None,
) -> _SweepInput:
    lclock = clock_of(leader, leader_clock, "leader_clock")
    fclock = clock_of(follower, follower_clock, "follower_clock")
    lead = as_price_frame(leader, name="leader", timezone=lclock.timezone)
    frame = as_price_frame(follower, name="follower", timezone=fclock.timezone)
    grid = _grid_iv(min_gap, margin, horizons, delay, trailing_stop, exit_below)
    fees, slippage, init_cash = _costs_iv(fees, slippage, init_cash)
    benchmark = check_choice(benchmark, "benchmark", BENCHMARKS)
    ppy = _periods_per_year(frame, fclock, periods_per_year)
    n_resamples, alpha, n_partitions = _snooping_iv(n_resamples, alpha, n_partitions)
    engine = check_choice(engine, "engine", ENGINES)
    options = SweepOptions(
        **grid,
        fees=fees,
        slippage=slippage,
        init_cash=init_cash,
        benchmark=benchmark,
        periods_per_year=ppy,
        n_resamples=n_resamples,
        alpha=alpha,
        n_partitions=n_partitions,
        engine=engine,
        leader_clock=lclock,
        follower_clock=fclock,
    )
    return _SweepInput(
        leader=lead, frame=frame, options=options, rng=check_rng(rng), n_jobs=check_n_jobs(n_jobs)
    )


def _plans(inp: _SweepInput):
    """Grid table and compressed-row trades (offsets, entries, exits) of every combination.

    Combinations whose only exit rule is a holding period (or none) are planned in
    compiled code, all at once (:func:`._nb.record_events` finds the breakouts of every
    (min_gap, margin) pair, :func:`._nb.hold_plans` the trades: the rules of
    :func:`riskcycle.breakouts` and :func:`._signals.plan_trades`, with the same
    results); those with a trailing stop or a leader-below exit go through
    :func:`._core.build_plan`. The day-0 bar of every leader date is mapped once per
    delay and the holding-period ends of every bar once per holding period.
    """
    opt, lead, idx = inp.options, inp.leader, inp.frame.index
    grid = opt.grid
    n = len(idx)
    combos = list(itertools.product(*(grid[c] for c in GRID_COLUMNS)))
    rows = [
        (g, mg, np.nan if h is None else h, d, np.nan if ts is None else ts, xb)
        for g, mg, h, d, ts, xb in combos
    ]
    table = pd.DataFrame(rows, columns=list(GRID_COLUMNS))
    # entry / leader-below execution bars: strictly after the leader value was known
    delays = list(dict.fromkeys(grid["delay"]))
    day0_all = {
        d: map_to_follower(
            lead.index,
            idx,
            leader_clock=opt.leader_clock,
            follower_clock=opt.follower_clock,
            delay=d,
            strict=True,
        )
        for d in delays
    }
    holds = [h for h in dict.fromkeys(grid["horizon"]) if h is not None]
    hold_ends = {h: horizon_end_positions(idx, np.arange(n), h) for h in holds}
    per_combo: list = [None] * len(combos)
    fast = [c for c, (*_, ts, xb) in enumerate(combos) if ts is None and xb is None]
    if fast:
        off, ent, ext = _hold_only_plans(lead, n, combos, fast, delays, day0_all, holds, hold_ends)
        if len(fast) == len(combos):
            return table, off, ent, ext
        for i, c in enumerate(fast):
            per_combo[c] = (ent[off[i] : off[i + 1]], ext[off[i] : off[i + 1]])
    _stop_plans(inp, combos, per_combo, day0_all, hold_ends)
    counts = np.array([len(e) for e, _ in per_combo], dtype=np.int64)
    offsets = np.zeros(len(combos) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    entries = np.concatenate([e for e, _ in per_combo]).astype(np.int64)
    exits = np.concatenate([x for _, x in per_combo]).astype(np.int64)
    return table, offsets, entries, exits


def _hold_only_plans(lead, n, combos, fast, delays, day0_all, holds, hold_ends):
    """Trades of the combinations without a stop or leader exit, in compiled code."""
    from . import _nb

    rules = list(dict.fromkeys((combos[c][0], combos[c][1]) for c in fast))
    ev_off, ev_pos = _nb.record_events(
        lead["close"].to_numpy(dtype=float), [g for g, _ in rules], [m for _, m in rules]
    )
    # as riskcycle.breakouts + as_signal: event dates (normalised) looked up in the index
    ev_pos = lead.index.get_indexer(lead.index[ev_pos].normalize())
    day0_pos = np.stack([day0_all[d]["position"].to_numpy() for d in delays])
    day0_ok = np.stack([day0_all[d]["status"].to_numpy() == "ok" for d in delays])
    if holds:
        hold_end = np.stack([hold_ends[h][0] for h in holds])
        hold_ok = np.stack([hold_ends[h][1] for h in holds])
    else:
        hold_end = np.zeros((1, n), dtype=np.int64)
        hold_ok = np.zeros((1, n), dtype=bool)
    return _nb.hold_plans(
        ev_off,
        ev_pos,
        [rules.index((combos[c][0], combos[c][1])) for c in fast],
        [delays.index(combos[c][3]) for c in fast],
        [-1 if combos[c][2] is None else holds.index(combos[c][2]) for c in fast],
        day0_pos,
        day0_ok,
        hold_end,
        hold_ok,
    )


def _stop_plans(inp: _SweepInput, combos, per_combo, day0_all, hold_ends) -> None:
    """Trades of the remaining combinations (trailing stop or leader exit), in place."""
    opt, lead, frame = inp.options, inp.leader, inp.frame
    lclock, fclock = opt.leader_clock, opt.follower_clock
    close_times = fclock.information_times(frame.index).asi8
    events: dict = {}
    below: dict = {}
    for c, (g, mg, h, d, ts, xb) in enumerate(combos):
        if per_combo[c] is not None:
            continue
        if (g, mg) not in events:
            ev = breakouts(lead, method="record", min_gap=g, margin=mg, clock=lclock)
            sig = _signals.as_signal(ev, leader=lead, leader_clock=None)
            events[(g, mg)] = (sig, lead.index.get_indexer(sig.dates))
        sig, pos = events[(g, mg)]
        day0 = day0_all[d].iloc[pos]
        if xb is not None and (g, mg, d, xb) not in below:
            lmap = day0_all[d]["position"].to_numpy()
            below[(g, mg, d, xb)] = _signals.leader_below_exits(sig, lead, xb, lmap)
        _, plan = build_plan(
            sig,
            frame,
            fclock,
            lead,
            horizon=h,
            trailing_stop=ts,
            exit_below=None,
            delay=d,
            day0=day0,
            close_times=close_times,
            hold_end=hold_ends.get(h),
            below_exec=below.get((g, mg, d, xb)),
        )
        per_combo[c] = (plan.entries, plan.exits)


def plans_to_csr(plans) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compressed-row trades (offsets, entries, exits) of many plans."""
    counts = np.array([p.n_trades for p in plans], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    entries = np.concatenate([p.entries for p in plans] or [np.empty(0, np.int64)])
    exits = np.concatenate([p.exits for p in plans] or [np.empty(0, np.int64)])
    return offsets, entries.astype(np.int64), exits.astype(np.int64)


def _distinct(offsets, entries, exits) -> np.ndarray:
    """For each column, the first column with the same trades."""
    seen: dict = {}
    out = np.empty(len(offsets) - 1, dtype=np.int64)
    for j in range(len(offsets) - 1):
        lo, hi = offsets[j], offsets[j + 1]
        key = (entries[lo:hi].tobytes(), exits[lo:hi].tobytes())
        out[j] = seen.setdefault(key, j)
    return out


# ---------------------------------------------------------------------------
# the steps of sweep
# ---------------------------------------------------------------------------
def _strategy_returns(inp: _SweepInput, offsets, entries, exits):
    """Daily returns of every combination (and, from the kernel, its column statistics)."""
    from . import _nb

    opt, frame = inp.options, inp.frame
    close = frame["close"].to_numpy()
    costs = {"fees": opt.fees, "slippage": opt.slippage, "init_cash": opt.init_cash}
    if opt.engine == "numba":
        return _nb.returns_and_stats(close, offsets, entries, exits, **costs)
    ent, ext = signal_matrices(len(close), offsets, entries, exits)
    k = ent.shape[1]
    if k == 1:  # two columns keep vectorbt on its one compiled multi-column path
        ent, ext = np.repeat(ent, 2, axis=1), np.repeat(ext, 2, axis=1)
    pf = run_portfolio(frame["close"], ent, ext, **costs)
    return pf.returns().to_numpy()[:, :k], None


def _benchmark_returns(inp: _SweepInput) -> pd.Series:
    from . import _nb

    opt, frame = inp.options, inp.frame
    close = frame["close"].to_numpy()
    if opt.benchmark == "buy_and_hold":
        bh = _nb.returns_and_stats(
            close,
            np.array([0, 1]),
            np.array([0]),
            np.array([-1]),
            fees=opt.fees,
            slippage=opt.slippage,
            init_cash=opt.init_cash,
        )[0][:, 0]
    else:
        bh = np.zeros(len(close))
    return pd.Series(bh, index=frame.index, name=opt.benchmark)


def _grid_statistics(table, returns, col_stats, offsets, entries, exits, ppy) -> int:
    """Add each combination's statistics to ``table`` (in place); the best one by Sharpe."""
    mat = returns.to_numpy()
    n = mat.shape[0]
    if col_stats is None:  # vectorbt's matrix: the same statistics with numpy and pandas
        col_stats = np.column_stack(
            [
                mat.mean(axis=0),
                mat.std(axis=0, ddof=1),
                np.prod(1.0 + mat, axis=0),
                drawdown(returns).min(axis=0).to_numpy(),
            ]
        )
    mean, sd, growth, max_dd = col_stats.T
    with np.errstate(divide="ignore", invalid="ignore"):
        sharpe = np.where(sd > 0, mean / sd * np.sqrt(ppy), np.nan)
    held = np.where(exits < 0, n, exits) - entries
    col = np.repeat(np.arange(mat.shape[1]), np.diff(offsets))
    in_pos = np.bincount(col, weights=held, minlength=mat.shape[1]) / n
    table["n_trades"] = np.diff(offsets)
    table["total_return"] = growth - 1.0
    table["sharpe_ratio"] = sharpe
    table["max_drawdown"] = max_dd
    table["exposure"] = in_pos
    table["distinct"] = _distinct(offsets, entries, exits)
    table.index = pd.RangeIndex(len(table), name="strategy")
    return int(np.nanargmax(sharpe)) if np.isfinite(sharpe).any() else 0


def _snooping_step(inp: _SweepInput, table, returns, bench):
    """SPA, StepM, DSR and PBO over the distinct strategies with trades (``superior`` set)."""
    opt = inp.options
    keep = np.flatnonzero(
        (table["distinct"].to_numpy() == np.arange(len(table)))
        & (table["n_trades"].to_numpy() > 0)
    )
    table["superior"] = False
    if opt.n_resamples == 0:
        return None, None, None, None, False
    if len(keep) < 2:
        warnings.warn(
            f"only {len(keep)} distinct strategy with trades: SPA, StepM, DSR and "
            "PBO need at least two and are not computed.",
            DegenerateDataWarning,
            stacklevel=3,
        )
        return None, None, None, None, False
    from ._snoop import snooping

    spa, sm, dsr, pb, pbo_flat = snooping(
        returns.iloc[:, keep],
        None if opt.benchmark == "cash" else bench,
        n_resamples=opt.n_resamples,
        alpha=opt.alpha,
        n_partitions=opt.n_partitions,
        periods_per_year=opt.periods_per_year,
        rng=inp.rng,
        n_jobs=inp.n_jobs,
    )
    sup = set(sm.superior)
    table["superior"] = [table["distinct"].iat[j] in sup for j in range(len(table))]
    return spa, sm, dsr, pb, pbo_flat


def sweep(
    leader: PricesLike,
    follower: PricesLike,
    *,
    min_gap: int | Sequence[int] = (250,),
    margin: float | Sequence[float] = (0.0,),
    horizons: int | Sequence[int | None] | None = (365,),
    delay: DelayLike | Sequence[DelayLike] = (NO_DELAY,),
    trailing_stop: float | Sequence[float | None] | None = (None,),
    exit_below: str | float | Sequence[str | float | None] | None = (None,),
    fees: float = 0.001,
    slippage: float = 0.001,
    init_cash: float = 100.0,
    benchmark: str = "buy_and_hold",
    leader_clock: SessionClock | str | None = None,
    follower_clock: SessionClock | str | None = None,
    periods_per_year: int | None = None,
    n_resamples: int = 1000,
    alpha: float = 0.05,
    n_partitions: int = 16,
    engine: str = "numba",
    n_jobs: int | None = None,
    rng: RNGLike = None,
) -> SweepResult:
    r"""Backtest a grid of breakout definitions and exit rules, and control for the search.

    Every combination of ``min_gap`` x ``margin`` x ``horizons`` x ``delay`` x
    ``trailing_stop`` x ``exit_below`` is one strategy: breakouts of the leader
    (:func:`riskcycle.breakouts`, ``method="record"``) traded on the follower with
    the timing rules of :func:`riskcycle.backtest`. All strategies are simulated in
    one compiled batch with vectorbt's fills (``engine="vectorbt"`` runs
    :meth:`vectorbt.Portfolio.from_signals` on the same signals instead; the
    returns agree to rounding error).

    Parameters
    ----------
    leader, follower : Series or DataFrame
        Daily prices (bundled data carry their clocks).
    min_gap, margin : int / float or sequences
        Breakout definition: drought length in leader sessions and required excess
        over the old record.
    horizons : int, None or sequence
        Holding periods in calendar days (None: no time limit).
    delay : timedelta, str or sequence, default (NO_DELAY,)
        Execution delays after the information time.
    trailing_stop : float, None or sequence
        Trailing-stop fractions (None: no stop).
    exit_below : {"prior_record", "signal_level"}, float, None or sequence
        Leader levels whose loss closes the position (None: no such exit).
    fees, slippage, init_cash : float
        As in :func:`riskcycle.backtest`.
    benchmark : {"buy_and_hold", "cash"}, default "buy_and_hold"
        Benchmark of SPA, Reality Check and StepM: buy-and-hold of the follower
        with the same costs, or cash (zero return).
    leader_clock, follower_clock, periods_per_year
        As in :func:`riskcycle.backtest`.
    n_resamples : int, default 1000
        Bootstrap resamples of SPA/StepM (0 skips SPA, StepM, DSR and PBO).
    alpha : float, default 0.05
        Family-wise error rate of StepM.
    n_partitions : int, default 16
        Even number of row blocks for PBO's combinatorially symmetric
        cross-validation.
    engine : {"numba", "vectorbt"}, default "numba"
    n_jobs : int, optional
        Threads of the SPA/StepM bootstrap (None or -1: all of numba's threads); the
        numbers do not depend on it.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    SweepResult
        The ``T x k`` daily-return matrix, per-combination statistics, SPA
        (lower/consistent/upper) and Reality Check p-values, StepM, the deflated
        Sharpe ratio over the grid and PBO.

    Notes
    -----
    Combinations that produce exactly the same trades (e.g. margins that pick
    the same events) are counted once by SPA, StepM, the DSR (as the number of
    trials) and PBO; strategies without any trade are left out of them. The
    statistics come from :mod:`riskcycle.snooping`: :func:`~riskcycle.stepm`
    (whose bootstrap also gives :func:`~riskcycle.spa_test`'s p-values),
    :func:`~riskcycle.deflated_sharpe_ratio` on the matrix (best column by Sharpe
    ratio, variance of the trials' Sharpe ratios) and :func:`~riskcycle.pbo`.

    Examples
    --------
    >>> import riskcycle
    >>> from riskcycle.backtesting import sweep
    >>> rut = riskcycle.datasets.load("rut")
    >>> btc = riskcycle.datasets.load("btc")
    >>> res = sweep(rut, btc, min_gap=[200, 250], horizons=[180, 365], n_resamples=200, rng=0)
    >>> res.returns.shape
    (4357, 4)
    """
    inp = _sweep_iv(
        leader,
        follower,
        min_gap,
        margin,
        horizons,
        delay,
        trailing_stop,
        exit_below,
        fees,
        slippage,
        init_cash,
        benchmark,
        leader_clock,
        follower_clock,
        periods_per_year,
        n_resamples,
        alpha,
        n_partitions,
        engine,
        rng,
        n_jobs,
    )
    opt = inp.options
    table, offsets, entries, exits = _plans(inp)
    mat, col_stats = _strategy_returns(inp, offsets, entries, exits)
    returns = pd.DataFrame(
        mat, index=inp.frame.index, columns=pd.RangeIndex(mat.shape[1], name="strategy")
    )
    bench = _benchmark_returns(inp)
    best = _grid_statistics(
        table, returns, col_stats, offsets, entries, exits, opt.periods_per_year
    )
    spa, sm, dsr, pb, pbo_flat = _snooping_step(inp, table, returns, bench)
    return SweepResult(
        returns=returns,
        benchmark_returns=bench,
        grid=table,
        best=best,
        spa=spa,
        stepm=sm,
        dsr=dsr,
        pbo=pb,
        periods_per_year=opt.periods_per_year,
        benchmark=opt.benchmark,
        settings=opt.settings(pbo_flat_halves=pbo_flat),
    )
