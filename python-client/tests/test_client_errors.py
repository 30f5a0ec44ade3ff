"""The Python clients' errors say what is wrong and what would be right, in one line: no server at the address, the
wrong service at it, a setting of the wrong type (naming the field), the command line's spellings; a closed pipe
ends dirpg-py quietly; a user's env served as "module:Name-v0" is also found as "Name-v0"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dirpg import launch
from dirpg.envclient import RemoteEnv
from dirpg.envserver.service import EnvServer
from dirpg.errors import Unavailable, Unimplemented
from dirpg.served_env import ServedEnvironment
from dirpg.trainer_client import TrainerClient, build_spec
from conftest import free_port, KEY

DIRPG_PY = str(Path(sys.executable).parent / "dirpg-py")



@pytest.fixture(scope="module")
def envserver():
    server = EnvServer({"gymnasium.envs.classic_control:CartPole-v1":
                        ServedEnvironment("gymnasium.envs.classic_control:CartPole-v1", key=KEY)},
                       host="127.0.0.1", port=0, seed=1).start()
    yield server
    server.stop(grace=None)


def test_trainer_client_without_a_server_gives_the_hint():
    address = f"127.0.0.1:{free_port()}"
    with TrainerClient(address, timeout=5) as client:
        with pytest.raises(Unavailable) as e:
            client.list_runs()
    message = str(e.value)
    assert f"no DirPG server answers at {address}" in message and "java -jar target/dirpg.jar serve" in message
    assert "\n" not in message and message.count("no DirPG server answers") == 1 and "give ca_file=" in message


def test_trainer_client_at_an_env_server_names_the_wrong_service(envserver):
    with TrainerClient(envserver.address, timeout=5) as client:
        with pytest.raises(Unimplemented, match=rf"{envserver.address} answers gRPC but is not a DirPG trainer .*"
                                                r"'dirpg-py envs ADDRESS' lists them"):
            client.list_runs()


def test_dirpg_py_runs_at_an_env_server_is_one_line(envserver):
    result = subprocess.run([DIRPG_PY, "runs", "list", "--address", envserver.address], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "is not a DirPG trainer" in result.stderr
    assert "Method not found" in result.stderr  # the server's own words stay, after what would be right


def test_settings_of_the_wrong_type_name_the_field():
    with pytest.raises(TypeError, match=r"^learning_rate: must be a number, got '0.1' \(str\)$"):
        build_spec("DeepSea-v0", learning_rate="0.1")
    with pytest.raises(TypeError, match=r"^budget: must be an integer, got 100.5 \(float\)$"):
        build_spec("DeepSea-v0", budget=100.5)
    with pytest.raises(TypeError, match=r"^early_stop: must be True or False, got 'no' \(str\)$"):
        build_spec("DeepSea-v0", early_stop="no")
    with pytest.raises(TypeError, match=r"^budget: must be an integer, got True \(bool\)$"):
        build_spec("DeepSea-v0", budget=True)
    assert build_spec("DeepSea-v0", learning_rate=1, budget=7).learning_rate == 1.0


def test_the_command_lines_spellings_are_taken_and_used_in_errors():
    assert build_spec("DeepSea-v0", lr=0.25).learning_rate == 0.25  # the Java CLI's --lr
    with pytest.raises(TypeError, match="lr and learning_rate are one setting"):
        build_spec("DeepSea-v0", lr=0.1, learning_rate=0.2)
    with pytest.raises(ValueError, match=r"algorithm 'ppo' unknown; use one of \['dirpg', 'reinforce', "
                                         r"'reinforce-rtg'"):
        build_spec("DeepSea-v0", algorithm="ppo")


def test_a_closed_pipe_ends_dirpg_py_quietly(tmp_path):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built")
    server = launch.start_java_server(cwd=str(tmp_path))
    try:
        with TrainerClient(server.address) as client:
            run = client.create_run("DeepSea-v0", updates=20_000, budget=20)
            list(client.watch(run.run_id))
        # 20,000 JSON lines are far more than a pipe holds, so dirpg-py writes into a closed pipe
        result = subprocess.run(f"'{DIRPG_PY}' runs watch {run.run_id} --address {server.address} | head -1",
                                shell=True, capture_output=True, text=True, timeout=120,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert result.returncode == 0
        assert result.stdout.count("\n") == 1
        assert result.stderr == "", result.stderr
    finally:
        server.stop()


def test_a_module_prefixed_env_is_found_without_its_prefix(envserver):
    for env_id in ("gymnasium.envs.classic_control:CartPole-v1", "CartPole-v1"):
        remote = RemoteEnv(envserver.address, env_id)
        try:
            assert remote.reset(seed=3).observation["obs"].shape == (4,)
        finally:
            remote.close()
