"""The Java server's native environments bridged to Python: check_env on each, DeepSea's reward rules and corner
draw distribution, purity of the Java step, and illegal actions on the spanning-tree bandit's masks."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env

from dirpg import launch
from dirpg.envclient import RemoteEnv
from dirpg.gym_env import JAVA_NATIVE_ENVS, DirpgEnv, IllegalActionError, list_environments

LEFT, RIGHT = 0, 1


@pytest.fixture(scope="module")
def java(tmp_path_factory):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built (mvn -B -q -o package -DskipTests)")
    proc = launch.start_java_server(cwd=str(tmp_path_factory.mktemp("java-env")))
    yield proc.address
    proc.stop()


def _normal_cdf(x: float, mean: float, sd: float) -> float:
    return 0.5 * (1.0 + math.erf((x - mean) / (sd * math.sqrt(2.0))))


def test_every_java_environment_passes_check_env(java):
    served = {d.env_id: d for d in list_environments(java)}
    assert set(JAVA_NATIVE_ENVS) <= set(served)
    for env_id in JAVA_NATIVE_ENVS:
        # default settings: check_env steps unmasked random actions, and an illegal one ends the episode (CoinTree
        # masks actions at its root, the spanning-tree bandit those that close a cycle)
        env = DirpgEnv(env_id, java)
        # the native envs declare their one-hot parts MultiBinary: bounds known, so check_env has nothing to warn about
        assert isinstance(env.observation_space, spaces.MultiBinary), env.observation_space
        assert env.action_space == spaces.Discrete(served[env_id].num_actions)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_env(env.unwrapped, skip_render_check=True)
        bounds = [str(w.message) for w in caught if "bound" in str(w.message).lower() or "inf" in str(w.message)]
        assert not bounds, f"{env_id}: {bounds}"
        env.close()


def test_deepsea_moves_and_pays_by_its_rules(java):
    env = DirpgEnv("DeepSea-v0", java)
    n = env.observation_space.shape[0]
    assert env.observation_space.shape == (n, n)
    for path in ([LEFT] * (n - 1), [RIGHT] * (n - 1), [RIGHT, LEFT] + [RIGHT] * (n - 3)):
        obs, _ = env.reset(seed=4)
        row, col = 0, 0
        assert obs[0, 0] == 1.0 and obs.sum() == 1.0
        for t, action in enumerate(path):
            obs, reward, terminated, truncated, _ = env.step(action)
            row, col = row + 1, (col + 1 if action == RIGHT else max(col - 1, 0))
            assert obs[row, col] == 1.0 and obs.sum() == 1.0  # one-hot of the cell, row-major
            corner = (row, col) == (n - 1, n - 1)
            if action == LEFT:
                assert reward == 0.0
            elif not corner:
                assert reward == pytest.approx(-1.0 / (n - 2), abs=1e-12)
            assert terminated == (t == n - 2) and not truncated
    env.close()


def test_deepsea_corner_reward_is_normal_1_1_and_belongs_to_the_episode(java):
    env = DirpgEnv("DeepSea-v0", java)
    n = env.observation_space.shape[0]
    draws = []
    for seed in range(300):
        env.reset(seed=seed)
        for _ in range(n - 1):
            _, reward, _, _, _ = env.step(RIGHT)
        draws.append(reward)
    draws = np.sort(np.array(draws))
    m = len(draws)
    assert abs(draws.mean() - 1.0) < 4.0 / math.sqrt(m)  # sigma = 1
    cdf = np.array([_normal_cdf(x, 1.0, 1.0) for x in draws])
    ks = max(np.max(np.arange(1, m + 1) / m - cdf), np.max(cdf - np.arange(m) / m))
    assert ks < 1.63 / math.sqrt(m), ks  # Kolmogorov-Smirnov at alpha = 0.01
    assert len(set(draws.tolist())) == m  # a new episode seed draws a new tree S
    # Same seed, same path: the same draw (the state-reward tree is a function of the seed and the path).
    env.reset(seed=17)
    first = [env.step(RIGHT)[1] for _ in range(n - 1)]
    env.reset(seed=17)
    assert [env.step(RIGHT)[1] for _ in range(n - 1)] == first
    env.close()


def test_java_step_is_a_pure_function_of_the_token(java):
    remote = RemoteEnv(java, "DeepSea-v0")
    env = DirpgEnv("DeepSea-v0", java)
    _, info = env.reset(seed=9)
    token = info["state_token"]
    path = [RIGHT, RIGHT, LEFT, RIGHT]
    for action in path:
        twice = [remote.step(token, action) for _ in range(2)]
        obs, reward, terminated, _, info = env.step(action)
        for s in twice:
            assert s.next.token == info["state_token"] and s.reward == reward and s.terminated == terminated
            assert (s.next.observation["cell"] == obs).all()
        token = info["state_token"]
    remote.close(), env.close()


def test_spanning_tree_masks_and_illegal_actions(java):
    env = DirpgEnv("SpanningTreeBandit-v0", java, illegal_action="raise")
    _, info = env.reset(seed=0)
    include = 1
    while info["legal_actions"][include]:
        _, _, terminated, _, info = env.step(include)
        assert not terminated, "including every edge should close a cycle before the end"
    token = env.state_token
    assert info["legal_actions"].tolist() == [1, 0] == env.action_masks().tolist()
    with pytest.raises(IllegalActionError) as err:
        env.step(include)
    assert isinstance(err.value, ValueError) and err.value.code.name == "INVALID_ARGUMENT"
    assert "illegal" in err.value.message or "legal" in err.value.message, err.value.message
    assert env.state_token == token
    env.step(0)  # a legal action still works from the same state
    env.close()


def test_coin_tree_masked_root_raise_or_terminate(java):
    strict = DirpgEnv("CoinTree-v0", java, illegal_action="raise")
    ending = DirpgEnv("CoinTree-v0", java)  # the default
    _, info = strict.reset(seed=1)
    _, info_t = ending.reset(seed=1)
    mask = info["legal_actions"]
    assert mask.tolist() == info_t["legal_actions"].tolist() and 0 < mask.sum() < len(mask)
    illegal, legal = int(np.argmin(mask)), int(np.argmax(mask))
    with pytest.raises(IllegalActionError, match=f"action {illegal}"):
        strict.step(illegal)
    obs, reward, terminated, truncated, info_t = ending.step(illegal)
    assert (reward, terminated, truncated, info_t["illegal_action"]) == (0.0, True, False, True)
    assert obs[0] == 1.0 and info_t["legal_actions"].sum() == 0  # still the root; nothing is legal any more
    with pytest.raises(ValueError, match="outside the action space"):
        strict.step(len(mask))
    strict.step(legal)  # the strict env's episode goes on
    strict.close(), ending.close()
