"""The Java runs' TensorBoard event files, read with TensorBoard's own reader (the tensorboard package from PyPI):
``dirpg train`` writes them in its run directory and the trainer server (``serve``) per run in
``<data-dir>/tensorboard/<run id>/``; every tag's steps and values are the run's metrics.csv (float32)."""

from __future__ import annotations

import csv
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from dirpg import launch

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
event_file_loader = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")

# metrics.csv column -> the scalar tag DirPG writes (step = the update index, the csv's first column)
COLUMNS = ["return", "dir_return", "d_opt", "d_dir", "candidates", "search_interactions", "first_improvement",
           "gradient_norm", "interactions"]


def jar() -> Path:
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built (mvn -B -q -o package -DskipTests)")
    return launch.java_jar()


def measured(column: str, text: str) -> float | None:
    """A metrics.csv cell as a number, or None where the run measured nothing: an empty cell, never a sentinel."""
    assert text != "NaN" and not (column in ("candidates", "first_improvement") and text.startswith("-")), \
        f"{column}: sentinel {text!r} instead of an empty cell"
    return None if text == "" else float(text)


def csv_rows(run_dir: Path) -> list[dict]:
    """metrics.csv as {column: number or None}, one dict per update."""
    with open(run_dir / "metrics.csv", newline="") as f:
        return [{"update": int(r["update"]), **{c: measured(c, r[c]) for c in COLUMNS}} for r in csv.DictReader(f)]


def check_events(run_dir: Path, rows: list[dict], per_update: int) -> event_accumulator.EventAccumulator:
    """The run directory holds one event file whose train/* scalars are ``rows`` (absent values not written)."""
    files = sorted(run_dir.glob("events.out.tfevents.*"))
    assert len(files) == 1, files
    assert files[0].name.split(".")[3].isdigit(), files[0].name  # events.out.tfevents.<secs>.<host>
    first = next(iter(event_file_loader.LegacyEventFileLoader(str(files[0])).Load()))
    assert first.file_version == "brain.Event:2"
    acc = event_accumulator.EventAccumulator(str(run_dir), size_guidance={event_accumulator.SCALARS: 0})
    acc.Reload()
    tags = set(acc.Tags()["scalars"])
    checked = 0
    for column in COLUMNS:
        expected = {r["update"]: r[column] for r in rows if r[column] is not None}
        tag = "train/" + column
        if not expected:
            assert tag not in tags, f"{tag}: written although the run measured no {column}"
            continue
        assert tag in tags, f"{tag} missing; tags: {sorted(tags)}"
        events = acc.Scalars(tag)
        assert [e.step for e in events] == sorted(expected), f"{tag}: steps differ from the run's metrics"
        for e in events:
            assert e.value == pytest.approx(float(np.float32(expected[e.step])), rel=1e-6, abs=1e-30), \
                f"{tag} at step {e.step}: {e.value} vs {expected[e.step]}"
            checked += 1
    assert checked >= len(rows) * per_update, checked
    for rate in acc.Scalars("train/interactions_per_second") if "train/interactions_per_second" in tags else []:
        assert rate.value > 0 and math.isfinite(rate.value)
    return acc


def train(out: Path, *args: str) -> None:
    subprocess.run(["java", "-jar", str(jar()), "train", "--env", "DeepSea-v0", *args, "--out", str(out),
                    "--no-progress"], check=True, capture_output=True, text=True, timeout=300,
                   env={**os.environ, "OMP_NUM_THREADS": "1"})


def test_train_writes_every_measured_column_as_a_scalar(tmp_path):
    train(tmp_path / "run", "-n", "400", "--lr", "0.02")
    rows = csv_rows(tmp_path / "run")
    assert len(rows) == 400
    check_events(tmp_path / "run", rows, per_update=7)  # DirPG: all but first_improvement, sometimes candidates


def test_reinforce_has_no_search_tags(tmp_path):
    train(tmp_path / "run", "--algo", "reinforce", "-n", "200")
    acc = check_events(tmp_path / "run", csv_rows(tmp_path / "run"), per_update=4)
    tags = set(acc.Tags()["scalars"])
    assert {"train/d_opt", "train/d_dir", "train/candidates", "train/first_improvement"}.isdisjoint(tags), tags
    assert {"train/return", "train/gradient_norm"} <= tags


def test_each_server_run_writes_its_events_under_the_data_dir(tmp_path):
    jar()
    pytest.importorskip("dirpg.train.v1.trainer_pb2", reason="no trainer stubs: run scripts/setup-python.sh")
    from dirpg.trainer_client import TrainerClient

    server = launch.start_java_server(cwd=str(tmp_path))
    try:
        with TrainerClient(server.address) as client:
            run = client.create_run("DeepSea-v0", algorithm="dirpg", budget=20, updates=150, seed=2)
            metrics = list(client.watch(run.run_id))
    finally:
        assert server.stop() in (0, 143), "\n".join(server.output)
    assert [m.update for m in metrics] == list(range(150))
    rows = [{"update": m.update, "return": m.update_return, "dir_return": m.dir_return, "d_opt": m.d_opt,
             "d_dir": m.d_dir, "candidates": m.candidates, "search_interactions": m.search_interactions,
             "first_improvement": m.first_improvement, "gradient_norm": m.gradient_norm,
             "interactions": m.interactions} for m in metrics]
    check_events(tmp_path / "runs" / "server" / "tensorboard" / run.run_id, rows, per_update=7)
