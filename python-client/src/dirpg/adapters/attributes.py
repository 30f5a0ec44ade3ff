"""Classic control and toy text: the state is a handful of attributes of the unwrapped env.

The table names, per env class, every attribute a step reads or writes (beyond constants and rendering): e.g.
CartPole's ``state`` and ``steps_beyond_terminated``, Taxi's ``s``, ``lastaction``, ``taxi_orientation`` and
``fickle_step``. The payload pickles those values, the RNG state and the wrappers' counters (a few hundred bytes).
"""

from __future__ import annotations

import copy

import gymnasium as gym

from dirpg.adapters.base import NotApplicable, PooledAdapter, check_wrappers

DYNAMIC_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    # classic control
    "CartPoleEnv": ("state", "steps_beyond_terminated"),
    "AcrobotEnv": ("state",),
    "MountainCarEnv": ("state",),
    # toy text
    "FrozenLakeEnv": ("s", "lastaction"),
    "TaxiEnv": ("s", "lastaction", "taxi_orientation", "fickle_step"),
    "CliffWalkingEnv": ("s", "lastaction"),
    "BlackjackEnv": ("dealer", "player", "dealer_top_card_suit", "dealer_top_card_value_str"),
}


class AttributeAdapter(PooledAdapter):
    """Classic control and toy text (see the module docstring)."""

    kind = 3

    def __init__(self, make, env: gym.Env):
        cls = type(env.unwrapped)
        names = DYNAMIC_ATTRIBUTES.get(cls.__name__)
        if names is None or not cls.__module__.startswith("gymnasium.envs."):
            raise NotApplicable(f"{cls.__name__} is not a Gymnasium classic-control or toy-text env")
        check_wrappers(env)
        super().__init__(make)
        self._names = names
        family = "classic-control" if ".classic_control." in cls.__module__ else "toy-text"
        self.name = f"{family} attributes ({', '.join(names)})"

    def get(self, env):
        u = env.unwrapped
        return tuple(getattr(u, n, None) for n in self._names)

    def put(self, env, value):
        u = env.unwrapped
        for n, v in zip(self._names, value, strict=True):
            setattr(u, n, copy.copy(v))  # a list or array must not be shared with the payload's other users
