"""Sphinx configuration of the riskcycle documentation.

Build with ``bash scripts/build_docs.sh`` (warnings are errors). Everything runs
offline: no intersphinx inventories are fetched, the gallery examples use the
bundled data, and matplotlib draws with the non-interactive Agg backend.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

# Non-interactive matplotlib for the gallery (sphinx-gallery also selects Agg).
os.environ.setdefault("MPLBACKEND", "Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import riskcycle  # noqa: E402  (after sys.path set-up)

# -- Project -----------------------------------------------------------------
project = "riskcycle"
author = "The riskcycle developers"
copyright = "2026, The riskcycle developers"
release = riskcycle.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "riskcycle_data",
]

# Formulas render offline: sphinx-mathjax-offline (the docs extra) bundles MathJax 3 and
# copies it into _static/mathjax, and the pages load it from there instead of a CDN.
# (No LaTeX/dvipng toolchain is assumed, so sphinx.ext.imgmath is not used.)
OFFLINE_MATHJAX = importlib.util.find_spec("sphinx-mathjax-offline") is not None
if OFFLINE_MATHJAX:
    extensions.append("sphinx-mathjax-offline")
else:
    print(
        "riskcycle docs: sphinx-mathjax-offline is not installed; formulas need the network "
        "(pip install sphinx-mathjax-offline)"
    )

templates_path = ["_templates"]
exclude_patterns = ["_build", "dev", "Thumbs.db", ".DS_Store", "**/*.ipynb", "**/*.py.md5"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
language = "en"
nitpicky = False
default_role = "py:obj"
pygments_style = "sphinx"
today_fmt = "%Y-%m-%d"

# -- autodoc / autosummary / numpydoc ----------------------------------------
autosummary_generate = True
autosummary_generate_overwrite = True
autosummary_imported_members = False
autodoc_typehints = "none"
autodoc_default_options = {"member-order": "bysource"}
autodoc_preserve_defaults = True

numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()  # numpydoc validation off

# -- math --------------------------------------------------------------------
# MathJax is served from the built site (see OFFLINE_MATHJAX above); nothing is downloaded
# at build time or when a page is read.
mathjax3_config = {"tex": {"macros": {"E": r"\operatorname{E}", "Var": r"\operatorname{Var}"}}}

# -- sphinx-gallery ----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # every file whose name starts with plot_ is executed; others are shown only
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"(__init__|_helpers?)\.py",
    "within_subsection_order": "FileNameSortKey",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("riskcycle",),
    "reference_url": {"riskcycle": None},
    "image_scrapers": ("matplotlib",),
    "plot_gallery": "True",
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
    "capture_repr": ("_repr_html_", "__repr__"),
    "matplotlib_animations": False,
    "download_all_examples": False,
}

# -- HTML --------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"riskcycle {release}"
html_static_path = ["_static"]
html_css_files = ["riskcycle.css"]
html_theme_options = {
    "description": "Statistical backtesting of cross-asset cycle signals",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "230px",
    "show_relbars": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_show_sourcelink = False
html_last_updated_fmt = None


def _check_offline_mathjax(app, exc):
    """Fail the build (under -W) if pages would load MathJax from the network."""
    if exc is not None or app.builder.format != "html" or not OFFLINE_MATHJAX:
        return  # without the package the note printed above says formulas need the network
    from sphinx.util import logging

    log = logging.getLogger("riskcycle.docs")
    path = str(app.config.mathjax_path)
    if path.startswith(("http:", "https:", "//")):
        log.warning("MathJax is loaded from %s: formulas will not render offline", path)
    elif not (Path(app.outdir) / "_static" / path).is_file():
        log.warning("MathJax file _static/%s is missing from the built site", path)


def setup(app):
    # after sphinx-mathjax-offline's own build-finished handler has copied the files
    app.connect("build-finished", _check_offline_mathjax, priority=900)
