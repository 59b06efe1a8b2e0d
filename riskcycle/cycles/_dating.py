r"""Turning-point rules for bull and bear phases (internal).

Two rules, each on an array of positive prices ``x`` with integer day numbers
``day`` (calendar days, ascending):

* :func:`lt_turns`, Lunde & Timmermann (2004): a threshold rule that runs
  forward in time, so every turning point carries the bar at which the rule
  first knew it (its *confirmation*), and nothing after that bar can move it;
* :func:`ps_turns`, Pagan & Sossounov (2003) after Bry & Boschan (1971): local
  extremes in a two-sided window, then censoring operations. It looks both ways,
  so :func:`ps_confirmations` reruns it on every truncated sample to find when
  each turning point was first known and when it stopped changing.

Turning points are lists of ``(position, kind)`` with ``kind`` ``+1`` for a peak
and ``-1`` for a trough, ascending by position and alternating.
"""

from __future__ import annotations

import numpy as np

PEAK, TROUGH = 1, -1
DAYS_PER_MONTH = 365.25 / 12.0


# ---------------------------------------------------------------------------
# Lunde-Timmermann
# ---------------------------------------------------------------------------
def lt_turns(x: np.ndarray, rise: float, fall: float) -> list[tuple[int, int, int]]:
    """Lunde-Timmermann turning points ``(position, kind, confirmation_position)``.

    Before the first turning point the state is unknown and both the running
    maximum and minimum since the first bar are tracked; the first of "price at
    least ``1 + rise`` times the running minimum" (a trough at the minimum) and
    "price at most ``1 - fall`` times the running maximum" (a peak at the
    maximum) starts the alternation (the two cannot happen on the same bar).
    In a bull state the running maximum since the last trough is tracked and a
    peak is dated at it once the price is at most ``1 - fall`` times it; in a
    bear state the same with the minimum and ``1 + rise``. Ties: the first bar
    of a repeated extreme.
    """
    n = len(x)
    out: list[tuple[int, int, int]] = []
    if n == 0:
        return out
    state = 0
    hi = lo = 0
    up, down = 1.0 + rise, 1.0 - fall
    for t in range(1, n):
        v = x[t]
        if state == 0:
            if v > x[hi]:
                hi = t
            if v < x[lo]:
                lo = t
            if v >= up * x[lo]:
                out.append((lo, TROUGH, t))
                state, hi = 1, t
            elif v <= down * x[hi]:
                out.append((hi, PEAK, t))
                state, lo = -1, t
        elif state == 1:
            if v > x[hi]:
                hi = t
            elif v <= down * x[hi]:
                out.append((hi, PEAK, t))
                state, lo = -1, t
        else:
            if v < x[lo]:
                lo = t
            elif v >= up * x[lo]:
                out.append((lo, TROUGH, t))
                state, hi = 1, t
    return out


