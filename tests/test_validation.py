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
