"""Event windows, forward returns and normal-return models (internal).

Two helpers here are shared with :mod:`riskcycle.inference` and keep stable
signatures: :func:`forward_log_returns` and :func:`event_day0_positions`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_timedelta
from ..calendar import SessionClock, _clock_of, _dates_of, map_to_follower

__all__ = ["event_day0_positions", "forward_log_returns"]


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
    >>> from riskcycle.eventstudy._core import forward_log_returns
    >>> lc = np.log([100.0, 110.0, 121.0, 133.1])
    >>> np.round(np.exp(forward_log_returns(lc, [0, 1, -1], [2, 3, 3])), 6).tolist()
    [1.21, 1.21, nan]
    """
    lc = np.asarray(log_close, dtype=float)
    start, end = np.broadcast_arrays(np.asarray(start_pos, dtype=np.int64),
                                     np.asarray(end_pos, dtype=np.int64))
    n = lc.shape[0]
    if start.size and (start.max(initial=-1) >= n or end.max(initial=-1) >= n):
        raise ValueError(f"positions must be < {n} (the number of bars).")
    bad = (start < 0) | (end < 0)
    out = lc[np.where(bad, 0, end)] - lc[np.where(bad, 0, start)]
    if bad.any():
        out[bad] = np.nan
    return out


def event_day0_positions(
    follower: Any,
    events: Any,
    *,
    delay: Any = pd.Timedelta(0),
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
    dates = _event_dates(events)
    if leader_clock is None and getattr(events, "clock", None) is not None:
        leader_clock = events.clock
    lclock = _clock_of(events, leader_clock, "leader_clock")
    fclock = _clock_of(follower, follower_clock, "follower_clock")
    delay = check_timedelta(delay, "delay")
    return map_to_follower(dates, follower, leader_clock=lclock, follower_clock=fclock,
                           delay=delay)


def _event_dates(events: Any) -> pd.DatetimeIndex:
    """Validated event dates: sorted, unique, no NaT."""
    dates = events.dates if hasattr(events, "dates") and hasattr(events, "clock") else events
    if isinstance(dates, pd.Timestamp | str):
        raise TypeError("`events` must be an Events object or a sequence of dates; got a "
                        "single date (wrap it in a list).")
    try:
        idx = _dates_of(dates, "events")
    except ValueError as exc:
        raise ValueError(f"`events` {exc}".replace("`events` `events`", "`events`")) from exc
    if len(idx) > 1:
        d = np.diff(idx.asi8)
        if (d < 0).any():
            i = int(np.flatnonzero(d < 0)[0]) + 1
            raise ValueError(f"`events` dates must be sorted ascending; {idx[i].date()} follows "
                             f"{idx[i - 1].date()}.")
        if (d == 0).any():
            i = int(np.flatnonzero(d == 0)[0]) + 1
            raise ValueError(f"`events` dates must be unique; {idx[i].date()} is duplicated.")
    return pd.DatetimeIndex(idx, name="event_date")
