#!/usr/bin/env bash
# Runs the device plugin against a real Linux kernel: a QEMU guest (TCG, no KVM needed) with two
# emulated SR-IOV NVMe controllers whose VFs stand in for QAT VFs, an emulated Intel IOMMU,
# vfio-pci and /dev/vfio. The guest runs e2e/real-kernel/scenarios.sh, which prints one `PASS <name>` or
# `FAIL <name>: <why>` line per scenario; this script exits 0 only if every scenario passed.
# Then, for each Gen4 sample VM, the same kernel boots again the way a KubeVirt guest is booted
# (no IOMMU) and runs the sample's own guest set-up (guest-setup.sh): its modprobe.d, modules-load.d
# and sysctl.d files and its modprobe/sysctl runcmd lines, read from samples/vmi/ here.
#
# Usage: bash e2e/real-kernel/run.sh      (as root on Debian 12; installs what it lacks via apt)
# Needs: plugin/target/qat-device-plugin.jar and the plugin's tests jar (mvn -pl plugin -am package).
# Environment:
#   QATVIRT_RK_BUILD    build folder (default: e2e/real-kernel/.cache): kernel, initramfs, logs
#   QATVIRT_RK_TIMEOUT  hard limit for the guest in seconds (default 240)
#   QATVIRT_RK_SAMPLE_TIMEOUT  the same for each sample's guest (default 90)
#   QATVIRT_RK_JAVA     java binary the guest runs (default: the host's java 17)
#   QATVIRT_RK_SCENARIOS  guest script to run instead of scenarios.sh (for debugging)
#   QATVIRT_RK_SAMPLES  the samples whose guest set-up runs (default: both Gen4 samples; "" for none)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${QATVIRT_RK_BUILD:-$here/.cache}
timeout_s=${QATVIRT_RK_TIMEOUT:-240}
sample_timeout_s=${QATVIRT_RK_SAMPLE_TIMEOUT:-90}
mkdir -p "$build"
build=$(cd "$build" && pwd)
log=$build/serial.log
scenarios=(unbound-vfs-bound-and-advertised nvme-bound-vfs-rebound hot-removal-and-return vfio-bound-vf-left-untouched sigterm-cleanup)
read -ra samples <<<"${QATVIRT_RK_SAMPLES-gen4-cy-dc-vm gen4-ipsec-vpp-vm}"

say() { printf 'real-kernel: %s\n' "$*" >&2; }
die() {
  say "ERROR: $*"
  say "log: $log"
  exit 2
}
ms() { date +%s%3N; }
t_start=$(ms)
: >"$log"

