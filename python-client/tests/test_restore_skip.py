"""The restore skip (dirpg.adapters.base.Adapter.mark) and the RNG watch (RngWatch) keep a served step exact: stepping
from the token an env was left in skips the restore and equals a deep copy's step; stepping from any other token
restores; a tampered or foreign token is refused before any env is touched; an env whose step failed is never
skipped into; an RNG the step used is read again."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import family_envs  # noqa: F401  (registers the suite's own envs)
from conftest import KEY
from dirpg.adapters.base import RngWatch
from dirpg.served_env import EnvironmentFault, ServedEnvironment
from dirpg.tokens import InvalidTokenError

# a pooled format of each kind (classic control, toy text, the protocol), and MiniGrid's templates
ENVS = ["CartPole-v1", "Taxi-v4", "FrozenLake-v1", "DirpgTest/StateProtocol-v0", "MiniGrid-DoorKey-5x5-v0"]


def _same(served, result, want, where):
    obs, reward, terminated, truncated = want[:4]
    assert [t.data for t in result.next.observation] == [t.data for t in served.observation_tensors(obs)], where
    assert (result.reward, result.terminated, result.truncated) == (float(reward), bool(terminated),
                                                                     bool(truncated)), where


def _skips(served):
    return served._adapter.skips


@pytest.mark.parametrize("env_id", ENVS)
def test_stepping_the_current_token_skips_the_restore_and_equals_a_deep_copy(env_id):
    served = ServedEnvironment(env_id, key=KEY)
    rng = np.random.default_rng(3)
    for seed in range(4):
        live = served._make()
        live.reset(seed=seed)
        token = served.reset(seed, None).state_token
        older = []  # (token, deep copy of the live env in that state)
        for t in range(30):
            where = f"{env_id} seed {seed} t={t}"
            action = int(rng.choice(served.legal_actions))
            if older and rng.random() < 0.4:  # a token the pooled env is not in: must restore
                old_token, old_live = older[int(rng.integers(len(older)))]
                skips = _skips(served)
                got = served.step(old_token, action)
                assert _skips(served) == skips, where + ": an older token skipped its restore"
                _same(served, got, copy.deepcopy(old_live).step(action), where + " (older token)")
            skips = _skips(served)
            got = served.step(token, action)
            if t > 0:  # the step that issued `token` left an env in its state, unless an older token took it
                assert _skips(served) >= skips, where
            before = copy.deepcopy(live)
            _same(served, got, copy.deepcopy(live).step(action), where + " (deep copy)")
            _same(served, got, live.step(action), where + " (live)")
            if got.next.terminal:
                break
            older.append((token, before))
            token = got.next.state_token
        assert _skips(served) > 0


@pytest.mark.parametrize("env_id", ["CartPole-v1", "MiniGrid-DoorKey-5x5-v0"])
def test_a_chain_of_steps_skips_every_restore(env_id):
    served = ServedEnvironment(env_id, key=KEY)
    token = served.reset(7, None).state_token
    token = served.step(token, 0).next.state_token
    skips = _skips(served)
    for _ in range(5):
        token = served.step(token, 1).next.state_token
    assert _skips(served) == skips + 5


@pytest.mark.parametrize("env_id", ["CartPole-v1", "MiniGrid-DoorKey-5x5-v0"])
def test_tampered_and_foreign_tokens_are_refused_even_when_an_env_is_at_their_mac(env_id):
    served = ServedEnvironment(env_id, key=KEY)
    token = served.step(served.reset(1, None).state_token, 1).next.state_token  # an env is now marked at its MAC
    skips = _skips(served)
    for i in (-33, -40, 20):  # payload bytes and a header byte, the MAC kept
        forged = bytearray(token)
        forged[i] ^= 1
        with pytest.raises(InvalidTokenError):
            served.step(bytes(forged), 0)
    other_actions = ServedEnvironment(env_id, key=KEY, actions=[1])  # another configuration, same key
    with pytest.raises(InvalidTokenError, match="another configuration"):
        other_actions.step(token, 0)
    other_key = ServedEnvironment(env_id, key=b"another-fleet-key-0123456789")
    with pytest.raises(InvalidTokenError, match="HMAC"):
        other_key.step(token, 0)
    assert _skips(served) == skips
    live = served._make()  # the marked env was not disturbed: the real token still steps right, skipping
    live.reset(seed=1)
    live.step(1)
    _same(served, served.step(token, 1), live.step(1), env_id)
    assert _skips(served) == skips + 1


def test_a_step_that_failed_is_never_skipped_into():
    served = ServedEnvironment("CartPole-v1", key=KEY)
    token = served.step(served.reset(5, None).state_token, 0).next.state_token
    slot = next(iter(served._adapter._idle.values()))
    assert slot.key == token[-32:]
    real_step = slot.env.step

    def failing(action):
        real_step(action)  # the env moved, then failed
        raise RuntimeError("boom")

    slot.env.step = failing
    with pytest.raises(EnvironmentFault, match="boom"):
        served.step(token, 1)
    del slot.env.step
    assert slot.key is None
    skips = _skips(served)
    live = served._make()
    live.reset(seed=5)
    live.step(0)
    _same(served, served.step(token, 1), live.step(1), "after a failed step")
    assert _skips(served) == skips  # restored, not skipped


def test_a_terminal_step_marks_nothing():
    served = ServedEnvironment("CartPole-v1", key=KEY)
    token = served.reset(0, None).state_token
    while True:
        result = served.step(token, 0)
        if result.next.terminal:
            break
        token = result.next.state_token
    assert all(s.key is None for s in served._adapter._idle.values())
    with pytest.raises(Exception, match="terminal"):
        served.step(result.next.state_token, 0)


class _Holder:
    """Stands for an unwrapped env: ``_np_random`` is all RngWatch looks at."""

    def __init__(self, rng):
        self._np_random = rng

    @property
    def np_random(self):
        return self._np_random


def _api_state(rng):
    s = rng.bit_generator.state
    return (s["state"]["state"], s["state"]["inc"], s["has_uint32"], s["uinteger"])


def test_rng_watch_reads_what_the_api_reads_after_every_change():
    u = _Holder(np.random.default_rng(11))
    watch = RngWatch()
    first = watch.get(u)
    assert first == _api_state(u._np_random)
    assert watch.get(u) == first
    u._np_random.random()
    assert watch.get(u) == _api_state(u._np_random) != first
    u._np_random.integers(0, 2**32, dtype=np.uint32)  # leaves 32 buffered bits: has_uint32 / uinteger
    assert watch.get(u) == _api_state(u._np_random)
    watch.set(u, first)
    assert _api_state(u._np_random) == first
    u._np_random = np.random.default_rng(12)  # a reseed replaces the generator
    assert watch.get(u) == _api_state(u._np_random)


def test_rng_watch_sets_a_state_the_env_moved_away_from():
    u = _Holder(np.random.default_rng(1))
    watch = RngWatch()
    state = watch.get(u)
    draws = u._np_random.random(3)
    watch.set(u, state)  # the same tuple as last seen, but the generator moved: it must be set
    assert np.array_equal(u._np_random.random(3), draws)
    watch.set(u, state)
    watch.set(u, state)  # unchanged now: no set needed, and the stream is still the same
    assert np.array_equal(u._np_random.random(3), draws)


def test_rng_watch_falls_back_to_the_api_for_other_bit_generators():
    u = _Holder(np.random.Generator(np.random.MT19937(4)))
    watch = RngWatch()
    state = watch.get(u)
    assert isinstance(state, dict) and state["bit_generator"] == "MT19937"
    draws = u._np_random.random(2)
    watch.set(u, state)
    assert np.array_equal(u._np_random.random(2), draws)


def test_rng_watch_sets_states_it_never_saw_and_reads_them_back_as_the_api_does():
    u = _Holder(np.random.default_rng(21))
    watch = RngWatch()
    watch.get(u)
    for seed in range(20):
        source = np.random.default_rng(seed)
        source.integers(0, 2**32, size=seed % 3, dtype=np.uint32)  # has_uint32 set on some
        state = _api_state(source)
        watch.set(u, state)
        assert _api_state(u._np_random) == state
        assert watch.get(u) == state
        assert np.array_equal(u._np_random.random(4), source.random(4))
        assert watch.get(u) == _api_state(u._np_random)


def test_a_format_with_only_the_older_restored_still_serves():
    import pickle
    from contextlib import contextmanager

    from dirpg.adapters.base import Adapter

    class OldStyle(Adapter):
        kind = 1
        name = "old-style pickle"
        exits = 0

        def capture(self, env, episode):
            return pickle.dumps(env)

        @contextmanager
        def restored(self, payload):
            try:
                yield pickle.loads(payload), b""
            finally:
                OldStyle.exits += 1

    served = ServedEnvironment("CartPole-v1", key=KEY)
    served._adapter = OldStyle()
    live = served._make()
    live.reset(seed=2)
    token = served.reset(2, None).state_token
    for action in (0, 1, 1):
        got = served.step(token, action)
        _same(served, got, live.step(action), "old-style format")
        token = got.next.state_token
    assert OldStyle.exits == 3
