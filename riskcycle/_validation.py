"""Input validation shared by every public function.

Each public function has one private ``_<name>_iv`` helper that calls these
checks. ``TypeError`` is raised for wrong types and ``ValueError`` for wrong
values; every message names the argument and says what is allowed.
"""

from __future__ import annotations

import datetime as _dt
import numbers
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "as_price_frame",
    "as_price_series",
    "check_alternative",
    "check_bool",
    "check_choice",
    "check_confidence_level",
    "check_float",
    "check_int",
    "check_n_resamples",
    "check_timedelta",
    "check_timestamp",
]

NAN_POLICIES = ("raise", "omit")
ALTERNATIVES = ("two-sided", "less", "greater")
_DATE_COLUMNS = ("date", "Date", "DATE", "datetime", "Datetime", "timestamp", "time")


def _fmt_date(ts: Any) -> str:
    ts = pd.Timestamp(ts)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()


# ---------------------------------------------------------------------------
# scalars
# ---------------------------------------------------------------------------
def check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"`{name}` must be True or False; got {type(value).__name__}.")
    return bool(value)


def check_int(
    value: Any,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    what: str = "an integer",
) -> int:
    """An integer (not bool, not float) within ``[minimum, maximum]``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be {what}; got {value!r} ({type(value).__name__}).")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            bound = f">= {minimum}"
        elif minimum is None:
            bound = f"<= {maximum}"
        else:
            bound = f"between {minimum} and {maximum}"
        raise ValueError(f"`{name}` must be {what} {bound}; got {value}.")
    return value


def check_float(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    inclusive: tuple[bool, bool] = (True, True),
    what: str = "a real number",
) -> float:
    """A finite real number within the given bounds."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be {what}; got {value!r} ({type(value).__name__}).")
    value = float(value)
    lo_ok = minimum is None or (value >= minimum if inclusive[0] else value > minimum)
    hi_ok = maximum is None or (value <= maximum if inclusive[1] else value < maximum)
    if not np.isfinite(value) or not (lo_ok and hi_ok):
        lo = "" if minimum is None else ("[" if inclusive[0] else "(") + f"{minimum:g}"
        hi = "" if maximum is None else f"{maximum:g}" + ("]" if inclusive[1] else ")")
        rng = (
            f" in {lo or '(-inf'}, {hi or 'inf)'}"
            if (minimum is not None or maximum is not None)
            else ""
        )
        raise ValueError(f"`{name}` must be {what}{rng}; got {value!r}.")
    return value


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be one of {list(choices)}; got {type(value).__name__}.")
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {list(choices)}; got {value!r}.")
    return value


def check_alternative(value: Any, name: str = "alternative") -> str:
    return check_choice(value, name, ALTERNATIVES)


def check_confidence_level(value: Any, name: str = "confidence_level") -> float:
    return check_float(
        value, name, minimum=0.0, maximum=1.0, inclusive=(False, False), what="a probability"
    )


def check_n_resamples(value: Any, name: str = "n_resamples", minimum: int = 1) -> int:
    return check_int(value, name, minimum=minimum, what="a positive integer")


def check_timestamp(value: Any, name: str, *, allow_none: bool = False) -> pd.Timestamp | None:
    """A date-like value (str, date, datetime, Timestamp, datetime64) as a naive Timestamp."""
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"`{name}` must be a date (str, datetime or Timestamp); got None.")
    if not isinstance(value, str | _dt.date | np.datetime64 | pd.Timestamp):
        raise TypeError(
            f"`{name}` must be a date (str, datetime or Timestamp); got {type(value).__name__}."
        )
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"`{name}` could not be parsed as a date; got {value!r}.") from exc
    if ts is pd.NaT:
        raise ValueError(f"`{name}` must be a date, not NaT.")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


