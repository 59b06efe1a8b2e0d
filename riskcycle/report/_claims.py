"""The commentary's claims, each checked against the data with a computed verdict.

Every verdict is produced by a stated rule applied to measured numbers; no
conclusion is written by hand. Tolerances for "about x" follow the precision
with which the claim was stated and are shown next to the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import HALVINGS, btc_supply

__all__ = [
    "CLAIM_ORDER",
    "Claim",
    "claims_frame",
    "data_claims",
    "display_name",
    "untestable_claim",
    "verdict_class",
]

#: The commentary's date (its data end on the previous close).
COMMENTARY_DATE = pd.Timestamp("2026-01-22")


_DISPLAY = {
    "rut": "Russell 2000",
    "spx": "S&P 500",
    "ndx": "Nasdaq-100",
    "iwm": "IWM",
    "btc": "Bitcoin",
    "btc_long": "Bitcoin",
    "btc_ohlcv": "Bitcoin",
    "btc_coinmetrics": "Bitcoin",
    "eth": "Ether",
    "dgs10": "10-year Treasury yield",
    "effr": "Fed funds rate",
}

#: Where each bundled series comes from, in a reader's words (settings table).
_HISTORY = {
    "btc": "Bitcoin, Yahoo Finance closes from 2014-09-17",
    "btc_long": "Bitcoin, Coin Metrics 2010-07-18 to 2014-09-16, then Yahoo Finance",
    "btc_coinmetrics": "Bitcoin, Coin Metrics reference rate 2010-2019",
    "btc_ohlcv": "Bitcoin, Yahoo Finance daily OHLCV",
}

#: The commentary's claims in its order (rows of the claims table); 5 is split in three
#: (the return, the prices it is stated with, the earlier cycles), and the report adds two
#: rows ("+"): the September 2025 breakout and what followed it.
CLAIM_ORDER = (
    "1",
    "2",
    "3",
    "4",
    "5a",
    "5b",
    "5c",
    "6",
    "7",
    "8",
    "9",
    "10",
    "11",
    "12",
    "13",
    "14",
    "+a",
    "+b",
)


def verdict_class(text: str) -> str:
    """Colour class of a verdict in the HTML: ``good``, ``weak``, ``bad`` or ``none``."""
    t = str(text).lower().strip()
    if t.startswith(("cannot be tested", "not computed")):
        return "none"
    if t.startswith(("not ", "no ", "no:", "overstated", "understated")):
        return "bad"
    if t.startswith(("partly", "only", "fragile", "mixed")) or "so far" in t or "mixes" in t:
        return "weak"
    if t.startswith(("consistent", "supported", "confirmed", "yes")):
        return "good"
    return "none"


def series_label(frame: pd.DataFrame, default: str) -> str:
    """The reader's name and, for bundled series, the registry name and history."""
    name = (getattr(frame, "attrs", {}) or {}).get("name", default)
    shown = _DISPLAY.get(name, name)
    if name in _HISTORY:
        return f"{shown} ({name}: {_HISTORY[name].split(', ', 1)[1]})"
    return shown if shown == name else f"{shown} ({name})"


def display_name(frame: pd.DataFrame, default: str) -> str:
    """A reader's name for a bundled series ("Russell 2000" for ``rut``), else its own name."""
    name = (getattr(frame, "attrs", {}) or {}).get("name", default)
    return _DISPLAY.get(name, name)


@dataclass(frozen=True, slots=True)
class Claim:
    """One row of the claims table: the claim, what was measured, the rule, the verdict."""

    claim: str
    stated: str
    measured: str
    rule: str
    verdict: str
    numbers: dict
    number: str = ""


def untestable_claim(number: str, claim: str, stated: str, needs: str) -> Claim:
    """A row for a claim the bundled data cannot settle, saying which data would."""
    return Claim(
        claim=claim,
        stated=stated,
        measured="not in the bundled data",
        rule=f"would need {needs}",
        verdict=f"cannot be tested with the bundled data; would need {needs}",
        numbers={},
        number=number,
    )


