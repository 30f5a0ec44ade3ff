"""dirpg.risk: the hazard maps and distances of the two tasks, and a tiny run end to end through a real Java trainer
and a real Python env server (results.jsonl, summary.csv/.md, risk.png), resumed without rerunning what is done."""

from __future__ import annotations

import itertools
import json

import gymnasium as gym
import numpy as np
import pytest

from dirpg import launch, risk


def test_hazards_and_distances_of_both_tasks():
    cliff = risk.hazards(gym.make("CliffWalkingSlippery-v1"))
    assert cliff.shape == (4, 12) and cliff[3, 1:11].all() and cliff.sum() == 10
    holes = risk.hazards(gym.make("FrozenLake-v1"))
    assert holes.shape == (4, 4) and sorted(map(tuple, np.argwhere(holes))) == [(1, 1), (1, 3), (2, 3), (3, 0)]
    for grid in (cliff, holes):
        dist = risk.distance_grid(grid)
        for r, c in itertools.product(*map(range, grid.shape)):
            brute = min(abs(r - hr) + abs(c - hc) for hr, hc in np.argwhere(grid))
            assert dist[r, c] == brute


def test_tiny_run_writes_its_report_and_resumes(tmp_path):
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built")
    rows = risk.run(tmp_path, ["FrozenLake-v1"], [-1.0, 1.0], seeds=1, updates=2, episodes=5, log=lambda s: None)
    assert [(r["eps"], r["seed"]) for r in rows] == [(-1.0, 0), (1.0, 0)]
    for r in rows:
        assert 0 <= r["fell"] <= 1 and r["distance"] >= 0 and r["interactions"] > 0
    for name in ("results.jsonl", "summary.csv", "summary.md", "risk.png"):
        assert (tmp_path / name).is_file(), name
    assert "| FrozenLake-v1 | random play |" in (tmp_path / "summary.md").read_text()
    lines = (tmp_path / "results.jsonl").read_text().splitlines()
    again = risk.run(tmp_path, ["FrozenLake-v1"], [-1.0, 1.0], seeds=1, updates=2, episodes=5, log=lambda s: None)
    assert (tmp_path / "results.jsonl").read_text().splitlines() == lines and len(again) == 2
    assert json.loads(lines[0])["env"] == "FrozenLake-v1"
