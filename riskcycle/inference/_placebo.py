"""Placebo (permutation over dates) test of an event statistic."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._rng import RNGLike, check_rng
from .._validation import (
    check_alternative,
    check_choice,
    check_int,
    check_n_resamples,
    check_timedelta,
)
from ..exceptions import DegenerateDataWarning, SmallSampleWarning
from . import _common as C
from ._parallel import chunk_streams, run_chunks
from ._result import PlaceboResult

__all__ = ["placebo_test"]

METHODS = ("auto", "exact", "monte_carlo")
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
    method,
    max_exact,
    delay,
    eras,
    n_jobs,
):
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
    method = check_choice(method, "method", METHODS)
    max_exact = check_int(max_exact, "max_exact", minimum=1, what="a positive integer")
    delay = check_timedelta(delay, "delay")
    eras = C.check_eras(eras)
    n_jobs = C.check_n_jobs(n_jobs)
    if eras is not None and halving_window is not None:
        raise ValueError(
            "`eras` and `halving_window` cannot be combined: the halving-matched pools "
            "already fix each pseudo-event's cycle. Pass one of them."
        )
    if eras is not None and method == "exact":
        raise ValueError(
            "method='exact' is not available with `eras` (era-stratified sets are "
            "sampled); use method='auto' or 'monte_carlo'."
        )
    return (
        horizon,
        kind,
        func,
        name,
        alternative,
        n_resamples,
        halving_window,
        halving_cycles,
        within,
        date_range,
        method,
        max_exact,
        delay,
        eras,
        n_jobs,
    )


def placebo_test(
    follower: Any,
    events: Any,
    *,
    horizon: int,
    statistic: Any = "mean",
    alternative: str = "greater",
    n_resamples: int = 9999,
    min_spacing: int | None = None,
    halving_window: int | None = None,
    halving_cycles: str = "all",
    eras: Any = None,
    leader: Any = None,
    leader_within: float | None = None,
    date_range: tuple[Any, Any] | None = None,
    method: str = "auto",
    max_exact: int = 1_000_000,
    delay: Any = C.NO_DELAY,
    leader_clock: Any = None,
    follower_clock: Any = None,
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
    follower : Series or DataFrame
        The follower's daily prices (closes used).
    events : Events or sequence of dates
        Leader events; each is mapped to its day-0 follower bar without
        look-ahead (:func:`riskcycle.calendar.map_to_follower`). Events outside
        the follower's data or with an incomplete window are excluded (warning).
    horizon : int
        Forward window in calendar days (end bar: the last bar dated on or
        before day 0 + ``horizon``).
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
        admissible stratified sets (:func:`riskcycle.inference._nb.strata_tables`).
        Cannot be combined with ``halving_window``.
    leader, leader_within : prices and float, optional
        Match on the leader's state: only dates at which the leader's last known
        close was within ``leader_within`` (a fraction, 0.05 = 5%) of its
        running record are eligible (``leader_clock``, else ``leader.attrs``,
        says when its closes are known).
    date_range : (start, end), optional
        Only day-0 dates in this range are eligible (either end may be None).
    method : {"auto", "exact", "monte_carlo"}, default "auto"
        "auto": enumerate every admissible set when there are at most
        ``max_exact`` of them (exact p-value), else sample.
    max_exact : int, default 1,000,000
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
    pools' dates (:func:`riskcycle.inference._nb.matched_count`), exactly, also
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
    """
    (
        horizon,
        kind,
        func,
        name,
        alternative,
        n_resamples,
        halving_window,
        halving_cycles,
        within,
        date_range,
        method,
        max_exact,
        delay,
        eras,
        n_jobs,
    ) = _placebo_test_iv(
        horizon,
        statistic,
        alternative,
        n_resamples,
        halving_window,
        halving_cycles,
        leader,
        leader_within,
        date_range,
        method,
        max_exact,
        delay,
        eras,
        n_jobs,
    )
    gen = check_rng(rng)
    fd = C.follower_data(follower, follower_clock=follower_clock)
    win = C.windows(fd, horizon)
    ed = C.event_data(fd, win, events, delay=delay, leader_clock=leader_clock)
    C.warn_excluded(ed, fd, horizon)
    spacing, source = C.resolve_spacing(min_spacing, events, ed, fd)
    mask = C.date_range_mask(fd, date_range)
    if within is not None:
        mask &= C.leader_state_mask(leader, fd, within, delay=delay, leader_clock=leader_clock)
    return placebo_core(
        fd,
        win,
        ed,
        kind=kind,
        func=func,
        stat_name=name,
        alternative=alternative,
        n_resamples=n_resamples,
        spacing=spacing,
        spacing_source=source,
        halving_window=halving_window,
        halving_cycles=halving_cycles,
        mask=mask,
        matching={
            "halving_window": halving_window,
            "halving_cycles": halving_cycles if halving_window is not None else None,
            "leader_within": within,
            "date_range": date_range,
        },
        eras=C.era_labels(fd, eras) if eras is not None else None,
        method=method,
        max_exact=max_exact,
        rng=gen,
        warn=True,
        n_jobs=n_jobs,
    )


