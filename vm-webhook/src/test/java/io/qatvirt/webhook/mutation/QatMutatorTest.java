package io.qatvirt.webhook.mutation;

import static io.qatvirt.webhook.mutation.MutationHarness.create;
import static io.qatvirt.webhook.mutation.MutationHarness.resource;
import static io.qatvirt.webhook.mutation.MutationHarness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Golden cases: exact patches for the fixtures in {@code src/test/resources/mutation}. */
class QatMutatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<List<String>> lookups = new ArrayList<>();
  private InstancetypeLookup.Answer instancetypeAnswer = InstancetypeLookup.Answer.NO_HOST_DEVICES;
  private final QatMutator mutator =
      new QatMutator(
          MutatorConfig.defaults(),
          (namespace, kind, name) -> {
            lookups.add(List.of(namespace, kind, name));
            return instancetypeAnswer;
          });

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private void assertPatch(String expected, MutationHarness.Result result) {
    assertEquals(json(expected), result.allowed().patch());
  }

  @Test
  void createsTheDevicesObjectWhenTheVmiHasNone() {
    MutationHarness.Result result = create(mutator, resource("/mutation/vmi-without-devices.yaml"));

    assertPatch(
        """
        [{"op": "add", "path": "/spec/domain/devices", "value": {"hostDevices": [
          {"name": "qat-generic-0", "deviceName": "qat.intel.com/generic"},
          {"name": "qat-generic-1", "deviceName": "qat.intel.com/generic"}]}}]
        """,
        result);
    assertEquals(Map.of("qat.intel.com/generic", 2), result.allowed().requested());
  }

  @Test
  void addsTheWholeHostDevicesArrayBesideOtherDevices() {
    MutationHarness.Result result = create(mutator, resource("/mutation/vmi-with-disks.yaml"));

    assertPatch(
        """
        [{"op": "add", "path": "/spec/domain/devices/hostDevices", "value": [
          {"name": "qat-cy-0", "deviceName": "qat.intel.com/cy"}]}]
        """,
        result);
    assertEquals(Map.of("qat.intel.com/cy", 1), result.allowed().requested());
  }

  @Test
  void appendsToExistingHostDevicesCountingOursAndSkippingTakenNames() {
    MutationHarness.Result result =
        create(mutator, resource("/mutation/vmi-with-host-devices.yaml"));

    assertPatch(
        """
        [{"op": "add", "path": "/spec/domain/devices/hostDevices/-",
          "value": {"name": "qat-cy-0", "deviceName": "qat.intel.com/cy"}},
         {"op": "add", "path": "/spec/domain/devices/hostDevices/-",
          "value": {"name": "qat-generic-1", "deviceName": "qat.intel.com/generic"}},
         {"op": "add", "path": "/spec/domain/devices/hostDevices/-",
          "value": {"name": "qat-generic-2", "deviceName": "qat.intel.com/generic"}}]
        """,
        result);
    assertEquals(
        Map.of("qat.intel.com/generic", 2, "qat.intel.com/cy", 2), result.allowed().requested());
  }

  @Test
  void mutatesAVmTemplate() {
    MutationHarness.Result result = create(mutator, resource("/mutation/vm-template.yaml"));

    assertPatch(
        """
        [{"op": "add", "path": "/spec/template/spec/domain/devices/hostDevices", "value": [
          {"name": "qat-sym-dc-0", "deviceName": "qat.intel.com/sym-dc"},
          {"name": "qat-sym-dc-1", "deviceName": "qat.intel.com/sym-dc"}]}]
        """,
        result);
    assertEquals(Map.of("qat.intel.com/sym-dc", 2), result.allowed().requested());
  }

  @Test
  void addsSeveralResourcesInNameOrderCreatingTheDomain() {
    MutationHarness.Result result =
        create(mutator, resource("/mutation/vmi-several-resources.yaml"));

    assertPatch(
        """
        [{"op": "add", "path": "/spec/domain", "value": {"devices": {"hostDevices": [
          {"name": "qat-cy-0", "deviceName": "qat.intel.com/cy"},
          {"name": "qat-dc-0", "deviceName": "qat.intel.com/dc"},
          {"name": "qat-dc-1", "deviceName": "qat.intel.com/dc"},
          {"name": "qat-generic-0", "deviceName": "qat.intel.com/generic"}]}}}]
        """,
        result);
    assertEquals(
        Map.of("qat.intel.com/cy", 1, "qat.intel.com/dc", 2, "qat.intel.com/generic", 1),
        result.allowed().requested());
  }

  @Test
  void aSecondPassOverThePatchedObjectAddsNothing() {
    for (String fixture :
        List.of(
            "vmi-without-devices.yaml",
            "vmi-with-disks.yaml",
            "vmi-with-host-devices.yaml",
            "vm-template.yaml",
            "vmi-several-resources.yaml")) {
      MutationHarness.Result first = create(mutator, resource("/mutation/" + fixture));
      MutationHarness.Result second = create(mutator, first.patchedObject());

      assertEquals(json("[]"), second.allowed().patch(), fixture);
      assertEquals(first.allowed().requested(), second.allowed().requested(), fixture);
      assertEquals(first.patchedObject(), second.patchedObject(), fixture);
    }
  }

  @Test
  void aVmiCreatedFromAMutatedVmTemplateGetsNothingMore() {
    JsonNode vm = create(mutator, resource("/mutation/vm-template.yaml")).patchedObject();
    ObjectNode vmi = JSON.createObjectNode();
    vmi.put("apiVersion", "kubevirt.io/v1");
    vmi.put("kind", "VirtualMachineInstance");
    ObjectNode metadata = vm.path("spec").path("template").path("metadata").deepCopy();
    metadata.put("name", "compressor");
    metadata.put("namespace", "storage");
    vmi.set("metadata", metadata);
    vmi.set("spec", vm.path("spec").path("template").path("spec").deepCopy());

    MutationHarness.Result result = create(mutator, vmi);

    assertEquals(json("[]"), result.allowed().patch());
    assertEquals(Map.of("qat.intel.com/sym-dc", 2), result.allowed().requested());
  }

  @Test
  void mutatesVmsOnUpdateButLeavesVmiUpdatesAlone() {
    JsonNode vm = resource("/mutation/vm-template.yaml");
    JsonNode vmi = resource("/mutation/vmi-without-devices.yaml");

    assertEquals(
        create(mutator, vm).allowed().patch(),
        run(mutator, "VirtualMachine", "UPDATE", vm).allowed().patch());
    MutationHarness.Result vmiUpdate = run(mutator, "VirtualMachineInstance", "UPDATE", vmi);
    assertEquals(json("[]"), vmiUpdate.allowed().patch());
    assertEquals(Map.of(), vmiUpdate.allowed().requested());
    assertEquals(json("[]"), run(mutator, "VirtualMachine", "DELETE", vm).allowed().patch());
  }

  @Test
  void allowsOtherKindsAndObjectsAskingForNothingUntouched() {
    JsonNode pod =
        json(
            """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p",
              "annotations": {"qat.intel.com/generic": "2"}}, "spec": {"containers": []}}
            """);
    JsonNode unrelated =
        json(
            """
            {"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance",
             "metadata": {"name": "plain", "annotations": {
               "example.com/generic": "2", "qat.intel.com.evil/generic": "x", "qat.intel.com": "1"}},
             "spec": {"domain": {"devices": {"hostDevices": "not even a list"}}}}
            """);

    for (MutationHarness.Result result :
        List.of(
            run(mutator, "Pod", "CREATE", pod),
            create(mutator, unrelated),
            create(mutator, json("{\"kind\": \"VirtualMachineInstance\"}")))) {
      assertEquals(json("[]"), result.allowed().patch());
      assertEquals(Map.of(), result.allowed().requested());
    }
  }

  @Test
  void acceptsAnExplicitResourceRequestThatAgreesWithTheAnnotation() {
    ObjectNode vmi = (ObjectNode) resource("/mutation/vmi-without-devices.yaml");
    ObjectNode resources = ((ObjectNode) vmi.path("spec").path("domain")).putObject("resources");
    resources.putObject("requests").put("qat.intel.com/generic", "2");
    resources.putObject("limits").put("qat.intel.com/generic", 2);

    MutationHarness.Result result = create(mutator, vmi);

    assertEquals(2, result.allowed().patch().get(0).path("value").path("hostDevices").size());
  }

  @Test
  void asksTheLookupForTheVmsInstancetypeWithTheDefaultKind() {
    MutationHarness.Result result =
        create(mutator, resource("/mutation/vm-with-instancetype.yaml"));

    assertEquals(List.of(List.of("vnf", "VirtualMachineClusterInstancetype", "u1.qat")), lookups);
    assertPatch(
        """
        [{"op": "add", "path": "/spec/template/spec/domain/devices/hostDevices", "value": [
          {"name": "qat-generic-0", "deviceName": "qat.intel.com/generic"}]}]
        """,
        result);
  }

  @Test
  void mutatesAVmWhoseInstancetypeCannotBeLookedUp() {
    instancetypeAnswer = InstancetypeLookup.Answer.UNKNOWN;

    MutationHarness.Result result =
        create(mutator, resource("/mutation/vm-with-instancetype.yaml"));

    assertEquals(1, result.allowed().patch().size());
    assertEquals(Map.of("qat.intel.com/generic", 1), result.allowed().requested());
  }

  @Test
  void leavesVmsAskingForNothingWithoutLookingUpTheirInstancetype() {
    ObjectNode vm = (ObjectNode) resource("/mutation/vm-with-instancetype.yaml");
    ((ObjectNode) vm.path("spec").path("template").path("metadata")).remove("annotations");

    assertEquals(json("[]"), create(mutator, vm).allowed().patch());
    assertEquals(List.of(), lookups);
  }

  @Test
  void patchedFixturesAreValidKubeVirtObjects() {
    SwaggerSchemas swagger = SwaggerSchemas.loadOrSkip();
    for (String fixture :
        List.of(
            "vmi-without-devices.yaml",
            "vmi-with-disks.yaml",
            "vmi-with-host-devices.yaml",
            "vm-template.yaml",
            "vmi-several-resources.yaml",
            "vm-with-instancetype.yaml")) {
      JsonNode patched = create(mutator, resource("/mutation/" + fixture)).patchedObject();
      String definition = "v1." + patched.path("kind").asText();

      assertEquals(List.of(), swagger.violations(definition, patched), fixture);
    }
  }

  @Test
  void theSchemaCheckCatchesABrokenHostDevice() {
    SwaggerSchemas swagger = SwaggerSchemas.loadOrSkip();
    JsonNode broken =
        json(
            """
            {"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance", "metadata": {},
             "spec": {"domain": {"devices": {"hostDevices": [{"deviceName": 7}]}}}}
            """);

    assertEquals(2, swagger.violations("v1.VirtualMachineInstance", broken).size());
  }
}