def claims_frame(claims: list[Claim]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "#": [c.number for c in claims],
            "claim": [c.claim for c in claims],
            "stated": [c.stated for c in claims],
            "measured": [c.measured for c in claims],
            "rule": [c.rule for c in claims],
            "verdict": [c.verdict for c in claims],
        }
    )


def _about(measured: float, stated: float, tol: float) -> str:
    if abs(measured - stated) <= tol:
        return "consistent"
    return "overstated" if stated > measured else "understated"


def _close_on_or_before(s: pd.Series, date: Any) -> tuple[pd.Timestamp, float]:
    sub = s.loc[: pd.Timestamp(date)]
    return sub.index[-1], float(sub.iloc[-1])


def _days(n: int) -> pd.Timedelta:
    return pd.Timedelta(days=n)


def _halving_days() -> pd.DatetimeIndex:
    """Halving dates as UTC calendar days (the daily bar that closes after the block)."""
    return pd.DatetimeIndex(HALVINGS["timestamp"].dt.tz_localize(None).dt.normalize())


def _claim_sideways(lead: pd.DataFrame, fc: pd.Series, as_of: pd.Timestamp) -> list[Claim]:
    """Claims 2 (sideways since the end-2021 high, intraday break in Nov 2024, price
    discovery) and 4 (BTC already near 100k then)."""
    m = _sideways_measures(lead, as_of)
    c2 = _claim_2(m, as_of) if "high" in lead else _claim_2_untestable()
    return [c2, _claim_4(fc, m["first_intraday"], as_of)]


def _sideways_measures(lead: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, Any]:
    """The leader's 2021 record, where it traded until the first break, and its last
    new closing high (claim 2's measurements)."""
    lc = lead["close"].loc[:as_of]
    end21 = pd.Timestamp("2021-12-31")
    rec_close = float(lc.loc[:end21].max())
    rec_close_d = lc.loc[:end21].idxmax()
    hi = lead["high"].loc[:as_of] if "high" in lead else lc
    rec_high = float(hi.loc[:end21].max())
    later = hi.loc[end21 + _days(1) :]
    above = later[later > rec_high]
    first_intraday = above.index[0] if len(above) else None
    closes_above = lc.loc[end21 + _days(1) :][lc.loc[end21 + _days(1) :] > rec_close]
    first_close = closes_above.index[0] if len(closes_above) else None
    stop = first_intraday if first_intraday is not None else as_of
    between = lc.loc[end21 + _days(1) : stop - _days(1)]
    low_rel = float(between.min() / rec_close - 1) if len(between) else np.nan
    high_rel = float(between.max() / rec_close - 1) if len(between) else np.nan
    # price discovery: a new all-time closing high within the 20 sessions up to as_of
    running = lc.cummax().shift(1)
    new_highs = lc[lc > running]
    recent = lc.index[-20:]
    last_new_high = new_highs.index[-1] if len(new_highs) else None
    return {
        "rec_close": rec_close,
        "rec_close_d": rec_close_d,
        "rec_high": rec_high,
        "first_intraday": first_intraday,
        "first_close": first_close,
        "low_rel": low_rel,
        "high_rel": high_rel,
        "last_new_high": last_new_high,
        "discovery": last_new_high is not None and last_new_high >= recent[0],
    }


def _claim_2_untestable() -> Claim:
    return untestable_claim(
        "2",
        "The Russell 2000 went sideways since its end-2021 high, first broke above it in "
        "November 2024 (intraday) and is now in price discovery",
        "sideways, intraday break Nov 2024, price discovery",
        "daily highs of the leader",
    )


