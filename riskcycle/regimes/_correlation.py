r"""Correlation and beta of a follower (BTC) to benchmarks, per regime and rolling.

Returns are paired without look-ahead through :func:`riskcycle.calendar.map_to_follower`:
each benchmark close (known at 16:00 New York) is matched with the first follower
bar that closes at or after it (for daily BTC bars, the same date's bar closing
at 24:00 UTC), and both returns run between consecutive matched points, so they
cover the same stretch of calendar time (weekend BTC moves fall into the
following benchmark interval).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._resample import politis_white_block_length, stationary_index_matrix
from .._results import ResultMixin, Summary, package_versions
from .._rng import RNGLike, check_rng, spawn
from .._typing import AxesLike, ClockLike, DateLike, DatesLike, PricesLike
from .._validation import (
    as_price_frame,
    check_alternative,
    check_block_length,
    check_choice,
    check_confidence_level,
    check_int,
    check_n_resamples,
    fmt_date,
)
from ..calendar import get_clock, map_to_follower
from ._bootstrap import (
    percentile_interval,
    percentile_pvalue,
)
from ._input import check_breaks, check_mapping, regime_labels, regime_names

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["CorrelationRegimeResult", "align_returns", "correlation_regimes"]

FREQUENCIES = ("weekly", "daily")
_DEFAULT_WINDOW = {"weekly": 26, "daily": 126}
_CHUNK_ELEMENTS = 1 << 20


def align_returns(
    follower: pd.Series,
    benchmark: pd.Series,
    *,
    frequency: str = "weekly",
    follower_clock: ClockLike | None = None,
    benchmark_clock: ClockLike | None = None,
) -> pd.DataFrame:
    """Paired log returns ``follower, benchmark`` indexed by the benchmark date ending them.

    ``frequency="weekly"`` samples the last benchmark close of each week
    (Friday-ending weeks). Also returns the matched ``follower_date``.
    """
    bdates = benchmark.index
    if frequency == "weekly":
        keep = ~pd.Index(bdates.to_period("W-FRI")).duplicated(keep="last")
        bdates = bdates[keep]
    m = map_to_follower(
        bdates, follower, leader_clock=benchmark_clock, follower_clock=follower_clock
    )
    ok = (m["status"] == "ok").to_numpy()
    pos = m["position"].to_numpy()[ok]
    dates = bdates[ok]
    fl = np.log(follower.to_numpy()[pos])
    bl = np.log(benchmark.loc[dates].to_numpy())
    step = np.diff(pos) > 0
    out = pd.DataFrame(
        {
            "follower": np.diff(fl),
            "benchmark": np.diff(bl),
            "follower_date": follower.index[pos[1:]],
        },
        index=pd.DatetimeIndex(dates[1:], name="date"),
    )
    return out.loc[step]


def _corr_beta(f: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise correlation and beta (slope of f on b) of 2-D arrays."""
    fm = f - f.mean(axis=-1, keepdims=True)
    bm = b - b.mean(axis=-1, keepdims=True)
    cov = (fm * bm).sum(axis=-1)
    vf = (fm * fm).sum(axis=-1)
    vb = (bm * bm).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return cov / np.sqrt(vf * vb), cov / vb


