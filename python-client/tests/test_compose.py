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
    assert trainer[trainer.index("--data-dir") + 1] == "/data"
    cmd = services["minigrid"]["command"]
    assert cmd[:3] == ["--env", "MiniGrid-MultiRoom-N6-v0", "--paper-reward"]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0" and cmd[cmd.index("--port") + 1] == "50061"


def test_minigrid_scales_no_container_name_no_host_port():
    minigrid = COMPOSE["services"]["minigrid"]
    assert "container_name" not in minigrid and "ports" not in minigrid
    assert minigrid["expose"] == ["50061"]
    assert "container_name" not in COMPOSE["services"]["trainer"]


def _flag(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_trainer_is_published_on_loopback_only_with_tls_tokens_and_a_data_volume():
    trainer = COMPOSE["services"]["trainer"]
    assert trainer["ports"] == ["127.0.0.1:50051:50051"]
    assert set(trainer["secrets"]) == {"trainer_tokens", "fleet_token", "tls_cert", "tls_key", "tls_ca"}
    assert "DIRPG_TRAINER_TOKENS" not in str(trainer.get("environment", ""))
    cmd = trainer["command"]
    assert (_flag(cmd, "--tls-cert"), _flag(cmd, "--tls-key")) == ("/run/secrets/tls_cert", "/run/secrets/tls_key")
    assert (_flag(cmd, "--remote-ca"), _flag(cmd, "--remote-token-file")) == ("/run/secrets/tls_ca",
                                                                              "/run/secrets/fleet_token")
    assert trainer["volumes"] == ["trainer-data:/data"] and "trainer-data" in COMPOSE["volumes"]
    assert "mkdir /data && chown dirpg /data" in (ROOT / "docker/trainer.Dockerfile").read_text()


def test_fleet_serves_tls_and_requires_the_shared_token():
    minigrid = COMPOSE["services"]["minigrid"]
    cmd = minigrid["command"]
    assert (_flag(cmd, "--tls-cert"), _flag(cmd, "--tls-key")) == ("/run/secrets/tls_cert", "/run/secrets/tls_key")
    assert _flag(cmd, "--bearer-token-file") == "/run/secrets/fleet_token"
    assert {"fleet_token", "tls_cert", "tls_key", "tls_ca"} <= set(minigrid["secrets"])
    secrets = COMPOSE["secrets"]
    assert secrets["fleet_token"] == {"environment": "DIRPG_FLEET_TOKEN"}
    assert secrets["tls_key"] == {"environment": "DIRPG_TLS_KEY"}  # never a file other users could read
    assert secrets["tls_cert"] == {"file": "./docker/tls/server.crt"} and secrets["tls_ca"] == {"file": "./docker/tls/ca.crt"}
    for name in ("fleet-token", "tls-key"):
        assert COMPOSE[f"x-require-{name}"].startswith("${DIRPG_" + name.upper().replace("-", "_") + ":?set ")
    assert "docker/tls/" in (ROOT / ".gitignore").read_text()


def test_replicas_share_one_token_key_secret():
    assert COMPOSE["secrets"]["token_key"] == {"environment": "DIRPG_TOKEN_KEY"}
    assert COMPOSE["secrets"]["trainer_tokens"] == {"environment": "DIRPG_TRAINER_TOKENS"}
    minigrid = COMPOSE["services"]["minigrid"]
    assert "token_key" in minigrid["secrets"]
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
                                               "dirpg.env.v1.EnvironmentService", "--ca-file", "/run/secrets/tls_ca"]
    assert trainer["healthcheck"]["test"][-4:] == ["/opt/health/healthcheck.py", "127.0.0.1:50051",
                                                   "--ca-file", "/run/secrets/tls_ca"]
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


def test_the_compose_commands_serve_together_over_tls_with_tokens(certs, tmp_path):
    """The services' own command lines (secrets as files, port 0), run as local processes: both bind beyond
    loopback because TLS and tokens are on; health over TLS; the fleet token and a trainer token work."""
    from dirpg import launch
    from dirpg.credentials import Credentials
    from dirpg.envclient import RemoteEnv
    from dirpg.trainer_client import TrainerClient
    if not launch.java_jar().is_file():
        import pytest
        pytest.skip(f"{launch.java_jar()} is not built")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    fleet_token, my_token = "fleet-0123456789abcdef0123", "me-0123456789abcdef0123456"
    for name, text in {"trainer_tokens": f"me {my_token} admin\n", "fleet_token": fleet_token + "\n",
                       "token_key": "0123456789abcdef0123456789abcdef\n"}.items():
        (secrets / name).write_text(text)
    for name, source in {"tls_cert": "server.crt", "tls_key": "server.key", "tls_ca": "ca.crt"}.items():
        (secrets / name).write_bytes((certs / source).read_bytes())

    def local(command: list[str]) -> list[str]:
        out = [a.replace("/run/secrets", str(secrets)) for a in command]
        out[out.index("--port") + 1] = "0"
        if "--data-dir" in out:
            out[out.index("--data-dir") + 1] = str(tmp_path / "data")
        return out

    services = COMPOSE["services"]
    fleet = launch.start([sys.executable, "-m", "dirpg.envserver", *local(services["minigrid"]["command"])],
                         launch.ENVSERVER_READY)
    trainer = launch.start(["java", "-jar", str(launch.java_jar()), *local(services["trainer"]["command"])],
                           launch.JAVA_SERVER_READY, {"OMP_NUM_THREADS": "1"}, cwd=str(tmp_path))
    try:
        fleet_port, trainer_port = fleet.address.rsplit(":", 1)[1], trainer.address.rsplit(":", 1)[1]
        assert fleet.address.startswith("0.0.0.0:") and trainer.address.startswith("0.0.0.0:")
        script = str(ROOT / "docker/healthcheck.py")
        for port in (fleet_port, trainer_port):
            ok = subprocess.run([sys.executable, script, f"localhost:{port}", "--ca-file", str(secrets / "tls_ca")],
                                capture_output=True, text=True, timeout=30)
            assert ok.returncode == 0 and "SERVING" in ok.stdout, ok.stdout
        tls = dict(ca_file=str(secrets / "tls_ca"), env={})
        with RemoteEnv(f"localhost:{fleet_port}", "MiniGrid-MultiRoom-N6-v0",
                       credentials=Credentials.load(token=fleet_token, **tls)) as remote:
            assert remote.reset(1).legal() == [0, 1, 2, 5]
        with TrainerClient(f"localhost:{trainer_port}", credentials=Credentials.load(token=my_token, **tls)) as me:
            assert me.list_runs() == []
    finally:
        trainer.stop()
        fleet.stop()
