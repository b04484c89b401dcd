package io.qatvirt.webhook.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.webhook.testing.FakeMutator;
import io.qatvirt.webhook.testing.RawHttps;
import io.qatvirt.webhook.testing.Reviews;
import io.qatvirt.webhook.testing.RunningWebhook;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients, bounded concurrency, requests that wait while others are answered, pipelining and
 * draining shutdown, over real TLS.
 */
class WebhookLifecycleIT {
  /** Long enough for a TLS handshake on a busy machine, short enough for a quick test. */
  private static final Duration IDLE = Duration.ofMillis(1500);

  @TempDir Path dir;

  @Test
  void closesAConnectionWhoseRequestHeadersStall() throws Exception {
    try (RunningWebhook webhook = new RunningWebhook(dir, RunningWebhook.options(IDLE, 4))) {
      assertEquals(200, webhook.get("/healthz").statusCode()); // the JIT warm, before timing
      RawHttps raw = webhook.raw(10_000);
      long start = System.nanoTime();
      raw.send("POST /mutate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: applic");

      assertTrue(raw.closedByServer(), "the server should close the stalled connection");
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(
          waited >= IDLE.toMillis() - 100,
          "closed after " + waited + " ms, before the idle timeout");
      raw.close();
    }
  }

  @Test
  void closesAConnectionWhoseBodyStallsAndKeepsServing() throws Exception {
    try (RunningWebhook webhook = new RunningWebhook(dir, RunningWebhook.options(IDLE, 4))) {
      assertEquals(200, webhook.get("/healthz").statusCode());
      try (RawHttps raw = webhook.raw(10_000)) {
        raw.send(
            "POST /mutate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{\"apiVersion\":");

        assertTrue(raw.closedByServer() || raw.read().map(r -> r.status() >= 400).orElse(true));
      }
      assertEquals(200, webhook.get("/healthz").statusCode());
    }
  }

  @Test
  void makesRequestsPastTheConcurrencyLimitWaitThenAnswers503() throws Exception {
    try (RunningWebhook webhook =
        new RunningWebhook(dir, RunningWebhook.options(Duration.ofSeconds(5), 1))) {
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      holdMutations(webhook, entered, release);
      CompletableFuture<HttpResponse<String>> first = postAsync(webhook);
      assertTrue(entered.await(10, TimeUnit.SECONDS));

      HttpResponse<String> second =
          webhook.post(
              "/mutate", "application/json", Reviews.review("u-2", "VirtualMachine", "b", "1"));
      release.countDown();

      assertEquals(503, second.statusCode());
      assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
    }
  }

  @Test
  void drainsInFlightRequestsOnCloseAndRefusesNewConnections() throws Exception {
    RunningWebhook webhook =
        new RunningWebhook(dir, RunningWebhook.options(Duration.ofSeconds(5), 4));
    int port = webhook.server.port();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    holdMutations(webhook, entered, release);
    CompletableFuture<HttpResponse<String>> inFlight = postAsync(webhook);
    assertTrue(entered.await(10, TimeUnit.SECONDS));

    CompletableFuture<Void> closing = CompletableFuture.runAsync(webhook::close);
    waitUntilRefused(port);
    assertFalse(closing.isDone(), "close() returned while a request was in flight");
    release.countDown();

    HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("\"uid\":\"u-drain\""), response.body());
    closing.get(10, TimeUnit.SECONDS);
    assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
  }

  @Test
  void answersVmisWhileVmMutationsWaitOnTheApiServer() throws Exception {
    // more waiting VMs than the machine has CPUs: each waits on its own request thread
    int held = Runtime.getRuntime().availableProcessors() + 1;
    try (RunningWebhook webhook =
        new RunningWebhook(dir, RunningWebhook.options(Duration.ofSeconds(5), held + 2))) {
      CountDownLatch entered = new CountDownLatch(held);
      CountDownLatch release = new CountDownLatch(1);
      webhook.mutator.beforeMutate(
          object -> {
            if (object.path("metadata").path("name").asText().startsWith("held-")) {
              entered.countDown();
              awaitLatch(release);
            }
            return object;
          });
      List<CompletableFuture<HttpResponse<String>>> vms = new ArrayList<>();
      for (int i = 0; i < held; i++) {
        vms.add(
            postAsync(webhook, Reviews.review("u-vm-" + i, "VirtualMachine", "held-" + i, "1")));
      }
      assertTrue(entered.await(10, TimeUnit.SECONDS), "the VM mutations did not all start");

      HttpResponse<String> vmi =
          postAsync(webhook, Reviews.review("u-vmi", "VirtualMachineInstance", "quick", "1"))
              .get(10, TimeUnit.SECONDS);
      release.countDown();

      assertEquals(200, vmi.statusCode());
      assertTrue(vmi.body().contains("\"uid\":\"u-vmi\""), vmi.body());
      for (int i = 0; i < held; i++) {
        HttpResponse<String> vm = vms.get(i).get(10, TimeUnit.SECONDS);
        assertEquals(200, vm.statusCode());
        assertTrue(vm.body().contains("\"uid\":\"u-vm-" + i + "\""), vm.body());
      }
    }
  }

  @Test
  void answersPipelinedRequestsInOrderThenTheNextOnTheSameConnection() throws Exception {
    try (RunningWebhook webhook =
            new RunningWebhook(dir, RunningWebhook.options(Duration.ofSeconds(5), 4));
        RawHttps raw = webhook.raw(10_000)) {
      raw.send(
          rawPost(Reviews.review("u-p1", "VirtualMachineInstance", "p1", "1"))
              + rawPost(Reviews.review("u-p2", "VirtualMachineInstance", "p2", "2")));
      RawHttps.Response first = raw.read().orElseThrow();
      RawHttps.Response second = raw.read().orElseThrow();
      raw.send(rawPost(Reviews.review("u-p3", "VirtualMachine", "p3", "1")));
      RawHttps.Response third = raw.read().orElseThrow();

      assertEquals(
          List.of(200, 200, 200), List.of(first.status(), second.status(), third.status()));
      assertTrue(first.body().contains("\"uid\":\"u-p1\""), first.body());
      assertTrue(second.body().contains("\"uid\":\"u-p2\""), second.body());
      assertTrue(third.body().contains("\"uid\":\"u-p3\""), third.body());
      assertEquals(
          List.of("p1", "p2", "p3"),
          webhook.mutator.calls.stream().map(FakeMutator.Call::name).toList());
    }
  }

  private static String rawPost(String body) {
    return "POST /mutate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n"
        + body;
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(RunningWebhook webhook) {
    return postAsync(webhook, Reviews.review("u-drain", "VirtualMachineInstance", "a", "1"));
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(
      RunningWebhook webhook, String review) {
    return webhook.client.sendAsync(
        HttpRequest.newBuilder(webhook.uri("/mutate"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(review, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void waitUntilRefused(int port) {
    await("the server refuses new connections while draining")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> refuses(port));
  }

  private static boolean refuses(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return false;
    } catch (IOException refused) {
      return true;
    }
  }

  /** Every mutation counts {@code entered} down as it begins, then waits for {@code release}. */
  private static void holdMutations(
      RunningWebhook webhook, CountDownLatch entered, CountDownLatch release) {
    webhook.mutator.beforeMutate(
        object -> {
          entered.countDown();
          awaitLatch(release);
          return object;
        });
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
