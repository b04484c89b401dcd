package io.qatvirt.webhook.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
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

  /** Where KubeVirt CRs are listed and watched. */
  public static final String KUBEVIRTS = "/apis/kubevirt.io/v1/kubevirts";

  /** A list of KubeVirt CRs (not a watch), to stub with {@code willReturn}. */
  public static MappingBuilder kubeVirtList() {
    return get(urlPathEqualTo(KUBEVIRTS)).withQueryParam("watch", absent());
  }

  /** The body of a KubeVirt CR list holding {@code items} (JSON objects). */
  public static String kubeVirtListBody(String... items) {
    return "{\"apiVersion\": \"kubevirt.io/v1\", \"kind\": \"KubeVirtList\", \"metadata\":"
        + " {\"resourceVersion\": \"100\"}, \"items\": ["
        + String.join(", ", items)
        + "]}";
  }

  /**
   * A watch of KubeVirt CRs that stays open for {@code millis} (whole seconds), sending {@code
   * events} first and then a bookmark every 100 ms; the informer then watches again.
   */
  public void stubKubeVirtWatch(String events, int millis) {
    StringBuilder bookmarks = new StringBuilder();
    for (int i = 0; i < millis / 100; i++) {
      bookmarks.append(
          "{\"type\": \"BOOKMARK\", \"object\": {\"apiVersion\": \"kubevirt.io/v1\", \"kind\":"
              + " \"KubeVirt\", \"metadata\": {\"resourceVersion\": \"100\"}}}\n");
    }
    wireMock.stubFor(
        get(urlPathEqualTo(KUBEVIRTS))
            .withQueryParam("watch", equalTo("true"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(events + bookmarks)
                    .withChunkedDribbleDelay(millis / 1000, millis)));
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
