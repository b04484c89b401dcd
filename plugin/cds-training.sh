#!/bin/bash
# AppCDS training run for qat-device-plugin: starts the plugin on a small fake node in a temp
# folder, lets it scan, serve and try to register, plays kubelet against one of its sockets (the
# query subcommand: GetDevicePluginOptions, ListAndWatch, Allocate), scrapes its metrics, then
# stops it with SIGTERM. The JVM writes the classes it loaded to ARCHIVE as it exits
# (-XX:ArchiveClassesAtExit, a dynamic archive on top of the runtime's own CDS archive).
#
#   plugin/cds-training.sh JAVA JAR ARCHIVE [JVM-FLAG...]
#
# The archive is used with -XX:SharedArchiveFile=ARCHIVE, and only with this JAVA runtime and this
# JAR at this path with this size and mtime (the JVM checks them and otherwise warns and runs
# without it). plugin/Containerfile runs this at image build time; the plugin's StartupMemoryBench
# and AllocateBench run it for the local jar. No kubelet is needed: with kubelet.sock absent the
# plugin serves its sockets and retries the registration in the background. Every wait is bounded
# (under two minutes in all); exit code 0 only when the archive was written and maps.
set -euo pipefail

if [ "$#" -lt 3 ]; then
  echo "usage: $0 JAVA JAR ARCHIVE [JVM-FLAG...]" >&2
  exit 2
fi
java=$1
jar=$2
archive=$3
shift 3
rm -f "$archive" # so that a stale archive can't pass for a new one

work=$(mktemp -d "${TMPDIR:-/tmp}/qat-cds-training.XXXXXX")
plugin_pid=
cleanup() {
  if [ -n "$plugin_pid" ] && kill -0 "$plugin_pid" 2>/dev/null; then
    kill -KILL "$plugin_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "cds-training: $*" >&2
  if [ -f "$work/plugin.log" ]; then
    echo "cds-training: the plugin's log:" >&2
    sed 's/^/  /' "$work/plugin.log" >&2
  fi
  exit 1
}

# One Gen4 PF (4xxx, services sym;asym, so resource qat.intel.com/cy) with two VFs already on
# vfio-pci, laid out as Linux does: real folders under devices/, relative links elsewhere.
sys=$work/sys
pf=0000:6b:00.0
devices=$sys/devices/pci0000:6b
mkdir -p "$devices" "$sys/bus/pci/devices" "$sys/bus/pci/drivers/4xxx" \
  "$sys/bus/pci/drivers/vfio-pci" "$sys/kernel/iommu_groups" "$work/dev/vfio" "$work/kubelet" \
  "$sys/kernel/debug/qat_4xxx_$pf/heartbeat"
: >"$sys/bus/pci/drivers_probe"
: >"$work/dev/vfio/vfio"
echo 0 >"$sys/kernel/debug/qat_4xxx_$pf/heartbeat/status"

device() { # address device-id driver
  local dir=$devices/$1
  mkdir -p "$dir"
  printf '0x8086\n' >"$dir/vendor"
  printf '%s\n' "$2" >"$dir/device"
  printf '0x0b4000\n' >"$dir/class"
  printf '0\n' >"$dir/numa_node"
  printf '(null)\n' >"$dir/driver_override"
  ln -s "../../../bus/pci/drivers/$3" "$dir/driver"
  ln -s "../../../devices/pci0000:6b/$1" "$sys/bus/pci/devices/$1"
  ln -s "../../../../devices/pci0000:6b/$1" "$sys/bus/pci/drivers/$3/$1"
}

device "$pf" 0x4940 4xxx
mkdir -p "$devices/$pf/qat"
echo 16 >"$devices/$pf/sriov_totalvfs"
echo 2 >"$devices/$pf/sriov_numvfs"
echo up >"$devices/$pf/qat/state"
echo 'sym;asym' >"$devices/$pf/qat/cfg_services"
for i in 0 1; do
  vf=0000:6b:00.$((i + 1))
  group=$((40 + i))
  device "$vf" 0x4941 vfio-pci
  ln -s "../$pf" "$devices/$vf/physfn"
  ln -s "../$vf" "$devices/$pf/virtfn$i"
  mkdir -p "$sys/kernel/iommu_groups/$group/devices"
  ln -s "../../../kernel/iommu_groups/$group" "$devices/$vf/iommu_group"
  ln -s "../../../../devices/pci0000:6b/$vf" "$sys/kernel/iommu_groups/$group/devices/$vf"
  : >"$work/dev/vfio/$group"
done

# The plugin, as the DaemonSet runs it but on the fake node; metrics on an ephemeral local port.
"$java" "$@" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" \
  --sysfs-root="$sys" --debugfs-root="$sys/kernel/debug" --dev-root="$work/dev" \
  --kubelet-dir="$work/kubelet" --kernel-vf-drivers=4xxxvf,420xxvf \
  --allocation-policy=balanced --scan-period=1s \
  --metrics-address=127.0.0.1 --metrics-port=0 >"$work/plugin.log" 2>&1 &
plugin_pid=$!

socket=$work/kubelet/qat.intel.com-cy.sock
for _ in $(seq 300); do # up to 30 s: a cold JVM under emulation is slow
  [ -S "$socket" ] && break
  kill -0 "$plugin_pid" 2>/dev/null || fail "the plugin exited before serving $socket"
  sleep 0.1
done
[ -S "$socket" ] || fail "the plugin did not serve $socket within 30 s"

# Kubelet's side of the socket from another JVM (not archived): options, the device list, an
# Allocate. Then a metrics scrape over bash's /dev/tcp (the runtime image has no HTTP client).
timeout 60 "$java" -XX:TieredStopAtLevel=1 -jar "$jar" query --socket="$socket" \
  --allocate=0000:6b:00.1 --timeout=10s >"$work/query.out" 2>&1 \
  || fail "the query subcommand failed: $(cat "$work/query.out")"
grep -q '^devicespec /dev/vfio/40 ' "$work/query.out" \
  || fail "Allocate did not answer with /dev/vfio/40: $(cat "$work/query.out")"
port=$(sed -n 's|.*serving metrics on http://127.0.0.1:\([0-9]*\)/metrics.*|\1|p' "$work/plugin.log")
[ -n "$port" ] || fail "the plugin logged no metrics port"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
timeout 10 grep -q '^qat_devices' <&3 || fail "the metrics scrape returned no qat metrics"
exec 3<&-
sleep 1.5 # a periodic rescan

kill -TERM "$plugin_pid"
for _ in $(seq 300); do # up to 30 s to stop and write the archive
  kill -0 "$plugin_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$plugin_pid" 2>/dev/null && fail "the plugin did not stop within 30 s of SIGTERM"
status=0
wait "$plugin_pid" || status=$?
plugin_pid=
[ "$status" -eq 0 ] || fail "the plugin exited with $status after SIGTERM"
[ -s "$archive" ] || fail "the JVM wrote no archive at $archive"

# The archive must map on top of the runtime's own: -Xshare:on makes the JVM fail if it doesn't.
"$java" "$@" -Xshare:on -XX:SharedArchiveFile="$archive" -Xlog:class+load -jar "$jar" --version \
  >"$work/check.out" 2>&1 || fail "the JVM can't use $archive: $(grep -v '^\[' "$work/check.out")"
grep -q 'source: shared objects file (top)' "$work/check.out" \
  || fail "the JVM loaded no class from $archive"
echo "cds-training: wrote $archive ($(wc -c <"$archive") bytes)"
