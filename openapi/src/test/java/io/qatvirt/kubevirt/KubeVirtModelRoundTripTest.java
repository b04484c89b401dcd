package io.qatvirt.kubevirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.kubevirt.model.V1HostDevice;
import io.qatvirt.kubevirt.model.V1KubeVirt;
import io.qatvirt.kubevirt.model.V1PciHostDevice;
import io.qatvirt.kubevirt.model.V1VirtualMachine;
import io.qatvirt.kubevirt.model.V1VirtualMachineInstance;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeVirtModelRoundTripTest {
  private final ObjectMapper mapper = KubeVirtJson.newMapper();

  private JsonNode fixture(String name) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/kubevirt/" + name)) {
      return mapper.readTree(in);
    }
  }

  private <T> T roundTrip(JsonNode original, Class<T> type) throws IOException {
    T model = mapper.treeToValue(original, type);
    JsonNode written = mapper.readTree(mapper.writeValueAsString(model));
    assertEquals(original, written, "writing the " + type.getSimpleName() + " back changed it");
    return model;
  }

  @Test
  void readsARichVmiIntoTypedFieldsAndWritesItBackUnchanged() throws IOException {
    V1VirtualMachineInstance vmi =
        roundTrip(fixture("vmi-rich.json"), V1VirtualMachineInstance.class);

    assertEquals("vnf", vmi.getMetadata().getNamespace());
    assertEquals("2", vmi.getMetadata().getAnnotations().get("qat.intel.com/generic"));
    List<V1HostDevice> hostDevices = vmi.getSpec().getDomain().getDevices().getHostDevices();
    assertEquals("qat-generic-0", hostDevices.get(0).getName());
    assertEquals("qat.intel.com/generic", hostDevices.get(0).getDeviceName());
    assertEquals("qat0", hostDevices.get(0).getTag());
    assertEquals(
        mapper.readTree("{\"nested\": [1, 2.5, null]}"),
        mapper.valueToTree(hostDevices.get(1).getAdditionalProperty("x-future-field")));
    assertEquals(
        "2", vmi.getSpec().getDomain().getResources().getRequests().get("qat.intel.com/generic"));
    assertEquals(
        new java.math.BigInteger("8589934592"),
        vmi.getSpec().getDomain().getResources().getLimits().get("memory"));
    assertEquals("Running", ((Map<?, ?>) vmi.getAdditionalProperty("status")).get("phase"));
  }

  @Test
  void readsAVmTemplateAndInstancetypeMatcherAndWritesItBackUnchanged() throws IOException {
    V1VirtualMachine vm = roundTrip(fixture("vm-with-instancetype.json"), V1VirtualMachine.class);

    assertEquals("VirtualMachineClusterInstancetype", vm.getSpec().getInstancetype().getKind());
    assertEquals("u1.large", vm.getSpec().getInstancetype().getName());
    assertEquals(
        "1", vm.getSpec().getTemplate().getMetadata().getAnnotations().get("qat.intel.com/cy"));
    assertEquals(
        "qat.intel.com/cy",
        vm.getSpec()
            .getTemplate()
            .getSpec()
            .getDomain()
            .getDevices()
            .getHostDevices()
            .get(0)
            .getDeviceName());
    assertNull(vm.getSpec().getTemplate().getSpec().getDomain().getResources());
  }

  @Test
  void readsTheKubeVirtCrPermittedHostDevicesAndWritesItBackUnchanged() throws IOException {
    V1KubeVirt kubevirt = roundTrip(fixture("kubevirt-cr.json"), V1KubeVirt.class);

    var configuration = kubevirt.getSpec().getConfiguration();
    assertEquals(
        List.of("HostDevices", "Sidecar"),
        configuration.getDeveloperConfiguration().getFeatureGates());
    List<V1PciHostDevice> pci = configuration.getPermittedHostDevices().getPciHostDevices();
    assertEquals("8086:4941", pci.get(0).getPciVendorSelector());
    assertEquals("qat.intel.com/generic", pci.get(0).getResourceName());
    assertEquals(Boolean.TRUE, pci.get(0).getExternalResourceProvider());
    assertNull(pci.get(1).getExternalResourceProvider());
  }
}
