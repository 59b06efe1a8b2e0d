r"""Stationary block bootstrap of a volatility ratio, and the classic variance tests beside it.

The hot path (drawing stationary-bootstrap indices for thousands of replicates)
is vectorised with numpy: no Python loop runs over replicates, only over chunks
of them sized to bound memory.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from .._resample import politis_white_block_length, resampling_pvalue, stationary_index_matrix
from .._results import ConfidenceInterval, ResultMixin, Summary, package_versions
from .._rng import RNGLike, check_rng
from .._typing import AxesLike, ReturnsLike
from .._validation import (
    check_alternative,
    check_block_length,
    check_confidence_level,
    check_n_resamples,
)
from ..exceptions import DegenerateDataWarning, SmallSampleWarning

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = [
    "ConfidenceInterval",
    "VolatilityRatioResult",
    "percentile_pvalue",
    "volatility_ratio_test",
]

_CHUNK_ELEMENTS = 1 << 21  # indices per chunk of replicates (16 MiB of int64)


# ---------------------------------------------------------------------------
# stationary bootstrap
# ---------------------------------------------------------------------------
def _bootstrap_sd(
    x: np.ndarray, block_length: float, n_resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """Standard deviations (ddof=1) of stationary-bootstrap resamples of ``x``."""
    n = len(x)
    out = np.empty(n_resamples)
    rows = max(1, _CHUNK_ELEMENTS // n)
    for s in range(0, n_resamples, rows):
        b = min(rows, n_resamples - s)
        xs = x[stationary_index_matrix(rng, n, block_length, b)]
        out[s : s + b] = xs.std(axis=1, ddof=1)
    return out


def percentile_pvalue(log_stat: np.ndarray, alternative: str) -> float:
    r"""p-value from inverting the percentile interval of a statistic whose null value is 0.

    With :math:`B` replicates :math:`T^*_b` of the (log) statistic,
    ``"less"`` gives :math:`(1 + \#\{T^*_b \ge 0\})/(B+1)`, ``"greater"``
    :math:`(1 + \#\{T^*_b \le 0\})/(B+1)` and ``"two-sided"`` twice the smaller,
    capped at 1. It is the smallest level at which the percentile interval
    excludes the null value, so the p-value and the interval always agree.
    """
    # "less" (statistic below its null value 0) is rejected when few replicates are >= 0:
    # the resampling p-value of the observed value 0 against the replicates, sides swapped
    side = {"less": "greater", "greater": "less"}.get(alternative, alternative)
    return resampling_pvalue(0.0, log_stat, alternative=side)


def percentile_interval(
    dist: np.ndarray, confidence_level: float, alternative: str
) -> tuple[float, float]:
    """Percentile interval (one-sided alternatives: one bound at ``confidence_level``)."""
    d = dist[np.isfinite(dist)]
    if len(d) == 0:
        return math.nan, math.nan
    a = 1.0 - confidence_level
    if alternative == "two-sided":
        lo, hi = np.quantile(d, [a / 2.0, 1.0 - a / 2.0])
        return float(lo), float(hi)
    if alternative == "less":
        return -math.inf, float(np.quantile(d, confidence_level))
    return float(np.quantile(d, a)), math.inf


# ---------------------------------------------------------------------------
# classic tests
# ---------------------------------------------------------------------------
def classic_variance_tests(
    before: np.ndarray, after: np.ndarray, alternative: str
) -> pd.DataFrame:
    """F test (after/before variances), Levene (mean-centred), Brown-Forsythe (median-centred)."""
    n1, n2 = len(before), len(after)
    v1, v2 = np.var(before, ddof=1), np.var(after, ddof=1)
    rows = []
    if v1 > 0 and n1 > 1 and n2 > 1:
        f = v2 / v1
        cdf, sf = stats.f.cdf(f, n2 - 1, n1 - 1), stats.f.sf(f, n2 - 1, n1 - 1)
        p = {"less": cdf, "greater": sf}.get(alternative, min(1.0, 2.0 * min(cdf, sf)))
        rows.append(
            (
                "f_test",
                float(f),
                float(p),
                alternative,
                "independent, normally distributed returns",
            )
        )
    else:
        rows.append(("f_test", math.nan, math.nan, alternative, "undefined: zero variance before"))
    for name, center in (("levene", "mean"), ("brown_forsythe", "median")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = stats.levene(before, after, center=center)
        rows.append(
            (
                name,
                float(res.statistic),
                float(res.pvalue),
                "two-sided",
                "independent returns (robust to non-normality, not to clustering)",
            )
        )
    return pd.DataFrame(rows, columns=["test", "statistic", "pvalue", "alternative", "assumes"])


# ---------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class VolatilityRatioResult(ResultMixin):
    """Ratio of volatilities after/before with a stationary block-bootstrap CI and p-value.

    Attributes
    ----------
    statistic : float
        :math:`\\hat\\sigma_{\\text{after}} / \\hat\\sigma_{\\text{before}}` (sample
        standard deviations, ddof=1; annualisation cancels).
    pvalue : float
        Bootstrap p-value for ``null_hypothesis`` (inversion of the percentile interval).
    confidence_interval : ConfidenceInterval
        Percentile interval for the ratio.
    bootstrap_distribution : ndarray
        The ``n_resamples`` bootstrap ratios.
    classic_tests : pandas.DataFrame
        F, Levene and Brown-Forsythe tests, which assume independent returns.
    """

    statistic: float
    pvalue: float
    confidence_interval: ConfidenceInterval
    bootstrap_distribution: np.ndarray = field(repr=False)
    volatility_before: float
    volatility_after: float
    n_before: int
    n_after: int
    block_length: tuple[float, float]
    classic_tests: pd.DataFrame = field(repr=False)
    alternative: str
    confidence_level: float
    n_resamples: int
    pvalue_se: float
    null_hypothesis: str
    method: str
    versions: dict[str, str] = field(repr=False)

    def __repr__(self) -> str:
        lo, hi = self.confidence_interval
        return (
            f"VolatilityRatioResult(statistic={self.statistic:.4g}, pvalue={self.pvalue:.4g}, "
            f"confidence_interval=({lo:.4g}, {hi:.4g}), n_before={self.n_before}, "
            f"n_after={self.n_after})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per test: ``test, statistic, pvalue, ci_low, ci_high, alternative, assumes``."""
        lo, hi = self.confidence_interval
        boot = pd.DataFrame(
            [
                {
                    "test": "block_bootstrap_ratio",
                    "statistic": self.statistic,
                    "pvalue": self.pvalue,
                    "ci_low": lo,
                    "ci_high": hi,
                    "alternative": self.alternative,
                    "assumes": (
                        "stationary returns within each regime (volatility clustering allowed)"
                    ),
                }
            ]
        )
        classic = self.classic_tests.assign(ci_low=math.nan, ci_high=math.nan)
        cols = ["test", "statistic", "pvalue", "ci_low", "ci_high", "alternative", "assumes"]
        return pd.concat([boot, classic[cols]], ignore_index=True)[cols]

    def _summary(self) -> Summary:
        table = self.to_frame().set_index("test")
        info = pd.DataFrame(
            {
                "before": [self.n_before, self.volatility_before, self.block_length[0]],
                "after": [self.n_after, self.volatility_after, self.block_length[1]],
            },
            index=pd.Index(["n_obs", "volatility (per bar)", "block_length"], name="quantity"),
        )
        return Summary(
            "Volatility ratio (after / before)",
            tables=(("Samples", info), ("Tests", table)),
            notes=(
                self.null_hypothesis,
                self.method,
                f"Monte Carlo standard error of the bootstrap p-value: {self.pvalue_se:.2g}.",
            ),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Histogram of the bootstrap ratios with the estimate and the interval.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        d = self.bootstrap_distribution[np.isfinite(self.bootstrap_distribution)]
        ax.hist(d, bins=60, color="0.7")
        ax.axvline(self.statistic, color="C0", label="estimate")
        ax.axvline(1.0, color="k", ls=":", label="no change")
        for v in self.confidence_interval:
            if np.isfinite(v):
                ax.axvline(v, color="C1", ls="--")
        ax.set_xlabel("volatility ratio, after / before (unitless)")
        ax.set_ylabel("bootstrap resamples (count)")
        ax.legend()
        return ax.figure


# ---------------------------------------------------------------------------
# public function
# ---------------------------------------------------------------------------
def _as_returns(x: Any, name: str) -> np.ndarray:
    if isinstance(x, pd.Series | pd.DataFrame):
        x = x.to_numpy()
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` must be a 1-D array or Series of returns.") from exc
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional; got shape {arr.shape}.")
    if not np.isfinite(arr).all():
        raise ValueError(f"`{name}` must hold finite returns; got NaN or inf.")
    if len(arr) < 3:
        raise ValueError(f"`{name}` must have at least 3 returns; got {len(arr)}.")
    return arr


def _volatility_ratio_test_iv(
    before, after, n_resamples, confidence_level, alternative, block_length, rng
):
    b = _as_returns(before, "before")
    a = _as_returns(after, "after")
    n_resamples = check_n_resamples(n_resamples)
    confidence_level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    block_length = check_block_length(block_length)
    return b, a, n_resamples, confidence_level, alternative, block_length, check_rng(rng)


_NULL = {
    "two-sided": "Volatility is the same before and after (ratio = 1).",
    "less": "Volatility did not fall (ratio >= 1); the alternative is that it fell.",
    "greater": "Volatility did not rise (ratio <= 1); the alternative is that it rose.",
}


def volatility_ratio_test(
    before: ReturnsLike,
    after: ReturnsLike,
    *,
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
    block_length: float | None = None,
    rng: RNGLike = None,
) -> VolatilityRatioResult:
    r"""Test whether volatility changed between two samples of returns, allowing clustering.

    Parameters
    ----------
    before, after : array_like or pandas.Series
        Returns (e.g. log returns) of the two regimes.
    n_resamples : int, default 9999
        Bootstrap replicates.
    confidence_level : float, default 0.95
        Level of the interval for the ratio.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        ``"less"``: volatility fell (ratio < 1); ``"greater"``: it rose.
    block_length : float, optional
        Mean block length of the stationary bootstrap, used for both samples.
        Default: Politis-White, estimated separately for each sample.
    rng : int, Generator or SeedSequence, optional
        Random stream.

    Returns
    -------
    VolatilityRatioResult

    Raises
    ------
    TypeError, ValueError
        Non-numeric, non-1-D or non-finite returns, fewer than 3 returns, bad options.

    Warns
    -----
    DegenerateDataWarning
        A sample has zero variance: the ratio and its test are NaN.
    SmallSampleWarning
        A sample is shorter than 5 mean block lengths, so few blocks are resampled.

    Notes
    -----
    The statistic is :math:`R = \hat\sigma_a / \hat\sigma_b`. Each sample is
    resampled on its own with the stationary bootstrap (Politis & Romano 1994),
    whose mean block length comes from the Politis-White rule applied to the
    squared demeaned returns (volatility clustering lives in the squares). The
    two samples are resampled independently (regimes far apart in time). The
    interval is the percentile interval of the bootstrap ratios :math:`R^*`; the
    p-value inverts it on the log scale (a percentile-interval inversion), so the test
    rejects at level :math:`1-c` exactly when the interval excludes 1. Its Monte
    Carlo standard error is :math:`\sqrt{p(1-p)/B}`.

    The F test, Levene and Brown-Forsythe tests are reported beside it in
    ``classic_tests``; they assume independent returns (the F test also
    normality) and over-reject on volatility-clustered data.

    Validated by simulation (tests/test_regimes_mc.py). Block-bootstrap variances
    are biased down by :math:`O(1/L)` because dependence across block joins is
    lost, so with Politis-White's MSE-optimal block length the interval
    under-covers in finite samples: 92% for a nominal 95% with 1,000 returns per
    regime from a GARCH(1,1) with persistence 0.6, and about 83-88% when the
    persistence is 0.9 or more (as for BTC); the test's size is correspondingly
    about 9% at a nominal 5% in the first case. Read intervals and p-values on
    highly persistent series as optimistic; a longer ``block_length`` widens
    them. The F and Brown-Forsythe tests reject 28% and 15% of the time in the
    same size simulation.

    References
    ----------
    Politis, D. N. and Romano, J. P. (1994). The stationary bootstrap. *Journal of
    the American Statistical Association* 89(428), 1303-1313.
    doi:10.1080/01621459.1994.10476870
    Politis, D. N. and White, H. (2004). Automatic block-length selection for the
    dependent bootstrap. *Econometric Reviews* 23(1), 53-70. doi:10.1081/ETC-120028836
    Brown, M. B. and Forsythe, A. B. (1974). Robust tests for the equality of
    variances. *JASA* 69(346), 364-367. doi:10.1080/01621459.1974.10482955

    Examples
    --------
    >>> import numpy as np
    >>> from riskcycle.regimes import volatility_ratio_test
    >>> rng = np.random.default_rng(0)
    >>> res = volatility_ratio_test(rng.normal(0, 2, 500), rng.normal(0, 1, 500),
    ...                             n_resamples=999, rng=1)
    >>> bool(res.confidence_interval.high < 1)
    True
    """
    b, a, n_resamples, confidence_level, alternative, block_length, gen = (
        _volatility_ratio_test_iv(
            before, after, n_resamples, confidence_level, alternative, block_length, rng
        )
    )
    return _ratio_test(
        b,
        a,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        alternative=alternative,
        block_length=block_length,
        rng=gen,
    )


def _ratio_test(
    b: np.ndarray,
    a: np.ndarray,
    *,
    n_resamples: int,
    confidence_level: float,
    alternative: str,
    block_length: float | None,
    rng: np.random.Generator,
) -> VolatilityRatioResult:
    """Validated-input core of :func:`volatility_ratio_test`."""
    sd_b, sd_a = float(np.std(b, ddof=1)), float(np.std(a, ddof=1))
    if block_length is None:
        lb = politis_white_block_length((b - b.mean()) ** 2)
        la = politis_white_block_length((a - a.mean()) ** 2)
    else:
        lb = la = float(block_length)
    for n, lbl, what in ((len(b), lb, "before"), (len(a), la, "after")):
        if n < 5 * lbl:
            warnings.warn(
                f"the {what!r} sample has {n} returns, fewer than 5 mean block lengths "
                f"({lbl:.1f}); the bootstrap resamples few blocks.",
                SmallSampleWarning,
                stacklevel=3,
            )
    method = (
        f"Stationary block bootstrap within each regime ({n_resamples} resamples; mean "
        f"block length {lb:.1f} before, {la:.1f} after, Politis-White on squared "
        "returns unless given); percentile interval, p-value by inverting it. Block "
        "bootstraps under-cover in finite samples, more with persistent volatility "
        "(simulated: 92% for 95% at GARCH persistence 0.6, n=1000; 83-88% at 0.9+)."
    )
    classic = classic_variance_tests(b, a, alternative)
    if sd_b == 0.0 or sd_a == 0.0:
        warnings.warn(
            "a sample has zero variance; the volatility ratio is undefined (NaN).",
            DegenerateDataWarning,
            stacklevel=3,
        )
        nan = math.nan
        return VolatilityRatioResult(
            statistic=nan,
            pvalue=nan,
            confidence_interval=ConfidenceInterval(nan, nan),
            bootstrap_distribution=np.full(n_resamples, nan),
            volatility_before=sd_b,
            volatility_after=sd_a,
            n_before=len(b),
            n_after=len(a),
            block_length=(lb, la),
            classic_tests=classic,
            alternative=alternative,
            confidence_level=confidence_level,
            n_resamples=n_resamples,
            pvalue_se=nan,
            null_hypothesis=_NULL[alternative],
            method=method + " Not computed: zero variance.",
            versions=package_versions(),
        )
    boot_b = _bootstrap_sd(b, lb, n_resamples, rng)
    boot_a = _bootstrap_sd(a, la, n_resamples, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = boot_a / boot_b
        log_ratio = np.log(ratio)
    p = percentile_pvalue(log_ratio, alternative)
    lo, hi = percentile_interval(ratio, confidence_level, alternative)
    return VolatilityRatioResult(
        statistic=sd_a / sd_b,
        pvalue=p,
        confidence_interval=ConfidenceInterval(lo, hi),
        bootstrap_distribution=ratio,
        volatility_before=sd_b,
        volatility_after=sd_a,
        n_before=len(b),
        n_after=len(a),
        block_length=(float(lb), float(la)),
        classic_tests=classic,
        alternative=alternative,
        confidence_level=confidence_level,
        n_resamples=n_resamples,
        pvalue_se=float(math.sqrt(p * (1 - p) / n_resamples)),
        null_hypothesis=_NULL[alternative],
        method=method,
        versions=package_versions(),
    )
