"""Any environment served over the DirPG environment protocol as a ``gymnasium.Env``.

The served environment may live in a Java DirPG server (``java -jar target/dirpg.jar serve``: DeepSea-v0,
SpanningTreeBandit-v0, GaussianChoice-v0, CoinTree-v0) or in a Python env server (``python -m dirpg.envserver``,
e.g. MiniGrid). ``DirpgEnv`` keeps the current state token client-side; every ``step`` sends (token, action) to
the server, which steps it as a pure function, so two ``DirpgEnv`` on one server never interfere.

Registration: importing this module registers ``dirpg/DeepSea-v0``, ``dirpg/SpanningTreeBandit-v0``,
``dirpg/GaussianChoice-v0`` and ``dirpg/CoinTree-v0`` (the Java server's native environments), so
``gymnasium.make("dirpg/DeepSea-v0", address="127.0.0.1:50051")`` works (the address defaults to
``$DIRPG_ADDRESS``); ``gymnasium.make("dirpg.gym_env:dirpg/DeepSea-v0")`` imports this module on the way.
``register_all(address)`` registers every environment a server lists, as ``dirpg/<env id>`` (see gym_ids for the
one exception); ``gymnasium.make_vec(id, num_envs=N, vectorization_mode="vector_entry_point", address=...)`` of any
of these ids returns a ``dirpg.vector_env.DirpgVectorEnv`` (one StepBatch call per step). An id the server does not
serve fails at make with ``EnvNotServedError``, one line listing what it does serve.

Illegal actions: the legal actions of the current state are ``info["action_mask"]`` (an int8 mask of length
``action_space.n``, the form ``Discrete.sample(mask=...)`` and sb3-contrib's MaskablePPO take; the same array is
also ``info["legal_actions"]``) and ``action_masks()``. What an action outside
that mask does is the ``illegal_action`` argument:

- ``"terminate"`` (default): the episode ends there (the convention of PettingZoo's board games), with the
  declared penalty ``ILLEGAL_ACTION_REWARD`` (0.0, no reward: every bridged env's rewards of a legal episode are
  what it would have earned instead): the step returns the unchanged observation, reward 0.0, ``terminated=True``
  and ``info["illegal_action"] = True``; the server is not called. Checkers and learners that sample any action
  (Gymnasium's and SB3's ``check_env``, PPO) therefore run with the default settings.
- ``"raise"``: ``IllegalActionError`` (a ``ValueError``) with the server's message; the current state is
  unchanged, so the episode can continue with a legal action. Nothing is silently replaced.

Actions outside ``action_space`` always raise ``ValueError``.
"""

from __future__ import annotations

import dataclasses
import os
from collections import OrderedDict
from typing import Any

import grpc
import gymnasium as gym
import numpy as np
from gymnasium import spaces

from dirpg.credentials import Credentials
from dirpg.env.v1 import environment_pb2 as pb
from dirpg.env.v1 import environment_pb2_grpc as pb_grpc
from dirpg.envclient import RemoteEnv, RemoteEnvError, State
from dirpg.envserver.service import MAX_MESSAGE_BYTES

ADDRESS_ENV_VAR = "DIRPG_ADDRESS"
NAMESPACE = "dirpg"
JAVA_NATIVE_ENVS = ("DeepSea-v0", "SpanningTreeBandit-v0", "GaussianChoice-v0", "CoinTree-v0")
ILLEGAL_ACTION_MODES = ("raise", "terminate")
#: The reward of the step that ends an episode on an illegal action (``illegal_action="terminate"``, the default).
ILLEGAL_ACTION_REWARD = 0.0
_SEED_LIMIT = 2**31 - 1  # unseeded resets draw the episode seed from np_random in [0, 2^31 - 1)
_MASK_CACHE = 1024  # distinct legal-action masks a DirpgEnv keeps as arrays


