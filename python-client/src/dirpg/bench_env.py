"""Benchmark: ``python -m dirpg.bench_env [--env ID] [--seconds S] [--address HOST:PORT] [--no-remote]``.

Prints steps/s of any served env in process (the bare env as the server makes it; a ServedEnvironment with its
automatic snapshot format, i.e. restore + step + capture + sign, and with the whole-env pickle where that format
works) and through the gRPC server from Python (StepBatch with batch 1 and batch 64; skipped with
``--no-remote``). Starts its own server on 127.0.0.1 unless ``--address`` names one. Numbers only; nothing is
asserted. Actions are drawn uniformly from the legal set (``--actions`` overrides).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from dirpg.env_families import register_family
from dirpg.envclient import RemoteEnv
from dirpg.envserver.service import EnvServer
from dirpg.served_env import ServedEnvironment
from dirpg.tokens import load_key


def _rate(fn, seconds: float) -> float:
    """Calls fn() (returning the number of steps it did) for about ``seconds``; returns steps per second."""
    fn()  # warm up
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        steps += fn()
    return steps / (time.perf_counter() - start)


def bench_bare(served: ServedEnvironment, seconds: float, rng: np.random.Generator) -> float:
    """Bare ``env.step`` of the env as the server makes it; the resets between episodes are not timed (an ALE reset
    with a seed reloads the ROM, ~0.15 s), as the served figure restarts from a saved root without one."""
    env = served._make()
    env.reset(seed=0)
    legal = served.legal_actions
    env.step(legal[0])
    steps, spent = 0, 0.0
    while spent < seconds:
        start = time.perf_counter()
        for _ in range(100):
            _, _, term, trunc, _ = env.step(legal[int(rng.integers(len(legal)))])
            steps += 1
            if term or trunc:
                break
        spent += time.perf_counter() - start
        if term or trunc:
            env.reset(seed=int(rng.integers(1 << 30)))
    return steps / spent


def bench_served(served: ServedEnvironment, seconds: float, rng: np.random.Generator) -> float:
    start = served.reset(0, None).state_token
    token = [start]
    legal = served.legal_actions

    def run():
        for _ in range(100):
            result = served.step(token[0], legal[int(rng.integers(len(legal)))])
            token[0] = start if result.next.terminal else result.next.state_token
        return 100
    return _rate(run, seconds)


def bench_remote(remote: RemoteEnv, batch: int, seconds: float, rng: np.random.Generator,
                 actions: list[int]) -> float:
    starts = [remote.reset(s).token for s in range(batch)]
    tokens = list(starts)

    def run():
        for _ in range(10):
            results = remote.step_batch(tokens, rng.choice(actions, size=batch).tolist())
            for i, r in enumerate(results):
                tokens[i] = starts[i] if r.next.terminal else r.next.token
        return 10 * batch
    return _rate(run, seconds)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m dirpg.bench_env", description=__doc__.split("\n\n")[0])
    p.add_argument("--env", default="MiniGrid-MultiRoom-N6-v0")
    p.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    p.add_argument("--address", default=None, help="a running env server (else one is started here)")
    p.add_argument("--no-remote", action="store_true", help="in-process figures only")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--actions", default=None,
                   help="the legal action subset, e.g. 0,1,2,5 (default: all), as the server's --actions")
    args = p.parse_args(argv)
    actions = None if args.actions is None else [int(a) for a in args.actions.split(",")]
    rng = np.random.default_rng(args.seed)
    key = load_key(None)
    register_family(args.env)
    served = ServedEnvironment(args.env, key=key, actions=actions)
    print(f"env {args.env}, {args.seconds:g} s per measurement, snapshot format {served.format}")
    print(f"in-process bare env.step:                 {bench_bare(served, args.seconds, rng):10.0f} steps/s")
    rate = bench_served(served, args.seconds, rng)
    print(f"in-process served step, auto   format:  {rate:10.0f} steps/s  ({1e3 / rate:.3f} ms/step)")
    try:
        pickled = ServedEnvironment(args.env, key=key, actions=actions, snapshot="pickle")
    except ValueError:
        print("in-process served step, pickle format:  n/a (the whole-env pickle cannot save this env)")
    else:
        rate = bench_served(pickled, args.seconds, rng)
        print(f"in-process served step, pickle format:  {rate:10.0f} steps/s  ({1e3 / rate:.3f} ms/step)")
    if args.no_remote:
        return
    server = None
    address = args.address
    if address is None:
        server = EnvServer({args.env: served}, port=0).start()
        address = server.address
    with RemoteEnv(address.split(",")[0], args.env) as remote:
        for batch in (1, 64):
            rate = bench_remote(remote, batch, args.seconds, rng, served.legal_actions)
            print(f"Python gRPC StepBatch, batch {batch:2d}:          {rate:10.0f} steps/s")
    if server is not None:
        server.stop(grace=None)


if __name__ == "__main__":
    main()
