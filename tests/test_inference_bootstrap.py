"""riskcycle.bootstrap_ci: estimates, agreement with arch, coverage, inputs, views."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from scipy.signal import lfilter

import riskcycle
from riskcycle.exceptions import DegenerateDataWarning, SmallSampleWarning
from riskcycle.inference import BootstrapResult, bootstrap_ci
from riskcycle.inference._bootstrap import block_variance

matplotlib.use("Agg")
KW = {"leader_clock": "utc_midnight"}


def prices(x, start="2015-01-01"):
    s = pd.Series(
        100 * np.exp(np.concatenate([[0.0], np.cumsum(x)])),
        index=pd.date_range(start, periods=len(x) + 1, freq="D"),
    )
    s.attrs = {"clock": "utc_midnight", "name": "synthetic"}
    return s


def ar1(rng, n, phi, mu, sd=0.02):
    return mu + lfilter([1.0], [1.0, -phi], rng.standard_normal(n + 200) * sd)[200:]


def garch_t(rng, n, mu, omega=2e-5, a=0.1, b=0.85, nu=5.0):
    from riskcycle.inference._nb_paths import garch_paths

    z = rng.standard_t(nu, size=(1, n + 500)) * np.sqrt((nu - 2) / nu)
    return garch_paths(z, mu, omega, a, b, omega / (1 - a - b), 500)[0]


# ---------------------------------------------------------------------------
# deterministic parts
# ---------------------------------------------------------------------------
def test_estimates_are_the_direct_statistics():
    rng = np.random.default_rng(0)
    f = prices(rng.standard_normal(800) * 0.02)
    lc = np.log(f.to_numpy())
    pos = [50, 300, 600]
    ev = list(f.index[pos])
    rets = [lc[p + 90] - lc[p] for p in pos]
    r = bootstrap_ci(f, ev, horizon=90, n_resamples=99, rng=0, **KW)
    assert_allclose(r.statistic, np.mean(rets), rtol=1e-13)
    r = bootstrap_ci(
        f, ev, horizon=90, statistic="median", interval="percentile", n_resamples=99, rng=0, **KW
    )
    assert_allclose(r.statistic, np.median(rets), rtol=1e-13)
    u = bootstrap_ci(f, horizon=90, n_resamples=99, rng=0)
    assert_allclose(u.statistic, np.mean(lc[90:] - lc[:-90]), rtol=1e-12)
    assert u.target == "unconditional" and r.target == "events" and r.n_events == 3


def test_block_variance_by_hand():
    x = np.array([1.0, -2.0, 0.5, 3.0])
    xc = x - x.mean()
    # circular blocks of 2: (x0+x1), (x1+x2), (x2+x3), (x3+x0), centred
    sums = np.array([xc[0] + xc[1], xc[1] + xc[2], xc[2] + xc[3], xc[3] + xc[0]])
    assert_allclose(block_variance(x, 2), 4 / 2 * np.mean(sums**2))
    assert_allclose(block_variance(x, 1), np.sum(xc**2))  # iid: the sum of squares


@pytest.mark.parametrize(
    ("interval", "arch_method"), [("percentile", "percentile"), ("basic", "basic")]
)
@pytest.mark.parametrize("scheme", ["stationary", "circular"])
def test_interval_agrees_with_arch(interval, arch_method, scheme):
    """Mean daily return (horizon 1): our interval against arch's conf_int, same block length."""
    from arch.bootstrap import CircularBlockBootstrap, StationaryBootstrap

    rng = np.random.default_rng(1)
    x = ar1(rng, 1500, 0.4, 0.001)
    f = prices(x)
    ours = bootstrap_ci(
        f,
        horizon=1,
        block_scheme=scheme,
        interval=interval,
        block_length=8,
        n_resamples=10_000,
        rng=2,
    )
    cls = StationaryBootstrap if scheme == "stationary" else CircularBlockBootstrap
    bs = cls(8, x, seed=np.random.default_rng(3))
    theirs = bs.conf_int(np.mean, reps=10_000, method=arch_method, size=0.95)[:, 0]
    sd = ours.standard_error
    # Monte Carlo error of a 2.5% quantile with 10,000 resamples: about 0.03 sd per side,
    # so the difference of two has s.d. about 0.04 sd: allow 3 of those
    assert_allclose(ours.confidence_interval, theirs, atol=0.12 * sd)
    # s.e. of a standard deviation from 10,000 draws: 0.7%; two of them, 3 s.e.
    assert_allclose(sd, bs.apply(np.mean, 10_000).std(), rtol=0.03)


