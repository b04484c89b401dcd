#!/usr/bin/env bash
# Runs the device plugin against a real Linux kernel: a QEMU guest (TCG, no KVM needed) with two
# emulated SR-IOV NVMe controllers whose VFs stand in for QAT VFs, an emulated Intel IOMMU,
# vfio-pci and /dev/vfio. The guest runs e2e/real-kernel/scenarios.sh, which prints one `PASS <name>` or
# `FAIL <name>: <why>` line per scenario; this script exits 0 only if every scenario passed.
#
# Usage: bash e2e/real-kernel/run.sh      (as root on Debian 12; installs what it lacks via apt)
# Needs: plugin/target/qat-device-plugin.jar and the plugin's tests jar (mvn -pl plugin -am package).
# Environment:
#   QATVIRT_RK_BUILD    build folder (default: e2e/real-kernel/.cache): kernel, initramfs, logs
#   QATVIRT_RK_TIMEOUT  hard limit for the guest in seconds (default 240)
#   QATVIRT_RK_JAVA     java binary the guest runs (default: the host's java 17)
#   QATVIRT_RK_SCENARIOS  guest script to run instead of scenarios.sh (for debugging)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${QATVIRT_RK_BUILD:-$here/.cache}
timeout_s=${QATVIRT_RK_TIMEOUT:-240}
mkdir -p "$build"
build=$(cd "$build" && pwd)
log=$build/serial.log
scenarios=(unbound-vfs-bound-and-advertised nvme-bound-vfs-rebound hot-removal-and-return vfio-bound-vf-left-untouched sigterm-cleanup)

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

# --- 5. initramfs -----------------------------------------------------------------------------
initrd_dir=$build/initramfs
rm -rf "$initrd_dir"
mkdir -p "$initrd_dir"/{bin,dev,proc,sys,host,modules,etc}
cp /bin/busybox "$initrd_dir/bin/busybox"
cp "$here/guest-init.sh" "$initrd_dir/init"
cp "$here/guest-lib.sh" "$initrd_dir/"
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
done
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
qemu=(qemu-system-x86_64 -accel tcg
  -machine q35,kernel-irqchip=split -cpu max -m 2048 -smp 2
  -display none -monitor none -serial stdio -no-reboot
  -kernel "$vmlinuz" -initrd "$build/initrd.gz"
  -append "console=ttyS0 intel_iommu=on panic=-1 quiet loglevel=3 no_timer_check qatvirt.deadline=$(($(date +%s) + timeout_s))"
  -device intel-iommu,intremap=on,caching-mode=on
  -device nvme-subsys,id=subsys0,nqn=subsys0
  -device pcie-root-port,id=rp1,chassis=1
  -device nvme,id=nv0,serial=qatvirt0,bus=rp1,subsys=subsys0,$sriov
  -device nvme-subsys,id=subsys1,nqn=subsys1
  -device pcie-root-port,id=rp2,chassis=2
  -device nvme,id=nv1,serial=qatvirt1,bus=rp2,subsys=subsys1,$sriov
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap
  -virtfs local,path="$repo",mount_tag=repo,security_model=none,readonly=on,multidevs=remap
)
say "kernel $kver, ${#modules[@]} modules, guest java $java_bin"
say "booting the guest (TCG, hard limit ${timeout_s}s); serial log: $log"
t_boot=$(ms)
set +e
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null 2>"$build/qemu.err" | tee -a "$log"
rcs=("${PIPESTATUS[@]}")
set -e
t_end=$(ms)
qemu_rc=${rcs[0]}

# --- 7. Verdict -------------------------------------------------------------------------------
tr -d '\r' <"$log" >"$build/serial.txt"
guest_problem=""
if ((qemu_rc == 124 || qemu_rc == 137)); then
  guest_problem="QEMU did not finish within ${timeout_s}s and was killed"
elif ((qemu_rc != 0)); then
  guest_problem="QEMU exited with $qemu_rc: $(head -c 2000 "$build/qemu.err" | tr '\n' ' ')"
elif grep -q 'Kernel panic' "$build/serial.txt"; then
  guest_problem="the guest kernel panicked: $(grep -m1 'Kernel panic' "$build/serial.txt")"
elif ! grep -q '^QATVIRT-GUEST-DONE' "$build/serial.txt"; then
  guest_problem="the guest never reached the end of its scenarios"
elif grep -q '^FAIL guest:' "$build/serial.txt"; then
  guest_problem=$(grep -m1 '^FAIL guest:' "$build/serial.txt" | cut -d: -f2-)
fi
failed=0
if [[ -n $guest_problem ]]; then
  say "FAIL guest: $guest_problem (last lines of $log below)"
  tail -n 15 "$build/serial.txt" | sed 's/^/  serial| /' >&2
  failed=1
fi
for s in "${scenarios[@]}"; do
  if grep -q "^PASS $s\$" "$build/serial.txt" && ! grep -q "^FAIL $s:" "$build/serial.txt"; then
    echo "PASS $s"
  else
    why=$(grep -m1 "^FAIL $s:" "$build/serial.txt" | cut -d: -f2- || true)
    echo "FAIL $s:${why:- no result line from the guest${guest_problem:+ ($guest_problem)}}"
    failed=1
  fi
done
grep '^TIMING ' "$build/serial.txt" || true
echo "TIMING host-total-ms $((t_end - t_start)) (qemu $((t_end - t_boot)))"
say "log: $log"
exit $failed
