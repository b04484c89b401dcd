package io.qatvirt.webhook.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A private key and its certificate chain, leaf first.
 *
 * @param key the private key matching {@code chain.get(0)}
 * @param chain the leaf certificate followed by any intermediates
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain) {

  public KeyMaterial {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least the leaf certificate");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The leaf's serial number in hex, as {@code openssl x509 -serial} shows it. */
  public String serialHex() {
    return leaf().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** True when {@code now} lies within the leaf certificate's validity period. */
  public boolean validAt(Instant now) {
    return !now.isBefore(leaf().getNotBefore().toInstant()) && !now.isAfter(notAfter());
  }

  /** One line for the logs: serial, subject and expiry of the leaf. */
  public String describe() {
    return "serial "
        + serialHex()
        + " ("
        + leaf().getSubjectX500Principal().getName()
        + ", valid until "
        + notAfter()
        + ")";
  }
}
