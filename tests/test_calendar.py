"""Calendar facts (halvings, ETF dates, supply) and look-ahead-free alignment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import riskcycle
from riskcycle import calendar as cal


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
    with pytest.raises(TypeError, match="`dates` must be a DatetimeIndex"):
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
    # FRED H.15: next weekday 16:15 New York (Friday -> Monday)
    assert cal.FRED_H15.information_times(["2024-01-12"])[0] == pd.Timestamp(
        "2024-01-15 16:15", tz="America/New_York"
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
    with pytest.raises(TypeError, match="`leader_dates` must be a DatetimeIndex"):
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
