"""Bundled data: registry, loaders, splice, user data and the yfinance parser."""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import riskcycle
from riskcycle import datasets
from riskcycle.datasets import _parse_yfinance

NAMES = sorted(datasets.available().index)


def test_registry_lists_every_bundled_file():
    reg = datasets.available()
    files = {p.name for p in resources.files("riskcycle.datasets").joinpath("data").iterdir()}
    used = {f for fs in reg["files"] for f in fs.split(", ")}
    assert used == files
    assert set(reg.columns) >= {
        "description",
        "source",
        "licence",
        "calendar",
        "clock",
        "periods_per_year",
        "units",
        "first_date",
        "last_date",
        "rows",
    }
    assert reg.loc["btc", "periods_per_year"] == 365
    assert reg.loc["rut", "periods_per_year"] == 252


@pytest.mark.parametrize("name", NAMES)
def test_registry_matches_data(name):
    """first/last date, row count and columns in the registry describe the shipped file."""
    info = datasets.available().loc[name]
    df = datasets.load(name)
    assert df.index[0] == info["first_date"]
    assert df.index[-1] == info["last_date"]
    assert len(df) == info["rows"]
    assert list(df.columns) == info["columns"].split(", ")
    assert df.index.name == "date"
    assert df.index.is_monotonic_increasing and df.index.is_unique
    assert df.attrs["clock"] == info["clock"]
    assert df.attrs["periods_per_year"] == info["periods_per_year"]
    numeric = df.drop(columns=[c for c in ("source",) if c in df])
    assert np.isfinite(numeric.to_numpy()).all()
    assert (numeric.drop(columns=[c for c in ("volume",) if c in numeric]).to_numpy() > 0).all()


@pytest.mark.parametrize("name", ["rut", "btc", "btc_coinmetrics", "spx", "dgs10"])
def test_loaded_values_equal_the_provenance_source_csv(name):
    """The shipped gzip holds the same numbers as shared/data (row for row, exactly)."""
    raw = resources.files("riskcycle.datasets").joinpath("data", f"{name}.csv.gz").read_bytes()
    ref = pd.read_csv(
        pd.io.common.BytesIO(gzip.decompress(raw)), index_col="date", parse_dates=True
    )
    df = datasets.load(name)
    np.testing.assert_array_equal(df["close"].to_numpy(), ref["close"].to_numpy())


def test_spot_checks_from_provenance():
    # Values quoted in PROVENANCE.md (checked there against independent downloads).
    rut = datasets.load("rut")
    assert rut.loc["2021-11-08", "close"] == pytest.approx(2442.74, abs=0.005)
    assert rut.loc["2025-09-18", "close"] == pytest.approx(2467.70, abs=0.005)
    btc = datasets.load("btc")
    assert btc.loc["2024-01-10", "close"] == pytest.approx(46627.78, abs=0.01)
    assert btc["close"].idxmax() == pd.Timestamp("2025-10-06")
    spx = datasets.load("spx")
    assert spx.loc["1987-10-19", "close"] == pytest.approx(224.84, abs=0.005)


def test_btc_long_splice():
    long_ = datasets.load("btc_long")
    cm = datasets.load("btc_coinmetrics")
    yh = datasets.load("btc")
    seam = pd.Timestamp("2014-09-17")
    before = long_.loc[long_.index < seam]
    after = long_.loc[long_.index >= seam]
    assert (before["source"] == "coinmetrics").all() and (after["source"] == "yahoo").all()
    pd.testing.assert_series_equal(before["close"], cm.loc[cm.index < seam, "close"])
    pd.testing.assert_series_equal(after["close"], yh["close"])
    # every calendar day present, no gap at the seam
    assert (np.diff(long_.index.asi8) == 86_400 * 10**9).all()
    assert "CC BY-NC 4.0" in long_.attrs["licence"]
    # the licence note is only attached when Coin Metrics rows are in the range
    recent = datasets.load("btc_long", start="2015-01-01")
    assert "CC BY-NC" not in recent.attrs["licence"]


def test_load_range_and_copy():
    a = datasets.load("rut", start="2020-01-01", end="2020-12-31")
    assert a.index[0] >= pd.Timestamp("2020-01-01") and a.index[-1] <= pd.Timestamp("2020-12-31")
    a.iloc[0, 0] = -1.0  # modifying the returned frame must not affect the next load
    b = datasets.load("rut", start="2020-01-01", end="2020-12-31")
    assert b.iloc[0, 0] > 0


