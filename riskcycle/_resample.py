r"""Resampling building blocks shared by inference, regimes, backtesting and snooping.

One definition of each concept:

* :func:`politis_white_block_length`: the automatic block length of Politis &
  White (2004, with Patton, Politis & White 2009's correction) with one guard policy,
  for one series or (median over the columns that drive a maximum) many;
* :func:`stationary_blocks`: block starts and lengths of the stationary bootstrap
  (Politis & Romano 1994), drawn with numpy from the caller's generator: the one
  representation of resamples that the code passes around; at the edges,
  :func:`block_indices` lays blocks out as index rows (and
  :func:`stationary_index_matrix` draws and lays out in one call);
* :func:`resampling_pvalue` and :func:`resampling_pvalue_se`: the Monte Carlo
  p-value :math:`(1 + b)/(1 + m)` and its standard error.

Numba kernels that consume the blocks stay in the modules that use them; they
receive the arrays drawn here and never draw their own random numbers.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "MIN_PW_OBS",
    "PVALUE_RTOL",
    "block_indices",
    "politis_white_block_length",
    "resampling_pvalue",
    "resampling_pvalue_se",
    "stationary_blocks",
    "stationary_index_matrix",
    "tail_counts",
]

#: below this many observations the Politis-White estimate is not computed (block 1)
MIN_PW_OBS = 10
#: relative tolerance within which a null value counts as a tie with the observed one
PVALUE_RTOL = 1e-12

_ALTERNATIVES = ("two-sided", "less", "greater")


# ---------------------------------------------------------------------------
# block length
# ---------------------------------------------------------------------------
def politis_white_block_length(
    x: np.ndarray, *, kind: str = "stationary", max_columns: int = 50
) -> float:
    r"""Politis-White automatic block length, with one guard policy: the block length
    of every bootstrap in riskcycle that is not given one.

    Parameters
    ----------
    x : array_like, 1-D or 2-D
        The series (e.g. daily log returns), or several series as columns (e.g. the
        performance differentials of many strategies). Non-finite values are not
        allowed.
    kind : {"stationary", "circular"}, default "stationary"
        Mean block length of the stationary bootstrap or fixed block length of
        the circular block bootstrap.
    max_columns : int, default 50
        With columns: the estimate is the median of the columns' estimates over
        the (at most ``max_columns``) columns with the largest ratio of mean to
        standard deviation, which are those that drive a maximum statistic such as
        the SPA's. Pass the data themselves, not demeaned: after demeaning every
        ratio is zero up to rounding and the choice of columns is arbitrary.
        Constant columns are left out (none left: 1.0).

    Returns
    -------
    float
        The estimate of :func:`arch.bootstrap.optimal_block_length` (column
        ``kind``), computed here with the same operations (so the same number, without
        importing arch; tested against arch), then guarded:

        * fewer than ``MIN_PW_OBS`` = 10 observations, or a constant series: 1.0
          (no dependence can be estimated; the bootstrap is then i.i.d.);
        * a non-finite estimate: 1.0;
        * otherwise clipped to :math:`[1, n/3]`. arch bounds its own search at
          :math:`\lceil\min(3\sqrt n, n/3)\rceil`; the cap makes the bound explicit
          so that a resample always has several blocks.

    References
    ----------
    Politis, D. N. & White, H. (2004). Automatic block-length selection for the
    dependent bootstrap. *Econometric Reviews* 23(1), 53-70. doi:10.1081/ETC-120028836

    Patton, A., Politis, D. N. & White, H. (2009). Correction to "Automatic
    block-length selection for the dependent bootstrap". *Econometric Reviews*
    28(4), 372-375. doi:10.1080/07474930802459016
    """
    if kind not in ("stationary", "circular"):
        raise ValueError(f"`kind` must be 'stationary' or 'circular'; got {kind!r}.")
    x = np.asarray(x, dtype=float)
    if x.ndim == 2:
        cols = _driving_columns(x, max_columns)
        if cols.shape[1] == 0:
            return 1.0
        return float(np.median([politis_white_block_length(c, kind=kind) for c in cols.T]))
    x = x.ravel()
    n = x.size
    if n < MIN_PW_OBS or np.ptp(x) == 0.0:
        return 1.0
    value = _politis_white(x)[0 if kind == "stationary" else 1]
    if not np.isfinite(value):
        return 1.0
    return float(min(max(value, 1.0), max(n / 3.0, 1.0)))


def _driving_columns(x: np.ndarray, max_columns: int) -> np.ndarray:
    """The non-constant columns among the ``max_columns`` with the largest mean / sd
    (all columns when there are at most ``max_columns``), in their original order."""
    k = x.shape[1]
    if k > max_columns:
        sd = x.std(axis=0)
        ratio = np.divide(x.mean(axis=0), sd, out=np.full(k, -np.inf), where=sd > 0)
        x = x[:, np.sort(np.argsort(-ratio, kind="stable")[:max_columns])]
    return x[:, x.std(axis=0) > 0]


def _politis_white(x: np.ndarray) -> tuple[float, float]:
    r"""Stationary and circular Politis-White block lengths of one series.

    The estimator of arch 8's ``arch.bootstrap.base._single_optimal_block``, line by
    line (the same numpy operations in the same order, so the same floating-point
    result): the tuning parameter :math:`m` is twice the first lag after which
    :math:`k_n = \max(5, \lfloor\log_{10} n\rfloor)` consecutive
    autocorrelations lie within :math:`\pm 2\sqrt{\log_{10}(n)/n}` (at most
    :math:`\lceil\sqrt n\rceil + k_n`), the flat-top kernel gives :math:`G` and the
    long-run variance, and :math:`b = (2G^2/d)^{1/3} n^{1/3}` with :math:`d = 2\hat\sigma^4`
    (stationary) or :math:`\tfrac43\hat\sigma^4` (circular), capped at
    :math:`\lceil\min(3\sqrt n, n/3)\rceil`.
    """
    nobs = x.shape[0]
    eps = x - x.mean(0)
    b_max = np.ceil(min(3 * np.sqrt(nobs), nobs / 3))
    kn = max(5, int(np.log10(nobs)))
    m_max = int(np.ceil(np.sqrt(nobs))) + kn
    cv = 2 * np.sqrt(np.log10(nobs) / nobs)
    acv = np.zeros(m_max + 1)
    abs_acorr = np.zeros(m_max + 1)
    opt_m = None
    for i in range(m_max + 1):
        v1 = eps[i + 1 :] @ eps[i + 1 :]
        v2 = eps[: -(i + 1)] @ eps[: -(i + 1)]
        cross_prod = eps[i:] @ eps[: nobs - i]
        acv[i] = cross_prod / nobs
        with np.errstate(divide="ignore", invalid="ignore"):  # lags beyond short samples
            abs_acorr[i] = np.abs(cross_prod) / np.sqrt(v1 * v2)
        if i >= kn and opt_m is None and np.all(abs_acorr[i - kn : i] < cv):
            opt_m = i - kn
    m = 2 * max(opt_m, 1) if opt_m is not None else m_max
    m = min(m, m_max)
    g = 0.0
    lr_acv = acv[0]
    for k in range(1, m + 1):
        lam = 1 if k / m <= 1 / 2 else 2 * (1 - k / m)
        g += 2 * lam * k * acv[k]
        lr_acv += 2 * lam * acv[k]
    d_sb = 2 * lr_acv**2
    d_cb = 4 / 3 * lr_acv**2
    b_sb = ((2 * g**2) / d_sb) ** (1 / 3) * nobs ** (1 / 3)
    b_cb = ((2 * g**2) / d_cb) ** (1 / 3) * nobs ** (1 / 3)
    return float(min(b_sb, b_max)), float(min(b_cb, b_max))


# ---------------------------------------------------------------------------
# stationary-bootstrap blocks
# ---------------------------------------------------------------------------
def stationary_blocks(
    rng: np.random.Generator,
    n_obs: int,
    block_length: float,
    n_resamples: int,
    *,
    length: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Block starts and lengths of ``n_resamples`` stationary-bootstrap resamples.

    Parameters
    ----------
    rng : numpy.random.Generator
        The only source of randomness (numpy's global state is never used).
    n_obs : int
        Number of observations to resample from: starts are uniform on
        ``0, ..., n_obs - 1``.
    block_length : float
        Mean block length :math:`b \ge 1`.
    n_resamples : int
    length : int, optional
        Observations each resample must cover (default ``n_obs``).

    Returns
    -------
    starts, lengths : ndarray of int64, shape (n_resamples, width)
        Resample ``r`` is the concatenation of the circular blocks
        ``(starts[r, j] + i) mod n_obs``, ``i = 0 .. lengths[r, j] - 1``, for
        ``j = 0, 1, ...``, cut at ``length`` observations. Every row's lengths
        add up to at least ``length``; the blocks past that point are unused.

    Notes
    -----
    Block lengths are i.i.d. geometric on :math:`1, 2, \dots` with success
    probability :math:`p = 1/b` (mean :math:`b`), starts i.i.d. uniform: the
    stationary bootstrap of Politis & Romano (1994), the same law as
    :class:`arch.bootstrap.StationaryBootstrap` (a new block after each position
    with probability :math:`p`), drawn with fewer random numbers.

    Draw order (fixed: seeded results depend on it): a ``(n_resamples, width)``
    matrix of lengths with :meth:`~numpy.random.Generator.geometric`, ``width =
    min(length, ceil(m + 6 sqrt(m) + 10))`` where :math:`m = 1 + (\text{length} - 1)p`
    is the mean number of blocks; while some row does not reach ``length``, another
    matrix of the same shape is appended (rare); then the starts, one per block.
    """
    length = n_obs if length is None else int(length)
    p = 1.0 / float(block_length)
    mean_blocks = 1.0 + (length - 1) * p
    width = max(1, min(math.ceil(mean_blocks + 6.0 * math.sqrt(mean_blocks) + 10.0), length))
    lengths = rng.geometric(p, size=(n_resamples, width)).astype(np.int64, copy=False)
    total = lengths.sum(axis=1)
    while (total < length).any():  # rare: too few blocks for some row
        more = rng.geometric(p, size=(n_resamples, width)).astype(np.int64, copy=False)
        lengths = np.concatenate([lengths, more], axis=1)
        total = lengths.sum(axis=1)
    starts = rng.integers(0, n_obs, size=lengths.shape, dtype=np.int64)
    return starts, lengths


