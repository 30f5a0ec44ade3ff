"""Benchmark: ``python -m dirpg.bench_env [--env ID] [--seconds S] [--address HOST:PORT] [--no-remote]``.

Prints steps/s of any served env in process (the bare env as the server makes it; a ServedEnvironment with its
automatic snapshot format, i.e. restore + step + capture + sign, along one walk and over 64 walks that restore as a
batch of 64 does, and with the whole-env pickle where that format works), measured in alternating slices so that their ratio holds on a shared machine, and through the gRPC
server from Python (StepBatch with batch 1 and batch 64; skipped with
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


SLICES = 10
"""In-process figures are measured in alternating slices (bare, served, bare, served, ...), so on a shared machine
both see the same load and their ratio is meaningful."""


def bare_runner(served: ServedEnvironment, rng: np.random.Generator):
    """Bare ``env.step`` of the env as the server makes it; the resets between episodes are not timed (an ALE reset
    with a seed reloads the ROM, ~0.15 s), as the served figure restarts from a saved root without one. Returns
    run(seconds) -> (steps, seconds spent)."""
    env = served._make()
    env.reset(seed=0)
    legal = served.legal_actions
    env.step(legal[0])

    def run(seconds: float) -> tuple[int, float]:
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
        return steps, spent
    return run


def served_runner(served: ServedEnvironment, rng: np.random.Generator, walks: int = 1, episodes: int = 1):
    """Served steps of ``walks`` walks taken in turn, walk i in episode i mod ``episodes`` (each step from the token
    the walk's previous step issued; a terminal state restarts the walk from its episode's reset token). One walk
    steps a chain of tokens, as a search's rollout does, so the server skips its restores (``Adapter.mark``); 64
    walks over 16 episodes step as a StepBatch of 64 (``RemoteBench``'s) does, restoring at nearly every step.
    Returns run(seconds) -> (steps, seconds spent)."""
    starts = [served.reset(e, None).state_token for e in range(episodes)]
    tokens = [starts[i % episodes] for i in range(walks)]
    legal = served.legal_actions

    def run(seconds: float) -> tuple[int, float]:
        steps, begin = 0, time.perf_counter()
        while time.perf_counter() - begin < seconds:
            for k in range(100):
                i = k % walks
                result = served.step(tokens[i], legal[int(rng.integers(len(legal)))])
                tokens[i] = starts[i % episodes] if result.next.terminal else result.next.state_token
            steps += 100
        return steps, time.perf_counter() - begin
    return run


def interleaved(runners: list, seconds: float, slices: int = SLICES) -> list[float]:
    """Steps/s of each runner, each given ``seconds`` in total, in ``slices`` alternating turns (after a warm-up)."""
    for run in runners:
        run(min(0.05, seconds / slices))
    totals = [[0, 0.0] for _ in runners]
    for _ in range(slices):
        for run, total in zip(runners, totals):
            steps, spent = run(seconds / slices)
            total[0] += steps
            total[1] += spent
    return [steps / spent for steps, spent in totals]


def bench_bare(served: ServedEnvironment, seconds: float, rng: np.random.Generator) -> float:
    return interleaved([bare_runner(served, rng)], seconds)[0]


def bench_served(served: ServedEnvironment, seconds: float, rng: np.random.Generator) -> float:
    return interleaved([served_runner(served, rng)], seconds)[0]


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
    p.add_argument("--paper-reward", action="store_true",
                   help="MultiRoom with the paper's reward and bound, as the server's --paper-reward")
    args = p.parse_args(argv)
    actions = None if args.actions is None else [int(a) for a in args.actions.split(",")]
    rng = np.random.default_rng(args.seed)
    key = load_key(None)
    register_family(args.env)
    paper = {"paper_reward_variant": True} if args.paper_reward else {}
    served = ServedEnvironment(args.env, key=key, actions=actions, **paper)
    print(f"env {args.env}{' with the paper reward' if args.paper_reward else ''}, {args.seconds:g} s per "
          f"measurement, snapshot format {served.format}")
    try:
        pickled = ServedEnvironment(args.env, key=key, actions=actions, snapshot="pickle", **paper)
    except ValueError:
        pickled = None
    runners = [bare_runner(served, rng), served_runner(served, rng),
               served_runner(served, rng, walks=64, episodes=16)]
    if pickled is not None:
        runners.append(served_runner(pickled, rng))
    rates = interleaved(runners, args.seconds)
    print(f"in-process bare env.step:                 {rates[0]:10.0f} steps/s")
    print(f"in-process served step, auto   format:  {rates[1]:10.0f} steps/s  ({1e3 / rates[1]:.3f} ms/step)")
    print(f"  64 walks over 16 episodes (restoring):{rates[2]:10.0f} steps/s  ({1e3 / rates[2]:.3f} ms/step)")
    if pickled is None:
        print("in-process served step, pickle format:  n/a (the whole-env pickle cannot save this env)")
    else:
        print(f"in-process served step, pickle format:  {rates[3]:10.0f} steps/s  ({1e3 / rates[3]:.3f} ms/step)")
    print(f"(in {SLICES} alternating slices of each; served / bare {rates[1] / rates[0]:.0%})")
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
