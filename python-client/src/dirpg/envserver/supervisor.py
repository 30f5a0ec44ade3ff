"""``--processes N``: N env server processes, one port each, sharing the token key, behind the client's round-robin.

One Python process steps on one core at a time (the GIL), so a machine's cores need one process each. The
supervisor starts N copies of the same command line (``--port P`` becomes P, P+1, ..., or a free port each for 0),
hands them one token key (the configured one, else a fresh random one, passed in $DIRPG_TOKEN_KEY, never on a
command line), waits until all serve and prints ``dirpg envserver listening on HOST:P1,HOST:P2,...``: the endpoint
list the Java client (``--remote``) spreads calls over round-robin, and any replica steps any token of the set.

The set lives and dies as one: if any process exits, the supervisor stops the others and exits with status 1, so a
health check of any endpoint (each process runs the health service) answers for the whole set. SIGTERM / SIGINT stop
every process gracefully.
"""

from __future__ import annotations

import secrets
import signal
import sys
import time

from dirpg import launch
from dirpg.tokens import KEY_ENV_VAR, RANDOM_KEY_WARNING, configured_key


def _child_argv(argv: list[str], port: int) -> list[str]:
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in ("--processes", "--port"):
            skip = True
            continue
        if a.startswith(("--processes=", "--port=")):
            continue
        out.append(a)
    return [*out, "--port", str(port)]


def supervise(argv: list[str], processes: int, port: int, token_key_file: str | None, prog: str) -> int:
    key = configured_key(token_key_file)
    env = {}
    if key is None and token_key_file is None:
        env[KEY_ENV_VAR] = secrets.token_hex(32)
        print(f"{prog}: {RANDOM_KEY_WARNING.replace('this server process', 'this set of processes')}",
              file=sys.stderr, flush=True)
    children: list[launch.ServerProcess] = []
    try:
        for i in range(processes):
            command = [sys.executable, "-m", "dirpg.envserver", *_child_argv(argv, port + i if port else 0)]
            children.append(launch.start(command, launch.ENVSERVER_READY, env=env, timeout=300))
    except RuntimeError as e:
        for c in children:
            c.stop()
        last = [line for line in str(e).splitlines() if line.startswith(prog)]
        print(last[-1] if last else f"{prog}: process {len(children) + 1} of {processes} failed to start: "
              f"{' '.join(str(e).split())[:400]}", file=sys.stderr)
        return 1
    for line in children[0].output:
        if not line.startswith(launch.ENVSERVER_READY):
            print(line, file=sys.stderr, flush=True)
    print(f"{prog}: {processes} processes (--processes), one port each, sharing one token key", file=sys.stderr)
    print(launch.ENVSERVER_READY + ",".join(c.address for c in children), flush=True)

    stopping = []

    def _stop(signum, _frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    status = 0
    while not stopping:
        dead = [i for i, c in enumerate(children) if c.process.poll() is not None]
        if dead:
            print(f"{prog}: process {dead[0] + 1} of {processes} (pid {children[dead[0]].process.pid}) exited with "
                  f"status {children[dead[0]].process.returncode}; stopping the set", file=sys.stderr, flush=True)
            status = 1
            break
        time.sleep(0.2)
    for c in children:
        c.stop()
    return status
