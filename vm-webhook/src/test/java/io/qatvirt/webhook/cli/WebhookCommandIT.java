package io.qatvirt.webhook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.webhook.testing.SecretVolume;
import io.qatvirt.webhook.testing.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command end to end: flags in, an HTTPS server up, a shutdown signal, exit code 0. */
class WebhookCommandIT {
  @TempDir Path dir;

  @Test
  void servesUntilSignalledThenDrainsClosesEverythingAndExits0() throws Exception {
    TestCertificates certificates = new TestCertificates();
    SecretVolume secret = new SecretVolume(dir);
    secret.publish(certificates.issue("EC", 5), TestCertificates.KeyFormat.TRADITIONAL);
    RecordingWiring wiring = new RecordingWiring();
    ShutdownSignal shutdown = new ShutdownSignal();
    CompletableFuture<Integer> listening = new CompletableFuture<>();

    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                WebhookCommand.run(
                    new String[] {
                      "--bind-address=127.0.0.1",
                      "--port=0",
                      "--tls-cert-file=" + secret.certFile(),
                      "--tls-key-file=" + secret.keyFile(),
                      "--check-permitted=false",
                      "--shutdown-timeout=5s"
                    },
                    wiring,
                    shutdown,
                    listening::complete,
                    new PrintWriter(new StringWriter()),
                    new PrintWriter(new StringWriter())));
    int port = listening.get(20, TimeUnit.SECONDS);

    HttpResponse<String> ready =
        HttpClient.newBuilder()
            .sslContext(certificates.clientContext())
            .build()
            .send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    shutdown.trigger();

    assertEquals(200, ready.statusCode());
    assertEquals(0, exit.get(20, TimeUnit.SECONDS));
    assertTrue(wiring.permitted.closed());
    assertTrue(wiring.resourcesClosed.get());
  }
}
