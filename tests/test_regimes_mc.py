"""Monte Carlo checks of riskcycle.regimes: coverage, size and detection on simulated GARCH data.

Every rate is judged with scipy.stats.binomtest. The data-generating processes and
the tolerances are stated next to each check, with the reason for the tolerance.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from riskcycle.regimes import icss
from riskcycle.regimes._bootstrap import _ratio_test
from riskcycle.regimes._garch import variance_shift
from riskcycle.regimes._icss import cusum_of_squares


def garch_paths(rng, reps, n, *, alpha, beta, sd=1.0, nu=None, burn=500):
    """``reps`` GARCH(1,1) paths (rows) with unconditional standard deviation ``sd``.

    Innovations are standard normal, or Student-t with ``nu`` degrees of freedom
    scaled to unit variance. Vectorised over paths; the loop runs over time only.
    """
    omega = sd**2 * (1.0 - alpha - beta)
    if nu is None:
        z = rng.standard_normal((reps, n + burn))
    else:
        z = rng.standard_t(nu, (reps, n + burn)) * math.sqrt((nu - 2) / nu)
    s2 = np.full(reps, sd**2)
    e = np.zeros(reps)
    out = np.empty((reps, n + burn))
    for t in range(n + burn):
        s2 = omega + alpha * e * e + beta * s2
        e = np.sqrt(s2) * z[:, t]
        out[:, t] = e
    return out[:, burn:]


# ---------------------------------------------------------------------------
# block-bootstrap volatility ratio
# ---------------------------------------------------------------------------
@pytest.mark.slow
def test_ratio_interval_coverage_on_garch_with_a_variance_break():
    # GARCH(1,1), alpha=0.1, beta=0.5, normal innovations; the unconditional s.d.
    # falls from 1 to 0.7 at the break; 1000 returns on each side.
    rng = np.random.default_rng(20240110)
    reps, n, truth = 250, 1000, 0.7
    before = garch_paths(rng, reps, n, alpha=0.1, beta=0.5)
    after = garch_paths(rng, reps, n, alpha=0.1, beta=0.5, sd=truth)
    covered = 0
    for b, a in zip(before, after, strict=True):
        res = _ratio_test(
            b,
            a,
            n_resamples=299,
            confidence_level=0.95,
            alternative="two-sided",
            block_length=None,
            rng=rng,
        )
        covered += res.confidence_interval.low <= truth <= res.confidence_interval.high
    # Block-bootstrap variances are biased down by O(1/L) (the dependence across
    # block joins is lost), so with Politis-White's MSE-optimal block length
    # intervals under-cover by a few points at n = 1000 (about 0.92 here in
    # longer runs). Required: not significantly below 0.91 and not above 0.95
    # (binomial tests at 1%).
    assert stats.binomtest(covered, reps, 0.91, alternative="less").pvalue > 0.01
    assert stats.binomtest(covered, reps, 0.95, alternative="greater").pvalue > 0.01


@pytest.mark.slow
def test_ratio_test_size_on_constant_variance_garch():
    # GARCH(1,1), alpha=0.1, beta=0.6, Student-t(8) innovations, no break.
    rng = np.random.default_rng(7)
    reps, n = 250, 1000
    x = garch_paths(rng, 2 * reps, n, alpha=0.1, beta=0.6, nu=8)
    boot = f_test = bf = 0
    for b, a in zip(x[:reps], x[reps:], strict=True):
        res = _ratio_test(
            b,
            a,
            n_resamples=299,
            confidence_level=0.95,
            alternative="two-sided",
            block_length=None,
            rng=rng,
        )
        boot += res.pvalue <= 0.05
        ct = res.classic_tests.set_index("test")["pvalue"]
        f_test += ct["f_test"] <= 0.05
        bf += ct["brown_forsythe"] <= 0.05
    # The bootstrap test holds its size up to the small-sample excess explained in
    # the coverage test: rejection rate not significantly above 9% (1%), nor
    # significantly below 5%.
    assert stats.binomtest(boot, reps, 0.09, alternative="greater").pvalue > 0.01
    assert stats.binomtest(boot, reps, 0.05, alternative="less").pvalue > 0.01
    # The F test assumes independent normal returns: on clustered, heavy-tailed
    # data it over-rejects (why it is reported only beside the bootstrap).
    assert stats.binomtest(f_test, reps, 0.05, alternative="greater").pvalue < 1e-6
    assert f_test > boot and bf <= f_test


# ---------------------------------------------------------------------------
# ICSS
# ---------------------------------------------------------------------------
@pytest.mark.slow
def test_asymptotic_critical_values_by_simulated_brownian_bridges():
    # sup |B(r)| of a Brownian bridge, simulated from random walks of 1000 steps.
    rng = np.random.default_rng(1994)
    n, reps = 1000, 20000
    sups = []
    for _ in range(reps // 2000):
        w = np.cumsum(rng.standard_normal((2000, n)), axis=1) / math.sqrt(n)
        bridge = w - np.arange(1, n + 1) / n * w[:, -1:]
        sups.append(np.abs(bridge).max(axis=1))
    sups = np.concatenate(sups)
    # The discrete maximum falls short of the continuous one by about
    # 0.5826 / sqrt(n) (Siegmund's correction); the Monte Carlo standard error of a
    # tail quantile from 20,000 draws is about 0.005-0.01: tolerance 0.02.
    corrected = np.quantile(sups, [0.90, 0.95, 0.99]) + 0.5826 / math.sqrt(n)
    np.testing.assert_allclose(corrected, [1.224, 1.358, 1.628], atol=0.02)
    np.testing.assert_allclose(
        stats.kstwobign.ppf([0.90, 0.95, 0.99]), [1.224, 1.358, 1.628], atol=5e-4
    )


def _rejection_rate(x, test, crit):
    st = np.array([cusum_of_squares(row - row.mean(), test)[0] for row in x])
    return int(np.sum(st > crit))


@pytest.mark.slow
def test_kappa2_holds_size_on_garch_where_it_and_kappa1_do_not():
    # GARCH(1,1), alpha=0.1, beta=0.6, Student-t(8) innovations, T=1000, 1000 series:
    # the first ICSS test (whole sample) at 5% decides whether any break is found.
    rng = np.random.default_rng(2004)
    reps = 1000
    x = garch_paths(rng, reps, 1000, alpha=0.1, beta=0.6, nu=8)
    crit = stats.kstwobign.ppf(0.95)
    k2 = _rejection_rate(x, "kappa2", crit)
    assert stats.binomtest(k2, reps, 0.05).pvalue > 0.01
    # the iid-based statistics reject far too often on conditionally heteroskedastic data
    assert _rejection_rate(x, "it", crit) / reps > 0.15
    assert _rejection_rate(x, "kappa1", crit) / reps > 0.10


@pytest.mark.slow
def test_it_and_kappa1_hold_size_on_iid_data():
    rng = np.random.default_rng(1995)
    reps = 1000
    crit = stats.kstwobign.ppf(0.95)
    normal = rng.standard_normal((reps, 500))
    # IT's asymptotic critical value is slightly conservative at T=500 (Sansó et al.'s
    # finite-sample 5% value is 1.325): rejection rate between 2% and 5%
    it = _rejection_rate(normal, "it", crit)
    assert stats.binomtest(it, reps, 0.05, alternative="greater").pvalue > 0.01
    assert stats.binomtest(it, reps, 0.02, alternative="less").pvalue > 0.01
    heavy = rng.standard_t(5, (reps, 1000))
    k1 = _rejection_rate(heavy, "kappa1", crit)
    assert stats.binomtest(k1, reps, 0.05).pvalue > 0.01
    assert _rejection_rate(heavy, "it", crit) / reps > 0.15  # IT assumes normal kurtosis


@pytest.mark.slow
def test_icss_finds_a_known_break_in_garch_data():
    # Unconditional s.d. halves at observation 600 of 1200; GARCH(0.1, 0.6), t(8).
    rng = np.random.default_rng(11)
    reps = 300
    a = garch_paths(rng, reps, 600, alpha=0.1, beta=0.6, nu=8)
    b = garch_paths(rng, reps, 600, alpha=0.1, beta=0.6, nu=8, sd=0.5)
    idx = pd.date_range("2020-01-01", periods=1200)
    found = 0
    for ra, rb in zip(a, b, strict=True):
        res = icss(pd.Series(np.r_[ra, rb], index=idx))
        found += bool(res.n_breaks) and np.min(np.abs(res.change_points - 600)) <= 50
    # power about 93% for this size of change; required: significantly above 85% (1%)
    assert stats.binomtest(found, reps, 0.85, alternative="greater").pvalue < 0.01


# ---------------------------------------------------------------------------
# variance-shift likelihood-ratio test
# ---------------------------------------------------------------------------
@pytest.mark.slow
def test_variance_shift_lr_size_on_garch_t():
    # The model's own DGP: GARCH(1,1)-t(6), alpha=0.1, beta=0.8, no shift, T=800.
    rng = np.random.default_rng(12)
    reps, n = 100, 800
    x = garch_paths(rng, reps, n, alpha=0.1, beta=0.8, nu=6, sd=0.02)
    idx = pd.date_range("2020-01-01", periods=n)
    labels = (np.arange(n) >= n // 2).astype(np.int64)
    brk = pd.DatetimeIndex([idx[n // 2]])
    rejected = 0
    for row in x:
        vs = variance_shift(
            pd.Series(row, index=idx), labels, ["a", "b"], brk, 365, std_errors=False
        )
        rejected += vs.pvalue <= 0.05
    # chi-squared(1) asymptotics at T=800: binomial test against 5% at 1%
    assert stats.binomtest(rejected, reps, 0.05).pvalue > 0.01
