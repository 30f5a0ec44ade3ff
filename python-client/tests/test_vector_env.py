"""The Java server's environments as Gymnasium ids and vector envs: register_all (every listed id, the MiniGrid twins
included, no make warning, a one-line error for an id not served) and DirpgVectorEnv (Gymnasium 1.x has no vector-env
checker, so these are its properties: spaces and dtypes, SAME_STEP autoreset, one StepBatch per step, determinism by
seed, and equality with N DirpgEnvs stepped with the same actions)."""

from __future__ import annotations

import contextlib
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode, VectorEnv

from dirpg import gym_env, launch
from dirpg.gym_env import DirpgEnv, EnvNotServedError, IllegalActionError, list_environments
from dirpg.vector_env import DirpgVectorEnv

# Dict observations (MiniGrid twin), masked actions (CoinTree's root, the bandit's cycles), one-step episodes
# (GaussianChoice) and the plain MultiBinary grid (DeepSea).
JAVA_CASES = ("DeepSea-v0", "CoinTree-v0", "SpanningTreeBandit-v0", "GaussianChoice-v0",
              "JavaMiniGrid-MultiRoom-N2-S4-v0")


@pytest.fixture(scope="module")
def java(tmp_path_factory):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built (mvn -B -q -o package -DskipTests)")
    proc = launch.start_java_server(cwd=str(tmp_path_factory.mktemp("java-vec")))
    with registrations_restored():
        yield proc.address
    proc.stop()


@contextlib.contextmanager
def registrations_restored():
    """Restores the dirpg/ registrations afterwards: ids registered here point at a server that stops."""
    saved = {k: v for k, v in gym.registry.items() if k.startswith(gym_env.NAMESPACE + "/")}
    try:
        yield
    finally:
        for k in [k for k in gym.registry if k.startswith(gym_env.NAMESPACE + "/")]:
            del gym.registry[k]
        gym.registry.update(saved)


def _make_vec(gid: str, n: int, address: str, **kwargs) -> DirpgVectorEnv:
    return gym.make_vec(gid, num_envs=n, vectorization_mode="vector_entry_point", address=address, **kwargs)


def test_register_all_registers_every_listed_id_and_make_never_warns(java):
    served = [d.env_id for d in list_environments(java)]
    ids = gym_env.register_all(java)
    assert gym_env.register_served is gym_env.register_all
    assert len(ids) == len(served) and any("JavaMiniGrid" in i for i in ids)
    # both versions of the N4-S5 twin are served; the older one is registered under a name of its own
    assert "dirpg/JavaMiniGrid-MultiRoom-N4-S5-legacy-v0" in ids and "dirpg/JavaMiniGrid-MultiRoom-N4-S5-v1" in ids
    assert gym.spec("dirpg/JavaMiniGrid-MultiRoom-N4-S5-legacy-v0").kwargs["env_id"] == "JavaMiniGrid-MultiRoom-N4-S5-v0"
    assert {gym_env.gym_id(e) for e in gym_env.JAVA_NATIVE_ENVS} <= set(ids)  # those registered at import
    for gid in ids:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any warning fails the make
            gym.make(gid).close()
            gym.make_vec(gid, num_envs=2, vectorization_mode="vector_entry_point").close()
    legacy = gym.make("dirpg/JavaMiniGrid-MultiRoom-N4-S5-legacy-v0")
    assert legacy.unwrapped.env_id == "JavaMiniGrid-MultiRoom-N4-S5-v0"
    legacy.close()


def test_an_id_the_server_does_not_serve_fails_in_one_line_listing_what_it_serves(java):
    gym_env.register("NotServed-v0", java)
    for make in (lambda: gym.make("dirpg/NotServed-v0"), lambda: _make_vec("dirpg/NotServed-v0", 2, java)):
        with pytest.raises(EnvNotServedError) as err:
            make()
        message = str(err.value)
        assert "\n" not in message and "does not serve 'NotServed-v0'" in message, message
        assert "'DeepSea-v0' (dirpg/DeepSea-v0)" in message
        assert "(dirpg/JavaMiniGrid-MultiRoom-N4-S5-legacy-v0)" in message
    del gym.registry["dirpg/NotServed-v0"]


