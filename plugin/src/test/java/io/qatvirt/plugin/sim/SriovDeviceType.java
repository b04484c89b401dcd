package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import java.util.Objects;
import java.util.Optional;

/**
 * What a simulated SR-IOV device is: its IDs, its drivers and how its VFs are numbered.
 *
 * @param vendor PCI vendor of PF and VFs
 * @param pfDevice PCI device ID of the PF
 * @param vfDevice PCI device ID of its VFs
 * @param pfDriver the PF's kernel driver
 * @param vfKernelDriver the VFs' kernel driver, if one exists (Gen4+ QAT: {@code 4xxxvf} out of
 *     tree)
 * @param qatFamily the QAT family; empty for other devices (no qat/ files, no heartbeat)
 * @param vfOffset routing-ID distance of VF 0 from the PF ({@code sriov_offset}); stride is 1
 * @param classCode the {@code class} file's value, e.g. {@code 0x0b4000} (co-processor)
 */
public record SriovDeviceType(
    int vendor,
    int pfDevice,
    int vfDevice,
    String pfDriver,
    Optional<String> vfKernelDriver,
    Optional<QatFamily> qatFamily,
    int vfOffset,
    int classCode) {

  /** QEMU's emulated NVMe controller with SR-IOV ({@code 1b36:0010}, VFs the same). */
  public static final SriovDeviceType QEMU_NVME =
      new SriovDeviceType(
          0x1b36, 0x0010, 0x0010, "nvme", Optional.of("nvme"), Optional.empty(), 1, 0x010802);

  public SriovDeviceType {
    Objects.requireNonNull(pfDriver, "pfDriver");
    Objects.requireNonNull(vfKernelDriver, "vfKernelDriver");
    Objects.requireNonNull(qatFamily, "qatFamily");
    if (vfOffset < 1) {
      throw new IllegalArgumentException(
          "tried to set sriov_offset " + vfOffset + ", but it must be >= 1");
    }
  }

  /**
   * A QAT family as the real devices look: class 0x0b4000, VF kernel driver named after the VF
   * selector, VF 0 right after the PF on Gen4+ (offset 1) and at device 1 before (offset 8).
   */
  public static SriovDeviceType of(QatFamily family) {
    return new SriovDeviceType(
        QatFamily.VENDOR_INTEL,
        family.pfDeviceId(),
        family.vfDeviceIds().get(0),
        family.pfDriver(),
        Optional.of(family.vfDriver()),
        Optional.of(family),
        family.serviceAware() ? 1 : 8,
        0x0b4000);
  }

  /**
   * A guest-only device of these IDs (no PF), e.g. {@code 1b36:0010} via {@code --extra-vf-ids}.
   */
  public static SriovDeviceType ofVf(PciId id, String kernelDriver) {
    return new SriovDeviceType(
        id.vendor(),
        id.device(),
        id.device(),
        kernelDriver,
        Optional.of(kernelDriver),
        Optional.empty(),
        1,
        0);
  }

  boolean serviceAware() {
    return qatFamily.map(QatFamily::serviceAware).orElse(false);
  }

  /** vfio-pci on Linux 5.9+ refuses pre-Gen4 QAT VFs unless loaded with disable_denylist=1. */
  boolean denylisted() {
    return qatFamily.isPresent() && !serviceAware();
  }
}
