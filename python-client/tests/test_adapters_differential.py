"""Every snapshot format against the env itself: random and branching action sequences stepped from state tokens
(restore, step, capture, sign) equal the same sequences stepped live and on deep copies, in observation bytes,
reward, terminated and truncated.

CI's slice: ``DIRPG_DIFF_SEEDS`` (default 200) action-sequence seeds per family, ``DIRPG_DIFF_STEPS`` (default 20)
steps each, every step branched with probability 0.3 (the other action from the same token, against a deep copy of
the live env). ``scripts/differential-families.sh`` runs the full set (every registered MiniGrid and BabyAI id whose
dependencies are installed: not the WFC ones, which need minigrid[wfc]; 2,000 seeds of 100 steps). Atari envs cannot be deep-copied (ale-py's AtariEnv pickles by re-creating itself), so
their branches are checked against ALE's in-memory ``cloneState``/``restoreState`` on the live env; and because an
ALE reset with a seed reloads the ROM (~0.15 s), a new Atari episode starts every 25th sequence seed, the others
continuing the episode where the last one stopped.
"""

from __future__ import annotations

import copy
import os

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

import family_envs  # noqa: F401  (registers the suite's own envs)
from conftest import KEY
from dirpg.served_env import ServedEnvironment

SEEDS = int(os.environ.get("DIRPG_DIFF_SEEDS", "200"))
STEPS = int(os.environ.get("DIRPG_DIFF_STEPS", "20"))
FULL = os.environ.get("DIRPG_DIFF_FULL") == "1"

MINIGRID_SLICE = [
    "MiniGrid-DoorKey-5x5-v0", "MiniGrid-KeyCorridorS3R1-v0", "MiniGrid-Dynamic-Obstacles-6x6-v0",
    "MiniGrid-LavaGapS5-v0", "MiniGrid-MultiRoom-N2-S4-v0", "MiniGrid-UnlockPickup-v0",
    "MiniGrid-BlockedUnlockPickup-v0", "MiniGrid-PutNear-6x6-N2-v0", "MiniGrid-ObstructedMaze-1Dlhb-v0",
    "MiniGrid-Fetch-5x5-N2-v0", "MiniGrid-MemoryS7-v0", "MiniGrid-GoToDoor-5x5-v0", "MiniGrid-RedBlueDoors-6x6-v0",
    "MiniGrid-DistShift1-v0", "MiniGrid-LockedRoom-v0", "MiniGrid-Dynamic-Obstacles-Random-5x5-v0",
    "BabyAI-GoToLocal-v0", "BabyAI-PickupLoc-v0", "BabyAI-UnlockToUnlock-v0", "BabyAI-PutNextLocal-v0",
]


def _makeable(env_id: str) -> bool:
    """False for ids whose optional dependencies are not installed (MiniGrid's WFC envs need minigrid[wfc])."""
    try:
        gym.make(env_id, disable_env_checker=True).close()
    except gym.error.DependencyNotInstalled:
        return False
    return True


def _minigrid_ids() -> list[str]:
    if not FULL:
        return MINIGRID_SLICE
    return sorted(k for k in gym.registry if k.startswith(("MiniGrid-", "BabyAI-")) and _makeable(k))


FAMILIES = {
    "classic-control": ["CartPole-v1", "Acrobot-v1", "MountainCar-v0"],
    "toy-text": ["FrozenLake-v1", "Taxi-v4", "CliffWalking-v1", "Blackjack-v1"],
    "minatar": ["MinAtar/Asterix-v1", "MinAtar/Breakout-v1", "MinAtar/Freeway-v1", "MinAtar/Seaquest-v1",
                "MinAtar/SpaceInvaders-v1"],
    "protocol": ["DirpgTest/StateProtocol-v0"],
    "pickle": ["DirpgTest/PickleOnly-v0"],
}
EXPECTED_FORMAT = {"classic-control": "classic-control attributes", "toy-text": "toy-text attributes",
                   "minatar": "MinAtar", "protocol": "StateProtocolEnv.get_state", "pickle": "whole-env pickle",
                   "minigrid": "minigrid", "atari": "ale-py"}
# Forward, pick up and toggle more often than uniform, so keys are carried, dropped and doors opened.
MINIGRID_PROBS = np.array([0.14, 0.14, 0.3, 0.14, 0.1, 0.14, 0.04])


