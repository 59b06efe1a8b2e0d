"""Calendar facts and look-ahead-free alignment of series with different clocks.

A daily value is not known at midnight of its date: a US index close is known
at 16:00 New York time, a daily crypto bar (UTC convention) at 24:00 UTC. This
module attaches that *information time* to every bar through a
:class:`~riskcycle.calendar.SessionClock`, and maps a leader's dates onto the first follower bar
whose price was observed at or after the leader's value became known
(:func:`map_to_follower`). It also holds the Bitcoin protocol dates that the
rest of the library uses as confounders (halvings, spot-ETF approval).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ._clocks import clock_of, day0_positions, halving_anchors, halving_phase_of
from ._typing import DatesLike, DelayLike, EventsLike
from ._validation import as_event_dates, check_bool, check_timedelta

__all__ = [
    "CRYPTO_UTC",
    "ETF_APPROVAL",
    "ETF_FALSE_APPROVAL_POST",
    "ETF_FIRST_TRADING_DAY",
    "FRED_EFFR",
    "FRED_H15",
    "GENESIS",
    "HALVINGS",
    "US_EQUITY_CLOSE",
    "SessionClock",
    "btc_supply",
    "get_clock",
    "halving_phase",
    "map_to_follower",
]


# ---------------------------------------------------------------------------
# Bitcoin protocol and market-structure dates
# ---------------------------------------------------------------------------
#: Genesis block (height 0) timestamp, 2009-01-03 18:15:05 UTC.
#: Source: block 0 header timestamp (any block explorer, e.g. mempool.space/block/0).
GENESIS = pd.Timestamp("2009-01-03 18:15:05", tz="UTC")

#: The four Bitcoin halvings as a DataFrame indexed by halving number (1..4) with
#: columns ``height`` (block height at which the subsidy halved), ``timestamp``
#: (block timestamp, UTC) and ``subsidy_after`` (BTC per block from that block on).
#:
#: Sources: the block headers of blocks 210,000 (2012-11-28 15:24:38 UTC),
#: 420,000 (2016-07-09 16:46:13 UTC), 630,000 (2020-05-11 19:23:43 UTC) and
#: 840,000 (2024-04-20 00:09:27 UTC; 2024-04-19 20:09 in New York). The subsidy
#: rule is ``50 * 2**-(height // 210000)`` BTC (Bitcoin Core
#: ``GetBlockSubsidy``, src/validation.cpp; Nakamoto 2008).
HALVINGS = pd.DataFrame(
    {
        "height": [210_000, 420_000, 630_000, 840_000],
        "timestamp": pd.to_datetime(
            [
                "2012-11-28 15:24:38",
                "2016-07-09 16:46:13",
                "2020-05-11 19:23:43",
                "2024-04-20 00:09:27",
            ]
        )
        .tz_localize("UTC")
        .as_unit("ns"),
        "subsidy_after": [25.0, 12.5, 6.25, 3.125],
    },
    index=pd.RangeIndex(1, 5, name="halving"),
)

#: US spot Bitcoin ETFs: the SEC approved the 19b-4 filings on 2024-01-10 after the
#: US close (SEC Release No. 34-99306, 2024-01-10; statement of Chair Gensler the
#: same day).
ETF_APPROVAL = pd.Timestamp("2024-01-10")
#: First trading day of the US spot Bitcoin ETFs (IBIT, FBTC, ... listed 2024-01-11).
ETF_FIRST_TRADING_DAY = pd.Timestamp("2024-01-11")
#: The false approval announcement posted from the SEC's compromised X account on
#: 2024-01-09 (about 16:11 New York time) moved BTC a day early (SEC statement of
#: 2024-01-09 on the unauthorised post).
ETF_FALSE_APPROVAL_POST = pd.Timestamp("2024-01-09 16:11", tz="America/New_York")

#: the zero delay: information usable at the first follower bar closing at or after it
NO_DELAY = pd.Timedelta(0)
_DAY_NS = 86_400 * 10**9
_BLOCKS_PER_DAY = 144.0  # one block per 10 minutes: the protocol's difficulty target
_HALVING_INTERVAL = 210_000
_INITIAL_SUBSIDY = 50.0
_MAX_SUPPLY = 21_000_000.0


# ---------------------------------------------------------------------------
# Business-day calendars (holidays and early closes)
# ---------------------------------------------------------------------------
#: Name of the business-day calendar of the Federal Reserve's daily releases: weekdays
#: that are neither US federal holidays nor days the New York Stock Exchange was closed.
US_FEDERAL_RESERVE = "us_federal_reserve"
_CALENDAR_FIRST_YEAR = 1885  # outside these years: weekdays, regular closes
_CALENDAR_LAST_YEAR = 2200


@dataclass(frozen=True, slots=True)
class _BusinessDays:
    """Sessions (naive dates, ns) of a calendar and the UTC close of its early closes."""

    first: int
    last: int
    sessions: np.ndarray
    early_dates: np.ndarray
    early_closes: np.ndarray


def _exchange_calendar(code: str, start: str, end: str) -> Any:
    """An ``exchange_calendars`` calendar, imported lazily (it takes seconds to import)."""
    import exchange_calendars as xcals
    from exchange_calendars.errors import InvalidCalendarName

    try:
        return xcals.get_calendar(code, start=start, end=end)
    except InvalidCalendarName as exc:
        raise ValueError(
            f"`calendar` must be an exchange_calendars code such as 'XNYS' or "
            f"{US_FEDERAL_RESERVE!r}; got {code!r}."
        ) from exc


@lru_cache(maxsize=16)
def _business_days(code: str, first_year: int, last_year: int) -> _BusinessDays:
    with warnings.catch_warnings():
        # exchange_calendars 4.x calls pandas APIs that pandas 3 deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return _build_business_days(code, first_year, last_year)


def _build_business_days(code: str, first_year: int, last_year: int) -> _BusinessDays:
    start, end = f"{first_year}-01-01", f"{last_year}-12-31"
    if code == US_FEDERAL_RESERVE:
        from pandas.tseries.holiday import USFederalHolidayCalendar

        # the NYSE's sessions from a kept NYSE calendar that covers these years (built
        # once: the report's series on either calendar share it)
        xnys = _covering("XNYS", first_year, last_year)
        weekdays = pd.bdate_range(start, end)
        federal = USFederalHolidayCalendar().holidays(start, end)
        sessions = weekdays.difference(federal).intersection(
            pd.DatetimeIndex(xnys.sessions.view("datetime64[ns]"))
        )
        early = pd.DatetimeIndex([])
        early_close = np.array([], dtype=np.int64)
    else:
        xcal = _exchange_calendar(code, start, end)
        sessions = pd.DatetimeIndex(xcal.sessions)
        early = pd.DatetimeIndex(xcal.early_closes)
        closes = xcal.closes.loc[early]
        early_close = pd.DatetimeIndex(closes).tz_convert("UTC").as_unit("ns").asi8
    return _BusinessDays(
        first=pd.Timestamp(start).value,
        last=pd.Timestamp(end).value,
        sessions=pd.DatetimeIndex(sessions).as_unit("ns").asi8,
        early_dates=pd.DatetimeIndex(early).as_unit("ns").asi8,
        early_closes=np.asarray(early_close, dtype=np.int64),
    )


#: the decade spans built so far, per calendar code (a span that covers a request serves it)
_SPANS: dict[str, list[tuple[int, int]]] = {}


def _business_days_for(code: str, dates: pd.DatetimeIndex, pad_days: int) -> _BusinessDays:
    """The calendar from its first year (1885) to the end of the decade after ``dates``
    (cached per span).

    Every span starts in the calendars' first year, so one calendar serves series that
    start in different decades (the report's indices start in 1928 and 1987, its yields
    in 1962; a process forked after the calendar was built inherits it). A span already
    built that covers the decades needed is used instead of building another: a
    calendar's sessions and early closes on a date do not depend on the span it was
    built over, so the answers are the same.
    """
    lo = _CALENDAR_FIRST_YEAR
    last = dates.max() if len(dates) else pd.Timestamp("2000-01-01")
    hi = (int((last + pd.Timedelta(days=pad_days)).year) // 10 + 1) * 10 - 1
    hi = min(max(hi, lo + 9), _CALENDAR_LAST_YEAR)
    return _covering(code, lo, hi)


def _covering(code: str, lo: int, hi: int) -> _BusinessDays:
    """A kept calendar whose span covers the years ``lo..hi``, or a new one over them."""
    spans = _SPANS.setdefault(code, [])
    for first, last in spans:
        if first <= lo and last >= hi:
            return _business_days(code, first, last)
    out = _business_days(code, lo, hi)
    spans.append((lo, hi))
    return out


def _midnights(idx: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """``idx.normalize().as_unit("ns")`` for tz-naive dates, without inferring a frequency.

    pandas' ``normalize`` infers the result's frequency, which took most of the time
    of :meth:`SessionClock.information_times`; the values are the same (NaT kept).
    """
    t = idx.as_unit("ns").asi8
    out = t - t % _DAY_NS
    nat = t == np.iinfo(np.int64).min
    if nat.any():
        out[nat] = t[nat]
    return pd.DatetimeIndex(out.view("datetime64[ns]"), name=idx.name)


def _next_business_days(dates: pd.DatetimeIndex, lag: int, code: str | None) -> pd.DatetimeIndex:
    """The ``lag``-th business day after each (naive, normalised) date."""
    fallback = dates + pd.offsets.BDay(lag)
    if code is None or len(dates) == 0:
        return fallback
    bd = _business_days_for(code, dates, pad_days=7 * lag + 31)
    d = dates.asi8
    pos = np.searchsorted(bd.sessions, d, side="right") + lag - 1
    inside = (d >= bd.first) & (pos < len(bd.sessions))
    out = fallback.asi8.copy()
    out[inside] = bd.sessions[pos[inside]]
    return pd.DatetimeIndex(out.view("datetime64[ns]"))


def _early_close_times(dates: pd.DatetimeIndex, code: str) -> np.ndarray:
    """UTC close (ns) of each date that is an early-close session, else ``iNaT``."""
    out = np.full(len(dates), np.iinfo(np.int64).min, dtype=np.int64)
    if len(dates) == 0:
        return out
    bd = _business_days_for(code, dates, pad_days=0)
    if len(bd.early_dates) == 0:
        return out
    d = dates.asi8
    pos = np.clip(np.searchsorted(bd.early_dates, d), 0, len(bd.early_dates) - 1)
    hit = bd.early_dates[pos] == d
    out[hit] = bd.early_closes[pos[hit]]
    return out


# ---------------------------------------------------------------------------
# Session clocks
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SessionClock:
    """When a daily value becomes known.

    The value dated ``d`` is known at local wall-clock time ``d + close_offset``
    in ``timezone``, ``business_day_lag`` business days later (for data published
    the next business day). ``close_offset = 24h`` means the end of the day ("24:00").

    Parameters
    ----------
    name : str
        Short identifier used in registries and results.
    close_offset : pandas.Timedelta
        Wall-clock time of the close after local midnight (16:00 -> ``Timedelta("16h")``).
    timezone : str
        IANA zone of the wall clock; daylight saving is handled by the zone.
    periods_per_year : int
        Bars per year used for annualisation: 252 for exchange-traded series,
        365 for 24/7 markets.
    business_day_lag : int
        Number of business days between the value's date and its publication.
    description : str
        One line for documentation and summaries.
    calendar : str, optional
        Business-day calendar: an ``exchange_calendars`` code (``"XNYS"`` for the
        New York Stock Exchange: its holidays and early closes) or
        ``"us_federal_reserve"`` (weekdays that are neither US federal holidays nor
        NYSE closures). ``None``: every weekday is a business day.
    early_closes : bool, default False
        The value is the exchange's closing price, so on the calendar's early-close
        sessions it is known at the early close (13:00 New York on the NYSE's half
        days) rather than at ``close_offset``.

    Notes
    -----
    Holidays and early closes come from the ``exchange_calendars`` package (imported on
    first use; its XNYS calendar records the NYSE's regular holidays, special closures such
    as national days of mourning, and early closes). The Federal Reserve's releases follow
    the federal holiday schedule (``pandas.tseries.holiday.USFederalHolidayCalendar``,
    current rules applied to every year), which closes on Columbus Day and Veterans Day
    when the NYSE is open; ``"us_federal_reserve"`` therefore skips both the federal
    holidays and the NYSE's closures, so a value is never taken as known before it was
    published (on Good Friday, when the NYSE is closed and the Board is open, a release
    is taken a day late). Dates outside 1885-2200 use weekdays and ``close_offset``.
    """

    name: str
    close_offset: pd.Timedelta
    timezone: str
    periods_per_year: int
    business_day_lag: int = 0
    description: str = ""
    calendar: str | None = None
    early_closes: bool = False

    def information_times(self, dates: DatesLike) -> pd.DatetimeIndex:
        """UTC timestamps at which the bars dated ``dates`` become known.

        Examples
        --------
        >>> from riskcycle.calendar import US_EQUITY_CLOSE, CRYPTO_UTC
        >>> t = US_EQUITY_CLOSE.information_times(["2024-01-12", "2024-07-12"])  # EST, EDT
        >>> [x.isoformat() for x in t]
        ['2024-01-12T21:00:00+00:00', '2024-07-12T20:00:00+00:00']
        >>> CRYPTO_UTC.information_times(["2024-01-12"])[0].isoformat()
        '2024-01-13T00:00:00+00:00'

        The day after Thanksgiving is a half day on the NYSE (close 13:00 New York):

        >>> US_EQUITY_CLOSE.information_times(["2024-11-29"])[0].isoformat()
        '2024-11-29T18:00:00+00:00'
        """
        idx = pd.DatetimeIndex(dates)
        if idx.tz is not None:
            idx = idx.tz_convert(self.timezone).tz_localize(None)
        # cached per clock and dates (the report asks for the same dates many times); the
        # cache holds a read-only array, and every call returns a new index
        t = _information_ns(self, idx.as_unit("ns").asi8.tobytes())
        return pd.DatetimeIndex(t.view("datetime64[ns]"), tz="UTC", name="information_time")

    def _information_times(self, idx: pd.DatetimeIndex) -> pd.DatetimeIndex:
        """:meth:`information_times` of naive dates, computed (not cached)."""
        idx = _midnights(idx)
        if self.business_day_lag:
            idx = _next_business_days(idx, self.business_day_lag, self.calendar)
        # wall-clock time: localise after adding the offset so that a DST change on the
        # day itself cannot move 16:00 to 15:00 or 17:00.
        local = (idx + self.close_offset).tz_localize(
            self.timezone, ambiguous="raise", nonexistent="shift_forward"
        )
        utc = local.tz_convert("UTC").as_unit("ns")
        if self.early_closes and self.calendar is not None and len(idx):
            early = _early_close_times(idx, self.calendar)
            t = utc.asi8
            use = (early != np.iinfo(np.int64).min) & (early < t)
            if use.any():
                utc = pd.DatetimeIndex(np.where(use, early, t).view("datetime64[ns]"), tz="UTC")
        return pd.DatetimeIndex(utc, name="information_time").as_unit("ns")


@lru_cache(maxsize=64)
def _information_ns(clock: SessionClock, dates_ns: bytes) -> np.ndarray:
    """UTC information times (int64 ns, read-only) of the naive dates ``dates_ns`` (the
    bytes of their int64 ns values), cached per clock and dates."""
    idx = pd.DatetimeIndex(np.frombuffer(dates_ns, dtype=np.int64).view("datetime64[ns]"))
    out = np.array(clock._information_times(idx).asi8, dtype=np.int64)
    out.flags.writeable = False
    return out


#: US exchange-traded series (Russell 2000, S&P 500, Nasdaq-100, IWM): the close at
#: 16:00 America/New_York (EST/EDT handled by the zone), 13:00 on the NYSE's half days
#: (from the ``exchange_calendars`` XNYS calendar); 252 sessions a year.
US_EQUITY_CLOSE = SessionClock(
    "us_equity_close",
    pd.Timedelta(hours=16),
    "America/New_York",
    252,
    description="US equity close, 16:00 New York (13:00 on NYSE half days)",
    calendar="XNYS",
    early_closes=True,
)
#: Daily crypto bars dated by their UTC day: the bar dated ``d`` closes at 24:00 UTC
#: (00:00 UTC of ``d + 1``); 365 bars a year.
CRYPTO_UTC = SessionClock(
    "utc_midnight",
    pd.Timedelta(hours=24),
    "UTC",
    365,
    description="24/7 market, daily bar closing 24:00 UTC",
)
#: FRED H.15 series (DGS10): the daily H.15 update is posted at 16:15 New York time on
#: the next business day (Federal Reserve H.15 release schedule). Business days skip
#: weekends, US federal holidays and NYSE closures (``"us_federal_reserve"``): the
#: 10-year yield of Friday 2024-01-12 is known on Tuesday 2024-01-16, after Martin
#: Luther King Jr. Day.
FRED_H15 = SessionClock(
    "fred_h15",
    pd.Timedelta(hours=16, minutes=15),
    "America/New_York",
    252,
    business_day_lag=1,
    description="FRED H.15 release, 16:15 New York next business day",
    calendar=US_FEDERAL_RESERVE,
)
#: Effective federal funds rate: published by the Federal Reserve Bank of New York at
#: about 09:00 New York time on the next business day (same business days as
#: :data:`FRED_H15`).
FRED_EFFR = SessionClock(
    "fred_effr",
    pd.Timedelta(hours=9),
    "America/New_York",
    252,
    business_day_lag=1,
    description="NY Fed EFFR, 09:00 New York next business day",
    calendar=US_FEDERAL_RESERVE,
)

_CLOCKS = {c.name: c for c in (US_EQUITY_CLOSE, CRYPTO_UTC, FRED_H15, FRED_EFFR)}


def get_clock(clock: SessionClock | str, name: str = "clock") -> SessionClock:
    """A :class:`~riskcycle.calendar.SessionClock` from an instance or a registered name."""
    if isinstance(clock, SessionClock):
        return clock
    if isinstance(clock, str):
        if clock in _CLOCKS:
            return _CLOCKS[clock]
        raise ValueError(
            f"`{name}` must be a SessionClock or one of {sorted(_CLOCKS)}; got {clock!r}."
        )
    raise TypeError(
        f"`{name}` must be a SessionClock or a clock name; got {type(clock).__name__}."
    )


def map_to_follower(
    leader_dates: EventsLike | pd.DataFrame,
    follower: DatesLike | pd.DataFrame,
    *,
    leader_clock: SessionClock | str | None = None,
    follower_clock: SessionClock | str | None = None,
    delay: DelayLike = NO_DELAY,
    strict: bool = False,
) -> pd.DataFrame:
    r"""Map leader dates onto the first follower bar observed after they were known.

    For each leader date :math:`d`, the leader's value is known at its information
    time :math:`\tau(d)` (its clock). The mapped follower bar is the first bar
    :math:`j` whose close time :math:`c_j` satisfies :math:`c_j \ge \tau(d) + \delta`
    (``delay``), or :math:`c_j > \tau(d) + \delta` with ``strict=True``. Nothing in
    the mapping depends on any price value, only on dates and clocks.

    The default (at or after) gives the bar at which the leader's value is known:
    day 0 of an event study. It is *not* a bar one can trade at when both series
    close at the same instant: the Russell 2000 and IWM both close at 16:00 New
    York, so the default maps a Russell close to the IWM close of the same
    minute, the very close that produced the signal. ``strict=True`` maps it to
    the next IWM close, the first price that could actually be traded once the
    leader's value was public; :func:`riskcycle.backtest` and
    :func:`riskcycle.sweep` use it for every fill. When the clocks differ the
    two agree (a 16:00 New York close known at 21:00 UTC maps to the BTC bar
    closing at 24:00 UTC either way).

    Parameters
    ----------
    leader_dates : DatetimeIndex, sequence of dates, Series/DataFrame or Events
        Dates of the leader's bars (e.g. breakout dates).
    follower : Series, DataFrame or DatetimeIndex
        The follower's bars (only the dates are used).
    leader_clock, follower_clock : SessionClock or str, optional
        When each series' values become known. Default: the clock recorded in
        ``attrs["clock"]`` by :func:`riskcycle.datasets.load`; user data must pass
        them (``"us_equity_close"``, ``"utc_midnight"``, ``"fred_h15"``,
        ``"fred_effr"`` or a :class:`~riskcycle.calendar.SessionClock`).
        ``leader_clock`` falls back to
        ``leader_dates.attrs`` and, for :class:`~riskcycle.Events`, to the clock
        they were detected with.
    delay : timedelta or str, default 0
        Extra waiting time after the information time (e.g. ``"1h"`` to leave
        room for execution, ``"1D"`` to trade a day later).
    strict : bool, default False
        If False, the first follower bar closing at or after the available time
        (the bar at which the value is known); if True, the first bar closing
        strictly after it (the first bar one could trade at).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``leader_date`` with columns ``information_time`` (UTC),
        ``available_time`` (information time plus delay), ``follower_date``,
        ``follower_close_time`` (UTC), ``position`` (integer position in the
        follower, -1 when there is none) and ``status``: ``"ok"``,
        ``"before_start"`` (known before the follower's first bar opened) or
        ``"after_end"`` (known after the follower's last close).

    Notes
    -----
    Timeline for the Russell 2000 (16:00 New York) leading BTC (daily bars closing
    24:00 UTC), ``delay=0``::

        Fri 2024-01-12 16:00 EST = 21:00 UTC  Russell close known
        Sat 2024-01-13 00:00 UTC              BTC bar dated 2024-01-12 closes  <- day 0

    So a Friday close maps to BTC's Friday bar (its close is three hours later);
    with ``delay="4h"`` it maps to the Saturday bar. In summer (EDT) the close is
    known at 20:00 UTC; the result is the same bar. The change is in the UTC time,
    which the clock computes from the wall clock, so a daylight-saving change on
    the day itself (2024-03-10 and 2024-11-03, both Sundays) moves nothing.

    A 24/7 leader onto an exchange-traded follower: BTC's bar of Saturday
    2024-01-13 is known at 00:00 UTC on Sunday; the first S&P 500 close after that
    is Tuesday 2024-01-16 16:00 New York, because Monday 2024-01-15 (Martin Luther
    King Jr. Day) is a US holiday and has no bar in the follower.

    Examples
    --------
    >>> import pandas as pd
    >>> from riskcycle.calendar import map_to_follower
    >>> btc = pd.date_range("2024-01-10", "2024-01-20", freq="D")
    >>> m = map_to_follower(["2024-01-12"], btc, leader_clock="us_equity_close",
    ...                     follower_clock="utc_midnight")
    >>> m["follower_date"].iloc[0].date()
    datetime.date(2024, 1, 12)
    >>> m = map_to_follower(["2024-01-12"], btc, leader_clock="us_equity_close",
    ...                     follower_clock="utc_midnight", delay="4h")
    >>> m["follower_date"].iloc[0].date()
    datetime.date(2024, 1, 13)

    Same clock (Russell 2000 onto IWM, both 16:00 New York):

    >>> iwm = pd.bdate_range("2024-01-08", "2024-01-19")
    >>> kw = dict(leader_clock="us_equity_close", follower_clock="us_equity_close")
    >>> map_to_follower(["2024-01-10"], iwm, **kw)["follower_date"].iloc[0].date()
    datetime.date(2024, 1, 10)
    >>> map_to_follower(["2024-01-10"], iwm, strict=True, **kw)["follower_date"].iloc[0].date()
    datetime.date(2024, 1, 11)
    """
    lead_idx = as_event_dates(leader_dates, "leader_dates")
    fol_idx = as_event_dates(follower, "follower")
    if leader_clock is None and getattr(leader_dates, "clock", None) is not None:
        leader_clock = leader_dates.clock
    lclock = clock_of(leader_dates, leader_clock, "leader_clock")
    fclock = clock_of(follower, follower_clock, "follower_clock")
    delay = check_timedelta(delay, "delay")
    strict = check_bool(strict, "strict")
    if len(fol_idx) == 0:
        raise ValueError("`follower` must have at least one bar.")
    if len(fol_idx) > 1 and (np.diff(fol_idx.asi8) <= 0).any():
        raise ValueError("`follower` dates must be sorted ascending and unique.")
    info = lclock.information_times(lead_idx)
    avail = info + delay
    close = fclock.information_times(fol_idx)
    # before_start: the follower's first bar had not yet opened when the value was known,
    # i.e. the follower may have traded earlier, outside the data.
    pos, status = day0_positions(info.asi8, close.asi8, delay.value, strict=strict)
    n = len(fol_idx)
    valid = status == "ok"
    position = np.where(valid, pos, -1).astype(np.int64)
    safe = np.clip(pos, 0, n - 1)
    nat = pd.NaT
    out = pd.DataFrame(
        {
            "information_time": info,
            "available_time": avail,
            "follower_date": fol_idx[safe].where(valid, nat),
            "follower_close_time": close[safe].where(valid, nat),
            "position": position,
            "status": status.astype(str),
        },
        index=pd.DatetimeIndex(lead_idx, name="leader_date"),
    )
    return out


# ---------------------------------------------------------------------------
# Halving cycle and supply
# ---------------------------------------------------------------------------
def _day_close_utc(dates: Any, name: str) -> pd.DatetimeIndex:
    idx = as_event_dates(dates, name)
    return CRYPTO_UTC.information_times(idx)


def halving_phase(dates: DatesLike) -> pd.DataFrame:
    r"""Position of each date in Bitcoin's halving cycle.

    A date is taken as its UTC day's close (24:00 UTC), so the bar of 2024-04-19
    still belongs to the third cycle (the halving block came at 00:09 UTC on
    2024-04-20) and the bar of 2024-04-20 is 0.99 days into the fourth.

    Parameters
    ----------
    dates : DatetimeIndex, sequence of dates, Series or DataFrame

    Returns
    -------
    pandas.DataFrame
        Indexed by date, with columns ``epoch`` (0 before the first halving,
        then 1..4), ``halving_date`` (UTC timestamp of the halving that started
        the epoch; the genesis block for epoch 0), ``days_since_halving`` (float),
        ``cycle_length_days`` and ``cycle_fraction`` (days since / cycle length,
        in [0, 1) within a completed cycle).

    Notes
    -----
    The length of the current, unfinished cycle is not known; it is projected as
    the mean length of the completed cycles between halvings 1 and 4
    (:math:`(t_4 - t_1)/3 \approx 1{,}387` days; see the ``cycle_length_days``
    column), so ``cycle_fraction`` after the last halving is an estimate and can
    exceed 1 if the next halving comes late. Epoch 0 runs from the genesis block.

    Examples
    --------
    >>> from riskcycle.calendar import halving_phase
    >>> halving_phase(["2024-04-19", "2024-04-20"])["epoch"].tolist()
    [3, 4]
    """
    return halving_phase_of(dates, "dates")


def _height_at(t_ns: np.ndarray) -> np.ndarray:
    times, heights = halving_anchors()
    h = np.interp(t_ns.astype(float), times.astype(float), heights)
    after = t_ns > times[-1]
    h[after] = heights[-1] + (t_ns[after] - times[-1]) / 86_400e9 * _BLOCKS_PER_DAY
    return h


def _supply_at_height(h: np.ndarray) -> np.ndarray:
    era = np.floor(h / _HALVING_INTERVAL)
    full = _INITIAL_SUBSIDY * _HALVING_INTERVAL * 2.0 * (1.0 - 0.5**era)
    return full + (h - era * _HALVING_INTERVAL) * _INITIAL_SUBSIDY * 0.5**era


def btc_supply(dates: DatesLike) -> pd.DataFrame:
    r"""Approximate BTC supply and annualised issuance rate at each date.

    Parameters
    ----------
    dates : DatetimeIndex, sequence of dates, Series or DataFrame
        Dates on or after the genesis block; each is taken at its UTC day's close.

    Returns
    -------
    pandas.DataFrame
        Indexed by date with columns ``block_height`` (estimated), ``supply``
        (BTC), ``subsidy`` (BTC per block), ``blocks_per_day`` and
        ``issuance_rate`` (annualised new supply as a fraction of supply,
        :math:`365 \cdot b \cdot s / S`).

    Notes
    -----
    The issuance rule is the protocol's: the subsidy is 50 BTC per block, halved
    every 210,000 blocks, so the supply after :math:`h` blocks is
    :math:`\sum_i 50 \cdot 2^{-i} \cdot n_i` with :math:`n_i` the blocks mined in
    era :math:`i`; the cap is 21 million. Block heights are interpolated linearly in
    time between the anchors (genesis and the four halving blocks, whose heights and
    timestamps are exact), which uses each era's actual average block rate; after
    the last halving they are extrapolated at the target rate of 144 blocks a day
    (one per 10 minutes). Between anchors the interpolated height ignores hash-rate
    swings: the error is largest in the first era (2009-2012, when the block rate
    was far from uniform, up to about 20% of supply in 2010) and small from the
    second era on, where each era's rate stayed close to its average. Unspendable outputs
    (genesis reward) and lost coins are not subtracted.

    Validated against the published figures: just before the April 2024 halving
    issuance was about 1.7% a year, just after about 0.85%, with about 94% of the
    21 million cap mined (19.6875 million at block 840,000).

    Examples
    --------
    >>> from riskcycle.calendar import btc_supply
    >>> s = btc_supply(["2024-04-18", "2024-04-21"])
    >>> s["issuance_rate"].round(4).tolist()
    [0.0169, 0.0083]
    """
    close = _day_close_utc(dates, "dates")
    t = close.asi8
    if (t < GENESIS.value).any():
        raise ValueError("`dates` must not be before the genesis block (2009-01-03).")
    h = _height_at(t)
    times, heights = halving_anchors()
    seg = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 1)
    rates = np.append(np.diff(heights) / (np.diff(times) / 86_400e9), _BLOCKS_PER_DAY)
    subsidy = _INITIAL_SUBSIDY * 0.5 ** np.floor(h / _HALVING_INTERVAL)
    supply = _supply_at_height(h)
    bpd = rates[seg]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(supply > 0, 365.0 * bpd * subsidy / supply, np.nan)
    return pd.DataFrame(
        {
            "block_height": h,
            "supply": supply,
            "subsidy": subsidy,
            "blocks_per_day": bpd,
            "issuance_rate": rate,
        },
        index=pd.DatetimeIndex(as_event_dates(dates, "dates"), name="date"),
    )
