r"""Calibration of few-event tests on the follower's own history (the public function).

A test's nominal p-value is only as good as its size. :func:`calibrate` measures
the size of a test where it is used: it draws many random event sets on the
follower's real path with the events' structure (count, minimum spacing and mix
of eras), runs the test on each, and reports

* the test's empirical size at ``alpha`` (share of random sets with
  :math:`p \le \alpha`), with its Clopper-Pearson interval, and
* the calibrated p-value: the share of random sets whose p-value is at least as
  small as the observed one, :math:`(1 + \#\{p_j \le p\})/(1 + N)`.

The calibrated p-value is itself a randomisation test: its null hypothesis is
that the event dates are exchangeable with random dates of the same structure on
this path, and it is exactly valid under that null whatever the nominal test
assumes (Dufour 2006), because the nominal p-value is used only as a statistic.

The engine (random sets, nominal tests as specs, the calibration itself) is the
shared :mod:`riskcycle._calibration`, which :func:`riskcycle.assess_signal` and
:func:`riskcycle.scan` also run; this module holds the public function, its options
and the GARCH null's spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from .._calibration import (
    MAX_SETS,
    CalibrationResult,
    NominalTest,
    calibrate_core,
    hit_count_spec,
    matched_spec,
    placebo_spec,
    pvalues_against,
    set_score,
    set_statistics,
)
from .._options import SettingsMapping
from .._rng import RNGLike, check_rng
from .._typing import (
    ClockLike,
    DatesLike,
    DelayLike,
    EventsLike,
    FollowerLike,
    StatisticLike,
)
from .._validation import (
    check_alternative,
    check_choice,
    check_float,
    check_int,
    check_n_resamples,
    check_timedelta,
)
from . import _common as C

__all__ = ["CalibrationResult", "calibrate"]

TESTS = ("placebo", "placebo_halving_matched", "placebo_era", "hit_count", "garch_null")


def garch_spec(
    fd: C.FollowerData,
    win: C.Windows,
    *,
    kind: int,
    func: Callable,
    alternative: str,
    n_paths: int,
    burn: int,
    rng: np.random.Generator,
) -> NominalTest:
    """GARCH(1,1)-t null (:func:`riskcycle.garch_null_test`) with paths shared by all sets.

    The paths are simulated once, on the first call, from the fit to the whole follower
    (drift at the sample mean, started at the sample variance); each set's p-value
    compares its statistic on the real path with the same statistic at its own bars on
    every simulated path.
    """
    from ._garch_null import fit_garch_t, null_parameters, simulate_garch_t

    cache: dict = {}

    def paths() -> np.ndarray:
        if "c" not in cache:
            x = fd.returns
            params = null_parameters(fit_garch_t(x), x)  # a fit of the same returns is reused
            if params["at_boundary"]:
                import warnings

                from ..exceptions import ModelBoundaryWarning

                warnings.warn(
                    f"the GARCH(1,1)-t fit of {fd.name} sits on the unit-persistence "
                    f"boundary (alpha + beta = {params['persistence']:.13f}): simulated "
                    "paths start at the sample variance.",
                    ModelBoundaryWarning,
                    stacklevel=5,
                )
            r = simulate_garch_t(params, n_paths, len(x), burn, rng, h0=params["variance"])
            c = np.zeros((n_paths, len(x) + 1))
            np.cumsum(r, axis=1, out=c[:, 1:])
            cache["c"] = c
        return cache["c"]

    def pvalues(sets: np.ndarray) -> np.ndarray:
        c = paths()
        t_obs = set_statistics(win, sets, kind, func)
        out = np.empty(len(sets))
        for lo in range(0, len(sets), 256):
            part = sets[lo : lo + 256]
            fw = c[:, win.end[part]] - c[:, part]  # (paths, sets, k)
            t_sim = (
                fw.mean(axis=-1)
                if kind == 0
                else np.asarray(
                    np.median(fw, axis=-1)
                    if kind == 1
                    else func(fw.reshape(-1, fw.shape[-1])).reshape(fw.shape[:2]),
                    dtype=float,
                )
            )
            for j in range(len(part)):
                out[lo + j] = pvalues_against(
                    t_obs[lo + j : lo + j + 1], t_sim[:, j], alternative, exact=False
                )[0]
        return out

    return NominalTest("garch_null", pvalues, "", set_score(win, kind, func, alternative))


# ---------------------------------------------------------------------------
# public function
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class CalibrateOptions(SettingsMapping):
    """The checked options of :func:`calibrate` (its result's ``settings``).

    The settings view names a callable test by its name, break dates as
    ``YYYY-MM-DD`` strings and the delay as text; the resolved statistic
    (``kind``, ``func``) and ``n_jobs`` are not settings.
    """

    horizon: int
    test: str | Callable
    alpha: float
    n_sets: int
    eras: str | pd.DatetimeIndex | None
    statistic: str
    kind: int
    func: Callable
    alternative: str
    n_resamples: int
    halving_window: int
    halving_cycles: str
    threshold: float
    delay: pd.Timedelta
    n_jobs: int | None = None
    _hidden: ClassVar[tuple[str, ...]] = ("kind", "func", "n_jobs")

    def _value(self, key: str) -> object:
        value = getattr(self, key)
        if key == "test" and not isinstance(value, str):
            return getattr(value, "__name__", "callable")
        if key == "eras" and isinstance(value, pd.DatetimeIndex):
            return [d.strftime("%Y-%m-%d") for d in value]
        if key == "delay":
            return str(value)
        return value


def _calibrate_iv(
    horizon,
    test,
    alpha,
    n_sets,
    eras,
    statistic,
    alternative,
    n_resamples,
    halving_window,
    halving_cycles,
    threshold,
    delay,
    n_jobs=None,
) -> CalibrateOptions:
    horizon = C.check_horizon(horizon)
    if not callable(test):
        if not isinstance(test, str):
            raise TypeError(
                f"`test` must be one of {TESTS} or a callable taking a DatetimeIndex of "
                f"day-0 dates and returning a p-value; got {type(test).__name__}."
            )
        test = check_choice(test, "test", TESTS)
    alpha = check_float(
        alpha, "alpha", minimum=0.0, maximum=1.0, inclusive=(False, False), what="a level"
    )
    n_sets = check_int(n_sets, "n_sets", minimum=19, what="an integer number of random sets")
    if n_sets > MAX_SETS:
        raise ValueError(f"`n_sets` must be at most {MAX_SETS:,}; got {n_sets:,}.")
    eras = C.check_eras(eras)
    if test == "placebo_era" and eras is None:
        raise ValueError(
            "test='placebo_era' needs `eras` ('halving', 'variance_breaks' or break dates); "
            "with eras=None it would be the plain placebo test."
        )
    kind, func, name = C.resolve_statistic(statistic)
    alternative = check_alternative(alternative)
    n_resamples = check_n_resamples(n_resamples, minimum=19)
    halving_window = C.check_optional_int(
        halving_window, "halving_window", minimum=0, what="a non-negative number of days"
    )
    if halving_window is None:
        raise TypeError("`halving_window` must be a non-negative number of days; got None.")
    halving_cycles = check_choice(halving_cycles, "halving_cycles", ("all", "other"))
    threshold = check_float(
        threshold,
        "threshold",
        minimum=-1.0,
        inclusive=(False, True),
        what="a simple-return threshold above -1",
    )
    delay = check_timedelta(delay, "delay")
    n_jobs = C.check_n_jobs(n_jobs)
    return CalibrateOptions(
        horizon=horizon,
        test=test,
        alpha=alpha,
        n_sets=n_sets,
        eras=eras,
        statistic=name,
        kind=kind,
        func=func,
        alternative=alternative,
        n_resamples=n_resamples,
        halving_window=halving_window,
        halving_cycles=halving_cycles,
        threshold=threshold,
        delay=delay,
        n_jobs=n_jobs,
    )


def nominal_test(
    fd: C.FollowerData,
    win: C.Windows,
    opts: CalibrateOptions,
    *,
    spacing: int,
    eras: C.Eras,
    rng: np.random.Generator,
    null: np.ndarray | None = None,
    exact: bool = False,
) -> NominalTest:
    """The :class:`NominalTest` of ``opts.test`` on prepared data."""
    test = opts.test
    common = dict(kind=opts.kind, func=opts.func, alternative=opts.alternative)
    if callable(test):
        index = fd.index

        def pvalues(sets: np.ndarray) -> np.ndarray:
            return np.array([float(test(index[row])) for row in sets])

        return NominalTest(getattr(test, "__name__", "callable"), pvalues, "")
    if test == "placebo":
        none = C.Eras("none", pd.DatetimeIndex([]), np.zeros(fd.n, dtype=np.int64))
        return placebo_spec(
            fd,
            win,
            spacing=spacing,
            eras=none,
            n_resamples=opts.n_resamples,
            rng=rng,
            null=null,
            exact=exact,
            **common,
        )
    if test == "placebo_era":
        return placebo_spec(
            fd,
            win,
            spacing=spacing,
            eras=eras,
            n_resamples=opts.n_resamples,
            rng=rng,
            null=null,
            exact=exact,
            **common,
        )
    if test == "placebo_halving_matched":
        return matched_spec(
            fd,
            win,
            spacing=spacing,
            window=opts.halving_window,
            cycles=opts.halving_cycles,
            n_resamples=opts.n_resamples,
            rng=rng,
            n_jobs=opts.n_jobs,
            **common,
        )
    if test == "garch_null":
        return garch_spec(fd, win, n_paths=opts.n_resamples, burn=500, rng=rng, **common)
    return hit_count_spec(win, threshold=opts.threshold, alternative=opts.alternative)


def calibrate(
    follower: FollowerLike,
    events: EventsLike | None = None,
    *,
    horizon: int | None = None,
    test: str | Callable = "placebo",
    alpha: float = 0.05,
    n_sets: int = 1000,
    eras: str | DatesLike | None = "halving",
    min_spacing: int | None = None,
    statistic: StatisticLike = "mean",
    alternative: str = "greater",
    n_resamples: int = 999,
    halving_window: int = 90,
    halving_cycles: str = "all",
    threshold: float = 0.0,
    delay: DelayLike = C.NO_DELAY,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    n_jobs: int | None = None,
    rng: RNGLike = None,
) -> CalibrationResult:
    r"""Size and calibrated p-value of a few-event test on the follower's own history.

    Random event sets with the events' structure (their number, the minimum
    spacing and the number of events in each era) are drawn exactly uniformly on
    the follower's real path; the test is run on each. The share of sets with
    :math:`p_j \le \alpha` is the test's size where it is used, and the share with
    :math:`p_j \le p` (the observed p-value) is the calibrated p-value.

    Parameters
    ----------
    follower : Series, DataFrame or EventSample
        The follower's daily prices. With an :class:`~riskcycle.inference.EventSample`
        (:func:`~riskcycle.inference.event_sample`), its follower and events: then
        ``events`` is None, and the horizon, delay, clocks and minimum spacing come
        from the sample (an argument that contradicts it is a ValueError; a zero
        ``delay``, the default, means the sample's); the numbers are those of the same call
        with the follower, and the excluded events are not warned about again.
    events : Events, DatetimeIndex or sequence of dates
        The events (a leader's breakouts, or any dates: FOMC meetings, approvals);
        required with prices.
    horizon : int
        Forward window in calendar days; required with prices.
    test : str or callable, default "placebo"
        The test to calibrate, one of ``"placebo"``, ``"placebo_halving_matched"``,
        ``"placebo_era"``, ``"hit_count"``, ``"garch_null"`` or a callable: the plain
        placebo test, the placebo matched on
        Bitcoin's halving-cycle phase (``halving_window``, ``halving_cycles``),
        the era-stratified placebo (``eras``), the exact binomial test of the hit
        count at the base rate (``threshold``), the GARCH(1,1)-t null
        (``n_resamples`` simulated paths shared by all sets), or a callable
        taking a DatetimeIndex of day-0 follower dates and returning a p-value.
    alpha : float, default 0.05
        Level at which the size is measured.
    n_sets : int, default 1000
        Random event sets.
    eras : None, "halving", "variance_breaks" or sequence of dates, default "halving"
        The eras whose mix the random sets keep (and of the era-stratified
        placebo): Bitcoin's halving cycles, eras found from the follower's data
        (its volatility breaks, :func:`riskcycle.regimes.variance_breaks`), break
        dates of your own, or None for one era. For a follower other than Bitcoin
        pass ``"variance_breaks"``, break dates or None. Under ``"halving"`` a
        follower spliced from several data sources (a frame whose ``source`` column
        changes value, as ``btc_long`` at 2014-09-17) has its source changes as
        further era breaks.
    min_spacing : int, optional
        Minimum calendar days between dates of a set; default as in
        :func:`riskcycle.placebo_test`.
    statistic, alternative : as in :func:`riskcycle.placebo_test`
    n_resamples : int, default 999
        Placebo draws of the nominal placebo tests (the same number for the real
        events and for every random set, so that their p-values are exchangeable).
    halving_window, halving_cycles : int and {"all", "other"}
        Of the halving-matched test.
    threshold : float, default 0
        Simple-return threshold of a hit (``test="hit_count"``).
    delay, leader_clock, follower_clock : as in :func:`riskcycle.placebo_test`
    n_jobs : int, optional
        Threads for the halving-matched test, whose random sets each need their own
        Monte Carlo null: None or -1 use every thread numba may use
        (``NUMBA_NUM_THREADS``, by default the CPUs). The sets are cut into fixed
        blocks, each drawing from its own child stream of ``rng``, so the result is
        identical for every ``n_jobs``. The other tests share one null across sets
        and run in one thread.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    CalibrationResult

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (the message names the argument).

    Warns
    -----
    SmallSampleWarning
        No usable event (NaN result).
    DegenerateDataWarning
        No random set with this structure exists.

    See Also
    --------
    riskcycle.placebo_test, riskcycle.assess_signal

    Notes
    -----
    Let :math:`p` be the test's p-value for the real events and :math:`p_1,
    \dots, p_N` its p-values for :math:`N` random sets drawn uniformly from the
    admissible sets :math:`\mathcal{A}` (eligible day-0 bars with a complete
    window, pairwise at least ``min_spacing`` days apart, with the events' count
    in every era). The calibrated p-value is

    .. math:: p_c = \frac{1 + \#\{j : p_j \le p\}}{1 + N},

    a Monte Carlo randomisation test that uses the nominal p-value as its
    statistic (Dufour 2006; the double-bootstrap calibration of Beran 1988 and
    Davison & Hinkley 1997, sec. 4.5, on the follower's own path). Its null
    hypothesis: the real event set is exchangeable with a uniform draw from
    :math:`\mathcal{A}`, i.e. the events are like random dates of the same
    structure on this history. Under it :math:`p_c` is valid at every level
    whatever the nominal test assumes, because the real and the random sets go
    through the same computation. It does not test whether the path itself is
    unusual (a model-based null such as :func:`riskcycle.garch_null_test` asks
    that).

    The size is :math:`\hat\alpha = \#\{p_j \le \alpha\}/N` with a
    Clopper-Pearson interval; ``size_within_band`` says whether an exact
    binomial test of :math:`\hat\alpha = \alpha` does not reject at 1%.
    Measured sizes of riskcycle's tests on Bitcoin's history are in the user
    guide ("Calibration and size") and ``benchmarks/size_table.py``.

    Validated in the test suite against a brute-force computation on a small
    case (every admissible set enumerated) and by the uniformity of calibrated
    p-values of random sets.

    References
    ----------
    Beran, R. (1988). Prepivoting test statistics: a bootstrap view of
    asymptotic refinements. *Journal of the American Statistical Association*
    83(403), 687-697. doi:10.1080/01621459.1988.10478649

    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their
    Application*. Cambridge University Press. doi:10.1017/CBO9780511802843

    Dufour, J.-M. (2006). Monte Carlo tests with nuisance parameters: a general
    approach to finite-sample inference and nonstandard asymptotics. *Journal of
    Econometrics* 133(2), 443-477. doi:10.1016/j.jeconom.2005.06.007

    Examples
    --------
    >>> import riskcycle
    >>> rut = riskcycle.datasets.load("rut")
    >>> btc = riskcycle.datasets.load("btc", end="2026-01-22")
    >>> ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    >>> cal = riskcycle.inference.calibrate(btc, ev, horizon=365, n_sets=200,
    ...                                     n_resamples=199, rng=1)
    >>> cal.n_events, cal.n_sets
    (2, 200)
    """
    horizon, delay = C.check_sample_args(
        follower,
        events,
        horizon=horizon,
        delay=delay,
        min_spacing=min_spacing,
        leader_clock=leader_clock,
        follower_clock=follower_clock,
        needs_events="calibrate",
    )
    opts = _calibrate_iv(
        horizon,
        test,
        alpha,
        n_sets,
        eras,
        statistic,
        alternative,
        n_resamples,
        halving_window,
        halving_cycles,
        threshold,
        delay,
        n_jobs,
    )
    gen = check_rng(rng)
    sample = C.sample_for(
        follower,
        events,
        horizon=opts.horizon,
        delay=opts.delay,
        min_spacing=min_spacing,
        leader_clock=leader_clock,
        follower_clock=follower_clock,
    )
    fd, win, spacing = sample.fd, sample.win, sample.min_spacing
    era = sample._era_labels(opts.eras)  # kept per sample: variance breaks estimated once
    s_null, s_sets = gen.spawn(2)
    spec = nominal_test(fd, win, opts, spacing=spacing, eras=era, rng=s_null)
    return calibrate_core(
        fd,
        win,
        sample.ed.positions,
        spec,
        spacing=spacing,
        eras=era,
        alpha=opts.alpha,
        n_sets=opts.n_sets,
        rng=s_sets,
        settings=opts,
    )
