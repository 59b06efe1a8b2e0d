"""What a few-event test is run on (internal, shared by inference, assess and scan).

The placebo sets' minimum spacing (from the events' detection rule or their own
gaps), the event statistic (mean, median or a callable) and the eras of the
follower's bars (halving cycles and data sources, volatility breaks or given
dates). The inference functions, :func:`riskcycle.assess_signal` and
:func:`riskcycle.scan` read them from here (the inference modules as
``riskcycle.inference._common.<name>``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._sample import EventData, FollowerData
from ._validation import check_choice, check_float, check_timestamp
from .calendar import CRYPTO_UTC, HALVINGS

__all__ = [
    "ERA_RULES",
    "STATISTICS",
    "Eras",
    "check_eras",
    "check_prior",
    "era_labels",
    "resolve_spacing",
    "resolve_statistic",
    "rule_spacing",
]

STATISTICS = ("mean", "median")


# ---------------------------------------------------------------------------
# spacing of the placebo sets
# ---------------------------------------------------------------------------
def rule_spacing(events: Any) -> tuple[int | None, str]:
    """Minimum spacing (calendar days) implied by the events' detection rule, if known."""
    settings = getattr(events, "settings", None) or {}
    clock = getattr(events, "clock", None)
    method = settings.get("method")
    gap = {"record": settings.get("min_gap"), "rolling": settings.get("min_spacing")}.get(method)
    if gap is None or clock is None:
        return None, ""
    days = round(gap * 365.25 / clock.periods_per_year)
    return max(int(days), 1), (
        f"the detection rule's {gap} sessions ({method!r}) at "
        f"{clock.periods_per_year} sessions a year"
    )


def resolve_spacing(
    min_spacing: Any, events: Any, ed: EventData, fd: FollowerData
) -> tuple[int, str]:
    """The placebo sets' minimum spacing in calendar days and where it comes from."""
    if min_spacing is not None:
        from ._validation import check_size

        return check_size(
            min_spacing,
            "min_spacing",
            minimum=1,
            what="a positive integer number of calendar days",
        ), "given"
    days = fd.day[ed.positions]
    observed = int(np.diff(np.sort(days)).min()) if len(days) > 1 else None
    rule, source = rule_spacing(events)
    if rule is not None:
        if observed is not None and observed < rule:
            return observed, (
                source + f", capped at the smallest gap between the events ({observed})"
            )
        return rule, source
    if observed is not None:
        return observed, "the smallest gap between the events"
    return 1, "none (a single event and no detection rule)"


# ---------------------------------------------------------------------------
# the event statistic
# ---------------------------------------------------------------------------
def _mean_rows(x: np.ndarray) -> np.ndarray:
    return np.mean(x, axis=-1)


def _median_rows(x: np.ndarray) -> np.ndarray:
    return np.median(x, axis=-1)


class _RowStatistic:
    """A user's statistic applied to each row (a class, not a closure, so that options and
    results holding it pickle whenever the user's function does)."""

    __slots__ = ("statistic", "vectorized")

    def __init__(self, statistic: Callable, vectorized: bool) -> None:
        self.statistic = statistic
        self.vectorized = vectorized

    def __getstate__(self) -> tuple:
        return (self.statistic, self.vectorized)

    def __setstate__(self, state: tuple) -> None:
        self.statistic, self.vectorized = state

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        if self.vectorized:
            out = self.statistic(x, axis=-1)
        else:
            out = np.apply_along_axis(self.statistic, -1, x)
        out = np.asarray(out, dtype=float)
        if out.shape != x.shape[:-1]:
            raise ValueError(
                f"`statistic` must return one number per set; got shape "
                f"{out.shape} for {x.shape[0]} sets."
            )
        return out


def resolve_statistic(statistic: Any) -> tuple[int, Callable[[np.ndarray], np.ndarray], str]:
    """``(kind, rowwise function, name)``; kind 0 = mean, 1 = median, -1 = user callable."""
    if isinstance(statistic, str):
        statistic = check_choice(statistic, "statistic", STATISTICS)
        kind = STATISTICS.index(statistic)
        return kind, (_mean_rows if kind == 0 else _median_rows), statistic
    if not callable(statistic):
        raise TypeError(
            f"`statistic` must be 'mean', 'median' or a callable; got {type(statistic).__name__}."
        )
    try:
        params = inspect.signature(statistic).parameters
        vectorized = "axis" in params
    except (TypeError, ValueError):  # builtins without a signature
        vectorized = False
    return -1, _RowStatistic(statistic, vectorized), getattr(statistic, "__name__", "statistic")


