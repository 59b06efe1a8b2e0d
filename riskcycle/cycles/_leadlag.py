r"""Lead-lag between two series' returns: :func:`lead_lag`."""

from __future__ import annotations

import contextlib
import functools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._clocks import clock_of
from .._resample import (
    politis_white_block_length,
    resampling_pvalue,
    resampling_pvalue_se,
    stationary_index_matrix,
)
from .._results import ResultMixin, Summary, package_versions
from .._rng import RNGLike, check_rng, spawn
from .._typing import AxesLike, ClockLike, DateLike, PricesLike
from .._validation import (
    as_price_series,
    check_choice,
    check_confidence_level,
    check_int,
    check_n_resamples,
    check_timestamp,
)
from ..calendar import ETF_APPROVAL, map_to_follower
from ..exceptions import SmallSampleWarning

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["LeadLagResult", "align_returns", "cross_correlation", "lead_lag"]

FREQUENCIES = ("daily", "weekly")
_DEFAULT_MAX_LAG = {"daily": 10, "weekly": 8}
_CHUNK_ELEMENTS = 1 << 21
_CCF_BLOCK = 1 << 16  # elements of a block of rows of cross_correlation
_MIN_OBS = 30


def align_returns(
    leader: pd.Series,
    follower: pd.Series,
    *,
    frequency: str,
    leader_clock: ClockLike,
    follower_clock: ClockLike,
) -> pd.DataFrame:
    """Paired log returns on information times, indexed by the leader date ending them.

    Each sampled leader close (every close for ``"daily"``, the last close of
    each Friday-ending week for ``"weekly"``) is matched with the first follower
    bar closing at or after its information time; both returns run between
    consecutive matched points, so they cover the same stretch of time and the
    follower's return never ends before the leader's close is known.
    """
    dates = leader.index
    if frequency == "weekly":
        keep = ~pd.Index(dates.to_period("W-FRI")).duplicated(keep="last")
        dates = dates[keep]
    m = map_to_follower(dates, follower, leader_clock=leader_clock, follower_clock=follower_clock)
    ok = (m["status"] == "ok").to_numpy()
    pos = m["position"].to_numpy()[ok]
    dates = dates[ok]
    fl = np.log(follower.to_numpy(dtype=float)[pos])
    ll = np.log(leader.loc[dates].to_numpy(dtype=float))
    out = pd.DataFrame(
        {
            "leader": np.diff(ll),
            "follower": np.diff(fl),
            "follower_date": follower.index[pos[1:]],
        },
        index=pd.DatetimeIndex(dates[1:], name="date"),
    )
    return out.loc[np.diff(pos) > 0]


