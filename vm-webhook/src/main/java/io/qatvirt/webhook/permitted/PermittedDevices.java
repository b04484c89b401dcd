package io.qatvirt.webhook.permitted;

import java.util.Collection;
import java.util.Optional;

/**
 * The KubeVirt CR's view of host devices: is the {@code HostDevices} feature gate on, does {@code
 * permittedHostDevices.pciHostDevices} list each resource with {@code externalResourceProvider:
 * true}, and what is the cluster's default {@code evictionStrategy}. Answers from memory and never
 * waits on I/O: the webhook asks it on a connection's I/O thread.
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

  /**
   * The cluster's default {@code evictionStrategy} (the KubeVirt CR's {@code
   * spec.configuration.evictionStrategy}, which a VM's own overrides): empty when the CR doesn't
   * set one, when there is no CR, or when it hasn't been read (KubeVirt then uses {@code None}).
   */
  Optional<String> defaultEvictionStrategy();

  /** True once the watch has synced (or when checking is off). */
  boolean ready();

  @Override
  void close();

  /**
   * For {@code --check-permitted=false}: permits everything, always ready, knows no cluster
   * default.
   */
  static PermittedDevices disabled() {
    return new PermittedDevices() {
      @Override
      public PermitDecision check(Collection<String> resourceNames) {
        return new PermitDecision.Permit(Optional.empty());
      }

      @Override
      public Optional<String> defaultEvictionStrategy() {
        return Optional.empty();
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