# ---------------------------------------------------------------------------
# eras of the follower's bars
# ---------------------------------------------------------------------------
ERA_RULES = ("halving", "variance_breaks")


@dataclass(frozen=True, slots=True)
class Eras:
    """Era labels of the follower's bars (eras are contiguous in time)."""

    rule: str  # "none", "halving" or "dates"
    breaks: pd.DatetimeIndex  # start dates of eras 1, 2, ... (era 0 starts with the data)
    label: np.ndarray  # int64 era of every bar
    #: data-source changes among the breaks (a spliced follower under "halving")
    splices: pd.DatetimeIndex = field(default_factory=lambda: pd.DatetimeIndex([]))

    def names(self) -> list[str]:
        starts = ["start", *(d.strftime("%Y-%m-%d") for d in self.breaks)]
        ends = [*(d.strftime("%Y-%m-%d") for d in self.breaks), "end"]
        return [f"{a} to {b}" for a, b in zip(starts, ends, strict=True)]

    def describe(self) -> str:
        if self.rule == "none":
            return "one era (no stratification)"
        what = {
            "halving": "Bitcoin halving cycles",
            "variance_breaks": "volatility regimes found in the data (variance_breaks)",
        }.get(self.rule, "eras")
        if len(self.splices):
            what += (
                " and data sources ("
                + ", ".join(f"new source from {d.strftime('%Y-%m-%d')}" for d in self.splices)
                + ")"
            )
        return f"{what} split at " + ", ".join(d.strftime("%Y-%m-%d") for d in self.breaks)


def check_eras(eras: Any) -> str | pd.DatetimeIndex | None:
    """``None``, ``"halving"``, ``"variance_breaks"`` or a sequence of break dates."""
    if eras is None:
        return None
    if isinstance(eras, str):
        if eras not in ERA_RULES:
            raise ValueError(
                "`eras` must be None, 'halving', 'variance_breaks' or a sequence of break "
                f"dates; got {eras!r}."
            )
        return eras
    if not isinstance(eras, Sequence | np.ndarray | pd.Index | pd.Series):
        raise TypeError(
            "`eras` must be None, 'halving', 'variance_breaks' or a sequence of break "
            f"dates (e.g. ['2014-09-17']); got {type(eras).__name__}."
        )
    values = list(eras.to_numpy() if isinstance(eras, pd.Series) else eras)
    dates = [check_timestamp(d, "eras") for d in values]
    idx = pd.DatetimeIndex([d.tz_convert(None) if d.tzinfo else d for d in dates])
    if len(idx) == 0:
        return None
    return idx.sort_values().unique()


