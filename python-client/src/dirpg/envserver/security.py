"""Access control and robustness of the env server, as gRPC server interceptors and credentials.

- ``ServerTls``: the server's certificate and key (and a client CA for mutual TLS) as grpcio's
  ``ssl_server_credentials``.
- ``BearerTokenInterceptor``: every call but health must carry ``authorization: Bearer TOKEN`` with the fleet's
  shared token (from ``--bearer-token-file`` or ``$DIRPG_BEARER_TOKEN``, never the command line); compared as
  SHA-256 digests in constant time; refused with UNAUTHENTICATED before the call reaches the service.
- ``check_bind``: beyond loopback only with TLS and authentication (a token or client certificates); ``notice`` is
  the line the server prints at start.
- ``HealthOutsideThePool``: health checks run on their own small thread pool, so a worker pool saturated by big
  StepBatch calls never makes a health check wait (grpcio runs a behaviour that carries
  ``experimental_thread_pool`` on that pool).
- ``ParseInside``: requests (unary, and each request of a stream) are parsed inside the handler, so malformed
  protobuf is INVALID_ARGUMENT naming the method (grpcio's own parse failure is INTERNAL "Exception deserializing request!").
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import socket
from concurrent import futures
from dataclasses import dataclass

import grpc
from google.protobuf.message import DecodeError

BEARER_TOKEN_ENV_VAR = "DIRPG_BEARER_TOKEN"
MIN_BEARER_TOKEN_CHARS = 16
HEALTH_PREFIX = "/grpc.health.v1.Health/"


def _read_pem(option: str, path: str, block: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ValueError(f"{option}: cannot read '{path}' ({e.strerror}); expected a PEM file") from None
    if block == "PRIVATE KEY" and b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in data:
        raise ValueError(f"{option}: '{path}' is an encrypted key; give an unencrypted PEM private key")
    if f"-----BEGIN {block}-----".encode() not in data and not (
            block == "PRIVATE KEY" and b" PRIVATE KEY-----" in data):
        raise ValueError(f"{option}: '{path}' holds no PEM '{block}' block; expected "
                         f"{'a PEM private key' if block == 'PRIVATE KEY' else 'PEM certificates'}")
    return data


@dataclass(frozen=True)
class ServerTls:
    """PEM bytes of the server's certificate chain and key, and of the CA client certificates must chain to
    (mutual TLS) or None."""

    cert_chain: bytes
    private_key: bytes
    client_ca: bytes | None = None

    @staticmethod
    def load(cert_file: str | None, key_file: str | None, client_ca_file: str | None = None) -> ServerTls | None:
        """None when no file is given; ValueError naming the option when only some are, or one is unreadable."""
        if cert_file is None and key_file is None and client_ca_file is None:
            return None
        if cert_file is None or key_file is None:
            missing, given = ("--tls-cert", "--tls-key") if cert_file is None else ("--tls-key", "--tls-cert")
            raise ValueError(f"{missing}: required with {given} (TLS needs the certificate and its key)")
        return ServerTls(_read_pem("--tls-cert", cert_file, "CERTIFICATE"),
                         _read_pem("--tls-key", key_file, "PRIVATE KEY"),
                         None if client_ca_file is None else _read_pem("--tls-client-ca", client_ca_file,
                                                                       "CERTIFICATE"))

    @property
    def mutual(self) -> bool:
        return self.client_ca is not None

    def credentials(self) -> grpc.ServerCredentials:
        return grpc.ssl_server_credentials([(self.private_key, self.cert_chain)], root_certificates=self.client_ca,
                                           require_client_auth=self.mutual)


def configured_bearer_token(token_file: str | None) -> str | None:
    """The fleet's bearer token from ``token_file``, else ``$DIRPG_BEARER_TOKEN``, else None (no token)."""
    if token_file:
        try:
            with open(token_file, encoding="utf-8") as f:
                token = f.read().strip()
        except OSError as e:
            raise ValueError(f"--bearer-token-file: cannot read '{token_file}' ({e.strerror}); expected a file "
                             f"holding the token every client must present") from None
        source = f"--bearer-token-file '{token_file}'"
    else:
        token = os.environ.get(BEARER_TOKEN_ENV_VAR, "").strip()
        if not token:
            return None
        source = f"${BEARER_TOKEN_ENV_VAR}"
    if len(token) < MIN_BEARER_TOKEN_CHARS or any(c.isspace() or not c.isprintable() for c in token):
        raise ValueError(f"{source}: the bearer token must be at least {MIN_BEARER_TOKEN_CHARS} printable "
                         f"characters without spaces, got {len(token)} characters")
    return token


def _refuse(code: grpc.StatusCode, message: str, streaming: bool = False) -> grpc.RpcMethodHandler:
    """A handler that ends the call with ``code`` and ``message``, of the method's kind (a streaming method is
    refused before its first request is read)."""
    def abort(_request, context):
        context.abort(code, message)
    if streaming:
        return grpc.stream_stream_rpc_method_handler(abort, request_deserializer=lambda raw: raw)
    return grpc.unary_unary_rpc_method_handler(abort, request_deserializer=lambda raw: raw)


