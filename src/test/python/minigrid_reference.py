"""Reference maps from real Farama MiniGrid for the Java twin's differential test (MiniGridTwinDifferentialTest).

Usage: python minigrid_reference.py ENV_ID FIRST_SEED COUNT
Prints one line per seed: ``seed width height agent_x agent_y agent_dir hex(grid.encode() flattened [x][y][c])``,
after ``env.reset(seed=seed)``, exactly as gymnasium seeds it.
"""

import sys

import gymnasium as gym
import minigrid  # noqa: F401  (registers the MiniGrid ids)


def main() -> int:
    env_id, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    env = gym.make(env_id, disable_env_checker=True)
    out = sys.stdout
    for seed in range(first, first + count):
        env.reset(seed=seed)
        u = env.unwrapped
        grid = u.grid.encode()
        out.write(f"{seed} {u.width} {u.height} {int(u.agent_pos[0])} {int(u.agent_pos[1])} {int(u.agent_dir)} "
                  f"{grid.tobytes(order='C').hex()}\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
