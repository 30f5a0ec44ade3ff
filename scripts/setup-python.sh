#!/usr/bin/env bash
# Sets up the Python side (idempotent): python-client/.venv with the dirpg package installed editable with its
# test, families and docs extras (Atari through ale-py, MinAtar), at the exact versions of python-client/constraints.txt (pyproject.toml declares ranges). The install's build step (python-client/setup.py)
# generates the gRPC stubs from proto/ into python-client/src/dirpg/{env,train}/ (git-ignored).
# Needs only python3.11 (or $PYTHON) with venv/pip and access to PyPI.
#
# Usage: scripts/setup-python.sh        then: python-client/.venv/bin/python -m pytest python-client/tests
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3.11}"
venv="$root/python-client/.venv"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
# constraints.txt pins every package at the versions CI runs (pyproject.toml declares ranges); PIP_CONSTRAINT also
# reaches the isolated build environment that compiles the stubs
PIP_CONSTRAINT="$root/python-client/constraints.txt" \
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$root/python-client/constraints.txt" \
    -e "$root/python-client[test,families,docs]"
"$venv/bin/python" -c "import dirpg.env.v1.environment_pb2_grpc, gymnasium, minigrid, ale_py, minatar; print('dirpg python client ready:', '$venv')"
