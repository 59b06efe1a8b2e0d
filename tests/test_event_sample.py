"""The prepared event sample (riskcycle.inference.event_sample / EventSample).

A sample is the follower and its events mapped once for one horizon; the five
inference functions accept it in place of the follower and must give exactly the
numbers of the same call with the follower (same seed), without repeating the
exclusion warnings.
"""

from __future__ import annotations

import math
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

import riskcycle
from riskcycle.exceptions import (
    EventsExcludedWarning,
    IncompleteWindowWarning,
    ModelBoundaryWarning,
)
from riskcycle.inference import EventSample, event_sample


@pytest.fixture(scope="module")
def data():
    rut = riskcycle.datasets.load("rut")
    btc = riskcycle.datasets.load("btc", end="2026-01-22")
    events = riskcycle.breakouts(rut, min_gap=250)
    return {
        "rut": rut,
        "btc": btc,
        "events": events,
        # both inside BTC's data with complete 365-day windows: no exclusion warning
        "inside": events.between("2014-01-01", "2021-01-01"),
    }


@pytest.fixture(scope="module")
def sample(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventsExcludedWarning)
        warnings.simplefilter("ignore", IncompleteWindowWarning)
        return event_sample(data["btc"], data["events"], horizon=365)


# ---------------------------------------------------------------------------
# the views, from the prices directly
# ---------------------------------------------------------------------------
def test_views_read_the_prices(data, sample):
    btc = data["btc"]["close"]
    ev = pd.DatetimeIndex(data["events"].dates)
    inside = ev[(ev >= btc.index[0]) & (ev + pd.Timedelta(days=365) <= btc.index[-1])]
    assert sample.horizon == 365 and sample.delay == pd.Timedelta(0)
    assert sample.n_events == len(inside) == 2
    assert list(sample.event_dates) == list(inside)
    # BTC has a bar every calendar day and the Russell 2000 closes at 16:00 New York,
    # before BTC's 24:00 UTC bar of the same date: day 0 is the event's own date
    assert list(sample.day0_dates) == list(inside)
    # the forward log return: the close 365 days after day 0 over the close at day 0
    want = [math.log(btc[d + pd.Timedelta(days=365)] / btc[d]) for d in inside]
    np.testing.assert_allclose(sample.event_returns, want, rtol=1e-13)  # float rounding only
    # the excluded events and why: before BTC's data, or a window past its end
    reasons = sample.excluded["reason"]
    assert set(reasons[reasons.index < btc.index[0]]) == {"before_start"}
    assert set(reasons[reasons.index >= btc.index[0]]) == {"incomplete"}
    assert len(reasons) + sample.n_events == len(ev)
    # the record rule's 250 sessions at 252 sessions a year, in calendar days
    assert sample.min_spacing == round(250 * 365.25 / 252)
    assert "detection rule" in sample.spacing_source


def test_frame_summary_and_repr(data, sample):
    frame = sample.to_frame()
    assert list(frame.columns) == ["day0_date", "status", "used", "log_return", "simple_return"]
    assert frame.index.name == "event_date" and len(frame) == len(data["events"])
    assert frame["used"].sum() == sample.n_events
    np.testing.assert_array_equal(frame.loc[frame["used"], "log_return"], sample.event_returns)
    assert frame.loc[~frame["used"], "log_return"].isna().all()
    assert frame.loc[frame["status"] == "before_start", "day0_date"].isna().all()
    np.testing.assert_allclose(frame["simple_return"], np.expm1(frame["log_return"]), rtol=0)
    text = str(sample.summary())
    assert "365-day horizon" in text and "2 of 10 events used" in text
    assert "2025-09-18 (incomplete)" in text
    assert repr(sample).startswith("EventSample(follower='btc', horizon=365, n_events=2")
    assert "2016-11-14" in sample._repr_html_() and "<table" in sample._repr_html_()
    assert "2025-09-18" in sample.summary().as_markdown()


def test_without_events_and_pickle(sample):
    u = sample.without_events()
    assert isinstance(u, EventSample) and not u.has_events and sample.has_events
    assert u.n_events == 0 and len(u.event_dates) == 0 and len(u.to_frame()) == 0
    # no events: the spacing is the one given, else one day (as for a follower)
    assert u.min_spacing == 1 and u.horizon == sample.horizon
    back = pickle.loads(pickle.dumps(sample))
    pd.testing.assert_frame_equal(back.to_frame(), sample.to_frame())
    assert back.min_spacing == sample.min_spacing


