"""docker-compose.yml and the images, checked without a Docker engine: structure, scale-ability, the shared key,
healthchecks; and docker/healthcheck.py against a live env server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from dirpg.launch import repo_root

ROOT = repo_root()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_build_from_the_docker_folder():
    services = COMPOSE["services"]
    assert set(services) == {"trainer", "minigrid"}
    assert services["trainer"]["build"] == {"context": ".", "dockerfile": "docker/trainer.Dockerfile"}
    assert services["minigrid"]["build"] == {"context": ".", "dockerfile": "docker/envserver.Dockerfile"}
    for service in services.values():
        assert (ROOT / service["build"]["dockerfile"]).is_file()
    trainer = services["trainer"]["command"]
    assert trainer[:5] == ["serve", "--host", "0.0.0.0", "--port", "50051"]
    assert trainer[trainer.index("--tokens-file") + 1] == "/run/secrets/trainer_tokens"
    assert trainer[trainer.index("--remote-allow") + 1] == "dns:///minigrid:50061"
    cmd = services["minigrid"]["command"]
    assert cmd[:3] == ["--env", "MiniGrid-MultiRoom-N6-v0", "--paper-reward"]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0" and cmd[cmd.index("--port") + 1] == "50061"


def test_minigrid_scales_no_container_name_no_host_port():
    minigrid = COMPOSE["services"]["minigrid"]
    assert "container_name" not in minigrid and "ports" not in minigrid
    assert minigrid["expose"] == ["50061"]
    assert "container_name" not in COMPOSE["services"]["trainer"]


def test_trainer_is_published_on_loopback_only_with_a_token_secret():
    trainer = COMPOSE["services"]["trainer"]
    assert trainer["ports"] == ["127.0.0.1:50051:50051"]
    assert trainer["secrets"] == ["trainer_tokens"]
    assert "DIRPG_TRAINER_TOKENS" not in str(trainer.get("environment", ""))


def test_replicas_share_one_token_key_secret():
    assert COMPOSE["secrets"]["token_key"] == {"environment": "DIRPG_TOKEN_KEY"}
    assert COMPOSE["secrets"]["trainer_tokens"] == {"environment": "DIRPG_TRAINER_TOKENS"}
    minigrid = COMPOSE["services"]["minigrid"]
    assert minigrid["secrets"] == ["token_key"]
    cmd = minigrid["command"]
    assert cmd[cmd.index("--token-key-file") + 1] == "/run/secrets/token_key"
    assert "DIRPG_TOKEN_KEY" not in str(minigrid.get("environment", ""))  # the key never sits in plain env
    # A missing key stops compose at once (interpolation's required form), not a restart loop of replicas.
    assert COMPOSE["x-require-token-key"].startswith("${DIRPG_TOKEN_KEY:?set DIRPG_TOKEN_KEY ")


def test_fleet_serves_the_readme_actions():
    cmd = COMPOSE["services"]["minigrid"]["command"]
    assert cmd[cmd.index("--actions") + 1] == "0,1,2,5"
    assert "--paper-reward --actions 0,1,2,5" in (ROOT / "README.md").read_text()


def test_healthchecks_use_the_grpc_health_service_and_gate_the_trainer():
    trainer, minigrid = COMPOSE["services"]["trainer"], COMPOSE["services"]["minigrid"]
    assert minigrid["healthcheck"]["test"] == ["CMD", "python", "/opt/dirpg/healthcheck.py", "127.0.0.1:50061",
                                               "dirpg.env.v1.EnvironmentService"]
    assert trainer["healthcheck"]["test"][-2:] == ["/opt/health/healthcheck.py", "127.0.0.1:50051"]
    assert trainer["depends_on"] == {"minigrid": {"condition": "service_healthy"}}
    envserver_df = (ROOT / "docker/envserver.Dockerfile").read_text()
    trainer_df = (ROOT / "docker/trainer.Dockerfile").read_text()
    assert "COPY docker/healthcheck.py /opt/dirpg/healthcheck.py" in envserver_df
    assert "COPY docker/healthcheck.py /opt/health/healthcheck.py" in trainer_df
    assert "grpcio-health-checking==1.85.1" in trainer_df
    assert re.search(r"^FROM python:3\.11-slim", envserver_df, re.M)
    assert re.search(r"^FROM maven:.*temurin-17 AS build", trainer_df, re.M)
    assert re.search(r"^FROM eclipse-temurin:17-jre", trainer_df, re.M)
    assert "target/lib/" in trainer_df and "target/dirpg.jar" in trainer_df
    assert "dns:///minigrid:50061" in (ROOT / "docker-compose.yml").read_text()


def test_healthcheck_script_reports_serving_and_unreachable(plain_server):
    script = str(ROOT / "docker/healthcheck.py")
    ok = subprocess.run([sys.executable, script, plain_server.address, "dirpg.env.v1.EnvironmentService"],
                        capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0 and "SERVING" in ok.stdout
    unknown = subprocess.run([sys.executable, script, plain_server.address, "no.such.Service"],
                             capture_output=True, text=True, timeout=30)
    assert unknown.returncode == 1 and "NOT_FOUND" in unknown.stdout
    down = subprocess.run([sys.executable, script, "127.0.0.1:1", "--timeout", "2"],
                          capture_output=True, text=True, timeout=30)
    assert down.returncode == 1 and "UNAVAILABLE" in down.stdout
