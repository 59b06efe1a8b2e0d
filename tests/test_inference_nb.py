"""Compiled kernels of riskcycle.inference against their plain twins, brute force and arch."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from riskcycle import _nb_match, _nb_spacing
from riskcycle import _nb_sets as _nb
from riskcycle._sample import Windows
from riskcycle.inference import _nb_paths
from riskcycle.inference._common import _anchors_ns


def _candidates(rng, n_days=60, keep=0.6):
    days = np.flatnonzero(rng.random(n_days) < keep).astype(np.int64)
    return days


def _nxt(tday, s):
    return np.searchsorted(tday, tday + s, side="left").astype(np.int64)


# ---------------------------------------------------------------------------
# spaced sets
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("k", "s"), [(1, 1), (2, 5), (3, 7), (4, 3)])
def test_spaced_tables_count_equals_brute_force_and_twin(seed, k, s):
    tday = _candidates(np.random.default_rng(seed))
    nxt = _nxt(tday, s)
    table, log_count = _nb.spaced_tables(nxt, k)
    table_np, log_count_np = _nb.spaced_tables_py(nxt, k)
    assert_array_equal(table, table_np)  # same recursion, same summation order
    assert log_count == log_count_np
    brute = _nb.spaced_enumerate_py(tday, s, k)
    # the count is exact in floating point for these sizes (< 2**53)
    assert round(np.exp(log_count)) == len(brute)
    rows = _nb.spaced_enumerate(table, nxt, k, len(brute))
    assert_array_equal(rows, brute)  # same sets in the same (lexicographic) order


def test_spaced_tables_report_no_admissible_set():
    tday = np.arange(10, dtype=np.int64)
    _, log_count = _nb.spaced_tables(_nxt(tday, 5), 3)  # 3 dates 5 apart need 11 days
    assert log_count == -np.inf


def test_spaced_sample_matches_twin_and_is_uniform():
    rng = np.random.default_rng(11)
    tday = _candidates(rng, 40, 0.7)
    k, s = 3, 4
    nxt = _nxt(tday, s)
    table, log_count = _nb.spaced_tables(nxt, k)
    u = rng.random((200_000, k))
    a = _nb.spaced_sample(table, nxt, u)
    b = _nb.spaced_sample_py(table, nxt, u)
    assert_array_equal(a, b)
    assert (np.diff(tday[a], axis=1) >= s).all()
    # every admissible set equally likely: chi-square goodness of fit over all sets
    sets = _nb.spaced_enumerate_py(tday, s, k)
    assert round(np.exp(log_count)) == len(sets)
    code = {tuple(r): i for i, r in enumerate(sets)}
    counts = np.bincount([code[tuple(r)] for r in a], minlength=len(sets))
    assert counts.min() > 0
    assert stats.chisquare(counts).pvalue > 1e-3


def test_contiguous_sample_is_stars_and_bars():
    rng = np.random.default_rng(5)
    m, k, s = 25, 3, 4
    u = rng.random((100_000, k))
    a = _nb.contiguous_sample(m, s, u)
    assert_array_equal(a, _nb.contiguous_sample_py(m, s, u))
    assert (np.diff(a, axis=1) >= s).all() and a.min() >= 0 and a.max() < m
    # the same support as the general sampler with every day eligible, uniformly covered
    sets = _nb.spaced_enumerate_py(np.arange(m, dtype=np.int64), s, k)
    code = {tuple(r): i for i, r in enumerate(sets)}
    counts = np.bincount([code[tuple(r)] for r in a], minlength=len(sets))
    assert stats.chisquare(counts).pvalue > 1e-3


# ---------------------------------------------------------------------------
# matched tuples
# ---------------------------------------------------------------------------
def _pools(rng, m=40, k=3, size=8):
    pools = [np.sort(rng.choice(m, size=size, replace=False)) for _ in range(k)]
    off = np.concatenate([[0], np.cumsum([len(p) for p in pools])]).astype(np.int64)
    return np.concatenate(pools).astype(np.int64), off


def test_matched_enumerate_equals_product_filter():
    rng = np.random.default_rng(2)
    tday = np.sort(rng.choice(120, size=40, replace=False)).astype(np.int64)
    pool, off = _pools(rng)
    for s in (1, 10, 30):
        brute = _nb.matched_enumerate_py(pool, off, tday, s)
        cnt, rows = _nb.matched_enumerate(pool, off, tday, s, 10**6, store=True)
        assert cnt == len(brute)
        assert_array_equal(rows, brute)
    # the count stops just after the limit
    cnt, rows = _nb.matched_enumerate(pool, off, tday, 1, 5, store=True)
    assert cnt == 6 and len(rows) == 5


def test_matched_sample_twin_and_uniform_over_admissible_tuples():
    rng = np.random.default_rng(4)
    tday = np.sort(rng.choice(120, size=40, replace=False)).astype(np.int64)
    pool, off = _pools(rng)
    s = 12
    admissible = _nb.matched_enumerate_py(pool, off, tday, s)
    u = rng.random((300_000, 3))
    out_a = np.empty((60_000, 3), dtype=np.int64)
    out_b = np.empty((60_000, 3), dtype=np.int64)
    fa, ua = _nb.matched_sample(pool, off, tday, s, u, out_a, 0)
    fb, ub = _nb.matched_sample_py(pool, off, tday, s, u, out_b, 0)
    assert (fa, ua) == (fb, ub) and fa == 60_000
    assert_array_equal(out_a, out_b)
    code = {tuple(r): i for i, r in enumerate(admissible)}
    idx = np.array([code[tuple(r)] for r in out_a])  # KeyError if a tuple were inadmissible
    assert stats.chisquare(np.bincount(idx, minlength=len(admissible))).pvalue > 1e-3
    # acceptance rate = admissible / all tuples
    total = np.prod(np.diff(off))
    assert_allclose(fa / ua, len(admissible) / total, rtol=0.05)  # MC error about 1%


def test_matched_sample_resumes_from_start_row():
    rng = np.random.default_rng(8)
    tday = np.arange(50, dtype=np.int64)
    pool, off = _pools(rng, m=50, k=2, size=10)
    u = rng.random((50, 2))
    out = np.zeros((30, 2), dtype=np.int64)
    f1, _ = _nb.matched_sample(pool, off, tday, 3, u[:20], out, 0)
    f2, _ = _nb.matched_sample(pool, off, tday, 3, u[20:], out, f1)
    ref = np.zeros((30, 2), dtype=np.int64)
    f3, _ = _nb.matched_sample(pool, off, tday, 3, u, ref, 0)
    assert f2 == f3
    assert_array_equal(out[:f2], ref[:f3])


# ---------------------------------------------------------------------------
# statistics and bootstraps
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("window", [0, 1, 90, 800, 3000])
def test_halving_pools_equal_the_every_candidate_every_anchor_twin(seed, window):
    # the binary-search kernel must give the same pools, element for element, as testing
    # every candidate against every anchor: whole-day times (ties at the window's edge),
    # times within a day, and windows wide enough that the anchors' runs overlap
    rng = np.random.default_rng(seed)
    anchors = np.asarray(_anchors_ns())
    day = _nb_match.DAY_NS
    n = int(rng.integers(1, 500))
    if seed % 2:
        t_c = np.sort(anchors[0] + rng.integers(0, 7000, n) * day)
    else:
        t_c = np.sort(rng.integers(anchors[0], anchors[-1] + 900 * day, n))
    t_e = anchors[0] + rng.integers(0, 7000, 4) * day + (seed % 3 == 0) * day // 3
    for other in (False, True):
        got = _nb_match.halving_pools(t_c, anchors, t_e, window, other)
        want = _nb_match.halving_pools_py(t_c, anchors, t_e, window, other)
        for g, w in zip(got, want, strict=True):
            assert_array_equal(g, w)
        pools = np.split(got[0], got[1][1:-1])
        assert all((np.diff(p) > 0).all() for p in pools)  # ascending, no repeats


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_matched_pvalues_kernel_equals_its_twin_and_the_per_set_path(seed, alternative):
    """The halving-matched calibration's fused kernel gives, from the same generator, the
    p-values of the per-set path it replaces (pools, rejection draws, means, Monte Carlo
    p-value) and of its plain twin, bit for bit, and leaves the generator in the same
    state; sets with an empty pool or beyond the proposal limit are NaN and consume no
    draws, or the draws made until the limit."""
    from riskcycle import _calibration

    rng = np.random.default_rng(seed)
    anchors = np.asarray(_anchors_ns())
    day = _nb_match.DAY_NS
    n_bars = 3000
    t_all = anchors[1] - 400 * day + np.arange(n_bars) * day  # one bar a day
    tday = np.arange(n_bars, dtype=np.int64)
    fwd = np.round(rng.normal(0, 0.1, n_bars), 3)  # ties among the means
    cand = np.arange(0, n_bars - 30)
    sets = np.sort(rng.choice(cand, size=(12, 3), replace=False), axis=1)
    sets[4] = [0, 1, 2]  # within the first 400 days: empty pools with window 0
    kw = dict(window=20, other=bool(seed % 2), tday=tday[cand], values=fwd[cand], fwd=fwd)
    cases = [(20, 50_000_000), (20, 1500)] + [(0, 50_000_000)] * kw["other"]
    for window, limit in cases:
        kw["window"] = window
        gens = [np.random.default_rng(100 + seed) for _ in range(3)]
        args = (t_all[cand], t_all, anchors)
        got = _nb_match.matched_pvalues(
            gens[0], sets, *args, spacing=40, alternative=alternative, n_draws=999,
            limit=limit, **kw,
        )  # fmt: skip
        twin = _nb_match.matched_pvalues_py(
            gens[1], sets, *args, spacing=40, alternative=alternative, n_draws=999,
            limit=limit, **kw,
        )  # fmt: skip
        win = Windows(horizon=30, end=np.zeros(n_bars, dtype=np.int64),
                        complete=np.isin(np.arange(n_bars), cand), fwd=fwd)  # fmt: skip
        per_set = np.array([
            _calibration._matched_pvalue(
                win, t_all[cand], t_all, tday[cand], fwd[cand], row, window=window,
                cycles="other" if kw["other"] else "all", spacing=40, kind=0, func=None,
                alt=alternative, n_draws=999, rng=gens[2],
            ) if limit > 10_000 else np.nan
            for row in sets
        ])  # fmt: skip
        assert_array_equal(got, twin)
        state = gens[0].bit_generator.state
        assert gens[1].bit_generator.state == state
        if limit > 10_000:  # the per-set path's limit is the module's own
            assert_array_equal(got, per_set)
            assert gens[2].bit_generator.state == state
        if window == 0:  # no other cycle at exactly the same phase
            assert np.isnan(got[4])
        if window and limit > 10_000:
            assert np.isfinite(got).sum() >= 8  # the case is not all NaN


def test_set_statistic_mean_and_median():
    rng = np.random.default_rng(0)
    values = rng.standard_normal(50)
    for k in (1, 2, 5):
        idx = rng.integers(0, 50, size=(1000, k))
        assert_array_equal(_nb.set_statistic(values, idx, 0), _nb.set_statistic_py(values, idx, 0))
        assert_allclose(
            _nb.set_statistic(values, idx, 1), np.median(values[idx], axis=1), rtol=0, atol=1e-15
        )
        assert_allclose(_nb.set_statistic(values, idx, 0), values[idx].mean(axis=1), rtol=1e-14)


def test_window_block_sums_and_path_statistics_match_twins():
    rng = np.random.default_rng(3)
    segs = [rng.standard_normal(n) for n in (30, 17, 1)]
    prefix = np.concatenate([np.concatenate([[0.0], np.cumsum(s)]) for s in segs])
    lens = np.array([len(s) for s in segs], dtype=np.int64)
    p_off = np.concatenate([[0], np.cumsum(lens + 1)[:-1]]).astype(np.int64)
    starts = rng.integers(0, 1000, size=(50, 60)).astype(np.int64)
    lengths = rng.geometric(0.3, size=(50, 60)).astype(np.int64)
    c_off = np.array([0, 30, 50, 60], dtype=np.int64)
    a = _nb_paths.window_block_sums(prefix, p_off, lens, starts, lengths, c_off)
    b = _nb_paths.window_block_sums_py(prefix, p_off, lens, starts, lengths, c_off)
    assert a[2] == b[2] == 0
    assert_allclose(a[0], b[0], rtol=1e-12, atol=1e-12)
    assert_allclose(a[1], b[1], rtol=1e-10, atol=1e-12)
    assert_allclose(a[0][:, 2], segs[2][0])  # a one-bar window always resamples itself
    x = rng.standard_normal(80)
    starts = rng.integers(0, 80, size=(40, 90)).astype(np.int64)
    lengths = rng.geometric(0.25, size=(40, 90)).astype(np.int64)
    f_start = np.arange(0, 70, dtype=np.int64)
    f_end = f_start + 10
    for kind in (0, 1):
        a = _nb_paths.path_statistics(x, starts, lengths, f_start, f_end, kind)
        b = _nb_paths.path_statistics_py(x, starts, lengths, f_start, f_end, kind)
        assert a[2] == b[2] == 0
        assert_allclose(a[0], b[0], rtol=1e-10, atol=1e-12)
        assert_allclose(a[1], b[1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("method", ["stationary", "circular"])
def test_block_scheme_matches_arch_in_distribution(method):
    """Our pre-drawn blocks give arch's StationaryBootstrap / CircularBlockBootstrap."""
    from arch.bootstrap import CircularBlockBootstrap, StationaryBootstrap

    from riskcycle.inference._bootstrap import draw_blocks

    rng = np.random.default_rng(20)
    n, block, reps = 300, 6.0, 3000
    e = rng.standard_normal(n + 1)
    x = e[1:] + 0.8 * e[:-1]  # MA(1): blocks matter
    starts, lengths = draw_blocks(np.random.default_rng(1), reps, n, n, block, method)
    prefix = np.concatenate([[0.0], np.cumsum(x)])
    ours, _, short = _nb_paths.window_block_sums(
        prefix, np.array([0]), np.array([n]), starts, lengths, np.array([0, starts.shape[1]])
    )
    assert short == 0
    ours = ours[:, 0] / n
    cls = StationaryBootstrap if method == "stationary" else CircularBlockBootstrap
    bs = cls(int(block), x, seed=np.random.default_rng(2))
    theirs = bs.apply(np.mean, reps)[:, 0]
    # same distribution of the resampled mean: two-sample KS, and variances within MC error
    assert stats.ks_2samp(ours, theirs).pvalue > 1e-3
    ratio = ours.var() / theirs.var()
    assert 0.88 < ratio < 1.12  # s.e. of a variance ratio with 3000 + 3000 draws: about 0.037