def _claim_2(m: dict[str, Any], as_of: pd.Timestamp) -> Claim:
    """Claim 2 from the measurements of :func:`_sideways_measures`."""
    first_intraday, first_close = m["first_intraday"], m["first_close"]
    last_new_high, high_rel = m["last_new_high"], m["high_rel"]
    sideways = np.isfinite(high_rel) and high_rel < 0.0
    nov24 = first_intraday is not None and (first_intraday.year, first_intraday.month) == (
        2024,
        11,
    )
    fails = [
        txt
        for ok, txt in (
            (sideways, "a close above the 2021 record before the intraday break"),
            (nov24, "the first intraday break is not in November 2024"),
            (m["discovery"], "no new closing high in the last 20 sessions"),
        )
        if not ok
    ]
    return Claim(
        number="2",
        claim="The Russell 2000 went sideways since its end-2021 high, first broke above it "
        "in November 2024 (intraday) and is now in price discovery",
        stated="sideways 2022-2024; intraday break Nov 2024; price discovery",
        measured=(
            f"2021 record close {m['rec_close']:,.2f} ({m['rec_close_d']:%Y-%m-%d}), intraday "
            f"{m['rec_high']:,.2f}; closes from 2022 to the break ranged {m['low_rel']:+.1%} to "
            f"{high_rel:+.1%} of the record; first intraday high above it "
            + (f"{first_intraday:%Y-%m-%d}" if first_intraday is not None else "never")
            + "; first close above it "
            + (f"{first_close:%Y-%m-%d}" if first_close is not None else "never")
            + "; last new closing high "
            + (f"{last_new_high:%Y-%m-%d}" if last_new_high is not None else "none")
        ),
        rule="no close above the 2021 record between 2022 and the first intraday break; "
        "that break in November 2024; a new all-time closing high within the 20 sessions "
        f"up to {as_of:%Y-%m-%d}",
        verdict="consistent" if not fails else "not supported (" + "; ".join(fails) + ")",
        numbers={
            "record_close": m["rec_close"],
            "record_high": m["rec_high"],
            "first_intraday_break": first_intraday,
            "first_close_break": first_close,
            "low_relative_to_record": m["low_rel"],
            "high_relative_to_record": high_rel,
            "last_new_closing_high": last_new_high,
        },
    )


def _claim_4(fc: pd.Series, first_intraday: pd.Timestamp | None, as_of: pd.Timestamp) -> Claim:
    """Claim 4: BTC near 100k at the November 2024 break."""
    if first_intraday is None:
        return Claim(
            number="4",
            claim="In November 2024, when the Russell 2000 first passed its 2021 high, BTC "
            "was already near 100k",
            stated="BTC about 100k",
            measured="no intraday break of the 2021 high in the data",
            rule="BTC close on the day of the break within 10% of 100,000",
            verdict="not supported (no break)",
            numbers={},
        )
    d0, p0 = _close_on_or_before(fc, first_intraday)
    d1, p1 = _close_on_or_before(fc, first_intraday + _days(365))
    known = first_intraday + _days(365) <= as_of
    rel = p0 / 100_000 - 1
    r365 = p1 / p0 - 1
    return Claim(
        number="4",
        claim="In November 2024, when the Russell 2000 first passed its 2021 high, BTC was "
        "already near 100k",
        stated="BTC about 100k",
        measured=f"BTC close {p0:,.0f} on {d0:%Y-%m-%d} ({rel:+.1%} from 100k); 365 days "
        f"later {p1:,.0f} on {d1:%Y-%m-%d} ({r365:+.1%}"
        + (f", known by {as_of:%Y-%m-%d})" if known else ", after the commentary)"),
        rule="BTC close on the day of the intraday break within 10% of 100,000",
        verdict="consistent" if abs(rel) <= 0.10 else "not supported",
        numbers={
            "break_date": first_intraday,
            "btc_close": p0,
            "relative_to_100k": rel,
            "btc_return_365d": r365,
            "known_by_as_of": known,
        },
    )


