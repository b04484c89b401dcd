package io.qatvirt.webhook.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The JVM flags the webhook Deployment runs with, read from its manifest, for the benchmarks. */
final class DeploymentFlags {
  /** Relative to the checkout's root, where the benchmarks are run from. */
  private static final Path DEPLOYMENT = Path.of("manifests/base/webhook-deployment.yaml");

  private DeploymentFlags() {}

  /** The items between {@code - java} and {@code - -jar} of the container's command. */
  static List<String> read() throws IOException {
    if (!Files.isRegularFile(DEPLOYMENT)) {
      throw new IOException(
          "tried to read the webhook's JVM flags from "
              + DEPLOYMENT.toAbsolutePath()
              + ", but it is not there: run the benchmark from the checkout's root");
    }
    List<String> flags = new ArrayList<>();
    boolean inCommand = false;
    for (String line : Files.readAllLines(DEPLOYMENT)) {
      String item = line.trim();
      if (item.equals("- java")) {
        inCommand = true;
      } else if (inCommand) {
        if (!item.startsWith("- -") || item.equals("- -jar")) {
          break;
        }
        flags.add(item.substring(2));
      }
    }
    return flags;
  }
}
