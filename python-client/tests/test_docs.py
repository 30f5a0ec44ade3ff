"""The documentation site builds with ``mkdocs build --strict`` (a broken link, a missing page or a bad anchor fails);
the protocol page is what scripts/gen-protocol-docs.py writes from the protos; and the pages' commands run:
every Python block of getting-started-python.md against a real trainer and a real env server, and the FrozenLake
commands of your-environment.md."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from dirpg import launch
from dirpg.envserver.service import EnvServer
from dirpg.served_env import ServedEnvironment
from conftest import free_port, KEY

ROOT = launch.repo_root()


def _blocks(page: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", (ROOT / "docs" / page).read_text(), flags=re.S)



def test_site_builds_strict(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                             "-d", str(tmp_path / "site")], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    for page in ("getting-started-python", "getting-started-java", "your-environment", "protocols", "operations",
                 "results"):
        assert (tmp_path / "site" / page / "index.html").is_file(), page


def test_protocol_page_is_generated_from_the_protos():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen-protocol-docs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    page = (ROOT / "docs" / "protocols.md").read_text()
    for rpc in ("StepBatch", "ResetEnvironment", "CreateRun", "StreamMetrics", "Act"):
        assert f"| `{rpc}` |" in page


def test_getting_started_python_blocks_run(tmp_path):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built")
    blocks = _blocks("getting-started-python.md", "python")
    assert len(blocks) == 3
    trainer = launch.start_java_server(cwd=str(tmp_path))
    envs = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, host="127.0.0.1", port=0,
                     seed=0).start()
    try:
        code = "\n".join(blocks).replace("127.0.0.1:50051", trainer.address).replace("127.0.0.1:50062",
                                                                                      envs.address)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                                cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-3000:]
        lines = result.stdout.splitlines()
        assert lines[0].startswith("SUCCEEDED 1999 ")
        assert lines[1].startswith("SUCCEEDED ")
        assert lines[2].startswith("dirpg policy: net on DeepSea-v0")
    finally:
        envs.stop(grace=None)
        trainer.stop()


def test_your_environment_frozenlake_commands_run(tmp_path):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built")
    lines = [line for line in _blocks("your-environment.md", "bash")[0].splitlines() if line.strip()]
    serve, train = lines[1], lines[2]
    assert serve.endswith("--env FrozenLake-v1 --port 50062 &") and train.startswith("java -jar target/dirpg.jar train")
    port = str(free_port())
    server = launch.start([sys.executable, "-m", "dirpg.envserver", "--env", "FrozenLake-v1", "--port", port],
                          launch.ENVSERVER_READY, {}, 60)
    try:
        args = train.replace("50062", port).split()[3:]
        result = subprocess.run(["java", "-jar", str(launch.java_jar()), *args, "--out", str(tmp_path / "run")],
                                capture_output=True, text=True, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1"})
        assert result.returncode == 0, result.stderr[-3000:]
        assert "policy: mlp (obs one-hot 16) -> 64 tanh -> 64 tanh -> 4 logits, 5,508 parameters" in result.stderr
        assert "dirpg on FrozenLake-v1: 20 updates" in result.stdout
    finally:
        server.stop()
