#!/usr/bin/env bash
# Writes the files an overlay's secretGenerator reads (deploy/k8s/overlays/example/kustomization.yaml) into DIR:
#   ca.crt, server.crt, server.key   a throwaway CA and a server certificate naming the Services dirpg-trainer and
#                                    dirpg-envserver (short, .NAMESPACE, .NAMESPACE.svc, .NAMESPACE.svc.cluster.local)
#                                    and 127.0.0.1 (the probes' address), via scripts/make-certs.sh
#   token_key                        the fleet's state-token key (32 random bytes, hex)
#   fleet_token                      the bearer token the trainer presents to the fleet
#   trainer_tokens                   "NAME TOKEN admin": who may call the trainer (NAME from $TRAINER_USER, default me)
# Existing files are kept, so rerunning never rotates a key by accident (delete a file to replace it). Use your own CA
# instead by putting ca.crt, server.crt and server.key there first. Needs openssl.
#
# Usage: deploy/k8s/make-secrets.sh DIR        (env: NAMESPACE=dirpg, TRAINER_USER=me, DAYS=365)
set -euo pipefail
dir="${1:?usage: deploy/k8s/make-secrets.sh DIR (env NAMESPACE, TRAINER_USER, DAYS)}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ns="${NAMESPACE:-dirpg}"
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/server.crt" ] || [ ! -f "$dir/server.key" ] || [ ! -f "$dir/ca.crt" ]; then
    names=""
    for service in dirpg-trainer dirpg-envserver; do
        names="$names $service $service.$ns $service.$ns.svc $service.$ns.svc.cluster.local"
    done
    DNS_NAMES="$names" CLIENTS= DAYS="${DAYS:-365}" bash "$root/scripts/make-certs.sh" "$dir" >/dev/null
    rm -f "$dir/ca.srl"
fi
[ -f "$dir/token_key" ] || openssl rand -hex 32 > "$dir/token_key"
[ -f "$dir/fleet_token" ] || openssl rand -hex 24 > "$dir/fleet_token"
[ -f "$dir/trainer_tokens" ] || echo "${TRAINER_USER:-me} $(openssl rand -hex 24) admin" > "$dir/trainer_tokens"
echo "secrets for namespace $ns in $dir: ca.crt server.crt server.key token_key fleet_token trainer_tokens"
