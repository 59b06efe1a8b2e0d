"""``volatility_regimes``: every volatility comparison between break dates in one call."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._results import package_versions
from .._rng import RNGLike, check_rng, spawn
from .._typing import DateLike, DatesLike, PricesLike
from .._validation import (
    check_alternative,
    check_block_length,
    check_bool,
    check_choice,
    check_confidence_level,
    check_int,
    check_n_resamples,
    fmt_date,
)
from ._bootstrap import ConfidenceInterval, _ratio_test
from ._correlation import FREQUENCIES, correlation_regimes
from ._garch import (
    FIT_COLUMNS,
    GARCH_MODELS,
    PARAM_COLUMNS,
    SCALE,
    garch_by_regime,
    variance_shift,
)
from ._icss import TESTS, icss
from ._input import (
    check_breaks,
    check_mapping,
    check_periods_per_year,
    check_window,
    log_returns,
    price_frame,
    regime_labels,
    regime_names,
)
from ._realized import realized_table
from ._result import RegimeResult

__all__ = ["volatility_regimes"]

MIN_REGIME_OBS = 20

_NULL = {
    "two-sided": "Volatility is the same in the regimes on either side of each break.",
    "less": "Volatility did not fall at each break (the alternative is that it fell).",
    "greater": "Volatility did not rise at each break (the alternative is that it rose).",
}


@dataclass(frozen=True, slots=True)
class RegimeOptions:
    """The validated options of one :func:`volatility_regimes` call."""

    breaks: pd.DatetimeIndex
    periods_per_year: float
    window: pd.Timedelta | None
    garch: bool
    shift_model: str
    min_garch_obs: int
    icss_test: str | None
    benchmarks: dict[str, Any] | None
    frequency: str
    n_resamples: int
    confidence_level: float
    alternative: str
    block_length: float | None


@dataclass(frozen=True, slots=True)
class _RegimeInput:
    """Validated data of one call: price frame, log returns, options and rng."""

    frame: pd.DataFrame
    returns: pd.Series
    options: RegimeOptions
    rng: np.random.Generator


def _volatility_regimes_iv(
    prices,
    breaks,
    periods_per_year,
    window,
    garch,
    shift_model,
    min_garch_obs,
    icss_test,
    benchmarks,
    frequency,
    n_resamples,
    confidence_level,
    alternative,
    block_length,
    rng,
) -> _RegimeInput:
    frame = price_frame(prices)
    ppy = check_periods_per_year(periods_per_year, prices)
    returns = log_returns(frame["close"])
    brk = check_breaks(breaks, returns.index)
    window = check_window(window)
    if window is not None and len(brk) != 1:
        raise ValueError(f"`window` needs exactly one break; got {len(brk)}.")
    garch = check_bool(garch, "garch")
    shift_model = check_choice(shift_model, "shift_model", tuple(GARCH_MODELS))
    min_garch_obs = check_int(
        min_garch_obs, "min_garch_obs", minimum=50, what="an integer number of returns"
    )
    if icss_test is not None:
        icss_test = check_choice(icss_test, "icss_test", TESTS)
    if benchmarks is not None:
        benchmarks = check_mapping(benchmarks, "benchmarks")
    frequency = check_choice(frequency, "frequency", FREQUENCIES)
    n_resamples = check_n_resamples(n_resamples)
    confidence_level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    block_length = check_block_length(block_length)
    options = RegimeOptions(
        breaks=brk,
        periods_per_year=ppy,
        window=window,
        garch=garch,
        shift_model=shift_model,
        min_garch_obs=min_garch_obs,
        icss_test=icss_test,
        benchmarks=benchmarks,
        frequency=frequency,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        alternative=alternative,
        block_length=block_length,
    )
    return _RegimeInput(frame=frame, returns=returns, options=options, rng=check_rng(rng))


# ---------------------------------------------------------------------------
# the steps of volatility_regimes
# ---------------------------------------------------------------------------
def _windowed(inp: _RegimeInput, notes: list) -> tuple[pd.DataFrame, pd.Series]:
    """The prices and returns inside the equal windows around the break (if any)."""
    frame, returns, window = inp.frame, inp.returns, inp.options.window
    if window is None:
        return frame, returns
    b = inp.options.breaks[0]
    keep = (returns.index >= b - window) & (returns.index < b + window)
    returns = returns[keep]
    first = frame.index.get_loc(returns.index[0]) - 1
    frame = frame.iloc[first : frame.index.get_loc(returns.index[-1]) + 1]
    notes.append(
        f"Equal calendar windows of {window.days} days before and after "
        f"{fmt_date(b)}: {fmt_date(returns.index[0])} to "
        f"{fmt_date(returns.index[-1])}."
    )
    return frame, returns


def _regimes(returns: pd.Series, brk: pd.DatetimeIndex) -> tuple[np.ndarray, list[str]]:
    """Regime label of each return and regime names; each regime needs enough returns."""
    labels = regime_labels(returns.index, brk)
    names = regime_names(returns.index, labels, len(brk) + 1)
    counts = np.bincount(labels, minlength=len(brk) + 1)
    for k, n in enumerate(counts):
        if n < MIN_REGIME_OBS:
            raise ValueError(
                f"`breaks`: regime {k} ({names[k]}) has {n} returns; each regime needs at least "
                f"{MIN_REGIME_OBS}."
            )
    return labels, names


def _ratio_tests(opt: RegimeOptions, returns, labels, stream) -> tuple:
    """The bootstrap volatility-ratio test at each break (one random stream per break)."""
    r_all = returns.to_numpy()
    return tuple(
        _ratio_test(
            r_all[labels == j],
            r_all[labels == j + 1],
            n_resamples=opt.n_resamples,
            confidence_level=opt.confidence_level,
            alternative=opt.alternative,
            block_length=opt.block_length,
            rng=s,
        )
        for j, s in enumerate(spawn(stream, len(opt.breaks)))
    )


def _garch_step(opt: RegimeOptions, returns, labels, names, notes: list):
    """Per-regime GARCH fits, the variance-shift model and conditional volatilities."""
    cvol = pd.DataFrame(index=returns.index)
    garch_fits = pd.DataFrame(columns=list(FIT_COLUMNS))
    garch_params = pd.DataFrame(columns=list(PARAM_COLUMNS))
    shift = None
    if not opt.garch:
        return garch_params, garch_fits, cvol, shift
    ppy = opt.periods_per_year
    garch_params, garch_fits, cvol = garch_by_regime(
        returns, labels, names, ppy, models=tuple(GARCH_MODELS), min_obs=opt.min_garch_obs
    )
    if len(returns) >= opt.min_garch_obs:
        shift = variance_shift(returns, labels, names, opt.breaks, ppy, model=opt.shift_model)
        cvol["variance_shift"] = shift.conditional_volatility
    bad = garch_fits[garch_fits["reason"] != ""]
    notes += [f"GARCH {r.model} {r.label}: {r.reason}." for r in bad.itertuples()]
    return garch_params, garch_fits, cvol, shift


def _correlation_step(opt: RegimeOptions, prices, frame, stream):
    """Correlation regimes against the benchmarks (None without benchmarks)."""
    if opt.benchmarks is None:
        return None
    fol = frame.copy()
    fol.attrs = dict(getattr(prices, "attrs", {}) or {})
    if "clock" not in fol.attrs:
        raise ValueError(
            "`benchmarks` needs to know when `prices` closes: `prices` carries no "
            "attrs['clock'] (bundled data records one). Set prices.attrs['clock'] = "
            "'utc_midnight' (24/7 daily bars) or 'us_equity_close', or call "
            "riskcycle.regimes.correlation_regimes(..., follower_clock=...) yourself."
        )
    return correlation_regimes(
        fol,
        opt.benchmarks,
        breaks=opt.breaks,
        frequency=opt.frequency,
        n_resamples=opt.n_resamples,
        confidence_level=opt.confidence_level,
        alternative=opt.alternative,
        block_length=opt.block_length,
        rng=stream,
    )


def volatility_regimes(
    prices: PricesLike,
    *,
    breaks: DateLike | DatesLike = ("2024-01-10",),
    periods_per_year: float | None = None,
    window: str | int | pd.Timedelta | None = None,
    garch: bool = True,
    shift_model: str = "garch",
    min_garch_obs: int = 250,
    icss_test: str | None = "kappa2",
    benchmarks: dict[str, PricesLike] | None = None,
    frequency: str = "weekly",
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
    block_length: float | None = None,
    rng: RNGLike = None,
) -> RegimeResult:
    r"""Compare volatility regimes between break dates.

    Parameters
    ----------
    prices : pandas.Series or DataFrame
        Daily prices: a Series of closes or a frame with ``close`` (and
        ``open``, ``high``, ``low`` for the range estimators), e.g.
        ``datasets.load("btc_ohlcv")``.
    breaks : date or sequence of dates, default ("2024-01-10",)
        First date of each new regime: the log return dated on a break (from the
        previous close to that day's close) belongs to the regime after it. The
        default is the US spot-Bitcoin-ETF approval.
    periods_per_year : float, optional
        Annualisation (365 for daily crypto bars, 252 for exchange-traded
        series). Default ``prices.attrs["periods_per_year"]`` (bundled data);
        an error when neither is available.
    window : str, timedelta or int, optional
        Equal calendar windows: only the returns within ``window`` before and
        after the (single) break are used, for every part of the analysis. An int
        is days. Default: all data.
    garch : bool, default True
        Fit GARCH(1,1)-t and GJR-GARCH(1,1)-t per regime and the full-sample
        variance-shift model.
    shift_model : {"garch", "gjr"}, default "garch"
        Volatility model of the variance-shift likelihood-ratio test.
    min_garch_obs : int, default 250
        Regimes with fewer returns get NaN GARCH rows with the reason (and a
        :class:`~riskcycle.exceptions.SmallSampleWarning`).
    icss_test : {"kappa2", "kappa1", "it"} or None, default "kappa2"
        Detect variance breaks without the given dates (:func:`~riskcycle.regimes.icss`);
        None skips.
    benchmarks : dict of str to prices, optional
        Correlation regimes of ``prices`` to these series
        (:func:`~riskcycle.regimes.correlation_regimes`), e.g. Russell 2000, S&P 500 and
        Nasdaq-100.
    frequency : {"weekly", "daily"}, default "weekly"
        Return frequency of the correlation analysis.
    n_resamples : int, default 9999
        Bootstrap replicates of every bootstrap in the analysis.
    confidence_level : float, default 0.95
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        For the volatility ratio after/before; ``"less"`` tests "volatility fell".
    block_length : float, optional
        Mean stationary-bootstrap block length; default Politis-White per regime.
    rng : int, Generator or SeedSequence, optional
        Random stream (independent child streams go to the ratio tests and the
        correlation bootstrap).

    Returns
    -------
    RegimeResult

    Raises
    ------
    TypeError
        Prices that are not a Series/DataFrame/path; wrong option types.
    ValueError
        Non-positive, NaN or unsorted prices; breaks not strictly inside the
        data or not increasing; a regime with fewer than 20 returns; no
        ``periods_per_year``; ``window`` with several breaks; bad options.

    Warns
    -----
    SmallSampleWarning
        A regime is too short for GARCH (NaN rows with the reason) or for the
        block bootstrap to resample many blocks.

    See Also
    --------
    volatility_ratio_test, icss, correlation_regimes, halving_phase_control,
    cross_market_control

    Notes
    -----
    Log returns :math:`r_t = \ln(P_t/P_{t-1})`. Per regime: close-to-close
    volatility :math:`s\sqrt{P}` (sample s.d., ddof=1); Parkinson (1980) and
    Garman & Klass (1980) range estimators where OHLC exist; downside
    semivolatility :math:`\sqrt{P\,\overline{\min(r_t,0)^2}}` (target 0);
    bias-corrected skewness and excess kurtosis; maximum drawdown of the
    regime's price path.

    GARCH models are fitted by arch to percent returns (``scale = 100``):
    ``arch_model(100 r, mean="Constant", vol="GARCH", p=1, o=0|1, q=1,
    dist="t", rescale=False).fit(disp="off")`` with arch's robust standard
    errors. Persistence is :math:`\alpha + \gamma/2 + \beta`, the shock half-life
    :math:`\ln 0.5 / \ln(\text{persistence})` bars and the unconditional
    volatility :math:`\sqrt{P\omega/(1-\text{persistence})}/100`; at the
    stationarity boundary (integrated GARCH, common for BTC) the last two are NaN
    with that reason. The variance-shift model adds :math:`\delta_k` to the
    intercept from break :math:`k` on; it is estimated by the library's own
    likelihood (identical to arch's at :math:`\delta = 0`) and tested by a
    likelihood ratio against arch's fit without shifts.

    The volatility ratio at each break is tested with
    :func:`~riskcycle.regimes.volatility_ratio_test` (stationary bootstrap within each regime,
    respecting volatility clustering) beside the F, Levene and Brown-Forsythe
    tests, which assume independent returns.

    Examples
    --------
    >>> import riskcycle
    >>> btc = riskcycle.datasets.load("btc_ohlcv")
    >>> res = riskcycle.volatility_regimes(btc, n_resamples=199, garch=False,
    ...                                    icss_test=None, rng=0)
    >>> bool(res.statistic[0] < 1)
    True
    """
    inp = _volatility_regimes_iv(
        prices,
        breaks,
        periods_per_year,
        window,
        garch,
        shift_model,
        min_garch_obs,
        icss_test,
        benchmarks,
        frequency,
        n_resamples,
        confidence_level,
        alternative,
        block_length,
        rng,
    )
    opt = inp.options
    notes: list[str] = []
    frame, returns = _windowed(inp, notes)
    labels, names = _regimes(returns, opt.breaks)
    realized = realized_table(frame, returns, labels, names, opt.periods_per_year)
    if not all(c in frame.columns for c in ("open", "high", "low")):
        notes.append("No OHLC columns: Parkinson and Garman-Klass volatilities are NaN.")
    s_ratio, s_corr = spawn(inp.rng, 2)
    tests = _ratio_tests(opt, returns, labels, s_ratio)
    garch_params, garch_fits, cvol, shift = _garch_step(opt, returns, labels, names, notes)
    det = None
    if opt.icss_test is not None:
        det = icss(returns, test=opt.icss_test, periods_per_year=opt.periods_per_year)
    corr = _correlation_step(opt, prices, frame, s_corr)
    return RegimeResult(
        statistic=np.array([t.statistic for t in tests]),
        pvalue=np.array([t.pvalue for t in tests]),
        confidence_interval=ConfidenceInterval(
            np.array([t.confidence_interval.low for t in tests]),
            np.array([t.confidence_interval.high for t in tests]),
        ),
        bootstrap_distribution=np.vstack([t.bootstrap_distribution for t in tests]),
        breaks=opt.breaks,
        periods_per_year=opt.periods_per_year,
        realized=realized,
        garch=garch_fits,
        garch_params=garch_params,
        variance_shift=shift,
        ratio_tests=tests,
        icss=det,
        correlation=corr,
        conditional_volatility=cvol,
        prices=frame["close"].rename("close"),
        returns=returns,
        window=opt.window,
        n_resamples=opt.n_resamples,
        confidence_level=opt.confidence_level,
        alternative=opt.alternative,
        scale=SCALE if opt.garch else math.nan,
        null_hypothesis=_NULL[opt.alternative],
        notes=(*notes, tests[0].method),
        versions=package_versions(),
    )
