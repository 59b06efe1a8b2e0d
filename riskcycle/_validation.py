"""Input validation shared by every public function.

Each public function has one private ``_<name>_iv`` helper that calls these
checks. ``TypeError`` is raised for wrong types and ``ValueError`` for wrong
values; every message names the argument and says what is allowed.
"""

from __future__ import annotations

import datetime as _dt
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "MAX_DATE",
    "MAX_DAYS",
    "MAX_RESAMPLES",
    "MIN_DATE",
    "as_event_dates",
    "as_price_frame",
    "as_price_series",
    "check_alternative",
    "check_bool",
    "check_choice",
    "check_confidence_level",
    "check_float",
    "check_horizon",
    "check_horizons",
    "check_int",
    "check_keys",
    "check_n_resamples",
    "check_size",
    "check_timedelta",
    "check_timestamp",
    "fmt_date",
]

# Upper bounds of size-like arguments. They are far beyond any meaningful analysis and keep
# every derived quantity (dates, nanosecond offsets, array sizes) inside int64 and memory, so
# a huge value is a ValueError naming the argument, never a MemoryError, an OverflowError or a
# silently wrapped int64.
MAX_DAYS = 36_525  # 100 years: horizons, windows, gaps, spacings, burn-ins, delays
MAX_RESAMPLES = 10_000_000  # resamples, simulations, replications
# pandas' nanosecond timestamps cover 1677-09-21 to 2262-04-11; whole days inside that range
MIN_DATE = pd.Timestamp("1677-09-22")
MAX_DATE = pd.Timestamp("2262-04-10")
MAX_TIMEDELTA = pd.Timedelta(days=MAX_DAYS)

NAN_POLICIES = ("raise", "omit")
ALTERNATIVES = ("two-sided", "less", "greater")
_DATE_COLUMNS = ("date", "Date", "DATE", "datetime", "Datetime", "timestamp", "time")


def fmt_date(ts: Any) -> str:
    """A date as ``YYYY-MM-DD`` (with the time when it is not midnight), for messages."""
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


def check_block_length(value: Any, name: str = "block_length") -> float | None:
    """None (the block length is estimated from the data) or a mean block length >= 1 bar."""
    if value is None:
        return None
    return check_float(value, name, minimum=1.0, what="a mean block length >= 1")


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be one of {list(choices)}; got {type(value).__name__}.")
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {list(choices)}; got {value!r}.")
    return value


def check_keys(
    mapping: Mapping[Any, Any], name: str, allowed: Iterable[Any], allowed_name: str
) -> None:
    """Every key of ``mapping`` must be in ``allowed`` (a typo is an error, not ignored)."""
    allowed = list(allowed)
    unknown = [k for k in mapping if k not in allowed]
    if unknown:
        raise ValueError(
            f"`{name}` has keys that are not in `{allowed_name}`: {unknown}; "
            f"expected some of {allowed}."
        )


def check_alternative(value: Any, name: str = "alternative") -> str:
    return check_choice(value, name, ALTERNATIVES)


def check_confidence_level(value: Any, name: str = "confidence_level") -> float:
    return check_float(
        value, name, minimum=0.0, maximum=1.0, inclusive=(False, False), what="a probability"
    )


def _check_cap(value: int, name: str, maximum: int | None, reason: str) -> int:
    if maximum is not None and value > maximum:
        raise ValueError(f"`{name}` must be at most {maximum:,} ({reason}); got {value:,}.")
    return value


def check_n_resamples(
    value: Any, name: str = "n_resamples", minimum: int = 1, maximum: int = MAX_RESAMPLES
) -> int:
    """A number of resamples (or simulations) in ``[minimum, maximum]``."""
    n = check_int(value, name, minimum=minimum, what="a positive integer")
    return _check_cap(n, name, maximum, "riskcycle's bound on resamples")


