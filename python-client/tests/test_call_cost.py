"""The fast paths of a served step keep their guarantees: the precomputed HMAC is RFC 2104's, and the cache of
issued tokens never lets a token through that the full check would refuse."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from conftest import KEY
from dirpg.served_env import ServedEnvironment
from dirpg.tokens import InvalidTokenError, TokenCodec, config_digest


@pytest.mark.parametrize("key", [KEY, b"k" * 64, b"long-key-" * 20])
def test_token_mac_is_hmac_sha256_of_the_body(key):
    codec = TokenCodec(key, "CartPole-v1", config_digest("x"))
    for payload in (b"", b"\x00abc", bytes(range(256)) * 3):
        token = codec.encode(3, payload)
        assert token[-32:] == hmac.digest(key, token[:-32], hashlib.sha256)
        assert codec.decode(token).payload == payload


def test_issued_tokens_are_cached_and_a_forgery_with_a_copied_mac_is_still_refused():
    served = ServedEnvironment("CartPole-v1", key=KEY)
    token = served.reset(1, None).state_token
    hits = served._issued.hits
    next_token = served.step(token, 0).next.state_token
    assert served._issued.hits == hits + 1  # the reset token was issued here
    forged = bytearray(next_token)
    forged[-40] ^= 1  # a payload byte, the MAC kept
    with pytest.raises(InvalidTokenError, match="fails its HMAC check"):
        served.step(bytes(forged), 0)
    other = ServedEnvironment("CartPole-v1", key=KEY)  # another replica: a cache miss takes the full path
    assert other.step(next_token, 1).reward == 1.0
    assert other._issued.misses >= 1


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("bounds", [(None, None, None), (3.5, -1.0, 2.0), (0.0, None, None)])
def test_a_view_built_in_place_is_the_view_message(terminal, bounds):
    import numpy as np
    from dirpg.env.v1 import environment_pb2 as pb
    served = ServedEnvironment("MiniGrid-DoorKey-5x5-v0", key=KEY)
    env = served._make()
    obs, _ = env.reset(seed=3)
    token = served.reset(3, None).state_token
    in_place = pb.StepResult(reward=1.5)
    served._fill_view(in_place.next, token, obs, terminal, bounds)
    copied = pb.StepResult(next=served._view(token, obs, terminal, bounds), reward=1.5)
    assert in_place.SerializeToString(deterministic=True) == copied.SerializeToString(deterministic=True)
    assert in_place.next.HasField("return_to_go_lower_bound") == (bounds[1] is not None)
    assert np.frombuffer(in_place.next.observation[0].data, np.uint8).size == 7 * 7 * 3
