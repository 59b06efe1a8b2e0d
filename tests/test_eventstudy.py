"""Event study: bundled-data results, windows, warnings, validation, invariants."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

import riskcycle
from riskcycle._sample import event_day0_positions, forward_log_returns
from riskcycle.eventstudy import _tests
from riskcycle.eventstudy._core import align_benchmark
from riskcycle.exceptions import (
    DegenerateDataWarning,
    EventsExcludedWarning,
    IncompleteWindowWarning,
    OverlappingWindowsWarning,
    SmallSampleWarning,
)

HORIZONS = (30, 90, 180, 365)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", riskcycle.RiskcycleWarning)
        return fn(*args, **kwargs)


def _crypto(n=400, seed=0, start="2020-01-01", sigma=0.03, mu=0.001):
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=n, freq="D", name="date")
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(mu, sigma, n))), index=idx)


def _study(close, dates, **kw):
    kw.setdefault("leader_clock", "utc_midnight")
    kw.setdefault("follower_clock", "utc_midnight")
    return riskcycle.event_study(close, dates, **kw)


@pytest.fixture(scope="module")
def rut_events(rut):
    return riskcycle.breakouts(rut, min_gap=250)


@pytest.fixture(scope="module")
def bundled(btc_long, rut_events):
    with pytest.warns(IncompleteWindowWarning, match="2025-09-18 at 365 days"):
        with pytest.warns(EventsExcludedWarning) as rec:
            res = riskcycle.event_study(btc_long, rut_events, horizons=HORIZONS)
    msgs = [str(w.message) for w in rec if w.category is EventsExcludedWarning]
    return res, msgs


# ---------------------------------------------------------------------------
# bundled data: the question riskcycle was built for
# ---------------------------------------------------------------------------
def test_bundled_btc_after_russell_breakouts(bundled, btc_long):
    res, msgs = bundled
    # the five events before BTC data are excluded and named
    assert len(msgs) == 1
    for d in ("1989-06-02", "1991-10-16", "1995-05-16", "1999-12-29", "2004-04-05"):
        assert d in msgs[0]
    assert list(res.excluded.index.strftime("%Y-%m-%d")) == [
        "1989-06-02",
        "1991-10-16",
        "1995-05-16",
        "1999-12-29",
        "2004-04-05",
    ]
    assert (res.excluded["status"] == "before_start").all()
    df = res.to_frame()
    one_year = df.loc[df["horizon"] == 365].set_index("event_date")
    assert list(one_year.index.strftime("%Y-%m-%d")) == [
        "2011-04-27",
        "2013-01-02",
        "2016-11-14",
        "2020-11-13",
        "2025-09-18",
    ]
    # the two earliest fall in the Coin Metrics back-history
    day0 = res.events.loc[one_year.index, "day0_date"]
    assert list(btc_long.loc[day0, "source"]) == ["coinmetrics"] * 2 + ["yahoo"] * 3
    # DESIGN.md: about 9.4x after 2016-11-14, 3.9x after 2020-11-13, 0.67x after 2025-09-18
    # (tolerances: "about" to two significant digits)
    gross = 1 + one_year["return_to_date"]
    assert 9.35 < gross["2016-11-14"] < 9.45
    assert 3.85 < gross["2020-11-13"] < 3.99
    assert 0.665 < gross["2025-09-18"] < 0.675
    # 2025-09-18 + 365 days is after the data's end: incomplete, reported, not dropped
    last = one_year.loc["2025-09-18"]
    assert not last["complete"] and np.isnan(last["return"]) and np.isnan(last["car"])
    assert last["end_date"] == btc_long.index[-1]
    assert one_year["complete"].sum() == 4
    # independent recomputation from the closes
    c = btc_long["close"]
    for _, row in df.set_index("event_date").iterrows():
        want = c.loc[row["end_date"]] / c.loc[row["day0_date"]] - 1
        assert_allclose(row["return_to_date"], want, rtol=1e-13)  # one division either way
        assert (row["end_date"] - row["day0_date"]).days <= row["horizon"]
    tests = res.tests
    assert set(tests["test"]) == {
        "cross_sectional_t",
        "patell_z",
        "bmp",
        "bmp_kolari_pynnonen",
        "corrado_rank",
        "generalized_sign",
        "wilcoxon_signed_rank",
    }
    assert (tests.loc[tests["horizon"] == 365, "n_events"] == 4).all()
    assert ((tests["pvalue"] > 0) & (tests["pvalue"] <= 1)).all()
    wil = tests.loc[(tests["test"] == "wilcoxon_signed_rank") & (tests["horizon"] == 365)]
    assert_allclose(wil["min_attainable_pvalue"], 2 / 2**4, rtol=1e-12)  # exact: 2/2^n


def test_result_views(bundled):
    res, _ = bundled
    df = res.to_frame()
    for col in (
        "event_date",
        "horizon",
        "return",
        "log_return",
        "complete",
        "day0_date",
        "max_drawdown",
        "max_runup",
        "days_to_peak",
        "car",
        "car_se",
        "scar",
        "return_to_date",
        "log_return_to_date",
        "overlapping",
        "end_date",
    ):
        assert col in df.columns
    assert list(res.tests.columns[:8]) == [
        "test",
        "horizon",
        "statistic",
        "pvalue",
        "min_attainable_pvalue",
        "null_hypothesis",
        "n_events",
        "note",
    ]
    assert (res.tests["null_hypothesis"].str.len() > 20).all()
    assert res.paths.index.name == "day" and res.paths.index[0] == -90
    assert res.paths.index[-1] == 365 and res.paths.shape == (456, 5)
    assert_array_equal(res.paths.loc[0].to_numpy(), 0.0)
    assert (df["max_drawdown"] <= 0).all() and (df["max_runup"] >= 0).all()
    r = repr(res)
    assert r.startswith("EventStudyResult(btc_long after rut events: n=5, 5 excluded")
    assert len(r) < 150
    text = str(res.summary())
    assert "Event study: btc_long after rut events" in text and "Excluded events" in text
    for render in ("as_html", "as_markdown", "as_latex"):
        assert len(getattr(res.summary(), render)()) > 100
    assert res.versions["riskcycle"] == riskcycle.__version__
    assert res.settings["horizons"] == HORIZONS and res.settings["model"] == "constant_mean"
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.model = "raw"
    # to_frame is a copy
    df.loc[0, "return"] = 99.0
    assert res.to_frame().loc[0, "return"] != 99.0


def test_plot(bundled):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res, _ = bundled
    ax = res.plot().axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) >= 6
    plt.close(ax.figure)
    fig = res.plot(abnormal=True, events=False)
    assert fig.axes[0].get_ylabel() == "growth of 1 (abnormal)"
    plt.close(fig)


def test_paths_agree_with_windows(bundled):
    res, _ = bundled
    df = res.to_frame()
    for _, row in df.iterrows():
        # daily follower: the path at day h is the h-horizon value
        if row["complete"]:
            assert_allclose(
                res.paths.loc[row["horizon"], row["event_date"]],
                row["log_return"],
                rtol=0,
                atol=1e-13,
            )
            assert_allclose(
                res.abnormal_paths.loc[row["horizon"], row["event_date"]],
                row["car"],
                rtol=1e-10,
                atol=1e-13,
            )  # cumsum vs sum order
        else:
            assert np.isnan(res.paths.loc[row["horizon"], row["event_date"]])


def test_raw_log_car_is_log_return(btc_long, rut_events):
    res = _quiet(riskcycle.event_study, btc_long, rut_events, model="raw", horizons=(90,))
    df = res.to_frame()
    assert_allclose(df["car"], df["log_return"], rtol=1e-12)  # sum of diffs vs difference
    # day 0: Russell close (16:00 NY) is known before the BTC bar of that day closes
    assert (df["day0_date"] == df["event_date"]).all()


def test_market_models_and_simple_returns(btc_long, rut_events):
    spx = riskcycle.datasets.load("spx")
    a = _quiet(
        riskcycle.event_study,
        btc_long,
        rut_events,
        model="market_adjusted",
        benchmark=spx,
        horizons=(30,),
    )
    b = _quiet(
        riskcycle.event_study,
        btc_long,
        rut_events,
        model="market_model",
        benchmark=spx,
        horizons=(30,),
        return_type="simple",
    )
    assert a.benchmark_name == "spx" and np.isfinite(a.to_frame()["car"].iloc[:4]).all()
    assert np.isfinite(b.model_parameters["beta"]).all()
    # simple-return CAR is the sum of simple abnormal returns, not the log
    raw = _quiet(
        riskcycle.event_study,
        btc_long,
        rut_events,
        model="raw",
        horizons=(30,),
        return_type="simple",
    ).to_frame()
    c = btc_long["close"]
    first = raw.iloc[0]
    seg = c.loc[first["day0_date"] : first["end_date"]].to_numpy()
    assert_allclose(first["car"], np.sum(seg[1:] / seg[:-1] - 1), rtol=1e-12)


# ---------------------------------------------------------------------------
# timing, windows, warnings
# ---------------------------------------------------------------------------
def test_day0_mapping_and_delay():
    # BTC-like follower; Friday 2024-01-12 Russell close (21:00 UTC) -> BTC bar of Friday
    close = _crypto(60, start="2024-01-01")
    res = _quiet(
        riskcycle.event_study,
        close,
        ["2024-01-12"],
        horizons=(3,),
        leader_clock="us_equity_close",
        follower_clock="utc_midnight",
        model="raw",
    )
    assert res.events["day0_date"].iloc[0] == pd.Timestamp("2024-01-12")
    res = _quiet(
        riskcycle.event_study,
        close,
        ["2024-01-12"],
        horizons=(3,),
        delay="4h",
        leader_clock="us_equity_close",
        follower_clock="utc_midnight",
        model="raw",
    )
    assert res.events["day0_date"].iloc[0] == pd.Timestamp("2024-01-13")
    assert res.settings["delay"] == pd.Timedelta("4h")


def test_events_object_and_dates_agree(btc_long, rut_events):
    a = _quiet(riskcycle.event_study, btc_long, rut_events, horizons=(30,))
    b = _quiet(
        riskcycle.event_study,
        btc_long,
        list(rut_events.dates.strftime("%Y-%m-%d")),
        leader_clock="us_equity_close",
        horizons=(30,),
    )
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    pd.testing.assert_frame_equal(a.tests, b.tests)


def test_helpers_for_inference(btc_long, rut_events):
    m = event_day0_positions(btc_long, rut_events)
    assert list(m["status"]) == ["before_start"] * 5 + ["ok"] * 5
    assert (m["position"].iloc[:5] == -1).all()
    pos = m["position"].to_numpy()[5:]
    assert (btc_long.index[pos] == m.index[5:]).all()
    lc = np.log(btc_long["close"].to_numpy())
    got = forward_log_returns(lc, pos, pos + 30)
    assert_allclose(got, lc[pos + 30] - lc[pos], rtol=0, atol=0)
    two = forward_log_returns(np.c_[lc, 2 * lc], np.array([pos[0], -1]), np.array([pos[0] + 1, 5]))
    assert two.shape == (2, 2) and np.isnan(two[1]).all()
    assert_allclose(two[0], [lc[pos[0] + 1] - lc[pos[0]], 2 * (lc[pos[0] + 1] - lc[pos[0]])])
    with pytest.raises(ValueError, match="positions must be < 5879"):
        forward_log_returns(lc, [0], [len(lc)])
    m2 = event_day0_positions(
        btc_long.index,
        ["2030-01-02"],
        leader_clock="us_equity_close",
        follower_clock="utc_midnight",
    )
    assert m2["status"].iloc[0] == "after_end"


def test_benchmark_alignment_has_no_look_ahead():
    from riskcycle.calendar import CRYPTO_UTC, US_EQUITY_CLOSE

    days = pd.date_range("2024-01-10", "2024-01-17", freq="D")
    bdays = pd.DatetimeIndex(["2024-01-10", "2024-01-11", "2024-01-12", "2024-01-16"])
    bench = pd.Series([1.0, 2.0, 3.0, 4.0], index=bdays)
    got = align_benchmark(bench, days, benchmark_clock=US_EQUITY_CLOSE, follower_clock=CRYPTO_UTC)
    # Fri 12 close (21:00 UTC) is known when BTC's Friday bar closes; Sat/Sun/Mon (MLK day)
    # use it; Tue 16 uses Tuesday's; Wed 17 is after the benchmark's last date -> NaN
    assert_array_equal(got, [1, 2, 3, 3, 3, 3, 4, np.nan])
    # the reverse: a crypto benchmark for an exchange-traded follower. SPX's close at
    # 21:00 UTC can only use BTC's bar of the day before (closed at 00:00 UTC): none for
    # Wed 10 (the data start that day), BTC's Thu 11 bar for Fri 12, Mon 15 for Tue 16.
    btc = pd.Series(np.arange(1.0, 9.0), index=days)
    got = align_benchmark(btc, bdays, benchmark_clock=CRYPTO_UTC, follower_clock=US_EQUITY_CLOSE)
    assert_array_equal(got, [np.nan, 1, 2, 6])


def test_incomplete_and_overlapping_windows_are_flagged():
    close = _crypto(300)
    dates = ["2020-06-01", "2020-06-20", "2020-10-10"]
    with (
        pytest.warns(IncompleteWindowWarning, match="2020-10-10 at 60 days"),
        pytest.warns(OverlappingWindowsWarning, match="60 days: 2020-06-01, 2020-06-20"),
        pytest.warns(
            SmallSampleWarning,
            match=r"need at least 3 events .* at 60 days: "
            r"cross_sectional_t \(2\)",
        ),
    ):
        res = _study(close, dates, horizons=(10, 60), estimation_window=60, gap=5)
    df = res.to_frame().set_index(["horizon", "event_date"])
    assert not df.loc[(60, "2020-10-10"), "complete"]
    assert np.isnan(df.loc[(60, "2020-10-10"), "return"])
    assert np.isfinite(df.loc[(60, "2020-10-10"), "return_to_date"])
    assert df.loc[(60, "2020-10-10"), "end_date"] == close.index[-1]
    assert df.loc[(60, "2020-06-01"), "overlapping"]
    assert not df.loc[(10, "2020-06-01"), "overlapping"]
    t = res.tests.set_index(["test", "horizon"])
    assert "2 of 2 windows overlap" in t.loc[("patell_z", 60), "note"]
    assert t.loc[("bmp", 60), "n_events"] == 2 and np.isnan(t.loc[("bmp", 60), "pvalue"])


def test_kolari_pynnonen_correlation_from_shared_days():
    close = _crypto(300)
    dates = ["2020-06-01", "2020-06-20", "2020-07-10"]
    with pytest.warns(OverlappingWindowsWarning):
        res = _study(close, dates, horizons=(10, 60), model="raw")
    t = res.tests.set_index(["test", "horizon"])
    # raw model, 60-day windows sharing 41, 21 and 40 days: r = (41 + 21 + 40) / 60 / 3
    assert "r = 0.5667" in t.loc[("bmp_kolari_pynnonen", 60), "note"]
    bmp, kp = t.loc[("bmp", 60), "statistic"], t.loc[("bmp_kolari_pynnonen", 60), "statistic"]
    r = 102 / 180
    assert_allclose(kp, bmp * np.sqrt((1 - r) / (1 + 2 * r)), rtol=1e-12)
    # 10-day windows share nothing: r = 0 and KP = BMP
    assert "r = 0." in t.loc[("bmp_kolari_pynnonen", 10), "note"]
    assert t.loc[("bmp_kolari_pynnonen", 10), "statistic"] == t.loc[("bmp", 10), "statistic"]


@pytest.mark.parametrize("n_events", [1, 2])
def test_one_or_two_events(n_events):
    close = _crypto(400)
    dates = ["2020-06-01", "2020-09-01"][:n_events]
    with pytest.warns(
        SmallSampleWarning,
        match=rf"30 days: cross_sectional_t \({n_events}\), "
        rf"bmp \({n_events}\)",
    ):
        res = _study(close, dates, horizons=(30,))
    t = res.tests.set_index("test")
    for name in ("cross_sectional_t", "bmp", "bmp_kolari_pynnonen"):
        assert np.isnan(t.loc[name, "pvalue"]) and np.isnan(t.loc[name, "statistic"])
        assert f"at least 3 events, got {n_events}" in t.loc[name, "note"]
    for name in ("patell_z", "corrado_rank", "generalized_sign", "wilcoxon_signed_rank"):
        assert 0 < t.loc[name, "pvalue"] <= 1
    # discrete tests: the smallest p-value they can reach with n events (computed)
    assert_allclose(t.loc["wilcoxon_signed_rank", "min_attainable_pvalue"], 2 / 2**n_events)
    phat = float(t.loc["generalized_sign", "reference_distribution"].split(", ")[1][:-1])
    want = min(stats.binomtest(k, n_events, phat).pvalue for k in (0, n_events))
    assert_allclose(t.loc["generalized_sign", "min_attainable_pvalue"], want, rtol=1e-3)
    # with p = 1/2 (the plain sign test) 2 events cannot go below 0.5 two-sided, 0.25 one-sided
    assert_allclose(_tests.min_pvalue_sign(2, 0.5, "two-sided"), 0.5, rtol=1e-12)
    assert_allclose(_tests.min_pvalue_sign(2, 0.5, "greater"), 0.25, rtol=1e-12)


def test_short_estimation_window_and_degenerate_data():
    close = _crypto(200)
    with pytest.warns(SmallSampleWarning, match=r"min_estimation_obs=30 .* for 2020-01-20"):
        res = _quiet_except(
            SmallSampleWarning,
            _study,
            close,
            ["2020-01-20", "2020-04-01", "2020-05-01", "2020-06-01"],
            horizons=(10,),
        )
    df = res.to_frame().set_index("event_date")
    assert np.isnan(df.loc["2020-01-20", "car"]) and np.isfinite(df.loc["2020-04-01", "car"])
    assert df.loc["2020-01-20", "estimation_obs"] < 30
    # raw model keeps the CAR (it needs no estimate) but not the standardised CAR
    res = _quiet(_study, close, ["2020-01-20"], horizons=(10,), model="raw")
    row = res.to_frame().iloc[0]
    assert np.isfinite(row["car"]) and np.isnan(row["scar"])
    flat = close.copy()
    flat.iloc[:120] = 100.0
    with pytest.warns(DegenerateDataWarning, match="zero residual variance .* 2020-04-20"):
        _quiet_except(
            DegenerateDataWarning,
            _study,
            flat,
            ["2020-04-20"],
            horizons=(10,),
            estimation_window=60,
            gap=5,
        )


def _quiet_except(keep, fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", riskcycle.RiskcycleWarning)
        warnings.simplefilter("always", keep)
        return fn(*args, **kwargs)


def test_inputs_not_modified(btc_long, rut_events):
    btc = btc_long.copy()
    before = btc.copy()
    _quiet(riskcycle.event_study, btc, rut_events, horizons=(30,))
    pd.testing.assert_frame_equal(btc, before)
    assert btc.attrs == before.attrs


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------
def test_bad_input(btc_long, rut_events):
    es = riskcycle.event_study
    with pytest.raises(
        ValueError, match="`events` dates must be sorted ascending; 2016-11-14 follows 2020-11-13"
    ):
        es(btc_long, ["2020-11-13", "2016-11-14"], leader_clock="us_equity_close")
    with pytest.raises(ValueError, match="`events` dates must be unique; 2016-11-14 is"):
        es(btc_long, ["2016-11-14", "2016-11-14"], leader_clock="us_equity_close")
    with pytest.raises(TypeError, match="`events` must be an Events object or a sequence"):
        es(btc_long, "2016-11-14", leader_clock="us_equity_close")
    with pytest.raises(ValueError, match="`events` is empty"):
        es(btc_long, [], leader_clock="us_equity_close")
    with pytest.raises(ValueError, match="`leader_clock` is required"):
        es(btc_long, ["2016-11-14"])
    with pytest.raises(
        TypeError,
        match=r"`horizons` must be a sequence of positive integer "
        r"numbers of calendar days; got 30\.5",
    ):
        es(btc_long, rut_events, horizons=(30.5,))
    with pytest.raises(
        ValueError,
        match="`horizons` must be a sequence of positive integer "
        "numbers of calendar days >= 1; got -5",
    ):
        es(btc_long, rut_events, horizons=(30, -5))
    with pytest.raises(ValueError, match="`horizons` must be unique"):
        es(btc_long, rut_events, horizons=(30, 30))
    with pytest.raises(ValueError, match="`horizons` must hold at least one"):
        es(btc_long, rut_events, horizons=())
    with pytest.raises(TypeError, match="`horizons` must be a sequence"):
        es(btc_long, rut_events, horizons="30")
    with pytest.raises(ValueError, match="`model` must be one of"):
        es(btc_long, rut_events, model="fama_french")
    with pytest.raises(ValueError, match="`benchmark` is required for model='market_model'"):
        es(btc_long, rut_events, model="market_model")
    with pytest.raises(ValueError, match="`benchmark` is used only by"):
        es(btc_long, rut_events, benchmark=riskcycle.datasets.load("spx"))
    old = riskcycle.datasets.load("spx", end="1990-01-01")
    with pytest.raises(
        ValueError,
        match="`benchmark` does not overlap the follower: benchmark 1927-12-30 to 1989-12-29",
    ):
        es(btc_long, rut_events, model="market_adjusted", benchmark=old)
    nan = btc_long.copy()
    nan.iloc[100, 0] = np.nan
    with pytest.raises(ValueError, match="`follower` has a NaN close on 2010-10-26"):
        es(nan, rut_events)
    with pytest.raises(ValueError, match="`follower` dates must be sorted ascending"):
        es(btc_long.iloc[::-1], rut_events)
    bad_bench = riskcycle.datasets.load("spx").copy()
    bad_bench.iloc[5, 0] = np.nan
    with pytest.raises(ValueError, match="`benchmark` has a NaN close"):
        es(btc_long, rut_events, model="market_model", benchmark=bad_bench)
    with pytest.raises(ValueError, match="`follower_clock` is required"):
        es(pd.Series(btc_long["close"].to_numpy(), index=btc_long.index), rut_events)
    with pytest.raises(ValueError, match="`alternative` must be one of"):
        es(btc_long, rut_events, alternative="bigger")
    with pytest.raises(ValueError, match="`confidence_level` must be a probability"):
        es(btc_long, rut_events, confidence_level=1.5)
    with pytest.raises(ValueError, match="`gap` must be a non-negative integer"):
        es(btc_long, rut_events, gap=-1)
    with pytest.raises(ValueError, match="`estimation_window` must be a positive integer"):
        es(btc_long, rut_events, estimation_window=0)
    with pytest.raises(
        ValueError, match="`min_estimation_obs` must be an integer number of returns >= 5"
    ):
        es(btc_long, rut_events, min_estimation_obs=2)
    with pytest.raises(ValueError, match="`return_type` must be one of"):
        es(btc_long, rut_events, return_type="pct")
    with pytest.raises(TypeError, match="`path_window` must be a pair"):
        es(btc_long, rut_events, path_window=90)
    with pytest.raises(ValueError, match="`path_window` must be a pair of integer day offsets"):
        es(btc_long, rut_events, path_window=(10, 365))
    with pytest.raises(ValueError, match="`delay` must be a non-negative timedelta"):
        es(btc_long, rut_events, delay="-1h")
    with pytest.raises(ValueError, match="`nan_policy` must be one of"):
        es(btc_long, rut_events, nan_policy="ignore")
    with pytest.raises(ValueError, match="no event falls inside the follower's data"):
        _quiet(es, btc_long, rut_events[:5])


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------
_PRICES = _crypto(420, seed=1)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    h=st.sampled_from([5, 20, 45]),
    model=st.sampled_from(["raw", "constant_mean", "market_model"]),
    ev=st.integers(150, 300),
)
def test_future_prices_do_not_change_past_windows(seed, h, model, ev):
    rng = np.random.default_rng(seed)
    x = _PRICES
    bench = _crypto(420, seed=2)
    day0 = x.index[ev]
    y = x.copy()
    tail = y.index > day0 + pd.Timedelta(days=h)
    y[tail] = rng.permutation(y[tail].to_numpy()) * rng.uniform(0.2, 5.0)
    kw = dict(
        horizons=(h,),
        model=model,
        estimation_window=90,
        gap=10,
        benchmark=bench if model == "market_model" else None,
        benchmark_clock="utc_midnight",
    )
    if model != "market_model":
        kw.pop("benchmark_clock")
    dates = [x.index[100], day0]
    a = _quiet(_study, x, dates, **kw).to_frame().set_index("event_date").loc[day0]
    b = _quiet(_study, y, dates, **kw).to_frame().set_index("event_date").loc[day0]
    pd.testing.assert_series_equal(a, b)


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(1e-3, 1e4), seed=st.integers(0, 2**31 - 1))
def test_scaling_prices_does_not_change_returns(scale, seed):
    x = _crypto(300, seed=seed % 1000)
    dates = ["2020-05-01", "2020-06-15", "2020-08-01"]
    a = _quiet(_study, x, dates, horizons=(10, 30))
    b = _quiet(_study, x * scale, dates, horizons=(10, 30))
    cols = ["return", "log_return", "max_drawdown", "max_runup", "peak_return", "car", "scar"]
    # scaling changes the closes' last bits: log differences agree to ~1e-15 absolute
    assert_allclose(b.to_frame()[cols], a.to_frame()[cols], rtol=1e-9, atol=1e-12)
    assert_array_equal(b.to_frame()["days_to_peak"], a.to_frame()["days_to_peak"])
    assert_allclose(b.tests["pvalue"], a.tests["pvalue"], rtol=1e-7, atol=1e-12)


def test_benchmark_ending_inside_a_window():
    x = _crypto(300, seed=4)
    bench = _crypto(250, seed=5, sigma=0.01)
    dates = ["2020-05-01", "2020-06-01", "2020-07-01", "2020-08-25"]
    with pytest.warns(
        DegenerateDataWarning,
        match=r"no return for some bars of the windows of "
        r"2020-08-25 at 20 days \(benchmark data "
        r"2020-01-01 to 2020-09-06\)",
    ):
        res = _study(
            x,
            dates,
            horizons=(20,),
            model="market_model",
            benchmark=bench,
            benchmark_clock="utc_midnight",
        )
    df = res.to_frame().set_index("event_date")
    assert df.loc["2020-08-25", "complete"] and np.isnan(df.loc["2020-08-25", "car"])
    assert np.isfinite(df.loc["2020-07-01", "car"])
    assert (res.tests["n_events"] == 3).all()


def test_event_on_the_last_bar_and_zero_cars():
    x = _crypto(200)
    with pytest.warns(IncompleteWindowWarning, match="2020-07-18 at 5 days"):
        res = _quiet_except(
            IncompleteWindowWarning,
            _study,
            x,
            ["2020-05-01", "2020-06-01", "2020-07-18"],
            horizons=(5,),
        )
    last = res.to_frame().iloc[-1]
    assert last["n_bars"] == 0 and not last["complete"] and last["return_to_date"] == 0.0
    # a flat follower after the estimation windows: every raw CAR is 0
    flat = x.copy()
    flat.iloc[120:] = 100.0
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        res = _study(flat, ["2020-05-01", "2020-05-20", "2020-06-10"], horizons=(5,), model="raw")
    assert all(issubclass(w.category, riskcycle.RiskcycleWarning) for w in rec)
    msgs = [str(w.message) for w in rec if w.category is DegenerateDataWarning]
    assert any("every CAR is zero" in m for m in msgs)
    assert any("cross_sectional_t at 5 days is undefined (zero variance)" in m for m in msgs)
    t = res.tests.set_index("test")
    assert np.isnan(t.loc["cross_sectional_t", "pvalue"])
    assert np.isnan(t.loc["wilcoxon_signed_rank", "pvalue"])
    assert "every CAR is exactly zero" in t.loc["wilcoxon_signed_rank", "note"]


def test_note_when_windows_sit_in_later_estimation_windows():
    x = _crypto(700, seed=6)
    dates = x.index[[300, 340, 380, 420, 460, 500]]
    res = _study(x, dates, horizons=(30,), estimation_window=250, gap=10)
    t = res.tests.set_index("test")
    note = t.loc["bmp", "note"]
    assert "events share estimation data" in note and "conservative here" in note
    assert (
        "average correlation of the CARs from shared data r = -"
        in t.loc["bmp_kolari_pynnonen", "note"]
    )
    assert abs(t.loc["bmp_kolari_pynnonen", "statistic"]) > abs(t.loc["bmp", "statistic"])


def test_sample_layer_names_the_excluded_events():
    # the shared event-sample layer words the exclusion messages of the event study, the
    # inference functions and the backtest; expected strings written out by hand
    from riskcycle._sample import (
        before_after_messages,
        incomplete_windows_message,
        outside_data_message,
    )

    idx = pd.date_range("2020-01-01", "2020-12-31", freq="D")
    out = pd.DatetimeIndex(["2019-06-01", "2021-03-01"])
    assert outside_data_message(out, idx) == (
        "2 event(s) fall outside the follower's data (2020-01-01 to 2020-12-31) and are "
        "excluded: 2019-06-01, 2021-03-01."
    )
    many = pd.date_range("2010-01-01", periods=10, freq="YS")
    # the backtest's form: at most eight dates shown, then ", ..." and the full stop
    assert outside_data_message(many, idx, noun="signal", verb="were", limit=8) == (
        "10 signal(s) fall outside the follower's data (2020-01-01 to 2020-12-31) and were "
        "excluded: 2010-01-01, 2011-01-01, 2012-01-01, 2013-01-01, 2014-01-01, 2015-01-01, "
        "2016-01-01, 2017-01-01, ...."
    )
    status = np.array(["before_start", "ok", "after_end"])
    dates = pd.DatetimeIndex(["2019-06-01", "2020-06-01", "2021-03-01"])
    assert before_after_messages(dates, status, idx) == [
        "1 event(s) are before the follower's first date (2020-01-01) and are excluded: "
        "2019-06-01.",
        "1 event(s) are after the follower's last date (2020-12-31) and are excluded: 2021-03-01.",
    ]
    complete = np.array([[True, True], [True, False]])  # horizons x events
    two = pd.DatetimeIndex(["2020-03-01", "2020-11-01"])
    assert incomplete_windows_message(two, complete, (30, 90), idx) == (
        "windows run past the end of the follower's data (2020-12-31): 2020-11-01 at 90 "
        "days. They are reported with complete=False (return so far in return_to_date) and "
        "left out of the tests."
    )
    assert incomplete_windows_message(two, complete[:1], (30,), idx) is None