def test_load_errors():
    with pytest.raises(
        ValueError, match=r"`name` must be one of \[.*'btc_long'.*\]; got 'bitcoin'"
    ):
        datasets.load("bitcoin")
    with pytest.raises(TypeError, match="`name` must be a string"):
        datasets.load(3)
    with pytest.raises(ValueError, match=r"`start` .* must not be after `end`"):
        datasets.load("rut", start="2020-01-01", end="2019-01-01")
    with pytest.raises(ValueError, match="no 'rut' data between"):
        datasets.load("rut", start="2030-01-01")
    with pytest.raises(TypeError, match="`start` must be a date"):
        datasets.load("rut", start=2020)


def test_provenance_text_is_shipped():
    text = datasets.provenance()
    assert "Coin Metrics" in text and "CC BY-NC 4.0" in text


# ---------------------------------------------------------------------------
# user data
# ---------------------------------------------------------------------------
def _series(n=10, start="2024-01-01", freq="D"):
    idx = pd.date_range(start, periods=n, freq=freq)
    return pd.Series(np.linspace(100.0, 110.0, n), index=idx)


def test_read_prices_series_and_frame_and_csv(tmp_path):
    s = _series()
    out = datasets.read_prices(s, clock="utc_midnight")
    assert list(out.columns) == ["close"] and out.attrs["periods_per_year"] == 365
    df = pd.DataFrame(
        {"Date": s.index.strftime("%Y-%m-%d"), "Close": s.to_numpy(), "Volume": np.arange(10)}
    )
    out2 = datasets.read_prices(df, clock="us_equity_close")
    np.testing.assert_array_equal(out2["close"].to_numpy(), s.to_numpy())
    assert out2.attrs["periods_per_year"] == 252
    path = tmp_path / "p.csv"
    df.to_csv(path, index=False)
    out3 = datasets.read_prices(path, clock="utc_midnight")
    pd.testing.assert_frame_equal(out3, out2[["close", "volume"]], check_like=True)


def test_read_prices_never_modifies_input():
    s = _series()
    s.iloc[3] = np.nan
    snapshot = s.copy()
    datasets.read_prices(s, clock="utc_midnight", nan_policy="omit")
    pd.testing.assert_series_equal(s, snapshot)


def test_read_prices_tz_aware_converted_to_clock_zone():
    # yfinance-style index: midnight New York, tz-aware
    idx = pd.date_range("2024-03-08", periods=5, freq="B", tz="America/New_York")
    s = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=idx)
    out = datasets.read_prices(s, clock="us_equity_close")
    assert out.index.tz is None
    assert list(out.index.strftime("%Y-%m-%d")) == list(idx.strftime("%Y-%m-%d"))
    # the same instants given in UTC map to the same New York dates
    out_utc = datasets.read_prices(s.tz_convert("UTC"), clock="us_equity_close")
    pd.testing.assert_index_equal(out.index, out_utc.index)


def test_read_prices_nan_policy_omit():
    s = _series()
    s.iloc[4] = np.nan
    out = datasets.read_prices(s, clock="utc_midnight", nan_policy="omit")
    assert len(out) == 9 and pd.Timestamp("2024-01-05") not in out.index


@pytest.mark.parametrize(
    ("mutate", "exc", "match"),
    [
        (
            lambda s: s.iloc[::-1],
            ValueError,
            r"`data` dates must be sorted ascending; 2024-01-09 follows 2024-01-10",
        ),
        (
            lambda s: pd.concat([s.iloc[:3], s.iloc[2:]]),
            ValueError,
            r"`data` dates must be unique; 2024-01-03 is duplicated",
        ),
        (
            lambda s: s.where(s.index != "2024-01-05"),
            ValueError,
            r"`data` has a NaN close on 2024-01-05; drop it or pass nan_policy='omit'",
        ),
        (
            lambda s: s.where(s.index != "2024-01-06", -1.0),
            ValueError,
            r"`data` prices must be positive; got a value <= 0 on 2024-01-06",
        ),
        (
            lambda s: s.where(s.index != "2024-01-07", 0.0),
            ValueError,
            r"prices must be positive; got a value <= 0 on 2024-01-07",
        ),
        (
            lambda s: s.where(s.index != "2024-01-02", np.inf),
            ValueError,
            r"`data` has an infinite price on 2024-01-02",
        ),
        (lambda s: s.iloc[:1], ValueError, r"`data` must have at least 2 observations; got 1"),
        (lambda s: s.iloc[:0], ValueError, r"`data` must have at least 2 observations; got 0"),
        (lambda s: s.reset_index(drop=True), TypeError, r"`data` must have a DatetimeIndex"),
        (lambda s: s.to_numpy(), TypeError, r"`data` must be a pandas Series or DataFrame"),
        (lambda s: s.astype(str), TypeError, r"column 'close' must be numeric"),
        (
            lambda s: s.set_axis(s.index + pd.Timedelta("3h")),
            ValueError,
            r"must hold daily bars \(dates at midnight\)",
        ),
        (lambda s: s.to_frame("open"), ValueError, r"`data` must have a 'close' column"),
    ],
)
def test_read_prices_validation_messages(mutate, exc, match):
    with pytest.raises(exc, match=match):
        datasets.read_prices(mutate(_series()), clock="utc_midnight")


