"""One cell of a scan, and the family-wise max statistic on shared draws (internal).

Workers receive plain data (the follower's prepared closes, the events, the
horizon, the options and a ``SeedSequence``) and return a dict of numbers, so
the result does not depend on where a cell ran.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._grid import ScanOptions

#: the per-cell columns (NaN where a test did not run)
PVALUE_COLUMNS = tuple(
    f"{kind}_{t}"
    for t in ("placebo", "placebo_era", "placebo_halving_matched", "hit_count")
    for kind in ("pvalue", "pvalue_calibrated")
)


@dataclass(frozen=True, slots=True)
class CellTask:
    """What a worker needs for one cell."""

    index: int
    follower: int
    horizon: int
    events: Any  # Events (detected on the leader cut at as_of) or DatetimeIndex
    leader_clock: Any
    bitcoin_like: bool
    seed: np.random.SeedSequence
    #: the follower's family-wise seed (its shared circular-shift draws)
    family_seed: np.random.SeedSequence | None = None


def _none_eras(n: int):
    from .._design import Eras

    return Eras("none", pd.DatetimeIndex([]), np.zeros(n, dtype=np.int64))


def prepare(fd, events, horizon: int, leader_clock) -> tuple:
    """Windows, event positions (complete windows only) and the placebo spacing."""
    from .._design import resolve_spacing
    from .._sample import event_data, windows

    win = windows(fd, horizon)
    ed = event_data(fd, win, events, leader_clock=leader_clock)
    pos = ed.positions
    spacing, _ = resolve_spacing(None, events, ed, fd)
    return win, ed, pos, spacing


_NAN_ROW = {
    "statistic": np.nan,
    "random_mean": np.nan,
    "effect": np.nan,
    "effect_ci_low": np.nan,
    "effect_ci_high": np.nan,
    "n_hits": np.nan,
    "base_rate": np.nan,
    **dict.fromkeys(PVALUE_COLUMNS, np.nan),
    "verdict": "no_events",
}


def _event_row(ed, pos, spacing) -> dict[str, Any]:
    """The cell's events (dates, exclusions, spacing) and NaN for every number."""
    k = len(pos)
    return {
        "n_events": k,
        "n_excluded": int((ed.status != "ok").sum()),
        "first_event": ed.dates[0] if k else pd.NaT,
        "last_event": ed.dates[-1] if k else pd.NaT,
        "event_dates": ";".join(d.strftime("%Y-%m-%d") for d in ed.dates),
        "min_spacing": int(spacing),
        **_NAN_ROW,
    }


def _effect(win, pos, null: np.ndarray, opts: ScanOptions) -> dict[str, Any]:
    """The events' mean against the placebo null: effect, interval, hits and base rate."""
    stat = float(np.mean(win.fwd[pos]))
    q = (1 - opts.confidence_level) / 2
    lo_q, hi_q = np.quantile(null, [q, 1 - q])
    log_thr = math.log1p(opts.threshold)
    eligible = win.fwd[win.complete]
    return {
        "statistic": stat,
        "random_mean": float(null.mean()),
        "effect": stat - float(null.mean()),
        "effect_ci_low": stat - float(hi_q),
        "effect_ci_high": stat - float(lo_q),
        "n_hits": int(np.sum(win.fwd[pos] > log_thr)),
        "base_rate": float(np.mean(eligible > log_thr)),
    }


def _cell_specs(fd, win, spacing, era, null, task, opts, rng, notes) -> dict[str, Any]:
    """The verdict's tests of this cell (the plain placebo reusing ``null``)."""
    from .. import _calibration as K

    kind, func, _ = _mean()
    common = dict(kind=kind, func=func, alternative=opts.alternative)
    spec = dict(spacing=spacing, n_resamples=opts.n_resamples, rng=rng, **common)
    specs: dict[str, Any] = {
        "placebo": K.placebo_spec(fd, win, eras=_none_eras(fd.n), null=null, **spec)
    }
    if "placebo_era" in opts.tests and task.bitcoin_like and era.rule != "none":
        specs["placebo_era"] = K.placebo_spec(fd, win, eras=era, **spec)
    if "placebo_halving_matched" in opts.tests and task.bitcoin_like:
        try:
            specs["placebo_halving_matched"] = K.matched_spec(
                fd,
                win,
                spacing=spacing,
                window=opts.halving_window,
                cycles="all",
                n_resamples=opts.calibration_resamples,
                rng=rng,
                **common,
            )
        except ValueError as exc:
            notes.append(f"halving-matched test not run: {exc}")
    if "hit_count" in opts.tests:
        specs["hit_count"] = K.hit_count_spec(win, threshold=opts.threshold)
    return specs


