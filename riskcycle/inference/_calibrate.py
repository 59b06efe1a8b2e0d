r"""Calibration of few-event tests on the follower's own history.

A test's nominal p-value is only as good as its size. :func:`calibrate` measures
the size of a test where it is used: it draws many random event sets on the
follower's real path with the events' structure (count, minimum spacing and mix
of eras), runs the test on each, and reports

* the test's empirical size at ``alpha`` (share of random sets with
  :math:`p \le \alpha`), with its Clopper-Pearson interval, and
* the calibrated p-value: the share of random sets whose p-value is at least as
  small as the observed one, :math:`(1 + \#\{p_j \le p\})/(1 + N)`.

The calibrated p-value is itself a randomisation test: its null hypothesis is
that the event dates are exchangeable with random dates of the same structure on
this path, and it is exactly valid under that null whatever the nominal test
assumes (Dufour 2006), because the nominal p-value is used only as a statistic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .._options import SettingsMapping
from .._results import ConfidenceInterval, ResultMixin, Summary, package_versions
from .._rng import RNGLike, check_rng
from .._typing import (
    AxesLike,
    ClockLike,
    DatesLike,
    DelayLike,
    EventsLike,
    PricesLike,
    StatisticLike,
)
from .._validation import (
    check_alternative,
    check_choice,
    check_float,
    check_int,
    check_n_resamples,
    check_timedelta,
)
from ..exceptions import DegenerateDataWarning, SmallSampleWarning
from . import _common as C

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["CalibrationResult", "calibrate"]

TESTS = ("placebo", "placebo_halving_matched", "placebo_era", "hit_count", "garch_null")
_MAX_SETS = 1_000_000
_MAX_PROPOSALS = 50_000_000


# ---------------------------------------------------------------------------
# result
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationResult(ResultMixin):
    """Size and calibrated p-value of a test on the follower's own history.

    Attributes
    ----------
    test : str
        The test calibrated.
    pvalue : float
        Its nominal p-value for the real events (computed as for every random set).
    pvalue_calibrated : float
        :math:`(1 + \\#\\{p_j \\le p\\})/(1 + N)` over the ``N`` random sets.
    pvalue_calibrated_se : float
        Monte Carlo standard error :math:`\\sqrt{p_c(1 - p_c)/N}`.
    alpha : float
    size : float
        Share of random sets with :math:`p_j \\le \\alpha` (the test's size here).
    size_confidence_interval : ConfidenceInterval
        Clopper-Pearson 95% interval of ``size``.
    size_within_band : bool
        Whether a two-sided exact binomial test of ``size == alpha`` does not
        reject at the 1% level (the size is within the 99% binomial band).
    null_pvalues : ndarray
        The nominal p-value of every random set (NaN where the test did not apply).
    calibration_sets : ndarray of datetime64, shape (N, k)
        Day-0 dates of the random sets.
    n_sets, n_events, min_spacing : int
    era_mix : dict
        Events per era (the structure every random set has).
    eras : str
        Description of the eras.
    null_hypothesis, resampling : str
    """

    test: str
    pvalue: float
    pvalue_calibrated: float
    pvalue_calibrated_se: float
    alpha: float
    size: float
    size_confidence_interval: ConfidenceInterval
    size_within_band: bool
    null_pvalues: np.ndarray
    calibration_sets: np.ndarray
    n_sets: int
    n_events: int
    min_spacing: int
    era_mix: dict
    eras: str
    horizon: int
    null_hypothesis: str
    resampling: str
    follower_name: str = "follower"
    notes: tuple[str, ...] = ()
    settings: Mapping = field(default_factory=dict)
    versions: dict = field(default_factory=package_versions)

    @property
    def n_valid(self) -> int:
        """Random sets on which the test returned a p-value."""
        return int(np.isfinite(self.null_pvalues).sum())

    def __repr__(self) -> str:
        return (
            f"CalibrationResult(test={self.test!r}, pvalue={self.pvalue:.4g}, "
            f"pvalue_calibrated={self.pvalue_calibrated:.4g}, size={self.size:.3g}, "
            f"n_sets={self.n_sets})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row: nominal and calibrated p-values, the size at ``alpha`` and its interval."""
        lo, hi = self.size_confidence_interval
        return pd.DataFrame(
            [
                {
                    "test": self.test,
                    "horizon": self.horizon,
                    "n_events": self.n_events,
                    "pvalue": self.pvalue,
                    "pvalue_calibrated": self.pvalue_calibrated,
                    "pvalue_calibrated_se": self.pvalue_calibrated_se,
                    "alpha": self.alpha,
                    "size": self.size,
                    "size_ci_low": lo,
                    "size_ci_high": hi,
                    "size_within_band": self.size_within_band,
                    "n_sets": self.n_sets,
                    "n_valid": self.n_valid,
                    "min_spacing": self.min_spacing,
                    "eras": self.eras,
                    "null_hypothesis": self.null_hypothesis,
                    "resampling": self.resampling,
                }
            ]
        )

    def _summary(self) -> Summary:
        head = self.to_frame().drop(columns=["null_hypothesis", "resampling"]).T
        head.columns = ["value"]
        mix = ", ".join(f"{v} in {k}" for k, v in self.era_mix.items())
        lo, hi = self.size_confidence_interval
        band = "within" if self.size_within_band else "outside"
        notes = (
            f"Null hypothesis of the calibrated p-value: {self.null_hypothesis}",
            f"Random sets: {self.resampling}",
            f"Structure kept: {self.n_events} events, at least {self.min_spacing} days "
            f"apart, {mix}.",
            f"Size at {self.alpha:g} on this path: {self.size:.3f} (95% interval "
            f"{lo:.3f} to {hi:.3f}, {self.n_valid} sets), {band} the 99% binomial band "
            f"of {self.alpha:g}.",
            *self.notes,
        )
        return Summary(
            title=f"Calibration of the {self.test} test, {self.follower_name}, "
            f"{self.horizon}-day horizon",
            tables=(("Calibration", head),),
            notes=notes,
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """Empirical distribution of the random sets' p-values against the uniform.

        Returns the matplotlib Figure.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(5.5, 4))
        else:
            fig = ax.figure
        p = np.sort(self.null_pvalues[np.isfinite(self.null_pvalues)])
        if p.size:
            ax.step(p, np.arange(1, p.size + 1) / p.size, where="post", label="random sets")
        ax.plot([0, 1], [0, 1], color="0.5", lw=0.8, ls="--", label="exact size (uniform)")
        ax.axvline(self.alpha, color="C3", lw=0.8, label=f"alpha = {self.alpha:g}")
        if np.isfinite(self.pvalue):
            ax.axvline(self.pvalue, color="k", lw=1.2, label=f"observed p = {self.pvalue:.3g}")
        ax.set_xlabel("nominal p-value (probability)")
        ax.set_ylabel("share of random event sets with p at most x")
        ax.set_title(
            f"{self.test}: size {self.size:.3f} at {self.alpha:g}, "
            f"calibrated p = {self.pvalue_calibrated:.3g}",
            fontsize=9,
        )
        ax.legend(fontsize=7, loc="lower right")
        return fig


# ---------------------------------------------------------------------------
# random sets with the events' structure
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Design:
    """Eligible candidates and the sampler of random sets with the events' structure."""

    cand: np.ndarray  # bar positions of the eligible day-0 bars
    nxt: np.ndarray
    table: np.ndarray
    log_count: float
    spacing: int
    eras: C.Eras
    seq: np.ndarray  # sorted era labels of the events

    @property
    def k(self) -> int:
        return len(self.seq)

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` random sets (bar positions, ascending), exactly uniform over the admissible."""
        from . import _nb

        u = rng.random((n, self.k))
        return self.cand[_nb.spaced_sample(self.table, self.nxt, u)]

    def era_mix(self) -> dict:
        counts = np.bincount(self.seq, minlength=len(self.eras.breaks) + 1)
        return {nm: int(c) for nm, c in zip(self.eras.names(), counts, strict=True) if c}


def design(
    fd: C.FollowerData,
    win: C.Windows,
    pos: np.ndarray,
    *,
    spacing: int,
    eras: C.Eras,
    mask: np.ndarray | None = None,
) -> Design:
    """The admissible random sets: eligible bars, pairwise ``spacing`` apart, same era mix."""
    from . import _nb

    ok = win.complete if mask is None else (win.complete & mask)
    cand = np.flatnonzero(ok)
    tday = fd.day[cand]
    nxt = np.searchsorted(tday, tday + spacing, side="left").astype(np.int64)
    seq = np.sort(eras.label[pos]).astype(np.int64)
    table, log_count = _nb.strata_tables(nxt, eras.label[cand], seq)
    return Design(cand, nxt, table, float(log_count), int(spacing), eras, seq)


# ---------------------------------------------------------------------------
# nominal p-values of many sets at once
# ---------------------------------------------------------------------------
def pvalues_against(
    observed: np.ndarray, null: np.ndarray, alternative: str, *, exact: bool
) -> np.ndarray:
    """Resampling p-values of many statistics against one null distribution.

    The same rule as :func:`riskcycle.inference._common.resampling_pvalue` (ties
    within a relative 1e-12; exact: share of the enumerated family; Monte Carlo:
    :math:`(1 + b)/(1 + m)`), vectorised with a sorted null.
    """
    null = np.sort(np.asarray(null, dtype=float)[np.isfinite(null)])
    obs = np.asarray(observed, dtype=float)
    m = null.size
    gamma = np.abs(obs) * 1e-12
    ge = m - np.searchsorted(null, obs - gamma, side="left")
    le = np.searchsorted(null, obs + gamma, side="right")
    if exact:
        pg, pl = ge / m, le / m
    else:
        pg, pl = (1 + ge) / (1 + m), (1 + le) / (1 + m)
    p = pg if alternative == "greater" else pl if alternative == "less" else None
    if p is None:
        p = np.minimum(1.0, 2 * np.minimum(pg, pl))
    return np.where(np.isfinite(obs), p, np.nan)


def set_statistics(win: C.Windows, sets: np.ndarray, kind: int, func: Callable) -> np.ndarray:
    from . import _nb

    if kind >= 0:
        return _nb.set_statistic(win.fwd, np.ascontiguousarray(sets, dtype=np.int64), kind)
    return np.asarray(func(win.fwd[sets]), dtype=float)


#: sets per random stream of the halving-matched test (fixed, so that its p-values do not
#: depend on the number of threads)
MATCHED_BLOCK = 16


def _matched_pvalue(
    win, t_all, cand, tday, values, row, *, window, cycles, spacing, kind, func, alt, n_draws, rng
) -> float:
    """Nominal halving-matched placebo p-value of one set (Monte Carlo, ``n_draws`` tuples)."""
    from . import _nb

    pool, off, _ = C.halving_pools_from_times(t_all[cand], t_all[row], window, cycles)
    if (np.diff(off) == 0).any():
        return np.nan
    k = len(row)
    out = np.empty((n_draws, k), dtype=np.int64)
    filled, proposals = 0, 0
    while filled < n_draws:
        u = rng.random((max(1024, 2 * (n_draws - filled)), k))
        filled, used = _nb.matched_sample(pool, off, tday, spacing, u, out, filled)
        proposals += used
        if proposals > _MAX_PROPOSALS and filled < n_draws:
            return np.nan
    if kind >= 0:
        null = _nb.set_statistic(values, out, kind)
    else:
        null = np.asarray(func(values[out]), dtype=float)
    t = set_statistics(win, row[None, :], kind, func)
    return float(pvalues_against(t, null, alt, exact=False)[0])


def matched_pvalues(sets: np.ndarray, rng: np.random.Generator, one, *, n_jobs: int) -> np.ndarray:
    """``one(row, generator)`` for every set, in blocks of :data:`MATCHED_BLOCK` sets.

    Block ``b`` draws from the ``b``-th stream of
    :func:`riskcycle.inference._parallel.chunk_streams` (the children of ``rng``), so
    the p-values are the same on any number of threads; the blocks run on ``n_jobs``
    threads (the kernels release the GIL).
    """
    from . import _parallel

    n = len(sets)
    n_blocks = -(-n // MATCHED_BLOCK)
    makers = _parallel.chunk_streams(rng, n_blocks)
    out = np.empty(n)

    def block(b: int) -> None:
        gen = makers[b]()
        for i in range(b * MATCHED_BLOCK, min(n, (b + 1) * MATCHED_BLOCK)):
            out[i] = one(sets[i], gen)

    _parallel.run_chunks(block, n_blocks, n_jobs)
    return out


@dataclass(frozen=True, slots=True)
class NominalTest:
    """How one test computes the nominal p-values of many sets (internal)."""

    name: str
    pvalues: Callable[[np.ndarray], np.ndarray]
    null_hypothesis: str
    #: tie-breaker among equal p-values (larger = more extreme), e.g. the statistic
    score: Callable[[np.ndarray], np.ndarray] | None = None


def _score(win, kind, func, alternative) -> Callable | None:
    """The statistic in the direction of the alternative (ties at the p-value floor)."""
    if alternative == "two-sided":
        return None
    sign = 1.0 if alternative == "greater" else -1.0
    return lambda sets: sign * set_statistics(win, sets, kind, func)


def placebo_spec(
    fd, win, *, spacing, eras, kind, func, alternative, n_resamples, rng, null=None, exact=False
) -> NominalTest:
    """Plain (``eras.rule == 'none'``) or era-stratified placebo; ``null`` reused if given."""
    given = null

    def pvalues(sets: np.ndarray) -> np.ndarray:
        t = set_statistics(win, sets, kind, func)
        if given is not None:
            return pvalues_against(t, given, alternative, exact=exact)
        # the placebo's own null, drawn once per era mix (uniform spaced sets with that
        # mix; every set of one calibration has the same mix)
        out = np.empty(len(sets))
        mixes = [tuple(np.sort(eras.label[row])) for row in sets]
        for mix in dict.fromkeys(mixes):
            rows = [i for i, m in enumerate(mixes) if m == mix]
            if mix not in cache:
                d = design(fd, win, sets[rows[0]], spacing=spacing, eras=eras)
                cache[mix] = set_statistics(win, d.draw(n_resamples, rng), kind, func)
            out[rows] = pvalues_against(t[rows], cache[mix], alternative, exact=exact)
        return out

    cache: dict = {}

    name = "placebo" if eras.rule == "none" else "placebo_era"
    return NominalTest(name, pvalues, "", _score(win, kind, func, alternative))


def matched_spec(
    fd, win, *, spacing, window, cycles, kind, func, alternative, n_resamples, rng, n_jobs=1
) -> NominalTest:
    """Halving-matched placebo: each set's own Monte Carlo null (see :func:`matched_pvalues`)."""
    cand = np.flatnonzero(win.complete)
    tday = fd.day[cand]
    values = win.fwd[cand]
    t_all = C.CRYPTO_UTC.information_times(fd.index).asi8
    if (np.searchsorted(C._anchors_ns(), t_all[cand], side="right") == 0).any():
        raise ValueError(
            "halving matching needs a follower that starts after the genesis block (2009-01-03)."
        )

    def one(row: np.ndarray, gen: np.random.Generator) -> float:
        return _matched_pvalue(
            win,
            t_all,
            cand,
            tday,
            values,
            row,
            window=window,
            cycles=cycles,
            spacing=spacing,
            kind=kind,
            func=func,
            alt=alternative,
            n_draws=n_resamples,
            rng=gen,
        )

    def pvalues(sets: np.ndarray) -> np.ndarray:
        return matched_pvalues(sets, rng, one, n_jobs=n_jobs)

    return NominalTest(
        "placebo_halving_matched", pvalues, "", _score(win, kind, func, alternative)
    )


def garch_spec(
    fd: C.FollowerData,
    win: C.Windows,
    *,
    kind: int,
    func: Callable,
    alternative: str,
    n_paths: int,
    burn: int,
    rng: np.random.Generator,
    fit: dict | None = None,
) -> NominalTest:
    """GARCH(1,1)-t null (:func:`riskcycle.garch_null_test`) with paths shared by all sets.

    ``fit``: a fit already made on the same returns (``{"params": ...}``, as
    :func:`riskcycle.inference._garch_null.fit_garch_t` returns), so it is not made twice.

    The paths are simulated once, on the first call, from the fit to the whole follower
    (drift at the sample mean, started at the sample variance); each set's p-value
    compares its statistic on the real path with the same statistic at its own bars on
    every simulated path.
    """
    from ._garch_null import fit_garch_t, null_parameters, simulate_garch_t

    cache: dict = {}

    def paths() -> np.ndarray:
        if "c" not in cache:
            x = fd.returns
            params = null_parameters(fit_garch_t(x) if fit is None else fit, x)
            if params["at_boundary"]:
                import warnings

                from ..exceptions import ModelBoundaryWarning

                warnings.warn(
                    f"the GARCH(1,1)-t fit of {fd.name} sits on the unit-persistence "
                    f"boundary (alpha + beta = {params['persistence']:.13f}): simulated "
                    "paths start at the sample variance.",
                    ModelBoundaryWarning,
                    stacklevel=5,
                )
            r = simulate_garch_t(params, n_paths, len(x), burn, rng, h0=params["variance"])
            c = np.zeros((n_paths, len(x) + 1))
            np.cumsum(r, axis=1, out=c[:, 1:])
            cache["c"] = c
        return cache["c"]

    def pvalues(sets: np.ndarray) -> np.ndarray:
        c = paths()
        t_obs = set_statistics(win, sets, kind, func)
        out = np.empty(len(sets))
        for lo in range(0, len(sets), 256):
            part = sets[lo : lo + 256]
            fw = c[:, win.end[part]] - c[:, part]  # (paths, sets, k)
            t_sim = (
                fw.mean(axis=-1)
                if kind == 0
                else np.asarray(
                    np.median(fw, axis=-1)
                    if kind == 1
                    else func(fw.reshape(-1, fw.shape[-1])).reshape(fw.shape[:2]),
                    dtype=float,
                )
            )
            for j in range(len(part)):
                out[lo + j] = pvalues_against(
                    t_obs[lo + j : lo + j + 1], t_sim[:, j], alternative, exact=False
                )[0]
        return out

    return NominalTest("garch_null", pvalues, "", _score(win, kind, func, alternative))


def hit_count_spec(
    win: C.Windows, *, threshold: float, alternative: str = "greater"
) -> NominalTest:
    """Exact binomial test of the hit count at the base rate of all eligible days.

    "greater": at least as many hits; "less": at most as many; "two-sided": twice the
    smaller one-sided p-value, at most 1.
    """
    log_thr = math.log1p(threshold)
    fwd = win.fwd[win.complete]
    base = float(np.mean(fwd > log_thr)) if fwd.size else np.nan

    def pvalues(sets: np.ndarray) -> np.ndarray:
        hits = (win.fwd[sets] > log_thr).sum(axis=1)
        k = sets.shape[1]
        upper = stats.binom.sf(hits - 1, k, base)
        if alternative == "greater":
            return upper
        lower = stats.binom.cdf(hits, k, base)
        return lower if alternative == "less" else np.minimum(1.0, 2 * np.minimum(upper, lower))

    return NominalTest("hit_count", pvalues, "")


# ---------------------------------------------------------------------------
# the calibration itself
# ---------------------------------------------------------------------------
def calibrated_pvalue(
    p_obs: float,
    null_p: np.ndarray,
    s_obs: float | None = None,
    null_s: np.ndarray | None = None,
) -> tuple[float, float]:
    """:math:`(1 + \\#\\{j: p_j \\preceq p\\})/(1 + N)` and its Monte Carlo standard error.

    :math:`p_j \\preceq p` when :math:`p_j < p`, or :math:`p_j = p` (relative 1e-12)
    and, when scores are given, :math:`s_j \\ge s` (the statistic breaks ties among
    equal p-values, e.g. many sets at the smallest attainable p-value).
    """
    ok = np.isfinite(null_p)
    v = null_p[ok]
    if not np.isfinite(p_obs) or v.size == 0:
        return np.nan, np.nan
    tol = abs(p_obs) * 1e-12
    below = v < p_obs - tol
    tied = np.abs(v - p_obs) <= tol
    if null_s is not None and s_obs is not None and np.isfinite(s_obs):
        sv = np.asarray(null_s, dtype=float)[ok]
        tied &= sv >= s_obs - abs(s_obs) * 1e-12
    pc = (1 + np.count_nonzero(below | tied)) / (1 + v.size)
    return float(pc), float(math.sqrt(pc * (1 - pc) / v.size))


def size_at(null_p: np.ndarray, alpha: float) -> tuple[float, ConfidenceInterval, bool]:
    v = null_p[np.isfinite(null_p)]
    if v.size == 0:
        return np.nan, ConfidenceInterval(np.nan, np.nan), False
    x = int(np.count_nonzero(v <= alpha))
    bt = stats.binomtest(x, v.size, alpha)
    ci = bt.proportion_ci(0.95, method="exact")
    return x / v.size, ConfidenceInterval(float(ci.low), float(ci.high)), bool(bt.pvalue >= 0.01)


def _null_text(k: int, spacing: int, eras: C.Eras, name: str) -> str:
    return (
        f"the {k} event dates are exchangeable with random sets of {k} eligible dates of "
        f"the follower's own history, at least {spacing} days apart"
        + (f", with the same mix of {eras.describe()}" if eras.rule != "none" else "")
        + f"; the {name} test's p-value is used as the statistic."
    )


def _not_run(structure: dict, k: int, reason: str) -> CalibrationResult:
    """The NaN result of a calibration that cannot run (no event or no admissible set)."""
    import warnings

    warnings.warn(
        f"calibration of {structure['test']} not run: {reason}.",
        SmallSampleWarning if k == 0 else DegenerateDataWarning,
        stacklevel=4,
    )
    return CalibrationResult(
        **structure,
        pvalue=np.nan,
        pvalue_calibrated=np.nan,
        pvalue_calibrated_se=np.nan,
        size=np.nan,
        size_confidence_interval=ConfidenceInterval(np.nan, np.nan),
        size_within_band=False,
        null_pvalues=np.empty(0),
        calibration_sets=np.empty((0, k), dtype="datetime64[ns]"),
        n_sets=0,
        resampling="not run: " + reason,
        notes=(reason,),
    )


def calibrate_core(
    fd: C.FollowerData,
    win: C.Windows,
    pos: np.ndarray,
    spec: NominalTest,
    *,
    spacing: int,
    eras: C.Eras,
    alpha: float,
    n_sets: int,
    rng: np.random.Generator,
    p_observed: float | None = None,
    settings: CalibrateOptions | None = None,
) -> CalibrationResult:
    """Calibrate a prepared test (shared with :func:`riskcycle.assess_signal`)."""
    k = len(pos)
    d = design(fd, win, pos, spacing=spacing, eras=eras)
    # what every result of this calibration states, run or not
    structure = dict(
        test=spec.name,
        alpha=alpha,
        n_events=k,
        min_spacing=spacing,
        era_mix=d.era_mix(),
        eras=eras.describe(),
        horizon=win.horizon,
        null_hypothesis=_null_text(k, spacing, eras, spec.name),
        follower_name=fd.name,
        settings=settings or {},
    )
    if k == 0 or not np.isfinite(d.log_count):
        reason = "no usable event" if k == 0 else "no admissible random set with this structure"
        return _not_run(structure, k, reason)
    resampling = (
        f"{n_sets} sets drawn exactly uniformly from the {math.exp(d.log_count):.4g} "
        f"admissible sets (sequential inversion of the counts), the test rerun on each."
    )
    sets = d.draw(n_sets, rng)
    null_p = np.asarray(spec.pvalues(sets), dtype=float)
    obs = np.asarray(pos, dtype=np.int64)[None, :]
    if p_observed is None:
        p_observed = float(spec.pvalues(obs)[0])
    if spec.score is not None:
        pc, se = calibrated_pvalue(p_observed, null_p, float(spec.score(obs)[0]), spec.score(sets))
    else:
        pc, se = calibrated_pvalue(p_observed, null_p)
    size, ci, within = size_at(null_p, alpha)
    n_nan = int((~np.isfinite(null_p)).sum())
    notes = (f"The test did not apply to {n_nan} of the {n_sets} random sets.",) if n_nan else ()
    return CalibrationResult(
        **structure,
        pvalue=float(p_observed),
        pvalue_calibrated=pc,
        pvalue_calibrated_se=se,
        size=size,
        size_confidence_interval=ci,
        size_within_band=within,
        null_pvalues=null_p,
        calibration_sets=fd.index.to_numpy()[sets],
        n_sets=n_sets,
        resampling=resampling,
        notes=notes,
    )


# ---------------------------------------------------------------------------
# public function
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, eq=False)
class CalibrateOptions(SettingsMapping):
    """The checked options of :func:`calibrate` (its result's ``settings``).

    The settings view names a callable test by its name, break dates as
    ``YYYY-MM-DD`` strings and the delay as text; the resolved statistic
    (``kind``, ``func``) and ``n_jobs`` are not settings.
    """

    horizon: int
    test: str | Callable
    alpha: float
    n_sets: int
    eras: str | pd.DatetimeIndex | None
    statistic: str
    kind: int
    func: Callable
    alternative: str
    n_resamples: int
    halving_window: int
    halving_cycles: str
    threshold: float
    delay: pd.Timedelta
    n_jobs: int | None = None
    _hidden: ClassVar[tuple[str, ...]] = ("kind", "func", "n_jobs")

    def _value(self, key: str) -> object:
        value = getattr(self, key)
        if key == "test" and not isinstance(value, str):
            return getattr(value, "__name__", "callable")
        if key == "eras" and isinstance(value, pd.DatetimeIndex):
            return [d.strftime("%Y-%m-%d") for d in value]
        if key == "delay":
            return str(value)
        return value


def _calibrate_iv(
    horizon,
    test,
    alpha,
    n_sets,
    eras,
    statistic,
    alternative,
    n_resamples,
    halving_window,
    halving_cycles,
    threshold,
    delay,
    n_jobs=None,
) -> CalibrateOptions:
    horizon = C.check_horizon(horizon)
    if not callable(test):
        if not isinstance(test, str):
            raise TypeError(
                f"`test` must be one of {TESTS} or a callable taking a DatetimeIndex of "
                f"day-0 dates and returning a p-value; got {type(test).__name__}."
            )
        test = check_choice(test, "test", TESTS)
    alpha = check_float(
        alpha, "alpha", minimum=0.0, maximum=1.0, inclusive=(False, False), what="a level"
    )
    n_sets = check_int(n_sets, "n_sets", minimum=19, what="an integer number of random sets")
    if n_sets > _MAX_SETS:
        raise ValueError(f"`n_sets` must be at most {_MAX_SETS:,}; got {n_sets:,}.")
    eras = C.check_eras(eras)
    if test == "placebo_era" and eras is None:
        raise ValueError(
            "test='placebo_era' needs `eras` ('halving', 'variance_breaks' or break dates); "
            "with eras=None it would be the plain placebo test."
        )
    kind, func, name = C.resolve_statistic(statistic)
    alternative = check_alternative(alternative)
    n_resamples = check_n_resamples(n_resamples, minimum=19)
    halving_window = C.check_optional_int(
        halving_window, "halving_window", minimum=0, what="a non-negative number of days"
    )
    if halving_window is None:
        raise TypeError("`halving_window` must be a non-negative number of days; got None.")
    halving_cycles = check_choice(halving_cycles, "halving_cycles", ("all", "other"))
    threshold = check_float(
        threshold,
        "threshold",
        minimum=-1.0,
        inclusive=(False, True),
        what="a simple-return threshold above -1",
    )
    delay = check_timedelta(delay, "delay")
    n_jobs = C.check_n_jobs(n_jobs)
    return CalibrateOptions(
        horizon=horizon,
        test=test,
        alpha=alpha,
        n_sets=n_sets,
        eras=eras,
        statistic=name,
        kind=kind,
        func=func,
        alternative=alternative,
        n_resamples=n_resamples,
        halving_window=halving_window,
        halving_cycles=halving_cycles,
        threshold=threshold,
        delay=delay,
        n_jobs=n_jobs,
    )


def nominal_test(
    fd: C.FollowerData,
    win: C.Windows,
    opts: CalibrateOptions,
    *,
    spacing: int,
    eras: C.Eras,
    rng: np.random.Generator,
    null: np.ndarray | None = None,
    exact: bool = False,
) -> NominalTest:
    """The :class:`NominalTest` of ``opts.test`` on prepared data."""
    test = opts.test
    common = dict(kind=opts.kind, func=opts.func, alternative=opts.alternative)
    if callable(test):
        index = fd.index

        def pvalues(sets: np.ndarray) -> np.ndarray:
            return np.array([float(test(index[row])) for row in sets])

        return NominalTest(getattr(test, "__name__", "callable"), pvalues, "")
    if test == "placebo":
        none = C.Eras("none", pd.DatetimeIndex([]), np.zeros(fd.n, dtype=np.int64))
        return placebo_spec(
            fd,
            win,
            spacing=spacing,
            eras=none,
            n_resamples=opts.n_resamples,
            rng=rng,
            null=null,
            exact=exact,
            **common,
        )
    if test == "placebo_era":
        return placebo_spec(
            fd,
            win,
            spacing=spacing,
            eras=eras,
            n_resamples=opts.n_resamples,
            rng=rng,
            null=null,
            exact=exact,
            **common,
        )
    if test == "placebo_halving_matched":
        return matched_spec(
            fd,
            win,
            spacing=spacing,
            window=opts.halving_window,
            cycles=opts.halving_cycles,
            n_resamples=opts.n_resamples,
            rng=rng,
            n_jobs=opts.n_jobs,
            **common,
        )
    if test == "garch_null":
        return garch_spec(fd, win, n_paths=opts.n_resamples, burn=500, rng=rng, **common)
    return hit_count_spec(win, threshold=opts.threshold, alternative=opts.alternative)


def calibrate(
    follower: PricesLike,
    events: EventsLike,
    *,
    horizon: int,
    test: str | Callable = "placebo",
    alpha: float = 0.05,
    n_sets: int = 1000,
    eras: str | DatesLike | None = "halving",
    min_spacing: int | None = None,
    statistic: StatisticLike = "mean",
    alternative: str = "greater",
    n_resamples: int = 999,
    halving_window: int = 90,
    halving_cycles: str = "all",
    threshold: float = 0.0,
    delay: DelayLike = C.NO_DELAY,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    n_jobs: int | None = None,
    rng: RNGLike = None,
) -> CalibrationResult:
    r"""Size and calibrated p-value of a few-event test on the follower's own history.

    Random event sets with the events' structure (their number, the minimum
    spacing and the number of events in each era) are drawn exactly uniformly on
    the follower's real path; the test is run on each. The share of sets with
    :math:`p_j \le \alpha` is the test's size where it is used, and the share with
    :math:`p_j \le p` (the observed p-value) is the calibrated p-value.

    Parameters
    ----------
    follower : Series or DataFrame
        The follower's daily prices.
    events : Events, DatetimeIndex or sequence of dates
        The events (a leader's breakouts, or any dates: FOMC meetings, approvals).
    horizon : int
        Forward window in calendar days.
    test : str or callable, default "placebo"
        The test to calibrate, one of ``"placebo"``, ``"placebo_halving_matched"``,
        ``"placebo_era"``, ``"hit_count"``, ``"garch_null"`` or a callable: the plain
        placebo test, the placebo matched on
        Bitcoin's halving-cycle phase (``halving_window``, ``halving_cycles``),
        the era-stratified placebo (``eras``), the exact binomial test of the hit
        count at the base rate (``threshold``), the GARCH(1,1)-t null
        (``n_resamples`` simulated paths shared by all sets), or a callable
        taking a DatetimeIndex of day-0 follower dates and returning a p-value.
    alpha : float, default 0.05
        Level at which the size is measured.
    n_sets : int, default 1000
        Random event sets.
    eras : None, "halving", "variance_breaks" or sequence of dates, default "halving"
        The eras whose mix the random sets keep (and of the era-stratified
        placebo): Bitcoin's halving cycles, eras found from the follower's data
        (its volatility breaks, :func:`riskcycle.regimes.variance_breaks`), break
        dates of your own, or None for one era. For a follower other than Bitcoin
        pass ``"variance_breaks"``, break dates or None. Under ``"halving"`` a
        follower spliced from several data sources (a frame whose ``source`` column
        changes value, as ``btc_long`` at 2014-09-17) has its source changes as
        further era breaks.
    min_spacing : int, optional
        Minimum calendar days between dates of a set; default as in
        :func:`riskcycle.placebo_test`.
    statistic, alternative : as in :func:`riskcycle.placebo_test`
    n_resamples : int, default 999
        Placebo draws of the nominal placebo tests (the same number for the real
        events and for every random set, so that their p-values are exchangeable).
    halving_window, halving_cycles : int and {"all", "other"}
        Of the halving-matched test.
    threshold : float, default 0
        Simple-return threshold of a hit (``test="hit_count"``).
    delay, leader_clock, follower_clock : as in :func:`riskcycle.placebo_test`
    n_jobs : int, optional
        Threads for the halving-matched test, whose random sets each need their own
        Monte Carlo null: None or -1 use every thread numba may use
        (``NUMBA_NUM_THREADS``, by default the CPUs). The sets are cut into fixed
        blocks, each drawing from its own child stream of ``rng``, so the result is
        identical for every ``n_jobs``. The other tests share one null across sets
        and run in one thread.
    rng : int, Generator or SeedSequence, optional

    Returns
    -------
    CalibrationResult

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (the message names the argument).

    Warns
    -----
    SmallSampleWarning
        No usable event (NaN result).
    DegenerateDataWarning
        No random set with this structure exists.

    See Also
    --------
    riskcycle.placebo_test, riskcycle.assess_signal

    Notes
    -----
    Let :math:`p` be the test's p-value for the real events and :math:`p_1,
    \dots, p_N` its p-values for :math:`N` random sets drawn uniformly from the
    admissible sets :math:`\mathcal{A}` (eligible day-0 bars with a complete
    window, pairwise at least ``min_spacing`` days apart, with the events' count
    in every era). The calibrated p-value is

    .. math:: p_c = \frac{1 + \#\{j : p_j \le p\}}{1 + N},

    a Monte Carlo randomisation test that uses the nominal p-value as its
    statistic (Dufour 2006; the double-bootstrap calibration of Beran 1988 and
    Davison & Hinkley 1997, sec. 4.5, on the follower's own path). Its null
    hypothesis: the real event set is exchangeable with a uniform draw from
    :math:`\mathcal{A}`, i.e. the events are like random dates of the same
    structure on this history. Under it :math:`p_c` is valid at every level
    whatever the nominal test assumes, because the real and the random sets go
    through the same computation. It does not test whether the path itself is
    unusual (a model-based null such as :func:`riskcycle.garch_null_test` asks
    that).

    The size is :math:`\hat\alpha = \#\{p_j \le \alpha\}/N` with a
    Clopper-Pearson interval; ``size_within_band`` says whether an exact
    binomial test of :math:`\hat\alpha = \alpha` does not reject at 1%.
    Measured sizes of riskcycle's tests on Bitcoin's history are in the user
    guide ("Calibration and size") and ``benchmarks/size_table.py``.

    Validated in the test suite against a brute-force computation on a small
    case (every admissible set enumerated) and by the uniformity of calibrated
    p-values of random sets.

    References
    ----------
    Beran, R. (1988). Prepivoting test statistics: a bootstrap view of
    asymptotic refinements. *Journal of the American Statistical Association*
    83(403), 687-697. doi:10.1080/01621459.1988.10478649

    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their
    Application*. Cambridge University Press. doi:10.1017/CBO9780511802843

    Dufour, J.-M. (2006). Monte Carlo tests with nuisance parameters: a general
    approach to finite-sample inference and nonstandard asymptotics. *Journal of
    Econometrics* 133(2), 443-477. doi:10.1016/j.jeconom.2005.06.007

    Examples
    --------
    >>> import riskcycle
    >>> rut = riskcycle.datasets.load("rut")
    >>> btc = riskcycle.datasets.load("btc", end="2026-01-22")
    >>> ev = riskcycle.breakouts(rut, min_gap=250).between("2014-01-01", "2021-01-01")
    >>> cal = riskcycle.inference.calibrate(btc, ev, horizon=365, n_sets=200,
    ...                                     n_resamples=199, rng=1)
    >>> cal.n_events, cal.n_sets
    (2, 200)
    """
    opts = _calibrate_iv(
        horizon,
        test,
        alpha,
        n_sets,
        eras,
        statistic,
        alternative,
        n_resamples,
        halving_window,
        halving_cycles,
        threshold,
        delay,
        n_jobs,
    )
    gen = check_rng(rng)
    fd = C.follower_data(follower, follower_clock=follower_clock)
    win = C.windows(fd, opts.horizon)
    ed = C.event_data(fd, win, events, delay=opts.delay, leader_clock=leader_clock)
    C.warn_excluded(ed, fd, opts.horizon)
    spacing, _ = C.resolve_spacing(min_spacing, events, ed, fd)
    era = C.era_labels(fd, opts.eras)
    s_null, s_sets = gen.spawn(2)
    spec = nominal_test(fd, win, opts, spacing=spacing, eras=era, rng=s_null)
    return calibrate_core(
        fd,
        win,
        ed.positions,
        spec,
        spacing=spacing,
        eras=era,
        alpha=opts.alpha,
        n_sets=opts.n_sets,
        rng=s_sets,
        settings=opts,
    )
