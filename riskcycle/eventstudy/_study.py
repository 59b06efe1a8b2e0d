"""The :func:`event_study` entry point."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from .._clocks import clock_of
from .._results import package_versions
from .._sample import (
    NO_DELAY,
    before_after_messages,
    event_dates,
    event_day0_positions,
    horizon_end_positions,
    incomplete_windows_message,
)
from .._typing import DelayLike, EventsLike, PricesLike
from .._validation import (
    MAX_DAYS,
    as_price_frame,
    check_alternative,
    check_choice,
    check_confidence_level,
    check_horizon,
    check_horizons,
    check_int,
    check_size,
    check_timedelta,
)
from ..calendar import SessionClock
from ..exceptions import (
    DegenerateDataWarning,
    EventsExcludedWarning,
    IncompleteWindowWarning,
    OverlappingWindowsWarning,
    SmallSampleWarning,
)
from . import _tests
from ._core import (
    MODELS,
    align_benchmark,
    estimation_bounds,
    event_time_paths,
    fit_model,
    window_path_stats,
)
from ._result import EventStudyResult

__all__ = ["event_study"]

RETURN_TYPES = ("log", "simple")


def _fmt(dates: Any) -> str:
    return ", ".join(pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates)


def _check_horizons(horizons: Any) -> tuple[int, ...]:
    return tuple(sorted(check_horizons(horizons, "horizons")))


def _check_path_window(path_window: Any, horizons: tuple[int, ...]) -> tuple[int, int]:
    if path_window is None:
        return (-90, max(horizons))
    if (
        isinstance(path_window, str)
        or not isinstance(path_window, Sequence)
        or len(path_window) != 2
    ):
        raise TypeError(
            "`path_window` must be a pair (first, last) of calendar-day offsets; "
            f"got {path_window!r}."
        )
    lo = check_int(
        path_window[0],
        "path_window",
        minimum=-MAX_DAYS,
        maximum=0,
        what="a pair of integer day offsets (first <= 0 <= last); first",
    )
    hi = check_int(
        path_window[1],
        "path_window",
        minimum=0,
        maximum=MAX_DAYS,
        what="a pair of integer day offsets (first <= 0 <= last); last",
    )
    return (lo, hi)


@dataclass(frozen=True, slots=True)
class EventStudyOptions:
    """The validated options of one :func:`event_study` call (its ``settings``)."""

    horizons: tuple[int, ...]
    model: str
    estimation_window: int
    gap: int
    min_estimation_obs: int
    return_type: str
    path_window: tuple[int, int]
    delay: pd.Timedelta
    leader_clock: SessionClock
    follower_clock: SessionClock
    benchmark_clock: SessionClock | None
    alternative: str
    confidence_level: float
    nan_policy: str

    def settings(self) -> dict[str, Any]:
        """The result's ``settings``: the options, clocks by name."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in ("leader_clock", "follower_clock", "benchmark_clock"):
            out[key] = None if out[key] is None else out[key].name
        return out


@dataclass(frozen=True, slots=True)
class _StudyInput:
    """Validated data of one call: follower closes, event dates, benchmark closes."""

    frame: pd.DataFrame
    dates: pd.DatetimeIndex
    benchmark: pd.DataFrame | None
    options: EventStudyOptions


def _benchmark_iv(benchmark, benchmark_clock, model, frame, nan_policy):
    if model not in ("market_adjusted", "market_model"):
        if benchmark is not None:
            raise ValueError(
                f"`benchmark` is used only by model='market_adjusted' or "
                f"'market_model'; got model={model!r}."
            )
        return None, None
    if benchmark is None:
        raise ValueError(
            f"`benchmark` is required for model={model!r} (e.g. the S&P 500 "
            "closes: riskcycle.datasets.load('spx'))."
        )
    bclock = clock_of(benchmark, benchmark_clock, "benchmark_clock")
    bench = as_price_frame(
        benchmark, name="benchmark", nan_policy=nan_policy, timezone=bclock.timezone
    )
    if bench.index[0] > frame.index[-1] or bench.index[-1] < frame.index[0]:
        raise ValueError(
            f"`benchmark` does not overlap the follower: benchmark "
            f"{bench.index[0].date()} to {bench.index[-1].date()}, follower "
            f"{frame.index[0].date()} to {frame.index[-1].date()}."
        )
    return bench, bclock


