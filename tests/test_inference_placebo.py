"""riskcycle.placebo_test: exactness, Monte Carlo agreement, size under the null, inputs, views."""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

import riskcycle
from riskcycle.exceptions import (
    DegenerateDataWarning,
    EventsExcludedWarning,
    IncompleteWindowWarning,
    SmallSampleWarning,
)
from riskcycle.inference import PlaceboResult, placebo_test
from riskcycle.inference import _common as C

matplotlib.use("Agg")


def follower(n=400, start="2015-01-01", seed=0, vol=0.03, drift=0.0):
    rng = np.random.default_rng(seed)
    r = drift + vol * rng.standard_normal(n - 1)
    s = pd.Series(
        100 * np.exp(np.concatenate([[0.0], np.cumsum(r)])),
        index=pd.date_range(start, periods=n, freq="D"),
    )
    s.attrs = {"clock": "utc_midnight", "name": "synthetic"}
    return s


def dates(f, positions):
    return list(f.index[list(positions)])


KW = {"leader_clock": "utc_midnight"}


def brute_force(f, pos, h, s, mask=None):
    """Every admissible set of eligible dates (window complete, spacing s) and its mean."""
    lc = np.log(f.to_numpy())
    n = len(f)
    elig = [p for p in range(n - h) if mask is None or mask[p]]
    fwd = {p: lc[p + h] - lc[p] for p in elig}
    stats_ = [
        np.mean([fwd[p] for p in c])
        for c in itertools.combinations(elig, len(pos))
        if all(c[i + 1] - c[i] >= s for i in range(len(c) - 1))
    ]
    obs = np.mean([lc[p + h] - lc[p] for p in pos])
    return obs, np.array(stats_)


# ---------------------------------------------------------------------------
# exactness
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_exact_enumeration_equals_brute_force(alternative):
    f = follower(60, seed=3)
    pos, h, s = [5, 30], 10, 12
    res = placebo_test(
        f, dates(f, pos), horizon=h, min_spacing=s, alternative=alternative, rng=0, **KW
    )
    obs, null = brute_force(f, pos, h, s)
    assert res.method == "exact" and res.observed_in_support
    assert res.n_admissible == len(null) == res.n_resamples
    assert_allclose(np.sort(res.null_distribution), np.sort(null), rtol=1e-13)
    assert_allclose(res.statistic, obs, rtol=1e-14)
    pg, pl = np.mean(null >= obs - 1e-12), np.mean(null <= obs + 1e-12)
    expected = {"greater": pg, "less": pl, "two-sided": min(1, 2 * min(pg, pl))}[alternative]
    assert_allclose(res.pvalue, expected, rtol=1e-12)
    assert res.pvalue_se == 0
    assert res.min_attainable_pvalue == pytest.approx(
        (2 if alternative == "two-sided" else 1) / len(null)
    )


def test_monte_carlo_agrees_with_exact_within_error():
    f = follower(300, seed=7)
    ev = dates(f, [20, 120, 200])
    exact = placebo_test(f, ev, horizon=30, min_spacing=40, rng=0, max_exact=10**7, **KW)
    assert exact.method == "exact"
    mc = placebo_test(
        f,
        ev,
        horizon=30,
        min_spacing=40,
        enumeration="monte_carlo",
        n_resamples=20_000,
        rng=1,
        **KW,
    )
    assert mc.method == "monte_carlo"
    assert mc.n_admissible == pytest.approx(exact.n_admissible, rel=1e-12)
    # |difference| within 4 Monte Carlo standard errors
    assert abs(mc.pvalue - exact.pvalue) < 4 * np.sqrt(exact.pvalue * (1 - exact.pvalue) / 20_000)
    assert mc.pvalue_se == pytest.approx(np.sqrt(mc.pvalue * (1 - mc.pvalue) / 20_000))
    # the null distributions agree (two-sample KS on the sampled vs all sets)
    assert stats.ks_2samp(mc.null_distribution, exact.null_distribution).pvalue > 1e-3


