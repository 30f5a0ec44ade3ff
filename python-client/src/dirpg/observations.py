"""Observation spaces to protocol tensors: specs with their spaces at startup, little-endian row-major bytes per state.

Every leaf space becomes one tensor, its ``TensorSpec.space`` the leaf's Gymnasium space:

- ``Discrete(n, start)``: an int64 scalar (shape []), space ``discrete`` (the client one-hot encodes it);
- ``Box``: its own shape, dtype uint8, int64, float32 or float64 (bool widens to uint8, other integers to int64),
  space ``box`` with ``low``/``high`` as one value when every element shares it, else one per element
  (unbounded sides travel as infinities); ``image`` is set only for the parts the caller names
  (``image_keys``: the env's own say, e.g. MiniGrid's "image", Atari pixels), else left absent;
- ``MultiDiscrete(nvec, start)``: int64 of nvec's shape, space ``multi_discrete``;
- ``MultiBinary(n)``: uint8 of its shape, space ``multi_binary``;
- a ``Dict``: one tensor per key, named by the key (``first_keys`` first at the top level, then the Dict's key
  order, which Gymnasium sorts); a nested Dict's parts are named "outer.inner";
- a ``Tuple``: one tensor per element, named "0", "1", ... (nested: "outer.0", "0.1").

A top-level leaf becomes one tensor named "obs". Keys in ``drop_keys`` (MiniGrid's text "mission") are left out.
Anything else (Text, Graph, Sequence, ...) raises ValueError at startup, naming the part and the supported spaces.
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
SUPPORTED = "Box, Discrete, MultiDiscrete, MultiBinary, and Dicts and Tuples of those"


@dataclass(frozen=True)
class _Field:
    name: str
    path: tuple  # Dict keys and Tuple indices from the observation down to this part; () for a top-level leaf
    shape: tuple[int, ...]
    dtype: int  # pb.DType
    wire: np.dtype
    space: pb.Space


def _wire_dtype(space_dtype: np.dtype, where: str) -> tuple[int, np.dtype]:
    dt = np.dtype(space_dtype)
    if dt in _DTYPES:
        return _DTYPES[dt]
    if dt == np.bool_:
        return _DTYPES[np.dtype(np.uint8)]
    if np.issubdtype(dt, np.integer):
        return _DTYPES[np.dtype(np.int64)]
    if np.issubdtype(dt, np.floating):
        return _DTYPES[np.dtype(np.float64)]
    raise ValueError(f"observation {where} has dtype {dt}; supported: uint8, int64, float32, float64, bool, "
                     f"other ints and floats")


def _bounds(values: np.ndarray) -> list[float]:
    """One value when every element shares it, else one per element in row-major order."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    if flat.size and np.all(flat == flat[0]):
        return [float(flat[0])]
    return [float(v) for v in flat]


def space_proto(space: spaces.Space, image: bool | None = None) -> pb.Space:
    """The protocol's Space of one leaf space (Discrete, Box, MultiDiscrete, MultiBinary)."""
    if isinstance(space, spaces.Discrete):
        return pb.Space(discrete=pb.DiscreteSpace(n=int(space.n), start=int(space.start)))
    if isinstance(space, spaces.Box):
        box = pb.BoxSpace(low=_bounds(space.low), high=_bounds(space.high))
        if image is not None:
            box.image = image
        return pb.Space(box=box)
    if isinstance(space, spaces.MultiDiscrete):
        start = np.asarray(getattr(space, "start", np.zeros_like(space.nvec)))
        md = pb.MultiDiscreteSpace(nvec=[int(v) for v in np.asarray(space.nvec).ravel()])
        if np.any(start != 0):
            md.start.extend(int(v) for v in start.ravel())
        return pb.Space(multi_discrete=md)
    if isinstance(space, spaces.MultiBinary):
        return pb.Space(multi_binary=pb.MultiBinarySpace())
    raise TypeError(f"not a leaf space: {space}")