def _boot_corr_beta(f, b, block_length, n_resamples, rng):
    n = len(f)
    corr, beta = np.empty(n_resamples), np.empty(n_resamples)
    rows = max(1, _CHUNK_ELEMENTS // n)
    for s in range(0, n_resamples, rows):
        k = min(rows, n_resamples - s)
        idx = stationary_index_matrix(rng, n, block_length, k)
        corr[s : s + k], beta[s : s + k] = _corr_beta(f[idx], b[idx])
    return corr, beta


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrelationRegimeResult(ResultMixin):
    """Per-regime and rolling correlation and beta of a follower to benchmarks.

    Attributes
    ----------
    regimes : pandas.DataFrame
        ``benchmark, regime, label, start, end, n_obs, correlation, beta``.
    changes : pandas.DataFrame
        One row per benchmark, break and quantity (``correlation``, ``beta``):
        ``before, after, statistic`` (after - before), ``ci_low, ci_high, pvalue``
        (stationary block bootstrap within each regime), block lengths.
    rolling_correlation, rolling_beta : pandas.DataFrame
        Rolling estimates over ``rolling_window`` periods, one column per benchmark.
    aligned : dict of DataFrame
        The paired returns used, by benchmark.
    """

    regimes: pd.DataFrame
    changes: pd.DataFrame
    rolling_correlation: pd.DataFrame = field(repr=False)
    rolling_beta: pd.DataFrame = field(repr=False)
    aligned: dict[str, pd.DataFrame] = field(repr=False)
    bootstrap_distribution: dict[tuple[str, str, str], np.ndarray] = field(repr=False)
    breaks: pd.DatetimeIndex
    frequency: str
    rolling_window: int
    n_resamples: int
    confidence_level: float
    alternative: str
    null_hypothesis: str
    method: str
    versions: dict[str, str] = field(repr=False)

    def __repr__(self) -> str:
        c = self.changes[self.changes["quantity"] == "correlation"]
        parts = ", ".join(
            f"{r.benchmark}: {r.before:.2f}->{r.after:.2f} (p={r.pvalue:.3g})"
            for r in c.itertuples()
        )
        return f"CorrelationRegimeResult({self.frequency}; {parts})"

    def to_frame(self) -> pd.DataFrame:
        """The ``changes`` table (tidy, one row per benchmark, break and quantity)."""
        return self.changes.copy()

    def _summary(self) -> Summary:
        reg = self.regimes.set_index(["benchmark", "label"])[["n_obs", "correlation", "beta"]]
        ch = self.changes.set_index(["benchmark", "break_date", "quantity"])[
            ["before", "after", "statistic", "ci_low", "ci_high", "pvalue"]
        ]
        return Summary(
            f"Correlation regimes ({self.frequency} returns)",
            tables=(("By regime", reg), ("Change at each break", ch)),
            notes=(self.null_hypothesis, self.method),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Rolling correlations with break lines and per-regime levels.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.5))
        for i, name in enumerate(self.rolling_correlation.columns):
            s = self.rolling_correlation[name]
            ax.plot(s.index, s.to_numpy(), lw=1, color=f"C{i}", label=name)
            for r in self.regimes[self.regimes["benchmark"] == name].itertuples():
                ax.hlines(r.correlation, r.start, r.end, color=f"C{i}", ls=":", lw=1.5)
        for d in self.breaks:
            ax.axvline(d, color="k", ls="--", lw=0.8)
        ax.axhline(0, color="0.6", lw=0.5)
        ax.set_ylabel(
            f"rolling correlation ({self.rolling_window} {self.frequency[:-2]}s)"
            if self.frequency == "weekly"
            else f"rolling correlation ({self.rolling_window} days)"
        )
        ax.set_xlabel("date")
        ax.legend(loc="upper left", fontsize="small")
        return ax.figure


def resolve_clock(clock: Any, data: Any, name: str, data_name: str) -> Any:
    """The explicit clock, else ``data.attrs["clock"]``; an error naming ``name`` otherwise."""
    if clock is None:
        clock = (getattr(data, "attrs", {}) or {}).get("clock")
        if clock is None:
            raise ValueError(
                f"`{name}` is required: `{data_name}` carries no attrs['clock'] (bundled data "
                f"records one; pass e.g. {name}='us_equity_close' or {name}='utc_midnight')."
            )
    return get_clock(clock, name)


def _correlation_regimes_iv(
    follower,
    benchmarks,
    breaks,
    frequency,
    rolling_window,
    follower_clock,
    benchmark_clock,
    n_resamples,
    confidence_level,
    alternative,
    block_length,
    rng,
):
    fol = as_price_frame(follower, name="follower")["close"]
    fclock = resolve_clock(follower_clock, follower, "follower_clock", "follower")
    bench, clocks = {}, {}
    for name, data in check_mapping(benchmarks, "benchmarks").items():
        bench[name] = as_price_frame(data, name=f"benchmarks[{name!r}]")["close"]
        clocks[name] = resolve_clock(
            benchmark_clock, data, "benchmark_clock", f"benchmarks[{name!r}]"
        )
    frequency = check_choice(frequency, "frequency", FREQUENCIES)
    if rolling_window is None:
        rolling_window = _DEFAULT_WINDOW[frequency]
    rolling_window = check_int(
        rolling_window, "rolling_window", minimum=3, what="an integer number of periods"
    )
    n_resamples = check_n_resamples(n_resamples)
    confidence_level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    block_length = check_block_length(block_length)
    brk = check_breaks(breaks, fol.index[1:], data_name="follower")
    return (
        fol,
        bench,
        brk,
        frequency,
        rolling_window,
        fclock,
        clocks,
        n_resamples,
        confidence_level,
        alternative,
        block_length,
        check_rng(rng),
    )