def test_halving_matched_exact_and_monte_carlo_agree():
    f = follower(3000, start="2014-09-17", seed=1)  # to 2022-12
    ev = ["2016-11-14", "2020-11-13"]
    for cycles in ("other", "all"):
        ex = placebo_test(
            f,
            ev,
            horizon=180,
            halving_window=30,
            halving_cycles=cycles,
            min_spacing=365,
            rng=0,
            **KW,
        )
        assert ex.method == "exact"
        assert ex.observed_in_support == (cycles == "all")
        mc = placebo_test(
            f,
            ev,
            horizon=180,
            halving_window=30,
            halving_cycles=cycles,
            min_spacing=365,
            enumeration="monte_carlo",
            n_resamples=20_000,
            rng=2,
            **KW,
        )
        se = np.sqrt(ex.pvalue * (1 - ex.pvalue) / 20_000)
        assert abs(mc.pvalue - ex.pvalue) < 4 * se + 1e-12
        assert 0 < mc.acceptance_rate <= 1
        assert mc.n_admissible == ex.n_admissible  # counted exactly (below max_exact)
    # 'other': each placebo date sits at the same phase in another cycle
    day0 = pd.DatetimeIndex(ev)
    phase_ev = riskcycle.halving_phase(day0)
    assert (phase_ev["epoch"].to_numpy() == [2, 3]).all()


def test_halving_pools_by_hand():
    f = follower(3000, start="2014-09-17", seed=1)
    fd = C.follower_data(f)
    win = C.windows(fd, 30)
    cand = win.eligible
    ev_pos = np.array([fd.index.get_loc(pd.Timestamp("2016-11-14"))])
    pool, _off, phase = C.halving_pools(fd, cand, ev_pos, 10, "other")
    got = fd.index[cand[pool]]
    ph = riskcycle.halving_phase(got)
    # every pool date is within 10 days of the event's phase, in another cycle
    assert (np.abs(ph["days_since_halving"] - phase[0]) <= 10).all()
    assert (ph["epoch"] != 2).all()
    # 2020 cycle only (2024 is past the data, 2012 before it); the phases are fractional days
    # (halving blocks came at a time of day), so a +-10-day window holds 20 or 21 closes
    assert set(got.year) == {2020} and len(got) in (20, 21)


# ---------------------------------------------------------------------------
# validity: p-values uniform under simulated nulls
# ---------------------------------------------------------------------------
def _rejections(pvals):
    pvals = np.asarray(pvals)
    return [(a, int(np.sum(pvals <= a + 1e-12))) for a in (0.05, 0.10)]


@pytest.mark.slow
def test_pvalues_uniform_when_events_are_random_dates():
    """Randomisation null: the real dates are themselves a uniform admissible set (exact)."""
    from riskcycle import _nb_sets as _nb

    rng = np.random.default_rng(123)
    f = follower(2400, start="2015-06-01", seed=5, vol=0.04)
    fd = C.follower_data(f)
    h, s, k = 60, 90, 3
    cand = C.windows(fd, h).eligible
    tday = fd.day[cand]
    nxt = np.searchsorted(tday, tday + s).astype(np.int64)
    table, _ = _nb.spaced_tables(nxt, k)
    pvals = []
    for _rep in range(300):
        ev = fd.index[cand[_nb.spaced_sample(table, nxt, rng.random((1, k)))[0]]]
        res = placebo_test(
            f,
            ev,
            horizon=h,
            min_spacing=s,
            n_resamples=199,
            enumeration="monte_carlo",
            rng=rng,
            **KW,
        )
        pvals.append(res.pvalue)
    for alpha, count in _rejections(pvals):
        assert stats.binomtest(count, len(pvals), alpha).pvalue > 0.01


