"""Report sections that call the statistical stages (inference, regimes, backtest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import ETF_APPROVAL
from ._claims import Claim, display_name
from ._document import Figure, Paragraph

__all__ = [
    "Case",
    "Spec",
    "backtest_section",
    "inference_section",
    "inference_specs",
    "label_class",
    "label_words",
    "regimes_section",
    "robustness_section",
    "run_case",
    "run_inference",
    "scan_available",
    "scan_block",
    "spec_row",
]


def _reader(name: Any) -> str:
    """A bundled series' reader's name ("Russell 2000" for ``rut``) in a table cell."""
    from ._claims import _DISPLAY

    return _DISPLAY.get(name, name) if isinstance(name, str) else name


def _ci(lo: float, hi: float) -> str:
    return f"[{lo:.2f}, {hi:.2f}]"


# ---------------------------------------------------------------------------
# volatility regimes
# ---------------------------------------------------------------------------
def regimes_section(doc, numbers, col, follower, *, n_resamples, rng) -> list[Claim]:
    import matplotlib.pyplot as plt

    from ._figures import fig_rolling_volatility

    fname = display_name(follower, "follower")
    btc = (
        follower.loc[follower["source"] == "yahoo", ["close"]]
        if "source" in follower
        else follower[["close"]]
    ).copy()
    btc.attrs = dict(follower.attrs)
    res, phase, cross = _regimes_run(col, btc, n_resamples=n_resamples, rng=rng)

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
    _regimes_tables(s, res, phase, cross)
    icss_breaks = (
        list(res.icss.break_dates)
        if res.icss is not None and res.icss.break_dates is not None
        else []
    )
    s.figure(
        fig_rolling_volatility(btc["close"], fname, icss_breaks),
        "regimes",
        f"{fname}'s 30-day rolling volatility (annualised) with each regime's volatility, the "
        "spot-ETF approval, the halvings and the variance breaks ICSS finds without being "
        "told a date",
    )
    plt.close("all")
    claim, finding = _regimes_claim(res, phase, btc["close"], fname)
    s.blocks.insert(1, Paragraph(finding))
    vs = res.variance_shift
    numbers["regimes"] = {
        "ratio": claim.numbers["ratio"],
        "ci_low": claim.numbers["ci"][0],
        "ci_high": claim.numbers["ci"][1],
        "pvalue": float(res.pvalue[0]),
        "realized": res.realized,
        "garch": res.garch,
        "equal_window": phase.table,
        "cross_market": cross.table,
        "variance_shift": None if vs is None else {"lr": vs.statistic, "pvalue": vs.pvalue},
        "icss_breaks": icss_breaks,
        "correlation": None if res.correlation is None else res.correlation.changes,
    }
    return [claim]


def _regimes_run(col, btc: pd.DataFrame, *, n_resamples: int, rng):
    """Volatility regimes at the approval, the halving-phase and the cross-market controls."""
    from .. import datasets, volatility_regimes
    from ..regimes import cross_market_control, halving_phase_control

    r1, r2, r3 = rng.spawn(3)
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
    return res, phase, cross


_REALIZED_COLUMNS = [
    "label",
    "n_obs",
    "volatility",
    "downside_semivolatility",
    "skewness",
    "excess_kurtosis",
    "max_drawdown",
]
_GARCH_COLUMNS = [
    "model",
    "label",
    "persistence",
    "half_life",
    "unconditional_volatility",
    "nu",
    "reason",
]
_CONTROL_COLUMNS = [
    "label",
    "role",
    "volatility_before",
    "volatility_after",
    "ratio",
    "ci_low",
    "ci_high",
    "pvalue",
]


def _regimes_tables(s, res, phase, cross) -> None:
    """Realised measures, GARCH fits, the ratio tests, ICSS and the two controls."""
    s.table(
        res.realized[_REALIZED_COLUMNS].set_index("label"), caption="Realised measures per regime"
    )
    s.table(
        res.garch[[c for c in _GARCH_COLUMNS if c in res.garch]].set_index("model"),
        caption="GARCH(1,1)-t and GJR-GARCH(1,1)-t per regime",
    )
    rt = res.ratio_tests[0]
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
        phase.table[[*_CONTROL_COLUMNS[:2], "date", *_CONTROL_COLUMNS[2:]]].set_index("label"),
        caption="Halving-phase control: equal 365-day windows at the same cycle fraction",
    )
    s.table(
        cross.table.assign(label=[_reader(v) for v in cross.table["label"]])[
            _CONTROL_COLUMNS
        ].set_index("label"),
        caption="Cross-market control: the same calendar windows",
    )
    if res.correlation is not None:
        cc = res.correlation.changes
        cc = cc.assign(benchmark=[_reader(v) for v in cc["benchmark"]])
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


def _max_rise(close: pd.Series, start: Any, end: Any) -> float:
    """Largest 365-day rise from a start date in [start, end] (end date inside data)."""
    starts = close.loc[start:end]
    fwd = close.reindex(starts.index + pd.Timedelta(days=365)).to_numpy()
    ok = np.isfinite(fwd)
    return float(np.max(fwd[ok] / starts.to_numpy()[ok] - 1)) if ok.any() else np.nan


def _regimes_claim(res, phase, close: pd.Series, fname: str) -> tuple[Claim, str]:
    """Claim 6 and the section's finding, worded as results."""
    ratio, lo, hi, p = (
        float(res.statistic[0]),
        float(res.confidence_interval.low[0]),
        float(res.confidence_interval.high[0]),
        float(res.pvalue[0]),
    )
    eq = phase.table.loc[phase.table["role"] == "actual"].iloc[0]
    rise_2017 = _max_rise(close, "2017-01-01", "2017-12-31")
    rise_after = _max_rise(close, ETF_APPROVAL, close.index[-1])
    dd = res.realized.set_index("label")["max_drawdown"]
    dd_before, dd_after = float(dd.iloc[0]), float(dd.iloc[-1])
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
    milder = dd_after < dd_before
    no_vertical = np.isfinite(rise_after) and rise_after < rise_2017
    measured = (
        f"whole regimes: ratio {ratio:.2f} {_ci(lo, hi)}, p = {p:.3g}; equal 365-day "
        f"windows: ratio {eq['ratio']:.2f} {_ci(eq['ci_low'], eq['ci_high'])}; volatility "
        f"fell at this cycle phase in {n_fell} of {len(earlier)} earlier cycles; largest "
        f"drawdown {dd_before:.0%} before, {dd_after:.0%} after; largest 365-day rise "
        f"{rise_after:+.0%} after, against {rise_2017:+.0%} from a 2017 start"
    )
    # findings, worded as results (a null hypothesis is never printed as a finding)
    finding = (
        f"Finding: {fname}'s volatility after the approval was {ratio:.2f} times the "
        f"volatility before it (95% block-bootstrap interval {lo:.2f} to {hi:.2f}, p = "
        f"{p:.2g}), "
        + ("a fall" if hi < 1 else ("a rise" if lo > 1 else "not distinguishable from no change"))
        + f". In equal 365-day windows at the same phase of the halving cycle the ratio was "
        f"{eq['ratio']:.2f} ({eq['ci_low']:.2f} to {eq['ci_high']:.2f}), "
        + (
            "also a fall"
            if eq_lower
            else ("a rise" if float(eq["ci_low"]) > 1 else "not distinguishable from no change")
        )
        + f"; at this phase volatility fell in {n_fell} of {len(earlier)} earlier cycles. "
        + (
            "So the lower volatility since the approval is not established as the ETFs' "
            "effect: it is not seen in windows that hold the halving cycle fixed."
            if full_lower and not eq_lower
            else (
                "The fall holds with the halving cycle held fixed."
                if full_lower and eq_lower
                else "The data do not show lower volatility after the approval."
            )
        )
    )
    claim = Claim(
        number="6",
        claim="Spot ETFs (approved 2024-01-10) damped BTC's volatility: milder falls, no "
        "vertical 2017-style rise",
        stated="lower volatility, milder falls and no 2017-style rise after the approval",
        measured=measured,
        rule="block-bootstrap CI of the volatility ratio below 1 both over whole regimes and "
        "in equal 365-day windows (the halving cycle held fixed); milder falls and no "
        "2017-style rise are shown beside it but cannot attribute the change to the ETFs",
        verdict=verdict
        + (
            f"; falls {'milder' if milder else 'not milder'}, "
            f"{'no' if no_vertical else 'a'} 2017-style rise"
        ),
        numbers={
            "ratio": ratio,
            "ci": [lo, hi],
            "equal_window_ratio": float(eq["ratio"]),
            "max_drawdown_before": dd_before,
            "max_drawdown_after": dd_after,
            "max_365d_rise_after": rise_after,
            "max_365d_rise_2017": rise_2017,
        },
    )
    return claim, finding


