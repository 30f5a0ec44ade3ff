"""StepStream on a real env server: each request answered in order with exactly StepBatch's bytes; the first failing
request ends the stream with StepBatch's code, its message naming the request, after the earlier responses arrived;
the same token and bearer checks; streams run on their own capped pool, so unary calls never wait for them."""

from __future__ import annotations

import queue

import grpc
import pytest

from conftest import KEY, MULTIROOM, serve
from dirpg.env.v1 import environment_pb2 as pb
from dirpg.env.v1 import environment_pb2_grpc as pb_grpc
from dirpg.envserver.service import EnvServer
from dirpg.served_env import ServedEnvironment

STREAM = "/dirpg.env.v1.EnvironmentService/StepStream"


class Stream:
    """A client stream driven one request at a time: ``send(request)`` then ``receive()``; ``close()`` half-closes.
    ``raw`` streams send bytes as they are (for malformed requests)."""

    def __init__(self, channel: grpc.Channel, raw: bool = False, metadata=()):
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        if raw:
            call = channel.stream_stream(STREAM, request_serializer=lambda b: b,
                                         response_deserializer=pb.StepBatchResponse.FromString)
        else:
            call = pb_grpc.EnvironmentServiceStub(channel).StepStream
        self._responses = call(iter(self._requests.get, None), metadata=metadata, timeout=30)

    def send(self, request) -> None:
        self._requests.put(request)

    def receive(self) -> pb.StepBatchResponse:
        return next(self._responses)

    def close(self) -> None:
        self._requests.put(None)


def _bytes(message) -> bytes:
    return message.SerializeToString(deterministic=True)


def _requests(stub, env_id: str) -> list[pb.StepBatchRequest]:
    """Batches of 1, 3, 5 and 0 items from reset roots and their successors, with a reset item in the middle (actions
    0 and 1: legal in every env used here)."""
    roots = [stub.ResetEnvironment(pb.ResetEnvironmentRequest(env_id=env_id, seed=s)).state for s in range(3)]
    one = pb.StepBatchRequest(env_id=env_id, items=[pb.StepItem(state_token=roots[0].state_token, action=1)])
    nexts = [r.next for r in stub.StepBatch(pb.StepBatchRequest(env_id=env_id, items=[
        pb.StepItem(state_token=v.state_token, action=1) for v in roots])).results]
    three = pb.StepBatchRequest(env_id=env_id, items=[pb.StepItem(state_token=v.state_token, action=0)
                                                      for v in nexts])
    five = pb.StepBatchRequest(env_id=env_id, items=[
        pb.StepItem(state_token=roots[1].state_token, action=0), pb.StepItem(state_token=nexts[2].state_token, action=1),
        pb.StepItem(reset_seed=-7), pb.StepItem(state_token=roots[2].state_token, action=1),
        pb.StepItem(state_token=nexts[0].state_token, action=0)])
    return [one, three, five, pb.StepBatchRequest(env_id=env_id)]


@pytest.mark.parametrize("env_id", [MULTIROOM, "CartPole-v1"])
def test_stream_responses_are_byte_equal_to_step_batch_and_in_order(plain_server, env_id):
    with grpc.insecure_channel(plain_server.address) as channel:
        stub = pb_grpc.EnvironmentServiceStub(channel)
        requests = _requests(stub, env_id)
        unary = [_bytes(stub.StepBatch(r)) for r in requests]
        stream = Stream(channel)
        for r, expected in zip(requests, unary):  # lockstep, as the Java client uses it
            stream.send(r)
            assert _bytes(stream.receive()) == expected
        for r in requests:  # pipelined: every request first, then the answers, still in order
            stream.send(r)
        assert [_bytes(stream.receive()) for _ in requests] == unary
        stream.close()
        with pytest.raises(StopIteration):
            stream.receive()


def test_a_tampered_token_mid_stream_ends_it_naming_the_request_after_the_earlier_answers(plain_server):
    with grpc.insecure_channel(plain_server.address) as channel:
        stub = pb_grpc.EnvironmentServiceStub(channel)
        good = _requests(stub, MULTIROOM)[1]
        token = good.items[1].state_token
        tampered = pb.StepBatchRequest(env_id=MULTIROOM, items=[
            good.items[0], pb.StepItem(state_token=token[:60] + bytes([token[60] ^ 1]) + token[61:], action=1)])
        stream = Stream(channel)
        for r in (good, good, tampered, good):
            stream.send(r)
        expected = _bytes(stub.StepBatch(good))
        assert _bytes(stream.receive()) == expected
        assert _bytes(stream.receive()) == expected
        with pytest.raises(grpc.RpcError) as failed:
            stream.receive()
        assert failed.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert failed.value.details().startswith("request 2: item 1: "), failed.value.details()
        assert "HMAC" in failed.value.details()
        with pytest.raises(grpc.RpcError) as unary:
            stub.StepBatch(tampered)
        assert failed.value.details() == "request 2: " + unary.value.details()  # StepBatch's own message
        assert _bytes(stub.StepBatch(good)) == expected  # the server keeps serving