def stationary_index_matrix(
    rng: np.random.Generator, n_obs: int, block_length: float, n_resamples: int
) -> np.ndarray:
    """Stationary-bootstrap resamples as index rows, shape ``(n_resamples, n_obs)``.

    The blocks of :func:`stationary_blocks` (same draws, same law) laid out as
    positions by :func:`block_indices`: ``x[stationary_index_matrix(...)]`` is the
    matrix of resamples.
    """
    starts, lengths = stationary_blocks(rng, n_obs, block_length, n_resamples)
    return block_indices(starts, lengths, n_obs)


def block_indices(starts: np.ndarray, lengths: np.ndarray, n_obs: int) -> np.ndarray:
    """The positions of resamples given by blocks, shape ``(n_resamples, n_obs)``.

    Blocks (starts and lengths, one row per resample, as :func:`stationary_blocks`
    returns them) are riskcycle's one representation of block-bootstrap resamples:
    the kernels sum blocks, never index arrays. This conversion is for the edges,
    code that needs the positions themselves (``x[idx]``).
    """
    n_resamples = starts.shape[0]
    first = np.cumsum(lengths, axis=1) - lengths  # resample position of each block's start
    # positions each block fills: up to the next block's start, cut at n_obs (the last
    # block started before n_obs fills the rest of the row)
    bounds = np.minimum(first, n_obs)
    take = np.diff(bounds, axis=1, append=np.full((n_resamples, 1), n_obs, dtype=bounds.dtype))
    # position t of a block started at s, placed at first, is s + (t - first), modulo n_obs
    out = np.repeat((starts - first).ravel(), take.ravel()).reshape(n_resamples, n_obs)
    out += np.arange(n_obs)
    out %= n_obs
    return out


