"""Threads and random streams of the resampling hot paths (internal, shared).

Used by inference (placebo, GARCH null, power) and the calibration engine
(:mod:`riskcycle._calibration`).

The resampling loops (placebo sets, GARCH paths, power simulations) are cut into
chunks of a fixed size; each chunk draws its random numbers from its own stream,
spawned from the caller's generator (:meth:`numpy.random.Generator.spawn`, which
leaves the caller's stream where it was and advances only its count of children).
The chunks then run on :func:`riskcycle._threads.run_tasks`' threads (numpy's
generators release the GIL for large draws; the kernels are ``nogil`` numba
functions), and the results depend on the seed and the chunk size only, never on
the number of threads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

__all__ = ["chunk_streams", "run_chunks"]


def chunk_streams(rng: np.random.Generator, n: int) -> list[Callable[[], np.random.Generator]]:
    """Makers of ``n`` independent generators spawned from ``rng`` (one per chunk, in order).

    The generators are those of ``rng.spawn(n)`` (numpy's ``BitGenerator.spawn``: the
    same bit generator type seeded by the children of its ``seed_seq``); only the seed
    sequences are spawned here, each generator is built when its chunk calls its maker,
    on the chunk's thread.
    """
    bit_generator = rng.bit_generator
    kind = type(bit_generator)
    return (
        [functools.partial(_make, kind, seq) for seq in bit_generator.seed_seq.spawn(n)]
        if n
        else []
    )


def _make(kind: type, seq: np.random.SeedSequence) -> np.random.Generator:
    return np.random.Generator(kind(seq))


def run_chunks(task: Callable[[int], object], n_chunks: int, n_jobs: int | None) -> None:
    """Call ``task(j)`` for every chunk ``j`` on ``n_jobs`` threads (None: all cores).

    ``task`` must write only chunk ``j``'s outputs.
    """
    from ._threads import run_tasks

    def kernel(lo: int, hi: int) -> None:
        for j in range(lo, hi):
            task(j)

    run_tasks(kernel, n_chunks, threads=n_jobs)
