"""Reading the CSV layouts that users export from data vendors and exchanges.

Private helpers of :func:`riskcycle._validation.as_price_frame` (and so of
:func:`riskcycle.datasets.read_prices`). The layouts handled, each tested with a small
file in ``tests/test_csv_layouts.py``:

- Yahoo Finance web downloads and Stooq exports (``Date,Open,...``, ISO dates);
- ``yfinance`` ``to_csv`` files: the ``Ticker.history`` index with UTC offsets that change
  with daylight saving (``2024-03-08 00:00:00-05:00``, ``2024-03-11 00:00:00-04:00``),
  and the three-row header of ``yf.download`` (``Price``/``Ticker``/``Date``);
- exchange exports with epoch seconds, milliseconds, microseconds or nanoseconds (the unit
  is read from the magnitude of the largest value, never assumed) and ``yyyymmdd``
  integers;
- FRED downloads (``observation_date`` or ``DATE`` header, one column named after the
  series, ``.`` for a missing value);
- day-first (``dd/mm/yyyy``, ``dd.mm.yyyy``) and month-first (``mm/dd/yyyy``) dates, read
  the way the file itself decides (a day above 12) or as ``dayfirst`` says;
- thousands separators (``"2,467.70"``, ``2.467,70``, ``2'467.70``), currency signs and
  ``;``, tab or ``|`` separators; a banner line above the header.
"""

from __future__ import annotations

import gzip
import os
import re
from typing import Any

import numpy as np
import pandas as pd

#: Column names taken as the dates of a CSV file, in order of preference.
CSV_DATE_COLUMNS = (
    "date",
    "Date",
    "DATE",
    "observation_date",
    "datetime",
    "Datetime",
    "timestamp",
    "Timestamp",
    "time",
    "Time",
    "open_time",
    "Open time",
    "unix",
)
#: Text columns of exchange exports that name the instrument: dropped from CSV input.
_LABEL_COLUMNS = {"symbol", "ticker", "name", "currency", "exchange", "unix", "conid"}
_MISSING = ["."]  # FRED's mark for a missing observation (pandas' defaults are kept too)

_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
_OFFSET = r"\s*(?:Z|UTC|[+-]\d{2}:?\d{2})$"
_OFFSET_AT_END = re.compile(rf"{_TIME}{_OFFSET}")
_TIME_BEFORE_OFFSET = re.compile(rf"({_TIME}){_OFFSET}")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:([ T]).*)?$")
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0*)?$")


