"""Placebo (permutation over dates) test of an event statistic."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .._options import PlaceboOptions
from .._parallel import chunk_streams
from .._rng import RNGLike, check_rng
from .._sample import EventSample
from .._typing import (
    ClockLike,
    DateLike,
    DatesLike,
    DelayLike,
    EventsLike,
    FollowerLike,
    PricesLike,
    StatisticLike,
)
from .._validation import (
    check_alternative,
    check_choice,
    check_int,
    check_n_resamples,
    check_timedelta,
)
from ..exceptions import DegenerateDataWarning, SmallSampleWarning
from . import _common as C
from ._chunks import start_chunks
from ._result import PlaceboResult

__all__ = ["PlaceboOptions", "placebo_test"]

ENUMERATIONS = ("auto", "exact", "monte_carlo")
CYCLES = ("other", "all")
_CHUNK = 4096  # sets per random stream (fixed: results depend on it, not on the threads)
_STAT_BLOCK = 65_536  # sets per call of a callable statistic
_MAX_PROPOSALS = 200_000_000


def _placebo_test_iv(
    horizon,
    statistic,
    alternative,
    n_resamples,
    halving_window,
    halving_cycles,
    leader,
    leader_within,
    date_range,
    enumeration,
    max_exact,
    delay,
    eras,
    n_jobs,
) -> PlaceboOptions:
    horizon = C.check_horizon(horizon)
    kind, func, name = C.resolve_statistic(statistic)
    alternative = check_alternative(alternative)
    n_resamples = check_n_resamples(n_resamples)
    halving_window = C.check_optional_int(
        halving_window, "halving_window", minimum=0, what="a non-negative integer number of days"
    )
    halving_cycles = check_choice(halving_cycles, "halving_cycles", CYCLES)
    if leader_within is not None and leader is None:
        raise ValueError("`leader_within` needs `leader` (the leader's prices).")
    if leader is not None and leader_within is None:
        raise ValueError(
            "`leader` is used only to match on the leader's state: pass "
            "`leader_within` too (e.g. leader_within=0.05)."
        )
    within = None if leader_within is None else C.check_within(leader_within)
    date_range = C.check_date_range(date_range)
    enumeration = check_choice(enumeration, "enumeration", ENUMERATIONS)
    max_exact = check_int(max_exact, "max_exact", minimum=1, what="a positive integer")
    delay = check_timedelta(delay, "delay")
    eras = C.check_eras(eras)
    n_jobs = C.check_n_jobs(n_jobs)
    if eras is not None and halving_window is not None:
        raise ValueError(
            "`eras` and `halving_window` cannot be combined: the halving-matched pools "
            "already fix each pseudo-event's cycle. Pass one of them."
        )
    if eras is not None and enumeration == "exact":
        raise ValueError(
            "enumeration='exact' is not available with `eras` (era-stratified sets are "
            "sampled); use enumeration='auto' or 'monte_carlo'."
        )
    return PlaceboOptions(
        horizon=horizon,
        statistic=name,
        alternative=alternative,
        n_resamples=n_resamples,
        halving_window=halving_window,
        halving_cycles=halving_cycles,
        eras=eras,
        leader_within=within,
        date_range=date_range,
        enumeration=enumeration,
        max_exact=max_exact,
        delay=delay,
        n_jobs=n_jobs,
        kind=kind,
        func=func,
    )


def placebo_test(
    follower: FollowerLike,
    events: EventsLike | None = None,
    *,
    horizon: int | None = None,
    statistic: StatisticLike = "mean",
    alternative: str = "greater",
    n_resamples: int = 9999,
    min_spacing: int | None = None,
    halving_window: int | None = None,
    halving_cycles: str = "all",
    eras: str | DatesLike | None = None,
    leader: PricesLike | None = None,
    leader_within: float | None = None,
    date_range: tuple[DateLike | None, DateLike | None] | None = None,
    enumeration: str = "auto",
    max_exact: int = 1_000_000,
    delay: DelayLike = C.NO_DELAY,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    n_jobs: int | None = None,
    rng: RNGLike = None,
) -> PlaceboResult:
    r"""Placebo test: are the events' forward returns unusual among random dates?

    The statistic of the real events (by default the mean forward log return
    over ``horizon`` calendar days) is compared with the same statistic on sets
    of pseudo-event dates of the same size, drawn from the eligible follower
    dates with the same minimum spacing as the real events.

    Parameters
    ----------
    follower : Series, DataFrame or EventSample
        The follower's daily prices (closes used).
        With an :class:`~riskcycle.inference.EventSample`
        (:func:`~riskcycle.inference.event_sample`), its follower and events: then
        ``events`` is None, and the horizon, delay, clocks and minimum spacing come
        from the sample (an argument that contradicts it is a ValueError; a zero
        ``delay``, the default, means the sample's); the numbers are those of the same call
        with the follower, and the excluded events are not warned about again.
    events : Events or sequence of dates
        Leader events (required with prices); each is mapped to its day-0
        follower bar without look-ahead (:func:`riskcycle.calendar.map_to_follower`).
        Events outside the follower's data or with an incomplete window are
        excluded (warning).
    horizon : int
        Forward window in calendar days (end bar: the last bar dated on or
        before day 0 + ``horizon``); required with prices.
    statistic : {"mean", "median"} or callable, default "mean"
        Statistic of the events' forward log returns. A callable receives a 2-D
        array (one row per set) and ``axis=-1`` when it accepts ``axis``, else
        one row at a time.
    alternative : {"greater", "less", "two-sided"}, default "greater"
        "greater": the events are followed by larger returns than random dates
        (the direction of the usual claim).
    n_resamples : int, default 9999
        Placebo sets drawn when the test is not exact.
    min_spacing : int, optional
        Minimum calendar days between the dates of a placebo set. Default: the
        events' detection rule converted to calendar days (``min_gap`` sessions
        of the ``"record"`` rule times 365.25 / sessions per year), capped at the
        smallest gap between the real events so that the real set stays
        admissible; for plain dates, the smallest gap between them.
    halving_window : int, optional
        Match on Bitcoin's halving cycle: pseudo-event ``i`` is drawn from the
        dates within ``halving_window`` days of real event ``i``'s phase
        (days since the last halving) in the cycles chosen by ``halving_cycles``.
    halving_cycles : {"all", "other"}, default "all"
        ``"all"``: the same phase in every halving cycle, the real event's own
        cycle included, so that the real tuple is itself admissible (a
        randomisation test). ``"other"``: the other cycles only; the real tuple is
        then outside the null's support and the test over-rejects on Bitcoin's
        own history (its cycles differ in level: see the size table in the
        user guide, "Calibration and size"); kept for comparison.
    eras : None, "halving", "variance_breaks" or sequence of dates, optional
        Era-stratified placebo: each placebo set has the same number of dates in
        each era as the real events, so that early events are compared with
        early dates. ``"halving"``: Bitcoin's halving cycles
        (:data:`riskcycle.calendar.HALVINGS`), split further where a spliced
        follower changes data source (a frame's ``source`` column: ``btc_long`` at
        2014-09-17); ``"variance_breaks"``: eras found
        from the follower's data (its volatility breaks,
        :func:`riskcycle.regimes.variance_breaks` with the LWZ rule); a sequence of
        dates: the eras start at these break dates. Sampled exactly uniformly from the
        admissible stratified sets (:func:`riskcycle._nb_sets.strata_tables`).
        Cannot be combined with ``halving_window``.
    leader, leader_within : prices and float, optional
        Match on the leader's state: only dates at which the leader's last known
        close was within ``leader_within`` (a fraction, 0.05 = 5%) of its
        running record are eligible (``leader_clock``, else ``leader.attrs``,
        says when its closes are known).
    date_range : (start, end), optional
        Only day-0 dates in this range are eligible (either end may be None).
    enumeration : {"auto", "exact", "monte_carlo"}, default "auto"
        How the null distribution is made: "exact" enumerates every admissible
        set (exact p-value), "monte_carlo" samples ``n_resamples`` of them, "auto"
        enumerates when there are at most ``max_exact`` admissible sets, else
        samples. (Called ``method`` before 0.2.0; ``method`` elsewhere in
        riskcycle names the event rule.)
    max_exact : int, default 1,000,000
        Largest number of admissible sets enumerated.
    delay : timedelta or str, default 0
        Extra waiting time after each event's information time.
    leader_clock, follower_clock : SessionClock or str, optional
        Default: the events' clock and ``follower.attrs["clock"]``.
    n_jobs : int, optional
        Threads that draw the placebo sets; None or -1 (default): all cores
        (``numba.get_num_threads()``). The result does not depend on it.
    rng : int, Generator or SeedSequence, optional
        Seeds the placebo sets: chunks of 4,096 sets draw their uniforms from
        streams spawned from it (:meth:`numpy.random.Generator.spawn`).

    Returns
    -------
    PlaceboResult
        ``statistic``, ``pvalue``, ``pvalue_se`` (Monte Carlo error),
        ``null_distribution``, ``min_attainable_pvalue`` and the settings; its
        ``null_hypothesis`` and ``resampling`` say exactly what was tested.

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (the message names the argument).

    Warns
    -----
    EventsExcludedWarning, IncompleteWindowWarning
        Events that cannot be used.
    SmallSampleWarning
        No usable event (the result is NaN).
    DegenerateDataWarning
        No admissible placebo set (the result is NaN).

    See Also
    --------
    riskcycle.garch_null_test, riskcycle.base_rate, riskcycle.power_analysis

    Notes
    -----
    **The null distribution.** Let :math:`E` be the eligible day-0 bars (the
    window is complete, and every filter holds) and :math:`s` the spacing. A set
    is *admissible* when its dates are in :math:`E` and pairwise at least
    :math:`s` days apart. Without halving matching the placebo sets are drawn
    exactly uniformly from all admissible sets of size :math:`k`: with
    :math:`N_j(m)` the number of admissible :math:`j`-sets among candidates
    :math:`m, m+1, \dots` (recursion :math:`N_j(m) = N_j(m+1) +
    N_{j-1}(\mathrm{next}(m))`), the first date is drawn with probability
    :math:`N_{k-1}(\mathrm{next}(m))/N_k(0)` and so on; every admissible set has
    probability :math:`1/N_k(0)`. When every day is eligible this is the "stars
    and bars" bijection between spaced sets and :math:`k`-subsets of
    :math:`N - (k-1)(s-1)` positions. With halving matching, placebo *tuples*
    :math:`(d_1, \dots, d_k)` with :math:`d_i` in real event :math:`i`'s pool
    are drawn uniformly from the admissible tuples by rejection (independent
    uniform draws from the pools, rejected unless pairwise :math:`s` days apart).

    **The p-value.** Monte Carlo: :math:`p = (1 + \#\{T^* \ge T\})/(1 + B)`,
    never 0, with standard error :math:`\sqrt{p(1-p)/B}` (Davison & Hinkley 1997,
    ch. 4). Exact: the share of all admissible sets at least as extreme
    (counting the real set when it is admissible). The smallest attainable
    p-value is reported; with few events and a short history it can be large.

    The test conditions on the follower's realised path: it asks whether the
    event dates are special among dates of the same history, not whether the
    path itself is unusual (see :func:`riskcycle.garch_null_test`). Overlapping
    windows make placebo sets share returns with each other and with the real
    events; the spacing rule keeps the placebo sets as clustered as the events.

    **Validity.** When the real dates are themselves a uniform draw from the
    admissible sets (the randomisation null) the p-value is exactly valid. When
    instead the dates are fixed and the follower's returns are unrelated to them,
    validity depends on the follower's history: on Bitcoin's (``btc_long``, 365-day
    horizon, 1,000 random date sets per case; ``benchmarks/SIZE_TABLE.md`` and the
    user guide, "Calibration and size") the plain test holds its size at 5% for
    dates drawn uniformly (4.5-6.7% for 2 to 5 dates) but rejects 9-18% when early
    and late dates are mixed as in the claim, because Bitcoin's early years rose far
    more than its later ones; the era-stratified test (``eras="halving"``) stays at
    4.4-6.6% in every case; the own-cycle matched test behaves like the plain one
    (3-17%); the other-cycles matched test rejects 12-37%. Use
    :func:`riskcycle.inference.calibrate` to measure the size for your follower and
    event structure and to get a calibrated p-value; :func:`riskcycle.assess_signal`
    decides its verdict on calibrated p-values only.

    **Threads.** Monte Carlo sets come in chunks of 4,096, chunk :math:`j` drawing
    its uniforms from the :math:`j`-th stream spawned from ``rng``, on ``n_jobs``
    threads: the null distribution is bit-identical for every ``n_jobs``. The
    number of admissible matched tuples is counted by dynamic programming over the
    pools' dates (:func:`riskcycle._nb_sets.matched_count`), exactly, also
    beyond ``max_exact``.

    Validated in the test suite: exact enumeration against brute force, sampled
    against exact within Monte Carlo error, and uniform p-values under simulated
    nulls with and without matching (binomial tests of the rejection rates at 5%
    and 10%, Kolmogorov-Smirnov).

    References
    ----------
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their
    Application*. Cambridge University Press. doi:10.1017/CBO9780511802843

    Examples
    --------
    >>> import riskcycle
    >>> rut = riskcycle.datasets.load("rut")
    >>> btc = riskcycle.datasets.load("btc", end="2026-01-22")
    >>> ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    >>> res = riskcycle.placebo_test(btc, ev, horizon=365, n_resamples=999, rng=1)
    >>> res.n_events, res.min_spacing
    (2, 362)

    The same test on a sample prepared once (for several tests at this horizon):

    >>> sample = riskcycle.inference.event_sample(btc, ev, horizon=365)
    >>> riskcycle.placebo_test(sample, n_resamples=999, rng=1).pvalue == res.pvalue
    True
    """
    horizon, delay = C.check_sample_args(
        follower,
        events,
        horizon=horizon,
        delay=delay,
        min_spacing=min_spacing,
        leader_clock=leader_clock,
        follower_clock=follower_clock,
        needs_events="placebo_test",
    )
    opts = _placebo_test_iv(
        horizon,
        statistic,
        alternative,
        n_resamples,
        halving_window,
        halving_cycles,
        leader,
        leader_within,
        date_range,
        enumeration,
        max_exact,
        delay,
        eras,
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
    mask = C.date_range_mask(sample.fd, opts.date_range)
    if opts.leader_within is not None:
        clock = leader_clock if leader_clock is not None else sample.leader_clock
        mask &= C.leader_state_mask(
            leader, sample.fd, opts.leader_within, delay=opts.delay, leader_clock=clock
        )
    eras_ = sample._era_labels(opts.eras) if opts.eras is not None else None
    return placebo_core(sample, opts, mask=mask, eras=eras_, rng=gen)


# ---------------------------------------------------------------------------
# the steps of the test on prepared data
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Problem:
    """The events and the eligible dates of one test."""

    pos: np.ndarray  # day-0 bars of the usable events (ascending)
    cand: np.ndarray  # eligible day-0 bars
    tday: np.ndarray  # their day numbers
    values: np.ndarray  # their forward log returns
    kind: int
    func: Callable[..., np.ndarray] | None
    spacing: int
    stratified: bool

    @property
    def k(self) -> int:
        return len(self.pos)

    def stats_of(self, idx: np.ndarray) -> np.ndarray:
        """The statistic of the sets ``idx`` (rows of candidate indices)."""
        from .. import _nb_sets as _nb

        if self.kind >= 0:
            return _nb.set_statistic(self.values, idx, self.kind)
        return self.func(self.values[idx])


@dataclass(frozen=True, slots=True, kw_only=True)
class _Null:
    """A null distribution and how it was made."""

    null: np.ndarray
    exact: bool
    n_admissible: float
    n_admissible_exact: bool
    resampling: str
    acceptance: float = np.nan
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _NoNull:
    """Why there is no null distribution (the result is NaN)."""

    reason: str
    category: type[Warning]


def _problem(fd, win, ed, mask, kind, func, spacing, eras) -> _Problem:
    cand = np.flatnonzero(win.complete & mask)
    return _Problem(
        pos=ed.positions,  # ascending: events are sorted and day 0 never moves backwards
        cand=cand,
        tday=fd.day[cand],
        values=win.fwd[cand],
        kind=kind,
        func=func,
        spacing=spacing,
        stratified=eras is not None and eras.rule != "none",
    )


def _era_mix(pb: _Problem, eras) -> str:
    if not pb.stratified:
        return ""
    counts = np.bincount(eras.label[pb.pos], minlength=len(eras.breaks) + 1)
    return ", ".join(f"{c} in {nm}" for c, nm in zip(counts, eras.names(), strict=True) if c)


def _describe_filters(horizon: int, matching: dict) -> str:
    parts = [f"a complete {horizon}-day window"]
    if matching.get("leader_within") is not None:
        parts.append(f"the leader within {matching['leader_within']:.1%} of its record")
    dr = matching.get("date_range")
    if dr is not None:
        lo = "..." if dr[0] is None else dr[0].strftime("%Y-%m-%d")
        hi = "..." if dr[1] is None else dr[1].strftime("%Y-%m-%d")
        parts.append(f"day 0 in {lo} to {hi}")
    return ", ".join(parts)


def _where(halving_cycles: str) -> str:
    return "other" if halving_cycles == "other" else "any"


def _null_text(pb, h, stat_name, halving_window, halving_cycles, matching, eras) -> str:
    k, spacing = pb.k, pb.spacing
    return (
        f"the {k} event dates are like {k} dates drawn at random from the eligible dates "
        f"({_describe_filters(h, matching)}) at least {spacing} days apart"
        + (
            f", each within {halving_window} days of its event's halving-cycle phase in "
            f"{_where(halving_cycles)} cycle(s)"
            if halving_window is not None
            else ""
        )
        + (
            f", with the events' mix of {eras.describe()} ({_era_mix(pb, eras)})"
            if pb.stratified
            else ""
        )
        + f": the {stat_name} {h}-day log return after them is a typical value for such sets."
    )


def _common_fields(sample, pb, opts: PlaceboOptions, eras) -> dict:
    """The result's fields that do not depend on the null distribution; the settings are
    the options with the resolved spacing and eras (the statistic kept by name)."""
    fd, win, ed = sample.fd, sample.win, sample.ed
    settings = replace(
        opts,
        min_spacing=pb.spacing,
        eras_description=None if eras is None else eras.describe(),
        func=None,
    )
    return dict(
        alternative=opts.alternative,
        n_events=pb.k,
        event_dates=ed.dates,
        day0_dates=fd.index[pb.pos],
        event_returns=win.fwd[pb.pos],
        excluded=C.excluded_frame(ed),
        horizon=win.horizon,
        statistic_name=opts.statistic,
        min_spacing=pb.spacing,
        spacing_source=sample.spacing_source,
        matching=opts.matching,
        n_eligible=len(pb.cand),
        follower_name=fd.name,
        settings=settings,
    )


def _nan_result(reason: str, null_text: str, common: dict) -> PlaceboResult:
    return PlaceboResult(
        statistic=np.nan,
        pvalue=np.nan,
        pvalue_se=np.nan,
        null_distribution=np.empty(0),
        method="none",
        null_hypothesis=null_text,
        resampling="not run: " + reason,
        n_resamples=0,
        n_admissible=0.0,
        n_admissible_exact=True,
        min_attainable_pvalue=np.nan,
        observed_in_support=False,
        acceptance_rate=np.nan,
        notes=(reason,),
        **common,
    )


def _observed(win, pb: _Problem) -> float:
    from .. import _nb_sets as _nb

    if pb.kind >= 0:
        return float(_nb.set_statistic(win.fwd, pb.pos[None, :], pb.kind)[0])
    return float(pb.func(win.fwd[pb.pos][None, :])[0])


def _in_support(fd, pb: _Problem, pools=None) -> bool:
    """Is the real set itself an admissible placebo set (in every pool when matched)?"""
    cand_of = np.full(fd.n, -1, dtype=np.int64)
    cand_of[pb.cand] = np.arange(len(pb.cand))
    ev_c = cand_of[pb.pos]
    ok = bool((ev_c >= 0).all() and (pb.k < 2 or np.diff(fd.day[pb.pos]).min() >= pb.spacing))
    if ok and pools is not None:
        pool, off = pools
        ok = all((pool[off[i] : off[i + 1]] == ev_c[i]).any() for i in range(pb.k))
    return ok


def _start_sampling(draw, pb: _Problem, n: int, rng, n_jobs) -> Callable[[], tuple]:
    """Start drawing ``n`` sets in chunks of ``_CHUNK`` on ``n_jobs`` threads.

    ``draw(gen, idx, lo, hi)`` fills ``idx[lo:hi]`` from the chunk's own stream ``gen``
    (the chunk's index in the streams spawned from ``rng``) and returns the proposals
    it used; each chunk then computes its sets' statistic with the compiled kernel. A
    callable statistic runs after the chunks, in the calling thread. Returns
    ``finish()``, which waits and gives the statistics and the proposals used, neither
    depending on ``n_jobs``.
    """
    idx = np.empty((n, pb.k), dtype=np.int64)
    n_chunks = -(-n // _CHUNK)
    streams = chunk_streams(rng, n_chunks)
    null = np.empty(n)
    used = np.zeros(n_chunks, dtype=np.int64)
    compiled_stat = pb.kind >= 0

    def task(j: int) -> None:
        lo, hi = j * _CHUNK, min((j + 1) * _CHUNK, n)
        used[j] = draw(streams[j](), idx, lo, hi)
        if compiled_stat:
            null[lo:hi] = pb.stats_of(idx[lo:hi])

    wait = start_chunks(task, n_chunks, n_jobs)

    def finish() -> tuple[np.ndarray, int]:
        wait()
        if not compiled_stat:
            for lo in range(0, n, _STAT_BLOCK):
                null[lo : lo + _STAT_BLOCK] = pb.stats_of(idx[lo : lo + _STAT_BLOCK])
        return null, int(used.sum())

    return finish


def _spaced_null(pb: _Problem, eras, *, method, max_exact, n_resamples, rng, n_jobs):
    """The null over spaced sets (optionally with the events' era mix): exact or sampled.

    Returns ``finish()`` giving a :class:`_Null`, or a :class:`_NoNull`.
    """
    from .. import _nb_sets as _nb

    k, spacing = pb.k, pb.spacing
    nxt = np.searchsorted(pb.tday, pb.tday + spacing, side="left").astype(np.int64)
    if pb.stratified:
        table, log_count = _nb.strata_tables(nxt, eras.label[pb.cand], np.sort(eras.label[pb.pos]))
    else:
        table, log_count = _nb.spaced_tables(nxt, k)
    if not np.isfinite(log_count):
        return _NoNull(
            f"no set of {k} eligible dates {spacing} days apart exists "
            f"({len(pb.cand)} eligible dates).",
            DegenerateDataWarning,
        )
    n_adm = math.exp(log_count)
    # the scaled counts carry a relative error of about 1e-15 * log(count): integral
    # (and exact) after rounding below about 1e12
    n_adm_exact = n_adm < 1e12
    if n_adm_exact:
        n_adm = float(round(n_adm))
    # exact enumeration walks the unstratified table only
    exact = method != "monte_carlo" and not pb.stratified and n_adm <= max_exact + 0.5
    if method == "exact" and not exact:
        raise ValueError(
            f"enumeration='exact' needs at most `max_exact` ({max_exact}) admissible "
            f"sets; there are about {n_adm:.4g}. Raise `max_exact` or use "
            "enumeration='monte_carlo'."
        )
    if exact:
        n_sets = round(n_adm)
        done = _Null(
            null=pb.stats_of(_nb.spaced_enumerate(table, nxt, k, n_sets)),
            exact=True,
            n_admissible=n_adm,
            n_admissible_exact=n_adm_exact,
            resampling=(
                f"exact: all {n_sets} sets of {k} eligible dates pairwise at least "
                f"{spacing} days apart, each once."
            ),
        )
        return lambda: done

    def draw(gen: np.random.Generator, idx: np.ndarray, lo: int, hi: int) -> int:
        idx[lo:hi] = _nb.spaced_sample(table, nxt, gen.random((hi - lo, k)))
        return hi - lo

    finish = _start_sampling(draw, pb, n_resamples, rng, n_jobs)
    era_text = f" with the events' era mix ({_era_mix(pb, eras)})" if pb.stratified else ""

    def result() -> _Null:
        return _Null(
            null=finish()[0],
            exact=False,
            n_admissible=n_adm,
            n_admissible_exact=n_adm_exact,
            resampling=(
                f"Monte Carlo: {n_resamples} sets drawn independently and exactly "
                f"uniformly from all {n_adm:.6g} sets of {k} eligible dates pairwise "
                f"at least {spacing} days apart{era_text}"
                " (sequential inversion of the counts of admissible sets)."
            ),
        )

    return result


def _matched_draw(pool, off, tday, spacing, k, budget):
    """The rejection sampler of matched tuples for :func:`_start_sampling`."""
    from .. import _nb_sets as _nb

    def draw(gen: np.random.Generator, idx: np.ndarray, lo: int, hi: int) -> int:
        filled, proposals, acc_est = lo, 0, 0.5
        while filled < hi:
            need = hi - filled
            n_buf = int(min(max(1024, need / max(acc_est, 1e-6) * 1.2), 2**18))
            u = gen.random((n_buf, k))
            filled, used = _nb.matched_sample(pool, off, tday, spacing, u, idx[:hi], filled)
            proposals += used
            acc_est = max(filled - lo, 1) / proposals
            if proposals > budget * (hi - lo) and filled < hi:
                raise ValueError(
                    f"halving matching leaves almost no admissible tuple "
                    f"(acceptance {(filled - lo) / proposals:.2e}); widen "
                    "`halving_window` or lower `min_spacing`."
                )
        return proposals

    return draw


def _matched_counts(pool, off, tday, spacing, max_exact, *, store):
    """``(count, cnt, small, rows)``: the exact count by dynamic programming (None with
    many events), the count or a lower bound past ``max_exact`` (enumerating up to it),
    whether it is at most ``max_exact``, and the tuples when ``store`` and small."""
    from .. import _nb_sets as _nb

    count = _nb.matched_count(pool, off, tday, spacing)
    if count is None:
        cnt, rows = _nb.matched_enumerate(pool, off, tday, spacing, max_exact, store=store)
        return None, cnt, cnt <= max_exact, rows
    rows = None
    if store and count <= max_exact:
        rows = _nb.matched_enumerate(pool, off, tday, spacing, max_exact, store=True)[1]
    return count, count, count <= max_exact, rows


def _matched_null(
    pb: _Problem,
    pool,
    off,
    ed,
    *,
    halving_window,
    halving_cycles,
    method,
    max_exact,
    n_resamples,
    rng,
    n_jobs,
):
    """The null over halving-matched tuples: exact or sampled by rejection.

    Returns ``finish()`` giving a :class:`_Null`, or a :class:`_NoNull`.
    """

    k, spacing, tday = pb.k, pb.spacing, pb.tday
    where = _where(halving_cycles)
    sizes = np.diff(off)
    if (sizes == 0).any():
        i = int(np.flatnonzero(sizes == 0)[0])
        return _NoNull(
            f"no eligible date within {halving_window} days of the halving phase of the "
            f"event of {ed.dates[i].date()} in {where} cycle(s).",
            DegenerateDataWarning,
        )
    count, cnt, small, rows = _matched_counts(
        pool, off, tday, spacing, max_exact, store=method != "monte_carlo"
    )
    if cnt == 0:
        return _NoNull(
            f"no admissible matched tuple (the pools cannot be spaced {spacing} days apart).",
            DegenerateDataWarning,
        )
    exact = method != "monte_carlo" and small
    if method == "exact" and not exact:
        raise ValueError(
            f"enumeration='exact' needs at most `max_exact` ({max_exact}) admissible "
            f"tuples; there are more. Raise `max_exact` or use "
            "enumeration='monte_carlo'."
        )
    pool_desc = (
        f"pseudo-event i drawn from the eligible dates within {halving_window} "
        f"days of real event i's phase (days since the last halving) in {where} "
        "halving cycle(s)"
    )
    notes = (
        "Pool sizes: "
        + ", ".join(f"{d.date()}: {s}" for d, s in zip(ed.dates, sizes, strict=True))
        + ".",
    )
    if exact:
        done = _Null(
            null=pb.stats_of(rows),
            exact=True,
            n_admissible=float(cnt),
            n_admissible_exact=True,
            resampling=(
                f"exact: all {round(cnt)} admissible matched tuples ({pool_desc}; dates "
                f"pairwise at least {spacing} days apart), each once."
            ),
            notes=notes,
        )
        return lambda: done
    draw = _matched_draw(pool, off, tday, spacing, k, _MAX_PROPOSALS / n_resamples)
    finish = _start_sampling(draw, pb, n_resamples, rng, n_jobs)

    def result() -> _Null:
        null, proposals = finish()
        acceptance = n_resamples / proposals
        if count is not None:
            # integral below 2**53 (sums of integers in floating point)
            n_adm, n_adm_exact = float(count), count < 2.0**53
            n_adm_text = f"{n_adm:.6g} admissible tuples"
        elif small:
            n_adm, n_adm_exact = float(cnt), True
            n_adm_text = f"{cnt} admissible tuples"
        else:
            n_adm, n_adm_exact = float(np.prod(sizes.astype(float))) * acceptance, False
            n_adm_text = f"about {n_adm:.4g} admissible tuples"
        return _Null(
            null=null,
            exact=False,
            n_admissible=n_adm,
            n_admissible_exact=bool(n_adm_exact),
            resampling=(
                f"Monte Carlo: {n_resamples} tuples drawn exactly uniformly from the "
                f"admissible matched tuples ({pool_desc}) by rejection: independent "
                f"uniform draws from the pools, rejected unless pairwise at least "
                f"{spacing} days apart (acceptance {acceptance:.1%}); {n_adm_text}."
            ),
            acceptance=acceptance,
            notes=notes,
        )

    return result


def _result(observed, in_support, nl: _Null, alternative, null_text, common) -> PlaceboResult:
    p, se = C.resampling_pvalue(
        observed, nl.null, alternative, exact=nl.exact, in_support=in_support
    )
    notes = list(nl.notes)
    if not in_support:
        notes.append(
            "The real event set is not itself an admissible placebo set (it is counted "
            "as one more member of the reference set)."
        )
    return PlaceboResult(
        statistic=observed,
        pvalue=p,
        pvalue_se=se,
        null_distribution=np.asarray(nl.null),
        method="exact" if nl.exact else "monte_carlo",
        null_hypothesis=null_text,
        resampling=nl.resampling,
        n_resamples=len(nl.null),
        n_admissible=float(nl.n_admissible),
        n_admissible_exact=bool(nl.n_admissible_exact),
        min_attainable_pvalue=C.min_pvalue(
            len(nl.null), alternative, exact=nl.exact, in_support=in_support
        ),
        observed_in_support=in_support,
        acceptance_rate=float(nl.acceptance),
        notes=tuple(notes),
        **common,
    )


def placebo_core(
    sample: EventSample,
    opts: PlaceboOptions,
    *,
    mask: np.ndarray,
    eras,
    rng: np.random.Generator,
) -> PlaceboResult:
    """The test on a prepared sample: eligible bars ``mask``, era labels ``eras`` (None:
    no stratification) and the checked options.

    The steps: the eligible dates (:func:`_problem`); the null's counts or pools, whose
    Monte Carlo chunks start on the threads (:func:`_spaced_null`,
    :func:`_matched_null`); meanwhile, in this thread, the observed statistic, the
    support check and the result's other fields; then the p-value (:func:`_result`).
    """
    fd, win, ed = sample.fd, sample.win, sample.ed
    pb = _problem(fd, win, ed, mask, opts.kind, opts.func, sample.min_spacing, eras)
    h, window, cycles = win.horizon, opts.halving_window, opts.halving_cycles
    null_text = _null_text(pb, h, opts.statistic, window, cycles, opts.matching, eras)
    kw = dict(
        method=opts.enumeration,
        max_exact=opts.max_exact,
        n_resamples=opts.n_resamples,
        rng=rng,
        n_jobs=opts.n_jobs,
    )
    # a callable statistic runs (and may fail) before any thread starts
    observed = _observed(win, pb) if pb.k and opts.kind < 0 else None
    pools = None
    if pb.k == 0:
        pending = _NoNull(
            f"no event has a complete {h}-day window: the placebo test does not apply.",
            SmallSampleWarning,
        )
    elif window is None:
        pending = _spaced_null(pb, eras, **kw)
    else:
        # tuple element i comes from real event i's pool (events in date order)
        pool, off, _phase = C.halving_pools(fd, pb.cand, pb.pos, window, cycles)
        pools = (pool, off)
        pending = _matched_null(
            pb, pool, off, ed, halving_window=window, halving_cycles=cycles, **kw
        )
    if isinstance(pending, _NoNull):
        warnings.warn(pending.reason, pending.category, stacklevel=3)
        return _nan_result(pending.reason, null_text, _common_fields(sample, pb, opts, eras))
    # while the chunks run on the threads
    observed = _observed(win, pb) if observed is None else observed
    in_support = _in_support(fd, pb, pools)
    fields = _common_fields(sample, pb, opts, eras)
    return _result(observed, in_support, pending(), opts.alternative, null_text, fields)
