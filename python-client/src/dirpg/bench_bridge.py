"""Benchmark of the Java environments in Python: ``python -m dirpg.bench_bridge [--address HOST:PORT] [--seconds S]``.

Against one Java server (``java -jar target/dirpg.jar serve``; started here on 127.0.0.1 unless ``--address`` names
one), in one run, on ``DeepSea-v0``:

1. latency: one ``DirpgEnv.step`` against a bare gRPC health check (``grpc.health.v1.Health/Check``) on the same
   server, in alternating rounds (the medians are compared, so load from other processes hits both alike); the
   resets between episodes are not timed;
2. ``DirpgVectorEnv`` with 16 sub-envs against ``gymnasium.make_vec(..., vectorization_mode="sync")`` with 16
   (16 DirpgEnvs stepped one after another), in env steps per second, medians of alternating rounds;
3. ``DirpgVectorEnv`` with 64 sub-envs, env steps per second (median of rounds);
4. Stable-Baselines3 PPO (``n_steps=256``, ``batch_size=256``, one epoch per update, CPU) on ``DirpgVecEnv`` with
   8 sub-envs, env steps per second of ``learn`` (skipped without the ``sb3`` extra);
5. like for like, SB3 PPO with its default hyperparameters (``n_steps=2048``, ``batch_size=64``, ten epochs) on one
   ``DirpgEnv`` (how the bridge was used before the vector env) and on ``DirpgVecEnv`` with 8 sub-envs: the same
   training work per env step, so their ratio is what the vector env gives a PPO user; printed with the rate of the
   rollout collection alone (the bridge's part) and the time of PPO's updates alone per env step (the same with any
   env, so the ceiling of ``learn``'s rate).

Nothing is timed before ``--warmup`` seconds of calls (a fresh JVM compiles its hot paths first). Each figure is
printed with its target. Numbers only: nothing is asserted (the tests assert behaviour).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import grpc
import gymnasium as gym
import numpy as np
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dirpg import gym_env, launch
from dirpg.gym_env import DirpgEnv
from dirpg.vector_env import DirpgVectorEnv

ENV = "DeepSea-v0"


def warm_up(address: str, seconds: float) -> None:
    """Health checks, single steps and 64-item batches for ``seconds``: a fresh server's JIT compiles its hot paths
    (on 2 cores its compiler threads compete with the calls), so nothing is timed before this."""
    channel = grpc.insecure_channel(address)
    health = health_pb2_grpc.HealthStub(channel)
    env = DirpgEnv(ENV, address)
    venv = DirpgVectorEnv(64, ENV, address)
    env.reset(seed=0)
    venv.reset(seed=0)
    ones = np.ones(64, dtype=np.int64)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        health.Check(health_pb2.HealthCheckRequest(), timeout=30)
        if env.step(1)[2]:
            env.reset()
        venv.step(ones)
    env.close(), venv.close(), channel.close()


def latency(address: str, seconds: float, rounds: int = 7) -> tuple[float, float]:
    """Median seconds per health check and per ``DirpgEnv.step``, over ``rounds`` alternating rounds."""
    channel = grpc.insecure_channel(address)
    health = health_pb2_grpc.HealthStub(channel)
    request = health_pb2.HealthCheckRequest()
    env = DirpgEnv(ENV, address)
    env.reset(seed=0)
    per_round = seconds / rounds / 2

    def checks() -> float:
        calls, start = 0, time.perf_counter()
        while time.perf_counter() - start < per_round:
            health.Check(request, timeout=30)
            calls += 1
        return (time.perf_counter() - start) / calls

    def steps() -> float:
        calls, spent = 0, 0.0
        while spent < per_round:
            start = time.perf_counter()
            _, _, terminated, truncated, _ = env.step(1)
            spent += time.perf_counter() - start
            calls += 1
            if terminated or truncated:
                env.reset()
        return spent / calls

    checks(), steps()  # warm up both paths (JIT on the server, channel on the client)
    health_times, step_times = [], []
    for _ in range(rounds):
        health_times.append(checks())
        step_times.append(steps())
    env.close()
    channel.close()
    return statistics.median(health_times), statistics.median(step_times)


def vector_rates(venvs: list, seconds: float, rounds: int = 5) -> list[float]:
    """Median env steps per second of each vector env's ``step`` with uniform random actions, measured in
    ``rounds`` alternating rounds (so load from other processes hits each alike)."""
    rng = np.random.default_rng(0)
    actions = [rng.integers(0, v.single_action_space.n, (256, v.num_envs)) for v in venvs]
    for venv, a in zip(venvs, actions):
        venv.reset(seed=0)
        for row in a[:32]:
            venv.step(row)
    rates: list[list[float]] = [[] for _ in venvs]
    for _ in range(rounds):
        for venv, a, out in zip(venvs, actions, rates):
            steps, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds / rounds:
                venv.step(a[steps % len(a)])
                steps += 1
            out.append(steps * venv.num_envs / (time.perf_counter() - start))
    for venv in venvs:
        venv.close()
    return [statistics.median(r) for r in rates]


def sb3_rate(address: str, steps: int) -> float | None:
    """Env steps per second of SB3 PPO's ``learn`` on ``DirpgVecEnv`` with 8 sub-envs; None without SB3."""
    try:
        from stable_baselines3 import PPO

        from dirpg.sb3 import DirpgVecEnv
    except ImportError:
        return None
    venv = DirpgVecEnv.make(gym_env.gym_id(ENV), 8, address=address)
    model = PPO("MlpPolicy", venv, n_steps=256, batch_size=256, n_epochs=1, device="cpu", seed=0)
    model.learn(total_timesteps=2048)  # warm-up
    start = time.perf_counter()
    model.learn(total_timesteps=steps, reset_num_timesteps=False)
    rate = steps / (time.perf_counter() - start)
    venv.close()
    return rate


