package io.qatvirt.webhook.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's TLS connections, taking turns: once a response has been sent, the connection's next
 * request waits for its I/O thread's next round of {@code select} instead of being read at once.
 *
 * <p>The webhook answers admission requests on the I/O thread itself (see {@link
 * JettyHttpsTransport}). Jetty's HTTP/1.1 connection reads the next request as soon as it has
 * answered one, so a client that sends again quickly (the API server under load, or {@code wrk})
 * would keep the I/O thread to itself while the other connections on it wait: in the admission
 * benchmark, runs of over 60 requests in a row on one connection, and a p99 of 25 ms. Here, after a
 * response, reading the connection gives nothing until it has asked to be told of new input, which
 * puts it back in the selector's queue behind the connections already waiting. Pipelined requests
 * already read are still answered at once.
 */
final class FairSslConnectionFactory extends SslConnectionFactory {

  FairSslConnectionFactory(SslContextFactory.Server tls, String nextProtocol) {
    super(tls, nextProtocol);
  }

  /**
   * Makes the connection behind {@code endPoint} (a request's, as {@code
   * getConnectionMetaData().getConnection().getEndPoint()} gives it) wait its turn for its next
   * request. Does nothing for end points from elsewhere.
   */
  static void waitTurn(EndPoint endPoint) {
    if (endPoint instanceof FairSslConnection.FairEndPoint fair) {
      fair.waitingTurn = true;
    }
  }

  /** Whether {@link #waitTurn} holds for {@code endPoint} (for tests). */
  static boolean isWaitingTurn(EndPoint endPoint) {
    return endPoint instanceof FairSslConnection.FairEndPoint fair && fair.waitingTurn;
  }

  @Override
  protected SslConnection newSslConnection(
      Connector connector, EndPoint endPoint, SSLEngine engine) {
    return new FairSslConnection(connector, endPoint, engine, this);
  }

  private static final class FairSslConnection extends SslConnection {
    FairSslConnection(
        Connector connector, EndPoint endPoint, SSLEngine engine, SslConnectionFactory factory) {
      super(
          connector.getByteBufferPool(),
          connector.getExecutor(),
          factory.getSslContextFactory(),
          endPoint,
          engine,
          factory.isDirectBuffersForEncryption(),
          factory.isDirectBuffersForDecryption());
    }

    @Override
    protected SslEndPoint newSslEndPoint() {
      return new FairEndPoint();
    }

    /** The decrypted side, which the HTTP connection reads requests from. */
    private final class FairEndPoint extends SslEndPoint {
      /** Set once a response is sent; cleared when the reader asks to be told of new input. */
      volatile boolean waitingTurn;

      @Override
      public int fill(ByteBuffer buffer) throws IOException {
        return waitingTurn ? 0 : super.fill(buffer);
      }

      @Override
      public void fillInterested(Callback callback) {
        waitingTurn = false;
        super.fillInterested(callback);
      }

      @Override
      public boolean tryFillInterested(Callback callback) {
        waitingTurn = false;
        return super.tryFillInterested(callback);
      }
    }
  }
}
