"""Packaging contract: light import, public names, metadata."""

from __future__ import annotations

import subprocess
import sys

import riskcycle


def test_import_does_not_load_heavy_dependencies():
    code = (
        "import sys, riskcycle; "
        "heavy = [m for m in ('vectorbt', 'matplotlib', 'numba', 'arch', 'statsmodels') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_names_resolve():
    import importlib
    import inspect

    for name, module in riskcycle._LAZY.items():
        value = getattr(riskcycle, name)
        mod = importlib.import_module(module)
        assert value is (mod if module.endswith("." + name) else getattr(mod, name))
        if inspect.isfunction(value):
            assert value.__doc__ and "Parameters" in value.__doc__, name
    assert riskcycle.__version__
    assert set(riskcycle.__all__) <= set(dir(riskcycle))
    assert callable(riskcycle.backtest) and callable(riskcycle.assess_signal)


def test_typed_marker_and_data_are_packaged():
    from importlib import resources

    root = resources.files("riskcycle")
    assert root.joinpath("py.typed").is_file()
    assert root.joinpath("datasets", "PROVENANCE.md").is_file()