def _claim_cycles(fc: pd.Series, as_of: pd.Timestamp) -> Claim:
    """Claim 5c: about 5x and 27x in the two previous halving cycles."""
    halvings = _halving_days()
    elapsed = int((as_of - halvings[-1]).days)
    rows = []
    for i, h in enumerate(halvings[:-1]):
        if fc.index[0] > h - _days(1):
            continue  # the follower's data start after this halving
        _, hp = _close_on_or_before(fc, h - _days(1))
        cyc = fc.loc[h : halvings[i + 1] - _days(1)]
        _, same = _close_on_or_before(fc, h + _days(elapsed))
        rows.append(
            {
                "halving": h,
                "same_elapsed": same / hp,
                "cycle_peak": float(cyc.max() / hp),
                "peak_date": cyc.idxmax(),
            }
        )
    if len(rows) < 2:
        return untestable_claim(
            "5c",
            "In the two previous cycles BTC rose about 5x and 27x",
            "5x and 27x",
            "Bitcoin prices from before the 2016 halving (the bundled btc_long)",
        )
    prev = rows[-2:]  # the two previous cycles, older first
    tol = 0.25
    stated = {"27x": 27.0, "5x": 5.0}
    match = {}
    for (label, value), r in zip(stated.items(), prev, strict=True):
        match[label] = [m for m in ("same_elapsed", "cycle_peak") if abs(r[m] / value - 1) <= tol]
    if any(not v for v in match.values()):
        verdict = "not supported (" + ", ".join(k for k, v in match.items() if not v) + ")"
    elif len(set.intersection(*(set(v) for v in match.values()))):
        verdict = "consistent"
    else:
        verdict = "partly consistent (mixes measures)"
    words = {"same_elapsed": f"after {elapsed} days", "cycle_peak": "at the cycle's peak"}
    return Claim(
        number="5c",
        claim="In the two previous cycles BTC rose about 5x and 27x",
        stated="5x (2020 cycle) and 27x (2016 cycle)",
        measured="; ".join(
            f"{r['halving']:%Y} halving: x{r['same_elapsed']:.1f} after {elapsed} days (as "
            f"long as since the 2024 halving), x{r['cycle_peak']:.1f} at the cycle's peak "
            f"({r['peak_date']:%Y-%m-%d})"
            for r in prev
        )
        + "; matches: "
        + "; ".join(
            f"{k} {' and '.join(words[m] for m in v) if v else 'none'}" for k, v in match.items()
        ),
        rule=f"each stated multiple within {tol:.0%} of the same measure (the multiple "
        f"{elapsed} days after the halving, or at the cycle's peak) for its cycle",
        verdict=verdict,
        numbers={"elapsed_days": elapsed, "cycles": rows, "matches": match},
    )


def _claim_record_before_halving(fc: pd.Series) -> Claim:
    """Claim 8: March 2024, first record before a halving."""
    if fc.index[0] > _halving_days()[0] - _days(365):
        return untestable_claim(
            "8",
            "In March 2024 BTC passed its previous record before the halving, for the first "
            "time in its history",
            "record broken before the halving, first time",
            "Bitcoin prices from before the first halving (the bundled btc_long)",
        )
    rows = []
    for h in _halving_days():
        year = fc.loc[h - _days(365) : h]
        if len(year) == 0 or fc.index[0] > h - _days(365):
            continue
        low_d = year.idxmin()
        record = float(fc.loc[:low_d].max())
        after = fc.loc[low_d:]
        above = after[after > record]
        first = above.index[0] if len(above) else None
        rows.append({"halving": h, "record": record, "first_above": first})
    last = rows[-1]
    earlier = rows[:-1]
    before_last = last["first_above"] is not None and last["first_above"] < last["halving"]
    in_march = before_last and (last["first_above"].year, last["first_above"].month) == (2024, 3)
    earlier_after = all(
        r["first_above"] is None or r["first_above"] >= r["halving"] for r in earlier
    )
    ok = before_last and in_march and earlier_after
    return Claim(
        number="8",
        claim="In March 2024 BTC passed its previous record before the halving, for the first "
        "time in its history",
        stated="record broken before the halving, first time",
        measured="; ".join(
            f"{r['halving']:%Y-%m-%d} halving: record {r['record']:,.2f} first passed "
            + (f"{r['first_above']:%Y-%m-%d}" if r["first_above"] is not None else "never")
            + (
                " (before)"
                if r["first_above"] is not None and r["first_above"] < r["halving"]
                else " (after)"
            )
            for r in rows
        ),
        rule="the record is the all-time closing high as of the lowest close of the year before "
        "each halving; the 2024 halving's record first passed in March 2024, before it, and "
        "every earlier one after its halving",
        verdict="consistent" if ok else "not supported",
        numbers={"halvings": rows},
    )


