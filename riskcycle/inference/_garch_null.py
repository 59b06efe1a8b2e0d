"""Model-based null: the event statistic on GARCH(1,1)-t paths (Brock et al. 1992)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._rng import check_rng
from .._validation import check_alternative, check_int, check_n_resamples, check_timedelta
from ..exceptions import DegenerateDataWarning, SmallSampleWarning
from . import _common as C
from ._results import GarchNullResult

__all__ = ["fit_garch_t", "garch_null_test"]

_CHUNK = 128  # paths per block of random numbers (fixed: results depend on it)


def fit_garch_t(returns: np.ndarray) -> dict[str, Any]:
    """Fit a constant-mean GARCH(1,1) with standardised Student-t errors with arch.

    ``returns`` are daily log returns; the model is fitted to ``100 * returns``
    (percent, the scale arch's optimiser expects). Returns the parameters
    (``mu``, ``omega``, ``alpha``, ``beta``, ``nu``, in percent units), the
    convergence flag and the log-likelihood.
    """
    from arch import arch_model

    y = 100.0 * np.asarray(returns, dtype=float)
    model = arch_model(y, mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # arch's convergence warnings: reported in the result
        res = model.fit(disp="off", show_warning=False)
    p = res.params
    params = {
        "mu": float(p["mu"]),
        "omega": float(p["omega"]),
        "alpha": float(p["alpha[1]"]),
        "beta": float(p["beta[1]"]),
        "nu": float(p["nu"]),
    }
    return {
        "params": params,
        "converged": bool(res.convergence_flag == 0),
        "loglikelihood": float(res.loglikelihood),
        "variance": float(np.var(y)),
    }


def simulate_garch_t(
    params: dict,
    n_paths: int,
    n_obs: int,
    burn: int,
    rng: np.random.Generator,
    *,
    compiled: bool = True,
) -> np.ndarray:
    """Daily log returns (not percent) of ``n_paths`` GARCH(1,1)-t paths, shape (n_paths, n_obs).

    The standardised innovations are drawn up front:
    :math:`z = t_\\nu \\sqrt{(\\nu-2)/\\nu}` (unit variance, as arch's ``StudentsT``),
    then fed to :func:`riskcycle.inference._nb.garch_paths`, started at the
    unconditional variance :math:`\\omega/(1-\\alpha-\\beta)` (the sample variance
    when :math:`\\alpha+\\beta \\ge 1`) with ``burn`` values discarded.
    """
    from . import _nb_paths

    nu = params["nu"]
    pers = params["alpha"] + params["beta"]
    h0 = params["omega"] / (1 - pers) if pers < 1 else params.get("variance", 1.0)
    z = rng.standard_t(nu, size=(n_paths, n_obs + burn)) * np.sqrt((nu - 2) / nu)
    r = _nb_paths.garch_paths(
        z,
        params["mu"],
        params["omega"],
        params["alpha"],
        params["beta"],
        h0,
        burn,
        compiled=compiled,
    )
    return r / 100.0


def _garch_null_test_iv(horizon, statistic, alternative, n_resamples, burn, delay):
    horizon = C.check_horizon(horizon)
    kind, func, name = C.resolve_statistic(statistic)
    alternative = check_alternative(alternative)
    n_resamples = check_n_resamples(n_resamples)
    burn = check_int(burn, "burn", minimum=0, what="a non-negative integer")
    delay = check_timedelta(delay, "delay")
    return horizon, kind, func, name, alternative, n_resamples, burn, delay


def garch_null_test(
    follower: Any,
    events: Any,
    *,
    horizon: int,
    statistic: Any = "mean",
    alternative: str = "greater",
    n_resamples: int = 999,
    burn: int = 500,
    delay: Any = C.NO_DELAY,
    leader_clock: Any = None,
    follower_clock: Any = None,
    rng: Any = None,
) -> GarchNullResult:
    r"""Is the event statistic unusual for a GARCH(1,1)-t follower unrelated to the events?

    In the manner of Brock, Lakonishok & LeBaron (1992): fit a constant-mean
    GARCH(1,1) with Student-t innovations to the follower's daily log returns,
    simulate ``n_resamples`` paths of the same length, recompute the event
    statistic on each path (events at the same bars) and compare.

    Parameters
    ----------
    follower : Series or DataFrame
        The follower's daily prices.
    events : Events or sequence of dates
        Leader events (mapped to day 0 as in :func:`riskcycle.placebo_test`).
    horizon : int
        Forward window in calendar days.
    statistic : {"mean", "median"} or callable, default "mean"
        As in :func:`riskcycle.placebo_test`.
    alternative : {"greater", "less", "two-sided"}, default "greater"
    n_resamples : int, default 999
        Number of simulated paths.
    burn : int, default 500
        Simulated values discarded at the start of each path.
    delay, leader_clock, follower_clock
        As in :func:`riskcycle.placebo_test`.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    GarchNullResult

    Raises
    ------
    TypeError, ValueError
        Invalid arguments.

    Warns
    -----
    EventsExcludedWarning, IncompleteWindowWarning, SmallSampleWarning
        As in :func:`riskcycle.placebo_test`.
    DegenerateDataWarning
        A constant follower (no model can be fitted; NaN result).

    Notes
    -----
    Model (returns :math:`r_t` in percent):
    :math:`r_t = \mu + \varepsilon_t`, :math:`\varepsilon_t = \sigma_t z_t`,
    :math:`\sigma^2_t = \omega + \alpha\varepsilon^2_{t-1} + \beta\sigma^2_{t-1}`,
    :math:`z_t` standardised Student-t with :math:`\nu` degrees of freedom,
    estimated by maximum likelihood with arch. The parameters are held at their
    estimates (parameter uncertainty is not propagated). p-value
    :math:`(1 + \#\{T^* \ge T\})/(1 + B)` with Monte Carlo standard error
    :math:`\sqrt{p(1-p)/B}`.

    Unlike the placebo test, this null lets the whole path vary: it asks whether
    the event windows' returns are unusual for a process with the follower's
    volatility clustering, fat tails and *average* drift. A follower with a
    strong drift and a few explosive episodes can reject this null at almost any
    set of dates; the placebo test, which keeps the realised path, guards
    against that.

    The simulator (compiled, from pre-drawn innovations) is validated in the test
    suite against ``arch``'s own ``simulate`` (moments and distribution).

    References
    ----------
    Brock, W., Lakonishok, J. & LeBaron, B. (1992). Simple technical trading rules
    and the stochastic properties of stock returns. *Journal of Finance* 47(5),
    1731-1764. doi:10.1111/j.1540-6261.1992.tb04681.x

    Bollerslev, T. (1987). A conditionally heteroskedastic time series model for
    speculative prices and rates of return. *Review of Economics and Statistics*
    69(3), 542-547. doi:10.2307/1925546

    Examples
    --------
    >>> import riskcycle
    >>> rut = riskcycle.datasets.load("rut")
    >>> btc = riskcycle.datasets.load("btc", end="2026-01-22")
    >>> ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    >>> res = riskcycle.garch_null_test(btc, ev, horizon=365, n_resamples=199, rng=0)
    >>> 0 < res.pvalue <= 1
    True
    """
    horizon, kind, func, name, alternative, n_resamples, burn, delay = _garch_null_test_iv(
        horizon, statistic, alternative, n_resamples, burn, delay
    )
    gen = check_rng(rng)
    fd = C.follower_data(follower, follower_clock=follower_clock)
    win = C.windows(fd, horizon)
    ed = C.event_data(fd, win, events, delay=delay, leader_clock=leader_clock)
    C.warn_excluded(ed, fd, horizon)
    return garch_core(
        fd,
        win,
        ed,
        kind=kind,
        func=func,
        stat_name=name,
        alternative=alternative,
        n_resamples=n_resamples,
        burn=burn,
        rng=gen,
        warn=True,
    )


def garch_core(
    fd, win, ed, *, kind, func, stat_name, alternative, n_resamples, burn, rng, warn, fit=None
) -> GarchNullResult:
    """The test on prepared data (shared with :func:`riskcycle.assess_signal`)."""
    pos = ed.positions
    k = len(pos)
    h = win.horizon
    ends = win.end[pos]
    x = fd.returns
    ev_ret = win.fwd[pos]
    null_text = (
        f"the follower's daily log returns are a constant-mean GARCH(1,1) process with "
        f"Student-t innovations (fitted to the data), unrelated to the events: the "
        f"{stat_name} {h}-day log return after the {k} events is a typical value on "
        "paths from that model."
    )
    common = dict(
        alternative=alternative,
        null_hypothesis=null_text,
        burn=burn,
        horizon=h,
        n_events=k,
        event_dates=ed.dates,
        event_returns=ev_ret,
        n_obs=len(x),
        statistic_name=stat_name,
        follower_name=fd.name,
        settings={
            "horizon": h,
            "statistic": stat_name,
            "alternative": alternative,
            "n_resamples": n_resamples,
            "burn": burn,
        },
    )

    def nan_result(reason, category):
        if warn:
            warnings.warn(reason, category, stacklevel=4)
        return GarchNullResult(
            statistic=np.nan,
            pvalue=np.nan,
            pvalue_se=np.nan,
            null_distribution=np.empty(0),
            resampling="not run: " + reason,
            params={},
            persistence=np.nan,
            converged=False,
            loglikelihood=np.nan,
            expected_statistic=np.nan,
            min_attainable_pvalue=np.nan,
            n_resamples=0,
            notes=(reason,),
            **common,
        )

    if k == 0:
        return nan_result(
            f"no event has a complete {h}-day window: the GARCH null does not apply.",
            SmallSampleWarning,
        )
    if np.ptp(x) == 0:
        return nan_result(
            "the follower's returns are constant: no GARCH model can be fitted.",
            DegenerateDataWarning,
        )
    from . import _nb

    fit = fit_garch_t(x) if fit is None else fit
    params = dict(fit["params"])
    params_sim = {**params, "variance": fit["variance"]}
    if kind >= 0:
        observed = float(_nb.set_statistic(win.fwd, pos[None, :], kind)[0])
    else:
        observed = float(func(ev_ret[None, :])[0])
    null = np.empty(n_resamples)
    for lo in range(0, n_resamples, _CHUNK):
        hi = min(lo + _CHUNK, n_resamples)
        r = simulate_garch_t(params_sim, hi - lo, len(x), burn, rng)
        c = np.zeros((hi - lo, len(x) + 1))
        np.cumsum(r, axis=1, out=c[:, 1:])
        fw = np.ascontiguousarray(c[:, ends] - c[:, pos])
        if kind >= 0:
            # same arithmetic as the observed statistic (row-wise mean or median)
            null[lo:hi] = _nb.set_statistic(fw.ravel(), np.arange(fw.size).reshape(fw.shape), kind)
        else:
            null[lo:hi] = func(fw)
    p, se = C.resampling_pvalue(observed, null, alternative, exact=False, in_support=False)
    pers = params["alpha"] + params["beta"]
    notes = []
    if pers >= 1:
        notes.append(
            f"alpha + beta = {pers:.4f} >= 1: the fitted variance is not stationary; "
            "paths start at the sample variance."
        )
    return GarchNullResult(
        statistic=observed,
        pvalue=p,
        pvalue_se=se,
        null_distribution=null,
        resampling=(
            f"parametric: {n_resamples} paths of {len(x)} daily log returns simulated "
            f"from the fitted GARCH(1,1)-t (parameters at their estimates, {burn} "
            "burn-in values from the unconditional variance), events at the same bars."
        ),
        params=params,
        persistence=float(pers),
        converged=fit["converged"],
        loglikelihood=fit["loglikelihood"],
        expected_statistic=float(np.mean(params["mu"] / 100.0 * (ends - pos))),
        min_attainable_pvalue=C.min_pvalue(
            n_resamples, alternative, exact=False, in_support=False
        ),
        n_resamples=n_resamples,
        notes=tuple(notes),
        **common,
    )
