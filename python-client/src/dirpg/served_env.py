"""One served Gymnasium environment: reset to a state view, step (state token, action) pairs as a pure function.

Call order: construct once per env id at server start (bad spaces or options raise ValueError there), then
``describe()``, ``reset(seed, options)`` and ``step(token, action)`` from any thread, any number of times.
Errors: ``InvalidTokenError`` / ``IllegalActionError`` (INVALID_ARGUMENT at the edge), ``EnvironmentFault``
(INTERNAL), each with a message naming the problem.
"""

from __future__ import annotations

import json
import math
import threading

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from minigrid.minigrid_env import MiniGridEnv

from dirpg import paper_reward
from dirpg.env_families import episode_limit, image_keys, make_env, register_family
from dirpg.env.v1 import environment_pb2 as pb
from dirpg.observations import ObservationEncoder
from dirpg.adapters import FORMATS, select
from dirpg.adapters.select import episode_key
from dirpg.bounds import BoundFault, Bounds
from dirpg.token_cache import TokenCache
from dirpg.tokens import MAC_LEN, InvalidTokenError, TokenCodec, config_digest

SNAPSHOT_MODES = ("auto", *FORMATS)
MAX_ACTIONS = 64  # the legal-action mask is a uint64


class IllegalActionError(ValueError):
    """An action outside the legal set of the state it is applied to."""


class EnvironmentFault(RuntimeError):
    """The environment misbehaved (e.g. a non-finite reward)."""


def _mask_bits(actions: list[int]) -> int:
    mask = 0
    for a in actions:
        mask |= 1 << a
    return mask


