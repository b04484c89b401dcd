package io.qatvirt.plugin.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.qatvirt.plugin.allocation.AllocationException;
import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.kubelet.KubeletEvents;
import io.qatvirt.plugin.sysfs.BindEvents;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plugin's Prometheus metrics, in a registry of their own:
 *
 * <ul>
 *   <li>{@code qat_devices{resource,health}}: VFs advertised now (gauge);
 *   <li>{@code qat_allocations_total{resource}}: containers given devices;
 *   <li>{@code qat_allocated_devices_total{resource}}: devices handed out;
 *   <li>{@code qat_allocation_refusals_total{resource,reason}}: Allocate calls refused ({@code
 *       invalid}, {@code unknown}, {@code unhealthy}, and at the call {@code gone}, {@code
 *       changed});
 *   <li>{@code qat_bind_failures_total}: failed attempts to bind a VF to vfio-pci;
 *   <li>{@code qat_binds_total}: VFs bound to vfio-pci;
 *   <li>{@code qat_pf_heartbeat_unreadable{pf}}: 1 while a PF's QAT heartbeat can't be read
 *       (missing, denied, garbage), 0 while it can (gauge; a PF that is gone is dropped);
 *   <li>{@code qat_registrations_total{resource,result}}: Register calls to kubelet ({@code
 *       accepted}, {@code failed}).
 * </ul>
 */
public final class PluginMetrics implements KubeletEvents, BindEvents {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Set<String> seenResources = ConcurrentHashMap.newKeySet();
  private final Set<PciAddress> heartbeatPfs = ConcurrentHashMap.newKeySet();

  private final Gauge devices =
      Gauge.builder()
          .name("qat_devices")
          .help("QAT VFs advertised to kubelet, by resource and health")
          .labelNames("resource", "health")
          .register(registry);
  private final Counter allocations =
      Counter.builder()
          .name("qat_allocations_total")
          .help("Containers given QAT VFs by Allocate")
          .labelNames("resource")
          .register(registry);
  private final Counter allocatedDevices =
      Counter.builder()
          .name("qat_allocated_devices_total")
          .help("QAT VFs handed out by Allocate")
          .labelNames("resource")
          .register(registry);
  private final Counter refusals =
      Counter.builder()
          .name("qat_allocation_refusals_total")
          .help("Allocate calls refused, by reason")
          .labelNames("resource", "reason")
          .register(registry);
  private final Counter bindFailures =
      Counter.builder()
          .name("qat_bind_failures_total")
          .help("Failed attempts to bind a VF to vfio-pci")
          .register(registry);
  private final Counter binds =
      Counter.builder()
          .name("qat_binds_total")
          .help("VFs bound to vfio-pci by the plugin")
          .register(registry);
  private final Gauge heartbeatUnreadable =
      Gauge.builder()
          .name("qat_pf_heartbeat_unreadable")
          .help(
              "1 while the QAT heartbeat of a PF can't be read (missing, denied, garbage), else 0")
          .labelNames("pf")
          .register(registry);
  private final Counter registrations =
      Counter.builder()
          .name("qat_registrations_total")
          .help("Register calls to kubelet, by result")
          .labelNames("resource", "result")
          .register(registry);

  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void scanned(DeviceSnapshot snapshot) {
    seenResources.addAll(snapshot.byResource().keySet());
    for (String resource : seenResources) {
      long healthy = snapshot.vfs(resource).stream().filter(Vf::healthy).count();
      long all = snapshot.vfs(resource).size();
      devices.labelValues(resource, Health.HEALTHY.apiValue()).set(healthy);
      devices.labelValues(resource, Health.UNHEALTHY.apiValue()).set(all - healthy);
    }
  }

  @Override
  public void registration(String resourceName, boolean accepted) {
    registrations.labelValues(resourceName, accepted ? "accepted" : "failed").inc();
  }

  @Override
  public void allocated(String resourceName, int deviceCount) {
    allocations.labelValues(resourceName).inc();
    allocatedDevices.labelValues(resourceName).inc(deviceCount);
  }

  @Override
  public void allocationRefused(String resourceName, AllocationException.Kind kind) {
    refusals.labelValues(resourceName, kind.name().toLowerCase(Locale.ROOT)).inc();
  }

  @Override
  public void bound(PciAddress vf, Duration took) {
    binds.inc();
  }

  @Override
  public void bindFailed(PciAddress vf, String reason) {
    bindFailures.inc();
  }

  @Override
  public void heartbeats(Map<PciAddress, Boolean> unreadable) {
    for (PciAddress gone : heartbeatPfs) {
      if (!unreadable.containsKey(gone)) {
        heartbeatUnreadable.remove(gone.toString());
      }
    }
    heartbeatPfs.retainAll(unreadable.keySet());
    unreadable.forEach(
        (pf, cannotRead) -> {
          heartbeatPfs.add(pf);
          heartbeatUnreadable.labelValues(pf.toString()).set(cannotRead ? 1 : 0);
        });
  }
}