@pytest.mark.slow
@pytest.mark.parametrize("matched", [False, True])
def test_pvalues_uniform_for_fixed_events_on_iid_paths(matched):
    """Data null: fixed events, the follower's returns i.i.d. (so unrelated to the events).

    Matched: the commentary's configuration (two events 2016-11-14 and 2020-11-13 on a
    BTC-length history, 365-day horizon, +-90 days of the same halving phase in other
    cycles; exact enumeration). With much narrower pools (+-30 days around 30-day windows)
    the matched test is anti-conservative (about 14% rejections at 5% in a 200-path
    exploration): the placebo docstring says so.
    """
    if matched:
        start, n, h = "2014-09-17", 4146, 365
        kw = {"halving_window": 90, "min_spacing": 362}
    else:
        start, n, h = "2016-01-01", 1700, 90
        kw = {"min_spacing": 180, "n_resamples": 199}
    pvals = []
    for rep in range(250):
        f = follower(n, start=start, seed=1000 + rep, vol=0.04)
        ev = ["2016-11-14", "2020-11-13"] if matched else dates(f, [100, 500, 900, 1300])
        res = placebo_test(f, ev, horizon=h, rng=rep, **kw, **KW)
        assert res.method == ("exact" if matched else "monte_carlo")
        pvals.append(res.pvalue)
    for alpha, count in _rejections(pvals):
        assert stats.binomtest(count, 250, alpha).pvalue > 0.01
    assert stats.kstest(pvals, "uniform").pvalue > 0.001


# ---------------------------------------------------------------------------
# matching on the leader's state and dates
# ---------------------------------------------------------------------------
def test_leader_state_mask_by_hand():
    f = follower(10, start="2024-01-01")
    lead = pd.Series(
        [100.0, 110.0, 104.0, 99.0, 111.0], index=pd.date_range("2024-01-02", periods=5, freq="D")
    )
    lead.attrs = {"clock": "utc_midnight"}
    fd = C.follower_data(f)
    mask = C.leader_state_mask(lead, fd, 0.06, delay=pd.Timedelta(0), leader_clock=None)
    # drawdowns 0, 0, -5.5%, -10%, 0 known on their own day; nothing known on 01-01
    assert mask.tolist() == [False, True, True, True, False, True, True, True, True, True]


def test_leader_and_date_filters_restrict_eligible_dates():
    rut = riskcycle.datasets.load("rut", start="2014-01-01", end="2023-12-31")
    btc = riskcycle.datasets.load("btc", end="2023-12-31")
    ev = riskcycle.breakouts(riskcycle.datasets.load("rut", end="2023-12-31"), min_gap=250)
    with pytest.warns(EventsExcludedWarning):
        plain = placebo_test(btc, ev, horizon=365, n_resamples=499, rng=0)
    with pytest.warns(EventsExcludedWarning):
        near = placebo_test(
            btc, ev, horizon=365, leader=rut, leader_within=0.05, n_resamples=499, rng=0
        )
    with pytest.warns(EventsExcludedWarning):
        ranged = placebo_test(
            btc, ev, horizon=365, date_range=("2016-01-01", None), n_resamples=499, rng=0
        )
    assert near.n_eligible < plain.n_eligible and ranged.n_eligible < plain.n_eligible
    assert near.observed_in_support  # breakout days are record days
    assert near.matching["leader_within"] == 0.05
    assert ranged.n_eligible == int((btc.index >= "2016-01-01").sum()) - 365


# ---------------------------------------------------------------------------
# real data
# ---------------------------------------------------------------------------
def test_commentary_events_seeded(rut, btc):
    """As of 2026-01-22 on BTC from 2014: the commentary's two events."""
    b = btc.loc[:"2026-01-22"]
    ev = riskcycle.breakouts(rut.loc[:"2026-01-22"], min_gap=250)
    with (
        pytest.warns(EventsExcludedWarning),
        pytest.warns(IncompleteWindowWarning, match="2025-09-18"),
    ):
        res = placebo_test(b, ev, horizon=365, n_resamples=2000, rng=42)
    assert [d.strftime("%Y-%m-%d") for d in res.event_dates] == ["2016-11-14", "2020-11-13"]
    # the statistic is the mean of the two one-year log returns (data, no resampling)
    lc = np.log(b["close"])
    expected = np.mean([lc["2017-11-14"] - lc["2016-11-14"], lc["2021-11-13"] - lc["2020-11-13"]])
    assert_allclose(res.statistic, expected, rtol=1e-14)
    assert res.min_spacing == 362  # 250 sessions * 365.25 / 252
    assert res.method == "monte_carlo" and res.n_admissible > 1e6
    assert 0.005 < res.pvalue < 0.04  # about 0.015 at any seed; band of +-4 MC s.e.


