"""Data preparation shared by the inference functions (internal).

The follower data, windows, day-0 positions and exclusion warnings come from the
event-sample layer shared with the event study and the backtest
(:mod:`riskcycle._sample`): a follower is reduced once to its log closes, bar day
numbers and, for one horizon, the forward log return from every bar
(:class:`~riskcycle._sample.Windows`); events are mapped to their day-0 bars
look-ahead-safely (:func:`~riskcycle._sample.event_data`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._clocks import clock_of

# the design of a few-event test, shared with assess and scan; used here as C.<name>
from .._design import (
    ERA_RULES,  # noqa: F401
    STATISTICS,  # noqa: F401
    Eras,  # noqa: F401
    check_eras,  # noqa: F401
    era_labels,  # noqa: F401
    halving_pools,  # noqa: F401
    halving_pools_from_times,  # noqa: F401
    resolve_spacing,  # noqa: F401
    resolve_statistic,  # noqa: F401
    rule_spacing,  # noqa: F401
)
from .._design import (
    halving_anchors_ns as _anchors_ns,  # noqa: F401
)
from .._resample import resampling_pvalue as mc_pvalue
from .._resample import resampling_pvalue_se as mc_pvalue_se
from .._resample import tail_counts

# the shared event-sample layer; the inference modules use these names as C.<name>
from .._sample import (
    NO_DELAY,
    EventData,
    EventSample,
    FollowerData,
    Windows,  # noqa: F401
    build_sample,
    event_data,  # noqa: F401
    follower_data,
    truncate,  # noqa: F401
    warn_excluded,  # noqa: F401
    windows,  # noqa: F401
)
from .._threads import check_n_jobs  # noqa: F401  (shared: the inference functions)
from .._validation import (
    as_price_series,
    check_float,
    check_size,
    check_timedelta,
    check_timestamp,
)
from ..calendar import CRYPTO_UTC, get_clock  # noqa: F401

_DAY_NS = 86_400 * 10**9


def check_horizon(horizon: Any) -> int:
    """A positive number of calendar days, at most 100 years (int64 dates stay in range)."""
    from .._validation import check_horizon as _check

    return _check(horizon, "horizon")


# ---------------------------------------------------------------------------
# the event sample: a follower's prices or a prepared EventSample
# ---------------------------------------------------------------------------
def check_sample_args(
    follower: Any,
    events: Any,
    *,
    horizon: Any,
    delay: Any,
    min_spacing: Any = None,
    leader_clock: Any = None,
    follower_clock: Any = None,
    needs_events: str | None = None,
) -> tuple[Any, Any]:
    """The ``(horizon, delay)`` a test's input check reads.

    With a follower's prices: the arguments (``horizon`` is then required, and
    ``events`` too when the test ``needs_events``). With an
    :class:`~riskcycle._sample.EventSample`: the sample's, after checking that
    ``events`` is None and that no argument contradicts the sample (a conflicting
    ``horizon``, ``delay``, clock or ``min_spacing`` is a ValueError naming it: the
    sample must be built with it). A zero ``delay`` (the functions' default) cannot be
    told from one not given, so it means the sample's delay.
    """
    if not isinstance(follower, EventSample):
        if horizon is None:
            raise TypeError(
                "`horizon` is required (a positive integer number of calendar days) "
                "unless `follower` is an EventSample."
            )
        if needs_events and events is None:
            raise TypeError(
                f"`events` is required: {needs_events} tests the follower's returns after "
                "events (or pass an EventSample built with them as `follower`)."
            )
        return horizon, delay
    s = follower
    if events is not None:
        raise ValueError(
            "`events` must be None when `follower` is an EventSample (the sample's events "
            "are used); build the sample with these events: "
            "riskcycle.inference.event_sample(follower, events, horizon=...)."
        )
    if needs_events and s.ed is None:
        raise ValueError(
            f"{needs_events} needs events, and `follower` is an EventSample without "
            "events; build the sample with them: "
            "riskcycle.inference.event_sample(follower, events, horizon=...)."
        )
    if horizon is not None and check_horizon(horizon) != s.horizon:
        _conflict("horizon", horizon, s.horizon)
    if delay is not None:
        d = check_timedelta(delay, "delay")
        if d != NO_DELAY and d != s.delay:
            _conflict("delay", d, s.delay)
    if min_spacing is not None:
        m = check_size(
            min_spacing,
            "min_spacing",
            minimum=1,
            what="a positive integer number of calendar days",
        )
        if m != s.min_spacing:
            _conflict("min_spacing", m, s.min_spacing)
    if follower_clock is not None:
        c = get_clock(follower_clock, "follower_clock")
        if c != s.follower_clock:
            _conflict("follower_clock", c.name, s.follower_clock.name)
    have = s.events_clock if s.events_clock is not None else s.leader_clock
    if leader_clock is not None and have is not None:
        c = get_clock(leader_clock, "leader_clock")
        if c != have:
            _conflict("leader_clock", c.name, have.name)
    return s.horizon, s.delay


def _conflict(name: str, given: Any, have: Any) -> None:
    shown = repr(str(given)) if isinstance(given, pd.Timedelta) else repr(given)
    raise ValueError(
        f"`{name}` ({given}) differs from the EventSample's ({have}): the sample fixes "
        f"it. Build the sample with {name}={shown} "
        f"(riskcycle.inference.event_sample), or leave `{name}` out."
    )


def sample_for(
    follower: Any,
    events: Any,
    *,
    horizon: int,
    delay: pd.Timedelta,
    min_spacing: Any = None,
    leader_clock: Any = None,
    follower_clock: Any = None,
) -> EventSample:
    """The sample a test runs on: the one given, or one built from the follower's prices
    (validated, the events mapped, the excluded events named in warnings that point at
    the test's caller)."""
    if isinstance(follower, EventSample):
        return follower
    fd = follower_data(follower, follower_clock=follower_clock)
    return build_sample(
        fd,
        events,
        horizon=horizon,
        min_spacing=min_spacing,
        delay=delay,
        leader_clock=leader_clock,
        warn=True,
        stacklevel=5,  # warn_excluded, build_sample, sample_for, the test, its caller
    )


# ---------------------------------------------------------------------------
# statistic and p-values
# ---------------------------------------------------------------------------
def resampling_pvalue(
    observed: float, null: np.ndarray, alternative: str, *, exact: bool, in_support: bool
) -> tuple[float, float]:
    """p-value and its Monte Carlo standard error.

    Monte Carlo: :math:`p = (1 + \\#\\{T^* \\ge T\\})/(1 + B)` (Davison & Hinkley 1997,
    eq. 4.11), standard error :math:`\\sqrt{p(1-p)/B}`
    (:func:`riskcycle._resample.resampling_pvalue`). Exact enumeration with the
    observed set in the enumerated family: :math:`p = \\#\\{T^* \\ge T\\}/N`, no
    Monte Carlo error. Values within a relative 1e-12 of the observed count as ties
    (:func:`riskcycle._resample.tail_counts`). Two-sided: twice the smaller
    one-sided p, at most 1.
    """
    null = np.asarray(null, dtype=float)
    if not np.isfinite(observed) or null.size == 0:
        return np.nan, np.nan
    if exact and in_support:
        ge, le, n = tail_counts(observed, null)
        if n == 0:
            return np.nan, np.nan
        pg, pl = ge / n, le / n
        p = {"greater": pg, "less": pl}.get(alternative, min(1.0, 2 * min(pg, pl)))
        return float(p), 0.0
    p = mc_pvalue(observed, null, alternative=alternative)
    return p, 0.0 if exact else mc_pvalue_se(observed, null, alternative=alternative)


def min_pvalue(n_null: float, alternative: str, *, exact: bool, in_support: bool) -> float:
    """Smallest p-value the test can return with a null of ``n_null`` values."""
    if not n_null or not np.isfinite(n_null):
        return np.nan
    p = 1.0 / n_null if (exact and in_support) else 1.0 / (1.0 + n_null)
    return min(1.0, 2 * p) if alternative == "two-sided" else p


# ---------------------------------------------------------------------------
# eligibility: date range, leader state, halving phase
# ---------------------------------------------------------------------------
def check_date_range(date_range: Any) -> tuple[pd.Timestamp | None, pd.Timestamp | None] | None:
    if date_range is None:
        return None
    if (
        isinstance(date_range, str)
        or not isinstance(date_range, tuple | list)
        or len(date_range) != 2
    ):
        raise TypeError(
            "`date_range` must be a (start, end) pair of dates (either may be None); "
            f"got {date_range!r}."
        )
    start = check_timestamp(date_range[0], "date_range[0]", allow_none=True)
    end = check_timestamp(date_range[1], "date_range[1]", allow_none=True)
    if start is not None and end is not None and start > end:
        raise ValueError(
            f"`date_range` start ({start.date()}) must not be after its end ({end.date()})."
        )
    return start, end


def date_range_mask(fd: FollowerData, date_range: tuple | None) -> np.ndarray:
    mask = np.ones(fd.n, dtype=bool)
    if date_range is not None:
        start, end = date_range
        if start is not None:
            mask &= fd.index >= start
        if end is not None:
            mask &= fd.index <= end
    return mask


def leader_state_mask(
    leader: Any, fd: FollowerData, within: float, *, delay: Any, leader_clock: Any
) -> np.ndarray:
    """Follower bars at which the leader's last known close was within ``within`` of its record.

    The leader close dated ``d`` counts from the first follower bar closing at or
    after its information time plus ``delay`` (as for events); bars before any
    leader value is known are not eligible.
    """
    clock = clock_of(leader, leader_clock, "leader_clock")
    lead = as_price_series(leader, name="leader", timezone=clock.timezone)
    x = lead.to_numpy(dtype=float)
    dd = x / np.maximum.accumulate(x) - 1.0
    avail = clock.information_times(lead.index).asi8 + pd.Timedelta(delay).value
    close_t = fd.clock.information_times(fd.index).asi8
    pos = np.searchsorted(close_t, avail, side="left")
    state = np.full(fd.n, np.nan)
    inside = pos < fd.n
    # the latest leader value reaching each bar wins (positions are non-decreasing)
    p_in, dd_in = pos[inside], dd[inside]
    last = np.r_[p_in[1:] != p_in[:-1], True]
    state[p_in[last]] = dd_in[last]
    filled = np.where(~np.isnan(state), np.arange(fd.n), -1)
    filled = np.maximum.accumulate(filled)
    out = np.zeros(fd.n, dtype=bool)
    ok = filled >= 0
    out[ok] = state[filled[ok]] >= -within - 1e-12
    return out


def check_within(value: Any) -> float:
    return check_float(
        value, "leader_within", minimum=0.0, maximum=1.0, what="a fraction below the record"
    )


def excluded_frame(ed: EventData) -> pd.DataFrame:
    """The events not used, with the reason (``before_start``, ``after_end``, ``incomplete``)."""
    bad = ed.status != "ok"
    return pd.DataFrame(
        {"reason": ed.status[bad]}, index=pd.DatetimeIndex(ed.leader_dates[bad], name="event_date")
    )


def check_optional_int(value: Any, name: str, *, minimum: int, what: str) -> int | None:
    """None, or an integer in ``[minimum, 100 years of days]`` (size-like arguments)."""
    from .._validation import check_size

    return None if value is None else check_size(value, name, minimum=minimum, what=what)