# ---------------------------------------------------------------------------
# GARCH
# ---------------------------------------------------------------------------
def test_garch_paths_twin():
    z = np.random.default_rng(0).standard_normal((7, 120))
    a = _nb_paths.garch_paths(z, 0.05, 0.02, 0.1, 0.85, 0.4, 20)
    b = _nb_paths.garch_paths_py(z, 0.05, 0.02, 0.1, 0.85, 0.4, 20)
    assert a.shape == (7, 100)
    assert_allclose(a, b, rtol=1e-14, atol=0)


def test_garch_simulator_matches_arch_simulate():
    """Moments and marginal distribution against arch's ConstantMean(GARCH, StudentsT).simulate."""
    from arch.univariate import GARCH, ConstantMean, StudentsT

    from riskcycle.inference._garch_null import simulate_garch_t

    params = {"mu": 0.1, "omega": 0.05, "alpha": 0.1, "beta": 0.85, "nu": 6.0}
    n_paths, n_obs, burn = 300, 200, 500
    ours = 100 * simulate_garch_t(params, n_paths, n_obs, burn, np.random.default_rng(3))
    model = ConstantMean(
        None, volatility=GARCH(1, 0, 1), distribution=StudentsT(seed=np.random.default_rng(4))
    )
    vec = np.array([params[k] for k in ("mu", "omega", "alpha", "beta", "nu")])
    theirs = np.vstack(
        [model.simulate(vec, n_obs, burn=burn)["data"].to_numpy() for _ in range(n_paths)]
    )
    # unconditional moments: mean mu, variance omega / (1 - alpha - beta) = 1.0
    for sim in (ours, theirs):
        assert abs(sim.mean() - 0.1) < 0.03
        assert abs(sim.var() / 1.0 - 1) < 0.1
    assert abs(stats.kurtosis(ours.ravel()) - stats.kurtosis(theirs.ravel())) < 1.5
    # the last value of each path: independent across paths, same marginal law
    assert stats.ks_2samp(ours[:, -1], theirs[:, -1]).pvalue > 1e-3

    # volatility clustering: autocorrelation of squared returns at lag 1 agrees
    def acf1(a):
        a2 = a**2 - (a**2).mean()
        return (a2[:, 1:] * a2[:, :-1]).mean() / (a2**2).mean()

    assert abs(acf1(ours) - acf1(theirs)) < 0.06


