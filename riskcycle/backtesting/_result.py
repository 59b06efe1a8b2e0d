"""Result objects of the backtest and the parameter sweep."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._results import ConfidenceInterval, ResultMixin, Summary, package_versions
from .._typing import AxesLike
from .._validation import check_choice

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure
    from vectorbt import Portfolio

__all__ = ["BacktestResult", "ConfidenceInterval", "drawdown", "short_timedelta"]


def drawdown(returns: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Drawdown from the running peak of the compounded value (0 at a peak, -0.3 = 30% below)."""
    value = (1.0 + returns).cumprod()
    return value / np.maximum(value.cummax(), 1.0) - 1.0


def _tear_measures(r: pd.Series, ppy: float) -> dict[str, float]:
    """CAGR, volatility, Sortino, Calmar and drawdown measures of daily simple returns."""
    r = r.astype(float)
    value = (1.0 + r).cumprod()
    years = (r.index[-1] - r.index[0]).days / 365.25 if len(r) > 1 else 0.0
    cagr = float(value.iloc[-1] ** (1.0 / years) - 1.0) if years > 0 else np.nan
    vol = float(r.std(ddof=1) * np.sqrt(ppy)) if len(r) > 1 else np.nan
    downside = float(np.sqrt(np.mean(np.minimum(r.to_numpy(), 0.0) ** 2)))
    sortino = float(r.mean() / downside * np.sqrt(ppy)) if downside > 0 else np.nan
    peak = np.maximum(value.cummax(), 1.0)
    dd = value / peak - 1.0
    mdd = float(-dd.min()) if len(dd) else np.nan
    # longest spell below the running peak, from the peak's date to the recovery
    under = (dd < 0).to_numpy()
    dates = r.index
    longest, start = 0, None
    for i, u in enumerate(under):
        if u and start is None:
            start = i - 1 if i > 0 else 0
        if start is not None and (not u or i == len(under) - 1):
            longest = max(longest, (dates[i] - dates[start]).days)
            start = None
    return {
        "cagr": cagr,
        "volatility": vol,
        "sortino_ratio": sortino,
        "calmar_ratio": cagr / mdd if mdd and mdd > 0 else np.nan,
        "max_drawdown": mdd,
        "max_drawdown_days": float(longest),
    }


def short_timedelta(td: pd.Timedelta) -> str:
    """``"0h"``, ``"4h"``, ``"1D"``, ``"90min"``: a delay as people write it."""
    td = pd.Timedelta(td)
    if td % pd.Timedelta(days=1) == pd.Timedelta(0) and td:
        return f"{td // pd.Timedelta(days=1)}D"
    if td % pd.Timedelta(hours=1) == pd.Timedelta(0):
        return f"{td // pd.Timedelta(hours=1)}h"
    return f"{td.total_seconds() / 60:g}min"


def _fmt_p(p: float) -> str:
    return "nan" if not np.isfinite(p) else f"{p:.4f}"