def cross_correlation(x: np.ndarray, y: np.ndarray, max_lag: int) -> np.ndarray:
    r"""Sample cross-correlations :math:`r(k) = \widehat{\mathrm{corr}}(x_t, y_{t+k})`.

    ``x`` and ``y`` have shape ``(..., T)``; returns shape ``(..., 2 * max_lag + 1)``
    for :math:`k = -K, \dots, K`. The usual (biased) estimator: full-sample means
    and standard deviations, sums over the overlapping pairs divided by :math:`T`
    (``statsmodels.tsa.stattools.ccf`` with ``adjusted=False``).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.shape[-1]
    if x.shape != y.shape or x.ndim < 2 or x.size <= _CCF_BLOCK:
        return _ccf(x, y, max_lag)
    # resampled series: a few rows at a time, so that the rows and their lagged products
    # stay in the CPU's cache (every row's numbers are computed alone: the same bits)
    x2 = x.reshape(-1, n)
    y2 = y.reshape(-1, n)
    out = np.empty((len(x2), 2 * max_lag + 1))
    rows = max(1, _CCF_BLOCK // n)
    for lo in range(0, len(x2), rows):
        out[lo : lo + rows] = _ccf(x2[lo : lo + rows], y2[lo : lo + rows], max_lag)
    return out.reshape(*x.shape[:-1], 2 * max_lag + 1)


def _ccf(x: np.ndarray, y: np.ndarray, max_lag: int) -> np.ndarray:
    """:func:`cross_correlation` of float arrays, all rows at once."""
    n = x.shape[-1]
    xc = x - x.mean(axis=-1, keepdims=True)
    yc = y - y.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        xs = xc / np.sqrt((xc * xc).mean(axis=-1, keepdims=True))
        ys = yc / np.sqrt((yc * yc).mean(axis=-1, keepdims=True))
    out = np.empty((*x.shape[:-1], 2 * max_lag + 1))
    for j, k in enumerate(range(-max_lag, max_lag + 1)):
        if k >= 0:
            out[..., j] = (xs[..., : n - k] * ys[..., k:]).sum(axis=-1) / n
        else:
            out[..., j] = (xs[..., -k:] * ys[..., : n + k]).sum(axis=-1) / n
    return out


def _null_ccf(x, y, max_lag, n_resamples, rng):
    """Cross-correlations of independently resampled series (stationary bootstrap)."""
    n = len(x)
    bx = politis_white_block_length(x)
    by = politis_white_block_length(y)
    gx, gy = spawn(rng, 2)
    out = np.empty((n_resamples, 2 * max_lag + 1))
    rows = max(1, _CHUNK_ELEMENTS // n)
    for lo in range(0, n_resamples, rows):
        hi = min(lo + rows, n_resamples)
        ix = stationary_index_matrix(gx, n, bx, hi - lo)
        iy = stationary_index_matrix(gy, n, by, hi - lo)
        out[lo:hi] = cross_correlation(x[ix], y[iy], max_lag)
    return out, bx, by


def _one_blas_thread() -> Any:
    """A context in which BLAS runs on one thread (threadpoolctl, when installed).

    The VAR fits solve least-squares problems of a few hundred rows and at most
    ``2 * max_lag + 1`` columns: BLAS threads only add start-up and waiting (on a busy
    2-CPU machine a fit took tens of times longer with two threads), and the solutions
    are the same.
    """
    try:
        controller = _blas_controller()
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn/vectorbt
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


@functools.lru_cache(maxsize=1)
def _blas_controller() -> Any:
    """threadpoolctl's controller of the BLAS libraries loaded (numpy's and scipy's),
    found once per process: ``threadpool_limits`` looked for them again on every call,
    which took longer than a VAR fit."""
    import scipy.linalg  # noqa: F401  (scipy's BLAS loaded before the libraries are listed)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _granger(a: pd.DataFrame, max_lag: int) -> list[dict[str, Any]]:
    from statsmodels.tsa.api import VAR

    data = a[["leader", "follower"]].to_numpy()
    model = VAR(data)
    order = model.select_order(maxlags=max_lag).selected_orders.get("aic", 1)
    lags = max(1, int(order))  # AIC may choose 0 lags; a Granger test needs one
    fit = model.fit(lags)
    names = {0: "leader", 1: "follower"}
    rows = []
    for causing, caused in ((0, 1), (1, 0)):
        t = fit.test_causality(caused=caused, causing=causing, kind="f")
        rows.append(
            {
                "test": f"granger_{names[causing]}_to_{names[caused]}",
                "statistic": float(t.test_statistic),
                "pvalue": float(t.pvalue),
                "pvalue_se": math.nan,  # an analytic p-value: no Monte Carlo error
                "df_num": float(t.df[0]),
                "df_denom": float(t.df[1]),
                "lag_order": lags,
            }
        )
    return rows


@dataclass(frozen=True, slots=True, kw_only=True)
class LeadLagResult(ResultMixin):
    """Cross-correlations and Granger causality between two series' returns, by era.

    Attributes
    ----------
    ccf : pandas.DataFrame
        One row per frequency, era and lag: ``frequency``, ``era``, ``lag``
        (positive: the leader's return ``lag`` periods before the follower's),
        ``ccf``, ``band_low``, ``band_high`` (pointwise band under independence
        at ``confidence_level``), ``pvalue``, ``n_obs``.
    tests : pandas.DataFrame
        One row per frequency, era and test: ``max_abs_ccf_leader_leads``
        (the largest :math:`|r(k)|`, :math:`k = 1..K`, against its bootstrap
        null), ``max_abs_ccf_follower_leads`` (:math:`k = -K..-1`),
        ``granger_leader_to_follower`` and ``granger_follower_to_leader`` (F
        tests of a VAR with the lag order chosen by AIC), with ``statistic``,
        ``pvalue``, ``pvalue_se``, ``df_num``, ``df_denom``, ``lag_order``,
        ``block_length_leader``, ``block_length_follower``, ``n_obs``.
    aligned : dict
        ``{(frequency, era): DataFrame}`` of the paired returns used.
    null_distribution : dict
        ``{(frequency, era): ndarray (n_resamples, 2K + 1)}``.
    leader_name, follower_name : str
    break_date : pandas.Timestamp or None
    confidence_level, n_resamples, null_hypothesis, settings, versions
    """

    ccf: pd.DataFrame
    tests: pd.DataFrame
    aligned: dict = field(repr=False)
    null_distribution: dict = field(repr=False)
    leader_name: str
    follower_name: str
    break_date: pd.Timestamp | None
    confidence_level: float
    n_resamples: int
    null_hypothesis: str
    settings: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    versions: dict[str, str] = field(default_factory=package_versions, repr=False)

    def __repr__(self) -> str:
        return (
            f"LeadLagResult({self.leader_name} -> {self.follower_name}, "
            f"frequencies={sorted(set(self.ccf['frequency']))}, "
            f"eras={list(dict.fromkeys(self.ccf['era']))})"
        )

    def to_frame(self) -> pd.DataFrame:
        """The cross-correlations (``ccf``), one row per frequency, era and lag."""
        return self.ccf.copy()

    def _summary(self) -> Summary:
        tables = []
        t = self.tests.set_index(["frequency", "era", "test"])[
            ["statistic", "pvalue", "pvalue_se", "lag_order", "n_obs"]
        ]
        tables.append(("Tests", t))
        for freq in dict.fromkeys(self.ccf["frequency"]):
            c = self.ccf[self.ccf["frequency"] == freq]
            wide = c.pivot(index="lag", columns="era", values="ccf")
            outside = c.assign(out=(c["ccf"] < c["band_low"]) | (c["ccf"] > c["band_high"]))
            flag = outside.pivot(index="lag", columns="era", values="out")
            wide = wide[list(dict.fromkeys(c["era"]))]
            flag = flag[wide.columns]
            shown = wide.copy().astype(object)
            for col in wide.columns:
                shown[col] = [
                    f"{v:.4f}{'*' if f else ''}" for v, f in zip(wide[col], flag[col], strict=True)
                ]
            tables.append((f"Cross-correlations, {freq} (* outside the band)", shown))
        notes = (
            f"H0: {self.null_hypothesis}",
            f"Bands: pointwise {self.confidence_level:.0%} stationary-block-bootstrap bands "
            f"under independence ({self.n_resamples} resamples); lag k > 0: {self.leader_name}"
            f"'s return k periods before {self.follower_name}'s.",
            "Granger: F tests in a VAR on the paired returns (homoskedastic errors assumed; "
            "volatility clustering makes them liberal).",
            *self.notes,
        )
        return Summary(
            title=f"Lead-lag: {self.leader_name} -> {self.follower_name}",
            tables=tuple(tables),
            notes=notes,
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Cross-correlations with their bands, one panel per frequency and era.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        keys = list(dict.fromkeys(zip(self.ccf["frequency"], self.ccf["era"], strict=True)))
        freqs = list(dict.fromkeys(self.ccf["frequency"]))
        eras = list(dict.fromkeys(self.ccf["era"]))
        if ax is None:
            fig, grid = plt.subplots(
                len(freqs),
                len(eras),
                figsize=(3.4 * len(eras), 2.9 * len(freqs)),
                sharey=True,
                squeeze=False,
            )
            axes = [grid[freqs.index(f), eras.index(e)] for f, e in keys]
        else:
            axes = list(np.ravel(ax))
            if len(axes) < len(keys):
                raise ValueError(f"`ax` must hold {len(keys)} axes; got {len(axes)}.")
            fig = axes[0].figure
        for a, (freq, era) in zip(axes, keys, strict=False):
            c = self.ccf[(self.ccf["frequency"] == freq) & (self.ccf["era"] == era)]
            a.fill_between(c["lag"], c["band_low"], c["band_high"], color="0.85", step="mid")
            a.vlines(c["lag"], 0, c["ccf"], color="tab:blue")
            a.axhline(0, color="k", lw=0.6)
            unit = "days" if freq == "daily" else "weeks"
            a.set_xlabel(f"lag ({unit}; > 0: {self.leader_name} leads)")
            a.set_title(f"{freq}, {era}", fontsize=9)
            a.set_ylabel("cross-correlation")
        fig.tight_layout()
        return fig


def _lead_lag_iv(leader, follower, frequency, max_lag, break_date, confidence_level, n_resamples):
    if isinstance(frequency, str):
        frequency = (frequency,)
    if not isinstance(frequency, tuple | list) or not frequency:
        raise TypeError(
            f"`frequency` must be 'daily', 'weekly' or a sequence of them; got "
            f"{type(frequency).__name__}."
        )
    freqs = tuple(dict.fromkeys(check_choice(f, "frequency", FREQUENCIES) for f in frequency))
    if max_lag is not None:
        max_lag = check_int(max_lag, "max_lag", minimum=1, what="a positive integer")
    brk = check_timestamp(break_date, "break_date", allow_none=True)
    cl = check_confidence_level(confidence_level)
    n_resamples = check_n_resamples(n_resamples, minimum=99)
    return freqs, max_lag, brk, cl, n_resamples


def _eras(pairs: pd.DataFrame, brk: pd.Timestamp | None) -> list[tuple[str, pd.DataFrame]]:
    """``all`` the paired returns, and ``before``/``after`` the break date when there is one."""
    eras = [("all", pairs)]
    if brk is not None:
        eras += [
            ("before", pairs.loc[pairs.index <= brk]),
            ("after", pairs.loc[pairs.index > brk]),
        ]
    return eras


def _era_analysis(
    a: pd.DataFrame,
    freq: str,
    era: str,
    k_max: int,
    cl: float,
    n_resamples: int,
    gen: np.random.Generator,
) -> tuple[pd.DataFrame, list[dict[str, Any]], np.ndarray | None]:
    """One era's cross-correlations with their bands, its max-|ccf| and Granger tests.

    Returns the ccf rows, the test rows and the null distribution (None, with NaN ccf
    rows, no test rows and a warning, when the era has too few paired returns).
    """
    lags = np.arange(-k_max, k_max + 1)
    n = len(a)
    base = {"frequency": freq, "era": era, "n_obs": n}
    if n < max(_MIN_OBS, 4 * k_max):
        warnings.warn(
            f"{freq} returns, era {era!r}: {n} paired returns, too few for lags up to "
            f"{k_max}; its rows are NaN.",
            SmallSampleWarning,
            stacklevel=3,
        )
        nan_rows = {"ccf": np.nan, "band_low": np.nan, "band_high": np.nan, "pvalue": np.nan}
        return pd.DataFrame({**base, "lag": lags, **nan_rows}), [], None
    x = a["leader"].to_numpy()
    y = a["follower"].to_numpy()
    obs = cross_correlation(x, y, k_max)
    null, bx, by = _null_ccf(x, y, k_max, n_resamples, gen)
    pv = [resampling_pvalue(obs[j], null[:, j], alternative="two-sided") for j in range(len(lags))]
    lo_q, hi_q = (1.0 - cl) / 2.0, (1.0 + cl) / 2.0
    ccf_frame = pd.DataFrame(
        {
            **base,
            "lag": lags,
            "ccf": obs,
            "band_low": np.quantile(null, lo_q, axis=0),
            "band_high": np.quantile(null, hi_q, axis=0),
            "pvalue": pv,
        }
    )
    extra = {"block_length_leader": bx, "block_length_follower": by, **base}
    rows = []
    for name, sel in (
        ("max_abs_ccf_leader_leads", lags > 0),
        ("max_abs_ccf_follower_leads", lags < 0),
    ):
        stat = float(np.abs(obs[sel]).max())
        nul = np.abs(null[:, sel]).max(axis=1)
        rows.append(
            {
                "test": name,
                "statistic": stat,
                "pvalue": resampling_pvalue(stat, nul, alternative="greater"),
                "pvalue_se": resampling_pvalue_se(stat, nul, alternative="greater"),
                "df_num": math.nan,
                "df_denom": math.nan,
                "lag_order": k_max,
                **extra,
            }
        )
    with _one_blas_thread():
        granger = _granger(a, k_max)
    rows.extend({**row, **extra} for row in granger)
    return ccf_frame, rows, null


def _frames(
    ccf_rows: list[pd.DataFrame], test_rows: list[dict[str, Any]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tests and ccf tables, with their columns in a fixed order."""
    cols = [
        "frequency",
        "era",
        "test",
        "statistic",
        "pvalue",
        "pvalue_se",
        "df_num",
        "df_denom",
        "lag_order",
        "block_length_leader",
        "block_length_follower",
        "n_obs",
    ]
    tests = pd.DataFrame(test_rows, columns=cols)
    ccf = pd.concat(ccf_rows, ignore_index=True)[
        ["frequency", "era", "lag", "ccf", "band_low", "band_high", "pvalue", "n_obs"]
    ]
    return tests, ccf


