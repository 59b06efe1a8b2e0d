"""Public functions refuse huge size-like arguments and read events given as dates.

Each huge value used to surface as MemoryError, OverflowError, OutOfBoundsDatetime or a
silently wrapped int64; each is now a ValueError naming the argument. A Series of dates passed
as events used to be read through its RangeIndex (integers 0, 1, ... became 1970 timestamps).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import riskcycle
from riskcycle.events import Events
from riskcycle.exceptions import RiskcycleWarning


@pytest.fixture(scope="module")
def small():
    rut = riskcycle.datasets.load("rut")
    btc = riskcycle.datasets.load("btc")
    ev = riskcycle.breakouts(rut, min_gap=250).between("2014-10-01", "2021-01-01")
    return {"rut": rut, "btc": btc.loc["2014":"2022"], "events": ev}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"horizons": [30, 90_000]}, r"`horizons` must be at most 36,525"),
        ({"horizons": [10**18]}, r"`horizons` must be at most 36,525"),
        ({"estimation_window": 10**12}, r"`estimation_window` must be at most 36,525"),
        ({"gap": 10**12}, r"`gap` must be at most 36,525"),
        ({"min_estimation_obs": 10**12}, r"`min_estimation_obs` must be at most 36,525"),
        ({"path_window": (-(10**12), 30)}, r"`path_window` must be a pair of integer day"),
        ({"delay": "1000000D"}, r"`delay` must be a timedelta of at most 36525 days"),
        ({"delay": np.timedelta64(10**15, "D")}, r"`delay` must be a timedelta of at most"),
    ],
)
def test_event_study_huge_sizes(small, kwargs, match):
    with pytest.raises(ValueError, match=match):
        riskcycle.event_study(small["btc"], small["events"], **kwargs)


def test_event_study_horizon_longer_than_data_names_span(small):
    # 2014-09-17 to 2022-12-31: 8 years (2,922 days, two leap days) + 105 days = 3,027
    with pytest.raises(
        ValueError,
        match=r"`horizons` \(4000 days\) is longer than the data, which span 3027 days "
        r"\(2014-09-17 to 2022-12-31\)",
    ):
        riskcycle.event_study(small["btc"], small["events"], horizons=[30, 4000])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_gap": 10**12}, r"`min_gap` must be at most 36,525"),
        ({"method": "rolling", "window": 10**12}, r"`window` must be at most 36,525"),
        (
            {"method": "rolling", "window": 200, "min_spacing": 2**63},
            r"`min_spacing` must be at most 36,525",
        ),
    ],
)
def test_breakouts_huge_sizes(small, kwargs, match):
    with pytest.raises(ValueError, match=match):
        riskcycle.breakouts(small["rut"], **kwargs)


def test_dates_after_2262_are_value_errors(small):
    with pytest.raises(
        ValueError, match=r"`end` must be a date between 1677-09-22 and 2262-04-10"
    ):
        small["events"].between("2014-01-01", "2300-01-01")
    with pytest.raises(ValueError, match=r"`events` has a date outside 1677-09-22 to 2262-04-10"):
        riskcycle.event_study(small["btc"], ["2300-01-01"], leader_clock="us_equity_close")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"horizon": 10**12}, r"`horizon` must be at most 36,525"),
        (
            {"horizon": 4000},
            r"`horizon` \(4000 days\) is longer than the data, which span 3027 days",
        ),
        ({"delay": "1000000D"}, r"`delay` must be a timedelta of at most 36525 days"),
        ({"n_resamples": 10**12}, r"`n_resamples` must be at most 10,000,000"),
        ({"periods_per_year": 10**12}, r"`periods_per_year` must be a positive integer between"),
    ],
)
def test_backtest_huge_sizes(small, kwargs, match):
    with pytest.raises(ValueError, match=match):
        riskcycle.backtest(small["btc"], small["events"], **kwargs)


# ---------------------------------------------------------------------------
# events given as a Series or DataFrame of dates
# ---------------------------------------------------------------------------
def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RiskcycleWarning)
        return fn(*args, **kwargs)


def test_event_study_reads_the_values_of_a_series_of_dates(small):
    dates = ["2016-11-14", "2020-11-13"]
    kw = {"horizons": [90], "leader_clock": "us_equity_close"}
    ref = _quiet(riskcycle.event_study, small["btc"], dates, **kw)
    for given in (
        pd.Series(pd.to_datetime(dates)),
        pd.DataFrame({"date": pd.to_datetime(dates), "level": [1.0, 2.0]}),
    ):
        res = _quiet(riskcycle.event_study, small["btc"], given, **kw)
        pd.testing.assert_frame_equal(res.to_frame(), ref.to_frame())
        assert not (res.to_frame()["event_date"] < pd.Timestamp("2000-01-01")).any()


def test_placebo_test_series_of_dates_no_1970(small):
    """The issue's example: the event used to be read as 1970-01-01 and excluded."""
    res = _quiet(
        riskcycle.placebo_test,
        small["btc"],
        pd.Series(pd.to_datetime(["2016-11-14"])),
        horizon=90,
        n_resamples=99,
        leader_clock="us_equity_close",
        rng=0,
    )
    assert len(res.excluded) == 0
    ref = _quiet(
        riskcycle.placebo_test,
        small["btc"],
        ["2016-11-14"],
        horizon=90,
        n_resamples=99,
        leader_clock="us_equity_close",
        rng=0,
    )
    assert res.statistic == ref.statistic and res.pvalue == ref.pvalue