class AtariServed(ServedEnvironment):
    """An Atari env served with the usual DQN wrappers (no-op starts, max-pooled frame skip, frame stack): their
    state travels in the token too. ALE's sticky actions are off here (a user's own wrapping cannot get
    dirpg.adapters.ale.StickyFrames, which the server's own make inserts)."""

    def _make(self):
        env = gym.make(self.env_id, disable_env_checker=True, frameskip=1, repeat_action_probability=0.0)
        return FrameStackObservation(AtariPreprocessing(env, noop_max=10, frame_skip=4, screen_size=42), 4)


_SERVED: dict[str, ServedEnvironment] = {}


def _served(env_id: str, cls=ServedEnvironment) -> ServedEnvironment:
    name = f"{cls.__name__}:{env_id}"
    if name not in _SERVED:
        _SERVED[name] = cls(env_id, key=KEY)
    return _SERVED[name]


def _assert_same(served, got, want, where):
    obs, reward, terminated, truncated = want[:4]
    tensors = served.observation_tensors(obs)
    assert [t.name for t in got.next.observation] == [t.name for t in tensors], where
    for g, w in zip(got.next.observation, tensors):
        assert g.data == w.data, f"{where}: observation '{w.name}' differs"
    assert got.reward == float(reward), f"{where}: reward {got.reward} != {reward}"
    assert (got.terminated, got.truncated) == (bool(terminated), bool(truncated)), where
    assert got.next.terminal == (bool(terminated) or bool(truncated)), where


def _branch_step(live, action):
    """The step ``action`` from the live env's state on a copy, the live env untouched."""
    u = live.unwrapped
    if type(u).__module__.startswith("ale_py"):  # see the module docstring
        ale_state = u.ale.cloneState(include_rng=True)
        rng = copy.deepcopy(u.np_random.bit_generator.state)
        saved = copy.deepcopy(_wrapper_fields(live))
        result = live.step(action)
        result = (np.array(result[0], copy=True), *result[1:])
        u.ale.restoreState(ale_state)
        u.np_random.bit_generator.state = rng
        _restore_wrapper_fields(live, saved)
        return result
    return copy.deepcopy(live).step(action)


def _wrapper_fields(env):
    out = []
    while isinstance(env, gym.Wrapper):
        out.append({k: v for k, v in vars(env).items() if k != "env"})
        env = env.env
    return out


def _restore_wrapper_fields(env, saved):
    for fields in saved:
        vars(env).update(fields)
        env = env.env


class _Line:
    """One env id's live episode and its token chain (continued across sequence seeds until it ends)."""

    def __init__(self, served, seed):
        self.live = served._make()
        obs, _ = self.live.reset(seed=seed)
        view = served.reset(seed, None)
        tensors = served.observation_tensors(obs)
        assert [t.data for t in view.observation] == [t.data for t in tensors], f"reset seed {seed}"
        self.token = view.state_token
        self.done = False


def _run(served, seed: int, lines: dict, new_episode: bool, probs=None) -> int:
    """One sequence seed: STEPS steps along the line, each branched with probability 0.3; returns steps compared."""
    rng = np.random.default_rng(10_000 + seed)
    line = lines.get(served.env_id)
    if line is None or line.done or new_episode:
        line = lines[served.env_id] = _Line(served, seed)
    legal = served.legal_actions
    compared = 0
    for t in range(STEPS):
        where = f"{served.env_id} seed {seed} t={t}"
        if probs is not None and len(probs) == len(legal):
            action = int(rng.choice(legal, p=probs))
        else:
            action = int(rng.choice(legal))
        if rng.random() < 0.3 and len(legal) > 1:
            other = int(rng.choice([a for a in legal if a != action]))
            _assert_same(served, served.step(line.token, other), _branch_step(line.live, other), where + " branch")
            compared += 1
        got = served.step(line.token, action)
        _assert_same(served, got, line.live.step(action), where)
        compared += 1
        line.token = got.next.state_token
        if got.next.terminal:
            line.done = True
            break
    return compared


def _family(ids, cls=ServedEnvironment, episode_every=1, probs=None, seeds=SEEDS):
    lines: dict = {}
    compared = 0
    for seed in range(seeds):
        served = _served(ids[seed % len(ids)], cls)
        compared += _run(served, seed, lines, new_episode=seed % episode_every == 0, probs=probs)
    return compared


@pytest.mark.parametrize("family", list(FAMILIES))
def test_family_tokens_match_live_and_deep_copies(family):
    ids = FAMILIES[family]
    for env_id in ids:
        assert EXPECTED_FORMAT[family] in _served(env_id).format, (env_id, _served(env_id).format)
    assert _family(ids) >= SEEDS  # at least one step per seed (an episode may end at once)


