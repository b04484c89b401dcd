package io.qatvirt.plugin.device;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The QAT device table (PCI vendor 0x8086): PF and VF device IDs, driver names and whether the
 * family names its resources after the services enabled on the PF (Gen4 and later).
 */
public enum QatFamily {
  DH895XCC(0x0435, "dh895xcc", List.of(0x0443, 0x0442), "dh895xccvf", false),
  C62X(0x37c8, "c6xx", List.of(0x37c9), "c6xxvf", false),
  C3XXX(0x19e2, "c3xxx", List.of(0x19e3), "c3xxxvf", false),
  D15XX(0x6f54, "d15xx", List.of(0x6f55), "d15xxvf", false),
  C4XXX(0x18a0, "c4xxx", List.of(0x18a1), "c4xxxvf", false),
  GEN4_4XXX(0x4940, "4xxx", List.of(0x4941), "4xxxvf", true),
  GEN4_401XX(0x4942, "4xxx", List.of(0x4943), "4xxxvf", true),
  GEN4_402XX(0x4944, "4xxx", List.of(0x4945), "4xxxvf", true),
  GEN4_420XX(0x4946, "420xx", List.of(0x4947), "420xxvf", true),
  GEN6_6XXX(0x4948, "6xxx", List.of(0x4949), "6xxxvf", true);

  /** Intel's PCI vendor ID. */
  public static final int VENDOR_INTEL = 0x8086;

  /** Default of {@code --kernel-vf-drivers}, the same as Intel's QAT plugin. */
  public static final List<String> DEFAULT_VF_DRIVERS = List.of("4xxxvf", "420xxvf");

  private final int pfDeviceId;
  private final String pfDriver;
  private final List<Integer> vfDeviceIds;
  private final String vfDriver;
  private final boolean serviceAware;

  QatFamily(
      int pfDeviceId,
      String pfDriver,
      List<Integer> vfDeviceIds,
      String vfDriver,
      boolean serviceAware) {
    this.pfDeviceId = pfDeviceId;
    this.pfDriver = pfDriver;
    this.vfDeviceIds = vfDeviceIds;
    this.vfDriver = vfDriver;
    this.serviceAware = serviceAware;
  }

  public int pfDeviceId() {
    return pfDeviceId;
  }

  /** The PF's kernel driver as sysfs names it; also part of the debugfs folder name. */
  public String pfDriver() {
    return pfDriver;
  }

  public List<Integer> vfDeviceIds() {
    return vfDeviceIds;
  }

  /** The VF selector name, the value used with {@code --kernel-vf-drivers}. */
  public String vfDriver() {
    return vfDriver;
  }

  /** Gen4/Gen6: resources are named after the PF's {@code qat/cfg_services}. */
  public boolean serviceAware() {
    return serviceAware;
  }

  /** The family whose VF has this device ID (vendor 0x8086). */
  public static Optional<QatFamily> ofVfDevice(int deviceId) {
    return Arrays.stream(values()).filter(f -> f.vfDeviceIds.contains(deviceId)).findFirst();
  }

  /** The family whose PF has this device ID (vendor 0x8086). */
  public static Optional<QatFamily> ofPfDevice(int deviceId) {
    return Arrays.stream(values()).filter(f -> f.pfDeviceId == deviceId).findFirst();
  }

  /** Every VF selector name that {@code --kernel-vf-drivers} accepts. */
  public static Set<String> knownVfDrivers() {
    return Set.copyOf(Arrays.stream(values()).map(QatFamily::vfDriver).toList());
  }
}
