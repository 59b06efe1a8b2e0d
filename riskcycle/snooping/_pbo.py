"""Probability of backtest overfitting by combinatorially symmetric cross-validation."""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable

import numpy as np
from scipy import special

from .._typing import ReturnsLike
from .._validation import check_int
from ..exceptions import DegenerateDataWarning
from ._input import as_matrix, power_of_two_scale
from ._result import PBOResult

__all__ = ["PBOResult", "pbo"]

_METRICS = ("sharpe", "mean")
# C(20, 10) = 184,756 splits; C(S, S/2) grows about 4x per 2 partitions beyond
_MAX_PARTITIONS = 20
_CHUNK = 1 << 21  # elements of the (combinations x strategies) temporaries per chunk
_MIN_CV = 1e-12  # standard deviation / |mean| below which returns count as constant


def _pbo_iv(returns, n_partitions, metric):
    if not (callable(metric) or isinstance(metric, str)):
        raise TypeError(
            f"`metric` must be one of {list(_METRICS)} or a callable; got {type(metric).__name__}."
        )
    if isinstance(metric, str) and metric not in _METRICS:
        raise ValueError(
            f"`metric` must be one of {list(_METRICS)} or a callable; got {metric!r}."
        )
    n_partitions = check_int(
        n_partitions, "n_partitions", minimum=2, what="an even integer number of partitions"
    )
    if n_partitions % 2:
        raise ValueError(
            f"`n_partitions` must be an even integer number of partitions; got {n_partitions}."
        )
    # the built-in metrics rescale exactly inside pbo(); a callable metric sees the data as
    # given, refused only when its sums of squares could overflow
    x, names, _ = as_matrix(
        returns, "returns", min_cols=2, check_magnitude=not isinstance(metric, str)
    )
    per_part = 2 if metric == "sharpe" else 1
    if x.shape[0] < per_part * n_partitions:
        raise ValueError(
            f"`returns` must have at least {per_part * n_partitions} observations "
            f"for {n_partitions} partitions; got {x.shape[0]}."
        )
    if n_partitions > _MAX_PARTITIONS:
        raise ValueError(
            f"`n_partitions` must be at most {_MAX_PARTITIONS} (C(S, S/2) splits: 184,756 for "
            f"20, about 4 times more per 2 partitions beyond); got {n_partitions}."
        )
    return x, names, n_partitions, metric


