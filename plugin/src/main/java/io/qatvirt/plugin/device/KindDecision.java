package io.qatvirt.plugin.device;

import java.util.Objects;
import java.util.Optional;

/**
 * The resource kind chosen for the VFs of one PF, and why it fell back to {@code generic} when it
 * did.
 *
 * @param kind {@code generic}, {@code cy}, {@code dc}, {@code sym-dc}, ...: only {@code [a-z0-9-]}
 * @param fallbackReason why the PF's services could not name the resource; empty when they did
 */
public record KindDecision(String kind, Optional<String> fallbackReason) {

  public KindDecision {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(fallbackReason, "fallbackReason");
  }

  static KindDecision named(String kind) {
    return new KindDecision(kind, Optional.empty());
  }

  static KindDecision generic(String reason) {
    return new KindDecision(ResourceKinds.GENERIC, Optional.of(reason));
  }
}
