package io.qatvirt.plugin.device;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A PCI vendor:device pair such as {@code 1b36:0010}, as {@code --extra-vf-ids} names it. */
public record PciId(int vendor, int device) {

  private static final Pattern FORMAT = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{4})");

  public PciId {
    if (vendor < 0 || vendor > 0xffff || device < 0 || device > 0xffff) {
      throw new IllegalArgumentException(
          "tried to make a PCI ID of " + vendor + ":" + device + ", but both must be 16-bit");
    }
  }

  /** Parses {@code 1b36:0010} (four hex digits each, either case); empty otherwise. */
  public static Optional<PciId> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new PciId(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16)));
  }

  /** {@code 1b36:0010}, lower-case hex. */
  @Override
  public String toString() {
    return String.format("%04x:%04x", vendor, device);
  }
}
