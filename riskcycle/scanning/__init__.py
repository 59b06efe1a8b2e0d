"""Scans of a claim over leaders x followers x event definitions x horizons.

:func:`scan` runs every cell (the verdict's tests of
:func:`riskcycle.assess_signal`, nominal and calibrated), then controls the
multiplicity across cells: Benjamini-Hochberg and Benjamini-Yekutieli q-values,
a family-wise p-value per follower from the max statistic on shared draws, and
the specification curve. Cells run in fixed-size chunks through joblib (or on a
Dask cluster), with one random stream per cell, so the numbers do not depend on
the engine.
"""

from __future__ import annotations

from ._cli import add_scan_parser, run_scan_command
from ._grid import (
    DEFAULT_DEFINITIONS,
    DEFAULT_HORIZONS,
    DEMONSTRATION,
    DEMONSTRATION_FOLLOWERS,
    DEMONSTRATION_LEADERS,
)
from ._result import ScanResult
from ._scan import scan

__all__ = [
    "DEFAULT_DEFINITIONS",
    "DEFAULT_HORIZONS",
    "DEMONSTRATION",
    "DEMONSTRATION_FOLLOWERS",
    "DEMONSTRATION_LEADERS",
    "ScanResult",
    "add_scan_parser",
    "run_scan_command",
    "scan",
]
