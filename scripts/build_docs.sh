#!/usr/bin/env bash
# Build the HTML documentation with warnings as errors (what CI runs).
# Runs offline: the gallery examples use the bundled data; no intersphinx.
# Output: docs/_build/html/index.html
# Usage: bash scripts/build_docs.sh [extra sphinx-build options, e.g. -j 2]
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -e ".[docs]"
export MPLBACKEND=Agg
# API stubs are regenerated from the docstrings on every build (-E: fresh environment).
rm -rf docs/gen_modules
python -m sphinx -E -W --keep-going -b html docs docs/_build/html "$@"