class IllegalActionError(ValueError):
    """The server rejected a step as INVALID_ARGUMENT (an illegal or out-of-range action); ``code``, ``message``."""

    def __init__(self, code: grpc.StatusCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _box(spec: pb.TensorSpec) -> spaces.Box:
    shape = tuple(int(d) for d in spec.shape)
    if spec.dtype == pb.D_TYPE_UINT8:
        return spaces.Box(0, 255, shape, np.uint8)
    if spec.dtype == pb.D_TYPE_INT64:
        info = np.iinfo(np.int64)
        return spaces.Box(info.min, info.max, shape, np.int64)
    if spec.dtype in (pb.D_TYPE_FLOAT32, pb.D_TYPE_FLOAT64):
        dtype = np.float32 if spec.dtype == pb.D_TYPE_FLOAT32 else np.float64
        return spaces.Box(-np.inf, np.inf, shape, dtype)
    raise ValueError(f"observation tensor '{spec.name}' has dtype {pb.DType.Name(spec.dtype)}; "
                     f"supported: UINT8, INT64, FLOAT32, FLOAT64")


def _space(spec: pb.TensorSpec) -> spaces.Space:
    """The part's Gymnasium space from the protocol's ``space`` (Discrete, Box with its bounds, MultiDiscrete,
    MultiBinary); a part described without one (an older server) is a Box of its dtype with no bounds."""
    kind = spec.space.WhichOneof("kind") if spec.HasField("space") else None
    shape = tuple(int(d) for d in spec.shape)
    if kind == "discrete":
        return spaces.Discrete(int(spec.space.discrete.n), start=int(spec.space.discrete.start))
    if kind == "multi_discrete":
        md = spec.space.multi_discrete
        nvec = np.asarray(md.nvec, dtype=np.int64).reshape(shape)
        start = np.asarray(md.start, dtype=np.int64).reshape(shape) if len(md.start) else None
        return spaces.MultiDiscrete(nvec, start=start)
    if kind == "multi_binary":
        return spaces.MultiBinary(list(shape) if shape else 1)
    if kind == "box":
        box = _box(spec)
        low = np.broadcast_to(np.asarray(spec.space.box.low or [-np.inf], dtype=np.float64), shape)
        high = np.broadcast_to(np.asarray(spec.space.box.high or [np.inf], dtype=np.float64), shape)
        if np.issubdtype(box.dtype, np.integer):
            info = np.iinfo(box.dtype)
            low = np.where(np.isfinite(low), low, info.min).astype(box.dtype)
            high = np.where(np.isfinite(high), high, info.max).astype(box.dtype)
        return spaces.Box(low.astype(box.dtype), high.astype(box.dtype), shape, box.dtype)
    return _box(spec)


def observation_space(specs) -> spaces.Space:
    """The Gymnasium space of described tensors: one Box for a single tensor, else a Dict of Boxes by name, in
    the described order (an OrderedDict, so Gymnasium keeps it rather than sorting the names)."""
    specs = list(specs)
    if not specs:
        raise ValueError("the environment describes no observation tensors")
    if len(specs) == 1:
        return _space(specs[0])
    return spaces.Dict(OrderedDict((s.name, _space(s)) for s in specs))


def list_environments(address: str, timeout: float = 30.0,
                      credentials: Credentials | None = None) -> list[pb.EnvironmentDescription]:
    """The environments the server at ``address`` serves (ListEnvironments); errors raise RemoteEnvError.
    ``credentials`` default to ``Credentials.load()`` (the environment variables of dirpg.credentials)."""
    credentials = credentials or Credentials.load()
    with credentials.channel(address, options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)]) as ch:
        try:
            response = pb_grpc.EnvironmentServiceStub(ch).ListEnvironments(pb.ListEnvironmentsRequest(),
                                                                            timeout=timeout,
                                                                            metadata=credentials.metadata)
        except grpc.RpcError as e:
            raise RemoteEnvError(e.code(), e.details()) from None
    return list(response.environments)


