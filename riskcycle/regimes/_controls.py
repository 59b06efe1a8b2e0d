"""Confounder controls for a volatility change at a break date.

Two questions a pre/post comparison cannot answer on its own:

* Does volatility always fall at this point of Bitcoin's halving cycle?
  :func:`~riskcycle.regimes.halving_phase_control` repeats the equal-window comparison at the same
  cycle phase in earlier halving cycles.
* Did every market calm down at the same time? :func:`~riskcycle.regimes.cross_market_control`
  repeats it for other series (Russell 2000, S&P 500) over the same dates.

Both compare equal calendar windows before and after the date (``window``), so a
24/7 series and an exchange-traded one cover the same stretch of time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._clocks import halving_phase_of
from .._results import ResultMixin, Summary, package_versions
from .._rng import RNGLike, check_rng, spawn
from .._typing import AxesLike, DateLike, PricesLike
from .._validation import (
    check_alternative,
    check_block_length,
    check_choice,
    check_confidence_level,
    check_n_resamples,
    check_timestamp,
    fmt_date,
)
from ..calendar import HALVINGS
from ._bootstrap import VolatilityRatioResult, _ratio_test
from ._input import check_mapping, check_periods_per_year, check_window, log_returns, price_frame

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["ControlResult", "cross_market_control", "halving_phase_control"]

ALIGNMENTS = ("cycle_fraction", "days_since_halving", "days_to_halving")
MIN_WINDOW_OBS = 20
_COLUMNS = [
    "label",
    "role",
    "date",
    "window_start",
    "window_end",
    "n_before",
    "n_after",
    "volatility_before",
    "volatility_after",
    "ratio",
    "ci_low",
    "ci_high",
    "pvalue",
    "f_test_pvalue",
    "brown_forsythe_pvalue",
    "block_length_before",
    "block_length_after",
    "reason",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlResult(ResultMixin):
    """Equal-window volatility comparisons at a set of dates or for a set of markets.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per comparison: ``label, role, date, window_start, window_end,
        n_before, n_after, volatility_before, volatility_after`` (annualised),
        ``ratio, ci_low, ci_high, pvalue`` (block bootstrap), ``f_test_pvalue``,
        ``brown_forsythe_pvalue`` (assume independent returns), block lengths and
        ``reason`` (why a row is NaN); the halving control adds ``epoch``,
        ``days_since_halving`` and ``cycle_fraction``.
    ratio_tests : dict of VolatilityRatioResult
        The full test result of each computed row, by label.
    """

    kind: str
    table: pd.DataFrame
    ratio_tests: dict[str, VolatilityRatioResult] = field(repr=False)
    break_date: pd.Timestamp
    window: pd.Timedelta
    n_resamples: int
    confidence_level: float
    alternative: str
    null_hypothesis: str
    method: str
    versions: dict[str, str] = field(repr=False)

    def __repr__(self) -> str:
        ok = self.table.dropna(subset=["ratio"])
        parts = ", ".join(f"{r.label}: {r.ratio:.2f}" for r in ok.itertuples())
        return f"ControlResult({self.kind}, {fmt_date(self.break_date)}, ratios: {parts})"

    @property
    def fell(self) -> pd.Series:
        """Whether volatility fell (ratio < 1) in each computed row, by label."""
        ok = self.table.dropna(subset=["ratio"])
        return pd.Series(ok["ratio"].to_numpy() < 1.0, index=ok["label"].to_numpy(), name="fell")

    def to_frame(self) -> pd.DataFrame:
        """The comparison table (tidy, one row per comparison)."""
        return self.table.copy()

    def _findings(self) -> list[str]:
        out = []
        level = round(100 * self.confidence_level)
        for r in self.table.dropna(subset=["ratio"]).itertuples():
            moved = "fell" if r.ratio < 1 else "rose"
            sig = (
                "interval excludes 1"
                if (r.ci_high < 1 or r.ci_low > 1)
                else "interval includes 1 (no change is compatible)"
            )
            out.append(
                f"{r.label}: volatility {moved} from {r.volatility_before:.1%} to "
                f"{r.volatility_after:.1%} (ratio {r.ratio:.3f}, {level}% CI "
                f"[{r.ci_low:.3f}, {r.ci_high:.3f}], p = {r.pvalue:.4g}; {sig})."
            )
        return out

    def _summary(self) -> Summary:
        cols = [
            "date",
            "n_before",
            "n_after",
            "volatility_before",
            "volatility_after",
            "ratio",
            "ci_low",
            "ci_high",
            "pvalue",
            "f_test_pvalue",
            "brown_forsythe_pvalue",
        ]
        table = self.table.set_index("label")[cols]
        notes = [*self._findings(), f"Null hypothesis of the p-values: {self.null_hypothesis}"]
        notes.append(self.method)
        others = self.table[self.table["role"] != "actual"].dropna(subset=["ratio"])
        if self.kind == "halving_phase" and len(others):
            k = int((others["ratio"] < 1).sum())
            notes.append(
                f"Volatility fell at the same phase in {k} of {len(others)} earlier "
                "cycle(s) with data."
            )
        elif self.kind == "cross_market":
            ok = self.table.dropna(subset=["ratio"])
            k = int((ok["ratio"] < 1).sum())
            notes.append(f"Volatility fell in {k} of {len(ok)} market(s) over the same windows.")
        skipped = self.table[self.table["reason"] != ""]
        notes += [f"{r.label}: {r.reason}" for r in skipped.itertuples()]
        title = {
            "halving_phase": "Same halving-cycle phase in earlier cycles",
            "cross_market": "Same dates in other markets",
        }[self.kind]
        return Summary(
            f"{title}: {fmt_date(self.break_date)}, windows of {self.window.days} days",
            tables=(("Volatility ratio after/before", table),),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Ratios with their confidence intervals, one row per comparison.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axis to draw on; default a new figure.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * len(self.table)))
        t = self.table.reset_index(drop=True)
        y = np.arange(len(t))[::-1]
        # np.array copies: under pandas' copy-on-write, to_numpy() can be a read-only view
        lo = np.array(t["ratio"] - t["ci_low"], dtype=float)
        hi = np.array(t["ci_high"] - t["ratio"], dtype=float)
        lo = np.where(np.isfinite(lo), np.clip(lo, 0.0, None), 0.0)
        hi = np.where(np.isfinite(hi), np.clip(hi, 0.0, None), 0.0)
        colors = ["C3" if r == "actual" else "C0" for r in t["role"]]
        ax.errorbar(t["ratio"], y, xerr=[lo, hi], fmt="none", ecolor="0.5")
        ax.scatter(t["ratio"], y, c=colors, zorder=3)
        ax.axvline(1.0, color="k", ls=":")
        ax.set_yticks(y, t["label"])
        ax.set_xlabel("volatility ratio, after / before (unitless)")
        ax.set_ylabel("comparison")
        return ax.figure


def _compare(
    close: pd.Series,
    date: pd.Timestamp,
    window: pd.Timedelta,
    ppy: float,
    *,
    n_resamples: int,
    confidence_level: float,
    alternative: str,
    block_length: float | None,
    rng: np.random.Generator,
) -> tuple[dict[str, Any], VolatilityRatioResult | None]:
    """One equal-window comparison: returns in [date - window, date) vs [date, date + window)."""
    start, end = date - window, date + window
    row: dict[str, Any] = dict.fromkeys(_COLUMNS, math.nan)
    row.update(
        date=date,
        window_start=start,
        window_end=end - pd.Timedelta(days=1),
        reason="",
        n_before=0,
        n_after=0,
    )
    first, last = close.index[0], close.index[-1]
    if first > start or last < end - pd.Timedelta(days=1):
        row["reason"] = (
            f"data ({fmt_date(first)} to {fmt_date(last)}) do not cover the "
            f"windows {fmt_date(start)} to {fmt_date(end - pd.Timedelta(days=1))}"
        )
        return row, None
    r = log_returns(close.loc[:end])
    b = r[(r.index >= start) & (r.index < date)].to_numpy()
    a = r[(r.index >= date) & (r.index < end)].to_numpy()
    row.update(n_before=len(b), n_after=len(a))
    if min(len(b), len(a)) < MIN_WINDOW_OBS:
        row["reason"] = f"fewer than {MIN_WINDOW_OBS} returns in a window"
        return row, None
    res = _ratio_test(
        b,
        a,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        alternative=alternative,
        block_length=block_length,
        rng=rng,
    )
    ct = res.classic_tests.set_index("test")["pvalue"]
    row.update(
        volatility_before=res.volatility_before * math.sqrt(ppy),
        volatility_after=res.volatility_after * math.sqrt(ppy),
        ratio=res.statistic,
        ci_low=res.confidence_interval.low,
        ci_high=res.confidence_interval.high,
        pvalue=res.pvalue,
        f_test_pvalue=float(ct["f_test"]),
        brown_forsythe_pvalue=float(ct["brown_forsythe"]),
        block_length_before=res.block_length[0],
        block_length_after=res.block_length[1],
    )
    return row, res


def _common_iv(break_date, window, n_resamples, confidence_level, alternative, block_length, rng):
    date = check_timestamp(break_date, "break_date")
    window = check_window(window, allow_none=False)
    n_resamples = check_n_resamples(n_resamples)
    confidence_level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    block_length = check_block_length(block_length)
    return date, window, n_resamples, confidence_level, alternative, block_length, check_rng(rng)


_NULL = {
    "two-sided": "In each row, volatility is the same in the windows before and after the date.",
    "less": "In each row, volatility did not fall from the window before to the window after.",
    "greater": "In each row, volatility did not rise from the window before to the window after.",
}


def _method(n_resamples: int) -> str:
    return (
        f"Equal calendar windows; stationary block bootstrap within each window "
        f"({n_resamples} resamples, Politis-White block length on squared returns); "
        "F and Brown-Forsythe p-values assume independent returns."
    )


def _placebo_dates(date: pd.Timestamp, align: str) -> pd.DataFrame:
    """The same cycle phase as ``date`` in every earlier halving cycle (epochs >= 1)."""
    ph = halving_phase_of([date], "break_date").iloc[0]
    epoch = int(ph["epoch"])
    if epoch < 1:
        raise ValueError(
            f"`break_date` ({fmt_date(date)}) is before the first halving "
            "(2012-11-28); there is no halving-cycle phase to match."
        )
    starts = pd.DatetimeIndex(HALVINGS["timestamp"]).tz_convert("UTC").tz_localize(None)
    length_e = pd.Timedelta(days=float(ph["cycle_length_days"]))
    since = pd.Timedelta(days=float(ph["days_since_halving"]))
    rows = []
    for e in range(1, epoch + 1):
        h = starts[e - 1]
        if e == epoch:
            d = date
        else:
            length = starts[e] - h
            if align == "days_since_halving":
                d = h + since
            elif align == "cycle_fraction":
                d = h + float(ph["cycle_fraction"]) * length
            else:  # days_to_halving
                d = starts[e] - (length_e - since)
            d = d.normalize()
        p = halving_phase_of([d], "break_date").iloc[0]
        reason = ""
        if int(p["epoch"]) != e:
            reason = f"the matched date {fmt_date(d)} falls outside cycle {e} (align={align!r})"
        rows.append(
            {
                "label": f"cycle {e}" + (" (actual)" if e == epoch else ""),
                "role": "actual" if e == epoch else "placebo",
                "date": d,
                "epoch": e,
                "days_since_halving": float(p["days_since_halving"]),
                "cycle_fraction": float(p["cycle_fraction"]),
                "reason": reason,
            }
        )
    return pd.DataFrame(rows)


def halving_phase_control(
    prices: PricesLike,
    *,
    break_date: DateLike = "2024-01-10",
    window: str | int | pd.Timedelta = "365D",
    align: str = "cycle_fraction",
    periods_per_year: float | None = None,
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
    block_length: float | None = None,
    rng: RNGLike = None,
) -> ControlResult:
    """Compare volatility before/after ``break_date`` with the same cycle phase in earlier cycles.

    Parameters
    ----------
    prices : pandas.Series or DataFrame
        Bitcoin prices (``datasets.load("btc")``, or ``"btc_long"`` to reach
        further back).
    break_date : date, default "2024-01-10"
        The date whose volatility change is examined (the first date after it).
    window : str, timedelta or int, default "365D"
        Length of each of the two calendar windows (an int is days).
    align : {"cycle_fraction", "days_since_halving", "days_to_halving"}
        How "the same phase" is defined: the same fraction of the cycle between
        halvings (default), the same number of days after the halving that opened
        the cycle, or the same number of days before the halving that closed it
        (the current cycle's length is projected as in
        :func:`riskcycle.calendar.halving_phase`).
    periods_per_year : float, optional
        Annualisation; default ``prices.attrs["periods_per_year"]``.
    n_resamples, confidence_level, alternative, block_length, rng
        As in :func:`~riskcycle.regimes.volatility_ratio_test`.

    Returns
    -------
    ControlResult
        Rows ``cycle 1``, ``cycle 2``, ... (placebos) and the actual date; rows
        whose windows the data do not cover are NaN with the reason.

    Raises
    ------
    ValueError
        A ``break_date`` before the first halving, bad options, invalid prices.

    Notes
    -----
    Epochs start at the halving block times of :data:`riskcycle.calendar.HALVINGS`;
    the period before the first halving (from the genesis block) is not a halving
    cycle and is not used. With ``align="cycle_fraction"`` the ETF approval
    (2024-01-10, 93% of the way through the third cycle, about 100 days before
    the fourth halving) matches 2016-04-09 in the first cycle and 2020-02-04 in
    the second, so each after-window contains the next halving, as it does for
    the actual date.
    """
    date, window, n_resamples, confidence_level, alternative, block_length, gen = _common_iv(
        break_date, window, n_resamples, confidence_level, alternative, block_length, rng
    )
    align = check_choice(align, "align", ALIGNMENTS)
    frame = price_frame(prices)
    ppy = check_periods_per_year(periods_per_year, prices)
    dates = _placebo_dates(date, align)
    rows, tests = [], {}
    for (_, d), stream in zip(dates.iterrows(), spawn(gen, len(dates)), strict=True):
        if d["reason"]:
            row: dict[str, Any] = dict.fromkeys(_COLUMNS, math.nan)
            row.update(date=d["date"], n_before=0, n_after=0, reason=d["reason"])
            res = None
        else:
            row, res = _compare(
                frame["close"],
                d["date"],
                window,
                ppy,
                n_resamples=n_resamples,
                confidence_level=confidence_level,
                alternative=alternative,
                block_length=block_length,
                rng=stream,
            )
        row.update(label=d["label"], role=d["role"])
        rows.append(
            {
                **row,
                "epoch": d["epoch"],
                "days_since_halving": d["days_since_halving"],
                "cycle_fraction": d["cycle_fraction"],
            }
        )
        if res is not None:
            tests[d["label"]] = res
    table = pd.DataFrame(
        rows, columns=[*_COLUMNS, "epoch", "days_since_halving", "cycle_fraction"]
    )
    return ControlResult(
        kind="halving_phase",
        table=table,
        ratio_tests=tests,
        break_date=date,
        window=window,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        alternative=alternative,
        null_hypothesis=_NULL[alternative],
        method=_method(n_resamples) + f" Phase matched by {align}.",
        versions=package_versions(),
    )


def cross_market_control(
    markets: dict[str, PricesLike],
    *,
    break_date: DateLike = "2024-01-10",
    window: str | int | pd.Timedelta = "365D",
    periods_per_year: dict[str, float] | None = None,
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
    block_length: float | None = None,
    rng: RNGLike = None,
) -> ControlResult:
    """Compare volatility before/after ``break_date`` in several markets over the same dates.

    Parameters
    ----------
    markets : dict of str to Series/DataFrame
        Prices by label, e.g. ``{"btc": load("btc"), "rut": load("rut"),
        "spx": load("spx")}``; the first entry is marked ``role="actual"``.
    break_date, window
        As in :func:`~riskcycle.regimes.halving_phase_control`; the windows are the same calendar
        dates for every market (365 days hold about 365 BTC returns and 250
        equity-index returns).
    periods_per_year : dict of str to float, optional
        Annualisation per market; default each market's ``attrs``.
    n_resamples, confidence_level, alternative, block_length, rng
        As in :func:`~riskcycle.regimes.volatility_ratio_test`.

    Returns
    -------
    ControlResult

    Raises
    ------
    TypeError, ValueError
        Invalid prices or options; a market without ``periods_per_year``.
    """
    date, window, n_resamples, confidence_level, alternative, block_length, gen = _common_iv(
        break_date, window, n_resamples, confidence_level, alternative, block_length, rng
    )
    markets = check_mapping(markets, "markets")
    if periods_per_year is not None:
        periods_per_year = check_mapping(periods_per_year, "periods_per_year")
        unknown = sorted(set(periods_per_year) - set(markets))
        if unknown:
            raise ValueError(
                f"`periods_per_year` has keys that are not in `markets`: {unknown}; the "
                f"markets are {list(markets)}."
            )
    rows, tests = [], {}
    for i, ((name, data), stream) in enumerate(
        zip(markets.items(), spawn(gen, len(markets)), strict=True)
    ):
        frame = price_frame(data, name=f"markets[{name!r}]")
        ppy = check_periods_per_year(
            (periods_per_year or {}).get(name),
            data,
            name=f"periods_per_year[{name!r}]",
            data_name=f"markets[{name!r}]",
        )
        row, res = _compare(
            frame["close"],
            date,
            window,
            ppy,
            n_resamples=n_resamples,
            confidence_level=confidence_level,
            alternative=alternative,
            block_length=block_length,
            rng=stream,
        )
        row.update(label=name, role="actual" if i == 0 else "control")
        rows.append(row)
        if res is not None:
            tests[name] = res
    return ControlResult(
        kind="cross_market",
        table=pd.DataFrame(rows, columns=_COLUMNS),
        ratio_tests=tests,
        break_date=date,
        window=window,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        alternative=alternative,
        null_hypothesis=_NULL[alternative],
        method=_method(n_resamples),
        versions=package_versions(),
    )
