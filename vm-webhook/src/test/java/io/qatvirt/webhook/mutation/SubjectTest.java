package io.qatvirt.webhook.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qatvirt.kubevirt.model.V1HostDevice;
import io.qatvirt.kubevirt.model.V1InstancetypeMatcher;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link Subject} reads of a VMI or VM, and how it names a mistyped member. */
class SubjectTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final ObjectMapper MODELS = ReadOnlyModels.newMapper();

  @Test
  void readsAVmiNamesAnnotationsAndHostDevices() throws Exception {
    ObjectNode vmi = JSON.objectNode();
    vmi.putObject("metadata")
        .put("name", "gw")
        .put("namespace", "vnf")
        .putObject("annotations")
        .put("qat.intel.com/cy", "2");
    vmi.putObject("spec")
        .putObject("domain")
        .putObject("devices")
        .putArray("hostDevices")
        .addObject()
        .put("name", "qat-cy-0")
        .put("deviceName", "qat.intel.com/cy");

    Subject subject = Subject.ofVmi(MODELS, vmi);

    assertEquals("VirtualMachineInstance", subject.kind());
    assertEquals("vnf/gw", subject.ref());
    assertEquals(Map.of("qat.intel.com/cy", "2"), subject.annotations());
    assertEquals(
        List.of(new V1HostDevice().name("qat-cy-0").deviceName("qat.intel.com/cy")),
        subject.spec().getDomain().getDevices().getHostDevices());
    assertEquals(List.of("spec"), subject.specPath());
    assertEquals(Optional.empty(), subject.instancetype());
  }

  @Test
  void readsAVmsTemplateAndInstancetype() throws Exception {
    ObjectNode vm = JSON.objectNode();
    vm.putObject("metadata").put("generateName", "tls-");
    ObjectNode spec = vm.putObject("spec");
    spec.putObject("instancetype").put("name", "u1.large");
    spec.putObject("template")
        .putObject("metadata")
        .putObject("annotations")
        .put("qat.intel.com/dc", "1");

    Subject subject = Subject.ofVm(MODELS, vm);

    assertEquals("VirtualMachine", subject.kind());
    assertEquals("tls-<generated>", subject.ref());
    assertEquals(Map.of("qat.intel.com/dc", "1"), subject.annotations());
    assertEquals(List.of("spec", "template", "spec"), subject.specPath());
    assertEquals(Optional.of(new V1InstancetypeMatcher().name("u1.large")), subject.instancetype());
  }

  @Test
  void namesTheMistypedMemberWithItsIndexAndKey() {
    ObjectNode vmi = JSON.objectNode();
    vmi.putObject("metadata").putObject("annotations").put("a", 1).putArray("b.c");
    assertEquals("metadata.annotations.b.c", mistyped(vmi));

    ObjectNode devices = JSON.objectNode();
    devices.putObject("spec").putObject("domain").putObject("devices");
    ArrayNode hostDevices =
        ((ObjectNode) devices.path("spec").path("domain").path("devices")).putArray("hostDevices");
    hostDevices.addObject().put("name", "a");
    hostDevices.addObject().putObject("deviceName");
    assertEquals("spec.domain.devices.hostDevices[1].deviceName", mistyped(devices));
  }

  @Test
  void readsNumbersAndBooleansAsJacksonCoercesThem() throws Exception {
    ObjectNode vmi = JSON.objectNode();
    vmi.putObject("metadata").put("name", 12).putObject("annotations").put("x", true);
    ((ObjectNode) vmi.path("metadata")).put("namespace", 1.5);
    ObjectNode resources = vmi.putObject("spec").putObject("domain").putObject("resources");
    resources.putObject("requests").put("cpu", 2).put("memory", new BigDecimal("1.50"));

    Subject subject = Subject.ofVmi(MODELS, vmi);

    assertEquals("1.5/12", subject.ref());
    assertEquals(Map.of("x", "true"), subject.annotations());
  }

  @Test
  void leavesLabelsUidAndResourceVersionUnreadLikeMembersItDoesNotDeclare() throws Exception {
    ObjectNode vmi = JSON.objectNode();
    ObjectNode meta = vmi.putObject("metadata").put("name", "gw");
    meta.putArray("labels").add(1);
    meta.putObject("uid").put("x", 1);
    meta.putArray("resourceVersion");
    vmi.putObject("spec").putObject("networks").put("anything", List.of().size());

    assertEquals("gw", Subject.ofVmi(MODELS, vmi).ref());
  }

  private static String mistyped(JsonNode vmi) {
    return assertThrows(Subject.MistypedField.class, () -> Subject.ofVmi(MODELS, vmi)).path();
  }
}