# ---------------------------------------------------------------------------
# power batch
# ---------------------------------------------------------------------------
def test_power_batch_matches_twin_and_linearity():
    rng = np.random.default_rng(9)
    x = rng.standard_normal(300) * 0.02
    n_bars, h, s, k = 400, 20, 25, 3
    starts = rng.integers(0, 300, size=(4, 200)).astype(np.int64)
    lengths = rng.geometric(0.3, size=(4, 200)).astype(np.int64)
    u_ev = rng.random((4, k))
    u_pl = rng.random((4, 15, k))
    a = _nb_paths.power_batch(x, starts, lengths, n_bars, h, s, u_ev, u_pl)
    b = _nb_paths.power_batch_py(x, starts, lengths, n_bars, h, s, u_ev, u_pl)
    assert a[4] == b[4] == 0
    for v, w in zip(a[:4], b[:4], strict=True):
        assert_allclose(v, w, rtol=1e-12, atol=1e-14)
    # spacing >= horizon: the events' own windows carry the whole injected effect once
    assert_allclose(a[1], 1.0)
    assert (a[3] >= 0).all() and (a[3] <= 1 + 1e-12).all()


@pytest.mark.parametrize("module", [_nb, _nb_paths, _nb_match, _nb_spacing])
def test_twins_cover_every_kernel(module):
    """One twin convention: every compiled kernel ``_x_nb`` is called through ``x``, with its
    plain-Python twin ``x_py`` beside it; no ``*_np`` twins and no ``compiled=`` flags."""
    import inspect

    names = list(vars(module))
    kernels = {
        n[1:-3]
        for n in names
        if n.startswith("_")
        and n.endswith("_nb")
        and getattr(module, n).py_func.__module__ == module.__name__  # defined here
    }
    assert kernels  # the listing works
    kernels -= {
        "circ_sum",
        "first_at_least",
        "pool_of",
        "pvalue_of_one",
        "glued_path",
    }  # helpers (both twins)
    # one kernel per statistic (a mean never compiles the median's sort), one function
    by_statistic = {
        "set_mean": "set_statistic",
        "set_median": "set_statistic",
        "path_means": "path_statistics",
        "path_medians": "path_statistics",
    }
    kernels = {by_statistic.get(k, k) for k in kernels}
    assert {k for k in kernels if k not in names or k + "_py" not in names} == set()
    assert [n for n in names if n.endswith("_np") or n.endswith("_numpy")] == []
    public = [getattr(module, n) for n in module.__all__]
    assert [f.__name__ for f in public if "compiled" in inspect.signature(f).parameters] == []


def test_a_mean_statistic_loads_no_median_kernel():
    """The report's statistic is the mean: its calls must not compile (or load) the median's
    kernels, whose sort and selection dominate a cold compile (checked in a fresh process)."""
    import subprocess
    import sys

    code = (
        "import numpy as np\n"
        "from riskcycle import _nb_sets\n"
        "from riskcycle.inference import _nb_paths\n"
        "v = np.arange(10.0); idx = np.array([[0, 3], [2, 5]])\n"
        "_nb_sets.set_statistic(v, idx, 0)\n"
        "st = np.zeros((1, 3), dtype=np.int64); ln = np.full((1, 3), 4, dtype=np.int64)\n"
        "f = np.array([0, 2]); e = np.array([3, 5])\n"
        "_nb_paths.path_statistics(v, st, ln, f, e, 0)\n"
        "print(len(_nb_sets._set_mean_nb.signatures), len(_nb_sets._set_median_nb.signatures),"
        " len(_nb_paths._path_means_nb.signatures), len(_nb_paths._path_medians_nb.signatures))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.split() == ["1", "0", "1", "0"]
