"""The ``dirpg-py`` command: env servers, served environments, and trainer runs from the shell.

    dirpg-py envserver --env MiniGrid-MultiRoom-N6-v0 --port 0        (same options as python -m dirpg.envserver)
    dirpg-py envs HOST:PORT                                           (or: envs list --address HOST:PORT)
    dirpg-py runs create --address HOST:PORT --env DeepSea-v0 --set budget=100 --set updates=50 [--endpoints A,B]
    dirpg-py runs list|watch|stop|act ...

``--address`` defaults to $DIRPG_ADDRESS. A server with TLS or tokens: ``--ca-file PEM`` (TLS, trusting that CA),
``--cert-file``/``--key-file`` (mutual TLS), and the bearer token from ``--token-file FILE`` or $DIRPG_TOKEN (never
as a command-line value, which any local user could read in the process list). Output is one JSON object per line:
enum values by short name ("SUCCEEDED", "DIRPG"), infinities and NaN as the strings "Infinity", "-Infinity", "NaN" (as
proto3 JSON writes them), null for a value that is absent (e.g. a metric the run's algorithm does not measure). A
failed call prints one line to
stderr (the server's status code and message, or what is wrong with the address) and exits with status 1; a bad
command line exits with 2. ``--verbose`` shows the stack trace of an unexpected failure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys

from google.protobuf.descriptor import FieldDescriptor

import grpc

from dirpg.errors import DirpgError, explained
from dirpg.envclient import RemoteEnvError

_BOOL_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _json_default(value):
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _print(value) -> None:
    def clean(v):  # JSON has no NaN/inf: written as proto3 JSON writes them; null is reserved for absent values
        if isinstance(v, float) and not math.isfinite(v):
            return "NaN" if math.isnan(v) else "Infinity" if v > 0 else "-Infinity"
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v
    print(json.dumps(clean(json.loads(json.dumps(value, default=_json_default))), sort_keys=False), flush=True)


def _setting(text: str) -> tuple[str, object]:
    """KEY=VALUE of a RunSpec setting, VALUE converted to the field's type."""
    from dirpg.train.v1 import trainer_pb2 as pb
    from dirpg.trainer_client import SETTINGS
    key, sep, raw = text.partition("=")
    if not sep or key not in SETTINGS:
        raise argparse.ArgumentTypeError(f"--set wants KEY=VALUE with KEY one of {list(SETTINGS)}, got '{text}'")
    field = pb.RunSpec.DESCRIPTOR.fields_by_name[key]
    try:
        if field.type == FieldDescriptor.TYPE_BOOL:
            return key, _BOOL_WORDS[raw.lower()]
        if field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
            return key, float(raw)
        if field.type in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_INT64):
            return key, int(raw)
    except (KeyError, ValueError):
        kind = "true/false" if field.type == FieldDescriptor.TYPE_BOOL else "number"
        raise argparse.ArgumentTypeError(f"--set {key}: '{raw}' is not a {kind}") from None
    return key, raw


def _option(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"--option wants NAME=VALUE, got '{text}'")
    return key, value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dirpg-py", description="DirPG from Python: env servers, envs, trainer runs.")
    p.add_argument("--verbose", action="store_true", help="show the stack trace of an unexpected failure")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("envserver", help="run an env server (python -m dirpg.envserver options)", add_help=False)

    def addressed(parser):
        parser.add_argument("--address", default=None, help="server host:port (default $DIRPG_ADDRESS)")
        parser.add_argument("--token-file", default=None, metavar="FILE",
                            help="file holding the bearer token (default $DIRPG_TOKEN_FILE, or the token in $DIRPG_TOKEN)")
        parser.add_argument("--ca-file", default=None, metavar="PEM",
                            help="CA certificate of the server: connect over TLS (default $DIRPG_CA_FILE)")
        parser.add_argument("--cert-file", default=None, metavar="PEM",
                            help="client certificate for mutual TLS (with --key-file; default $DIRPG_CERT_FILE)")
        parser.add_argument("--key-file", default=None, metavar="PEM",
                            help="private key of --cert-file (default $DIRPG_KEY_FILE)")
        # SUPPRESS: given before the command it stays set; a subparser's default would reset it.
        parser.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                            help="show the stack trace of an unexpected failure")
        return parser

    # "envs HOST:PORT" and the older "envs list --address HOST:PORT" (a subcommand cannot be optional in
    # argparse, so the words after "envs" are read here: an optional "list", then an optional address).
    envs = addressed(sub.add_parser("envs", help="list the environments a server serves",
                                    usage="dirpg-py envs [list] [HOST:PORT] [--address HOST:PORT]"))
    envs.add_argument("words", nargs="*", metavar="[list] [HOST:PORT]",
                      help="the server's address (or give --address); 'list' may come first")
    envs.set_defaults(command_parser=envs)

    runs = sub.add_parser("runs", help="trainer runs").add_subparsers(dest="action", required=True)
    create = addressed(runs.add_parser("create", help="create a run"))
    create.add_argument("--env", default=None,
                        help="environment id, e.g. DeepSea-v0 (with --resume: omit to keep the checkpoint's spec)")
    create.add_argument("--endpoints", default=None,
                        help="env servers host:port,host:port (a remote environment); omit for a native one")
    create.add_argument("--option", type=_option, action="append", default=[], metavar="NAME=VALUE",
                        help="environment option (repeatable)")
    create.add_argument("--set", type=_setting, action="append", default=[], metavar="KEY=VALUE",
                        help="run setting, e.g. algorithm=dirpg budget=100 updates=50 (repeatable)")
    create.add_argument("--resume", default=None, metavar="CHECKPOINT",
                        help="resume from this checkpoint (a server-side path, or @FILE for local bytes)")
    ls = addressed(runs.add_parser("list", help="list runs"))
    ls.add_argument("--state", default=None, help="only runs in this state, e.g. RUNNING")
    for name, helptext in (("get", "show a run"), ("stop", "stop a run"), ("checkpoint", "save a checkpoint")):
        addressed(runs.add_parser(name, help=helptext)).add_argument("run_id")
    watch = addressed(runs.add_parser("watch", help="print a run's metrics until it ends"))
    watch.add_argument("run_id")
    watch.add_argument("--from", dest="from_update", type=int, default=0, help="first update index")
    watch.add_argument("--tensorboard", metavar="DIR", default=None,
                       help="also write the metrics as TensorBoard scalars into DIR (needs the tensorboard package)")
    act = addressed(runs.add_parser("act", help="actions of a run's policy"))
    act.add_argument("run_id")
    act.add_argument("--obs", required=True, type=json.loads,
                     help="JSON list of flat feature vectors, e.g. '[[1,0,0],[0,1,0]]'")
    act.add_argument("--greedy", action="store_true", help="most probable action instead of sampling")
    act.add_argument("--seed", type=int, default=0, help="sampling seed")
    return p


