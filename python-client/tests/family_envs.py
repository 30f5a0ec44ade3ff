"""Test-only environments of the suite's own for the snapshot formats: one saved through the get_state()/set_state()
protocol, one only a whole-env pickle can save, one nothing can save. Importable by a server subprocess
(``--env family_envs:DirpgTest/...`` with this folder on PYTHONPATH)."""

from __future__ import annotations

import copy
import threading

import gymnasium as gym
import numpy as np
from gymnasium import spaces


class _Walk(gym.Env):
    """A noisy walk on 0..20 with a hidden drift that flips at random: the drift is state the observation does not
    show, so a format that misses it diverges."""

    observation_space = spaces.Box(0, 20, (1,), np.int64)
    action_space = spaces.Discrete(3)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.pos, self.drift, self.t = 10, int(self.np_random.integers(-1, 2)), 0
        return np.array([self.pos]), {}

    def step(self, action):
        if self.np_random.random() < 0.2:
            self.drift = -self.drift if self.drift else 1
        self.pos = int(np.clip(self.pos + int(action) - 1 + self.drift, 0, 20))
        self.t += 1
        terminated = self.pos in (0, 20)
        return np.array([self.pos]), float(self.pos == 20) - 0.01, terminated, self.t >= 60, {}


class StateProtocolEnv(_Walk):
    """Does not pickle (it holds a lock) but saves itself through get_state()/set_state()."""

    def __init__(self):
        self._lock = threading.Lock()

    def __deepcopy__(self, memo):  # the tests' reference copies; pickling still fails on the lock
        other = type(self)()
        other.__dict__.update(copy.deepcopy({k: v for k, v in vars(self).items() if k != "_lock"}, memo))
        return other

    def get_state(self):
        return self.pos, self.drift, self.t

    def set_state(self, state):
        self.pos, self.drift, self.t = state


class BoundedWalkEnv(StateProtocolEnv):
    """The walk with the bound hook (dirpg.bounds): the goal at 20 pays +1 once and every step costs 0.01, and a step
    moves at most 2 cells (the action's +1 and the drift's +1), so from ``pos`` with ``s`` steps left the goal needs
    d = ceil((20 - pos) / 2) steps."""

    def _goal_steps(self) -> int:
        return -(-(20 - self.pos) // 2)

    def return_to_go_upper_bound(self) -> float:
        left = 60 - self.t
        return 1.0 - 0.01 * self._goal_steps() if self._goal_steps() <= left else -0.01

    def return_to_go_lower_bound(self) -> float:
        return -0.01 * (60 - self.t)

    def return_to_go_heuristic(self) -> float:
        return 0.5 * self.return_to_go_upper_bound()


class PickleOnlyEnv(_Walk):
    """A plain picklable env with no protocol methods: only the whole-env pickle saves it."""


class UnsaveableEnv(_Walk):
    """Neither pickles (it holds a lock) nor implements the protocol: the server must refuse it at start."""

    def __init__(self):
        self._lock = threading.Lock()


gym.register("DirpgTest/StateProtocol-v0", entry_point=StateProtocolEnv)
gym.register("DirpgTest/BoundedWalk-v0", entry_point=BoundedWalkEnv)
gym.register("DirpgTest/PickleOnly-v0", entry_point=PickleOnlyEnv)
gym.register("DirpgTest/Unsaveable-v0", entry_point=UnsaveableEnv)
