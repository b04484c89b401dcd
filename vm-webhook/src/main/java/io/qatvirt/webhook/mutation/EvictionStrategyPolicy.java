package io.qatvirt.webhook.mutation;

import java.util.Arrays;
import java.util.Optional;

/**
 * {@code --eviction-strategy}: what the webhook does about a QAT VM's {@code evictionStrategy}. A
 * VM with host devices cannot live-migrate, so an effective {@code LiveMigrate} (its own, or the
 * cluster default) blocks node drains and upgrades while it runs. A strategy the VM sets itself is
 * never changed.
 */
public enum EvictionStrategyPolicy {
  /** Warn when the effective strategy is {@code LiveMigrate}; patch nothing (the default). */
  WARN("warn", Optional.empty()),
  /** Add {@code evictionStrategy: None} to a QAT VM that sets none; warn as {@link #WARN}. */
  SET_NONE("set-none", Optional.of(EvictionCheck.NONE)),
  /** Add {@code evictionStrategy: LiveMigrateIfPossible} to a QAT VM that sets none; warn. */
  SET_IF_POSSIBLE("set-if-possible", Optional.of(EvictionCheck.LIVE_MIGRATE_IF_POSSIBLE)),
  /** Neither look nor warn. */
  OFF("off", Optional.empty());

  private final String flagValue;
  private final Optional<String> sets;

  EvictionStrategyPolicy(String flagValue, Optional<String> sets) {
    this.flagValue = flagValue;
    this.sets = sets;
  }

  /** As written on the command line: {@code set-if-possible}. */
  public String flagValue() {
    return flagValue;
  }

  /** The strategy added to a QAT VM that has none; empty when nothing is added. */
  public Optional<String> sets() {
    return sets;
  }

  public static Optional<EvictionStrategyPolicy> ofFlag(String value) {
    return Arrays.stream(values()).filter(p -> p.flagValue.equals(value)).findFirst();
  }
}
