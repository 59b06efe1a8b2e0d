"""The report's independent stages, run in this process or in worker processes.

Each stage is a module-level function of picklable arguments (frames, options and
its own random stream, spawned in a fixed order before any stage runs) that returns
a :class:`StageOutput`: the sections it built, its numbers, its claims and the
warnings it raised. The report assembles the outputs in a fixed order, so the
document, the numbers and the list of warnings do not depend on where or in which
order the stages ran.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import sys
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._document import Document, Section

if TYPE_CHECKING:  # pragma: no cover
    from ._sections import Spec

__all__ = [
    "Collector",
    "StageOutput",
    "StageRunner",
    "stage_backtest",
    "stage_case",
    "stage_markets",
    "stage_regimes",
    "stage_scan",
]


class Collector:
    """Runs a stage, keeping its warnings for the report instead of the console."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def run(self, label: str, fn: Callable[[], Any]) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn()
        self.extend(f"{label}: {w.category.__name__}: {w.message}" for w in caught)
        return out

    def extend(self, messages: Iterable[str]) -> None:
        """Add messages not seen before, in their order."""
        for msg in messages:
            if msg not in self.messages:
                self.messages.append(msg)


@dataclass(frozen=True, slots=True)
class StageOutput:
    """What one stage adds to the report."""

    sections: tuple[Section, ...] = ()
    numbers: dict | None = None
    claims: tuple = ()
    messages: tuple[str, ...] = ()
    value: Any = None


def stage_case(
    leader: pd.DataFrame, spec: Spec, *, nulls: tuple[str, int] | None = None
) -> StageOutput:
    """assess_signal for one specification of the few-event inference; with ``nulls``
    (the follower's name and the horizon), also its figure of the null distributions,
    drawn here rather than in the process that assembles the report."""
    from ._sections import run_case

    col = Collector()
    case = run_case(col, leader, spec)
    sections: tuple[Section, ...] = ()
    if nulls is not None:
        import matplotlib.pyplot as plt

        from ._figures import fig_nulls

        s = Section("figures")
        s.figure(fig_nulls(case.result, *nulls), "inference")
        plt.close("all")
        sections = (s,)
    return StageOutput(sections=sections, messages=tuple(col.messages), value=case)


def stage_scan(leader, follower, *, as_of, rule, n_resamples, rng) -> StageOutput:
    """The scan block of the robustness section (its blocks are returned in one section)."""
    from ._sections import scan_block

    col = Collector()
    numbers: dict[str, Any] = {}
    s = Section("scan")
    scan_block(
        s, numbers, col, leader, follower, as_of=as_of, rule=rule, n_resamples=n_resamples, rng=rng
    )
    return StageOutput(sections=(s,), numbers=numbers, messages=tuple(col.messages))


def stage_regimes(follower, *, n_resamples, rng) -> StageOutput:
    """The volatility-regimes section and claim 6."""
    from ._sections import regimes_section

    col = Collector()
    numbers: dict[str, Any] = {}
    doc = Document(title="")
    claims = regimes_section(doc, numbers, col, follower, n_resamples=n_resamples, rng=rng)
    return StageOutput(
        sections=tuple(doc.sections),
        numbers=numbers,
        claims=tuple(claims),
        messages=tuple(col.messages),
    )


def stage_backtest(leader, follower, *, rule, horizon, n_resamples, rng) -> StageOutput:
    """The backtest section and claim 14."""
    from ._sections import backtest_section

    col = Collector()
    numbers: dict[str, Any] = {}
    doc = Document(title="")
    claims = backtest_section(
        doc,
        numbers,
        col,
        leader,
        follower,
        rule=rule,
        horizon=horizon,
        n_resamples=n_resamples,
        rng=rng,
    )
    return StageOutput(
        sections=tuple(doc.sections),
        numbers=numbers,
        claims=tuple(claims),
        messages=tuple(col.messages),
    )


def stage_markets(follower, *, alpha, n_resamples, rng) -> StageOutput:
    """Claims 9 and 10 (other markets) on the follower's Yahoo part."""
    from ._markets import market_claims

    col = Collector()
    btc = (
        follower.loc[follower["source"] == "yahoo"].copy()
        if "source" in follower
        else follower.copy()
    )
    btc.attrs = dict(follower.attrs)
    out = market_claims(col, btc, alpha=alpha, n_resamples=n_resamples, rng=rng)
    return StageOutput(messages=tuple(col.messages), value=out)


