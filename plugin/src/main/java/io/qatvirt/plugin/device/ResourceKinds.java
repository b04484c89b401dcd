package io.qatvirt.plugin.device;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names the resource of a Gen4+ PF's VFs after the services its {@code qat/cfg_services} enables,
 * the convention of Intel's QAT plugin: {@code sym;asym} in either order is {@code cy}, otherwise
 * {@code ;} becomes {@code -} ({@code sym;dc} is {@code sym-dc}). Pure: the caller reads the files.
 */
public final class ResourceKinds {

  /** The kind of every pre-Gen4 VF, of extra IDs, and the fallback. */
  public static final String GENERIC = "generic";

  /** The kind of a PF offering symmetric and asymmetric crypto. */
  public static final String CRYPTO = "cy";

  /** Longest kind that still leaves a valid resource name (the name part is at most 63). */
  static final int MAX_KIND_LENGTH = 63;

  private static final Pattern SERVICE = Pattern.compile("[a-z0-9]+");

  private ResourceKinds() {}

  /**
   * Decides the kind from the PF's {@code qat/state} and {@code qat/cfg_services}, each the file's
   * content (trimmed here) or empty when missing or unreadable. A state other than {@code up} means
   * the services are not trusted.
   */
  public static KindDecision fromServices(Optional<String> state, Optional<String> cfgServices) {
    if (state.isEmpty()) {
      return KindDecision.generic("qat/state is missing or unreadable");
    }
    String up = state.get().trim();
    if (!up.equals("up")) {
      return KindDecision.generic("qat/state reads '" + printable(up) + "', not 'up'");
    }
    if (cfgServices.isEmpty()) {
      return KindDecision.generic("qat/cfg_services is missing or unreadable");
    }
    String value = cfgServices.get().trim();
    if (value.isEmpty()) {
      return KindDecision.generic("qat/cfg_services is empty");
    }
    Set<String> services = new LinkedHashSet<>();
    for (String service : value.split(";", -1)) {
      if (!SERVICE.matcher(service).matches()) {
        return KindDecision.generic(
            "qat/cfg_services reads '"
                + printable(value)
                + "', not services of [a-z0-9] separated by ';'");
      }
      if (!services.add(service)) {
        return KindDecision.generic(
            "qat/cfg_services reads '" + printable(value) + "', naming '" + service + "' twice");
      }
    }
    if (services.equals(Set.of("sym", "asym"))) {
      return KindDecision.named(CRYPTO);
    }
    String kind = String.join("-", services);
    if (kind.length() > MAX_KIND_LENGTH) {
      return KindDecision.generic(
          "qat/cfg_services names more than "
              + MAX_KIND_LENGTH
              + " characters of services, too long for a resource name");
    }
    return KindDecision.named(kind);
  }

  private static String printable(String text) {
    return Printable.of(text);
  }
}