def sb3_default_rates(address: str, steps: int) -> list[tuple[float, float, float]] | None:
    """SB3 PPO's ``learn`` with its default hyperparameters on one DirpgEnv and on DirpgVecEnv with 8 sub-envs, each
    timed over ``steps`` env steps after one untimed rollout: per env, (env steps/s of ``learn``, env steps/s of its
    rollout collection alone, seconds of its updates alone); None without SB3. The collection is the bridge's part
    (env steps plus the policy's forward passes); the updates (ten epochs of minibatches of 64) cost the same per
    env step whatever the env."""
    try:
        from stable_baselines3 import PPO

        from dirpg.sb3 import DirpgVecEnv
    except ImportError:
        return None
    out = []
    for env in (gym.make(gym_env.gym_id(ENV), address=address),  # SB3 wraps one env in its DummyVecEnv
                DirpgVecEnv.make(gym_env.gym_id(ENV), 8, address=address)):
        model = PPO("MlpPolicy", env, device="cpu", seed=0)
        model.learn(total_timesteps=model.n_steps * model.n_envs)  # warm-up: one rollout and its update
        spent = {"collect_rollouts": 0.0, "train": 0.0}
        for name in spent:
            _timed(model, name, spent)
        start = time.perf_counter()
        model.learn(total_timesteps=steps, reset_num_timesteps=False)
        elapsed = time.perf_counter() - start
        out.append((steps / elapsed, steps / spent["collect_rollouts"], spent["train"]))
        env.close()
    return out


def _timed(model, name: str, spent: dict[str, float]) -> None:
    """Wraps ``model.<name>`` so that its wall-clock time adds up in ``spent[name]``."""
    method = getattr(model, name)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start

    setattr(model, name, timed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dirpg.bench_bridge", description=__doc__.splitlines()[0])
    parser.add_argument("--address", help="a running Java server (default: start one on 127.0.0.1)")
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds per measurement (default 6)")
    parser.add_argument("--sb3-steps", type=int, default=20480, help="PPO env steps timed (default 20480)")
    parser.add_argument("--sb3-default-steps", type=int, default=32768,
                        help="PPO env steps timed with SB3's default hyperparameters, per env (default 32768; 0 skips)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of untimed calls first (default 10)")
    args = parser.parse_args(argv)
    server = None if args.address else launch.start_java_server()
    address = args.address or server.address
    try:
        print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
              f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}; server {address}", flush=True)
        warm_up(address, args.warmup)
        health, step = latency(address, args.seconds)
        print(f"latency: DirpgEnv.step {step * 1e3:.3f} ms, health check {health * 1e3:.3f} ms: "
              f"{step / health:.2f}x (target <= 1.5x)", flush=True)
        gid = gym_env.register(ENV, address)
        ours, sync = vector_rates([gym.make_vec(gid, num_envs=16, vectorization_mode="vector_entry_point"),
                                   gym.make_vec(gid, num_envs=16, vectorization_mode="sync")], 2 * args.seconds)
        print(f"N=16: DirpgVectorEnv {ours:,.0f} env steps/s, sync make_vec {sync:,.0f}: {ours / sync:.1f}x "
              f"(target >= 8x)", flush=True)
        wide, = vector_rates([gym.make_vec(gid, num_envs=64, vectorization_mode="vector_entry_point")], args.seconds)
        print(f"N=64: DirpgVectorEnv {wide:,.0f} env steps/s (target >= 30,000)", flush=True)
        rate = sb3_rate(address, args.sb3_steps)
        print("SB3 PPO N=8: " + ("skipped (no stable-baselines3; pip install 'dirpg[sb3]')" if rate is None
                                 else f"{rate:,.0f} env steps/s (target >= 1,700)"), flush=True)
        if args.sb3_default_steps > 0:
            both = sb3_default_rates(address, args.sb3_default_steps)
            if both is not None:
                (single, single_collect, _), (vec, vec_collect, vec_train) = both
                print(f"SB3 PPO, default hyperparameters: one DirpgEnv {single:,.0f} env steps/s, DirpgVecEnv N=8 "
                      f"{vec:,.0f}: {vec / single:.1f}x; rollout collection alone {single_collect:,.0f} and "
                      f"{vec_collect:,.0f} env steps/s: {vec_collect / single_collect:.1f}x; PPO's updates alone "
                      f"{vec_train / args.sb3_default_steps * 1e3:.2f} ms per env step (at most "
                      f"{args.sb3_default_steps / vec_train:,.0f} env steps/s with any env)", flush=True)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
