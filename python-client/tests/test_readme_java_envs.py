"""The README section "Java environments in Python", run as written: its server command, its two Python snippets
(the SB3 one with the [sb3] extra) against that server, with the printed lines the README states, and its benchmark
command (with shorter measurements)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

from dirpg import launch

README = launch.repo_root() / "README.md"
HAVE_SB3 = importlib.util.find_spec("stable_baselines3") is not None and \
    importlib.util.find_spec("sb3_contrib") is not None
README_ADDRESS = "127.0.0.1:50051"


def _section() -> str:
    text = README.read_text()
    start = text.index("### Java environments in Python")
    return text[start:text.index("\n### ", start + 1)]


def _commands() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", _section(), re.S)


def _snippet(venv: str) -> str:
    """The Python of the heredoc run by ``python-client/<venv>/bin/python``."""
    for block in _commands():
        m = re.search(rf"python-client/{re.escape(venv)}/bin/python - <<'PY'\n(.*?)\nPY\n", block, re.S)
        if m:
            return m.group(1)
    raise AssertionError(f"no {venv} snippet in the README section")


def _stated_output(after: str) -> str:
    """The `...` the README says a snippet prints ("It prints `X`") after the text ``after``."""
    section = _section()
    return re.search(r"It prints `([^`]*)`", section[section.index(after):]).group(1)


@pytest.fixture(scope="module")
def java(tmp_path_factory):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built (mvn -B -q -o package -DskipTests)")
    # the README's command; the test server takes a free port instead of 50051
    assert _commands()[0].splitlines()[0] == "java -jar target/dirpg.jar serve --port 50051 &"
    proc = launch.start_java_server(cwd=str(tmp_path_factory.mktemp("java-readme")))
    yield proc.address
    proc.stop()


def _run(code: str, address: str) -> str:
    out = subprocess.run([sys.executable, "-c", code.replace(README_ADDRESS, address)], capture_output=True,
                         text=True, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip()


def test_the_gymnasium_snippet_prints_what_the_readme_says(java):
    assert _run(_snippet(".venv"), java) == _stated_output("<<'PY'")


@pytest.mark.skipif(not HAVE_SB3, reason="needs the [sb3] extra (scripts/test-sb3.sh)")
def test_the_sb3_snippet_prints_what_the_readme_says(java):
    assert _run(_snippet(".venv-sb3"), java) == _stated_output("python-client/.venv-sb3/bin/python - <<'PY'")


def test_the_benchmark_command_runs_and_prints_each_figure():
    command = next(line for block in _commands() for line in block.splitlines() if "dirpg.bench_bridge" in line)
    module = command.split(" -m ", 1)[1].split()
    assert module == ["dirpg.bench_bridge"], command
    out = subprocess.run([sys.executable, "-m", *module, "--seconds", "0.6", "--sb3-steps", "1024", "--warmup", "0.5",
                          "--sb3-default-steps", "4096"],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    for label in ("machine: ", "latency: ", "N=16: ", "N=64: ", "SB3 PPO N=8: "):
        assert any(line.startswith(label) for line in lines), (label, out.stdout)
    if HAVE_SB3:
        assert "env steps/s" in next(line for line in lines if line.startswith("SB3 PPO"))
        assert any(line.startswith("SB3 PPO, default hyperparameters: one DirpgEnv ") for line in lines), out.stdout
