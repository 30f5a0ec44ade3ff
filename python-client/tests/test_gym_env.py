"""DirpgEnv over the Python env server: check_env, spaces, masks, illegal actions, fidelity, registration."""

from __future__ import annotations

import re

import gymnasium as gym
import minigrid  # noqa: F401  (registers the MiniGrid ids for the in-process reference env)
import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env

from dirpg import gym_env
from dirpg.envclient import RemoteEnv
from dirpg.gym_env import DirpgEnv, IllegalActionError
from conftest import MULTIROOM

WALK = (2, 2, 1, 2, 5, 2, 0, 2, 2, 5, 2, 1, 2, 2)


def test_check_env_passes_on_minigrid_and_cartpole(plain_server):
    import warnings
    for env_id in (MULTIROOM, "CartPole-v1"):
        env = DirpgEnv(env_id, plain_server.address)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            check_env(env.unwrapped, skip_render_check=True)
        env.close()
        # the bridge passes the env's own space through: CartPole's velocities are unbounded in Gymnasium itself,
        # and check_env says so (and nothing else); MiniGrid's bounded spaces give no warning at all
        expected = ({"A Box observation space minimum value is -infinity. This is probably too low.",
                     "A Box observation space maximum value is infinity. This is probably too high."}
                    if env_id == "CartPole-v1" else set())
        said = {re.sub(r"\x1b\[[0-9;]*m", "", str(w.message)).removeprefix("WARN: ") for w in seen}
        assert said == expected, (env_id, said)


def test_spaces_follow_the_described_tensors(plain_server):
    env = DirpgEnv(MULTIROOM, plain_server.address)
    assert isinstance(env.observation_space, spaces.Dict)
    assert list(env.observation_space.spaces) == ["image", "direction"]  # the described order, not sorted
    image, direction = env.observation_space["image"], env.observation_space["direction"]
    assert (image.dtype, image.shape, image.low.min(), image.high.max()) == (np.uint8, (7, 7, 3), 0, 255)
    assert (direction.dtype, direction.shape) == (np.int64, ())
    assert env.action_space == spaces.Discrete(7)
    cartpole = DirpgEnv("CartPole-v1", plain_server.address)
    assert isinstance(cartpole.observation_space, spaces.Box)
    assert (cartpole.observation_space.dtype, cartpole.observation_space.shape) == (np.float32, (4,))
    obs, _ = env.reset(seed=3)
    flat = env.features(obs)
    assert flat.dtype == np.float64 and flat.shape == (7 * 7 * 3 + 1,)
    assert (flat[:-1] == obs["image"].ravel()).all() and flat[-1] == obs["direction"]
    env.close(), cartpole.close()


def test_observations_and_rewards_match_minigrid_in_process(plain_server):
    """The bridged env gives exactly what gymnasium.make gives locally, for the same seed and actions."""
    env = DirpgEnv(MULTIROOM, plain_server.address)
    local = gym.make(MULTIROOM)
    for seed in (0, 11):
        obs, info = env.reset(seed=seed)
        ref, _ = local.reset(seed=seed)
        assert (obs["image"] == ref["image"]).all() and obs["direction"] == ref["direction"]
        for action in WALK:
            obs, reward, term, trunc, info = env.step(action)
            ref, ref_reward, ref_term, ref_trunc, _ = local.step(action)
            assert (obs["image"] == ref["image"]).all() and obs["direction"] == ref["direction"]
            assert (reward, term, trunc) == (ref_reward, ref_term, ref_trunc)
    env.close()


def test_the_token_path_is_the_protocol_path(plain_server):
    """info["state_token"] is the server's token: stepping it directly gives the next state DirpgEnv reports."""
    env = DirpgEnv(MULTIROOM, plain_server.address)
    remote = RemoteEnv(plain_server.address, MULTIROOM)
    _, info = env.reset(seed=5)
    for action in WALK[:6]:
        direct = remote.step(info["state_token"], action)
        obs, reward, _, _, info = env.step(action)
        assert info["state_token"] == direct.next.token == env.state_token and reward == direct.reward
        assert (obs["image"] == direct.next.observation["image"]).all()
    remote.close(), env.close()


