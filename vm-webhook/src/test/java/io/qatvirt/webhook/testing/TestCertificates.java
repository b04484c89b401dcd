package io.qatvirt.webhook.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** A throw-away CA that issues server certificates for 127.0.0.1, made at test time. */
public final class TestCertificates {

  /** How a private key is written. */
  public enum KeyFormat {
    /** {@code BEGIN RSA PRIVATE KEY} / {@code BEGIN EC PRIVATE KEY}. */
    TRADITIONAL,
    /** {@code BEGIN PRIVATE KEY}. */
    PKCS8
  }

  /** An issued certificate: key pair, the certificate and its issuer chain. */
  public record Issued(KeyPair keys, X509Certificate certificate, List<X509Certificate> chain) {}

  private final KeyPair caKeys;
  private final X509Certificate ca;

  public TestCertificates() {
    caKeys = generate("EC");
    ca = sign(new X500Name("CN=qatvirt test CA"), caKeys, BigInteger.ONE, true, Duration.ofDays(2));
  }

  public X509Certificate ca() {
    return ca;
  }

  /** A server certificate for 127.0.0.1 and localhost with this serial. */
  public Issued issue(String keyAlgorithm, long serial) {
    return issue(keyAlgorithm, serial, Duration.ofDays(1));
  }

  public Issued issue(String keyAlgorithm, long serial, Duration validity) {
    KeyPair keys = generate(keyAlgorithm);
    X509Certificate cert = signLeaf(keys, BigInteger.valueOf(serial), validity);
    return new Issued(keys, cert, List.of(cert, ca));
  }

  /** Writes the chain (leaf then CA) and the key as PEM files. */
  public static void write(Issued issued, KeyFormat format, Path certFile, Path keyFile) {
    try {
      Files.writeString(certFile, pem(issued.chain().toArray()));
      Object key =
          format == KeyFormat.PKCS8
              ? new JcaPKCS8Generator(issued.keys().getPrivate(), null)
              : traditional(issued.keys());
      Files.writeString(keyFile, pem(key));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * PKCS#1 for RSA; for EC a full SEC1 key with curve and public key, as openssl writes it
   * (BouncyCastle's writer would leave the curve out).
   */
  private static Object traditional(KeyPair keys) throws IOException {
    if (!"EC".equals(keys.getPrivate().getAlgorithm())) {
      return keys.getPrivate();
    }
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey inner =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    var sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256,
            inner.getKey(),
            SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(),
            info.getPrivateKeyAlgorithm().getParameters());
    return new PemObject("EC PRIVATE KEY", sec1.getEncoded());
  }

  public static String pem(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A client SSLContext that trusts only this CA (a fresh one has no session to resume). */
  public SSLContext clientContext() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private X509Certificate signLeaf(KeyPair keys, BigInteger serial, Duration validity) {
    try {
      Instant now = Instant.now();
      var builder =
          new JcaX509v3CertificateBuilder(
              ca,
              serial,
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity)),
              new X500Name("CN=qat-vm-webhook.test.svc"),
              keys.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(
      X500Name name, KeyPair keys, BigInteger serial, boolean isCa, Duration validity) {
    try {
      Instant now = Instant.now();
      var builder =
          new JcaX509v3CertificateBuilder(
              name,
              serial,
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity)),
              name,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair generate(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      generator.initialize("RSA".equals(algorithm) ? 2048 : 256);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** UTF-8 bytes, for tests that build PEM by hand. */
  public static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
