package io.qatvirt.demo.kubevirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.qatvirt.demo.testing.KubeVirtSchema;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.ResourceKinds;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.webhook.mutation.MutatorConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * manifests/kubevirt/kubevirt-qat-patch.yaml permits exactly the (VF device ID, resource name)
 * pairs the plugin can advertise: from its device table (QatFamily) and its naming rule
 * (ResourceKinds) applied to every qat/cfg_services value the kernel documents.
 */
class KubeVirtPatchMatchesDeviceTableTest {

  /** The cfg_services values of qat-sysfs.md. */
  static final List<String> CFG_SERVICES =
      List.of(
          "sym;asym",
          "asym;sym",
          "dc",
          "sym",
          "asym",
          "sym;dc",
          "asym;dc",
          "dcc",
          "decomp",
          "asym;sym;dc");

  static JsonNode patch;

  @BeforeAll
  static void readThePatch() throws IOException {
    Path repo = Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();
    patch =
        new ObjectMapper(new YAMLFactory())
            .readTree(repo.resolve("manifests/kubevirt/kubevirt-qat-patch.yaml").toFile());
  }

  /** What the plugin can advertise, as {@code 8086:<vf id> qat.intel.com/<kind>}. */
  static Set<String> advertisable() {
    Set<String> pairs = new TreeSet<>();
    for (QatFamily family : QatFamily.values()) {
      Set<String> kinds = new TreeSet<>(List.of(ResourceKinds.GENERIC));
      if (family.serviceAware()) {
        for (String services : CFG_SERVICES) {
          kinds.add(ResourceKinds.fromServices(Optional.of("up"), Optional.of(services)).kind());
        }
      }
      for (int vfId : family.vfDeviceIds()) {
        for (String kind : kinds) {
          pairs.add(
              String.format(
                  "%04x:%04x %s%s", QatFamily.VENDOR_INTEL, vfId, Vf.RESOURCE_PREFIX, kind));
        }
      }
    }
    return pairs;
  }

  @Test
  void permitsExactlyEveryVfIdAndResourceNameThePluginCanAdvertise() {
    Set<String> permitted = new TreeSet<>();
    List<String> duplicates = new ArrayList<>();
    for (JsonNode entry : patch.at("/spec/configuration/permittedHostDevices/pciHostDevices")) {
      String pair =
          entry.path("pciVendorSelector").asText() + " " + entry.path("resourceName").asText();
      if (!permitted.add(pair)) {
        duplicates.add(pair);
      }
      assertTrue(entry.path("externalResourceProvider").asBoolean(false), pair + " is external");
    }
    assertEquals(List.of(), duplicates);
    assertEquals(advertisable(), permitted);
    assertEquals(
        56, permitted.size(), "6 pre-Gen4 VF IDs x generic + 5 Gen4/Gen6 VF IDs x 10 names");
  }

  @Test
  void turnsOnTheHostDevicesFeatureGate() {
    List<String> gates = new ArrayList<>();
    patch
        .at("/spec/configuration/developerConfiguration/featureGates")
        .forEach(g -> gates.add(g.asText()));
    assertEquals(List.of("HostDevices"), gates);
  }

  @Test
  void theWebhookDeploymentAcceptsExactlyTheNamesThePluginCanAdvertise() throws IOException {
    Set<String> names = new TreeSet<>();
    advertisable().forEach(p -> names.add(p.substring(p.indexOf('/') + 1)));
    Path repo = Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();
    JsonNode deployment =
        new ObjectMapper(new YAMLFactory())
            .readTree(repo.resolve("manifests/base/webhook-deployment.yaml").toFile());
    String flag = "--allowed-resources=";
    List<String> allowed = new ArrayList<>();
    deployment
        .at("/spec/template/spec/containers/0/args")
        .forEach(
            a -> {
              if (a.asText().startsWith(flag)) {
                allowed.addAll(List.of(a.asText().substring(flag.length()).split(",")));
              }
            });
    assertEquals(names, new TreeSet<>(allowed));
    // The webhook's built-in default lacks what `asym;sym;dc` is named: the flag is needed.
    assertTrue(!MutatorConfig.DEFAULT_ALLOWED.contains("asym-sym-dc"));
  }

  @Test
  void validatesAgainstKubeVirtsSchema() throws IOException {
    KubeVirtSchema schema = KubeVirtSchema.loadOrSkip();

    assertEquals(List.of(), schema.violations("v1.KubeVirtSpec", patch.path("spec")));
  }
}
