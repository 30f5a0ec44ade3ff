"""The suite's PPO baseline (dirpg.ppo_baseline): the envs PPO sees, its refusal without the [sb3] extra, and, where
the extra is installed, a short run that writes the suite's eval.csv."""

import importlib.util

import gymnasium as gym
import numpy as np
import pytest

from dirpg import ppo_baseline

HAVE_SB3 = importlib.util.find_spec("stable_baselines3") is not None


def test_an_env_without_a_limit_gets_the_suites_cap():
    env = ppo_baseline.make_env("CliffWalkingSlippery-v1", {}, 7)
    env.reset(seed=0)
    for t in range(7):
        _, _, terminated, truncated, _ = env.step(0)  # up, from the start: never the cliff, never the goal
        assert not terminated
    assert truncated


def test_minigrid_is_flattened_and_minatar_is_float():
    grid = ppo_baseline.make_env("MiniGrid-DoorKey-5x5-v0", {}, 250)
    assert isinstance(grid.observation_space, gym.spaces.Box) and len(grid.observation_space.shape) == 1
    atari = ppo_baseline.make_env("MinAtar/Breakout-v1", {}, 500)
    assert atari.observation_space.dtype == np.float32
    obs, _ = atari.reset(seed=1)
    assert obs.dtype == np.float32 and obs.shape == (10, 10, 4)


def test_the_kwargs_reach_gym_make():
    env = ppo_baseline.make_env("FrozenLake-v1", {"is_slippery": False}, 100)
    env.reset(seed=0)
    assert env.step(2)[0] == 1  # right, not slippery: always the next cell


@pytest.mark.skipif(HAVE_SB3, reason="checks the message shown without the [sb3] extra")
def test_without_sb3_it_says_which_extra(tmp_path, capsys):
    code = ppo_baseline.main(["--env", "FrozenLake-v1", "--max-steps", "100", "--interactions", "10",
                              "--out", str(tmp_path)])
    assert code == 3
    assert "pip install -e 'python-client[sb3]'" in capsys.readouterr().err


def test_bad_kwargs_get_one_line(capsys):
    with pytest.raises(SystemExit):
        ppo_baseline.main(["--env", "FrozenLake-v1", "--max-steps", "100", "--interactions", "10",
                           "--env-kwargs", "{slippery", "--out", "x"])
    assert "--env-kwargs: not JSON" in capsys.readouterr().err


@pytest.mark.skipif(not HAVE_SB3, reason="needs the [sb3] extra (scripts/test-sb3.sh)")
def test_a_short_run_writes_the_checkpoints(tmp_path):
    rows = ppo_baseline.run("FrozenLake-v1", {"is_slippery": False}, 100, 400, 0, 20_261_202, 3, str(tmp_path))
    assert [r[0] for r in rows] == list(ppo_baseline.CHECKPOINTS)
    assert [r[1] for r in rows] == [0, 100, 200, 400]
    lines = (tmp_path / "eval.csv").read_text().splitlines()
    assert lines[0] == ppo_baseline.HEADER and len(lines) == 5