def test_every_minigrid_env_is_saved_compactly_and_matches():
    ids = _minigrid_ids()
    for env_id in ids:
        assert _served(env_id).format.startswith("minigrid"), env_id
    assert _family(ids, probs=MINIGRID_PROBS, seeds=max(SEEDS, len(ids))) >= SEEDS


def test_minigrid_tokens_carry_a_picked_up_key_and_an_opened_door():
    """DoorKey: a scripted solve (pick the key up, open the door, drop the key) replays token by token."""
    served = _served("MiniGrid-DoorKey-5x5-v0")
    carried = opened = False
    for seed in range(40):
        live = served._make()
        live.reset(seed=seed)
        token = served.reset(seed, None).state_token
        rng = np.random.default_rng(seed)
        for t in range(200):
            u = live.unwrapped
            front = u.grid.get(*u.front_pos)
            if front is not None and front.type == "key" and u.carrying is None:
                action = 3
            elif front is not None and front.type == "door" and not front.is_open and u.carrying is not None:
                action = 5
            elif u.carrying is not None and front is None and rng.random() < 0.05:
                action = 4
            else:
                action = int(rng.choice([0, 1, 2], p=[0.25, 0.25, 0.5]))
            got = served.step(token, action)
            _assert_same(served, got, live.step(action), f"DoorKey seed {seed} t={t}")
            carried |= u.carrying is not None
            opened |= any(c is not None and c.type == "door" and c.is_open for c in u.grid.grid)
            token = got.next.state_token
            if got.next.terminal:
                break
    assert carried and opened


def test_atari_tokens_match_live_and_ale_clones():
    ids = ["ALE/Pong-v5", "ALE/Breakout-v5"]
    for env_id in ids:
        assert _served(env_id).format.startswith("ale-py"), env_id
    assert _family(ids, episode_every=25) >= SEEDS


def test_atari_preprocessing_and_frame_stack_state_travels_in_the_token():
    served = _served("ALE/Breakout-v5", AtariServed)
    assert served.format.startswith("ale-py")
    assert [list(s.shape) for s in served.describe().observation] == [[4, 42, 42]]
    assert _family(["ALE/Breakout-v5"], AtariServed, episode_every=10, seeds=max(20, SEEDS // 10)) > 0


def test_an_env_nothing_can_save_is_refused_at_start_naming_the_protocol():
    with pytest.raises(ValueError) as e:
        ServedEnvironment("DirpgTest/Unsaveable-v0", key=KEY)
    text = str(e.value)
    assert "\n" not in text and "cannot be saved and restored" in text
    assert "pickle: the env does not pickle" in text and "implement get_state()" in text


def test_a_forced_format_that_does_not_fit_is_refused():
    with pytest.raises(ValueError, match=r"'CartPole-v1' cannot be saved and restored \(minatar: not a MinAtar env\)"):
        ServedEnvironment("CartPole-v1", key=KEY, snapshot="minatar")
    with pytest.raises(ValueError, match=r"ale-py's AtariEnv|pickle: (step|restoring)"):
        ServedEnvironment("ALE/Pong-v5", key=KEY, snapshot="pickle")


def test_minatar_takes_the_whole_64_bit_seed_range():
    """Java callers draw reset seeds from all 64 bits; MinAtar's RandomState takes 32. The served env folds the seed
    (high xor low half) and the episode is the one gym.make's env gives for the folded seed."""
    served = ServedEnvironment("MinAtar/Breakout-v1", key=KEY)
    for seed in (2**63 + 12345, 2**40 + 7, 2**64 - 1, 5):
        folded = (seed ^ (seed >> 32)) & 0xFFFF_FFFF
        view = served.reset(seed, None)
        live = gym.make("MinAtar/Breakout-v1")
        obs, _ = live.reset(seed=folded)
        assert np.frombuffer(view.observation[0].data, dtype=np.uint8).tolist() == \
            np.asarray(obs, dtype=np.uint8).ravel().tolist()
        for action in (1, 2, 0, 2, 1):
            result = served.step(view.state_token, action)
            obs, reward, terminated, truncated, _ = live.step(action)
            assert result.reward == reward and result.terminated == terminated
            assert np.frombuffer(result.next.observation[0].data, dtype=np.uint8).tolist() == \
                np.asarray(obs, dtype=np.uint8).ravel().tolist()
            view = result.next
