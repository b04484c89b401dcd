package io.qatvirt.demo.manifests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize} (the binary named by the system property
 * {@code qatvirt.kubectl}, else {@code kubectl} on the PATH) and parses the objects it prints.
 */
final class Kustomize {
  private Kustomize() {}

  static String kubectl() {
    return System.getProperty("qatvirt.kubectl", "kubectl");
  }

  /** Whether there is a kubectl to run. */
  static boolean kubectlPresent() {
    try {
      run(List.of(kubectl(), "version", "--client"), Path.of("."));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Skips the calling test, with a message, when there is no kubectl to run. */
  static void assumeKubectl() {
    assumeTrue(
        kubectlPresent(),
        "kubectl is not installed (tried '"
            + kubectl()
            + "'): the manifests can't be rendered here; install it (Debian:"
            + " apt-get install kubernetes-client) to run these checks");
  }

  /** The rendered objects of one kustomization folder, in kustomize's order. */
  static List<JsonNode> render(Path kustomization) throws IOException {
    String yaml = run(List.of(kubectl(), "kustomize", kustomization.toString()), kustomization);
    ObjectReader reader = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class);
    List<JsonNode> objects = new ArrayList<>();
    try (var it = reader.<JsonNode>readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && !node.isNull() && !node.isEmpty()) {
          objects.add(node);
        }
      }
    }
    return objects;
  }

  /** Runs a command; its stdout, or an IOException naming the command and its stderr. */
  static String run(List<String> command, Path workDir) throws IOException {
    Path err = Files.createTempFile("qatvirt-cmd", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectError(err.toFile())
              .start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("tried to run " + command + ", but it took over 120 s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            "tried to run "
                + command
                + ", but it exited with "
                + process.exitValue()
                + ": "
                + Files.readString(err));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command, e);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
