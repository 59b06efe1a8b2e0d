r"""Detection of variance breaks without a given date: the ICSS algorithm.

Inclán & Tiao's (1994) iterated cumulative sums of squares, with the
:math:`\kappa_1` and :math:`\kappa_2` statistics of Sansó, Aragó &
Carrion-i-Silvestre (2004) that make it valid for heavy-tailed (``"kappa1"``)
and conditionally heteroskedastic (``"kappa2"``) returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from .._results import ResultMixin, Summary, package_versions
from .._typing import AxesLike, DatesLike, ReturnsLike
from .._validation import check_bool, check_choice, check_float, check_int, fmt_date
from ._input import check_periods_per_year

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["ICSSResult", "bartlett_long_run_variance", "cusum_of_squares", "icss"]

TESTS = ("kappa2", "kappa1", "it")


# ---------------------------------------------------------------------------
# statistics
# ---------------------------------------------------------------------------
def bartlett_long_run_variance(x: np.ndarray, bandwidth: int | None = None) -> tuple[float, int]:
    r"""Bartlett-kernel long-run variance of ``x`` and the bandwidth used.

    :math:`\hat\omega = \hat\gamma_0 + 2\sum_{j=1}^{m} (1 - j/(m+1)) \hat\gamma_j` with
    autocovariances of the demeaned series divided by :math:`T`. Without a
    ``bandwidth``, :math:`m` follows Newey & West (1994): with
    :math:`n = \lfloor 4 (T/100)^{2/9} \rfloor`,
    :math:`s_0 = \hat\gamma_0 + 2\sum_{j=1}^n \hat\gamma_j`,
    :math:`s_1 = 2\sum_{j=1}^n j\hat\gamma_j`,
    :math:`m = \min(T-1, \lfloor 1.1447 (s_1/s_0)^{2/3} T^{1/3} \rfloor)`.
    Matches :class:`arch.covariance.kernel.Bartlett` for a given integer bandwidth.
    """
    t = len(x)
    xc = x - x.mean()

    def acov(j: int) -> float:
        return float(xc[j:] @ xc[: t - j]) / t

    if bandwidth is None:
        n = min(math.floor(4.0 * (t / 100.0) ** (2.0 / 9.0)), t - 1)
        g = np.array([acov(j) for j in range(n + 1)])
        s0 = g[0] + 2.0 * g[1:].sum()
        s1 = 2.0 * (np.arange(1, n + 1) * g[1:]).sum()
        if s0 > 0 and np.isfinite(s1):
            m = math.floor(1.1447 * ((s1 / s0) ** 2) ** (1.0 / 3.0) * t ** (1.0 / 3.0))
        else:
            m = 0
        m = max(0, min(m, t - 1))
    else:
        m = min(int(bandwidth), t - 1)
    j = np.arange(1, m + 1)
    g = np.array([acov(i) for i in j]) if m else np.zeros(0)
    return float(acov(0) + 2.0 * np.sum((1.0 - j / (m + 1.0)) * g)), m


def cusum_of_squares(
    a: np.ndarray, test: str = "kappa2", bandwidth: int | None = None
) -> tuple[float, int, int]:
    r"""Test statistic, most likely change point and bandwidth for one segment.

    With :math:`C_k = \sum_{t\le k} a_t^2` and :math:`\hat\sigma^2 = C_T/T`:
    ``"it"``: :math:`\sqrt{T/2}\,\max_k |C_k/C_T - k/T|`;
    ``"kappa1"``: :math:`\max_k |C_k - k\hat\sigma^2| / \sqrt{T(\hat\eta_4 - \hat\sigma^4)}`;
    ``"kappa2"``: :math:`\max_k |C_k - k\hat\sigma^2| / \sqrt{T\hat\omega_4}` with
    :math:`\hat\omega_4` the Bartlett long-run variance of :math:`a_t^2 - \hat\sigma^2`.

    Returns ``(statistic, change_point, bandwidth)``; ``change_point`` is the
    0-based position of the first observation after the break (``argmax + 1``);
    ``bandwidth`` is -1 for ``"it"`` and ``"kappa1"``.
    """
    t = len(a)
    a2 = a * a
    c = np.cumsum(a2)
    s2 = c[-1] / t
    dk = np.abs(c - np.arange(1, t + 1) * s2)
    pos = int(np.argmax(dk))
    m = -1
    if test == "it":
        stat = math.sqrt(t / 2.0) * dk[pos] / c[-1] if c[-1] > 0 else math.nan
    else:
        if test == "kappa1":
            denom = float(np.mean(a2 * a2) - s2 * s2)
        else:
            denom, m = bartlett_long_run_variance(a2 - s2, bandwidth)
        stat = dk[pos] / math.sqrt(t * denom) if denom > 0 else math.nan
    return float(stat), pos + 1, m


# ---------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class ICSSResult(ResultMixin):
    """Variance breaks found by the ICSS algorithm.

    Attributes
    ----------
    break_dates : pandas.DatetimeIndex or None
        First date of each new variance regime (None for returns without dates).
    change_points : ndarray of int
        Positions (0-based) of the first observation of each new regime.
    statistic, pvalue : float
        The test on the whole sample and its asymptotic p-value (Kolmogorov
        distribution, the sup of a Brownian bridge's absolute value).
    critical_value : float
        Asymptotic critical value at level ``alpha`` (1.358 at 5%).
    segments : pandas.DataFrame
        ``segment, start, end, n_obs, variance, volatility`` (annualised when
        ``periods_per_year`` is known, else per bar).
    """

    break_dates: pd.DatetimeIndex | None
    change_points: np.ndarray
    statistic: float
    pvalue: float
    critical_value: float
    test: str
    alpha: float
    bandwidth: int
    segments: pd.DataFrame
    n_obs: int
    converged: bool
    periods_per_year: float | None
    returns: pd.Series = field(repr=False)
    null_hypothesis: str
    method: str
    versions: dict[str, str] = field(repr=False)

    @property
    def n_breaks(self) -> int:
        """Number of breaks found."""
        return len(self.change_points)

    def __repr__(self) -> str:
        where = (
            [fmt_date(d) for d in self.break_dates]
            if self.break_dates is not None
            else self.change_points.tolist()
        )
        return (
            f"ICSSResult(test={self.test!r}, n_breaks={self.n_breaks}, breaks={where}, "
            f"statistic={self.statistic:.4g}, pvalue={self.pvalue:.4g})"
        )

    def relative_to(self, dates: DatesLike) -> pd.DataFrame:
        """Where the detected breaks fall relative to reference ``dates`` (e.g. the ETF approval).

        Returns one row per reference date: the nearest detected break, its offset
        in days (positive: the break comes after the reference date), the segment
        holding the reference date and the volatilities of the segments on either
        side of the nearest break.
        """
        if self.break_dates is None:
            raise ValueError("`relative_to` needs returns with a DatetimeIndex.")
        ref = pd.DatetimeIndex(pd.to_datetime(list(np.atleast_1d(dates))))
        seg = self.segments
        rows = []
        for d in ref:
            row = {
                "reference_date": d,
                "nearest_break": pd.NaT,
                "offset_days": math.nan,
                "segment_of_reference": int(
                    np.searchsorted(self.break_dates.asi8, d.value, side="right")
                ),
                "volatility_before_break": math.nan,
                "volatility_after_break": math.nan,
            }
            if self.n_breaks:
                off = (self.break_dates - d).days.to_numpy()
                j = int(np.argmin(np.abs(off)))
                row.update(
                    nearest_break=self.break_dates[j],
                    offset_days=float(off[j]),
                    volatility_before_break=float(seg["volatility"].iloc[j]),
                    volatility_after_break=float(seg["volatility"].iloc[j + 1]),
                )
            rows.append(row)
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """The segments table (one row per variance regime)."""
        return self.segments.copy()

    def _summary(self) -> Summary:
        head = pd.DataFrame(
            {
                "value": [
                    self.statistic,
                    self.critical_value,
                    self.pvalue,
                    float(self.n_breaks),
                    float(self.bandwidth),
                ]
            },
            index=pd.Index(
                [
                    "statistic (full sample)",
                    f"critical value ({self.alpha:g})",
                    "p-value (asymptotic)",
                    "breaks found",
                    "bandwidth",
                ],
                name="",
            ),
        )
        notes = [self.null_hypothesis, self.method]
        if not self.converged:
            notes.append("Step 3 of the algorithm did not settle within max_iter passes.")
        return Summary(
            f"ICSS variance breaks ({self.test})",
            tables=(("Test", head), ("Segments", self.segments.set_index("segment"))),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Returns with +/- 2 standard deviation bands of each segment.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 3.5))
        r = self.returns
        ax.plot(r.index, r.to_numpy(), lw=0.5, color="0.5")
        scale = math.sqrt(self.periods_per_year) if self.periods_per_year else 1.0
        for _, s in self.segments.iterrows():
            sd = s["volatility"] / scale
            ax.hlines([2 * sd, -2 * sd], s["start"], s["end"], color="C3")
        if self.break_dates is not None:
            for d in self.break_dates:
                ax.axvline(d, color="C3", ls="--", lw=0.8)
        ax.set_title(f"ICSS ({self.test}) variance regimes")
        ax.set_xlabel("date")
        ax.set_ylabel("log return (per bar)")
        return ax.figure


# ---------------------------------------------------------------------------
# algorithm
# ---------------------------------------------------------------------------
class _Tester:
    def __init__(self, a, test, crit, min_size, bandwidth):
        self.a, self.test, self.crit = a, test, crit
        self.min_size, self.bandwidth = min_size, bandwidth

    def __call__(self, lo: int, hi: int) -> int | None:
        """Global change point in ``a[lo:hi]`` if the test rejects, else None."""
        if hi - lo < self.min_size:
            return None
        stat, cp, _ = cusum_of_squares(self.a[lo:hi], self.test, self.bandwidth)
        if not (stat > self.crit):
            return None
        return lo + cp

    def steps_1_2(self, lo: int, hi: int, depth: int = 0) -> list[int]:
        """Steps 1 and 2 of Inclán & Tiao (1994): the first and last break, then the middle."""
        cp = self(lo, hi)
        if cp is None or depth > 200:
            return []
        first = cp
        while (nxt := self(lo, first)) is not None and lo < nxt < first:  # 2a: from the right
            first = nxt
        last = cp
        while (nxt := self(last, hi)) is not None and last < nxt < hi:  # 2b: from the left
            last = nxt
        if first == last:
            return [first]
        return [first, *self.steps_1_2(first, last, depth + 1), last]

    def step_3(self, cps: list[int], n: int, max_iter: int) -> tuple[list[int], bool]:
        """Step 3: re-test each point between its neighbours until the set settles (+/- 2)."""
        for _ in range(max_iter):
            bounds = [0, *cps, n]
            new = []
            for j in range(1, len(bounds) - 1):
                cp = self(bounds[j - 1], bounds[j + 1])
                if cp is not None:
                    new.append(cp)
            new = sorted(set(new))
            same = len(new) == len(cps)
            if same and all(abs(x - y) <= 2 for x, y in zip(new, cps, strict=True)):
                return new, True
            cps = new
        return cps, False


def _returns_iv(returns: Any) -> tuple[np.ndarray, pd.Series]:
    if isinstance(returns, pd.DataFrame):
        if returns.shape[1] != 1:
            raise ValueError(f"`returns` must be one series; got {returns.shape[1]} columns.")
        returns = returns.iloc[:, 0]
    if isinstance(returns, pd.Series):
        series = returns.astype(float)
    else:
        try:
            arr = np.asarray(returns, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                "`returns` must be a pandas Series or a 1-D array of returns."
            ) from exc
        if arr.ndim != 1:
            raise ValueError(f"`returns` must be one-dimensional; got shape {arr.shape}.")
        series = pd.Series(arr)
    values = series.to_numpy()
    if not np.isfinite(values).all():
        raise ValueError("`returns` must be finite; drop NaN returns first.")
    return values, series


def _icss_iv(returns, test, alpha, demean, min_size, bandwidth, max_iter, periods_per_year):
    values, series = _returns_iv(returns)
    test = check_choice(test, "test", TESTS)
    alpha = check_float(
        alpha,
        "alpha",
        minimum=0.0,
        maximum=1.0,
        inclusive=(False, False),
        what="a significance level",
    )
    demean = check_bool(demean, "demean")
    min_size = check_int(min_size, "min_size", minimum=2, what="an integer number of returns")
    if bandwidth is not None:
        bandwidth = check_int(bandwidth, "bandwidth", minimum=0, what="a non-negative integer")
    max_iter = check_int(max_iter, "max_iter", minimum=1, what="a positive integer")
    if len(values) < max(min_size, 10):
        raise ValueError(
            f"`returns` must have at least {max(min_size, 10)} observations; got {len(values)}."
        )
    ppy = None
    if periods_per_year is not None or "periods_per_year" in (getattr(returns, "attrs", {}) or {}):
        ppy = check_periods_per_year(periods_per_year, returns, data_name="returns")
    return values, series, test, alpha, demean, min_size, bandwidth, max_iter, ppy


def icss(
    returns: ReturnsLike,
    *,
    test: str = "kappa2",
    alpha: float = 0.05,
    demean: bool = True,
    min_size: int = 30,
    bandwidth: int | None = None,
    max_iter: int = 20,
    periods_per_year: float | None = None,
) -> ICSSResult:
    r"""Find breaks in the unconditional variance with the ICSS algorithm.

    Parameters
    ----------
    returns : pandas.Series or array_like
        Returns (e.g. log returns). A ``DatetimeIndex`` gives break dates.
    test : {"kappa2", "kappa1", "it"}, default "kappa2"
        ``"it"``: Inclán & Tiao's statistic, valid for iid normal returns only;
        ``"kappa1"``: corrected for non-normal kurtosis (iid returns);
        ``"kappa2"``: corrected for kurtosis and conditional heteroskedasticity
        (Bartlett long-run variance of the squared returns), the right choice for
        daily financial returns.
    alpha : float, default 0.05
        Level of each test in the algorithm.
    demean : bool, default True
        Subtract the full-sample mean before squaring.
    min_size : int, default 30
        Segments shorter than this are not tested (no break is placed in them).
    bandwidth : int, optional
        Fixed Bartlett bandwidth for ``"kappa2"``; default Newey & West (1994)
        automatic selection in every segment.
    max_iter : int, default 20
        Passes of step 3 (refinement) before giving up (``converged=False``).
    periods_per_year : float, optional
        Annualises segment volatilities; default ``returns.attrs`` if present,
        else volatilities are per bar.

    Returns
    -------
    ICSSResult

    Raises
    ------
    TypeError, ValueError
        Non-numeric, multi-column or non-finite returns; fewer than
        ``max(min_size, 10)`` observations; bad options.

    Notes
    -----
    Under the null of constant unconditional variance each statistic converges to
    :math:`\sup_r |W^0(r)|`, the supremum of the absolute value of a Brownian
    bridge, whose distribution is Kolmogorov's (:data:`scipy.stats.kstwobign`):
    critical values 1.224 (10%), 1.358 (5%), 1.628 (1%). The algorithm (Inclán &
    Tiao 1994, steps 1-3): test the whole sample; if it rejects, shrink from the
    right to the first break and from the left to the last one; repeat between
    them; then re-test every break between its neighbours until the set of breaks
    no longer changes (points move by at most 2 observations).

    Validated (tests) against the asymptotic critical values by simulated
    Brownian bridges, against :class:`arch.covariance.kernel.Bartlett` for the
    long-run variance (fixed bandwidth; arch's automatic bandwidth differs
    slightly: it rounds the pilot lag up and does not truncate), and by
    simulation: on GARCH(1,1)-t(8) data with persistence 0.7 (T=1000) the
    first-stage 5% test rejects 4.7% of the time with ``"kappa2"``, against 50%
    for ``"it"`` and 18% for ``"kappa1"``; a halving of the standard deviation
    in the middle of 1,200 observations is found (within 50) 93% of the time.
    With highly persistent volatility ``"kappa2"`` also over-rejects in our
    simulations (about 9% at persistence 0.9, T=2000; 11% at 0.93, T=4000): the
    Bartlett long-run variance with a Newey-West bandwidth is too small when the
    squared returns are strongly autocorrelated, as for BTC. Breaks it reports
    on such series deserve the same caution as the bootstrap intervals.
    Sansó et al. also give finite-sample response-surface critical values; the
    asymptotic ones used here are slightly conservative for ``"it"`` and
    ``"kappa1"`` in samples of a few hundred.

    References
    ----------
    Inclán, C. and Tiao, G. C. (1994). Use of cumulative sums of squares for
    retrospective detection of changes of variance. *Journal of the American
    Statistical Association* 89(427), 913-923. doi:10.1080/01621459.1994.10476824
    Sansó, A., Aragó, V. and Carrion-i-Silvestre, J. L. (2004). Testing for changes
    in the unconditional variance of financial time series. *Revista de Economía
    Financiera* 4, 32-53.
    Newey, W. K. and West, K. D. (1994). Automatic lag selection in covariance
    matrix estimation. *Review of Economic Studies* 61(4), 631-653.
    doi:10.2307/2297912

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from riskcycle.regimes import icss
    >>> rng = np.random.default_rng(0)
    >>> r = pd.Series(np.r_[rng.normal(0, 2, 600), rng.normal(0, 1, 600)],
    ...               index=pd.date_range("2020-01-01", periods=1200))
    >>> res = icss(r)
    >>> res.n_breaks, abs(int(res.change_points[0]) - 600) < 30
    (1, True)
    """
    values, series, test, alpha, demean, min_size, bandwidth, max_iter, ppy = _icss_iv(
        returns, test, alpha, demean, min_size, bandwidth, max_iter, periods_per_year
    )
    a = values - values.mean() if demean else values.copy()
    n = len(a)
    crit = float(stats.kstwobign.ppf(1.0 - alpha))
    stat, _, bw = cusum_of_squares(a, test, bandwidth)
    tester = _Tester(a, test, crit, min_size, bandwidth)
    cps = sorted(set(tester.steps_1_2(0, n)))
    converged = True
    if cps:
        cps, converged = tester.step_3(cps, n, max_iter)
    cps_arr = np.asarray(cps, dtype=np.int64)
    has_dates = isinstance(series.index, pd.DatetimeIndex)
    bounds = [0, *cps, n]
    rows = []
    scale = ppy if ppy is not None else 1.0
    for j in range(len(bounds) - 1):
        seg = a[bounds[j] : bounds[j + 1]]
        var = float(np.mean(seg**2))
        rows.append(
            {
                "segment": j,
                "start": series.index[bounds[j]],
                "end": series.index[bounds[j + 1] - 1],
                "n_obs": len(seg),
                "variance": var,
                "volatility": math.sqrt(var * scale),
            }
        )
    segments = pd.DataFrame(rows)
    names = {
        "it": "Inclán-Tiao IT",
        "kappa1": "Sansó et al. kappa_1",
        "kappa2": "Sansó et al. kappa_2",
    }
    method = (
        f"ICSS (Inclán & Tiao 1994) with the {names[test]} statistic; asymptotic "
        f"critical value {crit:.4f} at level {alpha:g}"
    )
    if test == "kappa2":
        method += "; Bartlett long-run variance of squared demeaned returns with " + (
            "Newey-West (1994) automatic bandwidth"
            if bandwidth is None
            else f"bandwidth {bandwidth}"
        )
    method += f"; segments shorter than {min_size} not tested."
    return ICSSResult(
        break_dates=(
            pd.DatetimeIndex(series.index[cps_arr], name="break_date") if has_dates else None
        ),
        change_points=cps_arr,
        statistic=stat,
        pvalue=float(stats.kstwobign.sf(stat)),
        critical_value=crit,
        test=test,
        alpha=alpha,
        bandwidth=bw,
        segments=segments,
        n_obs=n,
        converged=converged,
        periods_per_year=ppy,
        returns=series,
        null_hypothesis="The unconditional variance of the returns is constant (no break).",
        method=method,
        versions=package_versions(),
    )
