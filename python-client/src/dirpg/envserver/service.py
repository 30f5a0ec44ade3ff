"""The gRPC EnvironmentService over a set of ServedEnvironments, and the server around it.

Errors are mapped here, once: unknown env id -> NOT_FOUND; InvalidTokenError, IllegalActionError and bad
requests -> INVALID_ARGUMENT; EnvironmentFault -> INTERNAL. Messages name the env, the batch item and the
problem. A failed call leaves the server serving.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
from concurrent import futures

import grpc
import numpy as np
from google.protobuf import json_format
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from dirpg.env.v1 import environment_pb2 as pb
from dirpg.env.v1 import environment_pb2_grpc as pb_grpc
from dirpg.envserver.security import (BearerTokenInterceptor, HealthOutsideThePool, ParseInside, ServerTls,
                                     check_bind, notice)
from dirpg.envserver.step_socket import StepSocketServer
from dirpg.envserver.streams import DEFAULT_MAX_STREAMS, StreamsOnTheirPool
from dirpg.served_env import EnvironmentFault, IllegalActionError, ServedEnvironment
from dirpg.tokens import InvalidTokenError

log = logging.getLogger(__name__)
SERVICE_NAME = "dirpg.env.v1.EnvironmentService"
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
"""What clients accept (responses of big batches); the server's own receive limit is ``max_message_bytes``."""
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_BATCH_ITEMS = 4096
HEALTH_THREADS = 2


def _cut(text: str, limit: int = 80) -> str:
    """``text`` shortened for an error message (a huge id must not blow the status header up)."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


class CallError(Exception):
    """A request the service refuses: ``code`` and ``message`` become the call's status (``abort``)."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def abort(self, context, prefix: str = "") -> None:
        """Ends the call with this status, ``prefix`` before the message (raises, as ``context.abort`` does)."""
        context.abort(self.code, prefix + self.message)


def _unsigned(seed: int) -> int:
    """The protocol's seed is an int64; Java callers draw from the whole range. It is reinterpreted as the unsigned
    64-bit value with the same bits, which Gymnasium's seeding accepts."""
    return seed & 0xFFFF_FFFF_FFFF_FFFF


