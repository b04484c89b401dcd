# Helpers for scenarios.sh (busybox sh in the guest). Paths under /host are the chroot that
# holds the host's JDK and the repository; the guest's real /sys and /dev are mounted there too.

SYS=/sys/bus/pci/devices
CHROOT=/host
KDIR=/tmp/kubelet          # kubelet's device-plugin folder, as the chroot sees it
OUT=/tmp/qatvirt-e2e       # logs of the JVMs, as the chroot sees it

# Current time in epoch milliseconds (busybox date has no %N; the host's coreutils date does).
now_ms() { chroot "$CHROOT" /usr/bin/date +%s%3N; }

# Runs the host's JVM in the chroot with the flags run.sh chose (tuned for a short run under
# TCG) and the class-data archive dumped on the host for this command, if there is one.
jvm() { # <archive name: plugin|kubelet> <java args>...
  cds=/tmp/cds/$1.jsa
  shift
  [ -f "$CHROOT$cds" ] && set -- -XX:SharedArchiveFile="$cds" "$@"
  # Every caller runs this in the background: exec, so that $! is the JVM's own PID (a signal to
  # it reaches the JVM, not a subshell).
  # shellcheck disable=SC2086
  exec chroot "$CHROOT" "$JAVA" $JVM_FLAGS -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS "$@"
}

step() { echo "STEP $*"; }
note() { echo "NOTE $*"; }

# The driver a device is bound to, or "none".
driver_of() {
  if [ -e "$SYS/$1/driver" ]; then basename "$(readlink "$SYS/$1/driver")"; else echo none; fi
}
group_of() { basename "$(readlink "$SYS/$1/iommu_group")"; }
override_of() { cat "$SYS/$1/driver_override"; }

# Binds a device to a driver by hand: driver_override, unbind from the current driver, probe.
bind_by_hand() { # <address> <driver>
  echo "$2" >"$SYS/$1/driver_override"
  [ -e "$SYS/$1/driver" ] && echo "$1" >"$SYS/$1/driver/unbind"
  echo "$1" >/sys/bus/pci/drivers_probe
}

# Waits up to $2 seconds (tenths allowed) for the shell condition $1 to hold.
wait_for() { # <condition> <seconds>
  tries=$(awk "BEGIN{print int($2 * 10)}")
  while [ "$tries" -gt 0 ]; do
    eval "$1" && return 0
    sleep 0.1
    tries=$((tries - 1))
  done
  eval "$1"
}

# Results: each scenario collects reasons; report prints one PASS or FAIL line.
fails=""
check() { # <condition> <reason if it does not hold>
  eval "$1" || fails="$fails${fails:+; }$2"
}
report() { # <scenario name>
  if [ -z "$fails" ]; then echo "PASS $1"; else echo "FAIL $1: $fails"; fi
  fails=""
}

# Makes the NVMe PF's secondary controller of VF <n> usable (flexible queue and interrupt
# resources, then online), so that the nvme driver can really drive the VF. QEMU takes them
# back whenever sriov_numvfs goes to 0.
online_secondary() { # <pf nvme char device, e.g. /dev/nvme1> <vf number>
  nvme=/usr/sbin/nvme
  sc=$(chroot "$CHROOT" $nvme list-secondary "$1" -o json |
    awk -v vfn="$2" '/"secondary-controller-identifier"/ {gsub(/[^0-9]/, ""); id=$0}
                     /"virtual-function-number"/ {gsub(/[^0-9]/, ""); if ($0 == vfn) print id}')
  [ -n "$sc" ] || { echo "no secondary controller for VF $2 on $1"; return 1; }
  chroot "$CHROOT" $nvme virt-mgmt "$1" -c "$sc" -r 1 -a 8 -n 1 >/dev/null &&
    chroot "$CHROOT" $nvme virt-mgmt "$1" -c "$sc" -r 0 -a 8 -n 2 >/dev/null &&
    chroot "$CHROOT" $nvme virt-mgmt "$1" -c "$sc" -a 9 >/dev/null
}

# The nvme controller character device of a PCI function, e.g. /dev/nvme1.
nvme_dev_of() { echo "/dev/$(ls "$SYS/$1/nvme" 2>/dev/null | head -1)"; }

# Identity of a device node: inode, change time and device number; changes if it was recreated.
node_identity() { stat -c '%i %Z %t:%T' "$1" 2>/dev/null || echo missing; }

# Guest uptime in milliseconds (10 ms steps), read without starting a process.
uptime_ms() {
  read -r up _ </proc/uptime
  frac=${up#*.} # always two digits; "1$frac - 100" keeps 08 from reading as octal
  echo $((${up%.*} * 1000 + (1$frac - 100) * 10))
}
# Epoch ms minus uptime ms, to turn uptime stamps into the JVMs' clock (error: half a date exec).
epoch_offset_ms() {
  u1=$(uptime_ms)
  e=$(now_ms)
  u2=$(uptime_ms)
  echo $((e - (u1 + u2) / 2))
}
# Prints the uptime (ms) at which none of the given files exists any more, polling every 2 ms.
stamp_when_gone() { # <file>...
  while :; do
    left=0
    for f in "$@"; do [ -e "$f" ] && left=1; done
    [ "$left" = 0 ] && break
    usleep 2000
  done
  uptime_ms
}
