package io.qatvirt.webhook.http;

import io.qatvirt.webhook.tls.ServerTls;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.EndPoint;
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
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook served by Jetty 12 (HTTP/1.1 over TLS 1.2/1.3): a bounded thread pool, a {@link
 * QoSHandler} that lets {@code maxConcurrency} requests run and makes up to four times as many wait
 * up to {@code queueTimeout} (then, or past that many, 503), an idle timeout for slow clients, and
 * a {@link GracefulHandler} so that {@link #close()} drains in-flight requests.
 *
 * <p>One I/O (selector) thread per CPU answers requests itself, as nginx's workers do: reading the
 * body, parsing, mutating and writing the reply never wait, and handing each request to another
 * thread cost more CPU than the rest of Jetty did (82-88 µs per request against 62-68 µs in the
 * admission benchmark). Only work that may wait on I/O (a VM's instancetype lookup) goes to the
 * pool. {@link FairSslConnectionFactory} makes the connections on one I/O thread take turns.
 */
public final class JettyHttpsTransport implements HttpsTransport {
  private static final Logger LOG = LoggerFactory.getLogger(JettyHttpsTransport.class);

  /** Threads Jetty keeps besides the selectors and the request threads: acceptor, reserve. */
  private static final int OVERHEAD_THREADS = 5;

  /** Requests that may wait for a slot, per slot; past that they get 503 at once. */
  private static final int MAX_WAITING_PER_SLOT = 4;

  private final Server server;
  private final ServerConnector connector;

  public JettyHttpsTransport(
      ServerOptions options, SSLContext sslContext, WebhookEndpoints endpoints) {
    // one I/O thread per CPU the JVM sees (with no CPU limit on the pod: the node's), no more
    // than requests may run at once
    int selectors =
        Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), options.maxConcurrency()));
    int maxThreads = options.maxConcurrency() + selectors + OVERHEAD_THREADS;
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
    connector =
        new ServerConnector(
            server,
            1,
            selectors,
            new FairSslConnectionFactory(tls, "http/1.1"),
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

  /**
   * Adapts Jetty's request/response to {@link WebhookEndpoints}. Runs on the connection's I/O
   * thread: reads the body without waiting, answers at once what {@link WebhookEndpoints#answer}
   * answers at once, and hands work that may wait on I/O to a worker thread.
   */
  private static final class Adapter extends Handler.Abstract {
    private final WebhookEndpoints endpoints;
    private final long maxBodyBytes;

    Adapter(WebhookEndpoints endpoints) {
      this.endpoints = endpoints;
      this.maxBodyBytes = JettyRequestBody.checkLimit(endpoints.maxBodyBytes());
    }

    /** Never waits itself; see {@link WebhookEndpoints.Answer.OnWorker}. */
    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING;
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
        send(early.get(), head, request, response, callback);
        return true;
      }
      JettyRequestBody.read(
          request,
          request.getLength(),
          maxBodyBytes,
          new JettyRequestBody.Listener() {
            @Override
            public void onBody(byte[] body) {
              try {
                WebhookEndpoints.Answer answer = endpoints.answer(path, body);
                if (answer instanceof WebhookEndpoints.Answer.OnWorker onWorker) {
                  request
                      .getContext()
                      .execute(
                          () -> send(onWorker.work().get(), head, request, response, callback));
                } else {
                  send(
                      ((WebhookEndpoints.Answer.Now) answer).reply(),
                      head,
                      request,
                      response,
                      callback);
                }
              } catch (RuntimeException e) {
                LOG.error("tried to answer {} {}, but {}", method, path, e.toString(), e);
                callback.failed(e);
              }
            }

            @Override
            public void onTooLarge() {
              send(endpoints.tooLarge(), head, request, response, callback);
            }

            @Override
            public void onFailure(Throwable failure) {
              // the client went away or stalled past the idle timeout: nothing to answer
              LOG.debug(
                  "tried to read a request body from {}, but {}",
                  request.getConnectionMetaData().getRemoteSocketAddress(),
                  failure.toString());
              callback.failed(failure);
            }
          });
      return true;
    }

    private static void send(
        HttpReply reply, boolean head, Request request, Response response, Callback callback) {
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
      EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
      response.write(
          true,
          head ? null : ByteBuffer.wrap(reply.body()),
          Callback.from(() -> FairSslConnectionFactory.waitTurn(endPoint), callback));
    }
  }
}
