"""Probabilistic and deflated Sharpe ratios, minimum track record length.

Bailey & López de Prado (2012, 2014). Every formula here works with the
*per-period* Sharpe ratio (mean over standard deviation of the returns at their
own frequency) and the *ordinary* kurtosis (3 for a normal distribution).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from .._typing import ReturnsLike
from .._validation import check_confidence_level, check_float, check_int
from ..exceptions import DegenerateDataWarning
from ._input import as_matrix, power_of_two_scale
from ._result import MinTRLResult, SharpeRatioResult

__all__ = [
    "MinTRLResult",
    "SharpeRatioResult",
    "deflated_sharpe_ratio",
    "min_track_record_length",
    "probabilistic_sharpe_ratio",
]

_EULER_GAMMA = float(np.euler_gamma)
_REFERENCES = """
    References
    ----------
    .. [1] Bailey, D. H., & López de Prado, M. (2012). The Sharpe ratio efficient
       frontier. *Journal of Risk*, 15(2), 3-44. doi:10.21314/JOR.2012.255
    .. [2] Bailey, D. H., & López de Prado, M. (2014). The deflated Sharpe ratio:
       correcting for selection bias, backtest overfitting and non-normality.
       *Journal of Portfolio Management*, 40(5), 94-107. doi:10.3905/jpm.2014.40.5.094
    .. [3] Mertens, E. (2002). Comments on variance of the IID estimator in Lo (2002).
       Working paper, University of Basel.
"""
_COMMON_PARAMS = """
    skew : float, optional
        Skewness of the returns. Default: estimated from the returns (the biased
        moment estimator :math:`m_3/m_2^{3/2}`), or 0 for a Sharpe-ratio input.
    kurtosis : float, optional
        *Ordinary* (non-excess) kurtosis, 3 for normal returns. Default: estimated
        (:math:`m_4/m_2^2`), or 3 for a Sharpe-ratio input. Must satisfy
        :math:`\\kappa \\ge 1 + \\gamma^2`; an excess kurtosis (normal = 0) is refused.
    periods_per_year : float, optional
        If given, every Sharpe-ratio *argument* (a scalar ``returns_or_sr``,
        ``sr_benchmark``, ``sr_variance``) is annualised and converted to per period
        by :math:`SR/\\sqrt{q}` (variance :math:`V/q`); Sharpe ratios estimated from
        returns are per period already. Never a silent default: without it every
        Sharpe-ratio argument is read as per period.
    ddof : int, default 1
        Delta degrees of freedom of the standard deviation in the Sharpe ratio
        estimated from returns.
