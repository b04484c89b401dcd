package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.qatvirt.kubevirt.model.V1DomainSpec;
import io.qatvirt.kubevirt.model.V1HostDevice;
import io.qatvirt.kubevirt.model.V1ResourceRequirements;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which {@code hostDevices} entries to add so that each requested resource has exactly the
 * requested number of entries. Entries already there count; nothing is removed. Pure.
 */
final class HostDevicePlan {

  sealed interface Result {}

  /** The entries to append, in order. */
  record Additions(List<ObjectNode> entries) implements Result {
    /** Property names from the root to the {@code hostDevices} array. */
    List<String> arrayPath(List<String> specPath) {
      List<String> path = new ArrayList<>(specPath.size() + 3);
      path.addAll(specPath);
      path.addAll(HOST_DEVICES_IN_SPEC);
      return path;
    }
  }

  private static final List<String> HOST_DEVICES_IN_SPEC =
      List.of("domain", "devices", "hostDevices");

  /** The object contradicts its annotations (the part after "but"). */
  record Conflict(String reason) implements Result {}

  private final MutatorConfig config;

  HostDevicePlan(MutatorConfig config) {
    this.config = config;
  }

  Result plan(Subject subject, Map<String, Integer> counts) {
    V1DomainSpec domain =
        subject.spec().getDomain() == null ? new V1DomainSpec() : subject.spec().getDomain();
    List<V1HostDevice> existing = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    if (domain.getDevices() != null && domain.getDevices().getHostDevices() != null) {
      for (V1HostDevice device : domain.getDevices().getHostDevices()) {
        if (device != null) {
          existing.add(device);
          taken.add(device.getName());
        }
      }
    }
    String field = subject.specField() + ".domain";
    List<ObjectNode> entries = new ArrayList<>();
    for (Map.Entry<String, Integer> request : counts.entrySet()) {
      String resource = request.getKey();
      int wanted = request.getValue();
      Optional<String> resourceConflict =
          resourceConflict(domain.getResources(), field, resource, wanted);
      if (resourceConflict.isPresent()) {
        return new Conflict(resourceConflict.get());
      }
      long present = 0;
      for (V1HostDevice device : existing) {
        if (resource.equals(device.getDeviceName())) {
          present++;
        }
      }
      if (present > wanted) {
        return new Conflict(
            field
                + ".devices.hostDevices already has "
                + present
                + " entries with deviceName "
                + resource
                + " while annotation "
                + resource
                + " asks for "
                + wanted
                + ": set the annotation to \""
                + present
                + "\" or remove the extra entries");
      }
      String shortName = resource.substring(config.resourcePrefix().length() + 1);
      for (long i = present; i < wanted; i++) {
        String name = HostDeviceNames.next(shortName, taken);
        taken.add(name);
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("name", name);
        entry.put("deviceName", resource);
        entries.add(entry);
      }
    }
    return new Additions(entries);
  }

  /**
   * An explicit request or limit for the resource overrides the count KubeVirt derives from {@code
   * hostDevices}: it must agree with the annotation, or the pod gets the wrong number of VFs.
   */
  private static Optional<String> resourceConflict(
      V1ResourceRequirements resources, String field, String resource, int wanted) {
    if (resources == null) {
      return Optional.empty();
    }
    for (String list : List.of("requests", "limits")) {
      Map<String, Object> values =
          "requests".equals(list) ? resources.getRequests() : resources.getLimits();
      Object value = values == null ? null : values.get(resource);
      if (value == null) {
        continue;
      }
      String where = field + ".resources." + list + "[\"" + resource + "\"]";
      BigDecimal amount;
      try {
        amount = new Quantity(value.toString()).getNumericalAmount();
      } catch (RuntimeException e) {
        return Optional.of(
            where
                + " is \""
                + value
                + "\", which is not a quantity: remove it or set it to "
                + wanted);
      }
      if (amount.compareTo(BigDecimal.valueOf(wanted)) != 0) {
        return Optional.of(
            where
                + " is \""
                + value
                + "\" while annotation "
                + resource
                + " asks for "
                + wanted
                + " (KubeVirt would start the pod with "
                + value
                + " VF(s), not one per hostDevices entry): remove it or set it to \""
                + wanted
                + "\"");
      }
    }
    return Optional.empty();
  }
}
