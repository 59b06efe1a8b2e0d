"""Calendar facts (halvings, ETF dates, supply) and look-ahead-free alignment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import riskcycle
from riskcycle import calendar as cal
from riskcycle._clocks import halving_phase_of


# ---------------------------------------------------------------------------
# facts
# ---------------------------------------------------------------------------
def test_halving_facts():
    h = cal.HALVINGS
    assert h["height"].tolist() == [210_000, 420_000, 630_000, 840_000]
    # block timestamps from the block headers (DESIGN.md, "Dates the library knows")
    assert h.loc[1, "timestamp"].strftime("%Y-%m-%d %H:%M") == "2012-11-28 15:24"
    assert h.loc[2, "timestamp"].strftime("%Y-%m-%d %H:%M") == "2016-07-09 16:46"
    assert h.loc[3, "timestamp"].strftime("%Y-%m-%d %H:%M") == "2020-05-11 19:23"
    assert h.loc[4, "timestamp"].strftime("%Y-%m-%d %H:%M") == "2024-04-20 00:09"
    # the last halving is on 2024-04-19 in New York
    assert h.loc[4, "timestamp"].tz_convert("America/New_York").date().isoformat() == "2024-04-19"
    # subsidy rule 50 * 2**-(height // 210000)
    np.testing.assert_array_equal(h["subsidy_after"], 50 * 0.5 ** (h["height"] // 210_000))


def test_etf_facts():
    assert cal.ETF_APPROVAL == pd.Timestamp("2024-01-10")
    assert cal.ETF_FIRST_TRADING_DAY == pd.Timestamp("2024-01-11")
    assert cal.ETF_FALSE_APPROVAL_POST.date().isoformat() == "2024-01-09"
    # approval after the US close: known at the 2024-01-10 close, i.e. before BTC's bar of
    # 2024-01-10 closes (00:00 UTC on 2024-01-11).
    m = cal.map_to_follower(
        [cal.ETF_APPROVAL],
        pd.date_range("2024-01-01", "2024-01-31"),
        leader_clock="us_equity_close",
        follower_clock="utc_midnight",
    )
    assert m["follower_date"].iloc[0] == pd.Timestamp("2024-01-10")


def test_supply_figures_of_the_commentary():
    """Commentary (DESIGN.md): issuance about 1.7% -> 0.85% at the April 2024 halving, about 94% mined.

    Tolerances: the commentary rounds to two digits (1.7, 0.85, 94), so 5% relative; our
    after-halving figure uses the 144-blocks-a-day target rate (0.834%), the commentary's
    0.85% a slightly faster observed rate.
    """
    s = riskcycle.btc_supply(["2024-04-18", "2024-04-21"])
    assert s["issuance_rate"].iloc[0] == pytest.approx(0.017, rel=0.05)
    assert s["issuance_rate"].iloc[1] == pytest.approx(0.0085, rel=0.05)
    assert s["supply"].iloc[1] / 21e6 == pytest.approx(0.94, rel=0.01)
    # exact at the anchor: 19,687,500 BTC after block 840,000 (sum of full eras)
    at = riskcycle.btc_supply([pd.Timestamp("2024-04-19")])  # day close 2024-04-20 00:00 UTC
    assert at["supply"].iloc[0] == pytest.approx(19_687_500, abs=300 * 6.25)


def test_supply_is_continuous_and_capped():
    d = pd.date_range("2009-01-04", "2140-01-01", freq="30D")
    s = cal.btc_supply(d)
    assert (np.diff(s["supply"]) >= 0).all()
    assert s["supply"].max() <= 21e6
    # exact supply at anchor heights: 10.5M at 210,000, 15.75M at 420,000, 18.375M at 630,000
    np.testing.assert_allclose(
        cal._supply_at_height(np.array([210_000.0, 420_000.0, 630_000.0])),
        [10_500_000.0, 15_750_000.0, 18_375_000.0],
        rtol=0,
        atol=1e-6,
    )
    with pytest.raises(ValueError, match="`dates` must not be before the genesis block"):
        cal.btc_supply(["2008-12-31"])


def test_halving_phase():
    p = riskcycle.halving_phase(["2024-04-19", "2024-04-20", "2016-07-10", "2010-07-18"])
    assert p["epoch"].tolist() == [3, 4, 2, 0]
    # 2024-04-19's bar closes 00:00 UTC 2024-04-20, 9 min 27 s before the halving block
    assert p["days_since_halving"].iloc[1] == pytest.approx(1 - (9 * 60 + 27) / 86400, abs=1e-9)
    assert 0.99 < p["cycle_fraction"].iloc[0] < 1.0
    full = (cal.HALVINGS["timestamp"].iloc[2] - cal.HALVINGS["timestamp"].iloc[1]) / pd.Timedelta(
        "1D"
    )
    assert p["cycle_length_days"].iloc[2] == pytest.approx(full)
    with pytest.raises(ValueError, match="must not be before the genesis block"):
        riskcycle.halving_phase(["2008-01-01"])
    with pytest.raises(TypeError, match="`dates` must be an Events object or a sequence of dates"):
        riskcycle.halving_phase(5)


# ---------------------------------------------------------------------------
# clocks and alignment
# ---------------------------------------------------------------------------
def test_information_times_handle_dst():
    t = cal.US_EQUITY_CLOSE.information_times(
        ["2024-03-08", "2024-03-11", "2024-11-01", "2024-11-04"]
    )
    # EST (UTC-5) before 2024-03-10, EDT (UTC-4) until 2024-11-03
    assert [x.hour for x in t] == [21, 20, 20, 21]
    assert cal.CRYPTO_UTC.information_times(["2024-03-10"])[0] == pd.Timestamp(
        "2024-03-11 00:00", tz="UTC"
    )
    # FRED H.15: next business day 16:15 New York (Friday -> Monday)
    assert cal.FRED_H15.information_times(["2024-01-19"])[0] == pd.Timestamp(
        "2024-01-22 16:15", tz="America/New_York"
    )


def test_friday_close_onto_btc():
    btc = pd.date_range("2024-01-10", "2024-01-20")
    m = cal.map_to_follower(
        ["2024-01-12"], btc, leader_clock="us_equity_close", follower_clock="utc_midnight"
    )
    row = m.iloc[0]
    assert row["follower_date"] == pd.Timestamp("2024-01-12")  # Friday bar, closes Sat 00:00 UTC
    assert row["follower_close_time"] > row["information_time"]
    late = cal.map_to_follower(
        ["2024-01-12"],
        btc,
        leader_clock="us_equity_close",
        follower_clock="utc_midnight",
        delay="4h",
    )
    assert late["follower_date"].iloc[0] == pd.Timestamp("2024-01-13")


def test_strict_with_equal_clocks():
    # Russell 2000 onto IWM: both close at 16:00 New York, so the close that produced the
    # signal is known at exactly the follower's close time on the same day.
    iwm = pd.bdate_range("2024-01-08", "2024-01-19")
    kw = dict(leader_clock="us_equity_close", follower_clock="us_equity_close")
    dates = ["2024-01-10", "2024-01-12", "2024-01-19"]
    known = cal.map_to_follower(dates, iwm, **kw)
    assert known["follower_date"].tolist()[:2] == [
        pd.Timestamp("2024-01-10"),
        pd.Timestamp("2024-01-12"),
    ]
    assert (known["follower_close_time"] == known["available_time"]).iloc[:2].all()
    trade = cal.map_to_follower(dates, iwm, strict=True, **kw)
    # the next close (Friday -> Monday; the last bar has no next one)
    assert trade["follower_date"].tolist()[:2] == [
        pd.Timestamp("2024-01-11"),
        pd.Timestamp("2024-01-15"),
    ]
    assert trade["status"].tolist() == ["ok", "ok", "after_end"]
    assert known["status"].tolist() == ["ok", "ok", "ok"]
    ok = trade["status"] == "ok"
    assert (trade.loc[ok, "follower_close_time"] > trade.loc[ok, "available_time"]).all()
    # with a delay the strict bar is the first closing after the delayed time
    late = cal.map_to_follower(dates[:1], iwm, strict=True, delay="1D", **kw)
    assert late["follower_date"].iloc[0] == pd.Timestamp("2024-01-12")
    with pytest.raises(TypeError, match="`strict` must be True or False"):
        cal.map_to_follower(dates, iwm, strict=1, **kw)


def test_strict_equals_default_when_clocks_differ():
    # A 16:00 New York close (21:00 UTC in winter, 20:00 in summer) plus these delays never
    # coincides with a 24:00 UTC close, so the two rules agree.
    rut = riskcycle.datasets.load("rut", start="2023-01-01", end="2024-12-31")
    btc = riskcycle.datasets.load("btc", start="2023-01-01", end="2025-01-10")
    for delay in ("0h", "1h", "5h"):
        pd.testing.assert_frame_equal(
            cal.map_to_follower(rut, btc, delay=delay),
            cal.map_to_follower(rut, btc, delay=delay, strict=True),
        )
    # with a delay of 3 h a winter close is available at exactly 24:00 UTC: at or after
    # gives that bar, strict the next one
    kw = dict(leader_clock="us_equity_close", follower_clock="utc_midnight", delay="3h")
    assert cal.map_to_follower(["2024-01-12"], btc.index, **kw)["follower_date"].iloc[
        0
    ] == pd.Timestamp("2024-01-12")
    assert cal.map_to_follower(["2024-01-12"], btc.index, strict=True, **kw)["follower_date"].iloc[
        0
    ] == pd.Timestamp("2024-01-13")


def test_weekend_leader_onto_exchange_follower_across_holiday():
    spx_dates = pd.DatetimeIndex(["2024-01-11", "2024-01-12", "2024-01-16", "2024-01-17"])
    m = cal.map_to_follower(
        ["2024-01-13"], spx_dates, leader_clock="utc_midnight", follower_clock="us_equity_close"
    )
    assert m["follower_date"].iloc[0] == pd.Timestamp("2024-01-16")  # MLK day skipped


def test_dst_change_day():
    # 2024-11-01 (Fri) 16:00 EDT = 20:00 UTC; clocks change on Sunday 2024-11-03;
    # 2024-11-04 (Mon) 16:00 EST = 21:00 UTC.
    btc = pd.date_range("2024-10-28", "2024-11-10")
    kw = dict(leader_clock="us_equity_close", follower_clock="utc_midnight")
    m = cal.map_to_follower(["2024-11-01", "2024-11-04"], btc, delay="2h59min", **kw)
    assert m["follower_date"].dt.day.tolist() == [1, 4]  # both before 24:00 UTC
    m = cal.map_to_follower(["2024-11-01", "2024-11-04"], btc, delay="3h30min", **kw)
    # 20:00 + 3:30 = 23:30 UTC (same bar) but 21:00 + 3:30 = 00:30 UTC (next bar)
    assert m["follower_date"].dt.day.tolist() == [1, 5]
    assert m["information_time"].dt.hour.tolist() == [20, 21]


def test_status_before_start_and_after_end():
    btc = pd.date_range("2014-09-17", "2014-12-31")
    # 2014-09-16's close (20:00 UTC) came before the first bar (2014-09-17) opened: the bar
    # that should carry it is outside the data.
    m = cal.map_to_follower(
        ["2013-01-02", "2014-09-16", "2014-09-17", "2014-12-31", "2015-01-02"],
        btc,
        leader_clock="us_equity_close",
        follower_clock="utc_midnight",
    )
    assert m["status"].tolist() == ["before_start", "before_start", "ok", "ok", "after_end"]
    assert m["position"].tolist() == [-1, -1, 0, len(btc) - 1, -1]
    assert m["follower_date"].isna().tolist() == [True, True, False, False, True]


def test_clock_from_attrs_and_errors():
    rut = riskcycle.datasets.load("rut", start="2024-01-01", end="2024-01-31")
    btc = riskcycle.datasets.load("btc", start="2024-01-01", end="2024-02-10")
    m = cal.map_to_follower(rut, btc)
    assert len(m) == len(rut) and (m["status"] == "ok").all()
    with pytest.raises(ValueError, match="`follower_clock` is required"):
        cal.map_to_follower(rut, btc.index)
    with pytest.raises(ValueError, match="`leader_clock` is required"):
        cal.map_to_follower(rut.index, btc)
    with pytest.raises(ValueError, match="`delay` must be a non-negative timedelta"):
        cal.map_to_follower(rut, btc, delay="-1h")
    with pytest.raises(TypeError, match="`delay` must be a timedelta"):
        cal.map_to_follower(rut, btc, delay=3)
    with pytest.raises(
        TypeError, match="`leader_dates` must be an Events object or a sequence of dates"
    ):
        cal.map_to_follower("2024-01-02", btc)
    with pytest.raises(ValueError, match="`follower` dates must be sorted ascending and unique"):
        cal.map_to_follower(rut, btc.index[::-1], follower_clock="utc_midnight")
    with pytest.raises(ValueError, match="`follower` must have at least one bar"):
        cal.map_to_follower(rut, btc.index[:0], follower_clock="utc_midnight")


@settings(max_examples=60, deadline=None)
@given(
    cut=st.integers(min_value=5, max_value=55),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    delay_h=st.integers(min_value=0, max_value=48),
)
def test_alignment_and_events_ignore_the_future(cut, seed, delay_h):
    """Changing any leader or follower value after date d changes nothing known before d."""
    rng = np.random.default_rng(seed)
    lead_idx = pd.bdate_range("2024-01-01", periods=60)
    fol_idx = pd.date_range("2024-01-01", periods=90)
    lead = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.02, 60))) * 100, index=lead_idx)
    fol = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.04, 90))) * 100, index=fol_idx)
    d = lead_idx[cut]
    lead2, fol2 = lead.copy(), fol.copy()
    lead2[lead_idx > d] *= rng.uniform(0.5, 2.0, (lead_idx > d).sum())
    fol2[fol_idx > d] *= rng.uniform(0.5, 2.0, (fol_idx > d).sum())
    kw = dict(
        leader_clock="us_equity_close",
        follower_clock="utc_midnight",
        delay=pd.Timedelta(hours=delay_h),
    )
    m1 = cal.map_to_follower(lead_idx, fol, **kw)
    m2 = cal.map_to_follower(lead_idx, fol2, **kw)
    pd.testing.assert_frame_equal(m1, m2)
    e1 = riskcycle.breakouts(lead, min_gap=3, clock="us_equity_close")
    e2 = riskcycle.breakouts(lead2, min_gap=3, clock="us_equity_close")
    pd.testing.assert_frame_equal(e1.between(end=d).to_frame(), e2.between(end=d).to_frame())
    # an event is never visible before its information time: its follower bar closes after it
    me = cal.map_to_follower(e1, fol, **kw)
    ok = me["status"] == "ok"
    assert (me.loc[ok, "follower_close_time"] >= me.loc[ok, "available_time"]).all()
    # and the bar before it had closed before the event was known
    prev = me.loc[ok, "position"] - 1
    prev_close = cal.CRYPTO_UTC.information_times(fol_idx[prev[prev >= 0]])
    assert (prev_close < me.loc[ok, "available_time"][prev >= 0].to_numpy()).all()
    # strict: the fill bar closes strictly after the value was known, on any clocks
    ms = cal.map_to_follower(lead_idx, fol, strict=True, **kw)
    ok = ms["status"] == "ok"
    assert (ms.loc[ok, "follower_close_time"] > ms.loc[ok, "available_time"]).all()
    same = dict(kw, follower_clock="us_equity_close")
    ms = cal.map_to_follower(lead_idx, lead, strict=True, **same)
    ok = ms["status"] == "ok"
    assert (ms.loc[ok, "follower_close_time"] > ms.loc[ok, "available_time"]).all()
    assert (ms.loc[ok, "follower_date"] > ms.index[ok]).all()


# ---------------------------------------------------------------------------
# holidays and early closes (exchange_calendars)
# ---------------------------------------------------------------------------
# Reference lists, written out from the published schedules (not from the code's sources):
# US federal holidays 2024 (OPM, "2024 Federal Holidays"), the NYSE's 2024 holidays and
# 1:00 p.m. early closes (NYSE "Holidays & Trading Hours").
FEDERAL_2024 = pd.to_datetime(
    [
        "2024-01-01",
        "2024-01-15",
        "2024-02-19",
        "2024-05-27",
        "2024-06-19",
        "2024-07-04",
        "2024-09-02",
        "2024-10-14",
        "2024-11-11",
        "2024-11-28",
        "2024-12-25",
    ]
)
NYSE_HOLIDAYS_2024 = pd.to_datetime(
    [
        "2024-01-01",
        "2024-01-15",
        "2024-02-19",
        "2024-03-29",
        "2024-05-27",
        "2024-06-19",
        "2024-07-04",
        "2024-09-02",
        "2024-11-28",
        "2024-12-25",
    ]
)
NYSE_EARLY_CLOSES_2024 = pd.to_datetime(["2024-07-03", "2024-11-29", "2024-12-24"])


def test_fred_clocks_skip_us_holidays():
    ny = "America/New_York"
    h15 = cal.FRED_H15.information_times(
        ["2024-01-12", "2024-10-11", "2024-11-08", "2024-12-24", "2025-01-08"]
    )
    expected = pd.DatetimeIndex(
        [
            "2024-01-16 16:15",  # Fri -> Tue: Martin Luther King Jr. Day (NYSE and Fed closed)
            "2024-10-15 16:15",  # Columbus Day: the NYSE is open, the Fed is closed
            "2024-11-12 16:15",  # Veterans Day: idem
            "2024-12-26 16:15",  # Christmas
            "2025-01-10 16:15",  # 2025-01-09, national day of mourning for President Carter
        ]
    ).tz_localize(ny)
    pd.testing.assert_index_equal(h15, expected.tz_convert("UTC").as_unit("ns"), check_names=False)
    effr = cal.FRED_EFFR.information_times(["2024-01-12", "2024-11-27"])
    assert effr.tz_convert(ny).strftime("%Y-%m-%d %H:%M").tolist() == [
        "2024-01-16 09:00",
        "2024-11-29 09:00",  # Thanksgiving skipped
    ]
    # the 10-year yield of Friday 2024-01-12 is not known on MLK day: the first BTC bar
    # closing after its release is Tuesday's (closing 2024-01-17 00:00 UTC)
    btc = pd.date_range("2024-01-10", "2024-01-20")
    m = cal.map_to_follower(
        ["2024-01-12"], btc, leader_clock="fred_h15", follower_clock="utc_midnight"
    )
    assert m["follower_date"].iloc[0] == pd.Timestamp("2024-01-16")
    assert m["information_time"].iloc[0] > pd.Timestamp("2024-01-16", tz=ny)


def test_us_equity_half_days_close_at_13():
    t = cal.US_EQUITY_CLOSE.information_times(
        ["2024-07-03", "2024-11-27", "2024-11-29", "2024-12-24", "2024-12-26"]
    )
    local = t.tz_convert("America/New_York").strftime("%H:%M").tolist()
    assert local == ["13:00", "16:00", "13:00", "13:00", "16:00"]
    assert t[2] == pd.Timestamp("2024-11-29 18:00", tz="UTC")  # EST: 13:00 = 18:00 UTC
    assert t[0] == pd.Timestamp("2024-07-03 17:00", tz="UTC")  # EDT: 13:00 = 17:00 UTC


def test_half_day_signal_maps_after_18_utc():
    """A Russell close on the day after Thanksgiving is known at 18:00 UTC, not 21:00."""
    # A follower whose daily bar closes at 18:30 UTC (e.g. a European market's close):
    # the half-day close (18:00 UTC) is known before it, a 16:00 close (21:00 UTC) would not be.
    eu = cal.SessionClock("eu_close", pd.Timedelta(hours=18, minutes=30), "UTC", 252)
    fol = pd.bdate_range("2024-11-25", "2024-12-06")
    m = cal.map_to_follower(
        ["2024-11-27", "2024-11-29"], fol, leader_clock="us_equity_close", follower_clock=eu
    )
    assert m["information_time"].tolist() == [
        pd.Timestamp("2024-11-27 21:00", tz="UTC"),
        pd.Timestamp("2024-11-29 18:00", tz="UTC"),
    ]
    assert m["follower_date"].tolist() == [
        pd.Timestamp("2024-11-28"),  # regular day: after 21:00 UTC -> next bar
        pd.Timestamp("2024-11-29"),  # half day: the same day's 18:30 UTC bar
    ]
    # onto BTC with a 5h30 delay: 18:00 + 5:30 = 23:30 UTC, still the Friday bar
    btc = pd.date_range("2024-11-25", "2024-12-06")
    kw = dict(leader_clock="us_equity_close", follower_clock="utc_midnight", delay="5h30min")
    m = cal.map_to_follower(["2024-11-29"], btc, **kw)
    assert m["follower_date"].iloc[0] == pd.Timestamp("2024-11-29")
    # IWM (same clock) closes at 13:00 too: day 0 is the half-day close, the trade the next
    iwm = pd.DatetimeIndex(["2024-11-26", "2024-11-27", "2024-11-29", "2024-12-02"])
    same = dict(leader_clock="us_equity_close", follower_clock="us_equity_close")
    day0 = cal.map_to_follower(["2024-11-29"], iwm, **same).iloc[0]
    assert day0["follower_date"] == pd.Timestamp("2024-11-29")
    assert day0["follower_close_time"] == day0["available_time"]
    trade = cal.map_to_follower(["2024-11-29"], iwm, strict=True, **same)
    assert trade["follower_date"].iloc[0] == pd.Timestamp("2024-12-02")


def _reference_release(d: pd.Timestamp) -> pd.Timestamp:
    """Next day after ``d`` that is a weekday, not a federal holiday and not an NYSE holiday."""
    closed = set(FEDERAL_2024) | set(NYSE_HOLIDAYS_2024)
    nxt = d + pd.Timedelta(days=1)
    while nxt.weekday() >= 5 or nxt in closed:
        nxt += pd.Timedelta(days=1)
    return nxt


@settings(max_examples=80, deadline=None)
@given(day=st.integers(min_value=0, max_value=360), delay_h=st.integers(min_value=0, max_value=30))
def test_holiday_and_half_day_clocks_never_look_ahead(day, delay_h):
    """Against the published 2024 schedules: no value is known before it was published."""
    d = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)
    ny = "America/New_York"
    # FRED H.15: 16:15 New York on the next open day
    t = cal.FRED_H15.information_times([d])[0].tz_convert(ny)
    assert t.tz_localize(None) == _reference_release(d) + pd.Timedelta(hours=16, minutes=15)
    # US equity close: 13:00 on the early-close days, 16:00 on the other sessions
    if d.weekday() < 5 and d not in set(NYSE_HOLIDAYS_2024):
        t = cal.US_EQUITY_CLOSE.information_times([d])[0].tz_convert(ny)
        hour = 13 if d in set(NYSE_EARLY_CLOSES_2024) else 16
        assert t.tz_localize(None) == d + pd.Timedelta(hours=hour)
    # mapping onto BTC: the mapped bar closes at or after the value is available, the bar
    # before it closed earlier; the same holds when the future dates are cut away
    btc = pd.date_range("2023-12-25", "2025-01-15")
    for clock in ("fred_h15", "fred_effr", "us_equity_close"):
        kw = dict(leader_clock=clock, follower_clock="utc_midnight", delay=f"{delay_h}h")
        row = cal.map_to_follower([d], btc, **kw).iloc[0]
        pos = row["position"]
        assert row["follower_close_time"] >= row["available_time"]
        assert cal.CRYPTO_UTC.information_times(btc[pos - 1 : pos])[0] < row["available_time"]
        cut = btc[btc <= row["follower_date"]]
        again = cal.map_to_follower([d], cut, **kw).iloc[0]
        assert again["follower_date"] == row["follower_date"]


def test_genesis_error_names_the_argument_and_the_date_given():
    # the date the user wrote (2008-06-01), not its 24:00 UTC close (2008-06-02)
    with pytest.raises(
        ValueError,
        match=r"`dates` must not be before the genesis block \(2009-01-03\); got 2008-06-01\.$",
    ):
        cal.halving_phase(["2010-01-01", "2008-06-01"])
    # callers name their own argument (regimes' halving-phase control: `break_date`)
    with pytest.raises(ValueError, match=r"^`break_date` must not be before the genesis block"):
        halving_phase_of(["2008-06-01"], "break_date")


def test_exchange_calendars_is_imported_lazily_and_codes_are_checked():
    import subprocess
    import sys

    code = "import sys, riskcycle; print('exchange_calendars' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    # any exchange_calendars code works for a clock of one's own; an unknown one is named
    lse = cal.SessionClock(
        "lse",
        pd.Timedelta(hours=16, minutes=30),
        "Europe/London",
        252,
        business_day_lag=1,
        calendar="XLON",
    )
    # Thursday 2024-03-28 -> Tuesday 2024-04-02: Good Friday and Easter
    # Monday are London Stock Exchange holidays
    t = lse.information_times(["2024-03-28"])[0].tz_convert("Europe/London")
    assert t.strftime("%Y-%m-%d %H:%M") == "2024-04-02 16:30"
    bad = cal.SessionClock(
        "x", pd.Timedelta(hours=16), "UTC", 252, business_day_lag=1, calendar="NOPE"
    )
    with pytest.raises(
        ValueError, match=r"`calendar` must be an exchange_calendars code .*'NOPE'"
    ):
        bad.information_times(["2024-01-02"])


def test_a_series_of_dates_is_read_by_its_values():
    """A Series *of dates* gives its values (not its RangeIndex as 1970 timestamps)."""
    import riskcycle

    btc = riskcycle.datasets.load("btc")
    dates = pd.Series(pd.to_datetime(["2016-11-14", "2020-11-13"]))
    m = riskcycle.map_to_follower(dates, btc, leader_clock="us_equity_close")
    assert list(m.index.strftime("%Y-%m-%d")) == ["2016-11-14", "2020-11-13"]


# ---------------------------------------------------------------------------
# cached information times and the array path of the day-0 mapping
# ---------------------------------------------------------------------------
def test_information_times_are_cached_without_sharing_state():
    """Cached per clock and dates: equal to the computation, a new index on every call,
    and writing into a returned index does not reach the cache."""
    from riskcycle.calendar import CRYPTO_UTC, FRED_H15, US_EQUITY_CLOSE

    idx = pd.bdate_range("2023-01-01", "2024-12-31")
    for clock in (US_EQUITY_CLOSE, CRYPTO_UTC, FRED_H15):
        a = clock.information_times(idx)
        b = clock.information_times(idx)
        assert a is not b
        want = pd.DatetimeIndex(clock._information_times(idx), name="information_time")
        pd.testing.assert_index_equal(a, want.as_unit("ns"), exact=True)
        pd.testing.assert_index_equal(b, a, exact=True)
        first = a[0]
        a.asi8[0] = 0  # a caller scribbling on its own copy
        assert clock.information_times(idx)[0] == first
    # same dates on another clock: its own entry (16:00 New York is not 24:00 UTC)
    assert not CRYPTO_UTC.information_times(idx).equals(US_EQUITY_CLOSE.information_times(idx))
    # the cache key is the dates' values: a tz-aware index reads its New York dates
    aware = idx.tz_localize("America/New_York")
    pd.testing.assert_index_equal(
        US_EQUITY_CLOSE.information_times(aware), US_EQUITY_CLOSE.information_times(idx)
    )


@pytest.mark.parametrize("delay", ["0h", "4h", "1D", "30h"])
@pytest.mark.parametrize("leader_clock", ["us_equity_close", "utc_midnight"])
def test_event_data_maps_events_like_map_to_follower(delay, leader_clock):
    """The event sample's array path gives map_to_follower's positions and status,
    including events before the follower's first bar and after its last."""
    from riskcycle._sample import event_data, follower_data, windows

    days = pd.date_range("2020-01-01", "2021-12-31", freq="D")
    prices = pd.Series(np.linspace(100.0, 200.0, len(days)), index=days)
    rng = np.random.default_rng(7)
    drawn = rng.choice(pd.date_range("2020-01-05", "2021-11-01", freq="D"), 30, replace=False)
    edges = pd.DatetimeIndex(["2019-12-20", "2021-12-20", "2022-01-10"])  # before, late, after
    ev = pd.DatetimeIndex(np.sort(np.concatenate([drawn, edges.to_numpy()])))
    fd = follower_data(prices, follower_clock="utc_midnight")
    win = windows(fd, 30)
    ed = event_data(fd, win, ev, delay=delay, leader_clock=leader_clock)
    m = cal.map_to_follower(
        ev, days, leader_clock=leader_clock, follower_clock="utc_midnight", delay=delay
    )
    ok = m["status"].to_numpy() == "ok"
    want_status = np.where(
        ok & ~win.complete[np.where(ok, m["position"], 0)], "incomplete", m["status"].to_numpy()
    )
    np.testing.assert_array_equal(ed.day0, m["position"].to_numpy())
    np.testing.assert_array_equal(ed.status, want_status)
    assert set(ed.status) == {"before_start", "after_end", "ok", "incomplete"}


