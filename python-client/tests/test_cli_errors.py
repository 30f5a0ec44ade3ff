"""Command lines fail with one line that says what is wrong and what would be right, never a stack trace; a busy
port is refused instead of shared; ``dirpg-py envs`` takes the address as a word or as --address."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dirpg import launch
from dirpg.envclient import RemoteEnv
from dirpg.envserver.service import EnvServer
from dirpg.served_env import ServedEnvironment
from conftest import free_port, KEY, MULTIROOM

SMALL_MULTIROOM = "MiniGrid-MultiRoom-N2-S4-v0"
DIRPG_PY = str(Path(sys.executable).parent / "dirpg-py")  # the installed console script


def _run(command: list[str], env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DIRPG_TOKEN_KEY", "DIRPG_ADDRESS")}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env={**clean, **(env or {})})


def _envserver(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "dirpg.envserver", *args], env)


def _one_line_failure(result: subprocess.CompletedProcess, prog: str, *fragments: str) -> str:
    """Asserts a failed run: status 1, nothing on stdout, exactly one stderr line holding ``fragments``."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{prog}: ")
    assert "Traceback" not in result.stderr and "Exception" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], f"'{fragment}' not in '{lines[0]}'"
    return lines[0]



@pytest.fixture(scope="module")
def envserver():
    """A real env server process: two MultiRooms with the paper's reward (and bound) and 4 legal actions."""
    server = launch.start_envserver("--env", MULTIROOM, "--env", SMALL_MULTIROOM, "--paper-reward",
                                    "--actions", "0,1,2,5", key=KEY.decode())
    yield server
    server.stop()


def test_a_second_server_on_a_busy_port_exits_with_one_line_and_the_first_keeps_every_step(envserver):
    port = int(envserver.address.rsplit(":", 1)[1])
    second = _envserver("--env", MULTIROOM, "--port", str(port), env={"DIRPG_TOKEN_KEY": "another-key-0123456789"})
    _one_line_failure(second, "python -m dirpg.envserver", f"port {port} on 127.0.0.1 is already in use",
                      "choose another port")
    # The first server alone answers: every token it signs steps (a shared port failed 7 of 10 HMAC checks).
    with RemoteEnv(envserver.address, MULTIROOM) as remote:
        tokens = [remote.reset(seed).token for seed in range(10)]
        assert len(remote.step_batch(tokens, [2] * 10)) == 10
        for token in tokens:
            remote.step(token, 1)


def test_env_server_socket_does_not_allow_port_sharing():
    """grpc.so_reuseport=0: even a socket asking for SO_REUSEPORT cannot bind the server's port (the race the
    startup probe cannot close)."""
    server = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, port=0).start()
    try:
        with socket.socket() as intruder:
            intruder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            intruder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            with pytest.raises(OSError, match="in use"):
                intruder.bind(("127.0.0.1", server.port))
    finally:
        server.stop(grace=None)


def test_unknown_env_id_is_one_line_naming_the_id_and_a_valid_form():
    # No key given on purpose: the random-key warning must not add a line to a failed start.
    result = _envserver("--env", "MiniGrid-MultiRom-N6-v0", "--port", "0")
    _one_line_failure(result, "python -m dirpg.envserver", "unknown env id 'MiniGrid-MultiRom-N6-v0'",
                      "Did you mean: `MiniGrid-MultiRoom-N6`?", "registered Gymnasium id")


def test_verbose_shows_the_stack_trace():
    result = _envserver("--env", "NoSuch-v0", "--port", "0", "--verbose")
    assert result.returncode == 1 and "Traceback" in result.stderr and "unknown env id 'NoSuch-v0'" in result.stderr


@pytest.mark.parametrize("content, fragments", [
    (None, ["token key file", "does not exist", "at least 16 bytes"]),
    (b"", ["token key file", "is empty", "at least 16 bytes"]),
    (b"short\n", ["token key file", "holds 5 bytes", "at least 16"]),
], ids=["missing", "empty", "short"])
def test_bad_token_key_file_is_one_line(tmp_path, content, fragments):
    key_file = tmp_path / "token_key"
    if content is not None:
        key_file.write_bytes(content)
    result = _envserver("--env", "CartPole-v1", "--port", "0", "--token-key-file", str(key_file))
    line = _one_line_failure(result, "python -m dirpg.envserver", *fragments)
    assert f"'{key_file}'" in line


def test_dirpg_py_against_an_unreachable_address_is_one_line():
    address = f"127.0.0.1:{free_port()}"
    for command in (["envs", address], ["runs", "list", "--address", address]):
        result = _run([DIRPG_PY, *command])
        _one_line_failure(result, "dirpg-py", f"no DirPG server answers at {address}", "Connection refused",
                          "HOST:PORT of a running server")


def test_dirpg_py_envs_takes_the_address_as_a_word_or_as_an_option(envserver):
    address = envserver.address
    forms = [["envs", address], ["envs", "list", address], ["envs", "list", "--address", address],
             ["envs", "--address", address]]
    outputs = []
    for form in forms:
        result = _run([DIRPG_PY, *form])
        assert result.returncode == 0 and result.stderr == "", (form, result.stderr)
        outputs.append(result.stdout)
    via_env = _run([DIRPG_PY, "envs"], env={"DIRPG_ADDRESS": address})
    assert via_env.returncode == 0
    assert all(out == outputs[0] for out in outputs + [via_env.stdout])

    listed = {d["env_id"]: d for d in map(json.loads, outputs[0].splitlines())}
    assert sorted(listed) == sorted([MULTIROOM, SMALL_MULTIROOM])
    for env_id, summary in listed.items():
        with RemoteEnv(address, env_id) as remote:  # every figure equals the server's own description
            d = remote.description
        assert summary == {"env_id": env_id, "num_actions": 7,
                           "observation": [{"name": "image", "shape": [7, 7, 3], "dtype": "uint8"},
                                           {"name": "direction", "shape": [], "dtype": "int64"}],
                           "provides_bound": True, "min_reward": d.min_reward, "max_reward": d.max_reward}
        assert summary["max_reward"] >= 100  # the paper's goal reward

    clash = _run([DIRPG_PY, "envs", address, "--address", "127.0.0.1:1"])
    assert clash.returncode == 2 and "two addresses" in clash.stderr
