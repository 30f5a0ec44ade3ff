"""The env server's health checks answer while its workers are saturated, StepBatch has a cap on items, and
malformed protobuf is INVALID_ARGUMENT."""

from __future__ import annotations

import threading
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dirpg.env.v1 import environment_pb2 as pb
from dirpg.env.v1 import environment_pb2_grpc as pb_grpc
from dirpg.envclient import RemoteEnv, RemoteEnvError
from dirpg.envserver.service import EnvServer
from dirpg.served_env import ServedEnvironment
from conftest import KEY

SLOW = "DirpgTest/Slow-v0"


def test_health_answers_within_a_second_while_every_worker_is_busy():
    server = EnvServer({SLOW: ServedEnvironment(SLOW, key=KEY)}, port=0, max_workers=2).start()
    try:
        remote = RemoteEnv(server.address, SLOW)
        token = remote.reset(1).token
        done = []

        def big_batch():  # 40 items x 50 ms: each call holds a worker for 2 s; 6 calls queue for 6 s on 2 workers
            try:
                remote.step_batch([token] * 40, [0] * 40)
                done.append(True)
            except RemoteEnvError as e:
                done.append(e)

        callers = [threading.Thread(target=big_batch) for _ in range(6)]
        for t in callers:
            t.start()
        time.sleep(0.3)  # the batches have reached the workers
        with grpc.insecure_channel(server.address) as ch:
            stub = health_pb2_grpc.HealthStub(ch)
            for _ in range(3):
                t0 = time.monotonic()
                status = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1.0).status
                assert status == health_pb2.HealthCheckResponse.SERVING
                assert time.monotonic() - t0 < 1.0
                time.sleep(0.2)
        assert len(done) < 6, "the workers were still saturated while health answered"
        for t in callers:
            t.join(30)
        assert done == [True] * 6
        remote.close()
    finally:
        server.stop(grace=None)


def test_step_batch_items_are_capped_and_the_cap_is_named():
    server = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, port=0, max_batch_items=8).start()
    try:
        remote = RemoteEnv(server.address, "CartPole-v1")
        token = remote.reset(1).token
        assert len(remote.step_batch([token] * 8, [0] * 8)) == 8
        with pytest.raises(RemoteEnvError) as e:
            remote.step_batch([token] * 9, [0] * 9)
        assert e.value.code == grpc.StatusCode.INVALID_ARGUMENT
        assert e.value.message == "items: at most 8 per StepBatch on this server (--max-batch-items), got 9; split " \
                                  "the batch"
        remote.close()
    finally:
        server.stop(grace=None)
    with pytest.raises(ValueError, match="--max-batch-items must be at least 1, got 0"):
        EnvServer({}, port=0, max_batch_items=0)


def test_malformed_protobuf_is_invalid_argument(plain_server):
    with grpc.insecure_channel(plain_server.address) as ch:
        raw = ch.unary_unary("/dirpg.env.v1.EnvironmentService/StepBatch", request_serializer=None,
                             response_deserializer=None)
        with pytest.raises(grpc.RpcError) as e:
            raw(b"\x0a\xff\xff\xff\x0f" + b"x" * 10, timeout=10)  # a length past the end of the message
        assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert e.value.details().startswith("StepBatch: the request is not a valid protobuf message")
        ok = pb_grpc.EnvironmentServiceStub(ch).ListEnvironments(pb.ListEnvironmentsRequest(), timeout=10)
        assert len(ok.environments) == 4
