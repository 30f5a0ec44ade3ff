"""PPO from Stable-Baselines3 as the DirPG suite's baseline (``java -jar target/dirpg.jar experiment suite``).

What a user would run instead of DirPG, judged the way the suite judges its own methods: the same Gymnasium env and
keyword arguments as the suite's env server, the same episode cap T, a budget counted in environment steps (SB3's
``num_timesteps``), and held-out evaluations at 0, 1/4, 1/2 and all of the budget on the same fixed episodes (reset
seeds ``eval_seed + i``), actions sampled from the policy. Hyperparameters are SB3's defaults (``PPO("MlpPolicy",
env)``: n_steps 2048, batch 64, 10 epochs, lr 3e-4, gamma 0.99, GAE 0.95, clip 0.2). The observation wrappers are
rl-zoo3's where SB3 cannot take the env's own space: MiniGrid through ``FlatObsWrapper``; MinAtar's boolean grid as
float32. Writes ``eval.csv`` (``fraction,interactions,mean,se,terminated,mean_length``) into ``--out``.

Needs the ``[sb3]`` extra (stable-baselines3 and torch)::

    python -m dirpg.ppo_baseline --env FrozenLake-v1 --max-steps 100 --interactions 20000 --seed 0 --out DIR
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

import gymnasium as gym
import numpy as np

from dirpg.env_families import register_family

HEADER = "fraction,interactions,mean,se,terminated,mean_length"
CHECKPOINTS = (0.0, 0.25, 0.5, 1.0)


def make_env(env_id: str, kwargs: dict, max_steps: int) -> gym.Env:
    """The env as PPO sees it: ``gym.make`` with the suite's kwargs, a TimeLimit of T where the env has no limit of its
    own, and the observation wrapper SB3 needs."""
    register_family(env_id)
    env = gym.make(env_id, **kwargs)
    if env.spec is None or env.spec.max_episode_steps is None:
        env = gym.wrappers.TimeLimit(env, max_episode_steps=max_steps)
    if env_id.startswith("MiniGrid-"):
        from minigrid.wrappers import FlatObsWrapper
        env = FlatObsWrapper(env)
    elif isinstance(env.observation_space, gym.spaces.Box) and env.observation_space.dtype == np.bool_:
        env = gym.wrappers.DtypeObservation(env, np.float32)
    return env


def evaluate(model, env: gym.Env, seeds: list[int], max_steps: int) -> tuple[float, float, float, float]:
    """(mean return, its standard error, fraction terminated, mean length) over one episode per reset seed; the
    formulas of the Java side's ``Evaluation``."""
    total = sq = 0.0
    ended = steps = 0
    for s in seeds:
        obs, _ = env.reset(seed=s)
        ret, terminated = 0.0, False
        for _ in range(max_steps):
            action, _ = model.predict(obs, deterministic=False)
            obs, reward, terminated, truncated, _ = env.step(int(action))
            ret += float(reward)
            steps += 1
            if terminated or truncated:
                break
        ended += bool(terminated)
        total += ret
        sq += ret * ret
    n = len(seeds)
    mean = total / n
    se = math.sqrt(max(0.0, sq / n - mean * mean) / (n - 1))
    return mean, se, ended / n, steps / n


def run(env_id: str, kwargs: dict, max_steps: int, interactions: int, seed: int, eval_seed: int,
        eval_episodes: int, out: str) -> list[tuple]:
    """Trains PPO for ``interactions`` env steps, evaluating at the checkpoints; writes and returns the rows."""
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback

    torch.set_num_threads(1)
    seeds = [eval_seed + i for i in range(eval_episodes)]
    eval_env = make_env(env_id, kwargs, max_steps)
    rows: list[tuple] = []
    model = PPO("MlpPolicy", make_env(env_id, kwargs, max_steps), seed=seed, verbose=0, device="cpu")

    def record(fraction: float, spent: int) -> None:
        rows.append((fraction, spent, *evaluate(model, eval_env, seeds, max_steps)))

    class Checkpoints(BaseCallback):
        def __init__(self):
            super().__init__()
            self.next = 1

        def _on_step(self) -> bool:
            while self.next < len(CHECKPOINTS) and self.num_timesteps >= CHECKPOINTS[self.next] * interactions:
                record(CHECKPOINTS[self.next], self.num_timesteps)
                self.next += 1
            return self.next < len(CHECKPOINTS)

    record(0.0, 0)
    model.learn(total_timesteps=interactions, callback=Checkpoints())
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "eval.csv"), "w") as f:
        f.write(HEADER + "\n")
        for r in rows:
            f.write(f"{r[0]},{r[1]},{r[2]!r},{r[3]!r},{r[4]!r},{r[5]!r}\n")
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dirpg.ppo_baseline", description=__doc__.split("\n\n")[0])
    p.add_argument("--env", required=True, help="Gymnasium id")
    p.add_argument("--env-kwargs", default=None, metavar="JSON", help="keyword arguments of gym.make")
    p.add_argument("--max-steps", type=int, required=True, help="episode cap T")
    p.add_argument("--interactions", type=int, required=True, help="environment steps of training")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-seed", type=int, default=20_261_202, help="first reset seed of the held-out episodes")
    p.add_argument("--eval-episodes", type=int, default=50)
    p.add_argument("--out", required=True, help="directory for eval.csv")
    a = p.parse_args(argv)
    if a.max_steps < 1 or a.interactions < 1 or a.eval_episodes < 2:
        p.error("--max-steps and --interactions must be >= 1 and --eval-episodes >= 2")
    try:
        kwargs = json.loads(a.env_kwargs) if a.env_kwargs else {}
    except json.JSONDecodeError as e:
        p.error(f"--env-kwargs: not JSON ({e}); expected an object such as '{{\"is_slippery\": false}}'")
    try:
        import stable_baselines3  # noqa: F401
    except ImportError:
        print("ppo_baseline: stable_baselines3 is not installed; install the extra: pip install -e 'python-client[sb3]'",
              file=sys.stderr)
        return 3
    run(a.env, kwargs, a.max_steps, a.interactions, a.seed, a.eval_seed, a.eval_episodes, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
