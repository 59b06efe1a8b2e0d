"""Normalisation of the ``rng`` argument shared by every stochastic function."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

__all__ = ["RNGLike", "check_rng", "spawn"]

RNGLike: TypeAlias = int | np.integer | np.random.Generator | np.random.SeedSequence | None


def check_rng(rng: RNGLike, name: str = "rng") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng``.

    ``None`` gives fresh OS entropy, an ``int`` or :class:`~numpy.random.SeedSequence`
    a reproducible stream and a ``Generator`` is used as is (not copied), exactly as
    :func:`numpy.random.default_rng` does. Legacy ``RandomState`` objects and floats
    are refused so that the global numpy state is never involved.

    A ``SeedSequence`` is copied first (same ``entropy``, ``spawn_key``, ``pool_size``
    and ``n_children_spawned``): the returned generator spawns its child streams from
    the copy, so passing the same ``SeedSequence`` twice gives the same numbers and the
    caller's object is never advanced.
    """
    if isinstance(rng, bool) or not (
        rng is None
        or isinstance(rng, int | np.integer | np.random.Generator | np.random.SeedSequence)
    ):
        raise TypeError(
            f"`{name}` must be None, an int, a numpy.random.Generator or a "
            f"numpy.random.SeedSequence; got {type(rng).__name__}."
        )
    if isinstance(rng, int | np.integer) and rng < 0:
        raise ValueError(f"`{name}` must be a non-negative integer seed; got {rng}.")
    if isinstance(rng, np.random.SeedSequence):
        rng = _copy_seed_sequence(rng)
    return np.random.default_rng(rng)


def _copy_seed_sequence(seq: np.random.SeedSequence) -> np.random.SeedSequence:
    """A new ``SeedSequence`` in the same state as ``seq`` (spawning it leaves ``seq`` alone)."""
    return np.random.SeedSequence(
        entropy=seq.entropy,
        spawn_key=seq.spawn_key,
        pool_size=seq.pool_size,
        n_children_spawned=seq.n_children_spawned,
    )


def spawn(rng: np.random.Generator, n: int) -> list[np.random.Generator]:
    """Independent child generators of ``rng`` (numpy's ``Generator.spawn``)."""
    return list(rng.spawn(n))
