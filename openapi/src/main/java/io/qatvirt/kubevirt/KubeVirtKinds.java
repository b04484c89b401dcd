package io.qatvirt.kubevirt;

import java.util.Set;

/**
 * The kinds of KubeVirt object that carry a VM's devices, as API requests and manifests name them.
 */
public final class KubeVirtKinds {
  private KubeVirtKinds() {}

  /** {@code kubevirt.io/v1} VirtualMachineInstance: one running VM. */
  public static final String VMI = "VirtualMachineInstance";

  /** {@code kubevirt.io/v1} VirtualMachine: a VM's definition, its VMI made from a template. */
  public static final String VM = "VirtualMachine";

  /** Both. */
  public static final Set<String> VM_KINDS = Set.of(VMI, VM);
}
