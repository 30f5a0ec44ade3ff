"""State tokens: opaque, authenticated bytes that carry a whole environment state.

Layout (all integers big-endian)::

    magic  b"DPGT"            4 bytes
    version                   1 byte   (TOKEN_VERSION)
    kind                      1 byte   (which snapshot format the payload uses)
    config digest             8 bytes  (the serving configuration: env id, kwargs, reward variant, actions)
    env id length             2 bytes
    env id                    UTF-8
    payload                   the snapshot (the format's bytes; see dirpg.adapters)
    HMAC-SHA256               32 bytes over everything above, keyed with the fleet's shared key

Any server of a fleet that shares the key (and the configuration) can step any token. The payload is only
unpickled after the HMAC verifies, so a client can never make the server unpickle bytes it did not sign.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import struct
from dataclasses import dataclass

MAGIC = b"DPGT"
TOKEN_VERSION = 1
_HEADER = struct.Struct(">4sBB8sH")
MAC_LEN = 32
_MAC_LEN = MAC_LEN
MIN_KEY_BYTES = 16
KEY_ENV_VAR = "DIRPG_TOKEN_KEY"

log = logging.getLogger(__name__)


class InvalidTokenError(ValueError):
    """A state token is malformed, tampered, foreign (other env id, configuration or key) or of another version."""


@dataclass(frozen=True)
class DecodedToken:
    """The verified contents of a token."""

    kind: int
    payload: bytes


class TokenCodec:
    """Signs and verifies the state tokens of one served environment configuration.

    Call order: ``encode(kind, payload)`` makes a token; ``decode(token)`` verifies it (raising
    InvalidTokenError with the reason) and returns its kind and payload.
    """

    def __init__(self, key: bytes, env_id: str, config_digest: bytes):
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"token key has {len(key)} bytes; it needs at least {MIN_KEY_BYTES}")
        if len(config_digest) != 8:
            raise ValueError(f"config digest must be 8 bytes, got {len(config_digest)}")
        self._key = key
        # HMAC-SHA256 (RFC 2104) with the keyed inner and outer SHA-256 states computed once: each MAC then costs
        # two copies and two short hashes (~1.6 us here against ~4 us for hmac.digest, which redoes the key
        # schedule every call); the bytes are the same as hmac.digest(key, body, "sha256").
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self.env_id = env_id
        self._env_id_bytes = env_id.encode("utf-8")
        self._config_digest = config_digest
        self._prefixes: dict[int, bytes] = {}

    def encode(self, kind: int, payload: bytes) -> bytes:
        prefix = self._prefixes.get(kind)
        if prefix is None:  # the header and env id, the same for every token of a kind
            prefix = self._prefixes[kind] = _HEADER.pack(MAGIC, TOKEN_VERSION, kind, self._config_digest,
                                                         len(self._env_id_bytes)) + self._env_id_bytes
        body = prefix + payload
        inner = self._inner.copy()
        inner.update(body)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return body + outer.digest()

    def _mac(self, body: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(body)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def decode(self, token: bytes) -> DecodedToken:
        if len(token) < _HEADER.size + _MAC_LEN:
            raise InvalidTokenError(
                f"state token has {len(token)} bytes, too short to be a DirPG state token "
                f"(at least {_HEADER.size + _MAC_LEN})")
        magic, version, kind, digest, id_len = _HEADER.unpack_from(token)
        if magic != MAGIC:
            raise InvalidTokenError(f"state token does not start with the magic {MAGIC!r}: not a DirPG state token")
        if version != TOKEN_VERSION:
            raise InvalidTokenError(
                f"state token has format version {version}; this server reads version {TOKEN_VERSION}")
        id_end = _HEADER.size + id_len
        if id_end + _MAC_LEN > len(token):
            raise InvalidTokenError("state token is truncated: its env id runs past its end")
        token_env = token[_HEADER.size:id_end].decode("utf-8", errors="replace")
        if token_env != self.env_id:
            raise InvalidTokenError(f"state token belongs to env '{token_env}', not to '{self.env_id}'")
        body, mac = token[:-_MAC_LEN], token[-_MAC_LEN:]
        if not hmac.compare_digest(mac, self._mac(body)):
            raise InvalidTokenError(
                f"state token for env '{self.env_id}' fails its HMAC check: it was tampered with or signed "
                f"with another fleet key")
        if digest != self._config_digest:
            raise InvalidTokenError(
                f"state token for env '{self.env_id}' was made by a server with another configuration "
                f"(env kwargs, reward variant or action set differ)")
        return DecodedToken(kind=kind, payload=bytes(token[id_end:-_MAC_LEN]))


def config_digest(*parts: object) -> bytes:
    """An 8-byte digest of a serving configuration (its parts' reprs)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).digest()[:8]


def configured_key(key_file: str | None) -> bytes | None:
    """The fleet key from ``key_file``, else from $DIRPG_TOKEN_KEY, else None (no key configured).

    Raises ValueError with a one-line message saying what is wrong with the file or variable and what a key
    must be, so a server's command line can print it as is.
    """
    if key_file:
        try:
            with open(key_file, "rb") as f:
                key = f.read().strip()
        except FileNotFoundError:
            raise ValueError(f"token key file '{key_file}' does not exist; --token-key-file wants a file holding "
                             f"the fleet's shared key (at least {MIN_KEY_BYTES} bytes)") from None
        except OSError as e:
            raise ValueError(f"token key file '{key_file}' cannot be read ({e.strerror}); --token-key-file wants "
                             f"a readable file holding the fleet's shared key") from None
        if not key:
            raise ValueError(f"token key file '{key_file}' is empty; it must hold the fleet's shared key, at least "
                             f"{MIN_KEY_BYTES} bytes (e.g. head -c 32 /dev/urandom | base64 > {key_file})")
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"token key file '{key_file}' holds {len(key)} bytes; the key needs at least "
                             f"{MIN_KEY_BYTES}")
        return key
    env_key = os.environ.get(KEY_ENV_VAR)
    if env_key:
        key = env_key.encode("utf-8")
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"${KEY_ENV_VAR} holds {len(key)} bytes; the key needs at least {MIN_KEY_BYTES}")
        return key
    return None


RANDOM_KEY_WARNING = (f"no token key given (--token-key-file or ${KEY_ENV_VAR}): using a random key, so state "
                      f"tokens only work on this server process")


def load_key(key_file: str | None) -> bytes:
    """The fleet key: from ``key_file``, else from $DIRPG_TOKEN_KEY, else a fresh random key for this process."""
    key = configured_key(key_file)
    if key is None:
        log.warning(RANDOM_KEY_WARNING)
        key = secrets.token_bytes(32)
    return key
