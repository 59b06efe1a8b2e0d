"""Input handling shared by the volatility-regime functions.

Prices become log returns dated by the bar that ends them; break dates split the
returns into regimes; annualisation comes from the series' clock or an explicit
argument, never from a default.
"""

from __future__ import annotations

import datetime as _dt
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._validation import (
    as_price_frame,
    check_float,
    check_timedelta,
    check_timestamp,
    fmt_date,
)

__all__ = [
    "check_breaks",
    "check_periods_per_year",
    "check_window",
    "log_returns",
    "price_frame",
    "regime_labels",
    "regime_names",
]


def price_frame(prices: Any, name: str = "prices") -> pd.DataFrame:
    """Validated copy of ``prices`` (close and, where present, OHLC) with ``attrs`` kept."""
    frame = as_price_frame(prices, name=name, min_length=3)
    return frame


def log_returns(close: pd.Series) -> pd.Series:
    """Log returns :math:`\\ln(P_t / P_{t-1})`, dated by the bar that ends them."""
    values = np.log(close.to_numpy(dtype=float))
    out = pd.Series(np.diff(values), index=close.index[1:], name="log_return")
    out.index.name = "date"
    return out


def _check_bar_spacing(data: Any, ppy: float, name: str, data_name: str) -> None:
    """Refuse a recorded daily annualisation for bars that are not daily (e.g. weekly)."""
    idx = getattr(data, "index", None)
    if not isinstance(idx, pd.DatetimeIndex) or len(idx) < 3 or ppy < 200:
        return
    gap = float(np.median(np.diff(idx.asi8)) / 86_400e9)
    if gap > 3.5:  # daily bars (24/7 or exchange sessions) are at most a long weekend apart
        per_year = 365.25 / gap
        raise ValueError(
            f"`{data_name}` has a median of {gap:g} days between bars but its "
            f"attrs['periods_per_year'] ({ppy:g}) is for daily bars: pass `{name}` for the "
            f"bars you have (about {per_year:.0f} a year, e.g. {name}=52 for weekly bars)."
        )


def check_periods_per_year(
    periods_per_year: Any, data: Any, *, name: str = "periods_per_year", data_name: str = "prices"
) -> float:
    """The explicit ``periods_per_year``, else ``data.attrs["periods_per_year"]``; no default."""
    if periods_per_year is None:
        attrs = getattr(data, "attrs", {}) or {}
        periods_per_year = attrs.get("periods_per_year")
        if periods_per_year is None:
            raise ValueError(
                f"`{name}` is required: `{data_name}` carries no attrs['periods_per_year'] "
                "(bundled data records it; pass 365 for daily crypto bars or 252 for "
                "exchange-traded series)."
            )
        _check_bar_spacing(data, float(periods_per_year), name, data_name)
    return check_float(
        periods_per_year,
        name,
        minimum=0.0,
        inclusive=(False, True),
        what="a positive number of bars per year",
    )


def check_breaks(
    breaks: Any,
    dates: pd.DatetimeIndex,
    *,
    name: str = "breaks",
    data_name: str = "prices",
    allow_empty: bool = False,
) -> pd.DatetimeIndex:
    """Break dates as a sorted, unique DatetimeIndex strictly inside the return dates.

    A break date is the first date of the new regime: the return dated on the break
    (ending at that day's close) belongs to the regime after it.
    """
    if isinstance(breaks, pd.Index | np.ndarray | pd.Series):
        breaks = list(breaks)
    elif isinstance(breaks, str | pd.Timestamp | np.datetime64 | _dt.date):
        breaks = [breaks]
    if not isinstance(breaks, Sequence):
        raise TypeError(
            f"`{name}` must be a date or a sequence of dates; got {type(breaks).__name__}."
        )
    out = [check_timestamp(b, name) for b in breaks]
    if not out and not allow_empty:
        raise ValueError(f"`{name}` must hold at least one date.")
    idx = pd.DatetimeIndex(out).as_unit("ns")
    if len(idx) > 1 and (np.diff(idx.asi8) <= 0).any():
        got = [fmt_date(b) for b in idx]
        raise ValueError(f"`{name}` must be strictly increasing; got {got}.")
    first, last = dates[0], dates[-1]
    for b in idx:
        if b <= first:
            raise ValueError(
                f"`{name}`: {fmt_date(b)} is not after the first return date of `{data_name}` "
                f"({fmt_date(first)}); the regime before it would be empty."
            )
        if b > last:
            raise ValueError(
                f"`{name}`: {fmt_date(b)} is after the last date of `{data_name}` "
                f"({fmt_date(last)})."
            )
    return pd.DatetimeIndex(idx, name="break_date")


def regime_labels(dates: pd.DatetimeIndex, breaks: pd.DatetimeIndex) -> np.ndarray:
    """Regime number (0, 1, ...) of each date: dates on or after break k are in regime k+1."""
    return np.searchsorted(breaks.asi8, dates.asi8, side="right").astype(np.int64)


def regime_names(dates: pd.DatetimeIndex, labels: np.ndarray, n_regimes: int) -> list[str]:
    """Labels such as ``"2014-09-18/2024-01-09"`` (first and last return date, ISO 8601)."""
    names = []
    for k in range(n_regimes):
        d = dates[labels == k]
        names.append(f"{fmt_date(d[0])}/{fmt_date(d[-1])}" if len(d) else f"regime {k} (empty)")
    return names


def check_window(
    window: Any, name: str = "window", *, allow_none: bool = True
) -> pd.Timedelta | None:
    """A positive calendar span (``"365D"``, ``pd.Timedelta(days=365)``) or an int of days."""
    if window is None:
        if allow_none:
            return None
        raise TypeError(f"`{name}` must be a calendar span such as '365D'; got None.")
    if isinstance(window, numbers.Integral) and not isinstance(window, bool | np.bool_):
        from .._validation import check_size

        window = pd.Timedelta(
            days=check_size(window, name, minimum=1, what="a positive number of days")
        )
    td = check_timedelta(window, name)
    if td <= pd.Timedelta(0):
        raise ValueError(f"`{name}` must be a positive calendar span; got {window!r}.")
    if td > pd.Timedelta(days=36_525):
        raise ValueError(
            f"`{name}` must be at most 36,525 days (100 years, longer than any data); "
            f"got {td.days:,} days."
        )
    return td


def check_mapping(value: Any, name: str) -> dict[str, Any]:
    """A non-empty mapping with string keys (e.g. benchmark name -> prices)."""
    if not isinstance(value, Mapping):
        raise TypeError(
            f"`{name}` must be a dict mapping names to price series; got {type(value).__name__}."
        )
    if not value:
        raise ValueError(f"`{name}` must not be empty.")
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"`{name}` keys must be strings; got {key!r}.")
    return dict(value)
