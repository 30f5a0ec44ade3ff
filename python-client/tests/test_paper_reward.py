"""The paper's MultiRoom reward on hand-built situations, and its return-to-go bound against BFS-optimal play."""

from __future__ import annotations

from collections import deque

import gymnasium as gym
import numpy as np
import pytest
from minigrid.core.world_object import Door

from dirpg import paper_reward
from dirpg.served_env import ServedEnvironment
from conftest import KEY, MULTIROOM

DIR_VEC = {0: (1, 0), 1: (0, 1), 2: (-1, 0), 3: (0, -1)}
G = 0.999


def _env(env_id: str = MULTIROOM, seed: int = 0) -> gym.Env:
    env = paper_reward.PaperRewardMultiRoom(gym.make(env_id, disable_env_checker=True, **paper_reward.PAPER_ENV_KWARGS))
    env.reset(seed=seed)
    return env


def _doors(env) -> list[tuple[tuple[int, int], Door]]:
    g = env.unwrapped.grid
    return [((i % g.width, i // g.width), c) for i, c in enumerate(g.grid) if isinstance(c, Door)]


def _face(env, target: tuple[int, int]) -> None:
    """Puts the agent on an empty cell next to ``target``, facing it."""
    u = env.unwrapped
    for d, (dx, dy) in DIR_VEC.items():
        x, y = target[0] - dx, target[1] - dy
        if 0 <= x < u.width and 0 <= y < u.height and u.grid.get(x, y) is None:
            u.agent_pos, u.agent_dir = (x, y), d
            return
    raise AssertionError(f"no empty cell next to {target}")


def _paper_formula(env, doors_togo: int) -> float:
    """REFERENCE.md's discounted heuristic, for comparison only."""
    u = env.unwrapped
    t = u.step_count
    dist = abs(int(u.goal_pos[0]) - int(u.agent_pos[0])) + abs(int(u.goal_pos[1]) - int(u.agent_pos[1]))
    return 100 * G ** (t + 1 + doors_togo + dist) + sum(30 * G ** (t + 1 + k) for k in range(doors_togo))


def test_doors_pay_plus_and_minus_30_and_are_counted_by_identity():
    env = _env(seed=3)
    doors = _doors(env)
    assert len(doors) == 5 and not any(d.is_open for _, d in doors)
    pos, door = doors[2]
    _face(env, pos)
    start = paper_reward.return_to_go_upper_bound(env)
    assert start == 100 + 5 * 30
    rewards, bounds = [], []
    for _ in range(3):  # open, close, reopen
        _, r, term, trunc, _ = env.step(5)
        rewards.append(r)
        bounds.append(paper_reward.return_to_go_upper_bound(env))
        assert not (term or trunc)
    assert rewards == [30.0, -30.0, 30.0] and door.is_open
    assert bounds == [start - 30, start, start - 30]  # the same door never counts twice
    _, r, *_ = env.step(0)  # turning pays nothing
    assert r == 0.0


def test_goal_pays_flat_100_and_the_bound_covers_it_where_the_papers_formula_does_not():
    env = _env(seed=4)
    for _, d in _doors(env):
        d.is_open = True
    _face(env, tuple(int(v) for v in env.unwrapped.goal_pos))
    env.unwrapped.step_count = 37
    bound = paper_reward.return_to_go_upper_bound(env)
    assert bound == 100.0
    assert _paper_formula(env, doors_togo=0) < 100.0  # the discounted heuristic is no bound of 100 undiscounted
    _, r, terminated, truncated, _ = env.step(2)
    assert (r, terminated, truncated) == (100.0, True, False)


def test_bound_respects_the_step_budget():
    env = _env(seed=5)
    u = env.unwrapped
    u.step_count = u.max_steps - 2
    dist = abs(int(u.goal_pos[0]) - int(u.agent_pos[0])) + abs(int(u.goal_pos[1]) - int(u.agent_pos[1]))
    assert dist > 2
    assert paper_reward.return_to_go_upper_bound(env) == 60.0  # two toggles at most, goal out of reach


def _key(env):
    u = env.unwrapped
    return (int(u.agent_pos[0]), int(u.agent_pos[1]), int(u.agent_dir),
            tuple(d.is_open for _, d in _doors(env)))


def _set(env, key, step_count):
    u = env.unwrapped
    u.agent_pos, u.agent_dir = (key[0], key[1]), key[2]
    for (_, d), is_open in zip(_doors(env), key[3]):
        d.is_open = is_open
    u.step_count = step_count


def _bfs_goal_return(env, actions=(0, 1, 2, 5)) -> float | None:
    """Return of the shortest action sequence to the goal within the step budget (None if out of reach).
    BFS over (agent pos, dir, door states) stepping the real env; closing a door never shortens a path, so
    toggles that would close one are skipped. Ties in length keep the first-found path (return >= 100 anyway)."""
    u = env.unwrapped
    start_key, start_steps = _key(env), u.step_count
    budget = u.max_steps - start_steps
    frontier = deque([(start_key, 0, 0.0)])
    seen = {start_key}
    while frontier:
        key, depth, ret = frontier.popleft()
        if depth == budget:
            continue
        for a in actions:
            _set(env, key, start_steps + depth)
            if a == 5:
                front = u.grid.get(*u.front_pos)
                if not isinstance(front, Door) or front.is_open:
                    continue
            _, r, terminated, _, _ = env.step(a)
            if terminated:
                _set(env, start_key, start_steps)
                return ret + r
            nk = _key(env)
            if nk not in seen:
                seen.add(nk)
                frontier.append((nk, depth + 1, ret + r))
    _set(env, start_key, start_steps)
    return None


@pytest.mark.filterwarnings("ignore:.*out of date")
@pytest.mark.parametrize("env_id,seeds", [("MiniGrid-MultiRoom-N4-S5-v0", range(8)), (MULTIROOM, range(3))])
def test_bound_dominates_bfs_optimal_and_realised_returns_from_sampled_states(env_id, seeds):
    served = ServedEnvironment(env_id, key=KEY, paper_reward_variant=True, actions=[0, 1, 2, 5])
    probs = np.array([0.2, 0.2, 0.4, 0.2])
    bfs_checked = door_rewards = 0
    for seed in seeds:
        rng = np.random.default_rng(seed)
        env = _env(env_id, seed)
        view = served.reset(seed, None)
        visited = []  # (bound the server gives s_t, live env key at s_t, step count at s_t, reward r_t)
        for _ in range(int(rng.integers(30, 100))):
            a = int(rng.choice([0, 1, 2, 5], p=probs))
            assert view.HasField("return_to_go_upper_bound")  # the paper reward bounds every state
            visited.append([view.return_to_go_upper_bound, _key(env), env.unwrapped.step_count, 0.0])
            result = served.step(view.state_token, a)
            _, r, term, trunc, _ = env.step(a)
            assert result.reward == r and result.terminated == term and result.truncated == trunc
            visited[-1][3] = r
            door_rewards += abs(r) == 30.0
            view = result.next
            if view.terminal:
                assert view.HasField("return_to_go_upper_bound") and view.return_to_go_upper_bound == 0.0
                assert view.legal_actions == 0
                break
        # The rollout's realised reward from s_t on never exceeds U(s_t) (an unfinished rollout can always be
        # continued with reward 0 by turning, so its partial sum is a return some play achieves).
        to_go = 0.0
        for bound, key, steps, r in reversed(visited):
            to_go += r
            assert bound >= to_go, (env_id, seed, steps, bound, to_go)
        # BFS-optimal play from every 20th visited state (restored into the live env).
        for bound, key, steps, _ in visited[::20]:
            _set(env, key, steps)
            g = _bfs_goal_return(env)
            if g is not None:
                bfs_checked += 1
                assert g >= 100.0 and bound >= g, (env_id, seed, steps, g, bound)
    assert bfs_checked >= len(seeds)
    assert door_rewards > 0  # the rollouts did open/close doors


def _scan_bound_and_heuristic(env) -> tuple[float, float]:
    """The bound and the heuristic from a full scan of the grid (the module's formulas without its door cache)."""
    u = env.unwrapped
    closed = sum(1 for c in u.grid.grid if isinstance(c, Door) and not c.is_open)
    pickable = any(c is not None and not isinstance(c, Door) and c.can_pickup() for c in u.grid.grid)
    steps_left = u.max_steps - u.step_count
    dist = abs(int(u.goal_pos[0]) - int(u.agent_pos[0])) + abs(int(u.goal_pos[1]) - int(u.agent_pos[1]))
    bound = 30.0 * min(closed, steps_left)
    if dist <= steps_left:
        bound = max(bound, 100.0 + 30.0 * min(closed, steps_left - dist))
    if u.carrying is None and pickable:
        bound += 5.0
    t = int(u.step_count)
    heuristic = 100.0 * paper_reward._discount_power(t + 1 + closed + dist)
    for k in range(closed):
        heuristic += 30.0 * paper_reward._discount_power(t + 1 + k)
    return bound, heuristic


def test_the_door_cache_gives_the_full_scans_bound_and_heuristic_and_steps_aside_for_objects():
    """The doors cached per grid give, float for float, what a scan of the whole grid gives, along random walks that
    open and close doors; on a grid with an object that can be picked up the cache is not used and the +5 of the
    bound appears (and goes when the object is carried)."""
    from minigrid.core.world_object import Key
    rng = np.random.default_rng(5)
    for seed in range(6):
        env = _env(seed=seed)
        for t in range(60):
            if env.unwrapped.step_count >= env.unwrapped.max_steps - 1:
                break
            bound, heuristic = _scan_bound_and_heuristic(env)
            assert paper_reward.return_to_go_upper_bound(env) == bound, (seed, t)
            assert paper_reward.discounted_heuristic(env) == heuristic, (seed, t)
            _, _, terminated, _, _ = env.step(int(rng.choice([0, 1, 2, 5, 5])))
            if terminated:
                break
        assert paper_reward._fixed_doors(env.unwrapped) is not None
    env = _env(seed=1)  # a grid the cache has not seen, with a key put where the first door was
    u = env.unwrapped
    _face(env, _doors(env)[0][0])
    x, y = u.front_pos
    u.grid.set(x, y, Key("yellow"))
    assert paper_reward._fixed_doors(u) is None
    bound, heuristic = _scan_bound_and_heuristic(env)
    assert paper_reward.return_to_go_upper_bound(env) == bound
    assert paper_reward.discounted_heuristic(env) == heuristic
    u.carrying = u.grid.get(x, y)
    u.grid.set(x, y, None)
    assert paper_reward._fixed_doors(u) is None  # carrying: scan
    assert paper_reward.return_to_go_upper_bound(env) == _scan_bound_and_heuristic(env)[0]
    assert bound - paper_reward.return_to_go_upper_bound(env) == 5.0  # the pickup's +5, gone once it is carried
