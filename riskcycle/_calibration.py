r"""The calibration engine: random event sets with the events' structure on the
follower's own path, nominal p-values of many sets at once, and calibrated p-values.

Shared on purpose by :func:`riskcycle.inference.calibrate` (one test),
:func:`riskcycle.assess_signal` (the verdict's tests, their leave-one-out and the
family-wise min-p over horizons) and :func:`riskcycle.scan` (every cell): each builds
the nominal tests it needs as :class:`NominalTest` specs (:func:`placebo_spec`,
:func:`matched_spec`, :func:`hit_count_spec`; the GARCH null's spec is inference's)
and runs :func:`calibrate_core` on them. The sets are drawn exactly uniformly from the
admissible sets (:func:`design`); see :func:`riskcycle.inference.calibrate` for the
method and its references.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from ._design import Eras, halving_anchors_ns, halving_pools_from_times
from ._options import SettingsMapping
from ._resample import resampling_pvalue
from ._results import ConfidenceInterval, ResultMixin, Summary, package_versions
from ._sample import FollowerData, Windows
from ._typing import AxesLike
from .calendar import CRYPTO_UTC
from .exceptions import DegenerateDataWarning, SmallSampleWarning

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "MAX_SETS",
    "CalibrationResult",
    "Design",
    "NominalTest",
    "calibrate_core",
    "calibrated_pvalue",
    "design",
    "hit_count_spec",
    "matched_pvalues",
    "matched_spec",
    "placebo_spec",
    "pvalues_against",
    "set_score",
    "set_statistics",
    "size_at",
]

_MAX_PROPOSALS = 50_000_000
#: most random sets of one calibration (inference.calibrate's n_sets, assess's n_calibration)
MAX_SETS = 1_000_000


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
    eras: Eras
    seq: np.ndarray  # sorted era labels of the events

    @property
    def k(self) -> int:
        return len(self.seq)

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` random sets (bar positions, ascending), exactly uniform over the admissible."""
        from . import _nb_sets as _nb

        u = rng.random((n, self.k))
        return self.cand[_nb.spaced_sample(self.table, self.nxt, u)]

    def era_mix(self) -> dict:
        counts = np.bincount(self.seq, minlength=len(self.eras.breaks) + 1)
        return {nm: int(c) for nm, c in zip(self.eras.names(), counts, strict=True) if c}


