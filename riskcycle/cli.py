"""The ``riskcycle`` command line.

Subcommands reproduce the library's main analyses on bundled data or CSV files.
Errors in the input exit with status 2 and a one-line message; ``--debug``
shows the traceback.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._cliargs import horizons_arg

__all__ = ["main"]


class _Progress:
    """Progress lines on stderr (silenced by --quiet)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.t0 = time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(
                f"[{time.perf_counter() - self.t0:6.1f}s] {message}", file=sys.stderr, flush=True
            )


def _load_series(spec: str, clock: str | None, role: str):
    """A bundled name or a CSV path."""
    from . import datasets

    names = set(datasets.available().index)
    if spec in names:
        return datasets.load(spec)
    path = Path(spec)
    if path.suffix.lower() in (".csv", ".gz") or path.exists():
        if clock is None:
            raise ValueError(
                f"--{role}-clock is required for the CSV {spec!r} "
                "(us_equity_close or utc_midnight)."
            )
        return datasets.read_prices(path, clock=clock, name=path.stem, nan_policy="omit")
    raise ValueError(
        f"--{role} must be a bundled series {sorted(names)} or a CSV path; got {spec!r}."
    )


def _pair_data(args: argparse.Namespace, *, truncate: bool) -> tuple[Any, Any]:
    """Leader and follower from --leader/--follower, cut at --as-of when ``truncate``."""
    leader = _load_series(args.leader, args.leader_clock, "leader")
    follower = _load_series(args.follower, args.follower_clock, "follower")
    if truncate and args.as_of:
        leader, follower = leader.loc[: args.as_of], follower.loc[: args.as_of]
    return leader, follower


def _check_options(args: argparse.Namespace) -> None:
    """Every numeric and date option of the analysis subcommands, before any work starts."""
    import math

    import pandas as pd

    def positive_int(flag: str, value: Any, what: str = "a positive integer") -> None:
        if value is not None and value < 1:
            raise ValueError(f"{flag} must be {what}; got {value}.")

    positive_int("--min-gap", getattr(args, "min_gap", None), "a positive number of sessions")
    positive_int("--horizon", getattr(args, "horizon", None), "a positive number of days")
    positive_int("--n-resamples", getattr(args, "n_resamples", None))
    positive_int("--jobs", getattr(args, "jobs", None))
    seed = getattr(args, "seed", None)
    if seed is not None and seed < 0:
        raise ValueError(f"--seed must be a non-negative integer; got {seed}.")
    for flag, attr, upper in (
        ("--margin", "margin", math.inf),
        ("--fees", "fees", 1.0),
        ("--slippage", "slippage", 1.0),
    ):
        value = getattr(args, attr, None)
        if value is not None and not (math.isfinite(value) and 0 <= value < upper):
            allowed = "a non-negative number" if upper == math.inf else "a fraction in [0, 1)"
            raise ValueError(f"{flag} must be {allowed}; got {value}.")
    for flag, attr in (("--as-of", "as_of"), ("--start", "start"), ("--end", "end")):
        value = getattr(args, attr, None)
        if value is None:
            continue
        try:
            ok = pd.Timestamp(value) is not pd.NaT
        except (ValueError, TypeError, OverflowError):
            ok = False
        if not ok:
            raise ValueError(f"{flag} must be a date such as 2026-01-22; got {value!r}.")


