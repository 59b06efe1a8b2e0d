"""Placebo event sets: sampling, enumeration and statistics (numba, ``cache=True``).

Shared on purpose by inference (placebo test, power, GARCH null) and the calibration
engine (:mod:`riskcycle._calibration`), which assessment and the scan also run.

Every kernel receives pre-drawn random numbers (uniforms, block starts, block
lengths, standardised innovations) drawn with numpy from the caller's generator,
and never draws its own (the one exception, the halving-matched calibration's
:func:`riskcycle._nb_match.matched_pvalues`, draws from a numpy Generator it is given,
the same numbers numpy would draw; numba takes no lock, so each thread's block of sets
has its own Generator). Each kernel ``name`` has its plain-numpy (or plain-Python)
twin ``name_py`` beside it, computing the same numbers from the same inputs; the
tests compare the two. This module imports numba (about 0.5 s): import it lazily,
inside the functions that need it.

Kernels
-------
- spaced sets of candidate dates (uniform over all sets with a minimum spacing):
  :func:`spaced_tables`, :func:`spaced_sample` (shared with the other stages, in
  :mod:`riskcycle._nb_spacing`, re-exported here), :func:`spaced_enumerate`; with a
  fixed mix of eras (era-stratified placebo sets): :func:`strata_tables`;
  the all-eligible special case ("stars and bars"): :func:`contiguous_sample`;
- matched tuples (one pseudo-event per real event, each from its own pool, with
  the spacing rule): :func:`matched_sample` (rejection), :func:`matched_enumerate`;
- statistics of many sets: :func:`set_statistic`.

Block bootstraps, GARCH paths and the power simulation are in
:mod:`riskcycle.inference._nb_paths`.
"""

from __future__ import annotations

import itertools

import numba as nb
import numpy as np

from ._nb_spacing import spaced_sample, spaced_sample_py, spaced_tables, spaced_tables_py

__all__ = [
    "contiguous_sample",
    "contiguous_sample_py",
    "matched_count",
    "matched_count_py",
    "matched_enumerate",
    "matched_enumerate_py",
    "matched_sample",
    "matched_sample_py",
    "set_statistic",
    "set_statistic_py",
    "spaced_enumerate",
    "spaced_enumerate_py",
    "spaced_sample",
    "spaced_sample_py",
    "spaced_tables",
    "spaced_tables_py",
    "strata_tables",
    "strata_tables_py",
]

MEAN, MEDIAN = 0, 1


# ---------------------------------------------------------------------------
# spaced sets with a fixed era mix: counting tables (sampled with spaced_sample)
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _strata_tables_nb(nxt, era, seq):  # pragma: no cover - compiled
    m_count = nxt.shape[0]
    k = seq.shape[0]
    table = np.zeros((k + 1, m_count + 1))
    table[0, :] = 1.0
    log_count = 0.0
    for j in range(1, k + 1):
        want = seq[k - j]
        acc = 0.0
        for m in range(m_count - 1, -1, -1):
            if era[m] == want:
                acc += table[j - 1, nxt[m]]
            table[j, m] = acc
        top = table[j, 0]
        if top <= 0.0:
            return table, -np.inf
        for m in range(m_count + 1):
            table[j, m] /= top
        log_count += np.log(top)
    return table, log_count


def strata_tables_py(
    nxt: np.ndarray, era: np.ndarray, seq: np.ndarray
) -> tuple[np.ndarray, float]:
    """Plain-numpy twin of :func:`strata_tables` (same recursion, same summation order)."""
    nxt = np.ascontiguousarray(nxt, dtype=np.int64)
    era = np.ascontiguousarray(era, dtype=np.int64)
    seq = np.ascontiguousarray(seq, dtype=np.int64)
    m_count = nxt.shape[0]
    k = seq.shape[0]
    table = np.zeros((k + 1, m_count + 1))
    table[0, :] = 1.0
    log_count = 0.0
    for j in range(1, k + 1):
        w = np.where(era == seq[k - j], table[j - 1, nxt], 0.0)
        table[j, :m_count] = np.cumsum(w[::-1])[::-1]
        top = table[j, 0]
        if top <= 0.0:
            return table, -np.inf
        table[j] /= top
        log_count += float(np.log(top))
    return table, log_count


