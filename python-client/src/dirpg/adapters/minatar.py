"""MinAtar: the game object's attributes and its RandomState.

A MinAtar env (``minatar.gym.BaseEnv``) wraps ``minatar.Environment`` (sticky actions: its ``last_action`` and its
``random``, a NumPy RandomState shared with the game), which wraps one game's ``Env`` (positions, timers, object
lists and maps). The payload pickles the game's attributes but the constants (``channels``, ``action_map``,
``ramping``), the RandomState's state and ``last_action``.
"""

from __future__ import annotations

import numpy as np

from dirpg.adapters.base import NotApplicable, PooledAdapter, check_wrappers

_CONSTANTS = frozenset({"channels", "action_map", "ramping", "random"})


class MinAtarAdapter(PooledAdapter):
    kind = 6
    name = "MinAtar game attributes + RandomState"

    def __init__(self, make, env):
        if not type(env.unwrapped).__module__.startswith("minatar"):
            raise NotApplicable("not a MinAtar env")
        check_wrappers(env)
        super().__init__(make)

    def env_seed(self, seed: int) -> int:
        """MinAtar seeds a NumPy RandomState, which takes 32 bits: the high and low halves of the 64-bit seed are
        xor-ed, so every 64-bit seed still picks an episode (Java callers draw seeds from the whole range)."""
        return (seed ^ (seed >> 32)) & 0xFFFF_FFFF

    def get(self, slot):
        game = slot.u.game
        attrs = {k: v for k, v in vars(game.env).items() if k not in _CONSTANTS}
        return attrs, game.random.get_state(), game.last_action

    def put(self, slot, value):
        attrs, random_state, last_action = value
        game = slot.u.game
        vars(game.env).update(attrs)  # fresh objects from the payload's unpickling: nothing shared
        if not isinstance(game.random, np.random.RandomState):
            game.random = np.random.RandomState()
        game.random.set_state(random_state)
        game.env.random = game.random
        game.last_action = last_action
