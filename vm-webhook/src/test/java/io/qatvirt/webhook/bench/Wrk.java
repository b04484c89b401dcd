package io.qatvirt.webhook.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Debian's {@code wrk} with a Lua script that POSTs one body, and reads its summary. */
final class Wrk {
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern PERCENTILE =
      Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern ERRORS = Pattern.compile("Socket errors: (.*)");
  private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");

  /** One run's summary; latencies in milliseconds. */
  record Result(
      double requestsPerSecond,
      double p50Millis,
      double p99Millis,
      long requests,
      String problems) {

    /** CPU time the server spent per request, given its CPU time over the run. */
    double cpuMicrosPerRequest(java.time.Duration serverCpu) {
      return serverCpu.toNanos() / 1000.0 / requests;
    }
  }

  private final Path script;

  Wrk(Path workDir, Path body) throws IOException {
    script = workDir.resolve("post.lua");
    Files.writeString(
        script,
        "wrk.method = \"POST\"\n"
            + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
            + "local f = assert(io.open(\""
            + body.toAbsolutePath()
            + "\", \"rb\"))\n"
            + "wrk.body = f:read(\"*a\")\n"
            + "f:close()\n",
        StandardCharsets.UTF_8);
  }

  /** POSTs the review to {@code /mutate}. */
  Result run(int port, int connections, int seconds) throws IOException, InterruptedException {
    return run(port, connections, seconds, true, "/mutate");
  }

  /** GETs {@code path} (a probe: the transport's and TLS's own cost). */
  Result get(int port, String path, int connections, int seconds)
      throws IOException, InterruptedException {
    return run(port, connections, seconds, false, path);
  }

  private Result run(int port, int connections, int seconds, boolean post, String path)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "wrk",
                "-t2",
                "-c" + connections,
                "-d" + seconds + "s",
                "--timeout",
                "5s",
                "--latency"));
    if (post) {
      command.addAll(List.of("-s", script.toString()));
    }
    command.add("https://127.0.0.1:" + port + path);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(
          "tried to run " + String.join(" ", command) + ", but it failed:\n" + output);
    }
    return parse(output);
  }

  static Result parse(String output) throws IOException {
    Matcher rate = RATE.matcher(output);
    Matcher total = TOTAL.matcher(output);
    if (!rate.find() || !total.find()) {
      throw new IOException("tried to read wrk's summary, but found none in:\n" + output);
    }
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    Matcher percentile = PERCENTILE.matcher(output);
    while (percentile.find()) {
      double millis = toMillis(Double.parseDouble(percentile.group(2)), percentile.group(3));
      if (percentile.group(1).equals("50")) {
        p50 = millis;
      } else {
        p99 = millis;
      }
    }
    StringBuilder problems = new StringBuilder();
    Matcher non2xx = NON_2XX.matcher(output);
    if (non2xx.find()) {
      problems.append(non2xx.group(1)).append(" non-2xx responses; ");
    }
    Matcher errors = ERRORS.matcher(output);
    if (errors.find()) {
      problems.append("socket errors: ").append(errors.group(1));
    }
    return new Result(
        Double.parseDouble(rate.group(1)),
        p50,
        p99,
        Long.parseLong(total.group(1)),
        problems.toString());
  }

  private static double toMillis(double value, String unit) {
    return switch (unit) {
      case "us" -> value / 1000;
      case "ms" -> value;
      default -> value * 1000;
    };
  }
}
