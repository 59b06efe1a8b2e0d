"""riskcycle.assess_signal: as-of cut, follow-up, verdict from numbers, inputs, views."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import matplotlib
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


def test_verdict_is_decided_by_the_numbers(as_of_full):
    a = as_of_full
    tests = a.to_frame().set_index("test")
    main = tests.loc[["placebo", "placebo_halving_matched", "garch_null"], "pvalue"]
    sig = main < a.alpha
    expected = "supported" if sig.all() else "mixed" if sig.any() else "not_supported"
    assert a.verdict_label == expected
    text = " ".join(a.verdict)
    assert f"p = {main['placebo']:.2f}" in text or f"p = {main['placebo']:.2g}" in text
    assert "2016-11-14, 2020-11-13" in text and "2025-09-18" in text
    assert f"{a.base_rate.base_rate:.0%}" in text
    assert "cannot give p below 0.25" in text


def _fake(p_plain, p_matched, p_garch, k=3):
    pl = SimpleNamespace(
        statistic=1.0,
        null_mean=0.5,
        pvalue=p_plain,
        method="monte_carlo",
        pvalue_se=0.001,
        event_dates=pd.DatetimeIndex(["2016-11-14"] * k),
    )
    plm = SimpleNamespace(pvalue=p_matched, method="exact")
    garch = SimpleNamespace(pvalue=p_garch, expected_statistic=0.4)
    br = SimpleNamespace(
        base_rate=0.7,
        confidence_interval=(0.6, 0.8),
        hits=k,
        pvalue=0.7**k,
        bayes_factor=1.5,
        min_attainable_pvalue=0.7**k,
    )
    pw = SimpleNamespace(
        effect=0.5,
        events_needed=12.0,
        years_needed=40.0,
        mde_observed=0.9,
        power_observed=0.3,
        target_power=0.8,
        sd_forward_simulated=0.7,
        sd_forward_observed=1.0,
        table=pd.DataFrame({"n_events": [1, 50]}),
    )
    return dict(
        leader="rut",
        follower="btc",
        definition="rule",
        h=365,
        alpha=0.05,
        k=k,
        pending=[],
        data_end=pd.Timestamp("2026-01-22"),
        pl=pl,
        plm=plm,
        garch=garch,
        boot=None,
        br=br,
        pw=pw,
        thr=0.0,
    )


@pytest.mark.parametrize(
    ("ps", "label"),
    [
        ((0.01, 0.02, 0.03), "supported"),
        ((0.01, 0.30, 0.03), "mixed"),
        ((0.20, 0.30, 0.40), "not_supported"),
    ],
)
def test_verdict_labels_and_sentences(ps, label):
    sentences, got = _verdict(**_fake(*ps))
    assert got == label
    text = " ".join(sentences)
    assert f"p = {ps[0]:.2f}" in text
    assert "about 12 events (40 years at the observed rate)" in text
    assert "the power is overstated" in text  # simulated s.d. 0.7 < 0.9 * observed 1.0
    if label == "mixed" and ps[0] < 0.05 <= ps[1]:
        assert "halving cycle" in text
    none = _fake(*ps, k=0)
    s0, l0 = _verdict(**none)
    assert l0 == "no_events" and "nothing to assess" in s0[0]


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
        "min_attainable_pvalue",
        "n_events",
        "null_hypothesis",
        "resampling",
    ]
    assert df["null_hypothesis"].str.len().min() > 20
    text = str(a.summary())
    for part in ("Tests", "Key numbers", "After 2026-01-22", "Taken together"):
        assert part in text
    assert a.summary().as_markdown().startswith("### ")
    assert repr(a).startswith("SignalAssessment(rut -> btc, horizon=365, n_events=2")
    axes = a.plot()
    assert len(axes) == 4
    with pytest.raises(ValueError, match="`ax` must hold four Axes"):
        a.plot(ax=[axes[0]])
    assert a.settings["as_of"] == AS_OF and a.settings["min_gap"] == 250
    assert a.event_study is not None and a.event_study.horizons == (90, 365)


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