def era_labels(fd: FollowerData, eras: str | pd.DatetimeIndex | None) -> Eras:
    """Era of each follower bar.

    ``"halving"``: the Bitcoin halving cycle of the bar's UTC day close (the same
    clock as the halving matching); ``"variance_breaks"``: eras found from the
    follower's own data (only the data given, so an as-of cut stays look-ahead free):
    the volatility breaks of :func:`riskcycle.regimes.variance_breaks` (least squares
    on absolute returns over all partitions with 15% trimming, the number of breaks
    chosen by the LWZ criterion; Bai & Perron 1998); break dates: era ``e`` holds the
    bars dated on or after break ``e`` and before break ``e + 1``.
    """
    if eras is None:
        return Eras("none", pd.DatetimeIndex([]), np.zeros(fd.n, dtype=np.int64))
    if isinstance(eras, str) and eras == "variance_breaks":
        from .regimes import variance_breaks

        found = variance_breaks(fd.close, periods_per_year=fd.clock.periods_per_year)
        breaks = pd.DatetimeIndex(found.break_dates)
        breaks = breaks.tz_convert(None) if breaks.tz is not None else breaks
        idx = fd.index.tz_convert(None) if fd.index.tz is not None else fd.index
        label = np.searchsorted(breaks.as_unit("ns").asi8, idx.as_unit("ns").asi8, side="right")
        return Eras("variance_breaks", breaks, label.astype(np.int64))
    if isinstance(eras, str):  # "halving"
        halvings = pd.DatetimeIndex(HALVINGS["timestamp"]).as_unit("ns")
        t = CRYPTO_UTC.information_times(fd.index).asi8
        label = np.searchsorted(halvings.asi8, t, side="right").astype(np.int64)
        breaks = halvings.tz_convert(None) if halvings.tz is not None else halvings
        breaks = pd.DatetimeIndex(breaks.normalize())
        naive = fd.splices.tz_convert(None) if fd.splices.tz is not None else fd.splices
        naive = pd.DatetimeIndex(naive).normalize().as_unit(breaks.unit)
        # a source change on a halving's date starts the same bar's era: nothing to add
        keep = ~naive.isin(breaks)
        if keep.any():
            # a spliced series (btc_long: Coin Metrics, then Yahoo) changes data source
            # inside a cycle: its sources are eras too (cycle x source cells)
            for a in np.searchsorted(fd.index.asi8, fd.splices[keep].asi8, side="left"):
                label[a:] += 1
            breaks = breaks.append(naive[keep]).sort_values()
            return Eras("halving", breaks, label, splices=naive[keep])
        return Eras("halving", breaks, label)
    idx = fd.index.tz_convert(None) if fd.index.tz is not None else fd.index
    label = np.searchsorted(eras.as_unit("ns").asi8, idx.as_unit("ns").asi8, side="right")
    return Eras("dates", eras, label.astype(np.int64))


# ---------------------------------------------------------------------------
# the hit rate's prior
# ---------------------------------------------------------------------------
def check_prior(prior: Any) -> tuple[float, float]:
    """A pair ``(a, b)`` of positive Beta parameters."""
    if isinstance(prior, str) or not isinstance(prior, tuple | list) or len(prior) != 2:
        raise TypeError(f"`prior` must be a pair (a, b) of Beta parameters; got {prior!r}.")
    a = check_float(
        prior[0],
        "prior[0]",
        minimum=0.0,
        inclusive=(False, True),
        what="a positive Beta parameter",
    )
    b = check_float(
        prior[1],
        "prior[1]",
        minimum=0.0,
        inclusive=(False, True),
        what="a positive Beta parameter",
    )
    return a, b


# ---------------------------------------------------------------------------
# halving-phase matching pools
# ---------------------------------------------------------------------------
@functools.cache
def halving_anchors_ns() -> np.ndarray:
    """The genesis block and the halvings, UTC ns (read-only; computed once)."""
    from ._clocks import halving_anchors

    out = halving_anchors()[0].copy()
    out.flags.writeable = False
    return out


def halving_pools(
    fd: FollowerData, cand: np.ndarray, event_pos: np.ndarray, window: int, cycles: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-event pools of candidate indices at the same halving phase (within ``window`` days).

    A bar's time is its UTC day close (as in :func:`riskcycle.calendar.halving_phase`).
    Event ``i``, ``phi_i`` days after the last halving ``A_e`` (the genesis block
    before the first halving), matches candidate ``c`` when
    ``|t_c - A_j - phi_i| <= window`` for some anchor ``A_j`` (genesis and the four
    halvings; ``j != e`` when ``cycles == "other"``).

    Returns ``(pool, off, phase_days)``.
    """
    t_all = CRYPTO_UTC.information_times(fd.index).asi8  # every bar's (cached per dates)
    t_c, t_e = t_all[cand], t_all[event_pos]
    anchors = halving_anchors_ns()
    bad = np.searchsorted(anchors, t_e, side="right") == 0
    if bad.any():
        raise ValueError(
            f"halving matching needs events after the genesis block (2009-01-03); "
            f"got day 0 on {fd.index[event_pos][bad][0].date()}."
        )
    return halving_pools_from_times(t_c, t_e, window, cycles)


def halving_pools_from_times(
    t_c: np.ndarray, t_e: np.ndarray, window: int, cycles: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`halving_pools` from the candidates' and events' UTC day closes (ns).

    Events must be after the genesis block (checked by the caller).
    """
    from ._nb_match import halving_pools

    return halving_pools(t_c, halving_anchors_ns(), t_e, window, cycles == "other")
