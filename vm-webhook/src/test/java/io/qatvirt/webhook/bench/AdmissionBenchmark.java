package io.qatvirt.webhook.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.webhook.WebhookServer;
import io.qatvirt.webhook.admission.AdmissionController;
import io.qatvirt.webhook.admission.AdmissionReviewCodec;
import io.qatvirt.webhook.admission.Decision;
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
 * baseline, all on 127.0.0.1 in the same run. Not a test: run it by hand (needs {@code apt-get
 * install -y wrk nginx-light}), from the checkout's root:
 *
 * <pre>
 * mvn -B -q -pl vm-webhook -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp vm-webhook/target/test-classes:vm-webhook/target/classes:$(cat vm-webhook/target/bench.cp) \
 *     io.qatvirt.webhook.bench.AdmissionBenchmark
 * </pre>
 *
 * <p>Candidates after the first reuse the JIT's work on the shared admission code: compare them in
 * both orders ({@code -Dbench.transports=jdk,jetty}) or one per run.
 *
 * <p>System properties: {@code bench.seconds} (10), {@code bench.warmup} (at most 120), {@code
 * bench.connections} (16), {@code bench.transports} ({@code jetty,jdk}).
 */
public final class AdmissionBenchmark {
  private static final int MIN_WARMUP_SECONDS = 60;

  private AdmissionBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 10);
    int warmup = Integer.getInteger("bench.warmup", 120);
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
        "request %d bytes, response %d bytes, %d connections, warm-up <= %d s, %d s measured, %d cores%n",
        review.getBytes(StandardCharsets.UTF_8).length,
        response.length(),
        connections,
        warmup,
        seconds,
        Runtime.getRuntime().availableProcessors());

    Map<String, Measured> results = new LinkedHashMap<>();
    try (NginxBaseline nginx = new NginxBaseline(work, cert, key, response)) {
      wrk.run(nginx.port(), connections, 2);
      Duration before = nginx.cpu();
      Wrk.Result mutate = wrk.run(nginx.port(), connections, seconds);
      Duration cpu = nginx.cpu().minus(before);
      results.put(
          "nginx (fixed response)",
          new Measured(mutate, cpu, wrk.get(nginx.port(), "/healthz", connections, seconds)));
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
        warmUp(wrk, server.port(), connections, warmup, name.trim());
        Duration before = jvmCpu();
        Wrk.Result mutate = wrk.run(server.port(), connections, seconds);
        Duration cpu = jvmCpu().minus(before);
        results.put(
            "webhook on " + name.trim(),
            new Measured(mutate, cpu, wrk.get(server.port(), "/healthz", connections, seconds)));
      }
    }
    print(results);
  }

  /**
   * Runs 10 s rounds until, after at least a minute, one is within 10% of the one before (the JIT
   * has settled), for at most {@code maxSeconds}.
   */
  private static void warmUp(Wrk wrk, int port, int connections, int maxSeconds, String name)
      throws Exception {
    double previous = 0;
    for (int spent = 0; spent < maxSeconds; spent += 10) {
      double rate = wrk.run(port, connections, 10).requestsPerSecond();
      System.out.printf(Locale.ROOT, "warm-up %s: %.0f req/s%n", name, rate);
      if (spent >= MIN_WARMUP_SECONDS && Math.abs(rate - previous) <= 0.1 * previous) {
        return;
      }
      previous = rate;
    }
  }

  /** POST /mutate results, the server's CPU time during them, and GET /healthz results. */
  private record Measured(Wrk.Result mutate, Duration cpu, Wrk.Result healthz) {}

  private static Duration jvmCpu() {
    return Duration.ofNanos(
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime());
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

  private static void print(Map<String, Measured> results) {
    Measured baseline = results.values().iterator().next();
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%-24s %9s %8s %8s %9s %8s %9s | %9s %8s | %s",
            "POST /mutate on",
            "req/s",
            "p50 ms",
            "p99 ms",
            "requests",
            "vs nginx",
            "CPU us/req",
            "GET req/s",
            "p99 ms",
            "targets (>= 0.5x nginx, p99 < 5 ms)"));
    for (Map.Entry<String, Measured> entry : results.entrySet()) {
      Wrk.Result r = entry.getValue().mutate();
      Wrk.Result probe = entry.getValue().healthz();
      double ratio = r.requestsPerSecond() / baseline.mutate().requestsPerSecond();
      boolean met = ratio >= 0.5 && r.p99Millis() < 5;
      String problems = (r.problems() + probe.problems()).trim();
      lines.add(
          String.format(
              Locale.ROOT,
              "%-24s %9.0f %8.3f %8.3f %9d %7.2fx %9.1f | %9.0f %8.3f | %s%s",
              entry.getKey(),
              r.requestsPerSecond(),
              r.p50Millis(),
              r.p99Millis(),
              r.requests(),
              ratio,
              r.cpuMicrosPerRequest(entry.getValue().cpu()),
              probe.requestsPerSecond(),
              probe.p99Millis(),
              entry.getValue() == baseline ? "baseline" : met ? "met" : "NOT met",
              problems.isEmpty() ? "" : "  (" + problems + ")"));
    }
    lines.forEach(System.out::println);
  }
}
