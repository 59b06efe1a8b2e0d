"""Tests of riskcycle.snooping: stationary bootstrap, SPA / Reality Check, StepM.

Reference implementation: arch 8.0 (``arch.bootstrap.SPA``, ``StepM``,
``StationaryBootstrap``). arch's SPA never divides by the standard errors (its
``studentize`` flag only labels the result), so arch is compared with
``studentize=False``, and the studentized test with arch run on the
differentials divided by their standard errors (an exact identity: see
``test_studentized_equals_arch_on_scaled_differentials``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from riskcycle._resample import politis_white_block_length
from riskcycle._threads import run_tasks
from riskcycle.exceptions import DegenerateDataWarning
from riskcycle.snooping import SPAResult, StepMResult, _nb, _spa, spa_test, stepm
from riskcycle.snooping import _resample as rs

arch_bootstrap = pytest.importorskip("arch.bootstrap")


def _data(n_obs=400, k=12, seed=5, drift=0.0006):
    """Returns of k strategies with serial dependence and spread-out means."""
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((n_obs, k)) * 0.01
    e[1:] += 0.2 * e[:-1]
    return e + drift * np.linspace(-3.0, 1.0, k)


def _arch_indices(n_obs, block_length, reps, seed):
    """The resample indices arch's SPA draws with ``seed`` (its own sampler)."""
    sb = arch_bootstrap.StationaryBootstrap(block_length, np.zeros(n_obs), seed=seed)
    out = []
    for _ in sb.bootstrap(reps):
        out.append(np.asarray(sb.index).copy())
    return np.array(out)


def _blocks_from_indices(indices):
    """Blocks of resamples given as index rows (arch's), for riskcycle's kernels.

    A new block starts wherever an index is not the circular successor of the
    previous one: the conversion from arch's representation at the test's edge."""
    indices = np.asarray(indices, dtype=np.int64)
    n_rep, n_obs = indices.shape
    new = np.ones_like(indices, dtype=bool)
    new[:, 1:] = indices[:, 1:] != (indices[:, :-1] + 1) % n_obs
    rows, cols = np.nonzero(new)
    offsets = np.zeros(n_rep + 1, dtype=np.int64)
    np.cumsum(new.sum(axis=1), out=offsets[1:])
    nxt = np.append(cols[1:], n_obs)
    nxt[offsets[1:] - 1] = n_obs
    return rs.Blocks(indices[rows, cols], (nxt - cols).astype(np.int64), offsets, n_obs)


def _replayed(d, block_length, reps, seed, *, nested=False, studentize=False):
    """riskcycle's SPA on exactly arch's resamples."""
    blocks = _blocks_from_indices(_arch_indices(d.shape[0], block_length, reps, seed))
    options = _spa._SPAOptions(
        kind="returns",
        benchmark="series",
        block_length=float(block_length),
        n_resamples=reps,
        studentize=studentize,
        nested=nested,
        threads=None,
        rng=np.random.default_rng(0),  # not used: the blocks are given
    )
    bs = _spa._bootstrap(d.copy(), list(range(d.shape[1])), options, blocks=blocks)
    res, step = _spa._spa_result(bs, options)
    return bs, res, step


