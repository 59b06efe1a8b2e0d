r"""Cross-event test statistics of an event study (internal).

Every function works on arrays with a leading axis of ``N`` events and a trailing
axis of ``R`` replications (``R = 1`` for data), so that Monte Carlo size checks
run the same code as :func:`riskcycle.event_study`. Inputs are assumed finite
(the caller keeps only the events a test can use). Each returns a dict of arrays
of shape ``(R,)``: ``statistic``, ``pvalue`` and, where they apply, ``df``,
``ci_low``, ``ci_high``.

Null hypotheses (plain language) are in :data:`NULL_HYPOTHESES`.

Size found by the test suite's simulations (5% level; details in
:func:`riskcycle.event_study`, Notes): with separated events every test is at or
below 5% within Monte Carlo error (Patell 6.1% under GARCH). With ten 365-day
windows starting 60 days apart the tests assuming independent events reject
32-49% of the time (cross-sectional t 49%, BMP 49%, Wilcoxon 47%, Patell 38%,
generalised sign 32%); BMP with the Kolari-Pynnönen adjustment 8%; Corrado 3.5%.

Notation: :math:`\mathrm{CAR}_i` is event *i*'s cumulative abnormal return over
the window (:math:`T_i` daily abnormal returns), :math:`\sigma_i` the residual
standard deviation of its estimation window (:math:`L_i` returns, :math:`k`
model parameters) and :math:`\mathrm{SCAR}_i = \mathrm{CAR}_i / S_i` with
:math:`S_i^2` the variance of the CAR's prediction error
(:meth:`riskcycle.eventstudy._core.ModelFit.car_variance`; Mikkelson & Partch
1988; Campbell, Lo & MacKinlay 1997, ch. 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..exceptions import DegenerateDataWarning

__all__ = [
    "NULL_HYPOTHESES",
    "TESTS",
    "bmp",
    "bmp_kolari_pynnonen",
    "corrado_rank",
    "cross_sectional_t",
    "generalized_sign",
    "patell_z",
    "wilcoxon_signed_rank",
]

#: Test names in the order they are reported.
TESTS = (
    "cross_sectional_t",
    "patell_z",
    "bmp",
    "bmp_kolari_pynnonen",
    "corrado_rank",
    "generalized_sign",
    "wilcoxon_signed_rank",
)

NULL_HYPOTHESES = {
    "cross_sectional_t": "The mean cumulative abnormal return across events is zero "
    "(events independent; CARs roughly normal).",
    "patell_z": "Every event's abnormal returns have mean zero and the variance estimated "
    "before the event (standardised CARs independent across events).",
    "bmp": "The mean standardised CAR is zero; the event may change the variance "
    "(standardised CARs independent across events).",
    "bmp_kolari_pynnonen": "The mean standardised CAR is zero, allowing standardised CARs "
    "to be correlated through shared data (overlapping windows; average correlation r).",
    "corrado_rank": "Abnormal returns in the event window come from the same distribution as "
    "in the estimation window (their ranks are not shifted).",
    "generalized_sign": "The share of events with a positive CAR equals the share of "
    "positive abnormal returns in the estimation windows.",
    "wilcoxon_signed_rank": "The CARs are distributed symmetrically about zero.",
}

#: Tests that need a cross-sectional variance: NaN with fewer than 3 events.
CROSS_SECTIONAL = ("cross_sectional_t", "bmp", "bmp_kolari_pynnonen")
MIN_EVENTS_CROSS_SECTIONAL = 3


def _pvalue(dist, stat: np.ndarray, alternative: str) -> np.ndarray:
    if alternative == "greater":
        p = dist.sf(stat)
    elif alternative == "less":
        p = dist.cdf(stat)
    else:
        p = 2.0 * dist.sf(np.abs(stat))
    return np.minimum(p, 1.0)


def _t_with_ci(mean, se, n, alternative, confidence_level):
    df = n - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean / se
    dist = stats.t(df)
    p = _pvalue(dist, t, alternative)
    if alternative == "two-sided":
        q = dist.ppf(0.5 + confidence_level / 2)
        lo, hi = mean - q * se, mean + q * se
    elif alternative == "greater":
        lo, hi = mean - dist.ppf(confidence_level) * se, np.full_like(mean, np.inf)
    else:
        lo, hi = np.full_like(mean, -np.inf), mean + dist.ppf(confidence_level) * se
    return {
        "statistic": t,
        "pvalue": p,
        "df": np.full_like(t, df, dtype=float),
        "ci_low": lo,
        "ci_high": hi,
    }


def cross_sectional_t(
    car: np.ndarray, *, alternative: str = "two-sided", confidence_level: float = 0.95
) -> dict:
    r"""Cross-sectional t test of the mean CAR (Brown & Warner 1985).

    .. math:: t = \frac{\overline{\mathrm{CAR}}}{s_{\mathrm{CAR}} / \sqrt N}
              \sim t_{N-1},

    with :math:`s_{\mathrm{CAR}}` the sample standard deviation across events
    (``ddof=1``). The confidence interval is for the mean CAR.

    Assumes independent events: rejected 49% of the time at a nominal 5% in the
    suite's simulation with overlapping windows (see the module docstring).
    """
    n = car.shape[0]
    mean = car.mean(axis=0)
    se = car.std(axis=0, ddof=1) / np.sqrt(n)
    return _t_with_ci(mean, se, n, alternative, confidence_level)


def patell_z(scar: np.ndarray, dof: np.ndarray, *, alternative: str = "two-sided") -> dict:
    r"""Patell (1976) standardised-residual test, on standardised CARs.

    .. math:: Z = \frac{\sum_i \mathrm{SCAR}_i}
              {\sqrt{\sum_i (L_i - k)/(L_i - k - 2)}} \sim N(0, 1),

    where :math:`(L_i-k)/(L_i-k-2)` is the variance of a Student-t variable with
    :math:`L_i - k` degrees of freedom.

    Assumes independent events and a variance unchanged by the event: 38% at a
    nominal 5% with overlapping windows, 6.1% under GARCH volatility clustering.
    """
    dof = np.broadcast_to(np.asarray(dof, dtype=float).reshape(-1, 1), scar.shape)
    z = scar.sum(axis=0) / np.sqrt((dof / (dof - 2.0)).sum(axis=0))
    return {"statistic": z, "pvalue": _pvalue(stats.norm, z, alternative)}


def bmp(scar: np.ndarray, *, alternative: str = "two-sided") -> dict:
    r"""Boehmer, Musumeci & Poulsen (1991) standardised cross-sectional test.

    .. math:: t = \frac{\overline{\mathrm{SCAR}}}{s_{\mathrm{SCAR}}/\sqrt N}
              \sim t_{N-1}.

    Robust to an event-induced change in variance, not to dependence: 49% at a
    nominal 5% with overlapping windows.
    """
    n = scar.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = scar.mean(axis=0) / (scar.std(axis=0, ddof=1) / np.sqrt(n))
    return {
        "statistic": t,
        "pvalue": _pvalue(stats.t(n - 1), t, alternative),
        "df": np.full_like(t, n - 1, dtype=float),
    }


def average_correlation(weights: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    r"""Mean pairwise correlation of the events' CARs implied by shared data.

    Each CAR's prediction error is a weighted sum of i.i.d. residuals,
    :math:`\sum_s a_{is}\varepsilon_s`, over its window bars (weight 1) and its
    estimation bars (minus the weight of that residual in the fitted normal return;
    :meth:`riskcycle.eventstudy._core.ModelFit.error_weights`). With a common
    residual variance,

    .. math:: \rho_{ij} = \frac{\sum_s a_{is} a_{js}}
              {\sqrt{\sum_s a_{is}^2 \sum_s a_{js}^2}},

    which is :math:`n_{ij}/\sqrt{T_i T_j}` (:math:`n_{ij}` shared window days)
    for the raw and market-adjusted models, and also counts one event's window
    inside another's estimation window (a negative contribution) and shared
    estimation data. :math:`\bar r` is the mean over pairs :math:`i < j`.

    Parameters
    ----------
    weights : list of (positions, weights)
        Per event, absolute bar positions (sorted, unique) and weights (rows, R).

    Returns
    -------
    ndarray (R,) or (1,)
        0 for a single event.
    """
    n = len(weights)
    norms = [np.sqrt((w * w).sum(axis=0)) for _, w in weights]
    if n < 2:
        return np.zeros(weights[0][1].shape[1] if n else 1)
    total = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            pi, wi = weights[i]
            pj, wj = weights[j]
            _, a, b = np.intersect1d(pi, pj, assume_unique=True, return_indices=True)
            total = total + (wi[a] * wj[b]).sum(axis=0) / (norms[i] * norms[j])
    return np.atleast_1d(total / (n * (n - 1) / 2))


def bmp_kolari_pynnonen(
    scar: np.ndarray, rbar: np.ndarray | float, *, alternative: str = "two-sided"
) -> dict:
    r"""BMP test adjusted for cross-correlation (Kolari & Pynnönen 2010).

    .. math:: t_{KP} = t_{BMP}\,\sqrt{\frac{1 - \bar r}{1 + (N - 1)\bar r}}
              \sim t_{N-1}.

    Kolari & Pynnönen estimate :math:`\bar r` from the estimation-period
    residuals of different firms. Here every event is on one follower, so two
    events' CARs are correlated through the data they share (overlapping windows,
    one event's window inside another's estimation window); :math:`\bar r` is
    the implied correlation of :func:`average_correlation` (0 when the events
    share no data, and then :math:`t_{KP} = t_{BMP}`). NaN when
    :math:`1 + (N-1)\bar r \le 0`.

    Size in the suite's simulations: 8% at a nominal 5% with ten 365-day windows
    60 days apart (BMP alone: 49%; the equal-correlation approximation is rough
    when correlations differ much across pairs); 5.1% when events sit inside
    later events' estimation windows (where the unadjusted tests are conservative).
    """
    out = bmp(scar, alternative=alternative)
    n = scar.shape[0]
    rbar = np.asarray(rbar, dtype=float)
    denom = 1.0 + (n - 1) * rbar
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(denom > 0, np.sqrt((1.0 - rbar) / denom), np.nan)
    t = out["statistic"] * factor
    return {"statistic": t, "pvalue": _pvalue(stats.t(n - 1), t, alternative), "df": out["df"]}


def corrado_rank(
    est_offsets: list[np.ndarray],
    est_ar: list[np.ndarray],
    event_ar: list[np.ndarray],
    *,
    alternative: str = "two-sided",
) -> dict:
    r"""Corrado (1989) rank test over a multi-day window (Campbell & Wasley 1993).

    For event *i*, the :math:`M_i = L_i + T_i` abnormal returns of the
    estimation and event windows are ranked together (average ranks for ties),
    :math:`K_{it}`, and standardised as :math:`U_{it} = K_{it}/(M_i + 1) - 1/2`
    (Corrado & Zivney 1992). With :math:`\bar U_t` the mean over the events
    observed at event-time bar offset :math:`t`,

    .. math:: S_U^2 = \frac{1}{|\mathcal T|}\sum_{t\in\mathcal T} \bar U_t^2,
              \qquad
              Z = \frac{\sum_{t=1}^{T}\bar U_t}{\sqrt{T}\, S_U} \sim N(0, 1),

    :math:`\mathcal T` being all offsets (estimation and event) and :math:`T`
    the number of event offsets.

    Parameters
    ----------
    est_offsets : list of ndarray (L_i,)
        Bar offsets (negative) of each event's estimation abnormal returns.
    est_ar : list of ndarray (L_i, R)
    event_ar : list of ndarray (T_i, R)
        Abnormal returns of bars day0+1 .. day0+T_i.
    """
    lo = min(int(o.min()) if len(o) else 0 for o in est_offsets)
    t_max = max(len(a) for a in event_ar)
    n_rep = event_ar[0].shape[1]
    n_off = t_max - lo + 1
    u_sum = np.zeros((n_off, n_rep))
    count = np.zeros(n_off)
    for off, ea, va in zip(est_offsets, est_ar, event_ar, strict=True):
        x = np.concatenate([ea, va], axis=0)
        m = x.shape[0]
        u = stats.rankdata(x, axis=0) / (m + 1.0) - 0.5
        rows = np.concatenate([off, np.arange(1, len(va) + 1)]) - lo
        u_sum[rows] += u
        count[rows] += 1
    seen = count > 0
    ubar = u_sum[seen] / count[seen, None]
    s_u = np.sqrt((ubar * ubar).mean(axis=0))
    event_rows = seen & (np.arange(n_off) + lo >= 1)
    ubar_event = u_sum[event_rows] / count[event_rows, None]
    t = int(event_rows.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        z = ubar_event.sum(axis=0) / (np.sqrt(t) * s_u)
    return {"statistic": z, "pvalue": _pvalue(stats.norm, z, alternative)}


def _binom_pvalue(k: np.ndarray, n: int, p: np.ndarray, alternative: str) -> np.ndarray:
    """Exact binomial p-values, vectorised; two-sided as in scipy.stats.binomtest."""
    k = np.asarray(k, dtype=float)
    p = np.asarray(p, dtype=float)
    if alternative == "greater":
        return np.minimum(stats.binom.sf(k - 1, n, p), 1.0)
    if alternative == "less":
        return np.minimum(stats.binom.cdf(k, n, p), 1.0)
    support = np.arange(n + 1).reshape((-1,) + (1,) * k.ndim)
    pmf = stats.binom.pmf(support, n, p)
    d = stats.binom.pmf(k, n, p)
    return np.minimum((pmf * (pmf <= d * (1 + 1e-7))).sum(axis=0), 1.0)


def generalized_sign(
    car: np.ndarray, pos_frac: np.ndarray, *, alternative: str = "two-sided"
) -> dict:
    r"""Generalised sign test (Cowan 1992).

    :math:`\hat p = \frac1N\sum_i \frac1{L_i}\sum_{t\in\text{est}_i}
    \mathbf 1[e_{it} > 0]` is the share of positive abnormal returns in the
    estimation windows, :math:`w` the number of events with a positive CAR;
    ``statistic`` is Cowan's

    .. math:: Z = \frac{w - N\hat p}{\sqrt{N \hat p (1-\hat p)}}.

    The p-value is the exact binomial :math:`\mathrm{Bin}(N, \hat p)` tail
    probability of :math:`w` (two-sided as in :func:`scipy.stats.binomtest`),
    not Cowan's normal approximation, which is poor with a handful of events.
    The test is discrete: see :func:`min_pvalue_sign`. Assumes independent
    events: 32% at a nominal 5% with overlapping windows.
    """
    n = car.shape[0]
    w = (car > 0).sum(axis=0)
    phat = pos_frac.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (w - n * phat) / np.sqrt(n * phat * (1 - phat))
    return {
        "statistic": z,
        "pvalue": _binom_pvalue(w, n, phat, alternative),
        "phat": phat,
        "positive": w,
    }


def min_pvalue_sign(n: int, phat: float, alternative: str) -> float:
    """Smallest p-value :func:`generalized_sign` can give with ``n`` events."""
    ends = np.array([0.0, float(n)])
    return float(_binom_pvalue(ends, n, np.full(2, phat), alternative).min())


def wilcoxon_signed_rank(car: np.ndarray, *, alternative: str = "two-sided") -> dict:
    """Wilcoxon signed-rank test of the CARs (:func:`scipy.stats.wilcoxon`, method 'auto').

    Assumes independent events: 47% at a nominal 5% with overlapping windows.
    Discrete: see :func:`min_pvalue_wilcoxon`.
    """
    res = stats.wilcoxon(car, alternative=alternative, axis=0)
    return {
        "statistic": np.atleast_1d(res.statistic).astype(float),
        "pvalue": np.atleast_1d(res.pvalue).astype(float),
    }


def min_pvalue_wilcoxon(n: int, alternative: str) -> float:
    """Smallest p-value :func:`wilcoxon_signed_rank` can give for ``n`` distinct non-zero CARs.

    Computed by running the test on the two extreme samples (all positive, all
    negative); with the exact distribution it is :math:`2/2^n` two-sided and
    :math:`1/2^n` one-sided.
    """
    x = np.arange(1.0, n + 1.0)
    return float(
        min(
            stats.wilcoxon(x, alternative=alternative).pvalue,
            stats.wilcoxon(-x, alternative=alternative).pvalue,
        )
    )


# ---------------------------------------------------------------------------
# the tests table
# ---------------------------------------------------------------------------
_IID = ("cross_sectional_t", "patell_z", "bmp", "generalized_sign", "wilcoxon_signed_rank")


def _dependence_note(name: str, overl: np.ndarray, rbar: float) -> str:
    if name not in _IID:
        return ""
    if overl.any():
        return (
            f"{int(overl.sum())} of {len(overl)} windows overlap: this test assumes "
            "independent events and over-rejects (32-49% at a nominal 5% with ten "
            "365-day windows 60 days apart; see event_study Notes)."
        )
    factor = 1.0 + (len(overl) - 1) * rbar
    if factor < 0.9:
        return (
            f"events share estimation data (average CAR correlation r = {rbar:.3g}): the "
            f"variance of the mean CAR is {factor:.2f} times its value for independent "
            "events, so this test is conservative here (see event_study Notes)."
        )
    return ""


def table_rows(
    h, fits, car, scar, complete, overl, t_len, alternative, confidence_level, pending, small_log
) -> list[dict]:
    """The rows of the tests table of :func:`riskcycle.event_study` for one horizon.

    Warnings are appended to ``pending`` as (category, message); the tests left NaN
    for want of events are appended to ``small_log`` (one line per horizon).
    """
    rows = []
    use_car = complete & np.isfinite(car)
    use_std = use_car & np.isfinite(scar)
    n_std = int(use_std.sum())
    rbar = 0.0
    if n_std >= 2:
        rbar = float(
            average_correlation(
                [fits[i].error_weights(int(t_len[i])) for i in np.flatnonzero(use_std)]
            )[0]
        )
    small = []
    for name in TESTS:
        sel = use_car if name in ("cross_sectional_t", "wilcoxon_signed_rank") else use_std
        n = int(sel.sum())
        row = {
            "test": name,
            "horizon": h,
            "statistic": np.nan,
            "pvalue": np.nan,
            "min_attainable_pvalue": np.nan,
            "null_hypothesis": NULL_HYPOTHESES[name],
            "n_events": n,
            "note": "",
            "reference_distribution": "",
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
        rows.append(row)
        notes = [_dependence_note(name, overl[sel], rbar)]
        if n == 0:
            row["note"] = "no complete window with the inputs this test needs."
            continue
        if name in CROSS_SECTIONAL and n < MIN_EVENTS_CROSS_SECTIONAL:
            row["note"] = (
                f"needs a cross-sectional variance: at least "
                f"{MIN_EVENTS_CROSS_SECTIONAL} events, got {n}."
            )
            small.append(f"{name} ({n})")
            continue
        sample = _Selected(fits, car[sel][:, None], scar[sel][:, None], np.flatnonzero(sel), t_len)
        out = _run_test(name, row, notes, sample, rbar, alternative, confidence_level)
        if out is None:  # every CAR is zero: the signed-rank test is undefined
            row["note"] = "every CAR is exactly zero: the signed-rank test is undefined."
            pending.append(
                (DegenerateDataWarning, f"{name} at {h} days: every CAR is zero; NaN returned.")
            )
            continue
        row["statistic"] = float(out["statistic"][0])
        row["pvalue"] = float(out["pvalue"][0])
        if not np.isfinite(row["statistic"]):
            notes.append("undefined: the standardising variance is zero.")
            row["pvalue"] = np.nan
            pending.append(
                (
                    DegenerateDataWarning,
                    f"{name} at {h} days is undefined (zero variance); NaN returned.",
                )
            )
        row["note"] = " ".join(x for x in notes if x)
    if small:
        small_log.append(f"{h} days: {', '.join(small)}")
    return rows


@dataclass(frozen=True, slots=True)
class _Selected:
    """The events a test uses: their fits, CARs and standardised CARs (columns)."""

    fits: list
    car: np.ndarray
    scar: np.ndarray
    index: np.ndarray  # positions among all events
    t_len: np.ndarray  # window lengths of all events

    @property
    def n(self) -> int:
        return len(self.index)


def _run_test(name, row, notes, sel: _Selected, rbar, alternative, confidence_level):
    """Run test ``name``, filling ``row`` and ``notes``; None when it is undefined."""
    n, c, s, fits = sel.n, sel.car, sel.scar, sel.fits
    if name in ("patell_z", "bmp", "bmp_kolari_pynnonen", "cross_sectional_t"):
        row["min_attainable_pvalue"] = 0.0
        row["reference_distribution"] = "N(0, 1)" if name == "patell_z" else f"t({n - 1})"
    if name == "cross_sectional_t":
        out = cross_sectional_t(c, alternative=alternative, confidence_level=confidence_level)
        row["ci_low"], row["ci_high"] = float(out["ci_low"][0]), float(out["ci_high"][0])
        notes.append(f"confidence interval for the mean CAR at {confidence_level:g}.")
    elif name == "patell_z":
        out = patell_z(s, np.array([fits[i].dof for i in sel.index]), alternative=alternative)
    elif name == "bmp":
        out = bmp(s, alternative=alternative)
    elif name == "bmp_kolari_pynnonen":
        out = bmp_kolari_pynnonen(s, rbar, alternative=alternative)
        notes.append(f"average correlation of the CARs from shared data r = {rbar:.4g}.")
    elif name == "corrado_rank":
        out = corrado_rank(
            [fits[i].est_offsets for i in sel.index],
            [fits[i].est_resid for i in sel.index],
            [fits[i].event_ar[: sel.t_len[i]] for i in sel.index],
            alternative=alternative,
        )
        row["reference_distribution"] = "N(0, 1)"
        notes.append(
            "min_attainable_pvalue not computed (a rank statistic over many "
            "daily ranks is close to continuous)."
        )
    elif name == "generalized_sign":
        pos = np.array([[np.mean(fits[i].est_resid[:, 0] > 0)] for i in sel.index])
        out = generalized_sign(c, pos, alternative=alternative)
        phat = float(out["phat"][0])
        row["min_attainable_pvalue"] = min_pvalue_sign(n, phat, alternative)
        row["reference_distribution"] = f"Bin({n}, {phat:.4g})"
        notes.append(
            f"{int(out['positive'][0])} of {n} CARs positive; exact binomial "
            f"p-value; statistic is Cowan's normal Z."
        )
    else:
        nonzero = int((c != 0).sum())
        row["reference_distribution"] = "Wilcoxon signed-rank (scipy, method='auto')"
        if nonzero == 0:
            return None
        out = wilcoxon_signed_rank(c, alternative=alternative)
        row["min_attainable_pvalue"] = min_pvalue_wilcoxon(nonzero, alternative)
        if nonzero < n:
            notes.append(f"{n - nonzero} zero CAR(s) dropped (zero_method='wilcox').")
    return out