class DirpgEnv(gym.Env):
    """An environment served over the DirPG environment protocol, as a Gymnasium environment.

    ## Description
    Whatever the served environment is (its ``description`` text is ``self.description.description``). The
    state lives in an opaque state token held here; the server steps (token, action) pairs.

    ## Action Space
    ``Discrete(num_actions)``. Legal actions per state: ``info["action_mask"]`` / ``action_masks()``; an
    illegal action ends the episode with reward ``ILLEGAL_ACTION_REWARD`` (0.0), or, with
    ``illegal_action="raise"``, raises ``IllegalActionError`` (a ValueError, the server's message) and changes nothing.

    ## Observation Space
    From the described tensors: a single tensor gives a ``Box``, several a ``Dict`` of ``Box`` by tensor name.
    uint8 tensors are Box(0, 255, uint8), int64 the full int64 range, float32/float64 unbounded.

    ## Rewards
    The served environment's (its range is ``self.description.min_reward .. max_reward``).

    ## Starting State
    The server's reset for the episode seed: ``reset(seed=s)`` sends s; ``reset()`` draws the seed from
    ``self.np_random`` (so a seeded reset followed by unseeded ones is reproducible).

    ## Episode End
    ``terminated`` / ``truncated`` as the server reports them; stepping after the end raises ``ResetNeeded``.

    ## Arguments
    ``env_id`` (the served id, e.g. "DeepSea-v0"), ``address`` ("host:port"; default ``$DIRPG_ADDRESS``),
    ``timeout`` (seconds per call), ``illegal_action`` ("raise" or "terminate", see the module docs),
    ``render_mode`` (only None: nothing is rendered); credentials for a server with TLS or bearer tokens:
    ``token`` / ``token_file``, ``ca_file``, ``cert_file`` and ``key_file`` (mutual TLS), or a ready
    ``credentials`` (``dirpg.credentials.Credentials``); unset parts come from $DIRPG_TOKEN, $DIRPG_CA_FILE, ....

    Info (reset and step): ``legal_actions`` (int8 mask), ``state_token`` (bytes), and
    ``return_to_go_upper_bound`` when the environment provides bounds.
    """

    metadata = {"render_modes": []}

    def __init__(self, env_id: str, address: str | None = None, timeout: float = 30.0,
                 illegal_action: str = "terminate", render_mode: str | None = None, *, token: str | None = None,
                 token_file: str | None = None, ca_file: str | None = None, cert_file: str | None = None,
                 key_file: str | None = None, credentials: Credentials | None = None):
        if illegal_action not in ILLEGAL_ACTION_MODES:
            raise ValueError(f"illegal_action must be one of {ILLEGAL_ACTION_MODES}, got {illegal_action!r}")
        self.illegal_action = illegal_action
        address = address or os.environ.get(ADDRESS_ENV_VAR)
        if not address:
            raise ValueError(f"DirpgEnv('{env_id}') needs the server's address: pass address='host:port' "
                             f"or set ${ADDRESS_ENV_VAR}")
        if render_mode is not None:
            raise ValueError(f"DirpgEnv renders nothing; render_mode must be None, got {render_mode!r}")
        self.render_mode = None
        self.address = address
        credentials = credentials or Credentials.load(token, token_file, ca_file, cert_file, key_file)
        try:
            self._remote = RemoteEnv(address, env_id, timeout=timeout, credentials=credentials)
        except RemoteEnvError as e:
            raise not_served(e, address, env_id, credentials) from None
        self.description = self._remote.description
        self.observation_space = observation_space(self.description.observation)
        self.action_space = spaces.Discrete(self.description.num_actions)
        self._single = not isinstance(self.observation_space, spaces.Dict)
        self._bits = np.arange(self.description.num_actions, dtype=np.uint64)
        self._masks: dict[int, np.ndarray] = {}
        self._state: State | None = None

    @property
    def env_id(self) -> str:
        return self._remote.env_id

    @property
    def state_token(self) -> bytes | None:
        """The current state's token (None before the first reset)."""
        return None if self._state is None else self._state.token

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        episode_seed = seed if seed is not None else int(self.np_random.integers(0, _SEED_LIMIT))
        self._state = self._remote.reset(episode_seed, options or None)
        return self._observation(self._state), self._info(self._state)

    def step(self, action):
        if self._state is None:
            raise gym.error.ResetNeeded(f"{self.env_id}: call reset() before step()")
        if self._state.terminal:
            raise gym.error.ResetNeeded(f"{self.env_id}: the episode has ended; call reset() before step()")
        # a plain int is checked here; Discrete.contains (the other cases) is slow for a per-step check
        if not (isinstance(action, (int, np.integer)) and 0 <= action < self.action_space.n) \
                and not self.action_space.contains(action):
            raise ValueError(f"{self.env_id}: action {action!r} is outside the action space {self.action_space}")
        if self.illegal_action == "terminate" and not (self._state.legal_actions >> int(action)) & 1:
            self._state = dataclasses.replace(self._state, terminal=True, legal_actions=0)
            info = self._info(self._state)
            info["illegal_action"] = True
            return self._observation(self._state), ILLEGAL_ACTION_REWARD, True, False, info
        try:
            result = self._remote.step(self._state.token, int(action))
        except RemoteEnvError as e:
            if e.code == grpc.StatusCode.INVALID_ARGUMENT:
                raise IllegalActionError(e.code, e.message) from None
            raise
        self._state = result.next
        return (self._observation(result.next), float(result.reward), bool(result.terminated),
                bool(result.truncated), self._info(result.next))

    def action_masks(self) -> np.ndarray:
        """The legal actions of the current state as an int8 mask (sb3-contrib's MaskablePPO reads this)."""
        if self._state is None:
            raise gym.error.ResetNeeded(f"{self.env_id}: call reset() before action_masks()")
        return self._mask(self._state)

    def features(self, observation) -> np.ndarray:
        """The flat float64 feature vector of an observation: its tensors concatenated in the described order,
        each row-major (the vector a DirPG policy sees, e.g. for ``TrainerClient.act``)."""
        if self._single:
            return np.asarray(observation, dtype=np.float64).ravel()
        return np.concatenate([np.asarray(observation[name], dtype=np.float64).ravel()
                               for name in self.observation_space.spaces])

    def close(self) -> None:
        self._remote.close()

    def _mask(self, state: State) -> np.ndarray:
        # An env has few distinct masks, and numpy's scalar bit operations cost more than the rest of the step's
        # Python side: each mask is computed once (up to _MASK_CACHE of them) and handed out as a copy.
        mask = self._masks.get(state.legal_actions)
        if mask is None:
            mask = ((np.uint64(state.legal_actions) >> self._bits) & np.uint64(1)).astype(np.int8)
            if len(self._masks) < _MASK_CACHE:
                self._masks[state.legal_actions] = mask
        return mask.copy()

    def _observation(self, state: State):
        # Copies: the decoded arrays are read-only views of the response bytes.
        # (in the dtype of the part's space: e.g. a MultiBinary part that travels as float64 arrives as int8)
        if self._single:
            return np.array(next(iter(state.observation.values())), dtype=self.observation_space.dtype)
        # a Discrete part is a numpy integer scalar, not a 0-d array (SB3's check_env requires an int there)
        return {name: (space.dtype.type(state.observation[name]) if isinstance(space, spaces.Discrete)
                       else np.array(state.observation[name], dtype=space.dtype))
                for name, space in self.observation_space.spaces.items()}

    def _info(self, state: State) -> dict[str, Any]:
        mask = self._mask(state)
        # "action_mask" is sb3-contrib's MaskablePPO convention; "legal_actions" is the same array, kept for callers
        info = {"action_mask": mask, "legal_actions": mask, "state_token": state.token}
        if state.upper_bound is not None:
            info["return_to_go_upper_bound"] = state.upper_bound
        if state.lower_bound is not None:
            info["return_to_go_lower_bound"] = state.lower_bound
        return info


