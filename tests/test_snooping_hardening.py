"""Snooping inputs: complex/timedelta refused, scale invariance at any magnitude, DSR trial
count, and PBO selections that use in-sample data only (exact ties)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from riskcycle.exceptions import DegenerateDataWarning
from riskcycle.snooping import (
    deflated_sharpe_ratio,
    min_track_record_length,
    pbo,
    probabilistic_sharpe_ratio,
    spa_test,
    stepm,
)
from riskcycle.snooping._input import power_of_two_scale


def _matrix(seed=0, shape=(200, 6)):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) * 0.01 + rng.normal(0.0005, 0.0005, shape[1])


# ---------------------------------------------------------------------------
# types
# ---------------------------------------------------------------------------
_CALLS = {
    "spa_test": lambda d: spa_test(d, n_resamples=9, rng=0),
    "stepm": lambda d: stepm(d, n_resamples=9, rng=0),
    "pbo": lambda d: pbo(d, n_partitions=4),
    "psr": probabilistic_sharpe_ratio,
    "dsr": deflated_sharpe_ratio,
    "min_trl": lambda d: min_track_record_length(d[:, 0] if np.ndim(d) == 2 else d),
}


@pytest.mark.parametrize("call", sorted(_CALLS))
@pytest.mark.parametrize(
    ("make", "match"),
    [
        (
            lambda m: m.astype(complex),
            r"must hold numbers \(real: no complex, boolean or timedelta values\); got dtype complex128",
        ),
        (
            lambda m: (m * 1e9).astype("timedelta64[ns]"),
            r"must hold numbers \(real: .*\); got dtype timedelta64\[ns\]",
        ),
        (lambda m: m.astype(complex) + 1j, r"got dtype complex128"),
    ],
)
def test_complex_and_timedelta_refused(call, make, match):
    with pytest.raises(TypeError, match=match):
        _CALLS[call](make(_matrix()))


def test_pandas_complex_and_timedelta_columns_refused():
    m = _matrix()
    frame = pd.DataFrame(m[:, :2], columns=["a", "b"])
    frame["c"] = m[:, 2] * 1j
    with pytest.raises(TypeError, match=r"`returns` must hold numbers; column 'c' is not numeric"):
        pbo(frame, n_partitions=4)
    frame["c"] = pd.to_timedelta(np.arange(len(m)), unit="D")
    with pytest.raises(TypeError, match=r"column 'c' is not numeric \(real: no complex"):
        spa_test(frame, n_resamples=9, rng=0)


# ---------------------------------------------------------------------------
# scale
# ---------------------------------------------------------------------------
def test_power_of_two_scale_is_exact():
    m = _matrix()
    for factor in (1e300, 1e-300, 3.0, 1.0):
        x = m * factor
        s = power_of_two_scale(x)
        assert 0.5 <= np.max(np.abs(x * s)) < 1.0
        assert_array_equal((x * s) / s, x)  # a power of two: no rounding either way
    assert power_of_two_scale(np.zeros(3)) == 1.0


@pytest.mark.parametrize("metric", ["sharpe", "mean"])
@pytest.mark.parametrize("factor", [1e300, 1e-300, 2.0**-1000])
def test_pbo_is_scale_invariant_at_any_magnitude(metric, factor):
    m = _matrix(1)
    a = pbo(m, n_partitions=8, metric=metric)
    b = pbo(m * factor, n_partitions=8, metric=metric)
    # the PBO is a function of ranks; the data differ from m by one rounding per value,
    # far below the gaps between the strategies' metrics here
    assert b.pbo == a.pbo
    assert_array_equal(b.selected, a.selected)
    assert_array_equal(b.logits, a.logits)
    if metric == "mean":  # reported in the data's own units
        np.testing.assert_allclose(b.is_performance, a.is_performance * factor, rtol=1e-12)
    else:
        np.testing.assert_allclose(b.is_performance, a.is_performance, rtol=1e-12)


def test_pbo_callable_metric_refuses_overflowing_magnitudes():
    with pytest.raises(
        ValueError,
        match=r"`returns` has values of magnitude up to .*e\+29\d: outside \[1e-50, 1e\+50\]",
    ):
        pbo(_matrix() * 1e300, n_partitions=4, metric=lambda a: a.mean(axis=0))


@pytest.mark.parametrize("fn", [spa_test, stepm])
def test_spa_exact_rescaling_gives_identical_pvalues_and_huge_values_are_refused(fn):
    m = _matrix(2)
    a = fn(m, n_resamples=199, rng=3)
    b = fn(m * 2.0**150, n_resamples=199, rng=3)  # about 1e45: exact, inside bounds
    if fn is spa_test:
        assert_array_equal(a.pvalues, b.pvalues)
    else:
        assert a.superior == b.superior
    # 1e300 used to move the SPA p-value from 0.005 to 1.0 (sums of squares overflowed)
    with pytest.raises(
        ValueError,
        match=r"`losses_or_returns` has values of magnitude up to .*: outside \[1e-50, 1e\+50\]"
        r".*Rescale the data by a positive factor first",
    ):
        fn(m * 1e300, n_resamples=9, rng=0)
    with pytest.raises(ValueError, match=r"`losses_or_returns` has values of magnitude up to"):
        fn(m * 1e-300, n_resamples=9, rng=0)
    with pytest.raises(ValueError, match=r"`benchmark` has values of magnitude up to"):
        fn(m, benchmark=np.full(len(m), 1e60), n_resamples=9, rng=0)


@pytest.mark.parametrize("factor", [1e300, 1e-300])
def test_sharpe_functions_are_scale_invariant_at_any_magnitude(factor):
    m = _matrix(4)
    for fn in (probabilistic_sharpe_ratio, deflated_sharpe_ratio):
        a, b = fn(m), fn(m * factor)
        np.testing.assert_allclose(
            np.asarray(b.probability), np.asarray(a.probability), rtol=1e-10
        )
        np.testing.assert_allclose(np.asarray(b.kurtosis), np.asarray(a.kurtosis), rtol=1e-10)
    a = min_track_record_length(m[:, 0])
    b = min_track_record_length(m[:, 0] * factor)
    assert b.min_track_record_length == pytest.approx(a.min_track_record_length, rel=1e-10)


# ---------------------------------------------------------------------------
# deflated Sharpe ratio: trial count
# ---------------------------------------------------------------------------
def test_dsr_n_trials_at_least_the_number_of_columns():
    m = _matrix()
    with pytest.raises(
        ValueError,
        match=r"`n_trials` must be at least the number of trials given \(6 columns of "
        r"`returns_or_sr`\); got 2",
    ):
        deflated_sharpe_ratio(m, n_trials=2)
    assert deflated_sharpe_ratio(m, n_trials=6).probability == deflated_sharpe_ratio(m).probability
    more = deflated_sharpe_ratio(m, n_trials=50)
    assert more.probability < deflated_sharpe_ratio(m).probability  # more trials, more deflation


# ---------------------------------------------------------------------------
# PBO ties: the selection uses in-sample data only
# ---------------------------------------------------------------------------
# 8 rows, 4 partitions of 2 rows; strategies A and B are identical on partitions 0 and 1,
# so for the split IS = {0, 1} they tie in sample whatever their out-of-sample rows are.
_TIED = np.array(
    [
        [-0.0031, -0.0031, -0.0004],
        [0.0144, 0.0144, -0.0062],
        [-0.0017, -0.0017, -0.0033],
        [-0.0074, -0.0074, -0.014],
        [0.0019, 0.0047, 0.0083],
        [-0.0173, 0.0088, 0.0006],
        [-0.0135, 0.0018, 0.0089],
        [0.006, 0.008, 0.0102],
    ]
)


@pytest.mark.parametrize("metric", ["mean", "sharpe"])
def test_pbo_tied_in_sample_best_does_not_depend_on_out_of_sample_data(metric):
    base = pbo(_TIED, n_partitions=4, metric=metric)
    assert base.combinations[0].tolist() == [0, 1]
    # IS = {0, 1}: A and B tie exactly (same rows); the first column is selected
    assert base.selected[0] == 0
    rng = np.random.default_rng(0)
    for new_b in ([0.0097, 0.0004, -0.02, -0.0068], *np.round(rng.normal(0, 0.01, (20, 4)), 4)):
        other = _TIED.copy()
        other[4:, 1] = new_b  # change only B's out-of-sample rows for that split
        res = pbo(other, n_partitions=4, metric=metric)
        assert res.selected[0] == base.selected[0]
        assert res.is_performance[0] == base.is_performance[0]


def test_pbo_out_of_sample_ties_share_the_average_rank():
    # IS = {0, 1}: B is best in sample; out of sample B and C are identical, A is worse:
    # B's rank among 3 is 1 (A below) + (2 tied + 1) / 2 = 2.5, omega = 2.5 / 4 = 0.625
    x = np.array(
        [
            [-0.007, 0.0622, -0.0015],
            [0.0052, 0.0624, 0.0021],
            [-0.0045, 0.0568, 0.0085],
            [0.0173, 0.0537, -0.0113],
            [-0.033, 0.017, 0.017],
            [-0.0498, 0.0002, 0.0002],
            [-0.0539, -0.0039, -0.0039],
            [-0.0496, 0.0004, 0.0004],
        ]
    )
    for metric in ("mean", "sharpe"):
        res = pbo(x, n_partitions=4, metric=metric)
        assert res.selected[0] == 1
        assert res.relative_ranks[0] == 0.625


def test_pbo_too_many_partitions():
    with pytest.raises(
        ValueError, match=r"`n_partitions` must be at most 20 \(C\(S, S/2\) splits"
    ):
        pbo(_matrix(shape=(400, 3)), n_partitions=40)


@pytest.mark.parametrize("level", [0.001, 1 / 3, 7.1])
def test_pbo_constant_nonzero_strategy_is_never_selected(level):
    # constant returns have no Sharpe ratio: rounding in the sums must not make it a winner
    x = np.random.default_rng(3).standard_normal((203, 4)) * 0.01
    x[:, 0] = level
    with pytest.warns(DegenerateDataWarning, match="metric is undefined"):
        res = pbo(x, n_partitions=8)
    assert (res.selected != 0).all()


def test_pbo_sharpe_accurate_when_the_mean_dwarfs_the_spread():
    # mean / sd = 1e4: the per-half variance is computed about each partition's mean (no
    # cancellation), so the built-in Sharpe ratio equals numpy's two-pass one closely
    rng = np.random.default_rng(5)
    x = 1.0 + rng.standard_normal((200, 5)) * 1e-4

    def sharpe(a):
        return a.mean(axis=0) / a.std(axis=0, ddof=1)

    built = pbo(x, n_partitions=6)
    custom = pbo(x, n_partitions=6, metric=sharpe)
    assert_array_equal(built.selected, custom.selected)
    # both are two-pass (about a mean): the data's relative resolution is eps / 1e-4 = 2e-12,
    # so 1e-10 allows for the different summation orders; an uncentred sum of squares
    # (sum x^2 - n mean^2) would be off by about eps * mean^2 / var = 2e-8 in the variance
    np.testing.assert_allclose(built.is_performance, custom.is_performance, rtol=1e-10)