def data_claims(
    leader: pd.DataFrame,
    follower: pd.DataFrame,
    events_dates: pd.DatetimeIndex,
    event_returns: pd.DataFrame,
    *,
    as_of: pd.Timestamp = COMMENTARY_DATE,
    bull_threshold: float = 0.20,
) -> list[Claim]:
    """Claims that the price data alone settle.

    Parameters
    ----------
    leader, follower : DataFrame
        Full bundled histories (Russell 2000, BTC).
    events_dates : DatetimeIndex
        Breakout dates detected on the full leader history.
    event_returns : DataFrame
        Event-study long table (``event_date``, ``horizon``, ``return``, ``complete``).
    as_of : Timestamp
        The commentary's date.
    bull_threshold : float
        A "bull market" after an event: the follower's 365-day return exceeds this
        (+20%, the usual definition of a bull market from a low).
    """
    lc = leader["close"]
    fc = follower["close"]
    r365 = event_returns.loc[event_returns["horizon"] == 365].set_index("event_date")
    sep25 = [d for d in events_dates if d.year == 2025 and d.month == 9]
    out = [
        _claim_2016_2020(events_dates, r365, bull_threshold),
        _claim_sep25(lc, sep25),
        *_claim_sideways(leader, fc, as_of),
        _claim_2026_start(lc, as_of),
        _claim_2025(lc),
        *_claims_halving_return(fc, as_of),
        _claim_cycles(fc, as_of),
        _claim_issuance(),
        _claim_record_before_halving(fc.loc[:as_of]),
        untestable_claim(
            "12",
            "Small-cap ETFs saw about $20bn of outflows in 2025; about 40% of Russell 2000 "
            "companies reported losses in Q3 2025",
            "$20bn outflows; 40% loss-makers",
            "ETF fund-flow data (shares outstanding or issuers' flow reports) and the Russell "
            "2000 constituents' Q3 2025 earnings",
        ),
    ]
    if sep25:
        out.append(_claim_follow_up(fc, r365, sep25[0], bull_threshold))
    return out


def _claim_2016_2020(
    events_dates: pd.DatetimeIndex, r365: pd.DataFrame, bull_threshold: float
) -> Claim:
    """Claim 3: the 2016 and 2020 breakouts, followed by BTC bull markets."""
    years = {2016, 2020}
    ev = [d for d in events_dates if d.year in years]
    mult = {
        d.strftime("%Y-%m-%d"): 1 + float(r365.loc[d, "return"]) for d in ev if d in r365.index
    }
    ok_events = {d.year for d in ev} == years
    bull = all(m - 1 > bull_threshold for m in mult.values()) and len(mult) == 2
    return Claim(
        number="3",
        claim="In 2016 and 2020 the Russell 2000's breakouts were followed by BTC bull "
        "markets (two hits out of two)",
        stated="bull market after both",
        measured="; ".join(f"{k}: BTC x{v:.2f} after 365 days" for k, v in mult.items()),
        rule=f"breakout events exist in both years and BTC's 365-day return > "
        f"+{bull_threshold:.0%} after each",
        verdict="consistent" if (ok_events and bull) else "not supported",
        numbers={"events": [d.strftime("%Y-%m-%d") for d in ev], "btc_multiple_365d": mult},
    )