def test_make_vec_gives_a_vector_env_with_batched_spaces_and_info(java):
    env = _make_vec("dirpg/JavaMiniGrid-MultiRoom-N2-S4-v0", 3, java)
    assert isinstance(env, VectorEnv) and isinstance(env, DirpgVectorEnv)
    assert env.metadata["autoreset_mode"] == AutoresetMode.SAME_STEP
    single = DirpgEnv("JavaMiniGrid-MultiRoom-N2-S4-v0", java)
    assert env.single_observation_space == single.observation_space
    assert env.single_action_space == single.action_space
    obs, info = env.reset(seed=1)
    assert set(obs) == {"image", "direction"} and obs["image"].shape == (3, 7, 7, 3)
    assert obs["image"].dtype == np.uint8 and obs["direction"].dtype == np.int64
    assert obs in env.observation_space
    assert info["action_mask"].shape == (3, 7) and info["action_mask"].dtype == np.int8 and info["_action_mask"].all()
    for _ in range(40):
        obs, rewards, terminated, truncated, info = env.step(env.action_space.sample())
        assert obs in env.observation_space and rewards.dtype == np.float64 and rewards.shape == (3,)
        assert terminated.dtype == np.bool_ and truncated.dtype == np.bool_
        assert (info["action_mask"] == env.action_masks()).all()
    env.close(), single.close()


def _step_singles(singles, actions):
    out = []
    for env, a in zip(singles, actions):
        obs, r, te, tr, info = env.step(int(a))
        final = None
        if te or tr:
            final = (obs, info)
            obs, info = env.reset()
        out.append((obs, r, te, tr, info, final))
    return out


def _obs_equal(a, b) -> bool:
    if isinstance(a, dict):
        return all(np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in a)
    return np.array_equal(np.asarray(a), np.asarray(b))


def _sub(obs, i):
    return {k: v[i] for k, v in obs.items()} if isinstance(obs, dict) else obs[i]


@pytest.mark.parametrize("env_id", JAVA_CASES)
def test_the_vector_env_steps_as_n_single_envs_with_the_same_actions(java, env_id):
    """Sub-env i is DirpgEnv.reset(seed=s + i) then unseeded resets: the same observations, rewards, ends, masks,
    final observations and tokens under the same actions (unmasked random ones: illegal actions end episodes too)."""
    _same_as_single_envs(java, env_id, steps=60)


def test_on_the_python_env_server_too(plain_server):
    """The same with MiniGrid itself behind the Python env server (its StepBatch takes reset items as well)."""
    _same_as_single_envs(plain_server.address, "MiniGrid-DoorKey-6x6-v0", steps=30)


def _same_as_single_envs(java: str, env_id: str, steps: int):
    n, seed = 4, 11
    vec = DirpgVectorEnv(n, env_id, java)
    singles = [DirpgEnv(env_id, java) for _ in range(n)]
    obs, info = vec.reset(seed=seed)
    starts = [s.reset(seed=seed + i) for i, s in enumerate(singles)]
    for i, (o, inf) in enumerate(starts):
        assert _obs_equal(_sub(obs, i), o) and info["state_token"][i] == inf["state_token"]
    rng = np.random.default_rng(3)
    ends = 0
    for _ in range(steps):
        actions = rng.integers(0, vec.single_action_space.n, n)
        obs, rewards, terminated, truncated, info = vec.step(actions)
        expected = _step_singles(singles, actions)
        for i, (o, r, te, tr, inf, final) in enumerate(expected):
            assert _obs_equal(_sub(obs, i), o), (env_id, i)
            assert (rewards[i], terminated[i], truncated[i]) == (r, te, tr)
            assert (info["action_mask"][i] == inf["action_mask"]).all() and info["state_token"][i] == inf["state_token"]
            assert bool(info.get("_final_obs", np.zeros(n, bool))[i]) == (final is not None)
            if final is not None:
                ends += 1
                assert _obs_equal(info["final_obs"][i], final[0])
                assert (info["final_info"]["action_mask"][i] == final[1]["action_mask"]).all()
                illegal = info["final_info"].get("illegal_action", np.zeros(n, bool))[i]
                assert bool(illegal) == bool(final[1].get("illegal_action", False))
    assert ends > 0 or steps < 50
    vec.close()
    for s in singles:
        s.close()


