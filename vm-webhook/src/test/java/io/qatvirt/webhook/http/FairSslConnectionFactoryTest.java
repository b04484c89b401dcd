package io.qatvirt.webhook.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TLS end point the HTTP connection reads from, after a response: it gives nothing, without
 * touching the network, until asked to tell of new input. The network side here is an in-memory end
 * point holding bytes that are not TLS, so any read of it fails.
 */
class FairSslConnectionFactoryTest {
  private final SslContextFactory.Server tls = new SslContextFactory.Server();
  private final CountingEndPoint network = new CountingEndPoint();
  private EndPoint decrypted;

  @BeforeEach
  void connect() throws Exception {
    tls.setSslContext(SSLContext.getDefault());
    tls.start();
    FairSslConnectionFactory factory = new FairSslConnectionFactory(tls, "http/1.1");
    ServerConnector connector =
        new ServerConnector(new Server(), factory, new HttpConnectionFactory());
    SslConnection connection = (SslConnection) factory.newConnection(connector, network);
    decrypted = connection.getSslEndPoint();
    network.addInput("GET / HTTP/1.1\r\nHost: not-tls\r\n\r\n");
  }

  @AfterEach
  void stop() throws Exception {
    tls.stop();
  }

  @Test
  void readsTheNetworkUntilAResponseIsSent() {
    assertThrows(SSLException.class, () -> decrypted.fill(BufferUtil.allocate(4096)));
  }

  @Test
  void givesNothingAfterAResponseUntilAskedToTellOfInput() throws Exception {
    FairSslConnectionFactory.waitTurn(decrypted);
    ByteBuffer buffer = BufferUtil.allocate(4096);

    assertEquals(0, decrypted.fill(buffer));
    assertEquals(0, decrypted.fill(buffer), "HTTP/1.1 tries twice before asking");
    assertEquals(0, network.bytesRead, "the network was read while waiting a turn");
    decrypted.fillInterested(Callback.NOOP);

    // what follows is Jetty's (the connection's I/O thread reads once told of input); the webhook's
    // ITs show requests keep coming on one connection
    assertFalse(FairSslConnectionFactory.isWaitingTurn(decrypted));
  }

  @Test
  void endPointsFromElsewhereAreLeftAlone() throws Exception {
    ByteArrayEndPoint plain = new ByteArrayEndPoint();
    plain.addInput("x");
    FairSslConnectionFactory.waitTurn(plain);

    assertEquals(1, plain.fill(BufferUtil.allocate(16)));
  }

  /** The in-memory network side, counting the bytes read from it. */
  private static final class CountingEndPoint extends ByteArrayEndPoint {
    volatile int bytesRead;

    @Override
    public int fill(ByteBuffer buffer) throws java.io.IOException {
      int n = super.fill(buffer);
      if (n > 0) {
        bytesRead += n;
      }
      return n;
    }
  }
}