# ---------------------------------------------------------------------------
# the resampling machinery: kernels equal their numpy twins
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("block_length", [1.0, 3.3, 40.0, 500.0])
def test_block_kernels_equal_twin_and_direct_sums(block_length):
    rng = np.random.default_rng(1)
    n_obs, k, reps = 300, 7, 40
    x = np.cumsum(rng.standard_normal((n_obs, k)), axis=0) * 0.1
    x -= x.mean(axis=0)
    blocks = rs.draw_stationary_blocks(rng, n_obs, min(block_length, n_obs), reps)
    # blocks tile each resample exactly
    assert_array_equal(np.add.reduceat(blocks.lengths, blocks.offsets[:-1]), n_obs)
    assert blocks.lengths.min() >= 1 and blocks.starts.max() < n_obs
    kernel = rs.block_sums(x, blocks)
    # the twin does the same operations in the same order: equal to the last bit
    assert_array_equal(kernel, _nb.block_sums_py(x, blocks.starts, blocks.lengths, blocks.offsets))
    idx = np.stack(
        [
            np.concatenate(
                [
                    (s + np.arange(n)) % n_obs
                    for s, n in zip(
                        blocks.starts[blocks.offsets[b] : blocks.offsets[b + 1]],
                        blocks.lengths[blocks.offsets[b] : blocks.offsets[b + 1]],
                        strict=True,
                    )
                ]
            )
            for b in range(reps)
        ]
    )
    direct = x[idx].sum(axis=1)
    # sums are differences of prefix sums: rounding ~ eps * (largest prefix sum)
    scale = np.abs(np.cumsum(x, axis=0)).max()
    assert_allclose(kernel, direct, rtol=0, atol=1e-12 * scale)
    # and the blocks reconstructed from the index arrays give the same sums
    assert_allclose(
        rs.block_sums(x, _blocks_from_indices(idx)), direct, rtol=0, atol=1e-12 * scale
    )


@pytest.mark.parametrize(
    ("n_obs", "width"), [(40, 32), (4095, 32), (4096, 16), (8191, 16), (9000, 8)]
)
def test_block_sums_kernel_equals_twin_at_every_tile_width(n_obs, width):
    """Each compiled tile width (chosen by n_obs so that a tile's prefix sums fit in 1 MiB)
    gives the twin's sums to the last bit: partial last tiles (k not a multiple of the
    width), blocks that wrap around the end, one-observation blocks and whole-sample
    blocks included."""
    assert _nb.tile_width(n_obs) == width
    rng = np.random.default_rng(n_obs)
    k = 2 * width + 3
    x = rng.standard_normal((n_obs, k)) * np.exp(rng.uniform(-5, 5, k))
    blocks = rs.draw_stationary_blocks(rng, n_obs, 0.4 * n_obs, 5)
    starts = np.r_[blocks.starts, n_obs - 1, 0, n_obs - 3]
    lengths = np.r_[blocks.lengths, 1, n_obs, 5]  # three more resamples of one block each
    offsets = np.r_[blocks.offsets, blocks.offsets[-1] + np.arange(1, 4)]
    assert (starts + lengths > n_obs).sum() >= 2  # wrapping blocks are exercised
    args = (x, starts, lengths, offsets)
    assert_array_equal(_nb.block_sums(*args), _nb.block_sums_py(*args))


def test_twins_cover_every_kernel():
    """One twin convention: every compiled kernel ``_x_nb`` is called through ``x``, with
    its plain-Python twin ``x_py`` beside it; no ``*_numpy`` twins, no ``compiled=`` flags."""
    import inspect

    names = list(vars(_nb))
    kernels = {n[1:-3] for n in names if n.startswith("_") and n.endswith("_nb")}
    assert kernels == {"block_sums", "stationary_variance", "recentred_maxima", "update_maxima"}
    assert {k for k in kernels if k not in names or k + "_py" not in names} == set()
    for module in (_nb, rs, _spa):
        assert [n for n in vars(module) if n.endswith(("_np", "_numpy"))] == []
        public = [getattr(module, n) for n in module.__all__ if callable(getattr(module, n))]
        flags = [f for f in public if "compiled" in inspect.signature(f).parameters]
        assert flags == []


def test_input_checks_return_frozen_options():
    """The input checks return small frozen options objects, not long tuples."""
    import dataclasses

    x = _data(n_obs=50, k=3)
    d, names, options = _spa._spa_test_iv(x, None, "losses", 3, 20, False, True, 1, 5)
    assert names == [0, 1, 2] and d.shape == (50, 3)
    assert_array_equal(d, -x)  # losses: benchmark minus loss
    assert (options.kind, options.benchmark, options.block_length) == ("losses", "zero", 3.0)
    assert (options.n_resamples, options.studentize, options.nested) == (20, False, True)
    assert options.threads == 1 and isinstance(options.rng, np.random.Generator)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.kind = "returns"
    *_, step = _spa._stepm_iv(x, x[:, 0], "returns", 0.2, None, 20, True, False, None, 5)
    assert (step.alpha, step.benchmark, step.block_length, step.threads) == (
        0.2,
        "series",
        None,
        None,
    )


