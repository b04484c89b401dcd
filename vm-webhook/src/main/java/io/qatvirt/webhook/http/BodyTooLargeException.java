package io.qatvirt.webhook.http;

/** A request body that went past the limit while being read. */
public final class BodyTooLargeException extends Exception {
  public BodyTooLargeException(long limit) {
    super("the request body is larger than " + limit + " bytes");
  }
}
