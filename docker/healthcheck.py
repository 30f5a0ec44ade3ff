"""Container healthcheck through the standard gRPC health service (no grpc_health_probe binary needed).

Usage: python healthcheck.py HOST:PORT [SERVICE] [--timeout SECONDS] [--ca-file PEM]
(--ca-file: the server serves TLS with a certificate from that CA; health needs no token.)
Exits 0 when the server answers SERVING for SERVICE (default "": the whole server), 1 otherwise, printing why.
Needs only grpcio and grpcio-health-checking.
"""

from __future__ import annotations

import argparse
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def check(address: str, service: str = "", timeout: float = 3.0, ca_file: str | None = None) -> tuple[bool, str]:
    """(serving?, a one-line reason)."""
    if ca_file:
        with open(ca_file, "rb") as f:
            channel = grpc.secure_channel(address, grpc.ssl_channel_credentials(f.read()))
    else:
        channel = grpc.insecure_channel(address)
    with channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        except grpc.RpcError as e:
            return False, f"{address}: health check failed: {e.code().name}: {e.details()}"
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
    return response.status == health_pb2.HealthCheckResponse.SERVING, f"{address} service '{service}': {status}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="gRPC health check for container healthchecks")
    p.add_argument("address", help="host:port")
    p.add_argument("service", nargs="?", default="", help="service name (default: the whole server)")
    p.add_argument("--timeout", type=float, default=3.0)
    p.add_argument("--ca-file", default=None, help="CA certificate: check over TLS")
    args = p.parse_args(argv)
    ok, reason = check(args.address, args.service, args.timeout, args.ca_file)
    print(reason, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