class BearerTokenInterceptor(grpc.ServerInterceptor):
    """Refuses every call but health that lacks ``authorization: Bearer <token>``."""

    def __init__(self, token: str):
        self._digest = hashlib.sha256(token.encode()).digest()

    def intercept_service(self, continuation, details):
        if details.method.startswith(HEALTH_PREFIX):
            return continuation(details)
        value = dict(details.invocation_metadata or ()).get("authorization")
        given = value[7:].strip() if value is not None and value[:7].lower() == "bearer " else ""
        if value is not None and hmac.compare_digest(hashlib.sha256(given.encode()).digest(), self._digest):
            return continuation(details)
        handler = continuation(details)
        streaming = handler is not None and handler.stream_stream is not None
        if value is None:
            return _refuse(grpc.StatusCode.UNAUTHENTICATED, "authorization: this server requires a bearer token "
                                                            "(metadata 'authorization: Bearer TOKEN')", streaming)
        return _refuse(grpc.StatusCode.UNAUTHENTICATED, "authorization: the bearer token is not valid on this "
                                                        "server", streaming)


class HealthOutsideThePool(grpc.ServerInterceptor):
    """Runs Health/Check on ``pool`` instead of the server's worker pool. (Watch streams stay on the worker pool:
    a long-lived stream would hold a health thread.)"""

    def __init__(self, pool: futures.ThreadPoolExecutor):
        self._pool = pool

    def intercept_service(self, continuation, details):
        handler = continuation(details)
        if handler is None or details.method != HEALTH_PREFIX + "Check" or handler.unary_unary is None:
            return handler
        check = handler.unary_unary

        def behaviour(request, context):
            return check(request, context)

        behaviour.experimental_thread_pool = self._pool
        return handler._replace(unary_unary=behaviour)


class ParseInside(grpc.ServerInterceptor):
    """Parses the requests of ``service`` inside the handler (unary calls and bidirectional streams): malformed
    protobuf becomes INVALID_ARGUMENT naming the method (and, on a stream, the request's index)."""

    def __init__(self, service: str):
        self._prefix = f"/{service}/"

    def intercept_service(self, continuation, details):
        handler = continuation(details)
        if handler is None or not details.method.startswith(self._prefix) or handler.request_deserializer is None \
                or (handler.unary_unary is None and handler.stream_stream is None):
            return handler
        parse = handler.request_deserializer
        method = details.method.rsplit("/", 1)[-1]

        def parsed(raw, context, where: str = ""):
            try:
                return parse(raw)
            except (DecodeError, ValueError, TypeError) as e:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"{where}{method}: the request is not a valid "
                                                                f"protobuf message ({' '.join(str(e).split())[:120]})")

        if handler.stream_stream is not None:
            stream = handler.stream_stream

            def streaming(raw_requests, context):
                requests = (parsed(raw, context, f"request {n}: ") for n, raw in enumerate(raw_requests))
                return stream(requests, context)

            return handler._replace(stream_stream=streaming, request_deserializer=None)
        call = handler.unary_unary

        def behaviour(raw, context):
            return call(parsed(raw, context), context)

        return handler._replace(unary_unary=behaviour, request_deserializer=None)


def is_loopback(host: str) -> bool:
    """Whether ``host`` resolves only to loopback addresses ("127.0.0.1", "localhost", "::1")."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), None)
    except socket.gaierror:
        raise ValueError(f"--host {host}: unknown host; give an address of this machine (127.0.0.1, or 0.0.0.0 "
                         f"for every interface)") from None
    return bool(infos) and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback for i in infos)


def check_bind(host: str, tls: bool, authenticated: bool) -> None:
    """Beyond loopback only with TLS and authentication; ValueError naming what is missing and the options."""
    if tls and authenticated or is_loopback(host):
        return
    missing = "TLS and authentication" if not tls and not authenticated else "TLS" if not tls else "authentication"
    fixes = [f for f, need in (("--tls-cert and --tls-key", not tls),
                               (f"--bearer-token-file (or ${BEARER_TOKEN_ENV_VAR}) or --tls-client-ca",
                                not authenticated)) if need]
    raise ValueError(f"--host {host}: refusing to serve beyond loopback without {missing}; give "
                     f"{', and '.join(fixes)}, or bind 127.0.0.1")


def notice(host: str, tls: ServerTls | None, token: bool) -> str:
    """The start-up line saying which protections are on (and why an unprotected server is allowed)."""
    transport = "plaintext" if tls is None else "TLS with client certificates (mTLS)" if tls.mutual else "TLS"
    mutual = tls is not None and tls.mutual
    auth = ("bearer token and client certificate" if token and mutual else "bearer token" if token
            else "client certificates" if mutual else "none")
    why = f" (allowed because {host} is loopback)" if tls is None or auth == "none" else ""
    return f"dirpg envserver: transport {transport}; authentication {auth}{why}"