def strata_tables(nxt: np.ndarray, era: np.ndarray, seq: np.ndarray) -> tuple[np.ndarray, float]:
    r"""Scaled counts of spaced sets with a fixed era mix (era-stratified placebo sets).

    The candidates (sorted by date) carry an era label ``era[m]``; eras are
    contiguous in time, so a set's elements in date order have non-decreasing
    eras. ``seq`` is the required era of each element in date order (the sorted
    era labels of the real events). With :math:`r` elements still to place, the
    next one must be in era ``seq[k - r]``, and the counts follow
    :math:`N_r(m) = N_r(m+1) + [\mathrm{era}(m) = \mathrm{seq}_{k-r}]\,
    N_{r-1}(\mathrm{nxt}(m))`. Rows are scaled as in :func:`spaced_tables`, and
    :func:`spaced_sample` draws exactly uniformly from the admissible sets with
    this table (a candidate of the wrong era has zero weight, so the inversion
    never stops on it). With a single era this is :func:`spaced_tables`.

    Parameters
    ----------
    nxt : ndarray of int64, shape (M,)
        As in :func:`spaced_tables`.
    era : ndarray of int64, shape (M,)
        Era label of each candidate (non-decreasing).
    seq : ndarray of int64, shape (k,)
        Era of each set element in date order (non-decreasing).

    Returns
    -------
    table : ndarray, shape (k + 1, M + 1)
    log_count : float
        Log of the number of admissible sets (``-inf`` when there is none).
    """
    nxt = np.ascontiguousarray(nxt, dtype=np.int64)
    era = np.ascontiguousarray(era, dtype=np.int64)
    seq = np.ascontiguousarray(seq, dtype=np.int64)
    return _strata_tables_nb(nxt, era, seq)


# ---------------------------------------------------------------------------
# spaced sets: exact uniform sampling by sequential inversion
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _spaced_enumerate_nb(table, nxt, k, out):  # pragma: no cover - compiled
    m_count = nxt.shape[0]
    ptr = np.zeros(k, dtype=np.int64)
    cnt = 0
    level = 0
    ptr[0] = 0
    while level >= 0:
        m = ptr[level]
        r = k - level
        # candidate m can start the remaining r elements only if N_{r-1}(nxt(m)) > 0;
        # that count does not increase with m, so the first failure ends the level
        if m >= m_count or table[r - 1, nxt[m]] <= 0.0:
            level -= 1
            if level >= 0:
                ptr[level] += 1
            continue
        if level == k - 1:
            if cnt < out.shape[0]:
                for i in range(k - 1):
                    out[cnt, i] = ptr[i]
                out[cnt, k - 1] = m
            cnt += 1
            ptr[level] += 1
        else:
            level += 1
            ptr[level] = nxt[m]
    return cnt


def spaced_enumerate_py(tday: np.ndarray, s: int, k: int) -> np.ndarray:
    """Plain-Python twin of :func:`spaced_enumerate`: the same sets from the dates
    ``tday`` and the spacing ``s`` (:func:`itertools.combinations`, spacing filter)."""
    rows = [
        c
        for c in itertools.combinations(range(len(tday)), k)
        if all(tday[c[i + 1]] - tday[c[i]] >= s for i in range(k - 1))
    ]
    return np.array(rows, dtype=np.int64).reshape(-1, k)


def spaced_enumerate(table: np.ndarray, nxt: np.ndarray, k: int, n_sets: int) -> np.ndarray:
    """All admissible spaced ``k``-sets, in lexicographic order (``n_sets`` rows).

    The plain-Python twin :func:`spaced_enumerate_py` lists the same sets with
    :func:`itertools.combinations` and an explicit spacing filter.
    """
    out = np.empty((int(n_sets), int(k)), dtype=np.int64)
    cnt = _spaced_enumerate_nb(table, np.ascontiguousarray(nxt, dtype=np.int64), int(k), out)
    if cnt != n_sets:  # pragma: no cover - guards the counting recursion
        raise RuntimeError(f"internal error: enumerated {cnt} sets, expected {n_sets}.")
    return out