def test_warns_once_at_construction(data):
    with pytest.warns(EventsExcludedWarning, match="7 event"):
        with pytest.warns(IncompleteWindowWarning, match="2025-09-18"):
            s = event_sample(data["btc"], data["events"], horizon=365)
    # the tests on the sample name no excluded event again
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        riskcycle.placebo_test(s, n_resamples=99, rng=0)
        riskcycle.bootstrap_ci(s, n_resamples=99, rng=0)
        riskcycle.base_rate(s, n_resamples=99, rng=0)
        riskcycle.garch_null_test(s, n_resamples=19, rng=0)
        riskcycle.power_analysis(s, n_simulations=10, n_resamples=19, n_events=[2], rng=0)
    categories = {w.category for w in caught}
    assert not categories & {EventsExcludedWarning, IncompleteWindowWarning}, categories
    # and the follower path warns as before
    with pytest.warns(EventsExcludedWarning):
        with pytest.warns(IncompleteWindowWarning):
            riskcycle.placebo_test(data["btc"], data["events"], horizon=365, n_resamples=99)


# ---------------------------------------------------------------------------
# the same numbers from the follower and from the sample
# ---------------------------------------------------------------------------
def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=True)
    assert str(a.summary()) == str(b.summary())
    for name in ("null_distribution", "bootstrap_distribution", "power_curves"):
        if hasattr(a, name):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert dict(a.settings) == dict(b.settings)
    assert type(a.settings) is type(b.settings)


