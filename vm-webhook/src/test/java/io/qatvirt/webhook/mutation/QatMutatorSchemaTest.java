package io.qatvirt.webhook.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Over generated VMIs and VMs (the property test's generator, with a fixed seed): the patch brings
 * no violation of KubeVirt's schema of its own (generated objects may carry some). Needs KubeVirt's
 * swagger.json from {@code ../shared}, and skips visibly without it.
 */
class QatMutatorSchemaTest {
  private final QatMutator mutator =
      new QatMutator(
          MutatorConfig.defaults(), (ns, kind, name) -> InstancetypeLookup.Answer.NO_HOST_DEVICES);

  @Test
  void thePatchBringsNoSchemaViolationOfItsOwn() {
    SwaggerSchemas schemas = SwaggerSchemas.loadOrSkip();
    Random random = new Random(20261203);
    int patched = 0;
    for (int i = 0; i < 300; i++) {
      JsonNode original = RandomVmis.next(random).object();
      MutationHarness.Result result = MutationHarness.create(mutator, original);
      if (!(result.outcome() instanceof MutationOutcome.Allowed allowed)
          || allowed.patch().isEmpty()) {
        continue;
      }
      patched++;
      JsonNode after = result.patchedObject();
      String definition = "v1." + after.path("kind").asText();
      List<String> introduced = new ArrayList<>(schemas.violations(definition, after));
      introduced.removeAll(schemas.violations(definition, original));
      assertEquals(List.of(), introduced, original.toString());
    }
    // the generator patches about half the objects; a handful would not exercise the schema
    assertEquals(true, patched > 50, "only " + patched + " of 300 generated objects were patched");
  }
}
