"""From leader signals to follower trades, without look-ahead (internal).

Timing rules (all positions are bars of the follower; ``c_j`` is the close time of
follower bar ``j`` from its clock; ``delta`` is the execution delay):

* **entry**: a leader signal dated ``d`` is known at its information time
  ``tau(d)`` (leader clock). The trade enters at the close of the first follower
  bar with ``c_j > tau(d) + delta``, strictly after
  (:func:`riskcycle.calendar.map_to_follower` with ``strict=True``): when leader
  and follower close at the same instant (Russell 2000 and IWM at 16:00 New York,
  BTC and ETH at 24:00 UTC) the close that produced the signal cannot be traded,
  so the entry is the next close.
* **fixed holding period** ``horizon`` (calendar days, as in the event windows of
  :mod:`riskcycle._sample`): the exit is the last follower bar dated on or before
  the entry bar's date plus ``horizon`` days (at least one bar after the entry). It is
  scheduled at entry, so it needs no new information. If the data end first, the
  position is still open at the end.
* **trailing stop** ``s``: follower bar ``j`` after the entry *triggers* when its
  close is at or below ``(1 - s)`` times the highest close since (and including)
  the entry bar. That close is known at ``c_j``; the exit executes at the close of
  the first bar with close time ``> c_j + delta`` (bar ``j + 1`` when
  ``delta = 0``: the close that triggered the stop is not a price one could still
  sell at, the same rule as the entry).
* **leader below a level**: the first leader close strictly after the signal
  date that is below the level (the broken prior record, the signal-day close, or
  a number) is known at its information time; the exit executes at the first
  follower bar with close time ``> tau + delta``, and never on the entry bar
  itself (at the earliest one bar later).

The position closes at the first exit that fires. Trades never overlap: a signal
whose entry bar is not after the current trade's exit bar is skipped
(``"in_position"``), as vectorbt ignores an entry while a position is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._clocks import clock_of
from .._sample import horizon_end_positions
from ..calendar import SessionClock, get_clock, map_to_follower
from ..events import Events

__all__ = ["LeaderSignal", "TradePlan", "as_signal", "leader_below_exits", "plan_trades"]

EXIT_LEVELS = ("prior_record", "signal_level")


@dataclass(frozen=True, slots=True)
class LeaderSignal:
    """Leader signal dates with their clock and the levels the leader-exit rule needs."""

    dates: pd.DatetimeIndex
    clock: SessionClock
    levels: np.ndarray  # leader close on the signal date (NaN if unknown)
    prior_records: np.ndarray  # highest close before the signal date (NaN if unknown)
    data_start: pd.Timestamp | None
    name: str


@dataclass(frozen=True, slots=True)
class TradePlan:
    """The trades of one strategy and what happened to every signal."""

    entries: np.ndarray  # int64 follower bar positions
    exits: np.ndarray  # int64, -1 = still open at the end of the data
    # exit reason per trade ("horizon", "trailing_stop", "leader_below", "open")
    reasons: np.ndarray
    signal_index: np.ndarray  # which signal opened each trade
    signal_entry: np.ndarray  # follower position of each signal's entry bar (-1: none)
    signal_status: np.ndarray  # per signal: "traded", "in_position", "before_start", "after_end"

    @property
    def n_trades(self) -> int:
        return len(self.entries)


def as_signal(
    events_or_signal: Any, *, leader: pd.DataFrame | None, leader_clock: SessionClock | str | None
) -> LeaderSignal:
    """Normalise :class:`~riskcycle.Events` or a boolean Series of leader dates."""
    if isinstance(events_or_signal, Events):
        ev = events_or_signal
        clock = get_clock(leader_clock, "leader_clock") if leader_clock is not None else ev.clock
        return LeaderSignal(
            dates=pd.DatetimeIndex(ev.dates).normalize(),
            clock=clock,
            levels=np.asarray(ev.levels, dtype=float),
            prior_records=np.asarray(ev.prior_records, dtype=float),
            data_start=ev.data_start,
            name=ev.leader_name,
        )
    if isinstance(events_or_signal, pd.Series):
        s = events_or_signal
        if not isinstance(s.index, pd.DatetimeIndex):
            raise TypeError(
                "`events_or_signal` as a Series must have a DatetimeIndex of leader "
                f"dates; got {type(s.index).__name__}."
            )
        if not pd.api.types.is_bool_dtype(s.dtype):
            raise TypeError(
                "`events_or_signal` as a Series must be boolean (True on signal "
                f"dates); got dtype {s.dtype}."
            )
        idx = s.index.tz_convert("UTC").tz_localize(None) if s.index.tz is not None else s.index
        if len(idx) > 1 and (np.diff(idx.asi8) <= 0).any():
            raise ValueError("`events_or_signal` dates must be sorted ascending and unique.")
        if leader_clock is None and leader is not None and "clock" in (leader.attrs or {}):
            clock = clock_of(leader, None, "leader_clock")
        else:
            clock = clock_of(s, leader_clock, "leader_clock")
        dates = pd.DatetimeIndex(idx[s.to_numpy()]).normalize()
        levels = np.full(len(dates), np.nan)
        records = np.full(len(dates), np.nan)
        if leader is not None:
            close = leader["close"]
            pos = close.index.get_indexer(dates)
            x = close.to_numpy()
            prev_max = np.concatenate([[np.nan], np.maximum.accumulate(x)[:-1]])
            ok = pos >= 0
            levels[ok] = x[pos[ok]]
            records[ok] = prev_max[pos[ok]]
        return LeaderSignal(
            dates=dates,
            clock=clock,
            levels=levels,
            prior_records=records,
            data_start=idx[0] if len(idx) else None,
            name=str((s.attrs or {}).get("name", s.name or "leader")),
        )
    raise TypeError(
        "`events_or_signal` must be riskcycle Events (e.g. from riskcycle.breakouts) or a "
        f"boolean pandas Series indexed by leader dates; got {type(events_or_signal).__name__}."
    )


def signal_entries(
    signal: LeaderSignal,
    follower_index: pd.DatetimeIndex,
    follower_clock: SessionClock,
    delay: pd.Timedelta,
) -> pd.DataFrame:
    """Entry bars of the signal dates: :func:`~riskcycle.calendar.map_to_follower`
    with ``strict=True`` (the first follower close strictly after the signal was known)."""
    return map_to_follower(
        signal.dates,
        follower_index,
        leader_clock=signal.clock,
        follower_clock=follower_clock,
        delay=delay,
        strict=True,
    )


def leader_below_exits(
    signal: LeaderSignal, leader: pd.DataFrame, level: str | float, leader_to_follower: np.ndarray
) -> np.ndarray:
    """Follower bar at which each signal's leader-below exit executes (-1: never in the data).

    ``leader_to_follower[q]`` is the follower position mapped from leader bar ``q``
    (``-1`` when the leader value was known after the follower's last close).
    """
    close = leader["close"].to_numpy(dtype=float)
    pos = leader.index.get_indexer(signal.dates)
    if (pos < 0).any():
        bad = signal.dates[pos < 0][0]
        raise ValueError(
            f"`leader` has no bar on the signal date {bad.date()}; the "
            "leader-below exit needs the leader that produced the signal."
        )
    if isinstance(level, str):
        lv = signal.prior_records if level == "prior_record" else signal.levels
    else:
        lv = np.full(len(pos), float(level))
    out = np.full(len(pos), -1, dtype=np.int64)
    for i, (p, v) in enumerate(zip(pos, lv, strict=True)):
        if not np.isfinite(v):
            continue
        hit = np.flatnonzero(close[p + 1 :] < v)
        if len(hit):
            out[i] = leader_to_follower[p + 1 + hit[0]]
    return out


def _stop_exit(close: np.ndarray, e: int, stop: float, limit: int) -> int:
    """First bar ``j`` in ``(e, limit]`` whose close is <= (1 - stop) x the high-water close."""
    seg = close[e : limit + 1]
    if len(seg) < 2:
        return -1
    hwm = np.maximum.accumulate(seg)
    hit = np.flatnonzero(seg[1:] <= (1.0 - stop) * hwm[1:])
    return e + 1 + int(hit[0]) if len(hit) else -1


def plan_trades(
    entry_pos: np.ndarray,
    status: np.ndarray,
    follower_index: pd.DatetimeIndex,
    close: np.ndarray,
    close_times: np.ndarray,
    delay_ns: int,
    *,
    horizon: int | None,
    trailing_stop: float | None,
    below_exec: np.ndarray | None,
    hold_end: tuple[np.ndarray, np.ndarray] | None = None,
) -> TradePlan:
    """Sequential, non-overlapping trades from the signals' day-0 bars and the exit rules.

    ``close_times`` are the follower's close times (int64 ns, UTC); ``below_exec``
    the leader-below exit bar of each signal (:func:`leader_below_exits`) or None;
    ``hold_end`` the :func:`~riskcycle._sample.horizon_end_positions` of every bar
    for ``horizon`` (computed when omitted).
    """
    n = len(close)
    if horizon is not None and hold_end is None:
        hold_end = horizon_end_positions(follower_index, np.arange(n), horizon)
    entries, exits, reasons, which = [], [], [], []
    sig_status = np.where(np.asarray(status) == "ok", "traded", np.asarray(status)).astype(object)
    last_exit = -1
    open_trade = False
    for i, e in enumerate(np.asarray(entry_pos, dtype=np.int64)):
        if sig_status[i] != "traded":
            continue
        if open_trade or e <= last_exit:
            sig_status[i] = "in_position"
            continue
        e = int(e)
        cands = []  # (bar, reason)
        if horizon is not None:
            if hold_end[1][e]:
                cands.append((min(max(int(hold_end[0][e]), e + 1), n - 1), "horizon"))
        if trailing_stop is not None:
            limit = min(c[0] for c in cands) if cands else n - 1
            j = _stop_exit(close, e, trailing_stop, limit)
            if j >= 0:
                # strictly after the triggering close (+ delay): bar j + 1 without delay
                x = int(np.searchsorted(close_times, close_times[j] + delay_ns, side="right"))
                if x < n:
                    cands.append((x, "trailing_stop"))
        if below_exec is not None and below_exec[i] >= 0:
            cands.append((max(int(below_exec[i]), e + 1), "leader_below"))
        cands = [c for c in cands if e < c[0] < n]
        entries.append(e)
        which.append(i)
        if cands:
            x, why = min(cands, key=lambda c: c[0])  # ties: first rule in the order above
            exits.append(x)
            reasons.append(why)
            last_exit = x
        else:
            exits.append(-1)
            reasons.append("open")
            open_trade = True
    return TradePlan(
        entries=np.asarray(entries, dtype=np.int64),
        exits=np.asarray(exits, dtype=np.int64),
        reasons=np.asarray(reasons, dtype=object),
        signal_index=np.asarray(which, dtype=np.int64),
        signal_entry=np.asarray(entry_pos, dtype=np.int64),
        signal_status=sig_status.astype(str),
    )
