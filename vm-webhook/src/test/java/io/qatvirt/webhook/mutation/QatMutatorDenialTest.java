package io.qatvirt.webhook.mutation;

import static io.qatvirt.webhook.mutation.MutationHarness.create;
import static io.qatvirt.webhook.mutation.MutationHarness.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every denial, with its exact message. */
class QatMutatorDenialTest {
  private static final String ALLOWED =
      "qat.intel.com/asym, qat.intel.com/asym-dc, qat.intel.com/cy, qat.intel.com/dc,"
          + " qat.intel.com/dcc, qat.intel.com/decomp, qat.intel.com/generic, qat.intel.com/sym,"
          + " qat.intel.com/sym-dc";

  private InstancetypeLookup.Answer instancetype = InstancetypeLookup.Answer.NO_HOST_DEVICES;
  private final QatMutator mutator =
      new QatMutator(MutatorConfig.defaults(), (namespace, kind, name) -> instancetype);

  private static ObjectNode vmiAnnotated(String key, String value) {
    ObjectNode vmi = (ObjectNode) resource("/mutation/vmi-without-devices.yaml");
    ObjectNode annotations = (ObjectNode) vmi.path("metadata").path("annotations");
    annotations.removeAll();
    annotations.put(key, value);
    return vmi;
  }

