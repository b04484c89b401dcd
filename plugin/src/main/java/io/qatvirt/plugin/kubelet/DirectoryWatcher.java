package io.qatvirt.plugin.kubelet;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import io.qatvirt.common.DaemonThreads;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the kubelet directory (sockets created and removed) and {@code <dev-root>/vfio} (group
 * nodes created and removed) with one inotify-backed {@link WatchService} and one thread. While
 * {@code vfio} doesn't exist yet, watches the dev root for it to appear.
 */
final class DirectoryWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

  /** What the watcher reports. Called on the watcher's thread: must not block. */
  interface Listener {
    /** A file appeared in or vanished from the kubelet directory; null name on overflow. */
    void kubeletDirChanged(String fileName, boolean created);

    /** Something changed under {@code <dev-root>/vfio}. */
    void vfioChanged();
  }

  private final WatchService service;
  private final Path kubeletDir;
  private final Path devRoot;
  private final Path vfioDir;
  private final Listener listener;
  private final Map<WatchKey, Path> keys = new ConcurrentHashMap<>();
  private final Thread thread;

  DirectoryWatcher(Path kubeletDir, Path devRoot, Listener listener) throws IOException {
    this.service = kubeletDir.getFileSystem().newWatchService();
    this.kubeletDir = kubeletDir;
    this.devRoot = devRoot;
    this.vfioDir = devRoot.resolve("vfio");
    this.listener = listener;
    watch(kubeletDir);
    watchVfio();
    this.thread = DaemonThreads.named("fs-watch").newThread(this::run);
    thread.start();
  }

  private void watch(Path dir) throws IOException {
    keys.put(dir.register(service, ENTRY_CREATE, ENTRY_DELETE), dir);
  }

  private void watchVfio() throws IOException {
    if (Files.isDirectory(vfioDir)) {
      watch(vfioDir);
    } else if (Files.isDirectory(devRoot)) {
      LOG.info("{} does not exist yet, watching {} for it", vfioDir, devRoot);
      watch(devRoot);
    } else {
      LOG.warn(
          "tried to watch {}, but {} does not exist; relying on the rescans", vfioDir, devRoot);
    }
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = service.take();
        Path dir = keys.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
          dispatch(dir, event);
        }
        if (!key.reset()) {
          keys.remove(key);
          if (vfioDir.equals(dir)) {
            LOG.info("{} vanished, watching {} for it", vfioDir, devRoot);
            watchVfio();
            listener.vfioChanged();
          }
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      LOG.debug("file watcher stopped");
    } catch (IOException e) {
      LOG.error("tried to keep watching {}, but {}; relying on the rescans", vfioDir, e.toString());
    }
  }

  private void dispatch(Path dir, WatchEvent<?> event) throws IOException {
    boolean overflow = event.kind() == OVERFLOW;
    if (kubeletDir.equals(dir)) {
      listener.kubeletDirChanged(
          overflow ? null : event.context().toString(), event.kind() == ENTRY_CREATE);
    }
    if (vfioDir.equals(dir)) {
      listener.vfioChanged();
    }
    if (devRoot.equals(dir)
        && !vfioDir.equals(dir)
        && (overflow || "vfio".equals(event.context().toString()))
        && Files.isDirectory(vfioDir)
        && !keys.containsValue(vfioDir)) {
      watch(vfioDir);
      listener.vfioChanged();
    }
  }

  @Override
  public void close() throws IOException {
    service.close();
    thread.interrupt();
  }
}
