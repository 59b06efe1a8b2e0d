r"""Abnormal volatility around events: realised variance after each event against a
forecast made with data up to the event, with a t test, a sign test and a placebo
null over random dates on the same path.

For an event whose first post-event return has index :math:`k` and a horizon of
:math:`h` returns,

.. math::

    AV_k = \ln \frac{\sum_{j=0}^{h-1} e^2_{k+j}}{\sum_{j=0}^{h-1}
    \mathrm{E}_{k-1}[\sigma^2_{k+j}]},

where :math:`e_t = 100 r_t - \mu` and the forecast uses only returns dated before
the event. ``model="garch"``: GARCH(1,1)-t (arch) re-estimated every ``refit``
returns on the last ``estimation_window`` returns available at the refit, filtered
forward to :math:`k - 1`; the :math:`j`-step forecast is
:math:`V + (\alpha+\beta)^{j}(\sigma^2_{k|k-1} - V)`, :math:`V = \omega/(1-\alpha-\beta)`
(:math:`\sigma^2_{k|k-1} + j\omega` when :math:`\alpha + \beta = 1`).
``model="rolling"``: :math:`h` times the mean squared return of the last
``estimation_window`` returns (:math:`\mu = 0`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from .._results import ResultMixin, Summary, package_versions
from .._rng import RNGLike, check_rng
from .._typing import AxesLike, EventsLike, PricesLike
from .._validation import (
    check_alternative,
    check_choice,
    check_int,
    check_n_resamples,
    check_timestamp,
    fmt_date,
)
from ..exceptions import EventsExcludedWarning
from ._garch import SCALE, arch_backcast, fit_arch
from ._input import check_periods_per_year, log_returns, price_frame

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["AbnormalVolatilityResult", "abnormal_volatility", "abnormal_volatility_path"]

MODELS = ("garch", "rolling")


def _garch_forecasts(
    y: np.ndarray, horizon: int, window: int, refit: int
) -> tuple[np.ndarray, np.ndarray, str]:
    """Forecast of the summed variance of ``y[k:k+h]`` and realised ``sum e^2`` for every k.

    Parameters at index ``t`` come from the last refit at an index ``<= t`` (fitted on
    ``y[max(0, s - window):s]``); ``NaN`` before the first refit (``s = window``).
    """
    n = len(y)
    fv = np.full(n, np.nan)
    rv = np.full(n, np.nan)
    starts = list(range(window, n, refit))
    notes = []
    params = []
    for s in starts:
        res, note = fit_arch(y[max(0, s - window) : s], 0)
        p = res.params
        params.append(
            (float(p["mu"]), float(p["omega"]), float(p["alpha[1]"]), float(p["beta[1]"]))
        )
        if note:
            notes.append(f"fit ending {s}: {note}")
    # variance filter with piecewise parameters: through the first estimation sample with the
    # first fit (as arch filters it, from its backcast), then each fit from its refit date on
    first = starts[0]
    t0 = max(0, first - window)
    seg = np.maximum(np.searchsorted(np.asarray(starts), np.arange(n), side="right") - 1, 0)
    e2_prev = s2_prev = arch_backcast(y[t0:first])
    s2_next = np.full(n, np.nan)  # sigma2_{t | t-1}
    for t in range(t0, n):
        mu, om, al, be = params[seg[t]]
        s2_next[t] = om + al * e2_prev + be * s2_prev
        s2_prev = s2_next[t]
        e2_prev = (y[t] - mu) ** 2
    for t in range(first, n - horizon + 1):
        mu, om, al, be = params[seg[t]]  # fitted on returns before the refit date <= t
        pers = al + be
        s2 = s2_next[t]
        if pers < 1 - 1e-8:
            v = om / (1 - pers)
            fv[t] = horizon * v + (s2 - v) * (1 - pers**horizon) / (1 - pers)
        else:
            fv[t] = horizon * s2 + om * horizon * (horizon - 1) / 2
        rv[t] = float(np.sum((y[t : t + horizon] - mu) ** 2))
    return fv, rv, "; ".join(notes)


def _rolling_forecasts(y: np.ndarray, horizon: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(y)
    c = np.r_[0.0, np.cumsum(y * y)]
    fv = np.full(n, np.nan)
    rv = np.full(n, np.nan)
    k = np.arange(window, n - horizon + 1)
    fv[k] = horizon * (c[k] - c[k - window]) / window
    rv[k] = c[k + horizon] - c[k]
    return fv, rv


def abnormal_volatility_path(
    returns: pd.Series,
    *,
    horizon: int = 30,
    model: str = "garch",
    estimation_window: int = 730,
    refit: int = 365,
) -> pd.DataFrame:
    """Abnormal volatility ``AV`` for every possible event date of ``returns``.

    Returns a frame indexed by date (the first post-event return) with ``realized``
    and ``forecast`` (summed percent-squared variance over the horizon) and ``av``
    (log ratio); NaN where the estimation window or the horizon is not covered.
    """
    y = returns.to_numpy() * SCALE
    if model == "garch":
        fv, rv, _ = _garch_forecasts(y, horizon, estimation_window, refit)
    else:
        fv, rv = _rolling_forecasts(y, horizon, estimation_window)
    with np.errstate(divide="ignore", invalid="ignore"):
        av = np.log(rv / fv)
    return pd.DataFrame({"realized": rv, "forecast": fv, "av": av}, index=returns.index)


@dataclass(frozen=True, slots=True, kw_only=True)
class AbnormalVolatilityResult(ResultMixin):
    """Abnormal volatility after events, with t, sign and placebo tests.

    Attributes
    ----------
    statistic : float
        Mean abnormal volatility :math:`\\overline{AV}` over the events (log points).
    pvalue : float
        Placebo p-value (random spaced dates on the same path).
    table : pandas.DataFrame
        Per event: ``event_date, first_return_date, realized_volatility,
        forecast_volatility`` (annualised fractions), ``av`` (log ratio of variances)
        and ``variance_ratio`` (``exp(av)``).
    tests : pandas.DataFrame
        ``test, statistic, pvalue, null_hypothesis, assumes`` for ``t``, ``sign`` and
        ``placebo``.
    null_distribution : ndarray
        Mean AV of each placebo set.
    """

    statistic: float
    pvalue: float
    table: pd.DataFrame
    tests: pd.DataFrame
    null_distribution: np.ndarray = field(repr=False)
    path: pd.DataFrame = field(repr=False)
    horizon: int
    model: str
    estimation_window: int
    refit: int
    min_spacing: int
    n_resamples: int
    alternative: str
    periods_per_year: float
    null_hypothesis: str
    method: str
    notes: tuple[str, ...]
    versions: dict[str, str] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"AbnormalVolatilityResult(n_events={len(self.table)}, mean_av={self.statistic:.3f},"
            f" placebo_p={self.pvalue:.4g})"
        )

    @property
    def findings(self) -> tuple[str, ...]:
        out = []
        for r in self.table.itertuples():
            out.append(
                f"{fmt_date(r.event_date)}: realised volatility over the next {self.horizon} "
                f"returns {r.realized_volatility:.1%} against {r.forecast_volatility:.1%} "
                f"forecast (variance ratio {r.variance_ratio:.2f}, AV = {r.av:+.3f})."
            )
        out.append(
            f"Mean AV {self.statistic:+.3f} over {len(self.table)} event(s); placebo p = "
            f"{self.pvalue:.4g} ({self.alternative}) against {len(self.null_distribution)} "
            "random date sets with the same count and spacing."
        )
        return tuple(out)

    def to_frame(self) -> pd.DataFrame:
        """The per-event table (tidy, unrounded)."""
        return self.table.copy()

    def _summary(self) -> Summary:
        return Summary(
            f"Abnormal volatility over {self.horizon} returns after each event ({self.model})",
            tables=(
                ("Per event", self.table.set_index("event_date")),
                ("Tests", self.tests.set_index("test")[["statistic", "pvalue", "assumes"]]),
            ),
            notes=(
                *self.findings,
                f"Null hypothesis of the placebo p-value: {self.null_hypothesis}",
                self.method,
                *self.notes,
            ),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """AV per event and the placebo null of the mean AV.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
        else:
            axes = list(np.ravel(ax))
            if len(axes) < 2:
                raise ValueError(f"`ax` must hold 2 axes; got {len(axes)}.")
            fig = axes[0].figure
        t = self.table
        a0, a1 = axes[0], axes[1]
        a0.bar([fmt_date(d) for d in t["event_date"]], t["av"], color="C0")
        a0.axhline(0, color="k", lw=0.6)
        a0.set_xlabel("event date")
        a0.set_ylabel("abnormal volatility AV\n(log of variance ratio)")
        a0.tick_params(axis="x", labelrotation=45)
        a1.hist(self.null_distribution, bins=50, color="0.7")
        a1.axvline(self.statistic, color="C3", label="events")
        a1.set_xlabel("mean AV of random date sets (log of variance ratio)")
        a1.set_ylabel("placebo sets (count)")
        a1.legend()
        fig.tight_layout()
        return fig


