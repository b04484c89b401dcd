package io.qatvirt.demo.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.qatvirt.plugin.PluginSettings;
import io.qatvirt.plugin.cli.Cli;
import io.qatvirt.plugin.cli.PluginCommand;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.webhook.cli.WebhookOptions;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The flags the manifests pass are the flags the programs take: the DaemonSet's args go through the
 * plugin's own command line, the Deployment's through the webhook's, and each comes out as the
 * setting the manifest means.
 */
class ManifestFlagsTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void thePluginTakesTheDaemonSetsArgsAsTheMountedRoots() throws IOException {
    List<String> args = args("manifests/base/plugin-daemonset.yaml", "qat-device-plugin");
    CommandLine commandLine = Cli.commandLine();
    commandLine.parseArgs(args.toArray(String[]::new));
    PluginSettings settings = ((PluginCommand) commandLine.getCommand()).settings();
    assertEquals(Path.of("/host/sys"), settings.scan().sysfsRoot());
    assertEquals(Path.of("/host/dev"), settings.scan().devRoot());
    assertEquals(Path.of("/host/sys/kernel/debug"), settings.scan().debugfsRoot());
    assertEquals(Path.of("/var/lib/kubelet/device-plugins"), settings.kubeletDir());
    assertTrue(settings.scan().bind(), "the plugin binds VFs to vfio-pci");
    assertTrue(
        settings
            .scan()
            .families()
            .containsAll(
                Set.of(
                    QatFamily.GEN4_4XXX,
                    QatFamily.GEN4_401XX,
                    QatFamily.GEN4_402XX,
                    QatFamily.GEN4_420XX)),
        settings.scan().families().toString());
    assertEquals(Duration.ofSeconds(5), settings.scanPeriod());
    assertEquals(OptionalInt.of(9402), settings.metricsPort());
    assertEquals("balanced", settings.policy().cliName());
  }

  @Test
  void theWebhookTakesTheDeploymentsArgs() throws Exception {
    List<String> args = args("manifests/base/webhook-deployment.yaml", "qat-vm-webhook");
    WebhookOptions options = new WebhookOptions();
    new CommandLine(options).parseArgs(args.toArray(String[]::new));
    assertEquals(8443, options.serverOptions().port());
    assertEquals(OnApiUnavailable.ALLOW, options.onApiUnavailable());
    assertEquals("qat.intel.com", options.mutatorConfig().resourcePrefix());
    assertTrue(options.mutatorConfig().allowedResources().contains("asym-sym-dc"));
  }

  private static List<String> args(String file, String container) throws IOException {
    Path repo = Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();
    JsonNode workload = YAML.readTree(repo.resolve(file).toFile());
    return Objects.texts(Objects.container(workload, container).path("args"));
  }
}
