"""A run's metrics as TensorBoard scalars from Python: ``dirpg-py runs watch RUN --tensorboard DIR`` (or
:class:`MetricsBoard` in a program) writes what it watches, so ``tensorboard --logdir DIR`` shows a run of a trainer
server on a machine that cannot read the server's own event files.

The tags and steps are the Java side's (``train/return``, ``train/dir_return``, ``train/d_opt``, ``train/d_dir``,
``train/candidates``, ``train/search_interactions``, ``train/first_improvement``, ``train/gradient_norm``,
``train/interactions``, ``train/interactions_per_second``; step = the update's index), absent values unwritten.
Writing uses TensorBoard's own event file writer (the ``tensorboard`` package: ``pip install 'dirpg[tensorboard]'``).
"""

from __future__ import annotations

import time

from dirpg.trainer_client import UpdateMetrics

_SCALARS = ("dir_return", "d_opt", "d_dir", "candidates", "search_interactions", "first_improvement",
            "gradient_norm", "interactions")


class MetricsBoard:
    """Writes UpdateMetrics to a new event file in ``logdir``; call :meth:`write` per update, then :meth:`close`."""

    def __init__(self, logdir: str, prefix: str = "train"):
        try:
            from tensorboard.compat.proto import event_pb2, summary_pb2
            from tensorboard.summary.writer.event_file_writer import EventFileWriter
        except ImportError:
            raise ImportError("--tensorboard needs the tensorboard package: pip install 'dirpg[tensorboard]'") from None
        self._event, self._summary = event_pb2, summary_pb2
        self._writer = EventFileWriter(logdir)
        self._prefix = prefix + "/"
        self._window_start = time.monotonic()
        self._window_interactions = 0

    def write(self, m: UpdateMetrics) -> None:
        values = {"return": m.update_return}
        values.update({name: getattr(m, name) for name in _SCALARS if getattr(m, name) is not None})
        self._window_interactions += m.search_interactions
        now = time.monotonic()
        if now - self._window_start >= 1.0:
            values["interactions_per_second"] = self._window_interactions / (now - self._window_start)
            self._window_start, self._window_interactions = now, 0
        summary = self._summary.Summary(value=[self._summary.Summary.Value(tag=self._prefix + tag,
                                                                           simple_value=float(v))
                                               for tag, v in values.items()])
        self._writer.add_event(self._event.Event(wall_time=time.time(), step=m.update, summary=summary))

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> MetricsBoard:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
