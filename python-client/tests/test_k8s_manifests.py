"""deploy/k8s (issue 18, item 9): the example overlay, rendered by kustomize's own Go API (krusty), decodes strictly
into the k8s.io/api types, and its objects agree (selectors, Service and probe ports, Secrets and their keys, the
trainer's dns:/// fleet target, the HPA's target): deploy/k8s/validate, built like examples/go (modules from the Go
proxy on first run). Skipped when go is not on PATH."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from dirpg import launch

K8S = launch.repo_root() / "deploy" / "k8s"


@pytest.fixture(scope="module")
def validator(tmp_path_factory):
    if shutil.which("go") is None:
        pytest.skip("go is not on PATH: install Go (>= 1.26) to validate deploy/k8s")
    binary = tmp_path_factory.mktemp("k8s") / "validate"
    built = subprocess.run(["go", "build", "-o", str(binary), "."], cwd=K8S / "validate", capture_output=True,
                           text=True, timeout=900)
    assert built.returncode == 0, built.stderr
    return binary


def test_example_overlay_decodes_strictly_and_its_objects_agree(validator, tmp_path):
    secrets = tmp_path / "secrets"
    made = subprocess.run(["bash", str(K8S / "make-secrets.sh"), str(secrets)], capture_output=True, text=True,
                          timeout=60)
    assert made.returncode == 0, made.stderr
    done = subprocess.run([str(validator), "-overlay", str(K8S / "overlays" / "example"), "-secrets", str(secrets)],
                          capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and lines[-1] == "all checks passed", done.stdout + done.stderr
    for kind in ("StatefulSet/dirpg-trainer", "Service/dirpg-trainer", "Deployment/dirpg-envserver",
                 "Service/dirpg-envserver", "HorizontalPodAutoscaler/dirpg-envserver", "Namespace/dirpg"):
        assert f"ok {kind} decodes strictly" in lines
    assert sum(line.startswith("ok Secret/dirpg-") and "decodes strictly" in line for line in lines) == 4
    assert ("ok StatefulSet/dirpg-trainer: --remote-allow dns:///dirpg-envserver:50061 is the headless Service "
            "dirpg-envserver") in lines
    assert "ok HorizontalPodAutoscaler/dirpg-envserver scales Deployment/dirpg-envserver from 4 to 16 pods" in lines


def test_the_base_alone_fails_naming_the_missing_secrets(validator):
    """The checks can fail: the base generates no Secrets, so every reference to one is reported."""
    done = subprocess.run([str(validator), "-overlay", str(K8S / "base")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert 'FAIL StatefulSet/dirpg-trainer volume secrets: Secret "dirpg-tls" does not exist' in done.stdout
    assert 'FAIL Deployment/dirpg-envserver volume secrets: Secret "dirpg-token-key" does not exist' in done.stdout
    assert "argument /run/secrets/tls_key names a file no volume projects" in done.stdout


def _args(path: str) -> list[str]:
    import yaml
    document = yaml.safe_load((K8S / "base" / path).read_text())
    return document["spec"]["template"]["spec"]["containers"][0]["args"]


def test_every_flag_of_the_pods_is_a_flag_of_the_servers():
    """The pods' args name only flags the real servers' --help lists (and the images' entrypoints: serve for the
    trainer's java -jar, python -m dirpg.envserver for the fleet)."""
    import sys
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built")
    trainer = _args("trainer-statefulset.yaml")
    assert trainer[0] == "serve"
    java_help = subprocess.run(["java", "-jar", str(launch.java_jar()), "serve", "--help"], capture_output=True,
                               text=True, timeout=60).stdout
    env_help = subprocess.run([sys.executable, "-m", "dirpg.envserver", "--help"], capture_output=True, text=True,
                              timeout=60).stdout
    for args, text in ((trainer, java_help), (_args("envserver-deployment.yaml"), env_help)):
        flags = [a for a in args if a.startswith("--")]
        assert flags and all(f"{flag}=" in text or f"{flag} " in text for flag in flags), (flags, text)
