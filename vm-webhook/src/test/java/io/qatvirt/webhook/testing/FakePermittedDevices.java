package io.qatvirt.webhook.testing;

import io.qatvirt.webhook.permitted.PermitDecision;
import io.qatvirt.webhook.permitted.PermittedDevices;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Permitted devices for tests: a settable decision, cluster default eviction strategy and
 * readiness; remembers what it was asked.
 */
public final class FakePermittedDevices implements PermittedDevices {
  public final CopyOnWriteArrayList<List<String>> asked = new CopyOnWriteArrayList<>();
  private volatile PermitDecision decision = new PermitDecision.Permit(Optional.empty());
  private volatile Optional<String> defaultEvictionStrategy = Optional.empty();
  private volatile boolean ready = true;
  private volatile boolean closed;

  public void decide(PermitDecision decision) {
    this.decision = decision;
  }

  /** The KubeVirt CR's {@code spec.configuration.evictionStrategy}, or empty. */
  public void defaultEvictionStrategy(Optional<String> strategy) {
    this.defaultEvictionStrategy = strategy;
  }

  public void ready(boolean ready) {
    this.ready = ready;
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public PermitDecision check(Collection<String> resourceNames) {
    List<String> sorted = new ArrayList<>(resourceNames);
    sorted.sort(null);
    asked.add(List.copyOf(sorted));
    return decision;
  }

  @Override
  public Optional<String> defaultEvictionStrategy() {
    return defaultEvictionStrategy;
  }

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public void close() {
    closed = true;
  }
}
