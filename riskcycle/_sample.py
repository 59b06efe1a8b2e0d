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
  :func:`incomplete_windows_message`);
* the prepared sample of one horizon (:class:`EventSample`, public as
  ``riskcycle.inference.EventSample``; built by :func:`event_sample`, or by
  :func:`build_sample` from validated follower data): what the inference functions
  accept in place of a follower, so that a sample prepared once (and warned about
  once) serves several tests.
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
from ._results import Summary
from ._typing import ClockLike, DelayLike, EventsLike, PricesLike
from ._validation import as_event_dates, as_price_frame, check_timedelta
from .calendar import NO_DELAY, SessionClock, get_clock, map_to_follower
from .exceptions import EventsExcludedWarning, IncompleteWindowWarning

__all__ = [
    "NO_DELAY",
    "EventData",
    "EventSample",
    "FollowerData",
    "Windows",
    "before_after_messages",
    "build_sample",
    "event_data",
    "event_dates",
    "event_day0_positions",
    "event_sample",
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


# ---------------------------------------------------------------------------
# the prepared sample: the follower, one horizon and the events on it
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class EventSample:
    """A follower and its events prepared for one horizon (built by :func:`event_sample`).

    The inference functions (:func:`~riskcycle.placebo_test`,
    :func:`~riskcycle.bootstrap_ci`, :func:`~riskcycle.garch_null_test`,
    :func:`~riskcycle.base_rate`, :func:`~riskcycle.power_analysis`,
    :func:`~riskcycle.inference.calibrate`) accept it in
    place of the follower: the follower is validated, the events are mapped to their
    day-0 bars and the excluded ones are named (warned about) once, when the sample is
    built, and every test run on the sample uses the same horizon, delay, clocks and
    minimum spacing. The numbers are those of the same call with the follower.

    An input rather than a result, it reads like one: ``summary()`` (text, with HTML,
    LaTeX and Markdown renderings), ``to_frame()`` (one row per event given) and a
    short ``repr``.

    Attributes
    ----------
    fd, win, ed
        The validated follower data, the windows of :attr:`horizon` calendar days from
        every bar and the events mapped to their day-0 bars (None for a sample without
        events); internal structures of :mod:`riskcycle._sample`, read through the
        views below.
    delay : Timedelta
        Extra waiting time after each event's information time.
    leader_clock : SessionClock or None
        The leader clock given when the sample was built (None: the events' own clock,
        or the leader prices' for a test's ``leader``).
    events_clock : SessionClock or None
        The clock the events were read on (None without events).
    min_spacing : int
        Minimum calendar days between the dates of a placebo set (the events'
        detection rule capped at their smallest gap, the smallest gap, or the value
        given); ``spacing_source`` says which.
    spacing_source : str
    """

    fd: FollowerData
    win: Windows
    ed: EventData | None
    delay: pd.Timedelta = NO_DELAY
    leader_clock: SessionClock | None = None
    events_clock: SessionClock | None = None
    min_spacing: int = 1
    spacing_source: str = "none (no events)"
    #: the min_spacing given (None: resolved from the events)
    spacing_given: int | None = field(default=None, repr=False)
    #: era labels of the follower's bars, computed once per rule (internal)
    _eras: dict = field(default_factory=dict, init=False, repr=False)

    # ---- views ----------------------------------------------------------
    @property
    def horizon(self) -> int:
        """Forward window in calendar days."""
        return self.win.horizon

    @property
    def follower_name(self) -> str:
        """The follower's name (``attrs["name"]`` of bundled data)."""
        return self.fd.name

    @property
    def follower_clock(self) -> SessionClock:
        """The follower's session clock."""
        return self.fd.clock

    @property
    def has_events(self) -> bool:
        """Whether the sample holds events (False after :meth:`without_events`)."""
        return self.ed is not None

    @property
    def n_events(self) -> int:
        """Number of events used: with a day-0 bar and a complete window."""
        return 0 if self.ed is None else self.ed.n

    @property
    def event_dates(self) -> pd.DatetimeIndex:
        """The leader dates of the events used."""
        if self.ed is None:
            return pd.DatetimeIndex([], name="event_date")
        return pd.DatetimeIndex(self.ed.dates, name="event_date")

    @property
    def day0_dates(self) -> pd.DatetimeIndex:
        """Day 0 of each event used: its first follower bar after it was known."""
        if self.ed is None:
            return self.fd.index[:0]
        return self.fd.index[self.ed.positions]

    @property
    def event_returns(self) -> np.ndarray:
        """Forward log return of each event used over :attr:`horizon` days."""
        if self.ed is None:
            return np.empty(0)
        return self.win.fwd[self.ed.positions]

    @property
    def excluded(self) -> pd.DataFrame:
        """The events not used, indexed by leader date, with the ``reason``
        (``"before_start"``, ``"after_end"``, ``"incomplete"``)."""
        if self.ed is None:
            return pd.DataFrame({"reason": []}, index=pd.DatetimeIndex([], name="event_date"))
        bad = self.ed.status != "ok"
        return pd.DataFrame(
            {"reason": self.ed.status[bad]},
            index=pd.DatetimeIndex(self.ed.leader_dates[bad], name="event_date"),
        )

    def without_events(self) -> EventSample:
        """The same follower and horizon without events (the unconditional tests:
        :func:`~riskcycle.bootstrap_ci` and :func:`~riskcycle.base_rate` on every day,
        :func:`~riskcycle.power_analysis` at a given effect).

        The minimum spacing is the one given when the sample was built, else 1 day (as
        for a follower without events).
        """
        if self.ed is None:
            return self
        given = self.spacing_given
        return EventSample(
            fd=self.fd,
            win=self.win,
            ed=None,
            delay=self.delay,
            leader_clock=self.leader_clock,
            events_clock=None,
            min_spacing=1 if given is None else given,
            spacing_source="none (no events)" if given is None else "given",
            spacing_given=given,
        )

    # ---- the views of a result ----------------------------------------------
    def summary(self) -> Summary:
        """Text summary (``str()``), with ``as_html()``, ``as_latex()`` and ``as_markdown()``."""
        return self._summary()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def to_frame(self) -> pd.DataFrame:
        """One row per event given: its day-0 date (NaT without one), ``status``,
        ``used``, and the forward ``log_return`` and ``simple_return`` (NaN unless used)."""
        columns = ["day0_date", "status", "used", "log_return", "simple_return"]
        if self.ed is None:
            return pd.DataFrame(
                {c: [] for c in columns}, index=pd.DatetimeIndex([], name="event_date")
            )
        ed = self.ed
        has_bar = ed.day0 >= 0
        day0 = pd.Series(pd.NaT, index=range(len(ed.day0)), dtype=self.fd.index.dtype)
        day0[has_bar] = self.fd.index[ed.day0[has_bar]]
        ret = np.full(len(ed.day0), np.nan)
        ret[ed.used] = self.win.fwd[ed.day0[ed.used]]
        return pd.DataFrame(
            {
                "day0_date": day0.to_numpy(),
                "status": ed.status,
                "used": ed.used,
                "log_return": ret,
                "simple_return": np.expm1(ret),
            },
            index=pd.DatetimeIndex(ed.leader_dates, name="event_date"),
        )

    def _summary(self) -> Summary:
        fd = self.fd
        notes = [
            f"Follower {fd.name}: {fd.n} bars from {fd.index[0].date()} to "
            f"{fd.index[-1].date()} (clock {fd.clock.name}).",
            "No events (the unconditional sample)."
            if self.ed is None
            else "Day 0: the first follower bar closing at or after the event's "
            f"information time plus a delay of {self.delay}.",
            f"Minimum spacing of placebo sets: {self.min_spacing} days ({self.spacing_source}).",
        ]
        if self.ed is not None and len(self.excluded):
            notes.append(
                "Excluded events: "
                + "; ".join(f"{d.date()} ({r})" for d, r in self.excluded["reason"].items())
            )
        n = 0 if self.ed is None else len(self.ed.leader_dates)
        return Summary(
            title=(
                f"Event sample, {fd.name}, {self.horizon}-day horizon: "
                f"{self.n_events} of {n} events used"
            ),
            tables=(("Events", self.to_frame()),),
            notes=tuple(notes),
        )

    def __repr__(self) -> str:
        events = (
            "events=None"
            if self.ed is None
            else f"n_events={self.n_events}, n_excluded={int((~self.ed.used).sum())}"
        )
        return (
            f"EventSample(follower={self.fd.name!r}, horizon={self.horizon}, {events}, "
            f"min_spacing={self.min_spacing}, delay={self.delay!s})"
        )

    # ---- internal --------------------------------------------------------
    def _era_labels(self, eras: Any) -> Any:
        """Era labels of the follower's bars for a checked ``eras`` argument (computed
        once per rule: ``"variance_breaks"`` estimates the breaks)."""
        from ._design import era_labels

        key = eras if eras is None or isinstance(eras, str) else tuple(eras.as_unit("ns").asi8)
        hit = self._eras.get(key)
        if hit is None:
            hit = self._eras[key] = era_labels(self.fd, eras)
        return hit


def build_sample(
    fd: FollowerData,
    events: Any,
    *,
    horizon: int,
    min_spacing: Any = None,
    delay: pd.Timedelta = NO_DELAY,
    leader_clock: Any = None,
    warn: bool = False,
    stacklevel: int = 2,
) -> EventSample:
    """The sample of validated follower data at a checked ``horizon`` and ``delay``.

    ``events`` None gives a sample without events (``min_spacing``: the value given,
    else 1). With ``warn``, the excluded events are named as
    :func:`warn_excluded` does (``stacklevel`` counted from its ``warnings.warn``).
    The steps and their order are those of the inference functions: windows, day-0
    bars, the warnings, then the spacing (:func:`riskcycle._design.resolve_spacing`).
    """
    from ._design import resolve_spacing
    from ._validation import check_size

    win = windows(fd, horizon)
    if events is None:
        lclock = None if leader_clock is None else get_clock(leader_clock, "leader_clock")
        given = None
        if min_spacing is not None:
            given = check_size(
                min_spacing,
                "min_spacing",
                minimum=1,
                what="a positive integer number of calendar days",
            )
        return EventSample(
            fd=fd,
            win=win,
            ed=None,
            delay=delay,
            leader_clock=lclock,
            min_spacing=1 if given is None else given,
            spacing_source="none (no events)" if given is None else "given",
            spacing_given=given,
        )
    ed = event_data(fd, win, events, delay=delay, leader_clock=leader_clock)
    if warn:
        warn_excluded(ed, fd, horizon, stacklevel=stacklevel)
    spacing, source = resolve_spacing(min_spacing, events, ed, fd)
    lclock = None if leader_clock is None else get_clock(leader_clock, "leader_clock")
    # the clock event_data read the events on: the one given, else the events' own
    eclock = lclock or clock_of(events, getattr(events, "clock", None), "leader_clock")
    return EventSample(
        fd=fd,
        win=win,
        ed=ed,
        delay=delay,
        leader_clock=lclock,
        events_clock=eclock,
        min_spacing=spacing,
        spacing_source=source,
        spacing_given=spacing if source == "given" else None,
    )


def _event_sample_iv(follower: Any, horizon: Any, delay: Any) -> tuple[int, pd.Timedelta]:
    from ._validation import check_horizon

    if isinstance(follower, EventSample):
        raise TypeError(
            "`follower` is already an EventSample; pass the follower's prices to build "
            "another (with other events, horizon, delay or spacing)."
        )
    if horizon is None:
        raise TypeError("`horizon` is required: a positive integer number of calendar days.")
    return check_horizon(horizon, "horizon"), check_timedelta(delay, "delay")


def event_sample(
    follower: PricesLike,
    events: EventsLike | None = None,
    *,
    horizon: int,
    min_spacing: int | None = None,
    delay: DelayLike = NO_DELAY,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
) -> EventSample:
    """Prepare a follower and its events once, for several tests at one horizon.

    Validates the follower, maps each event to its day-0 bar (the first follower bar
    observed after the event was known, plus ``delay``;
    :func:`riskcycle.calendar.map_to_follower`), names the events that cannot be used
    (warnings, once) and resolves the placebo sets' minimum spacing. The result can be
    passed in place of the follower to :func:`~riskcycle.placebo_test`,
    :func:`~riskcycle.bootstrap_ci`, :func:`~riskcycle.garch_null_test`,
    :func:`~riskcycle.base_rate`, :func:`~riskcycle.power_analysis` and
    :func:`~riskcycle.inference.calibrate`, which then take the horizon, delay, clocks and
    spacing from it and give the numbers of the same call with the follower.

    Parameters
    ----------
    follower : Series or DataFrame
        The follower's daily prices (closes used).
    events : Events or sequence of dates, optional
        Leader events on the leader's clock. None: a sample without events (for the
        unconditional :func:`~riskcycle.bootstrap_ci` and :func:`~riskcycle.base_rate`).
    horizon : int
        Forward window in calendar days (end bar: the last bar dated on or before
        day 0 + ``horizon``).
    min_spacing : int, optional
        Minimum calendar days between the dates of a placebo set. Default: the events'
        detection rule in calendar days, capped at the smallest gap between the events
        (for plain dates, the smallest gap); 1 without events.
    delay : timedelta or str, default 0
        Extra waiting time after each event's information time.
    leader_clock, follower_clock : SessionClock or str, optional
        Default: the events' clock and ``follower.attrs["clock"]``.

    Returns
    -------
    EventSample
        ``horizon``, ``delay``, ``n_events``, ``event_dates``, ``day0_dates``,
        ``event_returns``, ``excluded``, ``min_spacing``; ``summary()``,
        ``to_frame()`` and ``without_events()``.

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (the message names the argument).

    Warns
    -----
    EventsExcludedWarning, IncompleteWindowWarning
        Events that cannot be used (outside the follower's data, or a window that runs
        past its end); the tests run on the sample do not repeat these warnings.

    See Also
    --------
    riskcycle.placebo_test, riskcycle.bootstrap_ci, riskcycle.garch_null_test,
    riskcycle.base_rate, riskcycle.power_analysis, riskcycle.inference.calibrate

    Notes
    -----
    The sample does not change once built: the follower's closes are copied when
    validated, so later changes to the caller's objects do not reach it (its internal
    arrays are shared by every test run on it and are not to be written to).

    Examples
    --------
    >>> import riskcycle
    >>> rut = riskcycle.datasets.load("rut")
    >>> btc = riskcycle.datasets.load("btc", end="2026-01-22")
    >>> ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    >>> s = riskcycle.inference.event_sample(btc, ev, horizon=365)
    >>> s.n_events, s.min_spacing
    (2, 362)
    >>> riskcycle.placebo_test(s, n_resamples=999, rng=1).min_spacing
    362
    """
    horizon, delay = _event_sample_iv(follower, horizon, delay)
    fd = follower_data(follower, follower_clock=follower_clock)
    return build_sample(
        fd,
        events,
        horizon=horizon,
        min_spacing=min_spacing,
        delay=delay,
        leader_clock=leader_clock,
        warn=True,
        stacklevel=4,
    )