def _with_threads(n, fn, *args):
    numba = pytest.importorskip("numba")
    before = numba.get_num_threads()
    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    try:
        return fn(*args)
    finally:
        numba.set_num_threads(before)


def test_kernels_do_not_depend_on_the_thread_count():
    # several tiles of columns (the tile width is at least 8) and chunks of resamples,
    # so that the tasks are spread over the threads differently
    rng = np.random.default_rng(11)
    n_obs, k, reps = 120, 200, 1100
    x = rng.standard_normal((n_obs, k))
    blocks = rs.draw_stationary_blocks(rng, n_obs, 4.0, reps)
    args = (x, blocks.starts, blocks.lengths, blocks.offsets)
    one = _with_threads(1, _nb.block_sums, *args)
    many = _with_threads(8, _nb.block_sums, *args)
    assert_array_equal(one, many)
    assert_array_equal(one, _nb.block_sums_py(*args))
    # more threads than cores, ranges handed out as threads become free
    width = _nb.tile_width(n_obs)
    n_tasks = -(-k // width) * -(-reps // _nb._CHUNK_RESAMPLES)
    assert n_tasks > 7
    seven = np.empty_like(one)
    run_tasks(
        lambda lo, hi: _nb._block_sums_nb(*args, width, _nb._CHUNK_RESAMPLES, lo, hi, seven),
        n_tasks,
        threads=7,
    )
    assert_array_equal(one, seven)
    shifts = np.stack([np.minimum(x.mean(axis=0), 0.0), np.zeros(k)])
    scale = rng.uniform(0.5, 2.0, k)
    assert_array_equal(
        _with_threads(1, _nb.recentred_maxima, one, shifts, scale),
        _with_threads(8, _nb.recentred_maxima, one, shifts, scale),
    )
    assert_array_equal(
        _with_threads(1, _nb.stationary_variance, x - x.mean(axis=0), 3.0),
        _with_threads(8, _nb.stationary_variance, x - x.mean(axis=0), 3.0),
    )


def test_block_sums_memory_scales_with_k():
    # no work array independent of k (no resample-count matrix) and no copy of the data:
    # the numpy-side peak is the output plus small buffers. (The kernel's prefix tiles,
    # one per running task, are allocated by numba's runtime, which tracemalloc does not
    # see; the bound below leaves room for them anyway.)
    import tracemalloc

    rng = np.random.default_rng(12)
    n_obs, reps = 2000, 400
    blocks = rs.draw_stationary_blocks(rng, n_obs, 10.0, reps)
    x = rng.standard_normal((n_obs, 16))
    rs.block_sums(x, blocks)  # compile outside the trace
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        out = rs.block_sums(x, blocks)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    tile = (n_obs + 1) * _nb.tile_width(n_obs) * 8
    # output + (at most) one tile per thread + small buffers; the old count matrix
    # alone was 32 MiB
    assert peak <= out.nbytes + 8 * tile + 64 * 1024


def test_maxima_kernel_equals_twin():
    rng = np.random.default_rng(4)
    centred = rng.standard_normal((300, 40))
    shifts = np.stack(
        [np.minimum(rng.standard_normal(40), 0), rng.standard_normal(40), np.zeros(40)]
    )
    scale = rng.uniform(0.5, 2.0, 40)
    # same arithmetic ((c + shift) * scale, then max): equal to the last bit
    assert_array_equal(
        _nb.recentred_maxima(centred, shifts, scale),
        _nb.recentred_maxima_py(centred, shifts, scale),
    )


@pytest.mark.parametrize("block_length", [1.0, 2.5, 17.0, 299.0])
def test_variance_kernel_equals_textbook_sum(block_length):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((300, 6))
    x[1:] += 0.5 * x[:-1]
    x -= x.mean(axis=0)
    # O(n k) recursion vs the O(n^2 k) definition; relative rounding only
    assert_allclose(
        rs.stationary_variance(x, block_length),
        _nb.stationary_variance_py(x, block_length),
        rtol=1e-12,
    )


def test_block_law_matches_stationary_bootstrap():
    # geometric lengths with mean block_length (before the last block is cut)
    rng = np.random.default_rng(3)
    blocks = rs.draw_stationary_blocks(rng, 5000, 8.0, 200)
    inner = np.ones(len(blocks.lengths), dtype=bool)
    inner[blocks.offsets[1:] - 1] = False
    lengths = blocks.lengths[inner]
    # mean of a geometric(1/8): 8, sd sqrt(56); ~24,000 lengths -> SE 0.05; 5 SE allowed
    assert abs(lengths.mean() - 8.0) < 5 * math.sqrt(56 / len(lengths))
    # starts uniform on 0..n-1
    res = stats.chisquare(np.bincount(blocks.starts // 500, minlength=10))
    assert res.pvalue > 1e-4


# ---------------------------------------------------------------------------
# agreement with arch
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("nested", [False, True])
def test_exact_agreement_with_arch_on_arch_resamples(nested):
    x = _data()
    bench = np.random.default_rng(9).standard_normal(x.shape[0]) * 0.002
    d = x - bench[:, None]
    reps, block = 300, 7
    bs, res, cols = _replayed(d, block, reps, 3, nested=nested)
    ref = arch_bootstrap.SPA(-bench, -x, block_size=block, reps=reps, seed=3, nested=nested)
    ref.compute()
    # the same variance estimator (kernel or nested bootstrap)
    assert_allclose(bs.variance, ref._loss_diff_var, rtol=1e-12)
    # arch reports count / B, riskcycle (1 + count) / (1 + B): identical counts
    assert_allclose(
        res.pvalues.to_numpy(),
        (ref.pvalues.to_numpy() * reps + 1) / (reps + 1),
        rtol=0,
        atol=1e-12,
    )
    assert res.pvalue_lower <= res.pvalue_consistent <= res.pvalue_upper
    assert res.pvalue_lower < res.pvalue_upper  # the example separates the recentrings
    assert res.reality_check_pvalue == res.pvalue_upper  # unstudentized: RC = upper
    crit = arch_bootstrap.SPA(-bench, -x, block_size=block, reps=reps, seed=3, nested=nested)
    crit.compute()
    assert_allclose(
        res.critical_values(0.1).to_numpy() / math.sqrt(x.shape[0]),
        crit.critical_values(0.1).to_numpy(),
        rtol=1e-10,
    )
    ref_stepm = arch_bootstrap.StepM(
        -bench, -x, size=0.1, block_size=block, reps=reps, seed=3, nested=nested
    )
    ref_stepm.compute()
    assert _spa._stepm_from(res, bs, cols, 0.1).superior == list(ref_stepm.superior_models)


def test_studentized_equals_arch_on_scaled_differentials():
    # d_j / omega_j has kernel variance exactly 1, so arch's unstudentized test on it is
    # the studentized test on d (same recentring thresholds, same maxima)
    x = _data(seed=6)
    reps, block = 300, 5
    bs, res, *_ = _replayed(x, block, reps, 4, studentize=True)
    scaled = x / np.sqrt(bs.variance)
    ref = arch_bootstrap.SPA(np.zeros(x.shape[0]), -scaled, block_size=block, reps=reps, seed=4)
    ref.compute()
    assert_allclose(ref._loss_diff_var, 1.0, rtol=1e-12)
    assert_allclose(
        res.pvalues.to_numpy(),
        (ref.pvalues.to_numpy() * reps + 1) / (reps + 1),
        rtol=0,
        atol=1e-12,
    )


def test_agreement_with_arch_within_monte_carlo_error():
    # independent streams: riskcycle's own block draws vs arch's sampler.
    # A bootstrap p-value with B resamples has binomial SE sqrt(p(1-p)/B); the difference
    # of two independent estimates has SE sqrt(2) times that; 4 of those is the tolerance
    # (two-sided normal tail 6e-5 per comparison, 8 comparisons).
    x = _data(n_obs=500, k=15, seed=11, drift=0.0005)
    reps, block = 4000, 6
    ours = spa_test(x, block_length=block, n_resamples=reps, studentize=False, rng=123)
    ref = arch_bootstrap.SPA(np.zeros(x.shape[0]), -x, block_size=block, reps=reps, seed=77)
    ref.compute()
    both = np.c_[ours.pvalues.to_numpy(), ref.pvalues.to_numpy()]
    assert ((both > 0.02) & (both < 0.98)).all()  # informative p-values
    p = both.mean(axis=1)
    tol = 4 * math.sqrt(2) * np.sqrt(p * (1 - p) / reps)
    assert (np.abs(both[:, 0] - both[:, 1]) <= tol).all(), (both, tol)
    # studentized: arch on the differentials divided by riskcycle's standard errors
    ours_t = spa_test(x, block_length=block, n_resamples=reps, studentize=True, rng=124)
    se = ours_t.strategies["standard_error"].to_numpy()
    ref_t = arch_bootstrap.SPA(np.zeros(x.shape[0]), -x / se, block_size=block, reps=reps, seed=78)
    ref_t.compute()
    both = np.c_[ours_t.pvalues.to_numpy(), ref_t.pvalues.to_numpy()]
    p = both.mean(axis=1)
    tol = 4 * math.sqrt(2) * np.sqrt(p * (1 - p) / reps)
    assert (np.abs(both[:, 0] - both[:, 1]) <= tol).all(), (both, tol)


def test_stepm_agrees_with_arch_on_clear_cases():
    # strategies with t-statistics far from the critical value: both find the same set
    rng = np.random.default_rng(12)
    x = rng.standard_normal((600, 10)) * 0.01
    x[:, [2, 7]] += 0.004  # t about 10
    ours = stepm(x, block_length=5, n_resamples=1000, studentize=False, rng=1)
    ref = arch_bootstrap.StepM(np.zeros(600), -x, block_size=5, reps=1000, seed=2)
    ref.compute()
    assert ours.superior == list(ref.superior_models) == [2, 7]


# ---------------------------------------------------------------------------
# behaviour
# ---------------------------------------------------------------------------
def test_size_under_the_null():
    # all strategies have mean zero (the least favourable null): the rejection rates of
    # the consistent SPA p-value and of the Reality Check at 5%, and StepM's family-wise
    # error rate at 5%, should be 5%. 1,000 data sets of T=250 x k=8 i.i.d. returns,
    # judged by a binomial test each (two-sided; fails below 1e-3).
    # (With strong dependence, short samples and long blocks the studentized test
    # over-rejects, a known finite-sample property: see the spa_test Notes.)
    rng = np.random.default_rng(2026)
    n_rep, alpha = 1000, 0.05
    rejections = np.zeros(3, dtype=int)
    for seed in rng.integers(0, 2**32, size=n_rep):
        g = np.random.default_rng(seed)
        x = g.standard_normal((250, 8))
        res = stepm(x, alpha=alpha, block_length=2, n_resamples=199, rng=g)
        rejections += [
            res.spa.pvalue <= alpha,
            res.spa.reality_check_pvalue <= alpha,
            len(res.superior) > 0,
        ]
    for count in rejections:
        test = stats.binomtest(int(count), n_rep, alpha)
        assert test.pvalue > 1e-3, (rejections, test)


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(1e-3, 1e3), shift_seed=st.integers(0, 2**16))
def test_positive_scaling_and_pvalue_range(scale, shift_seed):
    # the tests depend on the differentials only up to a positive factor (studentized
    # statistics are scale-free, the Reality Check scales); p-values in (0, 1]
    x = np.random.default_rng(shift_seed).standard_normal((60, 4)) * 0.01 + 0.001
    a = spa_test(x, block_length=3, n_resamples=99, rng=shift_seed)
    b = spa_test(x * scale, block_length=3, n_resamples=99, rng=shift_seed)
    assert_allclose(a.null_distribution, b.null_distribution, rtol=1e-9)
    assert_allclose(a.statistic, b.statistic, rtol=1e-9)
    assert_allclose(
        a.reality_check_null_distribution * scale, b.reality_check_null_distribution, rtol=1e-9
    )
    assert_array_equal(a.pvalues, b.pvalues)
    assert a.reality_check_pvalue == b.reality_check_pvalue
    for p in (*a.pvalues, a.reality_check_pvalue):
        assert 0 < p <= 1


def test_power_and_stepm_find_the_edge():
    rng = np.random.default_rng(13)
    x = rng.standard_normal((1000, 20)) * 0.01
    x[:, 3] += 0.003
    res = spa_test(x, block_length=3, n_resamples=500, rng=1)
    assert res.pvalue < 0.01 and res.best == 3
    assert stepm(x, block_length=3, n_resamples=500, rng=1).superior == [3]


def test_same_rng_same_numbers_and_generator_use():
    x = _data(seed=14)
    a = spa_test(x, block_length=4, n_resamples=200, rng=42)
    b = spa_test(x, block_length=4, n_resamples=200, rng=np.random.default_rng(42))
    c = spa_test(x, block_length=4, n_resamples=200, rng=np.random.SeedSequence(42))
    for r in (b, c):
        assert_array_equal(a.null_distribution, r.null_distribution)
        assert a.pvalues.equals(r.pvalues)
    d = spa_test(x, block_length=4, n_resamples=200, rng=43)
    assert not np.array_equal(a.null_distribution, d.null_distribution)


def test_kind_benchmark_and_labels():
    x = _data(seed=16)
    bench = np.random.default_rng(1).standard_normal(x.shape[0]) * 0.003
    idx = pd.date_range("2020-01-01", periods=x.shape[0], freq="D")
    frame = pd.DataFrame(x, index=idx, columns=[f"s{j}" for j in range(x.shape[1])])
    r1 = spa_test(
        frame, benchmark=pd.Series(bench, index=idx), block_length=4, n_resamples=200, rng=7
    )
    r2 = spa_test(-x, kind="losses", benchmark=-bench, block_length=4, n_resamples=200, rng=7)
    r3 = spa_test(x - bench[:, None], block_length=4, n_resamples=200, rng=7)
    assert_allclose(r1.null_distribution, r2.null_distribution, rtol=1e-12)
    assert_allclose(r1.null_distribution, r3.null_distribution, rtol=1e-12)
    assert r1.pvalues.equals(r2.pvalues)
    assert r1.best == f"s{r2.best}"
    assert r2.best == int(np.argmax(r3.strategies["t_statistic"]))
    assert r1.benchmark == "series" and r3.benchmark == "zero"
    assert list(r1.strategies.index) == list(frame.columns)
    r4 = spa_test(x, benchmark=0.0005, block_length=4, n_resamples=200, rng=7)
    r5 = spa_test(x - 0.0005, block_length=4, n_resamples=200, rng=7)
    assert r4.benchmark == "constant"
    assert_allclose(r4.null_distribution, r5.null_distribution, rtol=1e-12)
    # the caller's data are not modified
    assert_array_equal(frame.to_numpy(), x)


def test_single_strategy_and_default_block_length():
    x = _data(seed=17)
    res = spa_test(x[:, -1], n_resamples=200, rng=1)
    assert res.n_strategies == 1 and res.block_length_method == "politis-white"
    expected = np.median(
        arch_bootstrap.optimal_block_length(x[:, -1] - x[:, -1].mean())["stationary"]
    )
    assert_allclose(res.block_length, max(expected, 1.0), rtol=1e-12)
    assert res.pvalue_lower == res.pvalue_consistent or res.pvalue_lower <= res.pvalue_upper


def test_degenerate_strategy_warns_and_is_left_out():
    x = _data(seed=18)
    x[:, 0] = 0.0001  # constant: zero variance
    with pytest.warns(DegenerateDataWarning, match="constant performance differential"):
        res = spa_test(x, block_length=4, n_resamples=100, rng=1)
    assert np.isnan(res.strategies["t_statistic"].iloc[0])
    assert np.isfinite(res.pvalue)
    # unstudentized: nothing degenerate
    spa_test(x, block_length=4, n_resamples=100, studentize=False, rng=1)


def test_result_views(tmp_path):
    x = _data(seed=19)
    res = spa_test(x, block_length=4, n_resamples=200, rng=1)
    assert isinstance(res, SPAResult)
    df = res.to_frame()
    assert list(df.columns) == [
        "test",
        "recentring",
        "studentized",
        "statistic",
        "pvalue",
        "pvalue_se",
        "n_resamples",
    ]
    assert df["test"].tolist() == ["spa", "spa", "spa", "reality_check"]
    assert 0 < res.pvalue <= 1 and res.pvalue == res.pvalue_consistent
    assert res.pvalue_se == pytest.approx(math.sqrt(res.pvalue * (1 - res.pvalue) / 200))
    text = str(res.summary())
    assert "superior predictive ability" in text and "Null hypothesis" in text
    assert res.summary().as_html().startswith("<h3>")
    assert repr(res).startswith("SPAResult(statistic=")
    assert set(res.versions) >= {"riskcycle", "numpy", "arch"}
    with pytest.raises(AttributeError):
        res.pvalue = 0.5  # frozen
    sm = stepm(x, block_length=4, n_resamples=200, rng=1)
    assert isinstance(sm, StepMResult)
    assert repr(sm).startswith("StepMResult(superior=")
    assert "StepM" in str(sm.summary())
    assert set(sm.to_frame().columns) >= {"strategy", "t_statistic", "superior", "step"}
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = res.plot()
    fig.savefig(tmp_path / "spa.png")
    assert sm.plot().axes[0].get_title() or sm.plot().axes[0].get_xlabel()
    plt.close("all")


# ---------------------------------------------------------------------------
# input validation: every message
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"kind": "profits"}, ValueError, r"`kind` must be one of \['returns', 'losses'\]"),
        ({"kind": 1}, TypeError, r"`kind` must be one of"),
        (
            {"block_length": 0.5},
            ValueError,
            r"`block_length` must be a mean block length in \[1, 50\]",
        ),
        ({"block_length": 51}, ValueError, r"`block_length` must be a mean block length"),
        ({"block_length": "5"}, TypeError, r"`block_length` must be a mean block length"),
        ({"n_resamples": 0}, ValueError, r"`n_resamples` must be a positive integer"),
        ({"n_resamples": 10.0}, TypeError, r"`n_resamples` must be a positive integer"),
        ({"studentize": 1}, TypeError, r"`studentize` must be True or False"),
        ({"nested": "no"}, TypeError, r"`nested` must be True or False"),
        ({"rng": 1.5}, TypeError, r"`rng` must be None, an int"),
        ({"benchmark": np.zeros(49)}, ValueError, r"`benchmark` must be a number or a 1-D series"),
        ({"benchmark": np.full(50, np.nan)}, ValueError, r"`benchmark` must be finite"),
        ({"benchmark": "zero"}, TypeError, r"`benchmark` must be an array"),
    ],
)
def test_spa_invalid_options(kwargs, exc, match):
    x = np.random.default_rng(0).standard_normal((50, 3))
    with pytest.raises(exc, match=match):
        spa_test(x, **kwargs)


