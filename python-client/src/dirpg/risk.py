"""Risk sensitivity on a real task (the paper's Sec. 4): DirPG with eps < 0 should avoid the risk the agent controls,
eps > 0 seek it. Trains DirPG on slippery grid worlds with a hazard (CliffWalkingSlippery-v1: the cliff;
FrozenLake-v1, slippery: the holes) for each eps and seed, through a real Java trainer server and a real Python env
server, then runs each learned policy (``dirpg.Policy``, sampled actions) on fixed held-out episodes of the stock
Gymnasium env and measures:

- ``distance``: the mean, over the states an episode visits, of the Manhattan distance to the nearest hazard cell
  (the distance the policy keeps), averaged over episodes;
- ``fell``: the fraction of episodes that entered a hazard (the cliff's -100 step, or a hole);
- ``return`` and its variance over the held-out episodes.

The same measures of random play (uniform actions) on the same episodes are the reference each eps is read against.

Each (env, eps, seed) result is one line of ``results.jsonl`` in ``--out``, so an interrupted run resumes where it
stopped; ``summary.csv`` (mean ± SE over seeds), ``risk.png`` and ``summary.md`` are rewritten at the end.

Usage: ``python -m dirpg.risk --out runs/risk [--scale quick|full] [--envs ...] [--eps ...] [--seeds N]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import gymnasium as gym
import numpy as np

EPS = (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0)


@dataclass(frozen=True)
class Task:
    env_id: str
    kwargs: dict
    budget: int
    max_steps: int


TASKS = {
    "CliffWalkingSlippery-v1": Task("CliffWalkingSlippery-v1", {}, 600, 100),
    "FrozenLake-v1": Task("FrozenLake-v1", {"is_slippery": True}, 600, 100),
}
SCALES = {"quick": {"updates": 100, "episodes": 100, "seeds": 3}, "full": {"updates": 1000, "episodes": 1000, "seeds": 3}}


def hazards(env) -> np.ndarray:
    """A boolean grid of the env's hazard cells: CliffWalking's cliff, FrozenLake's holes."""
    u = env.unwrapped
    if hasattr(u, "_cliff"):
        return np.asarray(u._cliff, dtype=bool)
    return np.asarray(u.desc == b"H", dtype=bool)


def distance_grid(hazard: np.ndarray) -> np.ndarray:
    """Each cell's Manhattan distance to the nearest hazard cell."""
    rows, cols = np.indices(hazard.shape)
    cells = np.argwhere(hazard)
    return np.min(np.abs(rows[..., None] - cells[:, 0]) + np.abs(cols[..., None] - cells[:, 1]), axis=-1)


def held_out(policy, task: Task, episodes: int, seed: int) -> dict:
    """The policy's sampled behaviour on episodes reset with seeds seed .. seed + episodes - 1."""
    env = gym.make(task.env_id, **task.kwargs)
    hazard = hazards(env)
    dist = distance_grid(hazard)
    ncol = hazard.shape[1]
    rng = np.random.default_rng(seed)
    returns, distances, fell = [], [], 0
    for i in range(episodes):
        s, info = env.reset(seed=seed + i)
        total, visited, hit = 0.0, [int(s)], False
        for _ in range(task.max_steps):
            s, r, terminated, truncated, info = env.step(policy.act(s, rng=rng))
            total += float(r)
            visited.append(int(s))
            hit |= bool(hazard[divmod(int(s), ncol)]) or r <= -100
            if terminated or truncated:
                break
        returns.append(total)
        distances.append(float(np.mean([dist[divmod(v, ncol)] for v in visited])))
        fell += hit
    return {"return": float(np.mean(returns)), "return_var": float(np.var(returns)),
            "distance": float(np.mean(distances)), "fell": fell / episodes}


class RandomPlay:
    """Uniform actions: the reference the learned policies are read against."""

    def __init__(self, num_actions: int):
        self.num_actions = num_actions

    def act(self, observation, rng: np.random.Generator) -> int:
        return int(rng.integers(self.num_actions))


def random_play(task: Task, episodes: int) -> dict:
    """``held_out`` of uniform actions on the same held-out episodes."""
    return held_out(RandomPlay(int(gym.make(task.env_id, **task.kwargs).action_space.n)), task, episodes, seed=10_000)


def run(out: Path, envs, eps_values, seeds: int, updates: int, episodes: int, log=print) -> list[dict]:
    from dirpg import Policy, launch
    from dirpg.envserver.service import EnvServer
    from dirpg.served_env import ServedEnvironment
    from dirpg.trainer_client import TrainerClient
    import secrets

    out.mkdir(parents=True, exist_ok=True)
    results_file = out / "results.jsonl"
    done = [json.loads(line) for line in results_file.read_text().splitlines()] if results_file.exists() else []
    have = {(d["env"], d["eps"], d["seed"]) for d in done}
    todo = [(e, eps, s) for e in envs for eps in eps_values for s in range(seeds) if (e, eps, s) not in have]
    if todo:
        key = secrets.token_bytes(32)
        served = {e: ServedEnvironment(e, key=key, env_kwargs=TASKS[e].kwargs) for e in envs}
        env_server = EnvServer(served, host="127.0.0.1", port=0, seed=0).start()
        trainer = launch.start_java_server(cwd=str(out))
        try:
            with TrainerClient(trainer.address) as client:
                for n, (e, eps, s) in enumerate(todo, 1):
                    task = TASKS[e]
                    started = time.monotonic()
                    r = client.create_run(e, endpoints=env_server.address, epsilon=eps, budget=task.budget,
                                          updates=updates, seed=s, max_steps=task.max_steps, learning_rate=0.01)
                    last = None
                    for last in client.watch(r.run_id):
                        pass
                    policy = Policy.from_bytes(client.save_checkpoint(r.run_id).data)
                    row = {"env": e, "eps": eps, "seed": s, "updates": updates,
                           "interactions": last.interactions if last else 0,
                           **held_out(policy, task, episodes, seed=10_000)}
                    with results_file.open("a") as f:
                        f.write(json.dumps(row) + "\n")
                    done.append(row)
                    log(f"risk {n}/{len(todo)}: {e} eps {eps:+g} seed {s}: distance {row['distance']:.3f}, "
                        f"fell {row['fell']:.3f}, return {row['return']:.3f} (var {row['return_var']:.3f}), "
                        f"{row['interactions']} interactions, {time.monotonic() - started:.0f} s")
        finally:
            trainer.stop()
            env_server.stop(grace=None)
    report(out, [d for d in done if d["env"] in envs and d["eps"] in eps_values],
           {e: random_play(TASKS[e], episodes) for e in envs})
    return done