def _event_dates(events: Any) -> list[pd.Timestamp]:
    if isinstance(events, str | pd.Timestamp):
        events = [events]
    if hasattr(events, "dates") and not isinstance(events, pd.Index | pd.Series):
        events = list(events.dates)  # riskcycle.Events
    elif isinstance(events, pd.Series | pd.DataFrame):
        raise TypeError(
            "`events` must be dates (a list, DatetimeIndex or riskcycle Events), not a pandas "
            "Series/DataFrame (pass series.to_list() or its index)."
        )
    try:
        events = list(events)
    except TypeError as exc:
        raise TypeError(
            f"`events` must be a date or a sequence of dates; got {type(events).__name__}."
        ) from exc
    out = [check_timestamp(e, "events") for e in events]
    if not out:
        raise ValueError("`events` must hold at least one date.")
    return sorted(set(out))


def _placebo(av_valid, dates_valid, k, spacing_days, n_resamples, gen):
    from .._nb_spacing import spaced_sample, spaced_tables

    ns = dates_valid.asi8
    nxt = np.searchsorted(ns, ns + spacing_days * 86_400_000_000_000, side="left")
    table, log_count = spaced_tables(nxt, k)
    if not np.isfinite(log_count):
        return np.full(0, np.nan)
    u = gen.random((n_resamples, k))
    idx = spaced_sample(table, nxt, u)
    return av_valid[idx].mean(axis=1)


