"""Era-stratified placebo sets, riskcycle.inference.calibrate, and sizes on the real path."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

import riskcycle
from riskcycle import _calibration as E
from riskcycle import _nb_sets as _nb
from riskcycle.inference import _calibrate as K
from riskcycle.inference import _common as C
from riskcycle.inference import calibrate


def _expected_exclusions():
    """The Russell 2000 events before btc_long starts and the pending 2025 one warn."""
    import contextlib
    import warnings

    @contextlib.contextmanager
    def ctx():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", riskcycle.exceptions.EventsExcludedWarning)
            with pytest.warns(riskcycle.exceptions.IncompleteWindowWarning):
                yield

    return ctx()


# ---------------------------------------------------------------------------
# the stratified sampler
# ---------------------------------------------------------------------------
def _brute_sets(tday, era, seq, s):
    k = len(seq)
    out = []
    for c in itertools.combinations(range(len(tday)), k):
        if all(tday[c[i + 1]] - tday[c[i]] >= s for i in range(k - 1)) and list(
            era[list(c)]
        ) == list(seq):
            out.append(c)
    return out


@pytest.mark.parametrize("compiled", [True, False])
def test_strata_tables_count_equals_brute_force(compiled):
    tables = _nb.strata_tables if compiled else _nb.strata_tables_py
    rng = np.random.default_rng(0)
    tday = np.sort(rng.choice(200, 24, replace=False)).astype(np.int64)
    era = np.searchsorted([70, 140], tday, side="right").astype(np.int64)
    for seq, s in (([0, 1, 2], 10), ([0, 0, 2], 15), ([1, 1], 5), ([2, 2, 2], 30)):
        seq = np.array(seq, dtype=np.int64)
        nxt = np.searchsorted(tday, tday + s, side="left").astype(np.int64)
        _, log_count = tables(nxt, era, seq)
        n = len(_brute_sets(tday, era, seq, s))
        if n == 0:
            assert log_count == -np.inf
        else:
            # the scaled counts lose about 1e-15 relative per row
            assert_allclose(math.exp(log_count), n, rtol=1e-12)


def test_strata_tables_twins_agree_and_reduce_to_spaced_tables():
    rng = np.random.default_rng(1)
    tday = np.sort(rng.choice(5000, 400, replace=False)).astype(np.int64)
    nxt = np.searchsorted(tday, tday + 90, side="left").astype(np.int64)
    era = np.searchsorted([1500, 3500], tday, side="right").astype(np.int64)
    seq = np.array([0, 1, 1, 2], dtype=np.int64)
    t1, c1 = _nb.strata_tables(nxt, era, seq)
    t2, c2 = _nb.strata_tables_py(nxt, era, seq)
    assert_allclose(t1, t2, rtol=1e-12, atol=0)  # summation order is the same; rounding only
    assert_allclose(c1, c2, rtol=1e-12)
    # one era: exactly the unstratified counts
    t3, c3 = _nb.strata_tables(nxt, np.zeros_like(era), np.zeros(4, dtype=np.int64))
    t4, c4 = _nb.spaced_tables(nxt, 4)
    assert_array_equal(t3, t4)
    assert c3 == c4


def test_stratified_sets_are_uniform_over_the_admissible_sets():
    rng = np.random.default_rng(2)
    tday = np.sort(rng.choice(120, 16, replace=False)).astype(np.int64)
    era = np.searchsorted([60], tday, side="right").astype(np.int64)
    seq = np.array([0, 1, 1], dtype=np.int64)
    s = 12
    nxt = np.searchsorted(tday, tday + s, side="left").astype(np.int64)
    table, _ = _nb.strata_tables(nxt, era, seq)
    admissible = _brute_sets(tday, era, seq, s)
    draws = _nb.spaced_sample(table, nxt, rng.random((40_000, 3)))
    seen = pd.Series([tuple(r) for r in draws]).value_counts()
    assert set(seen.index) <= set(admissible)  # never an inadmissible set
    counts = np.array([seen.get(c, 0) for c in admissible])
    # chi-square goodness of fit to the uniform distribution over the admissible sets
    assert stats.chisquare(counts).pvalue > 1e-3


# ---------------------------------------------------------------------------
# eras and the era-stratified placebo
# ---------------------------------------------------------------------------
def test_era_labels(btc_long):
    fd = C.follower_data(btc_long["close"])  # the closes alone: no data-source column
    e = C.era_labels(fd, "halving")
    # bars closing before 2012-11-28 15:24 UTC are in cycle 0; the bar of 2012-11-28 closes
    # 24:00 UTC that day, after the halving
    lab = pd.Series(e.label, index=fd.index)
    assert lab["2012-11-27"] == 0 and lab["2012-11-28"] == 1
    assert lab["2024-04-19"] == 3 and lab["2024-04-20"] == 4  # halving 2024-04-20 00:09 UTC
    d = C.era_labels(fd, C.check_eras(["2014-09-17"]))
    lab = pd.Series(d.label, index=fd.index)
    assert lab["2014-09-16"] == 0 and lab["2014-09-17"] == 1
    assert d.names() == ["start to 2014-09-17", "2014-09-17 to end"]


def test_halving_eras_of_a_spliced_series_split_at_the_source_change(btc_long, btc):
    # btc_long is Coin Metrics until 2014-09-16 and Yahoo from 2014-09-17 (its `source`
    # column): the halving eras split there too, so a random set keeps the events' count
    # in each (cycle, source) cell; btc (Yahoo only) keeps the plain halving eras
    fd = C.follower_data(btc_long)
    assert list(fd.splices.strftime("%Y-%m-%d")) == ["2014-09-17"]
    e = C.era_labels(fd, "halving")
    lab = pd.Series(e.label, index=fd.index)
    assert lab["2012-11-27"] == 0 and lab["2012-11-28"] == 1
    assert lab["2014-09-16"] == 1 and lab["2014-09-17"] == 2  # the source change
    assert lab["2016-07-08"] == 2 and lab["2016-07-09"] == 3
    assert lab["2024-04-19"] == 4 and lab["2024-04-20"] == 5
    assert e.names()[2] == "2014-09-17 to 2016-07-09"
    assert "data sources (new source from 2014-09-17)" in e.describe()
    # the era of every bar is its position among the sorted breaks: each era starts at
    # its break's bar (btc_long starts before the first halving, so no era is empty)
    firsts = fd.index[np.r_[0, np.flatnonzero(np.diff(e.label)) + 1]]
    assert (np.diff(e.label) >= 0).all()
    assert list(firsts[1:].strftime("%Y-%m-%d")) == list(e.breaks.strftime("%Y-%m-%d"))
    assert (
        C.era_labels(C.follower_data(btc), "halving")
        .describe()
        .startswith("Bitcoin halving cycles split at")
    )
    # an as-of cut before the change keeps no splice; a frame without `source` has none
    assert len(C.truncate(fd, pd.Timestamp("2013-12-31")).splices) == 0
    assert len(C.truncate(fd, pd.Timestamp("2015-12-31")).splices) == 1
    assert len(C.follower_data(btc_long[["close"]]).splices) == 0


def test_splices_do_not_depend_on_the_input_form_and_ignore_messy_labels(btc_long, tmp_path):
    # the same data as an indexed frame, a frame with a date column or a CSV file gives
    # the same splice; missing labels are skipped; a source that comes back is no splice;
    # a change on a halving's date adds no era
    want = ["2014-09-17"]
    frame = btc_long[["close", "source"]]
    path = tmp_path / "bl.csv"
    frame.to_csv(path)
    forms = ((frame, None), (frame.reset_index(), "utc_midnight"), (path, "utc_midnight"))
    for data, clock in forms:
        fd = C.follower_data(data, follower_clock=clock)
        assert list(fd.splices.strftime("%Y-%m-%d")) == want
        assert len(C.era_labels(fd, "halving").breaks) == 5
    gap = frame.copy()
    gap.iloc[100, gap.columns.get_loc("source")] = None
    assert list(C.follower_data(gap).splices.strftime("%Y-%m-%d")) == want
    back = frame.copy()
    back.loc["2020-01-01":"2020-01-05", "source"] = "coinmetrics"
    assert len(C.follower_data(back).splices) == 0
    on_halving = frame.copy()
    on_halving["source"] = np.where(on_halving.index < "2016-07-09", "a", "b")
    e = C.era_labels(C.follower_data(on_halving), "halving")
    assert list(e.breaks.strftime("%Y-%m-%d")) == [
        "2012-11-28",
        "2016-07-09",
        "2020-05-11",
        "2024-04-20",
    ]
    assert np.bincount(e.label).min() > 0 and "data sources" not in e.describe()


def test_era_placebo_keeps_the_event_mix(btc_long, rut):
    ev = riskcycle.breakouts(rut, min_gap=250)
    with _expected_exclusions():
        res = riskcycle.placebo_test(
            btc_long, ev, horizon=365, eras=["2014-09-17"], n_resamples=999, rng=3
        )
    assert res.n_events == 4 and res.observed_in_support
    assert "2 in start to 2014-09-17, 2 in 2014-09-17 to end" in res.null_hypothesis
    assert res.method == "monte_carlo" and 0 < res.pvalue <= 1
    with pytest.raises(ValueError, match="`eras` and `halving_window` cannot be combined"):
        riskcycle.placebo_test(btc_long, ev, horizon=365, eras="halving", halving_window=90)
    with pytest.raises(ValueError, match="enumeration='exact' is not available with `eras`"):
        riskcycle.placebo_test(btc_long, ev, horizon=365, eras="halving", enumeration="exact")


def test_own_cycle_matching_contains_the_observed_set(btc_long, rut):
    """halving_cycles='all' (the default) is a randomisation test; 'other' is not."""
    ev = riskcycle.breakouts(rut, min_gap=250)
    kw = dict(horizon=365, halving_window=90, n_resamples=199, rng=4)
    with _expected_exclusions():
        own = riskcycle.placebo_test(btc_long, ev, **kw)
    with _expected_exclusions():
        other = riskcycle.placebo_test(btc_long, ev, halving_cycles="other", **kw)
    assert own.matching["halving_cycles"] == "all" and own.observed_in_support
    assert not other.observed_in_support


# ---------------------------------------------------------------------------
# calibrate
# ---------------------------------------------------------------------------
def _toy():
    rng = np.random.default_rng(11)
    idx = pd.date_range("2001-01-01", periods=160, freq="D")
    prices = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.001, 0.02, len(idx)))), index=idx)
    return prices


def test_calibrated_pvalue_equals_brute_force_on_a_small_case():
    """Every admissible set enumerated: the exact calibrated p and size, against calibrate()."""
    prices = _toy()
    events = pd.DatetimeIndex(["2001-02-10", "2001-04-01"])
    h, s = 10, 20
    fd = C.follower_data(prices, follower_clock="utc_midnight")
    win = C.windows(fd, h)
    cand = np.flatnonzero(win.complete)
    fwd = win.fwd

    # the test: the exact plain placebo p (share of all admissible sets at least as large)
    sets = [c for c in itertools.combinations(cand, 2) if fd.day[c[1]] - fd.day[c[0]] >= s]
    means = np.array([fwd[list(c)].mean() for c in sets])

    def exact_p(dates: pd.DatetimeIndex) -> float:
        pos = fd.index.get_indexer(dates)
        return float(np.mean(means >= fwd[pos].mean() - 1e-12))

    pos_obs = fd.index.get_indexer(events + pd.Timedelta(days=0))
    p_obs = float(np.mean(means >= fwd[pos_obs].mean() - 1e-12))
    p_all = np.array([np.mean(means >= m - 1e-12) for m in means])
    exact_calibrated = float(np.mean(p_all <= p_obs))  # population share, N -> infinity
    exact_size = float(np.mean(p_all <= 0.05))

    n = 4000
    res = calibrate(
        prices,
        events,
        horizon=h,
        test=exact_p,
        n_sets=n,
        eras=None,
        min_spacing=s,
        leader_clock="utc_midnight",
        follower_clock="utc_midnight",
        rng=5,
    )
    assert res.n_events == 2 and res.min_spacing == s
    assert res.pvalue == pytest.approx(p_obs, abs=1e-15)
    # Monte Carlo: within 4 standard errors of the enumerated values
    se_c = math.sqrt(exact_calibrated * (1 - exact_calibrated) / n)
    assert abs(res.pvalue_calibrated - exact_calibrated) <= 4 * se_c + 1 / (n + 1)
    se_s = math.sqrt(exact_size * (1 - exact_size) / n)
    assert abs(res.size - exact_size) <= 4 * se_s
    # an exact randomisation p-value is (conservatively) valid: size at most alpha
    assert exact_size <= 0.05
    # the formula itself
    null_p = res.null_pvalues
    assert res.pvalue_calibrated == (1 + np.sum(null_p <= res.pvalue * (1 + 1e-12))) / (1 + n)


def test_calibrate_views_and_reproducibility(btc, rut):
    ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    kw = dict(horizon=365, n_sets=99, n_resamples=199)
    a = calibrate(btc, ev, rng=np.random.SeedSequence(9), **kw)
    b = calibrate(btc, ev, rng=9, **kw)
    assert_array_equal(a.null_pvalues, b.null_pvalues)  # int and SeedSequence(int) agree
    assert a.calibration_sets.shape == (99, 2)
    assert (np.diff(a.calibration_sets, axis=1) >= np.timedelta64(362, "D")).all()
    df = a.to_frame()
    assert df.loc[0, "pvalue_calibrated"] == a.pvalue_calibrated
    assert df.loc[0, "size_ci_low"] <= a.size <= df.loc[0, "size_ci_high"]
    assert "Size at 0.05 on this path" in str(a.summary())
    assert repr(a).startswith("CalibrationResult(test='placebo'")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = a.plot()
    assert isinstance(fig, matplotlib.figure.Figure)
    assert fig.axes[0].get_xlabel().startswith("nominal p-value")
    plt.close(fig)


def test_matched_calibration_is_identical_on_any_number_of_threads(btc_long, rut):
    # each block of MATCHED_BLOCK sets draws from its own child stream, so the threads
    # only change who computes a block, never what it draws; with 3 blocks of which the
    # last is partial, 1, 2 and 3 threads must give the same p-values bit for bit, and a
    # different seed must not (the streams are really used)
    ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    n = 2 * E.MATCHED_BLOCK + 3
    kw = dict(horizon=365, test="placebo_halving_matched", n_sets=n, n_resamples=99)
    runs = [calibrate(btc_long, ev, n_jobs=j, rng=4, **kw) for j in (1, 2, 3, -1, None)]
    for r in runs[1:]:
        assert_array_equal(r.null_pvalues, runs[0].null_pvalues)
        assert r.pvalue == runs[0].pvalue
        assert r.pvalue_calibrated == runs[0].pvalue_calibrated
    assert np.isfinite(runs[0].null_pvalues).all()
    other = calibrate(btc_long, ev, n_jobs=2, rng=5, **kw)
    assert not np.array_equal(other.null_pvalues, runs[0].null_pvalues)
    # the caller's SeedSequence is not consumed
    seq = np.random.SeedSequence(4)
    calibrate(btc_long, ev, n_jobs=2, rng=seq, **kw)
    assert seq.n_children_spawned == 0


@pytest.mark.parametrize(
    ("n_jobs", "exc"), [(0, ValueError), (-2, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_calibrate_rejects_bad_n_jobs(btc, rut, n_jobs, exc):
    ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    with pytest.raises(exc, match="`n_jobs` must be a positive number of threads, -1 or None"):
        calibrate(btc, ev, horizon=365, n_jobs=n_jobs)


def test_calibration_that_cannot_run_warns_and_returns_nan(btc, rut):
    # no event with a complete window: SmallSampleWarning; two events that no random
    # pair can copy (a spacing longer than the history): DegenerateDataWarning; both
    # results are NaN and say why, with the structure they were asked for
    late = pd.DatetimeIndex(["2026-01-05"])
    with pytest.warns(riskcycle.exceptions.SmallSampleWarning, match="no usable event"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", riskcycle.exceptions.IncompleteWindowWarning)
            none = calibrate(btc, late, horizon=365, n_sets=19, leader_clock="utc_midnight", rng=0)
    assert np.isnan(none.pvalue_calibrated) and none.n_sets == 0 and none.n_events == 0
    assert none.resampling == "not run: no usable event"
    ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    with pytest.warns(riskcycle.exceptions.DegenerateDataWarning, match="no admissible"):
        odd = calibrate(btc, ev, horizon=30, min_spacing=20_000, n_sets=19, rng=0)
    assert np.isnan(odd.size) and odd.n_events == 2 and odd.min_spacing == 20_000
    assert odd.calibration_sets.shape == (0, 2)


def test_calibrated_hit_count_matches_base_rate(btc_long, rut):
    ev = riskcycle.breakouts(rut, min_gap=250)
    with _expected_exclusions():
        cal = calibrate(btc_long, ev, horizon=365, test="hit_count", n_sets=99, rng=1)
    with _expected_exclusions():
        br = riskcycle.base_rate(btc_long, ev, horizon=365, n_resamples=99, rng=1)
    assert cal.pvalue == pytest.approx(br.pvalue, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"test": "sign"}, ValueError, "`test` must be one of"),
        ({"test": 3}, TypeError, "`test` must be one of"),
        ({"n_sets": 5}, ValueError, "`n_sets` must be an integer number of random sets"),
        ({"n_sets": 10**7}, ValueError, "`n_sets` must be at most 1,000,000"),
        ({"alpha": 1.5}, ValueError, "`alpha` must be a level"),
        (
            {"eras": "decade"},
            ValueError,
            "`eras` must be None, 'halving', 'variance_breaks' or a sequence",
        ),
        (
            {"eras": 5},
            TypeError,
            "`eras` must be None, 'halving', 'variance_breaks' or a sequence",
        ),
        ({"eras": ["not a date"]}, ValueError, "`eras`"),
        ({"halving_cycles": "some"}, ValueError, "`halving_cycles` must be one of"),
        ({"horizon": 0}, ValueError, "`horizon` must be a positive integer"),
    ],
)
def test_calibrate_invalid_arguments(btc, rut, kwargs, exc, match):
    ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    with pytest.raises(exc, match=match):
        calibrate(btc, ev, **{"horizon": 365, **kwargs})


# ---------------------------------------------------------------------------
# sizes on the real Bitcoin path (reduced versions of benchmarks/size_table.py)
# ---------------------------------------------------------------------------
def _real_path_rejections(btc_long, test, n_sets, eras, dates, seed, n_cal=299):
    """Nominal and calibrated p-values of random date sets on the real path.

    The test sets have the structure of ``dates`` under ``eras`` (count, 362-day
    spacing, era mix); each is calibrated as assess_signal does, with independent
    random sets of its own count and mix of halving-cycle eras (one calibration per mix).
    """
    fd = C.follower_data(btc_long)
    win = C.windows(fd, 365)
    opts = K._calibrate_iv(
        365, test, 0.05, 99, "halving", "mean", "greater", 199, 90, "all", 0.0, C.NO_DELAY
    )
    rng = np.random.default_rng(seed)
    structure = fd.index.get_indexer(pd.DatetimeIndex(dates))
    draw_eras = C.era_labels(fd, C.check_eras(eras))
    halving = C.era_labels(fd, "halving")
    sets = E.design(fd, win, structure, spacing=362, eras=draw_eras).draw(n_sets, rng)
    spec = K.nominal_test(fd, win, opts, spacing=362, eras=halving, rng=rng)
    p_nominal = spec.pvalues(sets)
    score = spec.score(sets)
    mixes = [tuple(np.sort(halving.label[row])) for row in sets]
    p_cal = np.empty(n_sets)
    for mix in dict.fromkeys(mixes):
        rows = [i for i, m in enumerate(mixes) if m == mix]
        cal = E.design(fd, win, sets[rows[0]], spacing=362, eras=halving).draw(n_cal, rng)
        p_c, s_c = spec.pvalues(cal), spec.score(cal)
        for i in rows:
            p_cal[i] = E.calibrated_pvalue(p_nominal[i], p_c, score[i], s_c)[0]
    return p_nominal, p_cal


BTC_LONG_EVENTS = ["2011-04-27", "2013-01-02", "2016-11-14", "2020-11-13"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("test", "eras", "dates"),
    [
        ("placebo", ["2014-09-17"], BTC_LONG_EVENTS),
        ("placebo_era", ["2014-09-17"], BTC_LONG_EVENTS),
        ("placebo_halving_matched", None, BTC_LONG_EVENTS[2:]),
    ],
)
def test_calibrated_tests_hold_their_size_on_the_real_btc_path(btc_long, test, eras, dates):
    """Random dates on btc_long, calibrated as assess_signal does: size near alpha.

    Reduced from benchmarks/SIZE_TABLE.md: 300 sets with the claim's era mix (2 dates
    before the 2014-09-17 splice, 2 after) or 2 uniform dates; judged with an exact
    binomial test at 1%. The plain placebo's nominal p-value over-rejects on the same
    sets (the reason for calibrating), which is checked too.
    """
    n = 300
    p_nom, p_cal = _real_path_rejections(btc_long, test, n, eras, dates, seed=20)
    for alpha in (0.05, 0.10):
        x = int(np.sum(p_cal <= alpha))
        assert stats.binomtest(x, n, alpha).pvalue > 0.01, (test, alpha, x / n)
    if test == "placebo":
        x = int(np.sum(p_nom <= 0.05))
        assert stats.binomtest(x, n, 0.05, alternative="greater").pvalue < 0.01, x / n


def test_eras_found_from_the_data_are_the_variance_breaks(btc_long):
    """eras='variance_breaks': the eras start at regimes.variance_breaks' dates, computed
    only from the data given (an as-of cut sees only its own data)."""
    from riskcycle.regimes import variance_breaks

    cut = btc_long.loc[:"2020-12-31"]
    fd = C.follower_data(cut)
    e = C.era_labels(fd, C.check_eras("variance_breaks"))
    found = pd.DatetimeIndex(variance_breaks(cut, periods_per_year=365).break_dates)
    assert_array_equal(e.breaks, found)
    assert len(found) >= 1 and e.rule == "variance_breaks"
    lab = pd.Series(e.label, index=fd.index)
    first = found[0]
    assert lab[lab.index < first].max() == 0 and lab[first] == 1
    assert "volatility regimes found in the data" in e.describe()


def test_hit_count_direction_and_placebo_era_needs_eras(btc, rut):
    ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    up = calibrate(btc, ev, horizon=365, test="hit_count", n_sets=19, rng=1)
    down = calibrate(btc, ev, horizon=365, test="hit_count", alternative="less", n_sets=19, rng=1)
    base = up.pvalue**0.5  # two hits out of two: p = base**2
    assert down.pvalue == pytest.approx(1.0, abs=1e-12)  # two hits: P(at most 2 of 2) = 1
    assert up.pvalue == pytest.approx(stats.binom.sf(1, 2, base), rel=1e-12)
    with pytest.raises(ValueError, match="test='placebo_era' needs `eras`"):
        calibrate(btc, ev, horizon=365, test="placebo_era", eras=None)


def test_placebo_nulls_follow_each_sets_era_mix(btc_long):
    """Sets of different era mixes are each compared with their own mix's null."""
    fd = C.follower_data(btc_long)
    win = C.windows(fd, 365)
    eras = C.era_labels(fd, "halving")
    kind, func, _ = C.resolve_statistic("mean")
    spec = E.placebo_spec(
        fd,
        win,
        spacing=362,
        eras=eras,
        kind=kind,
        func=func,
        alternative="greater",
        n_resamples=499,
        rng=np.random.default_rng(0),
    )
    a = fd.index.get_indexer(pd.DatetimeIndex(["2011-04-27", "2013-01-02"]))
    b = fd.index.get_indexer(pd.DatetimeIndex(["2021-01-04", "2022-06-01"]))
    together = spec.pvalues(np.vstack([a, b]))
    alone_b = E.placebo_spec(
        fd,
        win,
        spacing=362,
        eras=eras,
        kind=kind,
        func=func,
        alternative="greater",
        n_resamples=499,
        rng=np.random.default_rng(0),
    ).pvalues(b[None, :])
    # the second set's p-value does not depend on which set came first (own-mix null)
    d = E.design(fd, win, b, spacing=362, eras=eras)
    assert d.era_mix() == {"2020-05-11 to 2024-04-20": 2}
    assert 0 < together[1] <= 1 and 0 < alone_b[0] <= 1
    assert abs(together[1] - alone_b[0]) < 0.1  # independent nulls of one mix, 499 draws


