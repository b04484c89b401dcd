#!/bin/sh
# A Gen4 sample VM's guest set-up, on the real kernel booted the way KubeVirt boots a guest: no
# IOMMU. run.sh read the steps from the sample's cloud-init (samples/vmi/<sample>.yaml) into
# /samples/<sample>/: the write_files under /etc/modprobe.d, /etc/modules-load.d and /etc/sysctl.d,
# and runcmd's modprobe and sysctl lines. This guest writes those files to its own root and runs
# those lines with the host's kmod and procps (the tools a distribution has), then binds the NVMe
# VF to vfio-pci the way qatlib's qat service and VPP's dpdk plugin bind a QAT VF
# (driver_override, then drivers_probe).
# Prints `VALUE <scenario> <key> <value>` lines (RealKernelIT compares them with exact values) and
# one PASS or FAIL line. What the kernel answers depends on whether it was built with vfio's
# no-IOMMU mode (CONFIG_VFIO_NOIOMMU, from its config file): each answer is checked exactly.
. /etc/qatvirt.env
. /guest-lib.sh

SAMPLE=$(sed -n 's/.*qatvirt\.sample=\([^ ]*\).*/\1/p' /proc/cmdline)
NAME=guest-setup-$SAMPLE
D=/samples/$SAMPLE
PF=0000:01:00.0 VF=0000:01:00.1
value() { echo "VALUE $NAME $1 $2"; }
# A file's lines joined by "\n", to fit one VALUE line.
one_line() { awk 'NR > 1 {printf "\\n"} {printf "%s", $0}' "$1"; }

if [ -f "$D/problem" ]; then
  echo "FAIL $NAME: $(cat "$D/problem")"
  exit 1
fi

# modprobe and sysctl are the host's (kmod, procps), run through the host's dynamic loader on this
# guest's own root, so that they read its /etc and /lib/modules and not the host's. runcmd's lines
# run in the host's dash: busybox's sh runs its own modprobe and sysctl applets whatever PATH says.
host_tool() { # <name> <binary in the host's />
  printf '#!/bin/sh\nexec /host/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /host/lib/x86_64-linux-gnu --argv0 %s /host%s "$@"\n' \
    "$1" "$2" >"/usr/sbin/$1"
  chmod +x "/usr/sbin/$1"
}
mkdir -p /usr/sbin
host_tool modprobe /bin/kmod
host_tool sysctl /sbin/sysctl
host_tool sh /bin/dash
note "tools: $(/usr/sbin/modprobe --version | head -1), $(/usr/sbin/sysctl --version), the host's dash"

# --- The guest as it boots: no IOMMU ------------------------------------------------------------
groups=$(ls /sys/kernel/iommu_groups | wc -l)
value iommu-groups "$groups"
value kernel-config "CONFIG_VFIO_NOIOMMU=$NOIOMMU_CONFIG"
check "[ $groups = 0 ]" "the guest has $groups IOMMU groups, but a KubeVirt guest has no IOMMU"

