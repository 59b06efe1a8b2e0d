"""Random-entry null and block-bootstrap confidence interval of the Sharpe ratio (internal).

Random numbers are drawn here, with numpy from the caller's generator; the
compiled kernels in :mod:`._nb` only consume them.
"""

from __future__ import annotations

import numpy as np

from .._resample import politis_white_block_length, stationary_blocks

__all__ = ["bootstrap_sharpe", "random_entry_trades"]

_MAX_ROUNDS = 200  # rejection rounds before giving up on phase-matched placements


def _distinct_sorted(rng: np.random.Generator, n_rep: int, n: int, m: int) -> np.ndarray:
    """``n_rep`` rows of ``n`` distinct integers from ``0..m-1``, sorted (exactly uniform)."""
    out = np.sort(rng.integers(0, m, size=(n_rep, n)), axis=1)
    bad = (np.diff(out, axis=1) == 0).any(axis=1) if n > 1 else np.zeros(n_rep, dtype=bool)
    while bad.any():
        redo = np.sort(rng.integers(0, m, size=(int(bad.sum()), n)), axis=1)
        out[bad] = redo
        bad = (np.diff(out, axis=1) == 0).any(axis=1)
    return out


def _to_csr(entries: np.ndarray, exits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_rep, n = entries.shape
    offsets = np.arange(n_rep + 1, dtype=np.int64) * n
    return offsets, entries.reshape(-1).astype(np.int64), exits.reshape(-1).astype(np.int64)


def random_entry_trades(
    lengths: np.ndarray,
    is_open: np.ndarray,
    n_bars: int,
    first: int,
    n_resamples: int,
    rng: np.random.Generator,
    *,
    phase: np.ndarray | None = None,
    target_phase: np.ndarray | None = None,
    phase_window: float = 0.125,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Random non-overlapping trades with given holding lengths (compressed rows).

    Parameters
    ----------
    lengths : ndarray of int
        Bars from entry to exit of each real trade (to the last bar for an open one).
    is_open : ndarray of bool
        Whether the real trade was still open at the end; a random copy of it that
        also ends on the last bar stays open (no exit fee), like the real one.
    n_bars, first : int
        Entries may be at bars ``first .. n_bars - 1``; exits at most ``n_bars - 1``.
    phase, target_phase : ndarray, optional
        Halving-cycle fraction of every bar and of each real trade's entry: when
        given, random trade ``k`` enters at a bar whose circular phase distance to
        ``target_phase[k]`` is at most ``phase_window``.

    Returns
    -------
    offsets, entries, exits : ndarray
        ``n_resamples`` strategies of ``len(lengths)`` trades each.

    Notes
    -----
    Without phase matching every configuration of non-overlapping trades with
    these lengths (in any order) in the admissible range is equally likely: the
    order of the lengths is a random permutation and the gaps between trades
    follow from ``n`` distinct sorted draws among ``F + n`` slots, ``F`` being the
    number of free bars (the "stars and bars" bijection). With phase matching each
    trade draws its entry uniformly from its own candidate bars and overlapping
    draws are rejected, which is uniform over the admissible configurations.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    is_open = np.asarray(is_open, dtype=bool)
    n = len(lengths)
    last = n_bars - 1
    if phase is None:
        free = (n_bars - first) - int((lengths + 1).sum())
        if free < 0:
            raise ValueError(
                "the real trades do not fit again into the admissible range of "
                "follower bars; the random-entry null is undefined."
            )
        perm = np.argsort(rng.random((n_resamples, n)), axis=1)
        lens = lengths[perm]
        opens = is_open[perm]
        g = _distinct_sorted(rng, n_resamples, n, free + n) - np.arange(n)
        before = np.cumsum(lens + 1, axis=1) - (lens + 1)
        ent = first + g + before
    else:
        cands = []
        for k in range(n):
            bars = np.arange(first, n_bars - lengths[k])
            d = np.abs(phase[bars] - target_phase[k]) % 1.0
            d = np.minimum(d, 1.0 - d)
            c = bars[d <= phase_window]
            if len(c) == 0:
                raise ValueError(
                    f"no admissible entry bar within phase_window={phase_window:g} "
                    f"of trade {k}'s halving phase; widen `phase_window`."
                )
            cands.append(c)
        ent = np.empty((n_resamples, n), dtype=np.int64)
        got = 0
        for _ in range(_MAX_ROUNDS):
            m = max(2 * (n_resamples - got), 64)
            draw = np.column_stack([c[rng.integers(0, len(c), size=m)] for c in cands])
            order = np.argsort(draw, axis=1, kind="stable")
            e_sorted = np.take_along_axis(draw, order, axis=1)
            x_sorted = e_sorted + lengths[order]
            ok = (e_sorted[:, 1:] > x_sorted[:, :-1]).all(axis=1)
            take = draw[ok][: n_resamples - got]
            ent[got : got + len(take)] = take
            got += len(take)
            if got == n_resamples:
                break
        else:
            raise ValueError(
                "phase-matched random entries could not be placed without overlap "
                f"(acceptance too low after {_MAX_ROUNDS} rounds); widen "
                "`phase_window` or disable `match_halving_phase`."
            )
        lens = np.broadcast_to(lengths, ent.shape)
        opens = np.broadcast_to(is_open, ent.shape)
        order = np.argsort(ent, axis=1, kind="stable")
        ent = np.take_along_axis(ent, order, axis=1)
        lens = np.take_along_axis(lens, order, axis=1)
        opens = np.take_along_axis(opens, order, axis=1)
    ext = ent + lens
    ext = np.where(opens & (ext == last), -1, ext)
    return _to_csr(ent, ext)


def bootstrap_sharpe(
    returns: np.ndarray,
    *,
    n_resamples: int,
    periods_per_year: int,
    rng: np.random.Generator,
    block_length: float | None = None,
    chunk: int = 2048,
) -> tuple[np.ndarray, float]:
    """Stationary-bootstrap distribution of the annualised Sharpe ratio.

    The mean block length is Politis & White's (2004, with Patton, Politis & White
    2009's correction) estimate for the stationary bootstrap from
    :func:`arch.bootstrap.optimal_block_length` unless given (at least 1; guards in
    :func:`riskcycle._resample.politis_white_block_length`).
    """
    from . import _nb

    x = np.asarray(returns, dtype=float)
    n = len(x)
    if block_length is None:
        block_length = politis_white_block_length(x)
    block_length = max(float(block_length), 1.0)
    out = np.empty(n_resamples)
    for lo in range(0, n_resamples, chunk):
        m = min(chunk, n_resamples - lo)
        starts, lengths = stationary_blocks(rng, n, block_length, m)
        out[lo : lo + m] = _nb.stationary_bootstrap_sharpe(x, starts, lengths, periods_per_year)
    return out, block_length
