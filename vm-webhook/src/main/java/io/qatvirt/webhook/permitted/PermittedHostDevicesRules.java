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

  /** Suggested when the CR offers no better example: the 4xxx (QAT Gen4) VF. */
  static final String EXAMPLE_SELECTOR = "8086:4941";

  private PermittedHostDevicesRules() {}

  /**
   * With the {@code HostDevices} gate as KubeVirt's releases are {@linkplain HostDevicesGate#KNOWN
   * known} to have it.
   *
   * @param subject who asks, for the message ({@code VirtualMachine ns/name})
   * @param ref the CR's {@code namespace/name}
   * @param manager where the CR is changed, for the fixes the messages suggest
   */
  public static PermitDecision decide(
      String subject,
      String ref,
      KubeVirtCrManager manager,
      V1KubeVirt kubevirt,
      Collection<String> resourceNames) {
    return decide(HostDevicesGate.KNOWN, subject, ref, manager, kubevirt, resourceNames);
  }

  static PermitDecision decide(
      HostDevicesGate gate,
      String subject,
      String ref,
      KubeVirtCrManager manager,
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
    DenialMessages messages = new DenialMessages(subject, ref, manager);
    switch (gate.decide(gates, disabled, version)) {
      case ON -> {}
      case DISABLED -> {
        return new PermitDecision.Deny(
            messages.gateDisabled(names, gate.onByDefaultIn(version) ? version : Optional.empty()));
      }
      case NOT_ENABLED -> {
        return new PermitDecision.Deny(messages.gateNotEnabled(names));
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
      return new PermitDecision.Deny(
          listed.isEmpty()
              ? messages.notListed(resource, selectorToAdd(manager, resource, pci))
              : messages.notExternal(resource));
    }
    return new PermitDecision.Permit(Optional.empty());
  }

  /**
   * A device ID to permit the resource under. HCO keys its {@code pciHostDevices} by selector, so
   * there only an unlisted one can be added: the Gen4 example, if free.
   */
  private static Optional<String> selectorToAdd(
      KubeVirtCrManager manager, String resource, List<V1PciHostDevice> pci) {
    if (manager instanceof KubeVirtCrManager.HyperConverged) {
      return pci.stream().anyMatch(d -> EXAMPLE_SELECTOR.equals(d.getPciVendorSelector()))
          ? Optional.empty()
          : Optional.of(EXAMPLE_SELECTOR);
    }
    return Optional.of(selectorFor(resource, pci));
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
