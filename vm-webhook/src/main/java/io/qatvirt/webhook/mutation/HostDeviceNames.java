package io.qatvirt.webhook.mutation;

import java.util.Locale;
import java.util.Set;

/**
 * Local names for injected host devices: {@code qat-<resource>-<n>}, only {@code [a-z0-9-]}
 * (libvirt puts them in the alias {@code ua-hostdevice-<name>}), unique within the object.
 */
final class HostDeviceNames {
  private HostDeviceNames() {}

  /**
   * The next free name for a resource, skipping every name in {@code taken}; the caller adds the
   * returned name to {@code taken}.
   *
   * @param resource the resource name after the prefix ({@code generic}, {@code sym-dc})
   */
  static String next(String resource, Set<String> taken) {
    String stem = "qat-" + sanitize(resource) + "-";
    for (int i = 0; ; i++) {
      String candidate = stem + i;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }

  private static String sanitize(String resource) {
    String lower = resource.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return lower.replaceAll("-+", "-").replaceAll("^-|-$", "");
  }
}