def summarise(rows: list[dict]) -> list[dict]:
    """Mean ± SE over seeds per (env, eps)."""
    out = []
    for e in sorted({r["env"] for r in rows}):
        for eps in sorted({r["eps"] for r in rows if r["env"] == e}):
            group = [r for r in rows if r["env"] == e and r["eps"] == eps]
            row = {"env": e, "eps": eps, "seeds": len(group)}
            for k in ("distance", "fell", "return", "return_var"):
                v = np.array([g[k] for g in group])
                row[k] = float(v.mean())
                row[k + "_se"] = float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else float("nan")
            out.append(row)
    return out


def report(out: Path, rows: list[dict], reference: dict[str, dict] | None = None) -> None:
    """Writes summary.csv, summary.md and risk.png; ``reference``: random play's measures per env."""
    reference = reference or {}
    summary = summarise(rows)
    keys = ["env", "eps", "seeds", "distance", "distance_se", "fell", "fell_se", "return", "return_se", "return_var",
            "return_var_se"]
    lines = [",".join(keys)] + [",".join(str(r[k]) for k in keys) for r in summary]
    (out / "summary.csv").write_text("\n".join(lines) + "\n")
    md = ["# Risk sensitivity (Sec. 4) on slippery grid worlds", "",
          "DirPG per eps; the learned policy's sampled actions on held-out episodes; mean ± SE over seeds.", "",
          "| env | eps | seeds | distance to hazard | fell | return | return variance |",
          "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in summary:
        md.append(f"| {r['env']} | {r['eps']:+g} | {r['seeds']} | {r['distance']:.3f} ± {r['distance_se']:.3f} | "
                  f"{r['fell']:.3f} ± {r['fell_se']:.3f} | {r['return']:.3f} ± {r['return_se']:.3f} | "
                  f"{r['return_var']:.3f} ± {r['return_var_se']:.3f} |")
    for e, m in sorted(reference.items()):
        md.append(f"| {e} | random play | | {m['distance']:.3f} | {m['fell']:.3f} | {m['return']:.3f} | "
                  f"{m['return_var']:.3f} |")
    (out / "summary.md").write_text("\n".join(md) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    envs = sorted({r["env"] for r in summary})
    fig, axes = plt.subplots(len(envs), 3, figsize=(12, 3.5 * len(envs)), squeeze=False)
    for i, e in enumerate(envs):
        group = [r for r in summary if r["env"] == e]
        x = [r["eps"] for r in group]
        for j, (k, label) in enumerate((("distance", "distance to hazard"), ("fell", "episodes into the hazard"),
                                        ("return", "return"))):
            ax = axes[i][j]
            y, se = np.array([r[k] for r in group]), np.array([r[k + "_se"] for r in group])
            ax.errorbar(x, y, yerr=np.nan_to_num(se), marker="o", capsize=3)
            ax.axvline(0, color="grey", lw=0.5)
            if e in reference:
                ax.axhline(reference[e][k], color="grey", ls="--", lw=1, label="random play")
                ax.legend(fontsize=7)
            ax.set_xlabel("eps")
            ax.set_title(f"{e}: {label}", fontsize=9)
    fig.tight_layout()
    fig.savefig(out / "risk.png", dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dirpg.risk", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, type=Path, help="results directory (resumable)")
    p.add_argument("--scale", choices=sorted(SCALES), default="quick")
    p.add_argument("--envs", nargs="+", default=list(TASKS), choices=list(TASKS))
    p.add_argument("--eps", nargs="+", type=float, default=list(EPS))
    p.add_argument("--seeds", type=int, default=None, help="seeds per eps (default: the scale's)")
    p.add_argument("--updates", type=int, default=None, help="DirPG updates per run (default: the scale's)")
    p.add_argument("--episodes", type=int, default=None, help="held-out episodes per policy (default: the scale's)")
    args = p.parse_args(argv)
    scale = SCALES[args.scale]
    bad = [e for e in args.eps if e == 0]
    if bad:
        p.error("--eps: 0 is not allowed (eq. 10 divides by eps); give non-zero values such as -1 0.5")
    run(args.out, args.envs, args.eps, args.seeds or scale["seeds"], args.updates or scale["updates"],
        args.episodes or scale["episodes"], log=lambda s: print(s, file=sys.stderr, flush=True))
    print(f"wrote {args.out / 'summary.md'}, {args.out / 'summary.csv'}, {args.out / 'risk.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
