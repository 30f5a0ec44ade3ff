"""Shared fixtures: in-process env servers on 127.0.0.1 and test-only Gymnasium envs for the error paths."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

from dirpg.envserver.service import EnvServer
from dirpg.served_env import ServedEnvironment

MULTIROOM = "MiniGrid-MultiRoom-N6-v0"
KEY = b"test-fleet-key-0123456789abcdef"


class NanRewardEnv(gym.Env):
    """Test-only env whose every step pays a NaN reward (exercises the INTERNAL error path)."""

    observation_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
    action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(2, np.float32), {}

    def step(self, action):
        return np.zeros(2, np.float32), float("nan"), False, False, {}


class TextObsEnv(NanRewardEnv):
    """Test-only env with an unsupported (Text) part in a Tuple observation space."""

    observation_space = spaces.Tuple((spaces.Discrete(2), spaces.Text(5)))


class AllSpacesEnv(NanRewardEnv):
    """Test-only env whose observation nests every supported leaf space in a Dict of a Dict and a Tuple."""

    observation_space = spaces.Dict({
        "grid": spaces.MultiDiscrete(np.array([[3, 4], [5, 6]]), start=np.array([[0, 1], [0, -2]])),
        "flags": spaces.MultiBinary(3),
        "inner": spaces.Dict({"pos": spaces.Box(0, 9, (2,), np.int32), "mode": spaces.Discrete(3, start=1)}),
        "pair": spaces.Tuple((spaces.Discrete(2), spaces.Box(-1.0, np.array([1.0, 2.0]), (2,), np.float64))),
    })

    def reset(self, *, seed=None, options=None):
        gym.Env.reset(self, seed=seed)
        return self.observation_space.sample(), {}


gym.register("DirpgTest/NanReward-v0", entry_point=NanRewardEnv)
gym.register("DirpgTest/TextObs-v0", entry_point=TextObsEnv)
gym.register("DirpgTest/AllSpaces-v0", entry_point=AllSpacesEnv)


def serve(envs: list[ServedEnvironment]) -> EnvServer:
    return EnvServer({e.env_id: e for e in envs}, host="127.0.0.1", port=0, seed=7).start()


@pytest.fixture(scope="session")
def plain_server():
    """MultiRoom-N6 (compact MiniGrid tokens), DoorKey (generic tokens: it has a key), CartPole, the NaN env."""
    server = serve([ServedEnvironment(MULTIROOM, key=KEY),
                    ServedEnvironment("MiniGrid-DoorKey-6x6-v0", key=KEY),
                    ServedEnvironment("CartPole-v1", key=KEY),
                    ServedEnvironment("DirpgTest/NanReward-v0", key=KEY)])
    yield server
    server.stop(grace=None)


@pytest.fixture(scope="session")
def generic_server():
    """MultiRoom-N6 forced onto generic (whole-env pickle) tokens."""
    server = serve([ServedEnvironment(MULTIROOM, key=KEY, snapshot="pickle")])
    yield server
    server.stop(grace=None)


@pytest.fixture(scope="session")
def paper_server():
    """MultiRoom-N6 with the paper's reward and bound, actions restricted to left/right/forward/toggle."""
    server = serve([ServedEnvironment(MULTIROOM, key=KEY, paper_reward_variant=True, actions=[0, 1, 2, 5])])
    yield server
    server.stop(grace=None)


class SlowEnv(NanRewardEnv):
    """Test-only env whose every step takes 50 ms (in C-free Python sleep: a batch of n items holds a worker for
    n x 50 ms), for saturating a server's worker pool."""

    def step(self, action):
        import time
        time.sleep(0.05)
        return np.zeros(2, np.float32), 0.0, False, False, {}


gym.register("DirpgTest/Slow-v0", entry_point=SlowEnv)


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """A throwaway CA, a server certificate for localhost/127.0.0.1 and client certificates alice and bob, made by
    scripts/make-certs.sh (openssl) at test time."""
    import shutil
    import subprocess
    from dirpg.launch import repo_root
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: the TLS tests need it to make certificates")
    d = tmp_path_factory.mktemp("certs")
    subprocess.run(["bash", str(repo_root() / "scripts" / "make-certs.sh"), str(d)], check=True,
                   capture_output=True, timeout=60)
    return d


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for "no server here" and for servers given a port)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def java_trainer(tmp_path_factory):
    """A real trainer server (java -jar target/dirpg.jar serve) for one test module; skips where it is not built."""
    from dirpg import launch
    if not launch.java_jar().is_file():
        pytest.skip(f"{launch.java_jar()} is not built (mvn -B -q -o package -DskipTests)")
    proc = launch.start_java_server(cwd=str(tmp_path_factory.mktemp("server")))
    yield proc
    assert proc.stop() in (0, 143), "\n".join(proc.output)

