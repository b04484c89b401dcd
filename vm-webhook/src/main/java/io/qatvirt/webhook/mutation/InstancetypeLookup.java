package io.qatvirt.webhook.mutation;

/**
 * Tells whether the instancetype a VirtualMachine references defines {@code hostDevices} (then
 * KubeVirt would report a conflict with injected ones).
 */
@FunctionalInterface
public interface InstancetypeLookup {

  /** What is known of an instancetype's host devices. */
  enum Answer {
    /** The instancetype exists and defines no host devices. */
    NO_HOST_DEVICES,
    /** The instancetype defines host devices. */
    DEFINES_HOST_DEVICES,
    /** It couldn't be told (API server unreachable, instancetype missing). */
    UNKNOWN
  }

  /**
   * @param namespace the VM's namespace (for a namespaced {@code VirtualMachineInstancetype})
   * @param kind {@code VirtualMachineInstancetype} or {@code VirtualMachineClusterInstancetype}
   * @param name the instancetype's name
   */
  Answer hostDevices(String namespace, String kind, String name);
}
