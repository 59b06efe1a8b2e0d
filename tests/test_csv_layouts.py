"""User CSVs in the layouts that vendors, exchanges and FRED actually write.

Each fixture is a few rows in the real layout (header, separators, date and number
writing), written to ``tmp_path``; each test checks the dates and values read.
"""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcycle.datasets import read_prices


def _write(tmp_path, text: str, name: str = "prices.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _dates(frame: pd.DataFrame) -> list[str]:
    return frame.index.strftime("%Y-%m-%d").tolist()


# ---------------------------------------------------------------------------
# layouts that loaded before and must keep loading
# ---------------------------------------------------------------------------
def test_yahoo_web_download(tmp_path):
    path = _write(
        tmp_path,
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2024-01-02,2016.52,2027.35,1991.87,2022.91,2022.91,4710310000\n"
        "2024-01-03,2010.94,2010.94,1963.30,1966.73,1966.73,4368930000\n"
        "2024-01-04,1966.64,1985.12,1960.46,1968.70,1968.70,3909670000\n",
    )
    out = read_prices(path, clock="us_equity_close")
    assert _dates(out) == ["2024-01-02", "2024-01-03", "2024-01-04"]
    assert list(out.columns) == ["open", "high", "low", "close", "adj_close", "volume"]
    np.testing.assert_array_equal(out["close"], [2022.91, 1966.73, 1968.70])


def test_stooq_export(tmp_path):
    path = _write(
        tmp_path,
        "Date,Open,High,Low,Close,Volume\n"
        "2024-01-02,4745.2,4754.33,4722.67,4742.83,3743050000\n"
        "2024-01-03,4725.07,4729.29,4699.71,4704.81,3950760000\n",
    )
    out = read_prices(path, clock="us_equity_close")
    assert _dates(out) == ["2024-01-02", "2024-01-03"]
    np.testing.assert_array_equal(out["close"], [4742.83, 4704.81])


# ---------------------------------------------------------------------------
# yfinance
# ---------------------------------------------------------------------------
def test_yfinance_history_with_daylight_saving_offsets(tmp_path):
    # yf.Ticker("^RUT").history(...).to_csv(): midnight New York, -05:00 then -04:00
    path = _write(
        tmp_path,
        "Date,Open,High,Low,Close,Volume,Dividends,Stock Splits\n"
        "2024-03-07 00:00:00-05:00,2051.1,2067.3,2048.6,2066.2,0,0.0,0.0\n"
        "2024-03-08 00:00:00-05:00,2066.9,2087.8,2064.1,2070.2,0,0.0,0.0\n"
        "2024-03-11 00:00:00-04:00,2066.4,2067.1,2048.0,2057.6,0,0.0,0.0\n"
        "2024-03-12 00:00:00-04:00,2060.5,2065.9,2042.3,2055.9,0,0.0,0.0\n",
    )
    out = read_prices(path, clock="us_equity_close")
    assert _dates(out) == ["2024-03-07", "2024-03-08", "2024-03-11", "2024-03-12"]
    np.testing.assert_array_equal(out["close"], [2066.2, 2070.2, 2057.6, 2055.9])
    assert out.index.tz is None


def test_yfinance_crypto_history_utc(tmp_path):
    path = _write(
        tmp_path,
        "Date,Open,High,Low,Close,Volume\n"
        "2024-01-01 00:00:00+00:00,42280.2,44175.4,42214.9,44167.3,18426978443\n"
        "2024-01-02 00:00:00+00:00,44187.1,45899.7,44176.9,44957.9,39335274536\n",
    )
    out = read_prices(path, clock="utc_midnight")
    assert _dates(out) == ["2024-01-01", "2024-01-02"]
    np.testing.assert_array_equal(out["close"], [44167.3, 44957.9])


def test_yfinance_download_three_row_header(tmp_path):
    # yf.download("^RUT").to_csv() since yfinance 0.2.51: Price / Ticker / Date rows
    path = _write(
        tmp_path,
        "Price,Close,High,Low,Open,Volume\n"
        "Ticker,^RUT,^RUT,^RUT,^RUT,^RUT\n"
        "Date,,,,,\n"
        "2025-09-17,2407.34,2420.1,2395.2,2410.0,0\n"
        "2025-09-18,2467.70,2472.3,2430.4,2431.5,0\n",
    )
    out = read_prices(path, clock="us_equity_close")
    assert _dates(out) == ["2025-09-17", "2025-09-18"]
    np.testing.assert_array_equal(out["close"], [2407.34, 2467.70])  # DESIGN.md: 2,467.70


def test_utc_stamped_us_equity_is_read_as_the_written_day(tmp_path):
    # a US index stamped at midnight UTC: the stamp labels the session's day (before the
    # fix: rejected with "a time of day at 2024-01-11 19:00", a time nobody wrote)
    path = _write(
        tmp_path,
        "date,close\n"
        "2024-01-11T00:00:00Z,1950.0\n"
        "2024-01-12T00:00:00Z,1951.5\n"
        "2024-01-16T00:00:00Z,1930.9\n",
    )
    out = read_prices(path, clock="us_equity_close")
    assert _dates(out) == ["2024-01-11", "2024-01-12", "2024-01-16"]
    np.testing.assert_array_equal(out["close"], [1950.0, 1951.5, 1930.9])
    # the same as a tz-aware DataFrame index
    frame = pd.DataFrame(
        {"close": [1.0, 2.0]}, index=pd.DatetimeIndex(["2024-01-11", "2024-01-12"], tz="UTC")
    )
    assert _dates(read_prices(frame, clock="us_equity_close")) == ["2024-01-11", "2024-01-12"]
    # midnight New York written in UTC (05:00Z) is the New York day
    path = _write(
        tmp_path, "date,close\n2024-01-11 05:00:00+00:00,1\n2024-01-12 05:00:00+00:00,2\n"
    )
    assert _dates(read_prices(path, clock="us_equity_close")) == ["2024-01-11", "2024-01-12"]


# ---------------------------------------------------------------------------
# exchange exports with epoch times
# ---------------------------------------------------------------------------
def test_epoch_milliseconds(tmp_path):
    # Binance-style klines: open time in epoch milliseconds (1704067200000 = 2024-01-01 UTC)
    path = _write(
        tmp_path,
        "open_time,open,high,low,close,volume\n"
        "1704067200000,42283.58,44184.10,42180.77,44179.55,27174.30\n"
        "1704153600000,44179.55,45879.63,44148.34,44946.91,65146.40\n"
        "1704240000000,44946.91,45500.00,40750.00,42845.23,81194.55\n",
    )
    out = read_prices(path, clock="utc_midnight")
    assert _dates(out) == ["2024-01-01", "2024-01-02", "2024-01-03"]
    np.testing.assert_array_equal(out["close"], [44179.55, 44946.91, 42845.23])


def test_epoch_seconds_and_microseconds(tmp_path):
    path = _write(tmp_path, "timestamp,close\n1704067200,1.5\n1704153600,1.6\n")
    assert _dates(read_prices(path, clock="utc_midnight")) == ["2024-01-01", "2024-01-02"]
    path = _write(tmp_path, "timestamp,close\n1704067200000000,1.5\n1704153600000000,1.6\n")
    assert _dates(read_prices(path, clock="utc_midnight")) == ["2024-01-01", "2024-01-02"]
    # a long history in seconds that crosses 1970 (negative epochs): the largest decides
    path = _write(tmp_path, "timestamp,close\n-63158400,1.0\n1704067200,2.0\n")
    assert _dates(read_prices(path, clock="utc_midnight")) == ["1968-01-01", "2024-01-01"]


def test_epoch_milliseconds_of_new_york_midnight(tmp_path):
    # aggregates stamped at midnight New York: 1704949200000 = 2024-01-11 05:00 UTC
    path = _write(tmp_path, "timestamp,close\n1704949200000,10.0\n1705035600000,11.0\n")
    assert _dates(read_prices(path, clock="us_equity_close")) == ["2024-01-11", "2024-01-12"]


def test_epoch_numbers_that_fit_no_unit(tmp_path):
    path = _write(tmp_path, "timestamp,close\n1,1.0\n2,2.0\n")
    with pytest.raises(ValueError, match=r"neither yyyymmdd dates nor epoch seconds"):
        read_prices(path, clock="utc_midnight")


def test_yyyymmdd_integers(tmp_path):
    path = _write(tmp_path, "date,close\n20240102,10.5\n20240103,10.7\n")
    out = read_prices(path, clock="us_equity_close")
    assert _dates(out) == ["2024-01-02", "2024-01-03"]
    np.testing.assert_array_equal(out["close"], [10.5, 10.7])


CDD_HEADER = (
    "https://www.CryptoDataDownload.com\n"
    "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
)
CDD_ROWS = [
    "1704067200000,2024-01-01 00:00:00,BTC/USD,42283.5,44184.1,42180.7,44179.5,27.1,1201000\n",
    "1704153600000,2024-01-02 00:00:00,BTC/USD,44179.5,45879.6,44148.3,44946.9,65.1,2926000\n",
    "1704240000000,2024-01-03 00:00:00,BTC/USD,44946.9,45500.0,40750.0,42845.2,81.2,3478000\n",
]


def test_cryptodatadownload_banner_and_label_columns(tmp_path):
    path = _write(tmp_path, CDD_HEADER + "".join(CDD_ROWS))
    out = read_prices(path, clock="utc_midnight")
    assert _dates(out) == ["2024-01-01", "2024-01-02", "2024-01-03"]
    np.testing.assert_array_equal(out["close"], [44179.5, 44946.9, 42845.2])
    assert "symbol" not in out.columns and "unix" not in out.columns


def test_newest_first_files_are_refused_with_a_message_that_says_so(tmp_path):
    # CryptoDataDownload writes its files newest first
    path = _write(tmp_path, CDD_HEADER + "".join(CDD_ROWS[::-1]))
    with pytest.raises(
        ValueError,
        match=r"`data` dates must be sorted ascending; 2024-01-02 follows 2024-01-03 \(every "
        r"date follows a later one: the data are written newest first; reverse the rows",
    ):
        read_prices(path, clock="utc_midnight")


# ---------------------------------------------------------------------------
# FRED
# ---------------------------------------------------------------------------
FRED = (
    "observation_date,DGS10\n"
    "2024-01-11,3.98\n"
    "2024-01-12,3.94\n"
    "2024-01-15,.\n"  # Martin Luther King Jr. Day: no observation
    "2024-01-16,4.06\n"
)


def test_fred_download(tmp_path):
    path = _write(tmp_path, FRED)
    out = read_prices(path, clock="fred_h15", nan_policy="omit")
    assert _dates(out) == ["2024-01-11", "2024-01-12", "2024-01-16"]
    np.testing.assert_array_equal(out["close"], [3.98, 3.94, 4.06])
    with pytest.raises(
        ValueError, match=r"has a NaN close on 2024-01-15; drop it or pass nan_policy='omit'"
    ):
        read_prices(path, clock="fred_h15")
    old = _write(tmp_path, FRED.replace("observation_date", "DATE"), "old.csv")
    pd.testing.assert_frame_equal(
        read_prices(old, clock="fred_h15", nan_policy="omit"), out, check_like=True
    )


# ---------------------------------------------------------------------------
# day-first and month-first dates, number writing, separators
# ---------------------------------------------------------------------------
def test_day_first_dates_decided_by_the_data(tmp_path):
    path = _write(tmp_path, "Date,Close\n11/01/2024,1.0\n12/01/2024,2.0\n15/01/2024,3.0\n")
    out = read_prices(path, clock="utc_midnight")
    # before: 11/01 and 12/01 read as November and December, 15/01 as January
    assert _dates(out) == ["2024-01-11", "2024-01-12", "2024-01-15"]
    us = _write(tmp_path, "Date,Close\n01/11/2024,1.0\n01/12/2024,2.0\n01/15/2024,3.0\n", "u.csv")
    assert _dates(read_prices(us, clock="utc_midnight")) == [
        "2024-01-11",
        "2024-01-12",
        "2024-01-15",
    ]


def test_ambiguous_day_first_is_refused_and_dayfirst_decides(tmp_path):
    path = _write(tmp_path, "Date,Close\n03/04/2024,1.0\n04/04/2024,2.0\n05/04/2024,3.0\n")
    with pytest.raises(
        ValueError,
        match=r"could be day-first \(dd/mm/yyyy\) or month-first \(mm/dd/yyyy\).*"
        r"pass dayfirst=True or dayfirst=False",
    ):
        read_prices(path, clock="utc_midnight")
    out = read_prices(path, clock="utc_midnight", dayfirst=True)
    assert _dates(out) == ["2024-04-03", "2024-04-04", "2024-04-05"]
    out = read_prices(path, clock="utc_midnight", dayfirst=False)
    assert _dates(out) == ["2024-03-04", "2024-04-04", "2024-05-04"]
    bad = _write(tmp_path, "Date,Close\n01/13/2024,1.0\n01/14/2024,2.0\n", "b.csv")
    with pytest.raises(ValueError, match=r"dayfirst=True but '01/13/2024' has a month above 12"):
        read_prices(bad, clock="utc_midnight", dayfirst=True)
    with pytest.raises(TypeError, match=r"`dayfirst` must be True, False or None; got 'yes'"):
        read_prices(bad, clock="utc_midnight", dayfirst="yes")
    mixed = _write(tmp_path, "Date,Close\n13/01/2024,1.0\n01/14/2024,2.0\n", "m.csv")
    with pytest.raises(ValueError, match=r"mix day-first and month-first order"):
        read_prices(mixed, clock="utc_midnight")


def test_nasdaq_export_month_first_dollars(tmp_path):
    # Nasdaq.com's layout (its files come newest first: here already reversed)
    path = _write(
        tmp_path,
        "Date,Close/Last,Volume,Open,High,Low\n"
        "01/11/2024,$185.59,49128410,$186.54,$187.05,$183.62\n"
        "01/12/2024,$185.92,40477780,$186.06,$186.74,$185.19\n"
        "01/16/2024,$183.63,65603040,$182.16,$184.26,$180.934\n",
    )
    out = read_prices(path, clock="us_equity_close")
    assert _dates(out) == ["2024-01-11", "2024-01-12", "2024-01-16"]
    np.testing.assert_array_equal(out["close"], [185.59, 185.92, 183.63])
    np.testing.assert_array_equal(out["low"], [183.62, 185.19, 180.934])


def test_thousands_separators(tmp_path):
    path = _write(
        tmp_path,
        'Date,Close,Volume\n2025-09-17,"2,407.34","1,234,567"\n2025-09-18,"2,467.70","2,000,000"\n',
    )
    out = read_prices(path, clock="us_equity_close")
    np.testing.assert_array_equal(out["close"], [2407.34, 2467.70])
    np.testing.assert_array_equal(out["volume"], [1_234_567.0, 2_000_000.0])


def test_semicolon_separator_with_decimal_comma(tmp_path):
    # a European export: ';' fields, dd.mm.yyyy dates, '.' thousands and ',' decimals
    path = _write(
        tmp_path,
        "Date;Open;Close\n17.09.2025;2.410,00;2.407,34\n18.09.2025;2.431,50;2.467,70\n",
    )
    out = read_prices(path, clock="us_equity_close")
    assert _dates(out) == ["2025-09-17", "2025-09-18"]
    np.testing.assert_array_equal(out["close"], [2407.34, 2467.70])
    np.testing.assert_array_equal(out["open"], [2410.0, 2431.5])
    plain = _write(tmp_path, "date;close\n2024-01-02;1.5\n2024-01-03;1.75\n", "p.csv")
    np.testing.assert_array_equal(read_prices(plain, clock="utc_midnight")["close"], [1.5, 1.75])


def test_tab_separated_and_gzip(tmp_path):
    text = "date\tclose\n2024-01-02\t10.0\n2024-01-03\t11.0\n"
    out = read_prices(_write(tmp_path, text, "t.tsv"), clock="utc_midnight")
    assert _dates(out) == ["2024-01-02", "2024-01-03"]
    gz = tmp_path / "t.csv.gz"
    gz.write_bytes(gzip.compress(text.replace("\t", ",").encode()))
    pd.testing.assert_frame_equal(read_prices(gz, clock="utc_midnight"), out, check_like=True)


def test_intraday_times_name_the_value_as_written(tmp_path):
    path = _write(
        tmp_path, "date,close\n2024-01-02 15:30:00+01:00,1\n2024-01-03 15:30:00+01:00,2\n"
    )
    with pytest.raises(
        ValueError,
        match=r"must hold daily bars \(dates at midnight\); got a time of day at "
        r"2024-01-02 09:30:00 \(as written: '2024-01-02 15:30:00\+01:00'\)",
    ):
        read_prices(path, clock="us_equity_close")
    mixed = _write(tmp_path, "date,close\n2024-01-02 00:00:00+00:00,1\n2024-01-03,2\n", "m.csv")
    with pytest.raises(ValueError, match=r"some dates carry a UTC offset and some do not"):
        read_prices(mixed, clock="utc_midnight")


def test_adjusted_close_never_replaces_close_whatever_the_column_order(tmp_path):
    # yfinance 0.2.x download().to_csv() sorted the columns: Adj Close before Close
    path = _write(
        tmp_path,
        "Date,Adj Close,Close,High,Low,Open,Volume\n"
        "2024-01-02,180.0,185.6,188.4,183.9,187.2,82488700\n"
        "2024-01-03,178.7,184.2,185.9,183.4,184.2,58414500\n",
    )
    out = read_prices(path, clock="us_equity_close")
    np.testing.assert_array_equal(out["close"], [185.6, 184.2])
    np.testing.assert_array_equal(out["adj_close"], [180.0, 178.7])


def test_dates_that_are_not_dates_are_type_errors():
    frame = pd.DataFrame({"date": [True, False], "close": [1.0, 2.0]})
    with pytest.raises(TypeError, match=r"`data`: the dates must be dates, text or numbers"):
        read_prices(frame, clock="utc_midnight")
    frame = pd.DataFrame({"date": [1 + 2j, 3 + 0j], "close": [1.0, 2.0]})
    with pytest.raises(TypeError, match=r"got complex128"):
        read_prices(frame, clock="utc_midnight")


_DATE_TEXT = [
    "2024-01-02",
    "02/01/2024",
    "13/01/2024",
    "01/13/2024",
    "2024-01-02 00:00:00-05:00",
    "2024-01-02T00:00:00Z",
    "1704067200",
    "1704067200000",
    "20240102",
    ".",
    "",
    "abc",
    "2024-13-45",
    "2024-01-02 10:00",
    "Jan 2, 2024",
    "02.01.2024",
    "2262-05-01",
    "99999999999999999999",
]
_NUMBER_TEXT = ["1", "2.5", '"1,234.5"', "1.234,5", ".", "", "-3", "abc", "$4", "1e400", "0"]


@settings(max_examples=80, deadline=None)
@given(
    sep=st.sampled_from([",", ";", "\t"]),
    header=st.sampled_from(["date", "Date", "observation_date", "timestamp", "x"]),
    rows=st.lists(
        st.tuples(st.sampled_from(_DATE_TEXT), st.sampled_from(_NUMBER_TEXT)), max_size=5
    ),
    dayfirst=st.sampled_from([None, True, False]),
)
def test_any_csv_reads_or_raises_value_or_type_error(
    tmp_path_factory, sep, header, rows, dayfirst
):
    text = sep.join([header, "close"]) + "\n" + "".join(f"{d}{sep}{v}\n" for d, v in rows)
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_text(text, encoding="utf-8")
    try:
        out = read_prices(path, clock="utc_midnight", dayfirst=dayfirst, nan_policy="omit")
    except (ValueError, TypeError):
        return
    assert out.index.is_monotonic_increasing and out.index.is_unique
    assert (out["close"] > 0).all() and (out.index == out.index.normalize()).all()