def check_size(
    value: Any,
    name: str,
    *,
    minimum: int = 1,
    maximum: int = MAX_DAYS,
    what: str = "a positive integer number of observations",
) -> int:
    """A size-like integer (window, gap, spacing, burn-in...) in ``[minimum, maximum]``.

    The default ``maximum`` (:data:`MAX_DAYS`, 100 years of days) keeps every derived date,
    offset and array inside int64 and memory. Below ``minimum`` the message reads as
    :func:`check_int`'s (``>= minimum``); above ``maximum`` it names the bound.
    """
    n = check_int(value, name, minimum=minimum, what=what)
    return _check_cap(n, name, maximum, "100 years of days, longer than any data")


def _span_days(index: pd.DatetimeIndex) -> int:
    return int((index[-1] - index[0]) // pd.Timedelta(days=1)) if len(index) else 0


def check_horizon(
    value: Any,
    name: str = "horizon",
    *,
    index: pd.DatetimeIndex | None = None,
    maximum: int = MAX_DAYS,
    what: str = "a positive integer number of calendar days",
) -> int:
    """A horizon in calendar days: a positive integer, at most ``maximum``.

    With ``index`` (the dates of the data the horizon is measured on), a horizon longer than
    the data's span (last date minus first date) is refused with a message naming the span:
    no window of that length fits in the data.
    """
    h = check_int(value, name, minimum=1, what=what)
    _check_cap(h, name, maximum, "days: 100 years, longer than any data")
    if index is not None:
        span = _span_days(index)
        if h > span:
            where = f" ({fmt_date(index[0])} to {fmt_date(index[-1])})" if len(index) else ""
            raise ValueError(
                f"`{name}` ({h} days) is longer than the data, which span {span} days{where}."
            )
    return h


def check_horizons(
    values: Any,
    name: str = "horizons",
    *,
    index: pd.DatetimeIndex | None = None,
    maximum: int = MAX_DAYS,
    what: str = "a sequence of positive integer numbers of calendar days",
) -> tuple[int, ...]:
    """One horizon or a non-empty sequence of unique horizons (order kept).

    Each is checked as in :func:`check_horizon`.
    """
    if isinstance(values, numbers.Integral) and not isinstance(values, bool | np.bool_):
        values = [values]
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray | pd.Index):
        raise TypeError(f"`{name}` must be {what}; got {type(values).__name__}.")
    if len(values) == 0:
        raise ValueError(f"`{name}` must hold at least one horizon; got an empty sequence.")
    out = tuple(check_horizon(v, name, index=index, maximum=maximum, what=what) for v in values)
    if len(set(out)) != len(out):
        raise ValueError(f"`{name}` must be unique; got {list(out)}.")
    return out


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
    if not MIN_DATE <= ts <= MAX_DATE:
        raise ValueError(
            f"`{name}` must be a date between {MIN_DATE.date()} and {MAX_DATE.date()} "
            f"(pandas' nanosecond timestamps); got {value!r}."
        )
    return ts


def check_timedelta(
    value: Any,
    name: str,
    *,
    allow_negative: bool = False,
    maximum: pd.Timedelta | None = MAX_TIMEDELTA,
) -> pd.Timedelta:
    """A ``datetime.timedelta``, ``pd.Timedelta`` or string such as ``"4h"``.

    Its size is at most ``maximum`` (default 100 years) so that adding it to any date of the
    data stays a valid timestamp.
    """
    if isinstance(value, bool) or not isinstance(value, str | _dt.timedelta | np.timedelta64):
        raise TypeError(
            f"`{name}` must be a timedelta (datetime.timedelta, pandas.Timedelta or a string "
            f"such as '4h'); got {type(value).__name__}."
        )
    too_long = (
        f"`{name}` must be a timedelta of at most {maximum.days} days; got {value!r}."
        if maximum is not None
        else f"`{name}` is out of the range of pandas' timedeltas; got {value!r}."
    )
    try:
        td = pd.Timedelta(value)
    except (OverflowError, pd.errors.OutOfBoundsTimedelta) as exc:
        raise ValueError(too_long) from exc
    except (ValueError, TypeError) as exc:
        raise ValueError(f"`{name}` could not be parsed as a timedelta; got {value!r}.") from exc
    if td is pd.NaT:
        raise ValueError(f"`{name}` must be a timedelta, not NaT.")
    if not allow_negative and td < pd.Timedelta(0):
        raise ValueError(f"`{name}` must be a non-negative timedelta; got {value!r}.")
    if maximum is not None and abs(td) > maximum:
        raise ValueError(too_long)
    try:
        td = td.as_unit("ns")
    except (OverflowError, pd.errors.OutOfBoundsTimedelta) as exc:
        raise ValueError(too_long) from exc
    return td


