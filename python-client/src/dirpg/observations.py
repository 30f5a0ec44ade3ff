"""Observation spaces to protocol tensors: specs at startup, little-endian row-major bytes per state.

Supported: ``Box`` (uint8, int64, float32, float64; other integer/bool dtypes are widened to int64 or uint8),
``Discrete`` (an int64 scalar, shape []), and a ``Dict`` of those (one tensor per key: ``first_keys`` first, then
the Dict's key order, which Gymnasium sorts).
A top-level Box or Discrete becomes one tensor named "obs". MiniGrid's text "mission" is dropped. Anything else
raises ValueError at startup, naming the unsupported space.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from gymnasium import spaces

from dirpg.env.v1 import environment_pb2 as pb

_DTYPES = {
    np.dtype(np.uint8): (pb.D_TYPE_UINT8, np.dtype("<u1")),
    np.dtype(np.int64): (pb.D_TYPE_INT64, np.dtype("<i8")),
    np.dtype(np.float32): (pb.D_TYPE_FLOAT32, np.dtype("<f4")),
    np.dtype(np.float64): (pb.D_TYPE_FLOAT64, np.dtype("<f8")),
}
NUMPY_OF_DTYPE = {code: wire for code, wire in _DTYPES.values()}


@dataclass(frozen=True)
class _Field:
    name: str
    key: str | None  # Dict key, or None for a top-level space
    shape: tuple[int, ...]
    dtype: int  # pb.DType
    wire: np.dtype


def _wire_dtype(space_dtype: np.dtype, where: str) -> tuple[int, np.dtype]:
    dt = np.dtype(space_dtype)
    if dt in _DTYPES:
        return _DTYPES[dt]
    if dt == np.bool_:
        return _DTYPES[np.dtype(np.uint8)]
    if np.issubdtype(dt, np.integer):
        return _DTYPES[np.dtype(np.int64)]
    raise ValueError(f"observation {where} has dtype {dt}; supported: uint8, int64, float32, float64, bool, ints")


def _field(name: str, key: str | None, space: spaces.Space) -> _Field:
    if isinstance(space, spaces.Discrete):
        return _Field(name, key, (), pb.D_TYPE_INT64, np.dtype("<i8"))
    if isinstance(space, spaces.Box):
        code, wire = _wire_dtype(space.dtype, f"'{name}'")
        return _Field(name, key, tuple(int(d) for d in space.shape), code, wire)
    raise ValueError(f"observation '{name}' is a {type(space).__name__} space; supported: Box, Discrete, "
                     f"and a Dict of those")


class ObservationEncoder:
    """Turns observations of one observation space into protocol tensors."""

    def __init__(self, space: spaces.Space, drop_keys: tuple[str, ...] = (), first_keys: tuple[str, ...] = ()):
        if isinstance(space, spaces.Dict):
            keys = [k for k in first_keys if k in space.spaces]
            keys += [k for k in space.spaces if k not in keys and k not in drop_keys]
            self._fields = [_field(k, k, space.spaces[k]) for k in keys]
        else:
            self._fields = [_field("obs", None, space)]

    def specs(self) -> list[pb.TensorSpec]:
        return [pb.TensorSpec(name=f.name, shape=list(f.shape), dtype=f.dtype) for f in self._fields]

    def encode(self, obs) -> list[pb.Tensor]:
        out = []
        for f in self._fields:
            value = obs if f.key is None else obs[f.key]
            arr = np.asarray(value).astype(f.wire, copy=False)
            if arr.shape != f.shape:
                raise ValueError(f"observation '{f.name}' has shape {arr.shape}; its space says {f.shape}")
            out.append(pb.Tensor(name=f.name, shape=list(f.shape), dtype=f.dtype, data=arr.tobytes(order="C")))
        return out


def decode_tensor(t: pb.Tensor) -> np.ndarray:
    """A protocol tensor back to a numpy array (the client side)."""
    if t.dtype not in NUMPY_OF_DTYPE:
        raise ValueError(f"tensor '{t.name}' has unknown dtype {t.dtype}")
    return np.frombuffer(t.data, dtype=NUMPY_OF_DTYPE[t.dtype]).reshape(tuple(t.shape))