def _claim_sep25(lc: pd.Series, sep25: list[pd.Timestamp]) -> Claim:
    """Claim +a: the leader broke out again in September 2025."""
    return Claim(
        number="+a",
        claim="The Russell 2000 broke out again in September 2025",
        stated="breakout in Sep 2025",
        measured=(
            f"first close above the 2021 record on {sep25[0]:%Y-%m-%d} ({lc.loc[sep25[0]]:,.2f})"
        )
        if sep25
        else "no breakout event in Sep 2025",
        rule="a breakout event (same definition) dated in September 2025",
        verdict="consistent" if sep25 else "not supported",
        numbers={"event": sep25[0].strftime("%Y-%m-%d") if sep25 else None},
    )


def _claim_2026_start(lc: pd.Series, as_of: pd.Timestamp) -> Claim:
    """Claim 1: +9% in the first three weeks of 2026, past 2,700."""
    d0, p0 = _close_on_or_before(lc, "2025-12-31")
    d1, p1 = _close_on_or_before(lc, as_of)
    ret = p1 / p0 - 1
    jan = lc.loc["2026-01-01":as_of]
    above = jan[jan > 2700]
    first_above = above.index[0] if len(above) else None
    tol = 0.015
    v1 = _about(ret, 0.09, tol)
    return Claim(
        number="1",
        claim="The Russell 2000 rose about 9% in the first three weeks of 2026 and passed 2,700",
        stated="+9%, above 2,700",
        measured=f"{ret:+.1%} ({d0:%Y-%m-%d} {p0:,.2f} to {d1:%Y-%m-%d} {p1:,.2f}); "
        + (
            f"first close above 2,700 on {first_above:%Y-%m-%d}"
            if first_above is not None
            else "no close above 2,700"
        ),
        rule=f"|measured - 9%| <= {tol:.1%} and a close above 2,700 by {as_of:%Y-%m-%d}",
        verdict="consistent"
        if (v1 == "consistent" and first_above is not None)
        else ("not supported" if first_above is None else v1),
        numbers={
            "return": ret,
            "start_close": p0,
            "end_close": p1,
            "first_close_above_2700": first_above,
        },
    )


def _claim_2025(lc: pd.Series) -> Claim:
    """Claim 11: over 40% in 2025."""
    y = lc.loc["2025-01-01":"2025-12-31"]
    _, prev = _close_on_or_before(lc, "2024-12-31")
    cal_ret = float(y.iloc[-1] / prev - 1)
    low_d = y.idxmin()
    after_low = y.loc[low_d:]
    high_d = after_low.idxmax()
    low_high = float(after_low.max() / y.min() - 1)
    return Claim(
        number="11",
        claim="The Russell 2000 rose over 40% in 2025",
        stated="> +40%",
        measured=f"calendar year {cal_ret:+.1%}; from the {low_d:%Y-%m-%d} low to the "
        f"{high_d:%Y-%m-%d} high {low_high:+.1%}",
        rule="calendar-year return > 40% (and, separately, low-to-high within 2025)",
        verdict="consistent"
        if cal_ret > 0.40
        else ("only from the April low" if low_high > 0.40 else "not supported"),
        numbers={
            "calendar_year_return": cal_ret,
            "low_to_high_return": low_high,
            "low_date": low_d,
            "high_date": high_d,
        },
    )


