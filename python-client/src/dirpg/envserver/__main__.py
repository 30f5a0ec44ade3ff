"""Command line: ``python -m dirpg.envserver --env ID [--env ID ...] [options]``.

Prints one line per env naming its snapshot format (stderr), then ``dirpg envserver listening on HOST:PORT``
(stdout, flushed) once serving, so a parent process can start it
and read the port (``--port 0`` picks a free one). SIGTERM / SIGINT stop it gracefully.

A server that cannot start (unknown env id, bad key file, busy port, ...) prints one line saying what is wrong
and what would be right, and exits with status 1; ``--verbose`` shows the stack trace instead.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import secrets
import sys

from dirpg.envserver.security import BEARER_TOKEN_ENV_VAR, ServerTls, check_bind, configured_bearer_token
from dirpg.envserver.supervisor import supervise
from dirpg.envserver.service import DEFAULT_MAX_BATCH_ITEMS, DEFAULT_MAX_REQUEST_BYTES, EnvServer
from dirpg.envserver.streams import DEFAULT_MAX_STREAMS
from dirpg.served_env import SNAPSHOT_MODES, ServedEnvironment
from dirpg.tokens import KEY_ENV_VAR, RANDOM_KEY_WARNING, configured_key

PROG = "python -m dirpg.envserver"


def _actions(text: str) -> list[int]:
    try:
        return [int(a) for a in text.split(",") if a.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--actions wants comma-separated action numbers like 0,1,2,5, got '{text}'")


def _kwargs(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise argparse.ArgumentTypeError(f"--env-kwargs is not valid JSON ({e}): '{text}'")
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"--env-kwargs wants a JSON object like {{\"max_steps\": 100}}, got '{text}'")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog=PROG,
                                description="Serve Gymnasium environments over the DirPG environment protocol.")
    p.add_argument("--env", action="append", required=True, metavar="ENV_ID",
                   help="a Gymnasium env id to serve (repeatable)")
    p.add_argument("--env-kwargs", type=_kwargs, default={}, metavar="JSON",
                   help="keyword arguments for gym.make, applied to every served env")
    p.add_argument("--paper-reward", action="store_true",
                   help="MiniGrid MultiRoom: the paper's reward (+100 goal, +-30 doors, +-5 pickup/drop), "
                        "max_steps 100, see_through_walls, and a return-to-go upper bound")
    p.add_argument("--spec-bound", action="store_true",
                   help="send the generic return-to-go bounds max(0, max reward) x steps left (and the lower one) "
                        "for envs with a finite reward range and an episode limit (dirpg.bounds)")
    p.add_argument("--actions", type=_actions, default=None, metavar="A,B,...",
                   help="legal action subset (e.g. 0,1,2,5 for MultiRoom); num_actions stays the env's n and "
                        "the others are masked as illegal")
    p.add_argument("--snapshot", choices=SNAPSHOT_MODES, default="auto",
                   help="snapshot format of the state tokens: auto (the first format of dirpg.adapters that saves "
                        "the env and passes its start-up probe) or one format's name")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=50061, help="0 picks a free port")
    p.add_argument("--token-key-file", default=None,
                   help=f"file holding the fleet's token key (else ${KEY_ENV_VAR}, else a random per-process key)")
    p.add_argument("--seed", type=int, default=None, help="seeds the episode seeds picked for resets without one")
    p.add_argument("--processes", type=int, default=1,
                   help="server processes, one port each (P, P+1, ... or free ports for 0), sharing the token key: "
                        "one per core; the ready line lists every endpoint (dirpg.envserver.supervisor)")
    p.add_argument("--workers", type=int, default=4, help="gRPC worker threads (health checks have their own)")
    p.add_argument("--max-streams", type=int, default=DEFAULT_MAX_STREAMS,
                   help="most StepStreams open at once, each on a thread of its own (default %(default)s); more are "
                        "refused with RESOURCE_EXHAUSTED and the client sends those batches with unary StepBatch")
    p.add_argument("--max-batch-items", type=int, default=DEFAULT_MAX_BATCH_ITEMS,
                   help="most items one StepBatch may hold (default %(default)s); more is INVALID_ARGUMENT")
    p.add_argument("--max-request-bytes", type=int, default=DEFAULT_MAX_REQUEST_BYTES,
                   help="largest request accepted (default %(default)s); more is RESOURCE_EXHAUSTED")
    p.add_argument("--tls-cert", default=None, metavar="PEM", help="certificate chain: serve over TLS (with "
                   "--tls-key); required with authentication unless --host is loopback")
    p.add_argument("--tls-key", default=None, metavar="PEM", help="private key of --tls-cert")
    p.add_argument("--tls-client-ca", default=None, metavar="PEM",
                   help="require client certificates signed by this CA (mutual TLS)")
    p.add_argument("--bearer-token-file", default=None, metavar="FILE",
                   help=f"file holding the bearer token every call but health must carry (else "
                        f"${BEARER_TOKEN_ENV_VAR}; never on the command line)")
    p.add_argument("--step-socket", default=None, metavar="PATH",
                   help="also answer StepBatch on this Unix domain socket (mode 0600), as length-prefixed frames "
                        "without gRPC: a client on this host steps there at a fraction of a gRPC round trip's "
                        "cost (docs/protocols.md); named in every EnvironmentDescription; one process only")
    p.add_argument("--verbose", action="store_true", help="show the stack trace of a failed start")
    return p.parse_args(argv)


def _start(args: argparse.Namespace) -> EnvServer:
    """Loads the key, makes every env and binds the port; each step raises with a message naming the problem."""
    tls = ServerTls.load(args.tls_cert, args.tls_key, args.tls_client_ca)
    bearer_token = configured_bearer_token(args.bearer_token_file)
    check_bind(args.host, tls is not None, bearer_token is not None or (tls is not None and tls.mutual))
    key = configured_key(args.token_key_file)
    token_key = key if key is not None else secrets.token_bytes(32)  # one random key for all served envs
    envs = {}
    for env_id in args.env:
        envs[env_id] = ServedEnvironment(env_id, env_kwargs=args.env_kwargs, paper_reward_variant=args.paper_reward,
                                         actions=args.actions, key=token_key,
                                         snapshot=args.snapshot, spec_bound=args.spec_bound)
    server = EnvServer(envs, host=args.host, port=args.port, seed=args.seed, max_workers=args.workers, tls=tls,
                       bearer_token=bearer_token,
                       max_batch_items=args.max_batch_items, max_request_bytes=args.max_request_bytes,
                       max_streams=args.max_streams, step_socket=args.step_socket).start()
    if key is None:  # warned only once serving, so a failed start prints its error alone
        logging.getLogger(__name__).warning(RANDOM_KEY_WARNING)
    return server


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.processes < 1:
        print(f"{PROG}: --processes must be at least 1, got {args.processes}", file=sys.stderr)
        return 1
    if args.processes > 1 and args.step_socket is not None:
        print(f"{PROG}: --step-socket serves one process; drop it or use --processes 1", file=sys.stderr)
        return 1
    if args.processes > 1:
        try:
            return supervise(argv, args.processes, args.port, args.token_key_file, PROG)
        except ValueError as e:  # a bad key file, named by configured_key
            print(f"{PROG}: {e}", file=sys.stderr)
            return 1
    try:
        server = _start(args)
    except Exception as e:
        if args.verbose:
            raise
        # Our own errors (ValueError, OSError) carry a complete message; others get their type and a pointer.
        known = isinstance(e, (ValueError, OSError))
        text = " ".join((str(e) if known else f"{type(e).__name__}: {e} (--verbose shows the stack trace)").split())
        print(f"{PROG}: {text}", file=sys.stderr)
        return 1

    def _stop(signum, _frame):
        logging.getLogger(__name__).info("signal %d: stopping", signum)
        server.stop(grace=2.0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(server.notice, file=sys.stderr, flush=True)
    for env in server.envs.values():  # which snapshot format each env's tokens use: nothing falls back silently
        print(f"dirpg envserver env {env.env_id}: snapshot format {env.format}; bounds {env.bounds}",
              file=sys.stderr, flush=True)
    if server.step_socket is not None:
        print(f"dirpg envserver step socket {server.step_socket.path}", file=sys.stderr, flush=True)
    print(f"dirpg envserver listening on {server.address}", flush=True)
    server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
