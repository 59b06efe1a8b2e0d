"""Shared readers of clocks and halving-cycle positions (internal, used across stages).

One rule for the whole library: a series' clock is the explicit one, else the one
recorded in its ``attrs["clock"]`` (:func:`clock_of`); a date's position in Bitcoin's
halving cycle is computed once (:func:`halving_phase_of`), with error messages naming
the caller's argument. Dates themselves are read by
:func:`riskcycle._validation.as_event_dates` and printed by
:func:`riskcycle._validation.fmt_date`.

:mod:`riskcycle.calendar` imports this module, so the clock registry and the halving
dates are read from it at call time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._validation import as_event_dates

if TYPE_CHECKING:
    from .calendar import SessionClock

__all__ = [
    "clock_of",
    "day0_positions",
    "halving_anchors",
    "halving_phase_of",
    "mean_halving_cycle",
]


def clock_of(series: Any, clock: SessionClock | str | None, name: str) -> SessionClock:
    """The explicit clock, else the one recorded by :func:`riskcycle.datasets.load`."""
    from .calendar import get_clock

    if clock is not None:
        return get_clock(clock, name)
    attrs = getattr(series, "attrs", {}) or {}
    if "clock" in attrs:
        return get_clock(attrs["clock"], name)
    raise ValueError(
        f"`{name}` is required: the series carries no clock (bundled data records one; for "
        f"your own data pass e.g. {name}='us_equity_close' or {name}='utc_midnight')."
    )


def day0_positions(
    info_ns: np.ndarray, close_ns: np.ndarray, delay_ns: int, *, strict: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Day-0 bar of each leader value: the rule of :func:`riskcycle.calendar.map_to_follower`.

    ``info_ns``: the leader values' UTC information times; ``close_ns``: the follower
    bars' UTC close times (ascending, at least one); both int64 ns. A value known at
    ``info + delay_ns`` maps to the first bar closing at or after it (strictly after with
    ``strict``). Returns ``(raw, status)``: the searchsorted positions (``len(close_ns)``
    past the end) and ``"ok"``, ``"before_start"`` (known before the follower's first bar
    opened, taken as its close minus the first gap between bars, one day for a single
    bar) or ``"after_end"`` (an object array of str).
    """
    avail = np.asarray(info_ns, dtype=np.int64) + np.int64(delay_ns)
    pos = np.searchsorted(close_ns, avail, side="right" if strict else "left")
    n = len(close_ns)
    status = np.where(pos >= n, "after_end", "ok").astype(object)
    first_span = int(close_ns[1] - close_ns[0]) if n > 1 else 86_400 * 10**9
    status[(pos == 0) & (avail < int(close_ns[0]) - first_span)] = "before_start"
    return pos, status


def halving_anchors() -> tuple[np.ndarray, np.ndarray]:
    """Times (int64 ns, UTC) and block heights of the genesis block and the halvings."""
    from .calendar import GENESIS, HALVINGS

    times = np.concatenate(
        [[GENESIS.value], pd.DatetimeIndex(HALVINGS["timestamp"]).as_unit("ns").asi8]
    )
    heights = np.concatenate([[0], HALVINGS["height"].to_numpy()]).astype(float)
    return times.astype(np.int64), heights


def mean_halving_cycle() -> pd.Timedelta:
    """Mean length of the completed halving cycles (the last cycle's assumed length)."""
    from .calendar import HALVINGS

    ts = HALVINGS["timestamp"]
    return pd.Timedelta((ts.iloc[-1] - ts.iloc[0]) / (len(ts) - 1))


def halving_phase_of(dates: Any, name: str) -> pd.DataFrame:
    """:func:`riskcycle.calendar.halving_phase` with errors naming the argument ``name``."""
    from .calendar import CRYPTO_UTC

    given = as_event_dates(dates, name)
    close = CRYPTO_UTC.information_times(given)
    times, _ = halving_anchors()
    epoch = np.searchsorted(times, close.asi8, side="right") - 1
    if (epoch < 0).any():
        bad = given[epoch < 0][0]
        raise ValueError(
            f"`{name}` must not be before the genesis block (2009-01-03); got "
            f"{bad.date().isoformat()}."
        )
    start = times[epoch]
    ends = np.concatenate([times[1:], [times[-1] + mean_halving_cycle().value]])
    length = ends[epoch] - start
    days = (close.asi8 - start) / 86_400e9
    out = pd.DataFrame(
        {
            "epoch": epoch.astype(np.int64),
            "halving_date": pd.DatetimeIndex(start.astype("datetime64[ns]")).tz_localize("UTC"),
            "days_since_halving": days,
            "cycle_length_days": length / 86_400e9,
            "cycle_fraction": days / (length / 86_400e9),
        },
        index=pd.DatetimeIndex(given, name="date"),
    )
    return out
