"""Benchmark alignment, normal-return models and event-time paths (internal).

Day-0 positions, windows and forward returns live in the shared event-sample layer
:mod:`riskcycle._sample`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..calendar import SessionClock

__all__: list[str] = []


# ---------------------------------------------------------------------------
# benchmark alignment
# ---------------------------------------------------------------------------
def align_benchmark(
    benchmark_close: pd.Series,
    follower_index: pd.DatetimeIndex,
    *,
    benchmark_clock: SessionClock,
    follower_clock: SessionClock,
) -> np.ndarray:
    """Benchmark closes on the follower's calendar, without look-ahead.

    For each follower bar, the value is the benchmark close of the last bar whose
    information time is at or before the follower bar's close time. Follower bars
    before the first benchmark value was known, or dated after the benchmark's last
    date (the benchmark may have traded then, outside its data), get NaN.

    Returns
    -------
    ndarray of float, shape (len(follower_index),)
    """
    b_info = benchmark_clock.information_times(benchmark_close.index).asi8
    f_close = follower_clock.information_times(follower_index).asi8
    pos = np.searchsorted(b_info, f_close, side="right") - 1
    values = benchmark_close.to_numpy(dtype=float)
    out = np.where(pos >= 0, values[np.clip(pos, 0, None)], np.nan)
    out[follower_index.asi8 > benchmark_close.index.asi8[-1]] = np.nan
    return out


# ---------------------------------------------------------------------------
# normal-return models (vectorised over a trailing axis of replications)
# ---------------------------------------------------------------------------
MODELS = ("raw", "constant_mean", "market_adjusted", "market_model")
#: number of parameters each model estimates (degrees of freedom lost)
N_PARAMS = {"raw": 0, "constant_mean": 1, "market_adjusted": 0, "market_model": 2}


class ModelFit:
    """Normal-return model of one event, fitted on its estimation window.

    Arrays carry a trailing axis of ``R`` replications (``R = 1`` for data).

    Attributes
    ----------
    est_offsets : ndarray (L,)
        Bar offsets of the estimation returns relative to day 0 (negative).
    est_resid : ndarray (L, R)
        Estimation-window residuals :math:`e_t = r_t - \\hat r_t`.
    event_ar : ndarray (T, R)
        Abnormal returns of bars day0+1 .. day0+T (the longest window).
    event_m : ndarray (T, R) or None
        Benchmark returns over the same bars (market model variance term).
    n_est : int
        Number of estimation returns :math:`L`.
    dof : int
        :math:`L - k` (``k`` = number of parameters).
    sigma : ndarray (R,)
        Residual standard deviation, :math:`\\sqrt{\\sum e_t^2 / (L - k)}`.
    alpha, beta : ndarray (R,)
        Intercept (mean, for ``constant_mean``) and slope; NaN where unused.
    xbar, sxx : ndarray (R,)
        Mean and centred sum of squares of the benchmark in the estimation window.
    """

    __slots__ = (
        "alpha",
        "beta",
        "day0",
        "dof",
        "est_offsets",
        "est_resid",
        "est_x",
        "event_ar",
        "event_m",
        "model",
        "n_est",
        "sigma",
        "sxx",
        "xbar",
    )

    def car_variance(self, t: int) -> np.ndarray:
        r"""Variance of the CAR over the first ``t`` event bars under the null.

        :math:`\sigma^2 T` (raw, market-adjusted); :math:`\sigma^2 (T + T^2/L)`
        (constant mean); :math:`\sigma^2\,(T + T^2/L + (\sum_{W}(m_t - \bar m))^2
        / S_{mm})` (market model), i.e. :math:`\sigma^2 (T + \iota' X_W (X'X)^{-1}
        X_W' \iota)`.
        """
        s2 = self.sigma**2
        if self.model in ("raw", "market_adjusted"):
            return s2 * t
        if self.model == "constant_mean":
            return s2 * (t + t * t / self.n_est)
        d = (self.event_m[:t] - self.xbar).sum(axis=0)
        return s2 * (t + t * t / self.n_est + d * d / self.sxx)

    def error_weights(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        r"""The CAR's prediction error as weights on the i.i.d. residuals.

        Under the null, :math:`\mathrm{CAR} - 0 = \sum_s a_s \varepsilon_s` with
        :math:`a_s = 1` on the ``t`` window bars and :math:`a_s = -c_s` on the
        estimation bars, :math:`c_s` being the weight of residual :math:`s` in the
        estimated normal return summed over the window: 0 (raw, market-adjusted),
        :math:`T/L` (constant mean), :math:`T/L + D (m_s - \bar m)/S_{mm}` with
        :math:`D = \sum_W (m_t - \bar m)` (market model). So
        :math:`\sigma^2 \sum_s a_s^2` is :meth:`car_variance` and
        :math:`\sigma^2 \sum_s a_s b_s` the covariance of two events' CARs.

        Returns
        -------
        positions : ndarray of int (L + t,)
            Absolute bar positions (estimation bars, then window bars).
        weights : ndarray (L + t, R) or (L + t, 1)
        """
        pos = np.concatenate(
            [self.est_offsets + self.day0, np.arange(self.day0 + 1, self.day0 + 1 + t)]
        )
        if self.model in ("raw", "market_adjusted"):
            c = np.zeros((self.n_est, 1))
        elif self.model == "constant_mean":
            c = np.full((self.n_est, 1), t / self.n_est)
        else:
            d = (self.event_m[:t] - self.xbar).sum(axis=0)
            c = t / self.n_est + d * (self.est_x - self.xbar) / self.sxx
        ones = np.ones((t, c.shape[1]))
        return pos, np.concatenate([-c, ones], axis=0)

    def predicted(self, m: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray:
        """Normal return for bars with benchmark returns ``m`` (any leading shape)."""
        if self.model == "raw":
            return np.zeros(shape)
        if self.model == "constant_mean":
            return np.broadcast_to(self.alpha, shape)
        if self.model == "market_adjusted":
            return np.broadcast_to(m, shape)
        return self.alpha + self.beta * m


def fit_model(
    r: np.ndarray,
    m: np.ndarray | None,
    *,
    model: str,
    day0: int,
    est_lo: int,
    est_hi: int,
    t_max: int,
) -> ModelFit:
    """Fit ``model`` on returns ``r[est_lo..est_hi]`` and compute event ARs.

    Parameters
    ----------
    r : ndarray (n, R)
        Follower daily returns; ``r[j]`` is the return from bar ``j-1`` to ``j``.
    m : ndarray (n, R) or (n, 1), or None
        Benchmark daily returns on the follower's calendar.
    day0, est_lo, est_hi, t_max : int
        Day-0 bar, inclusive bounds of the estimation returns, and the number of
        event bars after day 0 for which abnormal returns are wanted.
    """
    k = N_PARAMS[model]
    uses_m = model in ("market_adjusted", "market_model")
    lo = max(est_lo, 1)
    y = r[lo : est_hi + 1]
    rows = np.all(np.isfinite(y), axis=1)
    x = None
    if uses_m:
        x = np.broadcast_to(m[lo : est_hi + 1], y.shape) if len(y) else y
        rows &= np.all(np.isfinite(x), axis=1)
        x = x[rows]
    y = y[rows]
    offsets = (np.arange(lo, est_hi + 1) - day0)[rows] if est_hi >= lo else np.empty(0, int)
    n_rep = r.shape[1]
    fit = ModelFit()
    fit.model = model
    fit.n_est = len(y)
    fit.dof = fit.n_est - k
    fit.est_offsets = offsets
    fit.day0 = int(day0)
    fit.est_x = x
    nan = np.full(n_rep, np.nan)
    fit.alpha, fit.beta, fit.xbar, fit.sxx = nan.copy(), nan.copy(), nan.copy(), nan.copy()
    if fit.dof <= 0:
        fit.est_resid = np.full(y.shape, np.nan)
        fit.sigma = nan.copy()
    else:
        if model == "raw":
            resid = y
        elif model == "constant_mean":
            fit.alpha = y.mean(axis=0)
            resid = y - fit.alpha
        elif model == "market_adjusted":
            resid = y - x
        else:
            fit.xbar = x.mean(axis=0)
            xc = x - fit.xbar
            fit.sxx = (xc * xc).sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                fit.beta = (xc * (y - y.mean(axis=0))).sum(axis=0) / fit.sxx
            fit.alpha = y.mean(axis=0) - fit.beta * fit.xbar
            resid = y - fit.alpha - fit.beta * x
        fit.est_resid = resid
        fit.sigma = np.sqrt((resid * resid).sum(axis=0) / fit.dof)
    ev = r[day0 + 1 : day0 + 1 + t_max]
    fit.event_m = np.broadcast_to(m[day0 + 1 : day0 + 1 + t_max], ev.shape) if uses_m else None
    fit.event_ar = ev - fit.predicted(fit.event_m, ev.shape)
    return fit


def estimation_bounds(
    index: pd.DatetimeIndex, day0: np.ndarray, *, window_days: int, gap_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Inclusive bar bounds of the estimation returns of each event.

    The estimation returns are those of bars dated in
    ``(day0 - gap - window, day0 - gap]`` (calendar days), never bar 0 (which has
    no return).
    """
    t = index.asi8
    day = np.int64(86_400 * 10**9)
    d0 = t[np.asarray(day0, dtype=np.int64)]
    hi = np.searchsorted(t, d0 - gap_days * day, side="right") - 1
    lo = np.searchsorted(t, d0 - (gap_days + window_days) * day, side="right")
    return np.maximum(lo, 1).astype(np.int64), hi.astype(np.int64)


