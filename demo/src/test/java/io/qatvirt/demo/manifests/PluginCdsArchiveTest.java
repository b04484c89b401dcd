package io.qatvirt.demo.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DaemonSet names the AppCDS archive plugin/Containerfile makes, for the jar it runs, on the
 * image's runtime. A name the image doesn't hold is no warning at all: the JVM then runs silently
 * without any CDS, the JDK's own archive included.
 */
class PluginCdsArchiveTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String FLAG = "-XX:SharedArchiveFile=";
  private static final Path REPO =
      Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();

  @Test
  void theDaemonSetNamesTheArchiveTheImageTrainsForItsJar() throws IOException {
    List<String> command =
        Objects.texts(
            Objects.container(
                    YAML.readTree(REPO.resolve("manifests/base/plugin-daemonset.yaml").toFile()),
                    "qat-device-plugin")
                .path("command"));
    List<String> archives =
        command.stream()
            .filter(f -> f.startsWith(FLAG))
            .map(f -> f.substring(FLAG.length()))
            .toList();
    String jar = command.get(command.indexOf("-jar") + 1);

    assertEquals(List.of("/app/qat-device-plugin.jsa"), archives);
    assertEquals(
        List.of("bash", "/cds-training.sh", "/opt/java/bin/java", jar, archives.get(0)),
        trainingRun().subList(0, 5));
  }

  @Test
  void theImagesEntrypointNamesTheArchiveToo() throws IOException {
    String entrypoint =
        containerfile().stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
    assertEquals(
        "ENTRYPOINT [\"java\", \"-XX:+UseSerialGC\", \"-XX:+ExitOnOutOfMemoryError\","
            + " \"-XX:SharedArchiveFile=/app/qat-device-plugin.jsa\", \"-jar\","
            + " \"/app/qat-device-plugin.jar\"]",
        entrypoint);
  }

  /** The words of the Containerfile's RUN that calls the training script, continuations joined. */
  private static List<String> trainingRun() throws IOException {
    String joined = String.join("\n", containerfile()).replace("\\\n", " ");
    String run =
        Arrays.stream(joined.split("\n"))
            .filter(l -> l.startsWith("RUN ") && l.contains("cds-training.sh"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("plugin/Containerfile runs no cds-training.sh"));
    return List.of(run.substring(4).trim().split("\\s+"));
  }

  private static List<String> containerfile() throws IOException {
    return Files.readAllLines(REPO.resolve("plugin/Containerfile"));
  }
}
