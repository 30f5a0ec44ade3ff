"""Python exceptions for failed DirPG gRPC calls: one class per canonical status code the servers use.

``DirpgError`` carries ``code`` (a ``grpc.StatusCode``) and ``message`` (the server's text, unchanged);
``error_from_rpc`` turns a ``grpc.RpcError`` into the matching subclass (codes without one raise DirpgError).
"""

from __future__ import annotations

import grpc


class DirpgError(RuntimeError):
    """A failed call: ``code`` is the gRPC status code, ``message`` the server's message."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message


class InvalidArgument(DirpgError, ValueError):
    """INVALID_ARGUMENT: a request field is wrong; the message starts with the field's name."""


class NotFound(DirpgError, LookupError):
    """NOT_FOUND: an unknown run id or environment."""


class FailedPrecondition(DirpgError):
    """FAILED_PRECONDITION: the run cannot serve this call in its state (e.g. Act on a policy-free UCB run)."""


class Unavailable(DirpgError, ConnectionError):
    """UNAVAILABLE: the server (or an env server behind it) cannot be reached."""


class DeadlineExceeded(DirpgError, TimeoutError):
    """DEADLINE_EXCEEDED: the call took longer than its timeout."""


class Internal(DirpgError):
    """INTERNAL: the server or an environment misbehaved."""


class Unauthenticated(DirpgError, PermissionError):
    """UNAUTHENTICATED: the server wants a valid bearer token (TrainerClient(token=...) or DIRPG_TOKEN)."""


class PermissionDenied(DirpgError, PermissionError):
    """PERMISSION_DENIED: the run belongs to another identity, or an endpoint is not on the server's allow-list."""


class ResourceExhausted(DirpgError):
    """RESOURCE_EXHAUSTED: a server limit was reached (e.g. too many queued runs); the message names it."""


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
    grpc.StatusCode.INTERNAL: Internal,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
}


def error_from_rpc(error: grpc.RpcError) -> DirpgError:
    """The DirpgError subclass for ``error``'s status code, with its code and details."""
    code, details = error.code(), error.details() or ""
    return _BY_CODE.get(code, DirpgError)(code, details)