@pytest.mark.parametrize("statistic", ["mean", np.median])
def test_calibration_results_pickle(btc, rut, statistic):
    # results travel between processes (joblib, caches): the settings hold the resolved
    # statistic, which must not be a closure
    import pickle

    ev = riskcycle.breakouts(rut, min_gap=250)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", riskcycle.RiskcycleWarning)
        res = calibrate(
            btc, ev, horizon=365, statistic=statistic, n_sets=20, n_resamples=99, rng=0
        )
    back = pickle.loads(pickle.dumps(res))
    assert back.settings == res.settings
    assert_array_equal(
        back.to_frame().to_numpy(dtype=object), res.to_frame().to_numpy(dtype=object)
    )
    x = np.arange(12.0).reshape(3, 4)
    assert_array_equal(back.settings.func(x), res.settings.func(x))


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_one_statistic_pvalue_equals_the_vectorised_rule(alternative):
    """The matched test's per-set p-value (resampling_pvalue, by counting) is
    pvalues_against's exactly, with ties at the observed value, non-finite null values
    and a non-finite observation."""
    from riskcycle._resample import resampling_pvalue

    rng = np.random.default_rng(4)
    null = np.round(rng.normal(size=999), 1)  # many ties
    null[::97] = np.nan
    null[5] = np.inf
    for obs in [*np.round(rng.normal(size=25), 1), 0.0, 3.5, -3.5, np.nan]:
        want = E.pvalues_against(np.array([obs]), null, alternative, exact=False)[0]
        got = resampling_pvalue(float(obs), null, alternative=alternative)
        assert (np.isnan(want) and np.isnan(got)) or got == want, (obs, got, want)