"""


def _doc(func):
    # the placeholders stand at the docstring's own indentation (4 spaces), like the blocks
    func.__doc__ = func.__doc__.replace("    %(common)s", _COMMON_PARAMS.strip("\n")).replace(
        "    %(references)s", _REFERENCES.strip("\n")
    )
    return func


# ---------------------------------------------------------------------------
# shared pieces
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class _Moments:
    sr: np.ndarray
    n_obs: np.ndarray
    skew: np.ndarray
    kurtosis: np.ndarray
    names: list
    frame: bool  # several strategies: report Series
    from_returns: bool


def _is_scalar(x: object) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def _moments(
    returns_or_sr,
    *,
    n_obs,
    skew,
    kurtosis,
    periods_per_year,
    ddof,
    need_n_obs: bool,
    allow_frame: bool = True,
) -> _Moments:
    periods_per_year, ddof, skew, kurtosis = _check_moment_options(
        periods_per_year, ddof, skew, kurtosis
    )
    if _is_scalar(returns_or_sr):
        out = _moments_of_sharpe(
            returns_or_sr, n_obs, skew, kurtosis, periods_per_year, need_n_obs
        )
    else:
        if n_obs is not None:
            raise ValueError(
                "`n_obs` is taken from the returns; pass it only with a Sharpe-ratio input."
            )
        out = _moments_of_returns(returns_or_sr, skew, kurtosis, ddof, allow_frame)
    if skew is not None or kurtosis is not None:
        _check_pearson(out)
    return out


def _check_moment_options(periods_per_year, ddof, skew, kurtosis):
    """The checked ``(periods_per_year, ddof, skew, kurtosis)``."""
    if periods_per_year is not None:
        periods_per_year = check_float(
            periods_per_year,
            "periods_per_year",
            minimum=0.0,
            inclusive=(False, True),
            what="a positive number",
        )
    ddof = check_int(ddof, "ddof", minimum=0, what="a non-negative integer")
    if skew is not None:
        skew = check_float(skew, "skew")
    if kurtosis is not None:
        kurtosis = check_float(kurtosis, "kurtosis", what="the ordinary (non-excess) kurtosis")
        if kurtosis < 1.0:
            raise ValueError(
                "`kurtosis` must be the ordinary (non-excess) kurtosis, 3 for normal returns, "
                f"and at least 1; got {kurtosis!r}. For an excess kurtosis add 3."
            )
    return periods_per_year, ddof, skew, kurtosis


def _moments_of_sharpe(value, n_obs, skew, kurtosis, periods_per_year, need_n_obs) -> _Moments:
    """One given Sharpe ratio (per period), its sample size and assumed moments
    (normal returns where not given)."""
    sr = check_float(value, "returns_or_sr", what="a Sharpe ratio or returns")
    if periods_per_year is not None:
        sr /= math.sqrt(periods_per_year)
    if n_obs is None:
        if need_n_obs:
            raise ValueError(
                "`n_obs` is required with a Sharpe-ratio input: the number "
                "of returns it was estimated from."
            )
        n = math.nan
    else:
        n = check_int(n_obs, "n_obs", minimum=2, what="an integer number of observations")
    g3 = 0.0 if skew is None else skew
    g4 = 3.0 if kurtosis is None else kurtosis
    return _Moments(
        np.array([sr]),
        np.array([n], dtype=float),
        np.array([g3]),
        np.array([g4]),
        [None],
        False,
        False,
    )


def _moments_of_returns(returns, skew, kurtosis, ddof, allow_frame) -> _Moments:
    """Sharpe ratio, skewness and kurtosis of each column of returns (the given
    skew/kurtosis instead of the sample ones where given)."""
    # the Sharpe ratio, skewness and kurtosis are scale-free: an exact power-of-two
    # rescaling keeps the fourth moments finite whatever the magnitude of the returns
    x, names, _ = as_matrix(
        returns, "returns_or_sr", min_obs=max(3, ddof + 2), check_magnitude=False
    )
    x *= power_of_two_scale(x)
    frame = x.shape[1] > 1 or (isinstance(returns, pd.DataFrame))
    if frame and not allow_frame:
        raise ValueError("`returns_or_sr` must be one series of returns or a Sharpe ratio.")
    n = x.shape[0]
    mean = x.mean(axis=0)
    dev = x - mean
    m2 = np.mean(dev**2, axis=0)
    sd = np.sqrt(m2 * n / (n - ddof))
    bad = (x == x[0]).all(axis=0) | ~(sd > 0)
    if bad.any():
        warnings.warn(
            "constant returns: the Sharpe ratio is undefined (NaN) for "
            f"{[names[j] for j in np.flatnonzero(bad)][:5]}.",
            DegenerateDataWarning,
            stacklevel=4,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        sr = np.where(bad, np.nan, mean / sd)
        g3 = (
            np.full_like(sr, skew)
            if skew is not None
            else np.where(bad, np.nan, np.mean(dev**3, axis=0) / m2**1.5)
        )
        g4 = (
            np.full_like(sr, kurtosis)
            if kurtosis is not None
            else np.where(bad, np.nan, np.mean(dev**4, axis=0) / m2**2)
        )
    return _Moments(sr, np.full(sr.shape, float(n)), g3, g4, names, frame, True)


def _check_pearson(m: _Moments) -> None:
    """Given moments must satisfy Pearson's inequality, kurtosis >= 1 + skew**2."""
    low = 1.0 + m.skew**2
    bad = m.kurtosis < low - 1e-12
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"`kurtosis` must be at least 1 + skew**2 = {low[j]:g} (Pearson's inequality; "
            f"ordinary kurtosis, normal = 3); got kurtosis {m.kurtosis[j]:g} with skew "
            f"{m.skew[j]:g}."
        )


