"""Tests of riskcycle.regimes: exact checks, references (arch, scipy) and the bundled-data run.

Monte Carlo size and coverage checks are in test_regimes_mc.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

import riskcycle
from riskcycle import datasets
from riskcycle._resample import stationary_index_matrix
from riskcycle.exceptions import DegenerateDataWarning, SmallSampleWarning
from riskcycle.regimes import (
    ControlResult,
    CorrelationRegimeResult,
    ICSSResult,
    RegimeResult,
    VolatilityRatioResult,
    correlation_regimes,
    cross_market_control,
    halving_phase_control,
    icss,
    volatility_ratio_test,
    volatility_regimes,
)
from riskcycle.regimes._bootstrap import percentile_pvalue
from riskcycle.regimes._correlation import align_returns
from riskcycle.regimes._garch import arch_backcast, fit_arch, shift_loglikelihood, shift_sigma2
from riskcycle.regimes._icss import bartlett_long_run_variance, cusum_of_squares
from riskcycle.regimes._input import log_returns


# ---------------------------------------------------------------------------
# helpers and fixtures
# ---------------------------------------------------------------------------
def _prices(returns, start="2020-01-01", ppy=365, ohlc=False, rng=None):
    idx = pd.date_range(start, periods=len(returns) + 1, freq="D", name="date")
    close = 100.0 * np.exp(np.r_[0.0, np.cumsum(returns)])
    if not ohlc:
        s = pd.Series(close, index=idx, name="close")
        s.attrs = {"periods_per_year": ppy}
        return s
    rng = np.random.default_rng(0) if rng is None else rng
    opn = np.r_[close[0], close[:-1]]
    hi = np.maximum(opn, close) * np.exp(np.abs(rng.normal(0, 0.01, len(close))))
    lo = np.minimum(opn, close) * np.exp(-np.abs(rng.normal(0, 0.01, len(close))))
    f = pd.DataFrame({"open": opn, "high": hi, "low": lo, "close": close}, index=idx)
    f.attrs = {"periods_per_year": ppy}
    return f


def _break_returns(rng, n0=600, n1=600, s0=0.02, s1=0.01):
    return np.r_[rng.normal(0, s0, n0), rng.normal(0, s1, n1)]


@pytest.fixture(scope="module")
def btc_ohlcv():
    return datasets.load("btc_ohlcv")


@pytest.fixture(scope="module")
def bundled_run(btc_ohlcv):
    """The 'done when' analysis on bundled data, at a small n_resamples."""
    bench = {"rut": datasets.load("rut"), "spx": datasets.load("spx"), "ndx": datasets.load("ndx")}
    return volatility_regimes(
        btc_ohlcv, breaks=("2024-01-10",), benchmarks=bench, n_resamples=499, rng=20240110
    )


# ---------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------
class TestValidation:
    def setup_method(self):
        self.p = _prices(_break_returns(np.random.default_rng(1)))

    def test_break_after_data(self):
        with pytest.raises(ValueError, match=r"`breaks`: 2030-01-01 is after the last date"):
            volatility_regimes(self.p, breaks=["2030-01-01"], garch=False, icss_test=None)

    def test_break_before_data(self):
        with pytest.raises(ValueError, match=r"is not after the first return date"):
            volatility_regimes(self.p, breaks="2019-06-01", garch=False, icss_test=None)

    def test_breaks_not_increasing(self):
        with pytest.raises(ValueError, match=r"`breaks` must be strictly increasing"):
            volatility_regimes(
                self.p, breaks=["2021-06-01", "2020-06-01"], garch=False, icss_test=None
            )

    def test_breaks_type(self):
        with pytest.raises(TypeError, match=r"`breaks` must be a date or a sequence of dates"):
            volatility_regimes(self.p, breaks=12345, garch=False, icss_test=None)

    def test_breaks_empty(self):
        with pytest.raises(ValueError, match=r"`breaks` must hold at least one date"):
            volatility_regimes(self.p, breaks=[], garch=False, icss_test=None)

    def test_regime_too_short(self):
        with pytest.raises(ValueError, match=r"regime 1 \(.*\) has 5 returns; each regime needs"):
            volatility_regimes(self.p, breaks=[self.p.index[-5]], garch=False, icss_test=None)

    def test_non_positive_prices(self):
        bad = self.p.copy()
        bad.iloc[10] = -1.0
        with pytest.raises(ValueError, match=r"`prices` prices must be positive.*2020-01-11"):
            volatility_regimes(bad, breaks="2021-01-01")

    def test_periods_per_year_required(self):
        p = self.p.copy()
        p.attrs = {}
        with pytest.raises(ValueError, match=r"`periods_per_year` is required"):
            volatility_regimes(p, breaks="2021-01-01")

    def test_periods_per_year_value(self):
        with pytest.raises(ValueError, match=r"`periods_per_year` must be a positive number"):
            volatility_regimes(self.p, breaks="2021-01-01", periods_per_year=-5)

    def test_window_needs_one_break(self):
        with pytest.raises(ValueError, match=r"`window` needs exactly one break; got 2"):
            volatility_regimes(self.p, breaks=["2020-09-01", "2021-01-01"], window="90D")

    def test_window_positive(self):
        with pytest.raises(ValueError, match=r"`window` must be a positive calendar span"):
            volatility_regimes(self.p, breaks="2021-01-01", window="0D")

    @pytest.mark.parametrize(
        ("kwargs", "exc", "match"),
        [
            ({"icss_test": "kappa3"}, ValueError, r"`icss_test` must be one of"),
            ({"shift_model": "egarch"}, ValueError, r"`shift_model` must be one of"),
            ({"n_resamples": 0}, ValueError, r"`n_resamples` must be a positive integer"),
            ({"alternative": "fell"}, ValueError, r"`alternative` must be one of"),
            ({"block_length": 0.5}, ValueError, r"`block_length` must be a mean block length"),
            ({"garch": "yes"}, TypeError, r"`garch` must be True or False"),
            ({"min_garch_obs": 10}, ValueError, r"`min_garch_obs` must be an integer"),
            ({"frequency": "monthly"}, ValueError, r"`frequency` must be one of"),
            ({"benchmarks": ["rut"]}, TypeError, r"`benchmarks` must be a dict"),
            ({"rng": -1}, ValueError, r"`rng` must be a non-negative integer seed"),
            ({"confidence_level": 1.5}, ValueError, r"`confidence_level` must be a probability"),
        ],
    )
    def test_options(self, kwargs, exc, match):
        with pytest.raises(exc, match=match):
            volatility_regimes(self.p, breaks="2021-01-01", **kwargs)

    def test_short_regime_garch_is_flagged_nan(self):
        p = _prices(_break_returns(np.random.default_rng(2), n0=700, n1=120))
        with pytest.warns(SmallSampleWarning, match=r"fewer than min_garch_obs=250"):
            res = volatility_regimes(p, breaks=p.index[701], n_resamples=99, icss_test=None, rng=0)
        short = res.garch[res.garch["regime"] == 1]
        assert len(short) == 2
        assert short["persistence"].isna().all()
        assert short["reason"].str.contains("too short to fit: 120 < min_garch_obs=250").all()
        assert not (res.garch_params["regime"] == 1).any()
        assert any("too short to fit" in n for n in res.notes)

    def test_ratio_test_inputs(self):
        x = np.random.default_rng(0).normal(size=200)
        with pytest.raises(ValueError, match=r"`before` must hold finite returns"):
            volatility_ratio_test(np.r_[x, np.nan], x)
        with pytest.raises(ValueError, match=r"`after` must be one-dimensional"):
            volatility_ratio_test(x, x.reshape(20, 10))
        with pytest.raises(ValueError, match=r"`after` must have at least 3 returns"):
            volatility_ratio_test(x, x[:2])
        with pytest.raises(TypeError, match=r"`before` must be a 1-D array"):
            volatility_ratio_test(["a", "b", "c"], x)

    def test_ratio_test_zero_variance(self):
        x = np.random.default_rng(0).normal(size=200)
        with pytest.warns(DegenerateDataWarning, match=r"zero variance"):
            res = volatility_ratio_test(np.zeros(200), x, n_resamples=99, block_length=1.0, rng=0)
        assert math.isnan(res.statistic) and math.isnan(res.pvalue)

    def test_ratio_test_few_blocks_warns(self):
        x = np.random.default_rng(0).normal(size=40)
        with pytest.warns(SmallSampleWarning, match=r"fewer than 5 mean block lengths"):
            volatility_ratio_test(x, x, n_resamples=99, block_length=10.0, rng=0)


# ---------------------------------------------------------------------------
# realised measures: exact
# ---------------------------------------------------------------------------
class TestRealized:
    def test_against_direct_formulas(self):
        rng = np.random.default_rng(3)
        f = _prices(_break_returns(rng, 400, 300), ohlc=True, rng=rng)
        brk = f.index[401]
        res = volatility_regimes(f, breaks=brk, garch=False, icss_test=None, n_resamples=99, rng=0)
        r = np.log(f["close"]).diff().dropna()
        for k, part in enumerate((r[r.index < brk], r[r.index >= brk])):
            row = res.realized.iloc[k]
            x = part.to_numpy()
            bars = f.loc[part.index]
            assert row["n_obs"] == len(x)
            # exact formulas, float64 round-off only
            assert_allclose(row["volatility"], np.std(x, ddof=1) * math.sqrt(365), rtol=1e-12)
            assert_allclose(row["mean_return"], x.mean() * 365, rtol=1e-12)
            assert_allclose(row["skewness"], stats.skew(x, bias=False), rtol=1e-10)
            assert_allclose(row["excess_kurtosis"], stats.kurtosis(x, bias=False), rtol=1e-10)
            assert_allclose(
                row["downside_semivolatility"],
                math.sqrt(np.mean(np.minimum(x, 0) ** 2) * 365),
                rtol=1e-12,
            )
            hl = np.log(bars["high"] / bars["low"]).to_numpy()
            co = np.log(bars["close"] / bars["open"]).to_numpy()
            assert_allclose(
                row["parkinson_volatility"],
                math.sqrt(np.mean(hl**2) / (4 * math.log(2)) * 365),
                rtol=1e-12,
            )
            gk = 0.5 * hl**2 - (2 * math.log(2) - 1) * co**2
            assert_allclose(row["garman_klass_volatility"], math.sqrt(gk.mean() * 365), rtol=1e-12)
            # drawdown from the prices themselves, starting at the close before the regime
            first = f.index.get_loc(part.index[0]) - 1
            px = f["close"].iloc[first : f.index.get_loc(part.index[-1]) + 1].to_numpy()
            assert_allclose(
                row["max_drawdown"], np.max(1 - px / np.maximum.accumulate(px)), rtol=1e-10
            )

    def test_no_ohlc_gives_nan_range_estimators(self):
        p = _prices(_break_returns(np.random.default_rng(4)))
        res = volatility_regimes(
            p, breaks=p.index[601], garch=False, icss_test=None, n_resamples=99, rng=0
        )
        assert res.realized["parkinson_volatility"].isna().all()
        assert any("No OHLC" in n for n in res.notes)

    def test_scaling_prices_changes_nothing(self):
        p = _prices(_break_returns(np.random.default_rng(5)))
        q = p * 1234.5
        q.attrs = dict(p.attrs)
        kw = {"breaks": p.index[601], "garch": False, "n_resamples": 199, "rng": 7}
        a, b = volatility_regimes(p, **kw), volatility_regimes(q, **kw)
        pd.testing.assert_frame_equal(a.realized, b.realized, rtol=1e-9)
        assert_allclose(a.bootstrap_distribution, b.bootstrap_distribution, rtol=1e-9)
        assert_array_equal(a.icss.change_points, b.icss.change_points)

    def test_explicit_periods_per_year_wins(self):
        p = _prices(_break_returns(np.random.default_rng(6)))
        kw = {"breaks": p.index[601], "garch": False, "icss_test": None, "n_resamples": 99}
        a = volatility_regimes(p, **kw, rng=0)
        b = volatility_regimes(p, periods_per_year=252, **kw, rng=0)
        assert_allclose(
            b.realized["volatility"] / a.realized["volatility"], math.sqrt(252 / 365), rtol=1e-12
        )


# ---------------------------------------------------------------------------
# GARCH: arch as the reference
# ---------------------------------------------------------------------------
class TestGarch:
    def test_per_regime_params_equal_direct_arch_fit(self, btc_ohlcv):
        from arch import arch_model

        res = volatility_regimes(
            btc_ohlcv, breaks="2024-01-10", n_resamples=99, icss_test=None, rng=0
        )
        r = log_returns(btc_ohlcv["close"])
        for k, part in enumerate((r[r.index < "2024-01-10"], r[r.index >= "2024-01-10"])):
            for model, o in (("garch", 0), ("gjr", 1)):
                direct = arch_model(
                    100 * part.to_numpy(),
                    mean="Constant",
                    vol="GARCH",
                    p=1,
                    o=o,
                    q=1,
                    dist="t",
                    rescale=False,
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fit = direct.fit(disp="off")
                ours = res.garch_params[
                    (res.garch_params["regime"] == k) & (res.garch_params["model"] == model)
                ]
                # same optimiser on the same data: identical to round-off (required 1e-8)
                assert_allclose(ours["estimate"].to_numpy(), fit.params.to_numpy(), atol=1e-8)
                assert_allclose(ours["std_error"].to_numpy(), fit.std_err.to_numpy(), atol=1e-8)
                row = res.garch[(res.garch["regime"] == k) & (res.garch["model"] == model)]
                assert_allclose(row["loglikelihood"].iloc[0], fit.loglikelihood, rtol=1e-12)

    @pytest.mark.parametrize("o", [0, 1])
    def test_shift_likelihood_equals_arch_at_zero_shift(self, btc_ohlcv, o):
        r = log_returns(btc_ohlcv["close"]).loc["2019":]
        y = 100 * r.to_numpy()
        fit, _ = fit_arch(y, o)
        p = fit.params.to_numpy()
        theta = np.r_[p[:2], 0.0, p[2:]]  # mu, omega, delta_1 = 0, alpha, [gamma], beta, nu
        dummies = np.asarray(r.index >= "2024-01-10", dtype=float)[:, None]
        ll = shift_loglikelihood(theta, y, dummies, o, arch_backcast(y))
        # the same model with the same backcast: equal up to summation round-off
        assert_allclose(ll.sum(), fit.loglikelihood, rtol=1e-12)
        _, s2 = shift_sigma2(theta, y, dummies, o, arch_backcast(y))
        assert_allclose(np.sqrt(s2), fit.conditional_volatility, rtol=1e-10)

    def test_variance_shift_lr_test(self):
        rng = np.random.default_rng(8)
        p = _prices(_break_returns(rng, 800, 800, 0.03, 0.012))
        res = volatility_regimes(p, breaks=p.index[801], n_resamples=99, icss_test=None, rng=0)
        vs = res.variance_shift
        assert vs.df == 1
        assert vs.loglikelihood >= vs.loglikelihood_restricted
        assert vs.statistic == pytest.approx(
            2 * (vs.loglikelihood - vs.loglikelihood_restricted), rel=1e-12
        )
        assert vs.pvalue < 1e-6
        assert vs.params.loc["delta_1", "estimate"] < 0  # the variance fell
        assert np.isfinite(vs.params["std_error"]).all()
        uv = vs.regimes["unconditional_volatility"].to_numpy()
        # iid normal regimes: the implied volatilities recover the truth (+-15%, sampling)
        assert_allclose(uv, [0.03 * math.sqrt(365), 0.012 * math.sqrt(365)], rtol=0.15)
        assert "variance_shift" in res.conditional_volatility

    def test_variance_shift_two_breaks(self):
        rng = np.random.default_rng(9)
        r = np.r_[rng.normal(0, 0.02, 500), rng.normal(0, 0.01, 500), rng.normal(0, 0.02, 500)]
        p = _prices(r)
        res = volatility_regimes(
            p, breaks=[p.index[501], p.index[1001]], n_resamples=99, icss_test=None, rng=0
        )
        assert res.variance_shift.df == 2
        assert list(res.variance_shift.params.index[:4]) == ["mu", "omega", "delta_1", "delta_2"]
        assert res.statistic.shape == (2,)
        assert res.statistic[0] < 1 < res.statistic[1]


# ---------------------------------------------------------------------------
# the bootstrap ratio test
# ---------------------------------------------------------------------------
class TestBootstrap:
    def test_mean_block_length(self):
        idx = stationary_index_matrix(np.random.default_rng(11), 2000, 8.0, 200)
        jumps = np.mean(np.diff(idx, axis=1) != 1)  # new blocks (and wrap-arounds)
        assert jumps == pytest.approx(1 / 8, abs=0.005)

    def test_agrees_with_arch_stationary_bootstrap(self):
        from arch.bootstrap import StationaryBootstrap

        rng = np.random.default_rng(12)
        e = rng.normal(size=600)
        x = np.empty(600)
        x[0] = e[0]
        for t in range(1, 600):
            x[t] = 0.6 * x[t - 1] + e[t]
        b = 4000
        ours = x[stationary_index_matrix(rng, 600, 10.0, b)].mean(axis=1)
        bs = StationaryBootstrap(10.0, x, seed=np.random.default_rng(13))
        ref = np.array([d[0][0].mean() for d in bs.bootstrap(b)])
        # bootstrap variances of the mean with 4000 replicates each: Monte Carlo
        # relative error about 2 * sqrt(2/4000) = 4.5%; allow 12%
        assert ours.var() == pytest.approx(ref.var(), rel=0.12)

    def test_deterministic_parts_and_classic_tests(self):
        rng = np.random.default_rng(14)
        b, a = rng.normal(0, 2, 400), rng.normal(0, 1.5, 300)
        res = volatility_ratio_test(b, a, n_resamples=999, alternative="less", rng=1)
        assert res.statistic == pytest.approx(np.std(a, ddof=1) / np.std(b, ddof=1), rel=1e-14)
        ct = res.classic_tests.set_index("test")
        f = np.var(a, ddof=1) / np.var(b, ddof=1)
        assert ct.loc["f_test", "statistic"] == pytest.approx(f, rel=1e-14)
        assert ct.loc["f_test", "pvalue"] == pytest.approx(stats.f.cdf(f, 299, 399), rel=1e-12)
        assert ct.loc["levene", "pvalue"] == pytest.approx(
            stats.levene(b, a, center="mean").pvalue, rel=1e-12
        )
        assert ct.loc["brown_forsythe", "pvalue"] == pytest.approx(
            stats.levene(b, a, center="median").pvalue, rel=1e-12
        )
        assert "independent" in ct.loc["f_test", "assumes"]
        assert 0 < res.pvalue <= 1
        assert res.pvalue < 0.01 and res.confidence_interval.high < 1
        assert np.isinf(res.confidence_interval.low)
        assert res.pvalue_se == pytest.approx(math.sqrt(res.pvalue * (1 - res.pvalue) / 999))
        assert isinstance(res, VolatilityRatioResult)
        assert "statistic=" in repr(res)
        assert list(res.to_frame().columns) == [
            "test",
            "statistic",
            "pvalue",
            "ci_low",
            "ci_high",
            "alternative",
            "assumes",
        ]
        assert "Volatility ratio" in str(res.summary())

    def test_reproducible_and_rng_types(self):
        rng = np.random.default_rng(15)
        b, a = rng.normal(0, 1, 300), rng.normal(0, 1, 300)
        r1 = volatility_ratio_test(b, a, n_resamples=199, rng=5)
        r2 = volatility_ratio_test(b, a, n_resamples=199, rng=np.random.SeedSequence(5))
        assert_array_equal(r1.bootstrap_distribution, r2.bootstrap_distribution)
        r3 = volatility_ratio_test(b, a, n_resamples=199, rng=6)
        assert not np.array_equal(r1.bootstrap_distribution, r3.bootstrap_distribution)

    @settings(max_examples=25, deadline=None, derandomize=True)
    @given(
        seed=st.integers(0, 2**32 - 1),
        scale=st.floats(1e-4, 1e4),
        alternative=st.sampled_from(["two-sided", "less", "greater"]),
    )
    def test_properties(self, seed, scale, alternative):
        rng = np.random.default_rng(seed)
        b, a = rng.standard_t(4, 120), rng.standard_t(4, 150) * rng.uniform(0.5, 2)
        kw = {"n_resamples": 99, "alternative": alternative, "block_length": 2.0}
        r1 = volatility_ratio_test(b, a, rng=seed, **kw)
        r2 = volatility_ratio_test(b * scale, a * scale, rng=seed, **kw)
        # p-values are probabilities, never 0; the interval holds the estimate;
        # a common change of units changes nothing
        assert 0 < r1.pvalue <= 1
        assert r1.confidence_interval.low <= r1.statistic <= r1.confidence_interval.high
        assert r2.statistic == pytest.approx(r1.statistic, rel=1e-9)
        assert_allclose(r2.bootstrap_distribution, r1.bootstrap_distribution, rtol=1e-9)

    def test_percentile_pvalue(self):
        d = np.array([-3.0, -2.0, -1.0, 0.5])
        assert percentile_pvalue(d, "less") == pytest.approx(2 / 5)
        assert percentile_pvalue(d, "greater") == pytest.approx(4 / 5)
        assert percentile_pvalue(d, "two-sided") == pytest.approx(4 / 5)
        assert percentile_pvalue(-np.ones(9), "less") == pytest.approx(1 / 10)


# ---------------------------------------------------------------------------
# ICSS: exact parts
# ---------------------------------------------------------------------------
class TestICSS:
    def test_critical_values_kolmogorov(self):
        # Inclán & Tiao (1994), Table 1, asymptotic column: 1.224 (90%), 1.358 (95%),
        # 1.628 (99%); published to 3 decimals
        for level, cv in ((0.10, 1.224), (0.05, 1.358), (0.01, 1.628)):
            assert stats.kstwobign.ppf(1 - level) == pytest.approx(cv, abs=5e-4)

    def test_statistics_against_loops(self):
        a = np.random.default_rng(16).standard_t(5, 300)
        a = a - a.mean()
        t = len(a)
        ck = np.array([np.sum(a[:k] ** 2) for k in range(1, t + 1)])
        dk = np.abs(ck / ck[-1] - np.arange(1, t + 1) / t)
        stat, cp, _ = cusum_of_squares(a, "it")
        assert stat == pytest.approx(math.sqrt(t / 2) * dk.max(), rel=1e-12)
        assert cp == int(np.argmax(dk)) + 1
        s2 = ck[-1] / t
        k1 = (
            np.abs(ck - np.arange(1, t + 1) * s2).max()
            / math.sqrt(t)
            / math.sqrt(np.mean(a**4) - s2**2)
        )
        assert cusum_of_squares(a, "kappa1")[0] == pytest.approx(k1, rel=1e-12)
        lrv, _ = bartlett_long_run_variance(a**2 - s2)
        k2 = np.abs(ck - np.arange(1, t + 1) * s2).max() / math.sqrt(t * lrv)
        assert cusum_of_squares(a, "kappa2")[0] == pytest.approx(k2, rel=1e-12)

    @pytest.mark.parametrize("bw", [0, 1, 5, 17])
    def test_bartlett_matches_arch(self, bw):
        from arch.covariance.kernel import Bartlett

        x = np.random.default_rng(17).standard_t(6, 800) ** 2
        ours, m = bartlett_long_run_variance(x, bw)
        assert m == bw
        ref = float(np.squeeze(Bartlett(x, bandwidth=bw).cov.long_run))
        assert ours == pytest.approx(ref, rel=1e-12)

    def test_newey_west_bandwidth(self):
        x = np.random.default_rng(18).standard_t(6, 1000) ** 2
        t = len(x)
        xc = x - x.mean()
        n = int(4 * (t / 100) ** (2 / 9))  # Newey & West (1994): integer part
        g = np.array([xc[j:] @ xc[: t - j] / t for j in range(n + 1)])
        s0, s1 = g[0] + 2 * g[1:].sum(), 2 * (np.arange(1, n + 1) * g[1:]).sum()
        m = int(1.1447 * ((s1 / s0) ** 2) ** (1 / 3) * t ** (1 / 3))
        assert bartlett_long_run_variance(x)[1] == m

    def test_finds_a_clear_break_and_reports_dates(self):
        rng = np.random.default_rng(19)
        idx = pd.date_range("2020-01-01", periods=1000)
        r = pd.Series(np.r_[rng.normal(0, 2, 500), rng.normal(0, 1, 500)], index=idx)
        for test in ("kappa2", "kappa1", "it"):
            res = icss(r, test=test)
            assert res.n_breaks == 1
            assert abs(res.change_points[0] - 500) <= 15
            assert res.break_dates[0] == idx[res.change_points[0]]
        rel = res.relative_to(["2021-05-15"])
        assert rel["offset_days"].iloc[0] == (res.break_dates[0] - pd.Timestamp("2021-05-15")).days
        assert rel["volatility_before_break"].iloc[0] > rel["volatility_after_break"].iloc[0]
        assert isinstance(res, ICSSResult) and "n_breaks=1" in repr(res)
        assert list(res.to_frame().columns) == [
            "segment",
            "start",
            "end",
            "n_obs",
            "variance",
            "volatility",
        ]

    def test_no_break_in_constant_variance(self):
        r = np.random.default_rng(20).normal(size=1500)
        res = icss(r)
        assert res.n_breaks == 0 and res.break_dates is None
        assert res.pvalue > 0.05
        assert len(res.segments) == 1

    def test_two_breaks(self):
        rng = np.random.default_rng(21)
        r = np.r_[rng.normal(0, 1, 400), rng.normal(0, 3, 300), rng.normal(0, 1, 400)]
        res = icss(r, test="kappa1")
        assert res.n_breaks == 2
        assert_allclose(res.change_points, [400, 700], atol=15)

    @pytest.mark.parametrize(
        ("kwargs", "exc", "match"),
        [
            ({"test": "cusum"}, ValueError, r"`test` must be one of"),
            ({"alpha": 0.0}, ValueError, r"`alpha` must be a significance level"),
            ({"min_size": 1}, ValueError, r"`min_size` must be an integer"),
            ({"bandwidth": -1}, ValueError, r"`bandwidth` must be a non-negative integer"),
            ({"max_iter": 0}, ValueError, r"`max_iter` must be a positive integer"),
            ({"demean": 1}, TypeError, r"`demean` must be True or False"),
        ],
    )
    def test_options(self, kwargs, exc, match):
        with pytest.raises(exc, match=match):
            icss(np.random.default_rng(0).normal(size=200), **kwargs)

    def test_bad_returns(self):
        with pytest.raises(ValueError, match=r"`returns` must be finite"):
            icss(np.r_[np.ones(100), np.nan])
        with pytest.raises(ValueError, match=r"`returns` must have at least 30 observations"):
            icss(np.ones(20))
        with pytest.raises(ValueError, match=r"`returns` must be one series; got 2 columns"):
            icss(pd.DataFrame(np.ones((100, 2))))
        with pytest.raises(ValueError, match=r"`relative_to` needs returns with a DatetimeIndex"):
            icss(np.random.default_rng(0).normal(size=100)).relative_to("2020-01-01")


# ---------------------------------------------------------------------------
# correlation regimes
# ---------------------------------------------------------------------------
class TestCorrelation:
    def test_alignment_uses_same_day_btc_bar_and_spans_weekends(self):
        btc, rut = datasets.load("btc")["close"], datasets.load("rut")["close"]
        pair = align_returns(
            btc,
            rut,
            frequency="daily",
            follower_clock="utc_midnight",
            benchmark_clock="us_equity_close",
        )
        # Friday 2024-01-12 close (16:00 New York) -> BTC bar of Friday 2024-01-12 (24:00 UTC)
        assert pair.loc["2024-01-12", "follower_date"] == pd.Timestamp("2024-01-12")
        # Tuesday 2024-01-16 (Monday was a US holiday): BTC return from Friday's bar,
        # including the weekend and the holiday
        assert pair.loc["2024-01-16", "follower"] == pytest.approx(
            math.log(btc["2024-01-16"] / btc["2024-01-12"]), rel=1e-12
        )
        assert pair.loc["2024-01-16", "benchmark"] == pytest.approx(
            math.log(rut["2024-01-16"] / rut["2024-01-12"]), rel=1e-12
        )

    def test_no_look_ahead(self):
        btc, rut = datasets.load("btc")["close"], datasets.load("rut")["close"]
        kw = {
            "frequency": "daily",
            "follower_clock": "utc_midnight",
            "benchmark_clock": "us_equity_close",
        }
        base = align_returns(btc, rut, **kw)
        cut = pd.Timestamp("2024-03-01")
        fut = btc.copy()
        later = fut.index > cut
        fut[later] *= np.exp(np.random.default_rng(22).normal(0, 0.2, later.sum()))
        moved = align_returns(fut, rut, **kw)
        pd.testing.assert_frame_equal(base.loc[:cut], moved.loc[:cut])

    def test_regimes_match_numpy(self):
        bench = {"rut": datasets.load("rut"), "spx": datasets.load("spx")}
        res = correlation_regimes(datasets.load("btc"), bench, n_resamples=199, rng=0)
        assert isinstance(res, CorrelationRegimeResult)
        pair = res.aligned["rut"]
        before = pair[pair.index < "2024-01-10"]
        row = res.regimes[(res.regimes["benchmark"] == "rut") & (res.regimes["regime"] == 0)]
        assert row["correlation"].iloc[0] == pytest.approx(
            np.corrcoef(before["follower"], before["benchmark"])[0, 1], rel=1e-12
        )
        slope = np.polyfit(before["benchmark"], before["follower"], 1)[0]
        assert row["beta"].iloc[0] == pytest.approx(slope, rel=1e-10)
        ch = res.changes
        assert set(ch["quantity"]) == {"correlation", "beta"}
        assert (ch["ci_low"] <= ch["statistic"]).all() and (ch["statistic"] <= ch["ci_high"]).all()
        assert ((ch["pvalue"] > 0) & (ch["pvalue"] <= 1)).all()
        assert list(res.rolling_correlation.columns) == ["rut", "spx"]
        assert "rut" in repr(res) and "Change at each break" in str(res.summary())

    def test_validation(self):
        btc = datasets.load("btc")
        user = btc["close"].copy()
        user.attrs = {}
        with pytest.raises(ValueError, match=r"`follower_clock` is required"):
            correlation_regimes(user, {"rut": datasets.load("rut")})
        with pytest.raises(TypeError, match=r"`benchmarks` must be a dict"):
            correlation_regimes(btc, datasets.load("rut"))
        with pytest.raises(ValueError, match=r"`benchmarks` must not be empty"):
            correlation_regimes(btc, {})
        with pytest.raises(ValueError, match=r"`frequency` must be one of"):
            correlation_regimes(btc, {"rut": datasets.load("rut")}, frequency="hourly")
        with pytest.raises(ValueError, match=r"at least 10 are needed"):
            correlation_regimes(btc, {"rut": datasets.load("rut")}, breaks="2026-07-20")


# ---------------------------------------------------------------------------
# confounder controls
# ---------------------------------------------------------------------------
class TestControls:
    def test_halving_phase_dates_match_phase(self, btc):
        res = halving_phase_control(btc, n_resamples=199, rng=0)
        assert isinstance(res, ControlResult)
        t = res.table
        assert list(t["epoch"]) == [1, 2, 3]
        assert list(t["role"]) == ["placebo", "placebo", "actual"]
        # each placebo sits at the same fraction of its cycle (to within a day)
        actual = t.iloc[-1]["cycle_fraction"]
        lengths = [1319.0, 1402.0]  # days between halvings 1-2 and 2-3
        for frac, length in zip(t["cycle_fraction"][:2], lengths, strict=True):
            assert abs(frac - actual) * length < 1.0
        assert (t["n_before"] == 365).all() and (t["n_after"] == 365).all()
        assert t["ratio"].notna().all()
        assert res.fell.dtype == bool
        assert "earlier cycle" in str(res.summary())

    def test_halving_rows_without_data_are_nan_with_reason(self, btc):
        late = btc.loc["2017-01-01":]
        res = halving_phase_control(late, n_resamples=99, rng=0)
        row = res.table.iloc[0]
        assert math.isnan(row["ratio"]) and "do not cover" in row["reason"]
        assert res.table["ratio"].iloc[1:].notna().all()

    def test_days_alignments(self, btc):
        a = halving_phase_control(btc, align="days_since_halving", n_resamples=99, rng=0)
        b = halving_phase_control(btc, align="days_to_halving", n_resamples=99, rng=0)
        # 2024-01-10 is 1,339 days after the 2020 halving: beyond the 1,319-day first
        # cycle, so that row is NaN with the reason; the second cycle matches
        first = a.table.iloc[0]
        assert math.isnan(first["ratio"]) and "falls outside cycle 1" in first["reason"]
        d_since = a.table["days_since_halving"].to_numpy()
        assert abs(d_since[1] - d_since[2]) < 1.0
        # 2024-01-10 is 101 days before the 2024-04-20 halving; so are the placebos
        halvings = riskcycle.calendar.HALVINGS["timestamp"].dt.tz_localize(None)
        to_next = [
            (halvings.iloc[e] - d).days for e, d in zip([1, 2, 3], b.table["date"], strict=True)
        ]
        assert max(to_next) - min(to_next) <= 1

    def test_cross_market(self, btc):
        mk = {"btc": btc, "rut": datasets.load("rut"), "spx": datasets.load("spx")}
        res = cross_market_control(mk, window=365, n_resamples=199, rng=0)
        t = res.table.set_index("label")
        assert t.loc["btc", "n_before"] == 365
        assert 245 <= t.loc["rut", "n_before"] <= 255  # US sessions in a year
        assert t.loc["btc", "role"] == "actual" and t.loc["spx", "role"] == "control"
        assert "market(s)" in str(res.summary())
        assert "ratios" in repr(res)

    def test_validation(self, btc):
        with pytest.raises(ValueError, match=r"before the first halving"):
            halving_phase_control(btc, break_date="2011-01-01")
        with pytest.raises(ValueError, match=r"`align` must be one of"):
            halving_phase_control(btc, align="phase")
        with pytest.raises(TypeError, match=r"`markets` must be a dict"):
            cross_market_control([btc])
        user = btc.copy()
        user.attrs = {}
        with pytest.raises(ValueError, match=r"`periods_per_year\['x'\]` is required"):
            cross_market_control({"x": user})
        with pytest.raises(TypeError, match=r"`window` must be a timedelta"):
            cross_market_control({"btc": btc}, window=1.5)


# ---------------------------------------------------------------------------
# the bundled-data run ("done when") and the result object
# ---------------------------------------------------------------------------
class TestBundled:
    def test_btc_pre_post_etf(self, bundled_run):
        res = bundled_run
        assert isinstance(res, RegimeResult)
        real = res.realized.set_index("regime")
        assert real.loc[0, "end"] == pd.Timestamp("2024-01-09")
        assert real.loc[1, "start"] == pd.Timestamp("2024-01-10")
        # BTC's realised volatility fell from about 71% to about 48% (bundled data)
        assert real.loc[0, "volatility"] == pytest.approx(0.712, abs=0.005)
        assert real.loc[1, "volatility"] == pytest.approx(0.482, abs=0.005)
        assert res.statistic[0] == pytest.approx(
            real.loc[1, "volatility"] / real.loc[0, "volatility"], rel=1e-12
        )
        assert res.confidence_interval.high[0] < 1
        assert res.bootstrap_distribution.shape == (1, 499)
        assert set(res.garch["model"]) == {"garch", "gjr"}
        assert res.variance_shift is not None and res.variance_shift.df == 1
        assert res.icss is not None and res.icss.n_breaks >= 1
        assert res.correlation is not None
        assert set(res.correlation.changes["benchmark"]) == {"rut", "spx", "ndx"}

    def test_views(self, bundled_run):
        res = bundled_run
        df = res.to_frame()
        assert list(df.columns) == ["section", "regime", "model", "quantity", "value"]
        assert df["value"].dtype == float
        assert set(df["section"]) == {
            "realized",
            "garch",
            "garch_params",
            "ratio_test",
            "variance_shift",
            "icss",
            "correlation",
        }
        s = res.summary()
        text = str(s)
        for part in (
            "Realised measures",
            "GARCH-t per regime",
            "Volatility ratio",
            "variance-intercept shift",
            "ICSS",
            "Correlation",
        ):
            assert part in text
        assert "<table" in s.as_html() and "|" in s.as_markdown() and "tabular" in s.as_latex()
        assert repr(res).startswith("RegimeResult(2024-01-10: ratio=")

    def test_plot(self, bundled_run):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig = bundled_run.plot()
        assert len(fig.axes) == 4
        plt.close(fig)
        with pytest.raises(ValueError, match=r"`ax` must hold 4 axes"):
            bundled_run.plot(ax=[None])

    def test_equal_windows(self, btc):
        res = volatility_regimes(
            btc, window="365D", garch=False, icss_test=None, n_resamples=199, rng=0
        )
        assert list(res.realized["n_obs"]) == [365, 365]
        assert res.realized["start"].iloc[0] == pd.Timestamp("2023-01-10")
        assert any("Equal calendar windows of 365 days" in n for n in res.notes)

    def test_top_level_exports(self):
        assert riskcycle.volatility_regimes is volatility_regimes
        assert riskcycle.RegimeResult is RegimeResult
        assert riskcycle.icss is icss