# ---------------------------------------------------------------------------
# coverage with a known mean
# ---------------------------------------------------------------------------
def _coverage(make, truth, n_rep, **kwargs):
    covered = 0
    for r in range(n_rep):
        f, ev = make(r)
        lo, hi = bootstrap_ci(
            f, ev, confidence_level=0.9, n_resamples=499, rng=r, **kwargs
        ).confidence_interval
        covered += lo <= truth <= hi
    return covered


@pytest.mark.slow
def test_coverage_unconditional_mean_garch():
    rng = np.random.default_rng(10)
    cov = _coverage(lambda r: (prices(garch_t(rng, 2000, 0.001)), None), 0.001, 300, horizon=1)
    assert stats.binomtest(cov, 300, 0.9).pvalue > 0.01


@pytest.mark.slow
def test_coverage_unconditional_mean_ar1():
    """AR(1), phi = 0.2. Block bootstraps under-cover in short samples (at n = 3000 this one
    covered 86% of the time at 90%, arch's StationaryBootstrap alike); at n = 10,000 the
    Politis-White blocks are long enough for the nominal level."""
    rng = np.random.default_rng(11)
    cov = _coverage(lambda r: (prices(ar1(rng, 10_000, 0.2, 0.001)), None), 0.001, 250, horizon=1)
    assert stats.binomtest(cov, 250, 0.9).pvalue > 0.01


@pytest.mark.slow
@pytest.mark.parametrize("model", ["garch", "ar1"])
def test_coverage_across_events(model):
    """Six 365-day windows; the true mean forward log return is 365 * mu."""
    rng = np.random.default_rng(12)

    def make(r):
        x = garch_t(rng, 3000, 0.001) if model == "garch" else ar1(rng, 3000, 0.2, 0.001)
        f = prices(x)
        return f, list(f.index[[100, 550, 1000, 1450, 1900, 2350]])

    cov = _coverage(make, 0.365, 200, horizon=365, **KW)
    assert stats.binomtest(cov, 200, 0.9).pvalue > 0.01


# ---------------------------------------------------------------------------
# real data and reproducibility
# ---------------------------------------------------------------------------
def test_commentary_events_interval(rut, btc):
    b = btc.loc[:"2026-01-22"]
    ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    r = bootstrap_ci(b, ev, horizon=365, interval="percentile", n_resamples=2000, rng=0)
    assert r.n_events == 2 and r.variation == "within_windows"
    lo, hi = r.confidence_interval
    assert lo < r.statistic < hi
    # Politis-White block for BTC daily log returns is short (a few days)
    assert 1 <= r.block_length < 10
    assert any("Within-window noise only" in n for n in r.notes)
    again = bootstrap_ci(b, ev, horizon=365, interval="percentile", n_resamples=2000, rng=0)
    assert again.confidence_interval == r.confidence_interval
    # the default across events: a t-interval, far wider with two events (1 d.f.)
    t = bootstrap_ci(b, ev, horizon=365)
    assert t.interval == "t" and t.variation == "between_events" and t.n_resamples == 0
    assert t.confidence_interval[1] - t.confidence_interval[0] > 3 * (hi - lo)


def test_recentred_unconditional_interval_is_centred_on_estimate():
    rng = np.random.default_rng(4)
    x = np.r_[rng.standard_normal(600) * 0.02 - 0.004, rng.standard_normal(600) * 0.02 + 0.004]
    f = prices(x)
    r = bootstrap_ci(f, horizon=200, n_resamples=2000, rng=0, block_length=5)
    lo, hi = r.confidence_interval
    # the bootstrap world's mean is 200 * mean(x); the estimate weighs the ends less
    centre = 200 * x.mean()
    assert abs((lo + hi) / 2 - r.statistic) < 0.25 * (hi - lo)
    assert abs(r.bootstrap_distribution.mean() - centre) < 3 * r.standard_error / np.sqrt(2000)


