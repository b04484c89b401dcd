package io.qatvirt.webhook.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A folder laid out as kubelet lays out a Secret volume: {@code tls.crt -> ..data/tls.crt}, {@code
 * ..data -> ..<version>}, where an update writes a new version folder and swaps the {@code ..data}
 * symlink atomically (rename over it).
 */
public final class SecretVolume {
  private final Path root;
  private int version;

  public SecretVolume(Path root) {
    this.root = root;
  }

  public Path certFile() {
    return root.resolve("tls.crt");
  }

  public Path keyFile() {
    return root.resolve("tls.key");
  }

  /** Publishes a new version of the Secret holding {@code issued}. */
  public void publish(TestCertificates.Issued issued, TestCertificates.KeyFormat format) {
    try {
      Path versionDir = root.resolve("..2026_11_22_" + (++version));
      Files.createDirectories(versionDir);
      TestCertificates.write(
          issued, format, versionDir.resolve("tls.crt"), versionDir.resolve("tls.key"));
      Path staged = root.resolve("..data_tmp");
      Files.deleteIfExists(staged);
      Files.createSymbolicLink(staged, versionDir.getFileName());
      Files.move(staged, root.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      for (String name : new String[] {"tls.crt", "tls.key"}) {
        if (!Files.exists(root.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(root.resolve(name), Path.of("..data", name));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Publishes a version whose key does not belong to its certificate. */
  public void publishMismatched(TestCertificates.Issued cert, TestCertificates.Issued key) {
    publish(
        new TestCertificates.Issued(key.keys(), cert.certificate(), cert.chain()),
        TestCertificates.KeyFormat.PKCS8);
  }
}
