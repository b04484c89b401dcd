package io.qatvirt.webhook.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.webhook.WebhookServer;
import io.qatvirt.webhook.admission.AdmissionController;
import io.qatvirt.webhook.admission.AdmissionReviewCodec;
import io.qatvirt.webhook.admission.Decision;
import io.qatvirt.webhook.http.JdkHttpsTransport;
import io.qatvirt.webhook.http.JettyHttpsTransport;
import io.qatvirt.webhook.http.ServerOptions;
import io.qatvirt.webhook.http.TransportFactory;
import io.qatvirt.webhook.mutation.InstancetypeLookup;
import io.qatvirt.webhook.mutation.MutatorConfig;
import io.qatvirt.webhook.mutation.QatMutator;
import io.qatvirt.webhook.permitted.PermittedDevices;
import io.qatvirt.webhook.testing.Reviews;
import io.qatvirt.webhook.testing.TestCertificates;
import io.qatvirt.webhook.tls.PemKeyPairFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Admission throughput and latency over TLS with keep-alive: {@code wrk} with 16 connections POSTs
 * a ~6 KB VMI AdmissionReview (asking for 2 QAT VFs, mutated by the real {@link QatMutator}) to
 * each HTTP server candidate in turn, and to nginx answering a fixed AdmissionReview as the
 * baseline, all on 127.0.0.1 in the same run. Not a test: run it by hand (see the README).
 *
 * <p>System properties: {@code bench.seconds} (10), {@code bench.warmup} (8), {@code
 * bench.connections} (16), {@code bench.transports} ({@code jetty,jdk}).
 */
public final class AdmissionBenchmark {
  private AdmissionBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 10);
    int warmup = Integer.getInteger("bench.warmup", 8);
    int connections = Integer.getInteger("bench.connections", 16);
    List<String> transports =
        List.of(System.getProperty("bench.transports", "jetty,jdk").split(","));

    Path work = Files.createTempDirectory("qat-webhook-bench");
    TestCertificates certificates = new TestCertificates();
    Path cert = work.resolve("tls.crt");
    Path key = work.resolve("tls.key");
    TestCertificates.write(
        certificates.issue("EC", 1), TestCertificates.KeyFormat.PKCS8, cert, key);
    String review = Reviews.vmiCreate();
    Path body = work.resolve("review.json");
    Files.writeString(body, review, StandardCharsets.UTF_8);
    Wrk wrk = new Wrk(work, body);

    QatMutator mutator =
        new QatMutator(
            MutatorConfig.defaults(),
            (namespace, kind, name) -> InstancetypeLookup.Answer.NO_HOST_DEVICES);
    String response = expectedResponse(mutator, review);
    System.out.printf(
        Locale.ROOT,
        "request %d bytes, response %d bytes, %d connections, %d s warm-up, %d s measured, %d cores%n",
        review.getBytes(StandardCharsets.UTF_8).length,
        response.length(),
        connections,
        warmup,
        seconds,
        Runtime.getRuntime().availableProcessors());

    Map<String, Wrk.Result> results = new LinkedHashMap<>();
    try (NginxBaseline nginx = new NginxBaseline(work, cert, key, response)) {
      wrk.run(nginx.port(), connections, 2);
      results.put("nginx (fixed response)", wrk.run(nginx.port(), connections, seconds));
    }
    for (String name : transports) {
      TransportFactory factory =
          switch (name.trim()) {
            case "jetty" -> JettyHttpsTransport::new;
            case "jdk" -> JdkHttpsTransport::new;
            default -> throw new IllegalArgumentException("unknown transport " + name);
          };
      try (WebhookServer server =
          new WebhookServer(
              new ServerOptions(
                  "127.0.0.1",
                  0,
                  32,
                  Duration.ofSeconds(2),
                  Duration.ofSeconds(30),
                  Duration.ofSeconds(5),
                  ServerOptions.DEFAULT_MAX_BODY_BYTES),
              new PemKeyPairFiles(cert, key),
              Duration.ofSeconds(5),
              mutator,
              PermittedDevices.disabled(),
              factory,
              Clock.systemUTC())) {
        server.start();
        wrk.run(server.port(), connections, warmup);
        results.put("webhook on " + name.trim(), wrk.run(server.port(), connections, seconds));
      }
    }
    print(results);
  }

  /** The response the webhook gives the fixture; nginx returns exactly this. */
  private static String expectedResponse(QatMutator mutator, String review) throws Exception {
    AdmissionReviewCodec codec = new AdmissionReviewCodec(new ObjectMapper());
    Decision decision =
        new AdmissionController(mutator, PermittedDevices.disabled(), codec)
            .review(codec.parse(review.getBytes(StandardCharsets.UTF_8)));
    if (decision.result() != Decision.Result.MUTATED) {
      throw new IllegalStateException("the fixture should be mutated, but was " + decision);
    }
    return new String(codec.write(decision.response()), StandardCharsets.UTF_8);
  }

  private static void print(Map<String, Wrk.Result> results) {
    Wrk.Result baseline = results.values().iterator().next();
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%-24s %10s %9s %9s %9s %8s  %s",
            "server",
            "req/s",
            "p50 ms",
            "p99 ms",
            "requests",
            "vs nginx",
            "targets (>= 0.5x nginx, p99 < 5 ms)"));
    for (Map.Entry<String, Wrk.Result> entry : results.entrySet()) {
      Wrk.Result r = entry.getValue();
      double ratio = r.requestsPerSecond() / baseline.requestsPerSecond();
      boolean met = ratio >= 0.5 && r.p99Millis() < 5;
      lines.add(
          String.format(
              Locale.ROOT,
              "%-24s %10.0f %9.3f %9.3f %9d %7.2fx  %s%s",
              entry.getKey(),
              r.requestsPerSecond(),
              r.p50Millis(),
              r.p99Millis(),
              r.requests(),
              ratio,
              r == baseline ? "baseline" : met ? "met" : "NOT met",
              r.problems().isEmpty() ? "" : "  (" + r.problems() + ")"));
    }
    lines.forEach(System.out::println);
  }
}
