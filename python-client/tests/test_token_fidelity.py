"""A state token steps exactly like the live env it was captured from, over gRPC, for many seeds."""

from __future__ import annotations

import copy

import gymnasium as gym
import numpy as np
import pytest

from dirpg.envclient import RemoteEnv
from conftest import MULTIROOM

# MultiRoom needs forward and toggle far more often than a uniform policy picks them to reach its doors.
MINIGRID_ACTION_PROBS = np.array([0.15, 0.15, 0.4, 0.03, 0.03, 0.2, 0.04])


def _obs_dict(env_id: str, obs) -> dict[str, np.ndarray]:
    if isinstance(obs, dict):
        return {"image": obs["image"], "direction": np.int64(obs["direction"])}
    return {"obs": obs}


def _assert_same(remote_step, obs, reward, terminated, truncated, where: str):
    for name, value in obs.items():
        np.testing.assert_array_equal(remote_step.next.observation[name], np.asarray(value), err_msg=where)
    assert remote_step.reward == pytest.approx(float(reward), abs=0.0), where
    assert (remote_step.terminated, remote_step.truncated) == (terminated, truncated), where


def _rollouts(address: str, env_id: str, seeds: list[int], steps: int, probs, rng_seed: int):
    """Steps one token chain per seed (one StepBatch per time step) in lockstep with a live env per seed;
    every 7th step also branches: a different action from the same token against a deep copy of the live env."""
    rng = np.random.default_rng(rng_seed)
    remote = RemoteEnv(address, env_id)
    live = [gym.make(env_id, disable_env_checker=True) for _ in seeds]
    tokens, active = [], list(range(len(seeds)))
    for env, seed in zip(live, seeds):
        obs, _ = env.reset(seed=seed)
        state = remote.reset(seed)
        for name, value in _obs_dict(env_id, obs).items():
            np.testing.assert_array_equal(state.observation[name], np.asarray(value))
        tokens.append(state.token)
    n_actions = remote.description.num_actions
    compared = 0
    for t in range(steps):
        if not active:
            break
        actions = [int(rng.choice(n_actions, p=probs)) for _ in active]
        branch = [(a + 1 + int(rng.integers(n_actions - 1))) % n_actions for a in actions]
        batch_tokens = [tokens[i] for i in active]
        results = remote.step_batch(batch_tokens, actions)
        if t % 7 == 0:
            branched = remote.step_batch(batch_tokens, branch)
            for i, a, r in zip(active, branch, branched):
                obs, rew, term, trunc, _ = copy.deepcopy(live[i]).step(a)
                _assert_same(r, _obs_dict(env_id, obs), rew, term, trunc, f"{env_id} seed {seeds[i]} branch t={t}")
        still = []
        for i, a, r in zip(active, actions, results):
            obs, rew, term, trunc, _ = live[i].step(a)
            _assert_same(r, _obs_dict(env_id, obs), rew, term, trunc, f"{env_id} seed {seeds[i]} t={t}")
            compared += 1
            assert r.next.terminal == (term or trunc)
            assert r.next.legal_actions == (0 if r.next.terminal else (1 << n_actions) - 1)
            tokens[i] = r.next.token
            if not r.next.terminal:
                still.append(i)
        active = still
    remote.close()
    return compared


def test_multiroom_compact_tokens_replay_live_env(plain_server):
    compared = _rollouts(plain_server.address, MULTIROOM, list(range(24)), 120, MINIGRID_ACTION_PROBS, 1)
    assert compared == 24 * 120  # default max_steps 120 truncates every episode (random play never reaches the goal)


def test_multiroom_pickle_tokens_replay_live_env(generic_server):
    assert _rollouts(generic_server.address, MULTIROOM, list(range(100, 108)), 120, MINIGRID_ACTION_PROBS, 2) > 0


def test_doorkey_tokens_replay_pickup_and_drop(plain_server):
    # DoorKey holds a key the agent can pick up and drop: the MiniGrid format tracks where it goes.
    probs = np.array([0.2, 0.2, 0.25, 0.12, 0.08, 0.12, 0.03])
    assert _rollouts(plain_server.address, "MiniGrid-DoorKey-6x6-v0", list(range(12)), 150, probs, 3) > 0


def test_cartpole_float_observations_replay(plain_server):
    assert _rollouts(plain_server.address, "CartPole-v1", list(range(10)), 200, np.array([0.5, 0.5]), 4) > 0


def test_same_token_stepped_twice_gives_the_same_result(plain_server, generic_server):
    for server in (plain_server, generic_server):
        remote = RemoteEnv(server.address, MULTIROOM)
        token = remote.reset(5).token
        rng = np.random.default_rng(6)
        for _ in range(60):
            a = int(rng.choice(7, p=MINIGRID_ACTION_PROBS))
            first, second = remote.step_batch([token, token], [a, a])
            again = remote.step(token, a)
            for other in (second, again):
                assert other.next.token == first.next.token
                assert other.reward == first.reward
                np.testing.assert_array_equal(other.next.observation["image"], first.next.observation["image"])
            token = first.next.token
        remote.close()


def test_reset_seed_gives_a_new_map_per_seed_and_the_same_map_for_the_same_seed(plain_server):
    remote = RemoteEnv(plain_server.address, MULTIROOM)
    images = [remote.reset(s).observation["image"] for s in (11, 11, 12)]
    np.testing.assert_array_equal(images[0], images[1])
    assert remote.reset(11).token == remote.reset(11).token
    maps = {remote.reset(s).token for s in range(10)}
    assert len(maps) == 10
    remote.close()
