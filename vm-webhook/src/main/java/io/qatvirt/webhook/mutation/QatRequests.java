package io.qatvirt.webhook.mutation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads what an object asks for from its annotations: each key {@code <prefix>/<resource>} with a
 * count as value. Pure; the first bad annotation (in key order) decides the denial.
 */
final class QatRequests {

  /** A resource name after the prefix: a DNS label, as device plugins name their resources. */
  private static final Pattern RESOURCE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** What the annotations ask for, or why they can't be honoured. */
  sealed interface Parsed {}

  /** Full resource name ({@code qat.intel.com/generic}) to VF count, sorted by name. */
  record Requested(SortedMap<String, Integer> counts) implements Parsed {}

  /** What is wrong (the part after "but"), naming the annotation and the fix. */
  record Invalid(String reason) implements Parsed {}

  private final MutatorConfig config;

  /** The allowed resources that are well-formed: asked for, they need no pattern matching. */
  private final Set<String> wellFormedAllowed;

  QatRequests(MutatorConfig config) {
    this.config = config;
    this.wellFormedAllowed =
        config.allowedResources().stream()
            .filter(r -> RESOURCE.matcher(r).matches())
            .collect(Collectors.toUnmodifiableSet());
  }

  Parsed parse(Map<String, String> annotations) {
    String keyPrefix = config.resourcePrefix() + "/";
    SortedMap<String, Integer> counts = new TreeMap<>();
    // only the keys under the prefix matter, and only they are sorted (most objects carry a
    // handful of other annotations)
    List<String> keys = new ArrayList<>(2);
    for (String key : annotations.keySet()) {
      if (key.startsWith(keyPrefix)) {
        keys.add(key);
      }
    }
    keys.sort(null);
    for (String key : keys) {
      String resource = key.substring(keyPrefix.length());
      boolean known = wellFormedAllowed.contains(resource);
      if (!known && !RESOURCE.matcher(resource).matches()) {
        return new Invalid(
            "annotation "
                + key
                + " is not of the form "
                + keyPrefix
                + "<resource>: use one of "
                + allowedKeys());
      }
      if (!known && !config.allowedResources().contains(resource)) {
        return new Invalid(
            "annotation "
                + key
                + " names a resource this webhook does not hand out: use one of "
                + allowedKeys());
      }
      String value = annotations.get(key);
      if (!isCount(value)) {
        return new Invalid(
            "annotation "
                + key
                + "=\""
                + value
                + "\" is not a positive whole number of VFs: set it to a count such as \"1\"");
      }
      // more than 10 digits is more than any int limit; 10 digits fit a long
      if (value.length() > 10 || Long.parseLong(value) > config.maxVfsPerVm()) {
        return new Invalid(
            "annotation "
                + key
                + "=\""
                + value
                + "\" asks for more than the "
                + config.maxVfsPerVm()
                + " VFs of one resource a VM may have: ask for at most "
                + config.maxVfsPerVm());
      }
      counts.put(key, Integer.parseInt(value));
    }
    return new Requested(counts);
  }

  /** {@code [1-9][0-9]*}: a positive whole number in ASCII digits, without a leading zero. */
  private static boolean isCount(String value) {
    if (value.isEmpty() || value.charAt(0) == '0') {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private String allowedKeys() {
    return String.join(
        ", ",
        config.allowedResources().stream()
            .sorted()
            .map(r -> config.resourcePrefix() + "/" + r)
            .toList());
  }
}
