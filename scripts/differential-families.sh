#!/usr/bin/env bash
# The full differential test of the env server's snapshot formats (python-client/tests/test_adapters_differential.py):
# every registered MiniGrid and BabyAI id, and 2,000 action-sequence seeds of 100 steps per family (CI runs 200 of 20).
# Needs python-client/.venv (scripts/setup-python.sh). Takes tens of minutes on 2 cores.
#
# Usage: scripts/differential-families.sh [SEEDS] [STEPS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/python-client"
export OMP_NUM_THREADS=1 DIRPG_DIFF_FULL=1 DIRPG_DIFF_SEEDS="${1:-2000}" DIRPG_DIFF_STEPS="${2:-100}"
.venv/bin/python -m pytest -q tests/test_adapters_differential.py
