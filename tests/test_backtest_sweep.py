"""riskcycle.backtesting.sweep: the grid as one batch, and its data-snooping statistics."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import riskcycle
from riskcycle import snooping
from riskcycle.backtesting import SweepResult, sweep
from riskcycle.exceptions import DegenerateDataWarning, EventsExcludedWarning

COSTS = dict(fees=0.001, slippage=0.001)
# with min_gap=250, margins 0 and 0.001 pick the same Russell 2000 events
GRID = dict(
    min_gap=[150, 250, 400],
    margin=[0.0, 0.001],
    horizons=[180, 365],
    delay=["0h", "1D"],
    trailing_stop=[None, 0.3],
    exit_below=[None, "prior_record"],
)


@pytest.fixture(scope="module")
def result(rut, btc):
    return sweep(rut, btc, **GRID, n_resamples=300, n_partitions=8, rng=7, **COSTS)


def test_grid_layout(result, btc):
    res = result
    assert isinstance(res, SweepResult)
    k = 3 * 2 * 2 * 2 * 2 * 2
    assert res.returns.shape == (len(btc), k) and res.n_strategies == k
    g = res.grid
    assert list(g.columns[:6]) == [
        "min_gap",
        "margin",
        "horizon",
        "delay",
        "trailing_stop",
        "exit_below",
    ]
    # rows in itertools.product order of the grid
    assert g["min_gap"].tolist()[:32] == [150] * 32
    assert pd.isna(g["exit_below"].iloc[0]) and g["exit_below"].iloc[1] == "prior_record"
    assert np.isnan(g["trailing_stop"].iloc[0]) and g["trailing_stop"].iloc[2] == 0.3
    assert g["delay"].iloc[4] == pd.Timedelta("1D")
    np.testing.assert_allclose(g["total_return"], np.prod(1 + res.returns, axis=0) - 1, rtol=1e-12)
    assert res.n_distinct < k
    m250 = g["min_gap"] == 250
    np.testing.assert_array_equal(
        g.loc[m250 & (g["margin"] == 0.001), "distinct"], g.index[m250 & (g["margin"] == 0.0)]
    )
    # a combination and the one whose trades it repeats have identical returns
    dup = g.index[g["distinct"] != g.index]
    for j in dup[:5]:
        np.testing.assert_array_equal(res.returns[j], res.returns[g.loc[j, "distinct"]])
    assert res.best == int(g["sharpe_ratio"].idxmax())


@pytest.mark.parametrize("row", [0, 27, 94])
def test_columns_equal_single_backtests(result, rut, btc, row):
    g = result.grid.loc[row]
    ev = riskcycle.breakouts(rut, min_gap=int(g["min_gap"]), margin=float(g["margin"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventsExcludedWarning)
        one = riskcycle.backtest(
            btc,
            ev,
            horizon=int(g["horizon"]),
            delay=g["delay"],
            n_resamples=0,
            trailing_stop=None if np.isnan(g["trailing_stop"]) else float(g["trailing_stop"]),
            exit_below=None if pd.isna(g["exit_below"]) else g["exit_below"],
            leader=rut,
            **COSTS,
        )
    np.testing.assert_allclose(
        result.returns[row].to_numpy(), one.returns.to_numpy(), rtol=0, atol=1e-10
    )
    assert result.grid.loc[row, "n_trades"] == one.n_trades
    assert result.grid.loc[row, "sharpe_ratio"] == pytest.approx(one.statistic, rel=1e-9)


def test_vectorbt_engine_gives_the_same_matrix(rut, btc):
    kw = dict(
        min_gap=[200, 250], horizons=[100, 365], trailing_stop=[None, 0.25], n_resamples=0, **COSTS
    )
    fast = sweep(rut, btc, **kw)
    slow = sweep(rut, btc, engine="vectorbt", **kw)
    np.testing.assert_allclose(
        fast.returns.to_numpy(), slow.returns.to_numpy(), rtol=0, atol=1e-10
    )
    one = sweep(rut, btc, min_gap=250, horizons=365, engine="vectorbt", n_resamples=0, **COSTS)
    # (min_gap, margin, horizon, delay, trailing_stop) = (250, 0, 365, 0h, None) is row 6
    np.testing.assert_allclose(
        one.returns[0].to_numpy(), fast.returns[6].to_numpy(), rtol=0, atol=1e-10
    )


def test_snooping_statistics_come_from_riskcycle_snooping(result, btc):
    res = result
    g = res.grid
    keep = g.index[(g["distinct"] == g.index) & (g["n_trades"] > 0)]
    sub = res.returns[keep]
    # same generator state as the sweep: rng=7 and StepM is the first draw
    sm = snooping.stepm(
        sub, benchmark=res.benchmark_returns, n_resamples=300, rng=np.random.default_rng(7)
    )
    assert res.spa.pvalues.tolist() == sm.spa.pvalues.tolist()
    assert res.spa.reality_check_pvalue == sm.spa.reality_check_pvalue
    assert res.stepm.superior == sm.superior
    dsr = snooping.deflated_sharpe_ratio(sub)
    assert res.dsr.probability == pytest.approx(dsr.probability, rel=1e-12)
    assert res.dsr.n_trials == len(keep)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        pb = snooping.pbo(sub, n_partitions=8)
    assert res.pbo.pbo == pb.pbo
    for p in (*res.spa.pvalues, res.spa.reality_check_pvalue):
        assert 0 < p <= 1
    assert 0 <= res.pbo.pbo <= 1 and 0 <= res.dsr.probability <= 1
    # the benchmark: buy-and-hold with the same costs
    bh = res.benchmark_returns
    assert bh.iloc[0] == pytest.approx(1 / 1.001**2 - 1, rel=1e-12)
    close = btc["close"]
    assert (1 + bh).prod() == pytest.approx(close.iloc[-1] / close.iloc[0] / 1.001**2, rel=1e-10)


def test_snooping_is_identical_for_every_n_jobs(result, rut, btc):
    # n_jobs sets the threads of the SPA/StepM bootstrap only: the fixture ran on all of
    # numba's threads; one thread must give the same p-values and superior set
    one = sweep(rut, btc, **GRID, n_resamples=300, n_partitions=8, n_jobs=1, rng=7, **COSTS)
    assert one.spa.pvalues.tolist() == result.spa.pvalues.tolist()
    assert one.spa.reality_check_pvalue == result.spa.reality_check_pvalue
    assert one.stepm.superior == result.stepm.superior
    assert one.settings == result.settings  # n_jobs is not a setting of the analysis
    with pytest.raises(ValueError, match="`n_jobs` must be a positive number of threads"):
        sweep(rut, btc, min_gap=250, n_jobs=0)


def test_cash_benchmark(rut, btc):
    res = sweep(
        rut,
        btc,
        min_gap=[200, 250],
        horizons=[180, 365],
        benchmark="cash",
        n_resamples=200,
        n_partitions=4,
        rng=1,
        **COSTS,
    )
    assert (res.benchmark_returns == 0).all() and res.benchmark == "cash"
    assert res.spa.benchmark == "zero"


def test_too_few_distinct_strategies_warns(rut, btc):
    with pytest.warns(DegenerateDataWarning, match="only 1 distinct strategy with trades"):
        res = sweep(rut, btc, min_gap=[240, 250], horizons=365, n_resamples=100, **COSTS)
    assert res.spa is None and res.pbo is None
    assert res.to_frame("snooping").empty


def test_views(result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = result
    g = res.to_frame()
    assert g.columns[0] == "strategy" and len(g) == res.n_strategies
    long = res.to_frame("returns")
    assert list(long.columns) == ["date", "strategy", "return"]
    assert len(long) == res.returns.size
    sn = res.to_frame("snooping")
    assert sn["test"].tolist() == [
        "spa_lower",
        "spa_consistent",
        "spa_upper",
        "reality_check",
        "stepm_n_superior",
        "deflated_sharpe_ratio",
        "pbo",
    ]
    text = str(res.summary())
    assert "Snooping tests" in text and "distinct trade sets" in text
    assert repr(res).startswith(f"SweepResult(k={res.n_strategies}")
    ax = res.plot().axes[0]
    assert "SPA p" in ax.get_title()
    plt.close("all")
    with pytest.raises(ValueError, match=r"`kind` must be one of \['grid', 'returns'"):
        res.to_frame("x")


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(min_gap=[]), ValueError, "`min_gap` must list at least one value"),
        (dict(min_gap=[0]), ValueError, "`min_gap` must be a positive integer number of sessions"),
        (dict(margin=[-0.1]), ValueError, "`margin` must be a non-negative fraction"),
        (
            dict(horizons=[0]),
            ValueError,
            "`horizons` must be a positive integer number of calendar days",
        ),
        (dict(delay=["x"]), ValueError, "`delay` could not be parsed as a timedelta"),
        (dict(trailing_stop=[1.5]), ValueError, "`trailing_stop` must be a fraction"),
        (dict(exit_below=["high"]), ValueError, "`exit_below` must be one of"),
        (dict(exit_below=[0.0]), ValueError, "`exit_below` must be a positive leader level"),
        (dict(benchmark="spx"), ValueError, "`benchmark` must be one of"),
        (dict(engine="rust"), ValueError, "`engine` must be one of"),
        (dict(n_resamples=-1), ValueError, "`n_resamples` must be a non-negative integer"),
        (dict(alpha=0.0), ValueError, "`alpha` must be a probability"),
        (dict(n_partitions=7), ValueError, "`n_partitions` must be an even integer"),
        (dict(n_partitions=0), ValueError, "`n_partitions` must be an even integer number"),
        (dict(fees=-1e-3), ValueError, "`fees` must be a fraction of traded value"),
        (dict(rng=-1), ValueError, "`rng` must be a non-negative integer seed"),
    ],
)
def test_validation(rut, btc, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        sweep(rut, btc, **kwargs)


# ---------------------------------------------------------------------------
# the compiled planning and statistics equal the library's plain code
# ---------------------------------------------------------------------------
def test_compiled_record_events_equal_breakouts(rut):
    # the kernel, its plain twin and the public rule find the same events
    from riskcycle.backtesting import _nb

    x = rut["close"].to_numpy(dtype=float)
    pairs = [(1, 0.0), (60, 0.0), (250, 0.0), (250, 0.02), (400, 0.05), (10**6, 0.0)]
    off, pos = _nb.record_events(x, [g for g, _ in pairs], [m for _, m in pairs])
    off_py, pos_py = _nb.record_events_py(x, [g for g, _ in pairs], [m for _, m in pairs])
    np.testing.assert_array_equal(off, off_py)
    np.testing.assert_array_equal(pos, pos_py)
    for r, (g, m) in enumerate(pairs[:-1]):  # breakouts caps min_gap at 100 years
        dates = riskcycle.breakouts(rut, min_gap=g, margin=m).dates
        assert pos[off[r] : off[r + 1]].tolist() == rut.index.get_indexer(dates).tolist()
    assert off[-2] > 0 and off[-1] == off[-2]  # events found; none after a 10**6-bar gap


def test_compiled_plans_equal_build_plan(rut, btc):
    # every combination whose only exit rule is a holding period (or none) is planned in
    # compiled code; the reference plans each one with riskcycle.breakouts + build_plan
    from riskcycle.backtesting import _signals
    from riskcycle.backtesting._core import build_plan
    from riskcycle.backtesting._sweep import _plans, _sweep_iv

    grid = dict(
        min_gap=[120, 250], margin=[0.0, 0.01], horizons=[30, 365, None], delay=["0h", "2D"]
    )
    inp = _sweep_iv(
        rut, btc, grid["min_gap"], grid["margin"], grid["horizons"], grid["delay"], [None], [None],
        0.001, 0.001, 100.0, "buy_and_hold", None, None, None, 0, 0.05, 16, "numba", 0,
    )  # fmt: skip
    lead, frame = inp.leader, inp.frame
    lclock, fclock = inp.options.leader_clock, inp.options.follower_clock
    table, offsets, entries, exits = _plans(inp)
    assert len(table) == 2 * 2 * 3 * 2
    for j, row in table.iterrows():
        ev = riskcycle.breakouts(
            lead, min_gap=int(row["min_gap"]), margin=float(row["margin"]), clock=lclock
        )
        sig = _signals.as_signal(ev, leader=lead, leader_clock=None)
        _, plan = build_plan(
            sig,
            frame,
            fclock,
            lead,
            horizon=None if np.isnan(row["horizon"]) else int(row["horizon"]),
            trailing_stop=None,
            exit_below=None,
            delay=row["delay"],
        )
        lo, hi = offsets[j], offsets[j + 1]
        np.testing.assert_array_equal(entries[lo:hi], plan.entries)
        np.testing.assert_array_equal(exits[lo:hi], plan.exits)
    assert (exits == -1).any() and (exits >= 0).any()  # open and closed trades both tested


def test_statistics_from_the_kernel_pass_equal_numpy(result):
    from riskcycle.backtesting._result import drawdown

    g = result.grid
    mat = result.returns.to_numpy()
    # the kernel repeats numpy's (pairwise) sums, product and drawdown()'s operations:
    # equal to the last bit
    np.testing.assert_array_equal(
        g["max_drawdown"].to_numpy(), drawdown(result.returns).min(axis=0).to_numpy()
    )
    np.testing.assert_array_equal(g["total_return"].to_numpy(), np.prod(1.0 + mat, axis=0) - 1.0)
    sd = mat.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sharpe = np.where(sd > 0, mat.mean(axis=0) / sd * np.sqrt(result.periods_per_year), np.nan)
    np.testing.assert_array_equal(g["sharpe_ratio"].to_numpy(), sharpe)
    assert ((g["exposure"] >= 0) & (g["exposure"] <= 1)).all()
    assert (g.loc[g["n_trades"] == 0, "exposure"] == 0).all()


def test_default_grid_is_the_documented_read_only_grid():
    # DEFAULT_GRID is the grid of `riskcycle backtest --sweep` and the report's backtest
    # section: 5 droughts x 3 margins x 3 holding periods x 2 delays = 90 combinations
    from itertools import product

    from riskcycle.backtesting import DEFAULT_GRID

    assert list(DEFAULT_GRID) == ["min_gap", "margin", "horizons", "delay"]
    assert DEFAULT_GRID["min_gap"] == (150, 200, 250, 300, 350)
    assert DEFAULT_GRID["margin"] == (0.0, 0.01, 0.02)
    assert DEFAULT_GRID["horizons"] == (180, 365, 540)
    assert [pd.Timedelta(d) for d in DEFAULT_GRID["delay"]] == [
        pd.Timedelta(0),
        pd.Timedelta("1D"),
    ]
    assert len(list(product(*DEFAULT_GRID.values()))) == 90
    with pytest.raises(TypeError, match="does not support item assignment"):
        DEFAULT_GRID["margin"] = (0.0,)  # type: ignore[index]
    # every key is an argument of sweep
    import inspect

    assert set(DEFAULT_GRID) <= set(inspect.signature(sweep).parameters)