def test_same_rng_same_numbers_and_scale_invariance():
    f = follower(800, seed=2)
    ev = dates(f, [50, 300, 600])
    a = placebo_test(f, ev, horizon=60, enumeration="monte_carlo", n_resamples=500, rng=9, **KW)
    b = placebo_test(
        f * 37.5,
        ev,
        horizon=60,
        enumeration="monte_carlo",
        n_resamples=500,
        rng=np.random.default_rng(9),
        **KW,
    )
    c = placebo_test(f, ev, horizon=60, enumeration="monte_carlo", n_resamples=500, rng=10, **KW)
    assert_allclose(a.null_distribution, b.null_distribution, rtol=1e-12, atol=1e-14)
    assert a.pvalue == b.pvalue
    assert not np.array_equal(a.null_distribution, c.null_distribution)


def test_callable_statistic_matches_builtin():
    f = follower(500, seed=4)
    ev = dates(f, [40, 200, 400])
    kw = dict(horizon=30, enumeration="monte_carlo", n_resamples=300, rng=3, **KW)
    builtin = placebo_test(f, ev, statistic="median", **kw)
    vec = placebo_test(f, ev, statistic=lambda x, axis: np.median(x, axis=axis), **kw)
    rowwise = placebo_test(f, ev, statistic=lambda x: float(np.median(x)), **kw)
    assert_allclose(vec.null_distribution, builtin.null_distribution, rtol=1e-14)
    assert_allclose(rowwise.null_distribution, builtin.null_distribution, rtol=1e-14)
    assert vec.pvalue == builtin.pvalue
    with pytest.raises(ValueError, match="one number per set"):
        placebo_test(f, ev, statistic=lambda x, axis: x, **kw)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.01, 1000.0))
def test_pvalue_in_unit_interval(seed, scale):
    f = follower(200, seed=seed) * scale
    f.attrs = {"clock": "utc_midnight"}
    res = placebo_test(f, dates(f, [10, 100]), horizon=20, n_resamples=99, rng=seed, **KW)
    assert 0 < res.pvalue <= 1
    assert res.min_attainable_pvalue <= res.pvalue


# ---------------------------------------------------------------------------
# degenerate cases and warnings
# ---------------------------------------------------------------------------
def test_no_complete_window_gives_nan_with_warning():
    f = follower(100)
    with (
        pytest.warns(IncompleteWindowWarning),
        pytest.warns(SmallSampleWarning, match="does not apply"),
    ):
        res = placebo_test(f, dates(f, [90]), horizon=30, rng=0, **KW)
    assert np.isnan(res.pvalue) and res.n_events == 0
    assert "incomplete" in res.excluded["reason"].tolist()


def test_no_admissible_set_gives_nan_with_warning():
    f = follower(100)
    with pytest.warns(DegenerateDataWarning, match="no set of 2 eligible dates"):
        res = placebo_test(f, dates(f, [0, 60]), horizon=30, min_spacing=80, rng=0, **KW)
    assert np.isnan(res.pvalue)
    assert not res.observed_in_support


def test_events_outside_data_are_named():
    f = follower(200, start="2020-01-01")
    with pytest.warns(EventsExcludedWarning, match="2019-06-03"):
        res = placebo_test(
            f, ["2019-06-03", "2020-02-01", "2020-05-01"], horizon=20, n_resamples=99, rng=0, **KW
        )
    assert res.n_events == 2


