package io.qatvirt.webhook.cluster;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * WireMock on 127.0.0.1 (ephemeral port, no gzip so streamed watch events arrive as sent) playing
 * the Kubernetes API server, and a fabric8 client pointed at it that gives up quickly (no request
 * retries, short timeouts) and watches over plain HTTP streaming.
 */
public final class FakeApiServer implements AutoCloseable {
  private final WireMockServer wireMock;

  public FakeApiServer() {
    wireMock =
        new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().gzipDisabled(true));
    wireMock.start();
  }

  public WireMockServer wireMock() {
    return wireMock;
  }

  public KubernetesClient client() {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + wireMock.port())
            .withNamespace("default")
            // WireMock can't upgrade to WebSocket; fabric8 would try that first, then fall back.
            .withOnlyHttpWatches(true)
            .withRequestRetryBackoffLimit(0)
            .withRequestRetryBackoffInterval(100)
            .withWatchReconnectInterval(200)
            .withConnectionTimeout(2_000)
            .withRequestTimeout(5_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Stops answering: the API server went away. */
  public void stop() {
    if (wireMock.isRunning()) {
      wireMock.stop();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
