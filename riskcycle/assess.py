"""One call for a claim: "each time the leader broke out, the follower rallied".

:func:`assess_signal` takes a leader's breakouts (or any event dates), studies the
follower after them and runs every few-event analysis of
:mod:`riskcycle.inference`, as an analyst could have on a given day (``as_of``),
then reports what happened afterwards. Each test that enters the verdict is
calibrated on the follower's own history (:func:`riskcycle.inference.calibrate`),
and the verdict is decided on the calibrated p-values, the hit count and the
exact sign-test floor, with every event left out in turn.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._clocks import clock_of
from ._results import ResultMixin, Summary, package_versions
from ._rng import RNGLike, check_rng
from ._sample import NO_DELAY, EventSample
from ._typing import ClockLike, DateLike, DatesLike, DelayLike, EventsLike, PricesLike
from ._validation import (
    as_price_frame,
    check_alternative,
    check_choice,
    check_confidence_level,
    check_float,
    check_horizon,
    check_int,
    check_n_resamples,
    check_timedelta,
    check_timestamp,
)
from .events import Events, breakouts, describe
from .exceptions import RiskcycleWarning

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["SignalAssessment", "assess_signal"]

LABELS = ("supported", "fragile", "mixed", "not_supported", "no_events")
#: tests whose calibrated p-values decide the verdict (when they were run)
VERDICT_TESTS = ("placebo", "placebo_halving_matched", "placebo_era", "hit_count")
_TEST_NAMES = {
    "placebo": "random dates with the same spacing",
    "placebo_halving_matched": "dates at the same halving-cycle phase",
    "placebo_era": "random dates in the same eras",
    "hit_count": "the base rate of up-moves",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalAssessment(ResultMixin):
    """Everything :func:`assess_signal` found about one claim.

    Attributes
    ----------
    events : Events or DatetimeIndex
        Breakouts detected in the leader's data up to ``as_of``, or the event
        dates given.
    event_study : EventStudyResult or None
        :func:`riskcycle.event_study` of the follower after them (all ``horizons``).
    horizon, horizons : int, tuple of int
        The horizon of the inference (calendar days) and those of the event study.
    placebo, placebo_matched, placebo_era : PlaceboResult or None
        Placebo tests: plain, matched on the halving-cycle phase (own cycle in
        the pool), and stratified by era.
    bootstrap, bootstrap_unconditional : BootstrapResult or None
        Block-bootstrap interval of the mean forward return across events and
        from every day.
    garch_null : GarchNullResult or None
        Reported with its measured size; not used by the verdict.
    base_rate : BaseRateResult
    power : PowerResult or None
    calibration : dict of str to CalibrationResult
        Size on the follower's own history and calibrated p-value of every
        verdict test (:func:`riskcycle.inference.calibrate`).
    family_wise : dict or None
        The plain placebo test over all ``horizons`` at once: the min-p
        family-wise p-value over shared placebo draws.
    leave_one_out : DataFrame
        One row per event left out: the calibrated p-values and the verdict
        without it.
    fragile_events : tuple of Timestamp
        Events whose removal changes the verdict.
    min_attainable_pvalues : dict
        The smallest p-value each test could have given with these events.
    verdict : tuple of str
        Sentences generated from the numbers.
    verdict_label : {"supported", "fragile", "mixed", "not_supported", "no_events"}
        See :func:`assess_signal`, Notes.
    as_of : Timestamp or None
        Every input was cut at this date before anything was computed.
    data_end : Timestamp
        Last follower bar used.
    follow_up : DataFrame or None
        With ``as_of``: what happened afterwards (full data) to the events still
        inside their window at ``as_of`` and to later events. The only field
        that uses data after ``as_of``.
    """

    events: Any
    event_study: Any
    horizon: int
    horizons: tuple[int, ...]
    placebo: Any
    placebo_matched: Any
    placebo_era: Any
    bootstrap: Any
    bootstrap_unconditional: Any
    garch_null: Any
    base_rate: Any
    power: Any
    calibration: dict
    family_wise: dict | None
    leave_one_out: pd.DataFrame
    fragile_events: tuple[pd.Timestamp, ...]
    min_attainable_pvalues: dict
    verdict: tuple[str, ...]
    verdict_label: str
    alpha: float
    as_of: pd.Timestamp | None
    data_end: pd.Timestamp
    follow_up: pd.DataFrame | None
    leader_name: str = "leader"
    follower_name: str = "follower"
    notes: tuple[str, ...] = ()
    settings: dict = field(default_factory=dict)
    versions: dict = field(default_factory=package_versions)

    def __repr__(self) -> str:
        n = self.placebo.n_events if self.placebo is not None else 0
        asof = f", as_of={self.as_of.date()}" if self.as_of is not None else ""
        return (
            f"SignalAssessment({self.leader_name} -> {self.follower_name}, "
            f"horizon={self.horizon}, n_events={n}{asof}, verdict={self.verdict_label!r})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per test: nominal and calibrated p-values, size on this path, null, scheme."""
        rows = []

        def add(test, res, *, pvalue=None, pvalue_se=None, statistic=None, min_p=None, **extra):
            if res is None:
                return
            cal = self.calibration.get(test)
            lo, hi = cal.size_confidence_interval if cal is not None else (np.nan, np.nan)
            rows.append(
                {
                    "test": test,
                    "horizon": self.horizon,
                    "statistic": float(res.statistic if statistic is None else statistic),
                    "pvalue": float(res.pvalue if pvalue is None else pvalue),
                    "pvalue_se": float(
                        getattr(res, "pvalue_se", 0.0) if pvalue_se is None else pvalue_se
                    ),
                    "pvalue_calibrated": cal.pvalue_calibrated if cal is not None else np.nan,
                    "pvalue_calibrated_se": (
                        cal.pvalue_calibrated_se if cal is not None else np.nan
                    ),
                    "size_at_alpha": cal.size if cal is not None else np.nan,
                    "size_ci_low": lo,
                    "size_ci_high": hi,
                    "in_verdict": cal is not None and test in VERDICT_TESTS,
                    "min_attainable_pvalue": float(
                        res.min_attainable_pvalue if min_p is None else min_p
                    ),
                    "n_events": int(res.n_events),
                    "null_hypothesis": res.null_hypothesis,
                    "resampling": getattr(res, "resampling", ""),
                    **extra,
                }
            )

        add("placebo", self.placebo)
        add("placebo_halving_matched", self.placebo_matched)
        add("placebo_era", self.placebo_era)
        add("garch_null", self.garch_null)
        br = self.base_rate
        if br is not None and br.n_events:
            add("hit_count", br, pvalue_se=0.0)
        fw = self.family_wise
        if fw is not None and np.isfinite(fw["pvalue"]):
            rows.append(
                {
                    "test": "placebo_family_wise",
                    "horizon": max(fw["horizons"]),
                    "statistic": fw["statistic"],
                    "pvalue": fw["pvalue"],
                    "pvalue_se": fw["pvalue_se"],
                    "pvalue_calibrated": np.nan,
                    "pvalue_calibrated_se": np.nan,
                    "size_at_alpha": np.nan,
                    "size_ci_low": np.nan,
                    "size_ci_high": np.nan,
                    "in_verdict": False,
                    "min_attainable_pvalue": 1.0 / (1 + fw["n_resamples"]),
                    "n_events": fw["n_events"],
                    "null_hypothesis": fw["null_hypothesis"],
                    "resampling": fw["resampling"],
                }
            )
        return pd.DataFrame(rows, columns=_FRAME_COLUMNS)

    def _summary(self) -> Summary:
        tables = []
        if self.placebo is not None and self.placebo.n_events:
            p = self.placebo
            tables.append(
                (
                    "Events with complete windows",
                    pd.DataFrame(
                        {
                            "day0_date": p.day0_dates,
                            "log_return": p.event_returns,
                            "simple_return": np.expm1(p.event_returns),
                        },
                        index=pd.DatetimeIndex(p.event_dates, name="event_date"),
                    ),
                )
            )
        tests = self.to_frame().drop(columns=["null_hypothesis", "resampling"])
        tables.append(
            ("Tests (nominal and calibrated on the follower's history)", tests.set_index("test"))
        )
        if len(self.leave_one_out):
            tables.append(("Leave one event out", self.leave_one_out.set_index("left_out")))
        key = {}
        if self.bootstrap is not None:
            key["mean_ci_low"], key["mean_ci_high"] = self.bootstrap.confidence_interval
        if self.base_rate is not None:
            key["base_rate"] = self.base_rate.base_rate
            key["bayes_factor"] = self.base_rate.bayes_factor
        key.update(_power_numbers(self.power))
        key.update({f"min_pvalue_{k}": v for k, v in self.min_attainable_pvalues.items()})
        tables.append(("Key numbers", pd.DataFrame({"value": key})))
        if self.follow_up is not None and len(self.follow_up):
            tables.append(
                (
                    f"After {self.as_of.date()} (full data)",
                    self.follow_up.set_index(["event_date", "horizon"]),
                )
            )
        asof = f" as of {self.as_of.date()}" if self.as_of is not None else ""
        return Summary(
            title=f"{self.leader_name} events -> {self.follower_name}, "
            f"{self.horizon}-day horizon{asof}",
            tables=tuple(tables),
            notes=(*self.verdict, *self.notes),
        )

    def plot(self, ax: np.ndarray | None = None) -> Figure:
        """Null distributions of the placebo tests and the GARCH null, and the power curve.

        ``ax``: an array of four matplotlib Axes, or None for a new 2x2 figure.
        Returns the matplotlib Figure.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(2, 2, figsize=(11, 6.5))
        axes = np.asarray(ax).ravel()
        if axes.size < 4:
            raise ValueError("`ax` must hold four Axes (e.g. from plt.subplots(2, 2)).")
        fig = axes[0].figure
        for a, res, test, name in zip(
            axes[:3],
            (self.placebo, self.placebo_matched, self.garch_null),
            ("placebo", "placebo_halving_matched", "garch_null"),
            ("placebo", "halving-matched placebo", "GARCH null (not in the verdict)"),
            strict=True,
        ):
            if res is not None and len(res.null_distribution):
                res.plot(ax=a)
                cal = self.calibration.get(test)
                extra = f", calibrated {cal.pvalue_calibrated:.3g}" if cal is not None else ""
                a.set_title(f"{name}: p = {res.pvalue:.3g}{extra}", fontsize=9)
            else:
                a.set_axis_off()
        if self.power is not None:
            self.power.plot(ax=axes[3])
        else:
            axes[3].set_axis_off()
        return fig


_FRAME_COLUMNS = [
    "test",
    "horizon",
    "statistic",
    "pvalue",
    "pvalue_se",
    "pvalue_calibrated",
    "pvalue_calibrated_se",
    "size_at_alpha",
    "size_ci_low",
    "size_ci_high",
    "in_verdict",
    "min_attainable_pvalue",
    "n_events",
    "null_hypothesis",
    "resampling",
]


def _power_numbers(pw: Any) -> dict:
    if pw is None:
        return {}
    out = {}
    for name in (
        "mde_observed",
        "mde_observed_se",
        "events_needed",
        "events_needed_se",
        "years_needed",
    ):
        if hasattr(pw, name):
            out[name] = getattr(pw, name)
    return out


# ---------------------------------------------------------------------------
# the verdict
# ---------------------------------------------------------------------------
def _fmt_p(p: float) -> str:
    if not np.isfinite(p):
        return "n/a"
    return f"{p:.2g}" if p < 0.01 else f"{p:.2f}" if p < 0.995 else f"{p:.3f}"


def _x(v: float) -> str:
    return f"{math.exp(v):.2f}x" if np.isfinite(v) else "n/a"


def label_of(calibrated: dict[str, float], alpha: float) -> str:
    """ "supported" when every verdict test rejects, "mixed" when some do, else "not_supported"."""
    rejects = [p <= alpha for p in calibrated.values() if np.isfinite(p)]
    if not rejects:
        return "not_supported"
    return "supported" if all(rejects) else "mixed" if any(rejects) else "not_supported"


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the verdict is written from (every number already computed)."""

    leader: str
    follower: str
    definition: str
    h: int
    alpha: float
    k: int
    pending: list
    data_end: pd.Timestamp
    pl: Any
    plm: Any
    ple: Any
    garch: Any
    boot: Any
    br: Any
    pw: Any
    thr: float
    calibration: dict
    loo: pd.DataFrame
    family_wise: dict | None
    boot_u: Any = None  # the unconditional bootstrap (shown, not in the verdict)