def check_timedelta(value: Any, name: str, *, allow_negative: bool = False) -> pd.Timedelta:
    """A ``datetime.timedelta``, ``pd.Timedelta`` or string such as ``"4h"``."""
    if isinstance(value, bool) or not isinstance(value, str | _dt.timedelta | np.timedelta64):
        raise TypeError(
            f"`{name}` must be a timedelta (datetime.timedelta, pandas.Timedelta or a string "
            f"such as '4h'); got {type(value).__name__}."
        )
    try:
        td = pd.Timedelta(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"`{name}` could not be parsed as a timedelta; got {value!r}.") from exc
    if td is pd.NaT:
        raise ValueError(f"`{name}` must be a timedelta, not NaT.")
    if not allow_negative and td < pd.Timedelta(0):
        raise ValueError(f"`{name}` must be a non-negative timedelta; got {value!r}.")
    return td


# ---------------------------------------------------------------------------
# price data
# ---------------------------------------------------------------------------
def _read_csv(path: os.PathLike | str, name: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except FileNotFoundError as exc:
        raise ValueError(f"`{name}`: no such file {os.fspath(path)!r}.") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"`{name}`: could not read {os.fspath(path)!r} as CSV ({exc}).") from exc


def _to_datetime_index(values: Any, name: str, timezone: str) -> pd.DatetimeIndex:
    if isinstance(values, pd.DatetimeIndex):
        idx = values
    else:
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(values, format="mixed"))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"`{name}`: the dates could not be parsed ({exc}).") from exc
    if idx.hasnans:
        pos = int(np.flatnonzero(idx.isna())[0])
        raise ValueError(f"`{name}` has a missing date (NaT) at row {pos}.")
    if idx.tz is not None:
        idx = idx.tz_convert(timezone).tz_localize(None)
    if len(idx) and not (idx == idx.normalize()).all():
        bad = idx[idx != idx.normalize()][0]
        raise ValueError(
            f"`{name}` must hold daily bars (dates at midnight); got a time of day at {bad}."
        )
    return pd.DatetimeIndex(idx.as_unit("ns"), name="date")


