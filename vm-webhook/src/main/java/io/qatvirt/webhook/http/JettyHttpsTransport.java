package io.qatvirt.webhook.http;

import io.qatvirt.webhook.tls.ServerTls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook served by Jetty 12 (HTTP/1.1 over TLS 1.2/1.3): a bounded thread pool, a {@link
 * QoSHandler} that lets {@code maxConcurrency} requests run and makes up to four times as many wait
 * up to {@code queueTimeout} (then, or past that many, 503), an idle timeout for slow clients, and
 * a {@link GracefulHandler} so that {@link #close()} drains in-flight requests.
 */
public final class JettyHttpsTransport implements HttpsTransport {
  private static final Logger LOG = LoggerFactory.getLogger(JettyHttpsTransport.class);

  /** Threads Jetty keeps for accepting and selecting, on top of the request threads. */
  private static final int OVERHEAD_THREADS = 6;

  /** Requests that may wait for a slot, per slot; past that they get 503 at once. */
  private static final int MAX_WAITING_PER_SLOT = 4;

  private final Server server;
  private final ServerConnector connector;

  public JettyHttpsTransport(
      ServerOptions options, SSLContext sslContext, WebhookEndpoints endpoints) {
    int maxThreads = options.maxConcurrency() + OVERHEAD_THREADS;
    // Jetty wants an unbounded job queue; the QoSHandler below bounds the requests instead
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
    pool.setName("webhook-http");
    server = new Server(pool);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(sslContext);
    tls.setIncludeProtocols(ServerTls.PROTOCOLS.toArray(String[]::new));
    connector =
        new ServerConnector(
            server,
            1,
            1,
            new SslConnectionFactory(tls, "http/1.1"),
            new HttpConnectionFactory(http));
    connector.setHost(options.bindAddress());
    connector.setPort(options.port());
    connector.setIdleTimeout(options.idleTimeout().toMillis());
    server.addConnector(connector);

    QoSHandler qos = new QoSHandler(new Adapter(endpoints));
    qos.setMaxRequestCount(options.maxConcurrency());
    qos.setMaxSuspend(options.queueTimeout());
    qos.setMaxSuspendedRequestCount(MAX_WAITING_PER_SLOT * options.maxConcurrency());
    qos.setRejectStatusCode(503);
    server.setHandler(new GracefulHandler(qos));
    server.setStopTimeout(options.drainTimeout().toMillis());
    server.setStopAtShutdown(false);
  }

  @Override
  public void start() throws Exception {
    server.start();
  }

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("tried to stop the HTTPS server cleanly, but {}", e.toString());
    }
  }

  /** Adapts Jetty's request/response to {@link WebhookEndpoints}. Runs on a pool thread. */
  private static final class Adapter extends Handler.Abstract {
    private final WebhookEndpoints endpoints;

    Adapter(WebhookEndpoints endpoints) {
      this.endpoints = endpoints;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String method = request.getMethod();
      String path = request.getHttpURI().getPath();
      Optional<HttpReply> early =
          endpoints.screen(
              method, path, request.getHeaders().get(HttpHeader.CONTENT_TYPE), request.getLength());
      HttpReply reply;
      if (early.isPresent()) {
        reply = early.get();
      } else {
        byte[] body;
        try {
          body =
              BoundedBody.read(
                  Request.asInputStream(request), request.getLength(), endpoints.maxBodyBytes());
        } catch (BodyTooLargeException e) {
          body = null;
        } catch (IOException e) {
          // the client went away or stalled past the idle timeout: nothing to answer
          LOG.debug(
              "tried to read a request body from {}, but {}",
              request.getConnectionMetaData().getRemoteSocketAddress(),
              e.toString());
          callback.failed(e);
          return true;
        }
        reply = body == null ? endpoints.tooLarge() : endpoints.handle(path, body);
      }
      send(reply, "HEAD".equals(method), response, callback);
      return true;
    }

    private static void send(HttpReply reply, boolean head, Response response, Callback callback) {
      response.setStatus(reply.status());
      var headers = response.getHeaders();
      headers.put(HttpHeader.CONTENT_TYPE, reply.contentType());
      headers.put(HttpHeader.CONTENT_LENGTH, reply.body().length);
      for (Map.Entry<String, String> header : reply.headers().entrySet()) {
        headers.put(header.getKey(), header.getValue());
      }
      if (reply.closeConnection()) {
        headers.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      }
      response.write(true, head ? null : ByteBuffer.wrap(reply.body()), callback);
    }
  }
}
