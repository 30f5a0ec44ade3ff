"""The server says at start which snapshot format each env's tokens use, and refuses an env nothing can save with
one line naming the protocol to implement (real server processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dirpg import launch

TESTS = str(Path(__file__).resolve().parent)


def _env() -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("DIRPG_TOKEN_KEY", "DIRPG_ADDRESS")}
    return {**clean, "PYTHONPATH": TESTS + os.pathsep + clean.get("PYTHONPATH", "")}


def test_start_reports_the_format_of_every_env():
    ids = ["Taxi-v4", "CartPole-v1", "MiniGrid-DoorKey-5x5-v0", "MinAtar/Breakout-v1",
           "family_envs:DirpgTest/StateProtocol-v0", "family_envs:DirpgTest/PickleOnly-v0"]
    args = [a for env_id in ids for a in ("--env", env_id)]
    server = launch.start(
        [sys.executable, "-m", "dirpg.envserver", *args, "--port", "0"], launch.ENVSERVER_READY, env=_env())
    try:
        lines = [line for line in server.output if "snapshot format" in line]
    finally:
        server.stop()
    assert len(lines) == len(ids), list(server.output)
    text = "\n".join(lines)
    assert "env Taxi-v4: snapshot format toy-text attributes" in text
    assert "env CartPole-v1: snapshot format classic-control attributes" in text
    assert "env MiniGrid-DoorKey-5x5-v0: snapshot format minigrid" in text
    assert "env MinAtar/Breakout-v1: snapshot format MinAtar" in text
    assert "DirpgTest/StateProtocol-v0: snapshot format StateProtocolEnv.get_state()/set_state()" in text
    assert "DirpgTest/PickleOnly-v0: snapshot format whole-env pickle (last resort)" in text


def test_an_unsaveable_env_is_refused_at_start_with_one_line_naming_the_protocol():
    result = subprocess.run([sys.executable, "-m", "dirpg.envserver", "--env", "family_envs:DirpgTest/Unsaveable-v0",
                             "--port", "0"], capture_output=True, text=True, timeout=120, env=_env())
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "cannot be saved and restored" in lines[0]
    assert "implement get_state() -> picklable value and set_state(value) on the env or a wrapper" in lines[0]
