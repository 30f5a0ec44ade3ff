#!/usr/bin/env bash
# The docker-compose topology without Docker: N Python env servers on free loopback ports sharing one token key,
# plus the Java trainer server, all as background processes of this machine.
#
# Usage:
#   scripts/fleet.sh start N [--dir DIR] [--env ENV_ID] [--no-trainer] [-- ENVSERVER_OPTIONS...]
#   scripts/fleet.sh stop [--dir DIR]
#
# start writes into DIR (default runs/fleet):
#   key          the fleet's token key (random, mode 600; every env server reads it with --token-key-file)
#   endpoints    the env servers as one line host:port,host:port,... (the form RemoteEnvironment and
#                TrainerClient.create_run(endpoints=...) take)
#   trainer      the trainer server's host:port (absent with --no-trainer)
#   fleet.env    the same as shell assignments: DIRPG_ENDPOINTS=..., DIRPG_TRAINER=..., DIRPG_ENV=...
#   pids, *.log  the processes started and their output
# ENVSERVER_OPTIONS go to every env server (e.g. --paper-reward --actions 0,1,2,5). The default env is
# MiniGrid-MultiRoom-N6-v0. Python: $PYTHON or python-client/.venv/bin/python; Java: $JAVA or java, with $DIRPG_JAR or
# target/dirpg.jar (build it with mvn -B -q -o package -DskipTests). stop terminates exactly the recorded pids
# (SIGTERM, then SIGKILL after 10 s) and removes pids.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$root/python-client/.venv/bin/python}"
java="${JAVA:-java}"
jar="${DIRPG_JAR:-$root/target/dirpg.jar}"
usage() { sed -n '5,7p' "$0" | sed 's/^# //' >&2; exit 2; }

cmd="${1:-}"; [ $# -gt 0 ] && shift
count=""
dir="$root/runs/fleet"
env_id="MiniGrid-MultiRoom-N6-v0"
trainer=1
extra=()
if [ "$cmd" = start ]; then
    count="${1:-}"; [ $# -gt 0 ] && shift
    [[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "fleet.sh start: N must be a positive integer, got '$count'" >&2; usage; }
fi
while [ $# -gt 0 ]; do
    case "$1" in
        --dir) dir="$2"; shift 2 ;;
        --env) env_id="$2"; shift 2 ;;
        --no-trainer) trainer=0; shift ;;
        --) shift; extra=("$@"); break ;;
        *) echo "fleet.sh: unknown option '$1'" >&2; usage ;;
    esac
done

# Waits for a line "<prefix> HOST:PORT" in a log; prints HOST:PORT.
await_address() {
    local log="$1" prefix="$2" pid="$3" waited=0
    while [ $waited -lt 600 ]; do
        if [ -s "$log" ] && grep -q -m 1 "^$prefix " "$log"; then
            grep -m 1 "^$prefix " "$log" | awk '{print $NF}'
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { echo "fleet.sh: process $pid exited before serving; see $log" >&2; return 1; }
        sleep 0.1; waited=$((waited + 1))
    done
    echo "fleet.sh: no '$prefix' line in $log after 60 s" >&2
    return 1
}

stop_fleet() {
    [ -f "$dir/pids" ] || { echo "fleet.sh stop: no fleet recorded in $dir (no pids file)" >&2; return 0; }
    mapfile -t pids < "$dir/pids"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 100); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive -eq 0 ] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -f "$dir/pids"
    echo "fleet stopped (${#pids[@]} processes)"
}

case "$cmd" in
    start)
        [ -f "$dir/pids" ] && { echo "fleet.sh start: a fleet is already recorded in $dir; run stop first" >&2; exit 1; }
        if [ $trainer -eq 1 ] && [ ! -f "$jar" ]; then
            echo "fleet.sh start: $jar is not built (mvn -B -q -o package -DskipTests), or pass --no-trainer" >&2
            exit 1
        fi
        mkdir -p "$dir"
        rm -f "$dir"/envserver-*.log "$dir/trainer.log" "$dir/trainer" "$dir/endpoints" "$dir/fleet.env"
        (umask 077; "$python" -c "import secrets; print(secrets.token_hex(32))" > "$dir/key")
        : > "$dir/pids"
        trap 'stop_fleet >/dev/null' ERR
        pids=()
        for i in $(seq "$count"); do
            nohup "$python" -m dirpg.envserver --env "$env_id" --host 127.0.0.1 --port 0 \
                --token-key-file "$dir/key" "${extra[@]}" > "$dir/envserver-$i.log" 2>&1 < /dev/null &
            echo $! >> "$dir/pids"; pids+=($!)
        done
        if [ $trainer -eq 1 ]; then
            nohup "$java" -jar "$jar" serve --host 127.0.0.1 --port 0 --token-key-file "$dir/key" \
                --data-dir "$dir/trainer-data" > "$dir/trainer.log" 2>&1 < /dev/null &
            echo $! >> "$dir/pids"; trainer_pid=$!
        fi
        endpoints=()
        for i in $(seq "$count"); do
            endpoints+=("$(await_address "$dir/envserver-$i.log" "dirpg envserver listening on" "${pids[$((i - 1))]}")")
        done
        (IFS=,; echo "${endpoints[*]}") > "$dir/endpoints"
        {
            echo "DIRPG_ENV=$env_id"
            echo "DIRPG_ENDPOINTS=$(cat "$dir/endpoints")"
        } > "$dir/fleet.env"
        if [ $trainer -eq 1 ]; then
            await_address "$dir/trainer.log" "dirpg server listening on" "$trainer_pid" > "$dir/trainer"
            echo "DIRPG_TRAINER=$(cat "$dir/trainer")" >> "$dir/fleet.env"
        fi
        trap - ERR
        echo "fleet started: $count env server(s) $(cat "$dir/endpoints")$([ $trainer -eq 1 ] && echo ", trainer $(cat "$dir/trainer")"); files in $dir"
        ;;
    stop) stop_fleet ;;
    *) usage ;;
esac
