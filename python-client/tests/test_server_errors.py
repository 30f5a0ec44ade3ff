"""Error codes and messages of the env server; after every failed call the server keeps serving."""

from __future__ import annotations

import grpc
import pytest

from dirpg.envclient import RemoteEnv, RemoteEnvError
from dirpg.env.v1 import environment_pb2 as pb
from dirpg.env.v1 import environment_pb2_grpc as pb_grpc
from dirpg.served_env import ServedEnvironment
from conftest import KEY, MULTIROOM, serve


def _expect(code: grpc.StatusCode, *fragments: str):
    class _Check:
        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            assert exc_type is RemoteEnvError, f"expected {code.name}, got {exc_type}"
            assert exc.code == code, exc.message
            for f in fragments:
                assert f in exc.message, f"'{f}' not in '{exc.message}'"
            return True
    return _Check()


def _still_serving(remote: RemoteEnv):
    state = remote.reset(3)
    assert remote.step(state.token, 2).next.token


def test_malformed_tampered_and_foreign_tokens_are_invalid_argument(plain_server):
    remote = RemoteEnv(plain_server.address, MULTIROOM)
    token = remote.reset(1).token
    cases = {
        b"": "too short",
        b"x" * 100: "magic",
        token[:4] + bytes([9]) + token[5:]: "version 9",
        token[:-40]: "HMAC",
        token[:60] + bytes([token[60] ^ 1]) + token[61:]: "HMAC",
        token[:-1] + bytes([token[-1] ^ 0x80]): "HMAC",
    }
    for bad, fragment in cases.items():
        with _expect(grpc.StatusCode.INVALID_ARGUMENT, "item 0", fragment):
            remote.step(bad, 2)
        _still_serving(remote)
    # Bad item in the middle of a batch: the message names its index.
    with _expect(grpc.StatusCode.INVALID_ARGUMENT, "item 1", "HMAC"):
        remote.step_batch([token, token[:-1] + b"\x00", token], [2, 2, 2])
    remote.close()


def test_tokens_of_another_env_id_key_or_configuration_are_rejected(plain_server):
    multiroom = RemoteEnv(plain_server.address, MULTIROOM)
    doorkey = RemoteEnv(plain_server.address, "MiniGrid-DoorKey-6x6-v0")
    with _expect(grpc.StatusCode.INVALID_ARGUMENT, "belongs to env 'MiniGrid-DoorKey-6x6-v0'", MULTIROOM):
        multiroom.step(doorkey.reset(1).token, 2)
    other_key = serve([ServedEnvironment(MULTIROOM, key=b"another-fleet-key-000000000000")])
    other_config = serve([ServedEnvironment(MULTIROOM, key=KEY, env_kwargs={"max_steps": 50})])
    try:
        with _expect(grpc.StatusCode.INVALID_ARGUMENT, "HMAC", "another fleet key"):
            multiroom.step(RemoteEnv(other_key.address, MULTIROOM).reset(1).token, 2)
        with _expect(grpc.StatusCode.INVALID_ARGUMENT, "another configuration"):
            multiroom.step(RemoteEnv(other_config.address, MULTIROOM).reset(1).token, 2)
    finally:
        other_key.stop(grace=None)
        other_config.stop(grace=None)
    _still_serving(multiroom)
    multiroom.close()
    doorkey.close()


def test_unknown_env_is_not_found_on_every_rpc(plain_server):
    with grpc.insecure_channel(plain_server.address) as channel:
        stub = pb_grpc.EnvironmentServiceStub(channel)
        calls = [(stub.DescribeEnvironment, pb.DescribeEnvironmentRequest(env_id="NoSuchEnv-v0")),
                 (stub.ResetEnvironment, pb.ResetEnvironmentRequest(env_id="NoSuchEnv-v0", seed=1)),
                 (stub.StepBatch, pb.StepBatchRequest(env_id="NoSuchEnv-v0", items=[pb.StepItem(action=0)]))]
        for method, request in calls:
            with pytest.raises(grpc.RpcError) as err:
                method(request, timeout=10)
            assert err.value.code() == grpc.StatusCode.NOT_FOUND
            assert "'NoSuchEnv-v0'" in err.value.details() and MULTIROOM in err.value.details()
    _still_serving(RemoteEnv(plain_server.address, MULTIROOM))


