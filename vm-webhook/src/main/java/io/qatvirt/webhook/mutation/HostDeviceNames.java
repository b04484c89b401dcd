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

  /**
   * Lower case, every character outside {@code [a-z0-9-]} a dash, runs of dashes one dash, no dash
   * at either end. A loop rather than regular expressions: it runs for every added entry, and
   * compiling three patterns there cost about 5% of a review's CPU.
   */
  private static String sanitize(String resource) {
    String lower = resource.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      boolean kept = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (kept) {
        out.append(c);
      } else if (out.length() > 0 && out.charAt(out.length() - 1) != '-') {
        out.append('-');
      }
    }
    if (out.length() > 0 && out.charAt(out.length() - 1) == '-') {
      out.setLength(out.length() - 1);
    }
    return out.toString();
  }
}
