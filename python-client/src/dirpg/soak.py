"""Soak driver: many concurrent clients against a running trainer server and a running env server, on loopback.

    python -m dirpg.soak --trainer 127.0.0.1:50051 --trainer-pid PID --envserver 127.0.0.1:50061 --env-pid PID \
        --env MiniGrid-MultiRoom-N6-v0 --clients 64 --duration 120

Two phases of ``duration / 2`` seconds each: ``clients`` threads against the trainer (a mix of CreateRun + watch to
the end, Act, GetRun and ListRuns pages), then ``clients`` threads against the env server (Reset, then StepBatch of
16 items along random legal actions). For each phase it prints calls, calls/s, p50/p99 latency, errors by status
code, and the server's RSS and thread count (from /proc) before and after. Addresses must be loopback: this drives
the servers hard and is not for a shared network. Run it through ``scripts/soak.sh``, which starts both servers.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import threading
import time

import grpc
import numpy as np

from dirpg.envclient import RemoteEnv, RemoteEnvError
from dirpg.envserver.security import is_loopback
from dirpg.errors import DirpgError

DEEPSEA_FEATURES = 25


def proc_status(pid: int) -> tuple[float, int]:
    """(RSS in MiB, threads) of process ``pid``."""
    rss, threads = 0.0, 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, threads


class Tally:
    """Latencies (seconds) and error codes of every call, from many threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: collections.Counter = collections.Counter()

    def record(self, seconds: float, error: str | None = None) -> None:
        with self._lock:
            self.latencies.append(seconds)
            if error is not None:
                self.errors[error] += 1


def _timed(tally: Tally, call):
    t0 = time.perf_counter()
    try:
        result = call()
    except (DirpgError, RemoteEnvError) as e:
        tally.record(time.perf_counter() - t0, e.code.name)
        return None
    except grpc.RpcError as e:
        tally.record(time.perf_counter() - t0, e.code().name)
        return None
    tally.record(time.perf_counter() - t0)
    return result


def _trainer_client(address: str, stop: float, tally: Tally, seed: int) -> None:
    from dirpg.trainer_client import TrainerClient
    rng = random.Random(seed)
    with TrainerClient(address, timeout=30.0) as client:
        run = _timed(tally, lambda: client.create_run("DeepSea-v0", budget=10, updates=20, seed=seed))
        if run is not None:
            _timed(tally, lambda: list(client.watch(run.run_id, timeout=30)))
        while time.monotonic() < stop:
            r = rng.random()
            if r < 0.1 or run is None:
                run = _timed(tally, lambda: client.create_run("DeepSea-v0", budget=10, updates=20,
                                                              seed=rng.randrange(1 << 30)))
                if run is not None:
                    _timed(tally, lambda: list(client.watch(run.run_id, timeout=30)))
            elif r < 0.4:
                obs = np.eye(DEEPSEA_FEATURES)[rng.randrange(DEEPSEA_FEATURES)]
                _timed(tally, lambda: client.act(run.run_id, [obs] * 4, seed=rng.randrange(1000)))
            elif r < 0.7:
                _timed(tally, lambda: client.get_run(run.run_id))
            else:
                _timed(tally, lambda: next(iter(client.iter_runs(page_size=50)), None))


def _env_client(address: str, env_id: str, stop: float, tally: Tally, seed: int) -> None:
    rng = np.random.default_rng(seed)
    try:
        remote = RemoteEnv(address, env_id, timeout=30.0)
    except RemoteEnvError as e:
        tally.record(0.0, e.code.name)
        return
    with remote:
        tokens = None
        while time.monotonic() < stop:
            if tokens is None:
                state = _timed(tally, lambda: remote.reset(int(rng.integers(1 << 31))))
                if state is None:
                    continue
                tokens, legal = [state.token] * 16, [state.legal()] * 16
            actions = [int(rng.choice(a)) for a in legal]
            steps = _timed(tally, lambda: remote.step_batch(tokens, actions))
            if steps is None or any(s.terminated or s.truncated for s in steps):
                tokens = None
                continue
            tokens, legal = [s.next.token for s in steps], [s.next.legal() for s in steps]


def phase(name: str, pid: int, clients: int, seconds: float, target) -> dict:
    """Runs ``clients`` threads of ``target(stop, tally, seed)`` for ``seconds``; returns and prints the figures."""
    rss0, threads0 = proc_status(pid)
    tally = Tally()
    stop = time.monotonic() + seconds
    t0 = time.perf_counter()
    workers = [threading.Thread(target=target, args=(stop, tally, i), daemon=True) for i in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + 120)
    elapsed = time.perf_counter() - t0
    time.sleep(1.0)  # let the server settle before reading its threads
    rss1, threads1 = proc_status(pid)
    lat = np.array(tally.latencies) * 1000 if tally.latencies else np.zeros(1)
    figures = {"phase": name, "clients": clients, "seconds": round(elapsed, 1), "calls": len(tally.latencies),
               "calls_per_s": round(len(tally.latencies) / elapsed, 1),
               "p50_ms": round(float(np.percentile(lat, 50)), 2), "p99_ms": round(float(np.percentile(lat, 99)), 2),
               "errors": dict(tally.errors), "rss_mib": (round(rss0, 1), round(rss1, 1)),
               "threads": (threads0, threads1)}
    print(f"{name}: {clients} clients, {elapsed:.1f} s, {figures['calls']} calls, {figures['calls_per_s']} calls/s, "
          f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, errors {sum(tally.errors.values())} "
          f"{dict(tally.errors) or ''}, RSS {rss0:.0f} -> {rss1:.0f} MiB, threads {threads0} -> {threads1}",
          flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dirpg.soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--trainer", required=True, help="trainer server host:port (loopback)")
    p.add_argument("--trainer-pid", type=int, required=True)
    p.add_argument("--envserver", required=True, help="env server host:port (loopback)")
    p.add_argument("--env-pid", type=int, required=True)
    p.add_argument("--env", default="MiniGrid-MultiRoom-N6-v0", help="env id the env server serves")
    p.add_argument("--clients", type=int, default=64)
    p.add_argument("--duration", type=float, default=180.0, help="seconds in all, split between the two phases")
    p.add_argument("--settle", type=float, default=70.0,
                   help="idle seconds after the load before the last RSS and thread reading (grpc-java's idle "
                        "threads end after 60 s), to tell a leak from a pool that has not shrunk yet")
    args = p.parse_args(argv)
    for address in (args.trainer, args.envserver):
        if not is_loopback(address.rsplit(":", 1)[0]):
            p.error(f"{address} is not a loopback address; the soak runs on 127.0.0.1 only")
    if args.clients < 1 or args.duration <= 0 or args.settle < 0:
        p.error("--clients must be at least 1, --duration positive and --settle at least 0")
    half = args.duration / 2
    trainer = phase("trainer", args.trainer_pid, args.clients, half,
                    lambda stop, tally, i: _trainer_client(args.trainer, stop, tally, i))
    env = phase("envserver", args.env_pid, args.clients, half,
                lambda stop, tally, i: _env_client(args.envserver, args.env, stop, tally, i))
    if args.settle > 0:
        time.sleep(args.settle)
        for name, pid in (("trainer", args.trainer_pid), ("envserver", args.env_pid)):
            rss, threads = proc_status(pid)
            print(f"{name}: after {args.settle:.0f} s idle: RSS {rss:.0f} MiB, threads {threads}", flush=True)
    return 0 if not trainer["errors"] and not env["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
