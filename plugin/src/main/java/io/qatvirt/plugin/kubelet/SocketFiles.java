package io.qatvirt.plugin.kubelet;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells a socket file somebody serves on from a stale one left by a dead process. */
public final class SocketFiles {
  private SocketFiles() {}

  /** True when a process accepts connections on {@code socket} right now. */
  public static boolean isServed(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * Makes {@code socket} free to bind: removes a stale file.
   *
   * @throws SocketInUseException when another live process serves on it
   */
  public static void claim(Path socket) throws IOException {
    if (isServed(socket)) {
      throw new SocketInUseException(
          "tried to serve on "
              + socket
              + ", but another live process is already serving there (a second"
              + " qat-device-plugin on this node?); stop it first");
    }
    Files.deleteIfExists(socket);
  }
}
