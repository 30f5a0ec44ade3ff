"""dirpg.Policy (numpy, no server) against the Java trainer's Act on the same observations, for every policy kind the
Java side builds from the observation spaces: an MLP and a linear softmax (DeepSea), the paper's CNN and a strided
CNN with hidden layers (the MiniGrid twin: image + one-hot direction), one-hot Discrete (FrozenLake over the Python
env server), a Box with finite and infinite bounds (CartPole); plus the bandit's Bernoulli policy and evaluate()."""

from __future__ import annotations

import gzip
import json
import subprocess

import gymnasium as gym
import numpy as np
import pytest

from dirpg import Policy, evaluate, launch
from dirpg.envserver.service import EnvServer, ServedEnvironment

pytest.importorskip("dirpg.train.v1.trainer_pb2", reason="no trainer stubs: scripts/setup-python.sh not run")
from dirpg.gym_env import DirpgEnv  # noqa: E402
from dirpg.trainer_client import TrainerClient  # noqa: E402

KEY = b"k" * 32


class PixelsEnv(gym.Env):
    """Test-only: a 40x40x3 uint8 image (big enough for the NatureCNN default, whose dense layer the MiniGrid
    views never reach), 3 actions, 3 steps an episode, reward 1 for action 1; saved by get_state/set_state."""

    observation_space = gym.spaces.Box(0, 255, (40, 40, 3), np.uint8)
    action_space = gym.spaces.Discrete(3)

    def __init__(self):
        self._t, self._frame = 0, np.zeros((40, 40, 3), np.uint8)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self._t = 0
        self._frame = self.np_random.integers(0, 256, (40, 40, 3), dtype=np.uint8)
        return self._frame.copy(), {}

    def step(self, action):
        self._t += 1
        self._frame = np.roll(self._frame, int(action) + 1, axis=0)
        return self._frame.copy(), float(action == 1), self._t >= 3, False, {}

    def get_state(self):
        return self._t, self._frame.copy()

    def set_state(self, state):
        self._t, self._frame = state[0], state[1].copy()


gym.register("DirpgTest/Pixels-v0", entry_point=PixelsEnv, max_episode_steps=3)


@pytest.fixture(scope="module")
def server(java_trainer):
    return java_trainer


@pytest.fixture(scope="module")
def client(server):
    with TrainerClient(server.address) as c:
        yield c


@pytest.fixture(scope="module")
def toy_server():
    s = EnvServer({e.env_id: e for e in [ServedEnvironment("FrozenLake-v1", key=KEY),
                                         ServedEnvironment("CartPole-v1", key=KEY),
                                         ServedEnvironment("DirpgTest/Pixels-v0", key=KEY)]},
                  host="127.0.0.1", port=0, seed=3).start()
    yield s
    s.stop(grace=None)


def _trained(client, env_id, **settings):
    run = client.create_run(env_id, **settings)
    list(client.watch(run.run_id))
    assert client.get_run(run.run_id).state == "SUCCEEDED"
    return run.run_id, Policy.from_bytes(client.save_checkpoint(run.run_id).data)


def _observations(env, n, seed):
    """n (observation, action mask) pairs from random legal play, resetting at episode ends."""
    rng = np.random.default_rng(seed)
    obs, info = env.reset(seed=seed)
    out = []
    while len(out) < n:
        mask = info.get("action_mask", np.ones(env.action_space.n, np.int8))
        out.append((obs, mask))
        obs, _, terminated, truncated, info = env.step(int(rng.choice(np.flatnonzero(mask))))
        if terminated or truncated:
            obs, info = env.reset(seed=int(rng.integers(1 << 30)))
    return out


