package io.qatvirt.plugin.kubelet;

/** Another live process serves on the socket this plugin needs. */
public final class SocketInUseException extends RuntimeException {
  public SocketInUseException(String message) {
    super(message);
  }
}
