"""dirpg-py runs watch --tensorboard DIR writes what it watches as TensorBoard scalars: read back with TensorBoard's
own reader, every tag, step and value equals the JSON line dirpg-py printed for that update (float32)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dirpg import launch
from dirpg.trainer_client import TrainerClient

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator",
                                        reason="the tensorboard package is not installed")
DIRPG_PY = str(Path(sys.executable).parent / "dirpg-py")
FIELDS = {"return": "update_return", "dir_return": "dir_return", "d_opt": "d_opt", "d_dir": "d_dir",
          "candidates": "candidates", "search_interactions": "search_interactions",
          "first_improvement": "first_improvement", "gradient_norm": "gradient_norm", "interactions": "interactions"}


def test_watch_writes_the_metrics_it_prints(tmp_path):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built")
    server = launch.start_java_server(cwd=str(tmp_path))
    try:
        with TrainerClient(server.address) as client:
            run = client.create_run("DeepSea-v0", updates=300, budget=40, seed=3)
        logdir = tmp_path / "tb"
        result = subprocess.run([DIRPG_PY, "runs", "watch", run.run_id, "--address", server.address,
                                 "--tensorboard", str(logdir)], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
    finally:
        server.stop()
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [m["update"] for m in printed] == list(range(300))
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    tags = set(acc.Tags()["scalars"])
    assert {f"train/{t}" for t in ("return", "d_opt", "candidates", "interactions", "gradient_norm")} <= tags
    for tag, field in FIELDS.items():
        expected = {m["update"]: m[field] for m in printed if m[field] is not None}
        if not expected:
            assert f"train/{tag}" not in tags
            continue
        got = {e.step: e.value for e in acc.Scalars(f"train/{tag}")}
        assert got.keys() == expected.keys(), tag
        for step, value in expected.items():
            assert got[step] == np.float32(value), (tag, step, got[step], value)
