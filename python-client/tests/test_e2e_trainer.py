"""End to end: scripts/fleet.sh starts two MiniGrid env servers sharing a key and the Java server; from Python,
DirPG runs on MultiRoom-N6 (remote fleet) and DeepSea-v0 (native): watch, act, checkpoint, stop, resume."""

from __future__ import annotations

import math
import os
import subprocess

import numpy as np
import pytest

from dirpg import launch

pytest.importorskip("dirpg.train.v1.trainer_pb2",
                    reason="no trainer stubs: proto/dirpg/train/v1 is absent or scripts/setup-python.sh not run")
from dirpg.gym_env import DirpgEnv
from dirpg.trainer_client import TrainerClient

MULTIROOM = "MiniGrid-MultiRoom-N6-v0"
MULTIROOM_ACTIONS = (0, 1, 2, 5)  # left, right, forward, toggle


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built (mvn -B -q -o package -DskipTests)")
    folder = tmp_path_factory.mktemp("fleet")
    script = str(launch.repo_root() / "scripts" / "fleet.sh")
    started = subprocess.run([script, "start", "2", "--dir", str(folder), "--",
                              "--paper-reward", "--actions", ",".join(map(str, MULTIROOM_ACTIONS))],
                             capture_output=True, text=True, timeout=180, cwd=folder,
                             env={**os.environ, "DIRPG_JAR": str(launch.java_jar())})
    assert started.returncode == 0, started.stderr + started.stdout
    values = dict(line.split("=", 1) for line in (folder / "fleet.env").read_text().split())
    yield values
    stopped = subprocess.run([script, "stop", "--dir", str(folder)], capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 0 and "fleet stopped (3 processes)" in stopped.stdout


def test_fleet_files_name_two_env_servers_and_the_trainer(fleet):
    endpoints = fleet["DIRPG_ENDPOINTS"].split(",")
    assert len(endpoints) == 2 and len(set(endpoints)) == 2 and fleet["DIRPG_ENV"] == MULTIROOM
    # The replicas share the key: a token from one steps on the other.
    a, b = DirpgEnv(MULTIROOM, endpoints[0]), DirpgEnv(MULTIROOM, endpoints[1])
    a.reset(seed=3), b.reset(seed=3)
    assert a.state_token == b.state_token
    for action in (2, 1, 2, 5):
        a.step(action), b.step(action)
        assert a.state_token == b.state_token
    a.close(), b.close()


def test_remote_dirpg_run_on_multiroom(fleet):
    endpoints = fleet["DIRPG_ENDPOINTS"].split(",")
    with TrainerClient(fleet["DIRPG_TRAINER"]) as client:
        run = client.create_run(MULTIROOM, endpoints=endpoints, algorithm="dirpg", budget=200, updates=3, seed=0)
        assert run.spec["remote_environment"]["endpoints"] == endpoints
        metrics = list(client.watch(run.run_id, timeout=120))
        assert [m.update for m in metrics] == [0, 1, 2]
        assert all(0 < m.search_interactions <= 200 and m.d_dir >= m.d_opt for m in metrics)
        assert client.get_run(run.run_id).state == "SUCCEEDED"
        # Act on a batch of real observations, served by the same fleet.
        env = DirpgEnv(MULTIROOM, endpoints[0])
        batch, masks = [], []
        for seed in range(8):
            obs, info = env.reset(seed=seed)
            batch.append(env.features(obs))
            masks.append(info["legal_actions"])
        env.close()
        acted = client.act(run.run_id, np.stack(batch), masks, seed=11)
        assert set(acted.actions.tolist()) <= set(MULTIROOM_ACTIONS) and acted.policy_updates == 3
        illegal = [a for a in range(7) if a not in MULTIROOM_ACTIONS]
        assert np.isneginf(acted.log_probs[:, illegal]).all()
        assert np.allclose(np.logaddexp.reduce(acted.log_probs, axis=1), 0.0, atol=1e-9)
        checkpoint = client.save_checkpoint(run.run_id)
        assert checkpoint.updates_done == 3
        resumed = client.resume(checkpoint, client.get_run(run.run_id).spec, updates=4)
        assert resumed.resumed_from_update == 3
        assert [m.update for m in client.watch(resumed.run_id, timeout=120)] == [3]


def test_native_deepsea_run_watch_act_checkpoint_stop_resume(fleet):
    with TrainerClient(fleet["DIRPG_TRAINER"]) as client:
        run = client.create_run("DeepSea-v0", budget=30, updates=1_000_000, seed=4)
        seen = []
        for m in client.watch(run.run_id):
            seen.append(m)
            if len(seen) == 5:
                break  # several updates arrived live
        assert [m.update for m in seen] == list(range(5))
        acted = client.act(run.run_id, np.eye(25)[[0, 6, 12]], greedy=True)
        assert acted.policy_updates >= 5 and acted.actions.shape == (3,)
        assert np.allclose(np.logaddexp.reduce(acted.log_probs, axis=1), 0.0, atol=1e-9)
        checkpoint = client.save_checkpoint(run.run_id)
        stopped = client.stop_run(run.run_id)
        list(client.watch(run.run_id, from_update=checkpoint.updates_done))  # completes once the run has ended
        final = client.get_run(run.run_id)
        assert stopped.run_id == run.run_id and final.state == "STOPPED"
        assert checkpoint.updates_done <= final.updates_done < 1_000_000
        resumed = client.resume(checkpoint, final.spec, updates=checkpoint.updates_done + 2)
        numbers = [m.update for m in client.watch(resumed.run_id)]
        assert numbers == [checkpoint.updates_done, checkpoint.updates_done + 1]
        assert math.isfinite(client.get_run(resumed.run_id).latest_metrics.update_return)
