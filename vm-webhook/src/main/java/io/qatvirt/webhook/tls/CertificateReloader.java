package io.qatvirt.webhook.tls;

import io.qatvirt.common.DaemonThreads;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the certificate and key files every {@code period} and installs a changed pair into the key
 * manager. Polling (rather than inotify) sees every way a file can change, including a Kubernetes
 * Secret volume swapping its {@code ..data} symlink; the files are a few KiB, so reading them every
 * few seconds costs nothing. A pair that fails to load is logged once and the current one kept; the
 * next change is tried again.
 */
public final class CertificateReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

  /** Told of every reload attempt, for metrics. */
  public interface Listener {
    void reloaded(KeyMaterial material);

    void rejected(String message);
  }

  private final PemKeyPairFiles files;
  private final ReloadingKeyManager keyManager;
  private final Listener listener;
  private final ScheduledExecutorService scheduler;
  private byte[] lastSeen;

  public CertificateReloader(
      PemKeyPairFiles files, ReloadingKeyManager keyManager, Listener listener) {
    this.files = files;
    this.keyManager = keyManager;
    this.listener = listener;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("tls-reloader"));
    this.lastSeen = digestOrEmpty();
  }

  /** Starts polling. */
  public void start(Duration period) {
    long millis = period.toMillis();
    scheduler.scheduleWithFixedDelay(this::checkNow, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Looks at the files once; installs them when they changed and load well. */
  public synchronized void checkNow() {
    byte[][] raw;
    try {
      raw = files.readRaw();
    } catch (IOException e) {
      // a Secret volume being swapped can briefly miss a file; the next poll sees it
      LOG.debug("tried to read {} and {}, but {}", files.certFile(), files.keyFile(), e.toString());
      return;
    }
    byte[] digest = digest(raw);
    if (Arrays.equals(digest, lastSeen)) {
      return;
    }
    lastSeen = digest;
    try {
      KeyMaterial material = files.parse(raw[0], raw[1]);
      keyManager.install(material);
      LOG.info("TLS certificate reloaded from {}: {}", files.certFile(), material.describe());
      listener.reloaded(material);
    } catch (KeyMaterialException e) {
      String message =
          e.getMessage() + "; keeping the certificate " + keyManager.current().describe();
      LOG.error(message);
      listener.rejected(message);
    }
  }

  private byte[] digestOrEmpty() {
    try {
      return digest(files.readRaw());
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static byte[] digest(byte[][] raw) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] part : raw) {
        sha.update(part);
        sha.update((byte) 0);
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
