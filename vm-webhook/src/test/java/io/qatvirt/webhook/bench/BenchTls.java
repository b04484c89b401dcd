package io.qatvirt.webhook.bench;

import io.qatvirt.webhook.testing.TestCertificates;
import java.nio.file.Path;

/**
 * The benchmarks' TLS material: a test CA, and an EC serving certificate and PKCS#8 key written as
 * {@code tls.crt} and {@code tls.key} into a work folder.
 *
 * @param certificates the CA, for a client that trusts it
 */
record BenchTls(TestCertificates certificates, Path cert, Path key) {

  static BenchTls in(Path work) {
    TestCertificates certificates = new TestCertificates();
    Path cert = work.resolve("tls.crt");
    Path key = work.resolve("tls.key");
    TestCertificates.write(
        certificates.issue("EC", 1), TestCertificates.KeyFormat.PKCS8, cert, key);
    return new BenchTls(certificates, cert, key);
  }
}