def _verdict(f: _Facts) -> tuple[tuple[str, ...], str, tuple]:
    """Sentences, label and fragile events, every word chosen by a number."""
    out: list[str] = []
    if f.k == 0:
        out.append(
            f"No {f.leader} event ({f.definition}) has a complete {f.h}-day window of "
            f"{f.follower} data up to {f.data_end.date()}: there is nothing to assess yet."
        )
        if len(f.pending):
            out.append(f"Still inside their window: {', '.join(f.pending)}.")
        return tuple(out), "no_events", ()
    cal = {t: c.pvalue_calibrated for t, c in f.calibration.items() if t in VERDICT_TESTS}
    label = label_of(cal, f.alpha)
    fragile = _fragile(f, label)
    verdict_label = "fragile" if fragile and label in ("supported", "mixed") else label
    out += _headline(f, label, verdict_label, fragile, cal)
    out += _facts_sentences(f, cal)
    return tuple(out), verdict_label, tuple(fragile)


def _fragile(f: _Facts, label: str) -> list[pd.Timestamp]:
    if label == "not_supported":
        return []
    if f.k == 1:
        return [f.pl.event_dates[0]]
    if not len(f.loo):
        return []
    return [pd.Timestamp(d) for d in f.loo.loc[_weaker(f.loo, label), "left_out"]]


