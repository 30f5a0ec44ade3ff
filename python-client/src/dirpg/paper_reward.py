"""The paper's MiniGrid MultiRoom reward (REFERENCE.md) and a valid upper bound on its return-to-go.

Description:
    Wraps a MiniGrid ``MultiRoomEnv`` and replaces its reward with the one the DirPG authors used for
    MultiRoom-N6: reaching the goal pays a flat +100, opening a door +30, closing an open door -30, picking an
    object up +5 and dropping it -5. Every opening pays +30 and every closing -30, so closing and reopening a
    door nets 0.

Action Space:
    MiniGrid's ``Discrete(7)`` (left 0, right 1, forward 2, pickup 3, drop 4, toggle 5, done 6), unchanged.

Observation Space:
    MiniGrid's, unchanged.

Rewards:
    As above; one step's reward lies in [-30, 100].

Starting State:
    MiniGrid's: a new map per reset seed.

Episode End:
    MiniGrid's: terminated on reaching the goal; truncated at ``max_steps`` (the paper uses 100, made so by
    ``PAPER_ENV_KWARGS``).

Arguments:
    ``env``: a Gymnasium env whose ``unwrapped`` is a ``minigrid.envs.MultiRoomEnv``.

The bound (``return_to_go_upper_bound``):
    The paper's heuristic is ``U = 100 g^(t+1+doors_togo+|goal-agent|_1) + sum_{k<doors_togo} 30 g^(t+1+k)``
    with ``g = 0.999``, i.e. a bound on a return discounted from time 0. The search compares *undiscounted*
    sums of rewards, and there it is not a valid bound: an agent facing the goal at t = 0 earns exactly 100 but
    ``U = 100 g^2 < 100``; and counting ``doors_togo`` down on every +30 (as the reference did) misses the +30
    of reopening a door that was closed again. This module returns the valid undiscounted bound instead.
    With R = max_steps - step_count steps left, c doors *currently closed* (doors are tracked by their cell,
    i.e. by identity; an open door can only yield -30 then +30, so at most 0 more; a closed door at most +30
    more, however often it is toggled) and d = |goal - agent|_1 (each forward move changes d by at most 1;
    opening a door takes a toggle step that does not move)::

        U = max( 30 * min(c, R),                                  # never reach the goal
                 100 + 30 * min(c, R - d)   if d <= R )           # reach it: d moves + at most R-d toggles
            + (5 if nothing is carried and a pickable object exists else 0)

    and U = 0 at terminal states (the caller handles those).
"""

from __future__ import annotations

import gymnasium as gym
from minigrid.core.world_object import Door
from minigrid.envs.multiroom import MultiRoomEnv

GOAL_REWARD = 100.0
OPEN_DOOR_REWARD = 30.0
CLOSE_DOOR_REWARD = -30.0
PICKUP_REWARD = 5.0
DROP_REWARD = -5.0
MIN_STEP_REWARD = CLOSE_DOOR_REWARD
MAX_STEP_REWARD = GOAL_REWARD
# The paper's environment settings; explicit --env-kwargs override them.
PAPER_ENV_KWARGS = {"max_steps": 100, "see_through_walls": True}


def require_multiroom(env_id: str) -> None:
    """Raises ValueError unless ``env_id`` is registered with a MultiRoomEnv entry point (checked before make)."""
    creator = gym.envs.registration.load_env_creator(gym.spec(env_id).entry_point)
    if not (isinstance(creator, type) and issubclass(creator, MultiRoomEnv)):
        raise ValueError(f"the paper reward needs a MiniGrid MultiRoom env; '{env_id}' makes {creator}")


class PaperRewardMultiRoom(gym.Wrapper):
    """MultiRoom with the paper's reward (see the module docstring). Stateless beyond the wrapped env; supplies the
    paper's bound and the authors' heuristic through the bound hook (dirpg.bounds)."""

    def __init__(self, env: gym.Env):
        if not isinstance(env.unwrapped, MultiRoomEnv):
            raise ValueError(f"the paper reward needs a MiniGrid MultiRoom env, got {type(env.unwrapped).__name__}")
        super().__init__(env)

    def step(self, action):
        u = self.env.unwrapped
        front = u.grid.get(*u.front_pos)
        door = front if isinstance(front, Door) else None
        was_open = door.is_open if door is not None else False
        was_carrying = u.carrying is not None
        obs, _, terminated, truncated, info = self.env.step(action)
        reward = 0.0
        if door is not None and door.is_open != was_open:
            reward += OPEN_DOOR_REWARD if door.is_open else CLOSE_DOOR_REWARD
        is_carrying = u.carrying is not None
        if is_carrying and not was_carrying:
            reward += PICKUP_REWARD
        elif was_carrying and not is_carrying:
            reward += DROP_REWARD
        if terminated:
            cell = u.grid.get(*u.agent_pos)
            if cell is not None and cell.type == "goal":
                reward += GOAL_REWARD
        return obs, reward, terminated, truncated, info

    def return_to_go_upper_bound(self) -> float:
        """The paper reward's valid upper bound U at the current state (``return_to_go_upper_bound`` below)."""
        return return_to_go_upper_bound(self)

    def return_to_go_heuristic(self) -> float:
        """The authors' discounted A* heuristic at the current state (``discounted_heuristic`` below)."""
        return discounted_heuristic(self)


