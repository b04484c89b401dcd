package io.qatvirt.webhook.tls;

/** A certificate or key file that can't be used; the message says which file and why. */
public final class KeyMaterialException extends Exception {
  public KeyMaterialException(String message) {
    super(message);
  }

  public KeyMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