def _headline(f, label, verdict_label, fragile, cal) -> list[str]:
    names = {t: _TEST_NAMES[t] for t in cal}
    sig = [names[t] for t, p in cal.items() if p <= f.alpha]
    nonsig = [names[t] for t, p in cal.items() if not p <= f.alpha]
    head = {
        "supported": f"Bottom line: at the {f.alpha:.0%} level, after calibration on "
        f"{f.follower}'s own history, the events stand out against every null in the "
        "verdict (" + ", ".join(sig) + ").",
        "mixed": f"Bottom line: after calibration on {f.follower}'s own history the "
        f"events stand out against {' and '.join(sig) or 'no null'} at the "
        f"{f.alpha:.0%} level, but not against {' and '.join(nonsig)}.",
        "not_supported": f"Bottom line: after calibration on {f.follower}'s own history "
        f"the data do not distinguish the events from {' or '.join(nonsig)} at the "
        f"{f.alpha:.0%} level.",
    }[label]
    out = [head]
    if verdict_label == "fragile":
        days = ", ".join(d.strftime("%Y-%m-%d") for d in fragile)
        if f.k == 1:
            out.append(f"Fragile: this rests on a single event ({days}).")
        else:
            flips = ", ".join(_flipped_to(f.loo, label))
            if len(fragile) == 1:
                out.append(
                    f"Fragile: leaving out the event of {days} changes this conclusion to "
                    f"{flips} (see the leave-one-out table): it rests on that event."
                )
            else:
                out.append(
                    f"Fragile: leaving out any one of the events {days} changes this "
                    f"conclusion to {flips} (see the leave-one-out table): it rests on "
                    "each of them."
                )
    floor = 0.5**f.k
    if floor > f.alpha:
        out.append(
            f"With {f.k} event{'s' if f.k > 1 else ''} no exact test of direction can reach "
            f"the {f.alpha:.0%} level: a sign test cannot give p below {floor:.2g}."
        )
    return out


_STRENGTH = {"supported": 2, "mixed": 1, "not_supported": 0}


def _weaker(loo: pd.DataFrame, label: str) -> pd.Series:
    """Rows of the leave-one-out table whose verdict is weaker than ``label``."""
    return loo["verdict_without"].map(_STRENGTH) < _STRENGTH[label]


def _flipped_to(loo: pd.DataFrame, label: str) -> list[str]:
    return sorted(set(loo.loc[_weaker(loo, label), "verdict_without"]))


def _facts_sentences(f: _Facts, cal: dict) -> list[str]:
    """The assessment's facts in sentences, one step per analysis."""
    out = _event_sentences(f)
    out += _placebo_sentences(f)
    out += _garch_sentences(f)
    out += _base_rate_sentences(f)
    if f.family_wise is not None and np.isfinite(f.family_wise["pvalue"]):
        fw = f.family_wise
        hs = ", ".join(str(h) for h in fw["horizons"])
        out.append(
            f"Judged over the horizons {hs} days together (smallest p over shared placebo "
            f"draws, {fw['n_events']} events): family-wise p = {_fmt_p(fw['pvalue'])}."
        )
    out += _leave_one_out_sentences(f, cal)
    out += _power_sentences(f)
    return out


def _event_sentences(f: _Facts) -> list[str]:
    """The events counted, those still pending, their mean return and its interval."""
    dates = ", ".join(d.strftime("%Y-%m-%d") for d in f.pl.event_dates)
    out = [
        f"{f.k} event{'s' if f.k > 1 else ''} of {f.leader} ({f.definition}) "
        f"{'have' if f.k > 1 else 'has'} a complete {f.h}-day window of {f.follower} "
        f"data up to {f.data_end.date()}: {dates}."
    ]
    if len(f.pending):
        out.append(
            f"{len(f.pending)} more {'are' if len(f.pending) > 1 else 'is'} still inside "
            f"the window and not counted: {', '.join(f.pending)}."
        )
    out.append(
        f"After them {f.follower}'s mean {f.h}-day log return was {f.pl.statistic:.2f} "
        f"({_x(f.pl.statistic)}), against {f.pl.null_mean:.2f} ({_x(f.pl.null_mean)}) for "
        f"random dates with the same spacing."
    )
    if f.boot is not None and np.isfinite(f.boot.confidence_interval[0]):
        lo, hi = f.boot.confidence_interval
        what = {
            "between_events": "from the dispersion between the events",
            "within_windows": "block bootstrap within the windows only, not between events",
        }.get(getattr(f.boot, "variation", ""), f.boot.interval)
        out.append(
            f"{f.boot.confidence_level:.0%} interval for that mean ({what}): "
            f"{lo:.2f} to {hi:.2f} ({_x(lo)} to {_x(hi)})."
        )
    return out


def _placebo_sentences(f: _Facts) -> list[str]:
    """The placebo tests' nominal and calibrated p-values, with their size."""
    parts = []
    for t, res in (
        ("placebo", f.pl),
        ("placebo_halving_matched", f.plm),
        ("placebo_era", f.ple),
    ):
        c = f.calibration.get(t)
        if res is None or c is None or not np.isfinite(res.pvalue):
            continue
        parts.append(
            f"against {_TEST_NAMES[t]}: p = {_fmt_p(res.pvalue)}, calibrated "
            f"{_fmt_p(c.pvalue_calibrated)} (size at {f.alpha:g} on this history "
            f"{c.size:.3f})"
        )
    return ["Placebo tests " + "; ".join(parts) + "."] if parts else []


def _garch_sentences(f: _Facts) -> list[str]:
    """The GARCH null's p-value (not used by the verdict)."""
    if f.garch is None or not np.isfinite(f.garch.pvalue):
        return []
    c = f.calibration.get("garch_null")
    size = (
        f" its size at {f.alpha:g} on this history is {c.size:.3f} (calibrated p "
        f"{_fmt_p(c.pvalue_calibrated)});"
        if c is not None
        else ""
    )
    return [
        f"Against a GARCH(1,1)-t model of {f.follower} with no link to the events: "
        f"p = {_fmt_p(f.garch.pvalue)} (model mean {f.garch.expected_statistic:.2f});"
        f"{size} it assumes a stationary follower and is not used by the verdict."
    ]


def _base_rate_sentences(f: _Facts) -> list[str]:
    """The base rate, the events' hit count against it and the Bayes factor."""
    if f.br is None or not np.isfinite(f.br.base_rate):
        return []
    verb = "rose" if f.thr == 0 else f"rose more than {f.thr:.0%}"
    c = f.calibration.get("hit_count")
    calp = f", calibrated {_fmt_p(c.pvalue_calibrated)}" if c is not None else ""
    return [
        f"{f.follower} {verb} over {f.h} days from {f.br.base_rate:.0%} of all days "
        f"({f.br.confidence_level:.0%} interval {f.br.confidence_interval[0]:.0%} to "
        f"{f.br.confidence_interval[1]:.0%}); {f.br.hits} of {f.k} events did, which a "
        f"signal unrelated to {f.follower} would match or beat with probability "
        f"{_fmt_p(f.br.pvalue)}{calp} (Bayes factor {f.br.bayes_factor:.2g} for 'better "
        f"than the base rate'); the hit count cannot give p below "
        f"{f.br.min_attainable_pvalue:.2g}."
    ]