def test_degenerate_and_small_inputs():
    f = prices(np.zeros(300))
    with pytest.warns(DegenerateDataWarning, match="studentized interval is undefined"):
        r = bootstrap_ci(f, horizon=10, interval="studentized", n_resamples=99, rng=0)
    assert np.isnan(r.confidence_interval[0])
    g = prices(np.random.default_rng(0).standard_normal(100) * 0.01)
    with (
        pytest.warns(riskcycle.exceptions.IncompleteWindowWarning),
        pytest.warns(SmallSampleWarning, match="no event has a complete"),
    ):
        r = bootstrap_ci(g, [g.index[95]], horizon=30, n_resamples=99, rng=0, **KW)
    assert np.isnan(r.statistic)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            {"horizon": -5},
            ValueError,
            "`horizon` must be a positive integer number of calendar days",
        ),
        ({"statistic": "mode"}, ValueError, "`statistic` must be one of"),
        ({"block_scheme": "moving"}, ValueError, "`block_scheme` must be one of"),
        ({"interval": "bca"}, ValueError, "`interval` must be one of"),
        (
            {"interval": "studentized", "statistic": "median"},
            ValueError,
            "available for statistic='mean' only",
        ),
        ({"interval": "t", "statistic": "median"}, ValueError, "'t'` is available for stat"),
        (
            {"interval": "order_statistic"},
            ValueError,
            "`interval='order_statistic'` is available for statistic='median' only",
        ),
        ({"interval": "t"}, ValueError, "`interval='t'` is an interval across events: it needs"),
        ({"block_length": 0.5}, ValueError, "`block_length` must be a block length in bars"),
        ({"confidence_level": 1.0}, ValueError, "`confidence_level` must be a probability"),
        ({"n_resamples": 1}, ValueError, "`n_resamples` must be a positive integer >= 2"),
        ({"rng": "seed"}, TypeError, "`rng` must be None, an int"),
    ],
)
def test_invalid_arguments(kwargs, exc, match):
    f = prices(np.random.default_rng(0).standard_normal(200) * 0.01)
    with pytest.raises(exc, match=match):
        bootstrap_ci(f, **{"horizon": 10, **kwargs})


def test_result_views():
    f = prices(np.random.default_rng(5).standard_normal(500) * 0.02)
    r = bootstrap_ci(
        f,
        list(f.index[[10, 200]]),
        horizon=60,
        interval="percentile",
        n_resamples=199,
        rng=0,
        **KW,
    )
    assert isinstance(r, BootstrapResult)
    df = r.to_frame()
    assert df.loc[0, "ci_low"] == r.confidence_interval[0]
    assert_allclose(df.loc[0, "simple_ci_high"], np.expm1(r.confidence_interval[1]))
    text = str(r.summary())
    assert "Resampling: stationary bootstrap" in text and "Block length" in text
    assert repr(r).startswith("BootstrapResult(statistic=")
    assert r.settings["n_resamples"] == 199
    ax = r.plot().axes[0]
    assert len(ax.lines) == 3  # estimate and the two ends


# ---------------------------------------------------------------------------
# intervals across events (between-event dispersion)
# ---------------------------------------------------------------------------
def test_t_interval_is_students_t_across_events():
    """Reference: scipy.stats.t.interval with the standard error of the events' mean."""
    rng = np.random.default_rng(8)
    f = prices(rng.standard_normal(1200) * 0.02)
    lc = np.log(f.to_numpy())
    pos = [30, 250, 470, 690, 910]
    rets = np.array([lc[p + 120] - lc[p] for p in pos])
    r = bootstrap_ci(f, list(f.index[pos]), horizon=120, confidence_level=0.9, **KW)
    ref = stats.t.interval(0.9, 4, loc=rets.mean(), scale=stats.sem(rets))
    assert_allclose(r.confidence_interval, ref, rtol=1e-12)
    assert_allclose(r.standard_error, stats.sem(rets), rtol=1e-12)
    assert r.bootstrap_distribution.size == 0 and np.isnan(r.block_length)
    df = r.to_frame()
    assert df.loc[0, "variation"] == "between_events" and df.loc[0, "interval"] == "t"
    text = str(r.summary())
    assert text.startswith("Interval across events") and "Block length" not in text
    assert r.plot().axes[0].get_title().startswith("t 90% interval")