# --- cloud-init's write_files, then runcmd's lines ----------------------------------------------
for f in $(cd "$D/files" && find . -type f | sort); do
  path=${f#.}
  mkdir -p "${path%/*}"
  cp "$D/files$path" "$path"
  step "write_files $path: $(one_line "$path")"
  value "file:$path" "$(one_line "$path")"
done
n=0
while read -r line; do
  n=$((n + 1))
  step "runcmd: $line"
  PATH=/usr/sbin:/bin /usr/sbin/sh -c "$line" >/tmp/runcmd.out 2>&1
  rc=$?
  sed 's/^/  | /' /tmp/runcmd.out
  value "runcmd.$n" "$line"
  value "runcmd.$n.exit" "$rc"
  check "[ $rc = 0 ]" "runcmd '$line' exited with $rc: $(tr '\n' ' ' </tmp/runcmd.out)"
done <"$D/runcmd"
check "[ $n -gt 0 ]" "the sample has no modprobe or sysctl line in its runcmd"

# modules-load.d: every module named there is loaded (runcmd's modprobe loads it on first boot,
# systemd-modules-load on later boots).
for f in /etc/modules-load.d/*; do
  [ -f "$f" ] || continue
  for m in $(grep -vE '^[[:space:]]*([#;]|$)' "$f"); do
    loaded=no
    grep -q "^$(echo "$m" | tr - _) " /proc/modules && loaded=yes
    value "module:$m" "loaded=$loaded"
    check "[ $loaded = yes ]" "module $m (named in $f) is not loaded"
  done
done

# --- What the kernel made of it -------------------------------------------------------------------
param=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
noiommu=$(cat "$param" 2>/dev/null || echo absent)
value enable_unsafe_noiommu_mode "$noiommu"
value vfio-parameter-log "$(dmesg | grep -m1 'enable_unsafe_noiommu_mode' | sed 's/^\[[^]]*\] //')"
want=$(cat "$D/nr_hugepages")
pages=$(cat /proc/sys/vm/nr_hugepages)
total=$(awk '$1 == "HugePages_Total:" {print $2}' /proc/meminfo)
value nr_hugepages "$pages"
value HugePages_Total "$total"
check "[ \"$pages\" = \"$want\" ]" "/proc/sys/vm/nr_hugepages is $pages, the sample asks for $want"
check "[ \"$total\" = \"$want\" ]" "HugePages_Total in /proc/meminfo is $total, the sample asks for $want"

# --- The VF, bound to vfio-pci as qatlib and DPDK bind a QAT VF ----------------------------------
echo 0 >"$SYS/$PF/sriov_drivers_autoprobe"
echo 1 >"$SYS/$PF/sriov_numvfs"
check "[ -e $SYS/$VF ]" "$VF did not appear after sriov_numvfs=1 on $PF"
tainted_before=$(cat /proc/sys/kernel/tainted)
step "bind $VF to vfio-pci: driver_override, drivers_probe"
bind_by_hand "$VF" vfio-pci 2>/tmp/bind.err
value bind-errors "$(tr '\n' ' ' </tmp/bind.err)"
value vf-driver "$(driver_of $VF)"
group=none
[ -e "$SYS/$VF/iommu_group" ] && group=$(group_of $VF)
value vf-iommu-group "$group"
value dev-vfio "$(ls /dev/vfio 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
value tainted "before=$tainted_before after=$(cat /proc/sys/kernel/tainted)"
value vf-log "$(dmesg | grep -E "$VF: (vfio|Adding)|probe of $VF" | sed 's/^\[[^]]*\] //' | tr '\n' '|' | sed 's/|$//')"
dmesg | grep -iE 'vfio|hugepage' | sed 's/^/  dmesg| /'

if [ "$NOIOMMU_CONFIG" = y ]; then
  # What the sample's guest needs: vfio in no-IOMMU mode, the VF on vfio-pci in a no-IOMMU group,
  # /dev/vfio/noiommu-<group>, and the kernel tainted (TAINT_USER, 64) with its warning.
  check "[ $noiommu = Y ]" "$param reads '$noiommu', not Y"
  check "[ \"\$(driver_of $VF)\" = vfio-pci ]" "$VF is on $(driver_of $VF), not vfio-pci"
  check "[ -c /dev/vfio/noiommu-$group ]" "/dev/vfio/noiommu-$group (the VF's group $group) is not a character device"
  check "dmesg | grep -q '$VF: Adding kernel taint for vfio-noiommu group on device'" "the kernel did not log the vfio-noiommu taint for $VF"
  check "[ \$((\$(cat /proc/sys/kernel/tainted) & 64)) = 64 ]" "the kernel is not tainted TAINT_USER (64) after the no-IOMMU bind"
else
  # A kernel without CONFIG_VFIO_NOIOMMU (Debian's): it ignores the parameter (and says so), and
  # vfio-pci refuses a device with no IOMMU group (EINVAL). Exactly that, nothing else.
  note "$KVER was built without CONFIG_VFIO_NOIOMMU: it ignores enable_unsafe_noiommu_mode and vfio-pci refuses a VF with no IOMMU; the sample's guest kernel must have it"
  check "[ $noiommu = absent ]" "$param exists although the kernel was built without CONFIG_VFIO_NOIOMMU"
  check "dmesg | grep -q \"vfio: unknown parameter 'enable_unsafe_noiommu_mode' ignored\"" "the kernel did not log that it ignored enable_unsafe_noiommu_mode (did modprobe pass the sample's option?)"
  check "[ \"\$(driver_of $VF)\" = none ]" "$VF is on $(driver_of $VF) although it has no IOMMU group"
  check "dmesg | grep -q 'vfio-pci: probe of $VF failed with error -22'" "the kernel did not log vfio-pci's refusal (EINVAL) of $VF"
  check "! ls /dev/vfio/noiommu-* >/dev/null 2>&1" "a /dev/vfio/noiommu-* node exists without CONFIG_VFIO_NOIOMMU"
fi
report "$NAME"