def _envs_address(args) -> None:
    """Reads ``envs [list] [HOST:PORT]`` into args.address; a positional and a different --address clash."""
    parser = args.command_parser
    words = args.words[1:] if args.words[:1] == ["list"] else args.words
    if len(words) > 1:
        parser.error(f"envs takes one address, got {words}: dirpg-py envs HOST:PORT")
    if words:
        if args.address and args.address != words[0]:
            parser.error(f"envs got two addresses, {words[0]} and --address {args.address}: give one")
        args.address = words[0]


def _run(args) -> None:
    if args.command == "envs":
        from dirpg.gym_env import list_environments
        from dirpg.trainer_client import environment_to_dict
        for d in list_environments(args.address, credentials=args.credentials):
            _print(environment_to_dict(d))
        return
    from dirpg.trainer_client import TrainerClient, build_spec, spec_to_dict
    with TrainerClient(args.address, credentials=args.credentials) as client:
        if args.action == "create":
            settings = dict(args.set)
            if args.resume is not None:
                checkpoint = args.resume
                if checkpoint.startswith("@"):
                    with open(checkpoint[1:], "rb") as f:
                        checkpoint = f.read()
                if args.env is None:
                    _print(client.resume(checkpoint, **settings))
                else:
                    spec = build_spec(args.env, args.endpoints, dict(args.option))
                    _print(client.resume(checkpoint, spec_to_dict(spec), **settings))
            elif args.env is None:
                raise SystemExit("dirpg-py runs create: --env is required (unless resuming with --resume)")
            else:
                _print(client.create_run(args.env, endpoints=args.endpoints, env_options=dict(args.option),
                                         **settings))
        elif args.action == "list":
            for run in client.list_runs(args.state):
                _print(run)
        elif args.action == "get":
            _print(client.get_run(args.run_id))
        elif args.action == "stop":
            _print(client.stop_run(args.run_id))
        elif args.action == "checkpoint":
            c = client.save_checkpoint(args.run_id)
            _print({"path": c.path, "updates_done": c.updates_done, "bytes": len(c.data)})
        elif args.action == "watch":
            board = None
            if args.tensorboard:
                from dirpg.tensorboard_log import MetricsBoard
                board = MetricsBoard(args.tensorboard)
            try:
                for metrics in client.watch(args.run_id, args.from_update):
                    _print(metrics)
                    if board is not None:
                        board.write(metrics)
            finally:
                if board is not None:
                    board.close()
        elif args.action == "act":
            _print(client.act(args.run_id, args.obs, greedy=args.greedy, seed=args.seed))


def _failure(e: DirpgError | RemoteEnvError, address: str, credentials, service: str) -> str:
    """The one line for a failed call (see dirpg.errors.explained)."""
    if isinstance(e, DirpgError):
        return str(explained(e, address, credentials, service, cli=True))
    if e.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.UNIMPLEMENTED):
        return str(explained(DirpgError(e.code, e.message), address, credentials, service, cli=True))
    return str(e)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "envserver":
        from dirpg.envserver.__main__ import main as envserver_main
        return envserver_main(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "envs":
        _envs_address(args)
    args.address = args.address or os.environ.get("DIRPG_ADDRESS")
    if not args.address:
        parser.error("no server address: give HOST:PORT with --address (or after 'envs'), or set $DIRPG_ADDRESS")
    from dirpg.credentials import Credentials
    try:
        args.credentials = Credentials.load(None, args.token_file, args.ca_file, args.cert_file, args.key_file)
    except ValueError as e:
        parser.error(str(e))
    try:
        _run(args)
    except (DirpgError, RemoteEnvError) as e:
        service = "env" if args.command == "envs" else "trainer"
        print(f"dirpg-py: {' '.join(_failure(e, args.address, args.credentials, service).split())}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (dirpg-py ... | head -1): stop quietly, as Unix tools do; stdout is pointed at
        # /dev/null so the interpreter's final flush does not raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (TypeError, ValueError) as e:  # settings the client rejects before calling the server
        print(f"dirpg-py: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        if args.verbose:
            raise
        print(f"dirpg-py: {' '.join(f'{type(e).__name__}: {e}'.split())} (--verbose shows the stack trace)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
