"""A Python client of the DirPG trainer protocol (dirpg.train.v1, served by ``java -jar dirpg.jar serve``).

Call order: ``TrainerClient(address)``; ``create_run(...)`` returns a ``Run`` (PENDING or RUNNING); then any of
``get_run``, ``list_runs``, ``watch`` (an iterator of ``UpdateMetrics`` that replays recorded updates from
``from_update`` and follows the run until it ends), ``act`` (actions of the current policy for a batch of
observations), ``save_checkpoint``, ``stop_run``; ``resume(checkpoint)`` starts a new run from a checkpoint; then
``close()`` (or use it as a context manager). Every failed call raises a ``dirpg.errors.DirpgError`` subclass
(``InvalidArgument``, ``NotFound``, ``FailedPrecondition``, ...) carrying the server's code and message.

A lost metrics stream is resumed by calling ``watch(run_id, from_update=last.update + 1)``: the server keeps every
update's metrics for the whole run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields

import grpc
import numpy as np
from google.protobuf.descriptor import FieldDescriptor

from dirpg.credentials import Credentials
from dirpg.env.v1 import environment_pb2 as env_pb
from dirpg.errors import error_from_rpc, explained
from dirpg.train.v1 import trainer_pb2 as pb
from dirpg.train.v1 import trainer_pb2_grpc as pb_grpc

# RunSpec's enum fields and the prefix of their value names (AIP-126: ALGORITHM_DIRPG, ...). The client shows and
# takes the short form ("DIRPG"; also "dirpg", "reinforce-rtg" or the full proto name).
_ENUM_FIELDS = {"algorithm": (pb.Algorithm, "ALGORITHM_"), "priority": (pb.Priority, "PRIORITY_"),
                "heuristic": (pb.Heuristic, "HEURISTIC_")}
_RUN_STATE = (pb.RunState, "RUN_STATE_")
_ENVIRONMENT_FIELDS = tuple(f.name for f in pb.RunSpec.DESCRIPTOR.oneofs_by_name["environment"].fields)
_SPEC_SETTINGS = tuple(f.name for f in pb.RunSpec.DESCRIPTOR.fields
                       if f.name not in _ENVIRONMENT_FIELDS and f.name not in _ENUM_FIELDS)
SETTINGS = tuple(sorted(_SPEC_SETTINGS + tuple(_ENUM_FIELDS)))
"""The run settings ``create_run`` and ``resume`` take as keyword arguments (RunSpec's fields)."""


@dataclass(frozen=True)
class UpdateMetrics:
    """What one update measured (trainer.proto UpdateMetrics). None = absent = not measured: the DirPG fields for
    the other algorithms, ``gradient_norm`` for UCB, and ``first_improvement`` when nothing improved on a_opt."""

    update: int
    interactions: int
    update_return: float
    dir_return: float | None
    d_opt: float | None
    d_dir: float | None
    candidates: int | None
    search_interactions: int
    first_improvement: int | None
    gradient_norm: float | None

    @staticmethod
    def from_proto(m: pb.UpdateMetrics) -> UpdateMetrics:
        return UpdateMetrics(**{f.name: getattr(m, f.name) if _present(m, f.name) else None
                                for f in fields(UpdateMetrics)})


def _present(message, field: str) -> bool:
    """False only for an optional (explicit presence) field that is unset."""
    return not message.DESCRIPTOR.fields_by_name[field].has_presence or message.HasField(field)


@dataclass(frozen=True)
class Run:
    """A run as the server reports it: ``state`` by short name ("RUNNING", "SUCCEEDED", ...); ``spec`` is the RunSpec
    with every default filled in, as a dict (see spec_to_dict)."""

    run_id: str
    state: str
    spec: dict
    updates_done: int
    updates_total: int
    interactions: int
    latest_metrics: UpdateMetrics | None
    error_message: str
    latest_checkpoint: str
    resumed_from_update: int
    recovered_from_update: int | None = None
    owner: str = ""
    environment: dict | None = None
    """The run's environment as an env server describes it (environment_to_dict): its observation tensors define
    the features ``act`` takes. None for a run a restarted server restored in a final state."""

    @property
    def ended(self) -> bool:
        return self.state in ("SUCCEEDED", "FAILED", "STOPPED")

    @staticmethod
    def from_proto(r: pb.Run) -> Run:
        return Run(run_id=r.run_id, state=enum_name(_RUN_STATE, r.state), spec=spec_to_dict(r.spec),
                   updates_done=r.progress.updates_done, updates_total=r.progress.updates_total,
                   interactions=r.progress.interactions,
                   latest_metrics=UpdateMetrics.from_proto(r.latest_metrics) if r.HasField("latest_metrics")
                   else None,
                   error_message=r.error_message, latest_checkpoint=r.latest_checkpoint,
                   resumed_from_update=r.resumed_from_update,
                   recovered_from_update=r.recovered_from_update if r.HasField("recovered_from_update") else None,
                   owner=r.owner,
                   environment=environment_to_dict(r.environment) if r.HasField("environment") else None)


@dataclass(frozen=True)
class ActResult:
    """Actions for a batch: ``actions[i]`` for observation i, its ``log_prob``, and ``log_probs[i, a]`` for every
    action (-inf where illegal); ``policy_updates`` is how many updates the acting policy had received."""

    actions: np.ndarray
    log_prob: np.ndarray
    log_probs: np.ndarray
    policy_updates: int


@dataclass(frozen=True)
class Checkpoint:
    """A saved checkpoint: the server-side ``path`` and the checkpoint's bytes (``data``, JSON)."""

    path: str
    data: bytes
    updates_done: int


def environment_to_dict(d: env_pb.EnvironmentDescription) -> dict:
    """Every figure of an environment description under its proto field names, dtypes by short lower-case name
    ("uint8"); the reward range's infinities stay floats. The free-text description is left out."""
    return {"env_id": d.env_id, "num_actions": d.num_actions,
            "observation": [{"name": t.name, "shape": list(t.shape),
                             "dtype": enum_name((env_pb.DType, "D_TYPE_"), t.dtype).lower()} for t in d.observation],
            "provides_bound": d.provides_bound, "min_reward": d.min_reward, "max_reward": d.max_reward}


def spec_to_dict(spec: pb.RunSpec) -> dict:
    """A RunSpec as a dict of the fields that are set (enums by short name, e.g. "DIRPG", "GUMBEL", "VALID_BOUND";
    the environment as a nested dict)."""
    out: dict = {}
    for field, value in spec.ListFields():
        if field.name in _ENUM_FIELDS:
            out[field.name] = enum_name(_ENUM_FIELDS[field.name], value)
        elif field.message_type is not None:
            if field.name == "remote_environment":
                out[field.name] = {"env_id": value.env_id, "endpoints": list(value.endpoints)}
            else:
                out[field.name] = {"env_id": value.env_id, "options": dict(value.options)}
        else:
            out[field.name] = value
    return out


def enum_name(enum: tuple, number: int) -> str:
    """A value's short name, without the AIP-126 prefix (RUN_STATE_RUNNING -> "RUNNING"); a number this client's
    protos do not know (a newer server) is shown as its number."""
    kind, prefix = enum
    try:
        return kind.Name(number).removeprefix(prefix)
    except ValueError:
        return str(number)


def enum_number(enum: tuple, field: str, value) -> int:
    """The number of ``value``: an int as is, or a name, short or full, in any case, "-" for "_" ("reinforce-rtg",
    "REINFORCE_RTG", "ALGORITHM_REINFORCE_RTG"). An unknown name raises ValueError naming ``field``."""
    kind, prefix = enum
    if isinstance(value, int):
        return value
    name = str(value).strip().upper().replace("-", "_")
    try:
        return kind.Value(name if name.startswith(prefix) else prefix + name)
    except ValueError:
        # spelled as the command line spells them (reinforce-rtg), which this function also takes
        names = [n.removeprefix(prefix).lower().replace("_", "-") for n in kind.keys() if not n.endswith("UNSPECIFIED")]
        raise ValueError(f"{field} '{value}' unknown; use one of {names}") from None


ALIASES = {"lr": "learning_rate"}
"""Other spellings build_spec takes for a setting: the Java command line's (``--lr``)."""

_KINDS = {FieldDescriptor.TYPE_DOUBLE: ("a number", (int, float)),
          FieldDescriptor.TYPE_FLOAT: ("a number", (int, float)),
          FieldDescriptor.TYPE_BOOL: ("True or False", (bool,)),
          FieldDescriptor.TYPE_STRING: ("a string", (str,))}


def _check_type(name: str, value) -> None:
    """A one-line TypeError naming the field when ``value`` is not of the field's type (protobuf's own error names
    no field): a str for a number, a float for an integer, ..."""
    field = pb.RunSpec.DESCRIPTOR.fields_by_name[name]
    repeated = field.is_repeated if hasattr(field, "is_repeated") else field.label == FieldDescriptor.LABEL_REPEATED
    if repeated or name in _ENUM_FIELDS or field.type in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_BYTES):
        return
    kind, types = _KINDS.get(field.type, ("an integer", (int,)))
    is_bool = isinstance(value, (bool, np.bool_))
    ok = isinstance(value, types + ((np.integer,) if int in types else ()) + ((np.floating,) if float in types else ()))
    if not ok or (is_bool and bool not in types):
        raise TypeError(f"{name}: must be {kind}, got {value!r} ({type(value).__name__})")


