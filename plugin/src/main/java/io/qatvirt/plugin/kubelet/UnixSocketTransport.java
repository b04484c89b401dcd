package io.qatvirt.plugin.kubelet;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.okhttp.OkHttpChannelBuilder;
import io.grpc.okhttp.OkHttpServerBuilder;
import io.qatvirt.common.DaemonThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

/**
 * gRPC over Unix domain sockets with gRPC's OkHttp transport on the JDK's own Unix socket channels
 * (no native library). Chosen over Netty for its footprint: the plugin's resident memory is mostly
 * loaded classes, and Netty brings many more of them (the README's benchmarks say how many).
 *
 * <p>OkHttp blocks a thread per connection on reads; kubelet opens one connection per socket, so
 * that is a handful of threads. Handlers never block, so calls run on those reader threads (no
 * extra pool). OkHttp's client transport only dials {@code InetSocketAddress}es, so channels are
 * given a placeholder loopback address that the socket factory ignores: it connects to the Unix
 * socket instead, and nothing goes over TCP.
 *
 * <p>grpc-java marks {@code OkHttpServerBuilder} experimental (grpc-java issue 1785): a gRPC
 * upgrade may change it. The fake kubelet in the tests speaks Netty to this transport, so an
 * upgrade that breaks the wire or the builder fails the suite.
 */
public final class UnixSocketTransport implements GrpcTransport, AutoCloseable {
  private static final String PLACEHOLDER_TARGET = "127.0.0.1:1";

  private final ExecutorService threads =
      Executors.newCachedThreadPool(DaemonThreads.numbered("grpc-io"));

  @Override
  public Server serve(Path socket, BindableService service) throws IOException {
    return OkHttpServerBuilder.forPort(
            UnixDomainSocketAddress.of(socket), InsecureServerCredentials.create())
        .socketFactory(new ServerSockets())
        .transportExecutor(threads)
        .directExecutor()
        .addService(service)
        .build()
        .start();
  }

  @Override
  public ManagedChannel dial(Path socket) {
    return OkHttpChannelBuilder.forTarget(PLACEHOLDER_TARGET)
        .socketFactory(new Sockets(socket))
        .transportExecutor(threads)
        .proxyDetector(address -> null)
        .overrideAuthority("localhost")
        .directExecutor()
        .usePlaintext()
        .build();
  }

  @Override
  public void close() {
    threads.shutdown();
    try {
      if (!threads.awaitTermination(1, TimeUnit.SECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static final class ServerSockets extends ServerSocketFactory {
    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new UnixDomainServerSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port) {
      throw new UnsupportedOperationException("listens on Unix sockets only");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) {
      throw new UnsupportedOperationException("listens on Unix sockets only");
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) {
      throw new UnsupportedOperationException("listens on Unix sockets only");
    }
  }

  /** Every socket it creates is connected to one Unix socket, whatever address it is asked for. */
  private static final class Sockets extends SocketFactory {
    private final Path path;

    Sockets(Path path) {
      this.path = Objects.requireNonNull(path, "path");
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return UnixDomainSocket.connect(path);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return UnixDomainSocket.connect(path);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return UnixDomainSocket.connect(path);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort)
        throws IOException {
      return UnixDomainSocket.connect(path);
    }
  }
}
