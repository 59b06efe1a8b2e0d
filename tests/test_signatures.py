"""The public vocabulary (CONTRIBUTING.md, "Glossary"), checked on every public signature.

Each rule walks the public functions and the public methods of the public classes.
Where a function does not follow a rule yet, it is listed in that rule's allowlist
with the reason; the test fails both for a new deviation and for an allowlisted one
that has been fixed (so the lists only shrink).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pandas as pd
import pytest

from riskcycle._rng import RNGLike
from riskcycle._typing import PricesLike

PUBLIC_MODULES = (
    "riskcycle",
    "riskcycle.inference",
    "riskcycle.eventstudy",
    "riskcycle.backtesting",
    "riskcycle.regimes",
    "riskcycle.snooping",
    "riskcycle.cycles",
    "riskcycle.calendar",
    "riskcycle.datasets",
    "riskcycle.scanning",
    "riskcycle.events",
    "riskcycle.report",
)


def public_callables() -> dict[str, object]:
    """``qualified name -> function`` for every public function and public method."""
    out: dict[str, object] = {}
    seen: set[int] = set()
    for name in PUBLIC_MODULES:
        mod = importlib.import_module(name)
        for attr in getattr(mod, "__all__", ()):
            obj = getattr(mod, attr)
            if inspect.isfunction(obj) and id(obj) not in seen:
                seen.add(id(obj))
                out[obj.__name__] = obj
            elif inspect.isclass(obj) and obj.__module__.startswith("riskcycle"):
                for meth_name, meth in vars(obj).items():
                    if meth_name.startswith("_") or not inspect.isfunction(meth):
                        continue
                    if id(meth) not in seen:
                        seen.add(id(meth))
                        out[f"{obj.__name__}.{meth_name}"] = meth
    return out


CALLABLES = public_callables()


def _params(func) -> list[inspect.Parameter]:
    return list(inspect.signature(func).parameters.values())


def _check(rule, allowed: dict[str, str]) -> None:
    bad = {name: why for name, f in CALLABLES.items() if (why := rule(f))}
    new = {k: v for k, v in bad.items() if k not in allowed}
    assert not new, f"signatures breaking the rule: {new}"
    fixed = sorted(set(allowed) - set(bad))
    assert not fixed, f"allowlisted but now following the rule (remove them): {fixed}"


def test_the_walk_finds_the_public_api():
    # the rules below would pass vacuously on an empty walk
    for name in ("placebo_test", "event_study", "backtest", "scan", "spa_test", "calibrate"):
        assert name in CALLABLES
    assert len(CALLABLES) > 80


# ---------------------------------------------------------------------------
# rng: keyword-only, last, RNGLike, default None
# ---------------------------------------------------------------------------
def _rng_rule(f) -> str:
    ps = _params(f)
    names = [p.name for p in ps]
    if "rng" not in names:
        return ""
    p = ps[names.index("rng")]
    if names[-1] != "rng":
        return "rng is not the last parameter"
    if p.kind is not p.KEYWORD_ONLY:
        return "rng is not keyword-only"
    if p.default is not None:
        return f"rng defaults to {p.default!r}"
    if "RNGLike" not in str(p.annotation):
        return f"rng is annotated {p.annotation!r}, not RNGLike"
    return ""


RNG_ALLOWED = {
    # the report is reproducible by default: its rng defaults to the seed 20260122
    "build_report": "rng defaults to a fixed seed (a reproducible report)",
}


def test_rng_is_keyword_only_last_and_rnglike():
    _check(_rng_rule, RNG_ALLOWED)


# ---------------------------------------------------------------------------
# n_jobs: keyword-only, with the other execution options after the statistical ones
# ---------------------------------------------------------------------------
EXECUTION = {"backend", "n_jobs", "chunk_size", "progress", "scheduler"}


def _n_jobs_rule(f) -> str:
    ps = _params(f)
    names = [p.name for p in ps]
    if "n_jobs" not in names:
        return ""
    i = min(names.index(n) for n in EXECUTION if n in names)
    if any(p.kind is not p.KEYWORD_ONLY for p in ps[i:]):
        return "an execution option is not keyword-only"
    rest = [n for n in names[i:] if n not in EXECUTION and n != "rng"]
    if rest:
        return f"statistical options after the execution options: {rest}"
    return ""


def test_n_jobs_is_keyword_only_before_rng():
    _check(_n_jobs_rule, {})


# ---------------------------------------------------------------------------
# delay: the zero delay is NO_DELAY (a Timedelta of 0), the same object everywhere
# ---------------------------------------------------------------------------
def _delay_rule(f) -> str:
    ps = {p.name: p for p in _params(f)}
    if "delay" not in ps:
        return ""
    d = ps["delay"].default
    if isinstance(d, tuple):  # a grid of delays (sweep)
        d = d[0] if len(d) == 1 else d
    if not (isinstance(d, pd.Timedelta) and d == pd.Timedelta(0)):
        return f"delay defaults to {d!r}"
    return ""


DELAY_ALLOWED: dict[str, str] = {}


def test_zero_delay_default_is_no_delay():
    _check(_delay_rule, DELAY_ALLOWED)


# ---------------------------------------------------------------------------
# clocks: keyword-only, the leader's before the follower's (data-flow order)
# ---------------------------------------------------------------------------
def _clock_rule(f) -> str:
    ps = _params(f)
    names = [p.name for p in ps]
    for p in ps:
        if p.name.endswith("_clock") and p.kind is not p.KEYWORD_ONLY:
            return f"{p.name} is not keyword-only"
    if "leader_clock" in names and "follower_clock" in names:
        if names.index("leader_clock") > names.index("follower_clock"):
            return "follower_clock before leader_clock"
    return ""


CLOCK_ALLOWED: dict[str, str] = {}


def test_clocks_keyword_only_leader_first():
    _check(_clock_rule, CLOCK_ALLOWED)


# ---------------------------------------------------------------------------
# data first, in data-flow order; options keyword-only
# ---------------------------------------------------------------------------
DATA_NAMES = {
    "leader",
    "follower",
    "events",
    "events_or_signal",
    "prices",
    "returns",
    "returns_or_sr",
    "losses_or_returns",
    "leaders",
    "followers",
    "markets",
    "benchmarks",
    "before",
    "after",
    "x",
    "y",
    "dates",
    "leader_dates",
    "data",
    "name",
    "symbol",
    "clock",
    "ax",
    "self",
    "cls",
    "level",
    "kind",
    "start",
    "end",
    "other",
    "fname",
    "path",
    "subparsers",
    "args",
}


def _data_first_rule(f) -> str:
    if "." in f.__qualname__:  # a result's methods take their own options (alpha, ...)
        return ""
    ps = _params(f)
    positional = [p.name for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    options = [n for n in positional if n not in DATA_NAMES]
    if options:
        return f"options taken by position: {options}"
    order = [n for n in positional if n in ("leader", "leaders", "follower", "followers")]
    if order and order != sorted(order, key=lambda n: 0 if n.startswith("leader") else 1):
        return f"follower before leader: {positional}"
    if "events" in positional and "follower" in positional:
        if positional.index("events") < positional.index("follower"):
            return "events before the follower they are placed on"
    return ""


def test_data_positional_in_data_flow_order_options_keyword_only():
    _check(_data_first_rule, DATA_FIRST_ALLOWED)


DATA_FIRST_ALLOWED = {
    "run_scan_command": "a console-script handler, called as handler(args, progress) by cli.main",
}


# ---------------------------------------------------------------------------
# one name per concept
# ---------------------------------------------------------------------------
#: names that mean something the glossary names otherwise
SYNONYMS = {
    "hold": "horizon (the forward window in calendar days)",
    "holding_period": "horizon",
    "n_boot": "n_resamples",
    "n_draws": "n_resamples",
    "n_sims": "n_simulations",
    "level": "confidence_level (or alpha for a test's level)",
    "ci_level": "confidence_level",
    "seed": "rng",
    "random_state": "rng",
    "side": "alternative",
    "tail": "alternative",
}


def _synonym_rule(f) -> str:
    hits = [f"{p.name} (say {SYNONYMS[p.name]})" for p in _params(f) if p.name in SYNONYMS]
    return "; ".join(hits)


SYNONYM_ALLOWED: dict[str, str] = {}


def test_one_name_per_concept():
    _check(_synonym_rule, SYNONYM_ALLOWED)


#: what `method` may mean: the rule that defines events (record or rolling highs)
METHOD_MEANING = {"record", "rolling"}


def _method_rule(f) -> str:
    ps = {p.name: p for p in _params(f)}
    if "method" not in ps:
        return ""
    d = ps["method"].default
    if d in METHOD_MEANING:
        return ""
    return f"method={d!r} means something other than the event rule"


METHOD_ALLOWED: dict[str, str] = {}


def test_method_means_the_event_rule_only():
    _check(_method_rule, METHOD_ALLOWED)


@pytest.mark.parametrize(
    ("name", "want"),
    [
        ("alternative", {"greater", "less", "two-sided"}),
    ],
)
def test_shared_choices_take_the_same_values(name, want):
    # a shared option name accepts the same spelling everywhere: its default is one of
    # the glossary's values
    for qual, f in CALLABLES.items():
        p = inspect.signature(f).parameters.get(name)
        if p is not None and p.default is not inspect.Parameter.empty:
            assert p.default in want, (qual, p.default)


def test_one_file_name_for_result_modules():
    # every subpackage keeps its result classes in _result.py (riskcycle/_results.py is
    # the shared mixin and summary module, not a package's results)
    from pathlib import Path

    import riskcycle

    root = Path(riskcycle.__file__).parent
    plural = sorted(str(p.relative_to(root)) for p in root.glob("*/_results.py"))
    assert not plural, f"result modules named _results.py: {plural}"
    assert len(list(root.glob("*/_result.py"))) >= 6


# ---------------------------------------------------------------------------
# annotations: every parameter has a named type (riskcycle._typing), never Any
# ---------------------------------------------------------------------------
def _any_rule(f) -> str:
    def untyped(p) -> bool:
        if p.annotation is inspect.Parameter.empty:
            return True
        parts = {part.strip() for part in str(p.annotation).split("|")}
        return bool(parts & {"Any", "typing.Any"})

    bad = [p.name for p in _params(f) if p.name not in ("self", "cls") and untyped(p)]
    return f"parameters typed Any or not annotated: {bad}" if bad else ""


def test_parameters_have_named_types():
    # riskcycle._typing names what an argument accepts (PricesLike, EventsLike, ...);
    # `Any` says nothing to a reader or a type checker
    _check(_any_rule, {})


def test_the_any_rule_can_fail():
    def untyped(follower, *, rng: RNGLike = None): ...

    def typed_any(follower: Any, horizon: int = 1): ...

    def typed(follower: PricesLike, horizon: int = 1): ...

    assert "follower" in _any_rule(untyped)
    assert "follower" in _any_rule(typed_any)
    assert _any_rule(typed) == ""


def test_function_signatures_resolve_at_run_time():
    # runtime checkers (typeguard, beartype, pydantic) call typing.get_type_hints: the
    # named types are real typing objects, riskcycle's classes forward references
    import typing

    import matplotlib.axes  # noqa: F401 (AxesLike's forward reference)

    import riskcycle.calendar  # ClockLike's forward reference
    import riskcycle.events  # EventsLike's

    failed = {}
    for qual, f in CALLABLES.items():
        if "." in qual:  # methods: plot() returns a Figure only type checkers see
            continue
        try:
            typing.get_type_hints(f)
        except Exception as exc:  # collected and reported below
            failed[qual] = f"{type(exc).__name__}: {exc}"
    assert not failed, failed
    hints = typing.get_type_hints(riskcycle.backtest)
    assert pd.DataFrame in typing.get_args(hints["follower"])