def _event_study_iv(
    follower,
    events,
    horizons,
    model,
    benchmark,
    estimation_window,
    gap,
    min_estimation_obs,
    return_type,
    path_window,
    delay,
    leader_clock,
    follower_clock,
    benchmark_clock,
    alternative,
    confidence_level,
    nan_policy,
) -> _StudyInput:
    horizons = _check_horizons(horizons)
    model = check_choice(model, "model", MODELS)
    return_type = check_choice(return_type, "return_type", RETURN_TYPES)
    estimation_window = check_size(
        estimation_window, "estimation_window", what="a positive integer number of calendar days"
    )
    gap = check_size(gap, "gap", minimum=0, what="a non-negative integer number of calendar days")
    min_estimation_obs = check_size(
        min_estimation_obs, "min_estimation_obs", minimum=5, what="an integer number of returns"
    )
    path_window = _check_path_window(path_window, horizons)
    delay = check_timedelta(delay, "delay")
    alternative = check_alternative(alternative)
    confidence_level = check_confidence_level(confidence_level)
    fclock = clock_of(follower, follower_clock, "follower_clock")
    frame = as_price_frame(
        follower, name="follower", nan_policy=nan_policy, timezone=fclock.timezone
    )
    # a horizon longer than the follower's data has no complete window anywhere
    check_horizon(max(horizons), "horizons", index=frame.index)
    dates = event_dates(events)
    if len(dates) == 0:
        raise ValueError("`events` is empty: there is nothing to study.")
    if leader_clock is None and getattr(events, "clock", None) is not None:
        leader_clock = events.clock
    lclock = clock_of(events, leader_clock, "leader_clock")
    bench, bclock = _benchmark_iv(benchmark, benchmark_clock, model, frame, nan_policy)
    options = EventStudyOptions(
        horizons=horizons,
        model=model,
        estimation_window=estimation_window,
        gap=gap,
        min_estimation_obs=min_estimation_obs,
        return_type=return_type,
        path_window=path_window,
        delay=delay,
        leader_clock=lclock,
        follower_clock=fclock,
        benchmark_clock=bclock,
        alternative=alternative,
        confidence_level=confidence_level,
        nan_policy=nan_policy,
    )
    return _StudyInput(frame=frame, dates=dates, benchmark=bench, options=options)


# ---------------------------------------------------------------------------
# the steps of event_study
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Sample:
    """The follower's bars and the events with a day-0 bar in them."""

    index: pd.DatetimeIndex
    close: np.ndarray
    log_close: np.ndarray
    mapped: pd.DataFrame  # event_day0_positions of every event
    dates: pd.DatetimeIndex  # events with a day-0 bar
    day0: np.ndarray

    @property
    def n(self) -> int:
        return len(self.day0)


def _event_sample(inp: _StudyInput, pending: list) -> _Sample:
    """Day-0 bars of the events; the ones outside the follower's data are named."""
    opt = inp.options
    idx = inp.frame.index
    close = inp.frame["close"].to_numpy(dtype=float)
    mapped = event_day0_positions(
        idx,
        inp.dates,
        delay=opt.delay,
        leader_clock=opt.leader_clock,
        follower_clock=opt.follower_clock,
    )
    status = mapped["status"].to_numpy()
    pending += [
        (EventsExcludedWarning, msg) for msg in before_after_messages(inp.dates, status, idx)
    ]
    keep = status == "ok"
    if not keep.any():
        raise ValueError(
            f"`events`: no event falls inside the follower's data ({idx[0].date()} to "
            f"{idx[-1].date()}); events run {inp.dates[0].date()} to {inp.dates[-1].date()}."
        )
    return _Sample(
        index=idx,
        close=close,
        log_close=np.log(close),
        mapped=mapped,
        dates=inp.dates[keep],
        day0=mapped["position"].to_numpy()[keep],
    )


