package io.qatvirt.plugin.cli;

import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.ScanFlags;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the plugin's flag values; each message says what is accepted. */
final class Converters {
  private Converters() {}

  /** The value of {@code --kernel-vf-drivers}. */
  record VfDrivers(Set<QatFamily> families) {}

  /** The value of {@code --extra-vf-ids}. */
  record ExtraVfIds(List<PciId> ids) {}

  static final class VfDriversConverter implements ITypeConverter<VfDrivers> {
    @Override
    public VfDrivers convert(String value) {
      try {
        return new VfDrivers(ScanFlags.parseKernelVfDrivers(value));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class ExtraVfIdsConverter implements ITypeConverter<ExtraVfIds> {
    @Override
    public ExtraVfIds convert(String value) {
      try {
        return new ExtraVfIds(ScanFlags.parseExtraVfIds(value));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class PolicyConverter implements ITypeConverter<AllocationPolicy> {
    @Override
    public AllocationPolicy convert(String value) {
      return AllocationPolicy.ofCliName(value)
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "'"
                          + value
                          + "' is not a policy; use one of "
                          + Arrays.stream(AllocationPolicy.values())
                              .map(AllocationPolicy::cliName)
                              .collect(Collectors.joining(", "))));
    }
  }

  /** {@code healthy} or {@code unhealthy}. */
  static final class HealthConverter implements ITypeConverter<Health> {
    @Override
    public Health convert(String value) {
      for (Health health : Health.values()) {
        if (health.apiValue().toLowerCase(Locale.ROOT).equals(value)) {
          return health;
        }
      }
      throw new TypeConversionException("'" + value + "' is not healthy or unhealthy");
    }
  }

  /** Only vfio-pci: a VM reaches a VF through VFIO, nothing else. */
  static final class DpdkDriverConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!"vfio-pci".equals(value)) {
        throw new TypeConversionException(
            "'"
                + value
                + "' is not supported: KubeVirt VMs need their VFs on vfio-pci, use vfio-pci");
      }
      return value;
    }
  }

  static final class MaxDevicesConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= 1 && n <= 4096) {
          return n;
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
      throw new TypeConversionException("'" + value + "' is not a whole number from 1 to 4096");
    }
  }

  static final class PortConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value.trim());
        if (n >= 0 && n <= 65535) {
          return n;
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
      throw new TypeConversionException("'" + value + "' is not a TCP port (0 to 65535)");
    }
  }

  /** {@code domain/name} without path characters beyond the one slash. */
  static final class ResourceNameConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?/[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")
          || value.contains("..")) {
        throw new TypeConversionException(
            "'" + value + "' is not a resource name such as qat.intel.com/generic");
      }
      return value;
    }
  }
}
