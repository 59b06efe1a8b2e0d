"""The event sample on a follower's calendar (internal, shared by every stage).

One layer turns a follower and a set of leader events into what the event study,
the inference functions and the backtest all need, with one vocabulary:

* the follower's data (:func:`follower_data`: validated closes, log closes, bar day
  numbers and clock);
* windows (:func:`horizon_end_positions`, :func:`windows`): horizons are calendar
  days; the end of an ``h``-day window starting at bar ``s`` is the last follower
  bar dated on or before ``date[s] + h`` days. For a follower with a bar every
  calendar day (BTC) that is exactly ``h`` bars later; for an exchange-traded
  follower it is about ``252/365 * h`` bars. A window is *complete* when the
  follower's data reach ``date[s] + h``;
* day-0 positions (:func:`event_day0_positions`): day 0 of an event is the first
  follower bar observed after the event was known
  (:func:`riskcycle.calendar.map_to_follower`), ``status`` ``"ok"``,
  ``"before_start"`` or ``"after_end"`` (and ``"incomplete"`` in :class:`EventData`
  when the window runs off the data);
* forward returns (:func:`forward_log_returns`);
* the warnings that name the excluded events (:func:`warn_excluded`,
  :func:`outside_data_message`, :func:`before_after_messages`,
  :func:`incomplete_windows_message`).
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._clocks import clock_of, day0_positions
from ._validation import as_event_dates, as_price_frame, check_timedelta
from .calendar import NO_DELAY, SessionClock, map_to_follower
from .exceptions import EventsExcludedWarning, IncompleteWindowWarning

__all__ = [
    "NO_DELAY",
    "EventData",
    "FollowerData",
    "Windows",
    "before_after_messages",
    "event_data",
    "event_dates",
    "event_day0_positions",
    "follower_data",
    "forward_log_returns",
    "horizon_end_positions",
    "horizon_lengths",
    "incomplete_windows_message",
    "outside_data_message",
    "truncate",
    "warn_excluded",
    "windows",
]

_DAY_NS = 86_400 * 10**9


def _fmt(dates: Any) -> str:
    return ", ".join(pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates)


# ---------------------------------------------------------------------------
# windows and forward returns
# ---------------------------------------------------------------------------
def horizon_end_positions(
    follower_index: pd.DatetimeIndex, start_positions: np.ndarray, horizon_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """End positions and completeness of ``horizon_days`` windows starting at ``start_positions``.

    Returns
    -------
    end : ndarray of int64
        Position of the last bar dated on or before ``date[start] + horizon_days``
        (clipped to the last bar when the window is incomplete).
    complete : ndarray of bool
        Whether the data extend to ``date[start] + horizon_days``.
    """
    t = pd.DatetimeIndex(follower_index).as_unit("ns").asi8
    start = np.asarray(start_positions, dtype=np.int64)
    target = t[start] + np.int64(horizon_days) * _DAY_NS
    end = np.searchsorted(t, target, side="right") - 1
    complete = target <= t[-1]
    return end.astype(np.int64), complete


def horizon_lengths(follower_index: pd.DatetimeIndex, horizon_days: int) -> np.ndarray:
    """For every bar as a start: bars in its ``horizon_days`` window (-1 if incomplete)."""
    start = np.arange(len(follower_index))
    end, complete = horizon_end_positions(follower_index, start, horizon_days)
    return np.where(complete, end - start, -1)


def forward_log_returns(
    log_close: np.ndarray, start_pos: np.ndarray, end_pos: np.ndarray
) -> np.ndarray:
    r"""Log returns from ``start_pos`` to ``end_pos`` for many windows at once.

    Parameters
    ----------
    log_close : ndarray, shape (n,) or (n, k)
        Natural logarithm of the closes (one column per simulated path when 2-D).
    start_pos, end_pos : array_like of int
        Bar positions of the window starts and ends (broadcast against each
        other). A negative position (``-1`` = "no bar", as returned by
        :func:`event_day0_positions`) gives NaN.

    Returns
    -------
    ndarray of float
        :math:`\log P_{e} - \log P_{s}`, shape ``broadcast(start, end).shape``
        (followed by ``(k,)`` when ``log_close`` is 2-D).

    Raises
    ------
    ValueError
        A position at or beyond ``n``.

    Notes
    -----
    Pure indexing (no Python loop): ``log_close[end] - log_close[start]``. It
    is exact, so sums over sub-windows add up to the window's return.

    Examples
    --------
    >>> import numpy as np
    >>> from riskcycle._sample import forward_log_returns
    >>> lc = np.log([100.0, 110.0, 121.0, 133.1])
    >>> np.round(np.exp(forward_log_returns(lc, [0, 1, -1], [2, 3, 3])), 6).tolist()
    [1.21, 1.21, nan]
    """
    lc = np.asarray(log_close, dtype=float)
    start, end = np.broadcast_arrays(
        np.asarray(start_pos, dtype=np.int64), np.asarray(end_pos, dtype=np.int64)
    )
    n = lc.shape[0]
    if start.size and (start.max(initial=-1) >= n or end.max(initial=-1) >= n):
        raise ValueError(f"positions must be < {n} (the number of bars).")
    bad = (start < 0) | (end < 0)
    out = lc[np.where(bad, 0, end)] - lc[np.where(bad, 0, start)]
    if bad.any():
        out[bad] = np.nan
    return out


# ---------------------------------------------------------------------------
# day-0 positions
# ---------------------------------------------------------------------------
def event_day0_positions(
    follower: Any,
    events: Any,
    *,
    delay: Any = NO_DELAY,
    leader_clock: SessionClock | str | None = None,
    follower_clock: SessionClock | str | None = None,
) -> pd.DataFrame:
    """Day-0 bar of each event on the follower's calendar (look-ahead-safe).

    Day 0 is the first follower bar whose close time is at or after the
    event's information time plus ``delay``
    (:func:`riskcycle.calendar.map_to_follower`); only dates and clocks are used,
    never prices.

    Parameters
    ----------
    follower : Series, DataFrame or DatetimeIndex
        The follower's bars (only the dates are used).
    events : Events or sequence of dates
        Sorted, unique event dates on the leader's calendar.
    delay : timedelta or str, default 0
        Extra waiting time after the information time.
    leader_clock, follower_clock : SessionClock or str, optional
        Default: the clock of ``events`` (for :class:`~riskcycle.Events`) and the
        one recorded in ``follower.attrs["clock"]``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``leader_date`` (the event dates) with the columns of
        :func:`~riskcycle.calendar.map_to_follower`: ``information_time``,
        ``available_time``, ``follower_date``, ``follower_close_time``,
        ``position`` (int64; -1 when there is no day-0 bar) and ``status``
        (``"ok"``, ``"before_start"``, ``"after_end"``).

    Raises
    ------
    TypeError, ValueError
        Events that are not dates, not sorted or not unique; missing clocks.
    """
    dates = event_dates(events)
    if leader_clock is None and getattr(events, "clock", None) is not None:
        leader_clock = events.clock
    lclock = clock_of(events, leader_clock, "leader_clock")
    fclock = clock_of(follower, follower_clock, "follower_clock")
    delay = check_timedelta(delay, "delay")
    return map_to_follower(
        dates, follower, leader_clock=lclock, follower_clock=fclock, delay=delay
    )


def event_dates(events: Any) -> pd.DatetimeIndex:
    """Validated event dates: sorted, unique, no NaT."""
    # a Series of dates gives its values (not its RangeIndex); numbers are refused
    idx = as_event_dates(events, "events")
    if len(idx) > 1:
        d = np.diff(idx.asi8)
        if (d < 0).any():
            i = int(np.flatnonzero(d < 0)[0]) + 1
            raise ValueError(
                f"`events` dates must be sorted ascending; {idx[i].date()} follows "
                f"{idx[i - 1].date()}."
            )
        if (d == 0).any():
            i = int(np.flatnonzero(d == 0)[0]) + 1
            raise ValueError(f"`events` dates must be unique; {idx[i].date()} is duplicated.")
    return pd.DatetimeIndex(idx, name="event_date")


# ---------------------------------------------------------------------------
# the follower and its windows at one horizon
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FollowerData:
    name: str
    close: pd.Series
    index: pd.DatetimeIndex
    log_close: np.ndarray
    day: np.ndarray  # int64 day numbers (days since 1970-01-01)
    clock: SessionClock
    #: first bars of a new data source in a spliced series (a frame's ``source`` column
    #: changes value there: ``btc_long`` at 2014-09-17); empty for one source
    splices: pd.DatetimeIndex = field(default_factory=lambda: pd.DatetimeIndex([]))

    @property
    def n(self) -> int:
        return len(self.index)

    @property
    def returns(self) -> np.ndarray:
        return np.diff(self.log_close)


def follower_data(
    follower: Any, *, follower_clock: Any = None, name: str = "follower", min_length: int = 3
) -> FollowerData:
    """Validated follower closes (a new Series; the caller's object is never touched).

    A Series or DataFrame with a DatetimeIndex is validated once per content: the
    result is cached under a digest of its dates, values, columns, dtypes, attrs and
    the arguments (:func:`_content_key`), and each call gets its own shallow copy of
    the closes (copy-on-write) with the cached read-only arrays. Validation raises
    errors and no warnings, so a cached input behaves as a new one.
    """
    clock = clock_of(follower, follower_clock, "follower_clock")
    key = _content_key(follower, clock, name, min_length)
    if key is not None:
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
            if hit is not None:
                _CACHE.move_to_end(key)
        if hit is not None:
            return _fresh(hit)
    fd = _follower_data(follower, clock, name, min_length)
    if key is not None:
        with _CACHE_LOCK:
            _CACHE[key] = fd
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return _fresh(fd)


_CACHE: OrderedDict[bytes, FollowerData] = OrderedDict()
_CACHE_SIZE = 8
_CACHE_LOCK = threading.Lock()


def _content_key(follower: Any, clock: SessionClock, name: str, min_length: int) -> bytes | None:
    """A digest of everything :func:`follower_data` reads, or None (not cached: a path,
    an index that is not a DatetimeIndex, columns that cannot be hashed)."""
    if not isinstance(follower, pd.Series | pd.DataFrame) or not isinstance(
        follower.index, pd.DatetimeIndex
    ):
        return None
    frame = follower.to_frame() if isinstance(follower, pd.Series) else follower
    h = hashlib.blake2b(digest_size=20)
    meta = (
        type(follower).__name__,
        str(follower.name) if isinstance(follower, pd.Series) else "",
        repr(list(frame.columns)),
        repr([str(d) for d in frame.dtypes]),
        str(follower.index.dtype),
        repr(sorted((str(k), repr(v)) for k, v in follower.attrs.items())),
        repr(clock),
        name,
        int(min_length),
    )
    h.update(repr(meta).encode())
    h.update(follower.index.asi8.tobytes())
    try:
        for _, column in frame.items():
            v = column.to_numpy()
            if v.dtype.kind in "biufcmM":
                h.update(np.ascontiguousarray(v).tobytes())
            else:
                h.update(pd.util.hash_array(np.asarray(v, dtype=object)).tobytes())
    except TypeError:  # unhashable values: validate every time
        return None
    return h.digest()


def _fresh(fd: FollowerData) -> FollowerData:
    """The cached follower data with its own (copy-on-write) Series of closes."""
    close = fd.close.copy(deep=False)
    close.attrs = dict(fd.close.attrs)
    return FollowerData(
        name=fd.name,
        close=close,
        index=fd.index,
        log_close=fd.log_close,
        day=fd.day,
        clock=fd.clock,
        splices=fd.splices,
    )


def _follower_data(follower: Any, clock: SessionClock, name: str, min_length: int) -> FollowerData:
    frame = as_price_frame(follower, name=name, timezone=clock.timezone, min_length=min_length)
    close = frame["close"].copy()
    close.attrs = dict(frame.attrs)
    close.attrs.setdefault("clock", clock.name)
    idx = pd.DatetimeIndex(close.index)
    log_close = np.log(close.to_numpy(dtype=float))
    day = (idx.asi8 // _DAY_NS).astype(np.int64)
    log_close.flags.writeable = False  # shared by the calls that hit the cache
    day.flags.writeable = False
    return FollowerData(
        name=str(close.attrs.get("name", name)),
        close=close,
        index=idx,
        log_close=log_close,
        day=day,
        clock=clock,
        splices=_splices(frame, idx),
    )


def _splices(frame: pd.DataFrame, idx: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """First bars of each new data source of a spliced series (the validated frame's
    ``source`` column: a CSV, a date column and an indexed frame all give the same).

    Missing labels are skipped; a series whose sources are not contiguous blocks (a
    label that comes back, per-row exchange labels) is not a splice and gives none.
    """
    if "source" not in frame.columns:
        return pd.DatetimeIndex([])
    # labels compared as strings, as codes: factorize the column (missing: -1), then the
    # few distinct labels' strings
    codes, labels = pd.factorize(frame["source"].to_numpy(dtype=object), use_na_sentinel=True)
    ok = codes >= 0
    if len(labels):
        codes = pd.factorize(np.asarray([str(v) for v in labels], dtype=object))[0][codes]
    values = codes[ok]
    pos = np.flatnonzero(ok)
    if len(values) < 2:
        return pd.DatetimeIndex([])
    change = np.flatnonzero(values[1:] != values[:-1]) + 1
    if len(set(values[np.r_[0, change]].tolist())) != len(change) + 1:  # a source comes back
        return pd.DatetimeIndex([])
    return idx[pos[change]]


def truncate(fd: FollowerData, end: pd.Timestamp) -> FollowerData:
    """The follower's bars dated on or before ``end``."""
    keep = int(np.searchsorted(fd.index.asi8, end.value, side="right"))
    return FollowerData(
        name=fd.name,
        close=fd.close.iloc[:keep],
        index=fd.index[:keep],
        log_close=fd.log_close[:keep],
        day=fd.day[:keep],
        clock=fd.clock,
        splices=fd.splices[fd.splices.asi8 <= end.value],
    )


@dataclass(frozen=True, slots=True)
class Windows:
    horizon: int
    end: np.ndarray  # end bar of the window starting at each bar
    complete: np.ndarray  # the data reach day0 + horizon
    fwd: np.ndarray  # forward log return (NaN when incomplete)

    @property
    def eligible(self) -> np.ndarray:
        return np.flatnonzero(self.complete)


def windows(fd: FollowerData, horizon: int) -> Windows:
    start = np.arange(fd.n, dtype=np.int64)
    end, complete = horizon_end_positions(fd.index, start, horizon)
    fwd = forward_log_returns(fd.log_close, start, end)
    fwd = np.where(complete, fwd, np.nan)
    return Windows(horizon=int(horizon), end=end, complete=complete, fwd=fwd)


# ---------------------------------------------------------------------------
# events at one horizon and the warnings naming the excluded ones
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EventData:
    leader_dates: pd.DatetimeIndex
    day0: np.ndarray  # bar positions (-1: no day-0 bar)
    status: np.ndarray  # "ok", "before_start", "after_end", "incomplete"

    @property
    def used(self) -> np.ndarray:
        return self.status == "ok"

    @property
    def positions(self) -> np.ndarray:
        return self.day0[self.used]

    @property
    def dates(self) -> pd.DatetimeIndex:
        return self.leader_dates[self.used]

    @property
    def n(self) -> int:
        return int(self.used.sum())


def event_data(
    fd: FollowerData, win: Windows, events: Any, *, delay: Any = NO_DELAY, leader_clock: Any = None
) -> EventData:
    """Day-0 bars of ``events`` and why any of them cannot be used at this horizon.

    The day-0 rule of :func:`event_day0_positions` on arrays (no frame is built): the
    follower's bars are already validated, and their close times come from the clock's
    cache.
    """
    dates = event_dates(events)
    if leader_clock is None and getattr(events, "clock", None) is not None:
        leader_clock = events.clock
    lclock = clock_of(events, leader_clock, "leader_clock")
    delay = check_timedelta(delay, "delay")
    info = lclock.information_times(dates).asi8
    close = fd.clock.information_times(fd.index).asi8
    raw, status = day0_positions(info, close, delay.value)
    ok = status == "ok"
    pos = np.where(ok, raw, -1).astype(np.int64)
    incomplete = ok.copy()
    incomplete[ok] = ~win.complete[pos[ok]]
    status[incomplete] = "incomplete"
    return EventData(
        leader_dates=pd.DatetimeIndex(dates, name="event_date"),
        day0=pos,
        status=status.astype(str),
    )


def warn_excluded(ed: EventData, fd: FollowerData, horizon: int, stacklevel: int = 3) -> None:
    """Name the events that cannot be used (before/after the follower, incomplete window)."""
    out = ed.leader_dates[np.isin(ed.status, ("before_start", "after_end"))]
    if len(out):
        warnings.warn(
            outside_data_message(out, fd.index),
            EventsExcludedWarning,
            stacklevel=stacklevel,
        )
    inc = ed.leader_dates[ed.status == "incomplete"]
    if len(inc):
        warnings.warn(
            f"{len(inc)} event(s) have an incomplete {horizon}-day window (data end "
            f"{fd.index[-1].date()}) and are excluded: {_fmt(inc)}.",
            IncompleteWindowWarning,
            stacklevel=stacklevel,
        )


def outside_data_message(
    excluded: Sequence[Any],
    index: pd.DatetimeIndex,
    *,
    noun: str = "event",
    verb: str = "are",
    limit: int | None = None,
) -> str:
    """The message naming events (or signals) outside the follower's data."""
    shown = list(excluded) if limit is None else list(excluded[:limit])
    more = ", ..." if limit is not None and len(excluded) > limit else ""
    return (
        f"{len(excluded)} {noun}(s) fall outside the follower's data ({index[0].date()} to "
        f"{index[-1].date()}) and {verb} excluded: {_fmt(shown)}{more}."
    )


def before_after_messages(
    dates: pd.DatetimeIndex, status: np.ndarray, index: pd.DatetimeIndex
) -> list[str]:
    """The events before the follower's first bar and after its last, one message each."""
    out = []
    for st, where in (
        ("before_start", f"before the follower's first date ({index[0].date()})"),
        ("after_end", f"after the follower's last date ({index[-1].date()})"),
    ):
        bad = dates[status == st]
        if len(bad):
            out.append(f"{len(bad)} event(s) are {where} and are excluded: {_fmt(bad)}.")
    return out


def incomplete_windows_message(
    dates: pd.DatetimeIndex,
    complete: np.ndarray,
    horizons: Sequence[int],
    index: pd.DatetimeIndex,
) -> str | None:
    """The windows (events x horizons, ``complete`` of shape (horizons, events)) past the data."""
    inc = ~complete
    if not inc.any():
        return None
    parts = [f"{_fmt(dates[inc[k]])} at {h} days" for k, h in enumerate(horizons) if inc[k].any()]
    return (
        "windows run past the end of the follower's data "
        f"({index[-1].date()}): {'; '.join(parts)}. They are reported with "
        "complete=False (return so far in return_to_date) and left out of the "
        "tests."
    )
