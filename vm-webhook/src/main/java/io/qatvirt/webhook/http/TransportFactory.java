package io.qatvirt.webhook.http;

import javax.net.ssl.SSLContext;

/**
 * Builds the HTTPS server library's side; {@code JettyHttpsTransport::new} is the production one.
 */
@FunctionalInterface
public interface TransportFactory {
  HttpsTransport create(ServerOptions options, SSLContext sslContext, WebhookEndpoints endpoints);
}