def _event_rows(dates, path: pd.DataFrame, idx_all: pd.DatetimeIndex, ann: float):
    """One row per event with a complete window; the events without one (formatted)."""
    pos = np.searchsorted(idx_all.asi8, pd.DatetimeIndex(dates).as_unit("ns").asi8, side="left")
    rows, dropped = [], []
    for d, k in zip(dates, pos, strict=True):
        if k >= len(idx_all) or not np.isfinite(path["av"].iloc[k]):
            dropped.append(fmt_date(d))
            continue
        r = path.iloc[k]
        rows.append(
            {
                "event_date": d,
                "first_return_date": idx_all[k],
                "realized_volatility": math.sqrt(r["realized"] * ann) / SCALE,
                "forecast_volatility": math.sqrt(r["forecast"] * ann) / SCALE,
                "av": float(r["av"]),
                "variance_ratio": float(math.exp(r["av"])),
            }
        )
    return rows, dropped


def _spacing(table: pd.DataFrame, horizon: int, min_spacing: int | None) -> int:
    """Placebo spacing: never more than the closest pair of events (a possible set)."""
    ev_days = np.diff(pd.DatetimeIndex(table["first_return_date"]).asi8) / 86_400e9
    closest = int(ev_days.min()) if len(ev_days) else horizon
    spacing = min(horizon, closest) if min_spacing is None else min_spacing
    if len(ev_days) and spacing > closest:
        raise ValueError(
            f"`min_spacing` ({spacing} days) exceeds the closest pair of events ({closest} "
            "days): the events themselves would be outside the placebo null."
        )
    return spacing


