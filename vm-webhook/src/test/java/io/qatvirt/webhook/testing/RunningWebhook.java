package io.qatvirt.webhook.testing;

import io.qatvirt.webhook.WebhookServer;
import io.qatvirt.webhook.http.JettyHttpsTransport;
import io.qatvirt.webhook.http.ServerOptions;
import io.qatvirt.webhook.tls.PemKeyPairFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A real webhook on 127.0.0.1 (Jetty, real TLS from a Secret-like folder) with a fake mutator and
 * fake permitted devices, and a JDK HttpClient trusting the test CA.
 */
public final class RunningWebhook implements AutoCloseable {
  public final TestCertificates certificates = new TestCertificates();
  public final SecretVolume secret;
  public final FakeMutator mutator = new FakeMutator();
  public final FakePermittedDevices permitted = new FakePermittedDevices();
  public final WebhookServer server;
  public final HttpClient client;

  /** Starts with serial 1 (EC key, PKCS#8). */
  public RunningWebhook(Path dir, ServerOptions options) throws Exception {
    secret = new SecretVolume(dir);
    secret.publish(certificates.issue("EC", 1), TestCertificates.KeyFormat.PKCS8);
    server =
        new WebhookServer(
            options,
            new PemKeyPairFiles(secret.certFile(), secret.keyFile()),
            Duration.ofMillis(100),
            mutator,
            permitted,
            JettyHttpsTransport::new,
            Clock.systemUTC());
    server.start();
    client = newClient();
  }

  public static ServerOptions options(Duration idleTimeout, int maxConcurrency) {
    return new ServerOptions(
        "127.0.0.1",
        0,
        maxConcurrency,
        Duration.ofMillis(300),
        idleTimeout,
        Duration.ofSeconds(10),
        ServerOptions.DEFAULT_MAX_BODY_BYTES);
  }

  /** A client with its own SSLContext: its first request opens a fresh, non-resumed session. */
  public HttpClient newClient() {
    return HttpClient.newBuilder()
        .sslContext(certificates.clientContext())
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  public URI uri(String path) {
    return URI.create("https://127.0.0.1:" + server.port() + path);
  }

  public RawHttps raw(int readTimeoutMillis) {
    try {
      return new RawHttps(certificates.clientContext(), server.port(), readTimeoutMillis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Forgets what the fakes were asked and told, for the next test on the same server. */
  public void resetFakes() {
    mutator.calls.clear();
    mutator.beforeMutate(object -> object);
    permitted.asked.clear();
    permitted.decide(
        new io.qatvirt.webhook.permitted.PermitDecision.Permit(java.util.Optional.empty()));
    permitted.defaultEvictionStrategy(java.util.Optional.empty());
    permitted.ready(true);
  }

  @Override
  public void close() {
    server.close();
  }
}