def _regime_rows(name, pair, labels, names, frequency) -> list[dict]:
    """Correlation and beta with benchmark ``name`` in each regime (at least 10 pairs)."""
    f, b = pair["follower"].to_numpy(), pair["benchmark"].to_numpy()
    rows = []
    for k, label in enumerate(names):
        n = int((labels == k).sum())
        if n < 10:
            raise ValueError(
                f"`breaks`: regime {k} ({label}) has {n} paired {frequency} returns with "
                f"benchmark {name!r}; at least 10 are needed."
            )
        c, bt = _corr_beta(f[labels == k][None], b[labels == k][None])
        d = pair.index[labels == k]
        rows.append(
            {
                "benchmark": name,
                "regime": k,
                "label": label,
                "start": d[0],
                "end": d[-1],
                "n_obs": n,
                "correlation": float(c[0]),
                "beta": float(bt[0]),
            }
        )
    return rows


def _regime_bootstrap(fk, bk, block_length, n_resamples, stream):
    """(block length, bootstrap correlations, bootstrap betas) of one regime."""
    if block_length is None:
        z = ((fk - fk.mean()) / fk.std()) * ((bk - bk.mean()) / bk.std())
        lb = politis_white_block_length(z)
    else:
        lb = block_length
    return (lb, *_boot_corr_beta(fk, bk, lb, n_resamples, stream))


def _change_rows(name, brk, rows, boot_by_regime, confidence_level, alternative, boots):
    """The change of correlation and beta at each break (bootstrap draws into ``boots``)."""
    out = []
    for j, d in enumerate(brk):
        before = next(r for r in rows if r["regime"] == j)
        after = next(r for r in rows if r["regime"] == j + 1)
        for qi, q in enumerate(("correlation", "beta")):
            diff = boot_by_regime[j + 1][1 + qi] - boot_by_regime[j][1 + qi]
            lo, hi = percentile_interval(diff, confidence_level, alternative)
            boots[(name, fmt_date(d), q)] = diff
            out.append(
                {
                    "benchmark": name,
                    "break_date": d,
                    "quantity": q,
                    "before": before[q],
                    "after": after[q],
                    "statistic": after[q] - before[q],
                    "ci_low": lo,
                    "ci_high": hi,
                    "pvalue": percentile_pvalue(diff, alternative),
                    "block_length_before": boot_by_regime[j][0],
                    "block_length_after": boot_by_regime[j + 1][0],
                }
            )
    return out