def test_one_stepbatch_call_per_step_and_the_same_run_for_the_same_seed(java):
    runs = []
    for _ in range(2):
        env = DirpgVectorEnv(8, "DeepSea-v0", java)
        calls = []
        real = env._stub.StepBatch
        env._stub.StepBatch = lambda request, **kw: calls.append(len(request.items)) or real(request, **kw)
        obs, _ = env.reset(seed=5)
        assert calls == [16]  # 8 episodes start and the 8 next ones are fetched ahead, in one call
        trace = [obs]
        rng = np.random.default_rng(0)
        for t in range(30):
            obs, rewards, terminated, _, info = env.step(rng.integers(0, 2, 8))
            trace += [obs, rewards, terminated]
        # every step is one call: 8 steps plus a reset item per episode that started in the step before
        assert len(calls) == 31 and set(calls[1:]) <= set(range(8, 17)) and max(calls) == 16, calls
        runs.append(trace)
        env.close()
    assert all(np.array_equal(a, b) for a, b in zip(*runs))


def test_reset_mask_resets_only_the_masked_sub_envs(java):
    env = DirpgVectorEnv(3, "DeepSea-v0", java)
    single = DirpgEnv("DeepSea-v0", java)
    env.reset(seed=0)
    obs, _, _, _, _ = env.step(np.array([1, 1, 1]))
    mask = np.array([False, True, False])
    after, info = env.reset(seed=[None, 7, None], options={"reset_mask": mask})
    assert info["_action_mask"].tolist() == mask.tolist()
    assert np.array_equal(after[0], obs[0]) and np.array_equal(after[2], obs[2])
    assert np.array_equal(after[1], single.reset(seed=7)[0])
    with pytest.raises(ValueError, match="reset_mask"):
        env.reset(options={"reset_mask": np.array([1, 0, 0])})
    env.close(), single.close()


def test_illegal_actions_raise_naming_the_sub_env_when_asked(java):
    env = DirpgVectorEnv(2, "CoinTree-v0", java, illegal_action="raise")
    _, info = env.reset(seed=1)
    mask = info["action_mask"][1]
    illegal, legal = int(np.argmin(mask)), int(np.argmax(mask))
    assert mask[illegal] == 0
    tokens = list(info["state_token"])
    with pytest.raises(IllegalActionError, match=f"sub-environment 1: action {illegal} is illegal"):
        env.step(np.array([legal, illegal]))
    assert env.step(np.array([legal, legal]))[4]["state_token"][0] != tokens[0]  # nothing was sent; it goes on
    with pytest.raises(ValueError, match="actions must be 2 integers"):
        env.step(np.array([0, 3]))
    env.close()


@pytest.fixture
def registry_restored():
    with registrations_restored():
        yield


def test_register_all_with_credentials_makes_ids_that_need_no_more(certs, monkeypatch, registry_restored):
    """Over TLS with a bearer token (the Python env server): the credentials given to register_all go with the ids,
    so make and make_vec of an id need nothing else; without them the listing is refused."""
    from dirpg.credentials import Credentials
    from dirpg.envclient import RemoteEnvError
    from dirpg.envserver.security import ServerTls
    from dirpg.envserver.service import EnvServer
    from dirpg.served_env import ServedEnvironment
    from conftest import KEY

    for var in ("DIRPG_TOKEN", "DIRPG_TOKEN_FILE", "DIRPG_CA_FILE", "DIRPG_CERT_FILE", "DIRPG_KEY_FILE"):
        monkeypatch.delenv(var, raising=False)
    token = "fleet-token-0123456789abcdef"
    tls = ServerTls.load(str(certs / "server.crt"), str(certs / "server.key"))
    server = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, host="localhost", port=0, tls=tls,
                       bearer_token=token).start()
    try:
        with pytest.raises(RemoteEnvError, match="UNAUTHENTICATED"):
            gym_env.register_all(server.address, ca_file=str(certs / "ca.crt"))
        assert gym_env.register_all(server.address, token=token, ca_file=str(certs / "ca.crt")) == ["dirpg/CartPole-v1"]
        credentials = gym.spec("dirpg/CartPole-v1").kwargs["credentials"]
        assert isinstance(credentials, Credentials) and token not in repr(gym.spec("dirpg/CartPole-v1"))
        env = gym.make("dirpg/CartPole-v1")
        assert env.reset(seed=0)[0].shape == (4,)
        env.close()
        venv = gym.make_vec("dirpg/CartPole-v1", num_envs=2, vectorization_mode="vector_entry_point")
        assert venv.reset(seed=0)[0].shape == (2, 4) and venv.step(np.array([0, 1]))[1].tolist() == [1.0, 1.0]
        venv.close()
    finally:
        server.stop(grace=None)
