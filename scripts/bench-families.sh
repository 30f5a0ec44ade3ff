#!/usr/bin/env bash
# One run of the env server's figures per environment family (issue 20): for CartPole-v1, Taxi-v4, a MiniGrid env
# with objects (DoorKey-8x8: a key to carry, a locked door) and an Atari game (ALE/Pong-v5), on this machine:
# bare env.step and the served step in process (python -m dirpg.bench_env), Java -> Python StepBatch with batch 1
# and 64 (RemoteBench), and DirPG training interactions/s over the server at K = 1 and K = 4 searches in flight
# (java -jar target/dirpg.jar train --remote). Then a Markdown table of the ratios (the README's). Numbers only.
# The training budget covers one episode (the trainer refuses less, see EpisodeLimits): CartPole 500, Taxi 200,
# DoorKey-8x8 640; Atari is served with max_episode_steps 400 and budget 400; any other env gets budget 100.
# Needs scripts/setup-python.sh and `mvn -B -q -o package -DskipTests` first.
#
# Usage: scripts/bench-families.sh [SECONDS] [UPDATES] [ENV ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-3}"
updates="${2:-30}"
shift $(( $# > 2 ? 2 : $# ))
envs=("$@")
[ ${#envs[@]} -gt 0 ] || envs=(CartPole-v1 Taxi-v4 MiniGrid-DoorKey-8x8-v0 ALE/Pong-v5)
py=python-client/.venv/bin/python
export OMP_NUM_THREADS=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for env in "${envs[@]}"; do
    tag=$(echo "$env" | tr '/' '_')
    log="$out/$tag.server"
    budget=100
    kwargs=()
    case "$env" in
        CartPole-v1) budget=500 ;;
        Taxi-v4) budget=200 ;;
        MiniGrid-DoorKey-8x8-v0) budget=640 ;;
        ALE/*) budget=400; kwargs=(--env-kwargs '{"max_episode_steps": 400}') ;;
    esac
    "$py" -m dirpg.envserver --env "$env" "${kwargs[@]}" --host 127.0.0.1 --port 0 > "$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do grep -q "listening on" "$log" && break; sleep 0.2; done
    address=$(sed -n 's/.*listening on //p' "$log" | head -1)
    echo "== $env (server $address) =="
    "$py" -m dirpg.bench_env --env "$env" --seconds "$seconds" --address "$address" | tee "$out/$tag.py"
    java -cp target/dirpg.jar org.dirpg.env.remote.RemoteBench "$env" "$address" "$seconds" 4 | tee "$out/$tag.java"
    for k in 1 4; do
        (cd "$out" && java -jar "$root/target/dirpg.jar" train --remote "$address" --env "$env" -n "$updates" \
            --budget "$budget" --searches-in-flight "$k" --seed 1) | grep "^dirpg on " | sed "s/^/K=$k (budget $budget): /" \
            | tee "$out/$tag.k$k" || echo "K=$k: the training run failed (see above)"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
done
"$py" - "$out" "${envs[@]}" <<'PY'
import re, sys
out, envs = sys.argv[1], sys.argv[2:]
def num(path, pattern):
    try:
        text = open(path).read()
    except FileNotFoundError:
        return None
    m = re.search(pattern, text)
    return float(m.group(1)) if m else None
print()
print("| env | format | bare env.step | served in process | served / bare | Java batch 1 | / served | "
      "Java batch 64 | / served | DirPG K=1 | DirPG K=4 |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for env in envs:
    tag = env.replace("/", "_")
    p = f"{out}/{tag}"
    fmt = re.search(r"snapshot format (.*)", open(p + ".py").read()).group(1).split(" (")[0]
    bare = num(p + ".py", r"bare env.step: *([0-9.]+)")
    served = num(p + ".py", r"served step, auto +format: *([0-9.]+)")
    b1 = num(p + ".java", r"batch 1: ([0-9.]+)")
    b64 = num(p + ".java", r"batch 64: ([0-9.]+)")
    def rate(k):
        text = open(f"{p}.k{k}").read() if __import__("os").path.exists(f"{p}.k{k}") else ""
        m = re.search(r"([0-9]+) interactions.*?([0-9.]+) s\s*$", text.strip())
        return float(m.group(1)) / float(m.group(2)) if m else None
    k1, k4 = rate(1), rate(4)
    f = lambda v: "n/a" if v is None else f"{v:,.0f}"
    r = lambda a, b: "n/a" if a is None or b is None else f"{a / b:.0%}"
    print(f"| {env} | {fmt} | {f(bare)} | {f(served)} | {r(served, bare)} | {f(b1)} | {r(b1, served)} | {f(b64)} | "
          f"{r(b64, served)} | {f(k1)} | {f(k4)} |")
PY
