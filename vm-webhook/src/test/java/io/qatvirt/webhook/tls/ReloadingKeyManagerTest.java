package io.qatvirt.webhook.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.qatvirt.webhook.testing.TestCertificates;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class ReloadingKeyManagerTest {
  private static final TestCertificates CERTIFICATES = new TestCertificates();

  private static KeyMaterial material(String algorithm, long serial) {
    TestCertificates.Issued issued = CERTIFICATES.issue(algorithm, serial);
    return new KeyMaterial(issued.keys().getPrivate(), issued.chain());
  }

  @Test
  void offersItsKeyOnlyForItsAlgorithm() {
    ReloadingKeyManager manager = new ReloadingKeyManager(material("EC", 1));

    assertEquals("qat-vm-webhook-1", manager.chooseServerAlias("EC", null, null));
    assertNull(manager.chooseEngineServerAlias("RSA", null, null));
  }

  @Test
  void anAliasChosenBeforeASwapStillYieldsAMatchingKeyAndChain() {
    KeyMaterial first = material("EC", 1);
    ReloadingKeyManager manager = new ReloadingKeyManager(first);
    String chosen = manager.chooseEngineServerAlias("EC", null, null);

    KeyMaterial second = material("EC", 2);
    manager.install(second);

    assertEquals(first.key(), manager.getPrivateKey(chosen));
    assertArrayEquals(
        first.chain().toArray(X509Certificate[]::new), manager.getCertificateChain(chosen));
    String now = manager.chooseEngineServerAlias("EC", null, null);
    assertNotEquals(chosen, now);
    assertEquals(second.key(), manager.getPrivateKey(now));
  }

  @Test
  void forgetsPairsOlderThanThePreviousOne() {
    ReloadingKeyManager manager = new ReloadingKeyManager(material("EC", 1));
    String oldest = manager.chooseServerAlias("EC", null, null);

    manager.install(material("EC", 2));
    manager.install(material("RSA", 3));

    assertNull(manager.getPrivateKey(oldest));
    assertEquals("3", manager.current().serialHex());
    assertEquals("qat-vm-webhook-3", manager.chooseServerAlias("RSA", null, null));
  }
}
