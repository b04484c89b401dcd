package io.qatvirt.plugin;

import io.qatvirt.plugin.allocation.PreferredAllocator;
import io.qatvirt.plugin.kubelet.DeviceManager;
import io.qatvirt.plugin.kubelet.KubeletEvents;
import io.qatvirt.plugin.kubelet.UnixSocketTransport;
import io.qatvirt.plugin.metrics.MetricsServer;
import io.qatvirt.plugin.metrics.PluginMetrics;
import io.qatvirt.plugin.sysfs.BindEvents;
import io.qatvirt.plugin.sysfs.SysfsNodeVfs;
import io.qatvirt.plugin.sysfs.SysfsScanner;
import io.qatvirt.plugin.sysfs.SysfsWriter;
import io.qatvirt.plugin.sysfs.VfioBinder;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The plugin put together from its settings: scanner, device manager, sockets, metrics. */
public final class RunningPlugin implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunningPlugin.class);

  private final UnixSocketTransport transport;
  private final DeviceManager manager;
  private final Optional<MetricsServer> metricsServer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RunningPlugin(
      UnixSocketTransport transport, DeviceManager manager, Optional<MetricsServer> metricsServer) {
    this.transport = transport;
    this.manager = manager;
    this.metricsServer = metricsServer;
  }

  /**
   * Starts serving kubelet.
   *
   * @param writer how sysfs attributes are written (the kernel's files, or a simulated kernel)
   * @throws io.qatvirt.plugin.kubelet.SocketInUseException when another plugin serves our socket
   */
  public static RunningPlugin start(PluginSettings settings, SysfsWriter writer)
      throws IOException {
    // Prometheus' classes are loaded only when metrics are served: memory matters on every node.
    Optional<PluginMetrics> metrics =
        settings.metricsPort().isPresent() ? Optional.of(new PluginMetrics()) : Optional.empty();
    SysfsScanner scanner =
        new SysfsScanner(
            settings.scan(),
            new VfioBinder(settings.scan().sysfsRoot(), settings.scan().devRoot(), writer),
            metrics.<BindEvents>map(m -> m).orElse(BindEvents.NONE));
    UnixSocketTransport transport = new UnixSocketTransport();
    DeviceManager manager =
        new DeviceManager(
            scanner,
            settings.kubeletDir(),
            settings.scan().devRoot(),
            settings.scanPeriod(),
            transport,
            new PreferredAllocator(settings.policy()),
            metrics.<KubeletEvents>map(m -> m).orElse(KubeletEvents.NONE),
            new SysfsNodeVfs(settings.scan().sysfsRoot(), settings.scan().devRoot()));
    Optional<MetricsServer> metricsServer = Optional.empty();
    try {
      if (metrics.isPresent()) {
        metricsServer =
            Optional.of(
                new MetricsServer(
                    metrics.get(), settings.metricsAddress(), settings.metricsPort().getAsInt()));
      }
      manager.start();
    } catch (IOException | RuntimeException e) {
      manager.close();
      metricsServer.ifPresent(MetricsServer::close);
      transport.close();
      throw e;
    }
    LOG.info(
        "qat-device-plugin started: kubelet dir {}, sysfs {}, policy {}, rescan every {} ms",
        settings.kubeletDir(),
        settings.scan().sysfsRoot(),
        settings.policy().cliName(),
        settings.scanPeriod().toMillis());
    return new RunningPlugin(transport, manager, metricsServer);
  }

  public DeviceManager manager() {
    return manager;
  }

  /** The metrics port actually bound, if serving. */
  public Optional<Integer> metricsPort() {
    return metricsServer.map(MetricsServer::port);
  }

  /** Ends the streams, removes the sockets, stops the metrics server. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    manager.close();
    metricsServer.ifPresent(MetricsServer::close);
    transport.close();
    LOG.info("qat-device-plugin stopped");
  }
}
