"""White's Reality Check, Hansen's SPA test and Romano-Wolf's StepM.

All three compare ``k`` strategies with a benchmark through the performance
differentials ``d[t, j]`` (strategy minus benchmark return, or benchmark minus
strategy loss; positive means the strategy did better) and one stationary
bootstrap of their means. The bootstrap is drawn once and reused: the Reality
Check, the three SPA p-values and every StepM step come from the same resamples.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._resample import politis_white_block_length, resampling_pvalue, resampling_pvalue_se
from .._rng import RNGLike, check_rng
from .._threads import check_n_jobs, run_tasks, thread_pool
from .._typing import ReturnsLike
from .._validation import check_bool, check_choice, check_float, check_n_resamples
from ..exceptions import DegenerateDataWarning
from ._input import as_matrix, as_vector
from ._resample import (
    block_sums,
    bootstrap_sums,
    recentred_maxima,
    stationary_variance,
    update_maxima,
)
from ._result import SPAResult, StepMResult

__all__ = ["SPAResult", "StepMResult", "spa_test", "stepm"]

_KINDS = ("returns", "losses")
_MIN_OBS = 10
_TILE = 64  # columns per task of the element-wise passes over the differentials


# ---------------------------------------------------------------------------
# shared computation
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class _SPAOptions:
    """The checked options of :func:`spa_test` (the data are checked separately)."""

    kind: str
    benchmark: str  # "zero", "constant" or "series"
    block_length: float | None  # None: the Politis-White estimate
    n_resamples: int
    studentize: bool
    nested: bool
    threads: int | None
    rng: np.random.Generator


@dataclass(frozen=True, slots=True, kw_only=True)
class _StepMOptions(_SPAOptions):
    """The checked options of :func:`stepm`: those of :func:`spa_test` and ``alpha``."""

    alpha: float


@dataclass(slots=True)
class _Bootstrap:
    names: list
    n_obs: int
    mean: np.ndarray  # (k,) mean differentials
    variance: np.ndarray  # (k,) long-run variance estimates
    relevant: np.ndarray  # (k,) bool, consistent recentring keeps the strategy
    constant: np.ndarray  # (k,) bool, the differential never varies
    centred: np.ndarray  # (B, k) bootstrap means minus sample means
    block_length: float
    block_length_method: str
    benchmark: str
    threads: int | None = None


def _column_tasks(fn, k: int, threads: int | None) -> None:
    """``fn(lo, hi)`` on every tile of ``_TILE`` columns ``lo:hi``, on ``threads``
    threads (numpy releases the GIL; each tile's arithmetic is the same whatever the
    split)."""

    def kernel(first, last):
        for tile in range(first, last):
            fn(tile * _TILE, min(k, (tile + 1) * _TILE))

    run_tasks(kernel, -(-k // _TILE), threads=threads)


def _common_iv(
    losses_or_returns,
    benchmark,
    kind,
    block_length,
    n_resamples,
    studentize,
    nested,
    rng,
    n_jobs=None,
) -> tuple[np.ndarray, list, _SPAOptions]:
    """The performance differentials (in a copy of the data), the strategies' names
    and the checked options."""
    kind = check_choice(kind, "kind", _KINDS)
    threads = check_n_jobs(n_jobs)
    x, names, index = as_matrix(
        losses_or_returns, "losses_or_returns", min_obs=_MIN_OBS, threads=threads
    )
    n_obs = x.shape[0]
    if benchmark is None:
        bench, bench_kind = None, "zero"
    else:
        bench = as_vector(benchmark, "benchmark", n_obs, index)
        bench_kind = "constant" if np.ptp(bench) == 0 else "series"
    if block_length is not None:
        block_length = check_float(
            block_length,
            "block_length",
            minimum=1.0,
            maximum=float(n_obs),
            what="a mean block length",
        )
    n_resamples = check_n_resamples(n_resamples)
    studentize = check_bool(studentize, "studentize")
    nested = check_bool(nested, "nested")
    rng = check_rng(rng)
    # performance differential: positive = the strategy did better than the benchmark
    if kind == "returns" and bench is None:
        d = x
    else:
        col = None if bench is None else bench[:, None]

        def differential(lo, hi):
            part = x[:, lo:hi]
            if kind == "returns":
                np.subtract(part, col, out=part)
            elif col is None:
                np.negative(part, out=part)
            else:
                np.subtract(col, part, out=part)

        _column_tasks(differential, x.shape[1], threads)
        d = x
    options = _SPAOptions(
        kind=kind,
        benchmark=bench_kind,
        block_length=block_length,
        n_resamples=n_resamples,
        studentize=studentize,
        nested=nested,
        threads=threads,
        rng=rng,
    )
    return d, names, options


def _bootstrap(d, names, options: _SPAOptions, blocks=None) -> _Bootstrap:
    """Bootstrap the means of ``d`` (modified in place: demeaned), on the blocks
    ``blocks`` if given, else on blocks drawn from ``options.rng``."""
    n_obs, k = d.shape
    threads, block_length, n_resamples = options.threads, options.block_length, options.n_resamples
    method = "given"
    if block_length is None:
        # before demeaning: the columns are ranked by mean / sd, which demeaning sets to ~0
        block_length, method = politis_white_block_length(d), "politis-white"
    constant = np.empty(k, dtype=bool)
    mean = np.empty(k)

    def demean(lo, hi):  # per tile of columns: the same numbers as on the whole matrix
        part = d[:, lo:hi]
        constant[lo:hi] = (part == part[0]).all(axis=0)
        mean[lo:hi] = part.mean(axis=0)
        part -= mean[lo:hi]
        part[:, constant[lo:hi]] = 0.0

    _column_tasks(demean, k, threads)
    if blocks is None:  # drawn and summed a fixed-size chunk of resamples at a time
        centred = bootstrap_sums(d, options.rng, block_length, n_resamples, threads=threads)
    else:
        centred = block_sums(d, blocks, threads=threads)
    centred /= n_obs
    if options.nested:  # as arch: variance of the bootstrap means of the demeaned data
        variance = n_obs * centred.var(axis=0)
    else:
        variance = stationary_variance(d, block_length, threads=threads)
    variance = np.maximum(variance, 0.0)
    threshold = -np.sqrt(variance / n_obs * 2.0 * math.log(math.log(n_obs)))
    return _Bootstrap(
        names,
        n_obs,
        mean,
        variance,
        mean >= threshold,
        constant,
        centred,
        float(block_length),
        method,
        options.benchmark,
        threads,
    )


@dataclass(slots=True)
class _Step:
    """What StepM reuses from the SPA pass over the bootstrap means."""

    usable: np.ndarray  # (k,) bool, strategies in the maxima
    scale: np.ndarray  # (k,) sqrt(T) / omega (studentized) or sqrt(T)
    shift: np.ndarray  # (k,) consistent recentring
    argmax: np.ndarray  # (B,) strategy attaining each consistent maximum


def _scales(bs: _Bootstrap, omega: np.ndarray, studentize: bool):
    r"""``(usable, scale)``: the strategies in the maxima and the factor of each mean,
    :math:`\sqrt{T}/\omega_j` (studentized; zero-variance strategies left out, with a
    warning) or :math:`\sqrt{T}`."""
    root, k = math.sqrt(bs.n_obs), bs.mean.shape[0]
    if not studentize:
        return np.ones(k, dtype=bool), np.full(k, root)
    usable = (omega > 0) & ~bs.constant
    if not usable.all():
        bad = [bs.names[j] for j in np.flatnonzero(~usable)[:5]]
        warnings.warn(
            f"{int((~usable).sum())} strateg{'y has' if (~usable).sum() == 1 else 'ies have'}"
            f" a constant performance differential (zero variance), e.g. {bad}; "
            "they are left out of the studentized statistics.",
            DegenerateDataWarning,
            stacklevel=4,
        )
    return usable, np.divide(root, omega, out=np.zeros(k), where=usable)


def _spa_result(bs: _Bootstrap, options: _SPAOptions) -> tuple[SPAResult, _Step]:
    kind, n_resamples = options.kind, options.n_resamples
    studentize, nested = options.studentize, options.nested
    n_obs = bs.n_obs
    root = math.sqrt(n_obs)
    k = bs.mean.shape[0]
    omega = np.sqrt(bs.variance)
    usable, scale = _scales(bs, omega, studentize)
    tstat = np.where(usable, bs.mean * scale, np.nan)
    consistent = np.where(bs.relevant, 0.0, bs.mean)
    # one pass over the bootstrap means: the three recentrings over the usable
    # strategies and (studentized) White's unstudentized Reality Check over all
    shifts = [np.minimum(bs.mean, 0.0), consistent, np.zeros(k)]
    scales, use = [scale] * 3, [usable] * 3
    if studentize:
        shifts.append(np.zeros(k))
        scales.append(np.full(k, root))
        use.append(np.ones(k, dtype=bool))
    maxima, argmax = recentred_maxima(
        bs.centred,
        np.stack(shifts),
        np.stack(scales),
        np.stack(use),
        arg_row=1,
        threads=bs.threads,
    )
    null = maxima[:, :3] if usable.any() else np.full((n_resamples, 3), np.nan)
    null = np.ascontiguousarray(null)
    # White's Reality Check: unstudentized, all recentred
    rc_null = maxima[:, 3].copy() if studentize else null[:, 2].copy()
    step = _Step(usable, scale, consistent, argmax)
    stat = float(np.nanmax(tstat)) if usable.any() else math.nan
    best = bs.names[int(np.nanargmax(tstat))] if usable.any() else None
    pvals = [resampling_pvalue(stat, null[:, i], alternative="greater") for i in range(3)]
    rc_stat = root * float(bs.mean.max())
    strategies = pd.DataFrame(
        {
            "mean_differential": bs.mean,
            "standard_error": omega / root,
            "t_statistic": tstat,
            "relevant": bs.relevant,
        },
        index=pd.Index(bs.names, name="strategy"),
    )
    p = pvals[1]
    rc_p = resampling_pvalue(rc_stat, rc_null, alternative="greater")
    result = SPAResult(
        statistic=stat,
        pvalue=p,
        pvalue_lower=pvals[0],
        pvalue_consistent=pvals[1],
        pvalue_upper=pvals[2],
        reality_check_pvalue=rc_p,
        reality_check_statistic=rc_stat,
        pvalue_se=resampling_pvalue_se(stat, null[:, 1], alternative="greater"),
        null_distribution=null,
        reality_check_null_distribution=rc_null,
        strategies=strategies,
        best=best,
        kind=kind,
        benchmark=bs.benchmark,
        block_length=bs.block_length,
        block_length_method=bs.block_length_method,
        n_resamples=n_resamples,
        n_obs=n_obs,
        n_strategies=k,
        studentize=studentize,
        nested=nested,
        variance_estimator="bootstrap" if nested else "stationary-kernel",
    )
    return result, step


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------
def _spa_test_iv(
    losses_or_returns, benchmark, kind, block_length, n_resamples, studentize, nested, n_jobs, rng
) -> tuple[np.ndarray, list, _SPAOptions]:
    return _common_iv(
        losses_or_returns,
        benchmark,
        kind,
        block_length,
        n_resamples,
        studentize,
        nested,
        rng,
        n_jobs,
    )


def spa_test(
    losses_or_returns: ReturnsLike,
    *,
    benchmark: float | ReturnsLike | None = None,
    kind: str = "returns",
    block_length: float | None = None,
    n_resamples: int = 1000,
    studentize: bool = True,
    nested: bool = False,
    n_jobs: int | None = None,
    rng: RNGLike = None,
) -> SPAResult:
    r"""Hansen's test for superior predictive ability, with White's Reality Check.

    Does any of ``k`` strategies beat the benchmark, once the search over the ``k``
    is accounted for? The test bootstraps the maximum of the strategies' mean
    performance differentials with the stationary bootstrap.

    Parameters
    ----------
    losses_or_returns : array_like or pandas.DataFrame, shape (T, k)
        Per-period performance of ``k`` strategies (columns) over the same ``T``
        periods: returns (higher is better) or losses (lower is better), see ``kind``.
        A 1-D input is one strategy. Must be finite; at least 10 rows.
    benchmark : float or array_like of shape (T,), optional
        The benchmark's returns (or losses). Default: zero, i.e. "does any strategy
        earn a positive mean return (or loss below zero)?". A pandas Series must have
        the same index as ``losses_or_returns``.
    kind : {"returns", "losses"}, default "returns"
        ``"returns"``: differential :math:`d_{tj} = x_{tj} - b_t`; ``"losses"`` (arch's
        convention): :math:`d_{tj} = b_t - x_{tj}`. Either way :math:`d > 0` means the
        strategy did better.
    block_length : float, optional
        Mean block length of the stationary bootstrap (:math:`1/p`), in ``[1, T]``.
        Default: the Politis-White estimate (see Notes).
    n_resamples : int, default 1000
        Bootstrap resamples ``B``.
    studentize : bool, default True
        Divide each strategy's mean by its standard error (Hansen's SPA). With
        ``False`` the statistic is the unstudentized maximum of White's Reality Check.
    nested : bool, default False
        Estimate the long-run variances from the bootstrap means themselves
        (:math:`T\,\widehat{\mathrm{Var}}^*(\bar d^*_j)`) instead of the stationary
        bootstrap kernel estimator. Both as arch's ``nested`` option.
    n_jobs : int or None, default None
        Threads for the compiled kernels and the passes over the data (block sums,
        variances, maxima, input checks): a positive number, or ``None`` / ``-1`` for
        all cores (``numba.get_num_threads()``, i.e. ``NUMBA_NUM_THREADS``, by default
        every CPU). The results are identical for every ``n_jobs``.
    rng : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Source of randomness (the block starts and lengths).

    Returns
    -------
    SPAResult
        ``pvalue`` (consistent), ``pvalue_lower``/``pvalue_upper``,
        ``reality_check_pvalue``, ``statistic``, ``null_distribution``, the
        per-strategy table ``strategies`` and the settings used.

    Raises
    ------
    TypeError
        Non-numeric data or wrongly typed options (``n_jobs`` not an integer).
    ValueError
        NaN/infinite data, fewer than 10 observations, a benchmark of the wrong
        length or index, ``block_length`` outside ``[1, T]``, unknown ``kind``,
        ``n_jobs`` zero or below -1.

    Warns
    -----
    DegenerateDataWarning
        A strategy's differential is constant (zero variance): it is left out of
        the studentized statistics (its t-statistic is NaN).

    See Also
    --------
    stepm : Which strategies beat the benchmark (family-wise error control).
    deflated_sharpe_ratio : A closed-form correction of one Sharpe ratio for the search.
    pbo : Probability of backtest overfitting by combinatorial cross-validation.

    Notes
    -----
    With :math:`\bar d_j` the sample mean and :math:`\hat\omega_j^2` the long-run
    variance of :math:`d_{tj}`, the statistic is
    :math:`T^{SPA} = \max_j \sqrt T \bar d_j / \hat\omega_j`. Each bootstrap resample
    gives :math:`\max_j \sqrt T (\bar d^*_j - \mu_j)/\hat\omega_j` with the
    recentring :math:`\mu_j = \max(\bar d_j, 0)` (lower),
    :math:`\bar d_j \mathbb 1\{\bar d_j \ge -\hat\omega_j\sqrt{2\log\log T/T}\}`
    (consistent) or :math:`\bar d_j` (upper). The p-value is
    :math:`(1 + \#\{\text{null} \ge T^{SPA}\})/(1 + B)`, null values within a
    relative 1e-12 of :math:`T^{SPA}` counting as ties
    (:func:`riskcycle._resample.resampling_pvalue`, the library's one rule; arch
    counts strictly greater maxima, which differs only on exact ties, absent for
    continuous differentials); its Monte Carlo standard error is
    :math:`\sqrt{p(1-p)/B}`.

    The variance estimator is that of arch's ``SPA``: the stationary bootstrap's own
    kernel, :math:`\hat\gamma_0 + 2\sum_{i=1}^{T-1}\kappa_i\hat\gamma_i` with
    :math:`\kappa_i = (1-i/T)(1-p)^i + (i/T)(1-p)^{T-i}` (Politis & Romano 1994),
    computed here in O(Tk) through a recursion instead of O(T^2 k).

    *Agreement with arch.* ``arch.bootstrap.SPA`` (8.0) accepts ``studentize`` but
    does not divide by the standard errors: its statistic and null are always the
    unstudentized ones, the variances only set the consistent threshold. With
    ``studentize=False`` this function reproduces arch's p-values; given the same
    resamples the counts agree exactly (tested), and arch's p-value is ``count / B``
    where this function reports ``(1 + count)/(1 + B)``, which is never 0. Like arch,
    the statistic is not floored at 0 (Hansen floors it); this matters only when
    every strategy is worse than the benchmark, where both p-values are large.
    With ``studentize=True`` the result equals arch's on the differentials divided
    by their standard errors (also tested).

    *Finite samples.* The studentized statistic divides by estimated standard errors
    that the bootstrap treats as known, so in short samples with strong dependence
    and long blocks it over-rejects: in simulations with T = 250, k = 8 MA(1)
    (coefficient 0.3) strategies with mean 0 and block length 10, the consistent
    p-value rejected 11% of the time at 5% (7% at T = 500, block 8), White's Reality
    Check 5%. With i.i.d. data (T = 250, block 2) both hold their size (tested).

    *Speed.* The resamples are drawn as (start, length) blocks (geometric lengths,
    the same law as arch's stationary bootstrap). A resample mean is a sum of block
    sums and each block sum is a difference of two rows of the prefix-sum array, so
    the bootstrap costs O(B n_blocks k) instead of O(B T k). The compiled kernel
    works on tiles of columns whose prefix sums stay in the CPU's cache, on
    ``n_jobs`` threads, without copying the data. The resamples are drawn and
    summed 256 at a time (the next chunk drawn while the threads sum the current
    one, from the same random stream as one draw of all), so the memory beyond the
    copy of the data and the :math:`B \times k` bootstrap means does not grow with
    ``B``. StepM reuses the SPA's maxima: each step recomputes only the resamples
    whose maximum belonged to a strategy rejected in the previous step. The numbers
    do not depend on the number of threads. The measured speed and memory against
    arch 8.0 are in ``benchmarks/RESULTS.md``.

    *Default block length.* The median of the Politis-White (2004, corrected by
    Patton, Politis & White 2009) stationary-bootstrap block lengths
    (the estimator of ``arch.bootstrap.optimal_block_length``, computed by
    :func:`riskcycle._resample.politis_white_block_length` without importing arch)
    of the differentials of the (at most
    50) strategies with the largest mean-to-standard-deviation ratio: those drive
    the maximum, and their dependence is the one the bootstrap must reproduce.
    It is not rounded, and never below 1. arch's own default, :math:`\sqrt T`,
    ignores the data.

    References
    ----------
    .. [1] White, H. (2000). A reality check for data snooping. *Econometrica*, 68(5),
       1097-1126. doi:10.1111/1468-0262.00152
    .. [2] Hansen, P. R. (2005). A test for superior predictive ability. *Journal of
       Business & Economic Statistics*, 23(4), 365-380. doi:10.1198/073500105000000063
    .. [3] Politis, D. N., & Romano, J. P. (1994). The stationary bootstrap. *Journal of
       the American Statistical Association*, 89(428), 1303-1313.
       doi:10.1080/01621459.1994.10476870
    .. [4] Politis, D. N., & White, H. (2004). Automatic block-length selection for the
       dependent bootstrap. *Econometric Reviews*, 23(1), 53-70.
       doi:10.1081/ETC-120028836; correction: Patton, A., Politis, D. N., & White, H.
       (2009), *Econometric Reviews*, 28(4), 372-375. doi:10.1080/07474930802459016

    Examples
    --------
    >>> import numpy as np
    >>> from riskcycle.snooping import spa_test
    >>> rng = np.random.default_rng(0)
    >>> returns = rng.normal(0.0, 0.01, size=(1000, 50))   # 50 strategies, no edge
    >>> res = spa_test(returns, block_length=5, n_resamples=500, rng=1)
    >>> bool(res.pvalue > 0.05)
    True
    """
    with thread_pool(check_n_jobs(n_jobs)):  # one pool for every pass of the call
        d, names, options = _spa_test_iv(
            losses_or_returns,
            benchmark,
            kind,
            block_length,
            n_resamples,
            studentize,
            nested,
            n_jobs,
            rng,
        )
        return _spa_result(_bootstrap(d, names, options), options)[0]


def _stepm_iv(
    losses_or_returns,
    benchmark,
    kind,
    alpha,
    block_length,
    n_resamples,
    studentize,
    nested,
    n_jobs,
    rng,
) -> tuple[np.ndarray, list, _StepMOptions]:
    alpha = check_float(
        alpha,
        "alpha",
        minimum=0.0,
        maximum=1.0,
        inclusive=(False, False),
        what="a probability (the family-wise error rate)",
    )
    d, names, options = _common_iv(
        losses_or_returns,
        benchmark,
        kind,
        block_length,
        n_resamples,
        studentize,
        nested,
        rng,
        n_jobs,
    )
    return d, names, _StepMOptions(**_fields(options), alpha=alpha)


def _fields(options: _SPAOptions) -> dict:
    return {f.name: getattr(options, f.name) for f in dataclasses.fields(options)}


def stepm(
    losses_or_returns: ReturnsLike,
    *,
    benchmark: float | ReturnsLike | None = None,
    kind: str = "returns",
    alpha: float = 0.05,
    block_length: float | None = None,
    n_resamples: int = 1000,
    studentize: bool = True,
    nested: bool = False,
    n_jobs: int | None = None,
    rng: RNGLike = None,
) -> StepMResult:
    r"""Romano-Wolf StepM: the strategies that beat the benchmark, with FWER control.

    Parameters
    ----------
    losses_or_returns, benchmark, kind, block_length, n_resamples, studentize, nested
        As in :func:`spa_test`.
    n_jobs, rng
        As in :func:`spa_test` (the results are identical for every ``n_jobs``).
    alpha : float, default 0.05
        Family-wise error rate: the probability of calling at least one strategy
        superior that is not.

    Returns
    -------
    StepMResult
        ``superior`` (labels), ``rejected`` (per strategy), ``steps`` and the
        :class:`~riskcycle.snooping.SPAResult` from the same bootstrap (``spa``).

    Raises
    ------
    TypeError, ValueError
        As :func:`spa_test` (``n_jobs`` included); ``alpha`` outside (0, 1).

    Warns
    -----
    DegenerateDataWarning
        As :func:`spa_test`.

    See Also
    --------
    spa_test

    Notes
    -----
    Step 1 rejects every strategy whose statistic :math:`\sqrt T\bar d_j/\hat\omega_j`
    exceeds the :math:`1-\alpha` bootstrap quantile of the maximum over all
    strategies (consistent recentring). Each further step repeats this with the
    maximum taken over the strategies not yet rejected, until a step rejects
    nothing or none is left. The resamples are drawn once and shared by all steps.
    This is the procedure of arch's ``StepM`` (which, like arch's ``SPA``, does not
    studentize: ``studentize=False`` reproduces it; see :func:`spa_test`), except
    that the loop also stops cleanly when every strategy is rejected.

    References
    ----------
    .. [1] Romano, J. P., & Wolf, M. (2005). Stepwise multiple testing as formalized
       data snooping. *Econometrica*, 73(4), 1237-1282.
       doi:10.1111/j.1468-0262.2005.00615.x
    .. [2] Hansen, P. R. (2005). A test for superior predictive ability. *Journal of
       Business & Economic Statistics*, 23(4), 365-380. doi:10.1198/073500105000000063

    Examples
    --------
    >>> import numpy as np
    >>> from riskcycle.snooping import stepm
    >>> rng = np.random.default_rng(0)
    >>> returns = rng.normal(0.0, 0.01, size=(1000, 20))
    >>> returns[:, 3] += 0.003                      # one strategy with a real edge
    >>> stepm(returns, block_length=5, n_resamples=500, rng=1).superior
    [3]
    """
    with thread_pool(check_n_jobs(n_jobs)):  # one pool for every pass of the call
        d, names, options = _stepm_iv(
            losses_or_returns,
            benchmark,
            kind,
            alpha,
            block_length,
            n_resamples,
            studentize,
            nested,
            n_jobs,
            rng,
        )
        bs = _bootstrap(d, names, options)
        spa, step = _spa_result(bs, options)
        return _stepm_from(spa, bs, step, options.alpha)


def _stepm_from(spa: SPAResult, bs: _Bootstrap, step: _Step, alpha: float) -> StepMResult:
    tstat = spa.strategies["t_statistic"].to_numpy()
    k = tstat.shape[0]
    # step 1's maxima are the SPA's consistent null; each further step drops the
    # rejected strategies and recomputes only the resamples whose maximum was one of them
    maxima = spa.null_distribution[:, 1].copy()
    argmax = step.argmax.copy()
    active = step.usable.copy()
    rejected = np.zeros(k, dtype=bool)
    steps = []
    while active.any():
        if steps:
            update_maxima(
                bs.centred, step.shift, step.scale, active, maxima, argmax, threads=bs.threads
            )
        crit = float(np.percentile(maxima, 100.0 * (1.0 - alpha)))
        new = active & (tstat > crit)
        steps.append((len(steps) + 1, int(active.sum()), crit, int(new.sum())))
        if not new.any():
            break
        rejected |= new
        active &= ~new
    names = list(spa.strategies.index)
    return StepMResult(
        superior=[names[j] for j in np.flatnonzero(rejected)],
        rejected=pd.Series(rejected, index=spa.strategies.index, name="superior"),
        steps=pd.DataFrame(steps, columns=["step", "n_tested", "critical_value", "n_rejected"]),
        alpha=alpha,
        spa=spa,
    )
