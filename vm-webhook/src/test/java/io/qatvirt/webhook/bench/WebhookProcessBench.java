package io.qatvirt.webhook.bench;

import io.qatvirt.webhook.testing.Reviews;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The shipped webhook jar in its own JVM, as the Deployment runs it: the time from starting the
 * process to {@code /readyz} answering 200, the admission rate and latency over TLS with 16
 * keep-alive connections ({@code wrk}, the ~6 KB VMI review), and the process's resident memory
 * after that load. Not a test: run it by hand (needs {@code apt-get install -y wrk}), from the
 * checkout's root, after {@code mvn -B -q -DskipTests package}:
 *
 * <pre>
 * java -cp vm-webhook/target/test-classes:vm-webhook/target/classes:$(cat vm-webhook/target/test.cp) \
 *     io.qatvirt.webhook.bench.WebhookProcessBench [jar [jvm flags...]]
 * </pre>
 *
 * The jar defaults to {@code vm-webhook/target/qat-vm-webhook.jar}, the flags to the Deployment's
 * (read from {@code manifests/base/webhook-deployment.yaml}); naming another jar and its flags
 * compares two builds in one sitting. When the flags name an AppCDS archive, the bench makes one
 * for the jar first, as the image does. The webhook runs with {@code --check-permitted=false}:
 * there is no API server here. System properties: {@code bench.seconds} (60), {@code
 * bench.connections} (16), {@code bench.warmup} (10), {@code bench.webhook.args} (more flags for
 * the webhook).
 */
public final class WebhookProcessBench {
  private WebhookProcessBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 60);
    int connections = Integer.getInteger("bench.connections", 16);
    int warmup = Integer.getInteger("bench.warmup", 10);
    Path jar = Path.of(args.length > 0 ? args[0] : "vm-webhook/target/qat-vm-webhook.jar");
    List<String> flags =
        new ArrayList<>(
            args.length > 1 ? List.of(args).subList(1, args.length) : DeploymentFlags.read());

    Path work = Files.createTempDirectory("qat-webhook-process-bench");
    BenchTls tls = BenchTls.in(work);
    Path body = work.resolve("review.json");
    Files.writeString(body, Reviews.vmiCreate(), StandardCharsets.UTF_8);
    int port = freePort();
    withOwnArchive(flags, jar, work.resolve("qat-vm-webhook.jsa"));

    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(flags);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--bind-address=127.0.0.1",
            "--port=" + port,
            "--tls-cert-file=" + tls.cert(),
            "--tls-key-file=" + tls.key(),
            "--check-permitted=false"));
    String extra = System.getProperty("bench.webhook.args", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(tls.certificates().clientContext())
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    long start = System.nanoTime();
    Process webhook =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("webhook.log").toFile())
            .start();
    try {
      long readyNanos = waitUntilReady(client, port, webhook) - start;
      Wrk wrk = new Wrk(work, body);
      wrk.run(port, connections, warmup);
      Wrk.Result load = wrk.run(port, connections, seconds);
      String rss = status(webhook.pid(), "VmRSS");
      String peak = status(webhook.pid(), "VmHWM");
      String anon = status(webhook.pid(), "RssAnon");
      String file = status(webhook.pid(), "RssFile");
      System.out.printf(
          Locale.ROOT,
          "%s %s%n  start to ready %.0f ms; %d s at %d connections: %.0f reviews/s, p50 %.2f ms,"
              + " p99 %.2f ms%s; resident after the load %s (peak %s), of which private %s and"
              + " mapped files %s%n",
          jar,
          String.join(" ", flags),
          readyNanos / 1e6,
          seconds,
          connections,
          load.requestsPerSecond(),
          load.p50Millis(),
          load.p99Millis(),
          load.problems().isEmpty() ? "" : " (" + load.problems() + ")",
          rss,
          peak,
          anon,
          file);
    } finally {
      webhook.destroy();
      webhook.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * When the flags name an AppCDS archive ({@code -XX:SharedArchiveFile=/app/…}, the image's),
   * makes one for this jar with the image's training script, {@code vm-webhook/cds-training.sh},
   * and names it instead.
   */
  private static void withOwnArchive(List<String> flags, Path jar, Path archive)
      throws IOException, InterruptedException {
    String option = "-XX:SharedArchiveFile=";
    int at = -1;
    for (int i = 0; i < flags.size(); i++) {
      if (flags.get(i).startsWith(option)) {
        at = i;
      }
    }
    if (at < 0) {
      return;
    }
    List<String> training =
        new ArrayList<>(
            List.of(
                "bash",
                "vm-webhook/cds-training.sh",
                javaBinary(),
                jar.toString(),
                archive.toString()));
    for (String flag : flags) {
      if (!flag.startsWith(option)) {
        training.add(flag);
      }
    }
    Process process = new ProcessBuilder(training).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IOException("tried to make an AppCDS archive, but the training run failed");
    }
    flags.set(at, option + archive);
  }

  /** When {@code /readyz} first answered 200 ({@link System#nanoTime()}). */
  private static long waitUntilReady(HttpClient client, int port, Process webhook)
      throws IOException, InterruptedException {
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!webhook.isAlive()) {
        throw new IOException(
            "tried to start the webhook, but it exited with " + webhook.exitValue());
      }
      try {
        if (client.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return System.nanoTime();
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IOException("tried to wait for the webhook's /readyz, but it never answered 200");
  }

  private static String status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
      }
    }
    throw new IOException("tried to read " + field + " of process " + pid + ", but it has none");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
