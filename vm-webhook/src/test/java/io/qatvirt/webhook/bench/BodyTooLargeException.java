package io.qatvirt.webhook.bench;

/** A request body that went past the limit while being read. */
final class BodyTooLargeException extends Exception {
  BodyTooLargeException(long limit) {
    super("the request body is larger than " + limit + " bytes");
  }
}
