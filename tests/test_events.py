"""Breakout detection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import riskcycle
from riskcycle.events import Event, Events, _record_events

# DESIGN.md, "Facts from the data": first close above the prior all-time high after at least
# 250 sessions without one, on the bundled Russell 2000.
DESIGN_DATES = [
    "1989-06-02",
    "1991-10-16",
    "1995-05-16",
    "1999-12-29",
    "2004-04-05",
    "2011-04-27",
    "2013-01-02",
    "2016-11-14",
    "2020-11-13",
    "2025-09-18",
]


def _brute_force_record(x, min_gap):
    """Direct transcription of the definition (margin 0), O(n^2)."""
    out = []
    for t in range(1, len(x)):
        prior = x[:t]
        rec = prior.max()
        r = int(np.argmax(prior))  # first time the record level was reached
        if x[t] > rec and t - r >= min_gap:
            out.append(t)
    return out


def test_russell_2000_events_match_design(rut):
    ev = riskcycle.breakouts(rut, min_gap=250)
    assert [d.strftime("%Y-%m-%d") for d in ev.dates] == DESIGN_DATES
    # the 2025 event broke the 2021-11-08 closing record of 2,442.74 (DESIGN.md)
    last = ev[-1]
    assert isinstance(last, Event)
    assert last.prior_record_date == pd.Timestamp("2021-11-08")
    assert last.prior_record == pytest.approx(2442.74, abs=0.005)
    assert last.level == pytest.approx(2467.70, abs=0.005)
    # information time: 16:00 New York (EDT in September)
    assert last.information_time == pd.Timestamp("2025-09-18 20:00", tz="UTC")


def test_record_rule_equals_brute_force(rut):
    x = rut["close"].to_numpy()
    for gap in (20, 250, 600):
        fast = [t for t, _, _ in _record_events(x, gap, 0.0)]
        assert fast == _brute_force_record(x, gap)


def test_intraday_variant_separates_november_2024(rut):
    close_ev = riskcycle.breakouts(rut, min_gap=250)
    high_ev = riskcycle.breakouts(rut, min_gap=250, use_high=True)
    assert pd.Timestamp("2024-11-25") in high_ev.dates
    assert pd.Timestamp("2024-11-25") not in close_ev.dates
    # that day closed below the closing record (DESIGN.md: 2,442.03 < 2,442.74)
    assert rut.loc["2024-11-25", "close"] < close_ev[-1].prior_record
    with pytest.raises(ValueError, match="`use_high=True` needs a 'high' column"):
        riskcycle.breakouts(riskcycle.datasets.load("spx"), use_high=True)


def _brute_force_margin(x, min_gap, margin):
    """The Notes' margin rule transcribed literally, O(n^2): the first close above the
    prior record after the drought arms a breakout against that record R*; the event is
    the first session after arming with x_t > (1 + margin) R*."""
    out, armed, ref, ref_pos = [], False, np.nan, -1
    for t in range(1, len(x)):
        prior = x[:t]
        rec = prior.max()
        r = int(np.argmax(prior))
        if not armed and x[t] > rec and t - r >= min_gap:
            armed, ref, ref_pos = True, rec, r
        if armed and x[t] > ref * (1 + margin):
            out.append((t, ref_pos))
            armed = False
    return out


@pytest.mark.parametrize("margin", [0.01, 0.03, 0.1])
def test_margin_rule_equals_brute_force(rut, margin):
    x = rut["close"].to_numpy()
    for gap in (60, 250):
        fast = [(t, r) for t, r, _ in _record_events(x, gap, margin)]
        assert fast == _brute_force_margin(x, gap, margin)
    ev = riskcycle.breakouts(rut, min_gap=250, margin=margin)
    assert (ev.levels > ev.prior_records * (1 + margin)).all()
    # the events derived from the plain ones (margin 0) by the public API alone: each
    # plain breakout arms the rule against its prior record R; the event is the first
    # close from that day on above (1 + margin) R; a plain breakout that comes while the
    # rule is still armed (on or before the previous event) arms nothing
    base = riskcycle.breakouts(rut, min_gap=250)
    close = rut["close"]
    expected, refs = [], []
    for d0, r_date, r in zip(base.dates, base.prior_record_dates, base.prior_records, strict=True):
        if expected and d0 <= expected[-1]:
            continue
        after = close.loc[d0:]
        hit = after.to_numpy() > r * (1 + margin)
        if not hit.any():
            break
        expected.append(after.index[hit.argmax()])
        refs.append(r_date)
    assert list(ev.dates) == expected
    assert list(ev.prior_record_dates) == refs
    # the margin moves events: with these margins most of them come later than the plain
    # ones (a rule that ignored the margin would give the plain dates and fail above)
    assert sum(a != b for a, b in zip(ev.dates, base.dates, strict=False)) >= len(ev) // 2


def test_rolling_rule(rut):
    ev = riskcycle.breakouts(rut, method="rolling", window=200, min_spacing=120)
    x = rut["close"].to_numpy()
    pos = rut.index.get_indexer(ev.dates)
    for p in pos:
        assert x[p] > x[p - 200 : p].max()
    assert (np.diff(pos) >= 120).all()
    # spacing defaults to the window
    ev2 = riskcycle.breakouts(rut, method="rolling", window=50)
    assert ev2.settings["min_spacing"] == 50
    assert (np.diff(rut.index.get_indexer(ev2.dates)) >= 50).all()


def test_events_container(rut):
    ev = riskcycle.breakouts(rut, min_gap=250)
    assert len(ev) == 10 and len(list(ev)) == 10
    sub = ev[-3:]
    assert isinstance(sub, Events) and len(sub) == 3
    assert ev.between("2016-01-01", "2021-01-01").dates.strftime("%Y").tolist() == ["2016", "2020"]
    df = ev.to_frame()
    assert list(df.columns[:2]) == ["event_date", "information_time"]
    assert df["sessions_since_record"].dtype == np.int64
    np.testing.assert_allclose(df["margin_over_record"], df["level"] / df["prior_record"] - 1)
    text = str(ev.summary())
    assert "2025-09-18" in text and "at least 250 sessions" in text
    assert "n=10" in repr(ev)
    assert "<table" in ev.summary().as_html()
    assert "\\begin{tabular}" in ev.summary().as_latex()
    assert "| 2016-11-14 |" in ev.summary().as_markdown()
    with pytest.raises(IndexError):
        ev[10]
    with pytest.raises(dataclasses_FrozenError()):
        ev.clock = None


def dataclasses_FrozenError():
    import dataclasses

    return dataclasses.FrozenInstanceError


def test_from_dates(rut):
    ev = Events.from_dates(["2016-11-14", "2020-11-13"], clock="us_equity_close", prices=rut)
    auto = riskcycle.breakouts(rut, min_gap=250)
    np.testing.assert_allclose(ev.prior_records, auto.prior_records[7:9])
    assert list(ev.sessions_since_record) == list(auto.sessions_since_record[7:9])
    with pytest.raises(ValueError, match="`dates` must be in the index of `prices`; 2016-11-13"):
        Events.from_dates(["2016-11-13"], clock="us_equity_close", prices=rut)
    with pytest.raises(ValueError, match="`dates` must be sorted ascending and unique"):
        Events.from_dates(["2020-11-13", "2016-11-14"], clock="us_equity_close")


def test_plot_marks_every_event(rut):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ev = riskcycle.breakouts(rut, min_gap=250)
    ax = ev.plot(rut).axes[0]
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == len(ev)
    plt.close(ax.figure)


def test_input_not_modified(rut):
    before = rut.copy()
    riskcycle.breakouts(rut, min_gap=250)
    pd.testing.assert_frame_equal(rut, before)


def test_breakouts_errors(rut):
    s = rut["close"]
    with pytest.raises(ValueError, match=r"`method` must be one of \['record', 'rolling'\]"):
        riskcycle.breakouts(rut, method="donchian")
    with pytest.raises(
        ValueError, match="`min_gap` must be a positive integer number of sessions >= 1; got 0"
    ):
        riskcycle.breakouts(rut, min_gap=0)
    with pytest.raises(
        TypeError, match=r"`min_gap` must be a positive integer number of sessions; got 2\.5"
    ):
        riskcycle.breakouts(rut, min_gap=2.5)
    with pytest.raises(ValueError, match="`margin` must be a non-negative fraction"):
        riskcycle.breakouts(rut, margin=-0.01)
    with pytest.raises(ValueError, match="`window` is required for method='rolling'"):
        riskcycle.breakouts(rut, method="rolling")
    with pytest.raises(ValueError, match="`window` applies to method='rolling' only"):
        riskcycle.breakouts(rut, window=20)
    with pytest.raises(ValueError, match="`clock` is required"):
        riskcycle.breakouts(pd.Series(s.to_numpy(), index=s.index))
    with pytest.raises(ValueError, match="`prices` dates must be sorted ascending"):
        riskcycle.breakouts(rut.iloc[::-1])
    with pytest.raises(TypeError, match="`use_high` must be True or False"):
        riskcycle.breakouts(rut, use_high="yes")
    with pytest.raises(ValueError, match="`min_spacing` applies to method='rolling' only"):
        riskcycle.breakouts(rut, min_spacing=10)
    ev = riskcycle.breakouts(rut, min_gap=250)
    with pytest.raises(ValueError, match="`start` could not be parsed as a date; got 'notadate'"):
        ev.between("notadate")


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    cut=st.integers(10, 290),
    method=st.sampled_from(["record", "rolling"]),
    margin=st.sampled_from([0.0, 0.02]),
)
def test_future_values_never_change_past_events(seed, cut, method, margin):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2000-01-03", periods=300)
    x = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.0005, 0.02, 300))), index=idx)
    y = x.copy()
    y.iloc[cut + 1 :] = rng.permutation(y.iloc[cut + 1 :].to_numpy()) * rng.uniform(0.5, 2)
    kw = dict(method=method, margin=margin, clock="us_equity_close")
    kw.update({"min_gap": 10} if method == "record" else {"window": 20})
    a = riskcycle.breakouts(x, **kw).between(end=idx[cut]).to_frame()
    b = riskcycle.breakouts(y, **kw).between(end=idx[cut]).to_frame()
    pd.testing.assert_frame_equal(a, b)
    # scaling prices changes levels but not dates
    c = riskcycle.breakouts(x * 3.7, **kw)
    pd.testing.assert_index_equal(c.dates, riskcycle.breakouts(x, **kw).dates)
