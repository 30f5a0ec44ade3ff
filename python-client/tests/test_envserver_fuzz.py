"""A few hundred generated malformed and extreme requests against a real env server (the status code of each is
asserted), after which health and a normal reset and step still work."""

from __future__ import annotations

import grpc
import numpy as np
import pytest
from google.protobuf import struct_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dirpg.env.v1 import environment_pb2 as pb
from dirpg.env.v1 import environment_pb2_grpc as pb_grpc
from dirpg.envserver.service import EnvServer
from dirpg.served_env import ServedEnvironment
from conftest import KEY, MULTIROOM

SERVICE = "/dirpg.env.v1.EnvironmentService/"
METHODS = ("ListEnvironments", "DescribeEnvironment", "ResetEnvironment", "StepBatch")
INT32 = (-2**31, -1, 7, 2**31 - 1)
INT64 = (-2**63, -1, 0, 2**63 - 1)
MAX_ITEMS = 64
MAX_REQUEST = 1 << 20


def _cases(rng: np.random.Generator, tokens: dict[str, bytes]):
    """(description, method, request bytes, expected code) tuples."""
    def text(n: int) -> str:
        return "".join(chr(c) for c in rng.integers(0x20, 0x2FFF, n) if not 0xD800 <= c <= 0xDFFF)

    for i in range(90):  # protobuf that cannot parse: a length past the end, or wire type 7
        garbage = (b"\x0a\xff\xff\xff\x0f" if i % 2 else b"\x0f") + rng.bytes(int(rng.integers(0, 200)))
        yield f"garbage {i}", METHODS[i % 4], garbage, grpc.StatusCode.INVALID_ARGUMENT
    for i in range(40):  # unknown env ids, up to 20,000 characters
        env_id = text(int(rng.choice([0, 1, 50, 20_000])))
        req = [pb.DescribeEnvironmentRequest(env_id=env_id), pb.ResetEnvironmentRequest(env_id=env_id, seed=1),
               pb.StepBatchRequest(env_id=env_id, items=[pb.StepItem(state_token=b"x", action=0)])][i % 3]
        yield f"unknown env {len(env_id)} chars", METHODS[1 + i % 3], req.SerializeToString(), grpc.StatusCode.NOT_FOUND
    for i in range(60):  # random, truncated and flipped tokens
        env_id = (MULTIROOM, "CartPole-v1")[i % 2]
        good = tokens[env_id]
        bad = [rng.bytes(int(rng.integers(0, 3000))), good[: int(rng.integers(0, len(good)))],
               bytearray(good)][i % 3]
        if isinstance(bad, bytearray):
            bad[int(rng.integers(0, len(bad)))] ^= 1 << int(rng.integers(0, 8))
            bad = bytes(bad)
        req = pb.StepBatchRequest(env_id=env_id, items=[pb.StepItem(state_token=bad, action=0)])
        yield f"bad token {i}", "StepBatch", req.SerializeToString(), grpc.StatusCode.INVALID_ARGUMENT
    for i, action in enumerate(list(INT32) * 10):  # actions out of range (CartPole has 2, MultiRoom 7)
        env_id = (MULTIROOM, "CartPole-v1")[i % 2]
        req = pb.StepBatchRequest(env_id=env_id, items=[pb.StepItem(state_token=tokens[env_id], action=action)])
        yield f"action {action}", "StepBatch", req.SerializeToString(), grpc.StatusCode.INVALID_ARGUMENT
    for i, seed in enumerate(INT64 * 5):  # extreme seeds are fine
        req = pb.ResetEnvironmentRequest(env_id=(MULTIROOM, "CartPole-v1")[i % 2], seed=seed)
        yield f"seed {seed}", "ResetEnvironment", req.SerializeToString(), grpc.StatusCode.OK
    for i in range(20):  # batches over the cap, empty batches
        n = int(rng.integers(MAX_ITEMS + 1, 4 * MAX_ITEMS)) if i % 2 else 0
        req = pb.StepBatchRequest(env_id="CartPole-v1", items=[pb.StepItem(state_token=tokens["CartPole-v1"])] * n)
        yield f"{n} items", "StepBatch", req.SerializeToString(), \
            grpc.StatusCode.INVALID_ARGUMENT if n else grpc.StatusCode.OK
    for i in range(10):  # requests over the size limit
        req = pb.StepBatchRequest(env_id="CartPole-v1", items=[pb.StepItem(state_token=rng.bytes(MAX_REQUEST))])
        yield f"oversize {i}", "StepBatch", req.SerializeToString(), grpc.StatusCode.RESOURCE_EXHAUSTED
    for i in range(20):  # reset options of every JSON type, unknown to the env: ignored
        options = struct_pb2.Struct()
        options.update({text(5) or "k": [None, True, 1e308, -1e-308, text(100), [1, 2], {"a": 1}][i % 7]})
        req = pb.ResetEnvironmentRequest(env_id="CartPole-v1", seed=i, options=options)
        yield f"options {i}", "ResetEnvironment", req.SerializeToString(), grpc.StatusCode.OK


def test_fuzzed_requests_get_their_codes_and_the_server_keeps_serving():
    envs = {e.env_id: e for e in (ServedEnvironment(MULTIROOM, key=KEY), ServedEnvironment("CartPole-v1", key=KEY))}
    server = EnvServer(envs, port=0, seed=1, max_batch_items=MAX_ITEMS, max_request_bytes=MAX_REQUEST).start()
    rng = np.random.default_rng(2024)
    try:
        with grpc.insecure_channel(server.address, options=[("grpc.max_send_message_length", 8 << 20)]) as ch:
            stub = pb_grpc.EnvironmentServiceStub(ch)
            tokens = {e: stub.ResetEnvironment(pb.ResetEnvironmentRequest(env_id=e, seed=0), timeout=30).state.state_token
                      for e in envs}
            n = 0
            for what, method, body, expected in _cases(rng, tokens):
                call = ch.unary_unary(SERVICE + method, request_serializer=None, response_deserializer=None)
                try:
                    call(body, timeout=30)
                    code, details = grpc.StatusCode.OK, ""
                except grpc.RpcError as e:
                    code, details = e.code(), e.details() or ""
                assert code == expected, f"{what} ({method}): expected {expected.name}, got {code.name}: {details[:300]}"
                assert len(details) < 1000, f"{what}: a {len(details)}-character message"
                n += 1
            assert n >= 300
            # raw garbage to the health service blames the request too (grpcio's own answer was INTERNAL)
            check = ch.unary_unary("/grpc.health.v1.Health/Check", request_serializer=None, response_deserializer=None)
            for body in (b"\x0a\xff\xff", b"\xff" * 12, bytes(rng.integers(0, 256, 40, dtype=np.uint8))):
                with pytest.raises(grpc.RpcError) as bad:
                    check(body, timeout=5)
                assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT, bad.value.details()
            assert health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=5).status \
                == health_pb2.HealthCheckResponse.SERVING
            state = stub.ResetEnvironment(pb.ResetEnvironmentRequest(env_id=MULTIROOM, seed=5), timeout=30).state
            step = stub.StepBatch(pb.StepBatchRequest(env_id=MULTIROOM, items=[pb.StepItem(
                state_token=state.state_token, action=2)]), timeout=30)
            assert len(step.results) == 1 and step.results[0].next.state_token
    finally:
        server.stop(grace=None)