class EnvironmentServicer(pb_grpc.EnvironmentServiceServicer):
    """Serves ``envs`` (env id -> ServedEnvironment); ``seed`` seeds the picks of unset reset seeds."""

    def __init__(self, envs: dict[str, ServedEnvironment], seed: int | None = None,
                 max_batch_items: int = DEFAULT_MAX_BATCH_ITEMS):
        if max_batch_items < 1:
            raise ValueError(f"--max-batch-items must be at least 1, got {max_batch_items}")
        self._envs = envs
        # a user's env served as "module:Name-v0" (Gymnasium's import syntax) is also found as "Name-v0"
        bare = [i.split(":", 1)[1] for i in envs if ":" in i]
        self._aliases = {i.split(":", 1)[1]: i for i in envs
                         if ":" in i and bare.count(i.split(":", 1)[1]) == 1 and i.split(":", 1)[1] not in envs}
        self._max_batch_items = max_batch_items
        self._seed_rng = np.random.default_rng(seed)
        self._seed_lock = threading.Lock()
        self.step_socket = ""  # the step socket's path once one serves (EnvServer), named in every description

    def _describe(self, env: ServedEnvironment) -> pb.EnvironmentDescription:
        description = env.describe()
        if self.step_socket:
            description.step_socket = self.step_socket
        return description

    def _env(self, env_id: str, context) -> ServedEnvironment:
        try:
            return self._served(env_id)
        except CallError as e:
            e.abort(context)

    def _served(self, env_id: str) -> ServedEnvironment:
        env = self._envs.get(env_id) or self._envs.get(self._aliases.get(env_id, ""))
        if env is None:
            raise CallError(grpc.StatusCode.NOT_FOUND,
                            f"env '{_cut(env_id)}' is not served here; served: {sorted(self._envs)}")
        return env

    def ListEnvironments(self, request, context):
        return pb.ListEnvironmentsResponse(environments=[self._describe(e) for e in self._envs.values()])

    def DescribeEnvironment(self, request, context):
        return pb.DescribeEnvironmentResponse(environment=self._describe(self._env(request.env_id, context)))

    def ResetEnvironment(self, request, context):
        env = self._env(request.env_id, context)
        if request.HasField("seed"):
            seed = _unsigned(request.seed)
        else:
            with self._seed_lock:
                seed = ServedEnvironment.np_seed(self._seed_rng)
        options = json_format.MessageToDict(request.options) if request.HasField("options") else None
        try:
            return pb.ResetEnvironmentResponse(state=env.reset(seed, options))
        except EnvironmentFault as e:
            context.abort(grpc.StatusCode.INTERNAL, _cut(str(e), 300))
        except (TypeError, ValueError) as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"env '{env.env_id}' rejected the reset: {_cut(str(e), 300)}")

    def StepBatch(self, request, context):
        try:
            return self._step_batch(request)
        except CallError as e:
            e.abort(context)

    def StepStream(self, request_iterator, context):
        """StepBatch per request, one response each, in order; the first failing request n ends the stream with
        StepBatch's status, its message prefixed "request <n>: " (the responses before it were sent)."""
        for n, request in enumerate(request_iterator):
            try:
                yield self._step_batch(request)
            except CallError as e:
                e.abort(context, prefix=f"request {n}: ")

    def step_batch_frame(self, request) -> tuple[grpc.StatusCode, bytes]:
        """StepBatch for the step socket: (OK, the serialized response) or (the status, its message in UTF-8)."""
        try:
            return grpc.StatusCode.OK, self._step_batch(request).SerializeToString()
        except CallError as e:
            return e.code, e.message.encode()

    def _step_batch(self, request) -> pb.StepBatchResponse:
        """The work of one StepBatch request (unary or on a stream); CallError names the failing item."""
        env = self._served(request.env_id)
        if len(request.items) > self._max_batch_items:
            raise CallError(grpc.StatusCode.INVALID_ARGUMENT,
                            f"items: at most {self._max_batch_items} per StepBatch on this server "
                            f"(--max-batch-items), got {len(request.items)}; split the batch")
        response = pb.StepBatchResponse()
        results = response.results
        for i, item in enumerate(request.items):
            try:
                if item.HasField("reset_seed"):  # a reset item: the state ResetEnvironment gives, reward 0
                    results.add().next.CopyFrom(env.reset(_unsigned(item.reset_seed), None))
                else:  # built in place in the response (no copy of each result into it)
                    env.step_into(results.add(), item.state_token, item.action)
            except (InvalidTokenError, IllegalActionError) as e:
                raise CallError(grpc.StatusCode.INVALID_ARGUMENT, f"item {i}: {_cut(str(e), 300)}") from None
            except EnvironmentFault as e:
                raise CallError(grpc.StatusCode.INTERNAL, f"item {i}: {_cut(str(e), 300)}") from None
        return response


class PortInUseError(OSError):
    """The port is taken by another listening socket (another server)."""


def check_port_free(host: str, port: int) -> None:
    """Raises PortInUseError if something already listens on ``host:port`` (port 0 is never busy).

    grpcio binds with SO_REUSEPORT by default, so a second server on a busy port would bind too and the kernel
    would split the connections between the two (with different token keys, most steps then fail their HMAC
    check). EnvServer turns that off (``grpc.so_reuseport`` 0), and probes first with a plain socket so the
    refusal is one clear error rather than gRPC's log lines. SO_REUSEADDR on the probe lets a port that only
    has connections in TIME_WAIT (a server just restarted) count as free, as it does for gRPC.
    """
    if port == 0:
        return
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return  # gRPC reports an unresolvable host when it binds
    for family, kind, proto, _, sockaddr in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(sockaddr)
            except OSError as e:
                if e.errno == errno.EADDRINUSE:
                    raise PortInUseError(f"port {port} on {host} is already in use (another server listens "
                                         f"there); stop that server or choose another port (0 picks a free one)"
                                         ) from None
                # Other failures (e.g. no IPv6 for one of a name's addresses) are left to gRPC's bind.


