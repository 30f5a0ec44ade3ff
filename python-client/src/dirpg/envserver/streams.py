"""Where the env server runs its StepStreams: on their own thread pool, at most ``max_streams`` open at once.

grpcio's synchronous server holds one thread for each open stream for the stream's whole life, so streams on the
worker pool would starve unary calls (ResetEnvironment, StepBatch) once a few clients each kept one open.
``StreamsOnTheirPool`` moves every bidirectional stream of the service onto a pool of its own (grpcio runs a
behaviour that carries ``experimental_thread_pool`` on that pool), sized ``max_streams`` plus a few threads that
only refuse: a stream over the cap ends at once with RESOURCE_EXHAUSTED naming ``--max-streams``, which a client
answers by sending that batch as a unary StepBatch. (``grpc.aio`` needs no thread per stream, but measured no faster
per message here: see NOTES-20.md.)

Call order: construct, pass as a server interceptor, ``shutdown()`` when the server has stopped.
"""

from __future__ import annotations

import threading
from concurrent import futures

import grpc

DEFAULT_MAX_STREAMS = 32
REFUSING_THREADS = 2


class StreamsOnTheirPool(grpc.ServerInterceptor):
    """Runs the bidirectional streams of ``service`` on their own pool, at most ``max_streams`` at once."""

    def __init__(self, service: str, max_streams: int = DEFAULT_MAX_STREAMS):
        if max_streams < 1:
            raise ValueError(f"--max-streams must be at least 1, got {max_streams}")
        self._prefix = f"/{service}/"
        self._max_streams = max_streams
        self._open = threading.BoundedSemaphore(max_streams)
        self._pool = futures.ThreadPoolExecutor(max_workers=max_streams + REFUSING_THREADS,
                                                thread_name_prefix="dirpg-stream")

    def intercept_service(self, continuation, details):
        handler = continuation(details)
        if handler is None or handler.stream_stream is None or not details.method.startswith(self._prefix):
            return handler
        stream = handler.stream_stream

        def behaviour(requests, context):
            if not self._open.acquire(blocking=False):
                context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                              f"streams: at most {self._max_streams} open on this server (--max-streams); send "
                              f"this batch with the unary call, or close idle streams")
            if not context.add_callback(self._open.release):  # released when the call ends, however it ends
                self._open.release()
            return stream(requests, context)

        behaviour.experimental_thread_pool = self._pool
        return handler._replace(stream_stream=behaviour)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False)
