package io.qatvirt.webhook.mutation;

import static io.qatvirt.webhook.mutation.MutationHarness.create;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each {@code --eviction-strategy} adds to a QAT VM or VMI, and what it leaves to check. */
class QatMutatorEvictionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VM_FIELD = "spec.template.spec.evictionStrategy";

  private static QatMutator mutator(EvictionStrategyPolicy policy) {
    return new QatMutator(
        new MutatorConfig(
            MutatorConfig.DEFAULT_PREFIX,
            MutatorConfig.DEFAULT_ALLOWED,
            MutatorConfig.DEFAULT_MAX_VFS_PER_VM,
            policy),
        (namespace, kind, name) -> InstancetypeLookup.Answer.NO_HOST_DEVICES);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A VM asking for one generic VF, with {@code templateSpec} as its template's spec. */
  private static JsonNode vm(String templateSpec) {
    return json(
        "{\"apiVersion\": \"kubevirt.io/v1\", \"kind\": \"VirtualMachine\", \"metadata\":"
            + " {\"name\": \"gw\", \"namespace\": \"vnf\"}, \"spec\": {\"template\": {\"metadata\":"
            + " {\"annotations\": {\"qat.intel.com/generic\": \"1\"}}, \"spec\": "
            + templateSpec
            + "}}}");
  }

  private static final String HOST_DEVICES =
      "{\"op\": \"add\", \"path\": \"/spec/template/spec/domain/devices\", \"value\":"
          + " {\"hostDevices\": [{\"name\": \"qat-generic-0\", \"deviceName\":"
          + " \"qat.intel.com/generic\"}]}}";

  private static MutationOutcome.Allowed allowed(EvictionStrategyPolicy policy, JsonNode object) {
    return create(mutator(policy), object).allowed();
  }

  @Test
  void warnAddsNothingAndLeavesTheClusterDefaultToCheck() {
    MutationOutcome.Allowed allowed = allowed(EvictionStrategyPolicy.WARN, vm("{\"domain\": {}}"));

    assertEquals(json("[" + HOST_DEVICES + "]"), allowed.patch());
    assertEquals(
        Optional.of(new EvictionCheck("VirtualMachine vnf/gw", VM_FIELD, Optional.empty())),
        allowed.eviction());
  }

  @Test
  void warnChecksTheStrategyTheVmSets() {
    MutationOutcome.Allowed allowed =
        allowed(
            EvictionStrategyPolicy.WARN,
            vm("{\"evictionStrategy\": \"LiveMigrate\", \"domain\": {}}"));

    assertEquals(json("[" + HOST_DEVICES + "]"), allowed.patch());
    assertEquals(
        Optional.of(
            new EvictionCheck("VirtualMachine vnf/gw", VM_FIELD, Optional.of("LiveMigrate"))),
        allowed.eviction());
  }

  @Test
  void setNoneAddsNoneToAVmThatSetsNothing() {
    MutationOutcome.Allowed allowed =
        allowed(EvictionStrategyPolicy.SET_NONE, vm("{\"domain\": {}}"));

    assertEquals(
        json(
            "["
                + HOST_DEVICES
                + ", {\"op\": \"add\", \"path\": \"/spec/template/spec/evictionStrategy\","
                + " \"value\": \"None\"}]"),
        allowed.patch());
    assertEquals(
        Optional.of(new EvictionCheck("VirtualMachine vnf/gw", VM_FIELD, Optional.of("None"))),
        allowed.eviction());
  }

  @Test
  void setIfPossibleAddsLiveMigrateIfPossibleAfterCreatingTheTemplateSpec() {
    JsonNode vm =
        json(
            "{\"kind\": \"VirtualMachine\", \"metadata\": {\"name\": \"gw\", \"namespace\":"
                + " \"vnf\"}, \"spec\": {\"template\": {\"metadata\": {\"annotations\":"
                + " {\"qat.intel.com/generic\": \"1\"}}}}}");
    MutationHarness.Result result = create(mutator(EvictionStrategyPolicy.SET_IF_POSSIBLE), vm);

    assertEquals(
        json(
            "[{\"op\": \"add\", \"path\": \"/spec/template/spec\", \"value\": {\"domain\":"
                + " {\"devices\": {\"hostDevices\": [{\"name\": \"qat-generic-0\","
                + " \"deviceName\": \"qat.intel.com/generic\"}]}}}},"
                + " {\"op\": \"add\", \"path\": \"/spec/template/spec/evictionStrategy\","
                + " \"value\": \"LiveMigrateIfPossible\"}]"),
        result.allowed().patch());
    assertEquals(
        json("\"LiveMigrateIfPossible\""),
        result.patchedObject().at("/spec/template/spec/evictionStrategy"));
  }

  @Test
  void setIfPossibleNeverChangesWhatTheVmSetsAndChecksIt() {
    MutationOutcome.Allowed allowed =
        allowed(
            EvictionStrategyPolicy.SET_IF_POSSIBLE,
            vm("{\"evictionStrategy\": \"LiveMigrate\", \"domain\": {}}"));

    assertEquals(json("[" + HOST_DEVICES + "]"), allowed.patch());
    assertEquals(
        Optional.of(
            new EvictionCheck("VirtualMachine vnf/gw", VM_FIELD, Optional.of("LiveMigrate"))),
        allowed.eviction());
  }

  @Test
  void setNoneAddsToTheSpecOfAVmi() {
    JsonNode vmi =
        json(
            "{\"kind\": \"VirtualMachineInstance\", \"metadata\": {\"name\": \"gw\","
                + " \"namespace\": \"vnf\", \"annotations\": {\"qat.intel.com/cy\": \"1\"}},"
                + " \"spec\": {\"domain\": {\"devices\": {}}}}");
    MutationOutcome.Allowed allowed = allowed(EvictionStrategyPolicy.SET_NONE, vmi);

    assertEquals(
        json(
            "[{\"op\": \"add\", \"path\": \"/spec/domain/devices/hostDevices\", \"value\":"
                + " [{\"name\": \"qat-cy-0\", \"deviceName\": \"qat.intel.com/cy\"}]},"
                + " {\"op\": \"add\", \"path\": \"/spec/evictionStrategy\", \"value\": \"None\"}]"),
        allowed.patch());
    assertEquals(
        Optional.of(
            new EvictionCheck(
                "VirtualMachineInstance vnf/gw", "spec.evictionStrategy", Optional.of("None"))),
        allowed.eviction());
  }

  @Test
  void offNeitherAddsNorChecks() {
    MutationOutcome.Allowed allowed = allowed(EvictionStrategyPolicy.OFF, vm("{\"domain\": {}}"));

    assertEquals(json("[" + HOST_DEVICES + "]"), allowed.patch());
    assertEquals(Optional.empty(), allowed.eviction());
  }

  @Test
  void aVmAskingForNoQatIsNeitherPatchedNorChecked() {
    JsonNode vm =
        json(
            "{\"kind\": \"VirtualMachine\", \"metadata\": {\"name\": \"web\"}, \"spec\":"
                + " {\"template\": {\"spec\": {\"domain\": {}}}}}");
    MutationOutcome.Allowed allowed = allowed(EvictionStrategyPolicy.SET_NONE, vm);

    assertEquals(json("[]"), allowed.patch());
    assertEquals(Optional.empty(), allowed.eviction());
  }
}
