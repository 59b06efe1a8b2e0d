r"""Realised volatility and distribution measures per regime.

All volatilities are annualised with the series' ``periods_per_year``
(:math:`\sigma_{\text{ann}} = \sigma \sqrt{P}`) and given as decimals (0.45 = 45%).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from ..exceptions import DegenerateDataWarning, SmallSampleWarning

__all__ = [
    "REALIZED_COLUMNS",
    "garman_klass_variance",
    "max_drawdown",
    "parkinson_variance",
    "realized_table",
]

REALIZED_COLUMNS = (
    "regime",
    "label",
    "start",
    "end",
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

_LN2 = math.log(2.0)


def parkinson_variance(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    r"""Per-bar Parkinson (1980) variance :math:`(\ln H - \ln L)^2 / (4 \ln 2)`."""
    hl = np.log(high) - np.log(low)
    return hl**2 / (4.0 * _LN2)


def garman_klass_variance(
    open_: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray
) -> np.ndarray:
    r"""Per-bar Garman-Klass (1980) variance
    :math:`\tfrac12 (\ln H/L)^2 - (2\ln 2 - 1)(\ln C/O)^2`."""
    hl = np.log(high) - np.log(low)
    co = np.log(close) - np.log(open_)
    return 0.5 * hl**2 - (2.0 * _LN2 - 1.0) * co**2


def max_drawdown(returns: np.ndarray) -> float:
    """Largest peak-to-trough loss (a positive fraction) of the price path built from log returns.

    The path starts at the close before the first return, so a fall on the first
    bar counts.
    """
    if len(returns) == 0:
        return math.nan
    path = np.concatenate([[0.0], np.cumsum(returns)])
    peak = np.maximum.accumulate(path)
    return float(1.0 - np.exp(np.min(path - peak)))


def _moments(r: np.ndarray) -> tuple[float, float, float]:
    """Sample standard deviation (ddof=1), bias-corrected skewness and excess kurtosis."""
    n = len(r)
    if n < 2:
        return math.nan, math.nan, math.nan
    d = r - r.mean()
    sd = float(np.sqrt(d @ d / (n - 1)))
    if sd == 0.0:
        return 0.0, math.nan, math.nan
    m2 = d @ d / n
    m3 = np.sum(d**3) / n
    m4 = np.sum(d**4) / n
    g1 = m3 / m2**1.5
    g2 = m4 / m2**2 - 3.0
    # adjusted Fisher-Pearson coefficients (scipy.stats.skew/kurtosis with bias=False)
    skew = g1 * math.sqrt(n * (n - 1)) / (n - 2) if n > 2 else math.nan
    kurt = ((n + 1) * g2 + 6.0) * (n - 1) / ((n - 2) * (n - 3)) if n > 3 else math.nan
    return sd, float(skew), float(kurt)


def realized_table(
    frame: pd.DataFrame,
    returns: pd.Series,
    labels: np.ndarray,
    names: list[str],
    periods_per_year: float,
) -> pd.DataFrame:
    """One row per regime with the realised measures listed in :data:`REALIZED_COLUMNS`.

    ``frame`` holds the validated prices (``close`` and optional ``open``, ``high``,
    ``low``); ``returns`` are the log returns dated by their closing bar and
    ``labels`` their regime numbers. Range estimators use the bars that carry the
    returns (the first bar of the data, which has no return, is left out) and are
    NaN when the data have no OHLC columns.
    """
    ppy = float(periods_per_year)
    has_ohlc = all(c in frame.columns for c in ("open", "high", "low"))
    if has_ohlc:
        bars = frame.loc[returns.index]
        pk = parkinson_variance(bars["high"].to_numpy(), bars["low"].to_numpy())
        gk = garman_klass_variance(
            bars["open"].to_numpy(),
            bars["high"].to_numpy(),
            bars["low"].to_numpy(),
            bars["close"].to_numpy(),
        )
    r_all = returns.to_numpy()
    rows = []
    for k, label in enumerate(names):
        mask = labels == k
        r = r_all[mask]
        n = int(mask.sum())
        dates = returns.index[mask]
        if n < 2:
            warnings.warn(
                f"regime {label} has {n} return(s); its realised measures are NaN.",
                SmallSampleWarning,
                stacklevel=3,
            )
        sd, skew, kurt = _moments(r)
        if n >= 2 and sd == 0.0:
            warnings.warn(
                f"regime {label}: the returns are constant; skewness and kurtosis are NaN.",
                DegenerateDataWarning,
                stacklevel=3,
            )
        row = {
            "regime": k,
            "label": label,
            "start": dates[0] if n else pd.NaT,
            "end": dates[-1] if n else pd.NaT,
            "n_obs": n,
            "mean_return": float(r.mean() * ppy) if n else math.nan,
            "volatility": sd * math.sqrt(ppy),
            "parkinson_volatility": math.nan,
            "garman_klass_volatility": math.nan,
            "downside_semivolatility": (
                float(np.sqrt(np.mean(np.minimum(r, 0.0) ** 2) * ppy)) if n else math.nan
            ),
            "skewness": skew,
            "excess_kurtosis": kurt,
            "max_drawdown": max_drawdown(r),
        }
        if has_ohlc and n:
            pk_k, gk_k = pk[mask], gk[mask]
            if np.isfinite(pk_k).any():
                row["parkinson_volatility"] = float(np.sqrt(np.nanmean(pk_k) * ppy))
            if np.isfinite(gk_k).any():
                row["garman_klass_volatility"] = float(np.sqrt(max(np.nanmean(gk_k), 0.0) * ppy))
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(REALIZED_COLUMNS))
    out["n_obs"] = out["n_obs"].astype(np.int64)
    return out
