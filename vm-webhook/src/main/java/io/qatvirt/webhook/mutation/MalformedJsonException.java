package io.qatvirt.webhook.mutation;

import java.io.IOException;

/** Text that is not one well-formed JSON value; the message says what and at which byte. */
public final class MalformedJsonException extends IOException {
  MalformedJsonException(String message) {
    super(message);
  }
}
