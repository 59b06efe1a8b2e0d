"""riskcycle.assess_signal: as-of cut, follow-up, verdict from numbers, inputs, views."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import matplotlib
import matplotlib.figure
import matplotlib.pyplot
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from riskcycle.assess import SignalAssessment, _verdict, assess_signal

matplotlib.use("Agg")

FAST = dict(
    horizons=[90, 365],
    n_resamples=499,
    garch_resamples=49,
    power_simulations=20,
    power_resamples=19,
    n_calibration=99,
    calibration_resamples=99,
    rng=7,
)
AS_OF = pd.Timestamp("2026-01-22")


@pytest.fixture(scope="module")
def as_of_full(rut, btc):
    return assess_signal(rut, btc, as_of=AS_OF, **FAST)


def _same(a, b, path="") -> None:
    """Field-by-field equality of two assessments (results compared through their fields)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            if f.name == "versions":
                continue
            _same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=path)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, obj=path)
    elif isinstance(a, pd.Index):
        pd.testing.assert_index_equal(a, b, obj=path)
    elif isinstance(a, np.ndarray):
        assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, float) and np.isnan(a):
        assert isinstance(b, float) and np.isnan(b), path
    elif hasattr(a, "windows") and hasattr(a, "tests"):  # EventStudyResult
        _same(a.windows, b.windows, path + ".windows")
        _same(a.tests, b.tests, path + ".tests")
    else:
        assert a == b, path


def test_as_of_result_ignores_later_data(rut, btc, as_of_full):
    """Identical whether the data after as_of are absent, present or scrambled."""
    cut = assess_signal(rut.loc[:AS_OF], btc.loc[:AS_OF], as_of=AS_OF, **FAST)
    rng = np.random.default_rng(0)
    btc_scrambled = btc.copy()
    later = btc_scrambled.index > AS_OF
    btc_scrambled.loc[later, "close"] *= np.exp(rng.normal(0, 0.3, later.sum()))
    rut_scrambled = rut.copy()
    later_r = rut_scrambled.index > AS_OF
    rut_scrambled.loc[later_r, "close"] *= 1.5  # a huge "breakout" after as_of
    scrambled = assess_signal(rut_scrambled, btc_scrambled, as_of=AS_OF, **FAST)
    for other in (cut, scrambled):
        for f in dataclasses.fields(SignalAssessment):
            if f.name in ("follow_up", "versions"):
                continue
            _same(getattr(as_of_full, f.name), getattr(other, f.name), f.name)
    # and the caller's frames are untouched
    assert btc.index[-1] > AS_OF and rut.index[-1] > AS_OF


def test_commentary_case_numbers(as_of_full, btc):
    a = as_of_full
    assert a.data_end == AS_OF
    assert [d.strftime("%Y-%m-%d") for d in a.placebo.event_dates] == ["2016-11-14", "2020-11-13"]
    assert a.events.dates[-1] == pd.Timestamp("2025-09-18")  # known, window incomplete
    assert a.horizon == 365 and a.horizons == (90, 365)
    assert a.placebo.min_spacing == 362
    assert a.placebo_matched.matching["halving_window"] == 90
    assert a.min_attainable_pvalues["sign_test"] == 0.25
    assert a.min_attainable_pvalues["hit_count_binomial"] == pytest.approx(
        a.base_rate.base_rate**2
    )
    # follow-up: the 2025-09-18 breakout, pending at as_of, followed on the full data
    fu = a.follow_up.set_index(["event_date", "horizon"])
    row = fu.loc[(pd.Timestamp("2025-09-18"), 365)]
    assert row["known_as_of"] and not row["complete"]  # data end 2026-08-21 < 2026-09-18
    lc = np.log(btc["close"])
    assert row["log_return"] == pytest.approx(lc.iloc[-1] - lc["2025-09-18"], rel=1e-12)
    assert row["log_return_as_of"] == pytest.approx(lc[AS_OF] - lc["2025-09-18"], rel=1e-12)
    # DESIGN.md: BTC about 0.67x after 2025-09-18
    assert 0.6 < np.exp(row["log_return"]) < 0.75
    # its 90-day window was already complete at as_of: nothing to follow up
    assert (pd.Timestamp("2025-09-18"), 90) not in fu.index


