"""TLS, mutual TLS and bearer tokens over real gRPC: the Python env server (grpcio's SSL credentials) with
RemoteEnv and DirpgEnv, and the Java trainer server (netty TLS) with TrainerClient, DirpgEnv and dirpg-py.
Certificates are made at test time by scripts/make-certs.sh."""

from __future__ import annotations

import subprocess
import sys

import grpc
import gymnasium
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dirpg import launch
from dirpg.credentials import Credentials
from dirpg.envclient import RemoteEnv, RemoteEnvError
from dirpg.envserver.security import ServerTls
from dirpg.envserver.service import EnvServer
from dirpg.gym_env import DirpgEnv
from dirpg.served_env import ServedEnvironment
from conftest import KEY

FLEET_TOKEN = "fleet-token-0123456789abcdef"


def _tls(certs, client: str | None = None, token: str | None = None) -> Credentials:
    return Credentials.load(token=token or "", ca_file=str(certs / "ca.crt"),
                            cert_file=str(certs / f"{client}.crt") if client else None,
                            key_file=str(certs / f"{client}.key") if client else None, env={})


def _code(call) -> grpc.StatusCode:
    with pytest.raises(RemoteEnvError) as e:
        call()
    return e.value.code


def test_env_server_over_tls_with_a_bearer_token(certs):
    tls = ServerTls.load(str(certs / "server.crt"), str(certs / "server.key"))
    server = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, host="localhost", port=0, tls=tls,
                       bearer_token=FLEET_TOKEN).start()
    try:
        assert server.notice == "dirpg envserver: transport TLS; authentication bearer token"
        with RemoteEnv(server.address, "CartPole-v1", credentials=_tls(certs, token=FLEET_TOKEN)) as remote:
            state = remote.reset(1)
            assert len(remote.step_batch([state.token] * 3, [0, 1, 0])) == 3
        assert _code(lambda: RemoteEnv(server.address, "CartPole-v1", credentials=_tls(certs))) \
            == grpc.StatusCode.UNAUTHENTICATED
        assert _code(lambda: RemoteEnv(server.address, "CartPole-v1",
                                       credentials=_tls(certs, token="wrong-token-0123456789"))) \
            == grpc.StatusCode.UNAUTHENTICATED
        assert _code(lambda: RemoteEnv(server.address, "CartPole-v1", timeout=5,
                                       credentials=Credentials(token=FLEET_TOKEN))) == grpc.StatusCode.UNAVAILABLE
        with _tls(certs).channel(server.address) as ch:  # health needs TLS but no token
            assert health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=10).status \
                == health_pb2.HealthCheckResponse.SERVING
    finally:
        server.stop(grace=None)


def test_env_server_under_mutual_tls_refuses_clients_without_a_certificate(certs):
    tls = ServerTls.load(str(certs / "server.crt"), str(certs / "server.key"), str(certs / "ca.crt"))
    server = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, host="127.0.0.1", port=0,
                       tls=tls).start()
    try:
        env = DirpgEnv("CartPole-v1", server.address, ca_file=str(certs / "ca.crt"),
                       cert_file=str(certs / "alice.crt"), key_file=str(certs / "alice.key"))
        obs, info = env.reset(seed=3)
        assert env.step(0)[0].shape == obs.shape
        env.close()
        assert _code(lambda: RemoteEnv(server.address, "CartPole-v1", timeout=5, credentials=_tls(certs))) \
            == grpc.StatusCode.UNAVAILABLE
    finally:
        server.stop(grace=None)