# ---------------------------------------------------------------------------
# the file
# ---------------------------------------------------------------------------
def _head(path: os.PathLike | str, nbytes: int = 65_536) -> str:
    with open(path, "rb") as fh:
        raw = fh.read(nbytes)
    if raw[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as fh:
            raw = fh.read(nbytes)
    return raw.decode("utf-8-sig", errors="replace")


def _separator(line: str) -> str:
    counts = {sep: line.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


def read_csv(path: os.PathLike | str, name: str) -> tuple[pd.DataFrame, str]:
    """The CSV at ``path`` as a frame of strings and numbers, and its field separator."""
    head = _head(path)
    lines = [ln for ln in head.splitlines() if ln.strip()]
    if not lines:
        raise ValueError(f"`{name}`: the file {os.fspath(path)!r} is empty.")
    skip: list[int] = []
    # a banner above the header (e.g. "https://www.cryptodatadownload.com"): one field only
    first = 0
    sep = _separator(lines[0])
    if len(lines) > 1 and lines[0].count(sep) == 0 and lines[1].count(_separator(lines[1])):
        first = 1
        sep = _separator(lines[1])
        skip.append(_line_number(head, lines[0]))
    fields = [f.strip().strip('"') for f in lines[first].split(sep)]
    rename: dict[str, str] = {}
    # yfinance's yf.download(...).to_csv(): "Price,Close,..." / "Ticker,^RUT,..." / "Date,,,"
    if (
        len(lines) > first + 2
        and fields[0] == "Price"
        and lines[first + 1].split(sep)[0].strip() == "Ticker"
        and lines[first + 2].split(sep)[0].strip() in ("Date", "Datetime")
    ):
        skip += [_line_number(head, lines[first + 1]), _line_number(head, lines[first + 2])]
        rename["Price"] = lines[first + 2].split(sep)[0].strip()
    frame = pd.read_csv(
        path,
        sep=sep,
        skiprows=skip or None,
        na_values=_MISSING,
        encoding="utf-8-sig",
        skipinitialspace=True,
    )
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.rename(columns=rename), sep


def _line_number(text: str, line: str) -> int:
    return text.splitlines().index(line)


# ---------------------------------------------------------------------------
# numbers written for people
# ---------------------------------------------------------------------------
def _style_votes(values: list[str]) -> tuple[bool, bool]:
    """Whether any value proves a point-decimal (US) or a comma-decimal (EU) writing."""
    us = eu = False
    for v in values:
        digits = v.lstrip("+-")
        if "," in digits and "." in digits:
            if digits.rfind(".") > digits.rfind(","):
                us = True
            else:
                eu = True
        elif digits.count(",") > 1:
            us = True
        elif digits.count(".") > 1:
            eu = True
        elif "," in digits and len(digits) - digits.rfind(",") - 1 != 3:
            eu = True
        elif "." in digits and len(digits) - digits.rfind(".") - 1 != 3:
            us = True
    return us, eu


def numbers_from_text(column: pd.Series, sep: str) -> pd.Series | None:
    """A text column of numbers with thousands separators or currency signs, as floats.

    The decimal mark is the one the values prove (``1,234.5`` or ``1.234,5``); when no
    value decides (every value like ``2,467``), a ``;``-separated file is taken to use the
    decimal comma and any other the decimal point. ``None`` when the column is not numbers.
    """
    present = column.notna()
    text = column[present].astype(str).str.strip()
    text = text.str.replace(r"[\s\u00a0\u202f'$€£¥]", "", regex=True)
    if text.empty or not text.str.fullmatch(r"[+-]?[\d.,]*\d[\d.,]*").all():
        return None
    us, eu = _style_votes(text.tolist())
    if us and eu:
        return None
    if not us and not eu:
        eu = sep == ";"
    if eu:
        ok = text.str.fullmatch(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d*)?")
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        ok = text.str.fullmatch(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?")
        text = text.str.replace(",", "", regex=False)
    if not ok.all():
        return None
    out = pd.Series(np.nan, index=column.index, dtype=float)
    out[present] = pd.to_numeric(text).astype(float)
    return out


def clean_columns(frame: pd.DataFrame, sep: str, date_column: str) -> pd.DataFrame:
    """Numbers written as text become floats; instrument-label columns are dropped."""
    out = frame.copy()
    for col in list(out.columns):
        if col == date_column:
            continue
        if str(col).strip().lower() in _LABEL_COLUMNS:
            out = out.drop(columns=[col])
            continue
        if pd.api.types.is_numeric_dtype(out[col]):
            continue
        converted = numbers_from_text(out[col], sep)
        if converted is not None:
            out[col] = converted
    return out


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------
def _from_numbers(values: np.ndarray, name: str) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """``yyyymmdd`` integers, or epoch times whose unit the magnitude gives."""
    v = values.astype(float)
    if np.isnan(v).any():
        pos = int(np.flatnonzero(np.isnan(v))[0])
        raise ValueError(f"`{name}` has a missing date at row {pos}.")
    integral = bool(np.all(v == np.round(v)))
    if integral and v.min() >= 1000_01_01 and v.max() <= 9999_12_31:
        try:
            ymd = values.astype(float).astype(np.int64).astype(str)
            idx = pd.DatetimeIndex(pd.to_datetime(ymd, format="%Y%m%d"))
        except ValueError as exc:
            raise ValueError(
                f"`{name}`: the dates are 8-digit numbers but not valid yyyymmdd dates ({exc})."
            ) from exc
        return idx, idx
    top = float(np.max(np.abs(v)))
    # the unit whose range [bound, 1000 * bound) holds the largest value: seconds from
    # 1973-03-03 on, milliseconds from the same instant, ...; a value is never assumed to be
    # nanoseconds because pandas' default is nanoseconds
    unit = next(
        (
            u
            for bound, u in ((1e8, "s"), (1e11, "ms"), (1e14, "us"), (1e17, "ns"))
            if bound <= top < bound * 1000
        ),
        None,
    )
    if unit is None:
        raise ValueError(
            f"`{name}`: the dates are numbers that are neither yyyymmdd dates nor epoch "
            f"seconds, milliseconds, microseconds or nanoseconds after 1973 (largest {top:g})."
        )
    arr = values.astype(np.int64) if integral else v
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(arr, unit=unit, utc=True))
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"`{name}`: epoch {unit} dates out of range ({exc}).") from exc
    return idx, idx.tz_localize(None)


def _day_first(parts: pd.DataFrame, dayfirst: bool | None, name: str, example: str) -> bool:
    first = parts[0].astype(int)
    second = parts[2].astype(int)
    if (first > 12).any() and (second > 12).any():
        raise ValueError(
            f"`{name}`: the dates mix day-first and month-first order (e.g. {example!r})."
        )
    if dayfirst is None:
        if (first > 12).any():
            return True
        if (second > 12).any():
            return False
        raise ValueError(
            f"`{name}`: the dates (e.g. {example!r}) could be day-first (dd/mm/yyyy) or "
            "month-first (mm/dd/yyyy) and no date in the data decides; pass dayfirst=True "
            "or dayfirst=False."
        )
    bad = (second > 12) if dayfirst else (first > 12)
    if bad.any():
        raise ValueError(
            f"`{name}`: dayfirst={dayfirst} but {parts.index[bad.to_numpy()][0]!r} has a "
            "month above 12."
        )
    return dayfirst


def _from_text(
    text: pd.Series, name: str, dayfirst: bool | None
) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """Dates written as text: (instants or naive dates, the wall-clock times as written)."""
    digits = text.str.fullmatch(_INTEGER)
    if digits.all():
        return _from_numbers(text.astype(float).to_numpy(), name)
    parts = text.str.extract(_NUMERIC_DATE)
    numeric = parts[0].notna()
    if numeric.any():
        if not numeric.all():
            bad = text[~numeric].iloc[0]
            raise ValueError(
                f"`{name}`: the dates mix formats ({text[numeric].iloc[0]!r} and {bad!r})."
            )
        parts.index = text.to_numpy()
        first = _day_first(parts, dayfirst, name, str(text.iloc[0]))
        day, month = (parts[0], parts[2]) if first else (parts[2], parts[0])
        year = parts[3].where(parts[3].str.len() == 4, "20" + parts[3])
        year = year.where((parts[3].str.len() == 4) | (parts[3].astype(int) < 69), "19" + parts[3])
        rest = text.str.replace(r"^[^ T]*", "", regex=True).to_numpy()
        iso = (
            year.to_numpy()
            + "-"
            + month.str.zfill(2).to_numpy()
            + "-"
            + day.str.zfill(2).to_numpy()
            + rest
        )
        text = pd.Series(iso, index=text.index)
    offset = text.str.contains(_OFFSET_AT_END)
    if offset.any():
        if not offset.all():
            raise ValueError(
                f"`{name}`: some dates carry a UTC offset and some do not (e.g. "
                f"{text[offset].iloc[0]!r} and {text[~offset].iloc[0]!r})."
            )
        instants = _parse(text, name, utc=True)
        wall = _parse(text.str.replace(_TIME_BEFORE_OFFSET, r"\1", regex=True), name, utc=False)
        return instants, wall
    idx = _parse(text, name, utc=False)
    if idx.tz is not None:  # e.g. "2024-01-12 00:00 UTC" read by the mixed parser
        return idx, idx.tz_localize(None)
    return idx, idx


def _parse(text: pd.Series, name: str, *, utc: bool) -> pd.DatetimeIndex:
    errors: list[str] = []
    for fmt in ("ISO8601", "mixed"):
        try:
            return pd.DatetimeIndex(pd.to_datetime(text, format=fmt, utc=utc))
        except (ValueError, TypeError) as exc:
            errors.append(str(exc))
    raise ValueError(f"`{name}`: the dates could not be parsed ({errors[-1]}).")


def parse_dates(
    values: Any, name: str, dayfirst: bool | None
) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex, np.ndarray]:
    """(instants or naive dates, wall-clock times as written, the values as written)."""
    ser = values if isinstance(values, pd.Series) else pd.Series(values)
    ser = ser.reset_index(drop=True)
    written = ser.astype(str).to_numpy()
    if isinstance(ser.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(ser.dtype):
        idx = pd.DatetimeIndex(ser)
        wall = idx.tz_localize(None) if idx.tz is not None else idx
        return idx, wall, written
    if pd.api.types.is_bool_dtype(ser.dtype) or pd.api.types.is_complex_dtype(ser.dtype):
        raise TypeError(f"`{name}`: the dates must be dates, text or numbers; got {ser.dtype}.")
    if pd.api.types.is_numeric_dtype(ser.dtype):
        idx, wall = _from_numbers(ser.to_numpy(), name)
        return idx, wall, written
    missing = ser.isna()
    if missing.any():
        pos = int(np.flatnonzero(missing.to_numpy())[0])
        raise ValueError(f"`{name}` has a missing date (NaT) at row {pos}.")
    if not all(isinstance(v, str) for v in ser):
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(ser, format="mixed", utc=_any_tz(ser)))
        except (ValueError, TypeError) as exc:
            raise ValueError(f"`{name}`: the dates could not be parsed ({exc}).") from exc
        wall = pd.DatetimeIndex([pd.Timestamp(v).tz_localize(None) for v in ser])
        return idx, wall, written
    idx, wall = _from_text(ser.str.strip(), name, dayfirst)
    return idx, wall, written


def _any_tz(ser: pd.Series) -> bool:
    return any(getattr(v, "tzinfo", None) is not None for v in ser)
