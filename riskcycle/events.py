"""Breakout events in a leader series.

:func:`breakouts` turns a leader's daily prices into dated, declustered events
with a precise, reproducible definition; :class:`Events` carries them with their
information times so that later stages (event study, inference, backtest) can
map them onto a follower without look-ahead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._clocks import clock_of
from ._results import ResultMixin, Summary, package_versions
from ._typing import AxesLike, DateLike, DatesLike, PricesLike
from ._validation import (
    as_event_dates,
    as_price_frame,
    check_bool,
    check_choice,
    check_float,
    check_size,
    check_timestamp,
)
from .calendar import SessionClock, get_clock

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["Event", "Events", "breakouts"]

METHODS = ("record", "rolling")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One breakout: its date, information time, level and the record it broke."""

    date: pd.Timestamp
    information_time: pd.Timestamp
    level: float
    prior_record: float
    prior_record_date: pd.Timestamp
    sessions_since_record: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Events(ResultMixin):
    """A list-like, immutable set of leader events.

    Attributes
    ----------
    dates : pandas.DatetimeIndex
        Event dates (the leader bars on which the events happened), ascending.
    information_times : pandas.DatetimeIndex
        UTC times at which each event became known (the leader's clock).
    levels : numpy.ndarray
        The leader's close (or high, for the intraday variant) on the event date.
    prior_records : numpy.ndarray
        The level that was broken (all-time or rolling-window high before the event).
    prior_record_dates : pandas.DatetimeIndex
        When that level was set.
    sessions_since_record : numpy.ndarray
        Leader sessions between the prior record and the event.
    clock : SessionClock
        The leader's clock.
    settings : dict
        The detection settings (method, min_gap, window, margin, ...).
    leader_name : str
        Name of the leader series.
    data_start, data_end : pandas.Timestamp
        First and last leader dates the detection saw.
    """

    dates: pd.DatetimeIndex
    information_times: pd.DatetimeIndex
    levels: np.ndarray
    prior_records: np.ndarray
    prior_record_dates: pd.DatetimeIndex
    sessions_since_record: np.ndarray
    clock: SessionClock
    settings: dict = field(default_factory=dict)
    leader_name: str = "leader"
    data_start: pd.Timestamp | None = None
    data_end: pd.Timestamp | None = None
    versions: dict = field(default_factory=package_versions)

    # list-like behaviour -------------------------------------------------------
    def __len__(self) -> int:
        return len(self.dates)

    def __iter__(self) -> Iterator[Event]:
        return (self._event(i) for i in range(len(self)))

    def __getitem__(self, item: int | slice | Any) -> Event | Events:
        if isinstance(item, int | np.integer):
            n = len(self)
            if not -n <= item < n:
                raise IndexError(f"event index {item} out of range for {n} events.")
            return self._event(int(item) % n)
        return self._subset(np.arange(len(self))[item])

    def _event(self, i: int) -> Event:
        return Event(
            date=self.dates[i],
            information_time=self.information_times[i],
            level=float(self.levels[i]),
            prior_record=float(self.prior_records[i]),
            prior_record_date=self.prior_record_dates[i],
            sessions_since_record=int(self.sessions_since_record[i]),
        )

    def _subset(self, pos: np.ndarray) -> Events:
        pos = np.asarray(pos, dtype=np.int64)
        return replace(
            self,
            dates=self.dates[pos],
            information_times=self.information_times[pos],
            levels=self.levels[pos],
            prior_records=self.prior_records[pos],
            prior_record_dates=self.prior_record_dates[pos],
            sessions_since_record=self.sessions_since_record[pos],
        )

    def between(self, start: DateLike | None = None, end: DateLike | None = None) -> Events:
        """The events dated in ``[start, end]`` (either bound optional)."""
        start = check_timestamp(start, "start", allow_none=True)
        end = check_timestamp(end, "end", allow_none=True)
        mask = np.ones(len(self), dtype=bool)
        if start is not None:
            mask &= self.dates >= start
        if end is not None:
            mask &= self.dates <= end
        return self._subset(np.flatnonzero(mask))

    def __repr__(self) -> str:
        shown = ", ".join(d.strftime("%Y-%m-%d") for d in self.dates[:6])
        more = ", ..." if len(self) > 6 else ""
        method = self.settings.get("method")
        return f"Events({self.leader_name}, n={len(self)}, method={method!r}: [{shown}{more}])"

    # views -----------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per event: ``event_date`` and its attributes (never rounded)."""
        return pd.DataFrame(
            {
                "event_date": self.dates,
                "information_time": self.information_times,
                "level": self.levels.astype(float),
                "prior_record": self.prior_records.astype(float),
                "prior_record_date": self.prior_record_dates,
                "sessions_since_record": self.sessions_since_record.astype(np.int64),
                "margin_over_record": self.levels / self.prior_records - 1.0,
            }
        )

    def _summary(self) -> Summary:
        df = self.to_frame().set_index("event_date")
        df = df.drop(columns=["information_time"])
        s = self.settings
        desc = ", ".join(f"{k}={v!r}" for k, v in s.items())
        notes = [f"Definition: {describe(self)}", f"Settings: {desc}"]
        if self.data_start is not None:
            notes.append(f"Leader data: {self.data_start.date()} to {self.data_end.date()}.")
        return Summary(
            title=f"Breakout events of {self.leader_name} ({len(self)})",
            tables=(("", df),),
            notes=tuple(notes),
        )

    def plot(
        self, prices: PricesLike | None = None, *, ax: AxesLike = None, log: bool = True
    ) -> Figure:
        """Plot the leader with the events marked.

        Parameters
        ----------
        prices : Series or DataFrame, optional
            The leader's prices (closes are drawn). Without them only the event
            levels and broken records are drawn.
        ax : matplotlib Axes, optional
        log : bool, default True
            Logarithmic price axis.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4))
        if prices is not None:
            close = prices["close"] if isinstance(prices, pd.DataFrame) else prices
            ax.plot(close.index, close.to_numpy(), lw=0.8, color="0.3", label=self.leader_name)
        ax.scatter(self.dates, self.levels, color="C3", zorder=3, s=25, label="breakout")
        for d, rec, rdate in zip(
            self.dates, self.prior_records, self.prior_record_dates, strict=True
        ):
            ax.hlines(rec, rdate, d, color="C3", lw=0.8, ls=":")
            ax.annotate(
                d.strftime("%Y-%m-%d"),
                (d, rec),
                xytext=(3, 6),
                textcoords="offset points",
                fontsize=7,
                rotation=90,
                va="bottom",
            )
        if log:
            ax.set_yscale("log")
        ax.set_title(f"{self.leader_name}: {describe(self)}", fontsize=9)
        ax.legend(loc="upper left", fontsize=8)
        return ax.figure

    # constructors ------------------------------------------------------------------
    @classmethod
    def from_dates(
        cls,
        dates: DatesLike,
        *,
        clock: SessionClock | str,
        prices: PricesLike | None = None,
        leader_name: str = "leader",
    ) -> Events:
        """Events at given dates (e.g. a list from the literature).

        Parameters
        ----------
        dates : sequence of dates
            Must be sorted and unique.
        clock : SessionClock or str
            The clock of the series the dates belong to.
        prices : Series or DataFrame, optional
            When given, the dates must be in its index; ``levels`` are its closes
            there and ``prior_records`` the running maximum before them.
        """
        idx = as_event_dates(dates, "dates").normalize()
        if len(idx) > 1 and (np.diff(idx.asi8) <= 0).any():
            raise ValueError("`dates` must be sorted ascending and unique.")
        clk = get_clock(clock, "clock")
        n = len(idx)
        levels = np.full(n, np.nan)
        records = np.full(n, np.nan)
        rec_dates = pd.DatetimeIndex([pd.NaT] * n)
        since = np.full(n, -1, dtype=np.int64)
        start = end = None
        if prices is not None:
            frame = as_price_frame(prices, name="prices", timezone=clk.timezone)
            close = frame["close"]
            missing = idx.difference(close.index)
            if len(missing):
                raise ValueError(
                    f"`dates` must be in the index of `prices`; {missing[0].date()} is not."
                )
            pos = close.index.get_indexer(idx)
            x = close.to_numpy()
            prev_max = np.concatenate([[np.nan], np.maximum.accumulate(x)[:-1]])
            levels = x[pos]
            records = prev_max[pos]
            rec_pos = np.array([int(np.argmax(x[:p])) if p > 0 else -1 for p in pos])
            rec_dates = pd.DatetimeIndex([close.index[r] if r >= 0 else pd.NaT for r in rec_pos])
            since = np.where(rec_pos >= 0, pos - rec_pos, -1)
            start, end = close.index[0], close.index[-1]
        return cls(
            dates=pd.DatetimeIndex(idx, name="event_date"),
            information_times=clk.information_times(idx),
            levels=levels,
            prior_records=records,
            prior_record_dates=rec_dates,
            sessions_since_record=since,
            clock=clk,
            settings={"method": "given"},
            leader_name=leader_name,
            data_start=start,
            data_end=end,
        )


def describe(events: Events) -> str:
    """A one-sentence definition of how ``events`` were detected."""
    s = events.settings
    m = s.get("method")
    margin = s.get("margin", 0.0)
    field_ = "high" if s.get("use_high") else "close"
    marg = f" by more than {100 * margin:g}%" if margin else ""
    if m == "record":
        return (
            f"first {field_} above the prior all-time {field_} high{marg} after at least "
            f"{s['min_gap']} sessions without a new high"
        )
    if m == "rolling":
        return (
            f"{field_} above the highest {field_} of the previous {s['window']} sessions{marg}, "
            f"at least {s['min_spacing']} sessions after the previous event"
        )
    return "events at given dates"


def _breakouts_iv(prices, method, min_gap, window, margin, use_high, min_spacing, clock):
    method = check_choice(method, "method", METHODS)
    margin = check_float(margin, "margin", minimum=0.0, what="a non-negative fraction")
    use_high = check_bool(use_high, "use_high")
    if method == "record":
        min_gap = check_size(min_gap, "min_gap", what="a positive integer number of sessions")
        if window is not None:
            raise ValueError("`window` applies to method='rolling' only; got method='record'.")
        if min_spacing is not None:
            raise ValueError(
                "`min_spacing` applies to method='rolling' only (method='record' is declustered "
                "by `min_gap`); got method='record'."
            )
    else:
        if window is None:
            raise ValueError("`window` is required for method='rolling' (e.g. window=200).")
        window = check_size(window, "window", minimum=2, what="an integer number of sessions")
        min_spacing = (
            window
            if min_spacing is None
            else check_size(
                min_spacing, "min_spacing", what="a positive integer number of sessions"
            )
        )
    clk = clock_of(prices, clock, "clock")
    frame = as_price_frame(prices, name="prices", timezone=clk.timezone, min_length=2)
    if use_high and "high" not in frame.columns:
        raise ValueError("`use_high=True` needs a 'high' column in `prices`.")
    return frame, method, min_gap, window, margin, use_high, min_spacing, clk


def _record_events(x: np.ndarray, min_gap: int, margin: float) -> list[tuple[int, int, float]]:
    """(event position, prior-record position, prior-record level) for the 'record' rule."""
    out = []
    record, rec_pos = x[0], 0
    armed, ref, ref_pos = False, np.nan, -1
    for t in range(1, len(x)):
        xt = x[t]
        if xt > record:
            if not armed and t - rec_pos >= min_gap:
                armed, ref, ref_pos = True, record, rec_pos
            record, rec_pos = xt, t
        if armed and xt > ref * (1.0 + margin):
            out.append((t, ref_pos, ref))
            armed = False
    return out


def _rolling_events(x: np.ndarray, window: int, margin: float, min_spacing: int):
    n = len(x)
    if n <= window:
        return []
    # highest value of the previous `window` sessions, for t >= window
    view = np.lib.stride_tricks.sliding_window_view(x[:-1], window)  # rows: x[t-window:t]
    prev_max = view.max(axis=1)
    argm = view.argmax(axis=1)
    t_idx = np.arange(window, n)
    hit = x[window:] > prev_max * (1.0 + margin)
    out = []
    last = -(10**12)
    for j in np.flatnonzero(hit):
        t = int(t_idx[j])
        if t - last >= min_spacing:
            out.append((t, t - window + int(argm[j]), float(prev_max[j])))
            last = t
    return out


def breakouts(
    prices: PricesLike,
    *,
    method: str = "record",
    min_gap: int = 250,
    window: int | None = None,
    margin: float = 0.0,
    use_high: bool = False,
    min_spacing: int | None = None,
    clock: SessionClock | str | None = None,
) -> Events:
    r"""Find breakout events in a leader's daily prices.

    Parameters
    ----------
    prices : Series or DataFrame
        The leader's daily closes (a DataFrame needs ``close``; ``high`` for
        ``use_high=True``). Validated like every price input (sorted unique dates,
        finite positive values); never modified.
    method : {"record", "rolling"}, default "record"
        ``"record"``: a new all-time high after a drought (below). ``"rolling"``:
        the trading-range breakout of Brock, Lakonishok & LeBaron (1992), a close
        above the highest close of the previous ``window`` sessions.
    min_gap : int, default 250
        ``"record"`` only: the prior record must be at least this many sessions
        old (about one year of US sessions for 250).
    window : int, optional
        ``"rolling"`` only (required): length of the look-back window.
    margin : float, default 0
        Required excess over the broken level, as a fraction (0.01 = 1%; BLL's
        "band" variant).
    use_high : bool, default False
        Use daily highs instead of closes (intraday breakouts). An intraday high
        is only known for certain at the close, so the information time is still
        the close.
    min_spacing : int, optional
        ``"rolling"`` only: minimum number of sessions between events (declustering;
        default ``window``).
    clock : SessionClock or str, optional
        When the leader's values become known (default: ``prices.attrs["clock"]``,
        set by :func:`riskcycle.datasets.load`).

    Returns
    -------
    Events
        Dates, information times, levels, the broken record, its date and the
        sessions since, with the settings.

    Notes
    -----
    Let :math:`x_t` be the close (or high) on session :math:`t`,
    :math:`R_t = \max_{s<t} x_s` the prior record and :math:`r_t` the session
    on which it was set. With ``method="record"`` and ``margin=0`` session
    :math:`t` is an event when

    .. math:: x_t > R_t \quad\text{and}\quad t - r_t \ge \text{min\_gap},

    i.e. the first new all-time high after at least ``min_gap`` sessions without
    one. The next event needs a new drought, so events are declustered by
    construction. With ``margin`` :math:`m > 0` the first close above
    :math:`R_t` after the drought *arms* a breakout against the old record
    :math:`R^\ast`; the event is the first session with
    :math:`x_t > (1 + m) R^\ast` (later closes keep raising the running record,
    so the next drought counts from them).

    With ``method="rolling"`` session :math:`t \ge N` is a candidate when
    :math:`x_t > (1 + m) \max_{t-N \le s < t} x_s`; a candidate becomes an event
    when it comes at least ``min_spacing`` sessions after the previous event.

    Each decision at :math:`t` uses only :math:`x_0, \dots, x_t`: changing any
    later value never changes an earlier event (a property the test suite checks).

    The closing and intraday variants differ on the Russell 2000 in November
    2024: on 2024-11-25 the index traded at 2,466.49, above its intraday record,
    but closed at 2,442.03, below the closing record of 2,442.74 (2021-11-08); the
    closing rule waits until 2025-09-18 (2,467.70).

    References
    ----------
    Brock, W., Lakonishok, J. & LeBaron, B. (1992). Simple technical trading rules
    and the stochastic properties of stock returns. *Journal of Finance* 47(5),
    1731-1764. doi:10.1111/j.1540-6261.1992.tb04681.x

    Examples
    --------
    >>> import riskcycle
    >>> rut = riskcycle.datasets.load("rut")
    >>> ev = riskcycle.breakouts(rut, min_gap=250)
    >>> [d.strftime("%Y-%m-%d") for d in ev.dates[-3:]]
    ['2016-11-14', '2020-11-13', '2025-09-18']
    """
    frame, method, min_gap, window, margin, use_high, min_spacing, clk = _breakouts_iv(
        prices, method, min_gap, window, margin, use_high, min_spacing, clock
    )
    x = frame["high" if use_high else "close"].to_numpy(dtype=float)
    if use_high and np.isnan(x).any():
        bad = frame.index[np.isnan(x)][0]
        raise ValueError(f"`prices` has a NaN high on {bad.date()}.")
    if method == "record":
        found = _record_events(x, min_gap, margin)
        settings = {"method": method, "min_gap": min_gap, "margin": margin, "use_high": use_high}
    else:
        found = _rolling_events(x, window, margin, min_spacing)
        settings = {
            "method": method,
            "window": window,
            "margin": margin,
            "use_high": use_high,
            "min_spacing": min_spacing,
        }
    pos = np.array([f[0] for f in found], dtype=np.int64)
    rpos = np.array([f[1] for f in found], dtype=np.int64)
    idx = frame.index
    dates = pd.DatetimeIndex(idx[pos], name="event_date")
    name = (getattr(prices, "attrs", {}) or {}).get("name", "leader")
    return Events(
        dates=dates,
        information_times=clk.information_times(dates),
        levels=x[pos],
        prior_records=np.array([f[2] for f in found], dtype=float),
        prior_record_dates=pd.DatetimeIndex(idx[rpos], name="prior_record_date"),
        sessions_since_record=pos - rpos,
        clock=clk,
        settings=settings,
        leader_name=str(name),
        data_start=idx[0],
        data_end=idx[-1],
    )