def _leave_one_out_sentences(f: _Facts, cal: dict) -> list[str]:
    """The calibrated p-values and verdict without each event in turn."""
    if not len(f.loo):
        return []
    bits = []
    for _, row in f.loo.iterrows():
        ps = ", ".join(
            f"{t} {_fmt_p(row[f'pvalue_calibrated_{t}'])}"
            for t in cal
            if f"pvalue_calibrated_{t}" in row
        )
        bits.append(f"without {row['left_out'].date()}: {ps} ({row['verdict_without']})")
    return ["Leaving one event out (calibrated p): " + "; ".join(bits) + "."]


def _power_sentences(f: _Facts) -> list[str]:
    pw = f.pw
    if pw is None:
        return []
    if not (np.isfinite(pw.effect) and pw.effect > 0):
        return [
            "The events' mean forward return is not above that of a typical day: there "
            "is no effect to power a test for."
        ]
    need = (
        f"about {pw.events_needed:.0f} events"
        + (
            f" ({pw.years_needed:.0f} years at the observed rate)"
            if np.isfinite(getattr(pw, "years_needed", np.nan))
            else ""
        )
        if np.isfinite(pw.events_needed)
        else f"more than {int(pw.table['n_events'].max())} events"
    )
    mde = (
        f"an effect of {pw.mde_observed:.2f} log points ({_x(pw.mde_observed)})"
        if np.isfinite(pw.mde_observed)
        else "no effect in the range simulated"
    )
    se = getattr(pw, "events_needed_se", np.nan)
    se_txt = (
        f" (Monte Carlo s.e. {se:.1f})"
        if np.isfinite(se) and np.isfinite(pw.events_needed)
        else ""
    )
    scheme = getattr(pw, "scheme", "block")
    where = (
        f"pseudo-events on {f.follower}'s own history"
        if scheme == "real_path"
        else "block-bootstrapped histories"
    )
    return [
        f"{pw.target_power:.0%} power for the placebo test ({where}) needs {mde} with "
        f"{f.k} events, or {need}{se_txt} at an effect the size of the observed one (a "
        "planning figure, not evidence: power at the observed effect is post-hoc power)."
    ]


# ---------------------------------------------------------------------------
# options
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class AssessOptions:
    """The checked options of :func:`assess_signal` (also the result's ``settings``)."""

    horizons: tuple[int, ...]
    horizon: int
    as_of: pd.Timestamp | None
    threshold: float
    alternative: str
    halving_window: int | None
    halving_cycles: str
    eras: Any
    n_resamples: int
    garch_resamples: int
    power_simulations: int
    power_resamples: int
    n_calibration: int
    calibration_resamples: int
    alpha: float
    target_power: float
    confidence_level: float
    prior: tuple[float, float]
    delay: pd.Timedelta
    #: threads (not a setting of the analysis: the numbers do not depend on it)
    n_jobs: int | None = None

    def as_dict(self) -> dict:
        out = {f: getattr(self, f) for f in self.__dataclass_fields__ if f != "n_jobs"}
        if isinstance(self.eras, pd.DatetimeIndex):
            out["eras"] = [d.strftime("%Y-%m-%d") for d in self.eras]
        return out


def _check_horizons(horizons: Any, horizon: Any) -> tuple[tuple[int, ...], int]:
    if isinstance(horizons, int | np.integer) and not isinstance(horizons, bool):
        horizons = (horizons,)
    if isinstance(horizons, str) or not isinstance(horizons, Sequence | np.ndarray):
        raise TypeError(
            f"`horizons` must be a sequence of positive integers (calendar days); "
            f"got {type(horizons).__name__}."
        )
    what = "a positive integer number of calendar days"
    horizons = tuple(sorted({check_horizon(h, "horizons", what=what) for h in horizons}))
    if not horizons:
        raise ValueError("`horizons` must not be empty.")
    horizon = horizons[-1] if horizon is None else check_horizon(horizon, "horizon", what=what)
    return tuple(sorted({*horizons, horizon})), horizon


def _check_direction(alternative: Any) -> str:
    alternative = check_alternative(alternative)
    if alternative != "greater":
        raise ValueError(
            "`alternative` must be 'greater' in assess_signal: its verdict, hit count and "
            f"power are written for a claim that the follower rose; got {alternative!r}. For "
            "other directions use riskcycle.placebo_test and riskcycle.inference.calibrate "
            "directly."
        )
    return alternative


def _assess_signal_iv(
    *,
    horizons,
    horizon,
    as_of,
    threshold,
    alternative,
    halving_window,
    halving_cycles,
    eras,
    n_resamples,
    garch_resamples,
    power_simulations,
    power_resamples,
    n_calibration,
    calibration_resamples,
    alpha,
    target_power,
    confidence_level,
    prior,
    delay,
    n_jobs=None,
) -> AssessOptions:
    from ._design import check_eras, check_prior
    from ._threads import check_n_jobs

    horizons, horizon = _check_horizons(horizons, horizon)
    as_of = check_timestamp(as_of, "as_of", allow_none=True)
    threshold = check_float(
        threshold,
        "threshold",
        minimum=-1.0,
        inclusive=(False, True),
        what="a simple-return threshold above -1",
    )
    if halving_window is not None:
        halving_window = check_int(
            halving_window,
            "halving_window",
            minimum=0,
            what="a non-negative integer number of days",
        )
    alpha = check_float(
        alpha,
        "alpha",
        minimum=0.0,
        maximum=1.0,
        inclusive=(False, False),
        what="a significance level",
    )
    power_resamples = check_n_resamples(power_resamples, "power_resamples", minimum=1)
    if 1.0 / (1 + power_resamples) > alpha:
        raise ValueError(
            f"`power_resamples` ({power_resamples}) is too small for alpha "
            f"{alpha}: use at least {math.ceil(1 / alpha) - 1}."
        )
    return AssessOptions(
        horizons=horizons,
        horizon=horizon,
        as_of=None if as_of is None else as_of.normalize(),
        threshold=threshold,
        alternative=_check_direction(alternative),
        halving_window=halving_window,
        halving_cycles=check_choice(halving_cycles, "halving_cycles", ("all", "other")),
        eras=check_eras(eras),
        n_resamples=check_n_resamples(n_resamples, minimum=19),
        garch_resamples=check_n_resamples(garch_resamples, "garch_resamples", minimum=19),
        power_simulations=check_n_resamples(power_simulations, "power_simulations", minimum=10),
        power_resamples=power_resamples,
        n_calibration=_check_n_calibration(n_calibration),
        calibration_resamples=check_n_resamples(
            calibration_resamples, "calibration_resamples", minimum=19
        ),
        alpha=alpha,
        target_power=check_float(
            target_power,
            "target_power",
            minimum=0.0,
            maximum=1.0,
            inclusive=(False, False),
            what="a probability",
        ),
        confidence_level=check_confidence_level(confidence_level),
        prior=check_prior(prior),
        delay=check_timedelta(delay, "delay"),
        n_jobs=check_n_jobs(n_jobs),
    )


