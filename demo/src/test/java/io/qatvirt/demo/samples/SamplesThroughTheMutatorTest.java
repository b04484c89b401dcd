package io.qatvirt.demo.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.demo.testing.KubeVirtSchema;
import io.qatvirt.demo.webhook.SampleMutation;
import io.qatvirt.webhook.mutation.MutationOutcome;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample in samples/vmi/ goes through the webhook's real mutator; the result is checked. */
class SamplesThroughTheMutatorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static SampleMutation samples;

  @BeforeAll
  static void mutator() {
    samples = SampleMutation.withDefaults();
  }

  static List<String> sampleNames() {
    return SampleMutation.SAMPLES;
  }

  @Test
  void theIpsecGatewayGetsOneGenericVfAppendedToANewHostDevicesList() throws IOException {
    SampleMutation.Result result = samples.mutate(samples.readSample("ipsec-gateway-vmi.yaml"));
    assertEquals(Map.of("qat.intel.com/generic", 1), result.requested());
    assertEquals(
        JSON.readTree(
            "[{\"op\":\"add\",\"path\":\"/spec/domain/devices/hostDevices\","
                + "\"value\":[{\"name\":\"qat-generic-0\",\"deviceName\":\"qat.intel.com/generic\"}]}]"),
        result.patch());
    assertEquals(
        JSON.readTree("[{\"name\":\"qat-generic-0\",\"deviceName\":\"qat.intel.com/generic\"}]"),
        result.patched().orElseThrow().at("/spec/domain/devices/hostDevices"));
  }

  @Test
  void theGen4VmGetsACyAndADcVfInItsTemplate() throws IOException {
    SampleMutation.Result result = samples.mutate(samples.readSample("gen4-cy-dc-vm.yaml"));
    assertEquals(Map.of("qat.intel.com/cy", 1, "qat.intel.com/dc", 1), result.requested());
    assertEquals(
        JSON.readTree(
            "[{\"name\":\"qat-cy-0\",\"deviceName\":\"qat.intel.com/cy\"},"
                + "{\"name\":\"qat-dc-0\",\"deviceName\":\"qat.intel.com/dc\"}]"),
        result.patched().orElseThrow().at("/spec/template/spec/domain/devices/hostDevices"));
  }

  @Test
  void theGen4IpsecVmGetsOneCyVfInANewTemplateHostDevicesList() throws IOException {
    SampleMutation.Result result = samples.mutate(samples.readSample("gen4-ipsec-vpp-vm.yaml"));
    assertEquals(Map.of("qat.intel.com/cy", 1), result.requested());
    assertEquals(
        JSON.readTree(
            "[{\"op\":\"add\",\"path\":\"/spec/template/spec/domain/devices/hostDevices\","
                + "\"value\":[{\"name\":\"qat-cy-0\",\"deviceName\":\"qat.intel.com/cy\"}]}]"),
        result.patch());
  }

  @Test
  void handWrittenHostDevicesAndPlainVmsAreLeftAsTheyAre() {
    for (String name : List.of("hand-written-hostdevices-vmi.yaml", "no-qat-vmi.yaml")) {
      JsonNode sample = samples.readSample(name);
      SampleMutation.Result result = samples.mutate(sample);
      assertInstanceOf(MutationOutcome.Allowed.class, result.outcome(), name);
      assertTrue(result.patch().isEmpty(), name + ": " + result.patch());
      assertEquals(sample, result.patched().orElseThrow(), name);
    }
  }

  @ParameterizedTest
  @MethodSource("sampleNames")
  void everySampleAndItsPatchedFormValidateAgainstKubeVirtsSchema(String name) throws IOException {
    KubeVirtSchema schema = KubeVirtSchema.loadOrSkip();
    JsonNode sample = samples.readSample(name);
    String definition = "v1." + sample.path("kind").asText();
    assertEquals(List.of(), schema.violations(definition, sample), name + " as written");
    SampleMutation.Result result = samples.mutate(sample);
    assertEquals(
        List.of(),
        schema.violations(definition, result.patched().orElseThrow()),
        name + " patched");
  }

  @Test
  void theSchemaCheckCatchesAMisspeltField() throws IOException {
    KubeVirtSchema schema = KubeVirtSchema.loadOrSkip();
    JsonNode sample = samples.readSample("hand-written-hostdevices-vmi.yaml").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) sample.at("/spec/domain/devices"))
        .set("hostDevice", sample.at("/spec/domain/devices/hostDevices"));
    assertEquals(
        1,
        schema.violations("v1.VirtualMachineInstance", sample).size(),
        schema.violations("v1.VirtualMachineInstance", sample).toString());
  }
}
