"""Validation of the return / loss matrices the snooping statistics take."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MAX_MAGNITUDE", "MIN_MAGNITUDE", "as_matrix", "as_vector", "power_of_two_scale"]

# Magnitudes inside which products of sums of squares (the block-length selection multiplies
# two of them: fourth powers times n**2) stay finite and normal (no overflow to inf, no
# underflow to 0) in float64 for any realistic number of observations.
MAX_MAGNITUDE = 1e50
MIN_MAGNITUDE = 1e-50


def _numeric_array(data: Any, name: str) -> np.ndarray:
    """A float64 copy of ``data`` (checked to hold real numbers)."""
    return np.array(_numeric_source(data, name), dtype=np.float64, copy=True)


def _numeric_source(data: Any, name: str) -> np.ndarray:
    """``data`` as an array of real numbers, not copied when it already is one (the
    caller copies it: never write to the result)."""
    if isinstance(data, pd.DataFrame | pd.Series):
        bad = [
            c
            for c, dt in (
                data.dtypes.items()
                if isinstance(data, pd.DataFrame)
                else [(data.name, data.dtype)]
            )
            if not (
                pd.api.types.is_numeric_dtype(dt)
                and not pd.api.types.is_bool_dtype(dt)
                and not pd.api.types.is_complex_dtype(dt)
            )
        ]
        if bad:
            raise TypeError(
                f"`{name}` must hold numbers; column {bad[0]!r} is not numeric (real: no "
                "complex, boolean or timedelta values)."
            )
        return data.to_numpy(dtype=np.float64)
    if isinstance(data, str | bytes) or data is None:
        raise TypeError(
            f"`{name}` must be an array or a pandas object of numbers; got {type(data).__name__}."
        )
    try:
        arr = np.asarray(data)
    except (TypeError, ValueError) as exc:  # pragma: no cover - ragged input
        raise TypeError(f"`{name}` must be an array of numbers ({exc}).") from exc
    # complex numbers would lose their imaginary part; timedeltas and objects are not returns
    if arr.dtype.kind not in "iuf":  # (numpy counts timedelta64 as an integer type)
        raise TypeError(
            f"`{name}` must hold numbers (real: no complex, boolean or timedelta values); "
            f"got dtype {arr.dtype}."
        )
    return arr


#: rows per task of :func:`_copy_and_scan` (a fixed split: the result does not depend on it)
_SCAN_ELEMENTS = 1 << 16


def _copy_and_scan(src: np.ndarray, threads: int | None) -> tuple[np.ndarray, bool, float]:
    """C-contiguous float64 copy of the 2-D ``src``, whether it is all finite, and its
    largest magnitude, in one pass over blocks of rows (no temporary of the data's
    size); on ``threads`` threads of :func:`riskcycle._threads.run_tasks` unless
    ``threads == 1`` (numpy releases the GIL)."""
    n, k = src.shape
    out = np.empty((n, k), dtype=np.float64)
    rows = max(1, _SCAN_ELEMENTS // max(k, 1))
    n_tasks = -(-n // rows)
    top = np.zeros(n_tasks)
    low = np.zeros(n_tasks)

    def kernel(first, last):
        for task in range(first, last):
            part = out[task * rows : (task + 1) * rows]
            np.copyto(part, src[task * rows : (task + 1) * rows], casting="unsafe")
            if part.size:  # max and min propagate NaN; +-inf show up as themselves
                top[task] = part.max()
                low[task] = part.min()

    if threads == 1 or n_tasks <= 1:
        kernel(0, n_tasks)
    else:
        from .._threads import run_tasks

        run_tasks(kernel, n_tasks, threads=threads)
    hi, lo = (float(top.max()), float(low.min())) if n_tasks else (0.0, 0.0)
    finite = math.isfinite(hi) and math.isfinite(lo)
    return out, finite, max(hi, -lo) if finite else math.nan


def _check_finite(arr: np.ndarray, name: str, names: list) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        row, col = (int(v[0]) for v in np.nonzero(bad.reshape(arr.shape[0], -1)))
        where = f"row {row}" + (f", column {names[col]!r}" if arr.ndim == 2 else "")
        raise ValueError(
            f"`{name}` must be finite; got {arr.reshape(arr.shape[0], -1)[row, col]}"
            f" at {where}. Drop or fill missing values first."
        )


def _check_magnitude(arr: np.ndarray, name: str, *, top: float | None = None) -> None:
    """Refuse values whose squares would overflow or underflow (statistics would be NaN/0).
    ``top``: the largest magnitude, when already known."""
    if top is None:
        top = float(np.max(np.abs(arr))) if arr.size else 0.0
    if top > MAX_MAGNITUDE or 0.0 < top < MIN_MAGNITUDE:
        raise ValueError(
            f"`{name}` has values of magnitude up to {top:.3g}: outside "
            f"[{MIN_MAGNITUDE:g}, {MAX_MAGNITUDE:g}], where sums of squares overflow or "
            "underflow in float64. Rescale the data by a positive factor first (the tests' "
            "p-values do not depend on the scale)."
        )


def power_of_two_scale(arr: np.ndarray) -> float:
    """A power of two ``s`` with ``max|arr| * s`` in [0.5, 1) (1 for an all-zero array).

    Multiplying by a power of two is exact in floating point (no rounding), so a
    scale-invariant statistic of ``arr * s`` equals that of ``arr`` bit for bit while
    its intermediate sums of squares stay finite and normal.
    """
    top = float(np.max(np.abs(arr))) if arr.size else 0.0
    if top == 0.0 or not np.isfinite(top):
        return 1.0
    return math.ldexp(1.0, -math.frexp(top)[1])


def as_matrix(
    data: Any,
    name: str,
    *,
    min_obs: int = 2,
    min_cols: int = 1,
    check_magnitude: bool = True,
    threads: int | None = 1,
) -> tuple[np.ndarray, list, pd.Index | None]:
    """``(n_obs, k)`` float64 C-contiguous copy, column labels and the row index (if pandas).

    A 1-D input is one column. NaN or infinite values raise (the caller's job to
    decide how to fill them: an untraded day is a zero return, not a missing one).
    Complex, boolean, timedelta and object data raise ``TypeError``.

    With ``check_magnitude`` values of magnitude above :data:`MAX_MAGNITUDE` (or a largest
    magnitude below :data:`MIN_MAGNITUDE`) raise ``ValueError``: their sums of squares
    overflow or underflow. Scale-invariant statistics pass ``check_magnitude=False`` and
    multiply by :func:`power_of_two_scale` themselves (exact, whatever the magnitude).

    The data are copied once, block of rows by block of rows, with the checks on
    each block while it is in cache: on ``threads`` threads of
    :func:`riskcycle._threads.run_tasks` (``None``: all cores; default 1, which never
    imports numba).
    """
    arr = _numeric_source(data, name)
    if arr.ndim == 1:
        arr = arr[:, None]
        names = [data.name if isinstance(data, pd.Series) and data.name is not None else 0]
    elif arr.ndim == 2:
        names = list(data.columns) if isinstance(data, pd.DataFrame) else list(range(arr.shape[1]))
    else:
        raise ValueError(
            f"`{name}` must be 1-D or 2-D (observations x strategies); got {arr.ndim} dimensions."
        )
    if arr.shape[0] < min_obs:
        raise ValueError(
            f"`{name}` must have at least {min_obs} observations (rows); got {arr.shape[0]}."
        )
    if arr.shape[1] < min_cols:
        raise ValueError(
            f"`{name}` must have at least {min_cols} strategies (columns); got {arr.shape[1]}."
        )
    arr, finite, top = _copy_and_scan(arr, threads)
    if not finite:
        _check_finite(arr, name, names)  # locates the first bad value and raises
    if check_magnitude:
        _check_magnitude(arr, name, top=top)
    index = data.index if isinstance(data, pd.DataFrame | pd.Series) else None
    return arr, names, index


def as_vector(data: Any, name: str, n_obs: int, index: pd.Index | None) -> np.ndarray:
    """A scalar or a length-``n_obs`` 1-D series (aligned on ``index`` when both are pandas)."""
    if isinstance(data, int | float | np.integer | np.floating) and not isinstance(data, bool):
        value = float(data)
        if not np.isfinite(value):
            raise ValueError(f"`{name}` must be finite; got {value}.")
        _check_magnitude(np.array([value]), name)
        return np.full(n_obs, value)
    if isinstance(data, pd.DataFrame):
        if data.shape[1] != 1:
            raise ValueError(
                f"`{name}` must be one series; got a DataFrame with {data.shape[1]} columns."
            )
        data = data.iloc[:, 0]
    arr = _numeric_array(data, name)
    if arr.ndim != 1 or arr.shape[0] != n_obs:
        raise ValueError(
            f"`{name}` must be a number or a 1-D series with one value per "
            f"observation ({n_obs}); got shape {arr.shape}."
        )
    if isinstance(data, pd.Series) and index is not None and not data.index.equals(index):
        raise ValueError(f"`{name}` must have the same index as the strategies' data.")
    _check_finite(arr, name, [name])
    _check_magnitude(arr, name)
    return arr
