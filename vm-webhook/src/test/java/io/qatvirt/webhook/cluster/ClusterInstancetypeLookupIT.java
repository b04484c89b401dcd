package io.qatvirt.webhook.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.qatvirt.webhook.mutation.InstancetypeLookup.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterInstancetypeLookupIT {
  private static final String NAMESPACED =
      "/apis/instancetype.kubevirt.io/v1beta1/namespaces/vnf/virtualmachineinstancetypes/";
  private static final String CLUSTER =
      "/apis/instancetype.kubevirt.io/v1beta1/virtualmachineclusterinstancetypes/";

  private final FakeApiServer api = new FakeApiServer();
  private final KubernetesClient client = api.client();
  private final ClusterInstancetypeLookup lookup = new ClusterInstancetypeLookup(client);

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  private static String instancetype(String kind, String spec) {
    return "{\"apiVersion\": \"instancetype.kubevirt.io/v1beta1\", \"kind\": \""
        + kind
        + "\", \"metadata\": {\"name\": \"it\"}, \"spec\": "
        + spec
        + "}";
  }

  @Test
  void tellsANamespacedInstancetypeThatDefinesHostDevices() {
    api.wireMock()
        .stubFor(
            get(urlPathEqualTo(NAMESPACED + "gpu.large"))
                .willReturn(
                    okJson(
                        instancetype(
                            "VirtualMachineInstancetype",
                            "{\"cpu\": {\"guest\": 4}, \"memory\": {\"guest\": \"8Gi\"},"
                                + " \"hostDevices\": [{\"name\": \"gpu\", \"deviceName\":"
                                + " \"nvidia.com/T4\"}]}"))));

    assertEquals(
        Answer.DEFINES_HOST_DEVICES,
        lookup.hostDevices("vnf", "VirtualMachineInstancetype", "gpu.large"));
  }

  @Test
  void tellsAClusterInstancetypeWithoutHostDevices() {
    api.wireMock()
        .stubFor(
            get(urlPathEqualTo(CLUSTER + "u1.large"))
                .willReturn(
                    okJson(
                        instancetype(
                            "VirtualMachineClusterInstancetype",
                            "{\"cpu\": {\"guest\": 2}, \"memory\": {\"guest\": \"8Gi\"},"
                                + " \"hostDevices\": []}"))));

    assertEquals(
        Answer.NO_HOST_DEVICES,
        lookup.hostDevices("vnf", "VirtualMachineClusterInstancetype", "u1.large"));
  }

  @Test
  void answersUnknownForAMissingInstancetype() {
    api.wireMock()
        .stubFor(
            get(urlPathEqualTo(CLUSTER + "gone"))
                .willReturn(
                    aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody(
                            "{\"kind\": \"Status\", \"apiVersion\": \"v1\", \"status\": \"Failure\","
                                + " \"reason\": \"NotFound\", \"code\": 404}")));

    assertEquals(
        Answer.UNKNOWN, lookup.hostDevices("vnf", "VirtualMachineClusterInstancetype", "gone"));
  }

  @Test
  void answersUnknownWhenTheApiServerFails() {
    api.wireMock()
        .stubFor(get(urlPathEqualTo(NAMESPACED + "x")).willReturn(aResponse().withStatus(500)));

    assertEquals(Answer.UNKNOWN, lookup.hostDevices("vnf", "VirtualMachineInstancetype", "x"));
  }

  @Test
  void answersUnknownWhenTheApiServerIsGone() {
    api.stop();

    assertEquals(
        Answer.UNKNOWN, lookup.hostDevices("vnf", "VirtualMachineClusterInstancetype", "u1"));
  }

  @Test
  void answersUnknownWithoutAskingForAnUnknownKindOrAMissingNamespace() {
    assertEquals(Answer.UNKNOWN, lookup.hostDevices("vnf", "VirtualMachinePreference", "x"));
    assertEquals(Answer.UNKNOWN, lookup.hostDevices("", "VirtualMachineInstancetype", "x"));

    api.wireMock().verify(0, getRequestedFor(urlPathEqualTo(NAMESPACED + "x")));
  }
}
