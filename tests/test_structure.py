"""The shape of the code: who may import whose internals, and how long a function may be.

Two rules, checked on riskcycle's source with :mod:`ast` (nothing is imported):

* A module may use the private (underscore) modules and names of its own subpackage,
  and those of the shared top-level modules ``riskcycle/_*.py`` (``_validation``,
  ``_sample``, ``_clocks``, ``_results``, ...). It may not import another subpackage's
  underscore module (``riskcycle.inference._nb_paths``) or an underscore name from another
  package or module (``calendar._clock_of``). A helper several stages need belongs in
  a shared module.
* A function has at most :data:`MAX_LINES` code lines in its body (docstring, comments
  and blank lines excluded); numba kernels are exempt. An orchestrator is a sequence of
  named steps.

The allowlists name the places that do not follow the rules yet. They can only shrink:
an entry that no longer breaks its rule fails the test, so it is removed when fixed.
"""

from __future__ import annotations

import ast
import pathlib

import pandas as pd
import pytest

import riskcycle

ROOT = pathlib.Path(riskcycle.__file__).parent
MAX_LINES = 80

# importer module -> the private imports from other packages it still makes: (module, name)
# with name None for ``import module`` / a private module imported as a whole.
ALLOWED_PRIVATE_IMPORTS: dict[str, set[tuple[str, str | None]]] = {}

# functions over MAX_LINES code lines ("module:qualified name"), to be split into steps
ALLOWED_LONG_FUNCTIONS: set[str] = set()


# ---------------------------------------------------------------------------
# the checks (pure functions of source text, so that the tests below can show they fail)
# ---------------------------------------------------------------------------
def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _package_of(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def _owner(module: str) -> str:
    """The unit whose internals a module may use: its subpackage, or itself at top level."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _is_shared(module: str) -> bool:
    """A shared top-level module: ``riskcycle._name``."""
    parts = module.split(".")
    return len(parts) == 2 and parts[0] == "riskcycle" and parts[1].startswith("_")


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(source: str, module: str, is_package: bool = False) -> set[tuple]:
    """The (module, name) pairs through which ``module`` uses another unit's internals."""
    package = _package_of(module, is_package)
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            pairs = [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            pairs = [(target, a.name) for a in node.names]
        else:
            continue
        for target, name in pairs:
            if not target.startswith("riskcycle") or _owner(target) == _owner(module):
                continue
            if _is_shared(target):
                continue
            if any(_private(p) for p in target.split(".")[1:]):
                found.add((target, name))
            elif name is not None and _private(name):
                sub = f"{target}.{name}"
                path = ROOT.parent / sub.replace(".", "/")
                is_module = path.with_suffix(".py").exists() or path.is_dir()
                if is_module and _is_shared(sub):  # ``from .. import _shared``
                    continue
                found.add((sub, None) if is_module else (target, name))
    return found


def _is_numba_kernel(node: ast.AST) -> bool:
    for d in getattr(node, "decorator_list", []):
        f = d.func if isinstance(d, ast.Call) else d
        text = ast.unparse(f)
        if text.split(".")[-1] in ("njit", "jit", "vectorize", "guvectorize", "generated_jit"):
            return True
    return False


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> int:
    """Lines of the body that hold code (not blank, comment or docstring lines)."""
    skip: set[int] = set()
    for sub in ast.walk(node):
        body = getattr(sub, "body", None)
        if (
            isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            skip.update(range(body[0].lineno, body[0].end_lineno + 1))
    first = node.body[0].lineno
    count = 0
    for i in range(first, node.end_lineno + 1):
        text = lines[i - 1].strip()
        if text and not text.startswith("#") and i not in skip:
            count += 1
    return count


def long_functions(source: str, module: str, limit: int = MAX_LINES) -> dict[str, int]:
    """``{"module:qualname": code lines}`` of the functions over ``limit`` lines."""
    tree = ast.parse(source)
    lines = source.splitlines()
    out: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                if not _is_numba_kernel(child):
                    n = _code_lines(child, lines)
                    if n > limit:
                        out[f"{module}:{name}"] = n
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return out


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        yield _module_name(path), path.name == "__init__.py", path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# the rules on riskcycle
# ---------------------------------------------------------------------------
def test_no_module_imports_another_packages_internals():
    found = {}
    for module, is_package, source in _sources():
        imports = private_imports(source, module, is_package)
        if imports:
            found[module] = imports
    new = {
        m: sorted(v - ALLOWED_PRIVATE_IMPORTS.get(m, set()), key=str)
        for m, v in found.items()
        if v - ALLOWED_PRIVATE_IMPORTS.get(m, set())
    }
    assert not new, (
        "imports of another package's private module or name (move the helper into a "
        f"shared riskcycle/_*.py module): {new}"
    )
    stale = {
        m: sorted(v - found.get(m, set()), key=str)
        for m, v in ALLOWED_PRIVATE_IMPORTS.items()
        if v - found.get(m, set())
    }
    assert not stale, f"allowlisted private imports that are gone (remove them): {stale}"


def test_no_function_is_longer_than_a_screen():
    found = {}
    for module, _, source in _sources():
        found.update(long_functions(source, module))
    new = {k: v for k, v in found.items() if k not in ALLOWED_LONG_FUNCTIONS}
    assert not new, (
        f"functions over {MAX_LINES} code lines (split them into named steps): "
        f"{dict(sorted(new.items()))}"
    )
    stale = sorted(ALLOWED_LONG_FUNCTIONS - set(found))
    assert not stale, (
        f"allowlisted long functions that are now short enough (remove them): {stale}"
    )


# ---------------------------------------------------------------------------
# the checks can fail
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "riskcycle.cycles._x",
            "from ..calendar import _clock_of, get_clock\n",
            {("riskcycle.calendar", "_clock_of")},
        ),
        (
            "riskcycle.regimes._x",
            "from ..inference._nb_paths import garch_paths\n",
            {("riskcycle.inference._nb_paths", "garch_paths")},
        ),
        (
            "riskcycle.regimes._x",
            "def f():\n    from ..inference import _nb_paths\n",
            {("riskcycle.inference._nb_paths", None)},
        ),
        (
            "riskcycle.assess",
            "import riskcycle.eventstudy._core\n",
            {("riskcycle.eventstudy._core", None)},
        ),
        # allowed: own subpackage, shared top-level modules, public names
        ("riskcycle.regimes._x", "from ._garch import _robust_cov\n", set()),
        ("riskcycle.regimes._x", "from .._validation import fmt_date, _DATE_COLUMNS\n", set()),
        ("riskcycle.backtesting._x", "from .._sample import event_day0_positions\n", set()),
        ("riskcycle.scanning._x", "def f():\n    from .. import _calibration as K\n", set()),
        ("riskcycle.assess", "from . import _nb_sets, _calibration\n", set()),
        ("riskcycle.backtesting._x", "from ..calendar import halving_phase\n", set()),
    ],
)
def test_private_import_check(module, source, expected):  # fmt: skip
    assert private_imports(source, module) == expected


