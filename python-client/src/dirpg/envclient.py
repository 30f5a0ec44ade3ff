"""A thin Python client of the DirPG environment protocol.

Call order: ``RemoteEnv(address, env_id)`` (describes the env), then ``reset(seed)`` and
``step_batch(tokens, actions)`` any number of times, then ``close()`` (or use it as a context manager).
Server errors arrive as ``RemoteEnvError`` carrying the gRPC status code and the server's message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import grpc
import numpy as np

from dirpg.credentials import Credentials
from dirpg.env.v1 import environment_pb2 as pb
from dirpg.env.v1 import environment_pb2_grpc as pb_grpc
from dirpg.envserver.service import MAX_MESSAGE_BYTES
from dirpg.observations import decode_tensor


class RemoteEnvError(RuntimeError):
    """A failed call: ``code`` is the gRPC status code, the message is the server's."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class State:
    """A state as the client sees it: its token, observation tensors, legal-action mask and return-to-go bounds
    (None = absent = no bound known; a bound the server sent stays as sent, an infinity included)."""

    token: bytes
    observation: dict[str, np.ndarray]
    legal_actions: int
    terminal: bool
    upper_bound: float | None
    lower_bound: float | None = None

    def legal(self) -> list[int]:
        return [a for a in range(64) if (self.legal_actions >> a) & 1]


@dataclass(frozen=True)
class Step:
    """The result of stepping one (token, action) pair."""

    next: State
    reward: float
    terminated: bool
    truncated: bool


def _state(view: pb.StateView) -> State:
    return State(token=view.state_token, observation={t.name: decode_tensor(t) for t in view.observation},
                 legal_actions=view.legal_actions, terminal=view.terminal,
                 upper_bound=_bound(view, "return_to_go_upper_bound"),
                 lower_bound=_bound(view, "return_to_go_lower_bound"))


def _bound(view: pb.StateView, field: str) -> float | None:
    """An optional bound of ``view``: None when absent (explicit presence, proto3 ``optional``)."""
    return getattr(view, field) if view.HasField(field) else None


class RemoteEnv:
    """One environment of an env server at ``address`` ("host:port"), called with ``credentials`` (TLS and a
    bearer token; default ``Credentials.load()``: from the environment variables, plaintext without a CA)."""

    def __init__(self, address: str, env_id: str, timeout: float = 30.0, credentials: Credentials | None = None):
        self.credentials = credentials or Credentials.load()
        self._metadata = self.credentials.metadata
        self._channel = self.credentials.channel(address, options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)])
        self._stub = pb_grpc.EnvironmentServiceStub(self._channel)
        self._timeout = timeout
        self.env_id = env_id
        self.description: pb.EnvironmentDescription = self._call(
            self._stub.DescribeEnvironment, pb.DescribeEnvironmentRequest(env_id=env_id)).environment

    def _call(self, method, request):
        try:
            return method(request, timeout=self._timeout, metadata=self._metadata)
        except grpc.RpcError as e:
            raise RemoteEnvError(e.code(), e.details()) from None

    def reset(self, seed: int | None = None, options: dict | None = None) -> State:
        request = pb.ResetEnvironmentRequest(env_id=self.env_id, seed=seed)
        if options is not None:
            request.options.update(options)
        return _state(self._call(self._stub.ResetEnvironment, request).state)

    def step_batch(self, tokens: Sequence[bytes], actions: Sequence[int]) -> list[Step]:
        if len(tokens) != len(actions):
            raise ValueError(f"step_batch got {len(tokens)} tokens but {len(actions)} actions; they pair up")
        request = pb.StepBatchRequest(env_id=self.env_id, items=[
            pb.StepItem(state_token=t, action=int(a)) for t, a in zip(tokens, actions)])
        return [Step(next=_state(r.next), reward=r.reward, terminated=r.terminated, truncated=r.truncated)
                for r in self._call(self._stub.StepBatch, request).results]

    def step(self, token: bytes, action: int) -> Step:
        return self.step_batch([token], [action])[0]

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> RemoteEnv:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
