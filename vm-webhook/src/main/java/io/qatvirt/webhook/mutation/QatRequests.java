package io.qatvirt.webhook.mutation;

import java.math.BigInteger;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads what an object asks for from its annotations: each key {@code <prefix>/<resource>} with a
 * count as value. Pure; the first bad annotation (in key order) decides the denial.
 */
final class QatRequests {

  /** A resource name after the prefix: a DNS label, as device plugins name their resources. */
  private static final Pattern RESOURCE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private static final Pattern COUNT = Pattern.compile("[1-9][0-9]*");

  /** What the annotations ask for, or why they can't be honoured. */
  sealed interface Parsed {}

  /** Full resource name ({@code qat.intel.com/generic}) to VF count, sorted by name. */
  record Requested(SortedMap<String, Integer> counts) implements Parsed {}

  /** What is wrong (the part after "but"), naming the annotation and the fix. */
  record Invalid(String reason) implements Parsed {}

  private final MutatorConfig config;

  QatRequests(MutatorConfig config) {
    this.config = config;
  }

  Parsed parse(Map<String, String> annotations) {
    String keyPrefix = config.resourcePrefix() + "/";
    SortedMap<String, Integer> counts = new TreeMap<>();
    for (Map.Entry<String, String> annotation : new TreeMap<>(annotations).entrySet()) {
      String key = annotation.getKey();
      if (!key.startsWith(keyPrefix)) {
        continue;
      }
      String resource = key.substring(keyPrefix.length());
      if (!RESOURCE.matcher(resource).matches()) {
        return new Invalid(
            "annotation "
                + key
                + " is not of the form "
                + keyPrefix
                + "<resource>: use one of "
                + allowedKeys());
      }
      if (!config.allowedResources().contains(resource)) {
        return new Invalid(
            "annotation "
                + key
                + " names a resource this webhook does not hand out: use one of "
                + allowedKeys());
      }
      String value = annotation.getValue();
      if (!COUNT.matcher(value).matches()) {
        return new Invalid(
            "annotation "
                + key
                + "=\""
                + value
                + "\" is not a positive whole number of VFs: set it to a count such as \"1\"");
      }
      BigInteger count = new BigInteger(value);
      if (count.compareTo(BigInteger.valueOf(config.maxVfsPerVm())) > 0) {
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
      counts.put(key, count.intValueExact());
    }
    return new Requested(counts);
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
