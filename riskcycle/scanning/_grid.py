"""Inputs of a scan: named series, event definitions and the checked options (internal)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from .._validation import (
    check_alternative,
    check_bool,
    check_choice,
    check_confidence_level,
    check_float,
    check_int,
    check_n_resamples,
    check_timestamp,
)
from ..events import Events

#: the definitions of the default grid (keyword arguments of :func:`riskcycle.breakouts`)
DEFAULT_DEFINITIONS = (
    {"method": "record", "min_gap": 250},
    {"method": "record", "min_gap": 250, "use_high": True},
    {"method": "record", "min_gap": 500},
    {"method": "record", "min_gap": 250, "margin": 0.02},
    {"method": "rolling", "window": 252},
)
DEFAULT_HORIZONS = (30, 90, 180, 365)
#: the bundled demonstration's leaders: Russell 2000, S&P 500, Nasdaq-100 and IWM
DEMONSTRATION_LEADERS = ("rut", "spx", "ndx", "iwm")
#: the bundled demonstration's followers: BTC (2014+), BTC with its 2010-2014 history, ETH
DEMONSTRATION_FOLLOWERS = ("btc", "btc_long", "eth")
#: the bundled demonstration scan: ``riskcycle.scan(**DEMONSTRATION)``
DEMONSTRATION = MappingProxyType(
    {
        "leaders": DEMONSTRATION_LEADERS,
        "followers": DEMONSTRATION_FOLLOWERS,
        "definitions": DEFAULT_DEFINITIONS,
        "horizons": DEFAULT_HORIZONS,
    }
)
#: the tests a scan can run per cell (the verdict's tests of :func:`riskcycle.assess_signal`)
SCAN_TESTS = ("placebo", "placebo_era", "placebo_halving_matched", "hit_count")
BACKENDS = ("sequential", "threads", "loky", "dask")
_DEFINITION_KEYS = ("method", "min_gap", "window", "margin", "use_high", "min_spacing")
GIVEN = "given dates"


@dataclass(frozen=True, slots=True)
class Definition:
    """One event definition (the keyword arguments of :func:`riskcycle.breakouts`)."""

    method: str = "record"
    min_gap: int = 250
    window: int | None = None
    margin: float = 0.0
    use_high: bool = False
    min_spacing: int | None = None

    @property
    def label(self) -> str:
        if self.method == "given":
            return GIVEN
        if self.method == "record":
            core = f"record, gap {self.min_gap}"
        else:
            core = f"rolling {self.window}"
            if self.min_spacing is not None and self.min_spacing != self.window:
                core += f", spacing {self.min_spacing}"
        if self.margin:
            core += f", margin {self.margin:g}"
        return core + (", intraday" if self.use_high else ", close")

    def kwargs(self) -> dict:
        out = {
            "method": self.method,
            "margin": self.margin,
            "use_high": self.use_high,
        }
        if self.method == "record":
            out["min_gap"] = self.min_gap
        else:
            out["window"] = self.window
            out["min_spacing"] = self.min_spacing
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanOptions:
    """The checked options of :func:`riskcycle.scan` (also the result's ``settings``)."""

    definitions: tuple[Definition, ...]
    horizons: tuple[int, ...]
    as_of: pd.Timestamp | None
    alpha: float
    confidence_level: float
    alternative: str
    tests: tuple[str, ...]
    bitcoin_like: tuple[str, ...] | None  # None: "auto"
    threshold: float
    eras: Any
    halving_window: int
    n_resamples: int
    n_calibration: int
    calibration_resamples: int
    backend: str
    n_jobs: int
    chunk_size: int
    progress: bool
    scheduler: str | None

    def as_dict(self) -> dict:
        out = {f: getattr(self, f) for f in self.__dataclass_fields__}
        out["definitions"] = [d.label for d in self.definitions]
        out["as_of"] = None if self.as_of is None else self.as_of.strftime("%Y-%m-%d")
        if isinstance(self.eras, pd.DatetimeIndex):
            out["eras"] = [d.strftime("%Y-%m-%d") for d in self.eras]
        out["bitcoin_like"] = "auto" if self.bitcoin_like is None else list(self.bitcoin_like)
        return out


# ---------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------
def check_definitions(definitions: Any) -> tuple[Definition, ...]:
    if isinstance(definitions, Mapping):
        definitions = [definitions]
    if isinstance(definitions, str) or not isinstance(definitions, Sequence):
        raise TypeError(
            "`definitions` must be a sequence of dicts of riskcycle.breakouts arguments "
            f"(e.g. [{{'method': 'record', 'min_gap': 250}}]); got {type(definitions).__name__}."
        )
    if len(definitions) == 0:
        raise ValueError("`definitions` must hold at least one event definition.")
    out = []
    for i, d in enumerate(definitions):
        if not isinstance(d, Mapping):
            raise TypeError(
                f"`definitions[{i}]` must be a dict of riskcycle.breakouts arguments; "
                f"got {type(d).__name__}."
            )
        unknown = sorted(set(d) - set(_DEFINITION_KEYS))
        if unknown:
            raise ValueError(
                f"`definitions[{i}]` has unknown key(s) {unknown}; allowed: "
                f"{list(_DEFINITION_KEYS)}."
            )
        method = check_choice(
            d.get("method", "record"), f"definitions[{i}]['method']", ("record", "rolling")
        )
        margin = check_float(
            d.get("margin", 0.0),
            f"definitions[{i}]['margin']",
            minimum=0.0,
            what="a non-negative fraction",
        )
        use_high = check_bool(d.get("use_high", False), f"definitions[{i}]['use_high']")
        if method == "record":
            if d.get("window") is not None or d.get("min_spacing") is not None:
                raise ValueError(
                    f"`definitions[{i}]`: 'window' and 'min_spacing' apply to "
                    "method='rolling' only."
                )
            gap = check_int(
                d.get("min_gap", 250),
                f"definitions[{i}]['min_gap']",
                minimum=1,
                what="a positive integer number of sessions",
            )
            out.append(Definition("record", gap, None, margin, use_high, None))
        else:
            if d.get("window") is None:
                raise ValueError(
                    f"`definitions[{i}]` needs a 'window' for method='rolling' (e.g. 252)."
                )
            window = check_int(
                d["window"],
                f"definitions[{i}]['window']",
                minimum=2,
                what="an integer number of sessions",
            )
            spacing = d.get("min_spacing")
            if spacing is not None:
                spacing = check_int(
                    spacing,
                    f"definitions[{i}]['min_spacing']",
                    minimum=1,
                    what="a positive integer number of sessions",
                )
            out.append(Definition("rolling", 250, window, margin, use_high, spacing))
    if len(set(out)) != len(out):
        raise ValueError("`definitions` must be unique; got a repeated definition.")
    return tuple(out)


def check_horizons(horizons: Any) -> tuple[int, ...]:
    if isinstance(horizons, int | np.integer) and not isinstance(horizons, bool):
        horizons = (horizons,)
    if isinstance(horizons, str) or not isinstance(horizons, Sequence | np.ndarray):
        raise TypeError(
            "`horizons` must be a sequence of positive integers (calendar days); "
            f"got {type(horizons).__name__}."
        )
    what = "a positive integer number of calendar days"
    out = tuple(sorted({check_int(h, "horizons", minimum=1, what=what) for h in horizons}))
    if not out:
        raise ValueError("`horizons` must not be empty.")
    return out


def _check_workers(n_jobs: Any) -> int:
    """The scan's worker processes: a positive int, -1 (all cores) or None (one)."""
    if n_jobs is None:
        return 1
    what = "a positive number of worker processes, -1 (all cores) or None (one)"
    n_jobs = check_int(n_jobs, "n_jobs", what=what)
    if n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"`n_jobs` must be {what}; got {n_jobs}.")
    return n_jobs