# ---------------------------------------------------------------------------
# p-values
# ---------------------------------------------------------------------------
def tail_counts(observed: float, null: np.ndarray) -> tuple[int, int, int]:
    r"""``(#{T* >= T}, #{T* <= T}, m)`` over the ``m`` finite null values.

    Null values within a relative ``PVALUE_RTOL`` = 1e-12 of the observed value
    count as ties (on both sides), so that a statistic recomputed with a different
    summation order is not counted as more or less extreme than itself (scipy's
    ``permutation_test`` does the same with ``100 * eps``).
    """
    null = np.asarray(null, dtype=float).ravel()
    null = null[np.isfinite(null)]
    gamma = abs(observed) * PVALUE_RTOL
    ge = int(np.count_nonzero(null >= observed - gamma))
    le = int(np.count_nonzero(null <= observed + gamma))
    return ge, le, int(null.size)


def _one_sided(observed: float, null: np.ndarray, alternative: str) -> tuple[float, int]:
    if alternative not in _ALTERNATIVES:
        raise ValueError(f"`alternative` must be one of {_ALTERNATIVES}; got {alternative!r}.")
    if not np.isfinite(observed):
        return math.nan, 0
    ge, le, m = tail_counts(observed, null)
    if m == 0:
        return math.nan, 0
    pg, pl = (1 + ge) / (1 + m), (1 + le) / (1 + m)
    one = pg if alternative == "greater" else pl if alternative == "less" else min(pg, pl)
    return one, m