def _event_tests(av, stat, null, alternative, notes: list) -> pd.DataFrame:
    """The t, sign and placebo tests of the mean AV (notes on what they cannot do)."""
    n = len(av)
    b_ge = int(np.sum(null >= stat - 1e-12))
    b_le = int(np.sum(null <= stat + 1e-12))
    m = len(null)
    p_g, p_l = (1 + b_ge) / (1 + m), (1 + b_le) / (1 + m)
    p_plac = {"greater": p_g, "less": p_l, "two-sided": min(1.0, 2 * min(p_g, p_l))}[alternative]
    if n >= 2 and np.std(av) > 0:
        t_res = stats.ttest_1samp(av, 0.0, alternative=alternative)
        t_stat, t_p = float(t_res.statistic), float(t_res.pvalue)
    else:
        t_stat, t_p = math.nan, math.nan
        notes.append("The t test needs at least two events with different AV: NaN.")
    k_pos = int((av > 0).sum())
    s_alt = {"two-sided": "two-sided", "greater": "greater", "less": "less"}[alternative]
    s_p = float(stats.binomtest(k_pos, n, 0.5, alternative=s_alt).pvalue)
    if n < 6:
        notes.append(
            f"With {n} event(s) the sign test cannot give a two-sided p below "
            f"{min(1.0, 2 * 0.5**n):.3g}."
        )
    return pd.DataFrame(
        {
            "test": ["t", "sign", "placebo"],
            "statistic": [t_stat, float(k_pos), stat],
            "pvalue": [t_p, s_p, p_plac],
            "null_hypothesis": [
                "The mean AV is 0.",
                "The median AV is 0 (as many events above as below forecast).",
                "The events' mean AV is drawn like that of random date sets on the same path.",
            ],
            "assumes": [
                "independent, normal AV centred at 0",
                "independent AV with median 0",
                "events exchangeable with spaced random dates",
            ],
        }
    )