CASES = {
    "placebo": ("placebo_test", {"n_resamples": 499}),
    "placebo_matched": ("placebo_test", {"n_resamples": 199, "halving_window": 90}),
    "placebo_eras": ("placebo_test", {"n_resamples": 199, "eras": "halving"}),
    "placebo_median_spacing": (
        "placebo_test",
        {"n_resamples": 199, "statistic": "median", "min_spacing": 300},
    ),
    "bootstrap": ("bootstrap_ci", {"n_resamples": 299}),
    "garch": ("garch_null_test", {"n_resamples": 29, "burn": 50}),
    "base_rate": ("base_rate", {"n_resamples": 299, "threshold": 0.5}),
    "power": ("power_analysis", {"n_simulations": 10, "n_resamples": 19, "n_events": [2, 3]}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_sample_gives_the_follower_numbers(data, case):
    name, kw = CASES[case][0], dict(CASES[case][1])
    f = getattr(riskcycle, name)
    spacing = {"min_spacing": kw.pop("min_spacing")} if "min_spacing" in kw else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelBoundaryWarning)  # BTC's GARCH fit
        a = f(data["btc"], data["inside"], horizon=365, **spacing, **kw, rng=7)
        s = event_sample(data["btc"], data["inside"], horizon=365, **spacing)
        b = f(s, **kw, rng=7)
        # a Generator is used as is: the same stream state gives the same numbers
        c = f(s, **kw, rng=np.random.default_rng(7))
    _same(a, b)
    _same(b, c)
    if name == "placebo_test":
        assert b.min_spacing == s.min_spacing and b.spacing_source == s.spacing_source


@pytest.mark.parametrize("name", ["bootstrap_ci", "base_rate", "power_analysis"])
def test_sample_without_events_gives_the_unconditional_numbers(data, name):
    f = getattr(riskcycle, name)
    kw = {"n_resamples": 199}
    if name == "power_analysis":
        kw = {"effect": 0.5, "n_simulations": 10, "n_resamples": 19, "n_events": [3]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventsExcludedWarning)
        warnings.simplefilter("ignore", IncompleteWindowWarning)
        s = event_sample(data["btc"], data["events"], horizon=180)
    _same(f(data["btc"], horizon=180, **kw, rng=3), f(s.without_events(), **kw, rng=3))
    _same(
        f(data["btc"], horizon=180, **kw, rng=3),
        f(event_sample(data["btc"], horizon=180), **kw, rng=3),
    )


def test_leader_matching_and_delay_from_the_sample(data):
    kw = dict(n_resamples=99, leader=data["rut"], leader_within=0.05, enumeration="monte_carlo")
    a = riskcycle.placebo_test(data["btc"], data["inside"], horizon=90, delay="1D", **kw, rng=2)
    s = event_sample(data["btc"], data["inside"], horizon=90, delay="1D")
    assert s.delay == pd.Timedelta(days=1)
    _same(a, riskcycle.placebo_test(s, **kw, rng=2))
    # the delay moves day 0 one bar later on BTC's daily bars
    assert list(s.day0_dates) == list(
        pd.DatetimeIndex(data["inside"].dates) + pd.Timedelta(days=1)
    )


# ---------------------------------------------------------------------------
# settings: the options object, reading as the settings dictionary did
# ---------------------------------------------------------------------------
def test_placebo_settings_read_as_the_dictionary(data):
    from riskcycle._design import era_labels
    from riskcycle._sample import follower_data

    btc = riskcycle.datasets.load("btc_long", end="2026-01-22")
    ev = data["inside"]
    r = riskcycle.placebo_test(btc, ev, horizon=365, n_resamples=99, eras="halving", rng=0)
    want = {
        "horizon": 365,
        "statistic": "mean",
        "alternative": "greater",
        "n_resamples": 99,
        "min_spacing": r.min_spacing,
        "enumeration": "auto",
        "max_exact": 1_000_000,
        "halving_window": None,
        "halving_cycles": None,
        "leader_within": None,
        "date_range": None,
        "eras": era_labels(follower_data(btc), "halving").describe(),
    }
    assert list(r.settings) == list(want) and dict(r.settings) == want
    assert "2014-09-17" in r.settings["eras"]  # btc_long's source change splits an era
    assert r.settings.horizon == 365 and r.settings.delay == pd.Timedelta(0)
    m = riskcycle.placebo_test(btc, ev, horizon=365, n_resamples=99, halving_window=60, rng=0)
    assert m.settings["halving_cycles"] == "all" and m.settings["eras"] is None
    assert m.settings["halving_window"] == 60


def test_garch_settings_and_pickling_with_a_user_statistic(data):
    def top(x, axis=-1):
        return np.max(x, axis=axis)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelBoundaryWarning)
        g = riskcycle.garch_null_test(
            data["btc"], data["inside"], horizon=90, n_resamples=19, burn=10, rng=0
        )
    assert dict(g.settings) == {
        "horizon": 90,
        "statistic": "mean",
        "alternative": "greater",
        "n_resamples": 19,
        "burn": 10,
    }
    # a local function cannot be pickled; the settings keep the statistic by name, so
    # the result still pickles
    r = riskcycle.placebo_test(data["btc"], data["inside"], horizon=90, statistic=top, rng=0)
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(top)
    back = pickle.loads(pickle.dumps(r))
    np.testing.assert_array_equal(back.null_distribution, r.null_distribution)
    assert dict(back.settings) == dict(r.settings) and back.settings.kind == -1
    assert pickle.loads(pickle.dumps(g)).settings == g.settings


# ---------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"horizon": 90}, r"`horizon` \(90\) differs from the EventSample's \(365\).*horizon=90"),
        ({"horizon": -5}, r"`horizon` must be a positive integer number of calendar days"),
        ({"delay": "1D"}, r"`delay` \(1 days 00:00:00\) differs .*delay='1 days 00:00:00'"),
        ({"min_spacing": 30}, r"`min_spacing` \(30\) differs from the EventSample's \(362\)"),
        (
            {"follower_clock": "us_equity_close"},
            r"`follower_clock` \(us_equity_close\) differs .*utc_midnight",
        ),
        ({"leader_clock": "utc_midnight"}, r"`leader_clock` \(utc_midnight\) differs"),
        ({"events": ["2020-01-01"]}, r"`events` must be None when `follower` is an EventSample"),
    ],
)
def test_arguments_that_contradict_the_sample(sample, kw, match):
    with pytest.raises(ValueError, match=match):
        riskcycle.placebo_test(sample, **kw, n_resamples=99)


