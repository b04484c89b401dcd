package io.qatvirt.webhook.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.webhook.testing.TestCertificates;
import io.qatvirt.webhook.testing.TestCertificates.KeyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeyPairFilesTest {
  private static final TestCertificates CERTIFICATES = new TestCertificates();

  @TempDir Path dir;

  private PemKeyPairFiles files() {
    return new PemKeyPairFiles(dir.resolve("tls.crt"), dir.resolve("tls.key"));
  }

  private KeyMaterial loadWritten(String algorithm, KeyFormat format, String pemHeader)
      throws Exception {
    TestCertificates.Issued issued = CERTIFICATES.issue(algorithm, 0x51);
    TestCertificates.write(issued, format, dir.resolve("tls.crt"), dir.resolve("tls.key"));
    assertTrue(
        Files.readString(dir.resolve("tls.key")).startsWith(pemHeader),
        "the test should write " + pemHeader);

    KeyMaterial material = files().load();

    if (material.key() instanceof ECPrivateKey ec) {
      // SEC1 carries the public key too, so compare the secret scalar, not the encoding
      assertEquals(((ECPrivateKey) issued.keys().getPrivate()).getS(), ec.getS());
    } else {
      assertEquals(issued.keys().getPrivate(), material.key());
    }
    assertEquals(issued.chain(), material.chain());
    assertEquals("51", material.serialHex());
    return material;
  }

  @Test
  void loadsAnRsaPkcs1KeyWithItsChain() throws Exception {
    loadWritten("RSA", KeyFormat.TRADITIONAL, "-----BEGIN RSA PRIVATE KEY-----");
  }

  @Test
  void loadsAnRsaPkcs8Key() throws Exception {
    loadWritten("RSA", KeyFormat.PKCS8, "-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void loadsAnEcSec1Key() throws Exception {
    loadWritten("EC", KeyFormat.TRADITIONAL, "-----BEGIN EC PRIVATE KEY-----");
  }

  @Test
  void loadsAnEcPkcs8Key() throws Exception {
    loadWritten("EC", KeyFormat.PKCS8, "-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void keepsTheChainInFileOrderLeafFirst() throws Exception {
    KeyMaterial material = loadWritten("EC", KeyFormat.PKCS8, "-----BEGIN PRIVATE KEY-----");

    assertEquals(
        List.of("CN=qat-vm-webhook.test.svc", "CN=qatvirt test CA"),
        material.chain().stream().map(c -> c.getSubjectX500Principal().getName()).toList());
  }

  @Test
  void refusesAKeyThatIsNotTheCertificates() throws Exception {
    TestCertificates.Issued cert = CERTIFICATES.issue("EC", 1);
    TestCertificates.Issued other = CERTIFICATES.issue("EC", 2);
    TestCertificates.write(
        new TestCertificates.Issued(other.keys(), cert.certificate(), cert.chain()),
        KeyFormat.PKCS8,
        dir.resolve("tls.crt"),
        dir.resolve("tls.key"));

    KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> files().load());

    assertEquals(
        "tried to pair the key in "
            + dir.resolve("tls.key")
            + " with the certificate in "
            + dir.resolve("tls.crt")
            + ", but the key does not belong to the certificate",
        e.getMessage());
  }

  @Test
  void refusesAnRsaKeyForAnEcCertificate() throws Exception {
    TestCertificates.Issued cert = CERTIFICATES.issue("EC", 1);
    TestCertificates.Issued rsa = CERTIFICATES.issue("RSA", 2);
    TestCertificates.write(
        new TestCertificates.Issued(rsa.keys(), cert.certificate(), cert.chain()),
        KeyFormat.TRADITIONAL,
        dir.resolve("tls.crt"),
        dir.resolve("tls.key"));

    KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> files().load());

    assertTrue(e.getMessage().endsWith("but the key does not belong to the certificate"));
  }

  @Test
  void refusesACertificateFileWithoutCertificates() throws Exception {
    Files.writeString(dir.resolve("tls.crt"), "");
    Files.writeString(dir.resolve("tls.key"), "");

    KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> files().load());

    assertEquals(
        "tried to read the certificate chain in "
            + dir.resolve("tls.crt")
            + ", but it holds no BEGIN CERTIFICATE block",
        e.getMessage());
  }

  @Test
  void refusesAKeyFileWithoutAKey() throws Exception {
    TestCertificates.write(
        CERTIFICATES.issue("EC", 1),
        KeyFormat.PKCS8,
        dir.resolve("tls.crt"),
        dir.resolve("tls.key"));
    Files.writeString(dir.resolve("tls.key"), Files.readString(dir.resolve("tls.crt")));

    KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> files().load());

    assertEquals(
        "tried to read the private key in "
            + dir.resolve("tls.key")
            + ", but found X509CertificateHolder; expected an unencrypted BEGIN PRIVATE KEY,"
            + " BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY block",
        e.getMessage());
  }

  @Test
  void namesTheFileThatCannotBeRead() {
    KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> files().load());

    assertTrue(
        e.getMessage().startsWith("tried to read " + dir.resolve("tls.crt") + " and "),
        e.getMessage());
  }
}