# ---------------------------------------------------------------------------
# backtest
# ---------------------------------------------------------------------------
def backtest_section(
    doc, numbers, col, leader, follower, *, rule, horizon, n_resamples, rng
) -> list[Claim]:
    import matplotlib.pyplot as plt

    from ._figures import fig_equity, fig_pbo_logits, fig_sweep_heatmap

    lname = display_name(leader, "leader")
    fname = display_name(follower, "follower")
    res, grid = _backtest_run(
        col, leader, follower, rule=rule, horizon=horizon, n_resamples=n_resamples, rng=rng
    )
    s = doc.section(f"Backtest: trading {fname} on {lname} breakouts")
    s.text(
        f"Entry at the close of the first {fname} bar that closes after the {lname} close "
        f"was known; exit after {horizon} calendar days; 10 bp fees and 10 bp slippage per "
        "side; vectorbt's fills (every argument explicit), computed by riskcycle's compiled "
        "kernel, which gives vectorbt's returns. Random-entry nulls make the "
        "same number of trades of the same lengths at random admissible dates."
    )
    s.table(
        _backtest_summary(res),
        caption=f"Strategy against buy-and-hold (Sharpe annualised with "
        f"{res.periods_per_year:g} periods a year)",
    )
    trades = res.to_frame("trades")
    s.table(trades.set_index(trades.columns[0]), caption="Trades", digits=4)
    tear = _tear_sheet(res, fname)
    s.table(
        tear,
        caption="Tear sheet (daily returns; the strategy's flat days earn nothing; "
        "random-entry median of the Sharpe ratio from the random-entry null)",
    )
    s.figure(
        fig_equity(res, fname, lname),
        "backtest",
        f"Growth of 1 in the strategy and in buy-and-hold {fname} (log scale) with entries "
        "and exits; drawdowns below",
    )
    s.table(
        _snooping_table(grid),
        caption="Data-snooping control over the parameter grid (drought 150-350 "
        "sessions, margin 0-2%, hold 180-540 days, delay 0 or 1 day); SPA "
        "against buy-and-hold",
    )
    s.figure(
        fig_sweep_heatmap(grid.grid, res.benchmark_sharpe_ratio, fname),
        "sweep",
        "Sharpe ratio of the grid's strategies by drought length and holding period (mean "
        f"over margin and delay), against buy-and-hold {fname}",
    )
    s.figure(
        fig_pbo_logits(grid.pbo.logits, grid.pbo.pbo),
        "pbo",
        "Combinatorially symmetric cross-validation over the grid: for each split of the "
        "history, the logit of where the in-sample best strategy ranks out of sample; "
        "below 0 it ranks below the median (Bailey et al. 2017)",
    )
    plt.close("all")
    numbers["backtest"] = _backtest_numbers(res, grid, trades, tear)
    return [_backtest_claim(res, grid)]


