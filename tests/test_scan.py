"""riskcycle.scan: q-values, family-wise p-values, engines, views, CLI and size."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import riskcycle
from riskcycle.events import Events
from riskcycle.scanning import add_scan_parser
from riskcycle.scanning._cells import family_wise
from riskcycle.scanning._grid import check_options
from riskcycle.scanning._scan import COLUMNS

SMALL = dict(
    definitions=[{"min_gap": 250}, {"min_gap": 250, "use_high": True}],
    horizons=[90, 365],
    as_of="2026-01-22",
    n_resamples=99,
    n_calibration=29,
    backend="sequential",
)


@pytest.fixture(scope="module")
def small():
    return riskcycle.scan(["rut", "spx"], ["btc", "eth"], **SMALL, rng=5)


# ---------------------------------------------------------------------------
# across cells
# ---------------------------------------------------------------------------
def test_qvalues_equal_statsmodels_and_the_bh_formula(small):
    from statsmodels.stats.multitest import multipletests

    df = small.to_frame()
    ok = np.isfinite(df["pvalue"].to_numpy(dtype=float))
    p = df.loc[ok, "pvalue"].to_numpy(dtype=float)
    assert p.size >= 6
    # statsmodels on the same p-values: the same computation, so equal to the last bit
    np.testing.assert_array_equal(df.loc[ok, "qvalue_bh"], multipletests(p, method="fdr_bh")[1])
    np.testing.assert_array_equal(df.loc[ok, "qvalue_by"], multipletests(p, method="fdr_by")[1])
    # Benjamini & Hochberg (1995) step-up by hand: q_(i) = min_{j >= i} m p_(j) / j;
    # BY multiplies by sum_{i<=m} 1/i (Benjamini & Yekutieli 2001, Theorem 1.3).
    # Tolerance: floating-point order of operations only.
    m = p.size
    order = np.argsort(p)
    raw = p[order] * m / np.arange(1, m + 1)
    q_bh = np.empty(m)
    q_bh[order] = np.minimum(1, np.minimum.accumulate(raw[::-1])[::-1])
    np.testing.assert_allclose(df.loc[ok, "qvalue_bh"], q_bh, rtol=1e-12)
    c_m = np.sum(1.0 / np.arange(1, m + 1))
    q_by = np.empty(m)
    q_by[order] = np.minimum(1, np.minimum.accumulate((raw * c_m)[::-1])[::-1])
    np.testing.assert_allclose(df.loc[ok, "qvalue_by"], q_by, rtol=1e-12)
    # cells without a p-value are outside the family
    assert df.loc[~ok, "qvalue_bh"].isna().all()
    s = small.share_significant
    assert s["nominal"] == pytest.approx(np.mean(p <= 0.05))
    assert s["bh"] == pytest.approx(np.mean(q_bh <= 0.05))
    assert s["by"] <= s["bh"] <= s["nominal"]


def test_one_cell_equals_the_single_analyses():
    btc = riskcycle.datasets.load("btc", end="2026-01-22")
    rut = riskcycle.datasets.load("rut", end="2026-01-22")
    ev = riskcycle.breakouts(rut, min_gap=250).between("2014-10-01", None)
    pl = riskcycle.placebo_test(btc, ev, horizon=90, n_resamples=99, rng=0)
    br = riskcycle.base_rate(btc, ev, horizon=90, n_resamples=99, rng=0)
    cell = riskcycle.scan(
        ["rut"], ["btc"], **{**SMALL, "definitions": [{"min_gap": 250}], "horizons": [90]}, rng=0
    ).to_frame()
    assert len(cell) == 1
    row = cell.iloc[0]
    assert row["n_events"] == pl.n_events == br.n_events == 3
    assert row["min_spacing"] == pl.min_spacing
    assert row["n_hits"] == br.hits
    # deterministic parts: the same mean forward log return, base rate and binomial
    # p-value (tolerance: floating-point summation order only)
    np.testing.assert_allclose(row["statistic"], pl.statistic, rtol=1e-12)
    np.testing.assert_allclose(row["base_rate"], br.base_rate, rtol=1e-12)
    np.testing.assert_allclose(row["pvalue_hit_count"], br.pvalue, rtol=1e-12)


def test_intraday_definition_without_highs_is_not_applicable(small):
    df = small.to_frame()
    spx_high = df[(df["leader"] == "spx") & df["use_high"]]
    assert len(spx_high) == 4
    assert (spx_high["status"] == "not_applicable").all()
    assert spx_high["pvalue"].isna().all()
    assert small.n_cells == int(df["pvalue"].notna().sum())


def test_family_wise_never_below_a_cells_own_p_and_is_the_smallest_adjusted(small):
    df = small.to_frame()
    ok = df["pvalue_shift"].notna()
    assert (df.loc[ok, "pvalue_family_wise"] >= df.loc[ok, "pvalue_shift"]).all()
    for _, row in small.family_wise.iterrows():
        sub = df[(df["follower"] == row["follower"]) & ok]
        assert row["pvalue"] == sub["pvalue_family_wise"].min()
        assert row["statistic"] == sub["pvalue_shift"].min()
        assert row["n_cells"] == len(sub)


def _random_walk(n, seed):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2020-01-01", periods=n, freq="D")
    s = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.03, n))), index=idx, name="x")
    return s


def test_family_wise_equals_brute_force_max_statistic():
    from riskcycle.inference import _common as C

    close = _random_walk(260, 3)
    fd = C.follower_data(close, follower_clock="utc_midnight")
    ev = {
        "a": Events.from_dates(["2020-01-20", "2020-03-15", "2020-06-01"], clock="utc_midnight"),
        "b": Events.from_dates(["2020-02-10", "2020-03-20"], clock="utc_midnight"),
    }
    horizons = (5, 20)
    opts = check_options(
        definitions=[{}],
        horizons=horizons,
        as_of=None,
        alpha=0.05,
        confidence_level=0.95,
        alternative="greater",
        tests=["placebo"],
        bitcoin_like="auto",
        threshold=0.0,
        eras=None,
        halving_window=90,
        n_resamples=60,
        n_calibration=19,
        calibration_resamples=19,
        backend="sequential",
        n_jobs=1,
        chunk_size=1,
        progress=False,
        scheduler=None,
    )
    cells = [
        (i, e, h, e.clock)
        for i, (e, h) in enumerate((e, h) for e in ev.values() for h in horizons)
    ]
    seed = np.random.SeedSequence(42)
    got = family_wise(fd, cells, opts, seed)

    # brute force, one draw and one event at a time
    u = np.random.default_rng(np.random.SeedSequence(42)).random(60)
    x = np.log(close.to_numpy())
    n = len(x)
    t = np.empty((len(cells), 60))
    t_obs = np.empty(len(cells))
    for j, (_, e, h, clk) in enumerate(cells):
        win = C.windows(fd, h)
        pos = C.event_data(fd, win, e, leader_clock=clk).positions
        n_circle = n - h  # daily bars: the window from bar i is complete when i + h < n
        t_obs[j] = np.mean([x[p + h] - x[p] for p in pos])
        for b in range(60):
            shift = int(np.floor(u[b] * n_circle))
            t[j, b] = np.mean(
                [x[(p + shift) % n_circle + h] - x[(p + shift) % n_circle] for p in pos]
            )
    p_obs = np.array([(1 + np.sum(t[j] >= t_obs[j])) / 61 for j in range(len(cells))])
    # every p-value ranks its value among the observed one and the 60 draws
    p_draw = np.array(
        [
            [(np.sum(t[j] >= t[j, b]) + (t_obs[j] >= t[j, b])) / 61 for b in range(60)]
            for j in range(len(cells))
        ]
    )
    min_p = p_draw.min(axis=0)
    adjusted = np.array([(1 + np.sum(min_p <= p)) / 61 for p in p_obs])
    # tolerance: sums of logs in a different order (1e-15) only move exact ties
    np.testing.assert_allclose(got["pvalue_shift"], p_obs, rtol=1e-12)
    np.testing.assert_allclose(got["null"], min_p, rtol=1e-12)
    np.testing.assert_allclose(got["pvalue_family_wise"], adjusted, rtol=1e-12)


# ---------------------------------------------------------------------------
# engines
# ---------------------------------------------------------------------------
def test_family_wise_pieces_merged_over_chunks_equal_the_one_pass_computation(monkeypatch):
    # the scan computes each cell's shift p-values inside its chunk and merges the
    # chunks' minima; that must equal family_wise() over the follower's cells in one
    # pass, whatever the chunk size (min is exact, so equality is exact)
    from riskcycle.scanning import _scan as S

    seen = []
    execute = S._execute

    def spy(fds, tasks, opts):
        seen.append((fds, tasks, opts))
        return execute(fds, tasks, opts)

    monkeypatch.setattr(S, "_execute", spy)
    kw = dict(
        definitions=[{"min_gap": 250}, {"method": "rolling", "window": 252}],
        horizons=[90, 365],
        as_of="2026-01-22",
        n_resamples=59,
        n_calibration=19,
        backend="sequential",
        progress=False,
    )
    runs = [riskcycle.scan(["rut"], ["btc", "eth"], chunk_size=c, rng=3, **kw) for c in (1, 3)]
    fds, tasks, opts = seen[0]
    for fi, fd in enumerate(fds):
        mine = [t for t in tasks if t.follower == fi]
        cells = [(t.index, t.events, t.horizon, t.leader_clock) for t in mine]
        want = family_wise(fd, cells, opts, mine[0].family_seed)
        assert len(want["index"]) == len(cells) == 4
        for res in runs:
            np.testing.assert_array_equal(res.null_distributions[fd.name], want["null"])
            df = res.to_frame().loc[want["index"]]
            np.testing.assert_array_equal(df["pvalue_shift"], want["pvalue_shift"])
            np.testing.assert_array_equal(df["pvalue_family_wise"], want["pvalue_family_wise"])


def test_bit_identical_across_backends_workers_and_chunks():
    kw = dict(
        definitions=[{"min_gap": 250}, {"method": "rolling", "window": 252}],
        horizons=[90, 365],
        as_of="2026-01-22",
        n_resamples=59,
        n_calibration=19,
        rng=np.random.SeedSequence(11),
    )
    ref = riskcycle.scan(["rut"], ["btc"], backend="sequential", chunk_size=1, **kw).to_frame()
    for backend, n_jobs, chunk in (("threads", 2, 3), ("loky", 2, 2)):
        got = riskcycle.scan(
            ["rut"], ["btc"], backend=backend, n_jobs=n_jobs, chunk_size=chunk, **kw
        ).to_frame()
        pd.testing.assert_frame_equal(got, ref)
    assert ref["status"].eq("ok").all()


@pytest.mark.slow
def test_bit_identical_on_one_worker_a_process_pool_and_a_dask_local_cluster():
    """n_jobs=1, two loky processes and a 2-worker Dask LocalCluster started here agree."""
    distributed = pytest.importorskip("distributed")
    kw = dict(
        definitions=[{"min_gap": 250}, {"method": "rolling", "window": 252}],
        horizons=[90, 365],
        as_of="2026-01-22",
        n_resamples=59,
        n_calibration=19,
        chunk_size=1,
        rng=np.random.SeedSequence(11),
    )
    leaders, followers = ["rut", "ndx"], ["btc", "eth"]
    ref = riskcycle.scan(leaders, followers, backend="loky", n_jobs=1, **kw).to_frame()
    pool = riskcycle.scan(leaders, followers, backend="loky", n_jobs=2, **kw).to_frame()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = riskcycle.scan(leaders, followers, backend="dask", n_jobs=2, **kw)
        by_address = riskcycle.scan(
            ["rut"], ["btc"], backend="dask", scheduler=cluster.scheduler_address, **kw
        ).to_frame()
        n_workers = len(client.scheduler_info()["workers"])
    assert n_workers == 2
    assert ref["status"].eq("ok").all() and len(ref) == 2 * 2 * 2 * 2
    pd.testing.assert_frame_equal(pool, ref)
    pd.testing.assert_frame_equal(got.to_frame(), ref)
    one = riskcycle.scan(["rut"], ["btc"], backend="sequential", **kw).to_frame()
    pd.testing.assert_frame_equal(by_address, one)


def test_dask_backend_without_a_client_says_so():
    pytest.importorskip("distributed")
    with pytest.raises(ValueError, match=r"needs a running dask\.distributed Client"):
        riskcycle.scan(["rut"], ["btc"], **{**SMALL, "backend": "dask"}, rng=0)


def test_dask_backend_without_distributed_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(ValueError, match=r'pip install "riskcycle\[dask\]"'):
        riskcycle.scan(["rut"], ["btc"], **{**SMALL, "backend": "dask"}, rng=0)


def test_progress_bar_on_stderr(capsys):
    riskcycle.scan(
        ["rut"], ["btc"], **{**SMALL, "definitions": [{"min_gap": 250}]}, progress=True, rng=0
    )
    err = capsys.readouterr().err
    assert "scan" in err and "chunk" in err


# ---------------------------------------------------------------------------
# views
# ---------------------------------------------------------------------------
def test_views(small):
    df = small.to_frame()
    assert tuple(df.columns) == COLUMNS
    assert len(df) == 2 * 2 * 2 * 2
    assert all(c == c.lower() and " " not in c for c in df.columns)
    df.loc[0, "effect"] = 99.0  # a copy: the result does not move
    assert small.to_frame().loc[0, "effect"] != 99.0
    curve = small.specification_curve()
    assert curve["effect"].is_monotonic_increasing
    assert (curve["effect_ci_low"] <= curve["effect_ci_high"]).all()
    text = str(small.summary())
    assert "Benjamini-Hochberg" in text and "By follower" in text
    assert "ScanResult(n_cells=" in repr(small)
    assert small.summary().as_html().startswith("<h3>")
    # 12 cells, calibrated p-values no smaller than 1/30: BH cannot reject at 0.05
    assert any("no cell can pass Benjamini-Hochberg" in n for n in small.notes)
    assert "use n_calibration >= 239" in " ".join(small.notes)


def test_plot(small):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    fig = small.plot()
    assert isinstance(fig, Figure)
    ax_curve, ax_choices, ax_heat = fig.axes[:3]
    assert "effect" in ax_curve.get_ylabel()
    assert ax_choices.get_xlabel() and ax_heat.get_xlabel() == "follower"
    assert len(ax_heat.get_yticklabels()) == 2
    plt.close(fig)


def test_cli_subcommand(tmp_path, capsys):
    p = argparse.ArgumentParser(prog="riskcycle")
    add_scan_parser(p.add_subparsers(dest="command"))
    csv, png = tmp_path / "cells.csv", tmp_path / "scan.png"
    args = p.parse_args(
        [
            "scan",
            "--leaders",
            "rut",
            "--followers",
            "btc",
            "--horizons",
            "90,365",
            "--definition",
            "method=record,min_gap=250",
            "--n-resamples",
            "99",
            "--n-calibration",
            "29",
            "--as-of",
            "2026-01-22",
            "--backend",
            "sequential",
            "--csv",
            str(csv),
            "--figure",
            str(png),
            "--quiet",
        ]
    )
    assert args.func(args) == 0
    assert "Scan: 1 leader(s) x 1 follower(s)" in capsys.readouterr().out
    assert len(pd.read_csv(csv)) == 2 and png.stat().st_size > 0
    with pytest.raises(SystemExit):
        p.parse_args(["scan", "--definition", "min_gap"])


# ---------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"definitions": "record"}, TypeError, "`definitions` must be a sequence"),
        ({"definitions": []}, ValueError, "at least one event definition"),
        ({"definitions": [3]}, TypeError, r"`definitions\[0\]` must be a dict"),
        ({"definitions": [{"gap": 3}]}, ValueError, "unknown key"),
        ({"definitions": [{"method": "rolling"}]}, ValueError, "needs a 'window'"),
        ({"definitions": [{"window": 20}]}, ValueError, "apply to method='rolling' only"),
        ({"definitions": [{"min_gap": 0}]}, ValueError, r"min_gap'\]` must be"),
        ({"definitions": [{}, {"min_gap": 250}]}, ValueError, "must be unique"),
        ({"horizons": "90"}, TypeError, "`horizons` must be a sequence"),
        ({"horizons": [0]}, ValueError, "`horizons` must be"),
        ({"tests": ["hit_count"]}, ValueError, "must include 'placebo'"),
        ({"tests": ["placebo", "sign"]}, ValueError, "`tests` must be one of"),
        ({"tests": "placebo"}, TypeError, "`tests` must be a sequence"),
        ({"backend": "spark"}, ValueError, "`backend` must be one of"),
        ({"n_jobs": 0}, ValueError, "`n_jobs` must be a positive number"),
        ({"n_jobs": -2}, ValueError, r"-1 \(all cores\) or None \(one\); got -2\."),
        ({"n_jobs": 1.5}, TypeError, "`n_jobs` must be a positive number of worker processes"),
        ({"scheduler": "tcp://x:8786"}, ValueError, "`scheduler` needs backend='dask'"),
        ({"scheduler": 8786, "backend": "dask"}, TypeError, "`scheduler` must be an address"),
        ({"n_resamples": 19, "alpha": 0.01}, ValueError, "too small for alpha"),
        ({"bitcoin_like": "yes"}, ValueError, "`bitcoin_like` must be 'auto'"),
        ({"bitcoin_like": 1}, TypeError, "`bitcoin_like` must be 'auto'"),
        ({"alpha": 1.5}, ValueError, "`alpha` must be"),
        ({"chunk_size": 0}, ValueError, "`chunk_size` must be"),
        ({"progress": 1}, TypeError, "`progress` must be True or False"),
        ({"as_of": "2014-09-18"}, ValueError, "fewer than three observations"),
        ({"rng": 1.5}, TypeError, "`rng` must be"),
    ],
)
def test_input_validation(kwargs, err, match):
    with pytest.raises(err, match=match):
        riskcycle.scan(["rut"], ["btc"], **{**SMALL, **kwargs})


@pytest.mark.parametrize(
    ("leaders", "err", "match"),
    [
        (["nope"], ValueError, r"`leaders\[0\]` must be a bundled series"),
        ([3.0], TypeError, r"`leaders\[0\]` must be a bundled name"),
        (3.0, TypeError, "`leaders` must be a bundled name"),
        ([], ValueError, "`leaders` must hold at least one series"),
        (["rut", "rut"], ValueError, "`leaders` must have unique names"),
        (["my_prices.csv"], ValueError, "`leader_clock` is required"),
    ],
)
def test_series_validation(leaders, err, match):
    with pytest.raises(err, match=match):
        riskcycle.scan(leaders, ["btc"], **SMALL)


def test_inputs_untouched_and_frames_and_csv_accepted(tmp_path):
    btc = riskcycle.datasets.load("btc", end="2026-01-22")
    rut = riskcycle.datasets.load("rut", end="2026-01-22")
    before = rut.copy()
    path = tmp_path / "russell.csv"
    rut[["close"]].to_csv(path, index_label="date")
    res = riskcycle.scan(
        {"rut_frame": rut, "rut_csv": str(path)},
        {"bitcoin": btc},
        **{**SMALL, "definitions": [{"min_gap": 250}], "horizons": [365]},
        leader_clock="us_equity_close",
        rng=2,
    )
    pd.testing.assert_frame_equal(rut, before)
    df = res.to_frame()
    assert list(df["leader"]) == ["rut_frame", "rut_csv"]
    assert bool(df["bitcoin_like"].all())  # "bitcoin" in the name
    # the same closes read from a frame and from a CSV give the same events
    assert df["event_dates"].iloc[0] == df["event_dates"].iloc[1]
    assert df["pvalue_shift"].iloc[0] == df["pvalue_shift"].iloc[1]


# ---------------------------------------------------------------------------
# size on the real path
# ---------------------------------------------------------------------------
@pytest.mark.slow
def test_family_wise_size_on_btc_with_random_leader_dates(btc):
    """Random leaders' dates on Bitcoin's real path: the family-wise p holds its level.

    Each replication draws three leaders of four dates each (at least 150 days
    apart, uniform over the bars), scans them at 30 and 90 days and rejects when
    the follower's family-wise p-value is at most 0.01 or 0.05. Neither rejection
    rate may be significantly above its level (one-sided exact binomial test at 1%).
    """
    rng = np.random.default_rng(20261130)
    idx = btc.index
    n_rep, rejections = 120, np.zeros(2, dtype=int)
    for r in range(n_rep):
        leaders = {}
        for i in range(3):
            while True:
                d = np.sort(rng.choice(len(idx) - 91, 4, replace=False))
                if (np.diff(d) >= 150).all():
                    break
            leaders[f"L{i}"] = Events.from_dates(idx[d], clock="utc_midnight")
        res = riskcycle.scan(
            leaders,
            {"btc": btc},
            horizons=[30, 90],
            tests=["placebo"],
            n_resamples=199,
            n_calibration=19,
            backend="sequential",
            rng=r,
        )
        p_fw = res.family_wise["pvalue"].iloc[0]
        rejections += np.array([p_fw <= 0.01, p_fw <= 0.05])
    for level, x in zip((0.01, 0.05), rejections, strict=True):
        test = stats.binomtest(int(x), n_rep, level, alternative="greater")
        assert test.pvalue > 0.01, (level, x, n_rep)


@pytest.mark.slow
def test_false_positive_rate_with_followers_unrelated_to_the_leaders():
    """Bundled leaders' events against random-walk followers: BH and family-wise hold q.

    The leaders' events are those of Russell 2000 and S&P 500 (record after 250
    sessions; 252-session rolling high); each replication draws a follower
    independent of them (a daily geometric random walk with Student-t(4)
    increments, 2016-2026) and scans the four event sets at 30 and 90 days (8
    cells). Every hypothesis is null, so the false discovery rate equals the
    probability of at least one Benjamini-Hochberg rejection at q = 0.1
    (Benjamini & Hochberg 1995), and the family-wise error rate is the share of
    replications whose family-wise p-value is at most 0.1. Neither rate may be
    significantly above 0.1 (one-sided exact binomial test at 1%).
    """
    rut = riskcycle.datasets.load("rut", end="2026-01-22")
    spx = riskcycle.datasets.load("spx", end="2026-01-22")
    events = {
        f"{name}_{label}": riskcycle.breakouts(data, **kw)
        for name, data in (("rut", rut), ("spx", spx))
        for label, kw in (
            ("record", {"min_gap": 250}),
            ("rolling", {"method": "rolling", "window": 252}),
        )
    }
    idx = pd.date_range("2016-01-01", "2026-01-22", freq="D")
    rng = np.random.default_rng(20261201)
    n_rep, q = 100, 0.1
    any_bh = fw = 0
    for r in range(n_rep):
        steps = 0.02 * rng.standard_t(4, len(idx)) / np.sqrt(2)
        walk = pd.Series(100 * np.exp(np.cumsum(steps)), index=idx, name="walk")
        res = riskcycle.scan(
            events,
            {"walk": walk},
            horizons=[30, 90],
            tests=["placebo"],
            alpha=q,
            n_resamples=99,
            n_calibration=159,  # 8 cells x 1/160 = 0.05 <= q: BH can reject
            backend="sequential",
            follower_clock="utc_midnight",
            rng=r,
        )
        df = res.to_frame()
        assert df["pvalue"].notna().sum() == 8
        any_bh += bool(df["significant_bh"].any())
        fw += bool(res.family_wise["pvalue"].iloc[0] <= q)
    for x in (any_bh, fw):
        assert stats.binomtest(x, n_rep, q, alternative="greater").pvalue > 0.01, (
            any_bh,
            fw,
            n_rep,
        )


def test_bundled_demonstration_is_the_default_grid():
    import inspect

    from riskcycle.scanning import DEMONSTRATION

    assert DEMONSTRATION["leaders"] == ("rut", "spx", "ndx", "iwm")
    assert DEMONSTRATION["followers"] == ("btc", "btc_long", "eth")
    assert len(DEMONSTRATION["definitions"]) >= 4 and len(DEMONSTRATION["horizons"]) >= 4
    bundled = set(riskcycle.datasets.available().index)
    assert set(DEMONSTRATION["leaders"]) | set(DEMONSTRATION["followers"]) <= bundled
    with pytest.raises(TypeError):
        DEMONSTRATION["leaders"] = ("rut",)  # read-only
    params = inspect.signature(riskcycle.scan).parameters
    for key, value in DEMONSTRATION.items():
        assert params[key].default == value, key
    p = argparse.ArgumentParser(prog="riskcycle")
    add_scan_parser(p.add_subparsers(dest="command"))
    args = p.parse_args(["scan"])
    assert tuple(args.leaders) == DEMONSTRATION["leaders"]
    assert tuple(args.followers) == DEMONSTRATION["followers"]
