"""Bundled daily histories, user data and optional downloads.

The package ships real daily histories (Russell 2000, S&P 500, Nasdaq-100, IWM,
BTC with a 2010-2014 back-history, ETH, the 10-year Treasury yield and the
effective federal funds rate) so that every analysis runs offline. Their origin,
licence notes and checks are in :func:`provenance` and :func:`available`.

Every loader returns the same shape: a DataFrame with a tz-naive
``DatetimeIndex`` named ``date``, float columns ``close`` (and ``open``,
``high``, ``low``, ``volume`` where the source has them), and ``attrs`` holding
the series' name, clock (when its values become known, see
:mod:`riskcycle.calendar`), periods per year and licence note.
"""

from __future__ import annotations

import gzip
import io
import os
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from .._typing import DateLike, PricesLike
from .._validation import as_price_frame, check_bool, check_int, check_timestamp
from ..calendar import SessionClock, get_clock

__all__ = ["DatasetInfo", "available", "fetch", "load", "provenance", "read_prices"]

_YAHOO_NOTE = (
    "Yahoo Finance data downloaded with yfinance by public GitHub repositories (see "
    "provenance); no licence stated. Yahoo's terms of service restrict redistribution: "
    "bundled for research reproducibility only."
)
_CM_NOTE = (
    "Coin Metrics community data, CC BY-NC 4.0: attribution 'Coin Metrics community data' "
    "required; non-commercial use only."
)
_FRED_NOTE = (
    "FRED (Federal Reserve Bank of St. Louis); {origin}. FRED asks users to cite the source."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetInfo:
    """Registry entry of a bundled series."""

    name: str
    description: str
    source: str
    licence: str
    calendar: str
    clock: str
    units: str
    columns: tuple[str, ...]
    first_date: str
    last_date: str
    rows: int
    files: tuple[str, ...]


_REGISTRY: dict[str, DatasetInfo] = {
    i.name: i
    for i in [
        DatasetInfo(
            name="rut",
            description="Russell 2000 price index (^RUT), daily OHLC",
            source="Yahoo Finance ^RUT via alitalbi/storage_data_fy (to 2026-02-20) and "
            "heliar-k/market-base (from 2026-02-23); provisional rows replaced",
            licence=_YAHOO_NOTE,
            calendar="US exchange trading days",
            clock="us_equity_close",
            units="index points",
            columns=("open", "high", "low", "close", "volume"),
            first_date="1987-09-10",
            last_date="2026-08-20",
            rows=9810,
            files=("rut.csv.gz",),
        ),
        DatasetInfo(
            name="spx",
            description="S&P 500 index (^GSPC), daily close",
            source="Yahoo Finance ^GSPC via culolom/culolom-backtest",
            licence=_YAHOO_NOTE,
            calendar="US exchange trading days",
            clock="us_equity_close",
            units="index points",
            columns=("close",),
            first_date="1927-12-30",
            last_date="2026-08-21",
            rows=24777,
            files=("spx.csv.gz",),
        ),
        DatasetInfo(
            name="ndx",
            description="Nasdaq-100 index (^NDX), daily OHLC",
            source="Yahoo Finance ^NDX via YoussefKh200/Slow-Turtle-Research",
            licence=_YAHOO_NOTE,
            calendar="US exchange trading days",
            clock="us_equity_close",
            units="index points",
            columns=("open", "high", "low", "close"),
            first_date="1985-10-01",
            last_date="2026-07-10",
            rows=10272,
            files=("ndx.csv.gz",),
        ),
        DatasetInfo(
            name="iwm",
            description="iShares Russell 2000 ETF (IWM), split- and dividend-adjusted OHLC "
            "(use for returns, not levels)",
            source="Yahoo Finance IWM (auto_adjust=True) via YoussefKh200/Slow-Turtle-Research",
            licence=_YAHOO_NOTE,
            calendar="US exchange trading days",
            clock="us_equity_close",
            units="USD per share (adjusted)",
            columns=("open", "high", "low", "close"),
            first_date="2000-05-26",
            last_date="2026-07-10",
            rows=6568,
            files=("iwm.csv.gz",),
        ),
        DatasetInfo(
            name="btc",
            description="Bitcoin in USD (BTC-USD), daily close, every calendar day",
            source="Yahoo Finance BTC-USD via culolom/culolom-backtest",
            licence=_YAHOO_NOTE,
            calendar="24/7 (every calendar day)",
            clock="utc_midnight",
            units="USD",
            columns=("close",),
            first_date="2014-09-17",
            last_date="2026-08-21",
            rows=4357,
            files=("btc.csv.gz",),
        ),
        DatasetInfo(
            name="btc_ohlcv",
            description="Bitcoin in USD (BTC-USD), daily OHLCV",
            source="Yahoo Finance BTC-USD via jonsflow/risk-model and "
            "ShresthTiwari823/QuantEdge-AI",
            licence=_YAHOO_NOTE,
            calendar="24/7 (every calendar day)",
            clock="utc_midnight",
            units="USD",
            columns=("open", "high", "low", "close", "volume"),
            first_date="2014-09-17",
            last_date="2026-06-23",
            rows=4298,
            files=("btc_ohlcv.csv.gz",),
        ),
        DatasetInfo(
            name="btc_coinmetrics",
            description="Bitcoin in USD, Coin Metrics PriceUSD (end-of-day reference rate)",
            source="Coin Metrics community data (csv/btc.csv) via "
            "minzhi123/Metcalfe-s-Law-of-Bitcoin-Pricie-Modeling",
            licence=_CM_NOTE,
            calendar="24/7 (every calendar day)",
            clock="utc_midnight",
            units="USD",
            columns=("close",),
            first_date="2010-07-18",
            last_date="2019-11-01",
            rows=3394,
            files=("btc_coinmetrics.csv.gz",),
        ),
        DatasetInfo(
            name="btc_long",
            description="Bitcoin in USD, longest history: Coin Metrics PriceUSD to 2014-09-16 "
            "spliced before Yahoo BTC-USD; column `source` names each row's origin",
            source="btc_coinmetrics (2010-07-18..2014-09-16) + btc (2014-09-17..)",
            licence=_CM_NOTE
            + " (rows with source 'coinmetrics'); "
            + _YAHOO_NOTE
            + " (rows with source 'yahoo')",
            calendar="24/7 (every calendar day)",
            clock="utc_midnight",
            units="USD",
            columns=("close", "source"),
            first_date="2010-07-18",
            last_date="2026-08-21",
            rows=5879,
            files=("btc_coinmetrics.csv.gz", "btc.csv.gz"),
        ),
        DatasetInfo(
            name="eth",
            description="Ether in USD (ETH-USD), daily OHLCV",
            source="Yahoo Finance ETH-USD via jonsflow/risk-model and "
            "ShresthTiwari823/QuantEdge-AI",
            licence=_YAHOO_NOTE,
            calendar="24/7 (every calendar day)",
            clock="utc_midnight",
            units="USD",
            columns=("open", "high", "low", "close", "volume"),
            first_date="2017-11-09",
            last_date="2026-06-23",
            rows=3149,
            files=("eth.csv.gz",),
        ),
        DatasetInfo(
            name="dgs10",
            description="10-year Treasury constant-maturity yield (FRED DGS10), percent",
            source="FRED DGS10 via jonsflow/risk-divergence and jonsflow/risk-model",
            licence=_FRED_NOTE.format(
                origin="Board of Governors of the Federal Reserve System, H.15; US-government data"
            ),
            calendar="US business days (FRED)",
            clock="fred_h15",
            units="percent per year",
            columns=("close",),
            first_date="1962-01-02",
            last_date="2026-08-20",
            rows=16144,
            files=("dgs10.csv.gz",),
        ),
        DatasetInfo(
            name="effr",
            description="Effective federal funds rate (FRED EFFR), percent",
            source="FRED EFFR via jonsflow/risk-divergence and jonsflow/risk-model",
            licence=_FRED_NOTE.format(origin="Federal Reserve Bank of New York"),
            calendar="US business days (FRED)",
            clock="fred_effr",
            units="percent per year",
            columns=("close",),
            first_date="2000-07-03",
            last_date="2026-08-20",
            rows=6562,
            files=("effr.csv.gz",),
        ),
    ]
}

_SPLICE_DATE = pd.Timestamp("2014-09-17")  # first Yahoo BTC-USD date


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(
            f"`name` must be a string naming a bundled series; got {type(name).__name__}."
        )
    if name not in _REGISTRY:
        raise ValueError(f"`name` must be one of {sorted(_REGISTRY)}; got {name!r}.")
    return name


def available() -> pd.DataFrame:
    """The registry of bundled series, one row per name.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``name`` with columns ``description``, ``source``, ``licence``,
        ``calendar``, ``clock``, ``periods_per_year``, ``units``, ``columns``,
        ``first_date``, ``last_date``, ``rows`` and ``files``.

    Examples
    --------
    >>> import riskcycle
    >>> reg = riskcycle.datasets.available()
    >>> reg.loc["rut", "clock"]
    'us_equity_close'
    """
    rows = []
    for info in _REGISTRY.values():
        d = asdict(info)
        d["columns"] = ", ".join(info.columns)
        d["files"] = ", ".join(info.files)
        d["first_date"] = pd.Timestamp(info.first_date)
        d["last_date"] = pd.Timestamp(info.last_date)
        d["periods_per_year"] = get_clock(info.clock).periods_per_year
        rows.append(d)
    return pd.DataFrame(rows).set_index("name")


def provenance() -> str:
    """The full provenance and verification notes of the bundled data (Markdown)."""
    return resources.files(__package__).joinpath("PROVENANCE.md").read_text(encoding="utf-8")


@lru_cache(maxsize=16)
def _read_file(fname: str) -> pd.DataFrame:
    raw = resources.files(__package__).joinpath("data", fname).read_bytes()
    frame = pd.read_csv(io.BytesIO(gzip.decompress(raw)), parse_dates=["date"], index_col="date")
    frame.index = pd.DatetimeIndex(frame.index, name="date").as_unit("ns")
    return frame.astype(float)


def _attrs(info: DatasetInfo, licence: str) -> dict[str, Any]:
    clock = get_clock(info.clock)
    return {
        "name": info.name,
        "clock": clock.name,
        "periods_per_year": clock.periods_per_year,
        "units": info.units,
        "licence": licence,
        "source": info.source,
    }


def load(name: str, *, start: DateLike | None = None, end: DateLike | None = None) -> pd.DataFrame:
    """Load a bundled daily series.

    Parameters
    ----------
    name : str
        One of the names in :func:`available` (``"rut"``, ``"spx"``, ``"ndx"``,
        ``"iwm"``, ``"btc"``, ``"btc_ohlcv"``, ``"btc_coinmetrics"``,
        ``"btc_long"``, ``"eth"``, ``"dgs10"``, ``"effr"``).
    start, end : date-like, optional
        Inclusive bounds on the dates.

    Returns
    -------
    pandas.DataFrame
        A new DataFrame (the caller may modify it) with a ``DatetimeIndex`` named
        ``date`` and float columns as listed in the registry. ``attrs`` records
        ``name``, ``clock``, ``periods_per_year``, ``units``, ``licence`` and
        ``source``.

    Raises
    ------
    ValueError
        Unknown ``name`` (the message lists the valid names), ``start`` after
        ``end``, or no rows in the range.

    Notes
    -----
    ``"btc_long"`` splices Coin Metrics ``PriceUSD`` (2010-07-18 to 2014-09-16)
    before Yahoo's BTC-USD (from 2014-09-17); its ``source`` column says
    ``"coinmetrics"`` or ``"yahoo"`` for each row. At the seam Coin Metrics gives
    464.18 on 2014-09-16 and Yahoo 457.33 on 2014-09-17 (Coin Metrics 456.34 that
    day): the two differ by methodology and cut-off time (median 0.34% on their
    overlap), so the seam adds no jump beyond ordinary noise. The Coin Metrics rows
    are licensed CC BY-NC 4.0 (attribution, non-commercial); ``attrs["licence"]``
    states it whenever such rows are in the returned range.

    Examples
    --------
    >>> import riskcycle
    >>> rut = riskcycle.datasets.load("rut", start="2025-09-17", end="2025-09-18")
    >>> rut["close"].round(2).tolist()
    [2407.34, 2467.7]
    >>> btc = riskcycle.datasets.load("btc_long")
    >>> btc["source"].iloc[[0, -1]].tolist()
    ['coinmetrics', 'yahoo']
    """
    name = _check_name(name)
    start_ts = check_timestamp(start, "start", allow_none=True)
    end_ts = check_timestamp(end, "end", allow_none=True)
    if start_ts is not None and end_ts is not None and start_ts > end_ts:
        raise ValueError(f"`start` ({start_ts.date()}) must not be after `end` ({end_ts.date()}).")
    info = _REGISTRY[name]
    if name == "btc_long":
        cm = _read_file("btc_coinmetrics.csv.gz")
        cm = cm.loc[cm.index < _SPLICE_DATE].assign(source="coinmetrics")
        yh = _read_file("btc.csv.gz").assign(source="yahoo")
        frame = pd.concat([cm, yh])
    else:
        frame = _read_file(info.files[0]).copy()
    frame = frame.loc[start_ts:end_ts].copy()
    if frame.empty:
        raise ValueError(
            f"no {name!r} data between {start} and {end}; the series covers "
            f"{info.first_date} to {info.last_date}."
        )
    licence = info.licence
    if name == "btc_long":
        has_cm = bool((frame["source"] == "coinmetrics").any())
        has_yh = bool((frame["source"] == "yahoo").any())
        licence = "; ".join(
            ([_CM_NOTE + " (rows with source 'coinmetrics')"] if has_cm else [])
            + ([_YAHOO_NOTE] if has_yh else [])
        )
    frame.attrs = _attrs(info, licence)
    return frame


def read_prices(
    data: PricesLike,
    *,
    clock: SessionClock | str,
    nan_policy: str = "raise",
    min_length: int = 2,
    date_column: str | None = None,
    dayfirst: bool | None = None,
    name: str = "data",
) -> pd.DataFrame:
    """Validate user data (CSV path, Series or DataFrame) into the bundled-data shape.

    Parameters
    ----------
    data : str, os.PathLike, pandas.Series or pandas.DataFrame
        Daily prices. A Series is taken as closes. A DataFrame (or CSV) needs a
        ``close`` column (``Close``, ``Adj Close`` when there is no ``Close``,
        ``Price`` and ``Close/Last`` are accepted) and either a ``DatetimeIndex`` or
        a date column. CSV files are read in the layouts vendors and exchanges write
        (see Notes).
    clock : SessionClock or str
        When a bar's value becomes known: ``"us_equity_close"`` (16:00 New York,
        252 a year) for US exchange-traded series, ``"utc_midnight"`` (24:00 UTC,
        365 a year) for daily crypto bars, or a :class:`~riskcycle.calendar.SessionClock`.
        There is deliberately no default: the clock decides which follower bar a
        signal can trade, and the annualisation.
    nan_policy : {"raise", "omit"}, default "raise"
        ``"raise"``: a NaN close is an error naming its date; ``"omit"``: such
        rows are dropped.
    min_length : int, default 2
        Minimum number of rows.
    date_column : str, optional
        Column holding the dates when the index is not a ``DatetimeIndex`` (default:
        the first of ``date``, ``Date``, ``DATE``, ``observation_date``, ``datetime``,
        ``timestamp``, ``time``, ``open_time``, ``unix``).
    dayfirst : bool, optional
        Order of numeric dates such as ``03/04/2024`` (``dd/mm/yyyy`` with ``True``,
        ``mm/dd/yyyy`` with ``False``). By default the dates decide: a first field above
        12 makes the file day-first, a second field above 12 month-first; a file in which
        no date decides is refused with a message asking for ``dayfirst``. Day and month
        are never swapped silently.
    name : str
        Name for error messages and ``attrs["name"]``.

    Returns
    -------
    pandas.DataFrame
        A new frame: ``DatetimeIndex`` ``date`` (timezone-aware input converted to
        the clock's zone, then made naive), ascending, unique; float columns; attrs
        with ``clock`` and ``periods_per_year``. ``data`` is never modified.

    Raises
    ------
    TypeError
        Not a Series/DataFrame/path; no dates; non-numeric columns.
    ValueError
        Unsorted or duplicate dates, NaN (with ``nan_policy="raise"``), infinite or
        non-positive prices, fewer than ``min_length`` rows, an unreadable CSV; each
        message names the argument and the first offending date.

    Notes
    -----
    CSV layouts read as they come: Yahoo Finance and Stooq exports; yfinance files
    whose UTC offset changes with daylight saving (converted to the clock's zone) and
    ``yf.download``'s three header rows; stamps at midnight in another zone (a US
    index stamped ``00:00+00:00`` keeps its written dates); epoch seconds,
    milliseconds, microseconds or nanoseconds (the unit from the magnitude of the
    largest value) and ``yyyymmdd`` integers; FRED downloads (``observation_date`` or
    ``DATE``, the single series column as ``close``, ``.`` as missing); numeric dates
    in day-first or month-first order as the dates prove, else ``dayfirst``;
    thousands separators, decimal commas and currency signs; ``,``, ``;``, tab or
    ``|`` separators; gzip; a banner line above the header; instrument-label columns
    (``symbol``, ``ticker``, ``unix``) dropped. Files written newest first are refused
    like any unsorted data, with a message saying so.

    Examples
    --------
    >>> import pandas as pd, riskcycle
    >>> s = pd.Series([100.0, 101.5, 99.0], index=pd.date_range("2024-01-01", periods=3))
    >>> riskcycle.datasets.read_prices(s, clock="utc_midnight").attrs["periods_per_year"]
    365
    """
    clk = get_clock(clock, "clock")
    min_length = check_int(min_length, "min_length", minimum=1, what="a positive integer")
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a string; got {type(name).__name__}.")
    frame = as_price_frame(
        data,
        name=name,
        nan_policy=nan_policy,
        min_length=min_length,
        timezone=clk.timezone,
        date_column=date_column,
        dayfirst=dayfirst,
    )
    frame.attrs = {
        "name": name,
        "clock": clk.name
        if clk.name in ("us_equity_close", "utc_midnight", "fred_h15", "fred_effr")
        else clk,
        "periods_per_year": clk.periods_per_year,
        "units": "",
        "licence": "user data",
        "source": os.fspath(data) if isinstance(data, str | os.PathLike) else "user data",
    }
    return frame


def _parse_yfinance(raw: pd.DataFrame, symbol: str) -> pd.DataFrame:
    """Turn a ``yfinance.download`` frame (flat or MultiIndex columns) into OHLCV columns."""
    if not isinstance(raw, pd.DataFrame) or raw.empty:
        raise ValueError(f"no data returned for symbol {symbol!r}.")
    frame = raw.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        level = next(
            (
                i
                for i in range(frame.columns.nlevels)
                if {"Close", "close"} & set(map(str, frame.columns.get_level_values(i)))
            ),
            0,
        )
        frame.columns = frame.columns.get_level_values(level)
    frame = frame.loc[:, ~pd.Index(frame.columns).duplicated()]
    keep = [
        c for c in frame.columns if str(c).lower() in ("open", "high", "low", "close", "volume")
    ]
    return frame[keep]


def fetch(
    symbol: str,
    *,
    clock: SessionClock | str,
    start: DateLike | None = None,
    end: DateLike | None = None,
    cache: str | os.PathLike | None = None,
    refresh: bool = False,
) -> pd.DataFrame:
    """Download daily prices with yfinance (optional extra ``riskcycle[fetch]``).

    Parameters
    ----------
    symbol : str
        Yahoo Finance symbol, e.g. ``"^RUT"`` or ``"BTC-USD"``.
    clock : SessionClock or str
        As in :func:`read_prices` (``"us_equity_close"`` for ``^RUT``,
        ``"utc_midnight"`` for ``BTC-USD``).
    start, end : date-like, optional
        Range to download.
    cache : path, optional
        CSV file: read instead of downloading when it exists (unless ``refresh``),
        written after a download.
    refresh : bool, default False
        Download even when ``cache`` exists.

    Returns
    -------
    pandas.DataFrame
        Same shape as :func:`load`, validated by :func:`read_prices`
        (prices unadjusted: ``auto_adjust=False``).

    Notes
    -----
    The last row of a download made before the close (or, for crypto, before
    24:00 UTC) is provisional; drop it before analysis. Nothing in riskcycle calls
    this function by default, and no test needs the network.
    """
    if not isinstance(symbol, str):
        raise TypeError(f"`symbol` must be a string; got {type(symbol).__name__}.")
    if not symbol.strip():
        raise ValueError(f"`symbol` must be a non-empty string; got {symbol!r}.")
    clk = get_clock(clock, "clock")
    refresh = check_bool(refresh, "refresh")
    if cache is not None and os.path.exists(cache) and not refresh:
        return read_prices(cache, clock=clk, name=symbol, nan_policy="omit")
    try:
        import yfinance as yf
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            'riskcycle.datasets.fetch needs yfinance: pip install "riskcycle[fetch]".'
        ) from exc
    start_ts = check_timestamp(start, "start", allow_none=True)
    end_ts = check_timestamp(end, "end", allow_none=True)
    raw = yf.download(symbol, start=start_ts, end=end_ts, auto_adjust=False, progress=False)
    frame = read_prices(_parse_yfinance(raw, symbol), clock=clk, name=symbol, nan_policy="omit")
    if cache is not None:
        frame.to_csv(cache, index_label="date")
    return frame