def test_foreign_tokens_unknown_envs_and_malformed_requests_end_the_stream_with_step_batch_codes(plain_server):
    other_key = serve([ServedEnvironment(MULTIROOM, key=b"another-fleet-key-000000000000")])
    try:
        with grpc.insecure_channel(other_key.address) as other:
            foreign = pb_grpc.EnvironmentServiceStub(other).ResetEnvironment(
                pb.ResetEnvironmentRequest(env_id=MULTIROOM, seed=1)).state.state_token
        cases = [
            (pb.StepBatchRequest(env_id=MULTIROOM, items=[pb.StepItem(state_token=foreign, action=2)]),
             grpc.StatusCode.INVALID_ARGUMENT, "request 0: item 0: ", "another fleet key"),
            (pb.StepBatchRequest(env_id="NoSuchEnv-v0"), grpc.StatusCode.NOT_FOUND, "request 0: env 'NoSuchEnv-v0'",
             "served:"),
            (b"\xff\xff\xff", grpc.StatusCode.INVALID_ARGUMENT, "request 0: StepStream: the request is not a valid "
                                                                "protobuf message", ""),
        ]
        with grpc.insecure_channel(plain_server.address) as channel:
            for request, code, start, fragment in cases:
                stream = Stream(channel, raw=isinstance(request, bytes))
                stream.send(request)
                with pytest.raises(grpc.RpcError) as failed:
                    stream.receive()
                assert failed.value.code() == code, failed.value.details()
                assert failed.value.details().startswith(start), failed.value.details()
                assert fragment in failed.value.details()
    finally:
        other_key.stop(grace=None)


def test_a_stream_needs_the_bearer_token(monkeypatch):
    token = "stream-bearer-token-0123456789"
    server = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, port=0, bearer_token=token).start()
    try:
        with grpc.insecure_channel(server.address) as channel:
            for metadata, ok in (((), False), ((("authorization", "Bearer wrong-token-0123456789"),), False),
                                 ((("authorization", f"Bearer {token}"),), True)):
                stream = Stream(channel, metadata=metadata)
                stream.send(pb.StepBatchRequest(env_id="CartPole-v1", items=[pb.StepItem(reset_seed=1)]))
                if ok:
                    assert len(stream.receive().results) == 1
                    stream.close()
                else:
                    with pytest.raises(grpc.RpcError) as failed:
                        stream.receive()
                    assert failed.value.code() == grpc.StatusCode.UNAUTHENTICATED
                    assert "bearer token" in failed.value.details()
    finally:
        server.stop(grace=None)


def test_streams_over_the_cap_are_refused_and_unary_calls_never_wait_for_open_streams():
    server = EnvServer({"CartPole-v1": ServedEnvironment("CartPole-v1", key=KEY)}, port=0, max_workers=1,
                       max_streams=2).start()
    reset = pb.StepBatchRequest(env_id="CartPole-v1", items=[pb.StepItem(reset_seed=1)])
    try:
        with grpc.insecure_channel(server.address) as channel:
            stub = pb_grpc.EnvironmentServiceStub(channel)
            held = [Stream(channel), Stream(channel)]
            for s in held:  # both open, each holding a thread of the stream pool
                s.send(reset)
                assert len(s.receive().results) == 1
            over = Stream(channel)
            over.send(reset)
            with pytest.raises(grpc.RpcError) as failed:
                over.receive()
            assert failed.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "at most 2 open on this server (--max-streams)" in failed.value.details()
            assert len(stub.StepBatch(reset, timeout=5).results) == 1  # the one worker is free for unary calls
            held[0].close()
            with pytest.raises(StopIteration):
                held[0].receive()
            again = Stream(channel)  # the closed stream's place is free again
            again.send(reset)
            assert len(again.receive().results) == 1
            again.close()
            held[1].close()
    finally:
        server.stop(grace=None)
