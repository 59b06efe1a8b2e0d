"""The result of :func:`riskcycle.regimes.volatility_regimes`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._results import ResultMixin, Summary
from .._typing import AxesLike
from .._validation import fmt_date
from ._bootstrap import ConfidenceInterval, VolatilityRatioResult
from ._correlation import CorrelationRegimeResult
from ._garch import VarianceShiftResult
from ._icss import ICSSResult

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["RegimeResult"]

_REALIZED_QUANTITIES = (
    "n_obs",
    "mean_return",
    "volatility",
    "parkinson_volatility",
    "garman_klass_volatility",
    "downside_semivolatility",
    "skewness",
    "excess_kurtosis",
    "max_drawdown",
)
_GARCH_QUANTITIES = ("persistence", "half_life", "unconditional_volatility", "nu", "loglikelihood")


def _rows(section: str, regime: str, model: str, values: dict[str, Any]) -> list[tuple]:
    return [(section, regime, model, q, float(v)) for q, v in values.items()]


@dataclass(frozen=True, slots=True, kw_only=True)
class RegimeResult(ResultMixin):
    """Volatility regimes between break dates.

    Attributes
    ----------
    statistic : ndarray
        Volatility ratio (regime after / regime before) at each break.
    pvalue : ndarray
        Block-bootstrap p-value at each break (``alternative``).
    confidence_interval : ConfidenceInterval
        ``low`` and ``high`` arrays, one entry per break.
    bootstrap_distribution : ndarray, shape (n_breaks, n_resamples)
        Bootstrap ratios.
    realized : pandas.DataFrame
        Per regime: ``n_obs``, annualised ``mean_return``, ``volatility``
        (close-to-close), ``parkinson_volatility`` and ``garman_klass_volatility``
        (NaN without OHLC), ``downside_semivolatility``, ``skewness``,
        ``excess_kurtosis``, ``max_drawdown``.
    garch : pandas.DataFrame
        Per regime and model (``garch``, ``gjr``): persistence, half-life (bars),
        annualised unconditional volatility, ``nu``, log-likelihood,
        ``converged`` and ``reason`` (why a value is NaN).
    garch_params : pandas.DataFrame
        Parameter estimates and robust standard errors (percent returns).
    variance_shift : VarianceShiftResult or None
        Full-sample GARCH with a variance-intercept shift and its LR test.
    ratio_tests : tuple of VolatilityRatioResult
        The test at each break, with the F, Levene and Brown-Forsythe tests.
    icss : ICSSResult or None
        Breaks detected without the given dates.
    correlation : CorrelationRegimeResult or None
        Correlation and beta to the benchmarks, when given.
    conditional_volatility : pandas.DataFrame
        Annualised conditional volatility: per-regime ``garch`` and ``gjr`` fits
        and the full-sample ``variance_shift`` model.
    """

    statistic: np.ndarray
    pvalue: np.ndarray
    confidence_interval: ConfidenceInterval
    bootstrap_distribution: np.ndarray = field(repr=False)
    breaks: pd.DatetimeIndex
    periods_per_year: float
    realized: pd.DataFrame
    garch: pd.DataFrame
    garch_params: pd.DataFrame
    variance_shift: VarianceShiftResult | None
    ratio_tests: tuple[VolatilityRatioResult, ...] = field(repr=False)
    icss: ICSSResult | None
    correlation: CorrelationRegimeResult | None
    conditional_volatility: pd.DataFrame = field(repr=False)
    prices: pd.Series = field(repr=False)
    returns: pd.Series = field(repr=False)
    window: pd.Timedelta | None
    n_resamples: int
    confidence_level: float
    alternative: str
    scale: float
    null_hypothesis: str
    notes: tuple[str, ...]
    versions: dict[str, str] = field(repr=False)

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{fmt_date(b)}: ratio={s:.3g} [{lo:.3g}, {hi:.3g}] p={p:.3g}"
            for b, s, lo, hi, p in zip(
                self.breaks,
                self.statistic,
                self.confidence_interval.low,
                self.confidence_interval.high,
                self.pvalue,
                strict=True,
            )
        )
        return f"RegimeResult({parts})"

    @property
    def findings(self) -> tuple[str, ...]:
        """One plain-language sentence per break: what changed, by how much, how sure."""
        out = []
        level = round(100 * self.confidence_level)
        vol = self.realized["volatility"].to_numpy()
        for j, (b, t) in enumerate(zip(self.breaks, self.ratio_tests, strict=True)):
            lo, hi = t.confidence_interval.low, t.confidence_interval.high
            if not np.isfinite(t.statistic):
                out.append(f"At {fmt_date(b)}: no ratio could be computed.")
                continue
            moved = "fell" if t.statistic < 1 else "rose"
            if np.isfinite(lo) and np.isfinite(hi) and (hi < 1 or lo > 1):
                sure = f"the {level}% interval excludes 1"
            else:
                sure = f"the {level}% interval includes 1 (no change is compatible with the data)"
            out.append(
                f"At {fmt_date(b)} annualised volatility {moved} from {vol[j]:.1%} to "
                f"{vol[j + 1]:.1%}: ratio {t.statistic:.3f}, {level}% CI [{lo:.3f}, {hi:.3f}], "
                f"block-bootstrap p = {t.pvalue:.4g}; {sure}."
            )
        return tuple(out)

    # ------------------------------------------------------------------ views
    def to_frame(self) -> pd.DataFrame:
        """Every number in one tidy frame: ``section, regime, model, quantity, value``.

        ``regime`` is a regime label (``"2014-09-18/2024-01-09"``), ``"break
        2024-01-10"`` for comparisons at a break, or ``"full sample"``; ``model`` is
        the GARCH model, the test or the benchmark ("" when none applies).
        """
        rows = [
            *_fit_rows(self.realized, self.garch, self.garch_params),
            *_ratio_rows(self.breaks, self.ratio_tests),
            *_shift_rows(self.variance_shift),
            *_icss_rows(self.icss, self.breaks),
            *_correlation_rows(self.correlation),
        ]
        return pd.DataFrame(rows, columns=["section", "regime", "model", "quantity", "value"])

    def _summary(self) -> Summary:
        tables = []
        real = self.realized.set_index("label")[list(_REALIZED_QUANTITIES)].T
        real.index.name = "realised (annualised)"
        tables.append(("Realised measures by regime", real))
        if len(self.garch):
            g = self.garch.set_index(["model", "label"])[list(_GARCH_QUANTITIES)]
            g.index = [f"{m} {lab}" for m, lab in g.index]
            tables.append(
                (
                    f"GARCH-t per regime (percent returns, scale {self.scale:g}); "
                    "half-life in bars",
                    g,
                )
            )
        rt = []
        for b, t in zip(self.breaks, self.ratio_tests, strict=True):
            f = t.to_frame()
            f.index = [f"{fmt_date(b)} {x}" for x in f["test"]]
            rt.append(f.drop(columns=["test", "assumes"]))
        tables.append(("Volatility ratio after/before at each break", pd.concat(rt)))
        notes = [*self.findings, f"Null hypothesis of the p-values: {self.null_hypothesis}"]
        if self.variance_shift is not None:
            vs = self.variance_shift
            vtab = vs.params.copy()
            tables.append(
                (
                    f"Full-sample {vs.model.upper()}-t with variance-intercept shift: "
                    f"LR = {vs.statistic:.3f}, df = {vs.df}, p = {vs.pvalue:.4g}",
                    vtab,
                )
            )
            tables.append(
                (
                    "Implied by the shift model",
                    vs.regimes.set_index("label")[
                        ["omega", "unconditional_volatility", "persistence", "half_life"]
                    ],
                )
            )
            notes += [vs.method, *vs.notes]
        if self.icss is not None:
            rel = self.icss.relative_to(self.breaks).set_index("reference_date")
            brk = ", ".join(fmt_date(d) for d in self.icss.break_dates) or "none"
            tables.append((f"ICSS ({self.icss.test}) breaks: {brk}", rel))
        if self.correlation is not None:
            ch = self.correlation.changes.copy()
            ch.index = [f"{r.benchmark} {r.quantity}" for r in ch.itertuples()]
            tables.append(
                (
                    f"Correlation/beta change ({self.correlation.frequency} returns)",
                    ch[["before", "after", "statistic", "ci_low", "ci_high", "pvalue"]],
                )
            )
        notes += list(self.notes)
        return Summary("Volatility regimes", tables=tuple(tables), notes=tuple(notes))

    def plot(self, ax: AxesLike = None, *, rolling_window: int | None = None) -> Figure:
        """Price with breaks, rolling volatility with regime means, GARCH conditional
        volatility and (when benchmarks were given) rolling correlation.

        Parameters
        ----------
        ax : sequence of matplotlib Axes, optional
            One axis per panel (3, or 4 with correlations); default a new figure.
        rolling_window : int, optional
            Bars in the rolling volatility; default about a month (30 bars at
            365 a year, 21 at 252).

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        n_panels = 4 if self.correlation is not None else 3
        if ax is None:
            fig, axes = plt.subplots(n_panels, 1, figsize=(10, 2.6 * n_panels), sharex=True)
        else:
            axes = list(np.ravel(ax))
            if len(axes) < n_panels:
                raise ValueError(f"`ax` must hold {n_panels} axes; got {len(axes)}.")
            fig = axes[0].figure
        window = rolling_window or round(self.periods_per_year / 12)
        ann = math.sqrt(self.periods_per_year)
        a0, a1, a2 = axes[0], axes[1], axes[2]
        a0.plot(self.prices.index, self.prices.to_numpy(), color="k", lw=0.8)
        a0.set_yscale("log")
        a0.set_ylabel("price (quote currency, log scale)")
        roll = self.returns.rolling(window).std() * ann
        a1.plot(
            roll.index,
            roll.to_numpy(),
            color="0.5",
            lw=0.7,
            label=f"rolling {window}-bar volatility",
        )
        for r in self.realized.itertuples():
            a1.hlines(r.volatility, r.start, r.end, color="C3", lw=2)
        a1.set_ylabel("annualised volatility (fraction)")
        cv = self.conditional_volatility
        for i, col in enumerate(cv.columns):
            a2.plot(cv.index, cv[col].to_numpy(), lw=0.7, color=f"C{i}", label=col)
        a2.set_ylabel("GARCH cond. volatility\n(annualised fraction)")
        if len(cv.columns):
            a2.legend(loc="upper right", fontsize="small")
        a1.legend(loc="upper right", fontsize="small")
        if self.correlation is not None:
            self.correlation.plot(ax=axes[3])
        for a in axes[:n_panels]:
            for b in self.breaks:
                a.axvline(b, color="C3", ls="--", lw=0.9)
            if self.icss is not None and self.icss.break_dates is not None:
                for b in self.icss.break_dates:
                    a.axvline(b, color="C2", ls=":", lw=0.9)
        axes[n_panels - 1].set_xlabel("date")
        axes[0].set_title("Volatility regimes (dashed: given breaks; dotted: ICSS breaks)")
        return fig


