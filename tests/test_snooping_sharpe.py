"""Tests of riskcycle.snooping: probabilistic / deflated Sharpe ratio, minimum track record.

Reference values:
* Bailey & López de Prado (2012), "The Sharpe ratio efficient frontier", J. Risk 15(2),
  doi:10.21314/JOR.2012.255: PSR of an estimated SR 1.14 against SR* = 1 with T = 250
  normal returns is 0.9573 and the minimum track record length at 95% is 228.735.
* Bailey & López de Prado (2014), "The deflated Sharpe ratio", J. Portfolio Management
  40(5), doi:10.3905/jpm.2014.40.5.094, numerical example: N = 100 trials, annualised
  SR 2.5 and variance of the trials' annualised SRs 0.5, T = 1,250 daily returns,
  skewness -3, kurtosis 10 give SR0 = 0.1132 (daily) and DSR = 0.9004.
  The annualisation factor that reproduces these is 250 days per year (252 gives
  SR0 = 0.1127 and DSR = 0.8997; checked below).
Published values are rounded to the digits shown, so the tolerance is half a unit in
the last published digit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import special, stats

from riskcycle.exceptions import DegenerateDataWarning
from riskcycle.snooping import (
    MinTRLResult,
    SharpeRatioResult,
    deflated_sharpe_ratio,
    min_track_record_length,
    probabilistic_sharpe_ratio,
)
from riskcycle.snooping._sharpe import expected_max_sharpe_ratio


# ---------------------------------------------------------------------------
# published numbers
# ---------------------------------------------------------------------------
def test_psr_published_example():
    res = probabilistic_sharpe_ratio(1.14, sr_benchmark=1.0, n_obs=250)
    assert isinstance(res, SharpeRatioResult)
    assert_allclose(res.probability, 0.9573, atol=5e-5)  # published to 4 decimals
    assert_allclose(res.pvalue, 1 - res.probability, rtol=1e-12)
    assert_allclose(
        res.statistic, 0.14 * math.sqrt(249) / math.sqrt(1 + 0.5 * 1.14**2), rtol=1e-12
    )  # normal: skew 0, kurtosis 3 -> 1 + SR^2 / 2


def test_min_trl_published_example():
    res = min_track_record_length(1.14, sr_benchmark=1.0, confidence_level=0.95)
    assert isinstance(res, MinTRLResult)
    assert_allclose(res.min_track_record_length, 228.735, atol=5e-4)  # 3 decimals
    assert res.n_obs is None and res.sufficient is None
    # MinTRL is where the PSR reaches the confidence level
    at = probabilistic_sharpe_ratio(1.14, sr_benchmark=1.0, n_obs=229)
    below = probabilistic_sharpe_ratio(1.14, sr_benchmark=1.0, n_obs=228)
    assert below.probability < 0.95 < at.probability


def test_dsr_published_example_with_250_days_per_year():
    res = deflated_sharpe_ratio(
        2.5, n_trials=100, sr_variance=0.5, n_obs=1250, skew=-3, kurtosis=10, periods_per_year=250
    )
    assert_allclose(res.sr_benchmark, 0.1132, atol=5e-5)  # SR0, per day
    assert_allclose(res.probability, 0.9004, atol=5e-5)
    assert_allclose(res.sharpe_ratio, 2.5 / math.sqrt(250), rtol=1e-12)
    assert_allclose(res.sharpe_ratio_annualised, 2.5, rtol=1e-12)
    assert res.n_trials == 100 and res.sr_variance == pytest.approx(0.5 / 250)
    # the same with per-period inputs and no annualisation factor
    same = deflated_sharpe_ratio(
        2.5 / math.sqrt(250), n_trials=100, sr_variance=0.5 / 250, n_obs=1250, skew=-3, kurtosis=10
    )
    assert_allclose(same.probability, res.probability, rtol=1e-12)
    # 252 days per year does not reproduce the published rounding
    other = deflated_sharpe_ratio(
        2.5, n_trials=100, sr_variance=0.5, n_obs=1250, skew=-3, kurtosis=10, periods_per_year=252
    )
    assert abs(other.sr_benchmark - 0.1132) > 2e-4 and abs(other.probability - 0.9004) > 5e-4


def test_expected_maximum_against_monte_carlo():
    # SR0 approximates E[max of N standard normals] * sqrt(V); for N = 100 the exact
    # expectation is 2.5076 (numerical integration below) and the approximation 2.5306:
    # within 1%, the accuracy Bailey & López de Prado report.
    x = np.linspace(-10, 10, 200001)
    n = 100
    pdf = n * stats.norm.pdf(x) * stats.norm.cdf(x) ** (n - 1)
    exact = np.trapezoid(x * pdf, x)
    assert_allclose(expected_max_sharpe_ratio(n, 1.0), exact, rtol=0.01)
    assert_allclose(expected_max_sharpe_ratio(n, 4.0), 2 * expected_max_sharpe_ratio(n, 1.0))


# ---------------------------------------------------------------------------
# estimates from returns
# ---------------------------------------------------------------------------
def test_psr_from_returns_matches_the_formula():
    rng = np.random.default_rng(1)
    r = pd.Series(rng.standard_t(5, 800) * 0.01 + 0.001, name="strat")
    res = probabilistic_sharpe_ratio(r, sr_benchmark=0.02)
    sr = r.mean() / r.std(ddof=1)
    g3 = stats.skew(r, bias=True)
    g4 = stats.kurtosis(r, fisher=False, bias=True)  # ordinary kurtosis
    z = (sr - 0.02) * math.sqrt(799) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr**2)
    assert_allclose(
        [res.sharpe_ratio, res.skew, res.kurtosis, res.statistic], [sr, g3, g4, z], rtol=1e-10
    )
    assert_allclose(res.probability, special.ndtr(z), rtol=1e-12)
    assert res.n_obs == 800 and isinstance(res.n_obs, int)
    # ddof=0 changes only the standard deviation of the Sharpe ratio
    res0 = probabilistic_sharpe_ratio(r, sr_benchmark=0.02, ddof=0)
    assert_allclose(res0.sharpe_ratio, r.mean() / r.std(ddof=0), rtol=1e-12)
    # user moments override the estimates
    res_n = probabilistic_sharpe_ratio(r, skew=0.0, kurtosis=3.0)
    assert res_n.skew == 0.0 and res_n.kurtosis == 3.0
    # the annualisation factor converts the benchmark only (returns are per period)
    ann = probabilistic_sharpe_ratio(r, sr_benchmark=0.02 * math.sqrt(252), periods_per_year=252)
    assert_allclose(ann.probability, res.probability, rtol=1e-12)


def test_psr_dataframe_gives_series_and_scale_invariance():
    rng = np.random.default_rng(2)
    df = pd.DataFrame(
        rng.standard_normal((500, 3)) * 0.01 + [0.0, 0.0005, 0.001], columns=["a", "b", "c"]
    )
    res = probabilistic_sharpe_ratio(df)
    assert isinstance(res.probability, pd.Series)
    assert list(res.probability.index) == ["a", "b", "c"]
    for col in df:
        one = probabilistic_sharpe_ratio(df[col])
        assert_allclose(res.probability[col], one.probability, rtol=1e-12)
    scaled = probabilistic_sharpe_ratio(df * 7.5)  # Sharpe ratios are scale-free
    assert_allclose(scaled.probability, res.probability, rtol=1e-10)
    frame = res.to_frame()
    assert list(frame["strategy"]) == ["a", "b", "c"]
    assert {"sharpe_ratio", "probability", "pvalue", "kurtosis"} <= set(frame.columns)
    assert repr(res) == "SharpeRatioResult(PSR of 3 strategies)"
    mtrl = min_track_record_length(df)
    assert isinstance(mtrl.min_track_record_length, pd.Series)
    assert mtrl.sufficient.dtype == bool


def test_psr_size_with_skewed_fat_tailed_returns():
    # the variance of the Sharpe ratio needs the ORDINARY kurtosis: with chi-square(5)
    # innovations (skew 1.26, kurtosis 5.4) and a per-period SR of 0.5, testing the true SR
    # gives a ~5% one-sided rejection rate; plugging in the excess kurtosis (2.4) instead
    # does not. 4,000 series of 500 returns, judged with binomial tests.
    rng = np.random.default_rng(3)
    n_series, n_obs, sr = 4000, 500, 0.5
    z = (rng.chisquare(5, size=(n_obs, n_series)) - 5) / math.sqrt(10)
    returns = pd.DataFrame(z + sr)  # mean sr, sd 1
    res = probabilistic_sharpe_ratio(returns, sr_benchmark=sr)
    rejected = int((res.probability > 0.95).sum())
    assert stats.binomtest(rejected, n_series, 0.05).pvalue > 1e-3, rejected
    # the same test with the excess kurtosis in the variance term (vectorbt's formula)
    g3, g4, sr_hat = res.skew, res.kurtosis, res.sharpe_ratio
    wrong_var = 1 - g3 * sr_hat + (g4 - 3 - 1) / 4 * sr_hat**2
    z_wrong = (sr_hat - sr) * math.sqrt(n_obs - 1) / np.sqrt(wrong_var)
    wrong_rej = int((special.ndtr(z_wrong) > 0.95).sum())
    assert stats.binomtest(wrong_rej, n_series, 0.05).pvalue < 1e-3, wrong_rej


def test_dsr_from_a_matrix_of_trials():
    rng = np.random.default_rng(4)
    trials = pd.DataFrame(
        rng.standard_normal((750, 30)) * 0.01, columns=[f"t{i}" for i in range(30)]
    )
    trials["t7"] += 0.002
    res = deflated_sharpe_ratio(trials)
    srs = trials.mean() / trials.std(ddof=1)
    assert res.selected == "t7" == srs.idxmax()
    assert res.n_trials == 30
    assert_allclose(res.sr_variance, srs.var(ddof=1), rtol=1e-12)
    direct = deflated_sharpe_ratio(trials["t7"], n_trials=30, sr_variance=srs.var(ddof=1))
    assert_allclose(res.probability, direct.probability, rtol=1e-12)
    assert_allclose(res.sr_benchmark, expected_max_sharpe_ratio(30, srs.var(ddof=1)))
    # more trials than kept columns: a higher bar
    more = deflated_sharpe_ratio(trials, n_trials=300)
    assert more.sr_benchmark > res.sr_benchmark and more.probability < res.probability
    assert res.to_frame()["strategy"].tolist() == ["t7"]
    one = deflated_sharpe_ratio(trials[["t7"]], n_trials=30, sr_variance=srs.var(ddof=1))
    assert one.selected == "t7" and one.probability == direct.probability
    assert "Deflated Sharpe ratio" in str(res.summary())
    assert repr(res).startswith("SharpeRatioResult(DSR=")


def test_min_trl_from_returns_and_edge_cases():
    rng = np.random.default_rng(5)
    r = rng.standard_normal(1000) * 0.01 + 0.002
    res = min_track_record_length(r, periods_per_year=252)
    assert_allclose(res.min_track_record_length_years, res.min_track_record_length / 252)
    assert res.sufficient == (1000 >= res.min_track_record_length)
    psr = probabilistic_sharpe_ratio(
        res.sharpe_ratio,
        skew=res.skew,
        kurtosis=res.kurtosis,
        n_obs=math.ceil(res.min_track_record_length),
    )
    assert psr.probability >= 0.95
    # no track record length suffices when the SR does not beat the benchmark
    assert min_track_record_length(0.1, sr_benchmark=0.2).min_track_record_length == math.inf
    assert math.isnan(min_track_record_length(0.1).min_track_record_length_years)
    assert "Minimum track record length" in str(res.summary())
    assert res.to_frame().shape[0] == 1


def test_degenerate_returns_warn_and_give_nan():
    with pytest.warns(DegenerateDataWarning, match="constant returns"):
        res = probabilistic_sharpe_ratio(np.full(100, 0.001))
    assert math.isnan(res.probability)
    with pytest.warns(DegenerateDataWarning, match="is not positive"):
        # at the Pearson boundary (kurtosis = 1 + skew**2) the term is (1 - skew*SR/2)**2 = 0
        res = probabilistic_sharpe_ratio(2.0, n_obs=100, skew=1.0, kurtosis=2.0)
    assert math.isnan(res.probability)


# ---------------------------------------------------------------------------
# input validation: every message
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: probabilistic_sharpe_ratio(1.0), ValueError, r"`n_obs` is required"),
        (
            lambda: probabilistic_sharpe_ratio(np.ones(10) + np.arange(10), n_obs=10),
            ValueError,
            r"`n_obs` is taken from the returns",
        ),
        (
            lambda: probabilistic_sharpe_ratio(1.0, n_obs=1),
            ValueError,
            r"`n_obs` must be an integer number of observations >= 2",
        ),
        (
            lambda: probabilistic_sharpe_ratio(1.0, n_obs=100, kurtosis=0.0),
            ValueError,
            r"ordinary \(non-excess\) kurtosis, 3 for normal returns.*For an excess kurtosis add 3",
        ),
        (
            lambda: probabilistic_sharpe_ratio(1.0, n_obs=100, skew=-3.0),
            ValueError,
            r"`kurtosis` must be at least 1 \+ skew\*\*2 = 10 \(Pearson",
        ),
        (
            lambda: probabilistic_sharpe_ratio(1.0, n_obs=100, kurtosis="3"),
            TypeError,
            r"`kurtosis` must be the ordinary",
        ),
        (
            lambda: probabilistic_sharpe_ratio(1.0, n_obs=100, skew=np.nan),
            ValueError,
            r"`skew` must be a real number",
        ),
        (
            lambda: probabilistic_sharpe_ratio(1.0, n_obs=100, periods_per_year=0),
            ValueError,
            r"`periods_per_year` must be a positive number",
        ),
        (
            lambda: probabilistic_sharpe_ratio(np.arange(10.0), ddof=-1),
            ValueError,
            r"`ddof` must be a non-negative integer",
        ),
        (
            lambda: probabilistic_sharpe_ratio(1.0, n_obs=100, sr_benchmark="0"),
            TypeError,
            r"`sr_benchmark` must be a real number",
        ),
        (
            lambda: probabilistic_sharpe_ratio("1.0"),
            TypeError,
            r"`returns_or_sr` must be an array",
        ),
        (
            lambda: probabilistic_sharpe_ratio(np.array([1.0, np.nan, 2.0, 3.0])),
            ValueError,
            r"`returns_or_sr` must be finite; got nan at row 1",
        ),
        (
            lambda: probabilistic_sharpe_ratio(np.arange(2.0)),
            ValueError,
            r"at least 3 observations",
        ),
        (
            lambda: deflated_sharpe_ratio(1.0, n_obs=100),
            ValueError,
            r"`n_trials` and `sr_variance` are required",
        ),
        (
            lambda: deflated_sharpe_ratio(1.0, n_obs=100, n_trials=1, sr_variance=0.1),
            ValueError,
            r"`n_trials` must be an integer number of trials >= 2",
        ),
        (
            lambda: deflated_sharpe_ratio(1.0, n_obs=100, n_trials=10, sr_variance=-0.1),
            ValueError,
            r"`sr_variance` must be a non-negative variance",
        ),
        (
            lambda: min_track_record_length(1.0, confidence_level=1.0),
            ValueError,
            r"`confidence_level` must be a probability",
        ),
    ],
)
def test_invalid_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_dsr_needs_two_defined_trials():
    trials = pd.DataFrame({"a": np.ones(10), "b": np.ones(10), "c": np.arange(10.0)})
    with pytest.warns(DegenerateDataWarning, match="constant returns"):
        with pytest.raises(ValueError, match=r"at least two trials with a defined Sharpe"):
            deflated_sharpe_ratio(trials)