def test_read_prices_argument_errors(tmp_path):
    with pytest.raises(ValueError, match=r"`clock` must be a SessionClock or one of"):
        datasets.read_prices(_series(), clock="nyse")
    with pytest.raises(TypeError, match=r"`clock` must be a SessionClock or a clock name"):
        datasets.read_prices(_series(), clock=16)
    with pytest.raises(ValueError, match=r"`nan_policy` must be one of \['raise', 'omit'\]"):
        datasets.read_prices(_series(), clock="utc_midnight", nan_policy="propagate")
    with pytest.raises(ValueError, match=r"`min_length` must be a positive integer >= 1"):
        datasets.read_prices(_series(), clock="utc_midnight", min_length=0)
    with pytest.raises(ValueError, match=r"`data` must have at least 20 observations; got 10"):
        datasets.read_prices(_series(), clock="utc_midnight", min_length=20)
    with pytest.raises(ValueError, match=r"`data`: no such file"):
        datasets.read_prices(tmp_path / "missing.csv", clock="utc_midnight")
    bad = tmp_path / "nodate.csv"
    bad.write_text("x,close\n1,2\n2,3\n")
    with pytest.raises(ValueError, match=r"the CSV has no date column"):
        datasets.read_prices(bad, clock="utc_midnight")
    with pytest.raises(
        TypeError, match=r"must have a DatetimeIndex or a date column named 'when'"
    ):
        datasets.read_prices(
            pd.DataFrame({"close": [1.0, 2.0]}), clock="utc_midnight", date_column="when"
        )


def test_parse_yfinance_multiindex_and_flat():
    idx = pd.date_range("2024-01-02", periods=3, freq="B", tz="America/New_York")
    cols = pd.MultiIndex.from_product(
        [["Open", "High", "Low", "Close", "Adj Close", "Volume"], ["^RUT"]],
        names=["Price", "Ticker"],
    )
    raw = pd.DataFrame(np.arange(1.0, 19.0).reshape(3, 6), index=idx, columns=cols)
    parsed = _parse_yfinance(raw, "^RUT")
    out = datasets.read_prices(parsed, clock="us_equity_close")
    assert list(out.columns) == ["open", "high", "low", "close", "volume"]
    np.testing.assert_array_equal(out["close"].to_numpy(), [4.0, 10.0, 16.0])
    flat = raw.droplevel("Ticker", axis=1)
    pd.testing.assert_frame_equal(_parse_yfinance(flat, "^RUT"), parsed)
    with pytest.raises(ValueError, match="no data returned for symbol 'X'"):
        _parse_yfinance(pd.DataFrame(), "X")


def test_fetch_reads_cache_without_network(tmp_path):
    """With an existing cache file fetch never imports yfinance or touches the network."""
    s = _series()
    path = tmp_path / "cache.csv"
    s.rename("close").to_csv(path, index_label="date")
    out = datasets.fetch("BTC-USD", clock="utc_midnight", cache=path)
    np.testing.assert_allclose(out["close"].to_numpy(), s.to_numpy(), rtol=1e-15)
    with pytest.raises(ValueError, match="`symbol` must be a non-empty string"):
        datasets.fetch("", clock="utc_midnight")
    with pytest.raises(TypeError, match="`symbol` must be a string; got int"):
        datasets.fetch(5, clock="utc_midnight")
    with pytest.raises(TypeError, match="`refresh` must be True or False"):
        datasets.fetch("BTC-USD", clock="utc_midnight", cache=path, refresh="yes")


def test_top_level_reexports():
    assert riskcycle.datasets is datasets
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        riskcycle.nope  # noqa: B018
