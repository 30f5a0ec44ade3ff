"""Env server processes started from the command line: readiness line, health, shared-key fleets, SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dirpg.envclient import RemoteEnv, RemoteEnvError
from conftest import MULTIROOM


def _start(key: str, *extra: str) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ, DIRPG_TOKEN_KEY=key)
    proc = subprocess.Popen([sys.executable, "-m", "dirpg.envserver", "--env", MULTIROOM, "--port", "0", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    assert line.startswith("dirpg envserver listening on 127.0.0.1:"), line
    return proc, line.rsplit(" ", 1)[1].strip()


@pytest.fixture(scope="module")
def fleet():
    procs = [_start("shared-fleet-key-for-tests-0001"), _start("shared-fleet-key-for-tests-0001"),
             _start("a-different-key-for-tests-00002")]
    yield [address for _, address in procs], [p for p, _ in procs]
    for p, _ in procs:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)


def test_servers_sharing_a_key_step_each_others_tokens(fleet):
    (a_addr, b_addr, c_addr), _ = fleet
    a, b, c = RemoteEnv(a_addr, MULTIROOM), RemoteEnv(b_addr, MULTIROOM), RemoteEnv(c_addr, MULTIROOM)
    token = a.reset(21).token
    for i in range(40):
        action = (2, 2, 5, 1, 2, 0)[i % 6]
        on_a, on_b = a.step(token, action), b.step(token, action)
        assert on_a.next.token == on_b.next.token and on_a.reward == on_b.reward
        assert (on_a.next.observation["image"] == on_b.next.observation["image"]).all()
        token = (on_a if i % 2 else on_b).next.token  # continue from alternating servers' tokens
    with pytest.raises(RemoteEnvError) as err:
        c.step(token, 1)
    assert err.value.code == grpc.StatusCode.INVALID_ARGUMENT and "HMAC" in err.value.message
    for r in (a, b, c):
        r.close()


def test_health_is_serving_and_sigterm_stops_gracefully(fleet):
    (address, _, _), procs = fleet
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for service in ("", "dirpg.env.v1.EnvironmentService"):
            status = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status
            assert status == health_pb2.HealthCheckResponse.SERVING
    procs[0].send_signal(signal.SIGTERM)
    assert procs[0].wait(timeout=15) == 0


def test_paper_variant_describes_its_rewards_and_bound(paper_server):
    remote = RemoteEnv(paper_server.address, MULTIROOM)
    d = remote.description
    assert d.provides_bound and (d.min_reward, d.max_reward) == (-30.0, 100.0) and d.num_actions == 7
    assert '"max_steps": 100' in d.description and '"legal_actions": [0, 1, 2, 5]' in d.description
    state = remote.reset(0)
    assert state.upper_bound == 100 + 5 * 30
    remote.close()
