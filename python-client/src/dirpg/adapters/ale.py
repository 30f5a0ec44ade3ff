"""Atari through ale-py: the emulator's own snapshot.

``ale.cloneState(include_rng=True)`` holds the console (RAM, CPU, TIA, frame counters) and the ALE's RNG, which
drives sticky actions (``repeat_action_probability``); ``restoreState`` puts it back on any env of the same game.
Sticky actions are the exception: see StickyFrames. The payload adds the Gymnasium RNG (random frame skips, AtariPreprocessing's no-op starts) and the wrappers' state
(TimeLimit's counter, AtariPreprocessing's lives / game-over flag / max-pool buffers, FrameStackObservation's
frames). About 14 KiB for Pong, most of it the console snapshot.
"""

from __future__ import annotations

import gymnasium as gym

from dirpg.adapters.base import NotApplicable, PooledAdapter, check_wrappers

_NOOP = 0  # ale_py.Action.NOOP


class AleAdapter(PooledAdapter):
    kind = 5
    name = "ale-py cloneState(include_rng=True) + wrapper state"

    def __init__(self, make, env):
        if not type(env.unwrapped).__module__.startswith("ale_py"):
            raise NotApplicable("not an ale-py Atari env")
        check_wrappers(env)
        super().__init__(make)

    def get(self, slot):
        return slot.u.ale.cloneState(include_rng=True)

    def put(self, slot, value):
        slot.u.ale.restoreState(value)


class StickyFrames(gym.Wrapper):
    """ale-py's sticky actions and frame skip, redone where the token can see them.

    ALE repeats the previous frame's action with probability ``repeat_action_probability`` on every frame
    (Machado et al., 2018), but ``cloneState`` does not hold that previous action, so a restored emulator would
    repeat the wrong one. The server therefore makes sticky Atari envs with ALE's own stickiness and frame skip off
    and applies the same rule here, per frame, drawing from the env's Gymnasium RNG (saved in the token) and keeping
    the previous action in ``last_action`` (saved too). The law of the env is ALE's; the random stream is the
    Gymnasium RNG's, so episodes are not bit-identical to ``gym.make``'s with the same seed.
    """

    def __init__(self, env: gym.Env, repeat_action_probability: float, frameskip: int):
        super().__init__(env)
        self.repeat_action_probability = float(repeat_action_probability)
        self.frameskip = int(frameskip)
        self.last_action = _NOOP

    def reset(self, **kwargs):
        self.last_action = _NOOP  # ALE's reset_game clears its previous action the same way
        return self.env.reset(**kwargs)

    def step(self, action):
        u = self.env.unwrapped
        chosen = u._action_set[action]
        reward = 0.0
        for _ in range(self.frameskip):
            if u.np_random.random() >= self.repeat_action_probability:
                self.last_action = chosen
            reward += u.ale.act(self.last_action, 1.0)
        return (u._get_obs(), reward, u.ale.game_over(with_truncation=False), u.ale.game_truncated(),
                u._get_info())


def make_atari(env_id: str, kwargs: dict) -> gym.Env:
    """``gym.make`` for an ale-py id, with sticky actions moved into StickyFrames (see there) when they are on."""
    spec = gym.spec(env_id)
    merged = {**spec.kwargs, **kwargs}
    p = float(merged.get("repeat_action_probability", 0.0))
    if p == 0.0:
        return gym.make(env_id, disable_env_checker=True, **kwargs)
    frameskip = merged.get("frameskip", 1)
    if not isinstance(frameskip, int):
        raise ValueError(f"env '{env_id}': sticky actions with a random frameskip {frameskip} cannot be saved; "
                         f"give an int frameskip or repeat_action_probability 0")
    env = gym.make(env_id, disable_env_checker=True, **{**kwargs, "repeat_action_probability": 0.0,
                                                         "frameskip": 1})
    return StickyFrames(env, p, frameskip)
