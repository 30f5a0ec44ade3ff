"""Start DirPG servers as child processes and learn their address from their readiness line.

Both servers print one line when serving: ``dirpg envserver listening on HOST:PORT`` (Python env server) and
``dirpg server listening on HOST:PORT`` (the Java server, ``java -jar target/dirpg.jar serve``). ``start`` runs a
command, waits for that line, and returns a ``ServerProcess`` whose ``stop()`` terminates exactly that process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ENVSERVER_READY = "dirpg envserver listening on "
JAVA_SERVER_READY = "dirpg server listening on "


@dataclass
class ServerProcess:
    """A started server: its process, its address ("host:port") and the last lines of its output."""

    process: subprocess.Popen
    address: str
    output: deque = field(default_factory=lambda: deque(maxlen=200))

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then SIGKILL after ``timeout`` seconds; returns the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                return self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(timeout=timeout)


def start(command: list[str], ready_prefix: str, env: dict | None = None, timeout: float = 60.0,
          cwd: str | None = None) -> ServerProcess:
    """Runs ``command`` and waits up to ``timeout`` s for a line starting with ``ready_prefix`` (stdout and stderr
    merged). Raises RuntimeError with the process's output if it exits or times out first."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=None if env is None else {**os.environ, **env}, cwd=cwd)
    output: deque = deque(maxlen=200)
    ready = threading.Event()
    address: list[str] = []

    def pump():  # keeps draining the pipe for the process's whole life, so it never blocks on a full pipe
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            if not ready.is_set() and line.startswith(ready_prefix):
                address.append(line[len(ready_prefix):].strip())
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True, name=f"output of {command[0]}").start()
    if not ready.wait(timeout) or not address:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        tail = "\n".join(output)
        raise RuntimeError(f"{' '.join(command)} did not print '{ready_prefix}HOST:PORT' "
                           f"(exit status {process.returncode}); its output:\n{tail}")
    return ServerProcess(process, address[0], output)


def start_envserver(*args: str, key: str | None = None, timeout: float = 60.0) -> ServerProcess:
    """``python -m dirpg.envserver ARGS --port 0`` (add ``--env``); ``key`` becomes $DIRPG_TOKEN_KEY."""
    env = {"DIRPG_TOKEN_KEY": key} if key else None
    return start([sys.executable, "-m", "dirpg.envserver", "--port", "0", *args], ENVSERVER_READY, env, timeout)


def repo_root() -> Path:
    """The repository root, found from this file (python-client/src/dirpg/launch.py) for an editable install."""
    return Path(__file__).resolve().parents[3]


JAR_ENV_VAR = "DIRPG_JAR"


def java_jar(root: Path | None = None) -> Path:
    """$DIRPG_JAR if set, else target/dirpg.jar of the repository."""
    override = os.environ.get(JAR_ENV_VAR)
    return Path(override) if override else (root or repo_root()) / "target" / "dirpg.jar"


def start_java_server(*args: str, jar: Path | None = None, timeout: float = 90.0,
                      env: dict | None = None, cwd: str | None = None) -> ServerProcess:
    """``java -jar target/dirpg.jar serve --host 127.0.0.1 --port 0 ARGS`` in ``cwd`` (its relative paths, e.g.
    the checkpoint directory, resolve there)."""
    jar = jar or java_jar()
    if not jar.is_file():
        raise FileNotFoundError(f"{jar} is not built; run mvn -B -q -o package -DskipTests in {jar.parent.parent}")
    command = ["java", "-jar", str(jar), "serve", "--host", "127.0.0.1", "--port", "0", *args]
    return start(command, JAVA_SERVER_READY, {"OMP_NUM_THREADS": "1", **(env or {})}, timeout, cwd)