def test_follower_data_is_validated_once_per_content():
    """The validated follower is cached under a digest of its content: a repeat gets
    equal data with its own closes, a changed copy (values, attrs) is validated anew,
    and the shared arrays cannot be written."""
    from riskcycle._sample import follower_data

    days = pd.date_range("2020-01-01", periods=50, freq="D")
    f = pd.DataFrame({"close": np.linspace(10.0, 20.0, 50)}, index=days)
    f.attrs["clock"] = "utc_midnight"
    a = follower_data(f)
    b = follower_data(f)
    assert a.close is not b.close
    pd.testing.assert_series_equal(a.close, b.close)
    b.close.iloc[0] = -1.0  # the caller's copy only
    assert follower_data(f).close.iloc[0] == 10.0
    with pytest.raises(ValueError, match="read-only"):
        a.log_close[0] = 0.0
    g = f.copy()
    g.iloc[3, 0] = 99.0
    assert follower_data(g).close.iloc[3] == 99.0
    assert follower_data(f).close.iloc[3] == f["close"].iloc[3]
    g = f.copy()
    g.attrs["name"] = "other"
    assert follower_data(g).name == "other" and follower_data(f).name == "follower"
    g = f.copy()
    g.iloc[3, 0] = -5.0  # invalid: raises every time, never cached
    for _ in range(2):
        with pytest.raises(ValueError, match="positive"):
            follower_data(g)