def _leaf(name: str, path: tuple, space: spaces.Space, image: bool | None) -> _Field:
    where = f"'{name}'"
    if isinstance(space, spaces.Discrete):
        code, wire = _DTYPES[np.dtype(np.int64)]
        return _Field(name, path, (), code, wire, space_proto(space))
    if isinstance(space, spaces.Box):
        code, wire = _wire_dtype(space.dtype, where)
        return _Field(name, path, tuple(int(d) for d in space.shape), code, wire, space_proto(space, image))
    if isinstance(space, spaces.MultiDiscrete):
        code, wire = _DTYPES[np.dtype(np.int64)]
        return _Field(name, path, tuple(int(d) for d in space.shape), code, wire, space_proto(space))
    if isinstance(space, spaces.MultiBinary):
        code, wire = _DTYPES[np.dtype(np.uint8)]
        return _Field(name, path, tuple(int(d) for d in space.shape), code, wire, space_proto(space))
    raise ValueError(f"observation {where} is a {type(space).__name__} space; supported: {SUPPORTED}")


def _fields(prefix: str, path: tuple, space: spaces.Space, image_keys: frozenset[str]) -> list[_Field]:
    if isinstance(space, spaces.Dict):
        parts = list(space.spaces.items())
    elif isinstance(space, spaces.Tuple):
        parts = list(enumerate(space.spaces))
    else:
        name = prefix or "obs"
        return [_leaf(name, path, space, True if name in image_keys else None)]
    out = []
    for key, sub in parts:
        out += _fields(f"{prefix}.{key}" if prefix else str(key), (*path, key), sub, image_keys)
    return out


class ObservationEncoder:
    """Turns observations of one observation space into protocol tensors (see the module docstring).

    ``image_keys`` names the parts the env itself declares images ("obs" for a top-level Box).
    """

    def __init__(self, space: spaces.Space, drop_keys: tuple[str, ...] = (), first_keys: tuple[str, ...] = (),
                 image_keys: tuple[str, ...] = ()):
        images = frozenset(image_keys)
        if isinstance(space, spaces.Dict):
            keys = [k for k in first_keys if k in space.spaces]
            keys += [k for k in space.spaces if k not in keys and k not in drop_keys]
            self._fields = [f for k in keys for f in _fields(str(k), (k,), space.spaces[k], images)]
        else:
            self._fields = _fields("", (), space, images)
        self._plan = [(f, f.path, list(f.shape)) for f in self._fields]

    def specs(self) -> list[pb.TensorSpec]:
        return [pb.TensorSpec(name=f.name, shape=list(f.shape), dtype=f.dtype, space=f.space) for f in self._fields]

    def encode(self, obs) -> list[pb.Tensor]:
        out = []
        for f, path, shape_list in self._plan:
            value = obs
            for key in path:
                value = value[key]
            arr = np.asarray(value, dtype=f.wire)  # no copy when the dtype is already the wire's
            if arr.shape != f.shape:
                raise ValueError(f"observation '{f.name}' has shape {arr.shape}; its space says {f.shape}")
            out.append(pb.Tensor(name=f.name, shape=shape_list, dtype=f.dtype, data=arr.tobytes()))
        return out

    def encode_into(self, tensors, obs) -> None:
        """``encode``, the tensors added to ``tensors`` (a message's repeated Tensor field) in place: building them
        inside the response saves copying them into it."""
        for f, path, shape_list in self._plan:
            value = obs
            for key in path:
                value = value[key]
            arr = np.asarray(value, dtype=f.wire)
            if arr.shape != f.shape:
                raise ValueError(f"observation '{f.name}' has shape {arr.shape}; its space says {f.shape}")
            tensors.add(name=f.name, shape=shape_list, dtype=f.dtype, data=arr.tobytes())


def decode_tensor(t: pb.Tensor) -> np.ndarray:
    """A protocol tensor back to a numpy array (the client side)."""
    if t.dtype not in NUMPY_OF_DTYPE:
        raise ValueError(f"tensor '{t.name}' has unknown dtype {t.dtype}")
    return np.frombuffer(t.data, dtype=NUMPY_OF_DTYPE[t.dtype]).reshape(tuple(t.shape))