@pytest.mark.parametrize(
    "data, exc, match",
    [
        (np.zeros((9, 3)), ValueError, r"`losses_or_returns` must have at least 10 observations"),
        (np.zeros((20, 3, 2)), ValueError, r"must be 1-D or 2-D"),
        (np.array([["a"] * 3] * 20), TypeError, r"`losses_or_returns` must hold numbers"),
        (np.ones((20, 2), dtype=bool), TypeError, r"must hold numbers"),
        ("returns.csv", TypeError, r"must be an array or a pandas object"),
        (np.zeros((20, 0)), ValueError, r"at least 1 strategies"),
    ],
)
def test_spa_invalid_data(data, exc, match):
    with pytest.raises(exc, match=match):
        spa_test(data)


def test_spa_invalid_nan_and_index():
    x = np.random.default_rng(0).standard_normal((50, 3))
    x[7, 2] = np.nan
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"must be finite; got nan at row 7, column 'c'"):
        spa_test(frame)
    good = frame.fillna(0.0)
    with pytest.raises(ValueError, match=r"`benchmark` must have the same index"):
        spa_test(good, benchmark=pd.Series(np.zeros(50), index=np.arange(1, 51)))
    with pytest.raises(TypeError, match=r"column 'b' is not numeric"):
        spa_test(good.assign(b="x"))


