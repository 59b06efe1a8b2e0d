"""Shared fixtures: every test checks that numpy's global random state is untouched."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _global_numpy_state_untouched():
    """riskcycle must never draw from (or seed) numpy's global RandomState."""
    before = np.random.get_state()  # noqa: NPY002 (checking the legacy state is the point)
    yield
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:], "a test or riskcycle touched numpy's global random state"


@pytest.fixture(scope="session")
def rut():
    import riskcycle

    return riskcycle.datasets.load("rut")


@pytest.fixture(scope="session")
def btc():
    import riskcycle

    return riskcycle.datasets.load("btc")


@pytest.fixture(scope="session")
def btc_long():
    import riskcycle

    return riskcycle.datasets.load("btc_long")