def _claims_halving_return(fc: pd.Series, as_of: pd.Timestamp) -> list[Claim]:
    """Claims 5a (BTC about +50% since the April 2024 halving) and 5b (the prices it is
    stated with)."""
    halving = HALVINGS["timestamp"].iloc[-1]
    hd, hp = _close_on_or_before(
        fc, (halving - pd.Timedelta(days=1)).tz_localize(None).normalize()
    )
    ad, ap = _close_on_or_before(fc, as_of)
    bret = ap / hp - 1
    c5a = Claim(
        number="5a",
        claim="BTC rose about 50% from the April 2024 halving (about 63k) to about 90k",
        stated="+50% (63k to 90k)",
        measured=f"{bret:+.1%} ({hd:%Y-%m-%d} close {hp:,.0f} to {ad:%Y-%m-%d} close {ap:,.0f})",
        rule="|measured - 50%| <= 7.5% (the claim's 63k -> 90k is itself +43%)",
        verdict=_about(bret, 0.50, 0.075),
        numbers={"return": bret, "halving_close": hp, "as_of_close": ap},
    )

    # 5b. the prices the claim is stated with, judged on their own
    tol_p = 0.05
    r63, r90 = hp / 63_000 - 1, ap / 90_000 - 1
    c5b = Claim(
        number="5b",
        claim="BTC was about 63k at the April 2024 halving and about 90k at the commentary",
        stated="63k and 90k (itself +43%)",
        measured=f"{hd:%Y-%m-%d} close {hp:,.0f} ({r63:+.1%} from 63k); {ad:%Y-%m-%d} close "
        f"{ap:,.0f} ({r90:+.1%} from 90k)",
        rule=f"each price within {tol_p:.0%} of the stated one (judged on the prices, not "
        "on the rounded percentage)",
        verdict="consistent" if max(abs(r63), abs(r90)) <= tol_p else "not supported",
        numbers={"halving_close": hp, "as_of_close": ap, "rel_63k": r63, "rel_90k": r90},
    )
    return [c5a, c5b]


def _claim_issuance() -> Claim:
    """Claim 7: issuance 1.7% -> 0.85% at the April 2024 halving, about 94% mined."""
    halving = HALVINGS["timestamp"].iloc[-1]
    sup = btc_supply(
        [
            halving.tz_localize(None).normalize() - pd.Timedelta(days=2),
            halving.tz_localize(None).normalize() + pd.Timedelta(days=1),
        ]
    )
    before, after = sup["issuance_rate"].to_numpy()
    mined = float(sup["supply"].iloc[1] / 21e6)
    ok = (
        abs(before - 0.017) <= 0.001
        and abs(after - 0.0085) <= 0.0005
        and abs(mined - 0.94) <= 0.01
    )
    return Claim(
        number="7",
        claim="Issuance fell from about 1.7% to about 0.85% a year at the April 2024 halving; "
        "about 94% of all coins are mined",
        stated="1.7% -> 0.85%; 94%",
        measured=f"{before:.2%} -> {after:.2%}; {mined:.1%} of 21M",
        rule="within 0.1 pp, 0.05 pp and 1 pp (the protocol's issuance rule, "
        "riskcycle.btc_supply)",
        verdict="consistent" if ok else "not supported",
        numbers={"issuance_before": before, "issuance_after": after, "share_mined": mined},
    )


def _claim_follow_up(
    fc: pd.Series, r365: pd.DataFrame, e: pd.Timestamp, bull_threshold: float
) -> Claim:
    """Claim +b, out of sample: did BTC follow the September 2025 breakout?"""
    row = r365.loc[e] if e in r365.index else None
    last_d = fc.index[-1]
    complete = bool(row["complete"]) if row is not None else False
    m = 1 + float(row["return"]) if (row is not None and complete) else np.nan
    to_date = float(row["return_to_date"]) if row is not None else np.nan
    measured = (
        f"BTC x{m:.2f} after 365 days"
        if complete
        else f"window incomplete: BTC {to_date:+.1%} from day 0 to {last_d:%Y-%m-%d}"
    )
    verdict_ret = m - 1 if complete else to_date
    return Claim(
        number="+b",
        claim="So crypto will follow the 2025 breakout (out of sample, after the commentary)",
        stated="BTC bull market after the Sep 2025 breakout",
        measured=measured,
        rule=f"BTC's return since the event's day 0 > +{bull_threshold:.0%}",
        verdict="consistent so far" if verdict_ret > bull_threshold else "not followed (so far)",
        numbers={
            "event": e,
            "complete": complete,
            "return": verdict_ret,
            "last_date": last_d,
        },
    )
