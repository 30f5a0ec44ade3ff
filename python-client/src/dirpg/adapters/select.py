"""Choosing a snapshot format for a served env at start, and the probe that checks a format on the env itself."""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable

import gymnasium as gym
import numpy as np

from dirpg.adapters.ale import AleAdapter
from dirpg.adapters.attributes import AttributeAdapter
from dirpg.adapters.base import PICKLE, Adapter, NotApplicable
from dirpg.adapters.minatar import MinAtarAdapter
from dirpg.adapters.pickled import PickleAdapter
from dirpg.adapters.protocol import PROTOCOL_HINT, ProtocolAdapter


def _minigrid(make, env):
    try:
        from dirpg.adapters.minigrid import MiniGridAdapter
    except ImportError:
        raise NotApplicable("minigrid is not installed") from None
    return MiniGridAdapter(make, env)


FORMATS: dict[str, Callable[[Callable[[], gym.Env], gym.Env], Adapter]] = {
    "protocol": ProtocolAdapter,
    "minigrid": _minigrid,
    "ale": AleAdapter,
    "minatar": MinAtarAdapter,
    "attributes": AttributeAdapter,
    "pickle": PickleAdapter,
}
"""Format names (``--snapshot``) in the order ``auto`` tries them."""

PROBE_STEPS = 40


def episode_key(seed: int, options: dict | None) -> bytes:
    """The bytes naming one reset (its seed and options): formats that rebuild an episode from its reset use it."""
    return pickle.dumps((int(seed), options or None), protocol=PICKLE)


def obs_bytes(obs) -> bytes:
    """An observation's exact contents as bytes (nested Dicts and Tuples in order, arrays with dtype and shape)."""
    if isinstance(obs, dict):
        return b"".join(k.encode() + b"=" + obs_bytes(v) for k, v in obs.items())
    if isinstance(obs, tuple | list):
        return b"(" + b",".join(obs_bytes(v) for v in obs) + b")"
    if isinstance(obs, str):
        return obs.encode()
    arr = np.asarray(obs)
    return str((arr.dtype.str, arr.shape)).encode() + arr.tobytes()


def same_reward(a, b) -> bool:
    """Equal rewards, NaN equal to NaN (an env that pays NaN is the server's to refuse at step time)."""
    a, b = float(a), float(b)
    return a == b or (math.isnan(a) and math.isnan(b))


def probe(adapter: Adapter, make: Callable[[], gym.Env], legal: list[int], seed: int = 0,
          steps: int = PROBE_STEPS) -> str | None:
    """Steps a seeded episode live and, before every step, from the adapter's capture of the live state; returns
    None when every step agrees (observation bytes, reward, terminated, truncated), else what differed."""
    rng = np.random.default_rng(seed)
    live = make()
    episode = 0
    obs, _ = live.reset(seed=seed)
    ctx = adapter.start(live, episode_key(seed, None))
    for t in range(steps):
        action = int(rng.choice(legal))
        payload = adapter.capture(live, ctx)
        try:
            with adapter.restored(payload) as (env, _):
                got = env.step(action)[:4]
                if t == 0:  # the captured state itself round-trips too
                    adapter.capture(env, ctx)
        except Exception as e:  # a format that cannot restore this env fails its probe
            try:
                live.step(action)
            except Exception as live_error:  # the env itself fails here: nothing more to compare
                return None if type(live_error) is type(e) else f"step {t}: {type(e).__name__}: {e}"
            return f"restoring failed at step {t}: {type(e).__name__}: {e}"
        want = live.step(action)[:4]
        if obs_bytes(got[0]) != obs_bytes(want[0]):
            return f"step {t}: the observation differs"
        if not same_reward(got[1], want[1]) or bool(got[2]) != bool(want[2]) or bool(got[3]) != bool(want[3]):
            return f"step {t}: reward/terminated/truncated differ ({got[1:]} vs {want[1:]})"
        if want[2] or want[3]:
            episode += 1
            live.reset(seed=seed + episode)
            ctx = adapter.start(live, episode_key(seed + episode, None))
    return None


def select(env_id: str, make: Callable[[], gym.Env], legal: list[int], mode: str = "auto") -> Adapter:
    """The format for ``env_id``: ``mode`` "auto" takes the first of FORMATS that applies and passes its probe; a
    format name forces that one. Raises ValueError, one line naming the protocol, when none can save the env."""
    if mode != "auto" and mode not in FORMATS:
        raise ValueError(f"snapshot format '{mode}' unknown; use auto or one of {list(FORMATS)}")
    names = list(FORMATS) if mode == "auto" else [mode]
    env = make()
    env.reset(seed=0)
    reasons = []
    for name in names:
        try:
            adapter = FORMATS[name](make, env)
        except NotApplicable as e:
            reasons.append(f"{name}: {e}")
            continue
        failure = probe(adapter, make, legal)
        if failure is None:
            return adapter
        reasons.append(f"{name}: {failure}")
    raise ValueError(f"env '{env_id}' cannot be saved and restored ({'; '.join(reasons)}); {PROTOCOL_HINT}")
