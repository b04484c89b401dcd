package io.qatvirt.webhook.cluster;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The KubeVirt custom resources the webhook reads, spelled out so no API discovery is needed. */
public final class KubeVirtResources {
  private KubeVirtResources() {}

  /** {@code kubevirt.io/v1} {@code KubeVirt} (namespaced, usually {@code kubevirt/kubevirt}). */
  public static final ResourceDefinitionContext KUBEVIRT =
      context("kubevirt.io", "v1", "KubeVirt", "kubevirts", true);

  /** {@code instancetype.kubevirt.io/v1beta1} {@code VirtualMachineInstancetype}. */
  public static final ResourceDefinitionContext INSTANCETYPE =
      context(
          "instancetype.kubevirt.io",
          "v1beta1",
          "VirtualMachineInstancetype",
          "virtualmachineinstancetypes",
          true);

  /** {@code instancetype.kubevirt.io/v1beta1} {@code VirtualMachineClusterInstancetype}. */
  public static final ResourceDefinitionContext CLUSTER_INSTANCETYPE =
      context(
          "instancetype.kubevirt.io",
          "v1beta1",
          "VirtualMachineClusterInstancetype",
          "virtualmachineclusterinstancetypes",
          false);

  private static ResourceDefinitionContext context(
      String group, String version, String kind, String plural, boolean namespaced) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(namespaced)
        .build();
  }
}