# ---------------------------------------------------------------------------
# steps
# ---------------------------------------------------------------------------
def _is_event_input(obj: Any) -> bool:
    """Events, a DatetimeIndex, a Series of dates or a list of dates (not prices)."""
    if isinstance(obj, Events | pd.DatetimeIndex):
        return True
    if isinstance(obj, pd.Series):
        return pd.api.types.is_datetime64_any_dtype(obj.dtype)
    if isinstance(obj, list | tuple):
        return all(
            isinstance(v, str | pd.Timestamp | np.datetime64) or hasattr(v, "year") for v in obj
        )
    return False


@dataclass(frozen=True, slots=True)
class _Inputs:
    lead_full: pd.DataFrame | None  # None when events were given
    events_full: Any  # events given (before the as-of cut), else None
    fd_full: Any
    fd: Any
    lclock: Any
    leader_name: str


def _inputs(leader, follower, opts: AssessOptions, leader_clock, follower_clock) -> _Inputs:
    from ._sample import follower_data, truncate

    given = _is_event_input(leader)
    if given and not isinstance(leader, Events):
        from ._validation import as_event_dates

        leader = as_event_dates(leader, "leader")
    if isinstance(leader, Events) and leader_clock is None:
        lclock = leader.clock
    else:
        lclock = clock_of(leader, leader_clock, "leader_clock")
    fd_full = follower_data(follower, follower_clock=follower_clock)
    lead_full = None if given else as_price_frame(leader, name="leader", timezone=lclock.timezone)
    fd = fd_full
    if opts.as_of is not None:
        if lead_full is not None and len(lead_full.loc[: opts.as_of]) < 2:
            raise ValueError(
                f"`as_of` ({opts.as_of.date()}) leaves fewer than two leader "
                f"observations (the leader starts {lead_full.index[0].date()})."
            )
        fd = truncate(fd_full, opts.as_of)
        if fd.n < 3:
            raise ValueError(
                f"`as_of` ({opts.as_of.date()}) leaves fewer than three follower "
                f"observations (the follower starts {fd_full.index[0].date()})."
            )
    name = (
        str(lead_full.attrs.get("name", "leader"))
        if lead_full is not None
        else getattr(leader, "leader_name", "events")
    )
    return _Inputs(lead_full, leader if given else None, fd_full, fd, lclock, name)


def _detect(inp: _Inputs, opts: AssessOptions, bo: dict) -> Any:
    """The events known at ``as_of``: detected in the cut leader data, or the given dates."""
    if inp.events_full is None:
        lead = inp.lead_full if opts.as_of is None else inp.lead_full.loc[: opts.as_of]
        lead.attrs = dict(inp.lead_full.attrs)
        return breakouts(lead, **bo)
    ev = inp.events_full
    if isinstance(ev, Events):
        return ev if opts.as_of is None else ev.between(None, opts.as_of)
    idx = pd.DatetimeIndex(pd.to_datetime(list(ev) if not isinstance(ev, pd.Index) else ev))
    idx = idx.sort_values()
    return idx if opts.as_of is None else idx[idx <= opts.as_of]


def _check_n_calibration(value: object) -> int:
    """Random sets of the calibrations: at least 19, at most inference.calibrate's 1,000,000."""
    from ._calibration import MAX_SETS

    n = check_n_resamples(value, "n_calibration", minimum=19)
    if n > MAX_SETS:
        raise ValueError(f"`n_calibration` must be at most {MAX_SETS:,}; got {n:,}.")
    return n


