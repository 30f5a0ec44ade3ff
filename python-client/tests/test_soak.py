"""scripts/soak.sh at a tiny scale: both real servers started, every phase reported with no errors, the idle reading
printed, and the soak refuses addresses that are not loopback."""
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not (ROOT / "target" / "dirpg.jar").exists(), reason="needs target/dirpg.jar (mvn package)")
def test_a_short_soak_reports_both_servers_without_errors():
    r = subprocess.run(["bash", str(ROOT / "scripts" / "soak.sh"), "--duration", "4", "--clients", "4",
                        "--settle", "1"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    for name in ("trainer", "envserver"):
        line = next(l for l in r.stdout.splitlines() if l.startswith(f"{name}: 4 clients"))
        calls = int(re.search(r"(\d+) calls,", line).group(1))
        assert calls > 0 and "errors 0" in line and "threads" in line, line
        assert re.search(rf"^{name}: after 1 s idle: RSS \d+ MiB, threads \d+$", r.stdout, re.M), r.stdout


def test_the_soak_refuses_an_address_beyond_loopback():
    r = subprocess.run([sys.executable, "-m", "dirpg.soak", "--trainer", "10.1.2.3:50051", "--trainer-pid", "1",
                        "--envserver", "127.0.0.1:1", "--env-pid", "1", "--duration", "1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "10.1.2.3:50051 is not a loopback address" in r.stderr