def _ranks(oos: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """Average rank (1 = worst) of the selected column within each row."""
    own = oos[np.arange(oos.shape[0]), sel][:, None]
    less = (oos < own).sum(axis=1)
    ties = (oos == own).sum(axis=1)
    return less + (ties + 1) / 2.0


class _Picks:
    """The selection of each combination, filled in by :meth:`pick` (rows of combinations)."""

    def __init__(self, n_comb: int) -> None:
        self.is_perf = np.empty(n_comb)
        self.oos_perf = np.empty(n_comb)
        self.selected = np.empty(n_comb, dtype=np.int64)
        self.ranks = np.empty(n_comb)
        self.degenerate = False

    def pick(self, is_m: np.ndarray, oos_m: np.ndarray, rows: slice) -> None:
        """Select the best in-sample strategy of each row (combinations ``rows``); an
        undefined metric ranks last."""
        bad_is, bad_oos = ~np.isfinite(is_m), ~np.isfinite(oos_m)
        if bad_is.any() or bad_oos.any():
            self.degenerate = True
            is_m = np.where(bad_is, -np.inf, is_m)
            oos_m = np.where(bad_oos, -np.inf, oos_m)
        sel = np.argmax(is_m, axis=1)
        r = np.arange(is_m.shape[0])
        self.selected[rows] = sel
        self.is_perf[rows] = is_m[r, sel]
        self.oos_perf[rows] = oos_m[r, sel]
        self.ranks[rows] = _ranks(oos_m, sel)


def _pick_custom(x, parts, combos, metric, picks: _Picks) -> float:
    """Selections with a user's metric, called on each half of each combination;
    returns the performance unit (1)."""
    n_partitions, n_strat = len(parts), x.shape[1]
    for c in range(combos.shape[0]):
        inside = np.zeros(n_partitions, dtype=bool)
        inside[combos[c]] = True
        rows_is = np.concatenate([parts[i] for i in range(n_partitions) if inside[i]])
        rows_oos = np.concatenate([parts[i] for i in range(n_partitions) if not inside[i]])
        vals = [
            np.asarray(metric(x[r]), dtype=np.float64).reshape(-1) for r in (rows_is, rows_oos)
        ]
        if any(v.shape[0] != n_strat for v in vals):
            raise ValueError(
                f"`metric` must return one value per strategy ({n_strat}); got {vals[0].shape[0]}."
            )
        picks.pick(vals[0][None, :], vals[1][None, :], slice(c, c + 1))
    return 1.0


def _pick_builtin(x, parts, combos, metric: str, picks: _Picks) -> float:
    """Selections with the Sharpe ratio or the mean, every half summarised from its
    partitions by matrix products; returns the unit that brings the performance
    values to order one (for the regression)."""
    n_partitions, n_strat = len(parts), x.shape[1]
    n_comb = combos.shape[0]
    # Scale-free: an exact power-of-two rescaling keeps sums of squares finite for any
    # magnitude (the Sharpe ratio and every rank are unchanged; means are scaled back).
    scale = power_of_two_scale(x)
    xs = x * scale
    unit = scale if metric == "mean" else 1.0
    # Each half is summarised from its own partitions only (counts, sums, and squares
    # about each partition's own mean): the in-sample metric, and so the selected
    # strategy, never depends on out-of-sample values, and identical in-sample data
    # give bit-identical metrics (exact ties).
    counts = np.array([len(p) for p in parts], dtype=np.float64)
    sums = np.stack([xs[p].sum(axis=0) for p in parts])
    part_mean = sums / counts[:, None]
    within = np.stack([((xs[p] - part_mean[i]) ** 2).sum(axis=0) for i, p in enumerate(parts)])
    # between-partition part of a half's sum of squares, without cancellation:
    # sum_p n_p (m_p - m)^2 = sum_{p<q} n_p n_q (m_p - m_q)^2 / n over the half's pairs
    pi, qi = np.triu_indices(n_partitions, 1)
    pair_sq = counts[pi, None] * counts[qi, None] * (part_mean[pi] - part_mean[qi]) ** 2
    member = np.zeros((n_comb, n_partitions))
    member[np.repeat(np.arange(n_comb), combos.shape[1]), combos.ravel()] = 1.0
    step = max(1, _CHUNK // n_strat)

    def evaluate(w):
        n = (w @ counts)[:, None]
        mean = (w @ sums) / n
        if metric == "mean":
            return mean / scale
        between = ((w[:, pi] * w[:, qi]) @ pair_sq) / n
        var = ((w @ within) + between) / (n - 1.0)
        # constant returns leave only rounding in `var` (an sd about 1e-16 of the
        # mean): a per-period Sharpe ratio above 1e12 is taken as undefined
        defined = var > (_MIN_CV * mean) ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(defined & (var > 0), mean / np.sqrt(var), np.nan)

    for lo in range(0, n_comb, step):
        w = member[lo : lo + step]
        picks.pick(evaluate(w), evaluate(1.0 - w), slice(lo, lo + step))
    return unit


def _degradation(is_perf: np.ndarray, oos_perf: np.ndarray, unit: float):
    """``(slope, intercept, r2)`` of the out-of-sample on the in-sample performance
    (NaN with fewer than two finite pairs or no spread in sample)."""
    finite = np.isfinite(is_perf) & np.isfinite(oos_perf)
    if not (finite.sum() >= 2 and np.ptp(is_perf[finite]) > 0):
        return math.nan, math.nan, math.nan
    xi, yi = is_perf[finite] * unit, oos_perf[finite] * unit  # exact (a power of two)
    xm, ym = xi.mean(), yi.mean()
    sxx = np.sum((xi - xm) ** 2)
    sxy = np.sum((xi - xm) * (yi - ym))
    syy = np.sum((yi - ym) ** 2)
    slope = float(sxy / sxx)
    intercept = float((ym - slope * xm) / unit)
    r2 = float(sxy**2 / (sxx * syy)) if syy > 0 else math.nan
    return slope, intercept, r2


def pbo(
    returns: ReturnsLike,
    *,
    n_partitions: int = 16,
    metric: str | Callable[[np.ndarray], np.ndarray] = "sharpe",
) -> PBOResult:
    r"""Probability of backtest overfitting by combinatorially symmetric cross-validation.

    If the best of ``N`` backtested strategies were chosen on one half of the data,
    how often would it rank in the bottom half on the other?

    Parameters
    ----------
    returns : array_like or pandas.DataFrame, shape (T, N)
        Per-period returns of the ``N`` strategies (columns) tried, at least 2.
    n_partitions : int, default 16
        :math:`S`, an even number of contiguous partitions of the rows, at most 20.
        There are :math:`\binom{S}{S/2}` combinations (12,870 for 16, 184,756 for 20).
    metric : {"sharpe", "mean"} or callable, default "sharpe"
        Performance of each strategy on a set of rows: the per-period Sharpe ratio
        (mean over standard deviation, ``ddof=1``), the mean return, or a function
        mapping an ``(n, N)`` array of returns to ``N`` values (higher is better),
        called twice per combination.

    Returns
    -------
    PBOResult
        ``pbo``, ``logits``, the degradation regression and ``probability_of_loss``,
        with :meth:`~riskcycle.snooping.PBOResult.plot` for the logit histogram and
        degradation scatter.

    Raises
    ------
    TypeError
        Non-numeric returns, ``metric`` of the wrong type.
    ValueError
        Odd or too many partitions for the rows, fewer than 2 strategies, NaN; with a
        callable ``metric``, values of magnitude above 1e100.

    Warns
    -----
    DegenerateDataWarning
        A strategy's metric is undefined on a half (constant returns, or a standard
        deviation below 1e-12 of the mean): it ranks last.

    See Also
    --------
    deflated_sharpe_ratio, spa_test

    Notes
    -----
    The rows are split into ``S`` contiguous partitions (sizes differ by at most
    one row when ``S`` does not divide ``T``). For each of the
    :math:`\binom{S}{S/2}` ways to choose ``S/2`` partitions as the in-sample set
    (the rest, in time order, is out of sample), the strategy with the best
    in-sample metric is selected (among exactly tied in-sample bests, the first
    column: the choice uses in-sample data only), its out-of-sample rank :math:`r_c`
    among the ``N`` (1 = worst; exact ties share the average rank) gives
    :math:`\bar\omega_c = r_c/(N+1)` and :math:`\lambda_c = \log(\bar\omega_c /
    (1-\bar\omega_c))`. The PBO is the share of :math:`\lambda_c \le 0` [1]_. With
    an odd ``N`` the median rank gives :math:`\lambda = 0`, counted as overfit. For
    the built-in metrics the per-partition counts, sums, squared deviations about
    each partition's own mean and squared differences between partition means are
    computed once and combined by matrix products (no cancellation), so the
    12,870 splits of ``S = 16`` cost little; each half's metric is computed from its
    own partitions only, so identical data give identical metrics (exact ties), and
    the data are first rescaled by a power of two (exact), so multiplying all returns
    by a positive factor changes neither the selections nor the PBO.

    Validated on a hand-computed example (S = 4, three strategies), on pure-noise
    strategies (PBO near 0.5) and with one strategy that has a real edge (PBO 0).

    References
    ----------
    .. [1] Bailey, D. H., Borwein, J. M., López de Prado, M., & Zhu, Q. J. (2017). The
       probability of backtest overfitting. *Journal of Computational Finance*, 20(4),
       39-69. doi:10.21314/JCF.2016.322

    Examples
    --------
    >>> import numpy as np
    >>> from riskcycle.snooping import pbo
    >>> rng = np.random.default_rng(0)
    >>> noise = rng.normal(0, 0.01, size=(1000, 20))      # 20 strategies, no skill
    >>> res = pbo(noise, n_partitions=8)
    >>> res.n_combinations
    70
    """
    x, names, n_partitions, metric = _pbo_iv(returns, n_partitions, metric)
    n_obs, n_strat = x.shape
    parts = np.array_split(np.arange(n_obs), n_partitions)
    combos = np.array(
        list(itertools.combinations(range(n_partitions), n_partitions // 2)), dtype=np.int64
    )
    n_comb = combos.shape[0]
    picks = _Picks(n_comb)
    if callable(metric):
        metric_name = getattr(metric, "__name__", "custom")
        unit = _pick_custom(x, parts, combos, metric, picks)
    else:
        metric_name = metric
        unit = _pick_builtin(x, parts, combos, metric, picks)
    if picks.degenerate:
        warnings.warn(
            "the metric is undefined (e.g. constant returns) for some strategy on "
            "some half of the data; such a strategy ranks last there.",
            DegenerateDataWarning,
            stacklevel=2,
        )
    omega = picks.ranks / (n_strat + 1.0)
    logits = special.logit(omega)
    is_perf, oos_perf, selected = picks.is_perf, picks.oos_perf, picks.selected
    slope, intercept, r2 = _degradation(is_perf, oos_perf, unit)
    return PBOResult(
        pbo=float(np.mean(logits <= 0.0)),
        logits=logits,
        relative_ranks=omega,
        selected=selected,
        is_performance=is_perf,
        oos_performance=oos_perf,
        combinations=combos,
        degradation_slope=slope,
        degradation_intercept=intercept,
        degradation_r2=r2,
        probability_of_loss=float(np.mean(oos_perf < 0.0)),
        metric=metric_name,
        n_partitions=n_partitions,
        n_combinations=n_comb,
        n_obs=n_obs,
        n_strategies=n_strat,
        strategies=names,
    )
