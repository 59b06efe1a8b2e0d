"""Phase dating: the rules against brute-force transcriptions, confirmation dates, results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskcycle.cycles import BullBearResult, bull_bear
from riskcycle.cycles import _dating as D


def _walk(seed: int, n: int, sigma: float = 0.03, freq: str = "D") -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2000-01-03", periods=n, freq=freq)
    return pd.Series(100.0 * np.exp(np.cumsum(rng.normal(0.0, sigma, n))), index=idx)


# ---------------------------------------------------------------------------
# brute-force transcriptions of the definitions
# ---------------------------------------------------------------------------
def lt_brute(x, rise, fall):
    """Lunde-Timmermann, literally: extremes recomputed from slices on every day."""
    out = []
    state, anchor = None, 0
    for t in range(1, len(x)):
        seg = np.asarray(x[anchor : t + 1])
        lo = anchor + int(np.argmin(seg))  # first occurrence
        hi = anchor + int(np.argmax(seg))
        if state in (None, "bear") and x[t] >= (1 + rise) * x[lo]:
            out.append((lo, -1, t))
            state, anchor = "bull", lo
        elif state in (None, "bull") and x[t] <= (1 - fall) * x[hi]:
            out.append((hi, 1, t))
            state, anchor = "bear", hi
    return out


def _alt(tps, x):
    out = []
    for p, k in tps:
        if out and out[-1][1] == k:
            q = out[-1][0]
            if (k == 1 and x[p] > x[q]) or (k == -1 and x[p] < x[q]):
                out[-1] = (p, k)
        else:
            out.append((p, k))
    return out


def ps_brute(x, day, c, window, censor, min_phase, min_cycle, exc):
    """Pagan-Sossounov on the data through position c, written out step by step."""
    n = c + 1
    xs, ds = np.asarray(x[:n]), np.asarray(day[:n])
    cand = []
    for t in range(n):
        w = xs[np.abs(ds - ds[t]) <= window]  # every bar within `window` days, both sides
        is_peak, is_trough = x[t] == w.max(), x[t] == w.min()
        if is_peak and not is_trough:
            cand.append((t, 1))
        elif is_trough and not is_peak:
            cand.append((t, -1))
    tps = _alt(cand, x)
    tps = _alt(
        [(p, k) for p, k in tps if day[p] - day[0] >= censor and day[c] - day[p] >= censor], x
    )
    while tps:
        p, k = tps[0]
        before = xs[:p]
        if p and ((k == 1 and before.max() > x[p]) or (k == -1 and before.min() < x[p])):
            tps = _alt(tps[1:], x)
            continue
        p, k = tps[-1]
        after = xs[p + 1 :]
        if len(after) and ((k == 1 and after.max() > x[p]) or (k == -1 and after.min() < x[p])):
            tps = _alt(tps[:-1], x)
            continue
        break
    found = True
    while found:
        found = False
        for i in range(len(tps) - 2):
            (a, k), (b, _) = tps[i], tps[i + 2]
            if day[b] - day[a] < min_cycle:
                lower_first = x[a] < x[b] if k == 1 else x[a] > x[b]
                drop = a if lower_first else b
                tps = _alt([tp for tp in tps if tp[0] != drop], x)
                found = True
                break
    found = True
    while found:
        found = False
        for i in range(len(tps) - 1):
            a, b = tps[i][0], tps[i + 1][0]
            if day[b] - day[a] < min_phase and abs(x[b] / x[a] - 1) < exc:
                tps = _alt(tps[:i] + tps[i + 2 :], x)
                found = True
                break
    return tps


# ---------------------------------------------------------------------------
# Lunde-Timmermann
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("rise", "fall"), [(0.20, 0.20), (0.20, 0.10), (0.15, 0.10)])
def test_lt_matches_brute_force(seed, rise, fall):
    x = _walk(seed, 1500).to_numpy()
    assert D.lt_turns(x, rise, fall) == lt_brute(x, rise, fall)


@pytest.mark.parametrize("seed", range(4))
def test_lt_turning_points_are_the_extremes_up_to_their_confirmation(seed):
    # the definition: a peak is the highest close from the previous trough to the day the
    # fall reached `fall`, which is the first such day; likewise for troughs
    s = _walk(seed, 2000)
    res = bull_bear(s, rise=0.2, fall=0.1)
    x = s.to_numpy()
    tp = res.turning_points
    pos = s.index.get_indexer(tp["date"])
    conf = s.index.get_indexer(tp["confirmation_date"])
    kinds = tp["kind"].to_numpy()
    assert len(tp) >= 6
    assert (kinds[1:] != kinds[:-1]).all()  # alternation
    for i, (p, k, c) in enumerate(zip(pos, kinds, conf, strict=True)):
        a = pos[i - 1] if i else 0
        seg = x[a : c + 1]
        if k == "peak":
            assert x[p] == seg.max() and p == a + int(np.argmax(seg))
            assert x[c] <= 0.9 * x[p] and (x[p:c] > 0.9 * x[p]).all()
        else:
            assert x[p] == seg.min() and p == a + int(np.argmin(seg))
            assert x[c] >= 1.2 * x[p] and (x[p:c] < 1.2 * x[p]).all()
        assert c > p


def test_lt_20_20_peaks_are_the_maxima_between_troughs():
    # after a peak P the bear's low is at most 0.8 P, from which passing P takes a 25% rise:
    # with rise <= fall / (1 - fall) a trough is dated first, so a peak is the highest close
    # between its troughs. (Troughs need fall <= rise / (1 + rise), 16.7% here: not implied.)
    s = _walk(7, 3000)
    res = bull_bear(s)
    x = s.to_numpy()
    pos = s.index.get_indexer(res.turning_points["date"])
    kinds = res.turning_points["kind"].to_numpy()
    checked = 0
    for i in range(1, len(pos) - 1):
        if kinds[i] == "peak":
            assert x[pos[i]] == x[pos[i - 1] : pos[i + 1] + 1].max()
            checked += 1
    assert checked >= 5


def test_lt_docstring_example_by_hand():
    # 100 -> 130 is +30% (trough at 100 confirmed on day 2), 130 -> 100 is -23%
    # (peak at 130 confirmed on day 4), 90 -> 115 is +28% (trough confirmed on day 6)
    x = pd.Series(
        [100.0, 130, 125, 100, 90, 115, 120], index=pd.date_range("2024-01-01", periods=7)
    )
    res = bull_bear(x)
    assert list(res.turning_points["kind"]) == ["trough", "peak", "trough"]
    assert list(res.turning_points["date"].dt.day) == [1, 2, 5]
    assert list(res.turning_points["confirmation_date"].dt.day) == [2, 4, 6]
    np.testing.assert_array_equal(res.state.to_numpy(), [0, 1, 0, 0, 0, 1, 1])
    np.testing.assert_array_equal(
        res.known_state.to_numpy(), [np.nan, 1, 1, 0, 0, 1, 1]
    )  # known only from each confirmation on


# ---------------------------------------------------------------------------
# Pagan-Sossounov
# ---------------------------------------------------------------------------
_PS_DAYS = dict(window=60.0, censor=45.0, min_phase=30.0, min_cycle=120.0, exc=0.2)


def _ps_rule(s: pd.Series, p=_PS_DAYS) -> D.PSRule:
    day = (s.index.as_unit("ns").asi8 // (86_400 * 10**9)).astype(np.int64)
    return D.PSRule(
        s.to_numpy(),
        day,
        window=p["window"],
        censor=p["censor"],
        min_phase=p["min_phase"],
        min_cycle=p["min_cycle"],
        exception=p["exc"],
    )


@pytest.mark.parametrize("seed", range(8))
def test_ps_matches_brute_force(seed):
    # business days: calendar-day windows over an irregular calendar
    s = _walk(seed, 700, sigma=0.02, freq="B")
    rule = _ps_rule(s)
    day, x = rule.day, rule.x
    for c in (len(s) - 1, 350, 500, 611):
        expected = ps_brute(x, day, c, *_PS_DAYS.values())
        assert rule.run(c) == expected
        if c == len(s) - 1:
            assert len(expected) >= 3  # not vacuous


def test_ps_default_months_match_brute_force():
    s = _walk(11, 1400, sigma=0.03)
    res = bull_bear(s, dating="pagan_sossounov")
    rule = _ps_rule(s, {k: 0 for k in _PS_DAYS})  # only for day numbers and prices
    m = D.DAYS_PER_MONTH
    expected = ps_brute(rule.x, rule.day, len(s) - 1, 8 * m, 6 * m, 4 * m, 16 * m, 0.2)
    got = [
        (s.index.get_loc(d), 1 if k == "peak" else -1)
        for d, k in zip(res.turning_points["date"], res.turning_points["kind"], strict=True)
    ]
    assert got == expected
    assert len(expected) >= 3  # the check is not vacuous


@pytest.mark.parametrize("seed", range(3))
def test_ps_rules_hold_in_the_result(seed):
    s = _walk(seed + 20, 3000, sigma=0.03)
    res = bull_bear(s, dating="pagan_sossounov")
    tp = res.turning_points
    d = tp["date"]
    kinds = tp["kind"].to_numpy()
    assert (kinds[1:] != kinds[:-1]).all()
    m = D.DAYS_PER_MONTH
    assert ((d - s.index[0]).dt.days >= 6 * m).all()
    assert ((s.index[-1] - d).dt.days >= 6 * m).all()
    assert (
        (d.iloc[2:].to_numpy() - d.iloc[:-2].to_numpy()) / np.timedelta64(1, "D") >= 16 * m
    ).all()
    ph = res.to_frame()
    done = ph[~ph["censored_start"] & ~ph["censored_end"]]
    assert ((done["duration_days"] >= 4 * m) | (done["return"].abs() >= 0.2)).all()


def test_ps_confirmation_is_first_date_from_which_every_truncation_lists_it():
    s = _walk(5, 500, sigma=0.03, freq="B")
    rule = _ps_rule(s)
    turns, asof = D.ps_confirmations(rule)
    assert turns
    runs = [ps_brute(rule.x, rule.day, c, *_PS_DAYS.values()) for c in range(len(s))]
    for p, k, c in turns:
        assert all((p, k) in runs[j] for j in range(c, len(s)))
        assert (p, k) not in runs[c - 1]
        assert c >= p
    for c in range(len(s)):
        expected = 0 if not runs[c] else (1 if runs[c][-1][1] == -1 else -1)
        assert asof[c] == expected


# ---------------------------------------------------------------------------
# no look-ahead: perturbing the future moves nothing confirmed before it
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("dating", ["lunde_timmermann", "pagan_sossounov"])
@pytest.mark.parametrize("seed", range(3))
def test_perturbing_the_future_moves_no_confirmed_turning_point(dating, seed):
    s = _walk(seed, 2600)
    cut = 1800
    rng = np.random.default_rng(100 + seed)
    alt = s.copy()
    alt.iloc[cut + 1 :] = s.iloc[cut] * np.exp(np.cumsum(rng.normal(0, 0.05, len(s) - cut - 1)))
    a = bull_bear(s, dating=dating)
    b = bull_bear(alt, dating=dating)
    when = s.index[cut]
    # the phase as known on every day up to the cut is unchanged
    pd.testing.assert_series_equal(a.known_state.iloc[: cut + 1], b.known_state.iloc[: cut + 1])
    ta = a.turning_points[a.turning_points["confirmation_date"] <= when]
    tb = b.turning_points.set_index(["date", "kind"])
    assert len(ta) >= (2 if dating == "lunde_timmermann" else 1)
    for row in ta.itertuples():
        key = (row.date, row.kind)
        if dating == "lunde_timmermann":  # final once confirmed: same date, same confirmation
            assert tb.loc[key, "confirmation_date"] == row.confirmation_date
        elif key in tb.index:
            # Pagan-Sossounov turns can still be revised by later data (dropped, or dropped
            # and listed again, which confirms them later), but never confirmed earlier:
            # the data through the original confirmation are the same
            assert tb.loc[key, "confirmation_date"] >= row.confirmation_date
    assert (a.turning_points["confirmation_date"] >= a.turning_points["date"]).all()


# ---------------------------------------------------------------------------
# bundled data (reference turns: well-known closing extremes of the Russell 2000)
# ---------------------------------------------------------------------------
def test_russell_2000_known_turns(rut):
    res = bull_bear(rut)
    tp = res.turning_points.set_index("date")["kind"]
    # 2009-03-09: the financial-crisis closing low; 2020-03-18: the COVID closing low;
    # 2021-11-08: the closing record 2,442.74 that stood until 2025-09-18 (DESIGN.md)
    assert tp[pd.Timestamp("2009-03-09")] == "trough"
    assert tp[pd.Timestamp("2020-03-18")] == "trough"
    assert tp[pd.Timestamp("2021-11-08")] == "peak"
    np.testing.assert_allclose(rut["close"].loc["2021-11-08"], 2442.74, rtol=1e-6)
    ps = bull_bear(rut, dating="pagan_sossounov").turning_points.set_index("date")["kind"]
    assert ps[pd.Timestamp("2009-03-09")] == "trough"
    assert ps[pd.Timestamp("2021-11-08")] == "peak"


# ---------------------------------------------------------------------------
# result views
# ---------------------------------------------------------------------------
def test_result_views_and_phase_table():
    s = _walk(3, 900)
    s.attrs = {"name": "walk", "units": "USD", "clock": "utc_midnight"}
    res = bull_bear(s)
    assert isinstance(res, BullBearResult)
    assert res.clock == "utc_midnight" and res.name == "walk"
    ph = res.to_frame()
    assert list(ph["phase"].iloc[1:]) != list(ph["phase"].iloc[:-1])  # alternating
    assert ph["censored_start"].iloc[0] and ph["censored_end"].iloc[-1]
    assert (ph["start"].iloc[1:].to_numpy() == ph["end"].iloc[:-1].to_numpy()).all()
    np.testing.assert_allclose(ph["return"], ph["end_price"] / ph["start_price"] - 1, rtol=1e-13)
    assert list(res.troughs) == list(ph.loc[ph["phase"] == "bull", "start"].iloc[1:]) or list(
        res.troughs
    ) == list(ph.loc[ph["phase"] == "bull", "start"])
    assert "Bull and bear phases of walk" in str(res.summary())
    assert "BullBearResult(walk" in repr(res)
    assert res.summary().as_html().startswith("<h3>")
    s.iloc[0] = s.iloc[0]  # caller's object untouched by the call above
    fig = res.plot()
    ax = fig.axes[0]
    assert ax.get_ylabel() == "walk close (USD, log scale)" and ax.get_xlabel() == "date"
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_no_turning_point_gives_empty_tables_and_a_note():
    s = pd.Series(np.linspace(100, 105, 50), index=pd.date_range("2020-01-01", periods=50))
    res = bull_bear(s)
    assert res.turning_points.empty and res.phases.empty
    assert res.known_state.isna().all()
    assert any("No turning point" in n for n in res.notes)


def test_caller_series_not_mutated():
    s = _walk(1, 300)
    before = s.copy()
    bull_bear(s, dating="pagan_sossounov", window=2, censor=1, min_phase=1, min_cycle=4)
    pd.testing.assert_series_equal(s, before)


# ---------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"dating": "bry_boschan"}, ValueError, r"`dating` must be one of \['lunde_timmermann'"),
        ({"dating": 1}, TypeError, "`dating` must be one of"),
        ({"rise": 0.0}, ValueError, r"`rise` must be a positive fraction in \(0, inf\)"),
        ({"rise": "20%"}, TypeError, "`rise` must be a positive fraction"),
        ({"fall": 1.0}, ValueError, r"`fall` must be a fraction in \(0, 1\)"),
        ({"window": 0}, ValueError, r"`window` must be a number of months in \(0, inf\)"),
        ({"censor": -1}, ValueError, "`censor` must be a non-negative number of months"),
        ({"min_phase": -1}, ValueError, "`min_phase` must be a non-negative number of months"),
        ({"min_cycle": None}, TypeError, "`min_cycle` must be a non-negative number of months"),
        ({"phase_exception": -0.1}, ValueError, "`phase_exception` must be a non-negative"),
        ({"clock": "lunar"}, ValueError, "`clock` must be a SessionClock or one of"),
    ],
)
def test_bull_bear_input_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        bull_bear(_walk(0, 50), **kwargs)


def test_bull_bear_prices_validation():
    with pytest.raises(TypeError, match="`prices` must be a pandas Series or DataFrame"):
        bull_bear([1.0, 2.0, 3.0])
    bad = _walk(0, 10)
    bad.iloc[3] = -1.0
    with pytest.raises(ValueError, match="`prices` prices must be positive"):
        bull_bear(bad)


@pytest.mark.parametrize("dating", ["lunde_timmermann", "pagan_sossounov"])
def test_scaling_prices_changes_no_date(dating):
    # the rules compare price ratios and extremes: a change of units moves nothing
    s = _walk(9, 1200)
    a = bull_bear(s, dating=dating).turning_points
    b = bull_bear(s * 1234.5, dating=dating).turning_points
    pd.testing.assert_frame_equal(a.drop(columns="price"), b.drop(columns="price"))
    np.testing.assert_allclose(b["price"], a["price"] * 1234.5, rtol=1e-12)
