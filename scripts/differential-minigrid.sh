#!/usr/bin/env bash
# The full differential test of the Java MiniGrid twin against real Farama MiniGrid 3.2.0 (issue: 1,000 seeds x 200
# steps of random and door-seeking sequences, every action branched from every saved state, both reward variants and
# both see-through settings; plus 1,000 maps of each MultiRoom variant). The default test suite runs a slice of it.
# Needs python-client/.venv (scripts/setup-python.sh) and a built project (mvn package -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export OMP_NUM_THREADS=1
mvn -B -q surefire:test -Dtest=MiniGridTwinDifferentialTest -Ddirpg.differential=full -DfailIfNoTests=false
cat target/surefire-reports/org.dirpg.env.remote.MiniGridTwinDifferentialTest.txt