# ---------------------------------------------------------------------------
# all days eligible: stars and bars + Floyd's sampling without replacement
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _contiguous_sample_nb(m_count, s, u, out):  # pragma: no cover - compiled
    n, k = u.shape
    reduced = m_count - (k - 1) * (s - 1)
    for b in range(n):
        row = out[b]
        for jj in range(k):
            j = reduced - k + jj
            t = np.int64(u[b, jj] * (j + 1))
            if t > j:
                t = j
            dup = False
            for c in range(jj):
                if row[c] == t:
                    dup = True
                    break
            row[jj] = j if dup else t
        row.sort()
        for i in range(k):
            row[i] += i * (s - 1)
    return out


def contiguous_sample_py(m_count: int, s: int, u: np.ndarray) -> np.ndarray:
    """Plain-Python twin of :func:`contiguous_sample`."""
    u = np.ascontiguousarray(u, dtype=np.float64)
    m_count, s = int(m_count), int(s)
    n, k = u.shape
    reduced = m_count - (k - 1) * (s - 1)
    out = np.empty((n, k), dtype=np.int64)
    for b in range(n):
        chosen: list[int] = []
        for jj in range(k):
            j = reduced - k + jj
            t = min(int(u[b, jj] * (j + 1)), j)
            chosen.append(j if t in chosen else t)
        out[b] = np.sort(chosen) + np.arange(k) * (s - 1)
    return out


def contiguous_sample(m_count: int, s: int, u: np.ndarray) -> np.ndarray:
    r"""Uniform spaced ``k``-sets of positions ``0..m_count-1`` (every position eligible).

    "Stars and bars": a set :math:`x_0 < \dots < x_{k-1}` with gaps of at least
    ``s`` corresponds one-to-one to a ``k``-subset :math:`y` of
    :math:`\{0, \dots, M - (k-1)(s-1) - 1\}` through :math:`x_i = y_i + i(s-1)`;
    the subset is drawn uniformly with Floyd's algorithm (one uniform per element).
    """
    u = np.ascontiguousarray(u, dtype=np.float64)
    out = np.empty(u.shape, dtype=np.int64)
    return _contiguous_sample_nb(np.int64(m_count), np.int64(s), u, out)


# ---------------------------------------------------------------------------
# matched tuples: one pseudo-event per real event from its own pool
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _matched_sample_nb(pool, off, tday, s, u, out, start):  # pragma: no cover - compiled
    n_need = out.shape[0]
    k = off.shape[0] - 1
    filled = start
    used = 0
    tmp = np.empty(k, dtype=np.int64)
    day = np.empty(k, dtype=tday.dtype)
    for b in range(u.shape[0]):
        if filled >= n_need:
            break
        used += 1
        # pick the tuple's members in order, each checked against those before it: a
        # tuple is rejected at its first close pair (the same tuples as checking them all)
        ok = True
        for i in range(k):
            size = off[i + 1] - off[i]
            j = np.int64(u[b, i] * size)
            if j >= size:
                j = size - 1
            tmp[i] = pool[off[i] + j]
            day[i] = tday[tmp[i]]
            for m in range(i):
                d = day[m] - day[i]
                if d < 0:
                    d = -d
                if d < s:
                    ok = False
                    break
            if not ok:
                break
        if ok:
            for i in range(k):
                out[filled, i] = tmp[i]
            filled += 1
    return filled, used


