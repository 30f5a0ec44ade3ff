"""The step socket (``--step-socket``): StepBatch over length-prefixed frames on a Unix domain socket, answered with
exactly StepBatch's bytes and StepBatch's errors; the hello and the bearer token; the file's mode; garbage and
oversized frames; a stale socket replaced, a live one or another file refused; one process only."""

from __future__ import annotations

import os
import socket
import stat
import struct
import subprocess
import sys

import grpc
import pytest

from conftest import KEY, MULTIROOM
from dirpg.env.v1 import environment_pb2 as pb
from dirpg.env.v1 import environment_pb2_grpc as pb_grpc
from dirpg.envserver.service import EnvServer
from dirpg.envserver.step_socket import HELLO
from dirpg.served_env import ServedEnvironment


class Frames:
    """A raw client of the step socket."""

    def __init__(self, path: str, token: bytes = b""):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.send(HELLO + token)

    def send(self, payload: bytes) -> None:
        self.sock.sendall(struct.pack(">I", len(payload)) + payload)

    def receive(self) -> tuple[int, bytes] | None:
        head = self._exact(4)
        if head is None:
            return None
        body = self._exact(struct.unpack(">I", head)[0])
        return body[0], body[1:]

    def _exact(self, n: int) -> bytes | None:
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def served(tmp_path):
    path = str(tmp_path / "step.sock")
    envs = {MULTIROOM: ServedEnvironment(MULTIROOM, key=KEY, env_kwargs={"max_steps": 20}, actions=[0, 1, 2, 5]),
            "CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}
    server = EnvServer(envs, port=0, step_socket=path).start()
    channel = grpc.insecure_channel(server.address)
    yield server, pb_grpc.EnvironmentServiceStub(channel), path
    channel.close()
    server.stop(grace=None)


def _request(env_id: str, tokens: list[bytes], actions: list[int]) -> pb.StepBatchRequest:
    request = pb.StepBatchRequest(env_id=env_id)
    for t, a in zip(tokens, actions):
        item = request.items.add()
        item.state_token, item.action = t, a
    return request


def test_responses_are_stepbatchs_bytes_and_the_description_names_the_socket(served):
    server, stub, path = served
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    for env_id in (MULTIROOM, "CartPole-v1"):
        description = stub.DescribeEnvironment(pb.DescribeEnvironmentRequest(env_id=env_id)).environment
        assert description.step_socket == path
    frames = Frames(path)
    assert frames.receive() == (0, b"")
    for env_id, actions in ((MULTIROOM, [0, 1, 2, 5]), ("CartPole-v1", [0, 1])):
        tokens = [stub.ResetEnvironment(pb.ResetEnvironmentRequest(env_id=env_id, seed=s)).state.state_token
                  for s in range(3)]
        for step in range(8):
            request = _request(env_id, tokens, [actions[(step + i) % len(actions)] for i in range(len(tokens))])
            frames.send(request.SerializeToString())
            code, body = frames.receive()
            assert code == 0
            assert body == stub.StepBatch(request).SerializeToString()
            results = pb.StepBatchResponse.FromString(body).results
            tokens = [r.next.state_token for r in results if not r.next.terminal] or tokens
    frames.close()


def test_errors_are_stepbatchs_and_the_connection_serves_on(served):
    server, stub, path = served
    frames = Frames(path)
    frames.receive()
    root = stub.ResetEnvironment(pb.ResetEnvironmentRequest(env_id=MULTIROOM, seed=1)).state.state_token
    forged = bytearray(root)
    forged[len(forged) // 2] ^= 1
    request = _request(MULTIROOM, [root, bytes(forged)], [2, 2])
    with pytest.raises(grpc.RpcError) as unary:
        stub.StepBatch(request)
    frames.send(request.SerializeToString())
    code, body = frames.receive()
    assert code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert body.decode() == unary.value.details() and body.decode().startswith("item 1: ")
    frames.send(b"\xff\xff\xff")
    code, body = frames.receive()
    assert code == grpc.StatusCode.INVALID_ARGUMENT.value[0] and b"not a serialized StepBatchRequest" in body
    frames.send(_request("Nope-v0", [root], [2]).SerializeToString())
    code, body = frames.receive()
    assert code == grpc.StatusCode.NOT_FOUND.value[0] and b"Nope-v0" in body
    ok = _request(MULTIROOM, [root], [2])
    frames.send(ok.SerializeToString())
    assert frames.receive() == (0, stub.StepBatch(ok).SerializeToString())
    frames.sock.sendall(struct.pack(">I", (64 << 20) + 1))  # a frame over the request limit: refused, then closed
    code, body = frames.receive()
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0] and b"--max-request-bytes" in body
    assert frames.receive() is None
    frames.close()


def test_the_hello_must_carry_the_bearer_token(tmp_path):
    path = str(tmp_path / "auth.sock")
    server = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, port=0,
                       bearer_token="s3cret-token", step_socket=path).start()
    try:
        for hello_token, expected in ((b"", grpc.StatusCode.UNAUTHENTICATED), (b"wrong", grpc.StatusCode.UNAUTHENTICATED),
                                      (b"s3cret-token", grpc.StatusCode.OK)):
            frames = Frames(path, hello_token)
            code, body = frames.receive()
            assert code == expected.value[0], (hello_token, body)
            if expected != grpc.StatusCode.OK:
                assert b"bearer token" in body
                assert frames.receive() is None  # closed after the refusal
            frames.close()
        frames = Frames(path, HELLO[:3])  # not even the hello's prefix
        assert frames.receive()[0] == grpc.StatusCode.UNAUTHENTICATED.value[0]
        frames.close()
        frames = Frames(path, b"x" * 10_000)  # a hello longer than any token: refused, not a crashed thread
        assert frames.receive()[0] == grpc.StatusCode.UNAUTHENTICATED.value[0]
        frames.close()
    finally:
        server.stop(grace=None)


def test_a_stale_socket_is_replaced_a_live_one_and_other_files_refused(tmp_path):
    path = str(tmp_path / "s.sock")
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # a socket file nobody listens on, as a killed server leaves
    server = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, port=0, step_socket=path).start()
    try:
        with pytest.raises(OSError, match="another server listens on .*s.sock; stop it or choose another path"):
            EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, port=0, step_socket=path).start()
        frames = Frames(path)
        assert frames.receive() == (0, b"")  # the first server still serves
        frames.close()
    finally:
        server.stop(grace=None)
    assert not os.path.exists(path)
    other = tmp_path / "notes.txt"
    other.write_text("not a socket")
    with pytest.raises(OSError, match="notes.txt exists and is not a socket"):
        EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, port=0,
                  step_socket=str(other)).start()
    assert other.read_text() == "not a socket"


def test_the_cli_names_the_socket_and_refuses_it_with_several_processes(tmp_path):
    path = str(tmp_path / "cli.sock")
    out = subprocess.run([sys.executable, "-m", "dirpg.envserver", "--env", "CartPole-v1", "--port", "0",
                          "--processes", "2", "--step-socket", path], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "python -m dirpg.envserver: --step-socket serves one process; drop it or use --processes 1"]
    proc = subprocess.Popen([sys.executable, "-m", "dirpg.envserver", "--env", "CartPole-v1", "--port", "0",
                             "--step-socket", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "listening on" in proc.stdout.readline()
        proc.terminate()
        _, err = proc.communicate(timeout=30)
        assert f"dirpg envserver step socket {path}" in err
    finally:
        proc.kill()
    assert not os.path.exists(path)  # a server stopped by a signal removes its socket
