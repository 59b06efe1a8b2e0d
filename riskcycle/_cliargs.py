"""Argument types shared by the command-line subcommands (internal)."""

from __future__ import annotations

import argparse

__all__ = ["horizons_arg"]


def horizons_arg(text: str) -> tuple[int, ...]:
    """``"30,90,365"`` as positive integers (an argparse ``type``)."""
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"horizons must be comma-separated integers; got {text!r}"
        ) from exc
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"horizons must be positive integers; got {text!r}")
    return values
