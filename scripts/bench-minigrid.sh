#!/usr/bin/env bash
# The MiniGrid figures in one run on this machine: in-process Python stepping, then the Java side through the
# protocol (K = 1 and K in flight), the conv policy, and DirPG end to end. Needs scripts/setup-python.sh and
# `mvn -B -q package -DskipTests` first.  Usage: scripts/bench-minigrid.sh [SECONDS] [K] [--step-socket]
# With --step-socket the server also offers its step socket (docs/protocols.md), which the Java client then steps
# over; without it every Java call is gRPC.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-3}"
k="${2:-4}"
socket_args=()
if [ "${3:-}" = "--step-socket" ]; then
    socket_args=(--step-socket "$(mktemp -u /tmp/dirpg-bench-XXXXXX.sock)")
fi
py=python-client/.venv/bin/python
export OMP_NUM_THREADS=1
log=$(mktemp)
"$py" -m dirpg.envserver --env MiniGrid-MultiRoom-N6-v0 --paper-reward --actions 0,1,2,5 --host 127.0.0.1 --port 0 \
    ${socket_args[@]+"${socket_args[@]}"} > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
    grep -q "listening on" "$log" && break
    sleep 0.2
done
address=$(sed -n 's/.*listening on //p' "$log" | head -1)
echo "== Python, in process (MiniGrid-MultiRoom-N6-v0) =="
"$py" -m dirpg.bench_env --seconds "$seconds" --address "$address" --actions 0,1,2,5 --paper-reward | tee "$log.py"
python_steps=$(sed -n 's/^in-process bare env.step: *\([0-9.]*\) steps.*/\1/p' "$log.py")
echo "== Java: through the protocol, then the twin =="
java -jar target/dirpg.jar bench --suite minigrid --remote "$address" --seconds "$seconds" --in-flight "$k" \
    --python-steps "${python_steps:-0}"
