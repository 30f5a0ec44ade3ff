"""Every MiniGrid (and BabyAI) environment: the episode's layout comes back from its reset seed; the payload holds
only what steps change.

Reset is a function of the seed and options (Gymnasium's contract), so a token names its episode by that *episode
key* instead of carrying the layout: restoring takes a template env of the episode (made and reset once per key per
process, kept in an LRU cache) and writes the dynamic state into it. That state is:

- where each *object* is: the objects are everything in the grid at reset that is not a wall, floor, goal or lava
  (doors, keys, balls, boxes, ... in grid order), the contents of boxes and what the agent carries. Each gets a cell
  index, or -1 when off the grid (carried, inside a box, gone). Walls, floor, goals and lava never move or change
  in any MiniGrid env, so the template's stay;
- each object's own attributes (a door's ``is_open``/``is_locked``, a box's ``contains``, ``cur_pos``, ...);
- the env's attributes but the constant ones (``agent_pos``, ``agent_dir``, ``step_count``, ``carrying``, the
  obstacles of Dynamic-Obstacles, BabyAI's instruction objects, ...), pickled with references to objects, to the
  grid and to the env written as persistent ids and resolved to the template's own;
- the RNG state and the wrappers' counters.

A lock per template serialises the steps on it. MultiRoom-N6 tokens drop from ~5.9 kB (the pickled layout) to a few
hundred bytes.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import threading
from collections import OrderedDict

import gymnasium as gym
from minigrid.core.grid import Grid
from minigrid.core.world_object import Box, WorldObj
from minigrid.minigrid_env import MiniGridEnv

from dirpg.adapters.base import (PICKLE, Adapter, NotApplicable, RngWatch, check_wrappers, set_wrapper_state,
                                 wrapper_state)

STATIC_TYPES = frozenset({"wall", "floor", "goal", "lava"})
# Env attributes no step changes (spaces, rendering, the room structure of RoomGrid and MultiRoom), never saved.
CONSTANT_ATTRIBUTES = frozenset({
    "grid", "observation_space", "action_space", "mission_space", "spec", "metadata", "render_mode", "window",
    "clock", "screen_size", "render_size", "tile_size", "highlight", "agent_pov", "_np_random", "_np_random_seed",
    "room_grid", "rooms", "width", "height", "max_steps", "see_through_walls", "agent_view_size", "actions",
    "_dirpg", "_dirpg_template",
})
_OBJECT_CONSTANTS = frozenset({"type", "color", "init_pos"})
_EPISODE_LEN = 2


class _Objects:
    """The object table of one episode's env (see the module docstring), with reverse lookup by identity."""

    def __init__(self, env: gym.Env):
        u = env.unwrapped
        objects: list[WorldObj] = []

        def add(obj):
            if obj is not None and id(obj) not in index:
                index[id(obj)] = len(objects)
                objects.append(obj)
                if isinstance(obj, Box):
                    add(obj.contains)

        index: dict[int, int] = {}
        for cell in u.grid.grid:
            if cell is not None and cell.type not in STATIC_TYPES:
                add(cell)
        add(u.carrying)
        self.objects = objects
        self.index = index
        self.free_cells = [i for i, c in enumerate(u.grid.grid) if c is None or c.type not in STATIC_TYPES]
        self.placed = [i for i in self.free_cells if u.grid.grid[i] is not None]
        self.captured = True
        self.env_id = id(u)
        self.grid_id = id(u.grid)


def _objects_of(env: gym.Env) -> _Objects:
    table = getattr(env.unwrapped, "_dirpg", None)
    if table is None or table.grid_id != id(env.unwrapped.grid):
        raise RuntimeError("the MiniGrid adapter's start() was not called after this env's reset")
    return table


def _watch_of(u) -> RngWatch:
    """The RNG watch of a template's env, else a fresh one (the reset env: read through the API)."""
    template = getattr(u, "_dirpg_template", None)
    return template.rng if template is not None and template.env.unwrapped is u else RngWatch()


class _Pickler(pickle.Pickler):
    """Pickles a token's dynamic state with the env, its grid and its objects written as references (``_ref``) that
    the template's ``_Unpickler`` resolves to its own. A ``reducer_override``, not a ``persistent_id``: pickle asks
    the latter about every value it writes (about 125 Python calls a MultiRoom capture), the former only about
    objects of classes of their own."""

    def __init__(self, buf, table: _Objects):
        super().__init__(buf, protocol=PICKLE)
        self._table = table

    def reducer_override(self, obj):
        i = id(obj)
        if i == self._table.env_id:
            return _ref, ("env",)
        if i == self._table.grid_id:
            return _ref, ("grid",)
        if isinstance(obj, WorldObj):
            j = self._table.index.get(i)
            if j is None:
                raise pickle.PicklingError(f"a {obj.type} that was not in the grid at reset is referenced")
            return _ref, (j,)
        return NotImplemented


