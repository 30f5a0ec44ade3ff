#!/usr/bin/env bash
# Generates the Python protobuf/gRPC stubs of proto/ into python-client/src/ (git-ignored).
#
# The proto package dirpg.env.v1 (file proto/dirpg/env/v1/environment.proto) becomes the Python package
# dirpg.env.v1 (python-client/src/dirpg/env/v1/environment_pb2{,_grpc}.py and .pyi), so the generated absolute
# imports ("from dirpg.env.v1 import environment_pb2") resolve inside the installed dirpg package. The hand-written
# library lives beside it (dirpg.envserver, dirpg.envclient, ...) and never uses the dirpg/env/ folder, which this
# script owns: it is wiped and regenerated every run so the stubs never drift from proto/.
#
# Usage: scripts/gen-python-stubs.sh [PYTHON]   (default: python-client/.venv/bin/python)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${1:-$root/python-client/.venv/bin/python}"
out="$root/python-client/src"
rm -rf "$out/dirpg/env"
mapfile -t protos < <(cd "$root/proto" && find dirpg -name '*.proto' | sort)
"$python" -m grpc_tools.protoc -I "$root/proto" \
    --python_out="$out" --grpc_python_out="$out" --pyi_out="$out" "${protos[@]}"
# Make every generated folder a regular package (so setuptools and type checkers see it).
find "$out/dirpg/env" -type d -exec sh -c 'touch "$1/__init__.py"' _ {} \;
echo "generated Python stubs for ${#protos[@]} proto file(s) into python-client/src/dirpg/env/"
