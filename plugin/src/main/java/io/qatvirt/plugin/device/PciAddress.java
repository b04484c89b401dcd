package io.qatvirt.plugin.device;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A full PCI address (domain:bus:device.function), the ID under which a VF is advertised. Every
 * string that names a device is parsed through here before it is used in a path.
 */
public record PciAddress(int domain, int bus, int device, int function)
    implements Comparable<PciAddress> {

  private static final Pattern FORMAT =
      Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

  private static final Comparator<PciAddress> ORDER =
      Comparator.comparingInt(PciAddress::domain)
          .thenComparingInt(PciAddress::bus)
          .thenComparingInt(PciAddress::device)
          .thenComparingInt(PciAddress::function);

  public PciAddress {
    if (domain < 0 || domain > 0xffff) {
      throw new IllegalArgumentException("PCI domain out of range: " + domain);
    }
    if (bus < 0 || bus > 0xff) {
      throw new IllegalArgumentException("PCI bus out of range: " + bus);
    }
    if (device < 0 || device > 0x1f) {
      throw new IllegalArgumentException("PCI device out of range: " + device);
    }
    if (function < 0 || function > 7) {
      throw new IllegalArgumentException("PCI function out of range: " + function);
    }
  }

  /** Parses {@code 0000:3d:01.1} (either case); empty for anything else, never throws. */
  public static Optional<PciAddress> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    int device = Integer.parseInt(m.group(3), 16);
    if (device > 0x1f) {
      return Optional.empty();
    }
    return Optional.of(
        new PciAddress(
            Integer.parseInt(m.group(1), 16),
            Integer.parseInt(m.group(2), 16),
            device,
            Integer.parseInt(m.group(4))));
  }

  /** The kernel's spelling: lower-case hex, {@code 0000:3d:01.1}. */
  @Override
  public String toString() {
    return String.format("%04x:%02x:%02x.%d", domain, bus, device, function);
  }

  @Override
  public int compareTo(PciAddress other) {
    return ORDER.compare(this, other);
  }
}