@pytest.mark.parametrize(
    "test", ["placebo", "placebo_era", "placebo_halving_matched", "hit_count", "garch_null"]
)
def test_calibrate_on_an_event_sample_equals_the_call_with_the_follower(btc, rut, test):
    """An EventSample gives the numbers of the same call with the follower and its events,
    warns about the excluded events only when the sample is built, and refuses an argument
    that contradicts it."""
    from riskcycle.inference import event_sample

    ev = riskcycle.breakouts(rut, min_gap=250).between("2011-01-01", "2026-01-22")
    kw = dict(test=test, n_sets=40, n_resamples=49, rng=5)
    with warnings.catch_warnings(record=True) as direct_warnings:
        warnings.simplefilter("always")
        direct = calibrate(btc, ev, horizon=365, **kw)
    with warnings.catch_warnings(record=True) as built:
        warnings.simplefilter("always")
        sample = event_sample(btc, ev, horizon=365)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cat in (riskcycle.exceptions.EventsExcludedWarning,
                    riskcycle.exceptions.IncompleteWindowWarning):  # fmt: skip
            warnings.simplefilter("error", cat)  # nothing about the events again
        via = calibrate(sample, **kw)
    pd.testing.assert_frame_equal(via.to_frame(), direct.to_frame())
    assert_array_equal(via.null_pvalues, direct.null_pvalues)
    assert via.pvalue_calibrated == direct.pvalue_calibrated
    about_events = (riskcycle.exceptions.EventsExcludedWarning,
                    riskcycle.exceptions.IncompleteWindowWarning)  # fmt: skip
    named = [str(w.message) for w in built if issubclass(w.category, about_events)]
    assert named  # the 2025-2026 events have no complete 365-day window
    assert named == [
        str(w.message) for w in direct_warnings if issubclass(w.category, about_events)
    ]
    with pytest.raises(ValueError, match="`horizon` \\(180\\) differs from the EventSample"):
        calibrate(sample, horizon=180, **kw)
    with pytest.raises(ValueError, match="`events` must be None"):
        calibrate(sample, ev, **kw)
    with pytest.raises(TypeError, match="`events` is required"):
        calibrate(btc, horizon=365, **kw)
