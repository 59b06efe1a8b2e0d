"""Same ``SeedSequence`` twice gives the same numbers and never advances the caller's object.

numpy's ``Generator.spawn`` spawns from the ``SeedSequence`` the generator was built from;
``riskcycle._rng.check_rng`` therefore builds its generator from a copy of a SeedSequence, so
a public function that spawns child streams leaves the caller's object untouched.
"""

from __future__ import annotations

import importlib
import inspect
import warnings

import numpy as np
import pytest
from _small_inputs import STOCHASTIC, same

from riskcycle._rng import check_rng
from riskcycle.exceptions import RiskcycleWarning


def _call(fn, rng):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RiskcycleWarning)  # small inputs warn; not the point
        return fn(rng)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(STOCHASTIC))
def test_same_seedsequence_twice_same_numbers_and_not_mutated(name):
    seq = np.random.SeedSequence(20240110, spawn_key=(3,))
    state = (seq.entropy, seq.spawn_key, seq.pool_size, seq.n_children_spawned)
    first = _call(STOCHASTIC[name], seq)
    assert seq.n_children_spawned == 0, f"{name} spawned from the caller's SeedSequence"
    second = _call(STOCHASTIC[name], seq)
    assert (seq.entropy, seq.spawn_key, seq.pool_size, seq.n_children_spawned) == state
    same(first, second, name)


def test_check_rng_copies_seedsequence_state():
    seq = np.random.SeedSequence(7)
    seq.spawn(2)  # a SeedSequence that has already handed out children
    gen = check_rng(seq)
    children = gen.spawn(3)
    assert seq.n_children_spawned == 2  # untouched by the generator's spawn
    # the copy continues where the caller's object stands: children 2, 3, 4
    expected = [np.random.default_rng(s).random() for s in seq.spawn(3)]
    assert [c.random() for c in children] == expected
    # the parent stream itself equals numpy's default_rng(seq)
    assert check_rng(np.random.SeedSequence(7)).random() == np.random.default_rng(7).random()


def test_generator_used_as_is():
    gen = np.random.default_rng(3)
    assert check_rng(gen) is gen


# build_report runs the whole analysis (minutes); it normalises rng with check_rng like the rest
_NOT_RUN_HERE = {"build_report"}


def test_every_public_function_with_rng_is_covered():
    modules = (
        "riskcycle.inference",
        "riskcycle.assess",
        "riskcycle.regimes",
        "riskcycle.cycles",
        "riskcycle.backtesting",
        "riskcycle.snooping",
        "riskcycle.scanning",
        "riskcycle.report",
        "riskcycle.eventstudy",
        "riskcycle.events",
    )
    with_rng = set()
    for module in modules:
        mod = importlib.import_module(module)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.isfunction(obj) and "rng" in inspect.signature(obj).parameters:
                with_rng.add(name)
    assert with_rng - _NOT_RUN_HERE == set(STOCHASTIC)