class _Collector:
    """Runs analyses and keeps their riskcycle warnings as notes."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def __call__(self, fn, *args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RiskcycleWarning)
            out = fn(*args, **kwargs)
        for w in caught:
            if issubclass(w.category, RiskcycleWarning):
                msg = f"{w.category.__name__}: {w.message}"
                if msg not in self.notes:
                    self.notes.append(msg)
            else:  # pragma: no cover - not ours: pass it on
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return out


@dataclass(frozen=True, slots=True)
class _Prepared:
    """The event sample of the assessment's horizon (built once), the checked ``eras``
    argument and the event statistic; ``fd``, ``win``, ``ed``, ``spacing``, ``source``
    and ``eras`` read the sample."""

    sample: EventSample
    eras_rule: Any
    kind: int
    func: Any

    @property
    def fd(self) -> Any:
        return self.sample.fd

    @property
    def win(self) -> Any:
        return self.sample.win

    @property
    def ed(self) -> Any:
        return self.sample.ed

    @property
    def spacing(self) -> int:
        return self.sample.min_spacing

    @property
    def source(self) -> str:
        return self.sample.spacing_source

    @property
    def eras(self) -> Any:
        return self.sample._era_labels(self.eras_rule)


def _placebos(p: _Prepared, opts: AssessOptions, collect, streams) -> tuple:
    """The placebo tests on the sample: plain, halving-matched and era-stratified."""
    from .inference import placebo_test

    kw = dict(
        alternative=opts.alternative,
        n_resamples=opts.n_resamples,
        halving_cycles=opts.halving_cycles,
        n_jobs=opts.n_jobs,
    )
    pl = collect(placebo_test, p.sample, rng=streams[0], **kw)
    plm = ple = None
    if p.ed.n and opts.halving_window is not None:
        try:
            plm = collect(
                placebo_test, p.sample, halving_window=opts.halving_window, rng=streams[1], **kw
            )
        except ValueError as exc:
            collect.notes.append(f"Halving-matched placebo test not run: {exc}")
    if p.ed.n and p.eras.rule != "none":
        ple = collect(placebo_test, p.sample, eras=p.eras_rule, rng=streams[2], **kw)
    return pl, plm, ple


def _other_tests(p: _Prepared, opts: AssessOptions, collect, streams) -> tuple:
    """Bootstrap intervals (events, every day), GARCH null, base rate and power."""
    from .inference import base_rate, bootstrap_ci, garch_null_test, power_analysis

    boot = boot_u = garch = pw = None
    # across events: a t-interval from their own dispersion (interval None)
    boot_kw = dict(confidence_level=opts.confidence_level, n_resamples=opts.n_resamples)
    if p.ed.n:
        boot = collect(bootstrap_ci, p.sample, rng=streams[3], **boot_kw)
        garch = collect(
            garch_null_test,
            p.sample,
            alternative=opts.alternative,
            n_resamples=opts.garch_resamples,
            burn=500,
            n_jobs=opts.n_jobs,
            rng=streams[4],
        )
    if len(p.win.eligible):
        boot_u = collect(bootstrap_ci, p.sample.without_events(), rng=streams[5], **boot_kw)
    br = collect(
        base_rate,
        p.sample,
        threshold=opts.threshold,
        n_resamples=opts.n_resamples,
        confidence_level=opts.confidence_level,
        prior=opts.prior,
        rng=streams[6],
    )
    if p.ed.n:
        pw = collect(
            power_analysis,
            p.sample,
            alpha=opts.alpha,
            target_power=opts.target_power,
            n_simulations=opts.power_simulations,
            n_resamples=opts.power_resamples,
            n_jobs=opts.n_jobs,
            rng=streams[7],
        )
    return boot, boot_u, garch, br, pw


def _specs(p: _Prepared, opts: AssessOptions, pos: np.ndarray, nulls: dict, rng) -> dict:
    """The verdict tests as calibration specs (the placebo nulls reused when given)."""
    from . import _calibration as K
    from ._design import Eras

    none = Eras("none", pd.DatetimeIndex([]), np.zeros(p.fd.n, dtype=np.int64))
    common = dict(kind=p.kind, func=p.func, alternative=opts.alternative)
    specs = {
        "placebo": K.placebo_spec(
            p.fd,
            p.win,
            spacing=p.spacing,
            eras=none,
            n_resamples=opts.n_resamples,
            rng=rng,
            **nulls.get("placebo", {}),
            **common,
        )
    }
    if opts.halving_window is not None:
        specs["placebo_halving_matched"] = K.matched_spec(
            p.fd,
            p.win,
            spacing=p.spacing,
            window=opts.halving_window,
            cycles=opts.halving_cycles,
            n_resamples=opts.calibration_resamples,
            rng=rng,
            n_jobs=opts.n_jobs,
            **common,
        )
    if p.eras.rule != "none":
        specs["placebo_era"] = K.placebo_spec(
            p.fd,
            p.win,
            spacing=p.spacing,
            eras=p.eras,
            n_resamples=opts.n_resamples,
            rng=rng,
            **nulls.get("placebo_era", {}),
            **common,
        )
    specs["hit_count"] = K.hit_count_spec(p.win, threshold=opts.threshold)
    return specs


def _calibrations(p: _Prepared, opts: AssessOptions, pos, nulls: dict, collect, rng) -> dict:
    from . import _calibration as K

    if len(pos) == 0:
        return {}
    s_spec, *s_sets = rng.spawn(1 + len(VERDICT_TESTS))
    specs = _specs(p, opts, pos, nulls, s_spec)
    out = {}
    for (name, spec), stream in zip(specs.items(), s_sets, strict=False):
        out[name] = collect(
            K.calibrate_core,
            p.fd,
            p.win,
            pos,
            spec,
            spacing=p.spacing,
            eras=p.eras,
            alpha=opts.alpha,
            n_sets=opts.n_calibration,
            rng=stream,
        )
    return out


def _garch_calibration(p: _Prepared, opts: AssessOptions, collect, rng):
    """The GARCH null's size and calibrated p on this history (reported, not in the verdict):
    :func:`riskcycle.inference.calibrate` on the sample (the GARCH null's fit is reused:
    fits are kept per returns)."""
    from .inference import calibrate

    return collect(
        calibrate,
        p.sample,
        test="garch_null",
        alpha=opts.alpha,
        n_sets=opts.n_calibration,
        eras=p.eras_rule,
        statistic="mean",
        alternative=opts.alternative,
        n_resamples=opts.garch_resamples,
        rng=rng,
    )


def _null_of(res) -> dict:
    if res is None or not len(res.null_distribution):
        return {}
    return {"null": res.null_distribution, "exact": res.method == "exact"}


def _leave_one_out(p: _Prepared, opts: AssessOptions, collect, rng) -> pd.DataFrame:
    pos = p.ed.positions
    k = len(pos)
    rows = []
    if k < 2:
        return pd.DataFrame(rows)
    for i, stream in zip(range(k), rng.spawn(k), strict=True):
        cal = _calibrations(p, opts, np.delete(pos, i), {}, collect, stream)
        row = {"left_out": p.ed.dates[i]}
        row.update({f"pvalue_calibrated_{t}": c.pvalue_calibrated for t, c in cal.items()})
        row["verdict_without"] = label_of(
            {t: c.pvalue_calibrated for t, c in cal.items()}, opts.alpha
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _family_wise(p: _Prepared, opts: AssessOptions, rng) -> dict | None:
    """Plain placebo over every horizon at once: min-p over shared placebo draws."""
    from . import _calibration as K
    from ._design import Eras
    from ._sample import windows

    hs = opts.horizons
    if len(hs) < 2 or not p.ed.n:
        return None
    wins = [windows(p.fd, h) for h in hs]
    longest = wins[-1]
    pos = p.ed.positions[longest.complete[p.ed.positions]]
    if len(pos) == 0:
        return None
    none = Eras("none", pd.DatetimeIndex([]), np.zeros(p.fd.n, dtype=np.int64))
    d = K.design(p.fd, longest, pos, spacing=p.spacing, eras=none)
    if not np.isfinite(d.log_count):
        return None
    draws = d.draw(opts.n_resamples, rng)
    p_obs = np.empty(len(hs))
    p_null = np.empty((opts.n_resamples, len(hs)))
    for j, w in enumerate(wins):
        t_null = K.set_statistics(w, draws, p.kind, p.func)
        t_obs = K.set_statistics(w, pos[None, :], p.kind, p.func)
        # the observed set and every draw ranked among the same B + 1 values, so that
        # equal ranks give equal p-values (exchangeable under the null)
        t_all = np.concatenate([t_obs, t_null])
        p_all = K.pvalues_against(t_all, t_all, opts.alternative, exact=True)
        p_obs[j], p_null[:, j] = p_all[0], p_all[1:]
    stat = float(p_obs.min())
    m = p_null.min(axis=1)
    pval = (1 + np.count_nonzero(m <= stat * (1 + 1e-12))) / (1 + len(m))
    return {
        "horizons": hs,
        "statistic": stat,
        "pvalue": float(pval),
        "pvalue_se": float(math.sqrt(pval * (1 - pval) / len(m))),
        "pvalue_by_horizon": dict(zip(hs, p_obs.tolist(), strict=True)),
        "n_events": len(pos),
        "n_resamples": opts.n_resamples,
        "null_hypothesis": (
            f"the {len(pos)} event dates are like random dates at least {p.spacing} days apart "
            f"at every horizon ({', '.join(map(str, hs))} days) at once."
        ),
        "resampling": (
            f"{opts.n_resamples} placebo sets shared by all horizons (eligible: complete "
            f"{hs[-1]}-day window); statistic: the smallest per-horizon p-value "
            "(Westfall & Young 1993 min-p)."
        ),
    }


def _as_definition(events: Any, lclock) -> str:
    if isinstance(events, Events):
        return describe(events)
    return f"{len(events)} given date(s), {lclock.name} clock"


def assess_signal(
    leader: PricesLike | EventsLike,
    follower: PricesLike,
    *,
    method: str = "record",
    min_gap: int = 250,
    window: int | None = None,
    margin: float = 0.0,
    use_high: bool = False,
    min_spacing: int | None = None,
    horizons: Sequence[int] = (30, 90, 180, 365),
    horizon: int | None = None,
    as_of: DateLike | None = None,
    threshold: float = 0.0,
    alternative: str = "greater",
    halving_window: int | None = 90,
    halving_cycles: str = "all",
    eras: str | DatesLike | None = "halving",
    n_resamples: int = 9999,
    garch_resamples: int = 999,
    power_simulations: int = 200,
    power_resamples: int = 199,
    n_calibration: int = 1000,
    calibration_resamples: int = 999,
    alpha: float = 0.05,
    target_power: float = 0.8,
    confidence_level: float = 0.95,
    prior: tuple[float, float] = (1.0, 1.0),
    delay: DelayLike = NO_DELAY,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    n_jobs: int | None = None,
    rng: RNGLike = None,
) -> SignalAssessment:
    r"""Assess "after each event of the leader, the follower rallied" with numbers.

    Parameters
    ----------
    leader : Series or DataFrame of prices, or events
        The leader's daily prices (its breakouts are detected with ``method``,
        ``min_gap``, ...), or the events themselves: an :class:`~riskcycle.Events`,
        a DatetimeIndex, a Series of dates or a list of dates (FOMC meetings, ETF
        approvals, ...; plain dates need ``leader_clock``, the clock on which they
        become known).
    follower : Series or DataFrame
        Daily prices (bundled data from :func:`riskcycle.datasets.load` carry
        their clocks; user data need ``follower_clock``).
    method, min_gap, window, margin, use_high, min_spacing
        The breakout definition, passed to :func:`riskcycle.breakouts`
        (``min_spacing`` in leader sessions, for ``method="rolling"``); unused
        when events are given.
    horizons : sequence of int, default (30, 90, 180, 365)
        Calendar-day horizons of the event study and of the family-wise placebo
        test over all horizons.
    horizon : int, optional
        The horizon of the inference and the verdict. Default: the largest of
        ``horizons``.
    as_of : date, optional
        Cut the leader, the follower and given events at this date before
        anything is computed: the result is what an analyst could have computed
        that day and is identical whether or not later data are passed. Only
        ``follow_up`` uses later data.
    threshold : float, default 0
        Simple-return threshold of a "hit" for the base rate (0: "rose").
    alternative : {"greater"}, default "greater"
        The claim's direction: the follower rose. Other directions are refused
        (the hit count, power and verdict sentences are written for rises); use
        :func:`riskcycle.placebo_test` and :func:`riskcycle.inference.calibrate`
        for them.
    halving_window : int or None, default 90
        Days either side of each event's halving-cycle phase for the matched
        placebo test (None: no matched test).
    halving_cycles : {"all", "other"}, default "all"
        As in :func:`riskcycle.placebo_test`: ``"all"`` keeps each event's own
        cycle in its pool (a randomisation test).
    eras : None, "halving", "variance_breaks" or sequence of dates, default "halving"
        Eras of the era-stratified placebo test and of the calibration's random
        sets (Bitcoin's halving cycles by default, split further where a spliced
        follower changes data source, as ``btc_long`` at 2014-09-17;
        ``"variance_breaks"`` finds them from the follower's data; for another
        follower pass that, break dates or None).
    n_resamples : int, default 9999
        Placebo sets and bootstrap resamples.
    garch_resamples : int, default 999
        Simulated GARCH paths.
    power_simulations, power_resamples : int, default 200 and 199
        As in :func:`riskcycle.power_analysis`.
    n_calibration : int, default 1000
        Random event sets of the calibration (:func:`riskcycle.inference.calibrate`).
    calibration_resamples : int, default 999
        Placebo draws of the halving-matched test in the calibration (the same
        number for the real events and each random set).
    alpha, target_power, confidence_level : float
        Significance level of the verdict, power target, interval level.
    prior : (a, b), default (1, 1)
        Beta prior of the hit rate (:func:`riskcycle.base_rate`).
    delay, leader_clock, follower_clock
        As in :func:`riskcycle.event_study`.
    n_jobs : int, optional
        Threads of the heavy steps (placebo draws, GARCH paths, power simulations
        and the halving-matched calibration): None or -1 use every thread numba may
        use (``NUMBA_NUM_THREADS``, by default the CPUs). The numbers do not depend
        on it.
    rng : int, Generator or SeedSequence, optional
        Split into independent streams for each analysis.

    Returns
    -------
    SignalAssessment

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (the message names the argument), or no leader data
        before ``as_of``.

    Notes
    -----
    **The verdict rule.** The tests that enter the verdict are the plain placebo
    test, the halving-matched placebo test (own cycle in the pool), the
    era-stratified placebo test and the exact binomial test of the hit count.
    Each is calibrated on the follower's own history
    (:func:`riskcycle.inference.calibrate`: random event sets with the events'
    count, spacing and era mix), and only the calibrated p-values decide:

    * "supported": every verdict test rejects at ``alpha`` (the hit count too,
      which with :math:`n` events cannot go below the base rate to the power
      :math:`n`; an exact sign test cannot go below :math:`2^{-n}`);
    * "mixed": some reject, some do not;
    * "not_supported": none rejects;
    * "fragile": the conclusion would be "supported" or "mixed" but changes when
      one event is left out (the events are named), or it rests on one event;
    * "no_events": no event has a complete window.

    Requiring every test to reject (an intersection-union rule) keeps the
    verdict's level at ``alpha`` without a multiplicity adjustment. The GARCH
    null and the bootstrap interval are reported beside the verdict but do not
    enter it: the GARCH null assumes a stationary follower, and its measured
    size on Bitcoin's history is above its level (user guide, "Calibration and
    size"). Over several horizons at once, the plain placebo test's family-wise
    p-value (min-p over shared placebo draws; Westfall & Young 1993) is
    reported.

    Warnings raised by the analyses (events outside the data, incomplete
    windows, small samples) are collected in ``notes`` rather than emitted.

    References
    ----------
    Westfall, P. H. & Young, S. S. (1993). *Resampling-Based Multiple Testing*.
    Wiley. ISBN 978-0-471-55761-6.

    Examples
    --------
    >>> import riskcycle
    >>> rut = riskcycle.datasets.load("rut")
    >>> btc = riskcycle.datasets.load("btc")
    >>> a = riskcycle.assess_signal(rut, btc, horizons=[365], as_of="2026-01-22",
    ...                             n_resamples=999, garch_resamples=199,
    ...                             power_simulations=50, rng=0)  # doctest: +SKIP
    >>> a.verdict_label  # doctest: +SKIP
    'mixed'
    """

    opts = _assess_signal_iv(
        horizons=horizons,
        horizon=horizon,
        as_of=as_of,
        threshold=threshold,
        alternative=alternative,
        halving_window=halving_window,
        halving_cycles=halving_cycles,
        eras=eras,
        n_resamples=n_resamples,
        garch_resamples=garch_resamples,
        power_simulations=power_simulations,
        power_resamples=power_resamples,
        n_calibration=n_calibration,
        calibration_resamples=calibration_resamples,
        alpha=alpha,
        target_power=target_power,
        confidence_level=confidence_level,
        prior=prior,
        delay=delay,
        n_jobs=n_jobs,
    )
    gen = check_rng(rng)
    inp = _inputs(leader, follower, opts, leader_clock, follower_clock)
    bo = dict(
        method=method,
        min_gap=min_gap,
        window=window,
        margin=margin,
        use_high=use_high,
        min_spacing=min_spacing,
        clock=inp.lclock,
    )
    events = _detect(inp, opts, bo)
    collect = _Collector()
    streams = gen.spawn(12)
    es = _event_study(inp.fd, events, opts, inp.lclock, collect)
    prep = _prepare(inp, events, opts)
    facts = _run_tests(inp, events, prep, opts, collect, streams)
    verdict, label, fragile = _verdict(facts)
    follow_up = None
    if opts.as_of is not None:
        follow_up = _follow_up(inp, opts, bo)
    return _assessment(
        inp, events, es, prep, facts, opts, bo, collect, (verdict, label, fragile), follow_up
    )


def _prepare(inp, events, opts: AssessOptions) -> _Prepared:
    """The event sample at the horizon (the follower's windows, the events on it, the
    placebo spacing; no warnings: the event study names the excluded events), its eras
    and the statistic."""
    from ._design import resolve_statistic
    from ._sample import build_sample

    sample = build_sample(
        inp.fd, events, horizon=opts.horizon, delay=opts.delay, leader_clock=inp.lclock
    )
    sample._era_labels(opts.eras)  # the eras now (variance breaks are estimated once)
    kind, func, _ = resolve_statistic("mean")
    return _Prepared(sample, opts.eras, kind, func)


def _run_tests(inp, events, prep: _Prepared, opts: AssessOptions, collect, streams) -> _Facts:
    """Every test of the assessment, gathered into the facts the verdict reads."""
    ed = prep.ed
    pl, plm, ple = _placebos(prep, opts, collect, streams)
    boot, boot_u, garch, br, pw = _other_tests(prep, opts, collect, streams)
    nulls = {"placebo": _null_of(pl), "placebo_era": _null_of(ple)}
    calibration = _calibrations(prep, opts, ed.positions, nulls, collect, streams[8])
    if garch is not None and np.isfinite(garch.pvalue):
        calibration["garch_null"] = _garch_calibration(prep, opts, collect, streams[11])
    loo = _leave_one_out(prep, opts, collect, streams[9])
    fw = _family_wise(prep, opts, streams[10])
    pending = [d.strftime("%Y-%m-%d") for d in ed.leader_dates[ed.status == "incomplete"]]
    facts = _Facts(
        leader=inp.leader_name,
        follower=prep.fd.name,
        definition=_as_definition(events, inp.lclock),
        h=opts.horizon,
        alpha=opts.alpha,
        k=ed.n,
        pending=pending,
        data_end=prep.fd.index[-1],
        pl=pl,
        plm=plm,
        ple=ple,
        garch=garch,
        boot=boot,
        br=br,
        pw=pw,
        thr=opts.threshold,
        calibration=calibration,
        loo=loo,
        family_wise=fw,
        boot_u=boot_u,
    )
    return facts


def _min_attainable(f: _Facts, k: int) -> dict[str, float]:
    """The smallest p-value each test can reach with these events."""
    return {
        "placebo": f.pl.min_attainable_pvalue,
        "placebo_halving_matched": f.plm.min_attainable_pvalue if f.plm is not None else np.nan,
        "placebo_era": f.ple.min_attainable_pvalue if f.ple is not None else np.nan,
        "garch_null": f.garch.min_attainable_pvalue if f.garch is not None else np.nan,
        "sign_test": 0.5**k if k else np.nan,
        "hit_count_binomial": f.br.min_attainable_pvalue,
    }


def _assessment(inp, events, es, prep, f: _Facts, opts, bo, collect, verdict, follow_up):
    """The frozen result."""
    verdict, label, fragile = verdict
    fd = prep.fd
    return SignalAssessment(
        events=events,
        event_study=es,
        horizon=opts.horizon,
        horizons=opts.horizons,
        placebo=f.pl,
        placebo_matched=f.plm,
        placebo_era=f.ple,
        bootstrap=f.boot,
        bootstrap_unconditional=f.boot_u,
        garch_null=f.garch,
        base_rate=f.br,
        power=f.pw,
        calibration=f.calibration,
        family_wise=f.family_wise,
        leave_one_out=f.loo,
        fragile_events=fragile,
        min_attainable_pvalues=_min_attainable(f, prep.ed.n),
        verdict=verdict,
        verdict_label=label,
        alpha=opts.alpha,
        as_of=opts.as_of,
        data_end=fd.index[-1],
        follow_up=follow_up,
        leader_name=inp.leader_name,
        follower_name=fd.name,
        notes=tuple(collect.notes),
        settings={
            **{k_: v for k_, v in bo.items() if k_ != "clock"},
            **opts.as_dict(),
            "placebo_min_spacing": prep.spacing,
            "events_given": inp.events_full is not None,
        },
    )


def _event_study(fd, events, opts: AssessOptions, lclock, collect) -> Any:
    from .eventstudy import event_study

    if not len(events):
        return None
    try:
        return collect(
            event_study,
            fd.close,
            events,
            horizons=opts.horizons,
            delay=opts.delay,
            leader_clock=lclock,
            follower_clock=fd.clock,
        )
    except ValueError as exc:
        collect.notes.append(f"Event study not run: {exc}")
        return None


def _follow_up(inp: _Inputs, opts: AssessOptions, bo: dict) -> pd.DataFrame:
    """Events still inside a window at ``as_of``, and later events, followed on the full data."""
    from ._sample import event_data, windows

    fd_full, as_of, horizons, threshold = inp.fd_full, opts.as_of, opts.horizons, opts.threshold
    delay, lclock = opts.delay, inp.lclock
    if inp.lead_full is not None:
        events = breakouts(inp.lead_full, **bo)
    elif isinstance(inp.events_full, Events):
        events = inp.events_full
    else:
        events = pd.DatetimeIndex(pd.to_datetime(list(inp.events_full))).sort_values()
    cut = int(np.searchsorted(fd_full.index.asi8, as_of.value, side="right")) - 1
    rows = []
    log_thr = math.log1p(threshold)
    for h in horizons:
        win = windows(fd_full, h)
        ed = event_data(fd_full, win, events, delay=delay, leader_clock=lclock)
        for date, p0, status in zip(ed.leader_dates, ed.day0, ed.status, strict=True):
            if p0 < 0:
                continue
            known = date <= as_of and p0 <= cut
            target = fd_full.index[p0] + pd.Timedelta(days=h)
            complete_as_of = bool(known and target <= as_of)
            if complete_as_of:
                continue  # nothing happened to it after as_of
            end = int(win.end[p0])
            to_asof = fd_full.log_close[min(end, cut)] - fd_full.log_close[p0] if known else np.nan
            complete_now = status != "incomplete"
            ret = fd_full.log_close[end] - fd_full.log_close[p0]
            rows.append(
                {
                    "event_date": date,
                    "horizon": h,
                    "known_as_of": bool(known),
                    "day0_date": fd_full.index[p0],
                    "end_date": fd_full.index[end],
                    "log_return_as_of": float(to_asof),
                    "complete": bool(complete_now),
                    "log_return": float(ret),
                    "simple_return": float(np.expm1(ret)),
                    "hit": bool(complete_now and ret > log_thr),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "event_date",
            "horizon",
            "known_as_of",
            "day0_date",
            "end_date",
            "log_return_as_of",
            "complete",
            "log_return",
            "simple_return",
            "hit",
        ],
    )
