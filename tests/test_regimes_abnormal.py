"""Abnormal volatility around events (riskcycle.regimes.abnormal_volatility) and
volatility by halving-cycle phase (riskcycle.regimes.volatility_by_halving_phase)."""

from __future__ import annotations

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from arch import arch_model
from numpy.testing import assert_allclose
from scipy import stats

from riskcycle.calendar import HALVINGS, halving_phase
from riskcycle.exceptions import EventsExcludedWarning
from riskcycle.regimes import (
    AbnormalVolatilityResult,
    PhaseVolatilityResult,
    abnormal_volatility,
    volatility_by_halving_phase,
)
from riskcycle.regimes._abnormal import _garch_forecasts, abnormal_volatility_path
from riskcycle.regimes._input import log_returns


def _prices(r, start="2016-01-01"):
    idx = pd.date_range(start, periods=len(r) + 1, freq="D", name="date")
    s = pd.Series(100 * np.exp(np.r_[0.0, np.cumsum(r)]), index=idx, name="close")
    s.attrs = {"periods_per_year": 365}
    return s


def simulate_garch(rng, n, alpha=0.08, beta=0.87, nu=6.0, omega=0.1, burn=300):
    z = rng.standard_t(nu, n + burn) / math.sqrt(nu / (nu - 2))
    s2 = omega / (1 - alpha - beta)
    e = np.empty(n + burn)
    for t in range(n + burn):
        if t:
            s2 = omega + alpha * e[t - 1] ** 2 + beta * s2
        e[t] = math.sqrt(s2) * z[t]
    return e[burn:] / 100


def test_garch_forecast_equals_arch_forecast():
    # reference: arch 8's ARCHModelResult.forecast(horizon=h) summed over the horizon, from
    # the same fit on the returns before the event (one fit: refit longer than the sample)
    rng = np.random.default_rng(0)
    y = rng.standard_t(6, 1200) * 1.5
    fv, rv, _ = _garch_forecasts(y, 20, 800, 100_000)
    res = arch_model(y[:800], mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False)
    fit = res.fit(disp="off")
    ref = fit.forecast(horizon=20, reindex=False).variance.iloc[-1].sum()
    # same recursion in floating point (arch filters the sample, then iterates forward)
    assert_allclose(fv[800], ref, rtol=1e-7)
    assert_allclose(rv[800], ((y[800:820] - fit.params["mu"]) ** 2).sum(), rtol=1e-12)
    assert np.isnan(fv[:800]).all() and np.isnan(fv[1181:]).all()


def test_rolling_path_exact():
    rng = np.random.default_rng(1)
    p = _prices(rng.normal(0, 0.02, 400))
    r = log_returns(p) * 100
    path = abnormal_volatility_path(
        log_returns(p), horizon=10, model="rolling", estimation_window=60
    )
    k = 200
    fv = 10 * np.mean(r.iloc[k - 60 : k] ** 2)
    rv = np.sum(r.iloc[k : k + 10] ** 2)
    assert_allclose(path["forecast"].iloc[k], fv, rtol=1e-12)
    assert_allclose(path["av"].iloc[k], math.log(rv / fv), rtol=1e-12)


def test_no_look_ahead_in_the_forecast():
    # changing returns after the event moves the realised variance, never the forecast
    rng = np.random.default_rng(2)
    r = simulate_garch(rng, 1500)
    p = _prices(r)
    k = 1000
    a = abnormal_volatility_path(log_returns(p), horizon=30, estimation_window=600, refit=200)
    r2 = r.copy()
    r2[k:] *= 3.0
    b = abnormal_volatility_path(
        log_returns(_prices(r2)), horizon=30, estimation_window=600, refit=200
    )
    assert_allclose(a["forecast"].iloc[: k + 1], b["forecast"].iloc[: k + 1], rtol=1e-12)
    assert b["realized"].iloc[k] > 8 * a["realized"].iloc[k]


def test_event_with_known_spike_and_tests():
    rng = np.random.default_rng(3)
    r = rng.normal(0, 0.02, 2000)
    events = [1000, 1400]
    for k in events:
        r[k : k + 30] *= 3.0  # variance x9 over the horizon: AV about log 9 = 2.2
    p = _prices(r)
    dates = [p.index[k + 1] for k in events]
    res = abnormal_volatility(
        p, dates, model="rolling", estimation_window=365, n_resamples=999, rng=0
    )
    assert isinstance(res, AbnormalVolatilityResult)
    # the second event's 365-return window holds the first spike (30 returns at 9x variance):
    # its forecast is 1 + 30 * 8 / 365 times the base. Sampling error of log(sum of 30
    # squared normals / 30) has s.d. about sqrt(2 / 30) = 0.26: tolerance 3 s.d.
    expected = [math.log(9.0), math.log(9.0 / (1 + 30 * 8 / 365))]
    assert_allclose(res.table["av"], expected, atol=0.8)
    assert res.pvalue < 0.01
    tests = res.tests.set_index("test")
    assert tests.loc["sign", "statistic"] == 2
    assert_allclose(tests.loc["sign", "pvalue"], 0.5)  # two of two above: 2 * 0.25
    assert tests.loc["placebo", "pvalue"] == res.pvalue
    assert res.min_spacing == 30
    text = str(res.summary())
    assert "variance ratio" in text and "cannot give a two-sided p below 0.5" in text
    fig = res.plot()
    assert "log of variance ratio" in fig.axes[0].get_ylabel()
    plt.close(fig)
    # same seed, same numbers
    again = abnormal_volatility(
        p, dates, model="rolling", estimation_window=365, n_resamples=999, rng=0
    )
    assert_allclose(again.null_distribution, res.null_distribution)