class ServedEnvironment:
    """A Gymnasium env id served with state tokens (see the module docstring).

    Arguments: ``env_id`` (a registered Gymnasium id), ``env_kwargs`` (passed to ``gym.make``),
    ``paper_reward`` (MiniGrid MultiRoom only: the paper's reward and bound, dirpg.paper_reward),
    ``actions`` (the legal subset, default all; num_actions stays the action space's n), ``spec_bound`` (the
    generic bound of dirpg.bounds for an env without the hook), ``key`` (the fleet's
    token key), ``snapshot`` ("auto": the first format of dirpg.adapters that saves the env, checked by a probe; or a
    format's name). ``format`` names the chosen format (the server reports it at start).
    """

    def __init__(self, env_id: str, *, env_kwargs: dict | None = None, paper_reward_variant: bool = False,
                 actions: list[int] | None = None, key: bytes, snapshot: str = "auto", spec_bound: bool = False):
        if snapshot not in SNAPSHOT_MODES:
            raise ValueError(f"snapshot mode '{snapshot}' unknown; use one of {SNAPSHOT_MODES}")
        self.env_id = env_id
        kwargs = dict(paper_reward.PAPER_ENV_KWARGS) if paper_reward_variant else {}
        kwargs.update(env_kwargs or {})
        self._kwargs = kwargs
        self._paper = paper_reward_variant
        if paper_reward_variant:
            paper_reward.require_multiroom(env_id)
        register_family(env_id)
        try:
            env = self._make()
        except gym.error.UnregisteredEnv as e:  # Gymnasium's message names the id and suggests near ones
            raise ValueError(f"unknown env id '{env_id}': {e} Give a registered Gymnasium id, e.g. "
                             f"MiniGrid-MultiRoom-N6-v0 or CartPole-v1 (gymnasium.pprint_registry() lists them)"
                             ) from None
        except TypeError as e:  # an env_kwargs name the env's constructor does not take
            raise ValueError(f"env '{env_id}' rejects the keyword arguments {kwargs}: {e}") from None
        if not isinstance(env.action_space, spaces.Discrete) or env.action_space.start != 0:
            raise ValueError(f"env '{env_id}' has action space {env.action_space}; only Discrete(n) from 0 is served")
        self.num_actions = int(env.action_space.n)
        if self.num_actions > MAX_ACTIONS:
            raise ValueError(f"env '{env_id}' has {self.num_actions} actions; at most {MAX_ACTIONS} are supported")
        legal = list(range(self.num_actions)) if actions is None else sorted(set(actions))
        bad = [a for a in legal if not 0 <= a < self.num_actions]
        if bad or not legal:
            raise ValueError(f"action set {actions} for env '{env_id}' must be a non-empty subset of "
                             f"0..{self.num_actions - 1}")
        self.legal_actions = legal
        self.legal_mask = _mask_bits(legal)
        self._is_minigrid = isinstance(env.unwrapped, MiniGridEnv)
        self._encoder = ObservationEncoder(env.observation_space,
                                           drop_keys=("mission",) if self._is_minigrid else (),
                                           first_keys=("image", "direction") if self._is_minigrid else (),
                                           image_keys=image_keys(env))
        self.max_episode_steps = episode_limit(env)
        self._snapshot_mode = snapshot
        self._adapter = select(env_id, self._make, legal, snapshot)
        self.format = self._adapter.name
        self._codec = TokenCodec(key, env_id, config_digest(env_id, sorted(kwargs.items()), self._paper, legal))
        self._reset_env = env
        self._reset_lock = threading.Lock()
        self._issued = TokenCache()
        if self._paper:
            self.min_reward, self.max_reward = paper_reward.MIN_STEP_REWARD, paper_reward.MAX_STEP_REWARD
        else:
            low, high = getattr(env.unwrapped, "reward_range", None) or (-math.inf, math.inf)
            self.min_reward, self.max_reward = float(low), float(high)
        self._bounds = Bounds(env, env_id, spec_bound=spec_bound, episode_limit=self.max_episode_steps,
                              min_reward=self.min_reward, max_reward=self.max_reward)
        self.bounds = self._bounds.kind

    def _make(self) -> gym.Env:
        env = make_env(self.env_id, self._kwargs)
        return paper_reward.PaperRewardMultiRoom(env) if self._paper else env

    def describe(self) -> pb.EnvironmentDescription:
        doc = (type(self._reset_env.unwrapped).__doc__ or "").strip()
        options = json.dumps({"env_kwargs": self._kwargs, "paper_reward": self._paper,
                              "legal_actions": self.legal_actions, "snapshot": self._snapshot_mode,
                              "format": self.format, "bounds": self._bounds.kind}, default=str)
        return pb.EnvironmentDescription(
            env_id=self.env_id, observation=self._encoder.specs(), num_actions=self.num_actions,
            provides_bound=self._bounds.provides_bound, min_reward=self.min_reward, max_reward=self.max_reward,
            description=f"options: {options}\n\n{doc}", max_episode_steps=self.max_episode_steps)

    # --- reset and step -------------------------------------------------------------------------------------

    def reset(self, seed: int, options: dict | None) -> pb.StateView:
        with self._reset_lock:
            env = self._reset_env
            obs, _ = env.reset(seed=self._adapter.env_seed(int(seed)), options=options or None)
            episode = self._adapter.start(env, episode_key(seed, options))
            bounds = self._bounds_at(env, False)
            token = self._token(False, self._adapter.capture(env, episode))
            return self._view(token, obs, False, bounds)

    def step(self, token: bytes, action: int) -> pb.StepResult:
        result = pb.StepResult()
        self.step_into(result, token, action)
        return result

    def step_into(self, result: pb.StepResult, token: bytes, action: int) -> None:
        """``step``, written into ``result`` (an empty StepResult, e.g. one just added to a StepBatchResponse): the
        server builds its response in place instead of copying every result into it. On an error ``result`` may
        be partly written."""
        payload = self._issued.get(token)
        if payload is None:
            decoded = self._codec.decode(token)
            if not decoded.payload:
                raise InvalidTokenError(f"state token for env '{self.env_id}' has an empty payload")
            if decoded.kind != self._adapter.kind:
                raise InvalidTokenError(f"state token for env '{self.env_id}' has snapshot kind {decoded.kind}; "
                                        f"this server saves this env as kind {self._adapter.kind} ({self.format})")
            payload = decoded.payload
        if payload[0] == 1:
            raise IllegalActionError(f"action {action} is illegal: the state is terminal (no action is legal)")
        if not (0 <= action < self.num_actions and (self.legal_mask >> action) & 1):
            raise IllegalActionError(f"action {action} is illegal for env '{self.env_id}'; legal actions: "
                                     f"{self.legal_actions}")
        # The token's MAC (verified above: by the HMAC, or as the very bytes this process issued) keys the restore
        # skip: an env left exactly in this token's state by the step that issued it is stepped as it is.
        adapter = self._adapter
        env, episode, handle = adapter.acquire(payload[1:], token[-MAC_LEN:])
        try:
            obs, reward, terminated, truncated = self._step_env(env, action)
            done = terminated or truncated
            bounds = self._bounds_at(env, done)  # before the capture: the token holds whatever the hooks leave
            next_token = self._token(done, adapter.capture(env, episode))
            self._fill_view(result.next, next_token, obs, done, bounds)  # while the env is ours: obs may be its buffer
            if not done:
                adapter.mark(env, next_token[-MAC_LEN:])
        finally:
            adapter.release(handle)
        result.reward = reward
        if terminated:
            result.terminated = True
        if truncated:
            result.truncated = True

    # --- helpers --------------------------------------------------------------------------------------------

    def _step_env(self, env: gym.Env, action: int):
        try:
            obs, reward, terminated, truncated, _ = env.step(action)
        except Exception as e:  # the env's own failure, reported as INTERNAL with its text
            raise EnvironmentFault(f"env '{self.env_id}' raised {type(e).__name__} on step: {e}") from e
        reward = float(reward)
        if not math.isfinite(reward):
            raise EnvironmentFault(f"env '{self.env_id}' returned the non-finite reward {reward}")
        return obs, reward, bool(terminated), bool(truncated)

    def _token(self, terminal: bool, snapshot: bytes) -> bytes:
        payload = (b"\x01" if terminal else b"\x00") + snapshot
        token = self._codec.encode(self._adapter.kind, payload)
        self._issued.put(token, payload)
        return token

    def _bounds_at(self, env: gym.Env, terminal: bool) -> tuple[float | None, float | None, float | None]:
        # The bounds are optional fields: None leaves one absent ("no bound known"); see dirpg.bounds.
        try:
            return self._bounds.at(env, terminal)
        except BoundFault as e:
            raise EnvironmentFault(str(e)) from None

    def _view(self, token: bytes, obs, terminal: bool, bounds) -> pb.StateView:
        upper, lower, heuristic = bounds
        return pb.StateView(state_token=token, observation=self._encoder.encode(obs),
                            legal_actions=0 if terminal else self.legal_mask, terminal=terminal,
                            return_to_go_upper_bound=upper, return_to_go_lower_bound=lower,
                            return_to_go_heuristic=heuristic)

    def _fill_view(self, view: pb.StateView, token: bytes, obs, terminal: bool, bounds) -> None:
        """``_view`` built in place, inside the response (the same message, without copying it in)."""
        view.state_token = token
        self._encoder.encode_into(view.observation, obs)
        if terminal:
            view.terminal = True
        else:
            view.legal_actions = self.legal_mask
        upper, lower, heuristic = bounds
        if upper is not None:
            view.return_to_go_upper_bound = upper
        if lower is not None:
            view.return_to_go_lower_bound = lower
        if heuristic is not None:
            view.return_to_go_heuristic = heuristic

    def observation_tensors(self, obs) -> list[pb.Tensor]:
        """``obs`` (an observation of this env) as the protocol tensors a StateView carries."""
        return self._encoder.encode(obs)

    @staticmethod
    def np_seed(rng: np.random.Generator) -> int:
        """A fresh episode seed drawn from ``rng`` (for resets without a seed)."""
        return int(rng.integers(0, 2**31 - 1))