def resampling_pvalue(observed: float, null: np.ndarray, *, alternative: str) -> float:
    r"""Monte Carlo p-value :math:`(1 + b)/(1 + m)` of a resampling test.

    Parameters
    ----------
    observed : float
        The statistic of the data.
    null : array_like
        Its resampled (null) values; non-finite values are dropped, ``m`` is the
        number of finite ones.
    alternative : {"two-sided", "less", "greater"}
        "greater": :math:`b = \#\{T^* \ge T\}`; "less": :math:`b = \#\{T^* \le T\}`;
        "two-sided": twice the smaller one-sided p-value, at most 1.

    Returns
    -------
    float
        In :math:`(0, 1]`; NaN when ``observed`` is not finite or no null value is.

    Notes
    -----
    Counting the observed statistic among the null values (Davison & Hinkley
    1997, eq. 4.11) makes the test exact at level :math:`\alpha` whenever
    :math:`\alpha(m + 1)` is an integer. Ties: see :func:`tail_counts` (a relative
    tolerance of 1e-12, ties count as at least as extreme).

    References
    ----------
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their
    Application*. Cambridge University Press. doi:10.1017/CBO9780511802843
    """
    one, _ = _one_sided(observed, null, alternative)
    if alternative == "two-sided" and not math.isnan(one):  # min(1.0, nan) would be 1.0
        return float(min(1.0, 2.0 * one))
    return float(one)


def resampling_pvalue_se(observed: float, null: np.ndarray, *, alternative: str) -> float:
    r"""Monte Carlo standard error of :func:`resampling_pvalue`.

    :math:`\sqrt{p_1(1 - p_1)/m}` for the one-sided p-value :math:`p_1` (the
    smaller one for "two-sided", whose error is twice that, at most 1); ``m`` is
    the number of finite null values.
    """
    one, m = _one_sided(observed, null, alternative)
    if m == 0:
        return math.nan
    se = math.sqrt(one * (1.0 - one) / m)
    return float(min(2.0 * se, 1.0) if alternative == "two-sided" else se)