def _daily_returns(inp: _StudyInput, s: _Sample) -> tuple[np.ndarray, np.ndarray | None]:
    """Daily follower returns and benchmark returns on the follower's calendar (column)."""
    opt = inp.options
    if opt.return_type == "log":
        r = np.concatenate([[np.nan], np.diff(s.log_close)])
    else:
        r = np.concatenate([[np.nan], s.close[1:] / s.close[:-1] - 1.0])
    if inp.benchmark is None:
        return r, None
    b = align_benchmark(
        inp.benchmark["close"],
        s.index,
        benchmark_clock=opt.benchmark_clock,
        follower_clock=opt.follower_clock,
    )
    if not np.isfinite(b).any():
        raise ValueError(
            "`benchmark` does not overlap the follower: no follower bar has a "
            "benchmark close known at its close time."
        )
    m = (
        np.concatenate([[np.nan], np.diff(np.log(b))])
        if opt.return_type == "log"
        else np.concatenate([[np.nan], b[1:] / b[:-1] - 1.0])
    )
    return r, m[:, None]


@dataclass(frozen=True, slots=True)
class _Fits:
    """Each event's normal-return model, fitted on its estimation window."""

    models: list
    n_est: np.ndarray
    short: np.ndarray  # fewer estimation returns than min_estimation_obs
    sigma: np.ndarray


