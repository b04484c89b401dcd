package io.qatvirt.webhook.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.qatvirt.webhook.http.HttpReply;
import io.qatvirt.webhook.http.HttpsTransport;
import io.qatvirt.webhook.http.ServerOptions;
import io.qatvirt.webhook.http.WebhookEndpoints;
import io.qatvirt.webhook.tls.ServerTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The webhook served by the JDK's own {@code com.sun.net.httpserver.HttpsServer}: the candidate
 * measured against Jetty by {@link AdmissionBenchmark}, and not chosen (several times slower under
 * TLS: one dispatcher thread does every connection's TLS work). Its timeouts are JVM-wide system
 * properties ({@code sun.net.httpserver.maxReqTime}, {@code idleInterval}), so {@link
 * ServerOptions#idleTimeout()} is not applied per server; {@link ServerOptions#queueTimeout()} is
 * not supported (past the queue, connections are closed).
 */
public final class JdkHttpsTransport implements HttpsTransport {
  private final ServerOptions options;
  private final SSLContext sslContext;
  private final WebhookEndpoints endpoints;
  private HttpsServer server;
  private ThreadPoolExecutor executor;

  public JdkHttpsTransport(
      ServerOptions options, SSLContext sslContext, WebhookEndpoints endpoints) {
    this.options = options;
    this.sslContext = sslContext;
    this.endpoints = endpoints;
  }

  @Override
  public void start() throws IOException {
    // JVM-wide, read once: without it Nagle and delayed ACKs add ~40 ms to every response
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpsServer.create(new InetSocketAddress(options.bindAddress(), options.port()), 128);
    server.setHttpsConfigurator(
        new HttpsConfigurator(sslContext) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
            ssl.setProtocols(ServerTls.PROTOCOLS.toArray(String[]::new));
            params.setSSLParameters(ssl);
          }
        });
    int threads = options.maxConcurrency();
    executor =
        new ThreadPoolExecutor(
            threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4 * threads));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String length = exchange.getRequestHeaders().getFirst("Content-Length");
      long contentLength = length == null ? -1 : parseLength(length);
      Optional<HttpReply> early =
          endpoints.screen(
              method, path, exchange.getRequestHeaders().getFirst("Content-Type"), contentLength);
      HttpReply reply;
      if (early.isPresent()) {
        reply = early.get();
      } else {
        try (InputStream in = exchange.getRequestBody()) {
          reply =
              endpoints.handle(path, BoundedBody.read(in, contentLength, endpoints.maxBodyBytes()));
        } catch (BodyTooLargeException e) {
          reply = endpoints.tooLarge();
        }
      }
      for (Map.Entry<String, String> header : reply.headers().entrySet()) {
        exchange.getResponseHeaders().set(header.getKey(), header.getValue());
      }
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      if (reply.closeConnection()) {
        exchange.getResponseHeaders().set("Connection", "close");
      }
      boolean head = "HEAD".equals(method);
      exchange.sendResponseHeaders(reply.status(), head ? -1 : reply.body().length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop((int) Math.max(1, options.drainTimeout().toSeconds()));
      executor.shutdown();
    }
  }
}
