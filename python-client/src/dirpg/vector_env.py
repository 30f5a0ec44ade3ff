"""N copies of a served environment as one ``gymnasium.vector.VectorEnv``, stepped in one StepBatch call per step.

``gymnasium.make_vec("dirpg/DeepSea-v0", num_envs=16, vectorization_mode="vector_entry_point", address=...)``
returns a ``DirpgVectorEnv`` (every id ``dirpg.gym_env`` registers carries this vector entry point). The state of
each sub-environment is its state token, held here; a step sends the N (token, action) pairs in one StepBatch call and
decodes the N results into preallocated arrays.

Autoreset: ``AutoresetMode.SAME_STEP`` (``metadata["autoreset_mode"]``), the convention Stable-Baselines3's VecEnv
follows: the step that ends a sub-environment's episode returns the first observation of its next episode, with the
last observation in ``info["final_obs"]`` (an object array, None for the other sub-environments) and that step's info
in ``info["final_info"]`` (batched, with its ``_key`` masks). The next episode's first state is fetched ahead: every
sub-environment holds the reset of its next episode, so the step that ends an episode needs no second call; a StepBatch
carries the N steps plus a reset item (``StepItem.reset_seed``) for each sub-environment that started an episode in the
step before.

Seeds: ``reset(seed=s)`` starts sub-environment i with episode seed ``s + i`` and seeds its own generator with
``s + i``; each later episode's seed is drawn from that generator. Sub-environment i therefore sees exactly the
episodes of ``DirpgEnv.reset(seed=s + i)`` followed by unseeded resets, and steps exactly like it under the same
actions.
"""

from __future__ import annotations

import os
from typing import Any

import grpc
import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from dirpg.credentials import Credentials
from dirpg.env.v1 import environment_pb2 as pb
from dirpg.env.v1 import environment_pb2_grpc as pb_grpc
from dirpg.envclient import RemoteEnvError
from dirpg.envserver.service import MAX_MESSAGE_BYTES
from dirpg.gym_env import (ADDRESS_ENV_VAR, ILLEGAL_ACTION_MODES, ILLEGAL_ACTION_REWARD, IllegalActionError,
                           not_served, observation_space)
from dirpg.observations import NUMPY_OF_DTYPE

_SEED_LIMIT = 2**31 - 1  # as DirpgEnv: unseeded episodes draw their seed in [0, 2^31 - 1)