# ---------------------------------------------------------------------------
# Pagan-Sossounov: range extremes
# ---------------------------------------------------------------------------
class _RangeExtremes:
    """Sparse tables for O(1) maximum and minimum of ``x[a:b]``."""

    __slots__ = ("_max", "_min")

    def __init__(self, x: np.ndarray) -> None:
        self._max = [x]
        self._min = [x]
        k = 1
        while 2 * k <= len(x):
            pm, pn = self._max[-1], self._min[-1]
            self._max.append(np.maximum(pm[:-k], pm[k:]))
            self._min.append(np.minimum(pn[:-k], pn[k:]))
            k *= 2

    def query(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Maximum and minimum of ``x[a[i]:b[i]]`` (``b > a`` elementwise)."""
        length = b - a
        lev = np.floor(np.log2(length)).astype(np.int64)
        mx = np.empty(len(a))
        mn = np.empty(len(a))
        for level in np.unique(lev):
            sel = lev == level
            w = 1 << int(level)
            tm, tn = self._max[level], self._min[level]
            aa, bb = a[sel], b[sel] - w
            mx[sel] = np.maximum(tm[aa], tm[bb])
            mn[sel] = np.minimum(tn[aa], tn[bb])
        return mx, mn


def _alternate(tps: list[tuple[int, int]], x: np.ndarray) -> list[tuple[int, int]]:
    """Keep the most extreme of each run of same-kind turning points (the first on ties)."""
    out: list[tuple[int, int]] = []
    for pos, kind in tps:
        if out and out[-1][1] == kind:
            prev = out[-1][0]
            better = x[pos] > x[prev] if kind == PEAK else x[pos] < x[prev]
            if better:
                out[-1] = (pos, kind)
        else:
            out.append((pos, kind))
    return out


class PSRule:
    """The Pagan-Sossounov rule on one series, runnable on any truncation of it.

    Parameters are in calendar days except ``exception`` (a fraction).
    """

    def __init__(
        self,
        x: np.ndarray,
        day: np.ndarray,
        *,
        window: float,
        censor: float,
        min_phase: float,
        min_cycle: float,
        exception: float,
    ) -> None:
        self.x = np.asarray(x, dtype=float)
        self.day = np.asarray(day, dtype=np.int64)
        self.window, self.censor = window, censor
        self.min_phase, self.min_cycle, self.exception = min_phase, min_cycle, exception
        n = len(self.x)
        self.lo = np.searchsorted(self.day, self.day - window, side="left")
        self.hi = np.searchsorted(self.day, self.day + window, side="right")
        self.ext = _RangeExtremes(self.x)
        mx, mn = self.ext.query(self.lo, self.hi)
        self.peak_full = self.x >= mx
        self.trough_full = self.x <= mn
        self.cummax = np.maximum.accumulate(self.x)
        self.cummin = np.minimum.accumulate(self.x)
        self.n = n

    # step 1: local extremes of the data through position c ------------------------
    def candidates(self, c: int) -> list[tuple[int, int]]:
        # windows that reach past c are cut at c: positions t with hi[t] > c + 1
        t0 = int(np.searchsorted(self.hi, c + 2, side="left"))
        t0 = min(t0, c + 1)
        peak = self.peak_full[:t0].copy()
        trough = self.trough_full[:t0].copy()
        if t0 <= c:
            t = np.arange(t0, c + 1)
            mx, mn = self.ext.query(self.lo[t], np.full(len(t), c + 1))
            xt = self.x[t]
            peak = np.concatenate([peak, xt >= mx])
            trough = np.concatenate([trough, xt <= mn])
        both = peak & trough  # flat window: neither
        pk = np.flatnonzero(peak & ~both)
        tr = np.flatnonzero(trough & ~both)
        pos = np.concatenate([pk, tr])
        kind = np.concatenate([np.full(len(pk), PEAK), np.full(len(tr), TROUGH)])
        order = np.argsort(pos, kind="stable")
        return [(int(p), int(k)) for p, k in zip(pos[order], kind[order], strict=True)]

    def run(self, c: int | None = None) -> list[tuple[int, int]]:
        """Turning points of the data through position ``c`` (default: all)."""
        c = self.n - 1 if c is None else int(c)
        x, day = self.x, self.day
        tps = _alternate(self.candidates(c), x)
        # step 2a: no turn within `censor` days of either end
        first, last = day[0], day[c]
        tps = [(p, k) for p, k in tps if day[p] - first >= self.censor]
        tps = [(p, k) for p, k in tps if last - day[p] >= self.censor]
        tps = _alternate(tps, x)
        # step 2b: a first (last) peak lower than an earlier (later) value goes, and
        # likewise a trough higher than one; repeated until the ends hold
        changed = True
        while changed and tps:
            changed = False
            p, k = tps[0]
            if p > 0 and (
                (k == PEAK and self.cummax[p - 1] > x[p])
                or (k == TROUGH and self.cummin[p - 1] < x[p])
            ):
                tps = _alternate(tps[1:], x)
                changed = True
                continue
            p, k = tps[-1]
            if p < c:
                mx, mn = self.ext.query(np.array([p + 1]), np.array([c + 1]))
                if (k == PEAK and mx[0] > x[p]) or (k == TROUGH and mn[0] < x[p]):
                    tps = _alternate(tps[:-1], x)
                    changed = True
        # step 2c: cycles (peak to peak, trough to trough) shorter than min_cycle
        i = 0
        while i + 2 < len(tps):
            (a, k), (b, _) = tps[i], tps[i + 2]
            if day[b] - day[a] < self.min_cycle:
                if k == PEAK:
                    drop = a if x[a] < x[b] else b
                else:
                    drop = a if x[a] > x[b] else b
                tps = _alternate([tp for tp in tps if tp[0] != drop], x)
                i = 0
                continue
            i += 1
        # step 2d: phases shorter than min_phase, unless the move is at least `exception`
        i = 0
        while i + 1 < len(tps):
            a, b = tps[i][0], tps[i + 1][0]
            move = abs(x[b] / x[a] - 1.0)
            if day[b] - day[a] < self.min_phase and move < self.exception:
                tps = _alternate(tps[:i] + tps[i + 2 :], x)
                i = 0
                continue
            i += 1
        return tps


def ps_confirmations(rule: PSRule) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """Final turning points with confirmation positions, and the as-of state at every bar.

    The confirmation of a turning point is the first position ``c`` such that the
    rule run on the data through ``c'`` lists it for every ``c' >= c`` up to the
    last bar. The as-of state at ``c`` is +1 (bull) after a trough, -1 (bear) after
    a peak, 0 before any turning point, from the rule run on the data through ``c``.
    """
    n = rule.n
    asof = np.zeros(n, dtype=np.int8)
    runs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for c in range(n):
        tps = rule.run(c)
        runs[c] = tps
        if tps:
            asof[c] = 1 if tps[-1][1] == TROUGH else -1
    final = runs[-1] if n else []
    conf = {}
    active = set(final)
    for c in range(n - 1, -1, -1):
        present = active.intersection(runs[c])
        for tp in present:
            conf[tp] = c
        active = present
        if not active:
            break
    return [(p, k, conf[(p, k)]) for p, k in final], asof


def lt_asof_state(n: int, turns: list[tuple[int, int, int]]) -> np.ndarray:
    """As-of state of the Lunde-Timmermann rule: the kind of the last confirmed turn."""
    asof = np.zeros(n, dtype=np.int8)
    for _, kind, conf in turns:
        asof[conf:] = 1 if kind == TROUGH else -1
    return asof
