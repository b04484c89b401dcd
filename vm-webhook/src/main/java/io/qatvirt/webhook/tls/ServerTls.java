package io.qatvirt.webhook.tls;

import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/** The server side TLS settings shared by every transport. */
public final class ServerTls {
  /** TLS 1.2 and 1.3 only. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private ServerTls() {}

  /** An SSLContext presenting whatever {@code keyManager} holds at each handshake. */
  public static SSLContext context(ReloadingKeyManager keyManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keyManager}, null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("tried to set up TLS, but the JDK refused: " + e, e);
    }
  }
}