# ---------------------------------------------------------------------------
# event dates
# ---------------------------------------------------------------------------
def as_event_dates(obj: Any, name: str = "events") -> pd.DatetimeIndex:
    """Dates given as events (or any list of dates) as a tz-naive nanosecond DatetimeIndex.

    Accepted: an object with a ``dates`` DatetimeIndex (:class:`~riskcycle.Events`), a
    ``DatetimeIndex``, a sequence or array of dates (strings, ``datetime``, ``Timestamp``,
    ``datetime64``); a ``Series`` *of dates* gives its values, a Series of anything else its
    ``DatetimeIndex``; a ``DataFrame`` gives its one datetime column, or else its
    ``DatetimeIndex``. Timezone-aware dates are converted to UTC. The order is kept.

    Raises
    ------
    TypeError
        Numbers (integers or floats would otherwise be read as nanoseconds after 1970), a
        single date or string, a Series without dates in its values or index, or anything
        that is not a collection of dates; the message names ``name``.
    ValueError
        A DataFrame with no or several datetime columns and no DatetimeIndex, a missing date
        (NaT), an unparsable string or a date outside pandas' nanosecond range.
    """
    if isinstance(getattr(obj, "dates", None), pd.DatetimeIndex) and not isinstance(
        obj, pd.Series | pd.DataFrame | pd.Index
    ):
        obj = obj.dates  # riskcycle Events
    if isinstance(obj, pd.DataFrame):
        cols = [c for c in obj.columns if pd.api.types.is_datetime64_any_dtype(obj[c])]
        if len(cols) == 1:
            obj = obj[cols[0]]
        elif isinstance(obj.index, pd.DatetimeIndex):
            obj = obj.index
        else:
            raise ValueError(
                f"`{name}` as a DataFrame must have exactly one datetime column or a "
                f"DatetimeIndex; got datetime columns {cols} and a "
                f"{type(obj.index).__name__}."
            )
    if isinstance(obj, pd.Series):
        if pd.api.types.is_datetime64_any_dtype(obj.dtype):
            obj = pd.DatetimeIndex(obj.to_numpy() if obj.dt.tz is None else obj)
        elif isinstance(obj.index, pd.DatetimeIndex):
            obj = obj.index
        else:
            raise TypeError(
                f"`{name}` as a Series must hold dates (datetime64 values) or have a "
                f"DatetimeIndex; got dtype {obj.dtype} with a {type(obj.index).__name__}."
            )
    if isinstance(obj, str | bytes | _dt.date | np.datetime64) or not isinstance(
        obj, Sequence | pd.Index | np.ndarray
    ):
        single = isinstance(obj, str | bytes | _dt.date | np.datetime64)
        raise TypeError(
            f"`{name}` must be an Events object or a sequence of dates (a DatetimeIndex, "
            "a list, a Series of dates)"
            + ("; got a single date (wrap it in a list)." if single else "")
            + ("" if single else f"; got {type(obj).__name__}.")
        )
    if not isinstance(obj, pd.DatetimeIndex):
        values = obj if isinstance(obj, pd.Index | np.ndarray) else np.asarray(obj, dtype=object)
        kind = getattr(values, "dtype", np.dtype(object)).kind
        if kind == "O" and len(values):
            if any(isinstance(v, _dt.timedelta | np.timedelta64) for v in values):
                kind = "m"
            elif any(isinstance(v, numbers.Number | np.number) for v in values):
                kind = "f"
        if kind in "biufc":
            raise TypeError(
                f"`{name}` must be dates, not numbers (integers or floats would be read as "
                f"nanoseconds after 1970-01-01); got {type(obj).__name__} of numbers."
            )
        if kind == "m":
            raise TypeError(f"`{name}` must be dates, not timedeltas.")
        try:
            obj = pd.DatetimeIndex(pd.to_datetime(values, format="mixed", utc=False))
        except (OverflowError, pd.errors.OutOfBoundsDatetime) as exc:
            raise ValueError(
                f"`{name}` has a date outside {MIN_DATE.date()} to {MAX_DATE.date()} "
                "(pandas' nanosecond timestamps)."
            ) from exc
        except (TypeError, ValueError) as exc:
            raise ValueError(f"`{name}` could not be read as dates ({exc}).") from exc
    idx = obj
    if idx.hasnans:
        pos = int(np.flatnonzero(idx.isna())[0])
        raise ValueError(f"`{name}` has a missing date (NaT) at position {pos}.")
    if idx.tz is not None:
        idx = idx.tz_convert("UTC").tz_localize(None)
    if len(idx) and (idx.min() < MIN_DATE or idx.max() > MAX_DATE):
        raise ValueError(
            f"`{name}` has a date outside {MIN_DATE.date()} to {MAX_DATE.date()} "
            "(pandas' nanosecond timestamps)."
        )
    return pd.DatetimeIndex(idx.as_unit("ns"), name=None)


