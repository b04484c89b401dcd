package io.qatvirt.plugin.kubelet;

import io.grpc.Server;
import io.qatvirt.plugin.device.Vf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resource as kubelet sees it: its service, the gRPC server on {@code
 * qat.intel.com-<kind>.sock} in the kubelet directory, and its registration. Used from one thread
 * (the device manager's).
 */
final class ResourceEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(ResourceEndpoint.class);

  private final DevicePluginService service;
  private final Path socket;
  private final GrpcTransport transport;
  private final Registrar registrar;
  private Optional<Server> server = Optional.empty();

  ResourceEndpoint(
      DevicePluginService service, Path kubeletDir, GrpcTransport transport, Registrar registrar) {
    this.service = service;
    this.socket = kubeletDir.resolve(socketName(service.resourceName()));
    this.transport = transport;
    this.registrar = registrar;
  }

  private static final Pattern RESOURCE_NAME =
      Pattern.compile("qat\\.intel\\.com/[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");

  /** Whether kubelet would accept the name and its socket file stays inside the directory. */
  static boolean validResourceName(String resourceName) {
    return RESOURCE_NAME.matcher(resourceName).matches();
  }

  /** {@code qat.intel.com/generic} is served on {@code qat.intel.com-generic.sock}. */
  static String socketName(String resourceName) {
    return resourceName.replace('/', '-') + ".sock";
  }

  DevicePluginService service() {
    return service;
  }

  Path socket() {
    return socket;
  }

  /** Serves on a fresh socket and registers. */
  void start() {
    serve();
    registrar.register(service.resourceName(), socket.getFileName().toString());
  }

  /** Serves again and re-registers when the socket file is gone (kubelet removed it). */
  void serveIfSocketGone() {
    if (server.isEmpty() || !Files.exists(socket)) {
      LOG.info("socket {} of {} is gone, serving again", socket, service.resourceName());
      start();
    }
  }

  /** Registers again (kubelet restarted), serving anew first if the socket is gone. */
  void reregister() {
    if (server.isEmpty() || !Files.exists(socket)) {
      serveIfSocketGone();
    } else {
      registrar.register(service.resourceName(), socket.getFileName().toString());
    }
  }

  void publish(List<Vf> vfs) {
    service.publish(vfs);
  }

  /** Closes the streams, stops the server and removes the socket file. */
  void stop() {
    registrar.cancel(service.resourceName());
    shutdownServer();
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.warn("tried to remove socket {}, but {}", socket, e.toString());
    }
    LOG.info("stopped serving {} on {}", service.resourceName(), socket);
  }

  private void serve() {
    shutdownServer();
    try {
      SocketFiles.claim(socket);
      server = Optional.of(transport.serve(socket, service));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "tried to serve " + service.resourceName() + " on " + socket + ", but " + e, e);
    }
    LOG.info("serving {} on {}", service.resourceName(), socket);
  }

  private void shutdownServer() {
    if (server.isEmpty()) {
      return;
    }
    service.closeStreams();
    Server old = server.get();
    server = Optional.empty();
    old.shutdown();
    try {
      if (!old.awaitTermination(1, TimeUnit.SECONDS)) {
        old.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      old.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
