package io.qatvirt.plugin.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.plugin.allocation.AllocationException;
import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The metrics as Prometheus scrapes them, from a real HTTP server on 127.0.0.1. */
class PluginMetricsTest {

  private static Vf vf(String address, Health health) {
    return new Vf(
        PciAddress.parse(address).orElseThrow(),
        Optional.empty(),
        -1,
        "generic",
        new VfioGroup(3, false),
        0,
        Optional.of("vfio-pci"),
        health,
        health == Health.HEALTHY ? "" : "gone");
  }

  @Test
  void servesDeviceCountsAllocationsBindFailuresAndRegistrations() throws Exception {
    PluginMetrics metrics = new PluginMetrics();
    metrics.scanned(
        new DeviceSnapshot(
            Map.of(
                "qat.intel.com/generic",
                List.of(vf("0000:3d:01.0", Health.HEALTHY), vf("0000:3d:01.1", Health.UNHEALTHY)),
                "qat.intel.com/cy",
                List.of(vf("0000:6b:00.1", Health.HEALTHY)))));
    metrics.scanned(
        new DeviceSnapshot(
            Map.of(
                "qat.intel.com/generic",
                List.of(vf("0000:3d:01.0", Health.HEALTHY), vf("0000:3d:01.1", Health.HEALTHY)))));
    metrics.allocated("qat.intel.com/generic", 2);
    metrics.allocated("qat.intel.com/generic", 1);
    metrics.allocationRefused("qat.intel.com/generic", AllocationException.Kind.UNKNOWN);
    metrics.bindFailed(PciAddress.parse("0000:3d:01.2").orElseThrow(), "ENODEV");
    metrics.bound(PciAddress.parse("0000:3d:01.1").orElseThrow(), Duration.ofMillis(3));
    metrics.registration("qat.intel.com/generic", false);
    metrics.registration("qat.intel.com/generic", true);

    String body;
    try (MetricsServer server = new MetricsServer(metrics, "127.0.0.1", 0)) {
      body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    }

    for (String line :
        List.of(
            "qat_devices{health=\"Healthy\",resource=\"qat.intel.com/generic\"} 2.0",
            "qat_devices{health=\"Unhealthy\",resource=\"qat.intel.com/generic\"} 0.0",
            "qat_devices{health=\"Healthy\",resource=\"qat.intel.com/cy\"} 0.0",
            "qat_allocations_total{resource=\"qat.intel.com/generic\"} 2.0",
            "qat_allocated_devices_total{resource=\"qat.intel.com/generic\"} 3.0",
            "qat_allocation_refusals_total{reason=\"unknown\",resource=\"qat.intel.com/generic\"}"
                + " 1.0",
            "qat_bind_failures_total 1.0",
            "qat_binds_total 1.0",
            "qat_registrations_total{resource=\"qat.intel.com/generic\",result=\"accepted\"} 1.0",
            "qat_registrations_total{resource=\"qat.intel.com/generic\",result=\"failed\"} 1.0")) {
      assertTrue(body.lines().anyMatch(line::equals), line + " missing in:\n" + body);
    }
  }

  @Test
  void servesWhichPfsHeartbeatsCannotBeReadAndDropsAPfThatIsGone() throws Exception {
    PciAddress pf3d = PciAddress.parse("0000:3d:00.0").orElseThrow();
    PciAddress pf6b = PciAddress.parse("0000:6b:00.0").orElseThrow();
    PciAddress pf70 = PciAddress.parse("0000:70:00.0").orElseThrow();
    PluginMetrics metrics = new PluginMetrics();
    metrics.heartbeats(Map.of(pf3d, false, pf6b, true, pf70, true));
    metrics.heartbeats(Map.of(pf3d, false, pf6b, true));

    String body;
    try (MetricsServer server = new MetricsServer(metrics, "127.0.0.1", 0)) {
      body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    }

    assertEquals(
        List.of(
            "# HELP qat_pf_heartbeat_unreadable 1 while the QAT heartbeat of a PF can't be read"
                + " (missing, denied, garbage), else 0",
            "# TYPE qat_pf_heartbeat_unreadable gauge",
            "qat_pf_heartbeat_unreadable{pf=\"0000:3d:00.0\"} 0.0",
            "qat_pf_heartbeat_unreadable{pf=\"0000:6b:00.0\"} 1.0"),
        body.lines().filter(line -> line.contains("qat_pf_heartbeat_unreadable")).toList());
  }
}