def _sample_sets(draw, idx, stats_of, compiled_stat, rng, n_jobs) -> tuple[np.ndarray, int]:
    """Fill ``idx`` with placebo sets in chunks of ``_CHUNK`` and return their statistics.

    ``draw(gen, lo, hi)`` fills ``idx[lo:hi]`` from the chunk's own stream ``gen``
    (the chunk's index in the streams spawned from ``rng``) and returns the
    proposals it used. The chunks run on ``n_jobs`` threads, each computing its
    sets' statistic with the compiled kernel (``compiled_stat``); a callable
    statistic runs afterwards in the calling thread. Returns the statistics and the
    proposals used, neither depending on ``n_jobs``.
    """
    n = idx.shape[0]
    n_chunks = -(-n // _CHUNK)
    streams = chunk_streams(rng, n_chunks)
    null = np.empty(n)
    used = np.zeros(n_chunks, dtype=np.int64)

    def task(j: int) -> None:
        lo, hi = j * _CHUNK, min((j + 1) * _CHUNK, n)
        used[j] = draw(streams[j](), lo, hi)
        if compiled_stat:
            null[lo:hi] = stats_of(idx[lo:hi])

    run_chunks(task, n_chunks, n_jobs)
    if not compiled_stat:
        for lo in range(0, n, _STAT_BLOCK):
            null[lo : lo + _STAT_BLOCK] = stats_of(idx[lo : lo + _STAT_BLOCK])
    return null, int(used.sum())


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


def placebo_core(
    fd,
    win,
    ed,
    *,
    kind,
    func,
    stat_name,
    alternative,
    n_resamples,
    spacing,
    spacing_source,
    halving_window,
    halving_cycles,
    mask,
    matching,
    method,
    max_exact,
    rng,
    warn,
    eras=None,
    n_jobs=None,
) -> PlaceboResult:
    """The test on prepared data (shared with :func:`riskcycle.assess_signal`)."""
    from . import _nb

    pos = ed.positions  # ascending: events are sorted and day 0 never moves backwards
    k = len(pos)
    h = win.horizon
    cand = np.flatnonzero(win.complete & mask)
    tday = fd.day[cand]
    values = win.fwd[cand]
    ev_ret = win.fwd[pos]
    common = dict(
        alternative=alternative,
        n_events=k,
        event_dates=ed.dates,
        day0_dates=fd.index[pos],
        event_returns=ev_ret,
        excluded=C.excluded_frame(ed),
        horizon=h,
        statistic_name=stat_name,
        min_spacing=spacing,
        spacing_source=spacing_source,
        matching=matching,
        n_eligible=len(cand),
        follower_name=fd.name,
        settings={
            "horizon": h,
            "statistic": stat_name,
            "alternative": alternative,
            "n_resamples": n_resamples,
            "min_spacing": spacing,
            "method": method,
            "max_exact": max_exact,
            **matching,
            "eras": None if eras is None else eras.describe(),
        },
    )
    filters = _describe_filters(h, matching)
    matched = halving_window is not None
    stratified = eras is not None and eras.rule != "none"
    era_mix = ""
    if stratified:
        counts = np.bincount(eras.label[pos], minlength=len(eras.breaks) + 1)
        era_mix = ", ".join(
            f"{c} in {nm}" for c, nm in zip(counts, eras.names(), strict=True) if c
        )
    where = "other" if halving_cycles == "other" else "any"
    null_text = (
        f"the {k} event dates are like {k} dates drawn at random from the eligible dates "
        f"({filters}) at least {spacing} days apart"
        + (
            f", each within {halving_window} days of its event's halving-cycle phase in "
            f"{where} cycle(s)"
            if matched
            else ""
        )
        + (f", with the events' mix of {eras.describe()} ({era_mix})" if stratified else "")
        + f": the {stat_name} {h}-day log return after them is a typical value for such sets."
    )

    def nan_result(reason: str, category: type[Warning]) -> PlaceboResult:
        if warn:
            warnings.warn(reason, category, stacklevel=4)
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

    if k == 0:
        return nan_result(
            f"no event has a complete {h}-day window: the placebo test does not apply.",
            SmallSampleWarning,
        )
    if kind >= 0:
        observed = float(_nb.set_statistic(win.fwd, pos[None, :], kind)[0])
    else:
        observed = float(func(ev_ret[None, :])[0])

    # is the real set itself admissible?
    cand_of = np.full(fd.n, -1, dtype=np.int64)
    cand_of[cand] = np.arange(len(cand))
    ev_c = cand_of[pos]
    in_support = bool((ev_c >= 0).all() and (k < 2 or np.diff(fd.day[pos]).min() >= spacing))

    def stats_of(idx: np.ndarray) -> np.ndarray:
        if kind >= 0:
            return _nb.set_statistic(values, idx, kind)
        return func(values[idx])

    acceptance = np.nan
    notes: list[str] = []
    if not matched:
        nxt = np.searchsorted(tday, tday + spacing, side="left").astype(np.int64)
        if stratified:
            seq = np.sort(eras.label[pos])
            table, log_count = _nb.strata_tables(nxt, eras.label[cand], seq)
        else:
            table, log_count = _nb.spaced_tables(nxt, k)
        if not np.isfinite(log_count):
            return nan_result(
                f"no set of {k} eligible dates {spacing} days apart exists "
                f"({len(cand)} eligible dates).",
                DegenerateDataWarning,
            )
        n_adm = math.exp(log_count)
        # the scaled counts carry a relative error of about 1e-15 * log(count): integral
        # (and exact) after rounding below about 1e12
        n_adm_exact = n_adm < 1e12
        if n_adm_exact:
            n_adm = float(round(n_adm))
        # exact enumeration walks the unstratified table only
        exact = method != "monte_carlo" and not stratified and n_adm <= max_exact + 0.5
        if method == "exact" and not exact:
            raise ValueError(
                f"method='exact' needs at most `max_exact` ({max_exact}) admissible "
                f"sets; there are about {n_adm:.4g}. Raise `max_exact` or use "
                "method='monte_carlo'."
            )
        if exact:
            n_sets = round(n_adm)
            null = stats_of(_nb.spaced_enumerate(table, nxt, k, n_sets))
            resampling = (
                f"exact: all {n_sets} sets of {k} eligible dates pairwise at least "
                f"{spacing} days apart, each once."
            )
        else:

            def draw(gen: np.random.Generator, lo: int, hi: int) -> int:
                idx[lo:hi] = _nb.spaced_sample(table, nxt, gen.random((hi - lo, k)))
                return hi - lo

            idx = np.empty((n_resamples, k), dtype=np.int64)
            null, _ = _sample_sets(draw, idx, stats_of, kind >= 0, rng, n_jobs)
            resampling = (
                f"Monte Carlo: {n_resamples} sets drawn independently and exactly "
                f"uniformly from all {n_adm:.6g} sets of {k} eligible dates pairwise "
                f"at least {spacing} days apart"
                + (f" with the events' era mix ({era_mix})" if stratified else "")
                + " (sequential inversion of the counts of admissible sets)."
            )
    else:
        # tuple element i comes from real event i's pool (events in date order)
        pool, off, _phase = C.halving_pools(fd, cand, pos, halving_window, halving_cycles)
        sizes = np.diff(off)
        in_support = bool(
            in_support and all((pool[off[i] : off[i + 1]] == ev_c[i]).any() for i in range(k))
        )
        if (sizes == 0).any():
            i = int(np.flatnonzero(sizes == 0)[0])
            return nan_result(
                f"no eligible date within {halving_window} days of the halving phase of the "
                f"event of {ed.dates[i].date()} in {where} cycle(s).",
                DegenerateDataWarning,
            )
        store = method != "monte_carlo"
        # the count by dynamic programming (None with many events: enumerate up to the limit)
        count = _nb.matched_count(pool, off, tday, spacing)
        if count is None:
            cnt, rows = _nb.matched_enumerate(pool, off, tday, spacing, max_exact, store=store)
            small = cnt <= max_exact
        else:
            cnt, small, rows = count, count <= max_exact, None
            if store and small:
                rows = _nb.matched_enumerate(pool, off, tday, spacing, max_exact, store=True)[1]
        if cnt == 0:
            return nan_result(
                f"no admissible matched tuple (the pools cannot be spaced {spacing} days apart).",
                DegenerateDataWarning,
            )
        exact = method != "monte_carlo" and small
        if method == "exact" and not exact:
            raise ValueError(
                f"method='exact' needs at most `max_exact` ({max_exact}) admissible "
                f"tuples; there are more. Raise `max_exact` or use "
                "method='monte_carlo'."
            )
        pool_desc = (
            f"pseudo-event i drawn from the eligible dates within {halving_window} "
            f"days of real event i's phase (days since the last halving) in {where} "
            "halving cycle(s)"
        )
        if exact:
            null = stats_of(rows)
            n_adm, n_adm_exact = float(cnt), True
            resampling = (
                f"exact: all {round(cnt)} admissible matched tuples ({pool_desc}; dates "
                f"pairwise at least {spacing} days apart), each once."
            )
        else:
            budget = _MAX_PROPOSALS / n_resamples

            def draw(gen: np.random.Generator, lo: int, hi: int) -> int:
                filled, proposals, acc_est = lo, 0, 0.5
                while filled < hi:
                    need = hi - filled
                    n_buf = int(min(max(1024, need / max(acc_est, 1e-6) * 1.2), 2**18))
                    u = gen.random((n_buf, k))
                    filled, used = _nb.matched_sample(
                        pool, off, tday, spacing, u, idx[:hi], filled
                    )
                    proposals += used
                    acc_est = max(filled - lo, 1) / proposals
                    if proposals > budget * (hi - lo) and filled < hi:
                        raise ValueError(
                            f"halving matching leaves almost no admissible tuple "
                            f"(acceptance {(filled - lo) / proposals:.2e}); widen "
                            "`halving_window` or lower `min_spacing`."
                        )
                return proposals

            idx = np.empty((n_resamples, k), dtype=np.int64)
            null, proposals = _sample_sets(draw, idx, stats_of, kind >= 0, rng, n_jobs)
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
            resampling = (
                f"Monte Carlo: {n_resamples} tuples drawn exactly uniformly from the "
                f"admissible matched tuples ({pool_desc}) by rejection: independent "
                f"uniform draws from the pools, rejected unless pairwise at least "
                f"{spacing} days apart (acceptance {acceptance:.1%}); {n_adm_text}."
            )
        notes.append(
            "Pool sizes: "
            + ", ".join(f"{d.date()}: {s}" for d, s in zip(ed.dates, sizes, strict=True))
            + "."
        )
    p, se = C.resampling_pvalue(observed, null, alternative, exact=exact, in_support=in_support)
    if not in_support:
        notes.append(
            "The real event set is not itself an admissible placebo set (it is counted "
            "as one more member of the reference set)."
        )
    return PlaceboResult(
        statistic=observed,
        pvalue=p,
        pvalue_se=se,
        null_distribution=np.asarray(null),
        method="exact" if exact else "monte_carlo",
        null_hypothesis=null_text,
        resampling=resampling,
        n_resamples=len(null),
        n_admissible=float(n_adm),
        n_admissible_exact=bool(n_adm_exact),
        min_attainable_pvalue=C.min_pvalue(
            len(null), alternative, exact=exact, in_support=in_support
        ),
        observed_in_support=in_support,
        acceptance_rate=float(acceptance),
        notes=tuple(notes),
        **common,
    )
