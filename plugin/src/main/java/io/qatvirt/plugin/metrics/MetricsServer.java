package io.qatvirt.plugin.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.qatvirt.common.DaemonThreads;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves {@code /metrics} over HTTP with one thread. */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

  private final HTTPServer server;
  private final ExecutorService executor;

  /**
   * Starts serving.
   *
   * @param bindAddress {@code 0.0.0.0} on a node (Prometheus scrapes the pod IP), {@code 127.0.0.1}
   *     in tests
   * @param port 0 for an ephemeral port
   */
  public MetricsServer(PluginMetrics metrics, String bindAddress, int port) throws IOException {
    executor = Executors.newSingleThreadExecutor(DaemonThreads.named("metrics-http"));
    try {
      server =
          HTTPServer.builder()
              .hostname(bindAddress)
              .port(port)
              .registry(metrics.registry())
              .executorService(executor)
              .buildAndStart();
    } catch (IOException e) {
      executor.shutdownNow();
      throw new IOException(
          "tried to serve metrics on " + bindAddress + ":" + port + ", but " + e.getMessage(), e);
    }
    LOG.info("serving metrics on http://{}:{}/metrics", bindAddress, server.getPort());
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
    executor.shutdownNow();
  }
}
