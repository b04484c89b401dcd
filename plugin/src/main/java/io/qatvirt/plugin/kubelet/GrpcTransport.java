package io.qatvirt.plugin.kubelet;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How gRPC servers and channels reach a socket path: OkHttp over Unix sockets in production ({@link
 * UnixSocketTransport}); in tests also Netty (the fake kubelet's side) and in-process.
 */
public interface GrpcTransport {

  /** Builds and starts a server for one service listening on {@code socket}. */
  Server serve(Path socket, BindableService service) throws IOException;

  /** A channel to the server listening on {@code socket}. */
  ManagedChannel dial(Path socket);
}
