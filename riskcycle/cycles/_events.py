r"""A leader's events against a follower's phases: :func:`phase_event_test`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._resample import resampling_pvalue, resampling_pvalue_se
from .._results import ResultMixin, Summary, package_versions
from .._rng import RNGLike, check_rng
from .._sample import NO_DELAY, outside_data_message
from .._typing import AxesLike, ClockLike, DelayLike, EventsLike, PricesLike
from .._validation import (
    as_event_dates,
    check_alternative,
    check_choice,
    check_int,
    check_n_resamples,
    check_timedelta,
)
from ..calendar import get_clock, map_to_follower
from ..exceptions import (
    DegenerateDataWarning,
    EventsExcludedWarning,
    IncompleteWindowWarning,
    SmallSampleWarning,
)
from ._phases import BullBearResult, bull_bear

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["PhaseEventResult", "phase_event_test"]

MEASURES = ("confirmation", "start")
_DAY_NS = 86_400 * 10**9
_CHUNK = 65_536


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseEventResult(ResultMixin):
    """Timing of a leader's events against a follower's bull and bear phases.

    Attributes
    ----------
    statistic : float
        Mean over the usable events of the days from day 0 to the follower's
        next bull start (``measure``), capped at ``horizon``.
    pvalue, pvalue_se : float
        Placebo p-value :math:`(1 + b)/(1 + m)` and its Monte Carlo standard error.
    null_distribution : ndarray
        The statistic on ``n_resamples`` random date sets.
    events : pandas.DataFrame
        One row per event (see :meth:`to_frame`).
    base_rate_known_bull : float
        Share of the eligible follower bars at which a bull phase was already
        known: the chance that a random date is "already in a bull market".
    known_bull_pvalue : float
        Placebo p-value of the number of events at which a bull phase was
        already known (alternative "greater"), from the same random sets.
    phases : BullBearResult
        The follower's dated phases.
    horizon, measure, alternative, n_resamples, min_spacing, spacing_source,
    n_eligible, null_hypothesis, resampling, settings, versions
        What was done.
    """

    statistic: float
    pvalue: float
    pvalue_se: float
    null_distribution: np.ndarray = field(repr=False)
    events: pd.DataFrame = field(repr=False)
    base_rate_known_bull: float
    known_bull_pvalue: float
    phases: BullBearResult = field(repr=False)
    horizon: int
    measure: str
    alternative: str
    n_resamples: int
    min_spacing: int
    spacing_source: str
    n_eligible: int
    null_hypothesis: str
    resampling: str
    settings: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    versions: dict[str, str] = field(default_factory=package_versions, repr=False)

    def __repr__(self) -> str:
        n = int(self.events["used"].sum()) if len(self.events) else 0
        return (
            f"PhaseEventResult({self.phases.name}, n_events={n}, measure={self.measure!r}, "
            f"statistic={self.statistic:.4g} days, pvalue={self.pvalue:.4g})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per event, never rounded.

        Columns: ``event_date``, ``day0_date`` (the follower bar at which the
        event was known), ``status``, ``known_bull`` (a bull phase of the
        follower was known at day 0: its start was confirmed on or before it;
        NaN when no phase was known yet), ``in_bull_ex_post`` (the ex-post phase
        at day 0), ``last_bull_start`` (the last trough dated on or before day
        0), ``next_bull_start`` (the first trough dated on or after day 0) and
        ``days_to_bull_start``, ``confirmed_bull_start`` and
        ``next_bull_confirmation`` (the first bull start confirmed on or after
        day 0, possibly dated before it, and its confirmation date) and
        ``days_to_bull_confirmation``, ``value`` (the capped days entering the
        statistic) and ``used``.
        """
        return self.events.copy()

    def _summary(self) -> Summary:
        cols = [
            "day0_date",
            "known_bull",
            "in_bull_ex_post",
            "next_bull_start",
            "days_to_bull_start",
            "next_bull_confirmation",
            "days_to_bull_confirmation",
            "used",
        ]
        table = self.events.set_index("event_date")[cols]
        test = pd.DataFrame(
            {
                "value": [
                    self.statistic,
                    float(np.mean(self.null_distribution))
                    if len(self.null_distribution)
                    else np.nan,
                    self.pvalue,
                    self.pvalue_se,
                    self.base_rate_known_bull,
                    self.known_bull_pvalue,
                ]
            },
            index=pd.Index(
                [
                    "statistic (mean capped days)",
                    "placebo mean",
                    "pvalue",
                    "pvalue_se",
                    "base_rate_known_bull",
                    "known_bull_pvalue",
                ],
                name="quantity",
            ),
        )
        notes = [
            f"H0: {self.null_hypothesis}",
            f"Resampling: {self.resampling}",
            f"Phases: {self.phases.settings.describe()}.",
            *self.notes,
        ]
        return Summary(
            title=f"Events against the bull and bear phases of {self.phases.name}",
            tables=(("Events", table), ("Placebo test", test)),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Histogram of the placebo statistic with the events' value.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 3.5))
        else:
            fig = ax.figure
        if len(self.null_distribution):
            ax.hist(self.null_distribution, bins=50, color="0.7", label="random date sets")
        ax.axvline(self.statistic, color="tab:red", label=f"events (p = {self.pvalue:.3g})")
        ax.set_xlabel(f"mean days to the next bull {self.measure}, capped at {self.horizon} days")
        ax.set_ylabel("number of random date sets")
        ax.legend(fontsize=8)
        return fig


def _phase_event_test_iv(
    follower, events, horizon, measure, alternative, n_resamples, min_spacing, dating, delay
):
    horizon = check_int(
        horizon, "horizon", minimum=1, what="a positive integer number of calendar days"
    )
    measure = check_choice(measure, "measure", MEASURES)
    alternative = check_alternative(alternative)
    n_resamples = check_n_resamples(n_resamples)
    if min_spacing is not None:
        min_spacing = check_int(
            min_spacing,
            "min_spacing",
            minimum=1,
            what="a positive integer number of calendar days",
        )
    delay = check_timedelta(delay, "delay")
    if isinstance(follower, BullBearResult):
        phases = follower
    elif isinstance(follower, pd.Series | pd.DataFrame):
        phases = bull_bear(follower, dating=dating)
    else:
        raise TypeError(
            "`follower` must be a BullBearResult (from riskcycle.cycles.bull_bear) or the "
            f"follower's prices (Series or DataFrame); got {type(follower).__name__}."
        )
    return phases, horizon, measure, alternative, n_resamples, min_spacing, delay


def _spacing(events: Any, day0: np.ndarray, min_spacing: int | None) -> tuple[int, str]:
    if min_spacing is not None:
        return min_spacing, "given"
    observed = int(np.diff(day0).min()) if len(day0) > 1 else None
    settings = getattr(events, "settings", None) or {}
    clock = getattr(events, "clock", None)
    gap = settings.get("min_gap") if settings.get("method") == "record" else None
    if gap is not None and clock is not None:
        rule = max(1, round(gap * 365.25 / clock.periods_per_year))
        source = f"the detection rule's {gap} sessions at {clock.periods_per_year} a year"
        if observed is not None and observed < rule:
            return max(observed, 1), source + f", capped at the smallest gap ({observed})"
        return rule, source
    if observed is not None:
        return max(observed, 1), "the smallest gap between the events"
    return 1, "none (a single event)"


def _next_after(day: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Index into sorted ``target`` of the first value >= each ``day`` (len when none)."""
    return np.searchsorted(target, day, side="left")


@dataclass(frozen=True, slots=True)
class _Troughs:
    """Bull-market starts (troughs) and their confirmations, as day numbers."""

    dates: pd.DatetimeIndex
    day: np.ndarray
    conf_dates: pd.DatetimeIndex
    cf_order: np.ndarray  # confirmation order
    cf_sorted: np.ndarray  # confirmation day numbers, sorted

    @classmethod
    def of(cls, phases: BullBearResult) -> _Troughs:
        tp = phases.turning_points
        troughs = tp[tp["kind"] == "trough"]
        conf_dates = pd.DatetimeIndex(troughs["confirmation_date"])
        cf_day = _day_numbers(conf_dates)
        cf_order = np.argsort(cf_day, kind="stable")
        return cls(
            dates=pd.DatetimeIndex(troughs["date"]),
            day=_day_numbers(pd.DatetimeIndex(troughs["date"])),
            conf_dates=conf_dates,
            cf_order=cf_order,
            cf_sorted=cf_day[cf_order],
        )

    def days_to(self, d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Days to the next start and to the next confirmation (-1: none), and their indices."""
        tr_day, cf_sorted = self.day, self.cf_sorted
        i = _next_after(d, tr_day)
        start = np.where(i < len(tr_day), tr_day[np.minimum(i, len(tr_day) - 1)] - d, -1)
        j = _next_after(d, cf_sorted)
        conf = np.where(j < len(cf_sorted), cf_sorted[np.minimum(j, len(cf_sorted) - 1)] - d, -1)
        return start, conf, i, j

    def capped(self, d: np.ndarray, measure: str, horizon: int) -> np.ndarray:
        """Days to the next bull ``measure``, capped at ``horizon`` (also when there is none)."""
        start, conf, _, _ = self.days_to(d)
        v = conf if measure == "confirmation" else start
        return np.where((v < 0) | (v > horizon), horizon, v).astype(float)


def _day_numbers(idx: pd.DatetimeIndex) -> np.ndarray:
    return (idx.as_unit("ns").asi8 // _DAY_NS).astype(np.int64)


def _day0(phases, idx, events, leader_clock, follower_clock, delay) -> pd.DataFrame:
    """Day-0 bars of the events on the follower's calendar."""
    if follower_clock is None and phases.clock is None:
        raise ValueError(
            "`follower_clock` is required: the follower's phases carry no clock (pass e.g. "
            "follower_clock='utc_midnight')."
        )
    fclock = get_clock(follower_clock if follower_clock is not None else phases.clock)
    as_event_dates(events, "events")  # type check with the argument's name
    return map_to_follower(
        events,
        idx,
        leader_clock=leader_clock,
        follower_clock=fclock,
        delay=delay,
    )


def _event_table(m, idx, day, phases, tr: _Troughs, horizon, measure):
    """One row per event: its phase on day 0 and the days to the next bull start."""
    status = m["status"].to_numpy(dtype=object).astype(str)
    pos = m["position"].to_numpy(dtype=np.int64)
    ok = status == "ok"
    d0 = np.where(ok, day[np.maximum(pos, 0)], 0)
    complete = ok & (d0 + horizon <= int(day[-1]))
    status = np.where(ok & ~complete, "incomplete", status)
    start, conf, i_tr, j_cf = tr.days_to(d0)
    known = phases.known_state.to_numpy()
    exp = phases.state.to_numpy()
    n_ev = len(m)
    nat = pd.NaT

    def pick(values: pd.DatetimeIndex, k: np.ndarray, valid: np.ndarray) -> pd.DatetimeIndex:
        out = [values[int(k[e])] if valid[e] else nat for e in range(n_ev)]
        return pd.DatetimeIndex(out).as_unit("ns")

    last_i = np.searchsorted(tr.day, d0, side="right") - 1
    table = pd.DataFrame(
        {
            "event_date": pd.DatetimeIndex(m.index).as_unit("ns"),
            "day0_date": pd.DatetimeIndex(
                [idx[p] if o else nat for p, o in zip(pos, ok, strict=True)]
            ).as_unit("ns"),
            "status": status,
            "known_bull": np.where(ok, known[np.maximum(pos, 0)], np.nan),
            "in_bull_ex_post": np.where(ok, exp[np.maximum(pos, 0)].astype(float), np.nan),
            "last_bull_start": pick(tr.dates, last_i, ok & (last_i >= 0)),
            "next_bull_start": pick(tr.dates, i_tr, ok & (start >= 0)),
            "days_to_bull_start": np.where(ok & (start >= 0), start, np.nan),
            "confirmed_bull_start": pick(tr.dates[tr.cf_order], j_cf, ok & (conf >= 0)),
            "next_bull_confirmation": pick(tr.conf_dates[tr.cf_order], j_cf, ok & (conf >= 0)),
            "days_to_bull_confirmation": np.where(ok & (conf >= 0), conf, np.nan),
        }
    )
    table["value"] = np.where(complete, tr.capped(d0, measure, horizon), np.nan)
    table["used"] = complete
    return table, d0, complete


def _placebo(tday, values, kb, k, spacing, n_resamples, gen):
    """Null distributions of the mean value and of the known-bull count (None: no set)."""
    from .._nb_spacing import spaced_sample, spaced_tables

    nxt = np.searchsorted(tday, tday + spacing, side="left").astype(np.int64)
    tab, log_count = spaced_tables(nxt, k)
    if not np.isfinite(log_count):
        return None
    null = np.empty(n_resamples)
    null_known = np.empty(n_resamples)
    for lo in range(0, n_resamples, _CHUNK):
        hi = min(lo + _CHUNK, n_resamples)
        sets = spaced_sample(tab, nxt, gen.random((hi - lo, k)))
        null[lo:hi] = values[sets].mean(axis=1)
        null_known[lo:hi] = kb[sets].sum(axis=1)
    return null, null_known, log_count


def _not_run(statistic: float, resampling: str, common: dict) -> PhaseEventResult:
    return PhaseEventResult(
        statistic=statistic,
        pvalue=np.nan,
        pvalue_se=np.nan,
        null_distribution=np.empty(0),
        known_bull_pvalue=np.nan,
        n_resamples=0,
        resampling=resampling,
        **common,
    )


def phase_event_test(
    follower: PricesLike,
    events: EventsLike,
    *,
    horizon: int = 365,
    measure: str = "confirmation",
    alternative: str = "less",
    n_resamples: int = 9999,
    min_spacing: int | None = None,
    dating: str = "lunde_timmermann",
    delay: DelayLike = NO_DELAY,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    rng: RNGLike = None,
) -> PhaseEventResult:
    r"""Days from a leader's events to the follower's next bull start, with a placebo null.

    Turns "the follower started a bull market after the leader's breakout" into
    a dated, tested statement: for each event, the follower's phase as known at
    the event, and the days until its next bull phase started (ex post) and
    until a new bull phase was confirmed (as known in real time).

    Parameters
    ----------
    follower : BullBearResult or Series or DataFrame
        The follower's dated phases, or its prices (dated with
        :func:`bull_bear` and ``dating``).
    events : Events, DatetimeIndex or sequence of dates
        The leader's events; each is mapped to its day-0 follower bar (the first
        bar closing at or after the event's information time plus ``delay``,
        :func:`riskcycle.calendar.map_to_follower`).
    horizon : int, default 365
        Calendar days: an event's value is the days to the next bull start,
        capped at ``horizon``; events (and random dates) whose day 0 is less
        than ``horizon`` days before the end of the data are not used.
    measure : {"confirmation", "start"}, default "confirmation"
        ``"confirmation"``: days to the first bull start *confirmed* on or after
        day 0 (no look-ahead: what an observer learned after the event);
        ``"start"``: days to the first trough dated on or after day 0 (ex post).
    alternative : {"less", "greater", "two-sided"}, default "less"
        "less": bull phases start sooner after the events than after random
        dates (the direction of the claim).
    n_resamples : int, default 9999
        Random date sets.
    min_spacing : int, optional
        Calendar days between the dates of a random set. Default: the detection
        rule of :class:`~riskcycle.Events` (``min_gap`` sessions converted at the
        leader's sessions per year), capped at the smallest gap between the
        events' day-0 bars so that the real set is admissible; else that gap.
    dating : {"lunde_timmermann", "pagan_sossounov"}, default "lunde_timmermann"
        Dating rule when ``follower`` is prices (ignored for a BullBearResult, which
        carries its own).
    delay : timedelta or str, default NO_DELAY (zero)
        Extra waiting time after each event's information time.
    leader_clock, follower_clock : SessionClock or str, optional
        Default: the events' clock and the clock recorded with the follower.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    PhaseEventResult

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (the message names the argument).

    Warns
    -----
    EventsExcludedWarning
        Events outside the follower's data.
    IncompleteWindowWarning
        Events less than ``horizon`` days before the end of the data (shown in
        the table, not used in the test).
    SmallSampleWarning
        No usable event (the result is NaN).

    Notes
    -----
    Statistic: :math:`T = k^{-1}\sum_i \min(D_i, h)`, with :math:`D_i` the days
    from event :math:`i`'s day 0 to the next bull start (``measure``) and
    :math:`h` the horizon (restricted mean, so that an event not followed by a
    bull start within the data still counts, as :math:`h`).

    Null: the :math:`k` day-0 dates are like :math:`k` dates drawn uniformly
    from all sets of eligible follower bars (day 0 at least ``horizon`` days
    before the end of the data) pairwise at least ``min_spacing`` days apart,
    on the follower's own history. The sets are drawn exactly uniformly with
    the sequential-inversion sampler of :func:`riskcycle.placebo_test`
    (``riskcycle._nb_spacing.spaced_sample``). The p-value counts the
    observed statistic among the null values, :math:`(1 + b)/(1 + m)`, with
    Monte Carlo standard error :math:`\sqrt{p(1-p)/m}`. With :math:`k` events
    the attainable p-values are coarse: with four events a bull start within
    the year after each one happens by chance about as often as the base rate
    to the fourth power.

    ``known_bull`` uses confirmation dates (``BullBearResult.known_state``): a
    phase that started before the event but was confirmed after it counts as
    *not* known at the event.

    Validated by exact checks of the per-event days against the phase table
    (tests/test_cycles.py) and by the placebo sampler's own uniformity tests.

    References
    ----------
    Lunde, A. & Timmermann, A. (2004). Duration dependence in stock prices: an
    analysis of bull and bear markets. *Journal of Business & Economic
    Statistics* 22(3), 253-273. doi:10.1198/073500104000000136

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from riskcycle.cycles import phase_event_test
    >>> idx = pd.date_range("2020-01-01", periods=1500, freq="D")
    >>> x = pd.Series(np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.03, 1500))),
    ...               index=idx)
    >>> res = phase_event_test(x, ["2020-06-01", "2021-06-01"], leader_clock="utc_midnight",
    ...                        follower_clock="utc_midnight", n_resamples=199, rng=0)
    >>> 0 < res.pvalue <= 1
    True
    """
    args = (horizon, measure, alternative, n_resamples, min_spacing, dating, delay)
    phases, horizon, measure, alternative, n_resamples, min_spacing, delay = _phase_event_test_iv(
        follower, events, *args
    )
    gen = check_rng(rng)
    idx = pd.DatetimeIndex(phases.prices.index)
    m = _day0(phases, idx, events, leader_clock, follower_clock, delay)
    day = _day_numbers(idx)
    tr = _Troughs.of(phases)
    table, d0, complete = _event_table(m, idx, day, phases, tr, horizon, measure)
    _warn(table, idx, horizon)
    # placebo
    cand = np.flatnonzero(day + horizon <= int(day[-1]))
    ev_day = np.sort(d0[complete])
    k = len(ev_day)
    spacing, source = _spacing(events, ev_day, min_spacing)
    known = phases.known_state.to_numpy()
    base_rate = float(np.nanmean(np.where(np.isnan(known[cand]), 0.0, known[cand])))
    null_text = (
        f"the {k} events' day-0 dates are like {k} dates drawn at random from the "
        f"follower's bars at least {horizon} days before the end of its data, pairwise at "
        f"least {spacing} days apart: the mean days to the next bull {measure} (capped at "
        f"{horizon}) after them is a typical value for such sets."
    )
    common = dict(
        events=table,
        base_rate_known_bull=base_rate,
        phases=phases,
        horizon=horizon,
        measure=measure,
        alternative=alternative,
        min_spacing=spacing,
        spacing_source=source,
        n_eligible=len(cand),
        null_hypothesis=null_text,
        settings={
            "horizon": horizon,
            "measure": measure,
            "alternative": alternative,
            "n_resamples": n_resamples,
            "min_spacing": spacing,
            "delay": str(delay),
            **phases.settings.as_dict(),
        },
    )
    if k == 0:
        warnings.warn(
            "no event has a complete window: the placebo test does not apply.",
            SmallSampleWarning,
            stacklevel=2,
        )
        return _not_run(np.nan, "not run: no usable event", common)
    observed = float(table.loc[complete, "value"].mean())
    obs_known = float(np.nansum(table.loc[complete, "known_bull"]))
    values = tr.capped(day[cand], measure, horizon)
    kb = np.nan_to_num(known[cand], nan=0.0)
    drawn = _placebo(day[cand], values, kb, k, spacing, n_resamples, gen)
    if drawn is None:
        warnings.warn(
            f"no set of {k} eligible dates {spacing} days apart exists.",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return _not_run(observed, "not run: no admissible set", common)
    null, null_known, log_count = drawn
    resampling = (
        f"Monte Carlo: {n_resamples} sets of {k} dates drawn exactly uniformly from all "
        f"{np.exp(log_count):.6g} sets of eligible follower bars pairwise at least {spacing} "
        f"days apart ({len(cand)} eligible bars)."
    )
    return PhaseEventResult(
        statistic=observed,
        pvalue=resampling_pvalue(observed, null, alternative=alternative),
        pvalue_se=resampling_pvalue_se(observed, null, alternative=alternative),
        null_distribution=null,
        known_bull_pvalue=resampling_pvalue(obs_known, null_known, alternative="greater"),
        n_resamples=n_resamples,
        resampling=resampling,
        **common,
    )


def _warn(table: pd.DataFrame, idx: pd.DatetimeIndex, horizon: int) -> None:
    out = table.loc[table["status"].isin(["before_start", "after_end"]), "event_date"]
    if len(out):
        warnings.warn(
            outside_data_message(pd.DatetimeIndex(out), idx),
            EventsExcludedWarning,
            stacklevel=3,
        )
    inc = table.loc[table["status"] == "incomplete", "event_date"]
    if len(inc):
        warnings.warn(
            f"{len(inc)} event(s) are less than {horizon} days before the end of the data "
            f"({idx[-1].date()}): shown, not tested: "
            + ", ".join(d.strftime("%Y-%m-%d") for d in inc)
            + ".",
            IncompleteWindowWarning,
            stacklevel=3,
        )