def _assert_equal_to_act(client, run_id, policy, pairs, tol):
    feats = np.stack([policy.features(o) for o, _ in pairs])
    masks = [m for _, m in pairs]
    java = client.act(run_id, feats, masks, greedy=True)
    ours = np.stack([policy.log_probs(o, m) for o, m in pairs])
    assert np.array_equal(np.isinf(java.log_probs), np.isinf(ours)), "illegal actions differ"
    finite = np.isfinite(ours)
    assert np.max(np.abs(java.log_probs[finite] - ours[finite])) < tol
    greedy = np.array([policy.act(o, greedy=True, action_mask=m) for o, m in pairs])
    assert np.array_equal(greedy, java.actions)
    # a batch gives what one observation at a time gives (float32 sums in another order: within the same tolerance)
    batch = policy.log_probs(feats, np.stack(masks))
    assert np.allclose(batch[finite], ours[finite], rtol=0, atol=tol)


@pytest.mark.parametrize("settings,tol", [({"policy": "auto"}, 2e-5),
                                          ({"policy": "linear"}, 1e-9),
                                          ({"policy": "mlp", "net": "16,8:relu"}, 2e-5)])
def test_deepsea_policies_equal_java_act(server, client, settings, tol):
    run_id, policy = _trained(client, "DeepSea-v0", budget=40, updates=30, seed=2, learning_rate=0.05, **settings)
    env = DirpgEnv("DeepSea-v0", address=server.address)
    try:
        _assert_equal_to_act(client, run_id, policy, _observations(env, 40, seed=1), tol)
    finally:
        env.close()


@pytest.mark.parametrize("settings", [{"policy": "auto"},
                                      {"policy": "multi", "cnn": "3x3/2:8", "net": "32,16"}])
def test_minigrid_twin_cnns_equal_java_act(server, client, settings):
    run_id, policy = _trained(client, "JavaMiniGrid-MultiRoom-N6-v0", env_options={"paperReward": "true"},
                              budget=300, updates=2, seed=5, early_stop=False, **settings)
    assert policy.kind == "net" and policy.inputs[0].encoding["type"] == "image"
    env = DirpgEnv("JavaMiniGrid-MultiRoom-N6-v0", address=server.address)
    try:
        _assert_equal_to_act(client, run_id, policy, _observations(env, 60, seed=4), 5e-5)
    finally:
        env.close()


def test_python_served_discrete_and_box_parts_equal_java_act(client, toy_server):
    lake_run, lake = _trained(client, "FrozenLake-v1", endpoints=toy_server.address, budget=200, updates=3, seed=1)
    assert [i.encoding["type"] for i in lake.inputs] == ["onehot"]
    pole_run, pole = _trained(client, "CartPole-v1", endpoints=toy_server.address, budget=600, updates=2, seed=1)
    low = np.array([float(v) for v in pole.inputs[0].encoding["low"]])
    assert pole.inputs[0].encoding["type"] == "scaled" and np.isinf(low).any() and np.isfinite(low).any()
    # the policies read the stock Gymnasium envs' own observations: a bare int, a float32 vector
    _assert_equal_to_act(client, lake_run, lake, _observations(gym.make("FrozenLake-v1"), 30, seed=2), 2e-5)
    _assert_equal_to_act(client, pole_run, pole, _observations(gym.make("CartPole-v1"), 30, seed=2), 2e-5)


def test_nature_cnn_with_its_dense_layer_equals_java_act(client, toy_server):
    run_id, policy = _trained(client, "DirpgTest/Pixels-v0", endpoints=toy_server.address, budget=30, updates=2,
                              seed=2)
    cnn = policy.inputs[0].encoding["cnn"]
    assert cnn["name"] == "nature" and cnn["dense"] == 512 and policy.inputs[0].encoding["scaled"]
    _assert_equal_to_act(client, run_id, policy, _observations(gym.make("DirpgTest/Pixels-v0"), 12, seed=5), 5e-5)


def test_sampled_actions_follow_the_policy_chi_square(server, client):
    run_id, policy = _trained(client, "DeepSea-v0", policy="linear", budget=40, updates=200, seed=3,
                              learning_rate=0.05, init_scale=1.0)
    obs = np.eye(25)[0]
    p = np.exp(policy.log_probs(obs))
    n = 20_000
    draws = policy.act(np.tile(obs, (n, 1)), rng=np.random.default_rng(11))
    counts = np.bincount(draws, minlength=2)
    chi2 = float(((counts - n * p) ** 2 / (n * p)).sum())
    assert chi2 < 10.83, f"chi-square {chi2:.2f} (1 dof, p = 0.001) for counts {counts} against p = {p}"


