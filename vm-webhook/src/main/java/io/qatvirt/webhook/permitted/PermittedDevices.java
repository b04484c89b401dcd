package io.qatvirt.webhook.permitted;

import java.util.Collection;

/**
 * The KubeVirt CR's view of host devices: is the {@code HostDevices} feature gate on, and does
 * {@code permittedHostDevices.pciHostDevices} list each resource with {@code
 * externalResourceProvider: true}. Answers from memory and never waits on I/O: the webhook asks it
 * on a connection's I/O thread.
 */
public interface PermittedDevices extends AutoCloseable {

  /** Decides for the full resource names a VM asks for ({@code qat.intel.com/generic}, …). */
  PermitDecision check(Collection<String> resourceNames);

  /**
   * The same, with who asks named in the messages.
   *
   * @param subject e.g. {@code VirtualMachine ns/name}
   */
  default PermitDecision check(String subject, Collection<String> resourceNames) {
    return check(resourceNames);
  }

  /** True once the watch has synced (or when checking is off). */
  boolean ready();

  @Override
  void close();

  /** For {@code --check-permitted=false}: permits everything, always ready. */
  static PermittedDevices disabled() {
    return new PermittedDevices() {
      @Override
      public PermitDecision check(Collection<String> resourceNames) {
        return new PermitDecision.Permit(java.util.Optional.empty());
      }

      @Override
      public boolean ready() {
        return true;
      }

      @Override
      public void close() {}
    };
  }
}