def test_stepm_invalid_alpha():
    x = np.random.default_rng(0).standard_normal((50, 3))
    with pytest.raises(ValueError, match=r"`alpha` must be a probability \(the family-wise"):
        stepm(x, alpha=1.0)
    res = spa_test(x, block_length=2, n_resamples=50, rng=0)
    with pytest.raises(ValueError, match=r"`alpha` must be a probability"):
        res.critical_values(0.0)


def test_default_block_length_ranks_columns_before_demeaning():
    """k > 50: the block length comes from the 50 columns with the largest mean / sd of the
    differentials (40 persistent strategies with drift and the 10 best noise columns), not
    from columns chosen by rounding noise after demeaning."""
    rng = np.random.default_rng(2024)
    n_obs, k, k_pers = 500, 120, 40
    e = rng.standard_normal((n_obs, k)) * 0.01
    x = e.copy()
    for t in range(1, n_obs):  # AR(1), phi = 0.9: long optimal blocks
        x[t, :k_pers] = 0.9 * x[t - 1, :k_pers] + e[t, :k_pers]
    x[:, :k_pers] += 0.03  # drift: mean / sd > 0.6, far above the noise columns' (< 0.1)
    ratio = x.mean(axis=0) / x.std(axis=0)
    top = np.sort(np.argsort(-ratio)[:50])
    assert set(range(k_pers)) <= set(top)
    intended = np.median(arch_bootstrap.optimal_block_length(x[:, top])["stationary"])
    noise = np.median(
        arch_bootstrap.optimal_block_length(x[:, k_pers : k_pers + 50])["stationary"]
    )
    assert intended > 3 * noise  # persistent columns: clearly longer blocks
    # ranking the demeaned data (ratios ~1e-16) picks columns by rounding noise: short blocks
    assert intended > 3 * politis_white_block_length(x - x.mean(axis=0))
    assert_allclose(politis_white_block_length(x), intended, rtol=1e-12)
    res = spa_test(x, n_resamples=50, rng=1)
    assert res.block_length_method == "politis-white"
    # exact: the same columns and the same arch computation
    assert_allclose(res.block_length, intended, rtol=1e-12)
    assert_allclose(stepm(x, n_resamples=50, rng=1).spa.block_length, intended, rtol=1e-12)


def test_spa_runs_with_numba_disabled():
    # NUMBA_DISABLE_JIT=1 (debugging) runs every kernel as Python; the block sums'
    # register intrinsic has no Python form, so its plain twin stands in: same p-values
    import os
    import subprocess
    import sys

    code = (
        "import numpy as np, riskcycle as rc\n"
        "x = np.random.default_rng(0).normal(size=(200, 4))\n"
        "r = rc.snooping.spa_test(x, n_resamples=50, rng=0)\n"
        "print(repr((r.pvalue_lower, r.pvalue_consistent, r.pvalue_upper)))\n"
    )
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    import riskcycle as rc

    x = np.random.default_rng(0).normal(size=(200, 4))
    r = rc.snooping.spa_test(x, n_resamples=50, rng=0)
    assert out.stdout.strip() == repr((r.pvalue_lower, r.pvalue_consistent, r.pvalue_upper))