def as_price_frame(
    data: Any,
    *,
    name: str = "prices",
    nan_policy: str = "raise",
    min_length: int = 2,
    timezone: str = "UTC",
    date_column: str | None = None,
    required: Sequence[str] = ("close",),
    positive: bool = True,
) -> pd.DataFrame:
    """Validate daily price data and return a new, clean DataFrame.

    Parameters
    ----------
    data : pandas.Series, pandas.DataFrame, str or os.PathLike
        A Series is taken as closes; a DataFrame must have a ``close`` column
        (case-insensitive, ``Close``/``Adj Close`` accepted); a path is read as CSV.
        The dates come from a :class:`~pandas.DatetimeIndex`, or else from a date
        column (``date_column`` or the first of ``date``, ``Date``, ...).
    name : str
        The argument's name, used in error messages.
    nan_policy : {"raise", "omit"}
        ``"raise"``: a NaN price is an error naming its date. ``"omit"``: rows whose
        close is NaN are dropped (other NaN columns are kept as NaN).
    min_length : int
        Minimum number of rows after NaN handling.
    timezone : str
        Timezone-aware dates are converted to this zone (the series' own calendar
        zone) before the time of day is dropped.
    positive : bool
        Require prices (every numeric price column) to be strictly positive.

    Returns
    -------
    pandas.DataFrame
        Float columns (lower-case names), a tz-naive ``DatetimeIndex`` named ``date``,
        sorted, unique. Never a view of ``data``.
    """
    check_choice(nan_policy, "nan_policy", NAN_POLICIES)
    if isinstance(data, str | os.PathLike):
        data = _read_csv(data, name)
        if date_column is None and not any(c in data.columns for c in _DATE_COLUMNS):
            raise ValueError(
                f"`{name}`: the CSV has no date column (expected one of "
                f"{list(_DATE_COLUMNS[:3])})."
            )
    if isinstance(data, pd.Series):
        if not isinstance(data.index, pd.DatetimeIndex):
            raise TypeError(
                f"`{name}` must have a DatetimeIndex; got {type(data.index).__name__}."
            )
        frame = data.to_frame(name="close")
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        raise TypeError(
            f"`{name}` must be a pandas Series or DataFrame of prices, or a path to a CSV "
            f"file; got {type(data).__name__}."
        )
    frame = frame.copy()
    # dates
    if isinstance(frame.index, pd.DatetimeIndex) and date_column is None:
        idx = _to_datetime_index(frame.index, name, timezone)
    else:
        col = date_column
        if col is None:
            col = next((c for c in _DATE_COLUMNS if c in frame.columns), None)
        if col is None or col not in frame.columns:
            raise TypeError(
                f"`{name}` must have a DatetimeIndex or a date column"
                + (f" named {date_column!r}" if date_column else "")
                + f"; got index {type(frame.index).__name__} and columns {list(frame.columns)}."
            )
        idx = _to_datetime_index(frame[col].to_numpy(), name, timezone)
        frame = frame.drop(columns=[col])
    frame.index = idx
    # columns
    rename = {}
    for c in frame.columns:
        key = str(c).strip().lower().replace(" ", "_")
        rename[c] = (
            "close" if key in ("adj_close", "price") and "close" not in frame.columns else key
        )
    frame = frame.rename(columns=rename)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for col in required:
        if col not in frame.columns:
            raise ValueError(f"`{name}` must have a {col!r} column; got {list(frame.columns)}.")
    for col in frame.columns:
        if col == "source":
            continue
        if not (
            pd.api.types.is_numeric_dtype(frame[col])
            and not pd.api.types.is_bool_dtype(frame[col])
        ):
            raise TypeError(
                f"`{name}`: column {col!r} must be numeric; got dtype {frame[col].dtype}."
            )
        frame[col] = frame[col].astype(float)
    # order and uniqueness
    if len(idx) > 1:
        d = np.diff(idx.asi8)
        if (d < 0).any():
            pos = int(np.flatnonzero(d < 0)[0]) + 1
            raise ValueError(
                f"`{name}` dates must be sorted ascending; {_fmt_date(idx[pos])} follows "
                f"{_fmt_date(idx[pos - 1])}."
            )
        if (d == 0).any():
            pos = int(np.flatnonzero(d == 0)[0]) + 1
            raise ValueError(
                f"`{name}` dates must be unique; {_fmt_date(idx[pos])} is duplicated."
            )
    # NaN
    close = frame["close"].to_numpy()
    if np.isnan(close).any():
        if nan_policy == "raise":
            bad = idx[np.isnan(close)][0]
            raise ValueError(
                f"`{name}` has a NaN close on {_fmt_date(bad)}; drop it or pass nan_policy='omit'."
            )
        frame = frame.loc[~np.isnan(close)]
    price_cols = [c for c in ("open", "high", "low", "close") if c in frame.columns]
    values = frame[price_cols].to_numpy()
    finite = np.isfinite(values) | np.isnan(values)
    if not finite.all():
        bad = frame.index[~finite.all(axis=1)][0]
        raise ValueError(f"`{name}` has an infinite price on {_fmt_date(bad)}.")
    if positive:
        nonpos = (values <= 0) & ~np.isnan(values)
        if nonpos.any():
            bad = frame.index[nonpos.any(axis=1)][0]
            raise ValueError(
                f"`{name}` prices must be positive; got a value <= 0 on {_fmt_date(bad)}."
            )
    if len(frame) < min_length:
        raise ValueError(
            f"`{name}` must have at least {min_length} observations; got {len(frame)}."
        )
    frame.index.name = "date"
    frame.attrs = dict(getattr(data, "attrs", {}) or {})
    return frame


def as_price_series(data: Any, *, name: str = "prices", **kwargs: Any) -> pd.Series:
    """:func:`as_price_frame` reduced to its ``close`` column (a new Series named ``close``)."""
    frame = as_price_frame(data, name=name, **kwargs)
    out = frame["close"].copy()
    out.attrs = dict(frame.attrs)
    return out
