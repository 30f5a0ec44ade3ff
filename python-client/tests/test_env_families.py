"""dirpg.env_families.register_family: a fresh process (one that has imported neither minigrid nor minatar, such as
dirpg.ppo_baseline's) can make every family's ids after it, and an id of no family is left to gym.make's own error."""

import subprocess
import sys

import pytest

PROBE = """
import sys
import gymnasium as gym
from dirpg.env_families import register_family
assert "minigrid" not in sys.modules, "the probe must start without minigrid"
env_id = sys.argv[1]
register_family(env_id)
env = gym.make(env_id)
env.reset(seed=0)
print(env.spec.id)
"""


@pytest.mark.parametrize("env_id", ["MiniGrid-DoorKey-5x5-v0", "BabyAI-GoToRedBall-v0", "MinAtar/Breakout-v1"])
def test_a_fresh_process_makes_the_family_id(env_id):
    out = subprocess.run([sys.executable, "-c", PROBE, env_id], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == env_id


def test_an_id_of_no_family_is_left_to_gym_make():
    out = subprocess.run([sys.executable, "-c", PROBE, "NoSuchFamily-v0"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode != 0 and "NoSuchFamily" in out.stderr.splitlines()[-1]