def test_beyond_loopback_tls_and_authentication_are_required(certs):
    with pytest.raises(ValueError, match=r"^--host 0.0.0.0: refusing to serve beyond loopback without TLS and "
                                         r"authentication; give --tls-cert and --tls-key, and --bearer-token-file"):
        EnvServer({}, host="0.0.0.0", port=0)
    tls = ServerTls.load(str(certs / "server.crt"), str(certs / "server.key"))
    with pytest.raises(ValueError, match="without authentication"):
        EnvServer({}, host="0.0.0.0", port=0, tls=tls)
    with pytest.raises(ValueError, match="^--tls-key: required with --tls-cert"):
        ServerTls.load(str(certs / "server.crt"), None)
    with pytest.raises(ValueError, match="holds no PEM 'PRIVATE KEY' block"):
        ServerTls.load(str(certs / "server.crt"), str(certs / "server.crt"))
    mismatched = ServerTls.load(str(certs / "alice.crt"), str(certs / "server.key"))
    with pytest.raises(OSError, match="gRPC refused the certificate and key; check that --tls-key is the private key"):
        EnvServer({}, port=0, tls=mismatched)
    bad = subprocess.run([sys.executable, "-m", "dirpg.envserver", "--env", "CartPole-v1", "--host", "0.0.0.0",
                          "--port", "0"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1, bad.stderr
    assert "refusing to serve beyond loopback without TLS and authentication" in bad.stderr


@pytest.fixture(scope="module")
def java_mtls(certs, tmp_path_factory):
    """The Java server with TLS, client certificates (CN = identity) and one token identity, carol."""
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built")
    proc = launch.start_java_server("--tls-cert", str(certs / "server.crt"), "--tls-key", str(certs / "server.key"),
                                    "--tls-client-ca", str(certs / "ca.crt"),
                                    env={"DIRPG_TOKENS": "carol carol-token-0123456789\n"},
                                    cwd=str(tmp_path_factory.mktemp("mtls")))
    yield proc
    proc.stop()


def test_trainer_client_gym_env_and_cli_over_mutual_tls(java_mtls, certs, tmp_path):
    from dirpg.errors import NotFound, PermissionDenied, Unavailable
    from dirpg.trainer_client import TrainerClient
    assert any("transport TLS with client certificates" in line for line in java_mtls.output), java_mtls.output
    address = java_mtls.address.replace("127.0.0.1", "localhost")
    alice = TrainerClient(address, token="", ca_file=str(certs / "ca.crt"), cert_file=str(certs / "alice.crt"),
                          key_file=str(certs / "alice.key"))
    bob = TrainerClient(address, token="", ca_file=str(certs / "ca.crt"), cert_file=str(certs / "bob.crt"),
                        key_file=str(certs / "bob.key"))
    run = alice.create_run("DeepSea-v0", budget=10, updates=2, seed=1)
    assert run.owner == "alice"
    with pytest.raises(NotFound, match="no run '.*' on this server"):  # as for an unknown id
        bob.get_run(run.run_id)
    with pytest.raises(Unavailable):
        TrainerClient(address, token="", ca_file=str(certs / "ca.crt"), timeout=5).list_runs()
    assert [m.update for m in alice.watch(run.run_id)] == [0, 1]

    env = gymnasium.make("dirpg/DeepSea-v0", address=address, ca_file=str(certs / "ca.crt"),
                         cert_file=str(certs / "bob.crt"), key_file=str(certs / "bob.key"))
    obs, _ = env.reset(seed=0)
    assert env.step(0)[0].shape == obs.shape
    env.close()

    token_file = tmp_path / "token"
    token_file.write_text("carol-token-0123456789\n")

    def cli(*args, **env):
        return subprocess.run([sys.executable, "-m", "dirpg.cli", *args], capture_output=True, text=True, timeout=60,
                              env={"PATH": "/usr/bin:/bin", **env})

    mine = cli("runs", "list", "--address", address, "--ca-file", str(certs / "ca.crt"),
               "--cert-file", str(certs / "alice.crt"), "--key-file", str(certs / "alice.key"))
    assert mine.returncode == 0 and run.run_id in mine.stdout, mine.stderr
    carol = cli("runs", "get", run.run_id, "--address", address, "--ca-file", str(certs / "ca.crt"),
                "--cert-file", str(certs / "bob.crt"), "--key-file", str(certs / "bob.key"),
                "--token-file", str(token_file))
    assert carol.returncode == 1 and "NOT_FOUND: run_id: no run" in carol.stderr, carol.stderr  # as an unknown id
    wrong = cli("runs", "list", "--address", address, "--ca-file", str(certs / "ca.crt"), "--cert-file",
                str(certs / "bob.crt"), "--key-file", str(certs / "bob.key"),
                DIRPG_TOKEN="wrong-token-0123456789")  # a token from the environment is sent, and checked first
    assert wrong.returncode == 1 and "UNAUTHENTICATED" in wrong.stderr, wrong.stderr
    plain = cli("runs", "list", "--address", address)
    assert plain.returncode == 1 and "give --ca-file" in plain.stderr, plain.stderr
    alice.close()
    bob.close()