def test_bernoulli_policy_reads_the_decision_and_masks(client):
    _, policy = _trained(client, "SpanningTreeBandit-v0", policy="bernoulli", budget=100, updates=50, seed=1,
                         learning_rate=0.1)
    theta = policy.theta
    for e in range(theta.size):
        lp = policy.log_probs(np.eye(theta.size)[e])
        assert np.allclose(np.exp(lp), [1 / (1 + np.exp(theta[e])), 1 / (1 + np.exp(-theta[e]))], atol=1e-12)
        assert policy.log_probs(np.eye(theta.size)[e], [1, 0]).tolist() == [0.0, -np.inf]


def test_load_files_and_bad_checkpoints_say_what_is_wrong(tmp_path, client):
    jar = launch.java_jar()
    out = tmp_path / "run"
    subprocess.run(["java", "-jar", str(jar), "train", "--env", "DeepSea-v0", "-n", "50", "--out", str(out),
                    "--no-progress"], check=True, capture_output=True, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    policy = Policy.load(out / "checkpoint.json")
    assert policy.env_id == "DeepSea-v0" and "mlp" in json.loads((out / "checkpoint.json").read_text())["network"]["net_kind"]
    gz = tmp_path / "c.json.gz"
    gz.write_bytes(gzip.compress((out / "checkpoint.json").read_bytes()))
    assert np.array_equal(Policy.load(gz).theta, policy.theta)
    with pytest.raises(ValueError, match="observation part 'cell' has value 3.0 at element 0, outside|reads 25"):
        policy.log_probs(np.full(3, 3.0))
    with pytest.raises(FileNotFoundError, match="no checkpoint file at"):
        Policy.load(tmp_path / "missing.json")
    old = json.loads((out / "checkpoint.json").read_text())
    del old["network"]
    with pytest.raises(ValueError, match="written before checkpoints recorded the policy's network"):
        Policy.from_checkpoint(old)
    with pytest.raises(ValueError, match="no legal action"):
        policy.log_probs(np.eye(25)[0], [0, 0])


def test_committed_model_loads_after_export_json(tmp_path):
    """The committed MultiRoom checkpoint predates recorded networks: export --json adds it, theta unchanged."""
    model = launch.repo_root() / "models" / "dirpg-multiroom-n6-alpha0.2-seed1.json.gz"
    with pytest.raises(ValueError, match=r"export --checkpoint .* --json NEW.json"):
        Policy.load(model)
    out = tmp_path / "multiroom.json.gz"
    printed = subprocess.run(["java", "-jar", str(launch.java_jar()), "export", "--checkpoint", str(model), "--json",
                              str(out)], check=True, capture_output=True, text=True,
                             env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}).stdout
    assert "42,963 parameters" in printed and f"wrote {out}" in printed
    policy = Policy.load(out)
    original = json.loads(gzip.decompress(model.read_bytes()))
    assert np.array_equal(policy.theta, np.array(original["parameters"])) and policy.theta.size == 42963
    assert [i.name for i in policy.inputs] == ["image", "direction"] and policy.num_actions == 7
    obs = {"image": np.zeros((7, 7, 3), np.uint8), "direction": 0, "mission": "ignored"}
    assert np.isclose(np.logaddexp.reduce(policy.log_probs(obs)), 0.0)


def test_evaluate_runs_episodes_by_seed(server, client):
    _, policy = _trained(client, "DeepSea-v0", policy="linear", epsilon=-1, budget=100, updates=400, seed=0,
                         learning_rate=0.05)
    env = DirpgEnv("DeepSea-v0", address=server.address)
    try:
        returns, lengths = evaluate(policy, env, episodes=20, greedy=True, return_episode_rewards=True)
        assert len(returns) == 20 and set(lengths) == {4}
        mean, std = evaluate(policy, env, episodes=20, greedy=True)
        assert mean == pytest.approx(np.mean(returns)) and std == pytest.approx(np.std(returns))
    finally:
        env.close()