def test_long_function_check():
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_LINES + 1))
    doc = '    """Doc.\n\n    More.\n    """\n'
    method = "".join("    " + line + "\n" for line in (doc + body).splitlines())
    source = (
        f"def long():\n{doc}{body}\n"
        # docstring, comments and blank lines do not count: MAX_LINES code lines
        f"def short():\n{doc}    # a comment\n\n{''.join(body.splitlines(True)[1:])}\n"
        f"class C:\n    def method(self):\n{method}\n"
        f"@nb.njit(cache=True)\ndef kernel():\n{body}\n"
    )
    assert long_functions(source, "m") == {"m:long": MAX_LINES + 1, "m:C.method": MAX_LINES + 1}


# ---------------------------------------------------------------------------
# input checks return one frozen options object, which is the result's settings
# ---------------------------------------------------------------------------
def _frozen_options(obj) -> None:
    import dataclasses

    assert dataclasses.is_dataclass(obj) and not isinstance(obj, type)
    field = dataclasses.fields(obj)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, field, None)


def test_event_study_options_are_its_settings(btc_long, rut):
    rut_events = riskcycle.breakouts(rut, min_gap=250)
    import warnings

    from riskcycle.eventstudy._study import _event_study_iv

    args = (btc_long, rut_events, (30, 365), "constant_mean", None, 365, 30, 30, "log")
    args += (None, "0h", None, None, None, "two-sided", 0.95, "raise")
    inp = _event_study_iv(*args)
    _frozen_options(inp.options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", riskcycle.RiskcycleWarning)
        res = riskcycle.event_study(btc_long, rut_events, horizons=(30, 365))
    assert res.settings == inp.options.settings()
    assert res.settings["leader_clock"] == "us_equity_close"  # clocks by name


def test_backtest_and_sweep_options_are_their_settings(btc, rut):
    from riskcycle.backtesting._core import _backtest_iv
    from riskcycle.backtesting._sweep import _sweep_iv

    ev = riskcycle.breakouts(rut, min_gap=250).between(start="2014-09-17")
    args = (btc, ev, None, 365, None, None, "0h", 0.001, 0.001, 100.0, None, None, None, 0)
    inp = _backtest_iv(*args, False, 0.125, 0.95, 0)
    _frozen_options(inp.options)
    res = riskcycle.backtest(btc, ev, horizon=365, n_resamples=0, rng=0)
    assert res.settings == inp.options.settings()
    args = (rut, btc, (250,), (0.0,), (365,), ("0h",), (None,), (None,), 0.001, 0.001, 100.0)
    args += ("buy_and_hold", None, None, None, 0, 0.05, 16, "numba", 0)
    sinp = _sweep_iv(*args)
    _frozen_options(sinp.options)
    sres = riskcycle.sweep(rut, btc, min_gap=250, horizons=365, n_resamples=0, rng=0)
    assert sres.settings == sinp.options.settings(pbo_flat_halves=False)


def test_regime_options_are_frozen(btc):
    from riskcycle.regimes._core import _volatility_regimes_iv

    args = (btc, ("2024-01-10",), None, None, True, "garch", 250, "kappa2", None, "weekly")
    inp = _volatility_regimes_iv(*args, 99, 0.95, "two-sided", None, 0)
    _frozen_options(inp.options)
    assert list(inp.options.breaks) == [pd.Timestamp("2024-01-10")]