class EnvNotServedError(gym.error.Error, LookupError):
    """The server at the given address does not serve the requested env id (NOT_FOUND); the message lists the ids
    it does serve."""


def not_served(error: RemoteEnvError, address: str, env_id: str, credentials: Credentials) -> Exception:
    """``error`` (from describing ``env_id``) as the one-line error to raise: for NOT_FOUND an ``EnvNotServedError``
    naming what the server serves, as served ids and as the Gymnasium ids ``register_all`` gives them; else
    ``error`` itself."""
    if error.code != grpc.StatusCode.NOT_FOUND:
        return error
    try:
        served = [d.env_id for d in list_environments(address, credentials=credentials)]
    except RemoteEnvError:
        return error
    ids = gym_ids(served)
    return EnvNotServedError(f"the server at {address} does not serve '{env_id}'; it serves "
                             + ", ".join(f"'{s}' ({ids[s]})" for s in served))


def gym_id(env_id: str) -> str:
    """The Gymnasium id under which a served env id is registered: ``dirpg/<env id>``, a namespace of the served
    id joined by '-' (Gymnasium ids hold one namespace): "ALE/Pong-v5" -> "dirpg/ALE-Pong-v5". When a server
    serves several versions of one name, ``gym_ids`` renames all but the newest."""
    return f"{NAMESPACE}/{env_id.replace('/', '-')}"