def _prepare_out(out: str, force: bool) -> Path:
    """A fresh or emptied output folder that is known to be writable, before the analysis."""
    import tempfile

    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--out must be a folder; {str(path)!r} is a file.")
    if path.is_dir() and any(path.iterdir()) and not force:
        raise ValueError(
            f"--out folder {str(path)!r} is not empty; choose a new folder or pass --force "
            "to overwrite the report files in it."
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise OSError(f"--out folder {str(path)!r} is not writable ({exc}).") from exc
    return path


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", action="store_true", help="no progress messages on stderr")
    p.add_argument("--debug", action="store_true", help="show tracebacks on errors")


def _pair(p: argparse.ArgumentParser) -> None:
    p.add_argument("--leader", default="rut", help="bundled name or CSV path (default: rut)")
    p.add_argument(
        "--follower", default="btc_long", help="bundled name or CSV path (default: btc_long)"
    )
    p.add_argument(
        "--leader-clock",
        default=None,
        help="clock of a CSV leader (us_equity_close, utc_midnight)",
    )
    p.add_argument("--follower-clock", default=None, help="clock of a CSV follower")
    p.add_argument(
        "--min-gap",
        type=int,
        default=250,
        help="sessions without a new high before a breakout (default 250)",
    )
    p.add_argument(
        "--margin",
        type=float,
        default=0.0,
        help="required excess over the record, fraction (default 0)",
    )
    p.add_argument("--use-high", action="store_true", help="intraday variant: use daily highs")
    p.add_argument(
        "--horizons",
        type=horizons_arg,
        default=(30, 90, 180, 365),
        help="comma-separated horizons in calendar days (default 30,90,180,365)",
    )
    p.add_argument("--as-of", default=None, help="truncate all data at this date (as-of analysis)")


def _events(args: argparse.Namespace, progress: _Progress) -> int:
    import pandas as pd

    import riskcycle

    leader, follower = _pair_data(args, truncate=True)
    progress(f"detecting breakouts in {leader.attrs.get('name')}")
    ev = riskcycle.breakouts(
        leader, min_gap=args.min_gap, margin=args.margin, use_high=args.use_high
    )
    print(ev.summary())
    progress("event study of the follower")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = riskcycle.event_study(follower, ev, horizons=args.horizons)
        frame = res.to_frame()
        table = (
            1 + frame.pivot(index="event_date", columns="horizon", values="return_to_date")
        ).round(3)
        table = table.rename(columns=lambda h: f"x{h}d").map(lambda v: f"{v:.3f}")
        done = frame.pivot(index="event_date", columns="horizon", values="complete")
        for (date, h), complete in done.stack().items():
            if not complete:
                table.loc[date, f"x{h}d"] = f"{table.loc[date, f'x{h}d']}*"
        print()
        print(
            f"{follower.attrs.get('name')}: growth of 1 from day 0 after each event "
            "(horizon in calendar days; * = window incomplete, growth so far):"
        )
        print(table.to_string())
        for w in caught:
            print(f"note: {w.message}", file=sys.stderr)
    return 0


def _default_jobs() -> int:
    """The CPUs this process may use, at most 4 (the report has about ten stages)."""
    import os

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cpus or 1))


def _report(args: argparse.Namespace, progress: _Progress) -> int:
    from .report import build_report

    created = not Path(args.out).exists()
    out = _prepare_out(args.out, args.force)  # fail now, not after the analysis
    try:
        # as-of truncation happens inside (the follow-up needs the later data)
        leader, follower = _pair_data(args, truncate=False)
        report = build_report(
            leader=leader,
            follower=follower,
            as_of=args.as_of or "2026-01-22",
            min_gap=args.min_gap,
            margin=args.margin,
            use_high=args.use_high,
            horizons=args.horizons,
            horizon=max(args.horizons),
            n_resamples=args.n_resamples,
            progress=progress,
            n_jobs=args.jobs or _default_jobs(),
            rng=args.seed,
        )
    except BaseException:
        if created and out.is_dir() and not any(out.iterdir()):
            out.rmdir()  # leave no empty folder behind
        raise
    progress(f"writing {out}")
    paths = report.write(out)
    for kind, path in paths.items():
        print(f"{kind:>8}: {path}")
    return 0


def _assess(args: argparse.Namespace, progress: _Progress) -> int:
    import riskcycle

    # as-of truncation happens inside (the follow-up needs the later data)
    leader, follower = _pair_data(args, truncate=False)
    progress("assessing the signal (placebo, bootstrap, GARCH null, base rate, power)")
    res = riskcycle.assess_signal(
        leader,
        follower,
        min_gap=args.min_gap,
        margin=args.margin,
        use_high=args.use_high,
        horizons=args.horizons,
        horizon=max(args.horizons) if args.horizon is None else args.horizon,
        as_of=args.as_of,
        n_resamples=args.n_resamples,
        rng=args.seed,
    )
    print(res.summary())
    return 0


def _backtest(args: argparse.Namespace, progress: _Progress) -> int:
    import riskcycle
    from riskcycle.backtesting import DEFAULT_GRID

    leader, follower = _pair_data(args, truncate=True)
    events = riskcycle.breakouts(
        leader, min_gap=args.min_gap, margin=args.margin, use_high=args.use_high
    )
    progress("backtesting (riskcycle's kernel; the first run compiles it)")
    with _notes():
        res = riskcycle.backtest(
            follower,
            events,
            horizon=args.horizon,
            delay=args.delay,
            fees=args.fees,
            slippage=args.slippage,
            n_resamples=args.n_resamples,
            rng=args.seed,
        )
    print(res.summary())
    if args.sweep:
        progress("parameter sweep with SPA, StepM, deflated Sharpe ratio and PBO")
        grid = riskcycle.sweep(
            leader,
            follower,
            **DEFAULT_GRID,
            fees=args.fees,
            slippage=args.slippage,
            n_resamples=min(args.n_resamples, 1000),
            rng=args.seed,
        )
        print()
        print(grid.summary())
    return 0


