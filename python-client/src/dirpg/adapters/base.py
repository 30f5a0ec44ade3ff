"""The save/restore protocol every snapshot format follows, and the pieces the formats share.

A *format* (an ``Adapter``) turns a live episode into bytes and back. The server calls, per episode:

1. ``episode = adapter.start(env, episode_key)`` right after ``env.reset(seed=..., options=...)``, where
   ``episode_key`` names the reset (the seed and options, as bytes);
2. ``adapter.capture(env, episode) -> bytes`` for the state after reset and after every step;
3. ``with adapter.restored(payload) as (env, episode):`` yields an env in the payload's state, which the caller may
   step once and capture; the env is private to the caller until the block ends.

Each format holds only the dynamic state (plus the RNG state and the wrappers' counters), never the whole env, except
``pickle`` (the last resort). Payloads are only decoded after the token's HMAC verified (dirpg.tokens).
"""

from __future__ import annotations

import abc
import pickle
import queue
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import gymnasium as gym
import numpy as np
from gymnasium.wrappers import (AtariPreprocessing, FrameStackObservation, OrderEnforcing, PassiveEnvChecker,
                                TimeLimit)

PICKLE = pickle.HIGHEST_PROTOCOL


class NotApplicable(Exception):
    """A format cannot save this env; the message says why (shown in the start-up report)."""


def wrapper_chain(env: gym.Env) -> list[gym.Wrapper]:
    chain = []
    while isinstance(env, gym.Wrapper):
        chain.append(env)
        env = env.env
    return chain


def _stateless_wrappers() -> tuple[type, ...]:
    from dirpg.paper_reward import PaperRewardMultiRoom
    return (PassiveEnvChecker, PaperRewardMultiRoom)


def _sticky() -> tuple[type, ...]:
    try:
        from dirpg.adapters.ale import StickyFrames
    except ImportError:
        return ()
    return (StickyFrames,)


def check_wrappers(env: gym.Env) -> None:
    """Raises NotApplicable naming the first wrapper whose state the formats do not know."""
    known = (*_stateless_wrappers(), *_sticky(), TimeLimit, OrderEnforcing, AtariPreprocessing,
             FrameStackObservation)
    for w in wrapper_chain(env):
        if not isinstance(w, known):
            raise NotApplicable(f"wrapper {type(w).__name__} holds state no format knows")


def wrapper_state(env: gym.Env) -> tuple:
    """The counters and buffers of the known wrappers, outermost first."""
    return _chain_state(wrapper_chain(env))


def set_wrapper_state(env: gym.Env, states: tuple) -> None:
    _set_chain_state(wrapper_chain(env), states)


def _chain_state(chain: list) -> tuple:
    out = []
    for w in chain:
        if isinstance(w, TimeLimit):
            out.append(w._elapsed_steps)
        elif isinstance(w, OrderEnforcing):
            out.append(w._has_reset)
        elif isinstance(w, AtariPreprocessing):
            out.append((w.lives, w.game_over, [b.copy() for b in w.obs_buffer]))
        elif isinstance(w, FrameStackObservation):
            out.append([np.array(o, copy=True) for o in w.obs_queue])
        elif isinstance(w, _sticky()):
            out.append(w.last_action)
        else:
            out.append(None)
    return tuple(out)


def _set_chain_state(chain: list, states: tuple) -> None:
    for w, state in zip(chain, states, strict=True):
        if isinstance(w, TimeLimit):
            w._elapsed_steps = state
        elif isinstance(w, OrderEnforcing):
            w._has_reset = state
        elif isinstance(w, AtariPreprocessing):
            w.lives, w.game_over = state[0], state[1]
            for buf, saved in zip(w.obs_buffer, state[2], strict=True):
                buf[...] = saved
        elif isinstance(w, FrameStackObservation):
            w.obs_queue = deque((np.array(o, copy=True) for o in state), maxlen=w.obs_queue.maxlen)
        elif isinstance(w, _sticky()):
            w.last_action = state


