"""Validation of the return / loss matrices the snooping statistics take."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_matrix", "as_vector"]


def _numeric_array(data: Any, name: str) -> np.ndarray:
    if isinstance(data, pd.DataFrame | pd.Series):
        bad = [
            c
            for c, dt in (
                data.dtypes.items()
                if isinstance(data, pd.DataFrame)
                else [(data.name, data.dtype)]
            )
            if not (pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt))
        ]
        if bad:
            raise TypeError(f"`{name}` must hold numbers; column {bad[0]!r} is not numeric.")
        return data.to_numpy(dtype=np.float64, copy=True)
    if isinstance(data, str | bytes) or data is None:
        raise TypeError(
            f"`{name}` must be an array or a pandas object of numbers; got {type(data).__name__}."
        )
    try:
        arr = np.array(data, copy=True)
    except (TypeError, ValueError) as exc:  # pragma: no cover - ragged input
        raise TypeError(f"`{name}` must be an array of numbers ({exc}).") from exc
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(f"`{name}` must hold numbers; got dtype {arr.dtype}.")
    return arr.astype(np.float64)


def _check_finite(arr: np.ndarray, name: str, names: list) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        row, col = (int(v[0]) for v in np.nonzero(bad.reshape(arr.shape[0], -1)))
        where = f"row {row}" + (f", column {names[col]!r}" if arr.ndim == 2 else "")
        raise ValueError(
            f"`{name}` must be finite; got {arr.reshape(arr.shape[0], -1)[row, col]}"
            f" at {where}. Drop or fill missing values first."
        )


def as_matrix(
    data: Any, name: str, *, min_obs: int = 2, min_cols: int = 1
) -> tuple[np.ndarray, list, pd.Index | None]:
    """``(n_obs, k)`` float64 C-contiguous copy, column labels and the row index (if pandas).

    A 1-D input is one column. NaN or infinite values raise (the caller's job to
    decide how to fill them: an untraded day is a zero return, not a missing one).
    """
    arr = _numeric_array(data, name)
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
    _check_finite(arr, name, names)
    index = data.index if isinstance(data, pd.DataFrame | pd.Series) else None
    return np.ascontiguousarray(arr), names, index


def as_vector(data: Any, name: str, n_obs: int, index: pd.Index | None) -> np.ndarray:
    """A scalar or a length-``n_obs`` 1-D series (aligned on ``index`` when both are pandas)."""
    if isinstance(data, int | float | np.integer | np.floating) and not isinstance(data, bool):
        value = float(data)
        if not np.isfinite(value):
            raise ValueError(f"`{name}` must be finite; got {value}.")
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
    return arr
