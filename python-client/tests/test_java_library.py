"""DirPG as a Java library (issue 15): ``mvn install`` put org.dirpg:dirpg with its sources and Javadoc jars and a pom
that declares its dependencies into the local Maven repository; examples/java, a Maven project of its own, builds
against that installed artifact, defines a corridor environment, trains it in-process, saves, loads and acts. The
command line runs the same user environment by class name: ``train``/``eval`` directly, ``serve --env`` for runs of the
trainer service.

scripts/test.sh runs ``mvn install`` first and sets DIRPG_INSTALLED=1, so there a missing artifact fails; elsewhere
these tests are skipped with the command to run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dirpg import launch
from dirpg.trainer_client import TrainerClient

ROOT = launch.repo_root()
EXAMPLE = ROOT / "examples" / "java"
CORRIDOR = "com.example.corridor.Corridor"
POM = "{http://maven.apache.org/POM/4.0.0}"


def _version(pom: Path) -> str:
    return ET.parse(pom).getroot().find(f"{POM}version").text


@pytest.fixture(scope="module")
def installed() -> Path:
    version = _version(ROOT / "pom.xml")
    home = Path(os.environ.get("DIRPG_M2_REPOSITORY", Path.home() / ".m2" / "repository"))
    directory = home / "org" / "dirpg" / "dirpg" / version
    if not (directory / f"dirpg-{version}.jar").is_file():
        message = f"org.dirpg:dirpg:{version} is not installed in {home}: run mvn -B install -DskipTests in {ROOT}"
        if os.environ.get("DIRPG_INSTALLED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return directory


@pytest.fixture(scope="module")
def example(installed) -> Path:
    built = subprocess.run(["mvn", "-B", "-q", "package"], cwd=EXAMPLE, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    return EXAMPLE / "target" / "corridor.jar"


def test_the_installed_artifact_has_sources_javadoc_and_declared_dependencies(installed):
    version = installed.name
    for suffix in ("", "-sources", "-javadoc"):
        assert (installed / f"dirpg-{version}{suffix}.jar").is_file(), suffix
    pom = ET.parse(installed / f"dirpg-{version}.pom").getroot()
    deps = {d.find(f"{POM}artifactId").text: d.find(f"{POM}scope") for d in pom.iter(f"{POM}dependency")}
    for name in ("grpc-netty-shaded", "protobuf-java", "deeplearning4j-core", "gson", "picocli"):
        assert name in deps and deps[name] is None, name  # compile scope: a depending project gets them
    assert deps["junit-jupiter"].text == "test"
    # the example depends on the version the repository builds
    example_pom = ET.parse(EXAMPLE / "pom.xml").getroot()
    dep = next(d for d in example_pom.iter(f"{POM}dependency") if d.find(f"{POM}artifactId").text == "dirpg")
    assert dep.find(f"{POM}version").text == version


def test_the_example_trains_its_own_environment_in_process(example, tmp_path):
    checkpoint = tmp_path / "corridor.json"
    done = subprocess.run(["java", "-jar", str(example), str(checkpoint)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    trained = re.fullmatch(r"trained: 200 updates, (\d+) interactions, return ([\d.]+) \(first tenth\) -> ([\d.]+) "
                           r"\(last tenth\)", lines[0])
    assert trained and float(trained.group(3)) == 1.0, lines[0]
    assert lines[1] == "greedy walk of the loaded policy: return 1.0 in 6 steps"  # the shortest walk: 6 rights
    rights = int(re.fullmatch(r"sampled in cell 1: right (\d+) of 100", lines[2]).group(1))
    assert rights > 70  # the trained policy prefers right (a uniform one: 50 +- 5)
    saved = json.loads(checkpoint.read_text())
    assert saved["format"] == "dirpg-checkpoint-v1" and saved["settings"]["envId"] == "Corridor-v0"
    assert saved["updatesDone"] == 200 and len(saved["parameters"]) == (7 * 64 + 64) + (64 * 64 + 64) + (64 * 2 + 2)
    # the MLP --policy auto builds from the corridor's MultiBinary cell: 7 -> 64 -> 64 -> 2


def _cli(*args: str) -> subprocess.CompletedProcess:
    classpath = f"{launch.java_jar()}{os.pathsep}{EXAMPLE / 'target' / 'classes'}"
    return subprocess.run(["java", "-cp", classpath, "org.dirpg.cli.Main", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})


def test_train_and_eval_load_the_users_environment_by_class_name(example, tmp_path):
    out = tmp_path / "run"
    train = _cli("train", "--env", CORRIDOR, "-o", "length=4", "--epsilon", "10", "--budget", "100", "--lr", "0.05",
                 "-n", "150", "--seed", "2", "--no-progress", "--json", "--out", str(out))
    assert train.returncode == 0, train.stdout + train.stderr
    summary = json.loads(train.stdout.splitlines()[-1])
    assert summary["updates"] == 150 and summary["last_return"] == 1.0
    evaluated = _cli("eval", "--checkpoint", str(out / "checkpoint.json"), "--greedy", "--episodes", "10")
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr
    assert f"dirpg on {CORRIDOR} after 150 updates (greedy actions): mean return 1.0000" in evaluated.stdout
    short = _cli("train", "--env", CORRIDOR, "--budget", "5", "-n", "3", "--no-progress", "--out", str(tmp_path / "x"))
    assert short.returncode == 2
    assert "error: budget: 5 interactions is shorter than an episode of Corridor-v0 (its limit is 12 steps)" \
        in short.stderr and "give --budget 12 or more" in short.stderr
    unknown = _cli("train", "--env", "com.example.corridor.NoSuchEnv", "-n", "3", "--no-progress")
    assert unknown.returncode == 2 and "unknown environment id 'com.example.corridor.NoSuchEnv'" in unknown.stderr


def test_serve_env_offers_the_users_environment_to_trainer_runs(example, tmp_path):
    classpath = f"{launch.java_jar()}{os.pathsep}{EXAMPLE / 'target' / 'classes'}"
    proc = launch.start(["java", "-cp", classpath, "org.dirpg.cli.Main", "serve", "--host", "127.0.0.1", "--port", "0",
                         "--env", CORRIDOR], launch.JAVA_SERVER_READY, {"OMP_NUM_THREADS": "1"}, 90.0, str(tmp_path))
    try:
        with TrainerClient(proc.address) as client:
            run = client.create_run(CORRIDOR, algorithm="dirpg", epsilon=10.0, budget=100, learning_rate=0.05,
                                    updates=150, seed=2)
            metrics = list(client.watch(run.run_id))
            done = client.get_run(run.run_id)
            assert done.state == "SUCCEEDED" and len(metrics) == 150
            assert sum(m.update_return for m in metrics[-15:]) / 15 == 1.0
    finally:
        assert proc.stop() in (0, 143), "\n".join(proc.output)