def test_excluded_events_warn(btc):
    with pytest.warns(EventsExcludedWarning, match=r"2014-10-01.*left out"):
        res = abnormal_volatility(
            btc, ["2014-10-01", "2024-01-10"], model="rolling", n_resamples=99, rng=0
        )
    assert len(res.table) == 1
    assert "t test needs at least two events" in str(res.summary())


def test_input_errors(btc):
    kw = {"model": "rolling", "n_resamples": 99, "rng": 0}
    with pytest.raises(ValueError, match=r"`events`: none of \['2014-10-01'\] has 730 returns"):
        abnormal_volatility(btc, ["2014-10-01"], **kw)
    with pytest.raises(ValueError, match=r"`events` must hold at least one date"):
        abnormal_volatility(btc, [], **kw)
    with pytest.raises(TypeError, match=r"`events` must be dates"):
        abnormal_volatility(btc, pd.Series(pd.to_datetime(["2024-01-10"])), **kw)
    with pytest.raises(TypeError, match=r"`events` must be a date or a sequence of dates"):
        abnormal_volatility(btc, 5, **kw)
    with pytest.raises(ValueError, match=r"`horizon` must be an integer number of returns >= 2"):
        abnormal_volatility(btc, ["2024-01-10"], horizon=1, **kw)
    with pytest.raises(ValueError, match=r"`model` must be one of"):
        abnormal_volatility(btc, ["2024-01-10"], model="egarch", n_resamples=99)
    with pytest.raises(ValueError, match=r"`estimation_window` must be"):
        abnormal_volatility(btc, ["2024-01-10"], estimation_window=10, **kw)
    with pytest.raises(ValueError, match=r"`refit` must be"):
        abnormal_volatility(btc, ["2024-01-10"], refit=0, **kw)
    with pytest.raises(ValueError, match=r"`min_spacing` \(90 days\) exceeds the closest pair"):
        abnormal_volatility(btc, ["2024-01-10", "2024-02-10"], min_spacing=90, **kw)
    with pytest.raises(ValueError, match=r"`alternative`"):
        abnormal_volatility(btc, ["2024-01-10"], alternative="both", **kw)


def _random_spaced(rng, n_valid, k, s):
    while True:
        idx = np.sort(rng.choice(n_valid, k, replace=False))
        if (np.diff(idx) >= s).all():
            return idx


@pytest.mark.slow
def test_size_under_the_null_on_simulated_paths():
    # null: the events are random dates (k = 6, pairwise >= 60 days apart) on a GARCH-t path
    # with no event effect. The placebo test's size is exact by exchangeability; the t and
    # sign tests are measured too (their size is reported, not asserted: the log of a
    # variance ratio is not centred at 0)
    rng = np.random.default_rng(20240110)
    reps, n, k, h, w = 300, 1600, 6, 30, 365
    rej = {"t": 0, "sign": 0, "placebo": 0}
    for _ in range(reps):
        p = _prices(simulate_garch(rng, n))
        valid = np.arange(w, n - h + 1)
        ev = valid[_random_spaced(rng, len(valid), k, 60)]
        dates = [p.index[i + 1] for i in ev]
        res = abnormal_volatility(
            p,
            dates,
            horizon=h,
            model="rolling",
            estimation_window=w,
            min_spacing=60,
            n_resamples=199,
            rng=rng,
        )
        pv = res.tests.set_index("test")["pvalue"]
        for name in rej:
            rej[name] += int(pv[name] <= 0.05)
    for name, x in rej.items():
        ci = stats.binomtest(x, reps).proportion_ci(0.95)
        print(
            f"abnormal volatility, size at 5% of the {name} test: {x}/{reps} "
            f"[{ci.low:.3f}, {ci.high:.3f}]"
        )
    test = stats.binomtest(rej["placebo"], reps, 0.05)
    assert test.pvalue > 0.01, rej
    assert rej["placebo"] / reps < 0.09, rej


def test_halving_phase_volatility(btc_long):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bundled-data licence notices, if any
        res = volatility_by_halving_phase(btc_long, window="30D", n_resamples=99, rng=0)
    assert isinstance(res, PhaseVolatilityResult)
    t = res.table
    # phase and epoch from the calendar; volatility is the trailing 30-day s.d. annualised
    ph = halving_phase(pd.DatetimeIndex(t["date"]))
    assert_allclose(t["cycle_fraction"], ph["cycle_fraction"].to_numpy())
    r = log_returns(btc_long["close"])
    d = t["date"].iloc[500]
    ref = r.loc[d - pd.Timedelta(days=29) : d].std() * math.sqrt(365)
    assert_allclose(t["volatility"].iloc[500], ref, rtol=1e-10)
    assert list(res.by_phase.columns) == ["cycle 1", "cycle 2", "cycle 3", "cycle 4"]
    assert_allclose(res.break_fraction, 0.931, atol=0.001)  # 2024-01-10 in cycle 3
    assert res.control.kind == "halving_phase"
    fig = res.plot()
    ax = fig.axes[0]
    assert "fraction of the halving cycle" in ax.get_xlabel()
    assert len([ln for ln in ax.get_lines() if ln.get_label().startswith("cycle")]) == 4
    plt.close(fig)
    assert "Same halving-cycle phase" not in repr(res)
    assert "Mean annualised volatility per tenth" in str(res.summary())
    assert HALVINGS.shape[0] == 4
