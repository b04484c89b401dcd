package io.qatvirt.plugin.kubelet;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening Unix domain socket seen through {@link ServerSocket}, for gRPC's OkHttp server. Binds
 * only {@link UnixDomainSocketAddress}es; accepted connections are {@link UnixDomainSocket}s.
 * Closing it from another thread ends a blocked {@link #accept()} with an exception, which is how
 * the OkHttp server stops its accept loop.
 */
final class UnixDomainServerSocket extends ServerSocket {
  private final ServerSocketChannel channel;
  private volatile Path boundFile;

  UnixDomainServerSocket() throws IOException {
    channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
  }

  @Override
  public void bind(SocketAddress endpoint) throws IOException {
    bind(endpoint, 0);
  }

  @Override
  public void bind(SocketAddress endpoint, int backlog) throws IOException {
    if (!(endpoint instanceof UnixDomainSocketAddress)) {
      throw new SocketException("not a Unix socket address: " + endpoint);
    }
    channel.bind(endpoint, backlog);
    boundFile = ((UnixDomainSocketAddress) endpoint).getPath();
  }

  @Override
  public Socket accept() throws IOException {
    return new UnixDomainSocket(channel.accept());
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return UnixDomainSocket.addressOrNull(channel::getLocalAddress);
  }

  @Override
  public boolean isBound() {
    return getLocalSocketAddress() != null;
  }

  @Override
  public boolean isClosed() {
    return !channel.isOpen();
  }

  /** Closes the socket and removes its file, as Netty's and Go's Unix listeners do. */
  @Override
  public void close() throws IOException {
    channel.close();
    Path file = boundFile;
    boundFile = null;
    if (file != null) {
      Files.deleteIfExists(file);
    }
  }

  @Override
  public String toString() {
    return "UnixDomainServerSocket[" + getLocalSocketAddress() + "]";
  }
}
