"""The ``riskcycle scan`` subcommand (parser and handler)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._cliargs import horizons_arg

_KEYS = {"method": str, "min_gap": int, "window": int, "margin": float, "min_spacing": int}


def _names(text: str) -> list[str]:
    out = [v.strip() for v in text.split(",") if v.strip()]
    if not out:
        raise argparse.ArgumentTypeError(f"expected comma-separated names; got {text!r}")
    return out


def _definition(text: str) -> dict:
    """``method=record,min_gap=250,use_high=1`` -> a dict of breakouts arguments."""
    out: dict[str, Any] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in (*_KEYS, "use_high"):
            raise argparse.ArgumentTypeError(
                f"a definition is key=value pairs from {[*_KEYS, 'use_high']}; got {text!r}"
            )
        try:
            out[key] = (
                value.strip().lower() in ("1", "true", "yes")
                if key == "use_high"
                else _KEYS[key](value.strip())
            )
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"bad value for {key} in {text!r}") from exc
    return out


def add_scan_parser(
    subparsers: argparse._SubParsersAction,
) -> argparse.ArgumentParser:
    """Add the ``scan`` subcommand to the ``riskcycle`` command line's subparsers."""
    p = subparsers.add_parser(
        "scan",
        help="scan the claim over leaders x followers x definitions x horizons "
        "(FDR q-values, family-wise p, specification curve)",
    )
    p.add_argument(
        "--leaders",
        type=_names,
        default=["rut", "spx", "ndx", "iwm"],
        help="comma-separated bundled names or CSV paths (default rut,spx,ndx,iwm: the "
        "bundled demonstration)",
    )
    p.add_argument(
        "--followers",
        type=_names,
        default=["btc", "btc_long", "eth"],
        help="comma-separated bundled names or CSV paths (default btc,btc_long,eth)",
    )
    p.add_argument("--leader-clock", default=None, help="clock of CSV leaders")
    p.add_argument("--follower-clock", default=None, help="clock of CSV followers")
    p.add_argument(
        "--definition",
        type=_definition,
        action="append",
        default=None,
        help="an event definition, e.g. method=record,min_gap=250,use_high=1 "
        "(repeatable; default: the five of riskcycle.scanning.DEFAULT_DEFINITIONS)",
    )
    p.add_argument(
        "--horizons",
        type=horizons_arg,
        default=(30, 90, 180, 365),
        help="comma-separated horizons in days (default 30,90,180,365)",
    )
    p.add_argument("--as-of", default=None, help="cut all data at this date")
    p.add_argument("--alpha", type=float, default=0.05, help="level (default 0.05)")
    p.add_argument("--n-resamples", type=int, default=999, help="placebo draws (default 999)")
    p.add_argument(
        "--n-calibration",
        type=int,
        default=4999,
        help="calibration sets per test and cell (default 4999)",
    )
    p.add_argument(
        "--matched",
        action="store_true",
        help="also run the halving-matched test on Bitcoin-like followers (slow)",
    )
    p.add_argument("--backend", default="loky", choices=["loky", "threads", "sequential", "dask"])
    p.add_argument("--n-jobs", type=int, default=1, help="workers (default 1; -1: all cores)")
    p.add_argument(
        "--scheduler", default=None, help="Dask scheduler address (implies --backend dask)"
    )
    p.add_argument("--seed", type=int, default=20260122)
    p.add_argument("--csv", default=None, help="write one row per cell to this CSV file")
    p.add_argument("--figure", default=None, help="write the figure (PNG, SVG or PDF)")
    p.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    p.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    p.set_defaults(func=run_scan_command)
    return p


def run_scan_command(
    args: argparse.Namespace, progress: Callable[[str], None] | None = None
) -> int:
    """Handler of ``riskcycle scan``: the summary on stdout, optional CSV and figure."""
    from ._grid import DEFAULT_DEFINITIONS
    from ._scan import scan

    tests = ["placebo", "placebo_era", "hit_count"]
    if args.matched:
        tests.append("placebo_halving_matched")
    if progress is not None:
        progress("scanning (progress bar below)")
    res = scan(
        args.leaders,
        args.followers,
        definitions=args.definition or DEFAULT_DEFINITIONS,
        horizons=args.horizons,
        as_of=args.as_of,
        alpha=args.alpha,
        tests=tests,
        n_resamples=args.n_resamples,
        n_calibration=args.n_calibration,
        backend="dask" if args.scheduler else args.backend,
        n_jobs=args.n_jobs,
        scheduler=args.scheduler,
        progress=not args.quiet,
        leader_clock=args.leader_clock,
        follower_clock=args.follower_clock,
        rng=args.seed,
    )
    print(res.summary())
    if args.csv:
        res.to_frame().to_csv(Path(args.csv), index=False)
    if args.figure:
        import matplotlib

        matplotlib.use("Agg")
        fig = res.plot()
        fig.savefig(Path(args.figure), dpi=120)
    return 0
