"""Private validation, rng and summary helpers shared by every public function."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from riskcycle._results import Summary, package_versions
from riskcycle._rng import check_rng
from riskcycle._validation import (
    check_alternative,
    check_block_length,
    check_confidence_level,
    check_float,
    check_int,
    check_n_resamples,
    check_timedelta,
    check_timestamp,
)


def test_check_int():
    assert check_int(np.int64(5), "h", minimum=1) == 5
    with pytest.raises(TypeError, match=r"`h` must be an integer; got True \(bool\)"):
        check_int(True, "h")
    with pytest.raises(TypeError, match=r"`h` must be an integer; got 1.0 \(float\)"):
        check_int(1.0, "h")
    with pytest.raises(ValueError, match=r"`h` must be an integer >= 1; got -5"):
        check_int(-5, "h", minimum=1)
    with pytest.raises(ValueError, match=r"`h` must be an integer <= 3; got 4"):
        check_int(4, "h", maximum=3)
    with pytest.raises(ValueError, match=r"`h` must be an integer between 1 and 3; got 4"):
        check_int(4, "h", minimum=1, maximum=3)


def test_check_float_and_probability():
    assert check_float(1, "x") == 1.0
    with pytest.raises(ValueError, match=r"`x` must be a real number; got nan"):
        check_float(np.nan, "x")
    with pytest.raises(TypeError, match=r"`x` must be a real number; got '1'"):
        check_float("1", "x")
    with pytest.raises(
        ValueError, match=r"`confidence_level` must be a probability in \(0, 1\); got 1.0"
    ):
        check_confidence_level(1.0)
    assert check_confidence_level(0.95) == 0.95
    with pytest.raises(ValueError, match=r"`n_resamples` must be a positive integer >= 1; got 0"):
        check_n_resamples(0)
    with pytest.raises(
        ValueError, match=r"`alternative` must be one of \['two-sided', 'less', 'greater'\]"
    ):
        check_alternative("both")


def test_check_timestamp_and_timedelta():
    assert check_timestamp("2024-01-10", "d") == pd.Timestamp("2024-01-10")
    assert check_timestamp(dt.date(2024, 1, 10), "d") == pd.Timestamp("2024-01-10")
    assert check_timestamp(pd.Timestamp("2024-01-10 05:00", tz="UTC"), "d").tzinfo is None
    with pytest.raises(ValueError, match=r"`d` could not be parsed as a date; got 'soon'"):
        check_timestamp("soon", "d")
    with pytest.raises(TypeError, match=r"`d` must be a date"):
        check_timestamp(20240110, "d")
    assert check_timedelta("4h", "delay") == pd.Timedelta(hours=4)
    assert check_timedelta(dt.timedelta(days=1), "delay") == pd.Timedelta(days=1)
    with pytest.raises(ValueError, match=r"`delay` could not be parsed as a timedelta"):
        check_timedelta("later", "delay")


def test_check_rng():
    a = check_rng(42).standard_normal(3)
    b = check_rng(np.random.SeedSequence(42)).standard_normal(3)
    np.testing.assert_array_equal(a, b)  # int and SeedSequence(int) give the same stream
    g = np.random.default_rng(1)
    assert check_rng(g) is g
    with pytest.raises(TypeError, match=r"`rng` must be None, an int, a numpy.random.Generator"):
        check_rng(np.random.RandomState(0))
    with pytest.raises(TypeError, match=r"`rng` must be None, an int"):
        check_rng(1.5)
    with pytest.raises(ValueError, match=r"`rng` must be a non-negative integer seed; got -1"):
        check_rng(-1)


def test_summary_renderings_do_not_round_data():
    df = pd.DataFrame(
        {"pvalue": [0.123456789, np.nan], "n": [2, 3]}, index=pd.Index(["a", "b"], name="test")
    )
    s = Summary(title="T", tables=(("cap", df),), notes=("n1",))
    text = str(s)
    assert "0.1235" in text and "nan" in text and "Note: n1" in text
    assert "<h3>T</h3>" in s.as_html() and "<li>n1</li>" in s.as_html()
    assert "| test | pvalue | n |" in s.as_markdown()
    assert r"\caption{cap}" in s.as_latex()
    assert df.loc["a", "pvalue"] == 0.123456789  # the input frame is untouched


def test_package_versions():
    v = package_versions()
    assert set(v) >= {"riskcycle", "numpy", "pandas", "scipy", "arch", "vectorbt"}
    assert v["numpy"] == np.__version__


# ---------------------------------------------------------------------------
# size-like arguments, dates and event dates
# ---------------------------------------------------------------------------
def test_check_size_and_n_resamples_upper_bounds():
    from riskcycle._validation import MAX_DAYS, MAX_RESAMPLES, check_size

    assert check_size(MAX_DAYS, "burn") == MAX_DAYS
    with pytest.raises(ValueError, match=r"`burn` must be at most 36,525 \(100 years of days"):
        check_size(10**12, "burn")
    with pytest.raises(ValueError, match=r"`gap` must be a non-negative integer >= 0; got -1"):
        check_size(-1, "gap", minimum=0, what="a non-negative integer")
    with pytest.raises(TypeError, match=r"`burn` must be a positive integer number"):
        check_size(1e3, "burn")
    assert check_n_resamples(MAX_RESAMPLES) == MAX_RESAMPLES
    with pytest.raises(ValueError, match=r"`n_resamples` must be at most 10,000,000"):
        check_n_resamples(10**15)


def test_check_horizon_bounds_and_data_span():
    from riskcycle._validation import check_horizon, check_horizons

    idx = pd.date_range("2020-01-01", "2020-12-31", freq="D")
    assert check_horizon(365, index=idx) == 365
    # about 90,000 days wraps int64 nanoseconds: refused whatever the data
    with pytest.raises(ValueError, match=r"`horizon` must be at most 36,525 \(days"):
        check_horizon(90_000)
    with pytest.raises(
        ValueError,
        match=r"`horizon` \(366 days\) is longer than the data, which span 365 days "
        r"\(2020-01-01 to 2020-12-31\)",
    ):
        check_horizon(366, index=idx)
    with pytest.raises(
        ValueError,
        match=r"`horizon` must be a positive integer number of calendar days >= 1; got 0",
    ):
        check_horizon(0)
    with pytest.raises(
        TypeError, match=r"`horizon` must be a positive integer number of calendar days; got 2.5"
    ):
        check_horizon(2.5)
    assert check_horizons(30) == (30,)
    assert check_horizons(np.array([90, 30])) == (90, 30)
    with pytest.raises(ValueError, match=r"`horizons` must be unique; got \[30, 30\]"):
        check_horizons([30, 30])
    with pytest.raises(ValueError, match=r"`horizons` must hold at least one horizon"):
        check_horizons([])
    with pytest.raises(TypeError, match=r"`horizons` must be a sequence of positive integer"):
        check_horizons("30")
    with pytest.raises(ValueError, match=r"`horizons` must be at most 36,525"):
        check_horizons([30, 10**18])


def test_check_timestamp_and_timedelta_ranges():
    from riskcycle._validation import MAX_DATE

    assert check_timestamp("2262-04-10", "d") == MAX_DATE
    for late in (
        "2300-01-01",
        dt.date(2300, 1, 1),
        np.datetime64("2300-01-01"),
        dt.datetime(9999, 1, 1),
    ):
        with pytest.raises(
            ValueError, match=r"`d` must be a date between 1677-09-22 and 2262-04-10"
        ):
            check_timestamp(late, "d")
    with pytest.raises(ValueError, match=r"`d` must be a date between"):
        check_timestamp("1500-01-01", "d")
    for huge in ("1000000D", dt.timedelta(days=10**6), np.timedelta64(10**15, "D")):
        with pytest.raises(ValueError, match=r"`delay` must be a timedelta of at most 36525 days"):
            check_timedelta(huge, "delay")
    assert check_timedelta("36525D", "delay") == pd.Timedelta(days=36525)
    assert check_timedelta("-2h", "lag", allow_negative=True) == pd.Timedelta(hours=-2)
    with pytest.raises(ValueError, match=r"`lag` must be a timedelta of at most 36525 days"):
        check_timedelta("-40000D", "lag", allow_negative=True)


def test_as_event_dates_reads_values_of_a_series_of_dates():
    from riskcycle._validation import as_event_dates

    want = pd.DatetimeIndex(["2016-11-14", "2020-11-13"]).as_unit("ns")
    # a Series of dates: its values, not its RangeIndex (which would give 1970 timestamps)
    s = pd.Series(pd.to_datetime(["2016-11-14", "2020-11-13"]))
    pd.testing.assert_index_equal(as_event_dates(s), want)
    tz = pd.Series(pd.to_datetime(["2016-11-14 05:00", "2020-11-13 05:00"]).tz_localize("UTC"))
    pd.testing.assert_index_equal(as_event_dates(tz).normalize(), want)
    # a DataFrame: its one datetime column, or else its DatetimeIndex
    df = pd.DataFrame({"when": want, "level": [1.0, 2.0]})
    pd.testing.assert_index_equal(as_event_dates(df), want)
    pd.testing.assert_index_equal(as_event_dates(pd.DataFrame({"x": [1, 2]}, index=want)), want)
    # a Series of prices indexed by date: its index (as before)
    pd.testing.assert_index_equal(as_event_dates(pd.Series([1.0, 2.0], index=want)), want)
    pd.testing.assert_index_equal(as_event_dates(["2016-11-14", dt.date(2020, 11, 13)]), want)
    assert as_event_dates([]).dtype == "datetime64[ns]"


@pytest.mark.parametrize(
    ("obj", "exc", "match"),
    [
        ([20161114], TypeError, r"`events` must be dates, not numbers"),
        (np.array([1.5e18]), TypeError, r"`events` must be dates, not numbers"),
        (
            pd.Series([1, 2]),
            TypeError,
            r"`events` as a Series must hold dates \(datetime64 values\) or have a DatetimeIndex; got dtype int64",
        ),
        ([1, "2016-11-14"], TypeError, r"`events` must be dates, not numbers"),
        ([pd.Timedelta(1)], TypeError, r"`events` must be dates, not timedeltas"),
        (
            pd.DataFrame({"x": [1]}),
            ValueError,
            r"`events` as a DataFrame must have exactly one datetime column or a DatetimeIndex; got datetime columns \[\]",
        ),
        (
            pd.DataFrame(
                {"a": pd.to_datetime(["2020-01-01"]), "b": pd.to_datetime(["2020-01-02"])}
            ),
            ValueError,
            r"got datetime columns \['a', 'b'\]",
        ),
        (
            "2016-11-14",
            TypeError,
            r"`events` must be an Events object or a sequence of dates .*single date",
        ),
        (5, TypeError, r"`events` must be an Events object or a sequence of dates .*; got int"),
        (["2300-01-01"], ValueError, r"`events` has a date outside 1677-09-22 to 2262-04-10"),
        ([pd.NaT], ValueError, r"`events` has a missing date \(NaT\) at position 0"),
        (["soon"], ValueError, r"`events` could not be read as dates"),
    ],
)
def test_as_event_dates_errors(obj, exc, match):
    from riskcycle._validation import as_event_dates

    with pytest.raises(exc, match=match):
        as_event_dates(obj, "events")


def test_check_keys():
    from riskcycle._validation import check_keys

    check_keys({"btc": 365}, "periods_per_year", {"btc": 1, "spx": 2}, "markets")
    with pytest.raises(
        ValueError,
        match=r"`periods_per_year` has keys that are not in `markets`: \['bct'\]; "
        r"expected some of \['btc', 'spx'\]",
    ):
        check_keys({"bct": 365}, "periods_per_year", {"btc": 1, "spx": 2}, "markets")


def _regimes_calls():
    from riskcycle import regimes

    idx = pd.date_range("2020-01-01", periods=400, freq="D")
    walk = np.random.default_rng(0).normal(0, 0.02, (2, 400)).cumsum(axis=1)
    a = pd.Series(100 * np.exp(walk[0]), index=idx)
    b = pd.Series(100 * np.exp(walk[1]), index=idx)
    r = np.diff(np.log(a.to_numpy()))
    return {
        "volatility_ratio_test": lambda **kw: regimes.volatility_ratio_test(
            r[:200], r[200:], **kw
        ),
        "volatility_regimes": lambda **kw: regimes.volatility_regimes(
            a, breaks="2020-07-01", periods_per_year=365, **kw
        ),
        "correlation_regimes": lambda **kw: regimes.correlation_regimes(
            a,
            {"b": b},
            breaks="2020-07-01",
            follower_clock="utc_midnight",
            benchmark_clock="utc_midnight",
            **kw,
        ),
        "halving_phase_control": lambda **kw: regimes.halving_phase_control(
            a, break_date="2020-07-01", **kw
        ),
        "cross_market_control": lambda **kw: regimes.cross_market_control(
            {"a": a, "b": b}, break_date="2020-07-01", **kw
        ),
    }


def test_check_block_length():
    # None keeps the data-driven (Politis-White) choice; a number is a mean block length
    assert check_block_length(None) is None
    assert check_block_length(1) == 1.0
    assert check_block_length(np.float64(12.5)) == 12.5
    with pytest.raises(
        ValueError, match=r"`block_length` must be a mean block length >= 1 in \[1, inf\); got 0.5"
    ):
        check_block_length(0.5)
    with pytest.raises(
        TypeError, match=r"`block_length` must be a mean block length >= 1; got '5'"
    ):
        check_block_length("5")


@pytest.mark.parametrize(
    "name",
    [
        "volatility_ratio_test",
        "volatility_regimes",
        "correlation_regimes",
        "halving_phase_control",
        "cross_market_control",
    ],
)
@pytest.mark.parametrize(
    ("value", "exc", "match"),
    [
        (
            0.5,
            ValueError,
            r"`block_length` must be a mean block length >= 1 in \[1, inf\); got 0.5",
        ),
        (np.inf, ValueError, r"`block_length` must be a mean block length >= 1 .*; got inf"),
        (True, TypeError, r"`block_length` must be a mean block length >= 1; got True"),
    ],
)
def test_every_regimes_function_checks_block_length_alike(name, value, exc, match):
    # the regimes package checks block_length in one place (check_block_length): the same
    # message from each public function that takes it
    with pytest.raises(exc, match=match):
        _regimes_calls()[name](block_length=value)