def test_verdict_is_decided_by_the_calibrated_pvalues(as_of_full):
    a = as_of_full
    tests = a.to_frame().set_index("test")
    verdict_tests = tests[tests["in_verdict"]]
    # the plain, halving-matched and era placebo tests and the hit count enter the verdict;
    # the GARCH null does not
    assert set(verdict_tests.index) == {
        "placebo",
        "placebo_halving_matched",
        "placebo_era",
        "hit_count",
    }
    assert not tests.loc["garch_null", "in_verdict"]
    # the GARCH null is calibrated too (shown), but stays out of the verdict
    assert 0 < tests.loc["garch_null", "pvalue_calibrated"] <= 1
    sig = verdict_tests["pvalue_calibrated"] <= a.alpha
    expected = "supported" if sig.all() else "mixed" if sig.any() else "not_supported"
    if a.fragile_events:
        expected = "fragile"
    assert a.verdict_label == expected
    text = " ".join(a.verdict)
    assert text.startswith("Bottom line:")
    assert "2016-11-14, 2020-11-13" in text and "2025-09-18" in text
    assert f"{a.base_rate.base_rate:.0%}" in text
    assert "a sign test cannot give p below 0.25" in text
    assert "not used by the verdict" in text


def _facts(cal_ps, *, k=3, loo_labels=None):
    from riskcycle.assess import _Facts

    dates = pd.date_range("2014-01-01", periods=k, freq="400D")
    pl = SimpleNamespace(
        statistic=1.0,
        null_mean=0.5,
        pvalue=cal_ps[0],
        method="monte_carlo",
        pvalue_se=0.001,
        event_dates=dates,
    )
    names = ("placebo", "placebo_halving_matched", "placebo_era", "hit_count")
    calibration = {
        t: SimpleNamespace(pvalue_calibrated=p, size=0.05)
        for t, p in zip(names, cal_ps, strict=True)
    }
    br = SimpleNamespace(
        base_rate=0.7,
        confidence_interval=(0.6, 0.8),
        confidence_level=0.9,
        hits=k,
        pvalue=0.7**k,
        bayes_factor=1.5,
        min_attainable_pvalue=0.7**k,
    )
    loo = pd.DataFrame(
        {"left_out": dates, "verdict_without": loo_labels}
        if loo_labels is not None
        else {"left_out": [], "verdict_without": []}
    )
    return _Facts(
        leader="rut",
        follower="btc",
        definition="rule",
        h=365,
        alpha=0.05,
        k=k,
        pending=[],
        data_end=pd.Timestamp("2026-01-22"),
        pl=pl,
        plm=SimpleNamespace(pvalue=cal_ps[1]),
        ple=SimpleNamespace(pvalue=cal_ps[2]),
        garch=None,
        boot=None,
        br=br,
        pw=None,
        thr=0.0,
        calibration=calibration,
        loo=loo,
        family_wise=None,
    )


@pytest.mark.parametrize(
    ("ps", "label"),
    [
        ((0.01, 0.02, 0.03, 0.04), "supported"),
        ((0.01, 0.30, 0.03, 0.5), "mixed"),
        ((0.20, 0.30, 0.40, 0.5), "not_supported"),
    ],
)
def test_verdict_labels_from_calibrated_pvalues(ps, label):
    sentences, got, fragile = _verdict(_facts(ps, k=5))
    assert got == label and fragile == ()
    assert sentences[0].startswith("Bottom line:")
    assert any("(90% interval 60% to 80%)" in s for s in sentences)  # the level used
    # with 5 events the sign-test floor (0.031) is below 5%: no floor sentence
    assert not any("sign test cannot" in s for s in sentences)
    s3, _, _ = _verdict(_facts(ps, k=3))
    assert any("a sign test cannot give p below 0.12" in s for s in s3)