def _variance_term(sr, skew, kurtosis) -> np.ndarray:
    """:math:`1 - \\gamma_3 SR + (\\gamma_4 - 1) SR^2 / 4` (Mertens 2002)."""
    v = 1.0 - skew * sr + (kurtosis - 1.0) / 4.0 * sr**2
    bad = ~(v > 0) & np.isfinite(v)
    if bad.any():
        warnings.warn(
            "the Sharpe ratio's asymptotic variance 1 - skew*SR + (kurtosis-1)/4*SR^2"
            " is not positive for these moments; the result is NaN.",
            DegenerateDataWarning,
            stacklevel=4,
        )
    return np.where(bad, np.nan, v)


def _psr(m: _Moments, sr_star: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    se = np.sqrt(_variance_term(m.sr, m.skew, m.kurtosis) / (m.n_obs - 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (m.sr - sr_star) / se
    return z, se, special.ndtr(z)


def _pack(values: np.ndarray, m: _Moments, *, integer: bool = False) -> float | pd.Series:
    if m.frame:
        return pd.Series(values, index=pd.Index(m.names, name="strategy"))
    v = values[0]
    if integer and np.isfinite(v):
        return int(v)
    return float(v)


def _per_period(value: float, name: str, periods_per_year: float | None, power: float) -> float:
    value = check_float(value, name)
    return value / periods_per_year**power if periods_per_year is not None else value


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------
def _probabilistic_sharpe_ratio_iv(
    returns_or_sr, sr_benchmark, n_obs, skew, kurtosis, periods_per_year, ddof
):
    m = _moments(
        returns_or_sr,
        n_obs=n_obs,
        skew=skew,
        kurtosis=kurtosis,
        periods_per_year=periods_per_year,
        ddof=ddof,
        need_n_obs=True,
    )
    sr_star = _per_period(sr_benchmark, "sr_benchmark", periods_per_year, 0.5)
    return m, sr_star


@_doc
def probabilistic_sharpe_ratio(
    returns_or_sr: float | ReturnsLike,
    *,
    sr_benchmark: float = 0.0,
    n_obs: int | None = None,
    skew: float | None = None,
    kurtosis: float | None = None,
    periods_per_year: float | None = None,
    ddof: int = 1,
) -> SharpeRatioResult:
    r"""Probabilistic Sharpe ratio: the probability that the true Sharpe ratio exceeds a benchmark.

    Parameters
    ----------
    returns_or_sr : float, array_like, pandas.Series or pandas.DataFrame
        Per-period returns (one strategy, or one column per strategy), or an
        estimated Sharpe ratio (a number; then ``n_obs`` is required).
    sr_benchmark : float, default 0.0
        The benchmark Sharpe ratio :math:`SR^*` (per period unless ``periods_per_year``).
    n_obs : int, optional
        Number of returns behind a Sharpe-ratio input.
    %(common)s

    Returns
    -------
    SharpeRatioResult
        ``probability`` (the PSR), ``statistic`` (z), ``pvalue`` (``1 - PSR``),
        ``sharpe_ratio``, ``standard_error`` and the moments used.

    Raises
    ------
    TypeError
        Non-numeric input.
    ValueError
        A Sharpe-ratio input without ``n_obs`` (or returns with it), a kurtosis
        below 1 or below :math:`1 + \gamma_3^2`, non-finite returns.

    Warns
    -----
    DegenerateDataWarning
        Constant returns, or moments for which the variance term is not positive
        (NaN is returned).

    See Also
    --------
    deflated_sharpe_ratio : The PSR against the expected maximum of many trials.
    min_track_record_length : Observations needed for the PSR to reach a level.

    Notes
    -----
    .. math::

        \widehat{PSR}(SR^*) = \Phi\left(\frac{(\widehat{SR} - SR^*)\sqrt{T-1}}
        {\sqrt{1 - \gamma_3\widehat{SR} + \frac{\gamma_4 - 1}{4}\widehat{SR}^2}}\right)

    with the per-period :math:`\widehat{SR}` (mean over standard deviation with
    ``ddof``), skewness :math:`\gamma_3` and ordinary kurtosis :math:`\gamma_4`
    (normal: 3) [1]_, [3]_. Annualised Sharpe ratios must be converted first,
    :math:`SR = SR_{ann}/\sqrt{q}` (done by ``periods_per_year=q``): the formula is
    not scale-free in the frequency. Validated against the published example:
    :math:`\widehat{SR} = 1.14` against :math:`SR^* = 1` with :math:`T = 250` under
    normality gives PSR 0.9573.

    %(references)s

    Examples
    --------
    >>> from riskcycle.snooping import probabilistic_sharpe_ratio
    >>> res = probabilistic_sharpe_ratio(1.14, sr_benchmark=1.0, n_obs=250)
    >>> round(res.probability, 4)
    0.9573
    """
    m, sr_star = _probabilistic_sharpe_ratio_iv(
        returns_or_sr, sr_benchmark, n_obs, skew, kurtosis, periods_per_year, ddof
    )
    z, se, psr = _psr(m, sr_star)
    return SharpeRatioResult(
        method="psr",
        probability=_pack(psr, m),
        statistic=_pack(z, m),
        pvalue=_pack(special.ndtr(-z), m),
        sharpe_ratio=_pack(m.sr, m),
        sr_benchmark=sr_star,
        standard_error=_pack(se, m),
        n_obs=_pack(m.n_obs, m, integer=True),
        skew=_pack(m.skew, m),
        kurtosis=_pack(m.kurtosis, m),
        periods_per_year=periods_per_year,
        ddof=ddof,
        null_hypothesis=f"The true per-period Sharpe ratio is at most {sr_star:.6g}.",
    )


def expected_max_sharpe_ratio(n_trials: int, sr_variance: float) -> float:
    r""":math:`SR_0 = \sqrt{V}\,((1-\gamma)\Phi^{-1}(1-1/N) + \gamma\Phi^{-1}(1-1/(Ne)))`,
    the approximate expected maximum of ``n_trials`` Sharpe ratios with variance ``V``
    and mean 0 (Bailey & López de Prado 2014, eq. 2; γ is Euler-Mascheroni)."""
    n = float(n_trials)
    return float(
        math.sqrt(sr_variance)
        * (
            (1.0 - _EULER_GAMMA) * special.ndtri(1.0 - 1.0 / n)
            + _EULER_GAMMA * special.ndtri(1.0 - 1.0 / (n * math.e))
        )
    )


def _deflated_sharpe_ratio_iv(
    returns_or_sr, n_trials, sr_variance, n_obs, skew, kurtosis, periods_per_year, ddof
):
    matrix = not _is_scalar(returns_or_sr) and np.ndim(returns_or_sr) == 2
    m = _moments(
        returns_or_sr,
        n_obs=n_obs,
        skew=skew,
        kurtosis=kurtosis,
        periods_per_year=periods_per_year,
        ddof=ddof,
        need_n_obs=True,
    )
    selected = None
    n_given = None  # the number of trials (columns) given in a matrix
    if matrix and m.sr.shape[0] > 1:
        finite = np.isfinite(m.sr)
        if finite.sum() < 2:
            raise ValueError(
                "`returns_or_sr` must have at least two trials with a defined Sharpe ratio."
            )
        j = int(np.nanargmax(m.sr))
        selected = m.names[j]
        n_given = int(m.sr.shape[0])
        trial_sr = m.sr[finite]
        if n_trials is None:
            n_trials = int(m.sr.shape[0])
        if sr_variance is None:
            sr_variance = float(np.var(trial_sr, ddof=1))
            sr_variance_given = False
        else:
            sr_variance_given = True
        m = _Moments(
            m.sr[[j]], m.n_obs[[j]], m.skew[[j]], m.kurtosis[[j]], [selected], False, True
        )
    else:
        if n_trials is None or sr_variance is None:
            raise ValueError(
                "`n_trials` and `sr_variance` are required unless "
                "`returns_or_sr` is a matrix of the trials' returns."
            )
        if m.frame:  # a one-column DataFrame: one strategy
            m = _Moments(m.sr, m.n_obs, m.skew, m.kurtosis, m.names, False, True)
            selected = m.names[0]
        sr_variance_given = True
    n_trials = check_int(n_trials, "n_trials", minimum=2, what="an integer number of trials")
    if n_given is not None and n_trials < n_given:
        raise ValueError(
            f"`n_trials` must be at least the number of trials given ({n_given} columns of "
            f"`returns_or_sr`); got {n_trials}. It counts every trial behind the selection, "
            "including any run but not kept."
        )
    if sr_variance_given:
        sr_variance = check_float(
            sr_variance, "sr_variance", minimum=0.0, what="a non-negative variance"
        )
        if periods_per_year is not None:
            sr_variance /= periods_per_year
    return m, n_trials, float(sr_variance), selected


@_doc
def deflated_sharpe_ratio(
    returns_or_sr: float | ReturnsLike,
    *,
    n_trials: int | None = None,
    sr_variance: float | None = None,
    n_obs: int | None = None,
    skew: float | None = None,
    kurtosis: float | None = None,
    periods_per_year: float | None = None,
    ddof: int = 1,
) -> SharpeRatioResult:
    r"""Deflated Sharpe ratio: the PSR against the best Sharpe ratio luck alone would give.

    Parameters
    ----------
    returns_or_sr : float, array_like, pandas.Series or pandas.DataFrame
        Either the selected strategy (its per-period returns, or its Sharpe ratio
        with ``n_obs``), together with ``n_trials`` and ``sr_variance``; or a 2-D
        matrix of all trials' returns (observations x trials): the trial with the
        highest Sharpe ratio is the selected one, ``n_trials`` defaults to the number
        of columns and ``sr_variance`` to the variance (``ddof=1``) of their
        per-period Sharpe ratios.
    n_trials : int, optional
        Number of independent trials :math:`N` behind the selection (at least 2).
        With a matrix it may be given to count trials that were run but not kept,
        so it must be at least the number of columns.
    sr_variance : float, optional
        Variance of the trials' Sharpe ratios :math:`V` (annualised if
        ``periods_per_year``, converted by :math:`V/q`).
    n_obs : int, optional
        Number of returns behind a Sharpe-ratio input.
    %(common)s

    Returns
    -------
    SharpeRatioResult
        ``probability`` is the DSR; ``sr_benchmark`` is :math:`SR_0`, the expected
        maximum per-period Sharpe ratio of ``n_trials`` unskilled trials;
        ``selected`` the chosen column of a matrix.

    Raises
    ------
    TypeError
        Non-numeric input.
    ValueError
        Missing ``n_trials``/``sr_variance`` for a single strategy, ``n_trials < 2``
        or below the number of columns of a matrix, negative ``sr_variance``, plus
        the errors of :func:`probabilistic_sharpe_ratio`.

    Warns
    -----
    DegenerateDataWarning
        As :func:`probabilistic_sharpe_ratio`.

    See Also
    --------
    probabilistic_sharpe_ratio, spa_test, pbo

    Notes
    -----
    :math:`DSR = \widehat{PSR}(SR_0)` with

    .. math::

        SR_0 = \sqrt{V}\left((1-\gamma)\Phi^{-1}\left(1-\frac1N\right)
        + \gamma\Phi^{-1}\left(1-\frac1{Ne}\right)\right)

    (γ: Euler-Mascheroni constant), the expected maximum of :math:`N` Sharpe ratios
    with mean 0 and variance :math:`V` [2]_. Everything is per period; skewness
    and kurtosis are those of the selected strategy's returns (kurtosis ordinary).
    Validated against the published example [2]_: :math:`N = 100`, annualised
    :math:`SR = 2.5` and :math:`V = 0.5`, :math:`T = 1250` daily returns, skewness
    -3, kurtosis 10, 250 periods per year give :math:`SR_0 = 0.1132` (daily) and
    DSR 0.9004. This implementation plugs the *ordinary* kurtosis into the
    :math:`(\gamma_4-1)/4` term; an excess kurtosis there understates the variance
    of fat-tailed Sharpe ratios.

    %(references)s

    Examples
    --------
    >>> from riskcycle.snooping import deflated_sharpe_ratio
    >>> res = deflated_sharpe_ratio(2.5, n_trials=100, sr_variance=0.5, n_obs=1250,
    ...                             skew=-3, kurtosis=10, periods_per_year=250)
    >>> round(res.sr_benchmark, 4), round(res.probability, 4)
    (0.1132, 0.9004)
    """
    m, n_trials, sr_variance, selected = _deflated_sharpe_ratio_iv(
        returns_or_sr, n_trials, sr_variance, n_obs, skew, kurtosis, periods_per_year, ddof
    )
    sr0 = expected_max_sharpe_ratio(n_trials, sr_variance)
    z, se, dsr = _psr(m, sr0)
    return SharpeRatioResult(
        method="dsr",
        probability=_pack(dsr, m),
        statistic=_pack(z, m),
        pvalue=_pack(special.ndtr(-z), m),
        sharpe_ratio=_pack(m.sr, m),
        sr_benchmark=sr0,
        standard_error=_pack(se, m),
        n_obs=_pack(m.n_obs, m, integer=True),
        skew=_pack(m.skew, m),
        kurtosis=_pack(m.kurtosis, m),
        n_trials=n_trials,
        sr_variance=sr_variance,
        selected=selected,
        periods_per_year=periods_per_year,
        ddof=ddof,
        null_hypothesis=(
            f"The selected strategy's true per-period Sharpe ratio is at most "
            f"SR0 = {sr0:.6g}, the expected maximum of {n_trials} trials without "
            "skill."
        ),
    )


def _min_track_record_length_iv(
    returns_or_sr, sr_benchmark, confidence_level, skew, kurtosis, periods_per_year, ddof
):
    m = _moments(
        returns_or_sr,
        n_obs=None,
        skew=skew,
        kurtosis=kurtosis,
        periods_per_year=periods_per_year,
        ddof=ddof,
        need_n_obs=False,
    )
    sr_star = _per_period(sr_benchmark, "sr_benchmark", periods_per_year, 0.5)
    return m, sr_star, check_confidence_level(confidence_level)


@_doc
def min_track_record_length(
    returns_or_sr: float | ReturnsLike,
    *,
    sr_benchmark: float = 0.0,
    confidence_level: float = 0.95,
    skew: float | None = None,
    kurtosis: float | None = None,
    periods_per_year: float | None = None,
    ddof: int = 1,
) -> MinTRLResult:
    r"""Minimum track record length: how many returns the PSR needs to reach a confidence level.

    Parameters
    ----------
    returns_or_sr : float, array_like, pandas.Series or pandas.DataFrame
        Per-period returns, or a Sharpe ratio.
    sr_benchmark : float, default 0.0
        Benchmark Sharpe ratio :math:`SR^*`.
    confidence_level : float, default 0.95
        The level :math:`1-\alpha` the PSR must reach.
    %(common)s

    Returns
    -------
    MinTRLResult
        ``min_track_record_length`` in observations (``inf`` if the Sharpe ratio
        does not exceed ``sr_benchmark``), in years with ``periods_per_year``, and
        ``sufficient`` when returns were given.

    Raises
    ------
    TypeError, ValueError
        As :func:`probabilistic_sharpe_ratio`; ``confidence_level`` outside (0, 1).

    Warns
    -----
    DegenerateDataWarning
        As :func:`probabilistic_sharpe_ratio`.

    See Also
    --------
    probabilistic_sharpe_ratio

    Notes
    -----
    .. math::

        MinTRL = 1 + \left(1 - \gamma_3\widehat{SR} + \frac{\gamma_4-1}{4}
        \widehat{SR}^2\right)\left(\frac{\Phi^{-1}(1-\alpha)}{\widehat{SR} - SR^*}\right)^2

    in observations at the returns' frequency, with per-period Sharpe ratios and
    ordinary kurtosis [1]_. Validated against the published example:
    :math:`\widehat{SR} = 1.14`, :math:`SR^* = 1`, normal returns, 95% give 228.735.

    %(references)s

    Examples
    --------
    >>> from riskcycle.snooping import min_track_record_length
    >>> res = min_track_record_length(1.14, sr_benchmark=1.0)
    >>> round(res.min_track_record_length, 3)
    228.735
    """
    m, sr_star, level = _min_track_record_length_iv(
        returns_or_sr, sr_benchmark, confidence_level, skew, kurtosis, periods_per_year, ddof
    )
    v = _variance_term(m.sr, m.skew, m.kurtosis)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = m.sr - sr_star
        n = 1.0 + v * (special.ndtri(level) / gap) ** 2
    n = np.where(gap > 0, n, np.where(np.isnan(gap) | np.isnan(v), np.nan, np.inf))
    years = n / periods_per_year if periods_per_year is not None else np.full_like(n, np.nan)
    return MinTRLResult(
        min_track_record_length=_pack(n, m),
        min_track_record_length_years=_pack(years, m),
        n_obs=_pack(m.n_obs, m, integer=True) if m.from_returns else None,
        sharpe_ratio=_pack(m.sr, m),
        sr_benchmark=sr_star,
        skew=_pack(m.skew, m),
        kurtosis=_pack(m.kurtosis, m),
        confidence_level=level,
        periods_per_year=periods_per_year,
    )