def check_options(
    *,
    definitions,
    horizons,
    as_of,
    alpha,
    confidence_level,
    alternative,
    tests,
    bitcoin_like,
    threshold,
    eras,
    halving_window,
    n_resamples,
    n_calibration,
    calibration_resamples,
    backend,
    n_jobs,
    chunk_size,
    progress,
    scheduler,
) -> ScanOptions:
    from .._design import check_eras

    if isinstance(tests, str) or not isinstance(tests, Sequence):
        raise TypeError(f"`tests` must be a sequence of names from {SCAN_TESTS}; got {tests!r}.")
    tests = tuple(dict.fromkeys(check_choice(t, "tests", SCAN_TESTS) for t in tests))
    if "placebo" not in tests:
        raise ValueError(
            "`tests` must include 'placebo' (its draws give every cell's effect and interval)."
        )
    if isinstance(bitcoin_like, str):
        if bitcoin_like != "auto":
            raise ValueError(
                f"`bitcoin_like` must be 'auto' or a sequence of follower names; got "
                f"{bitcoin_like!r}."
            )
        bitcoin_like = None
    elif isinstance(bitcoin_like, Sequence):
        bitcoin_like = tuple(str(v) for v in bitcoin_like)
    else:
        raise TypeError(
            "`bitcoin_like` must be 'auto' or a sequence of follower names; got "
            f"{type(bitcoin_like).__name__}."
        )
    backend = check_choice(backend, "backend", BACKENDS)
    n_jobs = _check_workers(n_jobs)
    if scheduler is not None and not isinstance(scheduler, str):
        raise TypeError(f"`scheduler` must be an address string; got {type(scheduler).__name__}.")
    if scheduler is not None and backend != "dask":
        raise ValueError(f"`scheduler` needs backend='dask'; got backend={backend!r}.")
    alpha = check_float(
        alpha,
        "alpha",
        minimum=0.0,
        maximum=1.0,
        inclusive=(False, False),
        what="a significance level",
    )
    n_resamples = check_n_resamples(n_resamples, minimum=19)
    if 1.0 / (1 + n_resamples) > alpha:
        raise ValueError(
            f"`n_resamples` ({n_resamples}) is too small for alpha {alpha}: use at least "
            f"{math.ceil(1 / alpha) - 1}."
        )
    return ScanOptions(
        definitions=check_definitions(definitions),
        horizons=check_horizons(horizons),
        as_of=None if as_of is None else check_timestamp(as_of, "as_of").normalize(),  # type: ignore[union-attr]
        alpha=alpha,
        confidence_level=check_confidence_level(confidence_level),
        alternative=check_alternative(alternative),
        tests=tests,
        bitcoin_like=bitcoin_like,
        threshold=check_float(
            threshold,
            "threshold",
            minimum=-1.0,
            inclusive=(False, True),
            what="a simple-return threshold above -1",
        ),
        eras=check_eras(eras),
        halving_window=check_int(
            halving_window,
            "halving_window",
            minimum=0,
            what="a non-negative integer number of days",
        ),
        n_resamples=n_resamples,
        n_calibration=check_n_resamples(n_calibration, "n_calibration", minimum=19),
        calibration_resamples=check_n_resamples(
            calibration_resamples, "calibration_resamples", minimum=19
        ),
        backend=backend,
        n_jobs=n_jobs,
        chunk_size=check_int(chunk_size, "chunk_size", minimum=1, what="a positive integer"),
        progress=check_bool(progress, "progress"),
        scheduler=scheduler,
    )


