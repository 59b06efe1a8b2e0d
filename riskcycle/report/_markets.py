"""Claims about markets other than the leader/follower pair: the risk curve and correlations.

Both use :func:`riskcycle.lead_lag` on weekly returns of the bundled series (each
leader close paired with the first follower bar closing after it, so a positive lag
never uses the future).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._claims import Claim, display_name

__all__ = ["market_claims"]


def _ccf0(res: Any, era: str) -> float:
    c = res.ccf
    row = c.loc[(c["era"] == era) & (c["lag"] == 0)]
    return float(row["ccf"].iloc[0]) if len(row) else np.nan


def _test(res: Any, era: str, test: str) -> float:
    t = res.tests
    row = t.loc[(t["era"] == era) & (t["test"] == test)]
    return float(row["pvalue"].iloc[0]) if len(row) else np.nan


def market_claims(
    col, btc: pd.DataFrame, *, alpha: float, n_resamples: int, rng
) -> tuple[list[Claim], dict[str, Any], pd.DataFrame, list[str]]:
    """Claims 9 (risk-curve order) and 10 (BTC most correlated with small caps).

    Returns the claims, their numbers, a table for the report and the bundled series used.
    """
    from .. import datasets, lead_lag

    names = ("dgs10", "spx", "rut", "ndx")
    data = {n: datasets.load(n) for n in names}
    data["btc"] = btc
    streams = rng.spawn(5)
    n_res = max(99, min(n_resamples, 499))

    def run(a: str, b: str, r) -> Any:
        return col.run(
            f"lead-lag {a} -> {b}",
            lambda: lead_lag(data[a], data[b], frequency="weekly", n_resamples=n_res, rng=r),
        )

    chain = [("dgs10", "spx"), ("spx", "rut"), ("rut", "btc")]
    ll = {pair: run(*pair, r) for pair, r in zip(chain, streams[:3], strict=True)}
    ll[("spx", "btc")] = run("spx", "btc", streams[3])
    ll[("ndx", "btc")] = run("ndx", "btc", streams[4])

    c9, steps = _claim_risk_curve(ll, data, chain, alpha=alpha)
    c10, corr = _claim_correlation(ll, data)
    table = corr.copy()
    table.index.name = "weekly correlation with Bitcoin"
    numbers = {"risk_curve": steps, "correlation": corr}
    return [c9, c10], numbers, (steps, table), ["dgs10", "spx", "ndx", "rut"]


def _claim_risk_curve(
    ll: dict[tuple[str, str], Any],
    data: dict[str, pd.DataFrame],
    chain: list[tuple[str, str]],
    *,
    alpha: float,
) -> tuple[Claim, pd.DataFrame]:
    """Claim 9 and its table: does each step of the risk curve lead the next?"""
    # 9. the risk curve: each step's leader leads the next (family-wise over the lags)
    rows = []
    for a, b in chain:
        res = ll[(a, b)]
        rows.append(
            {
                "pair": f"{display_name(data[a], a)} -> {display_name(data[b], b)}",
                "max |ccf| leader leads, p": _test(res, "all", "max_abs_ccf_leader_leads"),
                "max |ccf| follower leads, p": _test(res, "all", "max_abs_ccf_follower_leads"),
                "Granger leader -> follower, p": _test(res, "all", "granger_leader_to_follower"),
                "Granger follower -> leader, p": _test(res, "all", "granger_follower_to_leader"),
            }
        )
    steps = pd.DataFrame(rows).set_index("pair")
    leads = steps["max |ccf| leader leads, p"] < alpha
    n_lead = int(leads.sum())
    if n_lead == len(steps):
        v9 = "consistent"
    elif n_lead:
        v9 = f"partly consistent ({n_lead} of {len(steps)} steps lead)"
    else:
        v9 = "not supported (no step of the chain leads the next)"
    c9 = Claim(
        number="9",
        claim="Easing sends money along the risk curve: Treasuries, then large caps, then "
        "small caps, then crypto",
        stated="a lead-lag order 10-year yield -> S&P 500 -> Russell 2000 -> BTC",
        measured="; ".join(
            f"{p}: leader-leads p = {r['max |ccf| leader leads, p']:.3g}, Granger p = "
            f"{r['Granger leader -> follower, p']:.3g}"
            for p, r in steps.iterrows()
        ),
        rule=f"each step's leader leads its follower: max |cross-correlation| over lags 1-8 "
        f"weeks against independent block-bootstrapped series, p < {alpha:g}; weekly "
        "returns 2014-2026 (the easing periods themselves are not singled out)",
        verdict=v9,
        numbers={"steps": steps.reset_index().to_dict(orient="records")},
    )

    return c9, steps


def _claim_correlation(
    ll: dict[tuple[str, str], Any], data: dict[str, pd.DataFrame]
) -> tuple[Claim, pd.DataFrame]:
    """Claim 10 and its table: Bitcoin's weekly correlation with each index, per era."""
    # 10. BTC's correlation with small caps, large caps and the Nasdaq-100, and its stability
    corr = pd.DataFrame(
        {
            display_name(data[a], a): {
                era: _ccf0(ll[(a, "btc")], era) for era in ("all", "before", "after")
            }
            for a in ("rut", "spx", "ndx")
        }
    ).T
    corr.columns = ["2014-2026", "before the ETF approval", "after the ETF approval"]
    top = corr.idxmax(axis=0)
    small = display_name(data["rut"], "rut")
    wins = [c for c in corr.columns if top[c] == small]
    spread = corr.max(axis=0) - corr.min(axis=0)
    if len(wins) == len(corr.columns):
        v10 = "consistent"
    elif len(wins):
        v10 = "only in some periods (" + ", ".join(wins) + ")"
    else:
        v10 = "not supported"
    c10 = Claim(
        number="10",
        claim="BTC is most correlated with small caps (attributed to a bank's research)",
        stated="correlation with the Russell 2000 highest",
        measured="weekly correlation with BTC: "
        + "; ".join(
            f"{c}: " + ", ".join(f"{k} {corr.loc[k, c]:.2f}" for k in corr.index)
            for c in corr.columns
        )
        + "; largest gap between indices "
        + ", ".join(f"{spread[c]:.2f}" for c in corr.columns),
        rule="the Russell 2000 has the highest contemporaneous weekly correlation with BTC "
        "over the whole sample and on each side of the spot-ETF approval (stability)",
        verdict=v10,
        numbers={"correlation": corr.reset_index().to_dict(orient="records")},
    )
    return c10, corr