@pytest.mark.parametrize("code", ["XNYS", cal.US_FEDERAL_RESERVE])
def test_a_wider_calendar_span_answers_as_a_narrow_one(code, monkeypatch):
    # a calendar built over more decades serves later requests inside it; its sessions
    # and early closes on those dates are those of a calendar built for them alone
    dates = pd.date_range("1983-01-03", "1988-12-30", freq="W-FRI").as_unit("ns")
    narrow = cal._business_days(code, 1980, 1989)
    with monkeypatch.context() as m:
        m.setattr(cal, "_business_days_for", lambda *_args, **_kw: narrow)
        narrow_next = cal._next_business_days(dates, 1, code)
        narrow_early = cal._early_close_times(dates, code)
    # a span built for a request starts in the calendars' first year, whatever its dates
    monkeypatch.setattr(cal, "_SPANS", {})
    wide = cal._business_days_for(code, dates, pad_days=38)
    assert cal._SPANS[code] == [(1885, 1989)]
    assert wide is cal._business_days(code, 1885, 1989)
    pd.testing.assert_index_equal(cal._next_business_days(dates, 1, code), narrow_next)
    np.testing.assert_array_equal(cal._early_close_times(dates, code), narrow_early)
    # a later date inside the span is served by it; one outside every span gets its own
    assert cal._business_days_for(code, dates[:3], pad_days=0) is wide
    late = pd.DatetimeIndex(["2041-03-01"]).as_unit("ns")
    assert cal._business_days_for(code, late, pad_days=0) is not wide
    assert (1885, 2049) in cal._SPANS[code]


