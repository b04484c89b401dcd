package io.qatvirt.webhook.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.webhook.admission.AdmissionController;
import io.qatvirt.webhook.admission.AdmissionReviewCodec;
import io.qatvirt.webhook.metrics.WebhookMetrics;
import io.qatvirt.webhook.testing.FakeMutator;
import io.qatvirt.webhook.testing.FakePermittedDevices;
import io.qatvirt.webhook.testing.Reviews;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which requests are answered at once, and which are left for a worker thread. */
class WebhookEndpointsTest {
  private final FakeMutator mutator = new FakeMutator();
  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(new ObjectMapper());
  private final WebhookEndpoints endpoints =
      new WebhookEndpoints(
          new AdmissionController(mutator, new FakePermittedDevices(), codec),
          codec,
          Optional::empty,
          new WebhookMetrics(() -> 0.0),
          ServerOptions.DEFAULT_MAX_BODY_BYTES);

  WebhookEndpointsTest() {
    mutator.mayBlockFor("VirtualMachine"::equals);
  }

  @Test
  void answersAKindTheMutatorDecidesWithoutWaitingAtOnce() {
    WebhookEndpoints.Answer answer =
        endpoints.answer(
            "/mutate", body(Reviews.review("u-1", "VirtualMachineInstance", "a", "1")));

    HttpReply reply = assertInstanceOf(WebhookEndpoints.Answer.Now.class, answer).reply();
    assertEquals(200, reply.status());
    assertTrue(text(reply).contains("\"uid\":\"u-1\",\"allowed\":true"), text(reply));
    assertEquals(
        List.of(new FakeMutator.Call("VirtualMachineInstance", "CREATE", "a")), mutator.calls);
  }

  @Test
  void leavesAKindTheMutatorMayWaitForToAWorkerWithoutMutatingYet() {
    WebhookEndpoints.Answer answer =
        endpoints.answer("/mutate", body(Reviews.review("u-2", "VirtualMachine", "b", "1")));

    var onWorker = assertInstanceOf(WebhookEndpoints.Answer.OnWorker.class, answer);
    assertEquals(List.of(), mutator.calls, "mutated before a worker ran the work");
    HttpReply reply = onWorker.work().get();
    assertEquals(200, reply.status());
    assertTrue(text(reply).contains("\"uid\":\"u-2\",\"allowed\":true"), text(reply));
    assertEquals(List.of(new FakeMutator.Call("VirtualMachine", "CREATE", "b")), mutator.calls);
  }

  @Test
  void answersOtherKindsAndBrokenReviewsAtOnceWithoutAskingTheMutator() {
    var pod =
        assertInstanceOf(
            WebhookEndpoints.Answer.Now.class,
            endpoints.answer("/mutate", body(Reviews.review("u-3", "Pod", "c", "1"))));
    var broken =
        assertInstanceOf(
            WebhookEndpoints.Answer.Now.class,
            endpoints.answer("/mutate", body("{\"apiVersion\":")));

    assertEquals(200, pod.reply().status());
    assertTrue(text(pod.reply()).contains("\"uid\":\"u-3\",\"allowed\":true"));
    assertEquals(400, broken.reply().status());
    assertTrue(
        text(broken.reply())
            .startsWith("tried to read the AdmissionReview, but the body is not valid JSON"),
        text(broken.reply()));
    assertEquals(List.of(), mutator.calls);
  }

  @Test
  void handleRunsTheWorkersPartOnTheCallingThread() {
    HttpReply reply =
        endpoints.handle("/mutate", body(Reviews.review("u-4", "VirtualMachine", "d", "deny")));

    assertEquals(200, reply.status());
    assertTrue(text(reply).contains("\"uid\":\"u-4\",\"allowed\":false"), text(reply));
    assertTrue(text(reply).contains(FakeMutator.DENY_MESSAGE), text(reply));
  }

  private static byte[] body(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(HttpReply reply) {
    return new String(reply.body(), StandardCharsets.UTF_8);
  }
}