def _fit_rows(realized: pd.DataFrame, garch: pd.DataFrame, params: pd.DataFrame) -> list:
    rows: list[tuple] = []
    for r in realized.itertuples():
        rows += _rows("realized", r.label, "", {q: getattr(r, q) for q in _REALIZED_QUANTITIES})
    for r in garch.itertuples():
        rows += _rows("garch", r.label, r.model, {q: getattr(r, q) for q in _GARCH_QUANTITIES})
    for r in params.itertuples():
        rows += _rows(
            "garch_params",
            r.label,
            r.model,
            {r.parameter: r.estimate, f"{r.parameter}_std_error": r.std_error},
        )
    return rows


def _ratio_rows(breaks: pd.DatetimeIndex, ratio_tests: tuple) -> list:
    rows: list[tuple] = []
    for b, t in zip(breaks, ratio_tests, strict=True):
        reg = f"break {fmt_date(b)}"
        rows += _rows(
            "ratio_test",
            reg,
            "block_bootstrap",
            {
                "ratio": t.statistic,
                "ci_low": t.confidence_interval.low,
                "ci_high": t.confidence_interval.high,
                "pvalue": t.pvalue,
                "block_length_before": t.block_length[0],
                "block_length_after": t.block_length[1],
            },
        )
        for c in t.classic_tests.itertuples():
            rows += _rows(
                "ratio_test", reg, c.test, {"statistic": c.statistic, "pvalue": c.pvalue}
            )
    return rows


