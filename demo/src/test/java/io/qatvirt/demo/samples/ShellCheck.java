package io.qatvirt.demo.samples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code shellcheck} on a script given as text. */
final class ShellCheck {
  private final Path executable;

  private ShellCheck(Path executable) {
    this.executable = executable;
  }

  /** Finds shellcheck on PATH, or skips the calling test saying what to install. */
  static ShellCheck onPathOrSkip() {
    Optional<Path> found = onPath();
    assumeTrue(
        found.isPresent(),
        "needs shellcheck on PATH to check the samples' shell: apt-get install -y shellcheck");
    return new ShellCheck(found.orElseThrow());
  }

  private static Optional<Path> onPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "shellcheck");
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** shellcheck's findings for the script, one per line in gcc form; empty when it has none. */
  String findings(String script) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(List.of(executable.toString(), "--format=gcc", "-"))
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(script.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("tried to run shellcheck, but it ran for over 60 s");
    }
    int code = process.exitValue();
    if (code != 0 && code != 1) {
      throw new IllegalStateException(
          "tried to run shellcheck, but it exited with " + code + ": " + out);
    }
    return out.strip();
  }
}
