"""Report sections that call the statistical stages (inference, regimes, backtest)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..calendar import ETF_APPROVAL
from ._claims import Claim, display_name

__all__ = ["backtest_section", "inference_section", "regimes_section"]


def _ci(lo: float, hi: float) -> str:
    return f"[{lo:.2f}, {hi:.2f}]"


# ---------------------------------------------------------------------------
# volatility regimes
# ---------------------------------------------------------------------------
def regimes_section(doc, numbers, col, follower, *, n_resamples, rng) -> list[Claim]:
    import matplotlib.pyplot as plt

    from .. import datasets, volatility_regimes
    from ..regimes import cross_market_control, halving_phase_control

    r1, r2, r3 = rng.spawn(3)
    fname = display_name(follower, "follower")
    btc = (
        follower.loc[follower["source"] == "yahoo", ["close"]]
        if "source" in follower
        else follower[["close"]]
    ).copy()
    btc.attrs = dict(follower.attrs)
    bench = {n: datasets.load(n) for n in ("rut", "spx", "ndx")}
    res = col.run(
        "volatility regimes",
        lambda: volatility_regimes(
            btc, breaks=(ETF_APPROVAL,), benchmarks=bench, n_resamples=n_resamples, rng=r1
        ),
    )
    phase = col.run(
        "halving-phase control",
        lambda: halving_phase_control(
            btc, break_date=ETF_APPROVAL, window="365D", n_resamples=n_resamples, rng=r2
        ),
    )
    cross = col.run(
        "cross-market control",
        lambda: cross_market_control(
            {"btc": btc, "rut": bench["rut"], "spx": bench["spx"]},
            break_date=ETF_APPROVAL,
            window="365D",
            n_resamples=n_resamples,
            rng=r3,
        ),
    )

    s = doc.section(f"Volatility regimes of {fname} before and after the spot-ETF approval")
    source = f"{fname} closes from {btc.index[0]:%Y-%m-%d} on" + (
        " (the Yahoo part; the Coin Metrics back-history does not enter this section)"
        if "source" in follower
        else ""
    )
    s.text(
        f"Regimes split at {ETF_APPROVAL:%Y-%m-%d} (approval after the US close; the new "
        f"regime starts that day). Log returns, annualised with {res.periods_per_year:g} "
        f"bars a year (the series' calendar); {source}."
    )
    cols = [
        "label",
        "n_obs",
        "volatility",
        "downside_semivolatility",
        "skewness",
        "excess_kurtosis",
        "max_drawdown",
    ]
    s.table(res.realized[cols].set_index("label"), caption="Realised measures per regime")
    gcols = [
        "model",
        "label",
        "persistence",
        "half_life",
        "unconditional_volatility",
        "nu",
        "reason",
    ]
    s.table(
        res.garch[[c for c in gcols if c in res.garch]].set_index("model"),
        caption="GARCH(1,1)-t and GJR-GARCH(1,1)-t per regime",
    )
    rt = res.ratio_tests[0]
    ratio, lo, hi, p = (
        float(res.statistic[0]),
        float(res.confidence_interval.low[0]),
        float(res.confidence_interval.high[0]),
        float(res.pvalue[0]),
    )
    s.table(
        rt.to_frame()
        .drop(columns=[c for c in ("assumes",) if c in rt.to_frame()])
        .set_index(rt.to_frame().columns[0]),
        caption="Volatility ratio after/before: block bootstrap beside tests that assume "
        "independent returns",
    )
    vs = res.variance_shift
    if vs is not None:
        s.text(
            f"Full-sample GARCH-t with a post-break shift of the variance intercept: "
            f"LR = {vs.statistic:.3f} (df {vs.df}), p = {vs.pvalue:.4f}. " + " ".join(vs.notes)
        )
    if res.icss is not None:
        rel = res.icss.relative_to([ETF_APPROVAL])
        s.text(
            f"ICSS ({res.icss.test}) finds {res.icss.n_breaks} break(s) without being told "
            f"the date: "
            + ", ".join(
                f"{d:%Y-%m-%d}"
                for d in (res.icss.break_dates if res.icss.break_dates is not None else [])
            )
            + (
                f"; the nearest is {int(rel['offset_days'].iloc[0])} days from the approval."
                if len(rel) and np.isfinite(rel["offset_days"].iloc[0])
                else "."
            )
        )
    s.table(
        phase.table[
            [
                "label",
                "role",
                "date",
                "volatility_before",
                "volatility_after",
                "ratio",
                "ci_low",
                "ci_high",
                "pvalue",
            ]
        ].set_index("label"),
        caption="Halving-phase control: equal 365-day windows at the same cycle fraction",
    )
    s.table(
        cross.table[
            [
                "label",
                "role",
                "volatility_before",
                "volatility_after",
                "ratio",
                "ci_low",
                "ci_high",
                "pvalue",
            ]
        ].set_index("label"),
        caption="Cross-market control: the same calendar windows",
    )
    if res.correlation is not None:
        cc = res.correlation.changes
        s.table(
            cc[
                [
                    "benchmark",
                    "quantity",
                    "before",
                    "after",
                    "statistic",
                    "ci_low",
                    "ci_high",
                    "pvalue",
                ]
            ].set_index("benchmark"),
            caption="Correlation and beta to equity indices (weekly returns), change at "
            "the break with block-bootstrap CI",
        )
    fig = res.plot()
    fig = fig if hasattr(fig, "savefig") else np.ravel(fig)[0].figure
    s.figure(
        fig,
        "regimes",
        "Price with the break, rolling volatility with regime means, GARCH "
        "conditional volatility and rolling correlations",
    )
    plt.close("all")

    eq = phase.table.loc[phase.table["role"] == "actual"].iloc[0]
    earlier = phase.table.loc[phase.table["role"] != "actual"].dropna(subset=["ratio"])
    n_fell = int((earlier["ratio"] < 1).sum())
    full_lower = hi < 1.0
    eq_lower = float(eq["ci_high"]) < 1.0
    if full_lower and eq_lower:
        verdict = "consistent"
    elif full_lower:
        verdict = "not established (lower over whole regimes, not in equal windows)"
    else:
        verdict = "not supported"
    measured = (
        f"whole regimes: ratio {ratio:.2f} {_ci(lo, hi)}, p = {p:.3g}; equal 365-day "
        f"windows: ratio {eq['ratio']:.2f} {_ci(eq['ci_low'], eq['ci_high'])}; volatility "
        f"fell at this cycle phase in {n_fell} of {len(earlier)} earlier cycles"
    )
    numbers["regimes"] = {
        "ratio": ratio,
        "ci_low": lo,
        "ci_high": hi,
        "pvalue": p,
        "realized": res.realized,
        "garch": res.garch,
        "equal_window": phase.table,
        "cross_market": cross.table,
        "variance_shift": None if vs is None else {"lr": vs.statistic, "pvalue": vs.pvalue},
        "icss_breaks": []
        if res.icss is None or res.icss.break_dates is None
        else list(res.icss.break_dates),
        "correlation": None if res.correlation is None else res.correlation.changes,
    }
    return [
        Claim(
            claim="Spot ETFs (approved 2024-01-10) damped BTC's volatility",
            stated="lower volatility after the approval",
            measured=measured,
            rule="block-bootstrap CI of the volatility ratio below 1 both over whole regimes and "
            "in equal 365-day windows",
            verdict=verdict,
            numbers={"ratio": ratio, "ci": [lo, hi], "equal_window_ratio": float(eq["ratio"])},
        )
    ]


# ---------------------------------------------------------------------------
# backtest
# ---------------------------------------------------------------------------
def backtest_section(
    doc, numbers, col, leader, follower, *, rule, horizon, n_resamples, rng
) -> None:
    import matplotlib.pyplot as plt

    from .. import breakouts
    from ..backtesting import backtest, sweep

    r1, r2 = rng.spawn(2)
    lname = display_name(leader, "leader")
    fname = display_name(follower, "follower")
    events = breakouts(leader, **rule)
    res = col.run(
        "backtest",
        lambda: backtest(
            follower,
            events,
            hold=horizon,
            fees=0.001,
            slippage=0.001,
            init_cash=100.0,
            n_resamples=n_resamples,
            rng=r1,
        ),
    )
    grid = col.run(
        "parameter sweep",
        lambda: sweep(
            leader,
            follower,
            min_gap=[150, 200, 250, 300, 350],
            margin=[0.0, 0.01, 0.02],
            hold=[180, 365, 540],
            delay=["0h", "1D"],
            fees=0.001,
            slippage=0.001,
            n_resamples=min(n_resamples, 1000),
            rng=r2,
        ),
    )

    s = doc.section(f"Backtest: trading {fname} on {lname} breakouts")
    s.text(
        f"Entry at the close of the first {fname} bar that closes after the {lname} close "
        f"was known; exit after {horizon} calendar days; 10 bp fees and 10 bp slippage per "
        "side; vectorbt's fills (every argument explicit), computed by riskcycle's compiled "
        "kernel, which gives vectorbt's returns. Random-entry nulls make the "
        "same number of trades of the same lengths at random admissible dates."
    )
    lo, hi = res.confidence_interval
    summary = pd.DataFrame(
        {
            "quantity": [
                "trades",
                "growth of 1 (strategy)",
                "growth of 1 (buy-and-hold)",
                "Sharpe ratio (strategy)",
                "Sharpe CI low",
                "Sharpe CI high",
                "Sharpe ratio (buy-and-hold)",
                "random-entry p (total return)",
                "random-entry p (Sharpe)",
            ],
            "value": [
                float(res.n_trades),
                1 + res.total_return,
                1 + res.benchmark_total_return,
                res.statistic,
                lo,
                hi,
                res.benchmark_sharpe_ratio,
                res.total_return_pvalue,
                res.pvalue,
            ],
        }
    ).set_index("quantity")
    s.table(
        summary,
        caption=f"Strategy against buy-and-hold (Sharpe annualised with "
        f"{res.periods_per_year:g} periods a year)",
    )
    trades = res.to_frame("trades")
    s.table(trades.set_index(trades.columns[0]), caption="Trades", digits=4)
    fig = res.plot()
    fig = fig if hasattr(fig, "savefig") else np.ravel(fig)[0].figure
    s.figure(
        fig,
        "backtest",
        "Equity of the strategy and of buy-and-hold (log scale) with entries and exits; drawdown",
    )
    spa = grid.spa
    snoop = pd.DataFrame(
        {
            "quantity": [
                "combinations",
                "distinct strategies",
                "best Sharpe ratio",
                "deflated Sharpe ratio (probability)",
                "SPA p lower",
                "SPA p consistent",
                "SPA p upper",
                "Reality Check p",
                "PBO",
            ],
            "value": [
                float(len(grid.grid)),
                float(grid.dsr.n_trials),
                float(grid.grid["sharpe_ratio"].max()) if "sharpe_ratio" in grid.grid else np.nan,
                grid.dsr.probability,
                spa.pvalue_lower,
                spa.pvalue_consistent,
                spa.pvalue_upper,
                spa.reality_check_pvalue,
                grid.pbo.pbo,
            ],
        }
    ).set_index("quantity")
    s.table(
        snoop,
        caption="Data-snooping control over the parameter grid (drought 150-350 "
        "sessions, margin 0-2%, hold 180-540 days, delay 0 or 1 day); SPA "
        "against buy-and-hold",
    )
    fig = grid.plot()
    fig = fig if hasattr(fig, "savefig") else np.ravel(fig)[0].figure
    s.figure(fig, "sweep", "Sharpe ratios of the grid's strategies against buy-and-hold")
    plt.close("all")
    numbers["backtest"] = {
        "n_trades": res.n_trades,
        "total_return": res.total_return,
        "benchmark_total_return": res.benchmark_total_return,
        "sharpe_ratio": res.statistic,
        "sharpe_ci": [lo, hi],
        "benchmark_sharpe_ratio": res.benchmark_sharpe_ratio,
        "random_entry_pvalue_total_return": res.total_return_pvalue,
        "random_entry_pvalue_sharpe": res.pvalue,
        "trades": trades,
        "sweep": {
            "n_combinations": len(grid.grid),
            "n_distinct": grid.dsr.n_trials,
            "dsr": grid.dsr.probability,
            "spa_lower": spa.pvalue_lower,
            "spa_consistent": spa.pvalue_consistent,
            "spa_upper": spa.pvalue_upper,
            "reality_check": spa.reality_check_pvalue,
            "pbo": grid.pbo.pbo,
        },
    }


# ---------------------------------------------------------------------------
# few-event inference
# ---------------------------------------------------------------------------
def _tp(t: pd.DataFrame, test: str, col: str) -> float:
    return float(t.loc[test, col]) if test in t.index else np.nan


def _assessment_row(a) -> dict[str, Any]:
    t = a.to_frame().set_index("test")
    pw = a.power
    row = {
        "events with a complete window": a.placebo.n_events,
        "mean log return": a.placebo.statistic,
        "random-date mean": a.placebo.null_mean,
    }
    for test, label in (
        ("placebo", "placebo"),
        ("placebo_halving_matched", "halving-matched"),
        ("placebo_era", "era-stratified"),
        ("hit_count", "hit count"),
    ):
        row[f"{label} p"] = _tp(t, test, "pvalue")
        row[f"{label} p, calibrated"] = _tp(t, test, "pvalue_calibrated")
        row[f"{label} size at {a.alpha:g} on this history"] = _tp(t, test, "size_at_alpha")
    row.update(
        {
            "placebo p s.e.": _tp(t, "placebo", "pvalue_se"),
            "GARCH-null p (not in the verdict)": _tp(t, "garch_null", "pvalue"),
            "family-wise placebo p, all horizons": _tp(t, "placebo_family_wise", "pvalue"),
            "base rate": a.base_rate.base_rate,
            "min p, exact sign test": a.min_attainable_pvalues.get("sign_test", np.nan),
            "post-hoc power at observed effect": pw.power_observed if pw else np.nan,
            "post-hoc power s.e.": getattr(pw, "power_observed_se", np.nan) if pw else np.nan,
            "min detectable effect (log)": pw.mde_observed if pw else np.nan,
            "events needed (80% power)": pw.events_needed if pw else np.nan,
            "events needed s.e.": getattr(pw, "events_needed_se", np.nan) if pw else np.nan,
            "fragile: rests on": ", ".join(d.strftime("%Y-%m-%d") for d in a.fragile_events)
            or "-",
            "verdict": a.verdict_label,
        }
    )
    return row


def inference_section(
    doc, numbers, col, leader, follower, *, as_of, rule, horizon, n_resamples, rng
) -> list[Claim]:
    import matplotlib.pyplot as plt

    from .. import assess_signal

    fname = follower.attrs.get("name", "follower")
    cases: dict[str, tuple[pd.DataFrame, Any]] = {}
    if fname == "btc_long":
        yahoo = follower.loc[follower["source"] == "yahoo"].copy()
        yahoo.attrs = dict(follower.attrs, name="btc")
        cases[f"(a) BTC from 2014-09-17, as of {as_of:%Y-%m-%d}"] = (yahoo, as_of)
        cases[f"(b) BTC from 2010 (Coin Metrics), as of {as_of:%Y-%m-%d}"] = (follower, as_of)
        cases[f"(c) BTC from 2010, all data to {follower.index[-1]:%Y-%m-%d}"] = (follower, None)
    else:
        cases[f"(a) as of {as_of:%Y-%m-%d}"] = (follower, as_of)
        cases["(b) all data"] = (follower, None)
    settings = dict(
        method="record",
        **rule,
        horizons=(90, 180, horizon),
        horizon=horizon,
        halving_window=90,
        n_resamples=n_resamples,
        garch_resamples=max(99, min(n_resamples, 999) // 4),
        power_simulations=100,
        power_resamples=99,
    )
    streams = rng.spawn(len(cases))
    results = {}
    for (name, (fol, asof)), r in zip(cases.items(), streams, strict=True):
        results[name] = col.run(
            f"assess_signal {name}",
            lambda fol=fol, asof=asof, r=r: assess_signal(
                leader, fol, as_of=asof, rng=r, **settings
            ),
        )

    s = doc.section("Few-event inference: how much can these events show?")
    s.text(
        "Each p-value states its null: placebo tests draw sets of random dates with the same "
        "spacing as the real events (plain), at the same phase of the halving cycles (matched, "
        "each event's own cycle included) or with the events' mix of halving-cycle eras "
        "(era-stratified); the GARCH null simulates the follower from a fitted GARCH(1,1)-t "
        "model; the hit-count test asks whether a signal unrelated to the follower would "
        "match the events' count of one-year rises at the base rate. Beside every nominal p "
        "stands its calibrated p: the share of random event sets on "
        f"{display_name(follower, fname)}'s own history (same count, spacing and era mix) "
        "whose p is at least as small, and the test's size on that history. The verdict uses "
        "only calibrated p-values; it is called fragile when leaving out one event changes "
        "it. Power comes from pseudo-events on the follower's own history with the effect "
        "added."
    )
    table = pd.DataFrame({name: _assessment_row(a) for name, a in results.items()})
    table.index.name = "quantity"
    s.table(table, caption=f"assess_signal, {horizon}-day horizon", digits=4)
    for name, a in results.items():
        s.text(f"**{name}**: " + " ".join(a.verdict))
    first = next(iter(results.values()))
    if first.follow_up is not None and len(first.follow_up):
        fu = first.follow_up
        s.table(
            fu.set_index(fu.columns[0]) if not isinstance(fu.index, pd.DatetimeIndex) else fu,
            caption=f"Out of sample: events known on {as_of:%Y-%m-%d}, followed with the "
            "data after that date",
        )
    axes = first.plot()
    fig = np.ravel(axes)[0].figure if not hasattr(axes, "savefig") else axes
    s.figure(
        fig,
        "inference",
        f"{next(iter(results))}: null distributions of the placebo, "
        "matched placebo and GARCH null against the observed mean; power "
        "against the number of events",
    )
    plt.close("all")
    numbers["inference"] = {
        name: {
            **_assessment_row(a),
            "verdict_sentences": list(a.verdict),
            "tests": a.to_frame(),
            "leave_one_out": a.leave_one_out,
            "follow_up": a.follow_up,
        }
        for name, a in results.items()
    }

    a = first
    row = _assessment_row(a)
    alpha = a.alpha
    weak = {
        k: row[k]
        for k in (
            "min p, exact sign test",
            "halving-matched p, calibrated",
            "hit count p, calibrated",
        )
        if np.isfinite(row[k]) and row[k] >= alpha
    }
    measured = (
        f"{row['events with a complete window']} events: exact sign test cannot go below "
        f"p = {row['min p, exact sign test']:.3g}; calibrated p: placebo "
        f"{row['placebo p, calibrated']:.3g}, halving-matched "
        f"{row['halving-matched p, calibrated']:.3g}, era-stratified "
        f"{row['era-stratified p, calibrated']:.3g}, hit count "
        f"{row['hit count p, calibrated']:.3g}; verdict {row['verdict']}"
        + (f" (rests on {row['fragile: rests on']})" if a.fragile_events else "")
    )
    return [
        Claim(
            claim="Two samples are not proof (the commentary's own caveat)",
            stated="two events cannot establish the signal",
            measured=measured,
            rule="confirmed if any of the exact sign-test floor, the calibrated halving-matched "
            f"p or the calibrated hit-count p is >= {alpha:g} for the commentary's events, or "
            "the verdict rests on one event (fragile)",
            verdict=(
                "confirmed ("
                + ", ".join(
                    [f"{k} >= {alpha:g}" for k in weak]
                    + (
                        ["fragile: rests on " + row["fragile: rests on"]]
                        if a.fragile_events
                        else []
                    )
                )
                + ")"
            )
            if weak or a.fragile_events
            else "not confirmed",
            numbers={
                k: (float(v) if isinstance(v, int | float | np.floating) else v)
                for k, v in row.items()
            },
        )
    ]