# ---------------------------------------------------------------------------
# window statistics on one price path
# ---------------------------------------------------------------------------
def window_path_stats(close: np.ndarray, start: int, end: int) -> tuple[float, float, float, int]:
    """Maximum drawdown, maximum run-up, peak return and peak position in ``close[start:end+1]``.

    ``max_drawdown`` is :math:`\\min_t (P_t / \\max_{s \\le t} P_s - 1) \\le 0`,
    ``max_runup`` is :math:`\\max_t (P_t / \\min_{s \\le t} P_s - 1) \\ge 0` (the
    largest rise from a trough to a later peak), ``peak_return`` is
    :math:`\\max_t P_t / P_{start} - 1`; the peak position is the first bar of
    the highest close (relative to ``start``).
    """
    p = close[start : end + 1]
    dd = float(np.min(p / np.maximum.accumulate(p) - 1.0))
    ru = float(np.max(p / np.minimum.accumulate(p) - 1.0))
    i = int(np.argmax(p))
    return dd, ru, float(p[i] / p[0] - 1.0), i


def event_time_paths(
    index: pd.DatetimeIndex,
    cum: np.ndarray,
    day0: np.ndarray,
    offsets: np.ndarray,
) -> np.ndarray:
    """Values of per-event cumulative series at calendar-day offsets from day 0.

    Parameters
    ----------
    index : DatetimeIndex (n,)
    cum : ndarray (n, N)
        For each event, a value per bar (e.g. log close minus log close at day 0).
    day0 : ndarray (N,)
    offsets : ndarray (K,)
        Calendar-day offsets.

    Returns
    -------
    ndarray (K, N)
        At offset ``k``: the value at the last bar dated on or before
        ``day0 + k`` days (the horizon convention), NaN before the first bar or
        after the last date.
    """
    t = index.asi8
    day = np.int64(86_400 * 10**9)
    target = t[day0][None, :] + offsets[:, None].astype(np.int64) * day
    bar = np.searchsorted(t, target, side="right") - 1
    ok = (bar >= 0) & (target <= t[-1])
    vals = np.take_along_axis(cum, np.clip(bar, 0, None), axis=0)
    return np.where(ok, vals, np.nan)
