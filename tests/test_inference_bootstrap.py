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
    r = bootstrap_ci(f, ev, horizon=90, statistic="median", n_resamples=99, rng=0, **KW)
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
@pytest.mark.parametrize("method", ["stationary", "circular"])
def test_interval_agrees_with_arch(interval, arch_method, method):
    """Mean daily return (horizon 1): our interval against arch's conf_int, same block length."""
    from arch.bootstrap import CircularBlockBootstrap, StationaryBootstrap

    rng = np.random.default_rng(1)
    x = ar1(rng, 1500, 0.4, 0.001)
    f = prices(x)
    ours = bootstrap_ci(
        f, horizon=1, method=method, interval=interval, block_length=8, n_resamples=10_000, rng=2
    )
    cls = StationaryBootstrap if method == "stationary" else CircularBlockBootstrap
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
    r = bootstrap_ci(b, ev, horizon=365, n_resamples=2000, rng=0)
    assert r.n_events == 2
    lo, hi = r.confidence_interval
    assert lo < r.statistic < hi
    # Politis-White block for BTC daily log returns is short (a few days)
    assert 1 <= r.block_length < 10
    again = bootstrap_ci(b, ev, horizon=365, n_resamples=2000, rng=0)
    assert again.confidence_interval == r.confidence_interval


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
        ({"method": "moving"}, ValueError, "`method` must be one of"),
        ({"interval": "bca"}, ValueError, "`interval` must be one of"),
        (
            {"interval": "studentized", "statistic": "median"},
            ValueError,
            "available for statistic='mean' only",
        ),
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
    r = bootstrap_ci(f, list(f.index[[10, 200]]), horizon=60, n_resamples=199, rng=0, **KW)
    assert isinstance(r, BootstrapResult)
    df = r.to_frame()
    assert df.loc[0, "ci_low"] == r.confidence_interval[0]
    assert_allclose(df.loc[0, "simple_ci_high"], np.expm1(r.confidence_interval[1]))
    text = str(r.summary())
    assert "Resampling: stationary bootstrap" in text and "Block length" in text
    assert repr(r).startswith("BootstrapResult(statistic=")
    assert r.settings["n_resamples"] == 199
    ax = r.plot()
    assert len(ax.lines) == 3  # estimate and the two ends
