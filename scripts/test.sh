#!/usr/bin/env bash
# Install riskcycle with its test extra and run the test suite (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e ".[test]"
python -m pytest -q -p no:cacheprovider "$@"
