package io.qatvirt.webhook.http;

/**
 * An HTTPS server library behind the webhook's endpoints: the one place that knows it. Built with
 * {@link ServerOptions}, an {@link javax.net.ssl.SSLContext} and {@link WebhookEndpoints}.
 */
public interface HttpsTransport extends AutoCloseable {

  /** Binds and starts serving. */
  void start() throws Exception;

  /** The bound port (useful when asked for port 0). */
  int port();

  /**
   * Stops accepting connections, lets in-flight requests finish within {@link
   * ServerOptions#drainTimeout()}, then closes everything.
   */
  @Override
  void close();
}
