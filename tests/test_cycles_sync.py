"""Events against phases, concordance and lead-lag (riskcycle.cycles)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from riskcycle.cycles import (
    ConcordanceResult,
    LeadLagResult,
    PhaseEventResult,
    bull_bear,
    concordance,
    lead_lag,
    phase_event_test,
)
from riskcycle.cycles._leadlag import cross_correlation
from riskcycle.cycles._sync import fixed_b_null, hac_slope_t
from riskcycle.exceptions import IncompleteWindowWarning, SmallSampleWarning


def _walk(seed, n, sigma=0.03, freq="D", start="2010-01-01", clock="utc_midnight"):
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=n, freq=freq)
    s = pd.Series(100.0 * np.exp(np.cumsum(rng.normal(0.0, sigma, n))), index=idx)
    s.attrs = {"clock": clock, "name": f"walk{seed}"}
    return s


# ---------------------------------------------------------------------------
# events against phases
# ---------------------------------------------------------------------------
def test_phase_event_days_match_the_phase_table():
    s = _walk(1, 2500)
    ph = bull_bear(s)
    dates = pd.DatetimeIndex(["2011-03-01", "2012-07-15", "2014-01-02"])
    res = phase_event_test(ph, dates, leader_clock="utc_midnight", n_resamples=199, rng=0)
    assert isinstance(res, PhaseEventResult)
    tab = res.to_frame()
    tp = ph.turning_points
    troughs = tp[tp["kind"] == "trough"].sort_values("date")
    by_conf = troughs.sort_values("confirmation_date")
    for row in tab.itertuples():
        d0 = row.day0_date
        assert d0 == row.event_date  # same clock: the bar of the event itself
        nxt = troughs[troughs["date"] >= d0].iloc[0]
        assert row.next_bull_start == nxt["date"]
        assert row.days_to_bull_start == (nxt["date"] - d0).days
        conf = by_conf[by_conf["confirmation_date"] >= d0].iloc[0]
        assert row.next_bull_confirmation == conf["confirmation_date"]
        assert row.confirmed_bull_start == conf["date"]
        assert row.days_to_bull_confirmation == (conf["confirmation_date"] - d0).days
        assert row.known_bull == ph.known_state.loc[d0]
        assert row.in_bull_ex_post == ph.state.loc[d0]
        assert row.value == min(row.days_to_bull_confirmation, 365)
    assert res.statistic == pytest.approx(tab["value"].mean(), rel=1e-15)
    # the p-value counts the observed statistic among the placebo values (alternative less)
    b = np.count_nonzero(res.null_distribution <= res.statistic)
    assert res.pvalue == pytest.approx((1 + b) / (1 + 199), rel=1e-12)
    assert 0 < res.pvalue <= 1 and res.pvalue_se > 0
    # base rate: the share of eligible bars with a known bull phase
    last = s.index[-1] - pd.Timedelta(days=365)
    kn = ph.known_state.loc[:last]
    assert res.base_rate_known_bull == pytest.approx(float((kn == 1).mean()), rel=1e-12)


def test_phase_event_seeded_and_prices_input():
    s = _walk(2, 2000)
    kw = dict(leader_clock="utc_midnight", n_resamples=99, measure="start")
    a = phase_event_test(s, ["2011-01-05", "2012-02-01"], **kw, rng=3)
    b = phase_event_test(s, ["2011-01-05", "2012-02-01"], **kw, rng=3)
    np.testing.assert_array_equal(a.null_distribution, b.null_distribution)
    assert a.min_spacing == 392  # the gap between the two events (no detection rule)
    assert "Events against the bull and bear phases of walk2" in str(a.summary())
    import matplotlib.pyplot as plt

    fig = a.plot()
    assert fig.axes[0].get_ylabel() == "number of random date sets"
    plt.close(fig)


def test_phase_event_dates_prices_with_the_chosen_dating():
    # prices are dated with `dating`: the same as passing bull_bear(prices, dating=...)
    s = _walk(2, 2000)
    kw = dict(leader_clock="utc_midnight", n_resamples=99, rng=3)
    dates = ["2011-01-05", "2012-02-01"]
    for dating in ("lunde_timmermann", "pagan_sossounov"):
        a = phase_event_test(s, dates, dating=dating, **kw)
        b = phase_event_test(bull_bear(s, dating=dating), dates, **kw)
        pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
        assert a.settings["dating"] == dating


def test_phase_event_rut_breakouts_on_btc(rut, btc_long):
    import riskcycle

    ev = riskcycle.breakouts(rut, min_gap=250).between("2011-01-01")
    ph = bull_bear(btc_long)
    with pytest.warns(IncompleteWindowWarning, match="2025-09-18"):
        res = phase_event_test(ph, ev, n_resamples=99, rng=0)
    tab = res.to_frame().set_index("event_date")
    assert not tab.loc["2025-09-18", "used"] and tab["used"].sum() == len(ev) - 1
    # the Russell close (16:00 New York) is known before BTC's bar of the same date closes
    assert (tab["day0_date"] == tab.index).all()
    # min_gap=250 sessions at 252 a year is 362 calendar days (the detection rule)
    assert res.min_spacing == 362


def test_phase_event_no_usable_event_is_nan():
    s = _walk(2, 600)
    with pytest.warns(SmallSampleWarning, match="no event has a complete window"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IncompleteWindowWarning)
            res = phase_event_test(s, ["2011-06-01"], leader_clock="utc_midnight", rng=0)
    assert np.isnan(res.statistic) and np.isnan(res.pvalue)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"horizon": 0}, ValueError, "`horizon` must be a positive integer number of calendar"),
        ({"measure": "end"}, ValueError, r"`measure` must be one of \['confirmation', 'start'\]"),
        ({"alternative": "lower"}, ValueError, "`alternative` must be one of"),
        ({"n_resamples": 0}, ValueError, "`n_resamples` must be a positive integer"),
        ({"min_spacing": 0}, ValueError, "`min_spacing` must be a positive integer number"),
        ({"delay": 5}, TypeError, "`delay` must be a timedelta"),
        ({"rng": 1.5}, TypeError, "`rng` must be None, an int"),
        ({"dating": "bry_boschan"}, ValueError, "`dating` must be one of"),
    ],
)
def test_phase_event_validation(kwargs, exc, match):
    s = _walk(0, 900)
    with pytest.raises(exc, match=match):
        phase_event_test(s, ["2010-06-01"], leader_clock="utc_midnight", **kwargs)


def test_phase_event_follower_validation():
    with pytest.raises(TypeError, match="`follower` must be a BullBearResult"):
        phase_event_test(np.ones(10), ["2010-06-01"])
    s = _walk(0, 900)
    s.attrs = {}
    with pytest.raises(ValueError, match="`follower_clock` is required"):
        phase_event_test(s, ["2010-06-01"], leader_clock="utc_midnight")
    with pytest.raises(
        TypeError, match="`events` must be an Events object or a sequence of dates"
    ):
        phase_event_test(bull_bear(_walk(0, 900)), "2010-06-01")


# ---------------------------------------------------------------------------
# concordance
# ---------------------------------------------------------------------------
def test_hac_t_agrees_with_statsmodels_newey_west():
    import statsmodels.api as sm

    rng = np.random.default_rng(0)
    x = (np.cumsum(rng.normal(size=800)) > 0).astype(float)
    y = (np.cumsum(rng.normal(size=800)) > 0).astype(float)
    for lags in (0, 5, 17):
        slope, t = hac_slope_t(x, y, lags)
        fit = sm.OLS(y, sm.add_constant(x)).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": False}
        )
        # same estimator, different summation order: agreement to rounding
        np.testing.assert_allclose(slope, fit.params[1], rtol=1e-10)
        np.testing.assert_allclose(t, fit.tvalues[1], rtol=1e-8)


def test_full_bandwidth_bartlett_equals_the_kernel_sum():
    rng = np.random.default_rng(1)
    x = rng.normal(size=300)
    y = 0.3 * x + rng.normal(size=300)
    slope, t = hac_slope_t(x, y, None)
    xc = x - x.mean()
    v = xc * (y - y.mean() - slope * xc)
    n = len(v)
    lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    omega = float(v @ ((1.0 - lag / n) @ v))  # Bartlett weights 1 - |i - j| / T
    np.testing.assert_allclose(t, slope * (xc @ xc) / np.sqrt(omega), rtol=1e-10)


def test_fixed_b_critical_value_matches_kiefer_vogelsang():
    # Kiefer & Vogelsang (2005): two-sided 5% critical value of the Bartlett fixed-b t
    # test, 1.96 + 2.9694 b + 0.416 b^2 - 0.5324 b^3 = 4.8130 at b = 1. Tolerance: the
    # Monte Carlo quantile with 40,000 draws (s.e. about 0.05) plus the 1000-step
    # discretisation of the Brownian motion.
    draws = np.abs(fixed_b_null(40_000, np.random.default_rng(2)))
    assert abs(np.quantile(draws, 0.95) - 4.8130) < 0.2


def test_concordance_by_hand_and_eras():
    a = _walk(3, 1500)
    b = _walk(4, 1500)
    res = concordance(a, b, break_date="2012-06-30", n_resamples=199, rng=0)
    assert isinstance(res, ConcordanceResult)
    sx = bull_bear(a).state.to_numpy()
    sy = bull_bear(b).state.to_numpy()
    c = np.mean(sx * sy + (1 - sx) * (1 - sy))
    assert res.statistic == pytest.approx(c, rel=1e-14)
    fr = res.to_frame().set_index("era")
    assert fr.loc["before", "n_obs"] + fr.loc["after", "n_obs"] == fr.loc["all", "n_obs"]
    assert fr.loc["before", "end"] == pd.Timestamp("2012-06-30")
    px, py = sx.mean(), sy.mean()
    assert fr.loc["all", "expected_concordance"] == pytest.approx(
        px * py + (1 - px) * (1 - py), rel=1e-14
    )
    assert fr.loc["all", "rho"] == pytest.approx(np.corrcoef(sx, sy)[0, 1], rel=1e-12)
    assert "Concordance of walk3 and walk4 phases" in str(res.summary())
    import matplotlib.pyplot as plt

    fig = res.plot()
    assert fig.axes[0].get_ylabel() == "phase indicator"
    plt.close(fig)


def test_concordance_of_identical_phases_is_one():
    a = _walk(5, 1500)
    res = concordance(a, a, break_date=None, n_resamples=199, rng=0)
    assert res.statistic == 1.0 and res.eras.loc[0, "rho"] == pytest.approx(1.0)


@pytest.mark.slow
def test_concordance_test_holds_its_size_for_independent_series():
    # independent random walks with Bitcoin-like volatility (3% a day), 8 years, dated with
    # the 20%/20% rule; 400 replications, 5% test; alpha * (m + 1) = 25 is an integer, so
    # each Monte Carlo p-value is exact given the limit law
    rng = np.random.default_rng(20020101)
    n_rep, rejections = 400, 0
    for _ in range(n_rep):
        seeds = rng.integers(0, 2**32, size=3)
        a = _walk(int(seeds[0]), 2920)
        b = _walk(int(seeds[1]), 2920)
        res = concordance(a, b, break_date=None, n_resamples=499, rng=int(seeds[2]))
        rejections += res.pvalue <= 0.05
    assert stats.binomtest(int(rejections), n_rep, 0.05).pvalue > 0.01, rejections


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"break_date": 5}, TypeError, "`break_date` must be a date"),
        ({"alternative": "up"}, ValueError, "`alternative` must be one of"),
        ({"n_resamples": 50}, ValueError, "`n_resamples` must be a positive integer >= 99"),
        ({"dating": "x"}, ValueError, "`dating` must be one of"),
    ],
)
def test_concordance_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        concordance(_walk(0, 300), _walk(1, 300), **kwargs)


def test_concordance_input_types_and_clocks():
    with pytest.raises(TypeError, match="`x` must be a BullBearResult"):
        concordance([1, 2], _walk(1, 300))
    with pytest.raises(TypeError, match="`y` must be a BullBearResult"):
        concordance(_walk(1, 300), "btc")
    a = _walk(0, 300)
    a.attrs = {}
    with pytest.raises(ValueError, match="`x_clock` is required"):
        concordance(a, _walk(1, 300))


# ---------------------------------------------------------------------------
# lead-lag
# ---------------------------------------------------------------------------
def test_cross_correlation_matches_statsmodels():
    from statsmodels.tsa.stattools import ccf

    rng = np.random.default_rng(4)
    x = rng.normal(size=400)
    y = np.roll(x, 2) + rng.normal(size=400)
    r = cross_correlation(x, y, 5)
    # statsmodels' ccf(a, b)[k] = corr(a_{t+k}, b_t)
    np.testing.assert_allclose(r[5:], ccf(y, x, adjusted=False, nlags=6), rtol=1e-10)
    np.testing.assert_allclose(r[5::-1], ccf(x, y, adjusted=False, nlags=6), rtol=1e-10)
    assert np.argmax(r) == 5 + 2  # x leads y by two periods


def test_var_fits_run_blas_on_one_thread_and_restore_it():
    # the Granger fits' BLAS limit (one controller per process, its libraries listed
    # once): inside, every BLAS library numpy and scipy load runs one thread; after, the
    # number it had
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import scipy.linalg  # noqa: F401

    from riskcycle.cycles._leadlag import _blas_controller, _one_blas_thread

    def blas_threads():
        return [
            d["num_threads"] for d in threadpoolctl.threadpool_info() if d["user_api"] == "blas"
        ]

    before = blas_threads()
    for _ in range(2):
        with _one_blas_thread():
            assert blas_threads() and all(n == 1 for n in blas_threads())
        assert blas_threads() == before
    assert _blas_controller() is _blas_controller()


@pytest.mark.parametrize("shape", [(199, 3371), (199, 485), (3, 5, 5000), (1, 70000)])
def test_cross_correlation_in_blocks_of_rows_is_all_rows_at_once_to_the_bit(shape):
    # resampled series are correlated a block of rows at a time; the reference is the
    # same estimator on all rows at once (each row's arithmetic is its own: equal bits)
    from riskcycle.cycles._leadlag import _CCF_BLOCK, _ccf

    rng = np.random.default_rng(11)
    x = rng.standard_t(3, size=shape)
    y = 0.5 * np.roll(x, 1, axis=-1) + rng.normal(size=shape)
    assert x.size > _CCF_BLOCK  # the blocked path
    got = cross_correlation(x, y, 8)
    assert got.shape == (*shape[:-1], 17)
    assert got.tobytes() == _ccf(x, y, 8).tobytes()
    # a row on its own (one-dimensional input) gives the same numbers
    assert (
        cross_correlation(x.reshape(-1, shape[-1])[-1], y.reshape(-1, shape[-1])[-1], 8).tobytes()
        == got.reshape(-1, 17)[-1].tobytes()
    )


def test_lead_lag_alignment_is_on_information_times(rut, btc_long):
    res = lead_lag(
        rut.loc["2023"],
        btc_long.loc["2023"],
        frequency="daily",
        break_date=None,
        n_resamples=99,
        rng=0,
    )
    a = res.aligned[("daily", "all")]
    # a Russell close (21:00 UTC in winter) is paired with BTC's bar of the same date
    # (closing 24:00 UTC); BTC's return runs from the previous paired bar, so a Monday
    # return holds BTC's weekend
    mon = a.loc["2023-01-09"]
    assert mon["follower_date"] == pd.Timestamp("2023-01-09")
    c = btc_long["close"]
    np.testing.assert_allclose(
        mon["follower"], np.log(c.loc["2023-01-09"] / c.loc["2023-01-06"]), rtol=1e-12
    )
    r = rut["close"]
    np.testing.assert_allclose(
        mon["leader"], np.log(r.loc["2023-01-09"] / r.loc["2023-01-06"]), rtol=1e-12
    )
    assert isinstance(res, LeadLagResult)
    assert set(res.tests["test"]) == {
        "max_abs_ccf_leader_leads",
        "max_abs_ccf_follower_leads",
        "granger_leader_to_follower",
        "granger_follower_to_leader",
    }


def test_lead_lag_future_does_not_move_past_pairs(rut, btc_long):
    # perturbing BTC after a date leaves every paired return ending before it unchanged
    cut = pd.Timestamp("2022-06-30")
    b2 = btc_long.copy()
    b2.loc[b2.index > cut, "close"] *= 1.5
    kw = dict(frequency="weekly", break_date=None, n_resamples=99, rng=0)
    a = lead_lag(rut.loc["2021":"2022"], btc_long.loc["2021":"2022"], **kw)
    b = lead_lag(rut.loc["2021":"2022"], b2.loc["2021":"2022"], **kw)
    pa, pb = a.aligned[("weekly", "all")], b.aligned[("weekly", "all")]
    keep = pa["follower_date"] <= cut
    pd.testing.assert_frame_equal(pa.loc[keep], pb.loc[keep])
    assert not pa.loc[~keep, "follower"].equals(pb.loc[~keep, "follower"])


def test_lead_lag_small_era_warns_and_plot():
    a = _walk(1, 400, 0.01, "B", clock="us_equity_close")
    b = _walk(2, 400, 0.01, "B", clock="us_equity_close")
    with pytest.warns(SmallSampleWarning, match="era 'after'"):
        res = lead_lag(a, b, frequency="daily", break_date="2011-06-20", n_resamples=99, rng=0)
    assert res.ccf.loc[res.ccf["era"] == "after", "ccf"].isna().all()
    import matplotlib.pyplot as plt

    fig = res.plot()
    assert fig.axes[0].get_xlabel() == "lag (days; > 0: walk1 leads)"
    plt.close(fig)
    assert "Lead-lag: walk1 -> walk2" in str(res.summary())


def _ar_prices(rng, n, phi, idx, clock):
    e = rng.standard_t(5, size=n + 100) * 0.01
    r = np.empty_like(e)
    r[0] = e[0]
    for t in range(1, len(e)):
        r[t] = phi * r[t - 1] + e[t]
    s = pd.Series(100.0 * np.exp(np.cumsum(r[100:])), index=idx)
    s.attrs = {"clock": clock}
    return s


@pytest.mark.slow
def test_lead_lag_bands_cover_at_the_nominal_rate_under_independence():
    # two independent AR(1) return series (phi = 0.3, t(5) shocks), 500 days: the 90% band
    # at lag 0 and at lag 1 should hold the observed cross-correlation 90% of the time,
    # and the max-|ccf| test should reject 10% of the time at alpha = 0.10
    rng = np.random.default_rng(19940101)
    idx = pd.bdate_range("2015-01-01", periods=500)
    n_rep = 200
    inside0 = inside1 = reject = 0
    for _ in range(n_rep):
        a = _ar_prices(rng, 500, 0.3, idx, "us_equity_close")
        b = _ar_prices(rng, 500, 0.3, idx, "us_equity_close")
        res = lead_lag(
            a,
            b,
            frequency="daily",
            max_lag=2,
            break_date=None,
            confidence_level=0.9,
            n_resamples=199,
            rng=int(rng.integers(2**32)),
        )
        c = res.ccf.set_index("lag")
        inside0 += c.loc[0, "band_low"] <= c.loc[0, "ccf"] <= c.loc[0, "band_high"]
        inside1 += c.loc[1, "band_low"] <= c.loc[1, "ccf"] <= c.loc[1, "band_high"]
        t = res.tests.set_index("test")
        reject += t.loc["max_abs_ccf_leader_leads", "pvalue"] <= 0.10
    for k in (inside0, inside1):
        assert stats.binomtest(int(k), n_rep, 0.90).pvalue > 0.01, (inside0, inside1)
    assert stats.binomtest(int(reject), n_rep, 0.10).pvalue > 0.01, reject


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            {"frequency": "monthly"},
            ValueError,
            r"`frequency` must be one of \['daily', 'weekly'\]",
        ),
        ({"frequency": 7}, TypeError, "`frequency` must be 'daily', 'weekly' or a sequence"),
        ({"max_lag": 0}, ValueError, "`max_lag` must be a positive integer >= 1"),
        ({"break_date": "not a date"}, ValueError, "`break_date` could not be parsed"),
        ({"confidence_level": 1.5}, ValueError, "`confidence_level` must be a probability"),
        ({"n_resamples": 10}, ValueError, "`n_resamples` must be a positive integer >= 99"),
        ({"rng": "seed"}, TypeError, "`rng` must be None, an int"),
    ],
)
def test_lead_lag_validation(kwargs, exc, match):
    a = _walk(1, 200, 0.01, "B", clock="us_equity_close")
    with pytest.raises(exc, match=match):
        lead_lag(a, a, **kwargs)


def test_lead_lag_clock_required():
    a = _walk(1, 200, 0.01, "B")
    a.attrs = {}
    with pytest.raises(ValueError, match="`leader_clock` is required"):
        lead_lag(a, _walk(2, 200), frequency="daily")
    with pytest.raises(ValueError, match="`ax` must hold 3 axes"):
        b = _walk(2, 400, 0.01, "B", clock="us_equity_close")
        c = _walk(3, 400, 0.01, "B", clock="us_equity_close")
        res = lead_lag(b, c, frequency="daily", break_date="2010-09-01", n_resamples=99, rng=0)
        res.plot(ax=[None])