@dataclass(frozen=True, slots=True, kw_only=True)
class BacktestResult(ResultMixin):
    r"""A look-ahead-free backtest of a leader signal on a follower, with its significance.

    Attributes
    ----------
    portfolio : vectorbt.Portfolio
        The strategy as simulated by :meth:`vectorbt.Portfolio.from_signals` (for
        users who know vectorbt: ``portfolio.trades.records_readable``,
        ``portfolio.plot()``, ...). Use :meth:`portfolio_stats` rather than
        ``portfolio.stats()`` for annualised numbers: vectorbt's own default
        year (``vectorbt.settings.returns["year_freq"]``) is a global setting.
    benchmark_portfolio : vectorbt.Portfolio
        Buy-and-hold of the follower from its first bar, same costs.
    returns, benchmark_returns : pandas.Series
        Daily (per-bar) returns of the strategy and of buy-and-hold, from
        vectorbt's portfolio value (initial cash before the first bar).
    trades : pandas.DataFrame
        One row per trade: ``signal_date``, ``entry_date``, ``entry_price`` (fill,
        slippage included), ``exit_date``, ``exit_price``, ``exit_reason``
        (``"horizon"``, ``"trailing_stop"``, ``"leader_below"`` or ``"open"``),
        ``bars_held``, ``days_held``, ``trade_return`` (net of fees and slippage;
        open trades marked to the last close without exit costs).
    signals : pandas.DataFrame
        One row per leader signal: ``signal_date``, ``information_time``,
        ``available_time`` (information time plus delay), ``entry_date`` (its
        day-0 follower bar) and ``status`` (``"traded"``, ``"in_position"``,
        ``"before_start"``, ``"after_end"``).
    statistic : float
        The strategy's annualised Sharpe ratio (also :attr:`sharpe_ratio`).
    pvalue : float
        Random-entry p-value of the Sharpe ratio.
    pvalue_se : float
        Monte Carlo standard error of :attr:`pvalue`, :math:`\sqrt{p(1-p)/n}` with
        :math:`n` = ``n_resamples`` random-entry strategies: the p-value's
        simulation error, which shrinks with more resamples (NaN without them).
    total_return, total_return_pvalue : float
        Total return and its random-entry p-value.
    total_return_pvalue_se : float
        Monte Carlo standard error of :attr:`total_return_pvalue`.
    min_attainable_pvalue : float
        :math:`1/(n+1)`, the smallest p-value ``n_resamples`` random-entry
        strategies can give (NaN without them).
    benchmark_total_return, benchmark_sharpe_ratio : float
        Buy-and-hold.
    max_drawdown, benchmark_max_drawdown : float
        Largest peak-to-trough loss (negative fraction).
    exposure : float
        Fraction of bars with an open position at the close.
    confidence_interval : ConfidenceInterval
        Stationary-bootstrap percentile interval of the Sharpe ratio.
    null_distribution : pandas.DataFrame
        ``total_return`` and ``sharpe_ratio`` of each random-entry strategy.
    bootstrap_distribution : numpy.ndarray
        Bootstrap replicates of the Sharpe ratio.
    block_length : float
        Mean block length of the stationary bootstrap.
    probabilistic_sharpe_ratio : float
        Probability that the true Sharpe ratio exceeds 0
        (:func:`riskcycle.probabilistic_sharpe_ratio`; NaN when unavailable).
    null_hypothesis : str
    periods_per_year : int
        Annualisation (the follower's clock).
    follower_name, leader_name : str
    settings : dict
        Every setting used (costs, delay, exit rules, vectorbt arguments).
    versions : dict
    """

    portfolio: Portfolio
    benchmark_portfolio: Portfolio
    returns: pd.Series
    benchmark_returns: pd.Series
    trades: pd.DataFrame
    signals: pd.DataFrame
    statistic: float
    pvalue: float
    pvalue_se: float
    total_return: float
    total_return_pvalue: float
    total_return_pvalue_se: float
    min_attainable_pvalue: float
    benchmark_total_return: float
    benchmark_sharpe_ratio: float
    max_drawdown: float
    benchmark_max_drawdown: float
    exposure: float
    confidence_interval: ConfidenceInterval
    null_distribution: pd.DataFrame
    bootstrap_distribution: np.ndarray
    block_length: float
    probabilistic_sharpe_ratio: float
    null_hypothesis: str
    periods_per_year: int
    follower_name: str = "follower"
    leader_name: str = "leader"
    settings: dict = field(default_factory=dict)
    versions: dict = field(default_factory=package_versions)

    @property
    def sharpe_ratio(self) -> float:
        """Annualised Sharpe ratio of the strategy (same as :attr:`statistic`)."""
        return self.statistic

    @property
    def n_trades(self) -> int:
        return len(self.trades)

    def __repr__(self) -> str:
        lo, hi = self.confidence_interval
        return (
            f"BacktestResult({self.leader_name} -> {self.follower_name}, "
            f"trades={self.n_trades}, "
            f"total_return={self.total_return:.4g} (p={_fmt_p(self.total_return_pvalue)}), "
            f"sharpe={self.statistic:.3f} (p={_fmt_p(self.pvalue)}, CI [{lo:.3f}, {hi:.3f}]), "
            f"buy_and_hold={self.benchmark_total_return:.4g})"
        )

    # views ---------------------------------------------------------------------------
    def to_frame(self, kind: str = "returns") -> pd.DataFrame:
        """Tidy tables (never rounded).

        Parameters
        ----------
        kind : {"returns", "trades", "signals", "null", "significance"}
            ``"returns"``: one row per bar with ``date``, ``strategy_return``,
            ``benchmark_return``, ``strategy_value``, ``benchmark_value`` (per unit of
            initial cash), ``strategy_drawdown``, ``benchmark_drawdown`` and
            ``in_position``. ``"trades"``/``"signals"``: :attr:`trades` and
            :attr:`signals`. ``"null"``: the random-entry statistics.
            ``"significance"``: one row per tested statistic (``total_return``,
            ``sharpe_ratio``) with ``observed``, ``pvalue``, ``pvalue_se``,
            ``min_attainable_pvalue`` and ``n_resamples``.
        """
        kind = check_choice(kind, "kind", ("returns", "trades", "signals", "null", "significance"))
        if kind == "significance":
            return pd.DataFrame(
                {
                    "statistic": ["total_return", "sharpe_ratio"],
                    "observed": [self.total_return, self.statistic],
                    "pvalue": [self.total_return_pvalue, self.pvalue],
                    "pvalue_se": [self.total_return_pvalue_se, self.pvalue_se],
                    "min_attainable_pvalue": [self.min_attainable_pvalue] * 2,
                    "n_resamples": [len(self.null_distribution)] * 2,
                }
            )
        if kind == "trades":
            return self.trades.copy()
        if kind == "signals":
            return self.signals.copy()
        if kind == "null":
            return self.null_distribution.copy()
        r, b = self.returns, self.benchmark_returns
        pos = np.zeros(len(r), dtype=bool)
        n = len(r)
        idx = r.index
        for e, x in zip(self.trades["entry_date"], self.trades["exit_date"], strict=True):
            lo = idx.get_loc(e)
            hi = n if pd.isna(x) else idx.get_loc(x)
            pos[lo:hi] = True
        return pd.DataFrame(
            {
                "date": idx,
                "strategy_return": r.to_numpy(),
                "benchmark_return": b.to_numpy(),
                "strategy_value": (1.0 + r).cumprod().to_numpy(),
                "benchmark_value": (1.0 + b).cumprod().to_numpy(),
                "strategy_drawdown": drawdown(r).to_numpy(),
                "benchmark_drawdown": drawdown(b).to_numpy(),
                "in_position": pos,
            }
        )

    def tear_sheet(self) -> pd.DataFrame:
        r"""The measures of a performance tear sheet, for the strategy and buy-and-hold.

        Returns
        -------
        DataFrame
            One row per measure (never rounded): ``cagr`` (compound annual growth over
            the calendar span), ``volatility`` (annualised standard deviation of daily
            returns, :attr:`periods_per_year`), ``sharpe_ratio``, ``sortino_ratio``
            (mean over the downside deviation :math:`\sqrt{\overline{\min(r, 0)^2}}`,
            annualised), ``calmar_ratio`` (CAGR over the maximum drawdown),
            ``max_drawdown`` (a fraction), ``max_drawdown_days`` (calendar days from
            the peak before the deepest-lasting drawdown to the recovery, or to the last
            date when it has not recovered), ``exposure`` (share of bars in position),
            ``win_rate`` (share of trades with a positive return) and ``n_trades``;
            columns ``strategy``, ``buy_and_hold`` and ``random_entry_median`` (the
            median of the random-entry null, where the null holds that measure: total
            return and Sharpe ratio). A measure that does not apply is NaN.
        """
        ppy = float(self.periods_per_year)
        strat = _tear_measures(self.returns, ppy)
        strat["sharpe_ratio"] = float(self.statistic)
        strat["exposure"] = float(self.exposure)
        tr = self.trades["trade_return"].to_numpy(dtype=float) if len(self.trades) else []
        strat["win_rate"] = float(np.mean(np.asarray(tr) > 0)) if len(tr) else np.nan
        strat["n_trades"] = float(self.n_trades)
        bench = _tear_measures(self.benchmark_returns, ppy)
        bench["sharpe_ratio"] = float(self.benchmark_sharpe_ratio)
        bench["exposure"] = 1.0
        bench["win_rate"] = np.nan
        bench["n_trades"] = np.nan
        null = self.null_distribution
        rand = dict.fromkeys(strat, np.nan)
        if len(null):
            rand["sharpe_ratio"] = float(np.nanmedian(null["sharpe_ratio"]))
            rand["total_return"] = float(np.nanmedian(null["total_return"]))
        strat["total_return"] = float(self.total_return)
        bench["total_return"] = float(self.benchmark_total_return)
        rows = [
            "total_return",
            "cagr",
            "volatility",
            "sharpe_ratio",
            "sortino_ratio",
            "calmar_ratio",
            "max_drawdown",
            "max_drawdown_days",
            "exposure",
            "win_rate",
            "n_trades",
        ]
        out = pd.DataFrame(
            {
                "strategy": [strat[k] for k in rows],
                "buy_and_hold": [bench[k] for k in rows],
                "random_entry_median": [rand.get(k, np.nan) for k in rows],
            },
            index=pd.Index(rows, name="measure"),
        )
        return out

    def portfolio_stats(self, metrics: str | Sequence[str] | None = None) -> pd.Series:
        """vectorbt's ``Portfolio.stats()`` with the annualisation passed explicitly.

        One bar is ``freq="1D"`` and ``year_freq`` is :attr:`periods_per_year`
        days, so vectorbt's annualisation factor equals the follower's periods per
        year (365 for BTC). Open trades are included. ``metrics`` selects
        vectorbt metrics by name (default: all; the first call compiles them).
        """
        from ._portfolio import year_freq

        settings = dict(
            freq="1D",
            year_freq=year_freq(self.periods_per_year),
            incl_open=True,
            use_asset_returns=False,
        )
        return self.portfolio.stats(metrics=metrics, settings=settings)

    def _summary(self) -> Summary:
        perf = self._performance_table()
        n_null = len(self.null_distribution)
        sig = self._significance_table()
        trades = self.trades.set_index("signal_date")[
            ["entry_date", "exit_date", "exit_reason", "days_held", "trade_return"]
        ]
        s = self.settings
        cl = s.get("confidence_level", 0.95)
        notes = [
            f"Null hypothesis: {self.null_hypothesis}",
            "Random-entry p = (1 + #{null >= observed}) / (1 + n); smallest attainable "
            f"{1.0 / (1 + n_null):.2g}; Monte Carlo standard error sqrt(p (1 - p) / n)."
            if n_null
            else "Random-entry null not computed.",
            f"Sharpe ratio annualised with {self.periods_per_year} periods a year; "
            f"{100 * cl:g}% stationary-bootstrap percentile interval.",
            f"Costs: fees {s.get('fees')} and slippage {s.get('slippage')} per side; "
            f"delay {s.get('delay')}; exits: {s.get('exit_rules')}.",
            "Entry at the close of the first follower bar closing strictly after the signal's "
            "information time plus the delay; exits as documented in riskcycle.backtesting.",
        ]
        n_traded = int((self.signals["status"] == "traded").sum())
        if n_traded < 5:
            notes.append(
                f"Only {n_traded} trades: the statistics rest on very few "
                "independent observations."
            )
        return Summary(
            title=f"Backtest: {self.leader_name} signal -> {self.follower_name}",
            tables=(("Performance", perf), ("Significance", sig), ("Trades", trades)),
            notes=tuple(notes),
        )

    def _performance_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "strategy": [
                    self.total_return,
                    self.statistic,
                    self.max_drawdown,
                    self.exposure,
                    float(self.n_trades),
                ],
                "buy_and_hold": [
                    self.benchmark_total_return,
                    self.benchmark_sharpe_ratio,
                    self.benchmark_max_drawdown,
                    1.0,
                    1.0,
                ],
            },
            index=pd.Index(
                ["total_return", "sharpe_ratio", "max_drawdown", "exposure", "trades"],
                name="measure",
            ),
        )

    def _significance_table(self) -> pd.DataFrame:
        lo, hi = self.confidence_interval
        return pd.DataFrame(
            {
                "value": [
                    self.total_return_pvalue,
                    self.total_return_pvalue_se,
                    self.pvalue,
                    self.pvalue_se,
                    self.min_attainable_pvalue,
                    lo,
                    hi,
                    self.probabilistic_sharpe_ratio,
                    self.block_length,
                    float(len(self.null_distribution)),
                ],
            },
            index=pd.Index(
                [
                    "random_entry_p_total_return",
                    "random_entry_p_total_return_se",
                    "random_entry_p_sharpe",
                    "random_entry_p_sharpe_se",
                    "min_attainable_pvalue",
                    "sharpe_ci_low",
                    "sharpe_ci_high",
                    "probabilistic_sharpe_ratio",
                    "bootstrap_block_length",
                    "n_resamples",
                ],
                name="measure",
            ),
        )

    def plot(self, ax: AxesLike = None, *, log: bool = True) -> Figure:
        """Equity of the strategy against buy-and-hold with trades marked, and drawdowns.

        Parameters
        ----------
        ax : sequence of two matplotlib Axes, optional
            Axes for the equity curves and the drawdowns (a new figure when omitted).
        log : bool, default True
            Logarithmic value axis.

        Returns
        -------
        matplotlib.figure.Figure
            The figure of the two Axes (``fig.axes``: equity, drawdown).
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(
                2, 1, figsize=(9, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
            )
        ax = np.asarray(ax).ravel()
        if len(ax) != 2:
            raise ValueError("`ax` must be two Axes (equity, drawdown).")
        df = self.to_frame("returns").set_index("date")
        ax[0].plot(df.index, df["benchmark_value"], color="0.55", lw=0.9, label="buy and hold")
        ax[0].plot(df.index, df["strategy_value"], color="C0", lw=1.2, label="strategy")
        val = df["strategy_value"]
        ent = pd.DatetimeIndex(self.trades["entry_date"])
        ext = pd.DatetimeIndex(self.trades["exit_date"].dropna())
        ax[0].scatter(ent, val.loc[ent], marker="^", color="C2", zorder=3, s=40, label="entry")
        ax[0].scatter(ext, val.loc[ext], marker="v", color="C3", zorder=3, s=40, label="exit")
        if log:
            ax[0].set_yscale("log")
        ax[0].set_ylabel("value per unit of initial cash")
        ax[0].set_title(
            f"{self.leader_name} signal -> {self.follower_name}: Sharpe "
            f"{self.statistic:.2f} (random-entry p {_fmt_p(self.pvalue)})",
            fontsize=9,
        )
        ax[0].legend(loc="upper left", fontsize=8)
        ax[1].fill_between(
            df.index, df["strategy_drawdown"], 0, color="C0", alpha=0.4, label="strategy"
        )
        ax[1].plot(df.index, df["benchmark_drawdown"], color="0.55", lw=0.8, label="buy and hold")
        ax[1].set_ylabel("drawdown")
        ax[1].legend(loc="lower left", fontsize=8)
        return ax[0].figure
