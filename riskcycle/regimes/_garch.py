r"""GARCH(1,1) and GJR-GARCH(1,1) with Student-t errors: per regime (arch) and with a
post-break shift in the variance intercept (own likelihood).

Returns are rescaled to percent (:math:`100 r_t`) before fitting, as arch
recommends; parameters are on that scale and the results record ``scale=100``.
Volatilities reported from them are converted back and annualised.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, signal, special, stats

from .._results import ResultMixin, Summary, package_versions
from .._validation import check_choice
from ..exceptions import SmallSampleWarning

__all__ = [
    "GARCH_MODELS",
    "SCALE",
    "VarianceShiftResult",
    "arch_backcast",
    "fit_arch",
    "garch_by_regime",
    "shift_loglikelihood",
    "variance_shift",
]

SCALE = 100.0
_INTEGRATED_TOL = 1e-6  # persistence within this of 1 is reported as integrated
GARCH_MODELS = {"garch": 0, "gjr": 1}
_ARCH_NAMES = {
    "mu": "mu",
    "omega": "omega",
    "alpha[1]": "alpha",
    "gamma[1]": "gamma",
    "beta[1]": "beta",
    "nu": "nu",
}


# ---------------------------------------------------------------------------
# per-regime fits with arch
# ---------------------------------------------------------------------------
def fit_arch(y_pct: np.ndarray, o: int) -> tuple[Any, str]:
    """Fit ``arch_model(y, mean="Constant", vol="GARCH", p=1, o=o, q=1, dist="t", rescale=False)``.

    Returns the arch result and a note ("" when it converged, else arch's message).
    Convergence warnings are recorded in the note rather than propagated.
    """
    from arch import arch_model

    model = arch_model(y_pct, mean="Constant", vol="GARCH", p=1, o=o, q=1, dist="t", rescale=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = model.fit(disp="off")
    note = ""
    if res.convergence_flag != 0:
        note = f"optimizer did not converge: {res.optimization_result.message}"
    elif caught:
        note = "; ".join(str(w.message).strip().splitlines()[0] for w in caught)
    return res, note


def _derived(
    omega: float, alpha: float, gamma: float, beta: float, ppy: float
) -> tuple[float, float, float, str]:
    """Persistence, half-life (bars), annualised unconditional volatility and a reason if NaN."""
    pers = alpha + 0.5 * gamma + beta
    if not (0.0 < pers < 1.0 - _INTEGRATED_TOL):
        return (
            pers,
            math.nan,
            math.nan,
            (
                f"persistence {pers:.6f} at the stationarity boundary (integrated GARCH): no "
                "finite unconditional variance or half-life"
            ),
        )
    half = math.log(0.5) / math.log(pers)
    uvol = math.sqrt(omega / (1.0 - pers) * ppy) / SCALE
    return pers, half, uvol, ""


FIT_COLUMNS = (
    "regime",
    "label",
    "model",
    "n_obs",
    "persistence",
    "half_life",
    "unconditional_volatility",
    "nu",
    "loglikelihood",
    "converged",
    "reason",
)
PARAM_COLUMNS = ("regime", "label", "model", "parameter", "estimate", "std_error")


def garch_by_regime(
    returns: pd.Series,
    labels: np.ndarray,
    names: list[str],
    periods_per_year: float,
    *,
    models: tuple[str, ...] = ("garch", "gjr"),
    min_obs: int = 250,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Fit each model to each regime's percent returns with arch.

    Returns
    -------
    params : DataFrame
        ``regime, label, model, parameter, estimate, std_error`` (arch's robust
        standard errors), on the percent scale.
    fits : DataFrame
        ``regime, label, model, n_obs, persistence, half_life, unconditional_volatility,
        nu, loglikelihood, converged, reason``; NaN rows with the reason for regimes
        shorter than ``min_obs``.
    conditional_volatility : DataFrame
        Annualised conditional volatility (decimal) per model, concatenated over regimes.
    """
    ppy = float(periods_per_year)
    y_all = returns.to_numpy() * SCALE
    prow, frow = [], []
    cvol = pd.DataFrame(np.nan, index=returns.index, columns=list(models))
    for k, label in enumerate(names):
        mask = labels == k
        n = int(mask.sum())
        for model in models:
            base = {"regime": k, "label": label, "model": model}
            if n < min_obs:
                warnings.warn(
                    f"regime {label} has {n} returns, fewer than min_garch_obs={min_obs}; its "
                    f"{model} fit is NaN.",
                    SmallSampleWarning,
                    stacklevel=3,
                )
                frow.append(_short_fit_row(base, n, min_obs))
                continue
            params, fit, cond_vol = _fit_regime(y_all[mask], GARCH_MODELS[model], base, ppy)
            prow += params
            frow.append(fit)
            cvol.loc[returns.index[mask], model] = cond_vol
    return (
        pd.DataFrame(prow, columns=list(PARAM_COLUMNS)),
        pd.DataFrame(frow, columns=list(FIT_COLUMNS)),
        cvol,
    )


def _short_fit_row(base: dict, n: int, min_obs: int) -> dict:
    return {
        **base,
        "n_obs": n,
        "persistence": math.nan,
        "half_life": math.nan,
        "unconditional_volatility": math.nan,
        "nu": math.nan,
        "loglikelihood": math.nan,
        "converged": False,
        "reason": f"too short to fit: {n} < min_garch_obs={min_obs}",
    }


def _fit_regime(y: np.ndarray, o: int, base: dict, ppy: float):
    """One regime's fit: parameter rows, the fit row and the annualised conditional volatility."""
    res, note = fit_arch(y, o)
    p, se = res.params, res.std_err
    params = [
        {
            **base,
            "parameter": _ARCH_NAMES.get(name, name),
            "estimate": float(p[name]),
            "std_error": float(se[name]),
        }
        for name in p.index
    ]
    gamma = float(p["gamma[1]"]) if o else 0.0
    pers, half, uvol, why = _derived(
        float(p["omega"]), float(p["alpha[1]"]), gamma, float(p["beta[1]"]), ppy
    )
    fit = {
        **base,
        "n_obs": len(y),
        "persistence": pers,
        "half_life": half,
        "unconditional_volatility": uvol,
        "nu": float(p["nu"]),
        "loglikelihood": float(res.loglikelihood),
        "converged": res.convergence_flag == 0,
        "reason": "; ".join(x for x in (note, why) if x),
    }
    return params, fit, np.asarray(res.conditional_volatility) * math.sqrt(ppy) / SCALE


# ---------------------------------------------------------------------------
# GARCH with a variance-intercept shift: own likelihood
# ---------------------------------------------------------------------------
def arch_backcast(y: np.ndarray) -> float:
    """arch's backcast of :math:`\\sigma^2_0`: exponentially weighted (0.94) mean of the
    first 75 squared residuals of the sample mean (arch's starting values)."""
    e = y - y.mean()
    tau = min(75, len(e))
    w = 0.94 ** np.arange(tau)
    w = w / w.sum()
    return float(np.sum(e[:tau] ** 2 * w))


def _unpack(
    theta: np.ndarray, k: int, o: int
) -> tuple[float, float, np.ndarray, float, float, float, float]:
    mu, omega = theta[0], theta[1]
    delta = theta[2 : 2 + k]
    alpha = theta[2 + k]
    gamma = theta[3 + k] if o else 0.0
    beta = theta[3 + k + o]
    nu = theta[4 + k + o]
    return mu, omega, delta, alpha, gamma, beta, nu


def shift_sigma2(
    theta: np.ndarray, y: np.ndarray, dummies: np.ndarray, o: int, backcast: float
) -> tuple[np.ndarray, np.ndarray]:
    r"""Residuals and conditional variances of the shifted model.

    :math:`\sigma^2_t = \omega + \sum_k \delta_k D_{kt} + \alpha e^2_{t-1}
    + \gamma e^2_{t-1} 1[e_{t-1}<0] + \beta \sigma^2_{t-1}`, started as arch does
    (:math:`e^2_{-1} = \sigma^2_{-1} =` backcast, the asymmetric term at half the
    backcast). The linear recursion runs in :func:`scipy.signal.lfilter`.
    """
    k = dummies.shape[1]
    mu, omega, delta, alpha, gamma, beta, _ = _unpack(theta, k, o)
    e = y - mu
    e2 = e * e
    x = omega + dummies @ delta if k else np.full(len(y), omega)
    x = np.array(x, dtype=float)
    x[0] += (alpha + 0.5 * gamma + beta) * backcast
    x[1:] += alpha * e2[:-1] + gamma * e2[:-1] * (e[:-1] < 0)
    return e, signal.lfilter([1.0], [1.0, -beta], x)


def shift_loglikelihood(
    theta: np.ndarray, y: np.ndarray, dummies: np.ndarray, o: int, backcast: float
) -> np.ndarray:
    """Per-observation Student-t log-likelihood (arch's standardised t parametrisation)."""
    k = dummies.shape[1]
    nu = theta[4 + k + o]
    e, s2 = shift_sigma2(theta, y, dummies, o, backcast)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (
            special.gammaln((nu + 1) / 2)
            - special.gammaln(nu / 2)
            - 0.5 * math.log(math.pi * (nu - 2))
        )
        ll = c - 0.5 * np.log(s2) - (nu + 1) / 2 * np.log1p(e * e / (s2 * (nu - 2)))
    return ll


def _numeric_scores(theta, f, h):
    """Central-difference Jacobian of the per-observation log-likelihood (n x p)."""
    cols = []
    for j in range(len(theta)):
        tp, tm = theta.copy(), theta.copy()
        tp[j] += h[j]
        tm[j] -= h[j]
        cols.append((f(tp) - f(tm)) / (2 * h[j]))
    return np.column_stack(cols)


def _robust_cov(theta: np.ndarray, f, h: np.ndarray) -> np.ndarray:
    """Sandwich covariance :math:`H^{-1} (S'S) H^{-1}` from numerical derivatives."""
    scores = _numeric_scores(theta, f, h)
    p = len(theta)
    hess = np.empty((p, p))
    for j in range(p):
        tp, tm = theta.copy(), theta.copy()
        tp[j] += h[j]
        tm[j] -= h[j]
        gp = _numeric_scores(tp, f, h).sum(axis=0)
        gm = _numeric_scores(tm, f, h).sum(axis=0)
        hess[:, j] = (gp - gm) / (2 * h[j])
    hess = 0.5 * (hess + hess.T)
    try:
        hinv = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return np.full((p, p), np.nan)
    return hinv @ (scores.T @ scores) @ hinv


@dataclass(frozen=True, slots=True, kw_only=True)
class VarianceShiftResult(ResultMixin):
    """Full-sample GARCH-t with a shift of the variance intercept after each break.

    Attributes
    ----------
    statistic : float
        Likelihood-ratio statistic :math:`2(\\ell_1 - \\ell_0)`.
    pvalue : float
        :math:`\\chi^2` p-value with ``df`` = number of breaks.
    params : pandas.DataFrame
        ``estimate``, ``std_error`` (robust sandwich), ``t_stat`` by parameter
        (``mu, omega, delta_1.., alpha, [gamma], beta, nu``; percent scale).
    regimes : pandas.DataFrame
        Per regime: ``omega`` (intercept incl. shift), ``unconditional_volatility``
        (annualised decimal), ``persistence``, ``half_life`` (bars).
    conditional_volatility : pandas.Series
        Annualised conditional volatility (decimal) of the shifted model.
    """

    statistic: float
    pvalue: float
    df: int
    params: pd.DataFrame
    restricted_params: pd.Series
    loglikelihood: float
    loglikelihood_restricted: float
    regimes: pd.DataFrame
    conditional_volatility: pd.Series = field(repr=False)
    model: str
    breaks: pd.DatetimeIndex
    scale: float
    converged: bool
    message: str
    null_hypothesis: str
    method: str
    notes: tuple[str, ...]
    versions: dict[str, str] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"VarianceShiftResult(model={self.model!r}, statistic={self.statistic:.4g}, "
            f"pvalue={self.pvalue:.4g}, df={self.df})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Tidy rows ``quantity, value`` for the test and every parameter."""
        rows = [
            ("lr_statistic", self.statistic),
            ("pvalue", self.pvalue),
            ("df", self.df),
            ("loglikelihood", self.loglikelihood),
            ("loglikelihood_restricted", self.loglikelihood_restricted),
        ]
        for name, r in self.params.iterrows():
            rows += [(f"{name}", r["estimate"]), (f"{name}_std_error", r["std_error"])]
        return pd.DataFrame(rows, columns=["quantity", "value"]).astype({"value": float})

    def _summary(self) -> Summary:
        test = pd.DataFrame(
            {
                "value": [
                    self.statistic,
                    float(self.df),
                    self.pvalue,
                    self.loglikelihood,
                    self.loglikelihood_restricted,
                ]
            },
            index=pd.Index(
                ["LR statistic", "df", "p-value", "loglik (shift)", "loglik (no shift)"], name=""
            ),
        )
        return Summary(
            f"{self.model.upper()}(1,1)-t with a variance-intercept shift",
            tables=(
                ("Likelihood-ratio test", test),
                ("Parameters (percent returns)", self.params),
                ("Implied by regime", self.regimes.set_index("label")),
            ),
            notes=(self.null_hypothesis, self.method, *self.notes)
            + (() if self.converged else (f"Optimizer: {self.message}",)),
        )


def variance_shift(
    returns: pd.Series,
    labels: np.ndarray,
    names: list[str],
    breaks: pd.DatetimeIndex,
    periods_per_year: float,
    *,
    model: str = "garch",
    std_errors: bool = True,
) -> VarianceShiftResult:
    r"""Fit the shifted model by maximum likelihood and test the shifts by likelihood ratio.

    The restricted model (no shift) is fitted with arch (same specification as
    :func:`fit_arch`); the unrestricted one maximises :func:`shift_loglikelihood`
    with SLSQP under arch's constraints (:math:`\omega_k > 0`, :math:`\alpha \ge 0`,
    :math:`\alpha + \gamma \ge 0`, :math:`\beta \ge 0`,
    :math:`\alpha + \gamma/2 + \beta < 1`, :math:`2.05 < \nu < 500`), starting from
    arch's estimates with zero shifts and from regime-variance targets; the better
    optimum is kept. At zero shifts the likelihood equals arch's (tested to 1e-9).
    """
    model = check_choice(model, "shift_model", tuple(GARCH_MODELS))
    o = GARCH_MODELS[model]
    ppy = float(periods_per_year)
    y = returns.to_numpy() * SCALE
    k = len(breaks)
    dummies = (labels[:, None] >= np.arange(1, k + 1)[None, :]).astype(float)
    # dummy k is 1 from break k on; delta_k is the change of the intercept at break k
    bc = arch_backcast(y)
    res0, note0 = fit_arch(y, o)
    p0 = res0.params
    ll0 = float(res0.loglikelihood)
    gamma0 = [float(p0["gamma[1]"])] if o else []
    base = np.array(
        [
            float(p0["mu"]),
            float(p0["omega"]),
            *([0.0] * k),
            float(p0["alpha[1]"]),
            *gamma0,
            float(p0["beta[1]"]),
            float(p0["nu"]),
        ]
    )

    def f(theta):
        return shift_loglikelihood(theta, y, dummies, o, bc)

    best, message, ok = _maximise_shift(f, base, y, labels, k, o)
    ll1 = float(f(best).sum())
    lr = max(2.0 * (ll1 - ll0), 0.0)
    se = np.full(len(best), np.nan)
    if std_errors:
        h = 1e-5 * np.maximum(np.abs(best), 1e-2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            cov = _robust_cov(best, f, h)
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    rrows = _shift_regimes(best, names, k, o, ppy)
    _, s2 = shift_sigma2(best, y, dummies, o, bc)
    null, method, notes = _shift_texts(model, k, note0, boundary=bool(rrows[0]["reason"]))
    return VarianceShiftResult(
        statistic=lr,
        pvalue=float(stats.chi2.sf(lr, k)),
        df=k,
        params=_shift_params(best, se, k, o),
        restricted_params=p0.rename(index=_ARCH_NAMES).astype(float),
        loglikelihood=max(ll1, ll0),
        loglikelihood_restricted=ll0,
        regimes=pd.DataFrame(rrows),
        conditional_volatility=pd.Series(
            np.sqrt(s2 * ppy) / SCALE, index=returns.index, name="variance_shift"
        ),
        model=model,
        breaks=breaks,
        scale=SCALE,
        converged=ok,
        message=message,
        null_hypothesis=null,
        method=method,
        notes=notes,
        versions=package_versions(),
    )


def _maximise_shift(f, base, y, labels, k, o):
    """SLSQP from arch's optimum and from regime-variance targets; the better optimum."""

    def objective(theta):
        val = -f(theta).sum() / len(y)
        return val if np.isfinite(val) else 1e10

    v = float(np.mean((y - y.mean()) ** 2))
    lo_om = 1e-8 * v
    bounds = [(None, None), (lo_om, 10 * v)] + [(-10 * v, 10 * v)] * k + [(0.0, 1.0)]
    bounds += [(-1.0, 2.0)] * o + [(0.0, 1.0), (2.05, 500.0)]
    ia, ig, ib = 2 + k, 3 + k, 3 + k + o
    cons = [{"type": "ineq", "fun": lambda t, j=j: t[1] + t[2 + j] - lo_om} for j in range(k)]
    cons.append(
        {"type": "ineq", "fun": lambda t: 1.0 - t[ia] - (0.5 * t[ig] if o else 0.0) - t[ib]}
    )
    if o:
        cons.append({"type": "ineq", "fun": lambda t: t[ia] + t[ig]})
    # second start: intercepts matching each regime's sample variance at arch's persistence
    pers0 = base[ia] + (0.5 * base[ig] if o else 0.0) + base[ib]
    om = np.array([np.var(y[labels == j]) * (1 - pers0) for j in range(k + 1)])
    alt = base.copy()
    alt[1] = max(om[0], 2 * lo_om)
    alt[2 : 2 + k] = np.maximum(om[1:], 2 * lo_om) - alt[1]
    best, best_val, message, ok = base, objective(base), "started at the restricted optimum", True
    for start in (base, alt):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            opt = optimize.minimize(
                objective,
                start,
                method="SLSQP",
                bounds=bounds,
                constraints=cons,
                options={"ftol": 1e-12, "maxiter": 2000},
            )
        if opt.fun < best_val:
            best, best_val, message, ok = opt.x, opt.fun, str(opt.message), bool(opt.success)
    return best, message, ok


def _shift_params(best, se, k, o) -> pd.DataFrame:
    pnames = [
        "mu",
        "omega",
        *[f"delta_{j + 1}" for j in range(k)],
        "alpha",
        *(["gamma"] if o else []),
        "beta",
        "nu",
    ]
    params = pd.DataFrame(
        {"estimate": best, "std_error": se}, index=pd.Index(pnames, name="parameter")
    )
    params["t_stat"] = params["estimate"] / params["std_error"]
    return params


def _shift_regimes(best, names, k, o, ppy) -> list[dict]:
    """Each regime's intercept, unconditional volatility, persistence and half-life."""
    _, omega, delta, alpha, gamma, beta, _ = _unpack(best, k, o)
    rrows = []
    for j, label in enumerate(names):
        om_j = omega + (delta[:j].sum() if j else 0.0)
        pers, half, uvol, why = _derived(om_j, alpha, gamma, beta, ppy)
        rrows.append(
            {
                "regime": j,
                "label": label,
                "omega": om_j,
                "unconditional_volatility": uvol,
                "persistence": pers,
                "half_life": half,
                "reason": why,
            }
        )
    return rrows


def _shift_texts(model: str, k: int, note0: str, *, boundary: bool):
    """Null hypothesis, method and notes of the variance-shift test."""
    null = (
        "The GARCH variance intercept is the same in every regime (all delta_k = 0), in a "
        f"{model.upper()}(1,1) model with Student-t errors fitted to the full sample."
    )
    method = (
        "Own maximum likelihood (scipy SLSQP) of the shifted model; restricted model "
        "fitted by arch.arch_model (same likelihood, same backcast); LR statistic "
        f"chi-squared with {k} df. Percent returns (scale 100). Robust (sandwich) standard "
        "errors from numerical derivatives. Assumes the t-GARCH model is correctly "
        "specified."
    )
    if note0:
        method += f" Restricted fit: {note0}."
    notes = []
    if boundary:
        notes.append(
            "The fitted persistence is at the stationarity boundary (integrated GARCH): the "
            "intercept shift then moves the drift of the variance, not its unconditional level, "
            "so delta is not a measure of the volatility change. Near-integrated GARCH is itself "
            "a known symptom of unmodelled variance breaks (Lamoureux & Lastrapes 1990); compare "
            "the per-regime fits and the bootstrap ratio."
        )
    return null, method, tuple(notes)
