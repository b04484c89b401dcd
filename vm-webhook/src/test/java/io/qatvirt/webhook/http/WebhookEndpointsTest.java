package io.qatvirt.webhook.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** What each endpoint answers for a body, independent of the server library. */
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

  @Test
  void answersAVmiOrVmReviewWithTheMutatorsDecision() {
    HttpReply vmi =
        endpoints.answer(
            "/mutate", body(Reviews.review("u-1", "VirtualMachineInstance", "a", "1")));
    HttpReply vm =
        endpoints.answer("/mutate", body(Reviews.review("u-4", "VirtualMachine", "d", "deny")));

    assertEquals(200, vmi.status());
    assertTrue(text(vmi).contains("\"uid\":\"u-1\",\"allowed\":true"), text(vmi));
    assertEquals(200, vm.status());
    assertTrue(text(vm).contains("\"uid\":\"u-4\",\"allowed\":false"), text(vm));
    assertTrue(text(vm).contains(FakeMutator.DENY_MESSAGE), text(vm));
    assertEquals(
        List.of(
            new FakeMutator.Call("VirtualMachineInstance", "CREATE", "a"),
            new FakeMutator.Call("VirtualMachine", "CREATE", "d")),
        mutator.calls);
  }

  @Test
  void answersOtherKindsAndBrokenReviewsWithoutAskingTheMutator() {
    HttpReply pod = endpoints.answer("/mutate", body(Reviews.review("u-3", "Pod", "c", "1")));
    HttpReply broken = endpoints.answer("/mutate", body("{\"apiVersion\":"));

    assertEquals(200, pod.status());
    assertTrue(text(pod).contains("\"uid\":\"u-3\",\"allowed\":true"));
    assertEquals(400, broken.status());
    assertTrue(
        text(broken)
            .startsWith("tried to read the AdmissionReview, but the body is not valid JSON"),
        text(broken));
    assertEquals(List.of(), mutator.calls);
  }

  private static byte[] body(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(HttpReply reply) {
    return new String(reply.body(), StandardCharsets.UTF_8);
  }
}
