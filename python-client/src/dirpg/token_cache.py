"""A server-side cache of the state tokens this process issued, by their MAC: stepping a cached token skips the HMAC
check and the header parse. The token stays the source of truth: an entry is used only when the whole token equals
the one issued (so a forged token with a copied MAC is still checked in full), and a miss (another replica's token,
an evicted one) takes the full path.

Bounded by bytes (``max_bytes``, default 64 MiB of tokens), oldest entries first out. Thread-safe.
"""

from __future__ import annotations

import threading

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_MAC_LEN = 32


class TokenCache:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self._entries: dict[bytes, tuple[bytes, bytes]] = {}
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def put(self, token: bytes, payload: bytes) -> None:
        """Remembers that this process issued ``token``, whose verified payload is ``payload``."""
        with self._lock:
            mac = token[-_MAC_LEN:]
            if mac in self._entries:
                return
            self._entries[mac] = (token, payload)
            self._bytes += len(token)
            while self._bytes > self._max_bytes and self._entries:
                old_token, _ = self._entries.pop(next(iter(self._entries)))
                self._bytes -= len(old_token)

    def get(self, token: bytes) -> bytes | None:
        """The payload of ``token`` if this process issued exactly these bytes, else None."""
        entry = self._entries.get(token[-_MAC_LEN:])
        if entry is not None and entry[0] == token:
            self.hits += 1
            return entry[1]
        self.misses += 1
        return None
