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
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["N_JOBS_WHAT", "check_n_jobs", "n_threads", "run_tasks", "submit_tasks", "thread_pool"]

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


_local = threading.local()


@contextmanager
def thread_pool(threads: int | None = None) -> Iterator[None]:
    """Reuse one pool of ``threads`` threads for every :func:`run_tasks` /
    :func:`submit_tasks` call made from this thread inside the ``with`` block.

    A call that runs several kernels one after another otherwise starts a new pool
    each time (starting a thread waits for the operating system to schedule it, which
    on a loaded machine costs milliseconds). Calls asking for another number of
    threads, and calls from other threads (a task's own ``run_tasks``), start their
    own pool as before, so nesting cannot deadlock. Results never change.
    """
    threads = n_threads() if threads is None else int(threads)
    if threads <= 1:
        yield
        return
    from concurrent.futures import ThreadPoolExecutor

    previous = getattr(_local, "pool", None)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        _local.pool = (pool, threads)
        try:
            yield
        finally:
            _local.pool = previous


def _ranges(n_tasks: int, threads: int) -> list[tuple[int, int]]:
    n_ranges = min(n_tasks, 4 * threads)
    edges = [n_tasks * i // n_ranges for i in range(n_ranges + 1)]
    return list(itertools.pairwise(edges))


def submit_tasks(
    kernel: Callable[[int, int], object], n_tasks: int, *, threads: int | None = None
) -> list[Future]:
    """Start ``kernel`` on the ranges of tasks ``0..n_tasks`` as :func:`run_tasks` does,
    without waiting: returns the futures to wait for (``f.result()``).

    Inside :func:`thread_pool` with the same number of threads the ranges go to that
    pool, so the calling thread can prepare the next piece of work meanwhile; with one
    thread (or outside such a pool) the kernel runs at once, in the calling thread, and
    the futures returned are already done.
    """
    requested = n_threads() if threads is None else threads
    threads = max(1, min(requested, n_tasks))
    current = getattr(_local, "pool", None)
    if threads > 1 and current is not None and current[1] == requested:
        return [current[0].submit(kernel, lo, hi) for lo, hi in _ranges(n_tasks, threads)]
    from concurrent.futures import Future

    done: Future = Future()
    run_tasks(kernel, n_tasks, threads=requested)
    done.set_result(None)
    return [done]


def run_tasks(
    kernel: Callable[[int, int], object], n_tasks: int, *, threads: int | None = None
) -> None:
    """Call ``kernel(lo, hi)`` on ranges of tasks ``0..n_tasks`` from several threads.

    ``kernel`` must release the GIL and write disjoint outputs for disjoint task
    ranges. The tasks are cut into about four ranges per thread, handed out as threads
    become free (a thread the operating system pauses delays little); with one thread
    or one task the kernel runs once, in the calling thread. Inside
    :func:`thread_pool` (same number of threads, same calling thread) the pool is
    reused instead of started.
    """
    requested = n_threads() if threads is None else threads
    threads = max(1, min(requested, n_tasks))
    if threads == 1:
        if n_tasks > 0:
            kernel(0, n_tasks)
        return
    current = getattr(_local, "pool", None)
    if current is not None and current[1] == requested:
        for f in [current[0].submit(kernel, lo, hi) for lo, hi in _ranges(n_tasks, threads)]:
            f.result()
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for f in [pool.submit(kernel, lo, hi) for lo, hi in _ranges(n_tasks, threads)]:
            f.result()
