#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs the Python side (python-client/.venv), builds the Java
# side with Maven (running the JUnit suite, which starts real Python env servers from that venv) and installs it as
# the library org.dirpg:dirpg into the local Maven repository (with its sources and Javadoc jars), then runs the
# Python suite (which starts the built server jar, and builds and runs examples/java against the installed library).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export OMP_NUM_THREADS=1
bash scripts/setup-python.sh
mvn -B install
# test_java_library.py fails, instead of skipping, when the installed artifact is missing
export DIRPG_INSTALLED=1
python-client/.venv/bin/python -m pytest -q python-client/tests
