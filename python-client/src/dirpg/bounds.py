"""Bounds and heuristics on the return-to-go, from the environment.

The hook: an env (its unwrapped env or any wrapper around it; the outermost one that defines a method wins) may
define any of these three methods, which the server calls at every non-terminal state it sends and puts into the
StateView's optional fields (``EnvironmentDescription.provides_bound`` is set when the upper bound is defined)::

    def return_to_go_upper_bound(self) -> float:
        \"\"\"An upper bound U on the return still to come from the current state.

        The bound of DirPG's A* priority and of its pruning (the paper's eq. (6)): for every way the episode can go
        on from here, the sum of the rewards of the remaining steps is at most U.

        Returns:
            bound (float): finite, or ``+inf`` for "no bound here"; never NaN or ``-inf``.
        \"\"\"

    def return_to_go_lower_bound(self) -> float:
        \"\"\"A lower bound L on the return still to come (used to prune when eps < 0).

        Returns:
            bound (float): finite, or ``-inf`` for "no bound here"; never NaN or ``+inf``.
        \"\"\"

    def return_to_go_heuristic(self) -> float:
        \"\"\"An estimate of the return still to come, for the A* priority only (not necessarily a bound; never used
        to prune), e.g. the DirPG authors' discounted MultiRoom heuristic.

        Returns:
            estimate (float): finite.
        \"\"\"

Methods, not ``info`` keys: the bounds belong to the state (the reset state too, which ``info`` of a step does not
cover) and a restored state computes them the same way. The methods must only read the env.

``spec_bound`` (``--spec-bound``) is the generic alternative for an env without the hook: with the env's reward
range [r_min, r_max] (``reward_range``, finite) and its episode limit T (``spec.max_episode_steps`` or MiniGrid's
``max_steps``), after t steps U = max(0, r_max) (T - t) and L = min(0, r_min) (T - t) are valid (the episode may
end earlier, which the max/min with 0 covers). The MultiRoom paper reward (dirpg.paper_reward) is one user of the
hook.
"""

from __future__ import annotations

import math

import gymnasium as gym

from dirpg.adapters.base import wrapper_chain

UPPER, LOWER, HEURISTIC = "return_to_go_upper_bound", "return_to_go_lower_bound", "return_to_go_heuristic"


class BoundFault(RuntimeError):
    """A hook returned a value the protocol forbids (NaN, an infinity on the wrong side, not a number)."""


def _hook_index(env: gym.Env, name: str) -> int | None:
    """Where in [outermost wrapper, ..., unwrapped] the method ``name`` is defined first, or None."""
    for i, obj in enumerate((*wrapper_chain(env), env.unwrapped)):
        if callable(getattr(type(obj), name, None)):
            return i
    return None


def _steps_taken(env: gym.Env) -> int:
    for w in wrapper_chain(env):
        if hasattr(w, "_elapsed_steps") and w._elapsed_steps is not None:
            return int(w._elapsed_steps)
    return int(getattr(env.unwrapped, "step_count", 0))


class Bounds:
    """The bounds a served env sends (see the module docstring); built once per env id at server start."""

    def __init__(self, env: gym.Env, env_id: str, *, spec_bound: bool, episode_limit: int | None,
                 min_reward: float, max_reward: float):
        self._env_id = env_id
        self._index = {name: _hook_index(env, name) for name in (UPPER, LOWER, HEURISTIC)}
        self._spec = None
        if spec_bound:
            if self._index[UPPER] is not None:
                raise ValueError(f"env '{env_id}' supplies its own return_to_go_upper_bound(); --spec-bound would "
                                 f"replace it: leave --spec-bound off")
            if episode_limit is None or not math.isfinite(max_reward):
                raise ValueError(f"--spec-bound needs a finite max step reward and an episode limit; env "
                                 f"'{env_id}' has reward range [{min_reward}, {max_reward}] and episode limit "
                                 f"{episode_limit}")
            self._spec = (episode_limit, min_reward, max_reward)
        self.provides_bound = self._index[UPPER] is not None or self._spec is not None
        self.kind = ("spec (reward range x steps left)" if self._spec else
                     "env hook" if any(i is not None for i in self._index.values()) else "none")

    def _call(self, env: gym.Env, name: str) -> float | None:
        i = self._index[name]
        if i is None:
            return None
        value = getattr((*wrapper_chain(env), env.unwrapped)[i], name)()
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise BoundFault(f"env '{self._env_id}': {name}() returned {value!r}, not a number") from None
        bad = math.isnan(value) or (name == UPPER and value == -math.inf) or (
            name == LOWER and value == math.inf) or (name == HEURISTIC and math.isinf(value))
        if bad:
            raise BoundFault(f"env '{self._env_id}': {name}() returned {value}; see dirpg.bounds for what is allowed")
        return value

    def at(self, env: gym.Env, terminal: bool) -> tuple[float | None, float | None, float | None]:
        """(upper, lower, heuristic) at the env's current state; None = absent. At a terminal state the upper bound
        is 0 when the env provides bounds (the return-to-go is 0 by definition) and the others absent."""
        if terminal:
            return (0.0 if self.provides_bound else None), None, None
        if self._spec is not None:
            limit, r_min, r_max = self._spec
            left = max(0, limit - _steps_taken(env))
            return max(0.0, r_max) * left, min(0.0, r_min) * left, self._call(env, HEURISTIC)
        return self._call(env, UPPER), self._call(env, LOWER), self._call(env, HEURISTIC)
