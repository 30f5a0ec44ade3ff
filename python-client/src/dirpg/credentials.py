"""How a Python client proves itself to a DirPG server and trusts it: TLS (a root CA, and a client certificate and
key for mutual TLS) and a bearer token sent as ``authorization: Bearer TOKEN`` on every call.

``Credentials.load`` takes each part from its argument, else from the environment: ``$DIRPG_TOKEN`` (or a file
named by ``$DIRPG_TOKEN_FILE``), ``$DIRPG_CA_FILE``, ``$DIRPG_CERT_FILE``, ``$DIRPG_KEY_FILE``. Without a CA the
channel is plaintext (for servers on loopback). ``channel(address)`` opens a channel with them; ``metadata`` goes
with every call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import grpc

TOKEN_ENV_VAR = "DIRPG_TOKEN"
TOKEN_FILE_ENV_VAR = "DIRPG_TOKEN_FILE"
CA_FILE_ENV_VAR = "DIRPG_CA_FILE"
CERT_FILE_ENV_VAR = "DIRPG_CERT_FILE"
KEY_FILE_ENV_VAR = "DIRPG_KEY_FILE"


def _read(what: str, path: str, mode: str = "rb"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError as e:
        raise ValueError(f"{what}: cannot read '{path}' ({e.strerror})") from None


def read_token_file(path: str) -> str:
    """The token a file holds (surrounding whitespace removed); ValueError naming the file if it is unreadable or
    empty."""
    token = _read("token file", path, "r").strip()
    if not token:
        raise ValueError(f"token file: '{path}' is empty; it should hold the bearer token")
    return token


@dataclass(frozen=True)
class Credentials:
    """A bearer token and PEM bytes of the root CA, client certificate and client key; every part optional."""

    token: str | None = None
    root_ca: bytes | None = None
    client_cert: bytes | None = None
    client_key: bytes | None = None

    def __post_init__(self):
        if (self.client_cert is None) != (self.client_key is None):
            raise ValueError("client certificate and key: give both (mutual TLS) or neither")
        if self.client_cert is not None and self.root_ca is None:
            raise ValueError("client certificate: mutual TLS needs the server's CA too (ca_file)")
        if self.token is not None and (not self.token or any(c.isspace() or not c.isprintable() for c in self.token)):
            raise ValueError("bearer token: must be non-empty printable characters without spaces")

    @staticmethod
    def load(token: str | None = None, token_file: str | None = None, ca_file: str | None = None,
             cert_file: str | None = None, key_file: str | None = None,
             env: Mapping[str, str] | None = None) -> Credentials:
        """Each part from its argument, else from the environment variables above (``env``, default os.environ).
        ``token=""`` means no token even when $DIRPG_TOKEN is set."""
        env = os.environ if env is None else env
        if token is None:
            token_file = token_file or env.get(TOKEN_FILE_ENV_VAR) or None
            token = read_token_file(token_file) if token_file else env.get(TOKEN_ENV_VAR) or None
        ca_file = ca_file or env.get(CA_FILE_ENV_VAR) or None
        cert_file = cert_file or env.get(CERT_FILE_ENV_VAR) or None
        key_file = key_file or env.get(KEY_FILE_ENV_VAR) or None
        return Credentials(token=token or None,
                           root_ca=_read("CA file", ca_file) if ca_file else None,
                           client_cert=_read("client certificate file", cert_file) if cert_file else None,
                           client_key=_read("client key file", key_file) if key_file else None)

    @property
    def tls(self) -> bool:
        return self.root_ca is not None

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        """Call metadata: the bearer token, if any."""
        return (("authorization", f"Bearer {self.token}"),) if self.token else ()

    def channel(self, address: str, options: Sequence[tuple[str, object]] = ()) -> grpc.Channel:
        """A TLS channel trusting ``root_ca`` (presenting the client certificate, if any), or a plaintext one."""
        if self.root_ca is None:
            return grpc.insecure_channel(address, options=list(options))
        credentials = grpc.ssl_channel_credentials(self.root_ca, self.client_key, self.client_cert)
        return grpc.secure_channel(address, credentials, options=list(options))

    def __repr__(self) -> str:  # never the token
        return (f"Credentials(token={'set' if self.token else 'none'}, tls={self.tls}, "
                f"client_cert={'set' if self.client_cert else 'none'})")