def test_order_statistic_interval_for_the_median():
    """Reference: with 10 observations the 95% distribution-free interval for the median is
    (x(2), x(9)), exact coverage 1 - 2 * 11/1024 = 97.85% (Conover 1999, Practical
    Nonparametric Statistics, 3rd ed., section 3.2, table A3)."""
    rng = np.random.default_rng(9)
    f = prices(rng.standard_normal(2000) * 0.02)
    lc = np.log(f.to_numpy())
    pos = list(range(20, 1900, 190))[:10]
    rets = np.sort([lc[p + 60] - lc[p] for p in pos])
    r = bootstrap_ci(f, list(f.index[pos]), horizon=60, statistic="median", **KW)
    assert r.interval == "order_statistic" and r.n_events == 10
    assert r.confidence_interval == (rets[1], rets[8])
    assert any("97.85%" in n for n in r.notes)
    # four events: min to max covers 87.5% only
    with pytest.warns(SmallSampleWarning, match="covers 87.5%"):
        r4 = bootstrap_ci(f, list(f.index[pos[:4]]), horizon=60, statistic="median", **KW)
    assert np.isnan(r4.confidence_interval[0])


def test_t_interval_one_event_and_identical_returns():
    f = prices(np.random.default_rng(3).standard_normal(400) * 0.02)
    with pytest.warns(SmallSampleWarning, match="one event"):
        r = bootstrap_ci(f, [f.index[10]], horizon=30, **KW)
    assert np.isnan(r.confidence_interval[0]) and np.isfinite(r.statistic)
    g = prices(np.full(400, 0.001))
    with pytest.warns(DegenerateDataWarning, match="identical"):
        r = bootstrap_ci(g, list(g.index[[10, 100]]), horizon=30, **KW)
    assert np.isnan(r.confidence_interval[1])


def test_t_interval_notes_overlapping_windows():
    f = prices(np.random.default_rng(4).standard_normal(400) * 0.02)
    r = bootstrap_ci(f, list(f.index[[10, 20, 200]]), horizon=30, **KW)
    assert any("overlap" in n for n in r.notes)


def test_t_interval_coverage_iid_normal():
    """i.i.d. normal daily returns, five non-overlapping windows: the forward returns are
    i.i.d. normal, so the t-interval's coverage is exactly 90% (Student 1908)."""
    rng = np.random.default_rng(21)
    n_rep, covered = 200, 0
    pos = [0, 70, 140, 210, 280]
    for _ in range(n_rep):
        f = prices(0.001 + rng.standard_normal(360) * 0.02)
        lo, hi = bootstrap_ci(
            f, list(f.index[pos]), horizon=60, confidence_level=0.9, **KW
        ).confidence_interval
        covered += lo <= 0.06 <= hi
    assert stats.binomtest(covered, n_rep, 0.9).pvalue > 0.01


def _real_path_sets(btc_long, n_sets, seed, k=4, spacing=362, horizon=365):
    """Uniform random k-sets of eligible btc_long days at least `spacing` days apart."""
    from riskcycle import _nb_sets as _nb
    from riskcycle.inference import _common as C

    fd = C.follower_data(btc_long)
    win = C.windows(fd, horizon)
    elig = win.eligible
    nxt = np.searchsorted(fd.day[elig], fd.day[elig] + spacing, side="left").astype(np.int64)
    table, _ = _nb.spaced_tables(nxt, k)
    sets = elig[_nb.spaced_sample(table, nxt, np.random.default_rng(seed).random((n_sets, k)))]
    return fd, win, float(np.mean(win.fwd[elig])), sets


