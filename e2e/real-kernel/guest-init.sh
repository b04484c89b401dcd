#!/bin/busybox sh
# /init of the real-kernel test guest. Mounts the kernel's filesystems, loads the modules the
# host script listed (in modules.dep order), mounts the host's / and the repository read-only
# over 9p, runs /scenarios.sh (or the qatvirt.script named on the kernel command line) under a
# time limit and powers off, whatever happened.
/bin/busybox --install -s /bin
export PATH=/bin HOME=/
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp
# Kernel messages stay in dmesg, not in the middle of our PASS/FAIL lines on the console.
echo 1 >/proc/sys/kernel/printk
read -r uptime _ </proc/uptime
echo "TIMING boot-to-init-s $uptime"
. /etc/qatvirt.env

finish() {
  echo "QATVIRT-GUEST-DONE $1"
  sync
  poweroff -f
  sleep 5
  echo o >/proc/sysrq-trigger
}

# What this boot runs, from the kernel command line: the module list (qatvirt.modules) and the
# script (qatvirt.script); by default the plugin's scenarios.
arg() { sed -n "s/.*qatvirt\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
order=$(arg modules)
script=$(arg script)

# The PF's driver (nvme), vfio-pci and the 9p share, in dependency order.
while read -r m; do
  insmod "/modules/$m" || {
    echo "FAIL guest: tried to insmod $m, but it failed: $(dmesg | tail -3 | tr '\n' ' ')"
    finish 1
  }
done <"/modules/${order:-order}"

ip link set lo up

# The host's / (the JDK) and the repository (the plugin jar), read-only. The chroot gets the
# guest's own /proc, /sys and /dev (the real kernel under test) and a fresh /tmp. The
# repository has its own share: a checkout under the host's /tmp would be hidden by that tmpfs.
opts=trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose
mount -t 9p -o "$opts" host /host || { echo "FAIL guest: tried to mount the host's / over 9p, but it failed"; finish 1; }
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
mount -t tmpfs -o mode=1777 tmpfs /host/tmp
mkdir -p /host/dev/shm
mount -t tmpfs tmpfs /host/dev/shm
# The repository goes where the host has it (the class-data archives name its jars by path).
mkdir -p "/host$REPO" 2>/dev/null
mount -t 9p -o "$opts" repo "/host$REPO" ||
  { echo "FAIL guest: tried to mount the repository over 9p at $REPO, but it failed"; finish 1; }
cp -r /cds /host/tmp/cds

# The scenarios stop 10 s before the host would kill QEMU (qatvirt.deadline on the kernel
# command line, epoch seconds; the guest's clock is the host's), so this power-off comes first.
deadline=$(arg deadline)
limit=$((${deadline:-0} - $(date +%s) - 10))
[ "$limit" -ge 10 ] || limit=10
timeout "$limit" sh "/${script:-scenarios.sh}"
rc=$?
[ "$rc" = 143 ] && echo "FAIL guest: the scenarios did not finish within the $limit s left before the host's deadline"
finish "$rc"
