package io.qatvirt.webhook.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.qatvirt.webhook.admission.Decision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/** The webhook's Prometheus metrics, in a registry of its own (no global state). */
public final class WebhookMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
  private final Counter reviews;
  private final Counter denials;
  private final Counter rejectedHttp;
  private final Histogram latency;
  private final Counter certificateReloads;

  /**
   * @param certificateNotAfter the current certificate's expiry, epoch seconds
   */
  public WebhookMetrics(Supplier<Double> certificateNotAfter) {
    reviews =
        Counter.builder()
            .name("qat_webhook_admission_reviews_total")
            .help("AdmissionReviews answered, by result")
            .labelNames("result")
            .register(registry);
    denials =
        Counter.builder()
            .name("qat_webhook_admission_denials_total")
            .help("AdmissionReviews answered with allowed=false, by reason")
            .labelNames("reason")
            .register(registry);
    rejectedHttp =
        Counter.builder()
            .name("qat_webhook_http_rejections_total")
            .help("HTTP requests refused before admission (bad method, type, size, JSON)")
            .labelNames("code")
            .register(registry);
    latency =
        Histogram.builder()
            .name("qat_webhook_admission_duration_seconds")
            .help("Time from a complete request body to a serialized AdmissionReview response")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1)
            .register(registry);
    certificateReloads =
        Counter.builder()
            .name("qat_webhook_certificate_reloads_total")
            .help("Attempts to load a changed TLS certificate and key, by result")
            .labelNames("result")
            .register(registry);
    GaugeWithCallback.builder()
        .name("qat_webhook_certificate_expiry_timestamp_seconds")
        .help("notAfter of the TLS certificate being served, in seconds since the epoch")
        .callback(callback -> callback.call(certificateNotAfter.get()))
        .register(registry);
    for (Decision.Result result : Decision.Result.values()) {
      reviews.labelValues(result.label());
      if (result.denied()) {
        denials.labelValues(reason(result));
      }
    }
  }

  public void reviewed(Decision.Result result, long nanos) {
    reviews.labelValues(result.label()).inc();
    if (result.denied()) {
      denials.labelValues(reason(result)).inc();
    }
    latency.observe(nanos / 1e9);
  }

  public void httpRejected(int code) {
    rejectedHttp.labelValues(Integer.toString(code)).inc();
  }

  public void certificateReloaded(boolean success) {
    certificateReloads.labelValues(success ? "success" : "failure").inc();
  }

  private static String reason(Decision.Result result) {
    return switch (result) {
      case DENIED_REQUEST -> "request";
      case DENIED_NOT_PERMITTED -> "not_permitted";
      case DENIED_INTERNAL_ERROR -> "internal_error";
      default -> throw new IllegalArgumentException(result + " is not a denial");
    };
  }

  public String contentType() {
    return writer.getContentType();
  }

  /** The Prometheus text exposition of every metric. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
