#!/usr/bin/env bash
# A training run of the webhook that writes an AppCDS archive (JDK 17's dynamic archive) of the
# classes its start-up and its first reviews load. The image runs it at build time with the image's
# own java and jar (the archive names both); the JVM then maps those classes instead of reading and
# verifying them at every start.
#
#   vm-webhook/cds-training.sh <java> <jar> <archive> [jvm flags...]
#
# Needs openssl and curl. Serves on 127.0.0.1 only, with a throw-away certificate, and without the
# API server (--check-permitted=false). Exits non-zero, saying why, when no archive was written.
set -euo pipefail
java_bin=$1 jar=$2 archive=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=${CDS_TRAINING_PORT:-18443}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
cat > "$work/review.json" <<'JSON'
{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"cds-training",
"kind":{"group":"kubevirt.io","version":"v1","kind":"VirtualMachineInstance"},"operation":"CREATE",
"namespace":"default","name":"training","object":{"apiVersion":"kubevirt.io/v1",
"kind":"VirtualMachineInstance","metadata":{"name":"training","namespace":"default",
"annotations":{"qat.intel.com/generic":"1"}},"spec":{"domain":{"devices":{}}}}}}
JSON
"$java_bin" "$@" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" \
  --bind-address=127.0.0.1 --port="$port" --check-permitted=false \
  --tls-cert-file="$work/tls.crt" --tls-key-file="$work/tls.key" > "$work/webhook.log" 2>&1 &
pid=$!
url=https://127.0.0.1:$port
ready=false
for _ in $(seq 300); do
  if curl -sfk "$url/readyz" > /dev/null; then ready=true; break; fi
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1
done
if ! $ready; then
  kill "$pid" 2> /dev/null || true
  echo "cds-training: tried to start the webhook, but it never became ready:" >&2
  cat "$work/webhook.log" >&2
  exit 1
fi
for _ in 1 2 3; do
  curl -sfk -H 'Content-Type: application/json' --data-binary @"$work/review.json" "$url/mutate" > /dev/null
done
curl -sfk "$url/metrics" > /dev/null
curl -sfk "$url/healthz" > /dev/null
kill -TERM "$pid"
wait "$pid" || true
if [[ ! -s $archive ]]; then
  echo "cds-training: tried to write $archive, but the JVM wrote none:" >&2
  cat "$work/webhook.log" >&2
  exit 1
fi
echo "cds-training: wrote $archive ($(stat -c %s "$archive") bytes)"