def test_leave_one_out_flip_is_labelled_fragile_and_names_the_event():
    ps = (0.01, 0.02, 0.03, 0.04)
    loo = ["supported", "not_supported", "supported"]
    sentences, label, fragile = _verdict(_facts(ps, k=3, loo_labels=loo))
    assert label == "fragile"
    assert fragile == (pd.Timestamp("2015-02-05"),)
    assert any(
        "Fragile: leaving out the event of 2015-02-05 changes this conclusion to "
        "not_supported" in s
        for s in sentences
    )
    # a conclusion of no evidence is not called fragile
    _, label0, fragile0 = _verdict(_facts((0.2, 0.3, 0.4, 0.5), k=3, loo_labels=loo))
    assert label0 == "not_supported" and fragile0 == ()
    # one event: any conclusion rests on it
    _, label1, fragile1 = _verdict(_facts((0.01, 0.02, 0.03, 0.04), k=1))
    assert label1 == "fragile" and fragile1 == (pd.Timestamp("2014-01-01"),)


def test_no_events_label():
    f = _facts((0.01, 0.02, 0.03, 0.04), k=0)
    s0, l0, fr = _verdict(f)
    assert l0 == "no_events" and "nothing to assess" in s0[0] and fr == ()


def test_leave_one_out_detects_a_constructed_single_event_claim():
    """A follower that jumps once after one of three dates: the claim rests on that date."""
    rng = np.random.default_rng(5)
    idx = pd.date_range("2000-01-01", periods=3000, freq="D")
    r = rng.normal(0.0, 0.01, len(idx))
    r[1225] += 2.5  # a jump 10 days after the second event (day 1215)
    prices = pd.Series(100 * np.exp(np.cumsum(r)), index=idx, name="close")
    events = ["2001-03-01", "2003-04-30", "2005-06-01"]
    a = assess_signal(
        events,
        prices,
        horizon=60,
        horizons=[60],
        halving_window=None,
        eras=None,
        leader_clock="utc_midnight",
        follower_clock="utc_midnight",
        n_resamples=999,
        garch_resamples=19,
        power_simulations=10,
        power_resamples=19,
        n_calibration=199,
        rng=3,
    )
    assert a.placebo.n_events == 3
    assert a.calibration["placebo"].pvalue_calibrated <= 0.05
    loo = a.leave_one_out.set_index("left_out")
    # without the jump the two remaining dates are ordinary (seeded: p well above alpha)
    assert loo.loc[pd.Timestamp("2003-04-30"), "pvalue_calibrated_placebo"] > 0.1
    assert loo.loc[pd.Timestamp("2003-04-30"), "verdict_without"] == "not_supported"
    assert pd.Timestamp("2003-04-30") in a.fragile_events
    assert a.verdict_label == "fragile"
    assert any("2003-04-30" in s and s.startswith("Fragile") for s in a.verdict)


def test_events_given_directly_match_detected_events(rut, btc):
    """An Events object, a DatetimeIndex and a list of dates give the same tests."""
    kw = dict(horizons=[365], as_of=AS_OF, **{k: v for k, v in FAST.items() if k != "horizons"})
    kw["n_calibration"] = 49
    detected = assess_signal(rut, btc, **kw)
    ev = detected.events
    dates = list(ev.dates.strftime("%Y-%m-%d"))
    a = assess_signal(ev, btc, **kw)
    assert a.placebo.pvalue == detected.placebo.pvalue
    assert a.calibration["placebo"].pvalue_calibrated == (
        detected.calibration["placebo"].pvalue_calibrated
    )
    assert a.settings["events_given"] and not detected.settings["events_given"]
    used = detected.placebo.event_dates  # 2016-11-14 and 2020-11-13 (btc starts 2014-09)
    gap = int((used[1] - used[0]) / pd.Timedelta(days=1))
    for given in (ev.dates, dates, pd.Series(ev.dates)):
        a = assess_signal(given, btc, leader_clock="us_equity_close", **kw)
        assert_array_equal(a.placebo.day0_dates, detected.placebo.day0_dates)
        assert a.placebo.statistic == detected.placebo.statistic
        # plain dates carry no detection rule: the placebo spacing is their smallest gap
        assert a.placebo.min_spacing == gap == 1460
        assert a.settings["events_given"]


