"""What the server knows about each environment family beyond its spaces: plugin registration, image parts and the
episode limit.

- ``register_family(env_id)`` imports the package that registers an optional family's ids before ``gym.make``:
  "ALE/..." (ale-py, which ships its ROMs) and "MinAtar/..." (minatar), which come with the package's ``families``
  extra (``pip install dirpg[families]``; a missing one is a ValueError naming the extra), and "MiniGrid-..." and
  "BabyAI-..." (minigrid, a dependency), which a process that has not imported minigrid yet does not know.
- ``image_keys(env)`` names the observation parts the env itself declares images: MiniGrid's "image", the pixels of
  an Atari env with ``obs_type`` "rgb" or "grayscale", and MinAtar's 10 x 10 x channels grid (its authors' input to a
  CNN). Nothing else is marked: the client decides for unmarked parts.
- ``make_env(env_id, kwargs)``: ``gym.make``, but sticky Atari envs get dirpg.adapters.ale.StickyFrames.
- ``episode_limit(env)``: every episode ends within this many steps: the TimeLimit's ``spec.max_episode_steps``,
  MiniGrid's own ``max_steps``, whichever is smaller; None when neither is known (e.g. CliffWalking-v1).
"""

from __future__ import annotations

import importlib

import gymnasium as gym

_PLUGINS = {"ALE/": ("ale_py", None), "MinAtar/": ("minatar.gym", "register_envs"),
            "MiniGrid-": ("minigrid", None), "BabyAI-": ("minigrid", None)}  # importing minigrid registers its ids


def register_family(env_id: str) -> None:
    for prefix, (module, register) in _PLUGINS.items():
        if not env_id.startswith(prefix):
            continue
        try:
            mod = importlib.import_module(module)
        except ImportError as e:
            raise ValueError(f"env '{env_id}' needs the Python package of its family ({e.name}); install "
                             f"dirpg with its 'families' extra: pip install 'dirpg[families]'") from None
        if register is None:
            gym.register_envs(mod)
        elif not any(k.startswith(prefix) for k in gym.registry):
            getattr(mod, register)()


def make_env(env_id: str, kwargs: dict) -> gym.Env:
    """``gym.make`` (env checker off), except for sticky Atari envs: dirpg.adapters.ale.make_atari."""
    if env_id.startswith("ALE/"):
        from dirpg.adapters.ale import make_atari
        return make_atari(env_id, kwargs)
    return gym.make(env_id, disable_env_checker=True, **kwargs)


def _is_minigrid(env: gym.Env) -> bool:
    try:
        from minigrid.minigrid_env import MiniGridEnv
    except ImportError:
        return False
    return isinstance(env.unwrapped, MiniGridEnv)


def image_keys(env: gym.Env) -> tuple[str, ...]:
    u = env.unwrapped
    if _is_minigrid(env):
        return ("image",)
    module = type(u).__module__
    if module.startswith("ale_py") and getattr(u, "_obs_type", None) in ("rgb", "grayscale"):
        return ("obs",)
    if module.startswith("minatar"):
        return ("obs",)
    return ()


def episode_limit(env: gym.Env) -> int | None:
    limits = []
    if env.spec is not None and env.spec.max_episode_steps is not None:
        limits.append(int(env.spec.max_episode_steps))
    if _is_minigrid(env):
        limits.append(int(env.unwrapped.max_steps))
    return min(limits) if limits else None
