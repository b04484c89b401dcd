package io.qatvirt.webhook.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.webhook.permitted.PermitDecision;
import io.qatvirt.webhook.testing.FakeMutator;
import io.qatvirt.webhook.testing.RawHttps;
import io.qatvirt.webhook.testing.Reviews;
import io.qatvirt.webhook.testing.RunningWebhook;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admission endpoint and the probes over real TLS, with a fake mutator. */
class WebhookAdmissionIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TWO_DEVICES_PATCH =
      "[{\"op\":\"add\",\"path\":\"/spec/domain/devices/hostDevices\",\"value\":["
          + "{\"name\":\"qat-generic-0\",\"deviceName\":\"qat.intel.com/generic\"},"
          + "{\"name\":\"qat-generic-1\",\"deviceName\":\"qat.intel.com/generic\"}]}]";

  @TempDir static Path dir;
  static RunningWebhook webhook;

  @BeforeAll
  static void start() throws Exception {
    webhook = new RunningWebhook(dir, RunningWebhook.options(Duration.ofSeconds(5), 8));
  }

  @BeforeEach
  void resetFakes() {
    webhook.resetFakes();
  }

  @AfterAll
  static void stop() {
    webhook.close();
  }

  private JsonNode mutate(String body) throws Exception {
    HttpResponse<String> response = webhook.post("/mutate", "application/json", body);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
    return JSON.readTree(response.body());
  }

  @Test
  void answersAVmiCreateWithTheUidAndTheExactBase64Patch() throws Exception {
    JsonNode review = mutate(Reviews.vmiCreate());

    assertEquals("admission.k8s.io/v1", review.path("apiVersion").asText());
    assertEquals("AdmissionReview", review.path("kind").asText());
    JsonNode response = review.path("response");
    assertEquals("5f2c9b1e-7a43-4d2e-9c1b-3e8f6a0d4b21", response.path("uid").asText());
    assertTrue(response.path("allowed").asBoolean());
    assertEquals("JSONPatch", response.path("patchType").asText());
    assertEquals(
        TWO_DEVICES_PATCH,
        new String(
            Base64.getDecoder().decode(response.path("patch").asText()), StandardCharsets.UTF_8));
    assertTrue(response.path("status").isMissingNode());
    assertTrue(response.path("warnings").isMissingNode());
    assertEquals(List.of(List.of("qat.intel.com/generic")), webhook.permitted.asked);
  }

  @Test
  void deniesWith403AndTheMutatorsExactMessage() throws Exception {
    JsonNode response =
        mutate(Reviews.review("u-deny", "VirtualMachine", "gw", "deny")).path("response");

    assertEquals(
        JSON.readTree(
            "{\"uid\":\"u-deny\",\"allowed\":false,\"status\":{\"code\":403,\"message\":\""
                + FakeMutator.DENY_MESSAGE
                + "\"}}"),
        response);
  }

  @Test
  void deniesWhenThePermittedCheckRefuses() throws Exception {
    webhook.permitted.decide(
        new PermitDecision.Deny("qat.intel.com/generic is not in permittedHostDevices"));

    JsonNode response =
        mutate(Reviews.review("u-np", "VirtualMachineInstance", "gw", "1")).path("response");

    assertFalse(response.path("allowed").asBoolean());
    assertEquals(403, response.path("status").path("code").asInt());
    assertEquals(
        "qat.intel.com/generic is not in permittedHostDevices",
        response.path("status").path("message").asText());
  }

  @Test
  void permitsWithTheWarningAndThePatch() throws Exception {
    webhook.permitted.decide(
        new PermitDecision.Permit(Optional.of("could not read the KubeVirt CR; admitted anyway")));

    JsonNode response = mutate(Reviews.vmiCreate()).path("response");

    assertTrue(response.path("allowed").asBoolean());
    assertEquals(
        JSON.readTree("[\"could not read the KubeVirt CR; admitted anyway\"]"),
        response.path("warnings"));
    assertEquals(
        TWO_DEVICES_PATCH,
        new String(
            Base64.getDecoder().decode(response.path("patch").asText()), StandardCharsets.UTF_8));
  }

  @Test
  void warnsThatTheVmsOwnLiveMigrateBlocksDrains() throws Exception {
    String review =
        Reviews.review("u-evict", "VirtualMachineInstance", "gw", "1")
            .replace(
                "\"spec\":{\"domain\"",
                "\"spec\":{\"evictionStrategy\":\"LiveMigrate\",\"domain\"");
    webhook.permitted.defaultEvictionStrategy(Optional.of("None"));

    JsonNode response = mutate(review).path("response");

    assertTrue(response.path("allowed").asBoolean());
    assertEquals(
        JSON.readTree(
            "[\"VirtualMachineInstance vnf/gw has QAT host devices and cannot live-migrate, so"
                + " evictionStrategy LiveMigrate (its own) blocks node drains and upgrades while"
                + " it runs: set spec.evictionStrategy: LiveMigrateIfPossible (or None) to let a"
                + " drain shut it down\"]"),
        response.path("warnings"));
    assertEquals(
        "[{\"op\":\"add\",\"path\":\"/spec/domain/devices/hostDevices\",\"value\":["
            + "{\"name\":\"qat-generic-0\",\"deviceName\":\"qat.intel.com/generic\"}]}]",
        new String(
            Base64.getDecoder().decode(response.path("patch").asText()), StandardCharsets.UTF_8));
  }

  @Test
  void allowsOtherKindsUntouched() throws Exception {
    JsonNode review = mutate(Reviews.review("u-pod", "Pod", "web", "2"));

    assertEquals(
        JSON.readTree(
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"response\":{\"uid\":\"u-pod\",\"allowed\":true}}"),
        review);
    assertEquals(List.of(), webhook.mutator.calls);
  }

  @Test
  void refusesWrongMethodsWith405AndAllow() throws Exception {
    HttpResponse<String> response = webhook.get("/mutate");

    assertEquals(405, response.statusCode());
    assertEquals("POST", response.headers().firstValue("allow").orElse(""));
    assertEquals("GET is not allowed on /mutate; use POST\n", response.body());
  }

  @Test
  void refusesOtherContentTypesWith415() throws Exception {
    HttpResponse<String> response =
        webhook.post("/mutate", "text/plain", Reviews.review("u", "VirtualMachine", "gw", "1"));

    assertEquals(415, response.statusCode());
    assertEquals(
        "tried to read an AdmissionReview, but the Content-Type is 'text/plain'; expected"
            + " application/json\n",
        response.body());
  }

  @Test
  void acceptsJsonWithACharset() throws Exception {
    HttpResponse<String> response =
        webhook.post(
            "/mutate",
            "application/json; charset=utf-8",
            Reviews.review("u", "VirtualMachine", "gw", null));

    assertEquals(200, response.statusCode());
  }

  @Test
  void refusesMalformedJsonWith400() throws Exception {
    HttpResponse<String> response = webhook.post("/mutate", "application/json", "{\"apiVersion\":");

    assertEquals(400, response.statusCode());
    assertTrue(
        response
            .body()
            .startsWith("tried to read the AdmissionReview, but the body is not valid JSON: "),
        response.body());
  }

  @Test
  void refusesAReviewWithoutUidWith400() throws Exception {
    HttpResponse<String> response =
        webhook.post(
            "/mutate",
            "application/json",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"request\":{\"name\":\"gw\"}}");

    assertEquals(400, response.statusCode());
    assertEquals(
        "tried to read the AdmissionReview, but request.uid is missing or empty\n",
        response.body());
  }

  @Test
  void refusesV1beta1With400SayingV1IsRequired() throws Exception {
    HttpResponse<String> response =
        webhook.post(
            "/mutate",
            "application/json",
            Reviews.review("u", "VirtualMachine", "gw", "1")
                .replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1"));

    assertEquals(400, response.statusCode());
    assertTrue(
        response.body().contains("this webhook speaks admission.k8s.io/v1 only"), response.body());
  }

  @Test
  void refusesAContentLengthOver3MiBWith413BeforeTheBodyArrives() throws Exception {
    try (RawHttps raw = webhook.raw(5000)) {
      raw.send(
          "POST /mutate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: 4194304\r\n\r\n");
      // none of the announced 4 MiB is sent: the answer can only come from the headers

      RawHttps.Response response = raw.read().orElseThrow();

      assertEquals(413, response.status());
      assertEquals("close", response.headers().get("connection"));
      assertEquals(
          "tried to read the AdmissionReview, but the body is larger than 3145728 bytes\n",
          response.body());
      assertTrue(raw.closedByServer());
    }
  }

  @Test
  void refusesAChunkedBodyOver3MiBWith413() throws Exception {
    try (RawHttps raw = webhook.raw(5000)) {
      raw.send(
          "POST /mutate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n");
      Thread writer =
          new Thread(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes();
                try {
                  for (int i = 0; i < 64; i++) { // 4 MiB, more than the server reads
                    raw.send(head);
                    raw.send(chunk);
                    raw.send("\r\n");
                  }
                } catch (Exception e) {
                  // the server closed the connection once it had seen enough
                }
              });
      writer.start();

      RawHttps.Response response = raw.read().orElseThrow();

      assertEquals(413, response.status());
      assertEquals("close", response.headers().get("connection"));
      writer.join(10_000);
    }
  }

  @Test
  void answersUnknownPathsWith404() throws Exception {
    assertEquals(404, webhook.get("/validate").statusCode());
  }

  @Test
  void healthzIsOkWhileRunning() throws Exception {
    HttpResponse<String> response = webhook.get("/healthz");

    assertEquals(200, response.statusCode());
    assertEquals("ok\n", response.body());
  }

  @Test
  void readyzWaitsForThePermittedDevices() throws Exception {
    webhook.permitted.ready(false);
    HttpResponse<String> notReady = webhook.get("/readyz");
    webhook.permitted.ready(true);
    HttpResponse<String> ready = webhook.get("/readyz");

    assertEquals(503, notReady.statusCode());
    assertEquals("not ready: the KubeVirt configuration has not been read yet\n", notReady.body());
    assertEquals(200, ready.statusCode());
    assertEquals("ok\n", ready.body());
  }

  @Test
  void metricsCountReviewsByResultDenialsAndLatency(@TempDir Path own) throws Exception {
    try (RunningWebhook webhook =
        new RunningWebhook(own, RunningWebhook.options(Duration.ofSeconds(5), 8))) {
      metricsCountReviewsByResultDenialsAndLatency(webhook);
    }
  }

  private static JsonNode mutate(RunningWebhook webhook, String body) throws Exception {
    HttpResponse<String> response = webhook.post("/mutate", "application/json", body);
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private static void metricsCountReviewsByResultDenialsAndLatency(RunningWebhook webhook)
      throws Exception {
    mutate(webhook, Reviews.vmiCreate());
    mutate(webhook, Reviews.review("u-1", "VirtualMachine", "gw", "deny"));
    mutate(webhook, Reviews.review("u-2", "Pod", "web", null));
    webhook.post("/mutate", "text/plain", "{}");

    HttpResponse<String> response = webhook.get("/metrics");

    assertEquals(200, response.statusCode());
    assertTrue(
        response
            .headers()
            .firstValue("content-type")
            .orElse("")
            .startsWith("text/plain; version=0.0.4"));
    List<String> lines = response.body().lines().toList();
    for (String expected :
        List.of(
            "qat_webhook_admission_reviews_total{result=\"mutated\"} 1.0",
            "qat_webhook_admission_reviews_total{result=\"allowed\"} 1.0",
            "qat_webhook_admission_reviews_total{result=\"denied_request\"} 1.0",
            "qat_webhook_admission_reviews_total{result=\"denied_not_permitted\"} 0.0",
            "qat_webhook_admission_denials_total{reason=\"request\"} 1.0",
            "qat_webhook_admission_duration_seconds_count 3",
            "qat_webhook_admission_duration_seconds_bucket{le=\"+Inf\"} 3",
            "qat_webhook_http_rejections_total{code=\"415\"} 1.0")) {
      assertTrue(lines.contains(expected), () -> expected + " not in\n" + response.body());
    }
    String expiry =
        lines.stream()
            .filter(l -> l.startsWith("qat_webhook_certificate_expiry_timestamp_seconds "))
            .findFirst()
            .orElseThrow();
    assertEquals(
        webhook.server.currentCertificate().notAfter().getEpochSecond(),
        (long) Double.parseDouble(expiry.substring(expiry.indexOf(' ') + 1)));
  }
}
