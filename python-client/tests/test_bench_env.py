"""``python -m dirpg.bench_env`` (what scripts/bench-minigrid.sh runs, with --paper-reward as its server has) prints
each figure it names, in process, for MultiRoom with the paper reward: the served step along one walk and over 64
walks that restore as a batch of 64 does."""

from __future__ import annotations

import re
import subprocess
import sys


def test_bench_env_prints_the_in_process_figures_with_the_paper_reward():
    out = subprocess.run([sys.executable, "-m", "dirpg.bench_env", "--env", "MiniGrid-MultiRoom-N6-v0",
                          "--actions", "0,1,2,5", "--paper-reward", "--no-remote", "--seconds", "0.2"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert "with the paper reward" in out
    rates = {}
    for name, pattern in {"bare": r"bare env\.step: +(\d+) steps/s", "served": r"auto +format: +(\d+) steps/s",
                          "restoring": r"64 walks over 16 episodes \(restoring\): *(\d+) steps/s",
                          "pickle": r"pickle format: +(\d+) steps/s"}.items():
        m = re.search(pattern, out)
        assert m is not None, f"no {name} figure in:\n{out}"
        rates[name] = int(m.group(1))
    assert all(r > 0 for r in rates.values()), rates
    assert re.search(r"served / bare \d+%", out)
