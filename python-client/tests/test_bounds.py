"""The bound hook (dirpg.bounds) over real gRPC: an env of the suite's own supplies upper and lower bounds and a
heuristic, which hold on random rollouts; the generic spec bound; bad hook values are INTERNAL errors."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import grpc
import numpy as np
import pytest

import family_envs  # noqa: F401
from conftest import KEY, serve
from dirpg import launch
from dirpg.env.v1 import environment_pb2 as pb
from dirpg.envclient import RemoteEnv, RemoteEnvError
from dirpg.served_env import ServedEnvironment

WALK = "DirpgTest/BoundedWalk-v0"


class _NanBound(family_envs.BoundedWalkEnv):
    def return_to_go_upper_bound(self) -> float:
        return float("nan") if self.t >= 2 else 1.0


import gymnasium as gym  # noqa: E402

gym.register("DirpgTest/NanBound-v0", entry_point=_NanBound)


@pytest.fixture(scope="module")
def server():
    s = serve([ServedEnvironment(WALK, key=KEY), ServedEnvironment("FrozenLake-v1", key=KEY, spec_bound=True),
               ServedEnvironment("DirpgTest/NanBound-v0", key=KEY),
               ServedEnvironment("DirpgTest/PickleOnly-v0", key=KEY)])
    yield s
    s.stop(grace=None)


def _view(remote: RemoteEnv, token: bytes, action: int) -> pb.StepResult:
    return remote._call(remote._stub.StepBatch, pb.StepBatchRequest(
        env_id=remote.env_id, items=[pb.StepItem(state_token=token, action=action)])).results[0]


def test_hook_bounds_hold_on_random_rollouts(server):
    remote = RemoteEnv(server.address, WALK)
    assert remote.description.provides_bound
    rng = np.random.default_rng(0)
    checked = 0
    for seed in range(40):
        view = remote._call(remote._stub.ResetEnvironment, pb.ResetEnvironmentRequest(env_id=WALK, seed=seed)).state
        path = [view]
        rewards = []
        while not path[-1].terminal:
            result = _view(remote, path[-1].state_token, int(rng.integers(3)))
            rewards.append(result.reward)
            path.append(result.next)
        for i, v in enumerate(path[:-1]):
            assert v.HasField("return_to_go_upper_bound") and v.HasField("return_to_go_lower_bound")
            assert v.HasField("return_to_go_heuristic")
            rtg = sum(rewards[i:])
            assert v.return_to_go_lower_bound - 1e-9 <= rtg <= v.return_to_go_upper_bound + 1e-9, (seed, i)
            assert v.return_to_go_heuristic == pytest.approx(0.5 * v.return_to_go_upper_bound)
            checked += 1
        assert path[-1].return_to_go_upper_bound == 0.0
    assert checked > 200


def test_spec_bound_is_reward_range_times_steps_left(server):
    remote = RemoteEnv(server.address, "FrozenLake-v1")
    assert remote.description.provides_bound and remote.description.max_episode_steps == 100
    state = remote.reset(3)
    assert (state.upper_bound, state.lower_bound) == (100.0, 0.0)
    step = remote.step(state.token, 1)
    if not step.next.terminal:
        assert step.next.upper_bound == 99.0


def test_env_without_bounds_sends_none(server):
    remote = RemoteEnv(server.address, "DirpgTest/PickleOnly-v0")
    assert not remote.description.provides_bound
    state = remote.reset(1)
    assert state.upper_bound is None and state.lower_bound is None


def test_a_nan_bound_is_internal_naming_the_env_and_the_method(server):
    remote = RemoteEnv(server.address, "DirpgTest/NanBound-v0")
    token = remote.reset(0).token
    token = remote.step(token, 1).next.token
    with pytest.raises(RemoteEnvError) as e:
        remote.step(token, 1)
    assert e.value.code == grpc.StatusCode.INTERNAL
    assert "'DirpgTest/NanBound-v0'" in e.value.message and "return_to_go_upper_bound() returned nan" in e.value.message


def test_spec_bound_refused_without_a_finite_reward_range():
    with pytest.raises(ValueError, match=r"--spec-bound needs a finite max step reward and an episode limit; env "
                                         r"'CartPole-v1' has reward range \[-inf, inf\]"):
        ServedEnvironment("CartPole-v1", key=KEY, spec_bound=True)
    with pytest.raises(ValueError, match="supplies its own return_to_go_upper_bound"):
        ServedEnvironment(WALK, key=KEY, spec_bound=True)
    assert math.isinf(ServedEnvironment("CartPole-v1", key=KEY).max_reward)


def _java_train(address: str, env_id: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(["java", "-jar", str(launch.java_jar()), "train", "--remote", address, "--env", env_id,
                           "--priority", "astar", "--alpha", "0.5", "--budget", "60", "-n", "6", "--seed", "3"],
                          capture_output=True, text=True, timeout=180, cwd=str(cwd),
                          env={**os.environ, "OMP_NUM_THREADS": "1"})


def test_java_astar_search_runs_on_the_hook_bound_and_refuses_an_env_without_one(tmp_path):
    """The built jar trains DirPG with the A* priority (alpha 0.5, which needs U) over the env server: on the
    suite's bounded env it runs; on an env without the hook the Java side refuses, naming the missing bound."""
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built (mvn -B -q -o package -DskipTests)")
    tests = str(Path(__file__).resolve().parent)
    server = launch.start([sys.executable, "-m", "dirpg.envserver", "--port", "0",
                           "--env", f"family_envs:{WALK}", "--env", "family_envs:DirpgTest/PickleOnly-v0"],
                          launch.ENVSERVER_READY, env={"PYTHONPATH": tests})
    try:
        bounded = _java_train(server.address, f"family_envs:{WALK}", tmp_path)
        assert bounded.returncode == 0, bounded.stderr + bounded.stdout
        summary = [line for line in bounded.stdout.splitlines() if line.startswith("dirpg on ")]
        assert summary and "6 updates" in summary[0], bounded.stdout
        unbounded = _java_train(server.address, "family_envs:DirpgTest/PickleOnly-v0", tmp_path)
        assert unbounded.returncode != 0
        assert "needs a finite upper bound on the return-to-go" in unbounded.stdout + unbounded.stderr
    finally:
        server.stop()
