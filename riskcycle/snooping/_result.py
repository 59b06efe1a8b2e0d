"""Result objects of the snooping statistics (frozen dataclasses)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._results import ResultMixin, Summary, package_versions
from .._typing import AxesLike
from .._validation import check_float

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from collections.abc import Hashable

    from matplotlib.figure import Figure

__all__ = ["MinTRLResult", "PBOResult", "SPAResult", "SharpeRatioResult", "StepMResult"]

RECENTRINGS = ("lower", "consistent", "upper")
NULL_SPA = (
    "No strategy outperforms the benchmark: every expected performance differential "
    "E[d_j] (strategy minus benchmark) is <= 0."
)
NULL_STEPM = (
    "For each strategy j separately: strategy j does not outperform the benchmark "
    "(E[d_j] <= 0); the family-wise error rate over all strategies is controlled."
)


# ---------------------------------------------------------------------------
# SPA, Reality Check, StepM
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class SPAResult(ResultMixin):
    """Hansen's test for superior predictive ability, with White's Reality Check.

    Attributes
    ----------
    statistic : float
        :math:`\\max_j \\sqrt{T}\\,\\bar d_j/\\hat\\omega_j` (studentized) or
        :math:`\\max_j \\sqrt{T}\\,\\bar d_j` (``studentize=False``).
    pvalue : float
        The consistent SPA p-value (Hansen's recommended one); equals ``pvalue_consistent``.
    pvalue_lower, pvalue_consistent, pvalue_upper : float
        SPA p-values with the three recentrings: lower (strategies worse than the
        benchmark are not recentred), consistent (only strategies within
        :math:`\\sqrt{2\\log\\log T}` standard errors below zero are recentred) and
        upper (all recentred, the least favourable configuration).
    reality_check_pvalue : float
        White's (2000) Reality Check p-value: not studentized, all recentred.
    reality_check_statistic : float
        :math:`\\max_j \\sqrt{T}\\,\\bar d_j`.
    pvalue_se : float
        Monte Carlo standard error of ``pvalue``, :math:`\\sqrt{p(1-p)/B}`.
    null_distribution : ndarray, shape (n_resamples, 3)
        Bootstrap maxima under the null for the lower, consistent and upper recentrings
        (columns in that order), on the scale of ``statistic``.
    reality_check_null_distribution : ndarray, shape (n_resamples,)
    strategies : pandas.DataFrame
        One row per strategy (index ``strategy``): ``mean_differential``,
        ``standard_error`` (:math:`\\hat\\omega_j/\\sqrt{T}`), ``t_statistic``,
        ``relevant`` (kept in the consistent null: :math:`\\bar d_j \\ge
        -\\hat\\omega_j\\sqrt{2\\log\\log T / T}`).
    best : object
        Label of the strategy with the largest (studentized) mean differential.
    null_hypothesis : str
    kind : {"returns", "losses"}
    benchmark : str
        ``"zero"``, ``"constant"`` or ``"series"``.
    block_length : float
        Mean block length of the stationary bootstrap.
    block_length_method : str
        ``"politis-white"`` (estimated) or ``"given"``.
    n_resamples, n_obs, n_strategies : int
    studentize, nested : bool
    variance_estimator : str
        ``"stationary-kernel"`` or ``"bootstrap"`` (``nested=True``).
    versions : dict
    """

    statistic: float
    pvalue: float
    pvalue_lower: float
    pvalue_consistent: float
    pvalue_upper: float
    reality_check_pvalue: float
    reality_check_statistic: float
    pvalue_se: float
    null_distribution: np.ndarray = field(repr=False)
    reality_check_null_distribution: np.ndarray = field(repr=False)
    strategies: pd.DataFrame = field(repr=False)
    best: Hashable | None
    null_hypothesis: str = NULL_SPA
    kind: str
    benchmark: str
    block_length: float
    block_length_method: str
    n_resamples: int
    n_obs: int
    n_strategies: int
    studentize: bool
    nested: bool
    variance_estimator: str
    versions: dict = field(default_factory=package_versions, repr=False)

    @property
    def pvalues(self) -> pd.Series:
        """The lower, consistent and upper SPA p-values (the order arch uses)."""
        return pd.Series(
            [self.pvalue_lower, self.pvalue_consistent, self.pvalue_upper],
            index=list(RECENTRINGS),
            name="pvalue",
        )

    def critical_values(self, alpha: float = 0.05) -> pd.Series:
        """Bootstrap critical values of ``statistic`` at significance level ``alpha``, per
        recentring."""
        alpha = check_float(
            alpha,
            "alpha",
            minimum=0.0,
            maximum=1.0,
            inclusive=(False, False),
            what="a probability",
        )
        crit = np.percentile(self.null_distribution, 100.0 * (1.0 - alpha), axis=0)
        return pd.Series(crit, index=list(RECENTRINGS), name="critical_value")

    def to_frame(self) -> pd.DataFrame:
        """One row per test: ``test``, ``recentring``, ``studentized``, ``statistic``,
        ``pvalue``, ``pvalue_se``, ``n_resamples`` (never rounded)."""
        rows = []
        for name, p in zip(RECENTRINGS, self.pvalues, strict=True):
            rows.append(("spa", name, self.studentize, self.statistic, p))
        rows.append(
            (
                "reality_check",
                "upper",
                False,
                self.reality_check_statistic,
                self.reality_check_pvalue,
            )
        )
        df = pd.DataFrame(
            rows, columns=["test", "recentring", "studentized", "statistic", "pvalue"]
        )
        b = self.n_resamples
        df["pvalue_se"] = np.sqrt(df["pvalue"] * (1 - df["pvalue"]) / b)
        df["n_resamples"] = b
        return df

    def __repr__(self) -> str:
        return (
            f"SPAResult(statistic={self.statistic:.4g}, pvalue={self.pvalue:.4g} "
            f"[lower={self.pvalue_lower:.4g}, upper={self.pvalue_upper:.4g}], "
            f"reality_check_pvalue={self.reality_check_pvalue:.4g}, "
            f"n_strategies={self.n_strategies}, n_obs={self.n_obs}, "
            f"n_resamples={self.n_resamples})"
        )

    def _summary(self) -> Summary:
        tests = self.to_frame().set_index(["test", "recentring"])
        tests.index = [f"{a} ({b})" for a, b in tests.index]
        tests.index.name = "test"
        tests = tests[["statistic", "pvalue", "pvalue_se"]]
        top = self.strategies.sort_values("t_statistic", ascending=False).head(10)
        settings = pd.DataFrame(
            {
                "value": [
                    self.kind,
                    self.benchmark,
                    f"{self.block_length:.4g} ({self.block_length_method})",
                    self.n_resamples,
                    self.n_obs,
                    self.n_strategies,
                    self.studentize,
                    self.variance_estimator,
                ]
            },
            index=pd.Index(
                [
                    "kind",
                    "benchmark",
                    "block_length",
                    "n_resamples",
                    "n_obs",
                    "n_strategies",
                    "studentize",
                    "variance_estimator",
                ],
                name="setting",
            ),
        )
        notes = (
            f"Null hypothesis: {self.null_hypothesis}",
            "Stationary bootstrap of the mean differentials; p-values are "
            "(1 + #{null >= statistic}) / (1 + n_resamples).",
            f"Monte Carlo standard error of the consistent p-value: {self.pvalue_se:.2g}.",
        )
        return Summary(
            title="Test for superior predictive ability (Hansen SPA, White RC)",
            tables=(("P-values", tests), ("Best strategies", top), ("Settings", settings)),
            notes=notes,
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Histogram of the bootstrap null distribution (consistent) with the statistic.

        Draws on ``ax`` (a new figure when None) and returns the matplotlib Figure.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        ax.hist(
            self.null_distribution[:, 1],
            bins="auto",
            color="0.6",
            density=True,
            label="bootstrap null (consistent)",
        )
        ax.axvline(
            self.statistic,
            color="C3",
            lw=2,
            label=f"statistic = {self.statistic:.3g} (p = {self.pvalue:.3g})",
        )
        ax.set_xlabel("studentized maximum" if self.studentize else "maximum of sqrt(T) x mean")
        ax.set_ylabel("density")
        ax.set_title(f"SPA test, {self.n_strategies} strategies", fontsize=10)
        ax.legend(fontsize=8)
        return ax.figure


@dataclass(frozen=True, slots=True, kw_only=True)
class StepMResult(ResultMixin):
    """Romano-Wolf StepM: the strategies that beat the benchmark, family-wise error controlled.

    Attributes
    ----------
    superior : list
        Labels of the strategies found superior to the benchmark, in column order.
    rejected : pandas.Series
        Boolean per strategy (index ``strategy``): its null "not better than the
        benchmark" is rejected.
    steps : pandas.DataFrame
        One row per step: ``step``, ``n_tested`` (strategies still in), ``critical_value``,
        ``n_rejected`` (newly rejected at that step).
    alpha : float
        The family-wise error rate controlled.
    spa : SPAResult
        The SPA test computed from the same bootstrap (its ``strategies`` table holds
        the t-statistics compared with the critical values).
    null_hypothesis : str
    versions : dict
    """

    superior: list
    rejected: pd.Series = field(repr=False)
    steps: pd.DataFrame = field(repr=False)
    alpha: float
    spa: SPAResult = field(repr=False)
    null_hypothesis: str = NULL_STEPM
    versions: dict = field(default_factory=package_versions, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per strategy: ``strategy``, ``mean_differential``, ``standard_error``,
        ``t_statistic``, ``superior`` and ``step`` (when it was rejected; NaN if never)."""
        df = self.spa.strategies.copy()
        df["superior"] = self.rejected
        step = pd.Series(np.nan, index=df.index)
        stat = df["t_statistic"].to_numpy()
        done = np.zeros(len(df), dtype=bool)
        for _, row in self.steps.iterrows():
            new = self.rejected.to_numpy() & ~done & (stat > row["critical_value"])
            step[new] = row["step"]
            done |= new
        df["step"] = step
        return df.reset_index()

    def __repr__(self) -> str:
        shown = ", ".join(repr(s) for s in self.superior[:5])
        if len(self.superior) > 5:
            shown += f", ... ({len(self.superior)} in all)"
        return (
            f"StepMResult(superior=[{shown}], alpha={self.alpha:g}, "
            f"n_strategies={self.spa.n_strategies}, n_steps={len(self.steps)})"
        )

    def _summary(self) -> Summary:
        top = self.to_frame().set_index("strategy")
        top = top.sort_values("t_statistic", ascending=False).head(max(10, len(self.superior)))
        steps = self.steps.set_index("step")
        notes = (
            f"Null hypotheses: {self.null_hypothesis}",
            f"Family-wise error rate: {self.alpha:g}; {len(self.superior)} of "
            f"{self.spa.n_strategies} strategies superior.",
            "Critical values: bootstrap quantiles of the maximum over the strategies "
            "still in, consistent recentring (as arch's StepM).",
        )
        return Summary(
            title="Romano-Wolf StepM", tables=(("Steps", steps), ("Strategies", top)), notes=notes
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Sorted t-statistics with the critical value of each step.

        Draws on ``ax`` (a new figure when None) and returns the matplotlib Figure.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        df = self.to_frame().sort_values("t_statistic", ascending=False)
        x = np.arange(len(df))
        sup = df["superior"].to_numpy()
        t = df["t_statistic"].to_numpy()
        ax.plot(x[~sup], t[~sup], ".", color="0.5", label="not rejected")
        ax.plot(x[sup], t[sup], ".", color="C3", label="superior")
        for _, row in self.steps.iterrows():
            ax.axhline(row["critical_value"], ls="--", lw=0.8, color="C0")
        ax.set_xlabel("strategy (sorted)")
        ax.set_ylabel("t statistic" if self.spa.studentize else "sqrt(T) x mean differential")
        ax.set_title(f"StepM at FWER {self.alpha:g}", fontsize=10)
        ax.legend(fontsize=8)
        return ax.figure


# ---------------------------------------------------------------------------
# Sharpe ratios
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class SharpeRatioResult(ResultMixin):
    """Probabilistic or deflated Sharpe ratio.

    Scalar fields are floats for one strategy and pandas Series (index
    ``strategy``) for a DataFrame of several.

    Attributes
    ----------
    method : {"psr", "dsr"}
    probability : float or Series
        PSR / DSR: the probability that the true Sharpe ratio exceeds ``sr_benchmark``.
    statistic : float or Series
        :math:`z = (\\widehat{SR} - SR^*)/\\hat\\sigma(\\widehat{SR})`.
    pvalue : float or Series
        One-sided p-value of "the true Sharpe ratio is at most ``sr_benchmark``",
        ``1 - probability``.
    sharpe_ratio : float or Series
        Per-period Sharpe ratio.
    sr_benchmark : float
        Per-period benchmark; for the DSR the expected maximum Sharpe ratio
        :math:`SR_0` of ``n_trials`` unskilled trials.
    standard_error : float or Series
        :math:`\\sqrt{(1 - \\gamma_3 SR + (\\gamma_4-1)SR^2/4)/(T-1)}` at the estimate.
    n_obs : int or Series
    skew, kurtosis : float or Series
        Skewness and ordinary kurtosis used.
    n_trials : int or None
    sr_variance : float or None
        Per-period variance of the trials' Sharpe ratios (DSR).
    selected : object or None
        The column chosen from a matrix of trials (DSR).
    periods_per_year : float or None
    ddof : int
    null_hypothesis : str
    versions : dict
    """

    method: str
    probability: float | pd.Series
    statistic: float | pd.Series
    pvalue: float | pd.Series
    sharpe_ratio: float | pd.Series
    sr_benchmark: float
    standard_error: float | pd.Series
    n_obs: float | pd.Series
    skew: float | pd.Series
    kurtosis: float | pd.Series
    n_trials: int | None = None
    sr_variance: float | None = None
    selected: Hashable | None = None
    periods_per_year: float | None = None
    ddof: int = 1
    null_hypothesis: str = ""
    versions: dict = field(default_factory=package_versions, repr=False)

    @property
    def sharpe_ratio_annualised(self) -> float | pd.Series:
        """``sharpe_ratio * sqrt(periods_per_year)`` (NaN without ``periods_per_year``)."""
        return self.sharpe_ratio * math.sqrt(self.periods_per_year or math.nan)

    def to_frame(self) -> pd.DataFrame:
        """One row per strategy (``strategy``, ``sharpe_ratio``, ``sr_benchmark``,
        ``standard_error``, ``statistic``, ``probability``, ``pvalue``, ``n_obs``,
        ``skew``, ``kurtosis``, ``n_trials``, ``sr_variance``), never rounded."""
        cols = {
            c: getattr(self, c)
            for c in (
                "sharpe_ratio",
                "sr_benchmark",
                "standard_error",
                "statistic",
                "probability",
                "pvalue",
                "n_obs",
                "skew",
                "kurtosis",
            )
        }
        index = self.sharpe_ratio.index if isinstance(self.sharpe_ratio, pd.Series) else None
        df = pd.DataFrame(cols, index=index if index is not None else [self.selected or 0])
        df["n_trials"] = self.n_trials if self.n_trials is not None else np.nan
        df["sr_variance"] = self.sr_variance if self.sr_variance is not None else np.nan
        df.index.name = "strategy"
        return df.reset_index()

    def __repr__(self) -> str:
        name = "PSR" if self.method == "psr" else "DSR"
        if isinstance(self.probability, pd.Series):
            return f"SharpeRatioResult({name} of {len(self.probability)} strategies)"
        extra = f", n_trials={self.n_trials}" if self.n_trials is not None else ""
        return (
            f"SharpeRatioResult({name}={self.probability:.4g}, sharpe_ratio="
            f"{self.sharpe_ratio:.4g}, sr_benchmark={self.sr_benchmark:.4g}, "
            f"n_obs={self.n_obs}{extra})"
        )

    def _summary(self) -> Summary:
        df = self.to_frame().set_index("strategy")
        title = "Probabilistic Sharpe ratio" if self.method == "psr" else "Deflated Sharpe ratio"
        notes = [
            f"Null hypothesis: {self.null_hypothesis}",
            "Sharpe ratios per period; kurtosis is ordinary (normal = 3).",
        ]
        if self.periods_per_year:
            notes.append(f"Annualisation: {self.periods_per_year:g} periods per year.")
        return Summary(title=title, tables=(("", df),), notes=tuple(notes))


@dataclass(frozen=True, slots=True, kw_only=True)
class MinTRLResult(ResultMixin):
    """Minimum track record length.

    Attributes
    ----------
    min_track_record_length : float or Series
        Observations needed for the PSR to reach ``confidence_level`` (``inf`` when
        the Sharpe ratio does not exceed the benchmark).
    min_track_record_length_years : float or Series
        The same in years (NaN without ``periods_per_year``).
    n_obs : int, Series or None
        The observations available (returns input).
    sharpe_ratio, skew, kurtosis : float or Series
    sr_benchmark, confidence_level : float
    periods_per_year : float or None
    versions : dict
    """

    min_track_record_length: float | pd.Series
    min_track_record_length_years: float | pd.Series
    n_obs: float | pd.Series
    sharpe_ratio: float | pd.Series
    sr_benchmark: float
    skew: float | pd.Series
    kurtosis: float | pd.Series
    confidence_level: float
    periods_per_year: float | None = None
    versions: dict = field(default_factory=package_versions, repr=False)

    @property
    def sufficient(self) -> bool | pd.Series | None:
        """Whether the track record available (``n_obs``) is long enough."""
        if self.n_obs is None:
            return None
        return self.n_obs >= self.min_track_record_length

    def to_frame(self) -> pd.DataFrame:
        """One row per strategy, never rounded."""
        cols = {
            c: getattr(self, c)
            for c in (
                "min_track_record_length",
                "min_track_record_length_years",
                "n_obs",
                "sharpe_ratio",
                "sr_benchmark",
                "skew",
                "kurtosis",
                "confidence_level",
            )
        }
        if cols["n_obs"] is None:
            cols["n_obs"] = np.nan
        index = self.sharpe_ratio.index if isinstance(self.sharpe_ratio, pd.Series) else [0]
        df = pd.DataFrame(cols, index=index)
        df.index.name = "strategy"
        return df.reset_index()

    def __repr__(self) -> str:
        v = self.min_track_record_length
        if isinstance(v, pd.Series):
            return f"MinTRLResult({len(v)} strategies)"
        return (
            f"MinTRLResult(min_track_record_length={v:.6g}, sharpe_ratio="
            f"{self.sharpe_ratio:.4g}, sr_benchmark={self.sr_benchmark:.4g}, "
            f"confidence_level={self.confidence_level:g})"
        )

    def _summary(self) -> Summary:
        return Summary(
            title="Minimum track record length",
            tables=(("", self.to_frame().set_index("strategy")),),
            notes=(
                "Observations at the data's frequency; per-period Sharpe ratios; "
                "ordinary kurtosis (normal = 3).",
            ),
        )


# ---------------------------------------------------------------------------
# PBO
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class PBOResult(ResultMixin):
    """Probability of backtest overfitting (CSCV) and its diagnostics.

    Attributes
    ----------
    pbo : float
        Share of the combinations whose in-sample best strategy ranks in the bottom
        half out of sample (logit :math:`\\lambda \\le 0`).
    logits : ndarray, shape (n_combinations,)
        :math:`\\lambda_c = \\log(\\bar\\omega_c/(1-\\bar\\omega_c))`, with
        :math:`\\bar\\omega_c` the relative out-of-sample rank of the in-sample best.
    relative_ranks : ndarray
        :math:`\\bar\\omega_c = r_c/(N+1)`, rank 1 = worst out of sample.
    selected : ndarray of int
        Column position of the in-sample best strategy, per combination.
    is_performance, oos_performance : ndarray
        The metric of the selected strategy in and out of sample, per combination.
    combinations : ndarray of int, shape (n_combinations, n_partitions // 2)
        The partitions forming the in-sample half of each combination.
    degradation_slope, degradation_intercept, degradation_r2 : float
        Least-squares line of ``oos_performance`` on ``is_performance``: a slope
        below 0 (or far below 1) means that in-sample excellence does not carry over.
    probability_of_loss : float
        Share of combinations whose selected strategy has a negative metric out of
        sample.
    metric : str
        ``"sharpe"``, ``"mean"`` or the callable's name.
    n_partitions, n_combinations, n_obs, n_strategies : int
    strategies : list
        Column labels.
    versions : dict
    """

    pbo: float
    logits: np.ndarray = field(repr=False)
    relative_ranks: np.ndarray = field(repr=False)
    selected: np.ndarray = field(repr=False)
    is_performance: np.ndarray = field(repr=False)
    oos_performance: np.ndarray = field(repr=False)
    combinations: np.ndarray = field(repr=False)
    degradation_slope: float
    degradation_intercept: float
    degradation_r2: float
    probability_of_loss: float
    metric: str
    n_partitions: int
    n_combinations: int
    n_obs: int
    n_strategies: int
    strategies: list = field(repr=False)
    versions: dict = field(default_factory=package_versions, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per combination: ``combination`` (in-sample partitions, e.g. "0-3-5-6"),
        ``selected`` (label), ``is_performance``, ``oos_performance``,
        ``relative_rank``, ``logit`` (never rounded)."""
        return pd.DataFrame(
            {
                "combination": ["-".join(map(str, c)) for c in self.combinations],
                "selected": [self.strategies[j] for j in self.selected],
                "is_performance": self.is_performance,
                "oos_performance": self.oos_performance,
                "relative_rank": self.relative_ranks,
                "logit": self.logits,
            }
        )

    def __repr__(self) -> str:
        return (
            f"PBOResult(pbo={self.pbo:.4g}, degradation_slope={self.degradation_slope:.4g}, "
            f"probability_of_loss={self.probability_of_loss:.4g}, metric={self.metric!r}, "
            f"n_partitions={self.n_partitions}, n_strategies={self.n_strategies})"
        )

    def _summary(self) -> Summary:
        table = pd.DataFrame(
            {
                "value": [
                    self.pbo,
                    self.probability_of_loss,
                    self.degradation_slope,
                    self.degradation_intercept,
                    self.degradation_r2,
                    float(np.median(self.logits)),
                ]
            },
            index=pd.Index(
                [
                    "pbo",
                    "probability_of_loss",
                    "degradation_slope",
                    "degradation_intercept",
                    "degradation_r2",
                    "median_logit",
                ],
                name="statistic",
            ),
        )
        counts = pd.Series([self.strategies[j] for j in self.selected]).value_counts().head(10)
        chosen = pd.DataFrame(
            {"times_selected": counts.to_numpy()}, index=pd.Index(counts.index, name="strategy")
        )
        notes = (
            f"CSCV with {self.n_partitions} partitions of {self.n_obs} observations: "
            f"{self.n_combinations} train/test splits; metric {self.metric!r}; "
            f"{self.n_strategies} strategies.",
            "PBO near 0: the in-sample winner also does well out of sample; near 0.5 or "
            "above: selection by backtest is no better than chance.",
        )
        return Summary(
            title="Probability of backtest overfitting",
            tables=(("", table), ("Most often selected in sample", chosen)),
            notes=notes,
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Histogram of the logits and the degradation scatter, side by side.

        ``ax``: a pair of matplotlib Axes, or None for a new figure. Returns the
        matplotlib Figure (``fig.axes``: the histogram, the scatter).
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(1, 2, figsize=(11, 4))
        a0, a1 = ax
        a0.hist(self.logits, bins="auto", color="0.6", density=True)
        a0.axvline(0.0, color="C3", lw=1.5)
        a0.set_xlabel("logit of the out-of-sample relative rank")
        a0.set_ylabel("density")
        a0.set_title(f"PBO = {self.pbo:.3f}", fontsize=10)
        a1.scatter(self.is_performance, self.oos_performance, s=6, alpha=0.4, color="C0")
        if np.isfinite(self.degradation_slope):
            xs = np.linspace(np.min(self.is_performance), np.max(self.is_performance), 2)
            a1.plot(
                xs,
                self.degradation_intercept + self.degradation_slope * xs,
                color="C3",
                label=f"slope {self.degradation_slope:.3g}, R² {self.degradation_r2:.2f}",
            )
            a1.legend(fontsize=8)
        a1.axhline(0.0, color="0.3", lw=0.8)
        a1.set_xlabel(f"in-sample {self.metric}")
        a1.set_ylabel(f"out-of-sample {self.metric}")
        a1.set_title(
            f"Performance degradation; P(loss) = {self.probability_of_loss:.3f}", fontsize=10
        )
        return a0.figure