@contextmanager
def _notes() -> Iterator[None]:
    """Warnings of a stage printed as one ``note:`` line each on stderr (as ``events`` does)."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        print(f"note: {w.category.__name__}: {w.message}", file=sys.stderr)


def _regimes(args: argparse.Namespace, progress: _Progress) -> int:
    import riskcycle

    prices = _load_series(args.series, args.clock, "series")
    bench = None
    if args.benchmarks:
        bench = {b: _load_series(b, None, "benchmarks") for b in args.benchmarks.split(",") if b}
    import numpy as np

    from .regimes import halving_phase_control

    breaks = tuple(b for b in args.breaks.split(",") if b)
    window = f"{args.window}D" if args.window is not None else None
    if args.window is not None and args.window <= 0:
        raise ValueError(f"--window must be a positive number of days; got {args.window}.")
    if args.halving_control and len(breaks) != 1:
        raise ValueError(f"--halving-control needs exactly one break; got {len(breaks)}.")
    s_main, s_ctrl = np.random.SeedSequence(args.seed).spawn(2)
    progress("fitting regimes (realised, GARCH, bootstrap ratio, ICSS)")
    res = riskcycle.volatility_regimes(
        prices,
        breaks=breaks,
        window=window,
        benchmarks=bench,
        n_resamples=args.n_resamples,
        rng=s_main,
    )
    print(res.summary())
    if args.halving_control:
        progress("halving-phase control (same phase of earlier cycles)")
        ctrl = halving_phase_control(
            prices,
            break_date=breaks[0],
            window=window or "365D",
            n_resamples=args.n_resamples,
            rng=s_ctrl,
        )
        print()
        print(ctrl.summary())
    return 0


def _data(args: argparse.Namespace, progress: _Progress) -> int:
    import pandas as pd

    from . import datasets

    if args.action == "list":
        reg = datasets.available()
        cols = ["description", "clock", "first_date", "last_date", "rows"]
        with pd.option_context("display.width", 200, "display.max_colwidth", 70):
            print(reg[cols].to_string())
    elif args.action == "describe":
        if args.name is None:
            print(datasets.provenance())
        else:
            info = datasets.available().loc[datasets._check_name(args.name)]
            for key, value in info.items():
                print(f"{key:>16}: {value}")
    elif args.action == "fetch":
        if not args.name or not args.clock or not args.out:
            raise ValueError("data fetch needs SYMBOL, --clock and --out.")
        progress(f"downloading {args.name}")
        frame = datasets.fetch(
            args.name,
            clock=args.clock,
            start=args.start,
            end=args.end,
            cache=args.out,
            refresh=True,
        )
        print(f"wrote {len(frame)} rows to {args.out}")
    return 0


def _add_events(sub: Any) -> None:
    pe = sub.add_parser("events", help="breakout events and the follower's return after each")
    _pair(pe)
    _common(pe)
    pe.set_defaults(func=_events)


def _add_report(sub: Any) -> None:
    pr = sub.add_parser(
        "report", help="the main job: reproduce the commentary's claims (HTML, Markdown and JSON)"
    )
    _pair(pr)
    pr.add_argument(
        "--out", default="riskcycle-report", help="output folder (default riskcycle-report)"
    )
    pr.add_argument(
        "--n-resamples", type=int, default=2000, help="resamples per method (default 2000)"
    )
    pr.add_argument("--seed", type=int, default=20260122, help="random seed (default 20260122)")
    pr.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="processes for the statistical stages (default: the CPUs available, at most 4; "
        "the numbers do not depend on it)",
    )
    pr.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty --out folder, overwriting the report files in it",
    )
    _common(pr)
    pr.set_defaults(func=_report)


def _add_assess(sub: Any) -> None:
    pa = sub.add_parser(
        "assess",
        help="few-event inference for the signal (placebo, "
        "bootstrap, GARCH null, base rate, power, verdict)",
    )
    _pair(pa)
    pa.add_argument(
        "--horizon",
        type=int,
        default=None,
        help="horizon of the inference in days (default: the largest of --horizons)",
    )
    pa.add_argument("--n-resamples", type=int, default=9999)
    pa.add_argument("--seed", type=int, default=20260122)
    _common(pa)
    pa.set_defaults(func=_assess)


def _add_backtest(sub: Any) -> None:
    pb = sub.add_parser(
        "backtest",
        help="trade the follower on the leader's breakouts "
        "(vectorbt), with random-entry null and optional parameter sweep",
    )
    _pair(pb)
    pb.add_argument(
        "--horizon", type=int, default=365, help="holding period in calendar days (default 365)"
    )
    pb.add_argument("--delay", default="0h", help="execution delay after the signal (e.g. 1D)")
    pb.add_argument("--fees", type=float, default=0.001, help="fees per side (default 0.001)")
    pb.add_argument(
        "--slippage", type=float, default=0.001, help="slippage per side (default 0.001)"
    )
    pb.add_argument(
        "--sweep", action="store_true", help="also run the 90-combination grid with SPA and PBO"
    )
    pb.add_argument("--n-resamples", type=int, default=1999)
    pb.add_argument("--seed", type=int, default=20260122)
    _common(pb)
    pb.set_defaults(func=_backtest)


def _add_regimes(sub: Any) -> None:
    pg = sub.add_parser("regimes", help="volatility regimes around break dates")
    pg.add_argument("--series", default="btc", help="bundled name or CSV path (default btc)")
    pg.add_argument("--clock", default=None, help="clock of a CSV series")
    pg.add_argument("--breaks", default="2024-01-10", help="comma-separated break dates")
    pg.add_argument(
        "--benchmarks",
        default="rut,spx,ndx",
        help="comma-separated bundled names for the correlation regime ('' for none)",
    )
    pg.add_argument(
        "--window",
        type=int,
        default=None,
        help="equal calendar windows of this many days before and after the (single) break "
        "(default: all data; the halving control then uses 365)",
    )
    pg.add_argument(
        "--halving-control",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also compare the same halving-cycle phase in earlier cycles (default on)",
    )
    pg.add_argument("--n-resamples", type=int, default=9999)
    pg.add_argument("--seed", type=int, default=20240110)
    _common(pg)
    pg.set_defaults(func=_regimes)


def _add_data(sub: Any) -> None:
    pd_ = sub.add_parser("data", help="list, describe or fetch data")
    pd_.add_argument("action", choices=["list", "describe", "fetch"])
    pd_.add_argument(
        "name", nargs="?", default=None, help="bundled name (describe) or symbol (fetch)"
    )
    pd_.add_argument("--clock", default=None, help="fetch: us_equity_close or utc_midnight")
    pd_.add_argument("--start", default=None)
    pd_.add_argument("--end", default=None)
    pd_.add_argument("--out", default=None, help="fetch: CSV file to write")
    _common(pd_)
    pd_.set_defaults(func=_data)


def _parser() -> argparse.ArgumentParser:
    """The main parser: one step per subcommand, in the order of ``riskcycle --help``."""
    from ._version import __version__
    from .scanning import add_scan_parser

    p = argparse.ArgumentParser(
        prog="riskcycle",
        description="Statistical backtesting of cross-asset cycle signals "
        "(default setting: Russell 2000 breakouts -> Bitcoin).",
    )
    p.add_argument("--version", action="version", version=f"riskcycle {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for add in (_add_events, _add_report, _add_assess, _add_backtest, _add_regimes, _add_data):
        add(sub)
    add_scan_parser(sub)
    return p


def _freeze_at_exit() -> None:
    """At interpreter exit, :func:`gc.freeze` the objects left before the finalization.

    A command loads numpy, pandas, matplotlib, numba, arch and statsmodels; the collections
    that Python runs while it tears down their modules at exit took about 0.5 s after the
    report was written. Frozen objects are left out of them (the memory of any cycle among
    them goes back with the process). Only for the ``riskcycle`` command itself
    (:func:`_entry`, ``python -m riskcycle.cli``): a program that calls :func:`main` keeps
    its own exit-time collection, and the finalizers of its objects in reference cycles.
    """
    atexit.unregister(gc.freeze)  # registered once
    atexit.register(gc.freeze)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``riskcycle`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    progress = _Progress(getattr(args, "quiet", False))
    func: Callable[[argparse.Namespace, _Progress], int] = args.func
    try:
        if args.command != "regimes":
            _check_options(args)
        return func(args, progress)
    except (ValueError, TypeError, KeyError, OSError, ImportError) as exc:
        if getattr(args, "debug", False):
            raise
        print(f"riskcycle: error: {exc}", file=sys.stderr)
        return 2


def _entry() -> Any:  # pragma: no cover
    _freeze_at_exit()
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    _freeze_at_exit()
    sys.exit(main())
