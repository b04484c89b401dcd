package io.qatvirt.plugin.testing;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.qatvirt.plugin.kubelet.GrpcTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * In-process gRPC named after the socket path. A plain file stands in for the socket file so that
 * code watching the directory sees it come and go.
 */
public final class InProcessTransport implements GrpcTransport {

  @Override
  public Server serve(Path socket, BindableService service) throws IOException {
    Server server =
        InProcessServerBuilder.forName(socket.toString())
            .directExecutor()
            .addService(service)
            .build()
            .start();
    Files.writeString(socket, "");
    return server;
  }

  @Override
  public ManagedChannel dial(Path socket) {
    return InProcessChannelBuilder.forName(socket.toString()).directExecutor().build();
  }
}