def _shift_rows(vs: VarianceShiftResult | None) -> list:
    if vs is None:
        return []
    rows = _rows(
        "variance_shift",
        "full sample",
        vs.model,
        {
            "lr_statistic": vs.statistic,
            "pvalue": vs.pvalue,
            "df": vs.df,
            "loglikelihood": vs.loglikelihood,
            "loglikelihood_restricted": vs.loglikelihood_restricted,
        },
    )
    for name, p in vs.params.iterrows():
        rows += _rows(
            "variance_shift",
            "full sample",
            vs.model,
            {name: p["estimate"], f"{name}_std_error": p["std_error"]},
        )
    for r in vs.regimes.itertuples():
        rows += _rows(
            "variance_shift",
            r.label,
            vs.model,
            {
                "unconditional_volatility": r.unconditional_volatility,
                "persistence": r.persistence,
                "half_life": r.half_life,
            },
        )
    return rows


def _icss_rows(icss: ICSSResult | None, breaks: pd.DatetimeIndex) -> list:
    if icss is None:
        return []
    rows = _rows(
        "icss",
        "full sample",
        icss.test,
        {
            "statistic": icss.statistic,
            "pvalue": icss.pvalue,
            "critical_value": icss.critical_value,
            "n_breaks": icss.n_breaks,
        },
    )
    for r in icss.relative_to(breaks).itertuples():
        rows += _rows(
            "icss",
            f"break {fmt_date(r.reference_date)}",
            icss.test,
            {"nearest_break_offset_days": r.offset_days},
        )
    return rows


def _correlation_rows(corr: CorrelationRegimeResult | None) -> list:
    if corr is None:
        return []
    rows: list[tuple] = []
    for r in corr.regimes.itertuples():
        rows += _rows(
            "correlation",
            r.label,
            r.benchmark,
            {"correlation": r.correlation, "beta": r.beta, "n_obs": r.n_obs},
        )
    for r in corr.changes.itertuples():
        rows += _rows(
            "correlation",
            f"break {fmt_date(r.break_date)}",
            r.benchmark,
            {
                f"{r.quantity}_change": r.statistic,
                f"{r.quantity}_change_ci_low": r.ci_low,
                f"{r.quantity}_change_ci_high": r.ci_high,
                f"{r.quantity}_change_pvalue": r.pvalue,
            },
        )
    return rows
