package io.qatvirt.webhook.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.webhook.WebhookServer;
import io.qatvirt.webhook.admission.AdmissionController;
import io.qatvirt.webhook.admission.AdmissionReviewCodec;
import io.qatvirt.webhook.admission.Decision;
import io.qatvirt.webhook.http.JettyHttpsTransport;
import io.qatvirt.webhook.http.ServerOptions;
import io.qatvirt.webhook.mutation.InstancetypeLookup;
import io.qatvirt.webhook.mutation.MutatorConfig;
import io.qatvirt.webhook.mutation.QatMutator;
import io.qatvirt.webhook.permitted.PermittedDevices;
import io.qatvirt.webhook.testing.Reviews;
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
 * a ~6 KB VMI AdmissionReview (asking for 2 QAT VFs, mutated by the real {@link QatMutator}) to the
 * webhook's HTTPS server, and to nginx answering a fixed AdmissionReview as a baseline (for
 * information), all on 127.0.0.1 in the same run. Not a test: run it by hand (needs {@code apt-get
 * install -y wrk nginx-light}), from the checkout's root:
 *
 * <pre>
 * mvn -B -q -pl vm-webhook -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp vm-webhook/target/test-classes:vm-webhook/target/classes:$(cat vm-webhook/target/bench.cp) \
 *     io.qatvirt.webhook.bench.AdmissionBenchmark
 * </pre>
 *
 * <p>After the warm-up, nginx and the webhook take turns ({@code bench.rounds} rounds): each
 * round's ratio compares the two on the same machine minutes apart at most. Run this JVM with the
 * webhook Deployment's flags (the README shows how); it warns when its flags differ from those in
 * {@code manifests/base/webhook-deployment.yaml}. {@link WebhookProcessBench} measures the shipped
 * jar in its own process (start to ready, resident memory).
 *
 * <p>System properties: {@code bench.seconds} (10), {@code bench.warmup} (at most 120), {@code
 * bench.connections} (16), {@code bench.rounds} (5: a shared machine's speed drifts).
 */
public final class AdmissionBenchmark {
  private static final int MIN_WARMUP_SECONDS = 60;

  private AdmissionBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 10);
    int warmup = Integer.getInteger("bench.warmup", 120);
    int connections = Integer.getInteger("bench.connections", 16);

    Path work = Files.createTempDirectory("qat-webhook-bench");
    BenchTls tls = BenchTls.in(work);
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

    List<String> deployed = DeploymentFlags.read();
    List<String> own =
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-X"))
            .toList();
    System.out.println("this JVM's flags: " + String.join(" ", own));
    if (!own.equals(deployed)) {
      System.out.println(
          "WARNING: the webhook Deployment runs "
              + String.join(" ", deployed)
              + "; run this benchmark with those flags to measure what is deployed");
    }

    Map<String, List<Round>> results = new LinkedHashMap<>();
    try (NginxBaseline nginx = new NginxBaseline(work, tls.cert(), tls.key(), response)) {
      wrk.run(nginx.port(), connections, 2);
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
              new PemKeyPairFiles(tls.cert(), tls.key()),
              Duration.ofSeconds(5),
              mutator,
              PermittedDevices.disabled(),
              JettyHttpsTransport::new,
              Clock.systemUTC())) {
        server.start();
        warmUp(wrk, server.port(), connections, warmup, "webhook");
        // nginx and the webhook take turns, so that both see the same machine (a shared VM's
        // speed drifts by tens of percent over a minute); each round's ratio is reported
        for (int round = 0; round < ROUNDS; round++) {
          Duration before = nginx.cpu();
          Wrk.Result baseline = wrk.run(nginx.port(), connections, seconds);
          Measured base =
              new Measured(
                  baseline,
                  nginx.cpu().minus(before),
                  wrk.get(nginx.port(), "/healthz", connections, seconds));
          before = jvmCpu();
          Wrk.Result mutate = wrk.run(server.port(), connections, seconds);
          Measured webhook =
              new Measured(
                  mutate,
                  jvmCpu().minus(before),
                  wrk.get(server.port(), "/healthz", connections, seconds));
          results.computeIfAbsent("webhook", k -> new ArrayList<>()).add(new Round(base, webhook));
          print(round, base, "webhook", webhook);
        }
      }
    }
    summarize(results);
    Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
        .forEach(l -> System.out.println("this JVM " + l.replaceAll("\\s+", " ")));
  }

  /** Rounds of nginx then the webhook, after the warm-up. */
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);

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

  private static final String HEADER =
      String.format(
          Locale.ROOT,
          "%-8s %-24s %9s %8s %8s %9s %8s %9s | %9s %8s",
          "round",
          "POST /mutate on",
          "req/s",
          "p50 ms",
          "p99 ms",
          "requests",
          "vs nginx",
          "CPU us/req",
          "GET req/s",
          "p99 ms");

  private static void print(int round, Measured nginx, String name, Measured webhook) {
    if (round == 0) {
      System.out.println(HEADER);
    }
    double base = nginx.mutate().requestsPerSecond();
    System.out.println(line(Integer.toString(round + 1), "nginx (fixed response)", nginx, base));
    System.out.println(line(Integer.toString(round + 1), name, webhook, base));
  }

  private static String line(String round, String name, Measured m, double baseline) {
    Wrk.Result r = m.mutate();
    Wrk.Result probe = m.healthz();
    String problems = (r.problems() + probe.problems()).trim();
    return String.format(
        Locale.ROOT,
        "%-8s %-24s %9.0f %8.3f %8.3f %9d %7.2fx %9.1f | %9.0f %8.3f%s",
        round,
        name,
        r.requestsPerSecond(),
        r.p50Millis(),
        r.p99Millis(),
        r.requests(),
        r.requestsPerSecond() / baseline,
        r.cpuMicrosPerRequest(m.cpu()),
        probe.requestsPerSecond(),
        probe.p99Millis(),
        problems.isEmpty() ? "" : "  (" + problems + ")");
  }

  /**
   * Per candidate: the median of its rounds' ratios to nginx (each against the nginx turn just
   * before it), its rate and p99. Targets: 10,000 reviews/s, p99 <= 5 ms.
   */
  private static void summarize(Map<String, List<Round>> results) {
    System.out.println(
        "targets: >= 10,000 reviews/s and p99 <= 5 ms (medians of the rounds); the ratio to nginx"
            + " is for information");
    for (Map.Entry<String, List<Round>> entry : results.entrySet()) {
      List<Double> ratios = new ArrayList<>();
      List<Double> rates = new ArrayList<>();
      List<Double> p99s = new ArrayList<>();
      for (Round round : entry.getValue()) {
        ratios.add(
            round.webhook().mutate().requestsPerSecond()
                / round.nginx().mutate().requestsPerSecond());
        rates.add(round.webhook().mutate().requestsPerSecond());
        p99s.add(round.webhook().mutate().p99Millis());
      }
      double rate = median(rates);
      double p99 = median(p99s);
      System.out.printf(
          Locale.ROOT,
          "%-24s %.0f reviews/s, p99 %.3f ms: %s; ratios to nginx %s (median %.2fx)%n",
          entry.getKey(),
          rate,
          p99,
          rate >= 10_000 && p99 <= 5 ? "met" : "NOT met",
          ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(),
          median(ratios));
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /** One turn of nginx and the webhook right after it. */
  private record Round(Measured nginx, Measured webhook) {}
}
