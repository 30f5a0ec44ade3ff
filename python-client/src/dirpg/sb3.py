"""A ``DirpgVectorEnv`` as a Stable-Baselines3 ``VecEnv`` (SB3 consumes its own VecEnv, not a Gymnasium VectorEnv).

``DirpgVecEnv(gymnasium.make_vec("dirpg/DeepSea-v0", num_envs=8, vectorization_mode="vector_entry_point",
address=...))`` (or ``DirpgVecEnv.make("dirpg/DeepSea-v0", 8, address=...)``) goes wherever SB3 takes a VecEnv:
``PPO("MlpPolicy", venv)``, and sb3-contrib's ``MaskablePPO``, which reads the legal actions through
``env_method("action_masks")``. Every SB3 step is one StepBatch call.

The translation is the one SB3's ``DummyVecEnv`` makes of single envs: ``done = terminated or truncated``; an ended
sub-environment's info holds ``terminal_observation`` and ``TimeLimit.truncated`` (truncated and not terminated), and
the returned observation is its next episode's first (the vector env's SAME_STEP autoreset). Seeds set by
``seed(s)`` (SB3 calls it with the algorithm's seed) reach the next ``reset`` as ``s + i`` for sub-environment i.

Needs the ``sb3`` extra: ``pip install 'dirpg[sb3]'``.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from dirpg.vector_env import DirpgVectorEnv

try:
    import torch as th
    from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
    from stable_baselines3.common.vec_env import VecEnv
except ImportError as e:  # one line naming the fix
    raise ImportError(f"dirpg.sb3 needs Stable-Baselines3 ({e}); install it with pip install 'dirpg[sb3]'") from None


class DirpgVecEnv(VecEnv):
    """SB3's ``VecEnv`` over one ``DirpgVectorEnv`` (see the module docs).

    ``get_attr(name)`` reads the vector env's attribute (the same value for every index; ``action_masks`` is the
    per-index masks); ``set_attr`` sets it on the vector env, for every sub-environment; ``env_method`` calls
    ``action_masks`` (one int8 mask per index) or a method of the vector env; ``env_is_wrapped`` is False: the
    sub-environments are not Gymnasium envs with wrappers.
    """

    def __init__(self, venv: DirpgVectorEnv):
        if not isinstance(venv.unwrapped, DirpgVectorEnv):
            raise TypeError(f"DirpgVecEnv wraps a DirpgVectorEnv (gymnasium.make_vec(..., vectorization_mode="
                            f"'vector_entry_point')), got {type(venv).__name__}")
        self.venv = venv.unwrapped
        super().__init__(self.venv.num_envs, self.venv.single_observation_space, self.venv.single_action_space)
        self._actions: np.ndarray | None = None

    @classmethod
    def make(cls, gym_id: str, num_envs: int, **kwargs: Any) -> DirpgVecEnv:
        """``DirpgVecEnv(gymnasium.make_vec(gym_id, num_envs, vectorization_mode="vector_entry_point", **kwargs))``."""
        return cls(gym.make_vec(gym_id, num_envs=num_envs, vectorization_mode="vector_entry_point", **kwargs))

    def reset(self):
        options = [o for o in self._options if o]
        if options and (len(options) != self.num_envs or any(o != options[0] for o in options)):
            raise ValueError(f"DirpgVecEnv resets every sub-environment with one options dict; set_options gave "
                             f"different ones: {self._options}")
        obs, info = self.venv.reset(seed=list(self._seeds), options=options[0] if options else None)
        self.reset_infos = _unbatch(info, self.num_envs)
        self._reset_seeds()
        self._reset_options()
        return obs

    def step_async(self, actions: np.ndarray) -> None:
        self._actions = np.asarray(actions).reshape(self.num_envs).astype(np.int64, copy=False)

    def step_wait(self):
        obs, rewards, terminated, truncated, info = self.venv.step(self._actions)
        dones = terminated | truncated
        infos = _unbatch(info, self.num_envs)
        if dones.any():
            final = _unbatch(info["final_info"], self.num_envs)
            for i in np.flatnonzero(dones):
                infos[i] = final[i]
                infos[i]["terminal_observation"] = info["final_obs"][i]
                infos[i]["TimeLimit.truncated"] = bool(truncated[i] and not terminated[i])
        return obs, rewards.astype(np.float32), dones, infos

    def close(self) -> None:
        self.venv.close()

    def get_attr(self, attr_name: str, indices=None) -> list[Any]:
        which = list(self._get_indices(indices))
        if attr_name == "action_masks":  # sb3-contrib asks for it to see that masking is supported
            return [self.venv.action_masks] * len(which)
        return [getattr(self.venv, attr_name)] * len(which)

    def set_attr(self, attr_name: str, value: Any, indices=None) -> None:
        setattr(self.venv, attr_name, value)

    def env_method(self, method_name: str, *method_args, indices=None, **method_kwargs) -> list[Any]:
        which = list(self._get_indices(indices))
        if method_name == "action_masks":
            masks = self.venv.action_masks()
            return [masks[i] for i in which]
        result = getattr(self.venv, method_name)(*method_args, **method_kwargs)
        return [result] * len(which)

    def env_is_wrapped(self, wrapper_class, indices=None) -> list[bool]:
        return [False] * len(list(self._get_indices(indices)))

    def action_masks(self) -> np.ndarray:
        """The legal actions of every sub-environment: int8 of shape (num_envs, num_actions)."""
        return self.venv.action_masks()


def _unbatch(info: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """Gymnasium's batched info (value arrays with ``_key`` masks) as SB3's list of per-env dicts."""
    out: list[dict[str, Any]] = [{} for _ in range(n)]
    for key, values in info.items():
        if key.startswith("_") or key in ("final_obs", "final_info"):
            continue
        present = info.get(f"_{key}")
        for i in range(n):
            if present is None or present[i]:
                out[i][key] = values[i]
    return out


class FlatDictExtractor(BaseFeaturesExtractor):
    """SB3 features of a ``Dict`` observation: every part flattened (after SB3's ``preprocess_obs``: Discrete one-hot,
    images scaled to [0, 1]) and concatenated in the space's order. For the MiniGrid twins, whose 7x7 "image" is too
    small for ``MultiInputPolicy``'s default CNN: ``PPO("MultiInputPolicy", venv,
    policy_kwargs={"features_extractor_class": FlatDictExtractor})``."""

    def __init__(self, observation_space: gym.spaces.Dict):
        dims = [int(s.n) if isinstance(s, gym.spaces.Discrete) else int(np.prod(s.shape))
                for s in observation_space.spaces.values()]
        super().__init__(observation_space, features_dim=sum(dims))
        self._keys = list(observation_space.spaces)

    def forward(self, observations: dict[str, th.Tensor]) -> th.Tensor:
        return th.cat([th.flatten(observations[k], start_dim=1) for k in self._keys], dim=1)