def test_a_zero_delay_means_the_samples_delay(data):
    """A zero ``delay`` (the default) cannot be told from one not given: with a delayed
    sample it runs at the sample's delay (documented), and another delay is refused."""
    btc, ev = data["btc"], data["inside"]
    delayed = riskcycle.inference.event_sample(btc, ev, horizon=365, delay="3D")
    a = riskcycle.placebo_test(delayed, n_resamples=99, rng=1)
    b = riskcycle.placebo_test(delayed, delay="0D", n_resamples=99, rng=1)
    _same(a, b)
    assert a.settings.delay == pd.Timedelta("3D")
    with pytest.raises(ValueError, match=r"`delay` \(2 days 00:00:00\) differs .*\(3 days"):
        riskcycle.placebo_test(delayed, delay="2D", n_resamples=99)


def test_arguments_that_agree_with_the_sample(sample):
    a = riskcycle.placebo_test(sample, n_resamples=99, rng=1)
    b = riskcycle.placebo_test(
        sample,
        horizon=365,
        min_spacing=sample.min_spacing,
        follower_clock="utc_midnight",
        leader_clock=sample.events_clock,
        n_resamples=99,
        rng=1,
    )
    _same(a, b)


def test_tests_that_need_events(data, sample):
    bare = sample.without_events()
    for f in (riskcycle.placebo_test, riskcycle.garch_null_test):
        with pytest.raises(ValueError, match=f"{f.__name__} needs events.*without events"):
            f(bare)
        with pytest.raises(TypeError, match=r"`events` is required"):
            f(data["btc"], horizon=30)
    with pytest.raises(ValueError, match=r"`effect` is required when no `events`"):
        riskcycle.power_analysis(bare)
    with pytest.raises(ValueError, match=r"`interval='t'` is an interval across events"):
        riskcycle.bootstrap_ci(bare, interval="t")


@pytest.mark.parametrize(
    "f",
    [
        riskcycle.placebo_test,
        riskcycle.bootstrap_ci,
        riskcycle.garch_null_test,
        riskcycle.base_rate,
        riskcycle.power_analysis,
    ],
)
def test_horizon_is_required_with_prices(data, f):
    with pytest.raises(TypeError, match=r"`horizon` is required .*unless `follower` is an"):
        f(data["btc"], data["inside"])


def test_event_sample_input_checks(data, sample):
    with pytest.raises(ValueError, match=r"`horizon` must be a positive integer.*got -5"):
        event_sample(data["btc"], data["inside"], horizon=-5)
    with pytest.raises(TypeError, match=r"`horizon` is required"):
        event_sample(data["btc"], data["inside"], horizon=None)
    with pytest.raises(TypeError, match=r"`follower` is already an EventSample"):
        event_sample(sample, horizon=365)
    with pytest.raises(ValueError, match=r"`min_spacing` must be a positive integer.*got 0"):
        event_sample(data["btc"], data["inside"], horizon=365, min_spacing=0)
    with pytest.raises(ValueError, match=r"`min_spacing` must be a positive integer.*got 0"):
        event_sample(data["btc"], horizon=365, min_spacing=0)
    with pytest.raises(ValueError, match=r"`delay` must"):
        event_sample(data["btc"], data["inside"], horizon=365, delay="-1D")
    with pytest.raises(ValueError, match=r"`events` dates must be sorted"):
        event_sample(
            data["btc"], ["2020-01-02", "2020-01-01"], horizon=30, leader_clock="us_equity_close"
        )
    with pytest.raises(ValueError, match=r"`leader_clock` is required"):
        event_sample(data["btc"], ["2020-01-02"], horizon=30)
    with pytest.raises(ValueError, match=r"`follower_clock` must be a SessionClock or one of"):
        event_sample(data["btc"], horizon=30, follower_clock="moon")


def test_the_callers_objects_are_not_touched(data):
    btc = data["btc"].copy()
    before = btc.copy()
    s = event_sample(btc, data["inside"], horizon=365)
    pd.testing.assert_frame_equal(btc, before)  # building it changed nothing
    btc.loc[:, "close"] = 1.0  # and later changes to the caller's frame do not reach it
    np.testing.assert_allclose(
        s.event_returns,
        event_sample(data["btc"], data["inside"], horizon=365).event_returns,
        rtol=0,
    )
