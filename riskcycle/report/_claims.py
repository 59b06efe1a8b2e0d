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

__all__ = ["Claim", "claims_frame", "data_claims", "display_name"]

#: The commentary's date (its data end on the previous close).
COMMENTARY_DATE = pd.Timestamp("2026-01-22")


_DISPLAY = {
    "rut": "Russell 2000",
    "spx": "S&P 500",
    "ndx": "Nasdaq-100",
    "iwm": "IWM",
    "btc": "BTC",
    "btc_long": "BTC",
    "btc_ohlcv": "BTC",
    "btc_coinmetrics": "BTC",
    "eth": "ETH",
}


def display_name(frame: pd.DataFrame, default: str) -> str:
    """A reader's name for a bundled series ("Russell 2000" for ``rut``), else its own name."""
    name = (getattr(frame, "attrs", {}) or {}).get("name", default)
    return _DISPLAY.get(name, name)


@dataclass(frozen=True, slots=True)
class Claim:
    claim: str
    stated: str
    measured: str
    rule: str
    verdict: str
    numbers: dict


def claims_frame(claims: list[Claim]) -> pd.DataFrame:
    return pd.DataFrame(
        {
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
    out: list[Claim] = []

    # 1. 2016 and 2020 breakouts, followed by BTC bull markets
    r365 = event_returns.loc[event_returns["horizon"] == 365].set_index("event_date")
    years = {2016, 2020}
    ev = [d for d in events_dates if d.year in years]
    mult = {
        d.strftime("%Y-%m-%d"): 1 + float(r365.loc[d, "return"]) for d in ev if d in r365.index
    }
    ok_events = {d.year for d in ev} == years
    bull = all(m - 1 > bull_threshold for m in mult.values()) and len(mult) == 2
    out.append(
        Claim(
            claim="The Russell 2000 broke out to new all-time highs in 2016 and 2020, and BTC "
            "started a bull market after each",
            stated="bull market after both",
            measured="; ".join(f"{k}: BTC x{v:.2f} after 365 days" for k, v in mult.items()),
            rule=f"breakout events exist in both years and BTC's 365-day return > "
            f"+{bull_threshold:.0%} after each",
            verdict="consistent" if (ok_events and bull) else "not supported",
            numbers={"events": [d.strftime("%Y-%m-%d") for d in ev], "btc_multiple_365d": mult},
        )
    )

    # 2. Breakout again in Sep 2025
    sep25 = [d for d in events_dates if d.year == 2025 and d.month == 9]
    out.append(
        Claim(
            claim="The Russell 2000 broke out again in September 2025",
            stated="breakout in Sep 2025",
            measured=(
                f"first close above the 2021 record on {sep25[0]:%Y-%m-%d} "
                f"({lc.loc[sep25[0]]:,.2f})"
            )
            if sep25
            else "no breakout event in Sep 2025",
            rule="a breakout event (same definition) dated in September 2025",
            verdict="consistent" if sep25 else "not supported",
            numbers={"event": sep25[0].strftime("%Y-%m-%d") if sep25 else None},
        )
    )

    # 3. +9% in the first three weeks of 2026, past 2,700
    d0, p0 = _close_on_or_before(lc, "2025-12-31")
    d1, p1 = _close_on_or_before(lc, as_of)
    ret = p1 / p0 - 1
    jan = lc.loc["2026-01-01":as_of]
    above = jan[jan > 2700]
    first_above = above.index[0] if len(above) else None
    tol = 0.015
    v1 = _about(ret, 0.09, tol)
    out.append(
        Claim(
            claim="The Russell 2000 rose about 9% in the first three weeks of 2026 and passed "
            "2,700",
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
    )

    # 4. Over 40% in 2025
    y = lc.loc["2025-01-01":"2025-12-31"]
    _, prev = _close_on_or_before(lc, "2024-12-31")
    cal_ret = float(y.iloc[-1] / prev - 1)
    low_d = y.idxmin()
    after_low = y.loc[low_d:]
    high_d = after_low.idxmax()
    low_high = float(after_low.max() / y.min() - 1)
    out.append(
        Claim(
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
    )

    # 5. BTC about +50% from the April 2024 halving (~63k) to ~90k
    halving = HALVINGS["timestamp"].iloc[-1]
    hd, hp = _close_on_or_before(
        fc, (halving - pd.Timedelta(days=1)).tz_localize(None).normalize()
    )
    ad, ap = _close_on_or_before(fc, as_of)
    bret = ap / hp - 1
    out.append(
        Claim(
            claim="BTC rose about 50% from the April 2024 halving (about 63k) to about 90k",
            stated="+50% (63k to 90k)",
            measured=f"{bret:+.1%} ({hd:%Y-%m-%d} close {hp:,.0f} to {ad:%Y-%m-%d} close "
            f"{ap:,.0f})",
            rule="|measured - 50%| <= 7.5% (the claim's 63k -> 90k is itself +43%)",
            verdict=_about(bret, 0.50, 0.075),
            numbers={"return": bret, "halving_close": hp, "as_of_close": ap},
        )
    )

    # 6. Issuance 1.7% -> 0.85%, about 94% mined
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
    out.append(
        Claim(
            claim="Issuance fell from about 1.7% to about 0.85% a year at the April 2024 halving; "
            "about 94% of all coins are mined",
            stated="1.7% -> 0.85%; 94%",
            measured=f"{before:.2%} -> {after:.2%}; {mined:.1%} of 21M",
            rule="within 0.1 pp, 0.05 pp and 1 pp (the protocol's issuance rule, "
            "riskcycle.btc_supply)",
            verdict="consistent" if ok else "not supported",
            numbers={"issuance_before": before, "issuance_after": after, "share_mined": mined},
        )
    )

    # Out of sample: did BTC follow the September 2025 breakout?
    if sep25:
        e = sep25[0]
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
        out.append(
            Claim(
                claim="So crypto will follow the 2025 breakout (out of sample, after the "
                "commentary)",
                stated="BTC bull market after the Sep 2025 breakout",
                measured=measured,
                rule=f"BTC's return since the event's day 0 > +{bull_threshold:.0%}",
                verdict="consistent so far"
                if verdict_ret > bull_threshold
                else "not followed (so far)",
                numbers={
                    "event": e,
                    "complete": complete,
                    "return": verdict_ret,
                    "last_date": last_d,
                },
            )
        )
    return out
