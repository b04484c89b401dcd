package io.qatvirt.webhook.permitted;

import java.util.Map;

/**
 * Where an admin changes the KubeVirt CR's configuration, as the CR's labels tell: in the CR itself
 * (plain KubeVirt), or, when the HyperConverged operator (HCO) manages it as on OpenShift
 * Virtualization, in the HyperConverged CR it is copied from (HCO reverts edits made to the
 * KubeVirt CR). Pure.
 */
public sealed interface KubeVirtCrManager {
  /** The label HCO puts on the KubeVirt CR it writes, with the value {@link #HCO}. */
  String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  String HCO = "hco-operator";

  /** HCO names the KubeVirt CR after the HyperConverged CR, with this prefix. */
  String HCO_NAME_PREFIX = "kubevirt-";

  /** Edited directly: the KubeVirt CR's own spec is the configuration. */
  record Direct() implements KubeVirtCrManager {}

  /**
   * Written by HCO from the HyperConverged CR {@code namespace/name}.
   *
   * @param namespace the KubeVirt CR's (HCO writes it in its own namespace)
   * @param name the HyperConverged CR's
   */
  record HyperConverged(String namespace, String name) implements KubeVirtCrManager {
    /** {@code namespace/name}, as the messages name it. */
    public String ref() {
      return namespace + "/" + name;
    }
  }

  /**
   * Who manages the KubeVirt CR {@code namespace/name} with these labels: HCO when {@value
   * #MANAGED_BY_LABEL} is {@value #HCO} (the HyperConverged CR's name is the KubeVirt CR's without
   * {@value #HCO_NAME_PREFIX}), else nobody.
   */
  static KubeVirtCrManager of(String namespace, String name, Map<String, String> labels) {
    if (!HCO.equals(labels.get(MANAGED_BY_LABEL))) {
      return new Direct();
    }
    return new HyperConverged(
        namespace,
        name.startsWith(HCO_NAME_PREFIX) && name.length() > HCO_NAME_PREFIX.length()
            ? name.substring(HCO_NAME_PREFIX.length())
            : name);
  }
}
