"""Sphinx configuration of the riskcycle documentation.

Build with ``bash scripts/build_docs.sh`` (warnings are errors). Everything runs
offline: no intersphinx inventories are fetched, the gallery examples use the
bundled data, and matplotlib draws with the non-interactive Agg backend.
"""

from __future__ import annotations

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
# MathJax is referenced by a script tag only; nothing is downloaded at build time.
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
