"""Shared resampling building blocks (riskcycle._resample).

The autouse fixture in conftest.py checks that numpy's global random state is
untouched by every test here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from riskcycle import _resample as R


def _ar1(n: int, phi: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    e = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = e[0]
    for t in range(1, n):
        x[t] = phi * x[t - 1] + e[t]
    return x


# ---------------------------------------------------------------------------
# Politis-White block length
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["stationary", "circular"])
def test_block_length_matches_arch_on_ar1(kind):
    from arch.bootstrap import optimal_block_length

    x = _ar1(2000, 0.6, 1)
    expected = float(optimal_block_length(x)[kind].iloc[0])
    assert 1.0 < expected < 2000 / 3  # inside the guards: arch's number unchanged
    # same computation: only rounding of the pandas round trip
    assert_allclose(R.politis_white_block_length(x, kind=kind), expected, rtol=1e-12)


@pytest.mark.parametrize("n", [15, 37, 250, 5879])
@pytest.mark.parametrize("phi", [0.0, 0.5, 0.97])
def test_block_length_is_arch_estimator_without_importing_arch(n, phi):
    # riskcycle's own Politis-White code repeats arch 8's operations in the same order
    # (arch.bootstrap.base._single_optimal_block), so both columns agree to the last bit
    from arch.bootstrap import optimal_block_length

    x = _ar1(n, phi, 7)
    expected = optimal_block_length(x).iloc[0].to_numpy()
    assert_array_equal(np.array(R._politis_white(x)), expected)


def test_block_length_does_not_import_arch():
    import subprocess
    import sys

    code = (
        "import sys, numpy as np; from riskcycle._resample import politis_white_block_length;"
        "politis_white_block_length(np.sin(np.arange(500.0))); print('arch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_block_length_guards():
    assert R.politis_white_block_length(np.arange(9.0)) == 1.0  # n < 10
    assert R.politis_white_block_length(np.full(500, 3.0)) == 1.0  # constant
    x = np.random.default_rng(2).standard_normal(400)  # white noise: floored at 1
    assert R.politis_white_block_length(x) >= 1.0
    # a trending series makes arch's estimate large: capped at n / 3
    y = np.cumsum(np.cumsum(np.random.default_rng(3).standard_normal(30)))
    assert 1.0 <= R.politis_white_block_length(y) <= 10.0


def test_block_length_kind_validated():
    with pytest.raises(ValueError, match="`kind` must be 'stationary' or 'circular'"):
        R.politis_white_block_length(np.arange(20.0), kind="moving")


# ---------------------------------------------------------------------------
# stationary blocks
# ---------------------------------------------------------------------------
def test_stationary_blocks_cover_and_stay_in_range():
    starts, lengths = R.stationary_blocks(np.random.default_rng(4), 50, 7.5, 300, length=80)
    assert starts.shape == lengths.shape and starts.dtype == lengths.dtype == np.int64
    assert (lengths.sum(axis=1) >= 80).all()
    assert starts.min() >= 0 and starts.max() <= 49 and lengths.min() >= 1


def test_stationary_blocks_length_distribution():
    b = 8.0
    _, lengths = R.stationary_blocks(np.random.default_rng(5), 1000, b, 400)
    lens = lengths.ravel()
    # geometric(1/b): mean b, sd sqrt(1-p)/p; 5-sigma band for the sample mean
    sd = math.sqrt(1 - 1 / b) * b
    assert abs(lens.mean() - b) < 5 * sd / math.sqrt(lens.size)
    # P(L = 1) = 1/b, judged with a binomial test
    assert stats.binomtest(int((lens == 1).sum()), lens.size, 1 / b).pvalue > 1e-4


def test_stationary_blocks_block_length_one_is_iid():
    _, lengths = R.stationary_blocks(np.random.default_rng(6), 30, 1.0, 20)
    assert (lengths == 1).all()


def test_block_length_of_columns_is_the_median_over_the_driving_columns():
    """With columns, the policy is the median of the 1-D estimates over the (at most
    ``max_columns``) columns with the largest mean / sd, constant columns left out."""
    cols = [_ar1(400, phi, seed) + mu for phi, seed, mu in [(0.8, 1, 3.0), (0.1, 2, 2.0)]]
    cols += [_ar1(400, 0.5, 3) + 1.0, _ar1(400, 0.0, 4) - 5.0, np.full(400, 9.0)]
    x = np.column_stack(cols)
    one = [R.politis_white_block_length(c) for c in cols[:4]]
    # all five columns: the constant one is left out, median of the other four
    assert R.politis_white_block_length(x) == np.median(one)
    # the two largest mean / sd ratios are the first two columns (means 3 and 2)
    ratio = x[:, :4].mean(axis=0) / x[:, :4].std(axis=0)
    assert set(np.argsort(-ratio)[:2]) == {0, 1}
    assert R.politis_white_block_length(x, max_columns=2) == np.median(one[:2])
    # one column is the 1-D estimate; only constant columns: 1.0
    assert R.politis_white_block_length(x[:, :1]) == one[0]
    assert R.politis_white_block_length(x[:, [4, 4]]) == 1.0
    assert R.politis_white_block_length(x, kind="circular") == np.median(
        [R.politis_white_block_length(c, kind="circular") for c in cols[:4]]
    )


def test_block_indices_lay_out_the_blocks():
    starts = np.array([[3, 0, 4], [1, 2, 0]])
    lengths = np.array([[2, 1, 9], [5, 1, 1]])
    # row 0: 3, 4 | 0 | 4, 0 (wraps, cut at n = 5); row 1: 1, 2, 3, 4, 0 (wraps)
    assert_array_equal(R.block_indices(starts, lengths, 5), [[3, 4, 0, 4, 0], [1, 2, 3, 4, 0]])


@pytest.mark.parametrize("seed", range(4))
def test_block_indices_equal_a_plain_loop(seed):
    """Random blocks (lengths of at least 1, as the bootstraps draw them), rows covered by
    their blocks or not (the last block then goes on), wrapping at every size."""

    def loop(starts, lengths, n):
        out = np.empty((len(starts), n), dtype=np.int64)
        for r in range(len(starts)):
            pos = 0
            for j, (s, ln) in enumerate(zip(starts[r], lengths[r], strict=True)):
                last, t = j == len(starts[r]) - 1, 0
                while pos < n and (t < ln or last):
                    out[r, pos] = (s + t) % n
                    pos, t = pos + 1, t + 1
        return out

    rng = np.random.default_rng(seed)
    for _ in range(200):
        n, n_blocks, reps = int(rng.integers(1, 30)), int(rng.integers(1, 8)), 3
        starts = rng.integers(0, n, size=(reps, n_blocks))
        lengths = rng.geometric(rng.uniform(0.05, 0.9), size=(reps, n_blocks))
        assert_array_equal(R.block_indices(starts, lengths, n), loop(starts, lengths, n))


def test_index_matrix_wraps_and_follows_blocks():
    n, b, reps = 40, 6.0, 200
    idx = R.stationary_index_matrix(np.random.default_rng(7), n, b, reps)
    starts, lengths = R.stationary_blocks(np.random.default_rng(7), n, b, reps)
    assert idx.shape == (reps, n) and idx.min() >= 0 and idx.max() < n
    for r in range(reps):  # the same draws, laid out position by position
        row = np.concatenate(
            [(s + np.arange(m)) % n for s, m in zip(starts[r], lengths[r], strict=True)]
        )[:n]
        assert_array_equal(idx[r], row)
    step = np.diff(idx, axis=1)
    assert (step == -(n - 1)).any()  # circular wrap from n - 1 to 0 happens
    # a new block starts at a position with probability 1/b: 1 - P(continue)
    cont = (step == 1) | (step == -(n - 1))
    k = int((~cont).sum())
    assert stats.binomtest(k, cont.size, 1 / b * (1 - 1 / n)).pvalue > 1e-4


# ---------------------------------------------------------------------------
# p-values
# ---------------------------------------------------------------------------
def test_pvalue_hand_examples():
    null = np.array([1.0, 2.0, 3.0, 3.0, 4.0, np.nan])
    # m = 5 finite values; ties count as at least as extreme
    assert R.resampling_pvalue(3.0, null, alternative="greater") == pytest.approx(4 / 6)
    assert R.resampling_pvalue(3.0, null, alternative="less") == pytest.approx(5 / 6)
    assert R.resampling_pvalue(3.0, null, alternative="two-sided") == 1.0
    assert R.resampling_pvalue(4.5, null, alternative="greater") == pytest.approx(1 / 6)
    assert R.resampling_pvalue(4.5, null, alternative="two-sided") == pytest.approx(2 / 6)
    assert R.resampling_pvalue(0.0, null, alternative="less") == pytest.approx(1 / 6)
    # a tie up to rounding (relative 1e-12) is a tie
    assert R.resampling_pvalue(3.0 * (1 + 1e-14), null, alternative="greater") == pytest.approx(
        4 / 6
    )
    assert R.resampling_pvalue(3.0 * (1 + 1e-9), null, alternative="greater") == pytest.approx(
        2 / 6
    )
    assert math.isnan(R.resampling_pvalue(np.nan, null, alternative="greater"))
    assert math.isnan(R.resampling_pvalue(1.0, np.array([np.nan]), alternative="greater"))


def test_pvalue_se():
    null = np.arange(99.0)
    p = R.resampling_pvalue(89.0, null, alternative="greater")  # (1 + 10) / 100
    assert p == pytest.approx(0.11)
    se = R.resampling_pvalue_se(89.0, null, alternative="greater")
    assert se == pytest.approx(math.sqrt(0.11 * 0.89 / 99))
    assert R.resampling_pvalue_se(89.0, null, alternative="two-sided") == pytest.approx(2 * se)
    assert math.isnan(R.resampling_pvalue_se(1.0, np.empty(0), alternative="less"))


def test_pvalue_alternative_validated():
    with pytest.raises(ValueError, match="`alternative` must be one of"):
        R.resampling_pvalue(1.0, np.ones(3), alternative="bigger")


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_resampling_pvalue_is_nan_without_a_finite_statistic_or_null(alternative):
    # as documented: NaN when the observed statistic is not finite or no null value is
    # (two-sided took min(1, nan) and said 1.0)
    null = np.array([0.1, -0.2, 0.3])
    for observed, values in ((np.nan, null), (np.inf, null), (0.1, np.full(3, np.nan))):
        assert math.isnan(R.resampling_pvalue(observed, values, alternative=alternative))
    assert R.resampling_pvalue(0.3, null, alternative=alternative) > 0
