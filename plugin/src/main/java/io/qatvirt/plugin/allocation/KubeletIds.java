package io.qatvirt.plugin.allocation;

import io.qatvirt.plugin.allocation.AllocationException.Kind;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Turns the device IDs kubelet sends into addresses and advertised VFs, refusing bad ones. */
final class KubeletIds {
  private KubeletIds() {}

  /** Parses one ID; anything but a full PCI address is refused before it can reach a path. */
  static PciAddress parse(String id, String action) {
    return PciAddress.parse(id)
        .orElseThrow(
            () ->
                new AllocationException(
                    Kind.INVALID,
                    "tried to "
                        + action
                        + " device \""
                        + printable(id)
                        + "\", but it is not a PCI address (expected dddd:bb:dd.f, e.g."
                        + " 0000:3d:01.1)"));
  }

  /** The advertised VFs of one resource by address. */
  static Map<PciAddress, Vf> index(List<Vf> advertised) {
    return advertised.stream()
        .collect(Collectors.toMap(Vf::address, Function.identity(), (a, b) -> a));
  }

  /** Keeps control characters and very long IDs out of messages and logs. */
  static String printable(String id) {
    String shortened = id.length() > 64 ? id.substring(0, 64) + "..." : id;
    StringBuilder out = new StringBuilder();
    shortened
        .codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