def test_unseeded_resets_follow_the_seeded_np_random(plain_server):
    a, b = DirpgEnv(MULTIROOM, plain_server.address), DirpgEnv(MULTIROOM, plain_server.address)
    a.reset(seed=42), b.reset(seed=42)
    firsts = []
    for _ in range(3):
        (oa, ia), (ob, ib) = a.reset(), b.reset()
        assert ia["state_token"] == ib["state_token"]
        firsts.append(ia["state_token"])
    assert len(set(firsts)) == 3  # three different episodes
    a.close(), b.close()


def test_masks_illegal_actions_and_episode_end(paper_server):
    env = DirpgEnv(MULTIROOM, paper_server.address, illegal_action="raise")
    _, info = env.reset(seed=1)
    assert info["legal_actions"].tolist() == [1, 1, 1, 0, 0, 1, 0] == env.action_masks().tolist()
    assert info["action_mask"].dtype == np.int8 and info["action_mask"].tolist() == info["legal_actions"].tolist()
    assert info["return_to_go_upper_bound"] == 100 + 5 * 30
    assert "return_to_go_lower_bound" not in info  # absent: no lower bound known
    token = env.state_token
    with pytest.raises(IllegalActionError, match="action 3 is illegal") as err:
        env.step(3)
    assert isinstance(err.value, ValueError) and err.value.code.name == "INVALID_ARGUMENT"
    assert env.state_token == token  # the failed step changed nothing
    # Masked sampling never proposes an illegal action; walk to the end of the episode (max_steps 100).
    rng_space = spaces.Discrete(7, seed=0)
    steps, done = 0, False
    while not done:
        _, reward, term, trunc, info = env.step(rng_space.sample(mask=info["legal_actions"]))
        steps, done = steps + 1, term or trunc
    assert steps <= 100 and info["legal_actions"].tolist() == [0] * 7
    with pytest.raises(gym.error.ResetNeeded, match="episode has ended"):
        env.step(0)
    env.close()


def test_registration_by_id_and_address(plain_server, monkeypatch):
    assert "dirpg/DeepSea-v0" in gym.registry and "dirpg/CoinTree-v0" in gym.registry
    monkeypatch.delenv(gym_env.ADDRESS_ENV_VAR, raising=False)
    with pytest.raises(ValueError, match="DIRPG_ADDRESS"):
        gym.make("dirpg/DeepSea-v0")
    ids = gym_env.register_served(plain_server.address)
    assert ids == ["dirpg/" + MULTIROOM, "dirpg/MiniGrid-DoorKey-6x6-v0", "dirpg/CartPole-v1",
                   "dirpg/DirpgTest-NanReward-v0"]
    assert gym.spec("dirpg/DirpgTest-NanReward-v0").kwargs == {"env_id": "DirpgTest/NanReward-v0",
                                                               "address": plain_server.address}
    env = gym.make("dirpg/CartPole-v1")
    obs, info = env.reset(seed=0)
    assert obs.shape == (4,) and info["legal_actions"].tolist() == [1, 1]
    env.close()
    monkeypatch.setenv(gym_env.ADDRESS_ENV_VAR, plain_server.address)
    gym_env.register(MULTIROOM)  # now resolved from $DIRPG_ADDRESS at make time
    env = gym.make(f"dirpg/{MULTIROOM}")
    assert env.unwrapped.address == plain_server.address
    env.close()


def test_a_reset_item_of_a_batch_is_the_reset_of_its_seed(plain_server):
    """StepItem.reset_seed on the Python env server: the item's result is ResetEnvironment's state for that seed."""
    from dirpg.env.v1 import environment_pb2 as pb
    remote = RemoteEnv(plain_server.address, MULTIROOM)
    start = remote.reset(5)
    response = remote._call(remote._stub.StepBatch, pb.StepBatchRequest(env_id=MULTIROOM, items=[
        pb.StepItem(reset_seed=5), pb.StepItem(state_token=start.token, action=2)]))
    reset, stepped = response.results
    assert reset.next.state_token == start.token and (reset.reward, reset.terminated, reset.truncated) == (0, 0, 0)
    assert stepped.next.state_token == remote.step(start.token, 2).next.token
    remote.close()
