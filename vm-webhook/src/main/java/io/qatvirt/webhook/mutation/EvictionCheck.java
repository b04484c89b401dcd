package io.qatvirt.webhook.mutation;

import java.util.Objects;
import java.util.Optional;

/**
 * A QAT VM's drain behaviour, to judge once the cluster's default {@code evictionStrategy} is known
 * (the mutator doesn't know it; the admission controller asks the KubeVirt CR). Pure.
 *
 * <p>KubeVirt's strategies: {@code LiveMigrate} refuses to evict a VMI it cannot migrate, so a VM
 * with host devices blocks the drain; {@code LiveMigrateIfPossible} and {@code None} shut it down
 * (a VM then restarts per its {@code runStrategy}); {@code External} hands eviction to another
 * controller on purpose (cluster-api-provider-kubevirt) and is left alone. With no strategy
 * anywhere KubeVirt uses {@code None}.
 *
 * @param subject who, for the message: {@code VirtualMachine ns/name}
 * @param field where the object's strategy is: {@code spec.template.spec.evictionStrategy} or
 *     {@code spec.evictionStrategy}
 * @param own the strategy the object has once patched; empty when it leaves it to the cluster
 */
public record EvictionCheck(String subject, String field, Optional<String> own) {
  public static final String LIVE_MIGRATE = "LiveMigrate";
  public static final String LIVE_MIGRATE_IF_POSSIBLE = "LiveMigrateIfPossible";
  public static final String NONE = "None";

  public EvictionCheck {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(own, "own");
  }

  /**
   * The warning for an admission response when the effective strategy is {@code LiveMigrate}.
   *
   * @param clusterDefault the KubeVirt CR's {@code spec.configuration.evictionStrategy}
   */
  public Optional<String> warning(Optional<String> clusterDefault) {
    String whose;
    if (own.isPresent()) {
      whose = "its own";
    } else if (clusterDefault.isPresent()) {
      whose = "the cluster default in the KubeVirt CR";
    } else {
      return Optional.empty();
    }
    if (!LIVE_MIGRATE.equals(own.or(() -> clusterDefault).orElseThrow())) {
      return Optional.empty();
    }
    return Optional.of(
        subject
            + " has QAT host devices and cannot live-migrate, so evictionStrategy "
            + LIVE_MIGRATE
            + " ("
            + whose
            + ") blocks node drains and upgrades while it runs: set "
            + field
            + ": "
            + LIVE_MIGRATE_IF_POSSIBLE
            + " (or "
            + NONE
            + ") to let a drain shut it down");
  }
}