def _calibrated(fd, win, pos, spacing, era, specs, streams, opts, row, notes) -> dict:
    """Calibrate every test of the cell (its p-values written to ``row``)."""
    from .. import _calibration as K

    calibrated = {}
    if not np.isfinite(K.design(fd, win, pos, spacing=spacing, eras=era).log_count):
        notes.append("no random set with the events' era mix: not calibrated")
        row["pvalue_placebo"] = float(specs["placebo"].pvalues(pos[None, :])[0])
        return calibrated
    for (name, spec), stream in zip(specs.items(), streams, strict=False):
        cal = K.calibrate_core(
            fd,
            win,
            pos,
            spec,
            spacing=spacing,
            eras=era,
            alpha=opts.alpha,
            n_sets=opts.n_calibration,
            rng=stream,
        )
        row[f"pvalue_{name}"] = cal.pvalue
        row[f"pvalue_calibrated_{name}"] = cal.pvalue_calibrated
        calibrated[name] = cal.pvalue_calibrated
    return calibrated


def _mean():
    from .._design import resolve_statistic

    return resolve_statistic("mean")


def run_cell(
    fd, task: CellTask, opts: ScanOptions, part: FamilyPart | None = None, u=None
) -> dict:
    """Effect, interval, nominal and calibrated p-values of the verdict's tests for one cell.

    With ``part`` and ``u`` (the follower's shared draws), the cell's family-wise
    pieces are added to ``part``.
    """
    from .. import _calibration as K
    from .._design import era_labels
    from ..assess import VERDICT_TESTS, label_of

    win, ed, pos, spacing = prepare(fd, task.events, task.horizon, task.leader_clock)
    if part is not None and len(pos):
        part.add(task.index, *shift_pvalues(win, pos, u, opts.alternative))
    row = _event_row(ed, pos, spacing)
    if len(pos) == 0:
        row["status"] = "no_events"
        return row
    d_plain = K.design(fd, win, pos, spacing=spacing, eras=_none_eras(fd.n))
    if not np.isfinite(d_plain.log_count):
        row["status"] = "no_admissible_set"
        row["verdict"] = "not_assessed"
        return row
    s_null, s_spec, *s_sets = np.random.default_rng(task.seed).spawn(2 + len(VERDICT_TESTS))
    # the plain placebo's null: uniform sets with the events' count and spacing
    kind, func, _ = _mean()
    null = K.set_statistics(win, d_plain.draw(opts.n_resamples, s_null), kind, func)
    row.update(_effect(win, pos, null, opts))
    era = era_labels(fd, opts.eras if task.bitcoin_like else None)
    notes: list[str] = []
    specs = _cell_specs(fd, win, spacing, era, null, task, opts, s_spec, notes)
    calibrated = _calibrated(fd, win, pos, spacing, era, specs, s_sets, opts, row, notes)
    row["verdict"] = label_of(calibrated, opts.alpha) if calibrated else "not_assessed"
    row["status"] = "ok"
    row["cell_notes"] = "; ".join(notes)
    return row


def run_chunk(
    fds: dict, tasks: list[CellTask], opts: ScanOptions
) -> tuple[list[tuple[int, dict]], dict[int, FamilyPart]]:
    """The cells of one chunk, in order, and their followers' family-wise pieces (the
    worker's entry point)."""
    rows, parts, draws = [], {}, {}
    for t in tasks:
        part = u = None
        if t.family_seed is not None:
            part = parts.setdefault(t.follower, FamilyPart())
            if t.follower not in draws:
                draws[t.follower] = shift_uniforms(t.family_seed, opts.n_resamples)
            u = draws[t.follower]
        rows.append((t.index, run_cell(fds[t.follower], t, opts, part, u)))
    return rows, parts


