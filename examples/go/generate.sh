#!/usr/bin/env bash
# Generates the Go code of proto/ into gen/ (module dirpg.org/gen/go, which go.mod replaces with ./gen) and builds
# the example into bin/dirpg-go-example. Needs only go and a protoc: $PROTOC, else protoc on PATH, else the protoc
# Maven downloaded for the Java build (~/.m2), else python-client/.venv's grpc_tools. protoc-gen-go and
# protoc-gen-go-grpc are built from the versions go.mod pins (its `tool` lines), so nothing is installed globally.
#
# Usage: examples/go/generate.sh        then: examples/go/bin/dirpg-go-example env -addr 127.0.0.1:50051
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
mkdir -p bin gen
go build -o bin/ google.golang.org/protobuf/cmd/protoc-gen-go google.golang.org/grpc/cmd/protoc-gen-go-grpc

protoc=() include=()
if [ -n "${PROTOC:-}" ]; then
    protoc=("$PROTOC")
elif command -v protoc >/dev/null; then
    protoc=(protoc)
else
    m2="$HOME/.m2/repository/com/google/protobuf"
    exe="$(ls "$m2"/protoc/*/protoc-*-linux-x86_64.exe 2>/dev/null | sort -V | tail -1 || true)"
    jar="$(ls "$m2"/protobuf-java/*/protobuf-java-*.jar 2>/dev/null | grep -v sources | sort -V | tail -1 || true)"
    if [ -n "$exe" ] && [ -n "$jar" ] && command -v unzip >/dev/null; then
        # The Maven protoc carries no well-known types (struct.proto): take them from protobuf-java.
        cp "$exe" bin/protoc && chmod +x bin/protoc
        unzip -q -o "$jar" 'google/protobuf/*.proto' -d bin/include
        protoc=(bin/protoc) include=(-Ibin/include)
    elif [ -x "$root/python-client/.venv/bin/python" ]; then
        protoc=("$root/python-client/.venv/bin/python" -m grpc_tools.protoc)
    else
        echo "generate.sh: no protoc: set PROTOC, install protoc, or run mvn/scripts/setup-python.sh first" >&2
        exit 1
    fi
fi
rm -rf gen && mkdir gen
"${protoc[@]}" -I"$root/proto" "${include[@]}" \
    --plugin=protoc-gen-go="$here/bin/protoc-gen-go" --plugin=protoc-gen-go-grpc="$here/bin/protoc-gen-go-grpc" \
    --go_out=gen --go_opt=module=dirpg.org/gen/go --go-grpc_out=gen --go-grpc_opt=module=dirpg.org/gen/go \
    dirpg/env/v1/environment.proto dirpg/train/v1/trainer.proto
# The generated packages' own module; its requirements are the example's (go.sum covers both).
cat > gen/go.mod <<MOD
module dirpg.org/gen/go

go 1.26

require (
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)
MOD
go build -o bin/dirpg-go-example .
echo "built $here/bin/dirpg-go-example"
