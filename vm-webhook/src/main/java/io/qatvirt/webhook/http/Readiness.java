package io.qatvirt.webhook.http;

import java.util.Optional;

/** Why the webhook should not get traffic yet, if it shouldn't. */
@FunctionalInterface
public interface Readiness {
  Optional<String> notReadyReason();
}