def gym_ids(env_ids) -> dict[str, str]:
    """The Gymnasium id of each served id (``gym_id``), except that an older version of a name the same server also
    serves in a newer version is registered as ``<name>-legacy-v<k>``: Gymnasium's ``make`` warns that ``name-v0``
    is out of date whenever ``name-v1`` is registered, and both are current environments here (the Java server's
    ``JavaMiniGrid-MultiRoom-N4-S5-v0`` has 6 rooms as MiniGrid's v0, ``-v1`` 4 rooms), so the older one is
    registered as ``dirpg/JavaMiniGrid-MultiRoom-N4-S5-legacy-v0``; it still serves the id ``...-N4-S5-v0``."""
    parsed = {e: gym.envs.registration.parse_env_id(gym_id(e)) for e in env_ids}
    newest: dict[tuple, int] = {}
    for ns, name, version in parsed.values():
        if version is not None:
            newest[(ns, name)] = max(version, newest.get((ns, name), version))
    out = {}
    for e, (ns, name, version) in parsed.items():
        legacy = version is not None and version < newest[(ns, name)]
        out[e] = f"{ns}/{name}-legacy-v{version}" if legacy else gym_id(e)
    return out


def register(env_id: str, address: str | None = None, credentials: Credentials | None = None,
             gid: str | None = None) -> str:
    """Registers ``dirpg/<env_id>`` (or ``gid``) with ``DirpgEnv`` as its entry point and ``DirpgVectorEnv`` as its
    vector entry point; returns the id. ``address``: given, else ``$DIRPG_ADDRESS`` at make time; ``credentials``
    (a ``dirpg.credentials.Credentials``, whose repr never shows the token): given, else loaded at make time.

    Registering an id again with other arguments replaces the registration.
    """
    gid = gid or gym_id(env_id)
    kwargs = {"env_id": env_id}
    if address is not None:
        kwargs["address"] = address
    if credentials is not None:
        kwargs["credentials"] = credentials
    existing = gym.registry.get(gid)
    if existing is not None and existing.kwargs == kwargs:
        return gid
    if existing is not None:
        del gym.registry[gid]
    gym.register(id=gid, entry_point="dirpg.gym_env:DirpgEnv", vector_entry_point="dirpg.vector_env:DirpgVectorEnv",
                 kwargs=kwargs, nondeterministic=False, disable_env_checker=False)
    return gid


def register_all(address: str, credentials: Credentials | None = None, *, token: str | None = None,
                 token_file: str | None = None, ca_file: str | None = None, cert_file: str | None = None,
                 key_file: str | None = None) -> list[str]:
    """Registers every environment the server at ``address`` lists (the Java server's MiniGrid twins included);
    returns the Gymnasium ids, in the server's order (see ``gym_ids`` for the names).

    Credentials as ``DirpgEnv`` takes them (``credentials``, or ``token`` / ``token_file``, ``ca_file``,
    ``cert_file``, ``key_file``, unset parts from the environment); given ones are registered with the ids, so
    ``gymnasium.make(id)`` needs no more than the id.
    """
    given = credentials is not None or any(p is not None for p in (token, token_file, ca_file, cert_file, key_file))
    credentials = credentials or Credentials.load(token, token_file, ca_file, cert_file, key_file)
    served = [d.env_id for d in list_environments(address, credentials=credentials)]
    ids = gym_ids(served)
    return [register(e, address, credentials if given else None, ids[e]) for e in served]


#: The former name of ``register_all``.
register_served = register_all


for _env_id in JAVA_NATIVE_ENVS:
    register(_env_id)
