package io.qatvirt.webhook.permitted;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KubeVirt release's major and minor number, as the KubeVirt CR's {@code
 * status.observedKubeVirtVersion} names it ({@code v1.9.2}, {@code v1.10.0-rc.1}).
 */
public record KubeVirtVersion(int major, int minor) implements Comparable<KubeVirtVersion> {
  private static final Pattern RELEASE = Pattern.compile("v?(\\d{1,6})\\.(\\d{1,6})(?:[.+-].*)?");

  /** Empty for a missing or unrecognised version (a development build's {@code devel}, …). */
  public static Optional<KubeVirtVersion> parse(String observed) {
    if (observed == null) {
      return Optional.empty();
    }
    Matcher m = RELEASE.matcher(observed.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new KubeVirtVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
  }

  @Override
  public int compareTo(KubeVirtVersion other) {
    return major != other.major
        ? Integer.compare(major, other.major)
        : Integer.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return "v" + major + "." + minor;
  }
}
