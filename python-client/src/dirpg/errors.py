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


class Unimplemented(DirpgError, LookupError):
    """UNIMPLEMENTED: the address answers gRPC but not the service called (e.g. a trainer call to an env server)."""


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
    grpc.StatusCode.UNIMPLEMENTED: Unimplemented,
}

_SERVICES = {
    "trainer": ("a DirPG trainer (java -jar target/dirpg.jar serve)",
                "an env server (python -m dirpg.envserver) serves environments only: 'dirpg-py envs ADDRESS' lists them"),
    "env": ("a DirPG environment server (python -m dirpg.envserver, or java -jar target/dirpg.jar serve)",
            "nothing at this address serves the environment protocol"),
}


def error_from_rpc(error: grpc.RpcError) -> DirpgError:
    """The DirpgError subclass for ``error``'s status code, with its code and details."""
    code, details = error.code(), error.details() or ""
    return _BY_CODE.get(code, DirpgError)(code, details)


def reachable(address: str, credentials, timeout: float = 1.0) -> bool:
    """Whether a gRPC connection to ``address`` comes up (tells "nothing there" from a server's UNAVAILABLE)."""
    with credentials.channel(address) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=timeout)
            return True
        except grpc.FutureTimeoutError:
            return False


def explained(error: DirpgError, address: str, credentials, service: str = "trainer", cli: bool = False) -> DirpgError:
    """``error`` with a message that says what would be right where the server's own says only what failed:
    UNAVAILABLE with no connection to ``address`` at all ("no server answers", with the TLS hint, in the command line's
    words when ``cli``, else in TrainerClient's), and UNIMPLEMENTED (``address`` serves another service than
    ``service``, "trainer" or "env"). Other errors come back unchanged. An error explained before is explained again
    from its original (``error.original``), never wrapped twice. UNAVAILABLE may come from the server itself (an env
    server behind a trainer is down), so "no server answers" is said only when no connection to ``address`` comes
    up."""
    base = getattr(error, "original", error)
    what, other = _SERVICES[service]
    if base.code == grpc.StatusCode.UNAVAILABLE and not reachable(address, credentials):
        if cli:
            tls = ("; if it serves TLS give --ca-file (and --cert-file/--key-file for mutual TLS), if not, omit them"
                   if credentials.tls else "; if it serves TLS give --ca-file")
        else:
            tls = ("; if it serves TLS give ca_file= (and cert_file=/key_file= for mutual TLS), if not, omit them"
                   if credentials.tls else "; if it serves TLS give ca_file=")
        message = (f"no DirPG server answers at {address} ({base.message}); give the HOST:PORT of a running "
                   f"server (java -jar target/dirpg.jar serve, or python -m dirpg.envserver){tls}")
    elif base.code == grpc.StatusCode.UNIMPLEMENTED:
        message = f"{address} answers gRPC but is not {what} ({base.message}); {other}"
    else:
        return base
    out = type(base)(base.code, " ".join(message.split()))
    out.original = base
    return out
