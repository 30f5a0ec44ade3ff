"""A Go client built from proto/ alone (examples/go, issue #10) against the Java server (environment and trainer
services) and the Python env server (MiniGrid): every check the example makes passes, over real gRPC on 127.0.0.1.

examples/go/generate.sh generates the Go code with protoc and builds the example; the first run downloads the Go
modules through the Go proxy into the default GOPATH. Skipped when go is not on PATH."""

from __future__ import annotations

import re

import shutil
import subprocess
import time

import pytest

from dirpg import launch
from conftest import MULTIROOM

GO_EXAMPLE = launch.repo_root() / "examples" / "go"


@pytest.fixture(scope="module")
def go_client():
    if shutil.which("go") is None:
        pytest.skip("go is not on PATH: install Go (>= 1.26) to build and test the Go client in examples/go")
    started = time.monotonic()
    built = subprocess.run(["bash", str(GO_EXAMPLE / "generate.sh")], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr + built.stdout
    print(f"examples/go built in {time.monotonic() - started:.1f} s")
    return GO_EXAMPLE / "bin" / "dirpg-go-example"


def _run(client, *args: str) -> list[str]:
    """Runs the example; asserts it passed every check and returns its lines."""
    done = subprocess.run([str(client), *args], capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and lines[-1].startswith("all ") and lines[-1].endswith(" checks passed"), \
        done.stdout + done.stderr
    assert not any(line.startswith("FAIL") for line in lines)
    return lines


def test_go_client_steps_deep_sea_on_the_java_server(go_client, java_trainer):
    lines = _run(go_client, "env", "-addr", java_trainer.address, "-env", "DeepSea-v0", "-steps", "10")
    text = "\n".join(lines)
    assert "reward [-Inf, +Inf]" in text  # unbounded sides travel as infinities
    assert "terminal true, legal 0" in text  # legal_actions == 0 exactly at the terminal state
    assert "ok reset: upper bound absent, lower bound absent" in lines  # DeepSea has no bounds: absent, not 0
    assert 'InvalidArgument "item 1: ' in text  # StepBatch names the failing item


def test_go_client_reads_present_bounds_including_zero(go_client, java_trainer):
    """The spanning-tree bandit bounds every state from both sides; its lower bound 0 arrives present, which a plain
    double could not tell from "no bound"."""
    lines = _run(go_client, "env", "-addr", java_trainer.address, "-env", "SpanningTreeBandit-v0", "-steps", "2")
    reset = next(line for line in lines if line.startswith("ok reset: upper bound "))
    upper, lower = reset.removeprefix("ok reset: upper bound ").split(", lower bound ")
    assert float(upper) > 0 and lower == "0", reset


def test_go_client_watches_a_tiny_run_to_its_end(go_client, java_trainer):
    lines = _run(go_client, "train", "-addr", java_trainer.address, "-updates", "3")
    assert "ok watched updates [0 1 2]" in lines
    assert "ok get: SUCCEEDED after 3 updates" in lines
    assert "ok run environment: DeepSea-v0, 2 actions, 25 features" in lines


def test_go_client_steps_multiroom_on_the_python_env_server(go_client, plain_server):
    """Also checks the documented [x][y][c] image layout (the agent's own cell) and the proto's size note: a
    1,000-item MiniGrid batch fails with ResourceExhausted exactly when it exceeds Go's 4 MiB default receive limit
    (it fits since the server's compact MiniGrid tokens, well under 1 kB a result), and chunks of 250 always do."""
    lines = _run(go_client, "env", "-addr", f"127.0.0.1:{plain_server.port}", "-env", MULTIROOM, "-steps", "3",
                 "-batch", "1000")
    text = "\n".join(lines)
    assert "image[x=3][y=6] (the agent's cell)" in text and "direction = " in text
    assert "ok reset: upper bound absent, lower bound absent" in lines  # no paper reward: no bounds
    assert "ok 1000 items in chunks of 250: 1000 results" in text
    per_result = float(re.search(r"1000 results, (\d+) bytes per result", text).group(1))
    if per_result * 1000 > 4 * 1024 * 1024:
        assert "ok one batch of 1000 items: ResourceExhausted" in text
    else:
        assert "ok one batch of 1000 items fits the default receive limit" in text
