package io.qatvirt.plugin.kubelet;

import io.qatvirt.common.DaemonThreads;
import io.qatvirt.plugin.allocation.NodeVfs;
import io.qatvirt.plugin.allocation.PreferredAllocator;
import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.VfScanner;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps kubelet's view in step with the node: rescans every scan period and at once when {@code
 * <dev-root>/vfio} changes, diffs snapshots, starts and stops one endpoint per resource, pushes
 * changes to ListAndWatch, and serves and registers again when kubelet restarts. All state changes
 * happen on one thread.
 */
public final class DeviceManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceManager.class);

  private final VfScanner scanner;
  private final Path kubeletDir;
  private final Path devRoot;
  private final Duration scanPeriod;
  private final GrpcTransport transport;
  private final PreferredAllocator preferredAllocator;
  private final KubeletEvents events;
  private final NodeVfs node;
  private final Registrar registrar;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("device-manager"));
  private final AtomicBoolean rescanQueued = new AtomicBoolean();
  private final Map<String, ResourceEndpoint> endpoints = new LinkedHashMap<>();
  private DeviceSnapshot current = DeviceSnapshot.EMPTY;
  private DirectoryWatcher watcher;

  public DeviceManager(
      VfScanner scanner,
      Path kubeletDir,
      Path devRoot,
      Duration scanPeriod,
      GrpcTransport transport,
      PreferredAllocator preferredAllocator,
      KubeletEvents events,
      NodeVfs node) {
    this.scanner = scanner;
    this.kubeletDir = kubeletDir;
    this.devRoot = devRoot;
    this.scanPeriod = scanPeriod;
    this.transport = transport;
    this.preferredAllocator = preferredAllocator;
    this.events = events;
    this.node = node;
    this.registrar = new Registrar(kubeletDir, transport, events);
  }

  /**
   * Clears stale sockets, scans, serves and registers every resource found, then keeps watching.
   *
   * @throws SocketInUseException when another live plugin serves on one of our sockets
   */
  public void start() throws IOException {
    if (!Files.isDirectory(kubeletDir)) {
      throw new IOException(
          "tried to serve in the kubelet directory " + kubeletDir + ", but it does not exist");
    }
    claimOurSockets();
    watcher = new DirectoryWatcher(kubeletDir, devRoot, new WatchListener());
    // The first scan binds every VF and starts serving: on a big or busy node (or an emulated
    // one, see e2e/real-kernel) that takes longer than an API call may wait, so wait it out.
    awaitFirstScan();
    loop.scheduleWithFixedDelay(
        this::rescanSafely, scanPeriod.toMillis(), scanPeriod.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The snapshot kubelet was last told about. */
  public DeviceSnapshot snapshot() {
    return run(() -> current);
  }

  /** Asks for a rescan soon; requests made while one is queued are merged. */
  public void requestRescan() {
    if (rescanQueued.compareAndSet(false, true)) {
      execute(
          () -> {
            rescanQueued.set(false);
            rescanSafely();
          });
    }
  }

  private void claimOurSockets() throws IOException {
    try (DirectoryStream<Path> sockets =
        Files.newDirectoryStream(kubeletDir, ResourceEndpoint.socketName("qat.intel.com/*"))) {
      for (Path socket : sockets) {
        SocketFiles.claim(socket);
        LOG.info("removed stale socket {}", socket);
      }
    }
  }

  private void rescanSafely() {
    try {
      rescan();
    } catch (RuntimeException e) {
      LOG.error("tried to rescan the node's VFs, but {}; keeping the last snapshot", e, e);
    }
  }

  private void rescan() {
    DeviceSnapshot next = scanner.scan();
    events.scanned(next);
    SnapshotDiff.logChanges(current, next);
    for (String resource : List.copyOf(endpoints.keySet())) {
      if (next.vfs(resource).isEmpty()) {
        endpoints.remove(resource).stop();
      }
    }
    for (Map.Entry<String, ?> entry : next.byResource().entrySet()) {
      String resource = entry.getKey();
      if (next.vfs(resource).isEmpty()) {
        continue;
      }
      ResourceEndpoint endpoint = endpoints.get(resource);
      if (endpoint == null && !ResourceEndpoint.validResourceName(resource)) {
        LOG.error("tried to serve resource \"{}\", but it is not a valid resource name", resource);
        continue;
      }
      if (endpoint == null) {
        endpoint =
            new ResourceEndpoint(
                new DevicePluginService(
                    resource, next.vfs(resource), preferredAllocator, events, node),
                kubeletDir,
                transport,
                registrar);
        try {
          endpoint.start();
          endpoints.put(resource, endpoint);
        } catch (RuntimeException e) {
          LOG.error("tried to serve {}, but {}; will try again at the next scan", resource, e);
        }
      } else {
        if (!endpoint.service().devices().equals(next.vfs(resource))) {
          endpoint.publish(next.vfs(resource));
        }
        endpoint.serveIfSocketGone();
      }
    }
    current = next;
  }

  private void onKubeletDirChanged(String fileName, boolean created) {
    boolean kubeletRestarted = fileName == null || (created && isKubeletSocket(fileName));
    for (ResourceEndpoint endpoint : endpoints.values()) {
      try {
        if (kubeletRestarted) {
          endpoint.reregister();
        } else if (!created && endpoint.socket().getFileName().toString().equals(fileName)) {
          endpoint.serveIfSocketGone();
        }
      } catch (RuntimeException e) {
        LOG.error("tried to serve {} again, but {}", endpoint.service().resourceName(), e, e);
      }
    }
    if (kubeletRestarted) {
      LOG.info("kubelet socket {} (re)created, registered every resource again", fileName);
    }
  }

  private static boolean isKubeletSocket(String fileName) {
    return Registrar.KUBELET_SOCKET.equals(fileName);
  }

  /** Stops watching and scanning, ends the streams and removes our sockets. */
  @Override
  public void close() {
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      LOG.debug("closing the file watcher: {}", e.toString());
    }
    registrar.close();
    List<ResourceEndpoint> stopping = new ArrayList<>();
    try {
      run(
          () -> {
            stopping.addAll(endpoints.values());
            endpoints.clear();
            return null;
          });
    } catch (RuntimeException e) {
      LOG.warn("device manager did not answer while stopping: {}", e.toString());
    }
    loop.shutdownNow();
    stopping.forEach(ResourceEndpoint::stop);
  }

  /** The names of the resources served right now. */
  public Set<String> servedResources() {
    return run(() -> Set.copyOf(endpoints.keySet()));
  }

  private void execute(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("device manager stopped, ignoring a file event");
    }
  }

  private void run(Runnable task) {
    run(
        () -> {
          task.run();
          return null;
        });
  }

  /** The first scan may bind many VFs on a slow node: no time limit. */
  private void awaitFirstScan() {
    await(loop.submit(this::rescan), Long.MAX_VALUE);
  }

  private <T> T run(Callable<T> task) {
    return await(loop.submit(task), TimeUnit.SECONDS.toMillis(10));
  }

  private static <T> T await(Future<T> result, long limitMillis) {
    try {
      return result.get(limitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "device manager busy for " + TimeUnit.MILLISECONDS.toSeconds(limitMillis) + " s", e);
    }
  }

  private final class WatchListener implements DirectoryWatcher.Listener {
    @Override
    public void kubeletDirChanged(String fileName, boolean created) {
      execute(() -> onKubeletDirChanged(fileName, created));
    }

    @Override
    public void vfioChanged() {
      requestRescan();
    }
  }
}
