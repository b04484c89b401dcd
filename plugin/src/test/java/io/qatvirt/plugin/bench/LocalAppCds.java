package io.qatvirt.plugin.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The DaemonSet names the AppCDS archive the image carries ({@code
 * -XX:SharedArchiveFile=/app/...}), made at image build time for the image's jar. The benchmarks
 * run the local jar, so they make their own archive for it with the image's training script ({@code
 * plugin/cds-training.sh}, with the DaemonSet's other JVM flags) and name that instead. With {@code
 * -Dbench.appcds=false} the flag is dropped, to measure without an archive.
 */
final class LocalAppCds {
  /** The training script, relative to the checkout's root (where the benchmarks are run from). */
  static final Path TRAINING = Path.of("plugin/cds-training.sh");

  private static final String FLAG = "-XX:SharedArchiveFile=";
  private static final String IMAGE_PATH = FLAG + "/app/";

  private LocalAppCds() {}

  /**
   * The flags with the image's archive replaced by one made now for {@code jar}, or dropped when
   * {@code bench.appcds} is false; unchanged when they name no archive under /app.
   */
  static List<String> substitute(List<String> flags, Path jar)
      throws IOException, InterruptedException {
    if (flags.stream().noneMatch(f -> f.startsWith(IMAGE_PATH))) {
      return flags;
    }
    List<String> others = flags.stream().filter(f -> !f.startsWith(IMAGE_PATH)).toList();
    if (!Boolean.parseBoolean(System.getProperty("bench.appcds", "true"))) {
      System.out.println("AppCDS: -Dbench.appcds=false, running without the DaemonSet's archive");
      return others;
    }
    Path archive = train(jar, others);
    List<String> out = new ArrayList<>();
    for (String flag : flags) {
      out.add(flag.startsWith(IMAGE_PATH) ? FLAG + archive : flag);
    }
    return out;
  }

  /**
   * Throws unless the plugin's JVM mapped the archive its flags name (none named: nothing to
   * check). The JVM only warns when it can't use one, and the plugin's output is discarded.
   */
  static void checkMapped(List<String> flags, long pid) throws IOException {
    for (String flag : flags) {
      if (!flag.startsWith(FLAG)) {
        continue;
      }
      String archive = Path.of(flag.substring(FLAG.length())).toAbsolutePath().toString();
      if (Files.readAllLines(Path.of("/proc/" + pid + "/maps")).stream()
          .noneMatch(line -> line.endsWith(" " + archive))) {
        throw new IOException(
            "tried to measure the plugin with the AppCDS archive "
                + archive
                + ", but its JVM did not map it: the JVM takes an archive only with the jar it was"
                + " made for, unchanged");
      }
    }
  }

  private static Path train(Path jar, List<String> jvmFlags)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "tried to make an AppCDS archive for "
              + jar.toAbsolutePath()
              + " as the DaemonSet's -XX:SharedArchiveFile asks, but the jar is not built: run"
              + " mvn -pl common,plugin package first (or -Dbench.appcds=false)");
    }
    Path dir = BenchSupport.tempDir("plugin-appcds");
    Path archive = dir.resolve("qat-device-plugin.jsa");
    Path log = dir.resolve("training.log");
    for (Path path : List.of(dir, archive, log)) {
      path.toFile().deleteOnExit(); // in reverse order: the files, then the folder
    }
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "bash",
            TRAINING.toString(),
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            jar.toString(),
            archive.toString()));
    command.addAll(jvmFlags);
    long start = System.nanoTime();
    Process training =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = training.waitFor(3, TimeUnit.MINUTES);
    if (!ended || training.exitValue() != 0) {
      training.destroyForcibly();
      throw new IOException(
          "tried to make an AppCDS archive for "
              + jar
              + " with "
              + TRAINING
              + ", but "
              + (ended ? "it exited with " + training.exitValue() : "it ran for 3 minutes")
              + ":\n"
              + Files.readString(log));
    }
    System.out.printf(
        "AppCDS: archive for %s made by %s in %.1f s: %s%n",
        jar, TRAINING, (System.nanoTime() - start) / 1e9, archive);
    return archive;
  }
}
