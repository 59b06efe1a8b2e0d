"""riskcycle.garch_null_test: fit, simulation, size under the model, inputs, views."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

import riskcycle
from riskcycle.exceptions import DegenerateDataWarning, EventsExcludedWarning
from riskcycle.inference import GarchNullResult, garch_null_test
from riskcycle.inference._garch_null import fit_garch_t, simulate_garch_t

matplotlib.use("Agg")
KW = {"leader_clock": "utc_midnight"}
TRUE = {"mu": 0.05, "omega": 0.05, "alpha": 0.08, "beta": 0.9, "nu": 6.0}


def garch_prices(seed, n=1500, params=TRUE):
    r = simulate_garch_t(params, 1, n - 1, 500, np.random.default_rng(seed))[0]
    s = pd.Series(
        100 * np.exp(np.concatenate([[0.0], np.cumsum(r)])),
        index=pd.date_range("2016-01-01", periods=n, freq="D"),
    )
    s.attrs = {"clock": "utc_midnight", "name": "garch"}
    return s


def test_fit_recovers_parameters():
    f = garch_prices(0, n=6000)
    fit = fit_garch_t(np.diff(np.log(f.to_numpy())))
    p = fit["params"]
    assert fit["converged"]
    # 6,000 observations: standard errors about 0.02 (alpha, beta) and 0.6 (nu)
    assert abs(p["alpha"] - 0.08) < 0.04 and abs(p["beta"] - 0.9) < 0.04
    assert abs(p["nu"] - 6.0) < 2.5
    assert abs(p["alpha"] + p["beta"] - 0.98) < 0.02


def test_statistic_expected_value_and_reproducibility():
    f = garch_prices(1)
    ev = list(f.index[[100, 500, 900]])
    lc = np.log(f.to_numpy())
    a = garch_null_test(f, ev, horizon=180, n_resamples=99, rng=5, **KW)
    b = garch_null_test(f, ev, horizon=180, n_resamples=99, rng=5, **KW)
    assert_allclose(
        a.statistic, np.mean([lc[p + 180] - lc[p] for p in (100, 500, 900)]), rtol=1e-13
    )
    assert_allclose(a.null_distribution, b.null_distribution)
    assert a.pvalue == b.pvalue
    # the model's expected window return: the fitted drift (percent) times the bars
    assert_allclose(a.expected_statistic, a.params["mu"] / 100 * 180)
    # the simulated statistics centre on it (199 paths: within 4 standard errors)
    se = a.null_distribution.std() / np.sqrt(99)
    assert abs(a.null_distribution.mean() - a.expected_statistic) < 4 * se
    assert a.pvalue_se == pytest.approx(np.sqrt(a.pvalue * (1 - a.pvalue) / 99))
    assert a.min_attainable_pvalue == pytest.approx(1 / 100)


@pytest.mark.slow
def test_pvalues_uniform_when_the_model_is_true():
    """Data from a GARCH(1,1)-t, events unrelated: the GARCH-null p-values are uniform
    (up to the parameter estimation, which the test ignores)."""
    pvals = []
    for rep in range(120):
        f = garch_prices(100 + rep, n=1200)
        res = garch_null_test(
            f, list(f.index[[50, 400, 750]]), horizon=90, n_resamples=99, rng=rep, **KW
        )
        pvals.append(res.pvalue)
    pvals = np.array(pvals)
    for alpha in (0.05, 0.10):
        assert stats.binomtest(int((pvals <= alpha).sum()), 120, alpha).pvalue > 0.01
    assert stats.kstest(pvals, "uniform").pvalue > 0.001


def test_btc_long_four_events(rut, btc_long):
    ev = riskcycle.breakouts(rut, min_gap=250)
    b = btc_long.loc[:"2026-01-22"]
    with (
        pytest.warns(EventsExcludedWarning),
        pytest.warns(riskcycle.exceptions.IncompleteWindowWarning),
    ):
        res = garch_null_test(b, ev, horizon=365, n_resamples=199, rng=0)
    assert [d.year for d in res.event_dates] == [2011, 2013, 2016, 2020]
    assert res.converged and res.n_obs == len(b) - 1
    assert 0 < res.pvalue <= 1
    assert set(res.params) == {"mu", "omega", "alpha", "beta", "nu"}


def test_callable_statistic_and_alternatives():
    f = garch_prices(2)
    ev = list(f.index[[100, 600]])
    g = garch_null_test(f, ev, horizon=60, n_resamples=99, rng=1, alternative="less", **KW)
    t = garch_null_test(f, ev, horizon=60, n_resamples=99, rng=1, alternative="two-sided", **KW)
    c = garch_null_test(
        f,
        ev,
        horizon=60,
        n_resamples=99,
        rng=1,
        alternative="less",
        statistic=lambda x, axis: np.mean(x, axis=axis),
        **KW,
    )
    assert_allclose(c.null_distribution, g.null_distribution, rtol=1e-12)
    assert t.pvalue == pytest.approx(min(1.0, 2 * min(g.pvalue, 1 - g.pvalue + 1 / 100)))


def test_constant_follower_is_degenerate():
    s = pd.Series(100.0, index=pd.date_range("2020-01-01", periods=300, freq="D"))
    s.attrs = {"clock": "utc_midnight"}
    with pytest.warns(DegenerateDataWarning, match="constant"):
        res = garch_null_test(s, [s.index[10]], horizon=30, n_resamples=9, rng=0, **KW)
    assert np.isnan(res.pvalue)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"horizon": 0}, ValueError, "`horizon` must be a positive integer"),
        ({"n_resamples": 0}, ValueError, "`n_resamples` must be a positive integer"),
        ({"burn": -1}, ValueError, "`burn` must be a non-negative integer"),
        ({"alternative": "up"}, ValueError, "`alternative` must be one of"),
        ({"statistic": None}, TypeError, "`statistic` must be 'mean', 'median' or a callable"),
    ],
)
def test_invalid_arguments(kwargs, exc, match):
    f = garch_prices(3, n=300)
    with pytest.raises(exc, match=match):
        garch_null_test(f, [f.index[10]], **{"horizon": 30, **KW, **kwargs})


def test_result_views():
    f = garch_prices(4, n=800)
    r = garch_null_test(f, list(f.index[[10, 300]]), horizon=60, n_resamples=49, rng=0, **KW)
    assert isinstance(r, GarchNullResult)
    df = r.to_frame()
    assert {"param_alpha", "param_nu", "persistence", "pvalue_se"} <= set(df.columns)
    text = str(r.summary())
    assert "GARCH(1,1)" in text and "Null hypothesis" in text and "Monte Carlo s.e." in text
    assert repr(r).startswith("GarchNullResult(")
    assert r.plot().get_title().startswith("GARCH")