def lead_lag(
    leader: PricesLike,
    follower: PricesLike,
    *,
    frequency: str | Sequence[str] = ("daily", "weekly"),
    max_lag: int | None = None,
    break_date: DateLike | None = ETF_APPROVAL,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    rng: RNGLike = None,
) -> LeadLagResult:
    r"""Does the leader lead? Cross-correlations with bootstrap bands and Granger tests, by era.

    Parameters
    ----------
    leader, follower : Series or DataFrame
        Daily prices (closes used).
    frequency : {"daily", "weekly"} or sequence of them, default both
        Daily: every leader close; weekly: the last leader close of each week
        (Friday-ending weeks).
    max_lag : int, optional
        Largest lead and lag in periods; default 10 days and 8 weeks.
    break_date : date or None, default ``riskcycle.calendar.ETF_APPROVAL``
        Eras ``before`` (leader dates up to it) and ``after``, beside ``all``.
    confidence_level : float, default 0.95
        Of the pointwise bands.
    n_resamples : int, default 9999
        Bootstrap resamples (at least 99).
    leader_clock, follower_clock : SessionClock or str, optional
        Default: the clocks recorded with the data (``attrs["clock"]``).
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    LeadLagResult

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (the message names the argument).

    Warns
    -----
    SmallSampleWarning
        An era with fewer than 30 paired returns (its rows are NaN).

    Notes
    -----
    **Alignment.** Each sampled leader close is paired with the first follower
    bar closing at or after the leader's information time
    (:func:`riskcycle.calendar.map_to_follower`): a Russell 2000 close (16:00
    New York) with the BTC bar closing at 24:00 UTC the same day. Returns run
    between consecutive paired points, so :math:`r_{L,t}` and :math:`r_{F,t}`
    cover the same stretch of time and :math:`r_{F,t+k}`, :math:`k \ge 1`,
    starts after :math:`r_{L,t}` was known: a positive lag never uses the
    future.

    **Cross-correlation.** :math:`r(k) = \widehat{\mathrm{corr}}(r_{L,t},
    r_{F,t+k})` (:func:`cross_correlation`). Bands and p-values come from the
    null of independent series: each series is resampled on its own with the
    stationary bootstrap (Politis & Romano 1994; mean block length by Politis
    & White 2004), which keeps each one's serial dependence and destroys the
    dependence between them; the band at lag :math:`k` is the central
    ``confidence_level`` interval of the resampled :math:`r^*(k)`, the p-value
    the two-sided :math:`(1 + b)/(1 + m)`. ``max_abs_ccf_leader_leads`` tests
    all positive lags at once with :math:`\max_{1 \le k \le K}|r(k)|` against
    the same resamples, which controls the family-wise error over the lags.
    Contemporaneous correlation (:math:`k = 0`) is expected between risk
    assets and is not evidence of a lead.

    **Granger causality** (Granger 1969): a VAR on the paired returns with the
    lag order chosen by AIC up to ``max_lag`` (at least 1), and statsmodels' F test that the
    leader's lags do not enter the follower's equation, and the reverse. The VAR is
    fitted with BLAS on one thread (threadpoolctl, when installed): its least-squares
    problems are small, and BLAS threads only add waiting.

    Validated: :func:`cross_correlation` against
    ``statsmodels.tsa.stattools.ccf``; the bands' coverage under independence
    (tests/test_cycles.py, binomial band).

    References
    ----------
    Granger, C. W. J. (1969). Investigating causal relations by econometric
    models and cross-spectral methods. *Econometrica* 37(3), 424-438.
    doi:10.2307/1912791

    Politis, D. N. & Romano, J. P. (1994). The stationary bootstrap. *Journal of
    the American Statistical Association* 89(428), 1303-1313.
    doi:10.1080/01621459.1994.10476870

    Politis, D. N. & White, H. (2004). Automatic block-length selection for the
    dependent bootstrap. *Econometric Reviews* 23(1), 53-70.
    doi:10.1081/ETC-120028836

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from riskcycle.cycles import lead_lag
    >>> rng = np.random.default_rng(0)
    >>> idx = pd.bdate_range("2020-01-01", periods=600)
    >>> a = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 600))), index=idx)
    >>> b = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 600))), index=idx)
    >>> res = lead_lag(a, b, frequency="daily", break_date=None, n_resamples=199,
    ...                leader_clock="us_equity_close", follower_clock="us_equity_close", rng=0)
    >>> sorted(res.tests["test"])[:2]
    ['granger_follower_to_leader', 'granger_leader_to_follower']
    """
    freqs, max_lag, brk, cl, n_resamples = _lead_lag_iv(
        leader, follower, frequency, max_lag, break_date, confidence_level, n_resamples
    )
    gen = check_rng(rng)
    lclock = clock_of(leader, leader_clock, "leader_clock")
    fclock = clock_of(follower, follower_clock, "follower_clock")
    lead = as_price_series(leader, name="leader", timezone=lclock.timezone)
    foll = as_price_series(follower, name="follower", timezone=fclock.timezone)
    lname = str(lead.attrs.get("name", "leader"))
    fname = str(foll.attrs.get("name", "follower"))
    ccf_rows: list[pd.DataFrame] = []
    test_rows: list[dict[str, Any]] = []
    aligned: dict = {}
    nulls: dict = {}
    notes: list[str] = []
    for freq in freqs:
        k_max = max_lag if max_lag is not None else _DEFAULT_MAX_LAG[freq]
        pairs = align_returns(
            lead, foll, frequency=freq, leader_clock=lclock, follower_clock=fclock
        )
        for era, a in _eras(pairs, brk):
            aligned[(freq, era)] = a
            ccf_frame, rows, null = _era_analysis(a, freq, era, k_max, cl, n_resamples, gen)
            ccf_rows.append(ccf_frame)
            test_rows.extend(rows)
            if null is None:
                notes.append(f"{freq}/{era}: too few paired returns ({len(a)}).")
            else:
                nulls[(freq, era)] = null
    tests, ccf = _frames(ccf_rows, test_rows)
    return LeadLagResult(
        ccf=ccf,
        tests=tests,
        aligned=aligned,
        null_distribution=nulls,
        leader_name=lname,
        follower_name=fname,
        break_date=brk,
        confidence_level=cl,
        n_resamples=n_resamples,
        null_hypothesis=(
            f"{lname}'s and {fname}'s returns are independent (cross-correlations); "
            f"the other series' lags do not help predict a series (Granger)."
        ),
        settings={
            "frequency": list(freqs),
            "max_lag": max_lag,
            "break_date": None if brk is None else str(brk.date()),
            "confidence_level": cl,
            "n_resamples": n_resamples,
        },
        notes=tuple(notes),
    )
