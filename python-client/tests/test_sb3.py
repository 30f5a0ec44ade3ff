"""Stable-Baselines3 and sb3-contrib as clients of the Java server's environments (the [sb3] extra; without it these
skip, and scripts/test-sb3.sh runs them in a venv of its own): SB3's check_env on every listed env, PPO on DeepSea and
on a MiniGrid twin through dirpg.sb3.DirpgVecEnv, MaskablePPO on the spanning-tree bandit never taking an illegal
action."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest

from dirpg import gym_env, launch
from dirpg.gym_env import DirpgEnv, list_environments
from test_vector_env import registrations_restored

HAVE_SB3 = importlib.util.find_spec("stable_baselines3") is not None
HAVE_CONTRIB = importlib.util.find_spec("sb3_contrib") is not None
needs_sb3 = pytest.mark.skipif(not HAVE_SB3, reason="needs the [sb3] extra (scripts/test-sb3.sh)")


@pytest.fixture(scope="module")
def java(tmp_path_factory):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built (mvn -B -q -o package -DskipTests)")
    proc = launch.start_java_server(cwd=str(tmp_path_factory.mktemp("java-sb3")))
    with registrations_restored():
        gym_env.register_all(proc.address)
        yield proc.address
    proc.stop()


@pytest.mark.skipif(HAVE_SB3, reason="checks the message shown without the [sb3] extra")
def test_without_sb3_the_import_names_the_extra():
    with pytest.raises(ImportError, match=r"pip install 'dirpg\[sb3\]'"):
        import dirpg.sb3  # noqa: F401


@needs_sb3
def test_sb3_check_env_passes_on_every_listed_env(java):
    from stable_baselines3.common.env_checker import check_env

    served = [d.env_id for d in list_environments(java)]
    assert len(served) >= 8 and any(e.startswith("JavaMiniGrid-") for e in served)
    for env_id in served:
        env = DirpgEnv(env_id, java)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_env(env, warn=True, skip_render_check=True)
        # the one thing SB3 may say of a twin: its 7x7 image is smaller than its CNN's minimum (hence FlatDictExtractor)
        said = [str(w.message) for w in caught if "36x36" not in str(w.message)]
        print(env_id, "check_env warnings:", said or "none", f"(+{len(caught) - len(said)} on the image size)")
        assert not said, f"{env_id}: {said}"
        env.close()


@needs_sb3
def test_ppo_learns_on_deepsea_through_the_vector_env(java):
    """Random play on 5x5 DeepSea pays about -0.45 per episode (each right step off the corner path costs 1/3); the
    best policies (all left, or all right to the N(1, 1) corner draw) have mean 0. PPO moves towards them."""
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecMonitor

    from dirpg.sb3 import DirpgVecEnv

    venv = VecMonitor(DirpgVecEnv.make("dirpg/DeepSea-v0", 8))
    model = PPO("MlpPolicy", venv, n_steps=64, batch_size=128, learning_rate=3e-3, ent_coef=0.0, seed=0, device="cpu")
    model.learn(total_timesteps=512)
    first = [e["r"] for e in model.ep_info_buffer]
    model.learn(total_timesteps=8192, reset_num_timesteps=False)
    last = [e["r"] for e in model.ep_info_buffer]
    lengths = {e["l"] for e in model.ep_info_buffer}
    print(f"PPO DeepSea: {model.num_timesteps} steps; mean return of the first {len(first)} episodes "
          f"{np.mean(first):.3f}, of the last {len(last)} {np.mean(last):.3f}; episode lengths {lengths}")
    assert model.num_timesteps == 512 + 8192
    assert lengths == {4}  # every episode of 5x5 DeepSea is 4 steps: the autoreset cuts nowhere else
    actions, _ = model.predict(venv.reset(), deterministic=True)
    assert actions.shape == (8,) and set(actions.tolist()) <= {0, 1}
    assert np.mean(last) > np.mean(first) + 0.1 and np.mean(last) > -0.25
    venv.close()


@needs_sb3
def test_ppo_runs_on_a_minigrid_twin_with_dict_observations(java):
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecMonitor

    from dirpg.sb3 import DirpgVecEnv, FlatDictExtractor

    venv = VecMonitor(DirpgVecEnv.make("dirpg/JavaMiniGrid-MultiRoom-N2-S4-v0", 4))
    model = PPO("MultiInputPolicy", venv, n_steps=128, batch_size=128, seed=0, device="cpu",
                policy_kwargs={"features_extractor_class": FlatDictExtractor})
    model.learn(total_timesteps=2048)
    episodes = list(model.ep_info_buffer)
    print(f"PPO JavaMiniGrid-MultiRoom-N2-S4-v0: {model.num_timesteps} steps, {len(episodes)} episodes, "
          f"mean length {np.mean([e['l'] for e in episodes]):.1f}, mean return {np.mean([e['r'] for e in episodes]):.3f}")
    assert model.num_timesteps == 2048
    assert model.policy.features_extractor.features_dim == 7 * 7 * 3 + 4
    obs = venv.reset()
    assert obs["image"].shape == (4, 7, 7, 3) and obs["direction"].shape == (4,)
    actions, _ = model.predict(obs)
    assert actions.shape == (4,) and ((0 <= actions) & (actions < 7)).all()
    assert episodes and all(1 <= e["l"] <= 80 for e in episodes)  # N2-S4: 20 steps per room, 2 rooms
    venv.close()


def _count_illegal(model_class, java, steps: int):
    from stable_baselines3.common.callbacks import BaseCallback

    from dirpg.sb3 import DirpgVecEnv

    class Illegal(BaseCallback):
        count = 0
        episodes = 0

        def _on_step(self) -> bool:
            for info in self.locals["infos"]:
                self.count += bool(info.get("illegal_action", False))
                self.episodes += "terminal_observation" in info
            return True

    venv = DirpgVecEnv.make("dirpg/SpanningTreeBandit-v0", 4)
    model = model_class("MlpPolicy", venv, n_steps=128, batch_size=128, seed=0, device="cpu")
    callback = Illegal()
    model.learn(total_timesteps=steps, callback=callback)
    venv.close()
    return model, callback


@needs_sb3
@pytest.mark.skipif(not HAVE_CONTRIB, reason="needs sb3-contrib (the [sb3] extra)")
def test_maskable_ppo_never_takes_an_illegal_action_on_the_spanning_tree_bandit(java):
    from sb3_contrib import MaskablePPO
    from stable_baselines3 import PPO

    masked, seen = _count_illegal(MaskablePPO, java, 2048)
    _, unmasked = _count_illegal(PPO, java, 2048)  # the control: without the masks, illegal actions happen
    print(f"MaskablePPO: {masked.num_timesteps} steps, {seen.episodes} episodes, {seen.count} illegal actions; "
          f"PPO without masks: {unmasked.episodes} episodes, {unmasked.count} ended by an illegal action")
    assert masked.num_timesteps == 2048 and seen.episodes > 0
    assert seen.count == 0
    assert unmasked.count > 0