def build_spec(env_id: str, endpoints: Sequence[str] | str | None = None,
               env_options: Mapping[str, object] | None = None, **settings) -> pb.RunSpec:
    """A RunSpec: a native environment of the server's registry, or a remote one when ``endpoints`` are given
    (a list of "host:port", or one comma-separated string); ``settings`` are RunSpec fields (see SETTINGS)."""
    for alias, name in ALIASES.items():
        if alias in settings:
            if name in settings:
                raise TypeError(f"{alias} and {name} are one setting; give {name} only")
            settings[name] = settings.pop(alias)
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise TypeError(f"unknown run setting(s) {unknown}; the settings are {list(SETTINGS)}")
    spec = pb.RunSpec()
    options = {str(k): str(v) for k, v in (env_options or {}).items()}
    if endpoints is None:
        spec.native_environment.env_id = env_id
        spec.native_environment.options.update(options)
    else:
        if isinstance(endpoints, str):
            endpoints = [e.strip() for e in endpoints.split(",") if e.strip()]
        if options:
            raise ValueError(f"env_options: a remote environment is configured by its server, not per run; got "
                             f"{sorted(options)} for {env_id}")
        spec.remote_environment.env_id = env_id
        spec.remote_environment.endpoints.extend(endpoints)
    for name, value in settings.items():
        if value is None:
            continue
        _check_type(name, value)
        setattr(spec, name, enum_number(_ENUM_FIELDS[name], name, value) if name in _ENUM_FIELDS else value)
    return spec


