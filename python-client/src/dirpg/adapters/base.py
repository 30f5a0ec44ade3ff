"""The save/restore protocol every snapshot format follows, and the pieces the formats share.

A *format* (an ``Adapter``) turns a live episode into bytes and back. The server calls, per episode:

1. ``episode = adapter.start(env, episode_key)`` right after ``env.reset(seed=..., options=...)``, where
   ``episode_key`` names the reset (the seed and options, as bytes);
2. ``adapter.capture(env, episode) -> bytes`` for the state after reset and after every step;
3. ``with adapter.restored(payload, key) as (env, episode):`` (or ``acquire``/``release``, the same without the
   context manager) yields an env in the payload's state, which the caller
   may step once and capture; the env is private to the caller until the block ends. Inside the block, after the
   capture, the caller may call ``adapter.mark(env, key)``: the env is now exactly in the state of the token whose
   ``key`` (its verified MAC) is given. A later ``restored(payload, key)`` with that same key may then hand back that
   env as it is, skipping the restore (*restore skip*): nothing stepped it since its capture, so its state is the
   token's. The key is only ever a verified token's MAC (HMAC-SHA256 over the whole token), so it names exactly one
   payload; a restore that does not find an env at its key restores in full, and every env taken out of a pool
   forgets its key until it is marked again.

Each format holds only the dynamic state (plus the RNG state and the wrappers' counters), never the whole env, except
``pickle`` (the last resort). Payloads are only decoded after the token's HMAC verified (dirpg.tokens).
"""

from __future__ import annotations

import abc
import ctypes
import pickle
import struct
import sys
import threading
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
    if len(chain) == 2 and type(chain[0]) is TimeLimit and type(chain[1]) is OrderEnforcing:
        return (chain[0]._elapsed_steps, chain[1]._has_reset)  # gym.make's usual chain, as the loop below gives it
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
    return _rng_of_generator(rng)


def _set_rng_of(u, state) -> None:
    if state is None:
        return
    if isinstance(state, tuple):
        state = {"bit_generator": "PCG64", "state": {"state": state[0], "inc": state[1]},
                 "has_uint32": state[2], "uinteger": state[3]}
    u.np_random.bit_generator.state = state


_LITTLE = sys.byteorder == "little"
_HEAD = struct.Struct("<iI")


class RngWatch:
    """Reads and sets one env's Gymnasium RNG state (the values ``_rng_of``/``_set_rng_of`` read and set) without
    NumPy's ``bit_generator.state`` dict, which NumPy builds (and parses back) on every get and set, ~4-5 us each.

    For a PCG64 Generator (Gymnasium's) this keeps a view of the generator's raw state: the 128-bit state and
    increment and the buffered 32 bits, 40 bytes of the BitGenerator's C struct (numpy/random/src/pcg64/pcg64.h:
    ``{pcg64_random_t *pcg_state; int has_uint32; uint32_t uinteger}``). The view is trusted only after checking,
    on that very generator object, that its bytes are exactly the state the official API reports; any other bit
    generator, byte order or layout goes through the API every time. With a trusted view: a get whose raw bytes
    equal those last seen returns the tuple last seen (a 0.3 us comparison), another get decodes the bytes (what
    NumPy's getter reads), and a set writes them (what NumPy's setter writes) unless they are there already. A
    generator replaced (a reseed) is noticed by identity and checked again.
    """

    __slots__ = ("rng", "_head", "_pcg", "raw", "value")

    def __init__(self):
        self.rng = None  # the Generator the view belongs to (also keeps its memory alive)
        self._head = self._pcg = None
        self.raw = None  # the raw bytes of ``value``
        self.value = None

    def _trust(self, rng) -> bool:
        """Points the view at ``rng`` if its raw bytes check out against the API (see the class docstring)."""
        self.rng, self._head, self._pcg, self.raw, self.value = rng, None, None, None, None
        if not _LITTLE:
            return False
        value = _rng_of_generator(rng)
        if not isinstance(value, tuple):
            return False
        try:
            address = rng.bit_generator.ctypes.state_address
            pointer = ctypes.c_void_p.from_address(address).value
            head = (ctypes.c_char * 8).from_address(address + 8)
            pcg = (ctypes.c_char * 32).from_address(pointer)
        except Exception:  # no ctypes view of this generator: the API every time
            return False
        raw = head.raw + pcg.raw
        if raw != _raw(value):
            return False
        self._head, self._pcg, self.raw, self.value = head, pcg, raw, value
        return True

    def get(self, u):
        rng = u._np_random
        if rng is None:
            return None
        if rng is not self.rng and not self._trust(rng):
            return _rng_of(u)
        if self._pcg is None:
            return _rng_of(u)
        raw = self._head.raw + self._pcg.raw
        if raw != self.raw:
            has_uint32, uinteger = _HEAD.unpack_from(raw)
            self.raw, self.value = raw, (int.from_bytes(raw[8:24], "little"), int.from_bytes(raw[24:40], "little"),
                                         has_uint32, uinteger)
        return self.value

    def set(self, u, value) -> None:
        if value is None:
            return
        rng = u._np_random
        if rng is None or not isinstance(value, tuple) or (rng is not self.rng and not self._trust(rng)) \
                or self._pcg is None:
            _set_rng_of(u, value)
            return
        if value is not self.value and value != self.value:
            self.value, self.raw = value, _raw(value)
        raw = self.raw
        if self._head.raw + self._pcg.raw != raw:
            ctypes.memmove(self._head, raw[:8], 8)
            ctypes.memmove(self._pcg, raw[8:], 32)