class EnvServer:
    """A gRPC server with the EnvironmentService and the health service (SERVING once started).

    ``tls`` serves over TLS (mutual TLS when it has a client CA); ``bearer_token`` requires that token on every
    call but health; beyond loopback both TLS and authentication are required (``security.check_bind``).
    Health checks run on their own threads, outside the ``max_workers`` pool, and so do StepStreams (at most
    ``max_streams`` open, ``streams.StreamsOnTheirPool``); a StepBatch of more than ``max_batch_items`` items and a
    request over ``max_request_bytes`` are refused.

    Call order: ``start()`` (binds; ``port`` is then the bound port), ``wait()`` or ``stop(grace)``.
    A busy ``port`` raises PortInUseError; an address gRPC cannot bind raises OSError naming it.
    """

    def __init__(self, envs: dict[str, ServedEnvironment], host: str = "127.0.0.1", port: int = 0,
                 seed: int | None = None, max_workers: int = 4, tls: ServerTls | None = None,
                 bearer_token: str | None = None, max_batch_items: int = DEFAULT_MAX_BATCH_ITEMS,
                 max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES, max_streams: int = DEFAULT_MAX_STREAMS,
                 step_socket: str | None = None):
        check_bind(host, tls is not None, bearer_token is not None or (tls is not None and tls.mutual))
        if max_request_bytes < 1024:
            raise ValueError(f"--max-request-bytes must be at least 1024, got {max_request_bytes}")
        self._streams = StreamsOnTheirPool(SERVICE_NAME, max_streams)  # first: it checks max_streams
        self._health_pool = futures.ThreadPoolExecutor(max_workers=HEALTH_THREADS, thread_name_prefix="dirpg-health")
        interceptors = [HealthOutsideThePool(self._health_pool), self._streams, ParseInside(SERVICE_NAME),
                        ParseInside("grpc.health.v1.Health")]  # garbage to health blames the request too
        if bearer_token is not None:
            interceptors.insert(0, BearerTokenInterceptor(bearer_token))
        self._server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="dirpg-env"),
            interceptors=interceptors,
            options=[("grpc.max_receive_message_length", max_request_bytes),
                     ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                     ("grpc.so_reuseport", 0)])  # never share a port with another server: see check_port_free
        self._servicer = EnvironmentServicer(envs, seed, max_batch_items)
        pb_grpc.add_EnvironmentServiceServicer_to_server(self._servicer, self._server)
        self._step_socket_args = (step_socket, bearer_token, max_request_bytes)
        self.step_socket: StepSocketServer | None = None
        self._health = health.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self._health, self._server)
        self.envs = envs
        self.host = host
        self.tls = tls
        self.notice = notice(host, tls, bearer_token is not None)
        check_port_free(host, port)
        try:
            if tls is None:
                self.port = self._server.add_insecure_port(f"{host}:{port}")
            else:
                self.port = self._server.add_secure_port(f"{host}:{port}", tls.credentials())
        except RuntimeError as e:  # grpcio raises RuntimeError when no address could be bound
            self.port = 0
            reason = str(e)
        else:
            reason = ""
        if self.port == 0:
            if tls is not None:  # grpcio reports unusable TLS files as a failed bind
                raise OSError(f"cannot serve TLS on {host}:{port}: gRPC refused the certificate and key; check that "
                              f"--tls-key is the private key of --tls-cert and that both are valid PEM")
            raise OSError(f"cannot listen on {host}:{port}" + (f" ({reason})" if reason else ""))

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> EnvServer:
        path, token, limit = self._step_socket_args
        if path is not None:  # bound first: a refused path leaves no gRPC server running
            self.step_socket = StepSocketServer(self._servicer, path, token, limit).start()
            self._servicer.step_socket = path
        self._server.start()
        for name in ("", SERVICE_NAME):
            self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
        return self

    def stop(self, grace: float | None = 2.0) -> None:
        self._health.enter_graceful_shutdown()
        if self.step_socket is not None:
            self.step_socket.stop()
        self._server.stop(grace).wait()
        self._health_pool.shutdown(wait=False)
        self._streams.shutdown()

    def wait(self) -> None:
        self._server.wait_for_termination()
