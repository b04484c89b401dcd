package io.qatvirt.plugin.testing;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.qatvirt.plugin.kubelet.GrpcTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * gRPC over Unix domain sockets with Netty's epoll transport, for the test side of the wire: a fake
 * kubelet or query on a different gRPC implementation than the plugin's own ({@link
 * io.qatvirt.plugin.kubelet.UnixSocketTransport}, OkHttp), as the real kubelet (grpc-go) is.
 */
public final class NettyUnixTransport implements GrpcTransport, AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  public NettyUnixTransport() {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "tried to load Netty's epoll transport for Unix sockets, but it is unavailable: "
              + Epoll.unavailabilityCause());
    }
    boss = new EpollEventLoopGroup(1, new DefaultThreadFactory("grpc-accept", true));
    workers = new EpollEventLoopGroup(1, new DefaultThreadFactory("grpc-io", true));
  }

  @Override
  public Server serve(Path socket, BindableService service) throws IOException {
    return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .directExecutor()
        .addService(service)
        .build()
        .start();
  }

  @Override
  public ManagedChannel dial(Path socket) {
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(workers)
        .overrideAuthority("localhost")
        .directExecutor()
        .usePlaintext()
        .build();
  }

  @Override
  public void close() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