class DirpgVectorEnv(VectorEnv):
    """``num_envs`` copies of one served environment, reset and stepped together in one StepBatch call per step.

    ## Description
    The served environment (see ``dirpg.gym_env.DirpgEnv``), batched: sub-environment i is an independent episode
    of it. Autoreset is ``SAME_STEP`` (see the module docs).

    ## Action Space
    ``MultiDiscrete([num_actions] * num_envs)`` (``single_action_space`` is ``Discrete(num_actions)``). Legal actions:
    ``info["action_mask"]``, int8 of shape (num_envs, num_actions), and ``action_masks()``. An illegal action ends
    that sub-environment's episode with reward ``ILLEGAL_ACTION_REWARD`` (0.0) and ``info["illegal_action"]``, or
    with ``illegal_action="raise"`` raises ``IllegalActionError`` naming the sub-environment before anything is sent.

    ## Observation Space
    ``batch_space`` of ``DirpgEnv``'s: an array with a leading num_envs axis, or a Dict of those by tensor name.
    Results are decoded into preallocated arrays; what ``reset`` and ``step`` return are copies of them, which the
    caller may keep.

    ## Rewards
    float64 array of shape (num_envs,); 0.0 for the illegal-action end.

    ## Starting State
    ``reset(seed=s)``: sub-environment i starts from episode seed s + i; ``seed`` may also be a list of num_envs
    seeds (None entries draw from the sub-environment's generator). ``options={"reset_mask": mask}`` resets only
    the sub-environments where the bool mask is True; other options are sent to the server's reset as Gymnasium's.

    ## Episode End
    Per sub-environment, as the server reports it; that sub-environment then starts its next episode in the same
    step (``info["final_obs"]``, ``info["final_info"]``).

    ## Arguments
    ``num_envs``, ``env_id`` (the served id), ``address`` (default ``$DIRPG_ADDRESS``), ``timeout`` (seconds per
    call), ``illegal_action`` ("terminate" or "raise"), ``render_mode`` (None only), and the credentials of
    ``DirpgEnv`` (``token``, ``token_file``, ``ca_file``, ``cert_file``, ``key_file`` or ``credentials``).

    Info of reset and step: ``action_mask`` (num_envs, num_actions) int8 and ``state_token`` (object array of bytes),
    each with its Gymnasium ``_key`` mask. (The return-to-go bounds of ``DirpgEnv``'s info serve searches over single
    states, and are left out here.)
    """

    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.SAME_STEP}

    def __init__(self, num_envs: int, env_id: str, address: str | None = None, timeout: float = 30.0,
                 illegal_action: str = "terminate", render_mode: str | None = None, *, token: str | None = None,
                 token_file: str | None = None, ca_file: str | None = None, cert_file: str | None = None,
                 key_file: str | None = None, credentials: Credentials | None = None):
        if not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be a positive integer, got {num_envs!r}")
        if illegal_action not in ILLEGAL_ACTION_MODES:
            raise ValueError(f"illegal_action must be one of {ILLEGAL_ACTION_MODES}, got {illegal_action!r}")
        if render_mode is not None:
            raise ValueError(f"DirpgVectorEnv renders nothing; render_mode must be None, got {render_mode!r}")
        address = address or os.environ.get(ADDRESS_ENV_VAR)
        if not address:
            raise ValueError(f"DirpgVectorEnv('{env_id}') needs the server's address: pass address='host:port' "
                             f"or set ${ADDRESS_ENV_VAR}")
        credentials = credentials or Credentials.load(token, token_file, ca_file, cert_file, key_file)
        self.num_envs = int(num_envs)
        self.illegal_action = illegal_action
        self.render_mode = None
        self.address = address
        self.env_id = env_id
        self._metadata = credentials.metadata
        self._timeout = timeout
        self._channel = credentials.channel(address, options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)])
        self._stub = pb_grpc.EnvironmentServiceStub(self._channel)
        try:
            self.description = self._call(self._stub.DescribeEnvironment,
                                          pb.DescribeEnvironmentRequest(env_id=env_id)).environment
        except RemoteEnvError as e:
            self._channel.close()
            raise not_served(e, address, env_id, credentials) from None
        self.single_observation_space = observation_space(self.description.observation)
        self.single_action_space = spaces.Discrete(self.description.num_actions)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self._n_actions = int(self.description.num_actions)
        self._bits = np.arange(self._n_actions, dtype=np.uint64)

        # One (Dict key or None, wire dtype, shape, batch buffer in the space's dtype) per observation tensor, in order.
        single = self.single_observation_space
        parts = single.spaces.items() if isinstance(single, spaces.Dict) else [(None, single)]
        self._parts = []
        for (name, space), spec in zip(parts, self.description.observation):
            shape = tuple(int(d) for d in spec.shape)
            self._parts.append((name, NUMPY_OF_DTYPE[spec.dtype], shape,
                                np.zeros((self.num_envs, *shape), dtype=space.dtype)))
        self._tokens: list[bytes] = [b""] * self.num_envs
        self._masks = np.zeros(self.num_envs, dtype=np.uint64)
        self._rngs: list[np.random.Generator | None] = [None] * self.num_envs
        self._next: list[pb.StateView | None] = [None] * self.num_envs  # each sub-env's next episode, fetched ahead
        self._next_seed = [0] * self.num_envs  # ... and its seed
        self._refill: list[int] = []  # sub-envs whose fetched-ahead reset was used; refilled in the next call
        self._started = False

    # --- Gymnasium API --------------------------------------------------------------------------------------------

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict[str, Any] | None = None):
        """Resets the sub-environments (all, or those of ``options["reset_mask"]``); see Starting State."""
        if seed is None:
            seeds: list[int | None] = [None] * self.num_envs
        elif isinstance(seed, (int, np.integer)):
            seeds = [int(seed) + i for i in range(self.num_envs)]
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"reset: {len(seeds)} seeds given for {self.num_envs} sub-environments; give one "
                                 f"int (sub-environment i gets seed + i) or a list of {self.num_envs}")
        options = dict(options or {})
        mask = options.pop("reset_mask", None)
        if mask is None:
            which = list(range(self.num_envs))
        else:
            mask = np.asarray(mask)
            if mask.shape != (self.num_envs,) or mask.dtype != np.bool_ or not mask.any():
                raise ValueError(f"reset: options['reset_mask'] must be a bool array of shape ({self.num_envs},) with "
                                 f"a True, got {mask.dtype} {mask.shape}")
            which = [int(i) for i in np.flatnonzero(mask)]
            if not self._started:
                raise gym.error.ResetNeeded("reset: a reset_mask needs every sub-environment started; call reset() "
                                            "without one first")

        # The episode each reset sub-env starts now: from its seed, else the one it fetched ahead (whose seed its
        # generator drew), else (an ended episode whose next one is not fetched yet) a seed drawn now.
        now: dict[int, int] = {}
        views: dict[int, pb.StateView] = {}
        for i in which:
            if seeds[i] is not None:
                self._rngs[i], _ = seeding.np_random(int(seeds[i]))
                now[i] = int(seeds[i])
            elif self._rngs[i] is None:
                self._rngs[i], _ = seeding.np_random(None)
                now[i] = self._draw(i)
            elif self._next[i] is not None:
                now[i] = self._next_seed[i]
                if not options:
                    views[i] = self._next[i]
            else:
                now[i] = self._draw(i)
            self._next[i] = None
        calls = [i for i in which if i not in views]
        ahead = sorted(set(which) | set(self._refill))  # the next episode of these is fetched ahead in this call
        if options:  # Gymnasium's reset options travel only with ResetEnvironment, one call per sub-env
            for i in calls:
                request = pb.ResetEnvironmentRequest(env_id=self.env_id, seed=now[i])
                request.options.update(options)
                views[i] = self._call(self._stub.ResetEnvironment, request).state
            self._send([], [], ahead)
        else:
            results = self._send([], [now[i] for i in calls], ahead)
            views.update(zip(calls, (r.next for r in results)))
        self._refill = []
        self._started = True
        self._write(which, [views[i] for i in which])
        return self._observations(), self._infos(which)

    def step(self, actions):
        """Steps every sub-environment with its action in one StepBatch call; see the module docs for autoreset."""
        if not self._started:
            raise gym.error.ResetNeeded(f"{self.env_id}: call reset() before step()")
        actions = np.asarray(actions)
        if actions.shape != (self.num_envs,) or not np.issubdtype(actions.dtype, np.integer) \
                or actions.min() < 0 or actions.max() >= self._n_actions:
            raise ValueError(f"{self.env_id}: actions must be {self.num_envs} integers in 0..{self._n_actions - 1}, "
                             f"got {actions!r}")
        legal = ((self._masks >> actions.astype(np.uint64)) & np.uint64(1)).astype(bool)
        illegal = np.flatnonzero(~legal)
        if len(illegal) and self.illegal_action == "raise":
            i = int(illegal[0])
            raise IllegalActionError(grpc.StatusCode.INVALID_ARGUMENT,
                                     f"sub-environment {i}: action {int(actions[i])} is illegal; legal actions: "
                                     f"{[a for a in range(self._n_actions) if (int(self._masks[i]) >> a) & 1]}")
        stepped = np.flatnonzero(legal).tolist()
        tokens, acts = self._tokens, actions.tolist()
        results = self._send([(tokens[i], acts[i]) for i in stepped], [], self._refill)

        n = self.num_envs
        rewards = np.zeros(n, dtype=np.float64)
        terminated = np.zeros(n, dtype=np.bool_)
        truncated = np.zeros(n, dtype=np.bool_)
        m = len(results)
        if m:
            idx = np.asarray(stepped)
            rewards[idx] = [r.reward for r in results]
            terminated[idx] = [r.terminated for r in results]
            truncated[idx] = [r.truncated for r in results]
            self._write(stepped, [r.next for r in results])
        terminated[illegal] = True
        rewards[illegal] = ILLEGAL_ACTION_REWARD
        self._masks[illegal] = 0

        ended = np.flatnonzero(terminated | truncated).tolist()
        if not ended:
            self._refill = []
            return self._observations(), rewards, terminated, truncated, self._infos(range(n))
        final_obs = np.full(n, None, dtype=object)
        observations = self._observations()
        if isinstance(observations, dict):
            for i in ended:
                final_obs[i] = self._single(observations, i)
        else:  # rows of the (already copied) batch
            for i in ended:
                final_obs[i] = observations[i]
        final_info = self._infos(ended)
        if len(illegal):
            final_info["illegal_action"] = np.isin(np.arange(n), illegal)
            final_info["_illegal_action"] = final_info["illegal_action"].copy()
        # Every ended sub-env starts the episode it fetched ahead; its next one is fetched in the next call.
        self._write(ended, [self._next[i] for i in ended])
        for i in ended:
            self._next[i] = None
        self._refill = ended
        infos = self._infos(range(n))
        done = np.zeros(n, dtype=np.bool_)
        done[ended] = True
        infos["final_obs"], infos["_final_obs"] = final_obs, done
        infos["final_info"], infos["_final_info"] = final_info, done.copy()
        return self._observations(), rewards, terminated, truncated, infos

    def action_masks(self) -> np.ndarray:
        """The legal actions of every sub-environment's current state: int8 of shape (num_envs, num_actions)."""
        return ((self._masks[:, None] >> self._bits) & np.uint64(1)).astype(np.int8)

    def close_extras(self, **kwargs: Any) -> None:
        self._channel.close()

    # --- helpers --------------------------------------------------------------------------------------------------

    def _draw(self, i: int) -> int:
        return int(self._rngs[i].integers(0, _SEED_LIMIT))

    def _call(self, method, request):
        try:
            return method(request, timeout=self._timeout, metadata=self._metadata)
        except grpc.RpcError as e:
            raise RemoteEnvError(e.code(), e.details()) from None

    def _send(self, steps: list[tuple[bytes, int]], resets: list[int], ahead: list[int]) -> list[pb.StepResult]:
        """One StepBatch of the (token, action) ``steps``, the reset items of seeds ``resets`` and a reset item for
        the next episode of each sub-env of ``ahead`` (its seed drawn now); stores the fetched-ahead states and
        returns the results of ``steps`` and ``resets``."""
        request = pb.StepBatchRequest(env_id=self.env_id)
        add = request.items.add
        for token, action in steps:
            add(state_token=token, action=action)
        for seed in resets:
            add(reset_seed=seed)
        for i in ahead:
            self._next_seed[i] = self._draw(i)
            add(reset_seed=self._next_seed[i])
        if not request.items:
            return []
        results = list(self._call(self._stub.StepBatch, request).results)
        own = len(steps) + len(resets)
        for i, r in zip(ahead, results[own:]):
            self._next[i] = r.next
        return results[:own]

    def _write(self, which: list[int], views: list[pb.StateView]) -> None:
        """Stores the states ``views`` of the sub-environments ``which``: tokens, masks, bounds and observations."""
        m = len(which)
        idx = slice(None) if m == self.num_envs else np.asarray(which)  # every sub-env, in order, in most steps
        tokens = self._tokens
        for i, v in zip(which, views):
            tokens[i] = v.state_token
        self._masks[idx] = [v.legal_actions for v in views]
        observations = [v.observation for v in views]
        for k, (_, wire, shape, buffer) in enumerate(self._parts):
            data = b"".join([o[k].data for o in observations])
            buffer[idx] = np.frombuffer(data, dtype=wire).reshape((m, *shape))

    def _observations(self):
        if len(self._parts) == 1 and self._parts[0][0] is None:
            return self._parts[0][3].copy()
        return {name: buffer.copy() for name, _, _, buffer in self._parts}

    def _single(self, observations, i: int):
        if isinstance(observations, dict):
            return {name: (space.dtype.type(observations[name][i]) if isinstance(space, spaces.Discrete)
                           else observations[name][i])
                    for name, space in self.single_observation_space.spaces.items()}
        return observations[i]

    def _infos(self, which) -> dict[str, Any]:
        """Batched info (Gymnasium's layout: a value array and a ``_key`` bool mask) for the sub-envs ``which``."""
        n = self.num_envs
        which = list(which)
        tokens = np.empty(n, dtype=object)
        mask = self.action_masks()
        if len(which) == n:
            present = np.ones(n, dtype=np.bool_)
            tokens[:] = self._tokens
        else:
            present = np.zeros(n, dtype=np.bool_)
            present[which] = True
            tokens[which] = [self._tokens[i] for i in which]
            mask[~present] = 0
        return {"action_mask": mask, "_action_mask": present, "state_token": tokens, "_state_token": present.copy()}