def _real_path_coverage(btc_long, n_sets, seed, **opts):
    from riskcycle._options import BootstrapOptions
    from riskcycle.inference import _common as C
    from riskcycle.inference._bootstrap import bootstrap_core

    fd, win, truth, sets = _real_path_sets(btc_long, n_sets, seed)
    covered = 0
    for i, s in enumerate(sets):
        ed = C.EventData(leader_dates=fd.index[s], day0=s, status=np.array(["ok"] * len(s)))
        kw = dict(statistic="mean", block_scheme="stationary", interval="t", n_resamples=199)
        options = BootstrapOptions(horizon=win.horizon, **{**kw, **opts})
        r = bootstrap_core(fd, win, ed, options, rng=np.random.default_rng(i), warn=False)
        lo, hi = r.confidence_interval
        covered += lo <= truth <= hi
    return covered


@pytest.mark.slow
def test_real_path_coverage_of_the_events_mean_interval(btc_long):
    """btc_long (before 2014-09-17 Coin Metrics data, CC BY-NC 4.0), random 4-event sets at
    least 362 days apart, 365-day horizon: the t-interval contains the path's mean forward
    log return over eligible days as often as documented (COVERAGE_T_BTC_LONG, measured
    with 20,000 sets) and not less often than the nominal 95%."""
    from riskcycle.inference._bootstrap import COVERAGE_T_BTC_LONG

    n = 1500
    cov = _real_path_coverage(btc_long, n, seed=101)
    assert stats.binomtest(cov, n, COVERAGE_T_BTC_LONG).pvalue > 0.01
    assert stats.binomtest(cov, n, 0.95, alternative="less").pvalue > 0.01


@pytest.mark.slow
def test_real_path_within_window_interval_undercovers(btc_long):
    """The within-window block bootstrap (interval='percentile') covers the events' mean far
    less often than 95% on the real path: as documented (COVERAGE_WITHIN_WINDOW_BTC_LONG,
    measured with 1,000 sets and 999 resamples; here 199 resamples)."""
    from riskcycle.inference._bootstrap import COVERAGE_WITHIN_WINDOW_BTC_LONG

    n = 300
    cov = _real_path_coverage(btc_long, n, seed=102, interval="percentile")
    assert stats.binomtest(cov, n, 0.95, alternative="less").pvalue < 0.01
    assert stats.binomtest(cov, n, COVERAGE_WITHIN_WINDOW_BTC_LONG).pvalue > 0.01


# ---------------------------------------------------------------------------
# the checked options are the result's settings; the interval is a ConfidenceInterval
# ---------------------------------------------------------------------------
def test_options_are_the_settings_and_the_interval_is_a_confidence_interval(btc):
    import dataclasses

    from riskcycle import ConfidenceInterval
    from riskcycle.inference._bootstrap import _bootstrap_ci_iv

    opts = _bootstrap_ci_iv(365, "mean", "circular", "percentile", None, 0.9, 99, "0h")
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.horizon = 30
    r = bootstrap_ci(
        btc,
        horizon=365,
        block_scheme="circular",
        interval="percentile",
        confidence_level=0.9,
        n_resamples=99,
        rng=0,
    )
    assert r.settings == opts  # the mapping views agree
    assert dict(r.settings) == {
        "horizon": 365,
        "statistic": "mean",
        "block_scheme": "circular",
        "interval": "percentile",
        "block_length": None,
        "confidence_level": 0.9,
        "n_resamples": 99,
    }
    # the result's fields that are settings read them (stored once)
    assert (r.horizon, r.confidence_level, r.interval, r.statistic_name) == (
        365,
        0.9,
        "percentile",
        "mean",
    )
    with pytest.raises(KeyError):
        r.settings["delay"]  # not a setting of the interval (no events)
    ci = r.confidence_interval
    assert isinstance(ci, ConfidenceInterval)
    lo, hi = ci
    assert (ci.low, ci.high) == (lo, hi) == (ci[0], ci[1]) and lo < hi
    # the interval's default is resolved in the settings: "t" across events
    ev = ["2016-01-04", "2019-01-02", "2022-01-03"]
    r_ev = bootstrap_ci(btc, ev, horizon=365, leader_clock="utc_midnight")
    assert r_ev.settings["interval"] == r_ev.interval == "t"
    assert isinstance(r_ev.confidence_interval, ConfidenceInterval)