def matched_sample_py(pool, off, tday, s, u, out, start):
    """Plain-numpy twin of :func:`matched_sample` (vectorised over the proposals)."""
    u = np.ascontiguousarray(u, dtype=np.float64)
    n_need = out.shape[0]
    if start >= n_need:
        return start, 0
    size = np.diff(off)
    j = np.minimum((u * size).astype(np.int64), size - 1)
    cand = pool[off[:-1] + j]
    k = cand.shape[1]
    ok = np.ones(u.shape[0], dtype=bool)
    for a in range(k):
        for b in range(a + 1, k):
            ok &= np.abs(tday[cand[:, a]] - tday[cand[:, b]]) >= s
    acc = np.flatnonzero(ok)
    take = acc[: n_need - start]
    out[start : start + len(take)] = cand[take]
    used = (int(take[-1]) + 1) if len(take) == n_need - start else u.shape[0]
    return start + len(take), used


def matched_sample(pool, off, tday, s, u, out, start):
    """Fill ``out[start:]`` with admissible matched tuples by rejection.

    Proposal ``b`` takes, for each real event ``i``, the candidate
    ``pool[off[i] + floor(u[b, i] * size_i)]`` (uniform over its pool); the tuple
    is accepted when all pairs are at least ``s`` days apart. Accepted tuples are
    therefore exactly uniform over the admissible tuples. Returns
    ``(rows filled so far, proposals used)``; the caller supplies more uniforms
    while rows remain.
    """
    u = np.ascontiguousarray(u, dtype=np.float64)
    filled, used = _matched_sample_nb(pool, off, tday, np.int64(s), u, out, np.int64(start))
    return int(filled), int(used)


@nb.njit(cache=True, nogil=True)
def _matched_enumerate_nb(pool, off, tday, s, limit, out):  # pragma: no cover - compiled
    k = off.shape[0] - 1
    ptr = np.zeros(k, dtype=np.int64)
    chosen = np.empty(k, dtype=np.int64)
    cnt = 0
    level = 0
    ptr[0] = off[0]
    while level >= 0:
        if ptr[level] >= off[level + 1]:
            level -= 1
            if level >= 0:
                ptr[level] += 1
            continue
        c = pool[ptr[level]]
        ok = True
        for i in range(level):
            d = tday[chosen[i]] - tday[c]
            if d < 0:
                d = -d
            if d < s:
                ok = False
                break
        if not ok:
            ptr[level] += 1
            continue
        chosen[level] = c
        if level == k - 1:
            if cnt < out.shape[0]:
                for i in range(k):
                    out[cnt, i] = chosen[i]
            cnt += 1
            if cnt > limit:
                return cnt
            ptr[level] += 1
        else:
            level += 1
            ptr[level] = off[level]
    return cnt


def matched_enumerate_py(pool, off, tday, s) -> np.ndarray:
    """Plain-Python twin of :func:`matched_enumerate`: every admissible tuple
    (:func:`itertools.product` of the pools, spacing filter), no limit."""
    pools = [pool[off[i] : off[i + 1]] for i in range(len(off) - 1)]
    rows = [
        c
        for c in itertools.product(*pools)
        if all(abs(tday[a] - tday[b]) >= s for a, b in itertools.combinations(c, 2))
    ]
    return np.array(rows, dtype=np.int64).reshape(-1, len(pools))


def matched_enumerate(pool, off, tday, s, limit: int, *, store: bool) -> tuple[int, np.ndarray]:
    """Count (and, with ``store``, list) the admissible matched tuples, stopping after ``limit``.

    Returns ``(count, rows)``; ``count > limit`` means "more than ``limit``" (the
    enumeration stopped). Depth-first in pool order, the same order as
    :func:`itertools.product` (the plain-Python twin :func:`matched_enumerate_py`).
    """
    k = len(off) - 1
    out = np.empty((int(limit) if store else 0, k), dtype=np.int64)
    cnt = int(_matched_enumerate_nb(pool, off, tday, np.int64(s), np.int64(limit), out))
    return cnt, out[: min(cnt, out.shape[0])]


# ---------------------------------------------------------------------------
# statistics of many sets
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _set_mean_nb(values, idx, out):  # pragma: no cover - compiled
    n, k = idx.shape
    for b in range(n):
        acc = 0.0
        for i in range(k):
            acc += values[idx[b, i]]
        out[b] = acc / k
    return out


