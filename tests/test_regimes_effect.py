"""GARCH(1,1)-t with an event dummy in the variance (riskcycle.regimes.variance_effect)."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from arch import arch_model
from numpy.testing import assert_allclose
from scipy import stats

from riskcycle.regimes import VarianceEffectResult, variance_effect
from riskcycle.regimes._effect import dummy_loglikelihood, fit_dummy_garch
from riskcycle.regimes._garch import SCALE, arch_backcast


def _prices(r, start="2018-01-01"):
    idx = pd.date_range(start, periods=len(r) + 1, freq="D", name="date")
    s = pd.Series(100 * np.exp(np.r_[0.0, np.cumsum(r)]), index=idx, name="close")
    s.attrs = {"periods_per_year": 365}
    return s


def simulate(rng, n, k0, mult, alpha=0.08, beta=0.85, nu=6.0, omega=0.1, burn=500):
    """Percent-scale GARCH(1,1)-t whose variance intercept is omega*mult from k0 on."""
    z = rng.standard_t(nu, n + burn) / math.sqrt(nu / (nu - 2))
    om = np.where(np.arange(n + burn) >= k0 + burn, omega * mult, omega)
    s2 = omega / (1 - alpha - beta)
    e = np.empty(n + burn)
    for t in range(n + burn):
        if t:
            s2 = om[t] + alpha * e[t - 1] ** 2 + beta * s2
        e[t] = math.sqrt(s2) * z[t]
    return e[burn:] / SCALE


@pytest.fixture(scope="module")
def y_btc(btc):
    c = btc["close"].loc["2019":"2023"].to_numpy()
    return np.diff(np.log(c)) * SCALE


def test_loglikelihood_equals_arch_at_zero_dummy(y_btc):
    # reference: arch 8's arch_model(..., dist="t") log-likelihood at its own estimates
    res = arch_model(y_btc, mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False).fit(
        disp="off"
    )
    p = res.params.to_numpy()
    theta = np.array([p[0], p[1], 0.0, p[2], p[3], p[4]])
    bc = arch_backcast(y_btc)
    ll = dummy_loglikelihood(theta, y_btc, np.zeros(len(y_btc)), bc).sum()
    # the same function in floating point: agreement far below 1e-6
    assert_allclose(ll, res.loglikelihood, rtol=0, atol=1e-6)
    # a dummy with delta = 0 changes nothing, whatever D is
    d = (np.arange(len(y_btc)) > 700).astype(float)
    assert_allclose(dummy_loglikelihood(theta, y_btc, d, bc).sum(), ll, rtol=0, atol=1e-9)


def test_ml_fit_equals_arch_parameters_at_zero_dummy(y_btc):
    # both optimisers run to tight tolerances, from different starting points
    res = arch_model(y_btc, mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False).fit(
        disp="off", options={"ftol": 1e-14, "maxiter": 5000}
    )
    p = res.params.to_numpy()
    start = np.array([p[0], p[1] * 1.05, 0.0, p[2] * 1.05, p[3] * 0.99, p[4] * 1.05])
    est, ll, ok, _ = fit_dummy_garch(y_btc, np.zeros(len(y_btc)), start=start)
    assert ok
    assert_allclose(ll, res.loglikelihood, rtol=0, atol=1e-6)
    # parameters to 1e-6 relative (the likelihood is flat to ~1e-11 around the optimum,
    # so the two optimisers' stopping points differ by about that much)
    assert_allclose(est[[0, 1, 3, 4, 5]], p, rtol=1e-6, atol=1e-7)
    assert est[2] == 0.0  # no information about delta when D = 0


def test_known_effect_recovered_and_interval_consistent_with_lr():
    rng = np.random.default_rng(1)
    r = simulate(rng, 2500, 1250, 0.4)
    p = _prices(r)
    res = variance_effect(p, event_date=p.index[1251])
    assert isinstance(res, VarianceEffectResult)
    lo, hi = res.confidence_interval
    assert lo < 0.4 < hi and hi < 1.0
    assert res.pvalue < 0.01
    assert_allclose(res.volatility_multiplier, math.sqrt(res.statistic), rtol=1e-12)
    # the profile interval inverts the LR test: at each end 2(l1 - lp) = chi2_1(0.95)
    y = r * SCALE
    dummy = (p.index[1:] >= p.index[1251]).astype(float)
    crit = stats.chi2.ppf(0.95, 1)
    for end in (lo, hi):
        start = res.params["estimate"].to_numpy().copy()
        start[2] = math.log(end)
        _, llp, _, _ = fit_dummy_garch(y, dummy, start=start, fix_delta=math.log(end))
        # brentq tolerance 1e-5 in delta: the LR at the ends within 0.01 of the cut-off
        assert abs(2 * (res.loglikelihood - llp) - crit) < 0.01
    assert res.n_before == 1250 and res.n_after == 1250
    text = str(res.summary())
    assert "times its earlier level (lower" in text and "interval excludes 1" in text


def test_views_on_bundled_btc(btc):
    res = variance_effect(btc.loc["2021":])
    f = res.to_frame().set_index("quantity")["value"]
    assert_allclose(f["variance_multiplier"], res.statistic)
    assert f["ci_low"] < f["variance_multiplier"] < f["ci_high"]
    # since 2021 the profile likelihood flattens for large multipliers (integrated GARCH,
    # omega near its bound): the upper end is reported as unbounded, and said so
    assert np.isinf(f["ci_high"]) and "unbounded" in str(res.summary())
    fig = res.plot()
    assert len(fig.axes) == 2
    assert "nats" in fig.axes[0].get_ylabel()
    plt.close(fig)
    with pytest.raises(ValueError, match=r"`ax` must hold 2 axes"):
        res.plot(ax=[None])
    assert repr(res).startswith("VarianceEffectResult(2024-01-10: variance x")


def test_input_errors(btc):
    with pytest.raises(ValueError, match=r"`event_date`: 2030-01-01 is after the last date"):
        variance_effect(btc, event_date="2030-01-01")
    with pytest.raises(ValueError, match=r"`confidence_level`"):
        variance_effect(btc, confidence_level=0)
    with pytest.raises(ValueError, match=r"`periods_per_year` must be"):
        variance_effect(btc, periods_per_year=-1)


@pytest.mark.slow
def test_bias_and_coverage_on_simulated_data():
    # coverage of the profile interval = 1 - rejection rate of the LR test of the true
    # delta, so each replication needs two fits (free and delta fixed at the truth)
    rng = np.random.default_rng(20240110)
    reps, n, mult = 80, 1500, 0.5
    est, cover = [], 0
    crit = stats.chi2.ppf(0.95, 1)
    for _ in range(reps):
        r = simulate(rng, n, n // 2, mult)
        y = r * SCALE
        d = (np.arange(n) >= n // 2).astype(float)
        res = arch_model(y, mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False).fit(
            disp="off"
        )
        p = res.params.to_numpy()
        start = np.array([p[0], p[1], 0.0, p[2], p[3], p[4]])
        th, ll1, _, _ = fit_dummy_garch(y, d, start=start)
        start[2] = math.log(mult)
        _, ll0, _, _ = fit_dummy_garch(y, d, start=start, fix_delta=math.log(mult))
        est.append(th[2])
        cover += int(2 * (max(ll1, ll0) - ll0) <= crit)
    est = np.asarray(est)
    bias = est.mean() - math.log(mult)
    se = est.std(ddof=1) / math.sqrt(reps)
    # the ML estimate of delta is consistent: its mean within 3 Monte Carlo s.e. (+0.05 for
    # the finite-sample bias of ML in GARCH at n = 1500) of the truth
    assert abs(bias) < 3 * se + 0.05, (bias, se)
    ci = stats.binomtest(cover, reps).proportion_ci(0.95)
    print(
        f"variance multiplier: bias of delta {bias:+.4f} (MC s.e. {se:.4f}); 95% profile "
        f"CI coverage {cover}/{reps} [{ci.low:.3f}, {ci.high:.3f}]"
    )
    assert ci.low <= 0.95 <= ci.high, (cover, reps)
