"""The scan over leaders x followers x event definitions x horizons (internal)."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from .._rng import RNGLike, check_rng
from .._typing import ClockLike, DateLike, DatesLike, PricesLike
from ..events import Events, breakouts
from ._cells import PVALUE_COLUMNS, CellTask, FamilyPart, run_chunk
from ._grid import (
    DEFAULT_DEFINITIONS,
    DEFAULT_HORIZONS,
    DEMONSTRATION_FOLLOWERS,
    DEMONSTRATION_LEADERS,
    GIVEN,
    Definition,
    ScanOptions,
    check_options,
    named_series,
)
from ._result import ScanResult

DASK_HINT = 'pip install "riskcycle[dask]"'


#: leaders of a scan: one series or events, a sequence of them, or a dict naming them
LeadersLike: TypeAlias = (
    "PricesLike | Events | Sequence[PricesLike | Events] | Mapping[str, PricesLike | Events]"
)
#: followers of a scan: one series, a sequence of them, or a dict naming them
FollowersLike: TypeAlias = "PricesLike | Sequence[PricesLike] | Mapping[str, PricesLike]"


def _scan_iv(**kwargs: Any) -> ScanOptions:
    return check_options(**kwargs)


# ---------------------------------------------------------------------------
# steps
# ---------------------------------------------------------------------------
def _followers(items, opts: ScanOptions, clock) -> list:
    from .._sample import follower_data, truncate

    out = []
    for name, data in named_series(items, "follower", clock):
        fd = follower_data(data, follower_clock=clock, name=name)
        fd = dataclasses.replace(fd, name=name)
        if opts.as_of is not None:
            fd = truncate(fd, opts.as_of)
            if fd.n < 3:
                raise ValueError(
                    f"`as_of` ({opts.as_of.date()}) leaves fewer than three observations of "
                    f"the follower {name!r}."
                )
        out.append(fd)
    return out


def _events(data: Any, d: Definition, opts: ScanOptions, clock: Any) -> Any:
    """The events of one definition known at ``as_of`` (None: the definition does not apply)."""
    if isinstance(data, Events):
        return data if opts.as_of is None else data.between(None, opts.as_of)
    lead = data if opts.as_of is None else data.loc[: opts.as_of]
    lead.attrs = dict(data.attrs)
    if d.use_high and (not isinstance(lead, pd.DataFrame) or "high" not in lead.columns):
        return None
    return breakouts(lead, **d.kwargs(), clock=clock)


def _bitcoin_like(name: str, opts: ScanOptions) -> bool:
    if opts.bitcoin_like is None:
        low = name.lower()
        return "btc" in low or "bitcoin" in low
    return name in opts.bitcoin_like


def _grid(leaders, fds, opts: ScanOptions, leader_clock, seeds, fw_seeds) -> tuple[list, list]:
    """Cell metadata and the tasks to run (each with its follower's family-wise seed)."""
    meta, tasks = [], []
    leader_events = []
    for lname, data in leaders:
        defs = (
            (Definition("given", 0, None, 0.0, False, None),)
            if isinstance(data, Events)
            else opts.definitions
        )
        clock = data.clock if isinstance(data, Events) else leader_clock
        leader_events.append(
            (lname, clock, [(d, _events(data, d, opts, leader_clock)) for d in defs])
        )
    for fi, fd in enumerate(fds):
        btc_like = _bitcoin_like(fd.name, opts)
        for lname, clock, evs in leader_events:
            for d, events in evs:
                for h in opts.horizons:
                    idx = len(meta)
                    meta.append(
                        {
                            "follower": fd.name,
                            "leader": lname,
                            "definition": d.label if d.method != "given" else GIVEN,
                            "method": d.method,
                            "min_gap": d.min_gap if d.method == "record" else np.nan,
                            "window": d.window if d.window is not None else np.nan,
                            "margin": d.margin,
                            "use_high": d.use_high,
                            "horizon": h,
                            "bitcoin_like": btc_like,
                        }
                    )
                    if events is None:
                        continue
                    lclock = events.clock if isinstance(events, Events) else clock
                    tasks.append(
                        CellTask(idx, fi, h, events, lclock, btc_like, seeds[idx], fw_seeds[fi])
                    )
    return meta, tasks


@contextlib.contextmanager
def _engine(opts: ScanOptions) -> Iterator[tuple[str | None, int]]:
    """The joblib backend and worker count of ``opts`` (Dask: a client on the scheduler)."""
    import joblib

    if opts.backend == "sequential":
        with joblib.parallel_config(backend="sequential"):
            yield "sequential", 1
        return
    if opts.backend == "threads":
        yield "threading", opts.n_jobs
        return
    if opts.backend == "loky":
        yield "loky", opts.n_jobs
        return
    try:
        import distributed
    except ImportError:
        raise ValueError(
            "backend='dask' needs dask.distributed, which is not installed: "
            f"{DASK_HINT} (or pip install 'dask[distributed]')."
        ) from None
    client = None
    if opts.scheduler is not None:
        client = distributed.Client(opts.scheduler)
    else:
        try:
            distributed.get_client()
        except ValueError:
            raise ValueError(
                "backend='dask' needs a running dask.distributed Client: start one "
                "(distributed.Client() or a LocalCluster) or pass `scheduler`."
            ) from None
    try:
        with joblib.parallel_config(backend="dask"):
            yield None, opts.n_jobs
    finally:
        if client is not None:
            client.close()


def _execute(
    fds: list, tasks: list[CellTask], opts: ScanOptions
) -> tuple[dict[int, dict], dict[str, dict]]:
    """Run the cells (fixed-size chunks) on the engine; merge the family-wise pieces.

    Every chunk also computes its cells' family-wise pieces (each cell's p-values on
    its follower's shared circular shifts, reduced to their minimum over the chunk's
    cells), so the family-wise test needs no second pass and no barrier.
    """
    from joblib import Parallel, delayed
    from tqdm import tqdm

    size = opts.chunk_size
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    jobs = (
        delayed(run_chunk)({t.follower: fds[t.follower] for t in ch}, ch, opts) for ch in chunks
    )
    out: dict[int, dict] = {}
    parts = [FamilyPart() for _ in fds]
    with (
        _engine(opts) as (backend, n_jobs),
        tqdm(
            total=len(chunks),
            desc="scan",
            unit="chunk",
            file=sys.stderr,
            disable=not opts.progress,
        ) as bar,
    ):
        kw = {} if backend is None else {"backend": backend}
        run = Parallel(n_jobs=n_jobs, return_as="generator", batch_size=1, **kw)
        for rows, chunk_parts in run(jobs):
            out.update(rows)
            for fi, part in chunk_parts.items():
                parts[fi].merge(part)
            bar.update()
    return out, {fd.name: part.result() for fd, part in zip(fds, parts, strict=True)}


def _qvalues(p: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini-Hochberg and Benjamini-Yekutieli q-values (statsmodels) of the finite p."""
    from statsmodels.stats.multitest import multipletests

    bh = np.full(p.shape, np.nan)
    by = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        bh[ok] = multipletests(p[ok], alpha=alpha, method="fdr_bh")[1]
        by[ok] = multipletests(p[ok], alpha=alpha, method="fdr_by")[1]
    return bh, by


def _assemble(meta, results, fw_by_follower, opts: ScanOptions) -> pd.DataFrame:
    rows = []
    for idx, m in enumerate(meta):
        r = results.get(idx)
        if r is None:
            r = {
                "status": "not_applicable",
                "verdict": "not_assessed",
                "n_events": 0,
                "n_excluded": 0,
                "event_dates": "",
                "first_event": pd.NaT,
                "last_event": pd.NaT,
                "cell_notes": "use_high needs a 'high' column in the leader",
            }
        rows.append({**m, **r})
    df = pd.DataFrame(rows)
    df["pvalue_shift"] = np.nan
    df["pvalue_family_wise"] = np.nan
    for fw in fw_by_follower.values():
        df.loc[fw["index"], "pvalue_shift"] = fw["pvalue_shift"]
        df.loc[fw["index"], "pvalue_family_wise"] = fw["pvalue_family_wise"]
    df["pvalue"] = df["pvalue_calibrated_placebo"].astype(float)
    bh, by = _qvalues(df["pvalue"].to_numpy(dtype=float), opts.alpha)
    df["qvalue_bh"] = bh
    df["qvalue_by"] = by
    p = df["pvalue"].to_numpy(dtype=float)
    df["significant"] = np.isfinite(p) & (p <= opts.alpha)
    df["significant_bh"] = np.isfinite(bh) & (bh <= opts.alpha)
    df["significant_by"] = np.isfinite(by) & (by <= opts.alpha)
    return df[list(COLUMNS)]


COLUMNS = (
    "follower",
    "leader",
    "definition",
    "method",
    "min_gap",
    "window",
    "margin",
    "use_high",
    "horizon",
    "bitcoin_like",
    "status",
    "n_events",
    "n_excluded",
    "first_event",
    "last_event",
    "event_dates",
    "min_spacing",
    "statistic",
    "random_mean",
    "effect",
    "effect_ci_low",
    "effect_ci_high",
    "n_hits",
    "base_rate",
    *PVALUE_COLUMNS,
    "verdict",
    "pvalue",
    "qvalue_bh",
    "qvalue_by",
    "significant",
    "significant_bh",
    "significant_by",
    "pvalue_shift",
    "pvalue_family_wise",
    "cell_notes",
)


def _family_frame(df: pd.DataFrame, fw_by_follower: dict, names: list[str]) -> pd.DataFrame:
    rows = []
    for name in names:
        fw = fw_by_follower[name]
        sub = df[df["follower"] == name]
        ok = sub[np.isfinite(sub["pvalue_shift"])]
        best = ok.loc[ok["pvalue_shift"].idxmin()] if len(ok) else None
        rows.append(
            {
                "follower": name,
                "n_cells": len(ok),
                "statistic": float(ok["pvalue_shift"].min()) if len(ok) else np.nan,
                "pvalue": float(ok["pvalue_family_wise"].min()) if len(ok) else np.nan,
                "best_leader": best["leader"] if best is not None else "",
                "best_definition": best["definition"] if best is not None else "",
                "best_horizon": int(best["horizon"]) if best is not None else -1,
                "n_resamples": len(fw["null"]),
            }
        )
    return pd.DataFrame(rows)


def _notes(df: pd.DataFrame, opts: ScanOptions) -> tuple[str, ...]:
    m = int(df["pvalue"].notna().sum())
    floor = 1.0 / (1 + opts.n_calibration)
    if m and floor * m > opts.alpha:
        return (
            f"With {m} cells and n_calibration={opts.n_calibration}, the smallest calibrated "
            f"p-value ({floor:.2g}) times {m} exceeds alpha: no cell can pass "
            f"Benjamini-Hochberg at {opts.alpha:g}; use n_calibration >= "
            f"{int(np.ceil(m / opts.alpha)) - 1}.",
        )
    return ()


# ---------------------------------------------------------------------------
# public function
# ---------------------------------------------------------------------------
def scan(
    leaders: LeadersLike = DEMONSTRATION_LEADERS,
    followers: FollowersLike = DEMONSTRATION_FOLLOWERS,
    *,
    definitions: Sequence[dict] = DEFAULT_DEFINITIONS,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    as_of: DateLike | None = None,
    alpha: float = 0.05,
    confidence_level: float = 0.95,
    alternative: str = "greater",
    tests: Sequence[str] = ("placebo", "placebo_era", "hit_count"),
    bitcoin_like: str | Sequence[str] = "auto",
    threshold: float = 0.0,
    eras: str | DatesLike | None = "halving",
    halving_window: int = 90,
    n_resamples: int = 999,
    n_calibration: int = 4999,
    calibration_resamples: int = 199,
    leader_clock: ClockLike | None = None,
    follower_clock: ClockLike | None = None,
    backend: str = "loky",
    n_jobs: int | None = 1,
    chunk_size: int = 4,
    progress: bool = False,
    scheduler: str | None = None,
    rng: RNGLike = None,
) -> ScanResult:
    r"""Scan a claim over leaders, followers, event definitions and horizons.

    Every cell (one leader, one follower, one event definition, one horizon) is
    the claim "after the leader's events, the follower rose more than on random
    days", tested as :func:`riskcycle.assess_signal` tests it: the plain placebo
    test, the era-stratified and halving-matched placebo tests where the
    follower is Bitcoin-like, and the exact binomial test of the hit count, each
    with its nominal p-value and its p-value calibrated on the follower's own
    history (:func:`riskcycle.inference.calibrate`). Across cells the scan
    reports Benjamini-Hochberg and Benjamini-Yekutieli q-values, a family-wise
    p-value per follower (max statistic over all its cells on shared draws) and
    the specification curve.

    Parameters
    ----------
    leaders : name, path, DataFrame, Series, Events, or a sequence or dict of them
        The leaders (default: the bundled demonstration's, ``("rut", "spx",
        "ndx", "iwm")``): bundled names (``"rut"``), CSV paths (read with
        :func:`riskcycle.datasets.read_prices`, ``leader_clock`` required),
        price frames or series, or :class:`~riskcycle.Events` (their dates are
        the events; ``definitions`` do not apply). A dict gives the names.
    followers : name, path, DataFrame, Series, or a sequence or dict of them
        The followers, as ``leaders`` (default: the bundled demonstration's,
        ``("btc", "btc_long", "eth")``) (``follower_clock`` for CSV files).
    definitions : sequence of dict, default five definitions
        Keyword arguments of :func:`riskcycle.breakouts` (``method``,
        ``min_gap``, ``window``, ``margin``, ``use_high``, ``min_spacing``).
        The default: a close above the record after 250 and after 500
        sessions without one, the same with the intraday high, with a 2%
        margin, and a 252-session rolling high. An intraday definition does
        not apply to a leader without highs (its cells are ``not_applicable``).
    horizons : sequence of int, default (30, 90, 180, 365)
        Calendar-day horizons.
    as_of : date, optional
        Cut leaders and followers at this date before anything is computed.
    alpha : float, default 0.05
        Level of the significance flags, the sizes and the verdicts.
    confidence_level : float, default 0.95
        Of the effect's interval.
    alternative : {"greater", "less", "two-sided"}, default "greater"
    tests : sequence of str, default ("placebo", "placebo_era", "hit_count")
        The verdict's tests to run in each cell, from ``"placebo"`` (always),
        ``"placebo_era"``, ``"placebo_halving_matched"`` (Bitcoin-like
        followers only; the matched test costs ``n_calibration`` x
        ``calibration_resamples`` matched draws per cell) and ``"hit_count"``.
    bitcoin_like : "auto" or sequence of str, default "auto"
        Followers on which the halving eras and the halving matching apply;
        ``"auto"``: names containing "btc" or "bitcoin".
    threshold : float, default 0
        Simple-return threshold of a hit.
    eras : None, "halving" or sequence of dates, default "halving"
        Eras of the era-stratified test and of the calibration's random sets
        on Bitcoin-like followers (other followers: one era).
    halving_window : int, default 90
        Of the halving-matched test.
    n_resamples : int, default 999
        Placebo draws per cell, and shared draws of the family-wise test per
        follower.
    n_calibration : int, default 4999
        Random event sets of each calibration. The calibrated p-value cannot go
        below :math:`1/(1 + n)`, so with :math:`m` cells no cell can pass
        Benjamini-Hochberg at ``alpha`` unless :math:`m/(1 + n) \le \alpha`
        (the result's notes say so).
    calibration_resamples : int, default 199
        Matched draws per set of the halving-matched test's calibration.
    leader_clock, follower_clock : str or SessionClock, optional
        Clocks of user data (CSV files, frames without ``attrs["clock"]``).
    backend : {"loky", "threads", "sequential", "dask"}, default "loky"
        joblib backend. ``"dask"`` runs on a dask.distributed cluster (the
        optional extra ``riskcycle[dask]``): the current Client, or one
        connected to ``scheduler``.
    n_jobs : int, default 1
        Worker processes (-1: all cores; None: one). Unlike the single analyses,
        whose ``n_jobs`` are threads in this process and default to all cores, a
        scan's workers are processes, so it starts with one.
    chunk_size : int, default 4
        Cells per task.
    progress : bool, default False
        A tqdm progress bar on stderr.
    scheduler : str, optional
        Address of a Dask scheduler (``"tcp://host:8786"``), with ``backend="dask"``.
    rng : int, Generator or SeedSequence, optional
        One ``SeedSequence`` child per cell and per follower: the numbers do
        not depend on ``backend``, ``n_jobs`` or ``chunk_size``.

    Returns
    -------
    ScanResult

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (the message names the argument); ``backend="dask"``
        without dask.distributed installed or without a Client.

    See Also
    --------
    riskcycle.assess_signal, riskcycle.inference.calibrate

    Notes
    -----
    **Per cell.** The effect is the events' mean forward log return minus the
    mean over ``n_resamples`` placebo sets (uniform random sets with the events'
    count and minimum spacing on the follower's eligible days). Its interval
    inverts the placebo test under a shift alternative: the shifts
    :math:`\delta` for which :math:`T - \delta` lies between the placebo
    quantiles :math:`q_{(1-c)/2}` and :math:`q_{(1+c)/2}`, i.e.
    :math:`[T - q_{(1+c)/2}, T - q_{(1-c)/2}]` (Lehmann & Romano 2005, sec.
    3.5). The cell's ``pvalue`` (the one the q-values use) is the calibrated
    p-value of the plain placebo test; ``verdict`` applies
    :func:`riskcycle.assess_signal`'s rule to the calibrated p-values of the
    tests run (without its leave-one-out "fragile" check).

    **Across cells.** ``qvalue_bh`` and ``qvalue_by`` are statsmodels'
    ``multipletests`` adjustments (``fdr_bh``: Benjamini & Hochberg 1995,
    valid under independence or positive dependence; ``fdr_by``: Benjamini &
    Yekutieli 2001, valid under any dependence) over every cell with a p-value.

    **Family-wise, per follower.** One set of ``n_resamples`` draws is shared
    by all cells of a follower. Draw :math:`b` is a fraction
    :math:`u_b \in [0, 1)`; at horizon :math:`h` every cell's day-0 bars are
    moved by :math:`\lfloor u_b N_h \rfloor` bars along the circle of the
    :math:`N_h` bars with a complete window (wrapping at its end). All leaders
    and definitions move together, so the overlap of their events and the
    correlation of the horizons are kept (a rotation test; the null: the
    events' timing relative to the follower is arbitrary). Each cell's
    statistic is its p-value among the :math:`B + 1` values (the observed one
    and the draws), and every draw's p-value is ranked among the same
    :math:`B + 1` values, so that the observed set is exchangeable with the
    draws (``pvalue_shift``); the family statistic is the smallest of them, and
    ``pvalue_family_wise`` of a cell is the share of draws whose smallest
    p-value is at most the cell's (single-step min-p adjustment, Westfall &
    Young 1993, p. 47), never below the cell's ``pvalue_shift``. The
    follower's family-wise p-value is the smallest adjusted one. Independent
    uniform sets per cell would lose the dependence between cells, and common
    random numbers across cells of different structure would impose a
    dependence the data do not have.

    Randomness: ``rng`` gives one ``SeedSequence`` (``spawn``) child per cell
    and per follower, so results are bit-identical with any backend, worker
    count and chunk size (tested).

    References
    ----------
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a
    practical and powerful approach to multiple testing. *Journal of the Royal
    Statistical Society B* 57(1), 289-300. doi:10.1111/j.2517-6161.1995.tb02031.x

    Benjamini, Y. & Yekutieli, D. (2001). The control of the false discovery rate
    in multiple testing under dependency. *Annals of Statistics* 29(4),
    1165-1188. doi:10.1214/aos/1013699998

    Lehmann, E. L. & Romano, J. P. (2005). *Testing Statistical Hypotheses*,
    3rd ed. Springer. doi:10.1007/0-387-27605-X

    Simonsohn, U., Simmons, J. P. & Nelson, L. D. (2020). Specification curve
    analysis. *Nature Human Behaviour* 4, 1208-1214.
    doi:10.1038/s41562-020-0912-z

    Westfall, P. H. & Young, S. S. (1993). *Resampling-Based Multiple Testing*.
    Wiley. ISBN 978-0-471-55761-6.

    Examples
    --------
    >>> import riskcycle
    >>> res = riskcycle.scan(["rut"], ["btc"], definitions=[{"min_gap": 250}],
    ...                      horizons=[90, 365], as_of="2026-01-22", n_resamples=199,
    ...                      n_calibration=49, rng=1)
    >>> res.n_cells
    2
    >>> list(res.to_frame()["horizon"])
    [90, 365]
    """
    opts = _scan_iv(
        definitions=definitions,
        horizons=horizons,
        as_of=as_of,
        alpha=alpha,
        confidence_level=confidence_level,
        alternative=alternative,
        tests=tests,
        bitcoin_like=bitcoin_like,
        threshold=threshold,
        eras=eras,
        halving_window=halving_window,
        n_resamples=n_resamples,
        n_calibration=n_calibration,
        calibration_resamples=calibration_resamples,
        backend=backend,
        n_jobs=n_jobs,
        chunk_size=chunk_size,
        progress=progress,
        scheduler=scheduler,
    )
    gen = check_rng(rng)
    root = np.random.SeedSequence(gen.integers(0, 2**63 - 1, size=4).tolist())
    fds = _followers(followers, opts, follower_clock)
    lead = named_series(leaders, "leader", leader_clock)
    n_max = len(lead) * max(len(opts.definitions), 1) * len(opts.horizons) * len(fds)
    cell_seeds = root.spawn(n_max)
    fw_seeds = root.spawn(len(fds))
    meta, tasks = _grid(lead, fds, opts, leader_clock, cell_seeds, fw_seeds)
    results, fw = _execute(fds, tasks, opts)
    df = _assemble(meta, results, fw, opts)
    return ScanResult(
        notes=_notes(df, opts),
        cells=df,
        family_wise=_family_frame(df, fw, [fd.name for fd in fds]),
        null_distributions={name: v["null"] for name, v in fw.items()},
        alpha=opts.alpha,
        leaders=tuple(n for n, _ in lead),
        followers=tuple(fd.name for fd in fds),
        settings=opts.as_dict(),
    )
