"""Tests of the SPA / StepM hot path: chunked resampling, threads, ``n_jobs``, memory.

The references are riskcycle's own plain-Python twins (same floating-point operations
in the same order, so equality is exact) and the documented draw order of
:func:`riskcycle._resample.stationary_blocks`; agreement with arch is in
``test_snooping_spa.py``.
"""

from __future__ import annotations

import math
import threading
import tracemalloc
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from riskcycle._resample import stationary_blocks
from riskcycle._threads import check_n_jobs, run_tasks, thread_pool
from riskcycle.exceptions import DegenerateDataWarning
from riskcycle.snooping import _nb, _spa, spa_test, stepm
from riskcycle.snooping import _resample as rs
from riskcycle.snooping._input import as_matrix


def _data(n_obs=200, k=150, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_obs, k)) * 0.01
    x[1:] += 0.2 * x[:-1]
    x[:, :4] += 0.004  # a few strategies with an edge: StepM takes several steps
    x[:, 7] = 0.0005  # a constant differential: left out of the studentized maxima
    return x


def _reference_blocks(rng, n_obs, block_length, n_resamples):
    """The documented draw: groups of 2**19 // width resamples, each one
    ``stationary_blocks`` call (lengths, then starts), trimmed to n_obs."""
    mean_blocks = 1.0 + (n_obs - 1) / block_length
    width = min(math.ceil(mean_blocks + 6.0 * math.sqrt(mean_blocks) + 10.0), n_obs)
    group = max(1, (1 << 19) // width)
    starts_all, lengths_all, counts = [], [], []
    for first in range(0, n_resamples, group):
        starts, lengths = stationary_blocks(
            rng, n_obs, block_length, min(group, n_resamples - first)
        )
        for s_row, l_row in zip(starts, lengths, strict=True):
            ends = np.cumsum(l_row)
            n = int((ends < n_obs).sum()) + 1
            cut = l_row[:n].copy()
            cut[-1] = n_obs - (ends[n - 2] if n > 1 else 0)
            starts_all.append(s_row[:n])
            lengths_all.append(cut)
            counts.append(n)
    return np.concatenate(starts_all), np.concatenate(lengths_all), np.array(counts)


@pytest.mark.parametrize(
    ("n_obs", "block_length", "n_resamples"),
    [(4000, 10.0, 1100), (50, 50.0, 30), (300, 3.3, 977), (12, 1.0, 600)],
)
def test_chunked_draws_are_the_documented_stream(n_obs, block_length, n_resamples):
    # the first case spans two draw groups (985 resamples each), the last has one
    # block length per observation; chunk sizes that do and do not divide the group
    ref = _reference_blocks(np.random.default_rng(8), n_obs, block_length, n_resamples)
    whole_rng = np.random.default_rng(8)
    whole = rs.draw_stationary_blocks(whole_rng, n_obs, block_length, n_resamples)
    assert_array_equal(whole.starts, ref[0])
    assert_array_equal(whole.lengths, ref[1])
    assert_array_equal(np.diff(whole.offsets), ref[2])
    for chunk in (1, 7, rs.CHUNK_RESAMPLES, 10**6):
        g = np.random.default_rng(8)
        parts = list(rs.iter_stationary_blocks(g, n_obs, block_length, n_resamples, chunk))
        assert [first for first, _ in parts] == list(
            np.cumsum([0] + [p.offsets.shape[0] - 1 for _, p in parts])[:-1]
        )
        assert max(p.offsets.shape[0] - 1 for _, p in parts) <= chunk
        assert_array_equal(np.concatenate([p.starts for _, p in parts]), ref[0])
        assert_array_equal(np.concatenate([p.lengths for _, p in parts]), ref[1])
        assert_array_equal(np.concatenate([np.diff(p.offsets) for _, p in parts]), ref[2])
        # the caller's generator ends where one draw of everything leaves it
        assert g.bit_generator.state == whole_rng.bit_generator.state


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_bootstrap_sums_equal_the_twin_on_any_number_of_threads(threads):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((150, 70))
    n_rep = 2 * rs.CHUNK_RESAMPLES + 37  # several chunks, the last one partial
    sums = rs.bootstrap_sums(x, np.random.default_rng(5), 6.0, n_rep, threads=threads)
    blocks = rs.draw_stationary_blocks(np.random.default_rng(5), 150, 6.0, n_rep)
    assert_array_equal(sums, _nb.block_sums_py(x, blocks.starts, blocks.lengths, blocks.offsets))


def test_maxima_kernels_equal_their_twins():
    rng = np.random.default_rng(6)
    centred = rng.standard_normal((300, 40))
    shifts = rng.standard_normal((4, 40))
    scales = rng.uniform(0.5, 2.0, (4, 40))
    use = rng.uniform(size=(4, 40)) < 0.7
    use[2] = False  # a maximum over no column: -inf, argmax -1
    for threads in (1, 3):
        got = _nb.recentred_maxima(centred, shifts, scales, use, arg_row=1, threads=threads)
        ref = _nb.recentred_maxima_py(centred, shifts, scales, use, arg_row=1)
        assert_array_equal(got[0], ref[0])
        assert_array_equal(got[1], ref[1])
    assert (got[0][:, 2] == -np.inf).all()
    # shrinking the set of columns gives exactly a full recomputation over the new set
    active = use[1].copy()
    maxima, argmax = got[0][:, 1].copy(), got[1].copy()
    twin_max, twin_arg = maxima.copy(), argmax.copy()
    for drop in np.flatnonzero(active)[:3]:
        active[drop] = False
        _nb.update_maxima(centred, shifts[1], scales[1], active, maxima, argmax, threads=2)
        _nb.update_maxima_py(centred, shifts[1], scales[1], active, twin_max, twin_arg)
        full, full_arg = _nb.recentred_maxima_py(
            centred, shifts[1:2], scales[1], active, arg_row=0
        )
        assert_array_equal(maxima, full[:, 0])
        assert_array_equal(argmax, full_arg)
        assert_array_equal(twin_max, full[:, 0])
        assert_array_equal(twin_arg, full_arg)


def _stepm_by_full_recomputation(x_t, centred, shift, scale, alpha):
    """StepM as Romano & Wolf state it: each step's maxima over the strategies not
    yet rejected, recomputed from the bootstrap means (the plain twin)."""
    active = np.isfinite(x_t)
    steps = []
    while active.any():
        maxima = _nb.recentred_maxima_py(centred, shift[None], scale, active)[:, 0]
        crit = float(np.percentile(maxima, 100.0 * (1.0 - alpha)))
        new = active & (x_t > crit)
        steps.append((len(steps) + 1, int(active.sum()), crit, int(new.sum())))
        if not new.any():
            break
        active &= ~new
    return pd.DataFrame(steps, columns=["step", "n_tested", "critical_value", "n_rejected"])


def test_stepm_steps_equal_a_full_recomputation_per_step():
    x = _data()
    d = x.copy()
    with pytest.warns(DegenerateDataWarning):
        res = stepm(x, alpha=0.1, block_length=4.0, n_resamples=400, rng=9)
    # the bootstrap means of the same call (same rng), to recompute every step in full
    options = _spa._StepMOptions(
        kind="returns",
        benchmark="zero",
        block_length=4.0,
        n_resamples=400,
        studentize=True,
        nested=False,
        threads=None,
        rng=np.random.default_rng(9),
        alpha=0.1,
    )
    bs = _spa._bootstrap(d, list(range(x.shape[1])), options)
    omega = np.sqrt(bs.variance)
    usable = (omega > 0) & ~bs.constant
    scale = np.divide(math.sqrt(x.shape[0]), omega, out=np.zeros(x.shape[1]), where=usable)
    ref = _stepm_by_full_recomputation(
        res.spa.strategies["t_statistic"].to_numpy(),
        bs.centred,
        np.where(bs.relevant, 0.0, bs.mean),
        scale,
        0.1,
    )
    assert len(ref) >= 2  # the example rejects in more than one step
    pd.testing.assert_frame_equal(res.steps, ref)


def _fingerprint(fn, x, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        r = fn(x, block_length=3.5, n_resamples=2 * rs.CHUNK_RESAMPLES + 11, rng=21, **kw)
    spa = r if fn is spa_test else r.spa
    out = [spa.null_distribution, spa.reality_check_null_distribution, spa.pvalues.to_numpy()]
    if fn is stepm:
        out += [r.steps.to_numpy(), np.array(r.superior)]
    return out


@pytest.mark.parametrize("fn", [spa_test, stepm])
@pytest.mark.parametrize("studentize", [True, False])
def test_results_identical_for_every_n_jobs(fn, studentize):
    # 150 columns: several tiles; 523 resamples: three chunks; a benchmark series
    x = _data()
    bench = np.random.default_rng(1).standard_normal(x.shape[0]) * 0.001
    kw = dict(studentize=studentize, benchmark=bench, kind="losses")
    one = _fingerprint(fn, x, n_jobs=1, **kw)
    for n_jobs in (2, 3, None, -1, np.int64(2)):
        for a, b in zip(one, _fingerprint(fn, x, n_jobs=n_jobs, **kw), strict=True):
            assert_array_equal(a, b)


@pytest.mark.parametrize("fn", [spa_test, stepm])
@pytest.mark.parametrize(
    ("n_jobs", "exc", "match"),
    [
        (0, ValueError, r"`n_jobs` must be a positive number of threads, -1 or None .*got 0"),
        (-2, ValueError, r"`n_jobs` must be a positive number of threads, -1 or None .*got -2"),
        (1.5, TypeError, r"`n_jobs` must be a positive number of threads.*float"),
        (True, TypeError, r"`n_jobs` must be a positive number of threads.*bool"),
        ("2", TypeError, r"`n_jobs` must be a positive number of threads.*str"),
    ],
)
def test_invalid_n_jobs(fn, n_jobs, exc, match):
    with pytest.raises(exc, match=match):
        fn(np.zeros((20, 2)) + np.arange(20)[:, None], n_jobs=n_jobs, rng=0)


def test_check_n_jobs_values():
    assert check_n_jobs(None) is None and check_n_jobs(-1) is None
    assert check_n_jobs(3) == 3 and check_n_jobs(np.int32(2)) == 2


def test_input_copied_once_checked_alike_on_threads():
    rng = np.random.default_rng(2)
    for data in (
        rng.standard_normal((3000, 50)),
        np.asfortranarray(rng.standard_normal((700, 9))),
        rng.integers(-5, 5, (400, 3)),
        pd.DataFrame(rng.standard_normal((300, 4)), columns=list("abcd")),
    ):
        before = np.array(data, copy=True)
        one = as_matrix(data, "x", threads=1)[0]
        three = as_matrix(data, "x", threads=3)[0]
        assert one.flags.c_contiguous and one.dtype == np.float64
        assert_array_equal(one, np.asarray(before, dtype=np.float64))
        assert_array_equal(one, three)
        assert not np.shares_memory(one, np.asarray(data))
        assert_array_equal(np.asarray(data), before)  # the caller's data untouched
    bad = rng.standard_normal((3000, 50))
    bad[2999, 49] = -np.inf
    with pytest.raises(ValueError, match=r"must be finite; got -inf at row 2999, column 49"):
        as_matrix(bad, "x", threads=3)
    bad[1234, 3] = np.nan
    with pytest.raises(ValueError, match=r"must be finite; got nan at row 1234, column 3"):
        as_matrix(bad, "x", threads=3)
    with pytest.raises(ValueError, match=r"has values of magnitude up to 1e\+60"):
        as_matrix(np.r_[np.ones(2999), -1e60].reshape(3000, 1), "x", threads=3)


def test_spa_memory_does_not_grow_with_the_blocks_of_all_resamples():
    # 2,000 observations with mean block length 4: about 500 blocks (8 kB of starts and
    # lengths) per resample against 16 columns (128 bytes of bootstrap means). Drawing
    # the blocks of every resample at once made the peak grow by ~8 kB per resample;
    # now it grows by the bootstrap means and the null distributions only.
    x = np.random.default_rng(7).standard_normal((2000, 16))
    spa_test(x, block_length=4.0, n_resamples=20, rng=0)  # compiled outside the trace

    def peak(n_rep):
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            spa_test(x, block_length=4.0, n_resamples=n_rep, rng=1)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    grow = (peak(2 * rs.CHUNK_RESAMPLES + 3000) - peak(2 * rs.CHUNK_RESAMPLES)) / 3000
    # per resample: 16 means + 4 maxima + 3 + 1 null values + the argmax (8 bytes each),
    # with room for numpy's temporaries (3x); all blocks would add ~8,000 bytes
    assert grow <= 3 * 8 * (16 + 4 + 3 + 1 + 1), grow


def test_thread_pool_is_reused_and_nested_calls_do_not_deadlock():
    seen = set()
    out = np.zeros(40)

    def inner(lo, hi):
        out[lo:hi] += 1

    def outer(lo, hi):
        # executor threads are named "<executor name>_<i>", the name counted per pool
        seen.add(threading.current_thread().name.rsplit("_", 1)[0])
        run_tasks(inner, 40, threads=2)  # from a pool thread: its own pool

    with thread_pool(2):
        for _ in range(3):
            run_tasks(outer, 8, threads=2)
    assert len(seen) == 1  # one pool served the three calls
    assert_array_equal(out, 24.0)