def spec_from_dict(spec: Mapping) -> pb.RunSpec:
    """The inverse of spec_to_dict: a RunSpec from a dict with one of native_environment / remote_environment
    (env_id, options, endpoints) and any settings of SETTINGS."""
    spec = dict(spec)
    native, remote = spec.pop("native_environment", None), spec.pop("remote_environment", None)
    if (native is None) == (remote is None):
        raise ValueError("a run spec needs exactly one of native_environment and remote_environment")
    env = native or remote
    return build_spec(env["env_id"], None if native else env.get("endpoints", []), env.get("options"), **spec)


def _legal_mask(mask) -> int | None:
    """A bit mask (bit a set = action a legal) as the protocol means it: None = unset = every action legal; 0 = no
    action legal (the server rejects it: a terminal state has nothing to act on)."""
    if mask is None:
        return None
    if isinstance(mask, (int, np.integer)):
        return int(mask)
    bits = 0
    for a, legal in enumerate(np.asarray(mask).ravel()):
        if legal:
            bits |= 1 << a
    return bits


class TrainerClient:
    """The trainer server at ``address`` ("host:port" or any gRPC target); ``timeout`` bounds each unary call.

    Credentials (see ``dirpg.credentials``): ``token`` (default: ``$DIRPG_TOKEN``, or the file ``token_file`` /
    ``$DIRPG_TOKEN_FILE``) is sent as ``authorization: Bearer TOKEN`` on every call, for servers started with
    --tokens-file; ``ca_file`` (default ``$DIRPG_CA_FILE``) makes the channel TLS, trusting that CA (a server
    started with --tls-cert); ``cert_file`` and ``key_file`` add a client certificate for mutual TLS (a server
    started with --tls-client-ca, where the certificate's CN owns the runs). Or pass a ready ``credentials``."""

    def __init__(self, address: str, timeout: float = 30.0, token: str | None = None, *,
                 token_file: str | None = None, ca_file: str | None = None, cert_file: str | None = None,
                 key_file: str | None = None, credentials: Credentials | None = None):
        self.address = address
        self.credentials = credentials or Credentials.load(token, token_file, ca_file, cert_file, key_file)
        # a checkpoint of a large network (NatureCNN on pixels) is megabytes of JSON: receive what the server sends
        self._channel = self.credentials.channel(address, options=[("grpc.max_receive_message_length", -1)])
        self._stub = pb_grpc.TrainerServiceStub(self._channel)
        self._timeout = timeout
        self._metadata = self.credentials.metadata

    def _call(self, method, request):
        try:
            return method(request, timeout=self._timeout, metadata=self._metadata)
        except grpc.RpcError as e:
            raise explained(error_from_rpc(e), self.address, self.credentials) from None

    def create_run(self, env_id: str, *, endpoints: Sequence[str] | str | None = None,
                   env_options: Mapping[str, object] | None = None, **settings) -> Run:
        """Queues a fresh run on ``env_id`` (native, or remote on ``endpoints``) with RunSpec ``settings``, e.g.
        ``algorithm="dirpg", epsilon=1.0, budget=200, updates=3, seed=0``."""
        spec = build_spec(env_id, endpoints, env_options, **settings)
        return Run.from_proto(self._call(self._stub.CreateRun, pb.CreateRunRequest(spec=spec)).run)

    def resume(self, checkpoint: Checkpoint | bytes | str, spec: Mapping | None = None, **settings) -> Run:
        """A new run continuing ``checkpoint`` (a Checkpoint or its bytes: sent as bytes; a str: a server-side
        path). With no ``spec`` and no settings the checkpoint's own settings apply. Otherwise ``spec`` (a
        ``Run.spec`` dict, e.g. ``client.get_run(id).spec``) updated with ``settings`` is sent; it must describe
        the checkpoint's environment and policy, and ``updates`` counts the checkpoint's updates too."""
        request = pb.CreateRunRequest()
        if isinstance(checkpoint, Checkpoint):
            request.checkpoint_bytes = checkpoint.data
        elif isinstance(checkpoint, (bytes, bytearray)):
            request.checkpoint_bytes = bytes(checkpoint)
        elif isinstance(checkpoint, str):
            request.checkpoint_path = checkpoint
        else:
            raise TypeError(f"checkpoint must be a Checkpoint, bytes or a server-side path, got "
                            f"{type(checkpoint).__name__}")
        if spec is not None:
            request.spec.CopyFrom(spec_from_dict({**spec, **settings}))
        elif settings:
            raise TypeError(f"resume: settings {sorted(settings)} replace the checkpoint's whole spec, so pass "
                            f"spec= too (e.g. spec=client.get_run(run_id).spec)")
        return Run.from_proto(self._call(self._stub.CreateRun, request).run)

    def get_run(self, run_id: str) -> Run:
        return Run.from_proto(self._call(self._stub.GetRun, pb.GetRunRequest(run_id=run_id)).run)

    def list_runs(self, state: str | None = None, page_size: int = 200) -> list[Run]:
        """Every run of the server (that the caller may see) in creation order, or only those in ``state`` (e.g.
        "RUNNING"), fetched ``page_size`` at a time so no single response grows with the number of runs."""
        return list(self.iter_runs(state, page_size))

    def iter_runs(self, state: str | None = None, page_size: int = 200) -> Iterator[Run]:
        """As ``list_runs``, one page per call as the iteration needs it (AIP-158 page tokens)."""
        request = pb.ListRunsRequest(page_size=page_size)
        if state is not None:
            request.state = enum_number(_RUN_STATE, "run state", state)
        while True:
            page = self._call(self._stub.ListRuns, request)
            for r in page.runs:
                yield Run.from_proto(r)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    def stop_run(self, run_id: str) -> Run:
        return Run.from_proto(self._call(self._stub.StopRun, pb.StopRunRequest(run_id=run_id)).run)

    def watch(self, run_id: str, from_update: int = 0, timeout: float | None = None) -> Iterator[UpdateMetrics]:
        """The run's metrics from update ``from_update`` on, replayed then live, until the run ends.
        ``timeout`` (seconds, default none) bounds the whole stream."""
        stream = self._stub.StreamMetrics(pb.StreamMetricsRequest(run_id=run_id, start_update=from_update),
                                          timeout=timeout, metadata=self._metadata)
        try:
            for response in stream:
                yield UpdateMetrics.from_proto(response.metrics)
        except grpc.RpcError as e:
            raise explained(error_from_rpc(e), self.address, self.credentials) from None
        finally:
            stream.cancel()

    def act(self, run_id: str, observations, legal_actions: Sequence | None = None, *, greedy: bool = False,
            seed: int = 0) -> ActResult:
        """Actions of the run's current policy for a batch of flat feature vectors (``observations``: shape
        (batch, features), or one vector); ``legal_actions[i]`` is a bit mask int or a 0/1 array, or None for
        every action legal (the default); a mask with no legal action is an InvalidArgument error. Greedy picks the most probable legal action; otherwise actions are sampled with ``seed``."""
        obs = np.asarray(observations, dtype=np.float64)
        if obs.ndim == 1:
            obs = obs[None, :]
        if obs.ndim != 2:
            raise ValueError(f"observations must be a batch of flat feature vectors (2-D), got shape {obs.shape}")
        masks = [None] * len(obs) if legal_actions is None else list(legal_actions)
        if len(masks) != len(obs):
            raise ValueError(f"{len(obs)} observations but {len(masks)} legal-action masks; they pair up")
        request = pb.ActRequest(run_id=run_id, greedy=greedy, seed=seed, observations=[
            pb.Observation(features=row.tolist(), legal_actions=_legal_mask(m)) for row, m in zip(obs, masks)])
        # (legal_actions=None leaves the optional field unset; an all-zero mask is sent as an explicit 0.)
        response = self._call(self._stub.Act, request)
        choices = response.choices
        return ActResult(actions=np.array([c.action for c in choices], dtype=np.int64),
                         log_prob=np.array([c.log_prob for c in choices], dtype=np.float64),
                         log_probs=np.array([list(c.log_probs) for c in choices], dtype=np.float64),
                         policy_updates=response.policy_updates)

    def save_checkpoint(self, run_id: str) -> Checkpoint:
        r = self._call(self._stub.SaveCheckpoint, pb.SaveCheckpointRequest(run_id=run_id))
        return Checkpoint(path=r.path, data=r.checkpoint, updates_done=r.updates_done)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> TrainerClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
