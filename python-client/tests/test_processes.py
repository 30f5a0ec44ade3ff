"""``--processes N``: N server processes sharing one token key (a token from one steps on the other), one ready line
listing every endpoint, and the set stops as one when a process dies."""

from __future__ import annotations

import os
import signal
import sys
import time

from dirpg import launch
from dirpg.envclient import RemoteEnv


def test_two_processes_share_the_key_and_die_together():
    server = launch.start([sys.executable, "-m", "dirpg.envserver", "--env", "CartPole-v1", "--processes", "2",
                           "--port", "0"], launch.ENVSERVER_READY,
                          env={"DIRPG_TOKEN_KEY": ""}, timeout=120)
    try:
        endpoints = server.address.split(",")
        assert len(endpoints) == 2 and endpoints[0] != endpoints[1]
        with RemoteEnv(endpoints[0], "CartPole-v1") as first, RemoteEnv(endpoints[1], "CartPole-v1") as second:
            token = first.reset(4).token
            a = second.step(token, 1)
            b = first.step(token, 1)
            assert a.next.token == b.next.token and a.reward == b.reward == 1.0
        assert any("2 processes (--processes)" in line for line in server.output)
        child_pid = int(_pid_listening(endpoints[1]))
        os.kill(child_pid, signal.SIGKILL)
        status = server.process.wait(timeout=30)
        assert status == 1
        time.sleep(0.5)
        assert any("exited with status" in line and "stopping the set" in line for line in server.output)
    finally:
        server.stop()


def _pid_listening(endpoint: str) -> str:
    """The pid of the process listening on ``endpoint``'s port (from /proc: its socket inode)."""
    port = int(endpoint.rsplit(":", 1)[1])
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                parts = line.split()
                if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "0A":
                    inodes.add(parts[9])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}").replace("socket:[", "").rstrip("]") in inodes:
                    return pid
        except OSError:
            continue
    raise AssertionError(f"no process listens on {endpoint}")
