package io.qatvirt.webhook.http;

import io.qatvirt.webhook.admission.AdmissionController;
import io.qatvirt.webhook.admission.AdmissionRequest;
import io.qatvirt.webhook.admission.AdmissionReviewCodec;
import io.qatvirt.webhook.admission.BadReviewException;
import io.qatvirt.webhook.admission.Decision;
import io.qatvirt.webhook.metrics.WebhookMetrics;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's HTTP endpoints, independent of the server library: {@code POST /mutate}, {@code GET
 * /healthz}, {@code GET /readyz}, {@code GET /metrics}. A transport first asks {@link #screen}
 * (before reading any body), then reads at most {@link #maxBodyBytes()} and calls {@link #answer}
 * on a thread that may wait (a VM's instancetype is looked up on the API server).
 */
public final class WebhookEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpoints.class);
  static final String MUTATE = "/mutate";

  private final AdmissionController controller;
  private final AdmissionReviewCodec codec;
  private final Readiness readiness;
  private final WebhookMetrics metrics;
  private final long maxBodyBytes;

  public WebhookEndpoints(
      AdmissionController controller,
      AdmissionReviewCodec codec,
      Readiness readiness,
      WebhookMetrics metrics,
      long maxBodyBytes) {
    this.controller = controller;
    this.codec = codec;
    this.readiness = readiness;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Refuses a request from its request line and headers alone, or returns empty to go on.
   *
   * @param contentType the Content-Type header, or null
   * @param contentLength the Content-Length header, or -1 when absent (chunked)
   */
  public Optional<HttpReply> screen(
      String method, String path, String contentType, long contentLength) {
    switch (path) {
      case MUTATE -> {
        if (!"POST".equals(method)) {
          return Optional.of(reject(methodNotAllowed("POST", method, path)));
        }
        if (!isJson(contentType)) {
          return Optional.of(
              reject(
                  HttpReply.text(
                      415,
                      "tried to read an AdmissionReview, but the Content-Type is '"
                          + (contentType == null ? "" : contentType)
                          + "'; expected application/json")));
        }
        if (contentLength > maxBodyBytes) {
          return Optional.of(tooLarge());
        }
        return Optional.empty();
      }
      case "/healthz", "/readyz", "/metrics" -> {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
          return Optional.of(reject(methodNotAllowed("GET", method, path)));
        }
        return Optional.empty();
      }
      default -> {
        return Optional.of(reject(HttpReply.text(404, "no such endpoint: " + path)));
      }
    }
  }

  /** The 413 reply; the connection is closed since the body was left unread. */
  public HttpReply tooLarge() {
    HttpReply reply =
        HttpReply.text(
            413,
            "tried to read the AdmissionReview, but the body is larger than "
                + maxBodyBytes
                + " bytes");
    return reject(new HttpReply(reply.status(), reply.contentType(), reply.body(), Map.of(), true));
  }

  /** Answers a request that passed {@link #screen}, with its whole body. */
  public HttpReply answer(String path, byte[] body) {
    if (!MUTATE.equals(path)) {
      return withoutBody(path);
    }
    long start = System.nanoTime();
    AdmissionRequest request;
    try {
      request = codec.parse(body);
    } catch (BadReviewException e) {
      LOG.info("refused a request to {}: {}", MUTATE, e.getMessage());
      return reject(HttpReply.text(400, e.getMessage()));
    }
    return review(request, start);
  }

  /** The endpoints other than {@code /mutate}, which read no body. */
  private HttpReply withoutBody(String path) {
    return switch (path) {
      case "/healthz" -> HttpReply.text(200, "ok");
      case "/readyz" ->
          readiness
              .notReadyReason()
              .map(reason -> HttpReply.text(503, "not ready: " + reason))
              .orElseGet(() -> HttpReply.text(200, "ok"));
      case "/metrics" ->
          new HttpReply(200, metrics.contentType(), metrics.scrape(), Map.of(), false);
      default -> reject(HttpReply.text(404, "no such endpoint: " + path));
    };
  }

  private HttpReply review(AdmissionRequest request, long start) {
    Decision decision = controller.review(request);
    byte[] answer = codec.write(decision.response());
    metrics.reviewed(decision.result(), System.nanoTime() - start);
    return HttpReply.json(answer);
  }

  private HttpReply reject(HttpReply reply) {
    metrics.httpRejected(reply.status());
    return reply;
  }

  private static HttpReply methodNotAllowed(String allowed, String method, String path) {
    HttpReply text =
        HttpReply.text(405, method + " is not allowed on " + path + "; use " + allowed);
    return new HttpReply(405, text.contentType(), text.body(), Map.of("Allow", allowed), false);
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return mediaType.trim().toLowerCase(Locale.ROOT).equals("application/json");
  }
}
