package io.qatvirt.webhook.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import io.qatvirt.webhook.permitted.PermitDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The informer against WireMock standing in for the API server: list, watch, and outages. */
class KubeVirtPermittedDevicesIT {
  private static final List<String> GENERIC = List.of("qat.intel.com/generic");
  private static final List<String> CY = List.of("qat.intel.com/cy");
  private static final PermitDecision PERMIT = new PermitDecision.Permit(Optional.empty());

  private final FakeApiServer api = new FakeApiServer();
  private final KubernetesClient client = api.client();
  private final List<KubeVirtPermittedDevices> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(KubeVirtPermittedDevices::close);
    client.close();
    api.close();
  }

  private KubeVirtPermittedDevices start(OnApiUnavailable policy) {
    KubeVirtPermittedDevices devices =
        new KubeVirtPermittedDevices(client, policy, Duration.ofMillis(200));
    started.add(devices);
    devices.start();
    return devices;
  }

  private static String kubevirt(String resourceVersion, String... permittedResources) {
    StringBuilder pci = new StringBuilder();
    for (String resource : permittedResources) {
      pci.append(pci.length() == 0 ? "" : ", ")
          .append("{\"pciVendorSelector\": \"8086:4941\", \"resourceName\": \"")
          .append(resource)
          .append("\", \"externalResourceProvider\": true}");
    }
    return "{\"apiVersion\": \"kubevirt.io/v1\", \"kind\": \"KubeVirt\", \"metadata\": {\"name\":"
        + " \"kubevirt\", \"namespace\": \"kubevirt\", \"resourceVersion\": \""
        + resourceVersion
        + "\"}, \"spec\": {\"configuration\": {\"developerConfiguration\": {\"featureGates\":"
        + " [\"HostDevices\"]}, \"permittedHostDevices\": {\"pciHostDevices\": ["
        + pci
        + "]}}}, \"status\": {\"phase\": \"Deployed\"}}";
  }

  private static String list(String... items) {
    return FakeApiServer.kubeVirtListBody(items);
  }

  private static MappingBuilder listRequest() {
    return FakeApiServer.kubeVirtList();
  }

  /** A watch that stays open for about a minute, sending {@code events} first. */
  private void stubWatch(String events) {
    stubWatch(events, 60_000);
  }

  /** A watch that stays open for {@code millis} (whole seconds), sending {@code events} first. */
  private void stubWatch(String events, int millis) {
    api.stubKubeVirtWatch(events, millis);
  }

  private void await(String what, Callable<Boolean> condition) {
    try {
      Awaitility.await(what)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "timed out waiting until "
              + what
              + "; the API server saw: "
              + (api.wireMock().isRunning()
                  ? api.wireMock().getAllServeEvents().stream()
                      .map(r -> r.getRequest().getUrl() + " -> " + r.getResponse().getStatus())
                      .toList()
                  : "(stopped)"),
          e);
    }
  }

  @Test
  void permitsWhatTheListedKubeVirtCrPermitsAndDeniesTheRest() throws Exception {
    api.wireMock()
        .stubFor(listRequest().willReturn(okJson(list(kubevirt("100", "qat.intel.com/generic")))));
    stubWatch("");
    KubeVirtPermittedDevices devices = start(OnApiUnavailable.DENY);

    await("synced", devices::ready);
    await(
        "watching",
        () -> {
          return devices.check(GENERIC).equals(PERMIT);
        });

    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/tls qat.intel.com/cy, but the KubeVirt CR"
                + " kubevirt/kubevirt does not permit it: add {pciVendorSelector: 8086:4941,"
                + " resourceName: qat.intel.com/cy, externalResourceProvider: true} to"
                + " spec.configuration.permittedHostDevices.pciHostDevices"),
        devices.check("VirtualMachine vnf/tls", CY));
    assertEquals(PERMIT, devices.check(List.of()));
  }

  @Test
  void readsTheClusterDefaultEvictionStrategyAndTheObservedVersionFromTheSameCr() throws Exception {
    String cr =
        "{\"apiVersion\": \"kubevirt.io/v1\", \"kind\": \"KubeVirt\", \"metadata\": {\"name\":"
            + " \"kubevirt\", \"namespace\": \"kubevirt\", \"resourceVersion\": \"100\"},"
            + " \"spec\": {\"configuration\": {\"evictionStrategy\": \"LiveMigrate\","
            + " \"developerConfiguration\": {\"featureGates\": [\"Snapshot\"]}}},"
            + " \"status\": {\"phase\": \"Deployed\", \"observedKubeVirtVersion\": \"v1.9.2\"}}";
    api.wireMock().stubFor(listRequest().willReturn(okJson(list(cr))));
    stubWatch("");
    KubeVirtPermittedDevices devices = start(OnApiUnavailable.DENY);

    await("synced", () -> devices.defaultEvictionStrategy().isPresent());

    assertEquals(Optional.of("LiveMigrate"), devices.defaultEvictionStrategy());
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/generic, but the KubeVirt CR"
                + " kubevirt/kubevirt does not enable the HostDevices feature gate: add"
                + " HostDevices to spec.configuration.developerConfiguration.featureGates"),
        devices.check("VirtualMachine vnf/gw", GENERIC));
  }

  @Test
  void knowsNoClusterDefaultWhenTheCrSetsNone() throws Exception {
    api.wireMock()
        .stubFor(listRequest().willReturn(okJson(list(kubevirt("100", "qat.intel.com/generic")))));
    stubWatch("");
    KubeVirtPermittedDevices devices = start(OnApiUnavailable.DENY);

    await("watching", () -> devices.check(GENERIC).equals(PERMIT));

    assertEquals(Optional.empty(), devices.defaultEvictionStrategy());
  }

  @Test
  void followsChangesTheWatchReports() throws Exception {
    api.wireMock()
        .stubFor(listRequest().willReturn(okJson(list(kubevirt("100", "qat.intel.com/generic")))));
    stubWatch(
        "{\"type\": \"MODIFIED\", \"object\": " + kubevirt("101", "qat.intel.com/cy") + "}\n",
        1_000);
    KubeVirtPermittedDevices devices = start(OnApiUnavailable.DENY);

    await("cy permitted", () -> devices.check(CY).equals(PERMIT));

    assertEquals(
        "tried to give a VM qat.intel.com/generic, but the KubeVirt CR kubevirt/kubevirt does not"
            + " permit it: add {pciVendorSelector: 8086:4941, resourceName: qat.intel.com/generic,"
            + " externalResourceProvider: true} to"
            + " spec.configuration.permittedHostDevices.pciHostDevices",
        ((PermitDecision.Deny) devices.check(GENERIC)).message());
  }

  @Test
  void appliesThePolicyOnceTheApiServerGoesAway() throws Exception {
    api.wireMock().stubFor(listRequest().willReturn(okJson(list(kubevirt("100")))));
    stubWatch("");
    KubeVirtPermittedDevices allow = start(OnApiUnavailable.ALLOW);
    KubeVirtPermittedDevices deny = start(OnApiUnavailable.DENY);
    await(
        "both watching",
        () ->
            allow.check(GENERIC) instanceof PermitDecision.Deny
                && deny.check(GENERIC) instanceof PermitDecision.Deny
                && ((PermitDecision.Deny) deny.check(GENERIC))
                    .message()
                    .contains("does not permit"));

    api.stop();

    await("the probe noticed", () -> allow.check(GENERIC) instanceof PermitDecision.Permit);
    assertEquals(
        new PermitDecision.Permit(
            Optional.of(
                "could not check that KubeVirt permits qat.intel.com/generic (the API server did"
                    + " not answer the last list of KubeVirt CRs); admitted")),
        allow.check(GENERIC));
    await(
        "the probe noticed",
        () ->
            deny.check(GENERIC)
                .equals(
                    new PermitDecision.Deny(
                        "tried to check that KubeVirt permits qat.intel.com/generic for a VM,"
                            + " but the API server did not answer the last list of KubeVirt CRs:"
                            + " retry once the API server is reachable")));
    // Once listed, the webhook stays ready: the policy, not readiness, covers outages.
    assertEquals(true, allow.ready());
  }

  @Test
  void appliesThePolicyUntilTheFirstListSucceeds() throws Exception {
    api.wireMock().stubFor(listRequest().willReturn(aResponse().withStatus(500)));
    stubWatch("");
    KubeVirtPermittedDevices allow = start(OnApiUnavailable.ALLOW);
    KubeVirtPermittedDevices deny = start(OnApiUnavailable.DENY);

    // while every list fails, it stays unready
    Awaitility.await("stays unready while the list fails")
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !deny.ready());
    assertEquals(
        new PermitDecision.Deny(
            "tried to check that KubeVirt permits qat.intel.com/cy for VirtualMachine vnf/tls, but"
                + " the KubeVirt CRs have not been listed yet (API server unreachable?): retry once"
                + " the API server is reachable"),
        deny.check("VirtualMachine vnf/tls", CY));
    assertEquals(
        new PermitDecision.Permit(
            Optional.of(
                "could not check that KubeVirt permits qat.intel.com/cy (the KubeVirt CRs have not"
                    + " been listed yet (API server unreachable?)); admitted")),
        allow.check(CY));

    api.wireMock()
        .stubFor(listRequest().willReturn(okJson(list(kubevirt("100", "qat.intel.com/cy")))));

    await("listed", () -> deny.ready() && deny.check(CY).equals(PERMIT));
  }

  @Test
  void permitsWithAWarningWhenThereIsNoKubeVirtCr() throws Exception {
    api.wireMock().stubFor(listRequest().willReturn(okJson(list())));
    stubWatch("");
    KubeVirtPermittedDevices devices = start(OnApiUnavailable.DENY);

    await("listed", () -> devices.ready() && devices.check(CY) instanceof PermitDecision.Permit);

    assertEquals(
        new PermitDecision.Permit(
            Optional.of(
                "could not check that KubeVirt permits qat.intel.com/cy: there is no KubeVirt CR"
                    + " in the cluster")),
        devices.check(CY));
  }

  @Test
  void appliesThePolicyWhenNeverStarted() {
    KubeVirtPermittedDevices devices = new KubeVirtPermittedDevices(client, OnApiUnavailable.DENY);

    assertFalse(devices.ready());
    assertEquals(
        new PermitDecision.Deny(
            "tried to check that KubeVirt permits qat.intel.com/cy for a VM, but the KubeVirt CR"
                + " watch was never started: retry once the API server is reachable"),
        devices.check(CY));
  }
}