def _backtest_run(col, leader, follower, *, rule, horizon, n_resamples, rng):
    """The backtest of the report's rule and the sweep over the grid that ``riskcycle
    backtest --sweep`` searches (:data:`riskcycle.backtesting.DEFAULT_GRID`)."""
    from .. import breakouts
    from ..backtesting import DEFAULT_GRID, backtest, sweep

    r1, r2 = rng.spawn(2)
    events = breakouts(leader, **rule)
    res = col.run(
        "backtest",
        lambda: backtest(
            follower,
            events,
            horizon=horizon,
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
            **DEFAULT_GRID,
            fees=0.001,
            slippage=0.001,
            n_resamples=min(n_resamples, 1000),
            rng=r2,
        ),
    )
    return res, grid


def _backtest_summary(res) -> pd.DataFrame:
    """The strategy against buy-and-hold, with the random-entry p-values."""
    lo, hi = res.confidence_interval
    return pd.DataFrame(
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


_TEAR_LABELS = {
    "total_return": "total return",
    "cagr": "CAGR",
    "volatility": "volatility (annualised)",
    "sharpe_ratio": "Sharpe ratio",
    "sortino_ratio": "Sortino ratio",
    "calmar_ratio": "Calmar ratio",
    "max_drawdown": "maximum drawdown",
    "max_drawdown_days": "longest drawdown (days)",
    "exposure": "exposure (share of days invested)",
    "win_rate": "win rate (trades)",
    "n_trades": "trades",
}


def _tear_sheet(res, fname: str) -> pd.DataFrame:
    """The backtest's tear sheet with readers' names."""
    tear = res.tear_sheet().rename(
        index=_TEAR_LABELS,
        columns={
            "strategy": "strategy",
            "buy_and_hold": f"buy-and-hold {fname}",
            "random_entry_median": "random-entry median",
        },
    )
    tear.index.name = "measure"
    return tear


def _snooping_table(grid) -> pd.DataFrame:
    """Data-snooping control over the grid: deflated Sharpe ratio, SPA, Reality Check, PBO."""
    spa = grid.spa
    return pd.DataFrame(
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


def _backtest_numbers(res, grid, trades: pd.DataFrame, tear: pd.DataFrame) -> dict[str, Any]:
    lo, hi = res.confidence_interval
    spa = grid.spa
    return {
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
        "tear_sheet": tear,
    }


def _backtest_claim(res, grid) -> Claim:
    """Claim 14: a window to watch, not a trading signal."""
    spa = grid.spa
    alpha = 0.05
    beats_random = res.pvalue < alpha
    spa_p = spa.pvalue_consistent
    beats_bh = res.statistic > res.benchmark_sharpe_ratio
    if not beats_random and spa_p >= alpha:
        verdict = "consistent (not a trading signal)"
    elif beats_random and spa_p < alpha and beats_bh:
        verdict = "not supported (the rule traded well)"
    else:
        verdict = "partly consistent"
    return Claim(
        number="14",
        claim="Its conclusion: a window to watch, not a trading signal",
        stated="not a trading signal",
        measured=f"{res.n_trades} trades; Sharpe {res.statistic:.2f} against buy-and-hold "
        f"{res.benchmark_sharpe_ratio:.2f}; random-entry p (Sharpe) {res.pvalue:.3g}; "
        f"growth x{1 + res.total_return:,.1f} against x{1 + res.benchmark_total_return:,.1f}"
        f"; over {len(grid.grid)} variants SPA p = {spa_p:.3g}, PBO = {grid.pbo.pbo:.2f}",
        rule=f"a trading signal would beat random entries (p < {alpha:g}), survive the "
        f"data-snooping test over the grid (SPA p < {alpha:g}) and beat buy-and-hold's "
        "Sharpe ratio; the claim is consistent when the first two fail",
        verdict=verdict,
        numbers={
            "random_entry_pvalue": res.pvalue,
            "spa_pvalue": spa_p,
            "sharpe_ratio": res.statistic,
            "benchmark_sharpe_ratio": res.benchmark_sharpe_ratio,
        },
    )


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


_LABEL_WORDS = {
    "supported": "supported",
    "fragile": "fragile (rests on single events)",
    "mixed": "mixed",
    "not_supported": "not distinguished from chance",
    "no_events": "no events to judge",
}
_LABEL_CLASS = {
    "supported": "good",
    "fragile": "weak",
    "mixed": "weak",
    "not_supported": "bad",
    "no_events": "none",
}


def label_words(label: str) -> str:
    """A verdict label in a reader's words."""
    return _LABEL_WORDS.get(label, label)


def label_class(label: str) -> str:
    return _LABEL_CLASS.get(label, "none")


_LOO_NAMES = {
    "pvalue_calibrated_placebo": "placebo p, calibrated",
    "pvalue_calibrated_placebo_halving_matched": "halving-matched p, calibrated",
    "pvalue_calibrated_placebo_era": "era-stratified p, calibrated",
    "pvalue_calibrated_hit_count": "hit count p, calibrated",
    "verdict_without": "verdict without it",
}


@dataclass(frozen=True, slots=True)
class Case:
    """One specification of the few-event inference."""

    name: str  # shown in tables
    definition: str  # "close" or "intraday"
    history: str  # "2014" (Yahoo part) or "2010" (with the back-history) or "own"
    as_of: pd.Timestamp | None
    result: Any


@dataclass(frozen=True, slots=True)
class Spec:
    """One specification of the few-event inference, with its own random stream."""

    name: str
    definition: str
    history: str
    follower: pd.DataFrame
    as_of: pd.Timestamp | None
    rule: dict
    settings: dict
    rng: Any


def inference_specs(
    leader, follower, *, as_of, rule, horizon, n_resamples, rng, alternative_rule: bool
) -> list[Spec]:
    """The specifications of :func:`run_inference`, each with its child stream of ``rng``
    (spawned in the order listed, so the specifications can run in any order or process)."""
    name = follower.attrs.get("name", "follower")
    end = follower.index[-1]
    specs: list[tuple[str, str, str, pd.DataFrame, Any, dict]] = []
    definition = "intraday" if rule["use_high"] else "close"
    other = "close" if rule["use_high"] else "intraday"
    alt = dict(rule, use_high=not rule["use_high"])
    if name == "btc_long" and "source" in follower:
        yahoo = follower.loc[follower["source"] == "yahoo"].copy()
        yahoo.attrs = dict(follower.attrs, name="btc")
        histories = [
            ("2014", "Bitcoin from 2014-09-17", yahoo),
            ("2010", "Bitcoin from 2010 (Coin Metrics back-history)", follower),
        ]
    else:
        histories = [("own", display_name(follower, name), follower)]
    for key, label, fol in histories:
        specs.append(
            (f"{definition}, {label}, as of {as_of:%Y-%m-%d}", definition, key, fol, as_of, rule)
        )
    key, label, fol = histories[-1]
    specs.append(
        (f"{definition}, {label}, all data to {end:%Y-%m-%d}", definition, key, fol, None, rule)
    )
    if alternative_rule:
        # the other definition on the follower's own (shortest) history: for the commentary,
        # the intraday breakouts of 2016, 2020 and November 2024 against Bitcoin from 2014
        for key, label, fol in histories[:1]:
            specs.append(
                (f"{other}, {label}, as of {as_of:%Y-%m-%d}", other, key, fol, as_of, alt)
            )
    settings = dict(
        method="record",
        horizons=(90, 180, horizon),
        horizon=horizon,
        halving_window=90,
        n_resamples=n_resamples,
        garch_resamples=max(99, min(n_resamples, 999) // 4),
        power_simulations=100,
        power_resamples=99,
    )
    return [
        Spec(
            name=cname,
            definition=dfn,
            history=key,
            follower=fol,
            as_of=asof,
            rule=rl,
            settings=settings,
            rng=r,
        )
        for (cname, dfn, key, fol, asof, rl), r in zip(specs, rng.spawn(len(specs)), strict=True)
    ]


def run_case(col, leader, spec: Spec) -> Case:
    """assess_signal for one specification."""
    from .. import assess_signal

    res = col.run(
        f"assess_signal {spec.name}",
        lambda: assess_signal(
            leader,
            spec.follower,
            as_of=spec.as_of,
            rng=spec.rng,
            **spec.rule,
            **spec.settings,
        ),
    )
    return Case(
        name=spec.name,
        definition=spec.definition,
        history=spec.history,
        as_of=spec.as_of,
        result=res,
    )


def run_inference(
    col, leader, follower, *, as_of, rule, horizon, n_resamples, rng, alternative_rule: bool
) -> list[Case]:
    """assess_signal for each specification: the commentary's definition as of its date on
    the follower's histories and on all data, and (``alternative_rule``) the other breakout
    definition (close or intraday) as of the commentary's date."""
    specs = inference_specs(
        leader,
        follower,
        as_of=as_of,
        rule=rule,
        horizon=horizon,
        n_resamples=n_resamples,
        rng=rng,
        alternative_rule=alternative_rule,
    )
    return [run_case(col, leader, spec) for spec in specs]


def spec_row(case: Case) -> dict[str, Any]:
    """The numbers of one specification (robustness table, bottom line)."""
    a = case.result
    t = a.to_frame().set_index("test")
    n = a.placebo.n_events if a.placebo is not None else 0
    return {
        "definition": case.definition,
        "events with a complete window": n,
        "mean log return": a.placebo.statistic if a.placebo is not None else np.nan,
        "placebo p, calibrated": _tp(t, "placebo", "pvalue_calibrated"),
        "halving-matched p, calibrated": _tp(t, "placebo_halving_matched", "pvalue_calibrated"),
        "era-stratified p, calibrated": _tp(t, "placebo_era", "pvalue_calibrated"),
        "hit count p, calibrated": _tp(t, "hit_count", "pvalue_calibrated"),
        "family-wise placebo p, all horizons": _tp(t, "placebo_family_wise", "pvalue"),
        "fragile: rests on": ", ".join(d.strftime("%Y-%m-%d") for d in a.fragile_events) or "-",
        "verdict": label_words(a.verdict_label),
    }


def inference_section(
    doc, numbers, cases: list[Case], follower, *, as_of, horizon, nulls: Figure | None = None
) -> list[Claim]:
    """The few-event inference: every specification's tests, verdicts and the nulls
    figure (``nulls``, drawn where the first specification ran, or drawn here)."""
    import matplotlib.pyplot as plt

    from ._figures import fig_nulls

    fname = display_name(follower, "follower")
    main = [c for c in cases if c.definition == cases[0].definition]
    results = {c.name: c.result for c in main}
    s = doc.section("Few-event inference: how much can these events show?")
    s.text(
        "Each p-value states its null: placebo tests draw sets of random dates with the same "
        "spacing as the real events (plain), at the same phase of the halving cycles (matched, "
        "each event's own cycle included) or with the events' mix of halving-cycle eras "
        "(era-stratified); the GARCH null simulates the follower from a fitted GARCH(1,1)-t "
        "model; the hit-count test asks whether a signal unrelated to the follower would "
        "match the events' count of one-year rises at the base rate. Beside every nominal p "
        "stands its calibrated p: the share of random event sets on "
        f"{fname}'s own history (same count, spacing and era mix) "
        "whose p is at least as small, and the test's size on that history. The verdict uses "
        "only calibrated p-values; it is called fragile when leaving out one event changes "
        "it. Power comes from pseudo-events on the follower's own history with the effect "
        "added."
    )
    table = pd.DataFrame({name: _assessment_row(a) for name, a in results.items()})
    table.index.name = "quantity"
    table.loc["verdict"] = [label_words(a.verdict_label) for a in results.values()]
    s.table(table, caption=f"assess_signal, {horizon}-day horizon", digits=4)
    for name, a in results.items():
        s.text(f"**{name}**: " + " ".join(a.verdict))
    first = main[0].result
    if first.follow_up is not None and len(first.follow_up):
        fu = first.follow_up
        s.table(
            fu.set_index(fu.columns[0]) if not isinstance(fu.index, pd.DatetimeIndex) else fu,
            caption=f"Out of sample: events known on {as_of:%Y-%m-%d}, followed with the "
            "data after that date",
        )
    caption = _nulls_caption(first, main[0].name, fname, horizon)
    if nulls is not None:
        s.blocks.append(Figure("inference", nulls.png, caption))
    else:
        s.figure(fig_nulls(first, fname, horizon), "inference", caption)
    plt.close("all")
    numbers["inference"] = _inference_numbers(results)
    return [_claim_13(first)]


def _inference_numbers(results: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {
            **_assessment_row(a),
            "verdict_label": a.verdict_label,
            "verdict_sentences": list(a.verdict),
            "tests": a.to_frame(),
            "leave_one_out": a.leave_one_out,
            "follow_up": a.follow_up,
        }
        for name, a in results.items()
    }


def _nulls_caption(first, name: str, fname: str, horizon: int) -> str:
    """The caption of the nulls figure (the GARCH null's persistence when it is shown)."""
    g = first.garch_null
    return (
        f"{name}: where the observed mean {horizon}-day log return of {fname} after "
        "the events falls among the means of random event sets (each panel's null), with "
        "the nominal and calibrated p-values. The last panel's null means come from "
        f"{fname} paths simulated by a GARCH(1,1)-t model fitted to its returns"
        + (
            f"; its persistence is {g.persistence:.3f}"
            + (
                ", at the stationarity boundary, so some simulated paths drift to extreme "
                "variances (their means lie off the axis, counted in the title): this null is "
                "shown for comparison and not used by the verdict"
                if g.at_boundary
                else ""
            )
            if g is not None
            else ""
        )
        + "."
    )


def _claim_13(a) -> Claim:
    """Claim 13 (the commentary's own caveat) from the first specification's assessment."""
    from ..calendar import halving_phase

    row = _assessment_row(a)
    alpha = a.alpha
    phase = halving_phase(pd.DatetimeIndex(a.placebo.event_dates)) if a.placebo else None
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
        f"{row['events with a complete window']} events"
        + (
            " at "
            + ", ".join(f"{f:.0%}" for f in phase["cycle_fraction"])
            + " of their halving cycles"
            if phase is not None and len(phase)
            else ""
        )
        + f": exact sign test cannot go below p = {row['min p, exact sign test']:.3g}; "
        f"calibrated p: placebo {row['placebo p, calibrated']:.3g}, halving-matched "
        f"{row['halving-matched p, calibrated']:.3g}, era-stratified "
        f"{row['era-stratified p, calibrated']:.3g}, hit count "
        f"{row['hit count p, calibrated']:.3g}; verdict {label_words(a.verdict_label)}"
        + (f" (rests on {row['fragile: rests on']})" if a.fragile_events else "")
    )
    return Claim(
        number="13",
        claim="Two samples cannot prove causation; the halving cycle coincides (the "
        "commentary's own caveat)",
        stated="two events cannot establish the signal; the halving cycle may explain it",
        measured=measured,
        rule="confirmed if any of the exact sign-test floor, the calibrated halving-matched "
        f"p or the calibrated hit-count p is >= {alpha:g} for the commentary's events, or "
        "the verdict rests on one event (fragile)",
        verdict=(
            "confirmed ("
            + ", ".join(
                [f"{k} >= {alpha:g}" for k in weak]
                + (["fragile: rests on " + row["fragile: rests on"]] if a.fragile_events else [])
            )
            + ")"
        )
        if weak or a.fragile_events
        else "not confirmed",
        numbers={
            ("assess_signal_verdict" if k == "verdict" else k): (
                float(v) if isinstance(v, int | float | np.floating) else v
            )
            for k, v in row.items()
        },
    )


def robustness_section(doc, numbers, cases: list[Case], *, alpha, horizon):
    """Every specification side by side; leave-one-event-out; horizons together."""
    import matplotlib.pyplot as plt

    from ._figures import fig_specifications

    s = doc.section("Robustness: does the verdict survive other reasonable choices?")
    s.text(
        "The same tests under each specification: the breakout defined on closes (the "
        "commentary's 2016 and 2020 events) or on daily highs (adding the November 2024 "
        "intraday breakout), Bitcoin's Yahoo history from 2014 or with the Coin Metrics "
        "back-history from 2010, as of the commentary's date or with all data. The "
        f"family-wise p judges the horizons 90, 180 and {horizon} days together (the smallest "
        "p over shared placebo draws), so picking the best horizon after the fact is paid "
        "for. Drought length and holding period are varied in the backtest's grid."
    )
    table = pd.DataFrame({c.name: spec_row(c) for c in cases}).T
    table.index.name = "specification"
    for col in table.columns:
        if col == "events with a complete window":
            table[col] = table[col].astype(int)
        elif col not in ("definition", "fragile: rests on", "verdict"):
            table[col] = table[col].astype(float)
    s.table(table, caption=f"Specifications ({horizon}-day horizon; calibrated p-values)")
    s.figure(
        fig_specifications(table, alpha),
        "specifications",
        "Calibrated p-values of the verdict's tests under each specification; a test "
        f"distinguishes the events from chance when its point lies left of the {alpha:g} line.",
    )
    for c in cases:
        loo = c.result.leave_one_out
        if len(loo) and c.as_of is not None:
            t = loo.set_index("left_out").copy()
            t["verdict_without"] = [label_words(v) for v in t["verdict_without"]]
            t = t.rename(columns=_LOO_NAMES)
            t.index.name = "event left out"
            s.table(t, caption=f"Leave one event out: {c.name}")
    plt.close("all")
    numbers["robustness"] = {
        "specifications": table,
        "leave_one_out": {c.name: c.result.leave_one_out for c in cases},
        "family_wise": {c.name: c.result.family_wise for c in cases},
    }
    return s


def scan_available() -> bool:
    """Whether :func:`riskcycle.scan` (the ``riskcycle.scanning`` package) is installed."""
    import importlib.util

    try:
        return importlib.util.find_spec("riskcycle.scanning") is not None
    except (ImportError, ValueError):
        return False


def scan_block(s, numbers, col, leader, follower, *, as_of, rule, n_resamples, rng) -> None:
    """A small scan (drought, margin, close/intraday, horizon, Bitcoin history) with its
    specification curve and joint p, added to the robustness section ``s``."""
    import matplotlib.pyplot as plt

    from ..scanning import scan
    from ._figures import fig_scan_curve

    lname = display_name(leader, "leader")
    name = follower.attrs.get("name", "follower")
    if name == "btc_long" and "source" in follower:
        yahoo = follower.loc[follower["source"] == "yahoo"].copy()
        yahoo.attrs = dict(follower.attrs, name="btc")
        followers = {"Bitcoin from 2014": yahoo, "Bitcoin from 2010": follower}
    else:
        followers = {display_name(follower, name): follower}
    base = {"method": "record", "min_gap": rule["min_gap"], "margin": rule["margin"]}
    definitions = [
        dict(base, use_high=False),
        dict(base, use_high=True),
        dict(base, min_gap=2 * rule["min_gap"], use_high=False),
        dict(base, margin=rule["margin"] + 0.02, use_high=False),
    ]
    horizons = (180, 365)
    res = col.run(
        "scan",
        lambda: scan(
            {lname: leader},
            followers,
            definitions=definitions,
            horizons=horizons,
            as_of=as_of,
            bitcoin_like=list(followers) if "Bitcoin" in " ".join(followers) else "auto",
            n_resamples=max(99, min(n_resamples, 499)),
            n_calibration=max(199, min(n_resamples, 999)),
            backend="sequential",
            rng=rng,
        ),
    )
    cells = res.cells
    t = _scan_table(cells)
    joint = float(res.pvalue_joint)
    n_ok = int(cells["pvalue"].notna().sum()) if "pvalue" in cells else len(cells)
    n_bh = int(cells["significant_bh"].sum()) if "significant_bh" in cells else 0
    s.text(
        f"A scan of {n_ok} cells as of {as_of:%Y-%m-%d} ({len(definitions)} breakout "
        f"definitions: the report's, intraday, twice the drought, 2 points more margin; "
        f"horizons {', '.join(map(str, horizons))} days; "
        + " and ".join(followers)
        + f") with riskcycle.scan: {n_bh} of {n_ok} cells pass Benjamini-Hochberg at "
        f"{res.alpha:g}; the joint p over all cells (family-wise per follower on shared "
        f"shifts, Bonferroni across followers) is {joint:.3g}, so the scan as a whole "
        + ("distinguishes" if joint < res.alpha else "does not distinguish")
        + " the breakouts from chance."
    )
    for note in getattr(res, "notes", ()):
        s.text(f"Scan note: {note}")
    s.table(t.set_index("follower"), caption="Scan cells (calibrated placebo p-values)")
    s.figure(
        fig_scan_curve(cells, lname, res.alpha),
        "scan",
        "Specification curve: each cell's effect (mean log return after the breakouts minus "
        "that of random dates) with its 95% interval, sorted; filled markers pass "
        f"Benjamini-Hochberg at {res.alpha:g}. Joint p = {joint:.3g}.",
    )
    plt.close("all")
    numbers["scan"] = {
        "cells": cells.drop(columns=["cell_notes"], errors="ignore"),
        "pvalue_joint": joint,
        "family_wise": res.family_wise,
    }


def _scan_table(cells: pd.DataFrame) -> pd.DataFrame:
    """The scan's cells with readers' column names and verdicts."""
    keep = [
        "follower",
        "definition",
        "horizon",
        "n_events",
        "effect",
        "pvalue_calibrated_placebo",
        "qvalue_bh",
        "pvalue_family_wise",
        "verdict",
    ]
    t = cells[[c for c in keep if c in cells]].copy()
    if "verdict" in t:
        t["verdict"] = [label_words(v) if isinstance(v, str) else "" for v in t["verdict"]]
    t = t.rename(
        columns={
            "n_events": "events",
            "effect": "effect (log, vs random dates)",
            "pvalue_calibrated_placebo": "placebo p, calibrated",
            "qvalue_bh": "q (Benjamini-Hochberg)",
            "pvalue_family_wise": "family-wise p",
        }
    )
    return t
