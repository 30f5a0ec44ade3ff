#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs the Python side (python-client/.venv), builds the Java
# side with Maven (running the JUnit suite, which starts real Python env servers from that venv), then runs the
# Python suite (which starts the built server jar).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export OMP_NUM_THREADS=1
bash scripts/setup-python.sh
mvn -B package
python-client/.venv/bin/python -m pytest -q python-client/tests
