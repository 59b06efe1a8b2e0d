"""riskcycle: statistical backtesting of cross-asset cycle signals.

Breakout events in a leader series, event studies of a follower after them,
inference that is honest with few overlapping events (placebo dates, block
bootstrap, GARCH nulls, base rates, power), volatility regimes around structural
dates, and look-ahead-free backtests with data-snooping control.

The short list of names users need is re-exported here; heavy modules are
imported on first use, so ``import riskcycle`` stays fast and never imports
vectorbt or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .exceptions import RiskcycleWarning

# public name -> module that defines it (imported lazily, PEP 562)
_LAZY = {
    "datasets": "riskcycle.datasets",
    "calendar": "riskcycle.calendar",
    "halving_phase": "riskcycle.calendar",
    "btc_supply": "riskcycle.calendar",
    "map_to_follower": "riskcycle.calendar",
    "Events": "riskcycle.events",
    "breakouts": "riskcycle.events",
    "event_study": "riskcycle.eventstudy",
    "EventStudyResult": "riskcycle.eventstudy",
    "event_sample": "riskcycle.inference",
    "EventSample": "riskcycle.inference",
    "placebo_test": "riskcycle.inference",
    "bootstrap_ci": "riskcycle.inference",
    "garch_null_test": "riskcycle.inference",
    "base_rate": "riskcycle.inference",
    "power_analysis": "riskcycle.inference",
    "assess_signal": "riskcycle.assess",
    "SignalAssessment": "riskcycle.assess",
    "volatility_regimes": "riskcycle.regimes",
    "RegimeResult": "riskcycle.regimes",
    "icss": "riskcycle.regimes",
    "regimes": "riskcycle.regimes",
    "snooping": "riskcycle.snooping",
    "inference": "riskcycle.inference",
    "backtesting": "riskcycle.backtesting",
    "report": "riskcycle.report",
    "ConfidenceInterval": "riskcycle._results",
    "backtest": "riskcycle.backtesting",
    "BacktestResult": "riskcycle.backtesting",
    "sweep": "riskcycle.backtesting",
    "SweepResult": "riskcycle.backtesting",
    "probabilistic_sharpe_ratio": "riskcycle.snooping",
    "deflated_sharpe_ratio": "riskcycle.snooping",
    "min_track_record_length": "riskcycle.snooping",
    "spa_test": "riskcycle.snooping",
    "stepm": "riskcycle.snooping",
    "pbo": "riskcycle.snooping",
    "cycles": "riskcycle.cycles",
    "bull_bear": "riskcycle.cycles",
    "BullBearResult": "riskcycle.cycles",
    "phase_event_test": "riskcycle.cycles",
    "concordance": "riskcycle.cycles",
    "lead_lag": "riskcycle.cycles",
    "scan": "riskcycle.scanning",
    "ScanResult": "riskcycle.scanning",
    "scanning": "riskcycle.scanning",
}

__all__ = ["RiskcycleWarning", "__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'riskcycle' has no attribute {name!r}")
    mod = importlib.import_module(module)
    value = mod if module.endswith("." + name) else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # pragma: no cover
    from . import calendar as calendar
    from . import datasets as datasets