# ---------------------------------------------------------------------------
# input validation: every message
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            {"horizon": 0},
            ValueError,
            "`horizon` must be a positive integer number of calendar days",
        ),
        ({"horizon": 2.5}, TypeError, "`horizon` must be a positive integer"),
        ({"statistic": "mode"}, ValueError, "`statistic` must be one of"),
        ({"statistic": 3}, TypeError, "`statistic` must be 'mean', 'median' or a callable"),
        ({"alternative": "bigger"}, ValueError, "`alternative` must be one of"),
        ({"n_resamples": 0}, ValueError, "`n_resamples` must be a positive integer"),
        ({"min_spacing": 0}, ValueError, "`min_spacing` must be a positive integer number"),
        ({"halving_window": -1}, ValueError, "`halving_window` must be a non-negative integer"),
        ({"halving_cycles": "some"}, ValueError, "`halving_cycles` must be one of"),
        ({"leader_within": 0.05}, ValueError, "`leader_within` needs `leader`"),
        ({"leader": "x"}, ValueError, "`leader` is used only to match on the leader's state"),
        ({"date_range": "2020"}, TypeError, "`date_range` must be a \\(start, end\\) pair"),
        ({"date_range": ("2021-01-01", "2020-01-01")}, ValueError, "must not be after its end"),
        ({"enumeration": "fast"}, ValueError, "`enumeration` must be one of"),
        (
            {"eras": ["2015-03-01"], "enumeration": "exact"},
            ValueError,
            "enumeration='exact' is not available with `eras`",
        ),
        ({"eras": ["2015-03-01"], "halving_window": 30}, ValueError, "cannot be combined"),
        ({"method": "exact"}, TypeError, "unexpected keyword argument 'method'"),
        ({"max_exact": 0}, ValueError, "`max_exact` must be a positive integer"),
        ({"delay": 5}, TypeError, "`delay` must be a timedelta"),
        ({"rng": 1.5}, TypeError, "`rng` must be None, an int"),
        ({"n_jobs": 0}, ValueError, r"`n_jobs` must be a positive number of threads, -1 or None"),
        ({"n_jobs": -3}, ValueError, r"`n_jobs` must be .*; got -3\."),
        ({"n_jobs": "2"}, TypeError, r"`n_jobs` must be .*\(str\)"),
        ({"n_jobs": False}, TypeError, r"`n_jobs` must be .*\(bool\)"),
    ],
)
def test_invalid_arguments(kwargs, exc, match):
    f = follower(200)
    args = {"horizon": 20, **KW, **kwargs}
    with pytest.raises(exc, match=match):
        placebo_test(f, dates(f, [10, 100]), **args)


def test_invalid_inputs_data():
    f = follower(200)
    with pytest.raises(TypeError, match="`follower` must be a pandas Series or DataFrame"):
        placebo_test([1, 2, 3], ["2015-01-05"], horizon=5, follower_clock="utc_midnight", **KW)
    with pytest.raises(ValueError, match="`events` dates must be sorted"):
        placebo_test(f, ["2015-03-01", "2015-02-01"], horizon=5, **KW)
    with pytest.raises(ValueError, match="`leader_within` must be a fraction"):
        placebo_test(f, ["2015-03-01"], horizon=5, leader=f, leader_within=1.5, **KW)
    with pytest.raises(ValueError, match="enumeration='exact' needs at most `max_exact`"):
        placebo_test(f, dates(f, [10, 100]), horizon=5, enumeration="exact", max_exact=10, **KW)
    g = follower(3000, start="2014-09-17")
    with pytest.raises(ValueError, match="enumeration='exact' needs at most `max_exact`"):
        placebo_test(
            g,
            ["2016-11-14", "2020-11-13"],
            horizon=30,
            halving_window=60,
            enumeration="exact",
            max_exact=10,
            **KW,
        )


