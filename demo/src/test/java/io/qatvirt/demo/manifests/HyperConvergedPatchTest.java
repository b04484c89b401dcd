package io.qatvirt.demo.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * manifests/openshift/hyperconverged-qat-patch.yaml permits, through the HyperConverged CR, what
 * manifests/kubevirt/kubevirt-qat-patch.yaml permits in a plain KubeVirt CR, as far as HCO's schema
 * lets it: HCO keys pciHostDevices by pciDeviceSelector, so each VF device ID appears once, under
 * its only name (generic, pre-Gen4) or under cy (Gen4+, whose PFs name their VFs after their
 * services).
 */
class HyperConvergedPatchTest {
  static final String GEN4_DEFAULT = "qat.intel.com/cy";

  static JsonNode hyperConverged;
  static JsonNode kubevirt;

  @BeforeAll
  static void readBothPatches() throws IOException {
    Path repo = Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    hyperConverged =
        yaml.readTree(repo.resolve("manifests/openshift/hyperconverged-qat-patch.yaml").toFile());
    kubevirt = yaml.readTree(repo.resolve("manifests/kubevirt/kubevirt-qat-patch.yaml").toFile());
  }

  /** The KubeVirt patch's resource names per selector, in the order it lists them. */
  static Map<String, List<String>> kubevirtNamesBySelector() {
    Map<String, List<String>> names = new LinkedHashMap<>();
    for (JsonNode e : kubevirt.at("/spec/configuration/permittedHostDevices/pciHostDevices")) {
      names
          .computeIfAbsent(e.path("pciVendorSelector").asText(), s -> new ArrayList<>())
          .add(e.path("resourceName").asText());
    }
    return names;
  }

  @Test
  void permitsEveryVfDeviceIdOfTheKubeVirtPatchOnceUnderOneOfItsNames() {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    kubevirtNamesBySelector()
        .forEach(
            (selector, names) -> {
              assertTrue(names.size() == 1 || names.contains(GEN4_DEFAULT), selector + " " + names);
              expected.put(selector, List.of(names.size() == 1 ? names.get(0) : GEN4_DEFAULT));
            });
    Map<String, List<String>> permitted = new LinkedHashMap<>();
    for (JsonNode e : hyperConverged.at("/spec/permittedHostDevices/pciHostDevices")) {
      permitted
          .computeIfAbsent(e.path("pciDeviceSelector").asText(), s -> new ArrayList<>())
          .add(e.path("resourceName").asText());
    }
    assertEquals(expected, permitted);
    assertEquals(11, permitted.size(), "6 pre-Gen4 and 5 Gen4/Gen6 VF device IDs");
  }

  @Test
  void everyEntryIsAnExternalProviderInHcosFieldNames() {
    for (JsonNode e : hyperConverged.at("/spec/permittedHostDevices/pciHostDevices")) {
      Set<String> fields = new TreeSet<>();
      e.fieldNames().forEachRemaining(fields::add);
      assertEquals(
          Set.of("pciDeviceSelector", "resourceName", "externalResourceProvider"),
          fields,
          e.toString());
      assertEquals(
          true, e.path("externalResourceProvider").booleanValue(), e + " is external, not off");
    }
  }

  @Test
  void setsNoFeatureGateBecauseHcoAlwaysTurnsOnHostDevices() {
    Set<String> spec = new TreeSet<>();
    hyperConverged.path("spec").fieldNames().forEachRemaining(spec::add);
    assertEquals(Set.of("permittedHostDevices"), spec);
    Set<String> permitted = new TreeSet<>();
    hyperConverged.at("/spec/permittedHostDevices").fieldNames().forEachRemaining(permitted::add);
    assertEquals(Set.of("pciHostDevices"), permitted);
  }
}
