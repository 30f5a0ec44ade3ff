#!/usr/bin/env bash
# Soak test (not part of the default suite): starts the Java trainer server and a Python MiniGrid env server on
# loopback, then drives CLIENTS concurrent clients against the trainer (CreateRun + watch, Act, GetRun, ListRuns) and
# then against the env server (Reset, StepBatch of 16) for DURATION seconds in all (half each), and prints per server:
# calls, calls/s, p50/p99 latency, errors by code, RSS and thread count before/after. Both servers are stopped at the
# end (exactly the processes started here). Exit status 1 if any call failed.
#
# After the load, both servers idle for --settle seconds (default 70) and are read once more, to tell a leak from a
# thread pool that has not shrunk yet.
#
# Usage: scripts/soak.sh [--duration SECONDS (default 180)] [--clients N (default 64)] [--workers N (default 4)]
#                        [--settle SECONDS (default 70)]
# Needs target/dirpg.jar (mvn -B -q -o package -DskipTests) and python-client/.venv (scripts/setup-python.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$root/python-client/.venv/bin/python}"
jar="${DIRPG_JAR:-$root/target/dirpg.jar}"
duration=180
clients=64
workers=4
settle=70
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --workers) workers="$2"; shift 2 ;;
        --settle) settle="$2"; shift 2 ;;
        *) echo "soak.sh: unknown option '$1'; usage: scripts/soak.sh [--duration S] [--clients N] [--workers N] [--settle S]" >&2
           exit 2 ;;
    esac
done
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "soak.sh: --duration must be a positive number of seconds, got '$duration'" >&2; exit 2; }
[[ "$clients" =~ ^[1-9][0-9]*$ ]] || { echo "soak.sh: --clients must be a positive integer, got '$clients'" >&2; exit 2; }
[[ "$settle" =~ ^[0-9]+$ ]] || { echo "soak.sh: --settle must be a whole number of seconds >= 0, got '$settle'" >&2; exit 2; }
[ -f "$jar" ] || { echo "soak.sh: $jar is not built; run mvn -B -q -o package -DskipTests" >&2; exit 2; }
[ -x "$python" ] || { echo "soak.sh: no $python; run scripts/setup-python.sh" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/dirpg-soak.XXXXXX")"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

await() {  # await LOG PREFIX PID: prints HOST:PORT from the line "PREFIX HOST:PORT"
    for _ in $(seq 900); do
        if grep -q -m 1 "^$2 " "$1" 2>/dev/null; then grep -m 1 "^$2 " "$1" | awk '{print $NF}'; return 0; fi
        kill -0 "$3" 2>/dev/null || { echo "soak.sh: a server exited at start; see $1:" >&2; cat "$1" >&2; return 1; }
        sleep 0.1
    done
    echo "soak.sh: no '$2' line in $1 after 90 s" >&2; return 1
}

export OMP_NUM_THREADS=1
java -Xmx1g -jar "$jar" serve --host 127.0.0.1 --port 0 --workers "$workers" --data-dir "$work/trainer" \
    > "$work/trainer.log" 2>&1 &
pids+=($!); trainer_pid=$!
"$python" -m dirpg.envserver --env MiniGrid-MultiRoom-N6-v0 --paper-reward --actions 0,1,2,5 --host 127.0.0.1 \
    --port 0 --workers "$workers" > "$work/envserver.log" 2>&1 &
pids+=($!); env_pid=$!
trainer="$(await "$work/trainer.log" "dirpg server listening on" "$trainer_pid")"
envserver="$(await "$work/envserver.log" "dirpg envserver listening on" "$env_pid")"
echo "soak: $(getconf _NPROCESSORS_ONLN) cores, $(date -u +%FT%TZ), $clients clients, ${duration} s; trainer $trainer (pid $trainer_pid, $workers workers), env server $envserver (pid $env_pid, $workers workers); logs in $work"
"$python" -m dirpg.soak --trainer "$trainer" --trainer-pid "$trainer_pid" --envserver "$envserver" \
    --env-pid "$env_pid" --env MiniGrid-MultiRoom-N6-v0 --clients "$clients" --duration "$duration" --settle "$settle"