def correlation_regimes(
    follower: PricesLike,
    benchmarks: dict[str, PricesLike],
    *,
    breaks: DateLike | DatesLike = ("2024-01-10",),
    frequency: str = "weekly",
    rolling_window: int | None = None,
    follower_clock: ClockLike | None = None,
    benchmark_clock: ClockLike | None = None,
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
    block_length: float | None = None,
    rng: RNGLike = None,
) -> CorrelationRegimeResult:
    r"""Correlation and beta of ``follower`` to each benchmark, by regime, with bootstrap CIs.

    Parameters
    ----------
    follower : pandas.Series or DataFrame
        Follower prices (e.g. ``datasets.load("btc")``).
    benchmarks : dict of str to Series/DataFrame
        Benchmark prices, e.g. ``{"rut": load("rut"), "spx": load("spx"),
        "ndx": load("ndx")}``.
    breaks : date or sequence of dates, default ("2024-01-10",)
        First dates of the new regimes (assigned by the benchmark date ending
        each return).
    frequency : {"weekly", "daily"}, default "weekly"
        Weekly returns (last close of each Friday-ending week) are the robust
        default: they absorb the few hours between the two closes and BTC's
        weekend trading. ``"daily"`` pairs every benchmark session.
    rolling_window : int, optional
        Periods in the rolling estimates; default 26 weeks or 126 sessions.
    follower_clock, benchmark_clock : SessionClock or str, optional
        When each series' values become known; default ``attrs["clock"]`` of
        bundled data (required for user data).
    n_resamples, confidence_level, alternative, block_length, rng
        Bootstrap settings as in :func:`~riskcycle.regimes.volatility_ratio_test`; the statistic is
        the change (after minus before) and its null value is 0.

    Returns
    -------
    CorrelationRegimeResult

    Raises
    ------
    TypeError, ValueError
        Invalid prices, breaks outside the follower's dates, missing clocks, bad
        options; a regime with fewer than 10 paired returns for a benchmark.

    Notes
    -----
    Correlation is Pearson's; beta is the OLS slope of follower on benchmark
    returns. For each break the two adjacent regimes are resampled independently
    with the stationary bootstrap, resampling pairs (so the dependence between
    the two series is kept); the mean block length is the Politis-White estimate
    for the product of the standardised returns, whose mean is the correlation.
    The interval is the percentile interval of the change and the p-value inverts
    it (null: no change).
    """
    (
        fol,
        bench,
        brk,
        frequency,
        rolling_window,
        fclock,
        clocks,
        n_resamples,
        confidence_level,
        alternative,
        block_length,
        gen,
    ) = _correlation_regimes_iv(
        follower,
        benchmarks,
        breaks,
        frequency,
        rolling_window,
        follower_clock,
        benchmark_clock,
        n_resamples,
        confidence_level,
        alternative,
        block_length,
        rng,
    )
    streams = spawn(gen, len(bench))
    reg_rows, ch_rows, boots, aligned = [], [], {}, {}
    roll_c, roll_b = {}, {}
    for (name, series), stream in zip(bench.items(), streams, strict=True):
        pair = align_returns(
            fol, series, frequency=frequency, follower_clock=fclock, benchmark_clock=clocks[name]
        )
        aligned[name] = pair
        f, b = pair["follower"].to_numpy(), pair["benchmark"].to_numpy()
        labels = regime_labels(pair.index, brk)
        names = regime_names(pair.index, labels, len(brk) + 1)
        rows = _regime_rows(name, pair, labels, names, frequency)
        reg_rows += rows
        boot_by_regime = [
            _regime_bootstrap(f[labels == k], b[labels == k], block_length, n_resamples, stream)
            for k in range(len(names))
        ]
        ch_rows += _change_rows(
            name, brk, rows, boot_by_regime, confidence_level, alternative, boots
        )
        cov = pair["follower"].rolling(rolling_window).cov(pair["benchmark"])
        var_b = pair["benchmark"].rolling(rolling_window).var()
        roll_c[name] = pair["follower"].rolling(rolling_window).corr(pair["benchmark"])
        roll_b[name] = cov / var_b
    null = {
        "two-sided": "The correlation (beta) is the same before and after each break.",
        "less": "The correlation (beta) did not fall at the break.",
        "greater": "The correlation (beta) did not rise at the break.",
    }[alternative]
    method = (
        f"{frequency.capitalize()} log returns paired by map_to_follower (benchmark close "
        "-> first follower bar closing at or after it); stationary block bootstrap of pairs "
        f"within each regime ({n_resamples} resamples, Politis-White block length on the "
        "product of standardised returns unless given); percentile interval, p-value by "
        "inverting it."
    )
    return CorrelationRegimeResult(
        regimes=pd.DataFrame(reg_rows),
        changes=pd.DataFrame(ch_rows),
        rolling_correlation=pd.DataFrame(roll_c),
        rolling_beta=pd.DataFrame(roll_b),
        aligned=aligned,
        bootstrap_distribution=boots,
        breaks=brk,
        frequency=frequency,
        rolling_window=rolling_window,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        alternative=alternative,
        null_hypothesis=null,
        method=method,
        versions=package_versions(),
    )
