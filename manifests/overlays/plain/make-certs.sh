#!/usr/bin/env bash
# Makes the webhook's CA and serving certificate with openssl, for overlays/plain:
#   certs/ca.key, certs/ca.crt      a new CA (EC P-256, 10 years); keep ca.key private
#   certs/tls.key, certs/tls.crt    the serving certificate (825 days), SAN = the Service's names
#   ca-bundle.yaml                  the JSON patch putting the CA into the webhook configuration
# Usage: make-certs.sh [--force] [--namespace NS] [--service NAME] [--cluster-domain DOMAIN]
# Without --force it leaves existing certificates alone. Needs openssl (1.1.1 or 3.x) and base64.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
namespace=qatvirt
service=qat-vm-webhook
domain=cluster.local
force=false

while (($#)); do
  case "$1" in
    --force) force=true ;;
    --namespace) namespace="${2:?--namespace needs a value}"; shift ;;
    --service) service="${2:?--service needs a value}"; shift ;;
    --cluster-domain) domain="${2:?--cluster-domain needs a value}"; shift ;;
    -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "make-certs.sh: tried to read the arguments, but '$1' is not one of them (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# DNS labels only: these strings go into certificate names and file contents.
label='^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
for value in "$namespace" "$service"; do
  [[ "$value" =~ $label ]] || { echo "make-certs.sh: tried to use '$value' as a DNS label, but it is not one" >&2; exit 2; }
done
[[ "$domain" =~ ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$ ]] || { echo "make-certs.sh: tried to use '$domain' as the cluster domain, but it is not a DNS name" >&2; exit 2; }
command -v openssl >/dev/null || { echo "make-certs.sh: tried to run openssl, but it is not installed" >&2; exit 1; }

certs="$here/certs"
if [[ -f "$certs/tls.crt" && -f "$here/ca-bundle.yaml" && "$force" != true ]]; then
  echo "make-certs.sh: $certs/tls.crt already exists; leaving it (use --force to make new ones)"
  exit 0
fi
mkdir -p "$certs"
chmod 700 "$certs"
umask 077

openssl ecparam -name prime256v1 -genkey -noout -out "$certs/ca.key"
openssl req -x509 -new -sha256 -key "$certs/ca.key" -days 3650 \
  -subj "/CN=qatvirt-webhook-ca" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$certs/ca.crt"

openssl ecparam -name prime256v1 -genkey -noout -out "$certs/tls.key.ec"
# PKCS#8, the form every TLS stack reads
openssl pkcs8 -topk8 -nocrypt -in "$certs/tls.key.ec" -out "$certs/tls.key"
rm -f "$certs/tls.key.ec"

ext="$(mktemp)"
trap 'rm -f "$ext"' EXIT
cat >"$ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:${service}.${namespace}.svc,DNS:${service}.${namespace}.svc.${domain},DNS:${service}.${namespace},DNS:${service}
EXT
openssl req -new -sha256 -key "$certs/tls.key" -subj "/CN=${service}.${namespace}.svc" |
  openssl x509 -req 2>/dev/null -sha256 -days 825 -CA "$certs/ca.crt" -CAkey "$certs/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$ext" -out "$certs/tls.crt" ||
    { echo "make-certs.sh: tried to sign the serving certificate with openssl, but it failed" >&2; exit 1; }
openssl verify -CAfile "$certs/ca.crt" "$certs/tls.crt" >/dev/null

bundle="$(base64 -w0 <"$certs/ca.crt")"
umask 022
cat >"$here/ca-bundle.yaml" <<YAML
# Made by make-certs.sh: the CA that signed the webhook's serving certificate.
- op: add
  path: /webhooks/0/clientConfig/caBundle
  value: ${bundle}
- op: add
  path: /webhooks/1/clientConfig/caBundle
  value: ${bundle}
YAML
echo "make-certs.sh: wrote $certs/{ca.crt,ca.key,tls.crt,tls.key} and $here/ca-bundle.yaml for ${service}.${namespace}.svc"
