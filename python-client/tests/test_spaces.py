"""Observation spaces and episode limits reach a client over real gRPC (DescribeEnvironment), and observations
travel in the shapes and dtypes the specs announce."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import KEY, serve
from dirpg.env.v1 import environment_pb2 as pb
from dirpg.envclient import RemoteEnv
from dirpg.served_env import ServedEnvironment

ENVS = ["FrozenLake-v1", "CartPole-v1", "Blackjack-v1", "CliffWalking-v1", "MiniGrid-DoorKey-5x5-v0",
        "MinAtar/Breakout-v1", "ALE/Pong-v5", "DirpgTest/AllSpaces-v0"]


@pytest.fixture(scope="module")
def server():
    s = serve([ServedEnvironment(e, key=KEY) for e in ENVS])
    yield s
    s.stop(grace=None)


def _describe(server, env_id) -> tuple[RemoteEnv, pb.EnvironmentDescription]:
    remote = RemoteEnv(server.address, env_id)
    return remote, remote.description


def _specs(desc):
    return {s.name: s for s in desc.observation}


def test_frozenlake_is_one_discrete_int64_scalar_with_its_limit(server):
    remote, desc = _describe(server, "FrozenLake-v1")
    (spec,) = desc.observation
    assert (spec.name, list(spec.shape), spec.dtype) == ("obs", [], pb.D_TYPE_INT64)
    assert spec.space.WhichOneof("kind") == "discrete"
    assert (spec.space.discrete.n, spec.space.discrete.start) == (16, 0)
    assert desc.HasField("max_episode_steps") and desc.max_episode_steps == 100
    obs = remote.reset(3).observation["obs"]
    assert obs.shape == () and obs.dtype == np.int64 and 0 <= int(obs) < 16


def test_cartpole_box_has_per_element_bounds_with_infinities_and_no_image_flag(server):
    _, desc = _describe(server, "CartPole-v1")
    (spec,) = desc.observation
    box = spec.space.box
    assert spec.space.WhichOneof("kind") == "box" and list(spec.shape) == [4]
    assert len(box.low) == 4 and len(box.high) == 4
    assert box.high[0] == pytest.approx(4.8) and box.low[0] == pytest.approx(-4.8)
    assert math.isinf(box.high[1]) and box.high[1] > 0 and math.isinf(box.low[3]) and box.low[3] < 0
    assert not box.HasField("image")
    assert desc.max_episode_steps == 500


def test_blackjack_tuple_becomes_parts_0_1_2(server):
    remote, desc = _describe(server, "Blackjack-v1")
    assert [s.name for s in desc.observation] == ["0", "1", "2"]
    assert [s.space.discrete.n for s in desc.observation] == [32, 11, 2]
    assert all(list(s.shape) == [] and s.dtype == pb.D_TYPE_INT64 for s in desc.observation)
    obs = remote.reset(5).observation
    assert 4 <= int(obs["0"]) <= 31 and 1 <= int(obs["1"]) <= 10 and int(obs["2"]) in (0, 1)


def test_cliffwalking_has_no_episode_limit(server):
    _, desc = _describe(server, "CliffWalking-v1")
    assert not desc.HasField("max_episode_steps")
    assert desc.observation[0].space.discrete.n == 48


def test_minigrid_image_is_a_marked_uint8_box_and_direction_a_discrete(server):
    remote, desc = _describe(server, "MiniGrid-DoorKey-5x5-v0")
    specs = _specs(desc)
    assert [s.name for s in desc.observation] == ["image", "direction"]  # "mission" (text) is dropped
    image = specs["image"]
    assert list(image.shape) == [7, 7, 3] and image.dtype == pb.D_TYPE_UINT8
    assert list(image.space.box.low) == [0.0] and list(image.space.box.high) == [255.0]
    assert image.space.box.HasField("image") and image.space.box.image
    assert specs["direction"].space.discrete.n == 4 and list(specs["direction"].shape) == []
    assert desc.max_episode_steps == 250  # MiniGrid's own max_steps, 10 * 5 * 5
    obs = remote.reset(1).observation
    assert obs["image"].shape == (7, 7, 3) and obs["image"].dtype == np.uint8 and 0 <= int(obs["direction"]) < 4


def test_minatar_grid_is_a_bool_box_sent_as_uint8_and_marked_image(server):
    remote, desc = _describe(server, "MinAtar/Breakout-v1")
    (spec,) = desc.observation
    assert list(spec.shape) == [10, 10, 4] and spec.dtype == pb.D_TYPE_UINT8
    assert list(spec.space.box.low) == [0.0] and list(spec.space.box.high) == [1.0] and spec.space.box.image
    obs = remote.reset(2).observation["obs"]
    assert obs.shape == (10, 10, 4) and set(np.unique(obs)) <= {0, 1} and obs.sum() > 0


def test_atari_pixels_are_a_marked_uint8_image(server):
    remote, desc = _describe(server, "ALE/Pong-v5")
    (spec,) = desc.observation
    assert list(spec.shape) == [210, 160, 3] and spec.dtype == pb.D_TYPE_UINT8 and spec.space.box.image
    assert desc.num_actions == 6
    obs = remote.reset(0).observation["obs"]
    assert obs.shape == (210, 160, 3) and obs.std() > 0


def test_nested_dict_tuple_multidiscrete_and_multibinary_parts(server):
    remote, desc = _describe(server, "DirpgTest/AllSpaces-v0")
    specs = _specs(desc)
    assert list(specs) == ["flags", "grid", "inner.mode", "inner.pos", "pair.0", "pair.1"]
    grid = specs["grid"]
    assert list(grid.shape) == [2, 2] and grid.dtype == pb.D_TYPE_INT64
    assert list(grid.space.multi_discrete.nvec) == [3, 4, 5, 6]
    assert list(grid.space.multi_discrete.start) == [0, 1, 0, -2]
    assert specs["flags"].space.WhichOneof("kind") == "multi_binary" and specs["flags"].dtype == pb.D_TYPE_UINT8
    assert (specs["inner.mode"].space.discrete.n, specs["inner.mode"].space.discrete.start) == (3, 1)
    pos = specs["inner.pos"]
    assert pos.dtype == pb.D_TYPE_INT64 and list(pos.space.box.low) == [0.0] and list(pos.space.box.high) == [9.0]
    assert list(specs["pair.1"].space.box.low) == [-1.0] and list(specs["pair.1"].space.box.high) == [1.0, 2.0]
    assert not desc.HasField("max_episode_steps")
    obs = remote.reset(4).observation
    assert obs["grid"].shape == (2, 2) and 1 <= int(obs["inner.mode"]) <= 3 and obs["pair.1"].shape == (2,)