def _window_ends(s: _Sample, horizons: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """End bars and completeness, shape (horizons, events)."""
    ends = np.empty((len(horizons), s.n), dtype=np.int64)
    complete = np.empty((len(horizons), s.n), dtype=bool)
    for k, h in enumerate(horizons):
        ends[k], complete[k] = horizon_end_positions(s.index, s.day0, h)
    return ends, complete


def _fit_models(opt, s: _Sample, r, m, ends, pending: list) -> _Fits:
    est_lo, est_hi = estimation_bounds(
        s.index, s.day0, window_days=opt.estimation_window, gap_days=opt.gap
    )
    t_max = ends.max(axis=0) - s.day0
    fits = [
        fit_model(
            r[:, None],
            m,
            model=opt.model,
            day0=int(s.day0[i]),
            est_lo=int(est_lo[i]),
            est_hi=int(est_hi[i]),
            t_max=int(t_max[i]),
        )
        for i in range(s.n)
    ]
    n_est = np.array([f.n_est for f in fits])
    short = n_est < opt.min_estimation_obs
    if short.any():
        pending.append(
            (
                SmallSampleWarning,
                f"fewer than min_estimation_obs={opt.min_estimation_obs} estimation returns "
                f"for {_fmt(s.dates[short])} ({', '.join(map(str, n_est[short]))}); their "
                "model-based columns are NaN.",
            )
        )
    sigma = np.array([f.sigma[0] for f in fits])
    flat = ~short & ~(sigma > 0)
    if flat.any():
        pending.append(
            (
                DegenerateDataWarning,
                "zero residual variance in the estimation window of "
                f"{_fmt(s.dates[flat])}; standardised columns are NaN.",
            )
        )
    return _Fits(models=fits, n_est=n_est, short=short, sigma=sigma)


def _overlapping(day0: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each window shares bars with another event's window."""
    overl = np.zeros(len(day0), dtype=bool)
    if len(day0) > 1:
        shared = (
            np.minimum(end[:, None], end[None, :]) - np.maximum(day0[:, None], day0[None, :])
        ) > 0
        np.fill_diagonal(shared, False)
        overl = shared.any(axis=1)
    return overl


def _cars(model: str, fits: _Fits, t_len: np.ndarray, complete: np.ndarray):
    """CAR, its standard error and the standardised CAR of each event at one horizon."""
    n_ev = len(t_len)
    car = np.full(n_ev, np.nan)
    car_se = np.full(n_ev, np.nan)
    for i, f in enumerate(fits.models):
        if fits.short[i] and model != "raw":
            continue
        car[i] = f.event_ar[: t_len[i]].sum(axis=0)[0]
        if not fits.short[i]:
            car_se[i] = np.sqrt(f.car_variance(int(t_len[i]))[0])
    car[~complete] = np.nan
    car_se[~complete] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        scar = np.where(car_se > 0, car / car_se, np.nan)
    return car, car_se, scar


def _window_rows(s: _Sample, h, end, complete, overl, car, car_se, scar, n_est) -> list[dict]:
    """One row per event of the windows table at horizon ``h``."""
    idx, close, log_close, day0 = s.index, s.close, s.log_close, s.day0
    rows = []
    for i in range(s.n):
        dd, ru, peak, ipk = window_path_stats(close, int(day0[i]), int(end[i]))
        lr = log_close[end[i]] - log_close[day0[i]]
        ok = bool(complete[i])
        rows.append(
            {
                "event_date": s.dates[i],
                "day0_date": idx[day0[i]],
                "horizon": h,
                "end_date": idx[end[i]],
                "n_bars": int(end[i] - day0[i]),
                "complete": ok,
                "overlapping": bool(overl[i]),
                "return": close[end[i]] / close[day0[i]] - 1.0 if ok else np.nan,
                "log_return": lr if ok else np.nan,
                "return_to_date": close[end[i]] / close[day0[i]] - 1.0,
                "log_return_to_date": lr,
                "max_drawdown": dd,
                "max_runup": ru,
                "peak_return": peak,
                "days_to_peak": int((idx[day0[i] + ipk] - idx[day0[i]]).days),
                "car": car[i],
                "car_se": car_se[i],
                "scar": scar[i],
                "estimation_obs": int(n_est[i]),
            }
        )
    return rows


def _horizon_tables(inp, s: _Sample, fits: _Fits, ends, complete, pending: list):
    """The windows table and the tests table over every horizon (warnings to ``pending``)."""
    opt = inp.options
    rows: list[dict] = []
    tests_rows: list[dict] = []
    small_log: list[str] = []
    no_bench: list[str] = []
    for k, h in enumerate(opt.horizons):
        t_len = ends[k] - s.day0
        overl = _overlapping(s.day0, ends[k])
        car, car_se, scar = _cars(opt.model, fits, t_len, complete[k])
        gaps = complete[k] & ~fits.short & ~np.isfinite(car)
        if gaps.any():
            no_bench.append(f"{_fmt(s.dates[gaps])} at {h} days")
        rows += _window_rows(s, h, ends[k], complete[k], overl, car, car_se, scar, fits.n_est)
        tests_rows += _tests.table_rows(
            h,
            fits.models,
            car,
            scar,
            complete[k],
            overl,
            t_len,
            opt.alternative,
            opt.confidence_level,
            pending,
            small_log,
        )
    _table_warnings(inp, s, complete, no_bench, small_log, pending)
    windows = pd.DataFrame(rows)
    over = windows.loc[windows["overlapping"]]
    if len(over):
        parts = [f"{h} days: {_fmt(g['event_date'])}" for h, g in over.groupby("horizon")]
        pending.append(
            (
                OverlappingWindowsWarning,
                f"event windows overlap ({'; '.join(parts)}); the tests that assume "
                "independent events over-reject (see the 'note' column of tests).",
            )
        )
    return windows, pd.DataFrame(tests_rows)


def _table_warnings(inp, s: _Sample, complete, no_bench, small_log, pending: list) -> None:
    bench = inp.benchmark
    if no_bench:
        pending.append(
            (
                DegenerateDataWarning,
                "the benchmark has no return for some bars of the windows of "
                f"{'; '.join(no_bench)} (benchmark data {bench.index[0].date()} to "
                f"{bench.index[-1].date()}): their CAR is NaN and they are left out "
                "of the tests.",
            )
        )
    if small_log:
        pending.append(
            (
                SmallSampleWarning,
                f"tests needing a cross-sectional variance need at least "
                f"{_tests.MIN_EVENTS_CROSS_SECTIONAL} events with complete windows; NaN "
                f"returned at {'; '.join(small_log)} (events used in parentheses).",
            )
        )
    msg = incomplete_windows_message(s.dates, complete, inp.options.horizons, s.index)
    if msg is not None:
        pending.append((IncompleteWindowWarning, msg))


def _event_time_paths(opt, s: _Sample, fits: _Fits, r, m) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cumulative log returns and cumulative abnormal returns in event time."""
    offsets = np.arange(opt.path_window[0], opt.path_window[1] + 1)
    cum = s.log_close[:, None] - s.log_close[s.day0][None, :]
    paths = event_time_paths(s.index, cum, s.day0, offsets)
    ab = np.full((len(s.index), s.n), np.nan)
    for i, f in enumerate(fits.models):
        if fits.short[i] and opt.model != "raw":
            continue
        arr = r - f.predicted(None if m is None else m[:, 0], r.shape)
        d0 = int(s.day0[i])
        ab[d0, i] = 0.0
        ab[d0 + 1 :, i] = np.cumsum(arr[d0 + 1 :])
        if d0 > 0:
            ab[:d0, i] = -np.cumsum(arr[1 : d0 + 1][::-1])[::-1]
    abnormal_paths = event_time_paths(s.index, ab, s.day0, offsets)
    off_index = pd.Index(offsets, name="day")
    cols = pd.DatetimeIndex(s.dates, name="event_date")
    return (
        pd.DataFrame(paths, index=off_index, columns=cols),
        pd.DataFrame(abnormal_paths, index=off_index, columns=cols),
    )


def _model_parameters(s: _Sample, fits: _Fits) -> pd.DataFrame:
    idx, day0, models = s.index, s.day0, fits.models
    return pd.DataFrame(
        {
            "day0_date": idx[day0],
            "estimation_start": [
                idx[f.est_offsets[0] + d] if f.n_est else pd.NaT
                for f, d in zip(models, day0, strict=True)
            ],
            "estimation_end": [
                idx[f.est_offsets[-1] + d] if f.n_est else pd.NaT
                for f, d in zip(models, day0, strict=True)
            ],
            "estimation_obs": fits.n_est,
            "alpha": [f.alpha[0] for f in models],
            "beta": [f.beta[0] for f in models],
            "sigma": fits.sigma,
        },
        index=pd.DatetimeIndex(s.dates, name="event_date"),
    )


def _events_table(s: _Sample) -> pd.DataFrame:
    ev_table = s.mapped.rename(columns={"follower_date": "day0_date", "position": "day0_position"})
    ev_table.index = pd.DatetimeIndex(ev_table.index, name="event_date")
    return ev_table.drop(columns=["follower_close_time"])


def event_study(
    follower: PricesLike,
    events: EventsLike,
    *,
    horizons: Sequence[int] | int = (30, 90, 180, 365),
    model: str = "constant_mean",
    benchmark: PricesLike | None = None,
    estimation_window: int = 365,
    gap: int = 30,
    min_estimation_obs: int = 30,
    return_type: str = "log",
    path_window: tuple[int, int] | None = None,
    delay: DelayLike = NO_DELAY,
    leader_clock: SessionClock | str | None = None,
    follower_clock: SessionClock | str | None = None,
    benchmark_clock: SessionClock | str | None = None,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
    nan_policy: str = "raise",
) -> EventStudyResult:
    r"""What a follower series did after leader events, and how surprising that is.

    Parameters
    ----------
    follower : Series or DataFrame
        The follower's daily closes (a DataFrame needs ``close``). Validated
        (sorted unique dates, finite positive prices); never modified.
    events : Events or sequence of dates
        Leader events (:func:`riskcycle.breakouts`), or sorted unique dates of the
        leader's bars together with ``leader_clock``: a list or DatetimeIndex, a
        Series of dates (its values are used), or a DataFrame with one datetime
        column (or a DatetimeIndex). Numbers are refused (they are not dates).
    horizons : sequence of int or int, default (30, 90, 180, 365)
        Window lengths in calendar days. The window of horizon :math:`h` runs
        from the day-0 close to the close of the last follower bar dated on or
        before day 0 + :math:`h` days.
    model : {"constant_mean", "raw", "market_adjusted", "market_model"}
        Normal-return model for abnormal returns (see Notes). The default asks
        whether the follower did better than its own recent drift; ``"raw"``
        whether it rose at all.
    benchmark : Series or DataFrame, optional
        Market closes (e.g. :func:`riskcycle.datasets.load` ``("spx")``), required by
        ``"market_adjusted"`` and ``"market_model"``. Aligned onto the follower's
        calendar without look-ahead (see Notes).
    estimation_window : int, default 365
        Length in calendar days of the estimation window, which ends ``gap``
        days before day 0.
    gap : int, default 30
        Calendar days between the end of the estimation window and day 0.
    min_estimation_obs : int, default 30
        Fewer estimation returns than this make the event's model-based columns
        NaN (with a :class:`~riskcycle.exceptions.SmallSampleWarning`).
    return_type : {"log", "simple"}, default "log"
        Daily returns used for abnormal returns; a CAR is their sum. With log
        returns the raw CAR equals the window's log return.
    path_window : (int, int), optional
        First and last calendar-day offsets of :attr:`~riskcycle.EventStudyResult.paths`;
        default ``(-90, max(horizons))``.
    delay : timedelta or str, default 0
        Extra time after the event became known before day 0 may start
        (:func:`riskcycle.calendar.map_to_follower`).
    leader_clock, follower_clock, benchmark_clock : SessionClock or str, optional
        When each series' daily values become known. Defaults: the clock of the
        :class:`~riskcycle.Events`, and the ``attrs["clock"]`` recorded by
        :func:`riskcycle.datasets.load`; user data must pass them.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Alternative hypothesis of every test.
    confidence_level : float, default 0.95
        Of the confidence interval for the mean CAR (cross-sectional t row) and of
        the band in :meth:`EventStudyResult.plot`.
    nan_policy : {"raise", "omit"}, default "raise"
        A NaN close in ``follower`` or ``benchmark`` is an error, or its row is dropped.

    Returns
    -------
    EventStudyResult
        Per-event windows (:meth:`~EventStudyResult.to_frame`), the cross-event
        tests (``tests``), event-time paths and the settings.

    Raises
    ------
    TypeError
        Wrong types (``horizons`` not integers, ``events`` not dates, ...).
    ValueError
        Unsorted or duplicate event dates, non-positive horizons, a horizon above
        36,525 days (100 years) or longer than the follower's data, dates outside
        1677-09-22 to 2262-04-10, NaN or unsorted prices, a benchmark that does not
        overlap the follower, a benchmark with a model that does not use one (or none
        with one that does), no event inside the follower's data.

    Warns
    -----
    EventsExcludedWarning
        Events before the follower's first bar or after its last (named).
    IncompleteWindowWarning
        Windows running past the end of the data: reported with
        ``complete=False``, ``return``/``log_return``/``car`` NaN and the return
        so far in ``return_to_date``/``log_return_to_date``; left out of the tests.
    OverlappingWindowsWarning
        Windows of one horizon share days (flagged in the ``overlapping`` column;
        the iid tests over-reject, see Notes).
    SmallSampleWarning
        Fewer than 3 events for the cross-sectional tests (NaN), or too short an
        estimation window.
    DegenerateDataWarning
        A constant estimation window (zero residual variance or benchmark variance).

    Notes
    -----
    **Timing.** Day 0 is the follower bar at which the event is first known:
    the first bar whose close time is at or after the event's information time
    plus ``delay``. Forward returns run from the day-0 close; nothing of the
    day-0 bar after the event counts as "before".

    **Per window.** ``return`` :math:`= P_e/P_0 - 1` and ``log_return``
    :math:`=\log(P_e/P_0)`; ``max_drawdown`` :math:`=\min_t(P_t/\max_{s\le t}P_s-1)`
    and ``max_runup`` :math:`=\max_t(P_t/\min_{s\le t}P_s-1)` over bars
    :math:`0..e`; ``peak_return`` :math:`=\max_t P_t/P_0 - 1` and
    ``days_to_peak`` the calendar days from day 0 to the first highest close.
    For an incomplete window these path statistics cover the bars so far.

    **Abnormal returns.** With daily returns :math:`r_t` (log by default) and
    benchmark returns :math:`m_t`, :math:`AR_t = r_t - \hat r_t` with
    :math:`\hat r_t = 0` (raw), :math:`\hat\mu` (constant mean), :math:`m_t`
    (market-adjusted) or :math:`\hat\alpha + \hat\beta m_t` (market model, OLS);
    :math:`\hat\mu, \hat\alpha, \hat\beta` are fitted on the estimation window
    (returns of bars dated in :math:`(d_0 - g - L, d_0 - g]`). The CAR is the
    sum of the window's ARs; ``car_se`` the square root of its prediction-error
    variance :math:`\sigma^2(T + T^2/L + (\sum_W (m_t-\bar m))^2/S_{mm})` (the
    last two terms only for models that estimate them); ``scar = car/car_se``.
    The residual variance is :math:`\sigma^2 = \sum e_t^2/(L-k)`, :math:`k` the
    number of fitted parameters (0, 1, 0, 2).

    **Benchmark alignment.** Each follower bar gets the close of the last
    benchmark bar whose information time is at or before the follower bar's
    close time (e.g. BTC's Saturday bar uses Friday's S&P 500 close), so no
    benchmark value is used before it was known. Follower bars before the first
    such value or dated after the benchmark's last date get NaN; an AR that
    needs a missing benchmark return is NaN.

    **Tests.** Only complete windows with finite inputs enter a test;
    ``n_events`` says how many. The statistics are defined in
    the private test module: cross-sectional t (Brown & Warner
    1985), Patell (1976) Z, BMP (Boehmer, Musumeci & Poulsen 1991), BMP with
    the Kolari & Pynnönen (2010) adjustment (average correlation from window
    overlap), Corrado (1989) rank over the window (Campbell & Wasley 1993),
    Cowan (1992) generalised sign with an exact binomial p-value, and the
    Wilcoxon signed-rank test of the CARs (:func:`scipy.stats.wilcoxon`). For
    the discrete tests ``min_attainable_pvalue`` is the smallest p-value the
    test can give with this many events.

    *Size* (test suite, 5% level, 2,000 replications, 10 events unless said).
    Random-walk, GARCH(1,1)-t(5) and market-model followers with random event
    dates whose windows do not touch each other's estimation windows: every test
    within Monte Carlo error of 5% or below (t, BMP, KP 4.5-6.0%; Patell 4.9-6.1%,
    slightly above 5% under GARCH; Corrado 3.7-4.4%; generalised sign and, with 5
    events, Wilcoxon conservative because discrete). Findings:

    - *Overlapping windows* (365-day windows starting 60 days apart): the tests
      that assume independent events over-reject badly, cross-sectional t 49%,
      BMP 49%, Wilcoxon 47%, Patell 38%, generalised sign 32%; the
      Kolari-Pynnönen adjustment brings BMP to 8%; Corrado stays at 3.5%. Such
      rows carry a note in ``tests``; prefer the dependence-aware methods of
      :mod:`riskcycle.inference` (placebo dates, block bootstrap).
    - *Events inside later events' estimation windows* (constant mean, events 31
      to 90 days apart): the CARs are negatively correlated and the iid tests are
      conservative (1.4-1.8%); KP with the model-implied correlation gives 5.1%.
    - *Five events*: the exact Wilcoxon test cannot reject at 5% (its smallest
      two-sided p-value is :math:`2/2^5 = 0.0625`).

    Validated against: an independent per-event OLS (``statsmodels.api.OLS``)
    for market-model ARs, CARs and their variance (to 1e-10); each statistic
    against its formula worked out step by step in the test suite;
    :func:`scipy.stats.ttest_1samp`, :func:`scipy.stats.binomtest` and
    :func:`scipy.stats.wilcoxon`.

    References
    ----------
    Boehmer, E., Musumeci, J. & Poulsen, A. B. (1991). Event-study methodology
    under conditions of event-induced variance. *Journal of Financial Economics*
    30(2), 253-272. doi:10.1016/0304-405X(91)90032-F

    Brown, S. J. & Warner, J. B. (1985). Using daily stock returns: the case of
    event studies. *Journal of Financial Economics* 14(1), 3-31.
    doi:10.1016/0304-405X(85)90042-X

    Campbell, C. J. & Wasley, C. E. (1993). Measuring security price performance
    using daily NASDAQ returns. *Journal of Financial Economics* 33(1), 73-92.
    doi:10.1016/0304-405X(93)90025-7

    Campbell, J. Y., Lo, A. W. & MacKinlay, A. C. (1997). *The Econometrics of
    Financial Markets*, ch. 4. Princeton University Press.

    Corrado, C. J. (1989). A nonparametric test for abnormal security-price
    performance in event studies. *Journal of Financial Economics* 23(2),
    385-395. doi:10.1016/0304-405X(89)90064-0

    Corrado, C. J. & Zivney, T. L. (1992). The specification and power of the
    sign test in event study hypothesis tests using daily stock returns.
    *Journal of Financial and Quantitative Analysis* 27(3), 465-478.
    doi:10.2307/2331331

    Cowan, A. R. (1992). Nonparametric event study tests. *Review of
    Quantitative Finance and Accounting* 2(4), 343-358. doi:10.1007/BF00939016

    Kolari, J. W. & Pynnönen, S. (2010). Event study testing with
    cross-sectional correlation of abnormal returns. *Review of Financial
    Studies* 23(11), 3996-4025. doi:10.1093/rfs/hhq072

    Mikkelson, W. H. & Partch, M. M. (1988). Withdrawn security offerings.
    *Journal of Financial and Quantitative Analysis* 23(2), 119-133.
    doi:10.2307/2330876

    Patell, J. M. (1976). Corporate forecasts of earnings per share and stock
    price behavior: empirical tests. *Journal of Accounting Research* 14(2),
    246-276. doi:10.2307/2490543

    Examples
    --------
    >>> import warnings, riskcycle
    >>> btc = riskcycle.datasets.load("btc_long")
    >>> ev = riskcycle.breakouts(riskcycle.datasets.load("rut"), min_gap=250)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", riskcycle.RiskcycleWarning)
    ...     res = riskcycle.event_study(btc, ev, horizons=(365,))
    >>> df = res.to_frame()
    >>> (1 + df["return_to_date"]).round(2).tolist()  # growth of 1 after one year
    [2.68, 59.11, 9.41, 3.95, 0.67]
    >>> df["complete"].tolist()  # 2025-09-18 + 365 days is after the data's end
    [True, True, True, True, False]
    """
    inp = _event_study_iv(
        follower,
        events,
        horizons,
        model,
        benchmark,
        estimation_window,
        gap,
        min_estimation_obs,
        return_type,
        path_window,
        delay,
        leader_clock,
        follower_clock,
        benchmark_clock,
        alternative,
        confidence_level,
        nan_policy,
    )
    opt = inp.options
    pending: list[tuple[type[Warning], str]] = []
    sample = _event_sample(inp, pending)
    r, m = _daily_returns(inp, sample)
    ends, complete = _window_ends(sample, opt.horizons)
    fits = _fit_models(opt, sample, r, m, ends, pending)
    windows, tests = _horizon_tables(inp, sample, fits, ends, complete, pending)
    paths, abnormal_paths = _event_time_paths(opt, sample, fits, r, m)
    for cat, msg in pending:
        warnings.warn(msg, cat, stacklevel=2)
    attrs = getattr(follower, "attrs", {}) or {}
    return EventStudyResult(
        windows=windows,
        tests=tests,
        paths=paths,
        abnormal_paths=abnormal_paths,
        events=_events_table(sample),
        model_parameters=_model_parameters(sample, fits),
        horizons=opt.horizons,
        model=opt.model,
        return_type=opt.return_type,
        alternative=opt.alternative,
        confidence_level=opt.confidence_level,
        follower_name=str(attrs.get("name", "follower")),
        leader_name=str(getattr(events, "leader_name", "leader")),
        benchmark_name=None
        if inp.benchmark is None
        else str((getattr(benchmark, "attrs", {}) or {}).get("name", "benchmark")),
        settings=opt.settings(),
        versions=package_versions(),
    )
