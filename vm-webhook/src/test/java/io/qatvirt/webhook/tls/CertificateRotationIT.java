package io.qatvirt.webhook.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.webhook.testing.RawHttps;
import io.qatvirt.webhook.testing.Reviews;
import io.qatvirt.webhook.testing.RunningWebhook;
import io.qatvirt.webhook.testing.TestCertificates;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Swapping the Secret volume's certificate while the webhook serves. */
class CertificateRotationIT {
  @TempDir Path dir;

  @Test
  void newConnectionsGetTheNewCertificateWhileAnOpenOneKeepsWorking() throws Exception {
    try (RunningWebhook webhook =
            new RunningWebhook(dir, RunningWebhook.options(Duration.ofSeconds(30), 4));
        RawHttps kept = webhook.raw(10_000)) {
      byte[] body =
          Reviews.review("u-1", "VirtualMachineInstance", "gw", "1")
              .getBytes(StandardCharsets.UTF_8);
      kept.post("/mutate", "application/json", body);
      assertEquals(200, kept.read().orElseThrow().status());
      assertEquals("1", kept.serverSerial());

      webhook.secret.publish(
          webhook.certificates.issue("RSA", 0x2a), TestCertificates.KeyFormat.TRADITIONAL);

      assertEquals("2A", waitForSerial(webhook, "2A"));
      kept.post("/mutate", "application/json", body);
      RawHttps.Response again = kept.read().orElseThrow();
      assertEquals(200, again.status());
      assertTrue(again.body().contains("\"uid\":\"u-1\""), again.body());
      assertEquals("1", kept.serverSerial());
      assertEquals("2A", webhook.server.currentCertificate().serialHex());
    }
  }

  @Test
  void keepsTheOldCertificateWhenTheNewKeyDoesNotMatch() throws Exception {
    try (RunningWebhook webhook =
        new RunningWebhook(dir, RunningWebhook.options(Duration.ofSeconds(30), 4))) {
      webhook.secret.publishMismatched(
          webhook.certificates.issue("EC", 7), webhook.certificates.issue("EC", 8));

      waitForMetric(webhook, "qat_webhook_certificate_reloads_total{result=\"failure\"} 1.0");
      assertEquals("1", serialOfANewConnection(webhook));
      assertEquals(
          200,
          webhook
              .newClient()
              .send(
                  HttpRequest.newBuilder(webhook.uri("/readyz")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode());

      webhook.secret.publish(
          webhook.certificates.issue("EC", 9), TestCertificates.KeyFormat.TRADITIONAL);
      assertEquals("9", waitForSerial(webhook, "9"));
    }
  }

  private static String serialOfANewConnection(RunningWebhook webhook) throws Exception {
    HttpClient fresh = webhook.newClient();
    HttpResponse<String> response =
        fresh.send(
            HttpRequest.newBuilder(webhook.uri("/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    X509Certificate leaf =
        (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    return leaf.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
  }

  private static String waitForSerial(RunningWebhook webhook, String expected) {
    return await("a new connection gets certificate " + expected)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> serialOfANewConnection(webhook), expected::equals);
  }

  private static void waitForMetric(RunningWebhook webhook, String line) {
    await(line + " appears in /metrics")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> webhook.get("/metrics").body().lines().anyMatch(line::equals));
  }
}
