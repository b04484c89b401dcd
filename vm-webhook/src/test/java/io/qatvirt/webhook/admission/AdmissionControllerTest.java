package io.qatvirt.webhook.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.webhook.mutation.Mutator;
import io.qatvirt.webhook.permitted.PermitDecision;
import io.qatvirt.webhook.permitted.PermittedDevices;
import io.qatvirt.webhook.testing.FakeMutator;
import io.qatvirt.webhook.testing.FakePermittedDevices;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdmissionControllerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(JSON);
  private final FakeMutator mutator = new FakeMutator();
  private final FakePermittedDevices permitted = new FakePermittedDevices();

  private Decision review(String kind, String annotation) throws Exception {
    return review(mutator, permitted, kind, annotation);
  }

  private Decision review(Mutator m, PermittedDevices p, String kind, String annotation)
      throws Exception {
    String annotations =
        annotation == null ? "{}" : "{\"qat.intel.com/generic\":\"" + annotation + "\"}";
    JsonNode object =
        JSON.readTree("{\"metadata\":{\"name\":\"gw\",\"annotations\":" + annotations + "}}");
    return new AdmissionController(m, p, codec)
        .review(new AdmissionRequest("uid-7", kind, "CREATE", "vnf", "gw", object));
  }

  @Test
  void admitsWithThePatchOfTheMutator() throws Exception {
    Decision decision = review("VirtualMachineInstance", "2");

    assertEquals(Decision.Result.MUTATED, decision.result());
    assertEquals(
        new AdmissionResponse(
            "uid-7",
            true,
            Optional.of(
                "[{\"op\":\"add\",\"path\":\"/spec/domain/devices/hostDevices\",\"value\":["
                    + "{\"name\":\"qat-generic-0\",\"deviceName\":\"qat.intel.com/generic\"},"
                    + "{\"name\":\"qat-generic-1\",\"deviceName\":\"qat.intel.com/generic\"}]}]"),
            Optional.empty(),
            List.of()),
        decision.response());
    assertEquals(List.of(List.of("qat.intel.com/generic")), permitted.asked);
  }

  @Test
  void deniesWithTheMutatorsMessageAnd403() throws Exception {
    Decision decision = review("VirtualMachine", "deny");

    assertEquals(Decision.Result.DENIED_REQUEST, decision.result());
    assertEquals(
        AdmissionResponse.deny("uid-7", 403, FakeMutator.DENY_MESSAGE), decision.response());
    assertEquals(List.of(), permitted.asked);
  }

  @Test
  void deniesWhenKubeVirtDoesNotPermitTheResources() throws Exception {
    permitted.decide(new PermitDecision.Deny("qat.intel.com/generic is not permitted"));

    Decision decision = review("VirtualMachineInstance", "1");

    assertEquals(Decision.Result.DENIED_NOT_PERMITTED, decision.result());
    assertEquals(
        AdmissionResponse.deny("uid-7", 403, "qat.intel.com/generic is not permitted"),
        decision.response());
  }

  @Test
  void admitsWithTheWarningOfThePermitCheck() throws Exception {
    permitted.decide(new PermitDecision.Permit(Optional.of("could not read the KubeVirt CR")));

    Decision decision = review("VirtualMachineInstance", "1");

    assertEquals(Decision.Result.MUTATED, decision.result());
    assertEquals(List.of("could not read the KubeVirt CR"), decision.response().warnings());
    assertTrue(decision.response().patch().isPresent());
  }

  @Test
  void admitsObjectsAskingForNothingWithoutPatchOrPermitCheck() throws Exception {
    Decision decision = review("VirtualMachineInstance", null);

    assertEquals(Decision.Result.ALLOWED, decision.result());
    assertEquals(AdmissionResponse.allow("uid-7"), decision.response());
    assertEquals(List.of(), permitted.asked);
  }

  @Test
  void admitsOtherKindsUntouchedWithoutAskingTheMutator() throws Exception {
    Decision decision = review("Pod", "2");

    assertEquals(AdmissionResponse.allow("uid-7"), decision.response());
    assertEquals(List.of(), mutator.calls);
  }

  @Test
  void failsClosedWith500WhenTheMutatorThrows() throws Exception {
    Mutator broken =
        (kind, operation, object) -> {
          throw new IllegalStateException("boom");
        };

    Decision decision = review(broken, permitted, "VirtualMachineInstance", "1");

    assertEquals(Decision.Result.DENIED_INTERNAL_ERROR, decision.result());
    assertEquals(
        AdmissionResponse.deny(
            "uid-7",
            500,
            "tried to add QAT host devices to VirtualMachineInstance vnf/gw, but the webhook"
                + " failed: java.lang.IllegalStateException: boom"),
        decision.response());
  }

  @Test
  void warnsThatTheClusterDefaultLiveMigrateBlocksDrainsBesideThePermittedWarning()
      throws Exception {
    permitted.defaultEvictionStrategy(Optional.of("LiveMigrate"));
    permitted.decide(new PermitDecision.Permit(Optional.of("could not check; admitted")));

    Decision decision = review("VirtualMachineInstance", "1");

    assertEquals(Decision.Result.MUTATED, decision.result());
    assertEquals(
        List.of(
            "could not check; admitted",
            "VirtualMachineInstance gw has QAT host devices and cannot live-migrate, so"
                + " evictionStrategy LiveMigrate (the cluster default in the KubeVirt CR) blocks"
                + " node drains and upgrades while it runs: set spec.evictionStrategy:"
                + " LiveMigrateIfPossible (or None) to let a drain shut it down"),
        decision.response().warnings());
    assertEquals(
        Optional.of(
            "[{\"op\":\"add\",\"path\":\"/spec/domain/devices/hostDevices\",\"value\":["
                + "{\"name\":\"qat-generic-0\",\"deviceName\":\"qat.intel.com/generic\"}]}]"),
        decision.response().patch());
  }

  @Test
  void doesNotWarnWhenTheClusterDefaultLetsDrainsShutTheVmDown() throws Exception {
    permitted.defaultEvictionStrategy(Optional.of("LiveMigrateIfPossible"));

    Decision decision = review("VirtualMachineInstance", "1");

    assertEquals(List.of(), decision.response().warnings());
  }

  @Test
  void asksNoClusterDefaultForAnObjectWithoutQat() throws Exception {
    permitted.defaultEvictionStrategy(Optional.of("LiveMigrate"));

    Decision decision = review("VirtualMachine", null);

    assertEquals(AdmissionResponse.allow("uid-7"), decision.response());
  }
}