def design(
    fd: FollowerData,
    win: Windows,
    pos: np.ndarray,
    *,
    spacing: int,
    eras: Eras,
    mask: np.ndarray | None = None,
) -> Design:
    """The admissible random sets: eligible bars, pairwise ``spacing`` apart, same era mix."""
    from . import _nb_sets as _nb

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

    The same rule as :func:`riskcycle._resample.resampling_pvalue` (ties
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


def set_statistics(win: Windows, sets: np.ndarray, kind: int, func: Callable) -> np.ndarray:
    from . import _nb_sets as _nb

    if kind >= 0:
        return _nb.set_statistic(win.fwd, np.ascontiguousarray(sets, dtype=np.int64), kind)
    return np.asarray(func(win.fwd[sets]), dtype=float)


#: sets per random stream of the halving-matched test (fixed, so that its p-values do not
#: depend on the number of threads)
MATCHED_BLOCK = 16


def _matched_pvalue(
    win, t_c, t_all, tday, values, row, *, window, cycles, spacing, kind, func, alt, n_draws, rng
) -> float:
    """Nominal halving-matched placebo p-value of one set (Monte Carlo, ``n_draws`` tuples).

    ``t_c`` are the eligible bars' UTC day closes (ns), ``t_all`` every bar's.
    """
    from . import _nb_sets as _nb

    pool, off, _ = halving_pools_from_times(t_c, t_all[row], window, cycles)
    if (off[1:] == off[:-1]).any():
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
    # pvalues_against's rule for one statistic, by counting (no sort)
    return resampling_pvalue(float(t[0]), null, alternative=alt)


def matched_pvalues(
    sets: np.ndarray, rng: np.random.Generator, many, *, n_jobs: int
) -> np.ndarray:
    """``many(rows, generator)`` for the sets, in blocks of :data:`MATCHED_BLOCK` sets.

    Block ``b`` draws from the ``b``-th stream of
    :func:`riskcycle._parallel.chunk_streams` (the children of ``rng``), so
    the p-values are the same on any number of threads; the blocks run on ``n_jobs``
    threads (the kernels release the GIL).
    """
    from . import _parallel

    n = len(sets)
    n_blocks = -(-n // MATCHED_BLOCK)
    makers = _parallel.chunk_streams(rng, n_blocks)
    out = np.empty(n)

    def block(b: int) -> None:
        lo, hi = b * MATCHED_BLOCK, min(n, (b + 1) * MATCHED_BLOCK)
        out[lo:hi] = many(sets[lo:hi], makers[b]())

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


def set_score(win, kind, func, alternative) -> Callable | None:
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
    return NominalTest(name, pvalues, "", set_score(win, kind, func, alternative))


def matched_spec(
    fd, win, *, spacing, window, cycles, kind, func, alternative, n_resamples, rng, n_jobs=1
) -> NominalTest:
    """Halving-matched placebo: each set's own Monte Carlo null (see :func:`matched_pvalues`)."""
    cand = np.flatnonzero(win.complete)
    tday = fd.day[cand]
    values = win.fwd[cand]
    t_all = CRYPTO_UTC.information_times(fd.index).asi8
    t_c = np.ascontiguousarray(t_all[cand])
    if (np.searchsorted(halving_anchors_ns(), t_c, side="right") == 0).any():
        raise ValueError(
            "halving matching needs a follower that starts after the genesis block (2009-01-03)."
        )

    def one(row: np.ndarray, gen: np.random.Generator) -> float:
        return _matched_pvalue(
            win,
            t_c,
            t_all,
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

    anchors = halving_anchors_ns()

    def many(rows: np.ndarray, gen: np.random.Generator) -> np.ndarray:
        if kind == 0:  # the mean: the whole loop in one kernel, the same draws
            from . import _nb_match

            return _nb_match.matched_pvalues(
                gen,
                rows,
                t_c,
                t_all,
                anchors,
                window=window,
                other=cycles == "other",
                tday=tday,
                values=values,
                fwd=win.fwd,
                spacing=spacing,
                alternative=alternative,
                n_draws=n_resamples,
                limit=_MAX_PROPOSALS,
            )
        return np.array([one(row, gen) for row in rows], dtype=float)

    def pvalues(sets: np.ndarray) -> np.ndarray:
        return matched_pvalues(sets, rng, many, n_jobs=n_jobs)

    return NominalTest(
        "placebo_halving_matched", pvalues, "", set_score(win, kind, func, alternative)
    )


def hit_count_spec(win: Windows, *, threshold: float, alternative: str = "greater") -> NominalTest:
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
    low, high, holds = _binomial_size(x, int(v.size), float(alpha))
    return x / v.size, ConfidenceInterval(low, high), holds


@functools.lru_cache(maxsize=1024)
def _binomial_size(x: int, n: int, alpha: float) -> tuple[float, float, bool]:
    """Clopper-Pearson 95% interval of ``x / n`` and whether the exact binomial test keeps
    ``alpha`` at 1% (scipy; kept per ``(x, n, alpha)``: a report's calibrations repeat
    them, and each costs milliseconds of root finding)."""
    bt = stats.binomtest(x, n, alpha)
    ci = bt.proportion_ci(0.95, method="exact")
    return float(ci.low), float(ci.high), bool(bt.pvalue >= 0.01)


def _null_text(k: int, spacing: int, eras: Eras, name: str) -> str:
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
    fd: FollowerData,
    win: Windows,
    pos: np.ndarray,
    spec: NominalTest,
    *,
    spacing: int,
    eras: Eras,
    alpha: float,
    n_sets: int,
    rng: np.random.Generator,
    p_observed: float | None = None,
    settings: SettingsMapping | None = None,
) -> CalibrationResult:
    """Calibrate a prepared test: ``n_sets`` random sets with the structure of ``pos``.

    ``settings`` (the caller's checked options, e.g. :func:`riskcycle.inference.calibrate`'s)
    becomes the result's ``settings``.
    """
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