# ---------------------------------------------------------------------------
# views
# ---------------------------------------------------------------------------
def test_result_views():
    f = follower(300, seed=8)
    res = placebo_test(
        f, dates(f, [20, 150]), horizon=30, n_resamples=199, enumeration="monte_carlo", rng=0, **KW
    )
    assert isinstance(res, PlaceboResult)
    with pytest.raises(AttributeError):
        res.pvalue = 0.5  # frozen
    df = res.to_frame()
    assert list(df.columns[:4]) == ["test", "horizon", "statistic_name", "statistic"]
    assert df.loc[0, "pvalue"] == res.pvalue and df.loc[0, "pvalue_se"] == res.pvalue_se
    assert all(c == c.lower() and " " not in c for c in df.columns)
    text = str(res.summary())
    assert "Null hypothesis" in text and "Resampling" in text and "Monte Carlo s.e." in text
    assert res.summary().as_html().startswith("<h3>")
    assert "PlaceboResult(statistic=" in repr(res)
    assert res.effect == pytest.approx(res.statistic - res.null_distribution.mean())
    assert res.settings["n_resamples"] == 199 and "numpy" in res.versions
    ax = res.plot().axes[0]
    assert ax.get_xlabel().startswith("mean")
    assert_array_equal(res.day0_dates, f.index[[20, 150]])


# ---------------------------------------------------------------------------
# threads and streams
# ---------------------------------------------------------------------------
N_THREADS_CASES = {
    "plain": {},
    "median": {"statistic": "median"},
    "callable": {"statistic": lambda x, axis=-1: np.max(x, axis=axis)},
    "eras": {"eras": ["2017-01-01", "2020-01-01"]},
    "matched": {"halving_window": 60, "min_spacing": 300},
}


@pytest.mark.parametrize("case", list(N_THREADS_CASES))
def test_null_is_identical_for_every_n_jobs(case):
    """Chunks of 4,096 sets, each from its own stream: 9,000 sets (three chunks, the last
    short) are bit-identical on 1, 2, 3 threads and all cores, for every sampler."""
    f = follower(2500, start="2015-06-01", seed=9, vol=0.04)
    ev = ["2016-11-14", "2018-03-01", "2020-11-13"]
    kw = dict(horizon=90, n_resamples=9000, enumeration="monte_carlo", rng=3, **KW)
    kw.update(N_THREADS_CASES[case])
    runs = [placebo_test(f, ev, n_jobs=n, **kw) for n in (1, 2, 3, None, -1)]
    for res in runs[1:]:
        assert_array_equal(res.null_distribution, runs[0].null_distribution)
        assert res.pvalue == runs[0].pvalue
        assert res.acceptance_rate == runs[0].acceptance_rate or case != "matched"


def test_monte_carlo_sets_come_from_the_documented_streams():
    """Rebuilt by hand: set block j (4,096 sets) inverts the uniforms of the j-th stream
    spawned from rng through the counting table; the caller's Generator does not move."""
    from riskcycle import _nb_sets as _nb

    f = follower(1500, seed=6)
    ev = dates(f, [100, 700, 1200])
    gen = np.random.default_rng(12)
    before = gen.bit_generator.state
    res = placebo_test(
        f, ev, horizon=60, n_resamples=5000, enumeration="monte_carlo", rng=gen, **KW
    )
    assert gen.bit_generator.state == before
    fd = C.follower_data(f)
    win = C.windows(fd, 60)
    cand = np.flatnonzero(win.complete)
    tday = fd.day[cand]
    nxt = np.searchsorted(tday, tday + res.min_spacing, side="left").astype(np.int64)
    table, _ = _nb.spaced_tables(nxt, 3)
    streams = np.random.default_rng(12).spawn(2)
    u = np.concatenate([streams[0].random((4096, 3)), streams[1].random((904, 3))])
    idx = _nb.spaced_sample_py(table, nxt, u)
    # mean of three forward returns in the same order as the kernel: exact
    assert_array_equal(res.null_distribution, win.fwd[cand][idx].sum(axis=1) / 3)


