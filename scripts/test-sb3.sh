#!/usr/bin/env bash
# Runs the tests that need Stable-Baselines3 and sb3-contrib (the [sb3] extra) in a venv of their own,
# python-client/.venv-sb3 (git-ignored), made with [test,families,sb3] (the families for test_ppo_baseline's envs).
# Torch comes with SB3: GBs from PyPI (set PIP_EXTRA_INDEX_URL to a CPU-only torch index to fetch less). The default
# suite (scripts/test.sh) skips these tests. Needs target/dirpg.jar (built here if missing) and python3.11 (or $PYTHON).
#
# Usage: scripts/test-sb3.sh [pytest args]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3.11}"
venv="$root/python-client/.venv-sb3"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$root/python-client[test,families,sb3]"
if [ ! -f "$root/target/dirpg.jar" ]; then
    (cd "$root" && mvn -B -q -o package -DskipTests)
fi
cd "$root/python-client"
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" "$venv/bin/python" -m pytest -q -rs \
    tests/test_sb3.py tests/test_ppo_baseline.py tests/test_readme_java_envs.py "$@"
