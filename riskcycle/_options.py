"""Checked options that are also a result's settings (internal, shared).

Each public function's ``_<name>_iv`` returns one frozen options object; the same
object is the result's ``settings``. It reads like the settings dictionary it
replaces (``result.settings["n_resamples"]``, ``dict(result.settings)``) through
:class:`SettingsMapping`, and like the options it holds (``result.settings.horizon``).
The options of the inference functions live here because
:func:`riskcycle.assess_signal` builds them too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import ClassVar

import numpy as np
import pandas as pd

__all__ = [
    "BaseRateOptions",
    "BootstrapOptions",
    "GarchNullOptions",
    "PlaceboOptions",
    "PowerOptions",
    "SettingsMapping",
]

_NO_DELAY = pd.Timedelta(0)  # the zero delay (riskcycle.calendar.NO_DELAY)


class SettingsMapping(Mapping):
    """A read-only mapping view of a frozen options dataclass.

    The keys are the dataclass's fields except those named in ``_hidden``: execution
    options such as ``n_jobs`` and resolved internals (the statistic's function), which
    do not change the numbers, and, as in the settings dictionaries these objects
    replace, ``delay``, which does (it is recorded with the result's event data; read
    it as the attribute ``settings.delay``). ``_value`` may render a field for reading
    (a name for a callable, strings for dates). Two options objects, or an options
    object and a dict, are equal when their mapping views are, so two options that
    differ only in a hidden field compare equal.
    """

    __slots__ = ()
    _hidden: ClassVar[tuple[str, ...]] = ()

    def _keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self) if f.name not in self._hidden)

    def _value(self, key: str) -> object:
        return getattr(self, key)

    def __getitem__(self, key: str) -> object:
        if key not in self._keys():
            raise KeyError(key)
        return self._value(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def as_dict(self) -> dict:
        """The settings as a plain dict."""
        return {k: self._value(k) for k in self._keys()}


@dataclass(frozen=True, slots=True, eq=False)
class BootstrapOptions(SettingsMapping):
    """The checked options of :func:`riskcycle.bootstrap_ci` (its result's ``settings``).

    ``interval`` is None until the core resolves the default for the target
    (``"t"``/``"order_statistic"`` across events, ``"percentile"`` without);
    ``block_length`` None means the Politis-White estimate.
    """

    horizon: int
    statistic: str = "mean"
    block_scheme: str = "stationary"
    interval: str | None = None
    block_length: float | None = None
    confidence_level: float = 0.95
    n_resamples: int = 9999
    delay: pd.Timedelta = _NO_DELAY
    _hidden: ClassVar[tuple[str, ...]] = ("delay",)


@dataclass(frozen=True, slots=True, eq=False)
class BaseRateOptions(SettingsMapping):
    """The checked options of :func:`riskcycle.base_rate` (its result's ``settings``)."""

    horizon: int
    threshold: float = 0.0
    n_resamples: int = 9999
    block_length: float | None = None
    block_scheme: str = "stationary"
    confidence_level: float = 0.95
    prior: tuple[float, float] = (1.0, 1.0)
    delay: pd.Timedelta = _NO_DELAY
    _hidden: ClassVar[tuple[str, ...]] = ("delay",)


@dataclass(frozen=True, slots=True, eq=False)
class PowerOptions(SettingsMapping):
    """The checked options of :func:`riskcycle.power_analysis` (its result's ``settings``).

    ``effect`` None (the observed effect), ``n_events`` None (the default grid)
    and ``min_spacing`` None (from the events) are resolved by the core, which
    stores the resolved values in the result's ``settings``.
    """

    horizon: int
    effect: float | None = None
    alpha: float = 0.05
    target_power: float = 0.8
    min_spacing: int | None = None
    scheme: str = "real_path"
    n_simulations: int = 200
    n_resamples: int = 199
    block_length: float | None = None
    block_scheme: str = "stationary"
    max_events: int = 50
    n_events: tuple[int, ...] | None = None
    delay: pd.Timedelta = _NO_DELAY
    _hidden: ClassVar[tuple[str, ...]] = ("delay",)

    def _value(self, key: str) -> object:
        value = getattr(self, key)
        # the grid reads as a list, as the settings dictionary had it
        return list(value) if key == "n_events" and value is not None else value


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class PlaceboOptions(SettingsMapping):
    """The checked options of :func:`riskcycle.placebo_test` (its result's ``settings``).

    ``statistic`` is the statistic's name; ``kind`` (0 mean, 1 median, -1 a callable)
    and ``func`` (the callable) say how to compute it. ``eras`` is the checked eras
    argument (labels are made from the follower's dates later). ``min_spacing`` and
    ``eras_description`` are None until the test resolves them from the sample; the
    result's ``settings`` hold them, and ``func`` None (the statistic is recorded by
    name, so that results pickle whatever the user's function).

    The mapping view reads as the settings dictionary it replaces: the resolved
    ``min_spacing``, ``halving_cycles`` None without ``halving_window`` (as in
    ``matching``) and ``eras`` as its description.
    """

    horizon: int
    statistic: str
    alternative: str
    n_resamples: int
    min_spacing: int | None = None
    enumeration: str
    max_exact: int
    halving_window: int | None
    halving_cycles: str
    leader_within: float | None
    date_range: tuple[pd.Timestamp | None, pd.Timestamp | None] | None
    eras: object | None
    eras_description: str | None = field(default=None, repr=False)
    delay: pd.Timedelta = _NO_DELAY
    n_jobs: int | None = None
    kind: int = field(repr=False)
    func: Callable[..., np.ndarray] | None = field(repr=False)
    _hidden: ClassVar[tuple[str, ...]] = ("eras_description", "delay", "n_jobs", "kind", "func")

    @property
    def matching(self) -> dict:
        """The matching filters as the result's ``matching`` records them."""
        return {
            "halving_window": self.halving_window,
            "halving_cycles": self.halving_cycles if self.halving_window is not None else None,
            "leader_within": self.leader_within,
            "date_range": self.date_range,
        }

    def _value(self, key: str) -> object:
        if key == "halving_cycles":
            return self.matching["halving_cycles"]
        if key == "eras":
            if self.eras is None or self.eras_description is not None:
                return self.eras_description
            eras = self.eras
            return eras if isinstance(eras, str) else [d.strftime("%Y-%m-%d") for d in eras]
        return getattr(self, key)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class GarchNullOptions(SettingsMapping):
    """The checked options of :func:`riskcycle.garch_null_test` (its result's ``settings``).

    ``statistic`` is the statistic's name; ``kind`` (0 mean, 1 median, -1 a callable)
    and ``func`` (the callable) say how to compute it (``func`` is None in a result's
    ``settings``, so that results pickle whatever the user's function).
    """

    horizon: int
    statistic: str
    alternative: str
    n_resamples: int
    burn: int
    delay: pd.Timedelta = _NO_DELAY
    n_jobs: int | None = None
    kind: int = field(repr=False)
    func: Callable[..., np.ndarray] | None = field(repr=False)
    _hidden: ClassVar[tuple[str, ...]] = ("delay", "n_jobs", "kind", "func")
