"""One call for a claim: "each time the leader broke out, the follower rallied".

:func:`assess_signal` detects the leader's breakouts, studies the follower after
them and runs every few-event analysis of :mod:`riskcycle.inference`, as an
analyst could have on a given day (``as_of``), then reports what happened
afterwards. The verdict is generated from the numbers: templated sentences whose
content and conclusion are decided by the p-values, the base rate and the power.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._results import ResultMixin, Summary, package_versions
from ._rng import check_rng
from ._validation import (
    as_price_frame,
    check_alternative,
    check_choice,
    check_confidence_level,
    check_float,
    check_int,
    check_n_resamples,
    check_timedelta,
    check_timestamp,
)
from .calendar import _clock_of
from .events import Events, breakouts, describe
from .exceptions import RiskcycleWarning
from .inference._common import NO_DELAY

__all__ = ["SignalAssessment", "assess_signal"]

LABELS = ("supported", "mixed", "not_supported", "no_events")


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalAssessment(ResultMixin):
    """Everything :func:`assess_signal` found about one claim.

    Attributes
    ----------
    events : Events
        Breakouts detected in the leader's data up to ``as_of``.
    event_study : EventStudyResult or None
        :func:`riskcycle.event_study` of the follower after them (all ``horizons``).
    horizon, horizons : int, tuple of int
        The horizon of the inference (calendar days) and those of the event study.
    placebo, placebo_matched : PlaceboResult or None
        Placebo test, plain and matched on the halving-cycle phase.
    bootstrap, bootstrap_unconditional : BootstrapResult or None
        Block-bootstrap interval of the mean forward return across events and
        from every day.
    garch_null : GarchNullResult or None
    base_rate : BaseRateResult
    power : PowerResult or None
    min_attainable_pvalues : dict
        The smallest p-value each test could have given with these events.
    verdict : tuple of str
        Sentences generated from the numbers.
    verdict_label : {"supported", "mixed", "not_supported", "no_events"}
        "supported": every test at ``alpha``; "mixed": some; "not_supported":
        none.
    as_of : Timestamp or None
        Every input was cut at this date before anything was computed.
    data_end : Timestamp
        Last follower bar used.
    follow_up : DataFrame or None
        With ``as_of``: what happened afterwards (full data) to the events still
        inside their window at ``as_of`` and to later events. The only field
        that uses data after ``as_of``.
    """

    events: Events
    event_study: Any
    horizon: int
    horizons: tuple[int, ...]
    placebo: Any
    placebo_matched: Any
    bootstrap: Any
    bootstrap_unconditional: Any
    garch_null: Any
    base_rate: Any
    power: Any
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
        """One row per test: statistic, p-value, its Monte Carlo error, null and scheme."""
        rows = []

        def add(test, res, **extra):
            if res is None:
                return
            rows.append(
                {
                    "test": test,
                    "horizon": self.horizon,
                    "statistic": float(res.statistic),
                    "pvalue": float(res.pvalue),
                    "pvalue_se": float(getattr(res, "pvalue_se", 0.0)),
                    "min_attainable_pvalue": float(res.min_attainable_pvalue),
                    "n_events": int(res.n_events),
                    "null_hypothesis": res.null_hypothesis,
                    "resampling": getattr(res, "resampling", ""),
                    **extra,
                }
            )

        add("placebo", self.placebo)
        add("placebo_halving_matched", self.placebo_matched)
        add("garch_null", self.garch_null)
        br = self.base_rate
        if br is not None and br.n_events:
            rows.append(
                {
                    "test": "hit_count_binomial",
                    "horizon": self.horizon,
                    "statistic": br.statistic,
                    "pvalue": br.pvalue,
                    "pvalue_se": 0.0,
                    "min_attainable_pvalue": br.min_attainable_pvalue,
                    "n_events": br.n_events,
                    "null_hypothesis": br.null_hypothesis,
                    "resampling": "none (exact binomial at the observed base rate)",
                }
            )
            rows.append(
                {
                    "test": "hit_count_binomial_base_rate_uncertain",
                    "horizon": self.horizon,
                    "statistic": br.statistic,
                    "pvalue": br.pvalue_bootstrap,
                    "pvalue_se": br.pvalue_bootstrap_se,
                    "min_attainable_pvalue": np.nan,
                    "n_events": br.n_events,
                    "null_hypothesis": br.null_hypothesis,
                    "resampling": br.resampling,
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "test",
                "horizon",
                "statistic",
                "pvalue",
                "pvalue_se",
                "min_attainable_pvalue",
                "n_events",
                "null_hypothesis",
                "resampling",
            ],
        )

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
        tables.append(("Tests", tests.set_index("test")))
        key = {}
        if self.bootstrap is not None:
            key["mean_ci_low"], key["mean_ci_high"] = self.bootstrap.confidence_interval
        if self.base_rate is not None:
            key["base_rate"] = self.base_rate.base_rate
            key["bayes_factor"] = self.base_rate.bayes_factor
        if self.power is not None:
            key.update(
                {
                    "power_observed": self.power.power_observed,
                    "mde_observed": self.power.mde_observed,
                    "events_needed": self.power.events_needed,
                    "years_needed": self.power.years_needed,
                }
            )
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
            title=f"{self.leader_name} breakouts -> {self.follower_name}, "
            f"{self.horizon}-day horizon{asof}",
            tables=tuple(tables),
            notes=(*self.verdict, *self.notes),
        )

    def plot(self, ax: Any = None) -> Any:
        """Placebo, matched placebo and GARCH null distributions, and the power curve.

        ``ax``: an array of four matplotlib Axes, or None for a new 2x2 figure.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(2, 2, figsize=(11, 6.5))
        axes = np.asarray(ax).ravel()
        if axes.size < 4:
            raise ValueError("`ax` must hold four Axes (e.g. from plt.subplots(2, 2)).")
        for a, res, name in zip(
            axes[:3],
            (self.placebo, self.placebo_matched, self.garch_null),
            ("placebo", "halving-matched placebo", "GARCH null"),
            strict=True,
        ):
            if res is not None and len(res.null_distribution):
                res.plot(ax=a)
                a.set_title(f"{name}: p = {res.pvalue:.3g}", fontsize=9)
            else:
                a.set_axis_off()
        if self.power is not None:
            self.power.plot(ax=axes[3])
        else:
            axes[3].set_axis_off()
        return axes