def test_no_events_yet(rut, btc):
    # warnings from the analyses go to `notes` (the suite turns any warning into an error)
    a = assess_signal(rut, btc, as_of="2016-06-30", **FAST)
    assert any("SmallSampleWarning" in n for n in a.notes)
    assert a.verdict_label == "no_events"
    assert np.isnan(a.placebo.pvalue) and a.garch_null is None and a.power is None
    assert a.follow_up["event_date"].min() >= pd.Timestamp("2016-11-14")


def test_views(as_of_full):
    a = as_of_full
    df = a.to_frame()
    assert list(df.columns) == [
        "test",
        "horizon",
        "statistic",
        "pvalue",
        "pvalue_se",
        "pvalue_calibrated",
        "pvalue_calibrated_se",
        "size_at_alpha",
        "size_ci_low",
        "size_ci_high",
        "in_verdict",
        "min_attainable_pvalue",
        "n_events",
        "null_hypothesis",
        "resampling",
    ]
    assert df["null_hypothesis"].str.len().min() > 20
    cal = df[df["in_verdict"]]
    assert ((cal["pvalue_calibrated"] > 0) & (cal["pvalue_calibrated"] <= 1)).all()
    assert (cal["size_ci_low"] <= cal["size_at_alpha"]).all()
    assert (cal["size_at_alpha"] <= cal["size_ci_high"]).all()
    text = str(a.summary())
    for part in ("Tests", "Key numbers", "After 2026-01-22", "Bottom line", "Leave one event out"):
        assert part in text
    assert a.summary().as_markdown().startswith("### ")
    assert repr(a).startswith("SignalAssessment(rut -> btc, horizon=365, n_events=2")
    fig = a.plot()
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) >= 4
    with pytest.raises(ValueError, match="`ax` must hold four Axes"):
        a.plot(ax=[fig.axes[0]])
    matplotlib.pyplot.close("all")
    assert a.settings["as_of"] == AS_OF and a.settings["min_gap"] == 250
    assert a.event_study is not None and a.event_study.horizons == (90, 365)
    # two events: leave-one-out has a row per event; the family-wise test covers both horizons
    assert len(a.leave_one_out) == 2
    assert a.family_wise["horizons"] == (90, 365)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"horizons": "365"}, TypeError, "`horizons` must be a sequence of positive integers"),
        ({"horizons": []}, ValueError, "`horizons` must not be empty"),
        ({"horizons": [0]}, ValueError, "`horizons` must be a positive integer"),
        ({"horizon": -1}, ValueError, "`horizon` must be a positive integer"),
        ({"as_of": 5}, TypeError, "`as_of` must be a date"),
        (
            {"as_of": "1980-01-01"},
            ValueError,
            "`as_of` \\(1980-01-01\\) leaves fewer than two leader",
        ),
        ({"as_of": "2014-09-18"}, ValueError, "leaves fewer than three follower observations"),
        ({"threshold": -2}, ValueError, "`threshold` must be a simple-return threshold"),
        ({"alternative": "more"}, ValueError, "`alternative` must be one of"),
        ({"halving_window": -3}, ValueError, "`halving_window` must be a non-negative integer"),
        ({"halving_cycles": "each"}, ValueError, "`halving_cycles` must be one of"),
        ({"n_resamples": 5}, ValueError, "`n_resamples` must be a positive integer >= 19"),
        ({"n_calibration": 5}, ValueError, "`n_calibration` must be a positive integer >= 19"),
        (
            {"n_calibration": 1_000_001},
            ValueError,
            "`n_calibration` must be at most 1,000,000; got 1,000,001",
        ),
        (
            {"calibration_resamples": 5},
            ValueError,
            "`calibration_resamples` must be a positive integer >= 19",
        ),
        (
            {"eras": "decades"},
            ValueError,
            "`eras` must be None, 'halving', 'variance_breaks' or a sequence",
        ),
        (
            {"eras": 2014},
            TypeError,
            "`eras` must be None, 'halving', 'variance_breaks' or a sequence",
        ),
        ({"garch_resamples": 0}, ValueError, "`garch_resamples` must be a positive integer"),
        ({"power_simulations": 2}, ValueError, "`power_simulations` must be a positive integer"),
        ({"power_resamples": 9}, ValueError, "`power_resamples` \\(9\\) is too small for alpha"),
        ({"alpha": 0}, ValueError, "`alpha` must be a significance level"),
        ({"target_power": 2}, ValueError, "`target_power` must be a probability"),
        ({"prior": (1, -1)}, ValueError, "`prior\\[1\\]` must be a positive Beta parameter"),
        ({"method": "peak"}, ValueError, "`method` must be one of"),
        ({"delay": 3}, TypeError, "`delay` must be a timedelta"),
    ],
)
def test_invalid_arguments(rut, btc, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        assess_signal(rut, btc, **{**FAST, **kwargs})


def test_leaving_out_an_event_that_strengthens_the_result_is_not_fragile():
    # "mixed" with all events; "supported" without one: nothing rests on that event
    _, label, fragile = _verdict(
        _facts((0.01, 0.30, 0.03, 0.04), k=3, loo_labels=["mixed", "supported", "mixed"])
    )
    assert label == "mixed" and fragile == ()


def test_given_events_timezone_aware_and_direction(rut, btc):
    kw = {k: v for k, v in FAST.items() if k != "horizons"}
    kw["n_calibration"] = 49
    aware = pd.DatetimeIndex(["2016-11-14", "2020-11-13", "2025-09-18"]).tz_localize("UTC")
    a = assess_signal(aware, btc, horizons=[365], as_of=AS_OF, leader_clock="utc_midnight", **kw)
    assert [d.strftime("%Y-%m-%d") for d in a.placebo.event_dates] == ["2016-11-14", "2020-11-13"]
    with pytest.raises(ValueError, match="`alternative` must be 'greater' in assess_signal"):
        assess_signal(rut, btc, alternative="less", **FAST)


@pytest.mark.slow
def test_family_wise_pvalue_holds_its_size():
    """Random events on a random walk: the min-p family-wise p rejects at most alpha.

    (The observed set and the draws are ranked among the same values; 600 repetitions,
    exact binomial test at 1%.)"""
    from scipy import stats

    from riskcycle import _calibration as K
    from riskcycle.assess import AssessOptions, _family_wise, _Prepared
    from riskcycle.inference import EventSample
    from riskcycle.inference import _common as C

    rng = np.random.default_rng(8)
    idx = pd.date_range("2000-01-01", periods=2500, freq="D")
    prices = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.02, len(idx)))), index=idx)
    fd = C.follower_data(prices, follower_clock="utc_midnight")
    none = C.Eras("none", pd.DatetimeIndex([]), np.zeros(fd.n, dtype=np.int64))
    kind, func, _ = C.resolve_statistic("mean")
    opts = AssessOptions(
        horizons=(30, 90, 180),
        horizon=180,
        as_of=None,
        threshold=0.0,
        alternative="greater",
        halving_window=None,
        halving_cycles="all",
        eras=None,
        n_resamples=199,
        garch_resamples=19,
        power_simulations=10,
        power_resamples=19,
        n_calibration=19,
        calibration_resamples=19,
        alpha=0.05,
        target_power=0.8,
        confidence_level=0.95,
        prior=(1.0, 1.0),
        delay=pd.Timedelta(0),
    )
    win = C.windows(fd, 180)
    d = K.design(fd, win, np.zeros(3, dtype=np.int64), spacing=60, eras=none)
    n, rejections = 600, 0
    for s in d.draw(n, rng):
        ed = C.EventData(leader_dates=fd.index[s], day0=s, status=np.array(["ok"] * 3))
        sample = EventSample(fd=fd, win=win, ed=ed, min_spacing=60, spacing_source="given")
        prep = _Prepared(sample, None, kind, func)
        rejections += _family_wise(prep, opts, rng)["pvalue"] <= 0.05
    assert stats.binomtest(int(rejections), n, 0.05).pvalue > 0.01, rejections / n