DISCOUNT = 0.999
_POWERS = [1.0]


def _discount_power(n: int) -> float:
    """g^n as the running product g * g * ... (n factors), so that the Java twin computes the identical double."""
    while len(_POWERS) <= n:
        _POWERS.append(_POWERS[-1] * DISCOUNT)
    return _POWERS[n]


# Cell types that never appear, move or leave: with only these on the grid and nothing carried, the grid's doors are
# a fixed set and no object can ever be picked up (there is none, and no box to open).
_FIXED_TYPES = frozenset({"wall", "door", "goal", "floor", "lava"})


def _fixed_doors(u) -> list[Door] | None:
    """The grid's doors when nothing on it can appear, move or be picked up (only ``_FIXED_TYPES`` on the grid and
    nothing carried, as in every stock MultiRoom), cached on the grid; None otherwise: scan the grid. Saves the two
    full scans of the grid (25 x 25 cells in MultiRoom-N6) that each step's bound and heuristic made."""
    grid = u.grid
    cached = getattr(grid, "_dirpg_fixed_doors", None)
    if cached is not None and cached[0] is grid.grid:
        return cached[1]
    if u.carrying is not None or any(c is not None and c.type not in _FIXED_TYPES for c in grid.grid):
        return None
    doors = [c for c in grid.grid if isinstance(c, Door)]
    grid._dirpg_fixed_doors = (grid.grid, doors)
    return doors


def _closed_doors_and_distance(u) -> tuple[int, int]:
    doors = _fixed_doors(u)
    if doors is not None:
        closed = sum(1 for door in doors if not door.is_open)
    else:
        closed = sum(1 for cell in u.grid.grid if isinstance(cell, Door) and not cell.is_open)
    gx, gy = u.goal_pos
    ax, ay = u.agent_pos
    return closed, abs(int(gx) - int(ax)) + abs(int(gy) - int(ay))


def discounted_heuristic(env: gym.Env) -> float:
    """The DirPG authors' A* heuristic (REFERENCE.md), not a bound: with t = step_count, c doors closed now and
    d = |goal - agent|_1, ``100 g^(t+1+c+d) + sum_{k<c} 30 g^(t+1+k)``, g = 0.999. No step limit, so it changes by
    a factor of ~0.999 per step and keeps the A* priority's search depth-first at alpha < 1. Doors are counted as
    closed *now* (by identity), so closing and reopening one is not counted twice. For the priority only; pruning
    uses ``return_to_go_upper_bound``."""
    u = env.unwrapped
    t = int(u.step_count)
    closed, dist = _closed_doors_and_distance(u)
    value = GOAL_REWARD * _discount_power(t + 1 + closed + dist)
    for k in range(closed):
        value += OPEN_DOOR_REWARD * _discount_power(t + 1 + k)
    return float(value)


def return_to_go_upper_bound(env: gym.Env) -> float:
    """The valid undiscounted upper bound U of the module docstring at a non-terminal state of ``env``."""
    u = env.unwrapped
    steps_left = u.max_steps - u.step_count
    closed_doors = 0
    pickable = False
    doors = _fixed_doors(u)
    if doors is not None:
        closed_doors = sum(1 for door in doors if not door.is_open)
    else:
        for cell in u.grid.grid:
            if cell is None:
                continue
            if isinstance(cell, Door):
                closed_doors += 0 if cell.is_open else 1
            elif cell.can_pickup():
                pickable = True
    gx, gy = u.goal_pos
    ax, ay = u.agent_pos
    dist = abs(int(gx) - int(ax)) + abs(int(gy) - int(ay))
    bound = OPEN_DOOR_REWARD * min(closed_doors, steps_left)
    if dist <= steps_left:
        bound = max(bound, GOAL_REWARD + OPEN_DOOR_REWARD * min(closed_doors, steps_left - dist))
    if u.carrying is None and pickable:
        bound += PICKUP_REWARD
    return float(bound)
