package io.qatvirt.plugin.kubelet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A connected Unix domain socket seen through {@link Socket}, for gRPC's OkHttp transport, which
 * only speaks {@code java.net.Socket}. The JDK's own adaptor ({@code SocketChannel.socket()}) is
 * not available for Unix domain channels.
 *
 * <p>Reads and writes go straight to the blocking channel, which has separate read and write locks:
 * one thread may sit in a read while another writes (the streams of {@code
 * java.nio.channels.Channels} hold one lock for both on JDK 17). Closing from any thread wakes a
 * blocked reader. Every {@link Socket} method OkHttp calls is overridden, so the unused TCP
 * implementation behind the superclass never opens a descriptor; TCP-only options are no-ops.
 */
final class UnixDomainSocket extends Socket {
  private final SocketChannel channel;
  private final InputStream in = new In();
  private final OutputStream out = new Out();

  UnixDomainSocket(SocketChannel channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
  }

  /** Connects to the server listening on {@code path}. */
  static UnixDomainSocket connect(Path path) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(path));
      return new UnixDomainSocket(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public InputStream getInputStream() throws IOException {
    ensureOpen();
    return in;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    ensureOpen();
    return out;
  }

  /** Unix sockets have no Nagle algorithm to turn off. */
  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    ensureOpen();
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    ensureOpen();
    return true;
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    if (timeout != 0) {
      throw new SocketException("read timeouts are not supported on this Unix socket");
    }
  }

  @Override
  public int getSoTimeout() {
    return 0;
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return addressOrNull(channel::getLocalAddress);
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return addressOrNull(channel::getRemoteAddress);
  }

  /** An address a closed channel can no longer tell: null, as {@link Socket}'s methods return. */
  interface AddressQuery {
    SocketAddress get() throws IOException;
  }

  static SocketAddress addressOrNull(AddressQuery query) {
    try {
      return query.get();
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public boolean isConnected() {
    return channel.isConnected();
  }

  @Override
  public boolean isBound() {
    return true;
  }

  @Override
  public boolean isClosed() {
    return !channel.isOpen();
  }

  @Override
  public void shutdownInput() throws IOException {
    channel.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "UnixDomainSocket[local="
        + getLocalSocketAddress()
        + ", remote="
        + getRemoteSocketAddress()
        + "]";
  }

  private void ensureOpen() throws SocketException {
    if (!channel.isOpen()) {
      throw new SocketException("Socket is closed");
    }
  }

  private final class In extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      return channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public void close() throws IOException {
      UnixDomainSocket.this.close();
    }
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }

    @Override
    public void close() throws IOException {
      UnixDomainSocket.this.close();
    }
  }
}