def rng_state(env: gym.Env):
    """The unwrapped env's Gymnasium RNG state (None if it never made one); PCG64 (Gymnasium's) as a compact tuple."""
    return _rng_of(env.unwrapped)


def set_rng_state(env: gym.Env, state) -> None:
    _set_rng_of(env.unwrapped, state)


def _rng_of(u):
    rng = u._np_random
    if rng is None:
        return None
    state = rng.bit_generator.state
    if state["bit_generator"] == "PCG64":
        inner = state["state"]
        return (inner["state"], inner["inc"], state["has_uint32"], state["uinteger"])
    return state


def _set_rng_of(u, state) -> None:
    if state is None:
        return
    if isinstance(state, tuple):
        state = {"bit_generator": "PCG64", "state": {"state": state[0], "inc": state[1]},
                 "has_uint32": state[2], "uinteger": state[3]}
    u.np_random.bit_generator.state = state


class _Slot:
    """A pooled env with its unwrapped env and wrapper chain looked up once."""

    __slots__ = ("env", "u", "chain")

    def __init__(self, env: gym.Env):
        self.env = env
        self.u = env.unwrapped
        self.chain = wrapper_chain(env)


class Adapter(abc.ABC):
    """A snapshot format (see the module docstring). ``name`` is what the start-up report prints; ``kind`` is the
    token's kind byte."""

    name: str = ""
    kind: int = 0

    def env_seed(self, seed: int) -> int:
        """The seed ``env.reset`` gets for the protocol's reset seed (an unsigned 64-bit value): itself, unless the
        family takes fewer bits."""
        return seed

    def start(self, env: gym.Env, episode_key: bytes) -> bytes:
        return b""

    @abc.abstractmethod
    def capture(self, env: gym.Env, episode: bytes) -> bytes:
        """The payload of a token for ``env``'s current state in ``episode``."""

    @abc.abstractmethod
    @contextmanager
    def restored(self, payload: bytes) -> Iterator[tuple[gym.Env, bytes]]:
        """An env set to ``payload``'s state, and its episode key, for the duration of the block."""


class PooledAdapter(Adapter):
    """A format whose state is a small value set onto any env of the id: envs come from a pool (one per concurrent
    step), made by ``make`` and reset once. Subclasses give ``get(slot)`` and ``put(slot, value)``, where a slot holds
    ``env``, its unwrapped env ``u`` and its wrapper ``chain``, and may replace ``encode``/``decode`` (default:
    pickle)."""

    def __init__(self, make: Callable[[], gym.Env]):
        self._make = make
        self._pool: queue.SimpleQueue[_Slot] = queue.SimpleQueue()
        self._slots: dict[int, _Slot] = {}  # id(env) -> slot, for capture(env) of a pooled env

    @abc.abstractmethod
    def get(self, slot: _Slot):
        """The dynamic state of the slot's env."""

    @abc.abstractmethod
    def put(self, slot: _Slot, value) -> None:
        """Sets the slot's env to ``value`` (a state ``get`` returned)."""

    def encode(self, state: tuple) -> bytes:
        return pickle.dumps(state, protocol=PICKLE)

    def decode(self, payload: bytes) -> tuple:
        return pickle.loads(payload)

    def capture(self, env: gym.Env, episode: bytes) -> bytes:
        slot = self._slots.get(id(env))
        if slot is None or slot.env is not env:
            slot = _Slot(env)
        return self.encode((self.get(slot), _rng_of(slot.u), _chain_state(slot.chain)))

    def _take(self) -> _Slot:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            env = self._make()
            env.reset(seed=0)
            slot = _Slot(env)
            self._slots[id(env)] = slot
            return slot

    @contextmanager
    def restored(self, payload: bytes):
        value, rng, wrappers = self.decode(payload)
        slot = self._take()
        try:
            self.put(slot, value)
            _set_rng_of(slot.u, rng)
            _set_chain_state(slot.chain, wrappers)
            yield slot.env, b""
        finally:
            self._pool.put(slot)