def _ref(key):
    """Stands for the env, its grid or object ``key`` in a pickled token; only ``_Unpickler`` resolves it."""
    raise pickle.UnpicklingError(f"a MiniGrid state reference ({key!r}) outside a MiniGrid token's restore")


class _Unpickler(pickle.Unpickler):
    def __init__(self, buf, env: gym.Env, table: _Objects):
        super().__init__(buf)
        self._env = env.unwrapped
        self._table = table

    def find_class(self, module, name):
        if module == __name__ and name == "_ref":
            return self._resolve
        return super().find_class(module, name)

    def _resolve(self, key):
        if key == "env":
            return self._env
        if key == "grid":
            return self._env.grid
        return self._table.objects[key]


class _Template:
    """One episode's env, made and reset once; ``key`` is the MAC of the token whose state it is exactly in (see
    Adapter.mark), or None; ``rng`` watches its RNG (dirpg.adapters.base.RngWatch)."""

    def __init__(self, env: gym.Env):
        self.env = env
        self.table = _objects_of(env)
        self.lock = threading.Lock()
        self.dirty = False
        self.key = None
        self.rng = RngWatch()
        env.unwrapped._dirpg_template = self


class MiniGridAdapter(Adapter):
    """Every MiniGrid env (see the module docstring); ``make`` builds a fresh env of the served configuration."""

    kind = 4
    name = "minigrid episode key + objects + attributes"

    def __init__(self, make, env: gym.Env, cache_size: int = 256):
        if not isinstance(env.unwrapped, MiniGridEnv):
            raise NotApplicable("not a MiniGrid env")
        check_wrappers(env)
        self._make = make
        self._cache: OrderedDict[bytes, _Template] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self.skips = 0  # restores skipped (see Adapter.mark)

    def start(self, env, episode_key):
        env.unwrapped._dirpg = _Objects(env)
        return episode_key

    def capture(self, env, episode):
        table = _objects_of(env)
        u = env.unwrapped
        cells = u.grid.grid
        index = table.index
        placed = [i for i in table.free_cells if cells[i] is not None]
        positions = [-1] * len(table.objects)
        for i in placed:
            j = index.get(id(cells[i]))
            if j is None:
                raise RuntimeError(f"cell {i} holds a {cells[i].type} that was not in the grid at reset")
            positions[j] = i
        table.placed = placed
        table.captured = True
        attrs = vars(u)
        dynamic = (positions,
                   [{k: v for k, v in vars(o).items() if k not in _OBJECT_CONSTANTS} for o in table.objects],
                   {k: v for k, v in attrs.items() if k not in CONSTANT_ATTRIBUTES},
                   (_watch_of(u).get(u)), wrapper_state(env))
        buf = io.BytesIO()
        buf.write(len(episode).to_bytes(_EPISODE_LEN, "big"))
        buf.write(episode)
        _Pickler(buf, table).dump(dynamic)
        return buf.getvalue()

    def acquire(self, payload, key=None):
        n = int.from_bytes(payload[:_EPISODE_LEN], "big")
        episode = payload[_EPISODE_LEN:_EPISODE_LEN + n]
        template = self._template(episode)
        template.lock.acquire()
        try:
            env, table = template.env, template.table
            if key is not None and template.key == key:  # the template is exactly at this token (see mark)
                self.skips += 1
            else:
                template.key = None
                u = env.unwrapped
                positions, object_states, attrs, rng, wrappers = _Unpickler(
                    io.BytesIO(payload[_EPISODE_LEN + n:]), env, table).load()
                cells = u.grid.grid
                if template.dirty:
                    table.placed = [i for i in table.free_cells if cells[i] is not None]
                for i in table.placed:
                    cells[i] = None
                for obj, pos, state in zip(table.objects, positions, object_states, strict=True):
                    if pos >= 0:
                        cells[pos] = obj
                    vars(obj).update(state)
                vars(u).update(attrs)
                template.rng.set(u, rng)
                set_wrapper_state(env, wrappers)
        except BaseException:
            template.key = None
            template.dirty = True
            template.lock.release()
            raise
        template.key = None  # the caller steps it: it is at no token's state until marked
        table.captured = False
        return env, episode, template

    def release(self, template) -> None:
        # a step not followed by a capture leaves the objects where no list records them
        template.dirty = not template.table.captured
        template.lock.release()

    def mark(self, env, key):
        template = getattr(env.unwrapped, "_dirpg_template", None)
        if template is not None and template.env is env:
            template.key = key

    def _template(self, episode: bytes) -> _Template:
        digest = hashlib.blake2b(episode, digest_size=16).digest()
        with self._cache_lock:
            template = self._cache.get(digest)
            if template is not None:
                self._cache.move_to_end(digest)
                return template
        seed, options = pickle.loads(episode)
        env = self._make()
        env.reset(seed=seed, options=options)
        self.start(env, episode)
        template = _Template(env)
        with self._cache_lock:
            template = self._cache.setdefault(digest, template)
            self._cache.move_to_end(digest)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return template
