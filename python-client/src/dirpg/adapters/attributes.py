"""Classic control and toy text: the state is a handful of attributes of the unwrapped env.

The table names, per env class, every attribute a step reads or writes (beyond constants and rendering): e.g.
CartPole's ``state`` and ``steps_beyond_terminated``, Taxi's ``s``, ``lastaction``, ``taxi_orientation`` and
``fickle_step``. The payload pickles those values, the RNG state and the wrappers' counters (a few hundred bytes).
"""

from __future__ import annotations

import marshal

import gymnasium as gym
import numpy as np

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

    def get(self, slot):
        u = slot.u
        return tuple(getattr(u, n, None) for n in self._names)

    def put(self, slot, value):
        u = slot.u
        for n, v in zip(self._names, value, strict=True):
            setattr(u, n, v)  # decode made fresh objects: nothing is shared with another restore

    def encode(self, state):
        """marshal (builtins only, several times faster than pickle here) with NumPy arrays and scalars tagged
        (see ``_plain``); decoded only after the token's HMAC verified."""
        values, rng, wrappers = state
        return marshal.dumps((tuple(_plain(v) for v in values), rng, wrappers))

    def decode(self, payload):
        values, rng, wrappers = marshal.loads(payload)
        return tuple(_numpy(v) for v in values), rng, wrappers


_AS_IS = frozenset({int, float, bool, str, bytes, type(None)})


def _plain(v):
    """A value as marshal-able builtins: (tag, ...) with tag "a" array, "s" NumPy scalar, "t" tuple, "l" list,
    "p" anything else marshal takes as is."""
    t = type(v)
    if t in _AS_IS:
        return ("p", v)
    if t is np.ndarray:
        return ("a", v.dtype.str, v.shape, v.tobytes())
    if isinstance(v, np.ndarray):
        return ("a", v.dtype.str, v.shape, v.tobytes())
    if isinstance(v, np.generic):
        return ("s", v.dtype.str, v.item())
    if isinstance(v, tuple):
        return ("t", tuple(_plain(x) for x in v))
    if isinstance(v, list):
        return ("l", tuple(_plain(x) for x in v))
    return ("p", v)


def _numpy(v):
    tag = v[0]
    if tag == "a":
        return np.frombuffer(v[3], dtype=v[1]).reshape(v[2]).copy()
    if tag == "s":
        return np.dtype(v[1]).type(v[2])
    if tag == "t":
        return tuple(_numpy(x) for x in v[1])
    if tag == "l":
        return [_numpy(x) for x in v[1]]
    return v[1]
