package io.qatvirt.webhook.permitted;

import io.qatvirt.kubevirt.model.V1DeveloperConfiguration;
import io.qatvirt.kubevirt.model.V1KubeVirt;
import io.qatvirt.kubevirt.model.V1KubeVirtConfiguration;
import io.qatvirt.kubevirt.model.V1KubeVirtSpec;
import io.qatvirt.kubevirt.model.V1KubeVirtStatus;
import io.qatvirt.kubevirt.model.V1PciHostDevice;
import io.qatvirt.kubevirt.model.V1PermittedHostDevices;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What KubeVirt will accept, decided from its CR alone (pure): the {@code HostDevices} feature gate
 * must be on ({@link HostDevicesGate}: both gate lists and the observed release), and when {@code
 * permittedHostDevices} is present (absent: KubeVirt checks nothing) every resource must be listed
 * in {@code pciHostDevices} with {@code externalResourceProvider: true}.
 */
public final class PermittedHostDevicesRules {
  public static final String FEATURE_GATE = HostDevicesGate.NAME;

  /** Suggested when the CR offers no better example: the 4xxx (QAT Gen4) VF. */
  static final String EXAMPLE_SELECTOR = "8086:4941";

  private PermittedHostDevicesRules() {}

  /**
   * With the {@code HostDevices} gate as KubeVirt's releases are {@linkplain HostDevicesGate#KNOWN
   * known} to have it.
   *
   * @param subject who asks, for the message ({@code VirtualMachine ns/name})
   * @param ref the CR's {@code namespace/name}
   */
  public static PermitDecision decide(
      String subject, String ref, V1KubeVirt kubevirt, Collection<String> resourceNames) {
    return decide(HostDevicesGate.KNOWN, subject, ref, kubevirt, resourceNames);
  }

  static PermitDecision decide(
      HostDevicesGate gate,
      String subject,
      String ref,
      V1KubeVirt kubevirt,
      Collection<String> resourceNames) {
    V1KubeVirtConfiguration configuration =
        Optional.ofNullable(kubevirt.getSpec())
            .map(V1KubeVirtSpec::getConfiguration)
            .orElse(new V1KubeVirtConfiguration());
    V1DeveloperConfiguration developer =
        Optional.ofNullable(configuration.getDeveloperConfiguration())
            .orElse(new V1DeveloperConfiguration());
    List<String> gates = Optional.ofNullable(developer.getFeatureGates()).orElse(List.of());
    List<String> disabled =
        Optional.ofNullable(developer.getDisabledFeatureGates()).orElse(List.of());
    Optional<KubeVirtVersion> version =
        Optional.ofNullable(kubevirt.getStatus())
            .map(V1KubeVirtStatus::getObservedKubeVirtVersion)
            .flatMap(KubeVirtVersion::parse);
    List<String> names = resourceNames.stream().sorted().toList();
    String tried = "tried to give " + subject + " " + String.join(", ", names);
    switch (gate.decide(gates, disabled, version)) {
      case ON -> {}
      case DISABLED -> {
        return new PermitDecision.Deny(
            gate.onByDefaultIn(version)
                ? tried
                    + ", but the KubeVirt CR "
                    + ref
                    + " disables the "
                    + FEATURE_GATE
                    + " feature gate, which KubeVirt "
                    + version.orElseThrow()
                    + " turns on by default: remove "
                    + FEATURE_GATE
                    + " from spec.configuration.developerConfiguration.disabledFeatureGates"
                : tried
                    + ", but the KubeVirt CR "
                    + ref
                    + " does not enable the "
                    + FEATURE_GATE
                    + " feature gate: add "
                    + FEATURE_GATE
                    + " to spec.configuration.developerConfiguration.featureGates"
                    + " and remove it from disabledFeatureGates");
      }
      case NOT_ENABLED -> {
        return new PermitDecision.Deny(
            tried
                + ", but the KubeVirt CR "
                + ref
                + " does not enable the "
                + FEATURE_GATE
                + " feature gate: add "
                + FEATURE_GATE
                + " to spec.configuration.developerConfiguration.featureGates");
      }
    }
    V1PermittedHostDevices permitted = configuration.getPermittedHostDevices();
    if (permitted == null) {
      return new PermitDecision.Permit(Optional.empty());
    }
    List<V1PciHostDevice> pci =
        Optional.ofNullable(permitted.getPciHostDevices()).orElse(List.of()).stream()
            .filter(Objects::nonNull)
            .toList();
    for (String resource : names) {
      List<V1PciHostDevice> listed =
          pci.stream().filter(d -> resource.equals(d.getResourceName())).toList();
      if (listed.stream().anyMatch(d -> Boolean.TRUE.equals(d.getExternalResourceProvider()))) {
        continue;
      }
      String but = "tried to give " + subject + " " + resource + ", but the KubeVirt CR " + ref;
      if (!listed.isEmpty()) {
        return new PermitDecision.Deny(
            but
                + " lists it in spec.configuration.permittedHostDevices.pciHostDevices without"
                + " externalResourceProvider: true, so KubeVirt would advertise the same VFs"
                + " itself: set externalResourceProvider: true on that entry");
      }
      return new PermitDecision.Deny(
          but
              + " does not permit it: add {pciVendorSelector: "
              + selectorFor(resource, pci)
              + ", resourceName: "
              + resource
              + ", externalResourceProvider: true} to"
              + " spec.configuration.permittedHostDevices.pciHostDevices");
    }
    return new PermitDecision.Permit(Optional.empty());
  }

  /** The selector of another entry of the same vendor domain, or the Gen4 example. */
  private static String selectorFor(String resource, List<V1PciHostDevice> pci) {
    int slash = resource.indexOf('/');
    String domain = slash < 0 ? resource : resource.substring(0, slash + 1);
    return pci.stream()
        .filter(d -> d.getResourceName() != null && d.getResourceName().startsWith(domain))
        .map(V1PciHostDevice::getPciVendorSelector)
        .filter(s -> s != null && !s.isEmpty())
        .findFirst()
        .orElse(EXAMPLE_SELECTOR);
  }
}
