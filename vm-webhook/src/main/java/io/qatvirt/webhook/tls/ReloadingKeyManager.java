package io.qatvirt.webhook.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager whose key and certificate can be swapped while the server runs: handshakes
 * that start after {@link #install} present the new certificate; connections already established
 * keep their session. Each installed pair gets its own alias, so a handshake that chose an alias
 * just before a swap still gets a key and chain that belong together.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS_PREFIX = "qat-vm-webhook-";

  private record Entry(String alias, KeyMaterial material) {}

  private final AtomicReference<Entry> current = new AtomicReference<>();
  private final Map<String, KeyMaterial> recent = new ConcurrentHashMap<>();
  private long generation;

  public ReloadingKeyManager(KeyMaterial initial) {
    install(initial);
  }

  /** Makes {@code material} the pair new handshakes get. */
  public synchronized void install(KeyMaterial material) {
    Entry previous = current.get();
    Entry next = new Entry(ALIAS_PREFIX + (++generation), material);
    recent.put(next.alias(), material);
    current.set(next);
    // keep the previous pair for handshakes that chose its alias a moment ago; drop older ones
    recent.keySet().removeIf(a -> !a.equals(next.alias()) && !isAlias(previous, a));
  }

  private static boolean isAlias(Entry entry, String alias) {
    return entry != null && entry.alias().equals(alias);
  }

  /** The pair new handshakes get. */
  public KeyMaterial current() {
    return current.get().material();
  }

  private Optional<String> aliasFor(String keyType) {
    Entry entry = current.get();
    String algorithm = entry.material().key().getAlgorithm();
    boolean matches =
        keyType == null
            || keyType.equals(algorithm)
            || ("EdDSA".equals(keyType) && "Ed25519".equals(algorithm));
    return matches ? Optional.of(entry.alias()) : Optional.empty();
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType).orElse(null);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType).orElse(null);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliasFor(keyType).map(a -> new String[] {a}).orElse(null);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    KeyMaterial material = alias == null ? null : recent.get(alias);
    return material == null ? null : material.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    KeyMaterial material = alias == null ? null : recent.get(alias);
    return material == null ? null : material.key();
  }

  // A server never authenticates itself as a client.

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