# ---------------------------------------------------------------------------
def _fmt_p(p: float) -> str:
    if not np.isfinite(p):
        return "n/a"
    return f"{p:.2g}" if p < 0.01 else f"{p:.2f}" if p < 0.995 else f"{p:.3f}"


def _x(v: float) -> str:
    return f"{math.exp(v):.2f}x" if np.isfinite(v) else "n/a"


def _verdict(
    *,
    leader,
    follower,
    definition,
    h,
    alpha,
    k,
    pending,
    data_end,
    pl,
    plm,
    garch,
    boot,
    br,
    pw,
    thr,
) -> tuple[tuple[str, ...], str]:
    """Sentences and label, every word chosen by a number."""
    out = []
    if k == 0:
        out.append(
            f"No {leader} breakout ({definition}) has a complete {h}-day window of "
            f"{follower} data up to {data_end.date()}: there is nothing to assess yet."
        )
        if len(pending):
            out.append(f"Still inside their window: {', '.join(pending)}.")
        return tuple(out), "no_events"
    dates = ", ".join(d.strftime("%Y-%m-%d") for d in pl.event_dates)
    out.append(
        f"{k} breakout{'s' if k > 1 else ''} of {leader} ({definition}) "
        f"{'have' if k > 1 else 'has'} a complete {h}-day window of {follower} data up "
        f"to {data_end.date()}: {dates}."
    )
    if len(pending):
        out.append(
            f"{len(pending)} more {'are' if len(pending) > 1 else 'is'} still inside "
            f"the window and not counted: {', '.join(pending)}."
        )
    out.append(
        f"After them {follower}'s mean {h}-day log return was {pl.statistic:.2f} "
        f"({_x(pl.statistic)}), against {pl.null_mean:.2f} ({_x(pl.null_mean)}) for "
        f"random dates with the same spacing."
    )
    if boot is not None and np.isfinite(boot.confidence_interval[0]):
        lo, hi = boot.confidence_interval
        out.append(
            f"Block-bootstrap {boot.confidence_level:.0%} interval for that mean: "
            f"{lo:.2f} to {hi:.2f} ({_x(lo)} to {_x(hi)}); it reflects the noise within "
            "each window, not the variation between events."
        )
    tests: dict[str, float] = {"the placebo dates": pl.pvalue}
    s = (
        f"Placebo test: p = {_fmt_p(pl.pvalue)} "
        f"({'exact' if pl.method == 'exact' else f'Monte Carlo s.e. {pl.pvalue_se:.1g}'})"
    )
    if plm is not None and np.isfinite(plm.pvalue):
        tests["dates at the same halving-cycle phase"] = plm.pvalue
        s += f"; matched on the halving-cycle phase: p = {_fmt_p(plm.pvalue)}" + (
            " (exact)" if plm.method == "exact" else ""
        )
    out.append(s + ".")
    if plm is not None and np.isfinite(plm.pvalue):
        if pl.pvalue < alpha <= plm.pvalue:
            out.append(
                "The events stand out among random dates but not among dates at the "
                "same phase of Bitcoin's halving cycle: the cycle can explain the "
                "returns as well as the breakouts can."
            )
        elif pl.pvalue < alpha and plm.pvalue < alpha:
            out.append(
                "The events stand out both among random dates and among dates at the "
                "same phase of the halving cycle."
            )
    if garch is not None and np.isfinite(garch.pvalue):
        tests["a GARCH(1,1)-t model of the follower"] = garch.pvalue
        out.append(
            f"Against a GARCH(1,1)-t model of {follower} with no link to the events: "
            f"p = {_fmt_p(garch.pvalue)} (model mean {garch.expected_statistic:.2f})."
        )
    if br is not None and np.isfinite(br.base_rate):
        verb = "rose" if thr == 0 else f"rose more than {thr:.0%}"
        out.append(
            f"{follower} {verb} over {h} days from {br.base_rate:.0%} of all days (95% "
            f"interval {br.confidence_interval[0]:.0%} to {br.confidence_interval[1]:.0%}); "
            f"{br.hits} of {k} events did, which a signal unrelated to {follower} would match "
            f"or beat with probability {_fmt_p(br.pvalue)} (Bayes factor {br.bayes_factor:.2g} "
            f"for 'better than the base rate')."
        )
        out.append(
            f"With {k} event{'s' if k > 1 else ''} an exact sign test cannot give p "
            f"below {0.5**k:.2g} and the hit count not below "
            f"{br.min_attainable_pvalue:.2g}."
        )
    if pw is not None:
        if np.isfinite(pw.effect) and pw.effect > 0:
            need = (
                f"about {pw.events_needed:.0f} events"
                + (
                    f" ({pw.years_needed:.0f} years at the observed rate)"
                    if np.isfinite(pw.years_needed)
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
            out.append(
                f"The placebo test's power against the observed excess of "
                f"{pw.effect:.2f} log points is {pw.power_observed:.0%} with {k} "
                f"events; {pw.target_power:.0%} power needs {mde} with {k} events, or "
                f"{need} at the observed effect."
            )
            if pw.sd_forward_simulated < 0.9 * pw.sd_forward_observed:
                out.append(
                    f"The simulated {h}-day returns are less dispersed (s.d. "
                    f"{pw.sd_forward_simulated:.2f}) than {follower}'s own "
                    f"({pw.sd_forward_observed:.2f}): the power is overstated and the "
                    "events needed understated."
                )
        else:
            out.append(
                "The events' mean forward return is not above that of a typical day: "
                "there is no effect to power a test for."
            )
    sig = [name for name, p in tests.items() if p < alpha]
    nonsig = [name for name, p in tests.items() if not p < alpha]
    if not nonsig:
        label = "supported"
        out.append(
            f"Taken together: at the {alpha:.0%} level the events' returns are unusual "
            f"against every null tested; with {k} events this rests on few independent "
            "observations."
        )
    elif sig:
        label = "mixed"
        out.append(
            f"Taken together: the evidence depends on the comparison: at the {alpha:.0%} "
            f"level the events stand out against {' and '.join(sig)}, not against "
            f"{' and '.join(nonsig)}."
        )
    else:
        label = "not_supported"
        out.append(
            f"Taken together: at the {alpha:.0%} level the data do not distinguish the "
            f"events from {' or '.join(nonsig)}."
        )
    return tuple(out), label


def _assess_signal_iv(
    horizons,
    horizon,
    as_of,
    threshold,
    alternative,
    halving_window,
    n_resamples,
    garch_resamples,
    power_simulations,
    power_resamples,
    alpha,
    target_power,
    confidence_level,
    delay,
):
    if isinstance(horizons, int | np.integer) and not isinstance(horizons, bool):
        horizons = (horizons,)
    if isinstance(horizons, str) or not isinstance(horizons, Sequence | np.ndarray):
        raise TypeError(
            f"`horizons` must be a sequence of positive integers (calendar days); "
            f"got {type(horizons).__name__}."
        )
    horizons = tuple(
        sorted(
            {
                check_int(
                    h, "horizons", minimum=1, what="a positive integer number of calendar days"
                )
                for h in horizons
            }
        )
    )
    if not horizons:
        raise ValueError("`horizons` must not be empty.")
    if horizon is None:
        horizon = horizons[-1]
    horizon = check_int(
        horizon, "horizon", minimum=1, what="a positive integer number of calendar days"
    )
    if horizon not in horizons:
        horizons = tuple(sorted({*horizons, horizon}))
    as_of = check_timestamp(as_of, "as_of", allow_none=True)
    if as_of is not None:
        as_of = as_of.normalize()
    threshold = check_float(
        threshold,
        "threshold",
        minimum=-1.0,
        inclusive=(False, True),
        what="a simple-return threshold above -1",
    )
    alternative = check_alternative(alternative)
    if halving_window is not None:
        halving_window = check_int(
            halving_window,
            "halving_window",
            minimum=0,
            what="a non-negative integer number of days",
        )
    n_resamples = check_n_resamples(n_resamples, minimum=19)
    garch_resamples = check_n_resamples(garch_resamples, "garch_resamples", minimum=19)
    power_simulations = check_n_resamples(power_simulations, "power_simulations", minimum=10)
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
    target_power = check_float(
        target_power,
        "target_power",
        minimum=0.0,
        maximum=1.0,
        inclusive=(False, False),
        what="a probability",
    )
    confidence_level = check_confidence_level(confidence_level)
    delay = check_timedelta(delay, "delay")
    return (
        horizons,
        horizon,
        as_of,
        threshold,
        alternative,
        halving_window,
        n_resamples,
        garch_resamples,
        power_simulations,
        power_resamples,
        alpha,
        target_power,
        confidence_level,
        delay,
    )


def assess_signal(
    leader: Any,
    follower: Any,
    *,
    method: str = "record",
    min_gap: int = 250,
    window: int | None = None,
    margin: float = 0.0,
    use_high: bool = False,
    min_spacing: int | None = None,
    horizons: Sequence[int] = (30, 90, 180, 365),
    horizon: int | None = None,
    as_of: Any = None,
    threshold: float = 0.0,
    alternative: str = "greater",
    halving_window: int | None = 90,
    halving_cycles: str = "other",
    n_resamples: int = 9999,
    garch_resamples: int = 999,
    power_simulations: int = 200,
    power_resamples: int = 199,
    alpha: float = 0.05,
    target_power: float = 0.8,
    confidence_level: float = 0.95,
    prior: tuple[float, float] = (1.0, 1.0),
    delay: Any = NO_DELAY,
    leader_clock: Any = None,
    follower_clock: Any = None,
    rng: Any = None,
) -> SignalAssessment:
    r"""Assess "after each breakout of the leader, the follower rallied" with numbers.

    Parameters
    ----------
    leader, follower : Series or DataFrame
        Daily prices (bundled data from :func:`riskcycle.datasets.load` carry
        their clocks; user data need ``leader_clock``/``follower_clock``).
    method, min_gap, window, margin, use_high, min_spacing
        The breakout definition, passed to :func:`riskcycle.breakouts`
        (``min_spacing`` in leader sessions, for ``method="rolling"``).
    horizons : sequence of int, default (30, 90, 180, 365)
        Calendar-day horizons of the event study.
    horizon : int, optional
        The horizon of the inference (placebo, bootstrap, GARCH null, base rate,
        power). Default: the largest of ``horizons``.
    as_of : date, optional
        Cut the leader and the follower at this date before anything is
        computed (event detection, estimation, base rates): the result is what
        an analyst could have computed that day and is identical whether or not
        later data are passed. Only ``follow_up`` uses later data.
    threshold : float, default 0
        Simple-return threshold of a "hit" for the base rate (0: "rose").
    alternative : {"greater", "less", "two-sided"}, default "greater"
        Of the placebo and GARCH tests.
    halving_window : int or None, default 90
        Days either side of each event's halving-cycle phase for the matched
        placebo test (None: no matched test); ``halving_cycles`` as in
        :func:`riskcycle.placebo_test`.
    n_resamples : int, default 9999
        Placebo sets and bootstrap resamples.
    garch_resamples : int, default 999
        Simulated GARCH paths.
    power_simulations, power_resamples : int, default 200 and 199
        Simulated histories per number of events, and placebo sets per simulated
        test (:func:`riskcycle.power_analysis`).
    alpha, target_power, confidence_level : float
        Significance level of the verdict, power target, interval level.
    prior : (a, b), default (1, 1)
        Beta prior of the hit rate (:func:`riskcycle.base_rate`).
    delay, leader_clock, follower_clock
        As in :func:`riskcycle.event_study`.
    rng : int, Generator or SeedSequence, optional
        Split into independent streams for each analysis (``Generator.spawn``).

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
    The verdict is built from templated sentences; which sentence appears, and
    the conclusion ("supported", "mixed", "not_supported"), are decided by the
    p-values at ``alpha`` (placebo, halving-matched placebo, GARCH null), the
    base rate and the power analysis. Nothing in it is written by hand.

    Warnings raised by the analyses (events outside the data, incomplete
    windows, small samples) are collected in ``notes`` rather than emitted.

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
    from .inference import _common as C
    from .inference._base_rate import _check_prior, base_rate_core
    from .inference._bootstrap import bootstrap_core
    from .inference._garch_null import garch_core
    from .inference._placebo import placebo_core
    from .inference._power import power_core

    (
        horizons,
        horizon,
        as_of,
        threshold,
        alternative,
        halving_window,
        n_resamples,
        garch_resamples,
        power_simulations,
        power_resamples,
        alpha,
        target_power,
        confidence_level,
        delay,
    ) = _assess_signal_iv(
        horizons,
        horizon,
        as_of,
        threshold,
        alternative,
        halving_window,
        n_resamples,
        garch_resamples,
        power_simulations,
        power_resamples,
        alpha,
        target_power,
        confidence_level,
        delay,
    )
    halving_cycles = check_choice(halving_cycles, "halving_cycles", ("other", "all"))
    prior = _check_prior(prior)
    gen = check_rng(rng)
    lclock = _clock_of(leader, leader_clock, "leader_clock")
    lead_full = as_price_frame(leader, name="leader", timezone=lclock.timezone)
    fd_full = C.follower_data(follower, follower_clock=follower_clock)
    fclock = fd_full.clock
    if as_of is not None:
        lead = lead_full.loc[:as_of]
        if len(lead) < 2:
            raise ValueError(
                f"`as_of` ({as_of.date()}) leaves fewer than two leader "
                f"observations (the leader starts {lead_full.index[0].date()})."
            )
        fd = C.truncate(fd_full, as_of)
        if fd.n < 3:
            raise ValueError(
                f"`as_of` ({as_of.date()}) leaves fewer than three follower "
                f"observations (the follower starts {fd_full.index[0].date()})."
            )
    else:
        lead, fd = lead_full, fd_full
    lead.attrs = dict(lead_full.attrs)
    leader_name = str(lead.attrs.get("name", "leader"))
    notes: list[str] = []
    bo = dict(
        method=method,
        min_gap=min_gap,
        window=window,
        margin=margin,
        use_high=use_high,
        min_spacing=min_spacing,
        clock=lclock,
    )
    events = breakouts(lead, **bo)
    definition = describe(events)
    streams = gen.spawn(7)

    def collect(fn, *args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RiskcycleWarning)
            out = fn(*args, **kwargs)
        for w in caught:
            if issubclass(w.category, RiskcycleWarning):
                msg = f"{w.category.__name__}: {w.message}"
                if msg not in notes:
                    notes.append(msg)
            else:  # pragma: no cover - not ours: pass it on
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return out

    from .eventstudy import event_study

    es = None
    if len(events):
        try:
            es = collect(
                event_study,
                fd.close,
                events,
                horizons=horizons,
                delay=delay,
                leader_clock=lclock,
                follower_clock=fclock,
            )
        except ValueError as exc:
            notes.append(f"Event study not run: {exc}")
    win = C.windows(fd, horizon)
    ed = C.event_data(fd, win, events, delay=delay, leader_clock=lclock)
    pending = [d.strftime("%Y-%m-%d") for d in ed.leader_dates[ed.status == "incomplete"]]
    k = ed.n
    spacing, source = C.resolve_spacing(None, events, ed, fd)
    all_days = np.ones(fd.n, dtype=bool)
    mean_kind, mean_func, _ = C.resolve_statistic("mean")
    plain_match = {
        "halving_window": None,
        "halving_cycles": None,
        "leader_within": None,
        "date_range": None,
    }
    pl = collect(
        placebo_core,
        fd,
        win,
        ed,
        kind=mean_kind,
        func=mean_func,
        stat_name="mean",
        alternative=alternative,
        n_resamples=n_resamples,
        spacing=spacing,
        spacing_source=source,
        halving_window=None,
        halving_cycles=halving_cycles,
        mask=all_days,
        matching=plain_match,
        method="auto",
        max_exact=1_000_000,
        rng=streams[0],
        warn=True,
    )
    plm = None
    if halving_window is not None and k:
        try:
            plm = collect(
                placebo_core,
                fd,
                win,
                ed,
                kind=mean_kind,
                func=mean_func,
                stat_name="mean",
                alternative=alternative,
                n_resamples=n_resamples,
                spacing=spacing,
                spacing_source=source,
                halving_window=halving_window,
                halving_cycles=halving_cycles,
                mask=all_days,
                matching={
                    **plain_match,
                    "halving_window": halving_window,
                    "halving_cycles": halving_cycles,
                },
                method="auto",
                max_exact=1_000_000,
                rng=streams[1],
                warn=True,
            )
        except ValueError as exc:
            notes.append(f"Halving-matched placebo test not run: {exc}")
    boot = boot_u = garch = pw = None
    if k:
        boot = collect(
            bootstrap_core,
            fd,
            win,
            ed,
            statistic="mean",
            method="stationary",
            interval="percentile",
            block_length=None,
            confidence_level=confidence_level,
            n_resamples=n_resamples,
            rng=streams[2],
            warn=True,
        )
        garch = collect(
            garch_core,
            fd,
            win,
            ed,
            kind=mean_kind,
            func=mean_func,
            stat_name="mean",
            alternative=alternative,
            n_resamples=garch_resamples,
            burn=500,
            rng=streams[3],
            warn=True,
        )
    if len(win.eligible):
        boot_u = collect(
            bootstrap_core,
            fd,
            win,
            None,
            statistic="mean",
            method="stationary",
            interval="percentile",
            block_length=None,
            confidence_level=confidence_level,
            n_resamples=n_resamples,
            rng=streams[4],
            warn=True,
        )
    br = collect(
        base_rate_core,
        fd,
        win,
        ed,
        threshold=threshold,
        n_resamples=n_resamples,
        block_length=None,
        method="stationary",
        confidence_level=confidence_level,
        prior=prior,
        mask=all_days,
        rng=streams[5],
        warn=True,
    )
    if k:
        pw = collect(
            power_core,
            fd,
            win,
            ed,
            effect=None,
            grid=None,
            alpha=alpha,
            target_power=target_power,
            spacing=spacing,
            n_simulations=power_simulations,
            n_resamples=power_resamples,
            block_length=None,
            method="stationary",
            max_events=50,
            rng=streams[6],
        )
    min_p = {
        "placebo": pl.min_attainable_pvalue,
        "placebo_halving_matched": plm.min_attainable_pvalue if plm is not None else np.nan,
        "garch_null": garch.min_attainable_pvalue if garch is not None else np.nan,
        "sign_test": 0.5**k if k else np.nan,
        "hit_count_binomial": br.min_attainable_pvalue,
    }
    verdict, label = _verdict(
        leader=leader_name,
        follower=fd.name,
        definition=definition,
        h=horizon,
        alpha=alpha,
        k=k,
        pending=pending,
        data_end=fd.index[-1],
        pl=pl,
        plm=plm,
        garch=garch,
        boot=boot,
        br=br,
        pw=pw,
        thr=threshold,
    )
    follow_up = None
    if as_of is not None:
        follow_up = _follow_up(lead_full, fd_full, as_of, horizons, threshold, bo, delay, lclock)
    return SignalAssessment(
        events=events,
        event_study=es,
        horizon=horizon,
        horizons=horizons,
        placebo=pl,
        placebo_matched=plm,
        bootstrap=boot,
        bootstrap_unconditional=boot_u,
        garch_null=garch,
        base_rate=br,
        power=pw,
        min_attainable_pvalues=min_p,
        verdict=verdict,
        verdict_label=label,
        alpha=alpha,
        as_of=as_of,
        data_end=fd.index[-1],
        follow_up=follow_up,
        leader_name=leader_name,
        follower_name=fd.name,
        notes=tuple(notes),
        settings={
            **{k_: v for k_, v in bo.items() if k_ != "clock"},
            "horizons": horizons,
            "horizon": horizon,
            "as_of": as_of,
            "threshold": threshold,
            "alternative": alternative,
            "halving_window": halving_window,
            "halving_cycles": halving_cycles,
            "n_resamples": n_resamples,
            "garch_resamples": garch_resamples,
            "power_simulations": power_simulations,
            "power_resamples": power_resamples,
            "alpha": alpha,
            "target_power": target_power,
            "confidence_level": confidence_level,
            "prior": prior,
            "delay": delay,
            "placebo_min_spacing": spacing,
        },
    )


def _follow_up(lead_full, fd_full, as_of, horizons, threshold, bo, delay, lclock) -> pd.DataFrame:
    """Events still inside a window at ``as_of``, and later events, followed on the full data."""
    from .inference import _common as C

    events = breakouts(lead_full, **bo)
    cut = int(np.searchsorted(fd_full.index.asi8, as_of.value, side="right")) - 1
    rows = []
    log_thr = math.log1p(threshold)
    for h in horizons:
        win = C.windows(fd_full, h)
        ed = C.event_data(fd_full, win, events, delay=delay, leader_clock=lclock)
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
