"""Independent tasks of a compiled kernel on several threads (internal).

riskcycle's heavy kernels are serial numba functions compiled with ``nogil=True``
that process a range of independent tasks (tiles of columns, chunks of resamples,
strategies), each task writing only its own output slots. :func:`run_tasks` calls
them on ranges of tasks from a pool of Python threads, so they run in parallel
without numba's ``parallel=True`` (whose compilation and cache loading take several
times longer and whose threads spin-wait on a busy machine). Results never depend on
the number of threads: no task combines partial results of another.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable
from typing import Any

__all__ = ["N_JOBS_WHAT", "check_n_jobs", "n_threads", "run_tasks"]

N_JOBS_WHAT = "a positive number of threads, -1 or None (all cores)"


def check_n_jobs(n_jobs: Any) -> int | None:
    """Validate ``n_jobs``: a positive int, or ``-1`` / ``None`` for all cores.

    Returns the number of threads, or ``None`` for "all cores" (what
    :func:`n_threads` gives, i.e. ``numba.get_num_threads()``), the value
    :func:`run_tasks` takes as ``threads``. ``TypeError`` for a non-integer (booleans
    included), ``ValueError`` for 0 or a negative number other than -1; both messages
    name ``n_jobs``.
    """
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(
            f"`n_jobs` must be {N_JOBS_WHAT}; got {n_jobs!r} ({type(n_jobs).__name__})."
        )
    n_jobs = int(n_jobs)
    if n_jobs == -1:
        return None
    if n_jobs < 1:
        raise ValueError(f"`n_jobs` must be {N_JOBS_WHAT}; got {n_jobs}.")
    return n_jobs


def n_threads() -> int:
    """Threads to use: ``numba.get_num_threads()`` (``NUMBA_NUM_THREADS``, default: the
    CPUs), the same setting numba's own parallel code follows."""
    import numba

    return int(numba.get_num_threads())


def run_tasks(
    kernel: Callable[[int, int], object], n_tasks: int, *, threads: int | None = None
) -> None:
    """Call ``kernel(lo, hi)`` on ranges of tasks ``0..n_tasks`` from several threads.

    ``kernel`` must release the GIL and write disjoint outputs for disjoint task
    ranges. The tasks are cut into about four ranges per thread, handed out as threads
    become free (a thread the operating system pauses delays little); with one thread
    or one task the kernel runs once, in the calling thread.
    """
    threads = n_threads() if threads is None else threads
    threads = max(1, min(threads, n_tasks))
    if threads == 1:
        if n_tasks > 0:
            kernel(0, n_tasks)
        return
    from concurrent.futures import ThreadPoolExecutor

    n_ranges = min(n_tasks, 4 * threads)
    edges = [n_tasks * i // n_ranges for i in range(n_ranges + 1)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for f in [pool.submit(kernel, lo, hi) for lo, hi in itertools.pairwise(edges)]:
            f.result()