  private String denial(JsonNode object) {
    return create(mutator, object).deniedMessage();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "two", " 2", "2 ", "2.0", "+2", "02", "", "0x2", "1e1"})
  void deniesACountThatIsNotAPositiveWholeNumber(String count) {
    assertEquals(
        "tried to add QAT host devices to VirtualMachineInstance vnf/ipsec-gw, but annotation"
            + " qat.intel.com/generic=\""
            + count
            + "\" is not a positive whole number of VFs: set it to a count such as \"1\"",
        denial(vmiAnnotated("qat.intel.com/generic", count)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"17", "4096", "2147483648", "99999999999999999999999999"})
  void deniesMoreVfsThanAVmMayHave(String count) {
    assertEquals(
        "tried to add QAT host devices to VirtualMachineInstance vnf/ipsec-gw, but annotation"
            + " qat.intel.com/generic=\""
            + count
            + "\" asks for more than the 16 VFs of one resource a VM may have: ask for at most 16",
        denial(vmiAnnotated("qat.intel.com/generic", count)));
  }

  @Test
  void allowsExactlyTheMaximum() {
    assertEquals(
        16,
        create(mutator, vmiAnnotated("qat.intel.com/generic", "16"))
            .allowed()
            .patch()
            .get(0)
            .path("value")
            .path("hostDevices")
            .size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "qat.intel.com/foo/bar",
        "qat.intel.com/",
        "qat.intel.com/Generic",
        "qat.intel.com/-cy",
        "qat.intel.com/cy.x"
      })
  void deniesAnAnnotationKeyOfTheWrongShape(String key) {
    assertEquals(
        "tried to add QAT host devices to VirtualMachineInstance vnf/ipsec-gw, but annotation "
            + key
            + " is not of the form qat.intel.com/<resource>: use one of "
            + ALLOWED,
        denial(vmiAnnotated(key, "1")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"qat.intel.com/foo", "qat.intel.com/gpu"})
  void deniesAResourceOutsideTheAllowedSet(String key) {
    assertEquals(
        "tried to add QAT host devices to VirtualMachineInstance vnf/ipsec-gw, but annotation "
            + key
            + " names a resource this webhook does not hand out: use one of "
            + ALLOWED,
        denial(vmiAnnotated(key, "1")));
  }

  @ParameterizedTest
  @CsvSource({
    "requests, '\"1\"', 1",
    "limits, '3', 3",
    "requests, '\"1500m\"', 1500m",
  })
  void deniesAnExplicitResourceCountThatDisagrees(String list, String json, String shown)
      throws Exception {
    ObjectNode vmi = vmiAnnotated("qat.intel.com/generic", "2");
    ((ObjectNode) vmi.path("spec").path("domain"))
        .putObject("resources")
        .putObject(list)
        .set(
            "qat.intel.com/generic",
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json));

    assertEquals(
        "tried to add QAT host devices to VirtualMachineInstance vnf/ipsec-gw, but"
            + " spec.domain.resources."
            + list
            + "[\"qat.intel.com/generic\"] is \""
            + shown
            + "\" while annotation qat.intel.com/generic asks for 2 (KubeVirt would start the pod"
            + " with "
            + shown
            + " VF(s), not one per hostDevices entry): remove it or set it to \"2\"",
        denial(vmi));
  }

  @Test
  void deniesAResourceCountThatIsNotAQuantity() {
    ObjectNode vmi = vmiAnnotated("qat.intel.com/generic", "2");
    ((ObjectNode) vmi.path("spec").path("domain"))
        .putObject("resources")
        .putObject("limits")
        .put("qat.intel.com/generic", "lots");

    assertEquals(
        "tried to add QAT host devices to VirtualMachineInstance vnf/ipsec-gw, but"
            + " spec.domain.resources.limits[\"qat.intel.com/generic\"] is \"lots\", which is not a"
            + " quantity: remove it or set it to 2",
        denial(vmi));
  }

  @Test
  void deniesWhenMoreEntriesAreAlreadyThereThanAskedFor() {
    ObjectNode vm = (ObjectNode) resource("/mutation/vm-template.yaml");
    ArrayNode hostDevices =
        ((ObjectNode) vm.path("spec").path("template").path("spec").path("domain").path("devices"))
            .putArray("hostDevices");
    for (int i = 0; i < 3; i++) {
      hostDevices.addObject().put("name", "dev" + i).put("deviceName", "qat.intel.com/sym-dc");
    }

    assertEquals(
        "tried to add QAT host devices to VirtualMachine storage/compressor, but"
            + " spec.template.spec.domain.devices.hostDevices already has 3 entries with"
            + " deviceName qat.intel.com/sym-dc while annotation qat.intel.com/sym-dc asks for 2:"
            + " set the annotation to \"3\" or remove the extra entries",
        denial(vm));
  }

  @Test
  void deniesAVmWhoseInstancetypeDefinesHostDevices() {
    instancetype = InstancetypeLookup.Answer.DEFINES_HOST_DEVICES;

    assertEquals(
        "tried to add QAT host devices to VirtualMachine vnf/sized, but its instancetype"
            + " VirtualMachineClusterInstancetype u1.qat defines hostDevices, and KubeVirt rejects"
            + " a VM whose template adds more: list the QAT devices in the instancetype and remove"
            + " the qat.intel.com/generic annotation(s), or choose an instancetype without"
            + " hostDevices",
        denial(resource("/mutation/vm-with-instancetype.yaml")));
  }

  @Test
  void deniesAMalformedObjectThatAsksForQat() {
    ObjectNode vmi = vmiAnnotated("qat.intel.com/generic", "1");
    ((ObjectNode) vmi.path("spec").path("domain")).putObject("devices").put("hostDevices", "x");

    assertEquals(
        "tried to add QAT host devices to VirtualMachineInstance vnf/ipsec-gw, but it is not a"
            + " well-formed VirtualMachineInstance: spec.domain.devices.hostDevices has the wrong"
            + " type",
        denial(vmi));
  }

  @Test
  void deniesAMalformedHostDeviceEntryNamingItsIndex() {
    ObjectNode vmi = vmiAnnotated("qat.intel.com/generic", "1");
    ArrayNode hostDevices =
        ((ObjectNode) vmi.path("spec").path("domain")).putObject("devices").putArray("hostDevices");
    hostDevices.addObject().put("name", "a").put("deviceName", "example.com/a");
    hostDevices.addObject().put("name", "b").putArray("deviceName");

    assertEquals(
        "tried to add QAT host devices to VirtualMachineInstance vnf/ipsec-gw, but it is not a"
            + " well-formed VirtualMachineInstance: spec.domain.devices.hostDevices[1].deviceName"
            + " has the wrong type",
        denial(vmi));
  }

  @Test
  void letsABrokenLookupThrowRatherThanDenyingTheUser() {
    // a bug is not the user's fault: the admission controller answers it with 500 (see
    // AdmissionControllerTest.failsClosedWith500WhenTheMutatorThrows)
    QatMutator broken =
        new QatMutator(
            MutatorConfig.defaults(),
            (namespace, kind, name) -> {
              throw new IllegalStateException("lookup bug");
            });

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                broken.mutate(
                    "VirtualMachine", "CREATE", resource("/mutation/vm-with-instancetype.yaml")));
    assertEquals("lookup bug", e.getMessage());
  }

  @Test
  void namesAGeneratedNameInMessages() {
    ObjectNode vmi = vmiAnnotated("qat.intel.com/generic", "0");
    ObjectNode metadata = (ObjectNode) vmi.path("metadata");
    metadata.remove("name");
    metadata.put("generateName", "gw-");

    assertEquals(
        "tried to add QAT host devices to VirtualMachineInstance vnf/gw-<generated>, but"
            + " annotation qat.intel.com/generic=\"0\" is not a positive whole number of VFs: set"
            + " it to a count such as \"1\"",
        denial(vmi));
  }
}
