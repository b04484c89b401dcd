package io.qatvirt.webhook.http;

import io.qatvirt.webhook.tls.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook served by Jetty 12 (HTTP/1.1 over TLS 1.2/1.3): a bounded thread pool on which Jetty
 * dispatches each request as usual, a {@link QoSHandler} that lets {@code maxConcurrency} requests
 * run and makes up to four times as many wait up to {@code queueTimeout} (then, or past that many,
 * 503), an idle timeout for slow clients, and a {@link GracefulHandler} so that {@link #close()}
 * drains in-flight requests. A request's thread may wait (a VM's instancetype lookup): the pool has
 * a thread for every request the QoSHandler lets run.
 */
public final class JettyHttpsTransport implements HttpsTransport {
  private static final Logger LOG = LoggerFactory.getLogger(JettyHttpsTransport.class);

  /**
   * Threads Jetty keeps besides the request threads: an acceptor, its selectors (at most 4 by
   * default), reserved threads.
   */
  private static final int OVERHEAD_THREADS = 9;

  /** Requests that may wait for a slot, per slot; past that they get 503 at once. */
  private static final int MAX_WAITING_PER_SLOT = 4;

  private final Server server;
  private final ServerConnector connector;

  public JettyHttpsTransport(
      ServerOptions options, SSLContext sslContext, WebhookEndpoints endpoints) {
    // every request the QoSHandler lets run has a thread, besides Jetty's own
    int maxThreads = options.maxConcurrency() + OVERHEAD_THREADS;
    // Jetty wants an unbounded job queue; the QoSHandler below bounds the requests instead
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
    pool.setName("webhook-http");
    server = new Server(pool);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Without a check of the Host header against the certificate's names (Jetty's default runs a
    // regular expression per request): the webhook has one certificate, and its client (the API
    // server) checks that certificate against the name it called.
    http.addCustomizer(new SecureRequestCustomizer(false));
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(sslContext);
    tls.setIncludeProtocols(ServerTls.PROTOCOLS.toArray(String[]::new));
    connector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
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

  /**
   * Adapts Jetty's request/response to {@link WebhookEndpoints}, on the thread Jetty dispatched the
   * request to: reads the body (at most the limit, then 413), answers, writes the reply.
   */
  private static final class Adapter extends Handler.Abstract {
    private final WebhookEndpoints endpoints;
    private final int maxBodyBytes;

    Adapter(WebhookEndpoints endpoints) {
      this.endpoints = endpoints;
      if (endpoints.maxBodyBytes() > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "a body limit must fit in an array: " + endpoints.maxBodyBytes());
      }
      this.maxBodyBytes = (int) endpoints.maxBodyBytes();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String method = request.getMethod();
      String path = request.getHttpURI().getPath();
      boolean head = "HEAD".equals(method);
      Optional<HttpReply> early =
          endpoints.screen(
              method, path, request.getHeaders().get(HttpHeader.CONTENT_TYPE), request.getLength());
      if (early.isPresent()) {
        send(early.get(), head, response, callback);
        return true;
      }
      byte[] body;
      try (InputStream in = Content.Source.asInputStream(request)) {
        body = in.readNBytes(maxBodyBytes + 1);
      } catch (IOException e) {
        // the client went away or stalled past the idle timeout: nothing to answer
        LOG.debug(
            "tried to read a request body from {}, but {}",
            request.getConnectionMetaData().getRemoteSocketAddress(),
            e.toString());
        callback.failed(e);
        return true;
      }
      if (body.length > maxBodyBytes) {
        send(endpoints.tooLarge(), head, response, callback);
        return true;
      }
      send(endpoints.answer(path, body), head, response, callback);
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