def abnormal_volatility(
    prices: PricesLike,
    events: EventsLike,
    *,
    horizon: int = 30,
    model: str = "garch",
    estimation_window: int = 730,
    refit: int = 365,
    min_spacing: int | None = None,
    n_resamples: int = 9999,
    alternative: str = "two-sided",
    periods_per_year: float | None = None,
    rng: RNGLike = None,
) -> AbnormalVolatilityResult:
    r"""Event study of volatility: was volatility after each event higher or lower than
    forecast with the data up to it?

    Parameters
    ----------
    prices : pandas.Series or DataFrame
        Daily prices (a Series of closes or a frame with ``close``).
    events : date, sequence of dates or riskcycle Events
        Event dates on the follower's calendar: the first return of the after-window
        is the one dated on the event (or the next date with data), the forecast uses
        the returns dated before it. For a leader's event known at the US close of day
        ``d`` (e.g. :func:`riskcycle.breakouts`), pass ``d + 1 day``: Bitcoin's bar of
        ``d`` closes at 24:00 UTC and mostly precedes the information.
    horizon : int, default 30
        Returns in the after-window.
    model : {"garch", "rolling"}, default "garch"
        Forecast: GARCH(1,1)-t (arch) or the rolling mean of squared returns.
    estimation_window : int, default 730
        Returns used by each GARCH fit (or the rolling mean); events need this many
        returns before them.
    refit : int, default 365
        Returns between GARCH re-estimations (the forecast at any date uses the latest
        fit made with data before it).
    min_spacing : int, optional
        Minimum days between placebo dates; default the smaller of ``horizon`` and
        the closest pair of events (so the events' own set is a possible placebo set).
    n_resamples : int, default 9999
        Placebo sets.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        ``"less"``: volatility after the events was lower than forecast.
    periods_per_year : float, optional
        Annualisation of the reported volatilities; default ``prices.attrs``.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    AbnormalVolatilityResult

    Raises
    ------
    TypeError, ValueError
        Invalid prices, events or options; no event with a full estimation window and
        horizon.

    Warns
    -----
    EventsExcludedWarning
        Events without ``estimation_window`` returns before them or ``horizon``
        returns after them are left out.

    Notes
    -----
    The statistic is in the module docstring (:mod:`riskcycle.regimes._abnormal`).
    Three tests of "no abnormal volatility": the one-sample t test of the mean AV and
    the sign test of the median AV (both assume independent events and an AV
    centred at 0, which the log of a variance ratio is not exactly: by Jensen's
    inequality its mean is below 0 even for a correct forecast); and the placebo
    test, which compares the events' mean AV with that of random sets of the same
    number of dates on the same path, pairwise at least ``min_spacing`` days apart,
    drawn uniformly among all such sets (:func:`riskcycle._nb_spacing.spaced_sample`).
    The placebo needs no model to be right and keeps the path's own volatility
    clustering; its p-value is :math:`(1 + b)/(1 + m)` (two-sided: twice the smaller
    tail, at most 1). Size at 5% under the null, measured on 300 simulated
    GARCH(1,1)-t paths with 6 random events (rolling forecast,
    ``tests/test_regimes_abnormal.py``): placebo 16/300 (binomial 95% interval
    0.03-0.09), sign 20/300 (0.04-0.10), t 26/300 (0.06-0.12): the t test
    over-rejects; use the placebo p-value.

    References
    ----------
    Bialkowski, J., Gottschalk, K., & Wisniewski, T. P. (2008). Stock market
    volatility around national elections. *Journal of Banking & Finance* 32(9),
    1941-1953. doi:10.1016/j.jbankfin.2007.12.021

    Examples
    --------
    >>> import riskcycle
    >>> from riskcycle.regimes import abnormal_volatility
    >>> btc = riskcycle.datasets.load("btc")
    >>> res = abnormal_volatility(btc, ["2020-05-12", "2024-01-10"], model="rolling",
    ...                           n_resamples=199, rng=0)
    >>> len(res.table)
    2
    """
    frame = price_frame(prices)
    ppy = check_periods_per_year(periods_per_year, prices)
    returns = log_returns(frame["close"])
    dates = _event_dates(events)
    horizon = check_int(horizon, "horizon", minimum=2, what="an integer number of returns")
    model = check_choice(model, "model", MODELS)
    estimation_window = check_int(
        estimation_window, "estimation_window", minimum=50, what="an integer number of returns"
    )
    refit = check_int(refit, "refit", minimum=1, what="an integer number of returns")
    if min_spacing is not None:
        min_spacing = check_int(min_spacing, "min_spacing", minimum=1, what="a number of days")
    n_resamples = check_n_resamples(n_resamples)
    alternative = check_alternative(alternative)
    gen = check_rng(rng)
    path = abnormal_volatility_path(
        returns, horizon=horizon, model=model, estimation_window=estimation_window, refit=refit
    )
    idx_all = returns.index
    rows, dropped = _event_rows(dates, path, idx_all, ppy / horizon)
    if not rows:
        raise ValueError(
            f"`events`: none of {[fmt_date(d) for d in dates]} has {estimation_window} returns "
            f"before it and {horizon} after it in `prices`."
        )
    notes = []
    if dropped:
        msg = (
            f"events {dropped} lack {estimation_window} returns before or {horizon} after them "
            "and are left out"
        )
        warnings.warn(msg, EventsExcludedWarning, stacklevel=2)
        notes.append(msg[0].upper() + msg[1:] + ".")
    table = pd.DataFrame(rows)
    av = table["av"].to_numpy()
    n = len(av)
    stat = float(av.mean())
    spacing = _spacing(table, horizon, min_spacing)
    valid = np.isfinite(path["av"].to_numpy())
    null = _placebo(path["av"].to_numpy()[valid], idx_all[valid], n, spacing, n_resamples, gen)
    m = len(null)
    tests = _event_tests(av, stat, null, alternative, notes)
    p_plac = tests["pvalue"].iloc[2]
    if model == "garch":
        fmodel = (
            f"GARCH(1,1)-t (arch) re-fitted every {refit} returns on the last {estimation_window}"
        )
    else:
        fmodel = f"rolling mean of the last {estimation_window} squared returns"
    method = (
        f"AV = log(realised / forecast variance) over {horizon} returns from the event; "
        f"forecast: {fmodel}, data before the event only. Placebo: {m} random sets of {n} "
        f"date(s) pairwise at least {spacing} days apart, uniform over all such sets on the "
        f"same path; p = (1 + b)/(1 + m)."
    )
    return AbnormalVolatilityResult(
        statistic=stat,
        pvalue=float(p_plac),
        table=table,
        tests=tests,
        null_distribution=null,
        path=path,
        horizon=horizon,
        model=model,
        estimation_window=estimation_window,
        refit=refit,
        min_spacing=int(spacing),
        n_resamples=n_resamples,
        alternative=alternative,
        periods_per_year=ppy,
        null_hypothesis=tests["null_hypothesis"].iloc[2],
        method=method,
        notes=tuple(notes),
        versions=package_versions(),
    )
