#!/usr/bin/env bash
# Makes a throwaway certificate authority and certificates for TLS and mutual TLS (tests, the soak script, compose):
#   DIR/ca.crt, ca.key                   the CA (EC P-256, valid DAYS days)
#   DIR/server.crt, server.key           a server certificate for localhost, 127.0.0.1, ::1 and every name in DNS_NAMES
#   DIR/NAME.crt, NAME.key               a client certificate with subject CN=NAME for every NAME in CLIENTS
#   DIR/NAME.crt, NAME.key               a client certificate with subject SUBJECT for every NAME:SUBJECT in
#                                        SUBJECTS (the tests' certificate with two CNs, SUBJECTS="twocn:/CN=carol/CN=bob")
# Keys are unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), the form grpc-java and grpcio both read. Needs openssl.
#
# Usage: scripts/make-certs.sh DIR            (env: DNS_NAMES="trainer minigrid", CLIENTS="alice bob", DAYS=30)
set -euo pipefail
dir="${1:?usage: scripts/make-certs.sh DIR (env DNS_NAMES, CLIENTS, DAYS)}"
days="${DAYS:-30}"
clients="${CLIENTS-alice bob}"
command -v openssl >/dev/null || { echo "make-certs.sh: openssl is not installed; install it (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$dir"
cd "$dir"
umask 077
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key ca.key
openssl req -x509 -new -key ca.key -out ca.crt -days "$days" -subj "/CN=dirpg-test-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
sign() {  # sign NAME SUBJECT EXTENSIONS
    key "$1.key"
    openssl req -new -key "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    printf '%s\n' "$3" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days "$days" \
        -extfile "$1.ext" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
}
san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in ${DNS_NAMES:-}; do
    san="$san,DNS:$name"
done
sign server "/CN=localhost" "subjectAltName=$san
extendedKeyUsage=serverAuth
basicConstraints=CA:FALSE"
for name in $clients; do
    sign "$name" "/CN=$name" "extendedKeyUsage=clientAuth
basicConstraints=CA:FALSE"
done
for item in ${SUBJECTS:-}; do
    sign "${item%%:*}" "${item#*:}" "extendedKeyUsage=clientAuth
basicConstraints=CA:FALSE"
done
rm -f ca.srl
chmod 644 ./*.crt
echo "certificates in $(pwd): ca.crt server.crt/key${clients:+ and clients: $clients}"
