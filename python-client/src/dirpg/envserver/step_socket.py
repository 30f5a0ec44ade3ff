"""The step socket: StepBatch over a Unix domain socket, as length-prefixed frames without gRPC.

At the paper's order a search makes one batch-1 StepBatch per interaction, and over gRPC each round trip costs
several times the served step itself (grpcio's streaming machinery; see python-client/README.md). A client on the
server's host can step here instead: the same ``StepBatchRequest`` and ``StepBatchResponse`` messages, answered by
the same code as StepBatch (``EnvironmentServicer._step_batch``), so tokens, batch limits and errors are the same.

Frames, on one connection (docs/protocols.md, "The step socket"):

- every frame is a 4-byte big-endian length, then that many bytes;
- the client's first frame is the hello: ``HELLO`` followed by the server's bearer token (nothing when it has
  none); the server answers with a response frame: OK and nothing, or UNAUTHENTICATED and a message, then closes;
- then each request frame is one serialized ``StepBatchRequest``, and the server answers each, in order, with a
  response frame: one byte, the gRPC status code (0 = OK), then the serialized ``StepBatchResponse`` when OK, else
  the error message in UTF-8 (StepBatch's message: ``item <i>: ...``). An application error leaves the connection
  open; a frame over the server's request limit is answered with RESOURCE_EXHAUSTED and the connection closed.

The socket file is created with mode 0600, so only the server's user can connect (the same user may also read the
token key the server was started with); with ``--bearer-token-file`` the hello must carry that token too.

Call order: ``StepSocketServer(servicer, path, ...)`` binds, ``start()`` serves on threads of its own, ``stop()``
closes it and removes the file.
"""

from __future__ import annotations

import hmac
import os
import socket
import stat
import struct
import threading

import grpc

from dirpg.env.v1 import environment_pb2 as pb

HELLO = b"DIRPG-STEP-SOCKET/1 "
_LENGTH = struct.Struct(">I")


class StepSocketServer:
    """Serves ``servicer``'s StepBatch on the Unix domain socket ``path`` (see the module docstring).

    Replaces a stale socket at ``path`` (its server was killed); refuses a live server's socket or any other file
    there, with one OSError naming it.
    """

    def __init__(self, servicer, path: str, bearer_token: str | None = None, max_request_bytes: int = 4 << 20):
        if os.path.lexists(path):
            _remove_stale(path)
        self.path = path
        self._servicer = servicer
        self._token = (bearer_token or "").encode()
        self._max = max_request_bytes
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # the file is born 0600: no window in which another user could connect
        try:
            self._listener.bind(path)
        except OSError as e:
            self._listener.close()
            raise OSError(f"--step-socket: cannot bind {path}: {e.strerror or e}") from None
        finally:
            os.umask(old)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        self._listener.listen(64)
        self._closed = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> StepSocketServer:
        threading.Thread(target=self._accept, name="dirpg-step-socket", daemon=True).start()
        return self

    def stop(self) -> None:
        self._closed.set()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        with self._lock:
            for c in list(self._connections):
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.add(conn)
            threading.Thread(target=self._serve, args=(conn,), name="dirpg-step-socket-conn", daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            try:
                hello = _read_frame(conn, len(HELLO) + 4096)
            except _TooLarge:
                hello = b""  # no hello is that long: refused below
            if hello is None:
                return
            if not hello.startswith(HELLO) or not hmac.compare_digest(hello[len(HELLO):], self._token):
                _write(conn, grpc.StatusCode.UNAUTHENTICATED,
                       b"the step socket's hello must be " + HELLO.strip() + b" and this server's bearer token")
                return
            _write(conn, grpc.StatusCode.OK, b"")
            while True:
                try:
                    frame = _read_frame(conn, self._max)
                except _TooLarge as e:
                    _write(conn, grpc.StatusCode.RESOURCE_EXHAUSTED,
                           f"a request of {e.length} bytes is over this server's limit of {self._max} "
                           f"(--max-request-bytes); split the batch".encode())
                    return
                if frame is None:
                    return
                try:
                    request = pb.StepBatchRequest.FromString(frame)
                except Exception:  # noqa: BLE001 - protobuf's DecodeError: garbage, not a StepBatchRequest
                    _write(conn, grpc.StatusCode.INVALID_ARGUMENT,
                           b"the frame is not a serialized StepBatchRequest")
                    continue
                code, payload = self._servicer.step_batch_frame(request)
                _write(conn, code, payload)
        except OSError:
            return  # the client went away
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()


def _remove_stale(path: str) -> None:
    """Removes ``path`` if it is a socket no server listens on (left by a server that was killed); raises OSError,
    naming it, if it is a live server's socket or not a socket at all."""
    if not stat.S_ISSOCK(os.lstat(path).st_mode):
        raise OSError(f"--step-socket: {path} exists and is not a socket; remove it or choose another path")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except (ConnectionRefusedError, FileNotFoundError):
        os.unlink(path)  # stale: its server is gone
        return
    except OSError:
        pass
    finally:
        probe.close()
    raise OSError(f"--step-socket: another server listens on {path}; stop it or choose another path")


class _TooLarge(Exception):
    def __init__(self, length: int):
        super().__init__(length)
        self.length = length


def _read_exact(conn: socket.socket, n: int) -> bytes | None:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = conn.recv_into(view[got:], n - got)
        if k == 0:
            return None
        got += k
    return bytes(buf)


def _read_frame(conn: socket.socket, limit: int) -> bytes | None:
    """The next frame's payload; None at a clean end of the connection; _TooLarge over ``limit``."""
    head = _read_exact(conn, _LENGTH.size)
    if head is None:
        return None
    (length,) = _LENGTH.unpack(head)
    if length > limit:
        raise _TooLarge(length)
    return _read_exact(conn, length) if length else b""


def _write(conn: socket.socket, code: grpc.StatusCode, payload: bytes) -> None:
    conn.sendall(_LENGTH.pack(len(payload) + 1) + bytes((code.value[0],)) + payload)
