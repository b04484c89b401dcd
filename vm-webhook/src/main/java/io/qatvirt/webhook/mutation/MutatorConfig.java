package io.qatvirt.webhook.mutation;

import java.util.Objects;
import java.util.Set;

/**
 * What the mutator accepts: resources under {@code resourcePrefix} (e.g. {@code qat.intel.com})
 * whose name after the prefix is in {@code allowedResources}, at most {@code maxVfsPerVm} VFs per
 * resource; and what it does about a QAT VM's {@code evictionStrategy}.
 */
public record MutatorConfig(
    String resourcePrefix,
    Set<String> allowedResources,
    int maxVfsPerVm,
    EvictionStrategyPolicy evictionStrategy) {

  public static final String DEFAULT_PREFIX = "qat.intel.com";
  public static final Set<String> DEFAULT_ALLOWED =
      Set.of("generic", "cy", "dc", "sym", "asym", "sym-dc", "asym-dc", "dcc", "decomp");
  public static final int DEFAULT_MAX_VFS_PER_VM = 16;

  public MutatorConfig {
    Objects.requireNonNull(resourcePrefix, "resourcePrefix");
    Objects.requireNonNull(evictionStrategy, "evictionStrategy");
    allowedResources = Set.copyOf(allowedResources);
    if (maxVfsPerVm < 1) {
      throw new IllegalArgumentException("maxVfsPerVm must be positive: " + maxVfsPerVm);
    }
  }

  /** With the default {@link EvictionStrategyPolicy#WARN}. */
  public MutatorConfig(String resourcePrefix, Set<String> allowedResources, int maxVfsPerVm) {
    this(resourcePrefix, allowedResources, maxVfsPerVm, EvictionStrategyPolicy.WARN);
  }

  public static MutatorConfig defaults() {
    return new MutatorConfig(DEFAULT_PREFIX, DEFAULT_ALLOWED, DEFAULT_MAX_VFS_PER_VM);
  }
}