# ---------------------------------------------------------------------------
# named series
# ---------------------------------------------------------------------------
def _is_path(obj: Any) -> bool:
    if isinstance(obj, os.PathLike):
        return True
    return isinstance(obj, str) and (
        obj.lower().endswith((".csv", ".csv.gz", ".gz", ".txt")) or Path(obj).exists()
    )


def named_series(items: Any, role: str, clock: Any) -> list[tuple[str, Any]]:
    """``[(name, data)]`` from bundled names, CSV paths, frames, series or a mapping.

    Leaders may also be :class:`~riskcycle.Events` (their dates are the events).
    """
    from .. import datasets

    arg = f"{role}s"
    if isinstance(items, Mapping):
        pairs = [(str(k), v) for k, v in items.items()]
    else:
        if isinstance(items, str | os.PathLike | pd.DataFrame | pd.Series | Events):
            items = [items]
        if not isinstance(items, Sequence):
            raise TypeError(
                f"`{arg}` must be a bundled name, a CSV path, a DataFrame or Series, or a "
                f"sequence or dict of them; got {type(items).__name__}."
            )
        pairs = [(None, v) for v in items]
    if not pairs:
        raise ValueError(f"`{arg}` must hold at least one series.")
    bundled = set(datasets.available().index)
    out = []
    for i, (name, obj) in enumerate(pairs):
        if isinstance(obj, str) and obj in bundled:
            data = datasets.load(obj)
            name = name or obj
        elif _is_path(obj):
            if clock is None:
                raise ValueError(
                    f"`{role}_clock` is required to read the CSV {str(obj)!r} "
                    "(e.g. 'us_equity_close' or 'utc_midnight')."
                )
            path = Path(obj)
            stem = path.name.split(".")[0]
            data = datasets.read_prices(path, clock=clock, name=stem)
            name = name or stem
        elif isinstance(obj, pd.DataFrame | pd.Series):
            data = obj
            name = name or str(obj.attrs.get("name") or getattr(obj, "name", None) or "")
            name = name or f"{role}{i}"
        elif isinstance(obj, Events) and role == "leader":
            data = obj
            name = name or obj.leader_name
        elif isinstance(obj, str):
            raise ValueError(
                f"`{arg}[{i}]` must be a bundled series {sorted(bundled)} or a CSV path; "
                f"got {obj!r}."
            )
        else:
            raise TypeError(
                f"`{arg}[{i}]` must be a bundled name, a CSV path, a DataFrame or a Series; "
                f"got {type(obj).__name__}."
            )
        out.append((name, data))
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError(f"`{arg}` must have unique names; got {names}.")
    return out