def _raw(value: tuple) -> bytes:
    state, inc, has_uint32, uinteger = value
    return _HEAD.pack(has_uint32, uinteger) + state.to_bytes(16, "little") + inc.to_bytes(16, "little")


def _rng_of_generator(rng):
    state = rng.bit_generator.state
    if state["bit_generator"] == "PCG64":
        inner = state["state"]
        return (inner["state"], inner["inc"], state["has_uint32"], state["uinteger"])
    return state


class _Slot:
    """A pooled env with its unwrapped env and wrapper chain looked up once; ``key`` is the MAC of the token whose
    state the env is exactly in (see ``Adapter.mark``), or None; ``rng`` watches its RNG (RngWatch)."""

    __slots__ = ("env", "u", "chain", "key", "rng")

    def __init__(self, env: gym.Env):
        self.env = env
        self.u = env.unwrapped
        self.chain = wrapper_chain(env)
        self.key = None
        self.rng = RngWatch()


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

    @contextmanager
    def restored(self, payload: bytes, key: bytes | None = None) -> Iterator[tuple[gym.Env, bytes]]:
        """An env set to ``payload``'s state, and its episode key, for the duration of the block. ``key``: the
        verified MAC of the token ``payload`` came from (None: unknown); an env marked with it may be handed back
        without a restore."""
        env, episode, handle = self.acquire(payload, key)
        try:
            yield env, episode
        finally:
            self.release(handle)

    def acquire(self, payload: bytes, key: bytes | None = None) -> tuple[gym.Env, bytes, object]:
        """``restored`` without the context manager (the server's hot path): (env, episode key, handle); the caller
        must pass the handle to ``release`` when done with the env, also when stepping failed. The formats here
        implement it; a format written against the older protocol (only ``restored(payload)``) is entered here."""
        if type(self).restored is Adapter.restored:
            raise TypeError(f"{type(self).__name__} implements neither acquire() nor restored(); a snapshot format "
                            f"implements one of them")
        block = self.restored(payload)
        env, episode = block.__enter__()
        return env, episode, block

    def release(self, handle) -> None:
        """Ends an ``acquire``."""
        if handle is not None and hasattr(handle, "__exit__"):
            handle.__exit__(None, None, None)

    def mark(self, env: gym.Env, key: bytes) -> None:
        """Inside a ``restored`` block, after the capture: ``env`` is exactly in the state of the token whose MAC is
        ``key``, and nothing will change it before the block ends. Formats without a restore skip ignore it."""


class PooledAdapter(Adapter):
    """A format whose state is a small value set onto any env of the id: envs come from a pool (one per concurrent
    step), made by ``make`` and reset once. Subclasses give ``get(slot)`` and ``put(slot, value)``, where a slot holds
    ``env``, its unwrapped env ``u`` and its wrapper ``chain``, and may replace ``encode``/``decode`` (default:
    pickle)."""

    def __init__(self, make: Callable[[], gym.Env]):
        self._make = make
        self._lock = threading.Lock()
        self._idle: dict[int, _Slot] = {}  # id(slot) -> idle slot, the last returned last
        self._at: dict[bytes, _Slot] = {}  # key -> the idle slot exactly in that token's state (see mark)
        self._slots: dict[int, _Slot] = {}  # id(env) -> slot, for capture(env) and mark(env) of a pooled env
        self.skips = 0  # restores skipped (for tests and benchmarks)

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
        return self.encode((self.get(slot), slot.rng.get(slot.u), _chain_state(slot.chain)))

    def _take(self, key: bytes | None) -> _Slot | None:
        """An idle slot: the one exactly at ``key`` if there is one (returned with its key kept), else any other
        (its key cleared), else None."""
        with self._lock:
            if key is not None:
                slot = self._at.pop(key, None)
                if slot is not None:
                    del self._idle[id(slot)]
                    return slot
            if not self._idle:
                return None
            slot = self._idle.pop(next(reversed(self._idle)))
            if slot.key is not None:
                if self._at.get(slot.key) is slot:
                    del self._at[slot.key]
                slot.key = None
            return slot

    def _new_slot(self) -> _Slot:
        env = self._make()
        env.reset(seed=0)
        slot = _Slot(env)
        self._slots[id(env)] = slot
        return slot

    def _give_back(self, slot: _Slot) -> None:
        with self._lock:
            self._idle[id(slot)] = slot
            if slot.key is not None:
                old = self._at.get(slot.key)
                if old is not None:  # two envs in the same state: the newer one serves the key
                    old.key = None
                self._at[slot.key] = slot

    def acquire(self, payload: bytes, key: bytes | None = None):
        slot = self._take(key)
        if slot is None:
            slot = self._new_slot()
        try:
            if key is not None and slot.key == key:
                self.skips += 1
            else:
                value, rng, wrappers = self.decode(payload)
                self.put(slot, value)
                slot.rng.set(slot.u, rng)
                _set_chain_state(slot.chain, wrappers)
        except BaseException:
            slot.key = None
            self._give_back(slot)
            raise
        slot.key = None  # the caller steps it: it is at no token's state until marked
        return slot.env, b"", slot

    def release(self, handle) -> None:
        self._give_back(handle)

    def mark(self, env: gym.Env, key: bytes) -> None:
        slot = self._slots.get(id(env))
        if slot is not None and slot.env is env:
            slot.key = key