# ---------------------------------------------------------------------------
# family-wise: the max statistic over every cell of a follower, shared draws
# ---------------------------------------------------------------------------
def shift_uniforms(seed: np.random.SeedSequence, n: int) -> np.ndarray:
    """The follower's shared draws: ``n`` fractions of the circle, from its own seed."""
    return np.random.default_rng(seed).random(n)


def shift_pvalues(
    win, pos: np.ndarray, u: np.ndarray, alternative: str
) -> tuple[float, np.ndarray]:
    """One cell's circular-shift p-value and the p-value of each of the shared draws.

    Draw ``b`` is one fraction :math:`u_b \\in [0, 1)`; at horizon ``h`` the cell's day-0
    bars move by :math:`\\lfloor u_b N_h \\rfloor` bars on the circle of the :math:`N_h`
    bars with a complete ``h``-day window (wrapping at its end), so all cells of the
    follower move together and their dependence is kept.
    """
    from .. import _calibration as K

    n_circle = int(np.count_nonzero(win.complete))
    shift = np.floor(u * n_circle).astype(np.int64)
    eligible = np.flatnonzero(win.complete)  # a prefix of the bars
    rot = eligible[(pos[None, :] + shift[:, None]) % n_circle]
    t_null = win.fwd[rot].mean(axis=1)
    t_obs = np.array([win.fwd[pos].mean()])
    # every p-value, the observed one's and each draw's, against the same B + 1
    # values (the observed and the draws): the observed set is then exchangeable
    # with the draws; a draw ranked against the draws alone could not reach the
    # observed floor 1/(B + 1) and the min-p test would over-reject
    t_all = np.concatenate([t_obs, t_null])
    p_all = K.pvalues_against(t_all, t_all, alternative, exact=True)
    return float(p_all[0]), p_all[1:]


@dataclass
class FamilyPart:
    """A follower's family-wise pieces from some of its cells: the draws' min-p so far
    and each cell's observed p (combined across chunks with :meth:`merge`)."""

    minimum: np.ndarray | None = None
    observed: dict[int, float] = field(default_factory=dict)

    def add(self, index: int, p_obs: float, p_null: np.ndarray) -> None:
        self.observed[index] = p_obs
        self.minimum = p_null.copy() if self.minimum is None else np.minimum(self.minimum, p_null)

    def merge(self, other: FamilyPart) -> None:
        self.observed.update(other.observed)
        if other.minimum is not None:
            self.minimum = (
                other.minimum if self.minimum is None else np.minimum(self.minimum, other.minimum)
            )

    def result(self) -> dict:
        """Westfall-Young min-p: each cell's observed p ranked among the draws' min-p."""
        if self.minimum is None:
            return {"index": [], "pvalue_shift": [], "pvalue_family_wise": [], "null": np.empty(0)}
        index = sorted(self.observed)
        p_obs = np.array([self.observed[i] for i in index])
        m = self.minimum  # the null distribution of the min-p
        count = np.searchsorted(np.sort(m), p_obs * (1 + 1e-12), side="right")
        adjusted = (1 + count) / (1 + len(m))
        return {
            "index": index,
            "pvalue_shift": p_obs.tolist(),
            "pvalue_family_wise": adjusted.tolist(),
            "null": m,
        }


def family_wise(
    fd, cells: list[tuple[int, Any, int, Any]], opts: ScanOptions, seed: np.random.SeedSequence
) -> dict:
    """Westfall-Young min-p over a follower's cells on shared circular shifts.

    ``cells``: ``(index, events, horizon, leader_clock)``; the draws are
    :func:`shift_uniforms` of ``seed`` and each cell's p-values
    :func:`shift_pvalues`. The scan computes the same pieces inside its chunks (next to
    each cell's other tests) and merges them; this function does it in one place.
    """
    from .._sample import event_data, windows

    u = shift_uniforms(seed, opts.n_resamples)
    wins: dict[int, Any] = {}
    part = FamilyPart()
    for idx, events, h, lclock in cells:
        if h not in wins:
            wins[h] = windows(fd, h)
        win = wins[h]
        pos = event_data(fd, win, events, leader_clock=lclock).positions
        if len(pos) == 0:
            continue
        part.add(idx, *shift_pvalues(win, pos, u, opts.alternative))
    return part.result()
