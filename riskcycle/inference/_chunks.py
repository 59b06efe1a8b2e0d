"""Chunks of a resampling loop on threads, started without waiting (internal).

The placebo sets and the GARCH paths are cut into chunks of a fixed size, each
drawing its random numbers from its own stream (:func:`._parallel.chunk_streams`),
so the numbers depend on the seed and the chunk size only. :func:`start_chunks`
hands the chunks out one at a time to ``n_jobs`` threads (a thread that finishes
early takes the next chunk: no range of chunks waits behind a slow one) and returns
at once, so that the calling thread can assemble the rest of the result while the
compiled kernels run; the caller then waits with the returned function. With one
thread the chunks run at once, in the calling thread.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

__all__ = ["start_chunks"]


def start_chunks(
    task: Callable[[int], object], n_chunks: int, n_jobs: int | None
) -> Callable[[], None]:
    """Start ``task(j)`` for ``j`` in ``0..n_chunks-1`` on ``n_jobs`` threads (None: all).

    ``task`` must write only chunk ``j``'s outputs and release the GIL for most of its
    time (numpy's generators and the ``nogil`` kernels do). Returns ``wait()``, which
    blocks until every chunk is done and re-raises the first exception of a chunk.
    """
    from .._threads import n_threads

    threads = max(1, min(n_threads() if n_jobs is None else int(n_jobs), n_chunks))
    if threads == 1:
        for j in range(n_chunks):
            task(j)
        return _done
    from concurrent.futures import ThreadPoolExecutor

    counter = itertools.count()  # next() on it is atomic under the GIL
    failed: list[BaseException] = []

    def worker() -> None:
        for j in iter(counter.__next__, None):
            if j >= n_chunks or failed:
                return
            try:
                task(j)
            except BaseException as exc:  # stop the other workers, re-raised in wait()
                failed.append(exc)
                raise

    pool = ThreadPoolExecutor(max_workers=threads)
    futures = [pool.submit(worker) for _ in range(threads)]
    pool.shutdown(wait=False)

    def wait() -> None:
        try:
            for f in futures:
                f.exception()
        except BaseException as exc:  # e.g. KeyboardInterrupt: the workers stop too
            failed.append(exc)
            raise
        if failed:
            raise failed[0]

    return wait


def _done() -> None:
    return None