def test_federal_reserve_days_are_nyse_sessions_that_are_not_federal_holidays():
    # built from the NYSE calendar riskcycle keeps (shared with the XNYS clocks); the
    # reference is the definition, from exchange_calendars and pandas directly
    import warnings

    import exchange_calendars as xcals
    from pandas.tseries.holiday import USFederalHolidayCalendar

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        xnys = xcals.get_calendar("XNYS", start="1970-01-01", end="1999-12-31")
        ref = (
            pd.bdate_range("1970-01-01", "1999-12-31")
            .difference(USFederalHolidayCalendar().holidays("1970-01-01", "1999-12-31"))
            .intersection(pd.DatetimeIndex(xnys.sessions))
        )
    got = cal._business_days(cal.US_FEDERAL_RESERVE, 1970, 1999)
    np.testing.assert_array_equal(got.sessions, ref.as_unit("ns").asi8)
    assert len(got.early_dates) == 0 and len(got.early_closes) == 0


def test_federal_reserve_days_reuse_a_kept_nyse_calendar(monkeypatch):
    # the Federal Reserve's days take the NYSE sessions from a kept NYSE calendar that
    # covers their years, and record the one they build: NYSE dates asked for later
    # inside that span build no second NYSE calendar
    monkeypatch.setattr(cal, "_SPANS", {})
    built = []
    real = cal._build_business_days

    def counting(code, first, last):
        built.append((code, first, last))
        return real(code, first, last)

    monkeypatch.setattr(cal, "_build_business_days", counting)
    cal._business_days.cache_clear()
    try:
        fed = pd.DatetimeIndex(["2029-12-20"]).as_unit("ns")
        cal._next_business_days(fed, 1, cal.US_FEDERAL_RESERVE)  # padding: up to 2039
        nyse = pd.DatetimeIndex(["1931-05-01", "2026-06-01"]).as_unit("ns")
        cal._next_business_days(nyse, 1, "XNYS")
    finally:
        cal._business_days.cache_clear()
    assert [b for b in built if b[0] == "XNYS"] == [("XNYS", 1885, 2039)]
    assert cal._SPANS["XNYS"] == [(1885, 2039)]
