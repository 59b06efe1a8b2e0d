"""The vectorbt run: every argument explicit, signals already on the execution bar (internal).

vectorbt is imported inside the functions (it takes seconds to import). Nothing
is read from ``vectorbt.settings``: each argument that
:meth:`vectorbt.Portfolio.from_signals` would otherwise take from its global
settings is passed here, so a user who changed those settings gets the same
backtest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "LazyPortfolio",
    "from_signals_kwargs",
    "run_portfolio",
    "signal_matrices",
    "year_freq",
]


def year_freq(periods_per_year: int) -> str:
    """vectorbt's ``year_freq`` for one bar = one day: its annualisation factor is then
    ``periods_per_year`` (365 for a 24/7 follower, 252 for an exchange-traded one)."""
    return f"{int(periods_per_year)} days"


def from_signals_kwargs(*, fees: float, slippage: float, init_cash: float) -> dict[str, Any]:
    """All simulation arguments of ``Portfolio.from_signals`` except close and signals.

    Long only; an entry buys with all the cash (``size=np.inf``, fractional units,
    ``min_size=0``) at the bar's close (``price=close``, passed by
    :func:`run_portfolio`) times ``1 + slippage`` and pays ``fees`` times the traded
    value; an exit sells the whole position at ``close * (1 - slippage)`` less
    ``fees``. No stops inside vectorbt (riskcycle computes its exits from
    information times and passes them as signals), no accumulation, an entry and an
    exit on the same bar cancel (``upon_long_conflict="ignore"``; riskcycle never
    produces one), one column per strategy without cash sharing.
    """
    return dict(
        size=np.inf,
        size_type="amount",
        direction="longonly",
        fees=float(fees),
        fixed_fees=0.0,
        slippage=float(slippage),
        min_size=0.0,
        max_size=np.inf,
        size_granularity=np.nan,
        reject_prob=0.0,
        lock_cash=False,
        allow_partial=True,
        raise_reject=False,
        log=False,
        accumulate=False,
        upon_long_conflict="ignore",
        upon_short_conflict="ignore",
        upon_dir_conflict="ignore",
        upon_opposite_entry="reversereduce",
        val_price=np.inf,
        open=np.nan,
        high=np.nan,
        low=np.nan,
        sl_stop=np.nan,
        sl_trail=False,
        tp_stop=np.nan,
        stop_entry_price="close",
        stop_exit_price="stoplimit",
        upon_stop_exit="close",
        upon_stop_update="override",
        use_stops=False,
        init_cash=float(init_cash),
        cash_sharing=False,
        call_seq="default",
        ffill_val_price=True,
        update_value=False,
        max_orders=None,  # None = one slot per bar and column (not a global setting)
        max_logs=0,
        init_temp_records=False,
        group_by=False,
        attach_call_seq=False,
        broadcast_kwargs={},
        wrapper_kwargs={},
        freq="1D",
        engine="numba",
        fillna_close=True,
        trades_type="exittrades",
    )


def signal_matrices(
    n_bars: int, offsets: np.ndarray, entries: np.ndarray, exits: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean entry and exit matrices ``(n_bars, n_columns)`` from trades in compressed rows."""
    k = len(offsets) - 1
    col = np.repeat(np.arange(k), np.diff(offsets))
    ent = np.zeros((n_bars, k), dtype=bool)
    ext = np.zeros((n_bars, k), dtype=bool)
    ent[entries, col] = True
    closed = exits >= 0
    ext[exits[closed], col[closed]] = True
    return ent, ext


def run_portfolio(
    close: pd.Series,
    entries: np.ndarray,
    exits: np.ndarray,
    *,
    fees: float,
    slippage: float,
    init_cash: float,
    columns: Any = None,
) -> Any:
    """``vectorbt.Portfolio.from_signals`` on ``close`` with boolean signal arrays.

    ``entries``/``exits`` are ``(n_bars, n_columns)`` arrays, one column per
    strategy. Orders are filled at ``price=close`` of the signal bar. Callers pass
    at least two columns: numba compiles vectorbt's simulation separately for
    single-column and multi-column array layouts (about ten seconds each), so
    one layout for everything halves that cost.
    """
    import vectorbt as vbt

    k = entries.shape[1]
    cols = pd.RangeIndex(k, name="strategy") if columns is None else columns
    ent = pd.DataFrame(entries, index=close.index, columns=cols)
    ext = pd.DataFrame(exits, index=close.index, columns=cols)
    cl = pd.DataFrame(
        np.repeat(close.to_numpy()[:, None], k, axis=1), index=close.index, columns=cols
    )
    return vbt.Portfolio.from_signals(
        cl,
        entries=ent,
        exits=ext,
        price=cl,
        **from_signals_kwargs(fees=fees, slippage=slippage, init_cash=init_cash),
    )


class _Once:
    """Calls ``build`` on first use and keeps its result (shared by several columns)."""

    __slots__ = ("_build", "_value")

    def __init__(self, build: Any) -> None:
        self._build = build
        self._value = None

    def __call__(self) -> Any:
        if self._value is None:
            self._value = self._build()
            self._build = None
        return self._value


class LazyPortfolio:
    """One column of a :meth:`vectorbt.Portfolio.from_signals` run, simulated on first use.

    riskcycle computes a backtest's returns with its own kernel (the same numbers as
    vectorbt's); the vectorbt portfolio, for users who want its records, plots and
    statistics, is built (and vectorbt imported and compiled, about 10 s in a new
    process) only when one of its attributes is first used. Attribute access and
    indexing are passed on to the ``vectorbt.Portfolio``; :attr:`portfolio` is the
    object itself.
    """

    __slots__ = ("_column", "_source")

    def __init__(self, source: _Once, column: Any) -> None:
        self._source = source
        self._column = column

    @property
    def portfolio(self) -> Any:
        """The ``vectorbt.Portfolio`` of this column (simulated on first use)."""
        return self._source()[self._column]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.portfolio, name)

    def __getitem__(self, key: Any) -> Any:
        return self.portfolio[key]

    def __repr__(self) -> str:
        state = "built" if self._source._value is not None else "built on first use"
        return f"<vectorbt Portfolio of column {self._column!r} ({state})>"


def lazy_portfolios(
    close: pd.Series,
    entries: np.ndarray,
    exits: np.ndarray,
    *,
    fees: float,
    slippage: float,
    init_cash: float,
    columns: Any,
) -> list[LazyPortfolio]:
    """:func:`run_portfolio`'s columns as :class:`LazyPortfolio` objects (one simulation,
    run when the first of them is used)."""
    source = _Once(
        lambda: run_portfolio(
            close,
            entries,
            exits,
            fees=fees,
            slippage=slippage,
            init_cash=init_cash,
            columns=columns,
        )
    )
    return [LazyPortfolio(source, c) for c in columns]