# --- 1. Packages -------------------------------------------------------------------------------
install_missing() {
  local need=()
  command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
  dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
  command -v cpio >/dev/null 2>&1 || need+=(cpio)
  command -v depmod >/dev/null 2>&1 || need+=(kmod)
  [[ -x /usr/sbin/nvme ]] || need+=(nvme-cli) # the guest puts an NVMe VF's controller online
  ((${#need[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "tried to install ${need[*]}, but this is not root: install them with apt-get"
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >>"$build/apt.log" 2>&1 ||
    { apt-get update >>"$build/apt.log" 2>&1 &&
      apt-get install -y --no-install-recommends "${need[@]}" >>"$build/apt.log" 2>&1; } ||
    die "tried to install ${need[*]} from Debian's archive, but apt-get failed (see $build/apt.log)"
}
install_missing

# --- 2. The kernel: Debian's own, downloaded once ---------------------------------------------
kernel_package() {
  apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}
pkg=$(kernel_package)
if [[ -z $pkg ]]; then
  apt-get update >>"$build/apt.log" 2>&1 || true
  pkg=$(kernel_package)
fi
if [[ -z $pkg ]]; then
  # No apt metadata: fall back to whatever kernel was cached before.
  pkg=$(ls "$build"/linux-image-*.deb 2>/dev/null | sed -n 's#.*/\(linux-image-[^_]*\)_.*#\1#p' | tail -1)
fi
[[ -n $pkg ]] || die "tried to find the kernel package linux-image-amd64 depends on, but apt-cache knows none (apt-get update failed?)"
kver=${pkg#linux-image-}
deb=$(ls "$build/${pkg}"_*.deb 2>/dev/null | tail -1 || true)
if [[ -z $deb ]]; then
  say "downloading $pkg"
  rm -rf "$build"/linux-image-*.deb "$build"/kernel-* # an older kernel's package and modules
  (cd "$build" && apt-get download -o APT::Sandbox::User=root "$pkg" >>"$build/apt.log" 2>&1) ||
    die "tried to download the kernel package $pkg with apt-get download, but it failed (see $build/apt.log)"
  deb=$(ls "$build/${pkg}"_*.deb | tail -1)
fi
kroot=$build/kernel-$kver
if [[ ! -f $kroot/.extracted ]]; then
  rm -rf "$kroot"
  dpkg -x "$deb" "$kroot" || die "tried to unpack $deb, but dpkg -x failed"
  depmod -b "$kroot" "$kver" || die "tried to run depmod on $kroot, but it failed"
  touch "$kroot/.extracted"
fi
vmlinuz=$kroot/boot/vmlinuz-$kver
[[ -f $vmlinuz ]] || die "tried to find $vmlinuz in $deb, but it is not there"
moddir=$kroot/lib/modules/$kver

# --- 3. Modules in load order, from modules.dep ----------------------------------------------
# modules.dep lists every module's dependencies, transitively, so that loading them from the
# last to the first works (what modprobe does); insmod does not resolve anything itself.
# virtio/9p: the host's files; nvme: the PFs' driver (and the "other driver" of a VF);
# vfio/vfio-pci: what the plugin binds VFs to.
wanted=(virtio_pci 9pnet_virtio 9p nvme vfio_iommu_type1 vfio-pci)
load_order() {
  local m path line deps d
  declare -A seen=()
  for m in "$@"; do
    line=$(grep -E "/${m//[-_]/[-_]}\\.ko(\\.[a-z]+)?:" "$moddir/modules.dep" || true)
    if [[ -z $line ]]; then
      grep -qE "/${m//[-_]/[-_]}\\.ko" "$moddir/modules.builtin" && continue
      die "tried to find module $m in $moddir/modules.dep, but the kernel $kver has no such module"
    fi
    path=${line%%:*}
    read -ra deps <<<"${line#*:}"
    for ((d = ${#deps[@]} - 1; d >= 0; d--)); do
      [[ -n ${seen[${deps[d]}]:-} ]] || { seen[${deps[d]}]=1; echo "${deps[d]}"; }
    done
    [[ -n ${seen[$path]:-} ]] || { seen[$path]=1; echo "$path"; }
  done
}
order=$(load_order "${wanted[@]}") # a die inside ends this subshell, and set -e the script
mapfile -t modules <<<"$order"
# The sample guests' boot loads only what a distribution's initramfs and udev would (the host's
# files, the PF's driver); vfio and vfio-pci come from the sample's own `modprobe vfio-pci`.
order=$(load_order virtio_pci 9pnet_virtio 9p nvme)
mapfile -t modules_noiommu <<<"$order"

# --- 4. What the guest runs -------------------------------------------------------------------
java_bin=${QATVIRT_RK_JAVA:-}
if [[ -z $java_bin ]]; then
  for c in /usr/lib/jvm/java-17-openjdk-amd64/bin/java "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java || true)"; do
    [[ -x $c ]] && { java_bin=$(readlink -f "$c"); break; }
  done
fi
[[ -x $java_bin ]] || die "tried to find a java binary for the guest, but found none (set QATVIRT_RK_JAVA)"
[[ $java_bin != /tmp/* ]] || die "tried to use $java_bin in the guest, but the guest's /tmp is its own: use a JDK outside /tmp"
jar=$repo/plugin/target/qat-device-plugin.jar
tests_jar=$(ls "$repo"/plugin/target/qat-device-plugin-*-tests.jar 2>/dev/null | head -1 || true)
[[ -f $jar && -f $tests_jar ]] ||
  die "tried to find $jar and the plugin's tests jar, but they are not built: run mvn -B -pl plugin -am package -DskipTests"
# JVM flags of every JVM in the guest (and of the class-data dumps below, which must match).
jvm_flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xss512k -Xmx192m"

# --- 4b. Class-data sharing archives ----------------------------------------------------------
# Under emulation a JVM spends most of its start loading and verifying classes. A dynamic CDS
# archive, dumped here on the host from the same jars at the same paths (the guest mounts the
# repository where the host has it), roughly halves that. Dumped by a short run of the kubelet
# stand-in and the plugin against a one-VF sysfs tree laid out like the kernel's (see
# qat-sysfs.md); cached until the jars or the JDK change.
cds=$build/cds
cds_key="$(cksum <"$here/run.sh") $(cksum <"$jar") $(cksum <"$tests_jar") $java_bin $("$java_bin" -version 2>&1 | head -1) $jvm_flags"
dump_cds() {
  rm -rf "$cds"
  mkdir -p "$cds"/{kubelet,dev/vfio} "$cds"/sys/{bus/pci/drivers/vfio-pci,kernel/iommu_groups/42/devices}
  local vf=0000:3d:01.1 dev=$cds/sys/devices/pci0000:3d/0000:3d:01.1
  mkdir -p "$dev" "$cds/sys/bus/pci/devices"
  printf '0x1b36\n' >"$dev/vendor"
  printf '0x0010\n' >"$dev/device"
  printf '0x010802\n' >"$dev/class"
  printf '0\n' >"$dev/numa_node"
  printf 'vfio-pci\n' >"$dev/driver_override"
  printf 'DRIVER=vfio-pci\nPCI_ID=1B36:0010\nPCI_SLOT_NAME=%s\n' "$vf" >"$dev/uevent"
  ln -s "../../../bus/pci/drivers/vfio-pci" "$dev/driver"
  ln -s "../../../kernel/iommu_groups/42" "$dev/iommu_group"
  ln -s "../../../devices/pci0000:3d/$vf" "$cds/sys/bus/pci/devices/$vf"
  ln -s "../../../../devices/pci0000:3d/$vf" "$cds/sys/kernel/iommu_groups/42/devices/$vf"
  ln -s "../../../../devices/pci0000:3d/$vf" "$cds/sys/bus/pci/drivers/vfio-pci/$vf"
  : >"$cds/dev/vfio/42"
  : >"$cds/dev/vfio/vfio"
  mkfifo "$cds/kubelet.cmd"
  # shellcheck disable=SC2086
  "$java_bin" $jvm_flags -Xlog:disable -XX:ArchiveClassesAtExit="$cds/kubelet.jsa" -cp "$tests_jar:$jar" \
    io.qatvirt.plugin.realkernel.GuestKubelet "$cds/kubelet" <"$cds/kubelet.cmd" >"$cds/kubelet.log" 2>&1 &
  local kubelet=$! plugin i
  exec 7>"$cds/kubelet.cmd"
  for ((i = 0; i < 600; i++)); do grep -q '^listening' "$cds/kubelet.log" && break; sleep 0.1; done
  # shellcheck disable=SC2086
  "$java_bin" $jvm_flags -Xlog:disable -XX:ArchiveClassesAtExit="$cds/plugin.jsa" -jar "$jar" --no-bind \
    --extra-vf-ids 1b36:0010 \
    --sysfs-root "$cds/sys" --dev-root "$cds/dev" --kubelet-dir "$cds/kubelet" >"$cds/plugin.log" 2>&1 &
  plugin=$!
  for ((i = 0; i < 600; i++)); do grep -q '^update' "$cds/kubelet.log" && break; sleep 0.1; done
  echo "allocate qat.intel.com-generic.sock $vf" >&7
  for ((i = 0; i < 300; i++)); do grep -qE '^allocate(d|-failed)' "$cds/kubelet.log" && break; sleep 0.1; done
  kill -TERM "$plugin" 2>/dev/null || true
  wait "$plugin" || true
  exec 7>&-
  wait "$kubelet" || true
  grep -q '^allocated' "$cds/kubelet.log" ||
    say "note: the class-data dump run did not get as far as Allocate (see $cds/*.log); the archives cover less"
  echo "$cds_key" >"$cds/key"
}
if [[ ! -f $cds/key || $(cat "$cds/key") != "$cds_key" ]]; then
  say "dumping class-data sharing archives for the guest's JVMs"
  dump_cds
fi

# --- 4c. The samples' guest set-up, read from their cloud-init ------------------------------
# Each sample's user data is a YAML block inside the VM's YAML; these read the shapes the samples
# use (a `- path:` entry with a literal `content: |` block; runcmd items, plain or double-quoted)
# and fail on anything else. RealKernelIT checks what the guest reports against exact values.
sample_file_paths() { # <sample.yaml>: write_files paths under /etc/{modprobe,modules-load,sysctl}.d
  sed -n 's#^ *- path: \(/etc/\(modprobe\|modules-load\|sysctl\)\.d/[^ ]*\) *$#\1#p' "$1"
}
sample_file_content() { # <sample.yaml> <path>: the content of that write_files entry
  awk -v want="$2" '
    function indent(s) { match(s, /^ */); return RLENGTH }
    state == 0 && /^ *- path: / {
      p = $0; sub(/^ *- path: */, "", p); sub(/ *$/, "", p)
      if (p == want) { state = 1; key = indent($0) + 2 }
      next
    }
    state == 1 && !/^ *$/ {
      if (indent($0) < key) exit
      if (indent($0) == key && $0 ~ /^ *content: *\| *$/) state = 2
      next
    }
    state == 2 {
      if ($0 ~ /^ *$/) { blanks = blanks "\n"; next }
      if (indent($0) <= key) { state = 3; exit }
      if (!body) body = indent($0)
      printf "%s%s\n", blanks, substr($0, body + 1); blanks = ""; found = 1
    }
    END { exit(found ? 0 : 3) }' "$1"
}
sample_runcmd() { # <sample.yaml>: the runcmd items, one a line, quotes removed
  awk '
    function indent(s) { match(s, /^ */); return RLENGTH }
    /^ *runcmd: *$/ { at = indent($0); on = 1; next }
    on && !/^ *$/ {
      if (indent($0) < at || (indent($0) == at && $0 !~ /^ *- /)) { on = 0; next }
      if (indent($0) == at) { item = $0; sub(/^ *- */, "", item); if (item ~ /^".*"$/) item = substr(item, 2, length(item) - 2); print item }
    }' "$1"
}
# Lays out <dir>/<sample>/files/<path> (the files the guest writes), runcmd (its modprobe and
# sysctl lines) and nr_hugepages (what its sysctl.d files ask for); a sample that cannot be read
# gets <dir>/<sample>/problem instead, which the guest reports as its FAIL line.
stage_sample() { # <sample name> <dir>
  local yaml=$repo/samples/vmi/$1.yaml out=$2/$1 p paths=() count
  mkdir -p "$out/files"
  [[ -f $yaml ]] || { echo "tried to read $yaml, but it does not exist" >"$out/problem"; return; }
  mapfile -t paths < <(sample_file_paths "$yaml")
  ((${#paths[@]})) || { echo "tried to find write_files under /etc/modprobe.d, /etc/modules-load.d or /etc/sysctl.d in $yaml, but it has none" >"$out/problem"; return; }
  for p in "${paths[@]}"; do
    mkdir -p "$out/files${p%/*}"
    sample_file_content "$yaml" "$p" >"$out/files$p" ||
      { echo "tried to read the content of $p in $yaml, but it is not a literal block (content: |)" >"$out/problem"; return; }
  done
  sample_runcmd "$yaml" | grep -E '^(modprobe|sysctl)( |$)' >"$out/runcmd" ||
    { echo "tried to find modprobe or sysctl lines in the runcmd of $yaml, but it has none" >"$out/problem"; return; }
  count=$(cat "$out"/files/etc/sysctl.d/* 2>/dev/null | sed -n 's/^[[:space:]]*vm\.nr_hugepages[[:space:]]*=[[:space:]]*\([0-9][0-9]*\)[[:space:]]*$/\1/p' | tail -1)
  [[ -n $count ]] || { echo "tried to find vm.nr_hugepages in the sysctl.d files of $yaml, but none sets it" >"$out/problem"; return; }
  echo "$count" >"$out/nr_hugepages"
}
# Whether the kernel was built with vfio's no-IOMMU mode (the samples' enable_unsafe_noiommu_mode).
noiommu_config=$(sed -n 's/^CONFIG_VFIO_NOIOMMU=\(.*\)/\1/p' "$kroot/boot/config-$kver" 2>/dev/null)
noiommu_config=${noiommu_config:-n}

# --- 5. initramfs -----------------------------------------------------------------------------
initrd_dir=$build/initramfs
rm -rf "$initrd_dir"
mkdir -p "$initrd_dir"/{bin,dev,proc,sys,host,modules,etc,samples}
cp /bin/busybox "$initrd_dir/bin/busybox"
cp "$here/guest-init.sh" "$initrd_dir/init"
cp "$here/guest-lib.sh" "$here/guest-setup.sh" "$initrd_dir/"
cp "${QATVIRT_RK_SCENARIOS:-$here/scenarios.sh}" "$initrd_dir/scenarios.sh"
chmod +x "$initrd_dir/init" "$initrd_dir/scenarios.sh"
: >"$initrd_dir/modules/order"
for m in "${modules[@]}"; do
  src=$moddir/$m
  [[ -f $src ]] || die "tried to copy module $src into the initramfs, but it is missing"
  base=$(basename "$m")
  case $base in
    *.ko.xz) xz -dc "$src" >"$initrd_dir/modules/${base%.xz}"; base=${base%.xz} ;;
    *.ko.zst) zstd -qdc "$src" >"$initrd_dir/modules/${base%.zst}"; base=${base%.zst} ;;
    *) cp "$src" "$initrd_dir/modules/$base" ;;
  esac
  echo "$base" >>"$initrd_dir/modules/order"
  # The same modules where modprobe looks for them, for the sample guests' `modprobe vfio-pci`.
  mkdir -p "$initrd_dir/lib/modules/$kver/$(dirname "$m")"
  cp "$initrd_dir/modules/$base" "$initrd_dir/lib/modules/$kver/$(dirname "$m")/"
done
for m in "${modules_noiommu[@]}"; do
  base=$(basename "$m")
  echo "${base%.ko*}.ko" >>"$initrd_dir/modules/order-noiommu"
done
cp "$moddir"/modules.{order,builtin,builtin.modinfo} "$initrd_dir/lib/modules/$kver/" 2>/dev/null || true
depmod -b "$initrd_dir" "$kver" || die "tried to run depmod on the initramfs's modules, but it failed"
for s in "${samples[@]}"; do stage_sample "$s" "$initrd_dir/samples"; done
# The guest reads its settings from here (paths as seen inside the chroot into the host's /).
mkdir -p "$initrd_dir/cds"
cp "$cds"/*.jsa "$initrd_dir/cds/" 2>/dev/null || say "note: no class-data archives; the guest's JVMs start slower"
cat >"$initrd_dir/etc/qatvirt.env" <<EOF
JAVA='$java_bin'
JVM_FLAGS='$jvm_flags'
REPO='$repo'
JAR='$jar'
TESTS_JAR='$tests_jar'
KVER='$kver'
NOIOMMU_CONFIG='$noiommu_config'
EOF
(cd "$initrd_dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$build/initrd.gz" ||
  die "tried to pack the initramfs with cpio, but it failed"

# --- 6. Boot ----------------------------------------------------------------------------------
# q35 with an emulated Intel IOMMU (one IOMMU group per VF) and two NVMe controllers with
# SR-IOV, 0000:01:00.0 and 0000:02:00.0, two VFs each (vendor 1b36 device 0010, the VFs too).
# QEMU wants an NVMe subsystem per controller, sriov_vq_flexible >= 2 * sriov_max_vfs and
# max_ioqpairs - sriov_vq_flexible >= 2. The host's / and the repository are shared read-only.
# no_timer_check: on a busy host the emulated CPU can miss the kernel's boot-time check of the
# timer through the interrupt-remapped IO-APIC, and the kernel panics ("timer doesn't work").
# qatvirt.deadline: when the host kills QEMU (epoch s); the guest powers off before.
sriov=sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=4,max_ioqpairs=8,msix_qsize=8
common=(qemu-system-x86_64 -accel tcg -cpu max -smp 2
  -display none -monitor none -serial stdio -no-reboot
  -kernel "$vmlinuz" -initrd "$build/initrd.gz"
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap
  -virtfs local,path="$repo",mount_tag=repo,security_model=none,readonly=on,multidevs=remap
)
append="console=ttyS0 panic=-1 quiet loglevel=3 no_timer_check"
say "kernel $kver, ${#modules[@]} modules, guest java $java_bin"

# Boots one guest; its console goes to <log> (and to this script's output). Sets boot_problem to
# why the guest did not finish, or to "".
boot_problem=""
boot() { # <hard limit s> <log> <qemu arguments after the common ones>...
  local limit=$1 glog=$2 rc
  shift 2
  : >"$glog"
  set +e
  timeout --kill-after=10 "$limit" "${common[@]}" "$@" </dev/null 2>"$build/qemu.err" | tee -a "$glog"
  rc=${PIPESTATUS[0]}
  set -e
  tr -d '\r' <"$glog" >"${glog%.log}.txt"
  glog=${glog%.log}.txt
  boot_problem=""
  if ((rc == 124 || rc == 137)); then
    boot_problem="QEMU did not finish within ${limit}s and was killed"
  elif ((rc != 0)); then
    boot_problem="QEMU exited with $rc: $(head -c 2000 "$build/qemu.err" | tr '\n' ' ')"
  elif grep -q 'Kernel panic' "$glog"; then
    boot_problem="the guest kernel panicked: $(grep -m1 'Kernel panic' "$glog")"
  elif ! grep -q '^QATVIRT-GUEST-DONE' "$glog"; then
    boot_problem="the guest never reached the end of its scenarios"
  elif grep -q '^FAIL guest:' "$glog"; then
    boot_problem=$(grep -m1 '^FAIL guest:' "$glog" | cut -d: -f2-)
  fi
  if [[ -n $boot_problem ]]; then
    say "FAIL guest: $boot_problem (last lines of ${glog%.txt}.log below)"
    tail -n 15 "$glog" | sed 's/^/  serial| /' >&2
  fi
  return 0
}
# A scenario's verdict from a guest's console: its PASS line, or its FAIL line, or why it has none.
verdict() { # <console text> <scenario> <boot problem>
  if grep -q "^PASS $2\$" "$1" && ! grep -q "^FAIL $2:" "$1"; then
    echo "PASS $2"
  else
    why=$(grep -m1 "^FAIL $2:" "$1" | cut -d: -f2- || true)
    echo "FAIL $2:${why:- no result line from the guest${3:+ ($3)}}"
    failed=1
  fi
}
declare -A sample_problems=()
failed=0

say "booting the guest (TCG, hard limit ${timeout_s}s); serial log: $log"
t_boot=$(ms)
boot "$timeout_s" "$log" -machine q35,kernel-irqchip=split -m 2048 \
  -append "$append intel_iommu=on qatvirt.deadline=$(($(date +%s) + timeout_s))" \
  -device intel-iommu,intremap=on,caching-mode=on \
  -device nvme-subsys,id=subsys0,nqn=subsys0 \
  -device pcie-root-port,id=rp1,chassis=1 \
  -device nvme,id=nv0,serial=qatvirt0,bus=rp1,subsys=subsys0,$sriov \
  -device nvme-subsys,id=subsys1,nqn=subsys1 \
  -device pcie-root-port,id=rp2,chassis=2 \
  -device nvme,id=nv1,serial=qatvirt1,bus=rp2,subsys=subsys1,$sriov
t_end=$(ms)
[[ -z $boot_problem ]] || failed=1
main_problem=$boot_problem

# --- 7. The samples' guest set-up, each in a guest booted as KubeVirt boots one ---------------
# No IOMMU (no intel-iommu device: KubeVirt gives its guests none), one SR-IOV NVMe PF whose VF
# stands in for the QAT VF. Memory: the sample's hugepages (2 MiB each) plus 1 GiB for the rest.
t_samples=$(ms)
for s in "${samples[@]}"; do
  slog=$build/serial-$s.log
  pages=$(cat "$initrd_dir/samples/$s/nr_hugepages" 2>/dev/null || echo 0)
  mem=$((pages * 2 + 1024))
  say "booting the $s guest (no IOMMU, ${mem} MiB, hard limit ${sample_timeout_s}s); serial log: $slog"
  boot "$sample_timeout_s" "$slog" -machine q35 -m "$mem" \
    -append "$append qatvirt.modules=order-noiommu qatvirt.script=guest-setup.sh qatvirt.sample=$s qatvirt.deadline=$(($(date +%s) + sample_timeout_s))" \
    -device nvme-subsys,id=subsys0,nqn=subsys0 \
    -device pcie-root-port,id=rp1,chassis=1 \
    -device nvme,id=nv0,serial=qatvirt0,bus=rp1,subsys=subsys0,$sriov
  [[ -z $boot_problem ]] || failed=1
  sample_problems[$s]=$boot_problem
done
t_samples_end=$(ms)

# --- 8. Verdict -------------------------------------------------------------------------------
for s in "${scenarios[@]}"; do verdict "$build/serial.txt" "$s" "$main_problem"; done
for s in "${samples[@]}"; do
  verdict "$build/serial-$s.txt" "guest-setup-$s" "${sample_problems[$s]}"
  grep '^VALUE ' "$build/serial-$s.txt" || true
done
grep -h '^TIMING ' "$build/serial.txt" || true
echo "TIMING host-total-ms $(($(ms) - t_start)) (qemu $((t_end - t_boot)), sample guests $((t_samples_end - t_samples)))"
say "log: $log${samples[*]:+ and $build/serial-<sample>.log}"
exit $failed