# ---------------------------------------------------------------------------
# price data
# ---------------------------------------------------------------------------
def _read_csv(path: os.PathLike | str, name: str) -> tuple[pd.DataFrame, str]:
    """The CSV file (layouts of :mod:`riskcycle._csv`) and its field separator."""
    from ._csv import read_csv

    try:
        return read_csv(path, name)
    except FileNotFoundError as exc:
        raise ValueError(f"`{name}`: no such file {os.fspath(path)!r}.") from exc
    except (IsADirectoryError, PermissionError) as exc:
        raise ValueError(f"`{name}`: could not open {os.fspath(path)!r} ({exc}).") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"`{name}`: could not read {os.fspath(path)!r} as CSV ({exc}).") from exc


_DAY_NS = 86_400 * 10**9


def _to_datetime_index(
    values: Any, name: str, timezone: str, dayfirst: bool | None = None
) -> pd.DatetimeIndex:
    """Daily dates from an index, a column or the text of a CSV file.

    Timezone-aware values are converted to ``timezone`` (the clock's zone). When they are
    not at midnight there but are at midnight as written (a US equity file stamped
    ``2024-01-12 00:00:00+00:00``), the dates as written are kept: each stamp labels a
    day, not the instant of a close.
    """
    from ._csv import parse_dates

    if isinstance(values, pd.DatetimeIndex):
        idx = values
        wall = values.tz_localize(None) if values.tz is not None else values
        written = None  # the text of a stamp is made only for an error message
    else:
        idx, wall, written = parse_dates(values, name, dayfirst)
    if idx.hasnans:
        pos = int(np.flatnonzero(idx.isna())[0])
        raise ValueError(f"`{name}` has a missing date (NaT) at row {pos}.")

    def _midnight(x: pd.DatetimeIndex) -> np.ndarray:
        # tz-naive wall times: midnight when the nanoseconds are whole days (the same
        # test as x == x.normalize(), without pandas' per-call frequency inference)
        return x.as_unit("ns").asi8 % _DAY_NS == 0

    if idx.tz is not None:
        local = idx.tz_convert(timezone).tz_localize(None)
        idx = wall if not _midnight(local).all() and _midnight(wall).all() else local
    at_midnight = _midnight(idx)
    if len(idx) and not at_midnight.all():
        pos = int(np.flatnonzero(~at_midnight)[0])
        shown = values.astype(str)[pos] if written is None else written[pos]
        raise ValueError(
            f"`{name}` must hold daily bars (dates at midnight); got a time of day at "
            f"{idx[pos]} (as written: {shown!r})."
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
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Validate daily price data and return a new, clean DataFrame.

    Parameters
    ----------
    data : pandas.Series, pandas.DataFrame, str or os.PathLike
        A Series is taken as closes; a DataFrame must have a ``close`` column
        (case-insensitive, ``Close``/``Adj Close``/``Price``/``Close/Last`` accepted); a
        path is read as CSV (the layouts listed in :func:`riskcycle.datasets.read_prices`;
        a CSV with a single value column, as FRED's, takes it as the close). The dates
        come from a :class:`~pandas.DatetimeIndex`, or else from a date column
        (``date_column`` or the first of ``date``, ``Date``, ``DATE``,
        ``observation_date``, ...).
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
    dayfirst : bool, optional
        Order of numeric dates such as ``03/04/2024``: ``True`` for dd/mm/yyyy, ``False``
        for mm/dd/yyyy. ``None`` (default): the order that the dates themselves prove (a
        first field above 12 is a day, a second field above 12 is a day); when none does,
        a ``ValueError`` asks for ``dayfirst``. Dates are never silently swapped.

    Returns
    -------
    pandas.DataFrame
        Float columns (lower-case names), a tz-naive ``DatetimeIndex`` named ``date``,
        sorted, unique. Never a view of ``data``.
    """
    check_choice(nan_policy, "nan_policy", NAN_POLICIES)
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise TypeError(f"`dayfirst` must be True, False or None; got {dayfirst!r}.")
    if isinstance(data, str | os.PathLike):
        data, date_column = _price_csv(data, name, date_column)
    frame = _as_frame(data, name).copy()
    frame = _with_dates(frame, name, timezone, dayfirst, date_column)
    frame = _price_columns(frame, name, required)
    _check_dates_sorted_unique(frame.index, name)
    frame = _check_prices(frame, name, nan_policy, positive)
    if len(frame) < min_length:
        raise ValueError(
            f"`{name}` must have at least {min_length} observations; got {len(frame)}."
        )
    frame.index.name = "date"
    frame.attrs = dict(getattr(data, "attrs", {}) or {})
    return frame


def _price_csv(path: Any, name: str, date_column: str | None) -> tuple[pd.DataFrame, str]:
    """A CSV's rows with its date column found and a lone value column named ``close``."""
    from ._csv import CSV_DATE_COLUMNS, clean_columns

    data, sep = _read_csv(path, name)
    if date_column is None:
        date_column = next((c for c in CSV_DATE_COLUMNS if c in data.columns), None)
        if date_column is None:
            raise ValueError(
                f"`{name}`: the CSV has no date column (expected one of "
                f"{list(CSV_DATE_COLUMNS[:4])}); got columns {list(data.columns)}."
            )
    data = clean_columns(data, sep, date_column)
    named = {"close", "adj close", "adj_close", "price", "close/last"}
    named |= {"open", "high", "low", "volume"}
    values = [c for c in data.columns if c != date_column]
    if len(values) == 1 and str(values[0]).strip().lower() not in named:
        data = data.rename(columns={values[0]: "close"})  # FRED: one series column
    return data, date_column


def _as_frame(data: Any, name: str) -> pd.DataFrame:
    if isinstance(data, pd.Series):
        if not isinstance(data.index, pd.DatetimeIndex):
            raise TypeError(
                f"`{name}` must have a DatetimeIndex; got {type(data.index).__name__}."
            )
        return data.to_frame(name="close")
    if isinstance(data, pd.DataFrame):
        return data
    raise TypeError(
        f"`{name}` must be a pandas Series or DataFrame of prices, or a path to a CSV "
        f"file; got {type(data).__name__}."
    )


def _with_dates(frame, name, timezone, dayfirst, date_column) -> pd.DataFrame:
    """``frame`` indexed by its dates (from its DatetimeIndex or its date column)."""
    if isinstance(frame.index, pd.DatetimeIndex) and date_column is None:
        idx = _to_datetime_index(frame.index, name, timezone, dayfirst)
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
        idx = _to_datetime_index(frame[col], name, timezone, dayfirst)
        frame = frame.drop(columns=[col])
    frame.index = idx
    return frame


def _price_columns(frame: pd.DataFrame, name: str, required: Sequence[str]) -> pd.DataFrame:
    """Lower-case column names (an alias is the close when there is none), all floats."""
    rename = {}
    keys = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    for c, key in zip(frame.columns, keys, strict=True):
        # an alias is the close only when there is no Close column, wherever it stands
        alias = key in ("adj_close", "price", "close/last")
        rename[c] = "close" if alias and "close" not in keys else key
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
            and not pd.api.types.is_complex_dtype(frame[col])
        ):
            raise TypeError(
                f"`{name}`: column {col!r} must be numeric; got dtype {frame[col].dtype}."
            )
        frame[col] = frame[col].astype(float)
    return frame


def _check_dates_sorted_unique(idx: pd.DatetimeIndex, name: str) -> None:
    if len(idx) <= 1:
        return
    d = np.diff(idx.asi8)
    if (d < 0).any():
        pos = int(np.flatnonzero(d < 0)[0]) + 1
        newest_first = (d < 0).all() and len(idx) > 2
        raise ValueError(
            f"`{name}` dates must be sorted ascending; {fmt_date(idx[pos])} follows "
            f"{fmt_date(idx[pos - 1])}"
            + (
                " (every date follows a later one: the data are written newest first; "
                "reverse the rows, e.g. frame.iloc[::-1], or sort them by date)."
                if newest_first
                else "."
            )
        )
    if (d == 0).any():
        pos = int(np.flatnonzero(d == 0)[0]) + 1
        raise ValueError(f"`{name}` dates must be unique; {fmt_date(idx[pos])} is duplicated.")


def _check_prices(frame: pd.DataFrame, name: str, nan_policy: str, positive: bool):
    """NaN closes (an error or dropped), infinite and non-positive prices (errors)."""
    close = frame["close"].to_numpy()
    if np.isnan(close).any():
        if nan_policy == "raise":
            bad = frame.index[np.isnan(close)][0]
            raise ValueError(
                f"`{name}` has a NaN close on {fmt_date(bad)}; drop it or pass nan_policy='omit'."
            )
        frame = frame.loc[~np.isnan(close)]
    price_cols = [c for c in ("open", "high", "low", "close") if c in frame.columns]
    values = frame[price_cols].to_numpy()
    finite = np.isfinite(values) | np.isnan(values)
    if not finite.all():
        bad = frame.index[~finite.all(axis=1)][0]
        raise ValueError(f"`{name}` has an infinite price on {fmt_date(bad)}.")
    if positive:
        nonpos = (values <= 0) & ~np.isnan(values)
        if nonpos.any():
            bad = frame.index[nonpos.any(axis=1)][0]
            raise ValueError(
                f"`{name}` prices must be positive; got a value <= 0 on {fmt_date(bad)}."
            )
    return frame


def as_price_series(data: Any, *, name: str = "prices", **kwargs: Any) -> pd.Series:
    """:func:`as_price_frame` reduced to its ``close`` column (a new Series named ``close``)."""
    frame = as_price_frame(data, name=name, **kwargs)
    out = frame["close"].copy()
    out.attrs = dict(frame.attrs)
    return out