def test_matched_count_by_dynamic_programming_equals_enumeration():
    """matched_count (dynamic programming over dated pool entries) against the plain
    enumeration of every tuple, with overlapping pools, empty pools and spacing 0."""
    from riskcycle import _nb_sets as _nb

    rng = np.random.default_rng(4)
    for _ in range(200):
        k = int(rng.integers(1, 5))
        tday = np.sort(rng.choice(300, 50, replace=False))
        sizes = rng.integers(0, 9, k)
        pool = np.concatenate([np.sort(rng.choice(50, n, replace=False)) for n in sizes])
        off = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        s = int(rng.integers(0, 40))
        count = _nb.matched_count(pool.astype(np.int64), off, tday, s)
        assert count == _nb.matched_count_py(pool, off, tday, s)
    # too many events for the table: None (the caller enumerates)
    off = np.arange(0, 25 * 40 + 1, 40)
    assert _nb.matched_count(np.zeros(1000, dtype=np.int64), off, np.zeros(1), 1) is None


def test_matched_monte_carlo_counts_beyond_the_enumeration_limit():
    """Above max_exact the matched test samples, and still reports the exact number of
    admissible tuples (the count the exact test enumerates)."""
    f = follower(3000, start="2014-09-17", seed=1)
    ev = ["2016-11-14", "2020-11-13"]
    kw = dict(horizon=180, halving_window=30, min_spacing=365, rng=0, **KW)
    ex = placebo_test(f, ev, **kw)
    assert ex.method == "exact" and ex.n_admissible > 10
    mc = placebo_test(f, ev, max_exact=10, n_resamples=999, **kw)
    assert mc.method == "monte_carlo"
    assert mc.n_admissible == ex.n_admissible and mc.n_admissible_exact
    assert f"{ex.n_admissible:.6g} admissible tuples" in mc.resampling


# ---------------------------------------------------------------------------
# options object and the chunk runner
# ---------------------------------------------------------------------------
def test_input_check_returns_frozen_options():
    import dataclasses

    from riskcycle.inference._placebo import PlaceboOptions, _placebo_test_iv

    opts = _placebo_test_iv(
        30, "median", "less", 99, 60, "other", None, None, None, "monte_carlo", 5, "4h", None, 2
    )
    assert isinstance(opts, PlaceboOptions)
    assert (opts.horizon, opts.statistic, opts.kind, opts.alternative) == (30, "median", 1, "less")
    assert (opts.enumeration, opts.max_exact, opts.n_jobs) == ("monte_carlo", 5, 2)
    assert opts.delay == pd.Timedelta(hours=4)
    assert opts.matching == {
        "halving_window": 60,
        "halving_cycles": "other",
        "leader_within": None,
        "date_range": None,
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.horizon = 5


@pytest.mark.parametrize("n_jobs", [1, 2, 3, None])
def test_chunks_run_once_each_and_errors_reach_the_caller(n_jobs):
    from riskcycle.inference._chunks import start_chunks

    seen = np.zeros(37, dtype=int)

    def task(j):
        seen[j] += 1

    start_chunks(task, 37, n_jobs)()
    assert_array_equal(seen, np.ones(37, dtype=int))

    def failing(j):
        if j == 5:
            raise ValueError("chunk 5 failed")

    from riskcycle._threads import n_threads

    if (n_threads() if n_jobs is None else n_jobs) == 1:  # the chunks run at once
        with pytest.raises(ValueError, match="chunk 5 failed"):
            start_chunks(failing, 12, n_jobs)
    else:  # the error waits for the caller's wait()
        wait = start_chunks(failing, 12, n_jobs)
        with pytest.raises(ValueError, match="chunk 5 failed"):
            wait()


def test_a_failing_callable_statistic_stops_the_test():
    """The callable runs on the events before any placebo chunk starts."""
    calls = []

    def bad(x, axis=-1):
        calls.append(x.shape)
        raise RuntimeError("statistic failed")

    f = follower(600, seed=4)
    with pytest.raises(RuntimeError, match="statistic failed"):
        placebo_test(
            f, dates(f, [50, 300]), horizon=20, statistic=bad, enumeration="monte_carlo", **KW
        )
    assert calls == [(1, 2)]  # the events' row only: no set was drawn
