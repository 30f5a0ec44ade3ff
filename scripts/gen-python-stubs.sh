#!/usr/bin/env bash
# Regenerates the Python gRPC stubs of proto/ into python-client/src/dirpg/{env,train}/ (git-ignored) after a
# .proto edit, without touching the dependencies. A thin dev helper: it re-runs the editable install of the dirpg
# package, whose build step (python-client/setup.py) owns the generation; scripts/setup-python.sh does the same.
#
# Usage: scripts/gen-python-stubs.sh [PYTHON]   (default: python-client/.venv/bin/python)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${1:-$root/python-client/.venv/bin/python}"
"$python" -m pip install -q --disable-pip-version-check --no-deps -e "$root/python-client"
echo "generated the Python stubs of proto/ into python-client/src/dirpg/ (see python-client/setup.py)"