@nb.njit(cache=True, nogil=True)
def _set_median_nb(values, idx, out):  # pragma: no cover - compiled
    n, k = idx.shape
    buf = np.empty(k)
    for b in range(n):
        for i in range(k):
            buf[i] = values[idx[b, i]]
        buf.sort()
        h = k // 2
        out[b] = buf[h] if k % 2 == 1 else (buf[h - 1] + buf[h]) / 2.0
    return out


def set_statistic_py(values: np.ndarray, idx: np.ndarray, kind: int) -> np.ndarray:
    """Plain-numpy twin of :func:`set_statistic`."""
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    if kind == MEAN:
        acc = values[idx[:, 0]].copy()
        for i in range(1, idx.shape[1]):
            acc += values[idx[:, i]]
        return acc / idx.shape[1]
    return np.median(values[idx], axis=1)


def set_statistic(values, idx, kind: int) -> np.ndarray:
    """Mean (``kind=0``) or median (``kind=1``) of ``values[idx[b]]`` for every row ``b``."""
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    out = np.empty(idx.shape[0])
    # one kernel per statistic: a call for the mean never compiles the median's sort
    kernel = _set_mean_nb if kind == MEAN else _set_median_nb
    return kernel(np.ascontiguousarray(values, dtype=np.float64), idx, out)


# ---------------------------------------------------------------------------
# matched tuples: counting without enumerating
# ---------------------------------------------------------------------------
#: Largest table (candidates times 2 ** k cells) :func:`matched_count` fills.
MATCHED_COUNT_CELLS = 2**22


@nb.njit(cache=True, nogil=True)
def _matched_count_nb(which, nxt, k):  # pragma: no cover - compiled
    m_count = which.shape[0]
    n_mask = 1 << k
    table = np.zeros((m_count + 1, n_mask))
    table[m_count, n_mask - 1] = 1.0
    for m in range(m_count - 1, -1, -1):
        bit = 1 << which[m]
        a = nxt[m]
        for mask in range(n_mask):
            v = table[m + 1, mask]
            if mask & bit == 0:
                v += table[a, mask | bit]
            table[m, mask] = v
    return table[0, 0]


def matched_count_py(pool, off, tday, s) -> int:
    """Plain-Python twin of :func:`matched_count` (counts by enumerating)."""
    return len(matched_enumerate_py(pool, off, tday, s))


def matched_count(pool, off, tday, s) -> float | None:
    r"""Number of admissible matched tuples, counted without enumerating them.

    The pool entries (candidate, pool ``i``) are sorted by date (ties by pool);
    an admissible tuple is a chain of entries, one from each pool, each at least
    ``s`` days after the previous one. With :math:`N(m, U)` the number of ways to
    complete a chain that has used the pools in :math:`U` from entries
    :math:`m, m+1, \dots`: :math:`N(m, U) = N(m+1, U) + [i_m \notin U]\,
    N(\mathrm{next}(m), U \cup \{i_m\})`, :math:`N(M, \text{all}) = 1`; the count
    is :math:`N(0, \emptyset)`, in :math:`O(M 2^k)` operations instead of one per
    tuple. Exact in floating point while the count is below :math:`2^{53}`.

    Returns None when the table would exceed :data:`MATCHED_COUNT_CELLS` cells
    (many events): count with :func:`matched_enumerate` then. The plain twin
    :func:`matched_count_py` enumerates.
    """
    k = len(off) - 1
    sizes = np.diff(off)
    m_count = int(off[-1] - off[0])
    if k == 0 or (m_count + 1) * 2**k > MATCHED_COUNT_CELLS:
        return None
    which = np.repeat(np.arange(k, dtype=np.int64), sizes)
    day = np.asarray(tday)[np.asarray(pool)[off[0] : off[-1]]]
    order = np.lexsort((which, day))
    day, which = day[order], which[order]
    nxt = np.searchsorted(day, day + s, side="left").astype(np.int64)
    nxt = np.maximum(nxt, np.arange(1, m_count + 1))  # s = 0: a later entry (another pool)
    return float(_matched_count_nb(which, nxt, np.int64(k)))