def test_illegal_actions_and_terminal_states_are_invalid_argument(plain_server, paper_server):
    remote = RemoteEnv(plain_server.address, MULTIROOM)
    token = remote.reset(2).token
    for action in (7, -1, 1000):
        with _expect(grpc.StatusCode.INVALID_ARGUMENT, f"action {action} is illegal", "[0, 1, 2, 3, 4, 5, 6]"):
            remote.step(token, action)
    paper = RemoteEnv(paper_server.address, MULTIROOM)
    state = paper.reset(2)
    assert state.legal_actions == 0b100111 and state.legal() == [0, 1, 2, 5]
    for action in (3, 4, 6):
        with _expect(grpc.StatusCode.INVALID_ARGUMENT, f"action {action} is illegal", "[0, 1, 2, 5]"):
            paper.step(state.token, action)
    cartpole = RemoteEnv(plain_server.address, "CartPole-v1")
    token = cartpole.reset(0).token
    for _ in range(600):  # always pushing left topples the pole within a few dozen steps
        step = cartpole.step(token, 0)
        token = step.next.token
        if step.next.terminal:
            break
    assert step.terminated and step.next.legal_actions == 0
    with _expect(grpc.StatusCode.INVALID_ARGUMENT, "terminal"):
        cartpole.step(token, 0)
    _still_serving(remote)


def test_non_finite_reward_is_internal_and_names_the_env(plain_server):
    remote = RemoteEnv(plain_server.address, "DirpgTest/NanReward-v0")
    token = remote.reset(0).token
    with _expect(grpc.StatusCode.INTERNAL, "'DirpgTest/NanReward-v0'", "non-finite reward nan"):
        remote.step(token, 1)
    _still_serving(RemoteEnv(plain_server.address, MULTIROOM))


def test_bad_configurations_fail_at_startup_with_clear_messages():
    with pytest.raises(ValueError, match="observation '1' is a Text space; supported: Box, Discrete"):
        ServedEnvironment("DirpgTest/TextObs-v0", key=KEY)
    with pytest.raises(ValueError, match="subset of 0..6"):
        ServedEnvironment(MULTIROOM, key=KEY, actions=[0, 9])
    with pytest.raises(ValueError, match=r"cannot be saved and restored \(minigrid: not a MiniGrid env\); implement get_state"):
        ServedEnvironment("CartPole-v1", key=KEY, snapshot="minigrid")
    with pytest.raises(ValueError, match="paper reward needs a MiniGrid MultiRoom"):
        ServedEnvironment("MiniGrid-Empty-5x5-v0", key=KEY, paper_reward_variant=True)
    with pytest.raises(ValueError, match="at least 16"):
        ServedEnvironment(MULTIROOM, key=b"short")


def test_batch_results_are_in_item_order(plain_server):
    remote = RemoteEnv(plain_server.address, MULTIROOM)
    states = [remote.reset(s) for s in range(8)]
    actions = [i % 3 for i in range(8)]
    batch = remote.step_batch([s.token for s in states], actions)
    for s, a, r in zip(states, actions, batch):
        assert r.next.token == remote.step(s.token, a).next.token
    description = remote.description
    assert [(t.name, list(t.shape), t.dtype) for t in description.observation] == [
        ("image", [7, 7, 3], pb.D_TYPE_UINT8), ("direction", [], pb.D_TYPE_INT64)]
    assert description.num_actions == 7 and not description.provides_bound
    # no bound known: the optional fields are absent (not 0, which a plain double could not tell apart)
    assert all(s.upper_bound is None and s.lower_bound is None for s in states)
    remote.close()
