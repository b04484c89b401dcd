package io.qatvirt.webhook.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A PEM certificate chain file and a PEM private key file, as a Kubernetes TLS Secret mounts them
 * ({@code tls.crt}, {@code tls.key}). Keys may be PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), SEC1
 * ({@code BEGIN EC PRIVATE KEY}) or PKCS#8 ({@code BEGIN PRIVATE KEY}), unencrypted.
 */
public final class PemKeyPairFiles {
  private final Path certFile;
  private final Path keyFile;

  public PemKeyPairFiles(Path certFile, Path keyFile) {
    this.certFile = certFile;
    this.keyFile = keyFile;
  }

  public Path certFile() {
    return certFile;
  }

  public Path keyFile() {
    return keyFile;
  }

  /** Both files' bytes as they are now, to notice a change cheaply. */
  public byte[][] readRaw() throws IOException {
    return new byte[][] {Files.readAllBytes(certFile), Files.readAllBytes(keyFile)};
  }

  /** Reads and checks both files: the key must be the leaf certificate's. */
  public KeyMaterial load() throws KeyMaterialException {
    byte[][] raw;
    try {
      raw = readRaw();
    } catch (IOException e) {
      throw new KeyMaterialException(
          "tried to read " + certFile + " and " + keyFile + ", but " + e, e);
    }
    return parse(raw[0], raw[1]);
  }

  /** Parses bytes read by {@link #readRaw()}. */
  public KeyMaterial parse(byte[] certPem, byte[] keyPem) throws KeyMaterialException {
    List<X509Certificate> chain = parseChain(certPem);
    PrivateKey key = parseKey(keyPem);
    checkKeyMatches(key, chain.get(0).getPublicKey());
    return new KeyMaterial(key, chain);
  }

  private List<X509Certificate> parseChain(byte[] pem) throws KeyMaterialException {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var cert : factory.generateCertificates(new ByteArrayInputStream(pem))) {
        chain.add((X509Certificate) cert);
      }
    } catch (GeneralSecurityException e) {
      throw new KeyMaterialException(
          "tried to read the certificate chain in " + certFile + ", but it is not valid PEM: " + e,
          e);
    }
    if (chain.isEmpty()) {
      throw new KeyMaterialException(
          "tried to read the certificate chain in "
              + certFile
              + ", but it holds no BEGIN CERTIFICATE block");
    }
    return chain;
  }

  private PrivateKey parseKey(byte[] pem) throws KeyMaterialException {
    Object parsed;
    try (PEMParser parser =
        new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new KeyMaterialException(
          "tried to read the private key in " + keyFile + ", but it is not valid PEM: " + e, e);
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      if (parsed instanceof PEMKeyPair pair) {
        // only the private half: SEC1 EC keys may leave the public key out
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (parsed instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (IOException e) {
      throw new KeyMaterialException(
          "tried to read the private key in "
              + keyFile
              + ", but its algorithm is unsupported: "
              + e,
          e);
    }
    String found = parsed == null ? "no PEM block" : parsed.getClass().getSimpleName();
    throw new KeyMaterialException(
        "tried to read the private key in "
            + keyFile
            + ", but found "
            + found
            + "; expected an unencrypted BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or"
            + " BEGIN EC PRIVATE KEY block");
  }

  private void checkKeyMatches(PrivateKey key, PublicKey certKey) throws KeyMaterialException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default ->
              throw new KeyMaterialException(
                  "tried to use the key in "
                      + keyFile
                      + ", but its algorithm "
                      + key.getAlgorithm()
                      + " is unsupported (use RSA or EC)");
        };
    boolean matches;
    try {
      byte[] probe = "qat-vm-webhook key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certKey);
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new KeyMaterialException(
          "tried to pair the key in "
              + keyFile
              + " with the certificate in "
              + certFile
              + ", but the key does not belong to the certificate");
    }
  }
}