def _fork_available() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class StageRunner:
    """Stages run lazily in this process (``n_jobs=1``) or at once in worker processes.

    With ``n_jobs > 1`` (on Linux, where worker processes are forked and inherit the
    loaded modules and data) every submitted stage starts in a pool of ``n_jobs``
    processes, in the order submitted, while this process goes on; elsewhere, or with
    ``n_jobs=1``, a stage runs when its result is first asked for. ``preload`` names
    modules the stages import and ``prepare`` is work every stage would otherwise repeat
    (caches the workers inherit), both done before the workers start. Either way
    :meth:`result` returns the same output: each stage depends only on its arguments.
    """

    def __init__(
        self,
        n_jobs: int,
        *,
        preload: tuple[str, ...] = (),
        prepare: Callable[[], None] | None = None,
    ) -> None:
        self.parallel = n_jobs > 1 and _fork_available()
        if self.parallel:
            # imported (and prepared) once here rather than once in every worker
            for name in preload:
                importlib.import_module(name)
            if prepare is not None:
                try:
                    prepare()
                except Exception:  # only caches: the stages report the error in their words
                    pass
        # the objects made before the workers are forked (the imported modules, the data,
        # the prepared caches) live as long as the workers: frozen from the fork (the
        # first submit) to close(), the garbage collections skip them, in the workers (a
        # full collection scanned them all, and wrote to the pages the workers share
        # with this process) and here while the report is assembled; nothing is frozen
        # when objects were already frozen as the runner started (the process's own)
        self._freeze_at_fork = self.parallel and gc.get_freeze_count() == 0
        self._frozen = False
        self._pool = (
            ProcessPoolExecutor(max_workers=n_jobs, mp_context=multiprocessing.get_context("fork"))
            if self.parallel
            else None
        )
        self._stages: dict[str, Any] = {}

    def submit(
        self,
        key: str,
        fn: Callable[..., StageOutput],
        *args: Any,
        after: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Start ``fn(*args, **kwargs)``; with ``after``, only once that stage has finished
        (stages that call the same compiled kernels then compile them once: the later ones
        load them from numba's cache). A deferred stage starts as soon as the stage it
        waits for is done, whether or not its output has been asked for, so no worker
        waits for this process."""
        if self._pool is None:
            self._stages[key] = (fn, args, kwargs)
        elif after is not None and isinstance(self._stages.get(after), Future):
            proxy: Future = Future()
            self._stages[key] = proxy
            self._stages[after].add_done_callback(
                lambda _done: self._start_deferred(proxy, fn, args, kwargs)
            )
        else:
            if self._freeze_at_fork:
                self._freeze_at_fork = False
                gc.freeze()
                self._frozen = True
            try:
                with warnings.catch_warnings():
                    # Python >= 3.12 warns that forking a process with threads may deadlock;
                    # the only other threads here are BLAS's idle workers, which
                    # OpenBLAS re-creates after a fork (the first submit forks the workers)
                    warnings.filterwarnings(
                        "ignore", message=".*multi-threaded.*fork", category=DeprecationWarning
                    )
                    self._stages[key] = self._pool.submit(fn, *args, **kwargs)
            except BaseException:
                self._unfreeze()  # no workers to share the frozen objects with
                raise

    def _start_deferred(self, proxy: Future, fn: Callable, args: tuple, kwargs: dict) -> None:
        """Submit a deferred stage (called when the stage it waits for is done, in the
        pool's management thread) and pass its outcome on to ``proxy``."""

        def forward(real: Future) -> None:
            if real.cancelled():
                proxy.cancel()
            elif real.exception() is not None:
                proxy.set_exception(real.exception())
            else:
                proxy.set_result(real.result())

        try:
            if self._pool is None:
                raise RuntimeError("the report's worker processes were shut down")
            self._pool.submit(fn, *args, **kwargs).add_done_callback(forward)
        except RuntimeError as exc:  # shut down (an earlier stage failed)
            proxy.set_exception(exc)

    def has(self, key: str) -> bool:
        return key in self._stages

    def result(self, key: str) -> StageOutput:
        stage = self._stages[key]
        if isinstance(stage, Future):
            return stage.result()
        if isinstance(stage, StageOutput):
            return stage
        fn, args, kwargs = stage
        out = fn(*args, **kwargs)
        self._stages[key] = out
        return out

    def _unfreeze(self) -> None:
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    def close(self) -> None:
        try:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
        finally:
            self._unfreeze()

    def __enter__(self) -> StageRunner:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