@pytest.mark.parametrize(
    ("events", "exc", "match"),
    [
        (pd.Series([0, 1]), TypeError, r"`events` as a Series must hold dates"),
        ([20161114], TypeError, r"`events` must be dates, not numbers"),
        (np.array([1.4791e18]), TypeError, r"`events` must be dates, not numbers"),
        (pd.DataFrame({"x": [1, 2]}), ValueError, r"`events` as a DataFrame must have exactly"),
    ],
)
def test_event_study_refuses_numbers_as_events(small, events, exc, match):
    with pytest.raises(exc, match=match):
        riskcycle.event_study(small["btc"], events, leader_clock="us_equity_close")


def test_events_from_dates_series_of_dates():
    s = pd.Series(pd.to_datetime(["2016-11-14", "2020-11-13"]))
    ev = Events.from_dates(s, clock="us_equity_close")
    assert list(ev.dates.strftime("%Y-%m-%d")) == ["2016-11-14", "2020-11-13"]
    with pytest.raises(TypeError, match=r"`dates` must be dates, not numbers"):
        Events.from_dates([1, 2], clock="us_equity_close")


# ---------------------------------------------------------------------------
# found while hardening, in modules maintained separately (fixed since)
# ---------------------------------------------------------------------------
def test_map_to_follower_dataframe_of_dates(small):
    out = riskcycle.map_to_follower(
        pd.DataFrame({"date": pd.to_datetime(["2016-11-14"])}),
        small["btc"],
        leader_clock="us_equity_close",
    )
    assert out.index[0] == pd.Timestamp("2016-11-14")


def test_map_to_follower_refuses_numbers(small):
    with pytest.raises(TypeError, match=r"`leader_dates` must be dates, not numbers"):
        riskcycle.map_to_follower([20161114], small["btc"], leader_clock="us_equity_close")


def test_base_rate_without_events_warns(small):
    with pytest.warns(RiskcycleWarning):
        riskcycle.base_rate(
            small["btc"], [], horizon=30, n_resamples=99, leader_clock="us_equity_close", rng=0
        )


def test_cross_market_control_refuses_unknown_periods_per_year_keys():
    markets = {"btc": riskcycle.datasets.load("btc"), "spx": riskcycle.datasets.load("spx")}
    with pytest.raises(ValueError, match=r"`periods_per_year` has keys that are not in"):
        riskcycle.regimes.cross_market_control(
            markets, periods_per_year={"bct": 365}, n_resamples=99, rng=0
        )
