"""Event windows on a follower's calendar (shared by event study, inference, backtest).

Horizons are calendar days. Day 0 of an event is the first follower bar observed
after the event was known (:func:`riskcycle.calendar.map_to_follower`); the end of
an ``h``-day window is the last follower bar dated on or before ``day0 + h`` days.
For a follower with a bar every calendar day (BTC) that is exactly ``h`` bars
later; for an exchange-traded follower it is about ``252/365 * h`` bars. A window
is *complete* when the follower's data reach ``day0 + h``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["NO_DELAY", "horizon_end_positions", "horizon_lengths"]

_DAY_NS = 86_400 * 10**9
#: default ``delay``: trade at the first follower bar after the event is known
NO_DELAY = pd.Timedelta(0)


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
