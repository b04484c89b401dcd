package io.qatvirt.webhook.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qatvirt.webhook.admission.AdmissionReviewCodec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Over generated VMIs and VMs: the patch only adds host devices, leaves everything else as it was,
 * gives every resource exactly what was asked, and a second pass adds nothing. ({@link
 * QatMutatorSchemaTest} checks the patched objects against KubeVirt's schema.)
 */
class QatMutatorPropertyTest {
  private final QatMutator mutator =
      new QatMutator(
          MutatorConfig.defaults(), (ns, kind, name) -> InstancetypeLookup.Answer.NO_HOST_DEVICES);
  private static final ObjectMapper JSON_TEXT = new ObjectMapper();
  private static final AdmissionReviewCodec CODEC = new AdmissionReviewCodec(JSON_TEXT);

  @Provide
  Arbitrary<RandomVmis.Case> objects() {
    return Arbitraries.randomValue(RandomVmis::next);
  }

  @Property(tries = 400)
  void thePatchAddsOnlyTheMissingHostDevices(@ForAll("objects") RandomVmis.Case generated) {
    JsonNode original = generated.object();
    MutationHarness.Result result = MutationHarness.create(mutator, original);
    Statistics.label("outcome").collect(category(result));
    Statistics.label("outcome")
        .coverage(
            coverage -> {
              coverage.check("denied").percentage(p -> p > 5);
              coverage.check("asks for nothing").percentage(p -> p > 5);
              coverage.check("creates the array").percentage(p -> p > 10);
              coverage.check("appends").percentage(p -> p > 5);
              coverage.check("already complete").percentage(p -> p > 2);
            });

    if (generated.shouldBeDenied()) {
      assertTrue(
          result.deniedMessage().startsWith("tried to add QAT host devices to "),
          result.deniedMessage());
      return;
    }
    MutationOutcome.Allowed allowed = result.allowed();
    assertEquals(generated.valid(), allowed.requested());
    allowed.patch().forEach(op -> assertEquals("add", op.path("op").asText(), op.toString()));

    JsonNode patched = result.patchedObject();
    List<String> specPath =
        original.path("kind").asText().equals("VirtualMachine")
            ? List.of("spec", "template", "spec")
            : List.of("spec");
    JsonPointer arrayPointer = pointer(specPath, "domain", "devices", "hostDevices");
    JsonNode before = original.at(arrayPointer);
    JsonNode after =
        patched.at(arrayPointer).isArray()
            ? patched.at(arrayPointer)
            : JsonNodeFactory.instance.arrayNode();
    int kept = before.isArray() ? before.size() : 0;

    // Everything but the added entries is as it was.
    assertEquals(original, undo(patched, original, allowed.patch(), arrayPointer, kept));
    for (int i = 0; i < kept; i++) {
      assertEquals(before.get(i), after.get(i));
    }

    // Each resource has exactly what was asked; added names are new, unique and well-formed.
    Map<String, Integer> counts = new HashMap<>();
    after.forEach(d -> counts.merge(d.path("deviceName").asText(), 1, Integer::sum));
    generated.valid().forEach((resource, n) -> assertEquals(n, counts.get(resource), resource));
    Set<String> names = new HashSet<>();
    after.forEach(d -> assertTrue(names.add(d.path("name").asText()), "duplicate " + d));
    for (int i = kept; i < after.size(); i++) {
      JsonNode added = after.get(i);
      assertTrue(added.path("name").asText().matches("qat-[a-z0-9-]+-[0-9]+"), added.toString());
      assertEquals(2, added.size(), added.toString());
    }

    // A second pass (reinvocation, or the VMI of a mutated VM) adds nothing.
    MutationHarness.Result again = MutationHarness.create(mutator, patched);
    assertEquals(0, again.allowed().patch().size());
    assertEquals(generated.valid(), again.allowed().requested());
  }

  /**
   * The webhook hands the mutator the object as its codec reads it from the review's text: the
   * outcome must be the one the object itself gets. The generated objects get resource requests and
   * limits and an instancetype here, which the mutator reads too.
   */
  @Property(tries = 400)
  void whatTheCodecReadsDecidesAsTheObjectItselfWould(
      @ForAll("objects") RandomVmis.Case generated, @ForAll Random random) throws Exception {
    QatMutator reader =
        new QatMutator(
            MutatorConfig.defaults(),
            (ns, kind, name) ->
                name.equals("with-devices")
                    ? InstancetypeLookup.Answer.DEFINES_HOST_DEVICES
                    : InstancetypeLookup.Answer.NO_HOST_DEVICES);
    JsonNode whole = withResourcesAndInstancetype(generated.object(), random);
    String kind = whole.path("kind").asText();
    for (String operation : List.of("CREATE", "UPDATE")) {
      ObjectNode review = JSON_TEXT.createObjectNode();
      review.put("apiVersion", AdmissionReviewCodec.API_VERSION).put("kind", "AdmissionReview");
      ObjectNode request = review.putObject("request").put("uid", "u").put("operation", operation);
      request.putObject("kind").put("kind", kind);
      request.set("object", whole);
      JsonNode read = CODEC.parse(JSON_TEXT.writeValueAsBytes(review)).object();
      assertEquals(whole, read);

      MutationOutcome outcome = reader.mutate(kind, operation, whole);
      Statistics.label("read outcome").collect(outcome.getClass().getSimpleName());
      assertEquals(outcome, reader.mutate(kind, operation, read));
    }
  }

  private static JsonNode withResourcesAndInstancetype(JsonNode object, Random random) {
    ObjectNode copy = object.deepCopy();
    boolean vm = copy.path("kind").asText().equals("VirtualMachine");
    JsonNode spec = vm ? copy.path("spec").path("template").path("spec") : copy.path("spec");
    if (spec.path("domain").isObject() && random.nextBoolean()) {
      ObjectNode resources = ((ObjectNode) spec.path("domain")).putObject("resources");
      List<String> values = List.of("1", "2", "3", "x", "500m", "2Gi");
      for (String list : List.of("requests", "limits")) {
        if (random.nextBoolean()) {
          ObjectNode amounts = resources.putObject(list).put("memory", "1Gi");
          amounts.put("qat.intel.com/generic", values.get(random.nextInt(values.size())));
        }
      }
      resources.put("overcommitGuestOverhead", random.nextBoolean());
    }
    if (vm && copy.path("spec").isObject() && random.nextBoolean()) {
      ((ObjectNode) copy.path("spec"))
          .putObject("instancetype")
          .put("name", random.nextBoolean() ? "with-devices" : "plain");
    }
    return copy;
  }

  private static String category(MutationHarness.Result result) {
    if (result.outcome() instanceof MutationOutcome.Denied) {
      return "denied";
    }
    MutationOutcome.Allowed allowed = result.allowed();
    if (allowed.requested().isEmpty()) {
      return "asks for nothing";
    }
    if (allowed.patch().isEmpty()) {
      return "already complete";
    }
    return allowed.patch().get(0).path("path").asText().endsWith("/-")
        ? "appends"
        : "creates the array";
  }

  /** Takes the added entries out again: truncates the array, or removes what the patch created. */
  private static JsonNode undo(
      JsonNode patched, JsonNode original, ArrayNode patch, JsonPointer array, int kept) {
    JsonNode copy = patched.deepCopy();
    if (patch.isEmpty()) {
      return copy;
    }
    String firstPath = patch.get(0).path("path").asText();
    if (firstPath.endsWith("/-")) {
      ArrayNode entries = (ArrayNode) copy.at(array);
      while (entries.size() > kept) {
        entries.remove(entries.size() - 1);
      }
      return copy;
    }
    assertEquals(1, patch.size(), "a created subtree comes in one operation");
    JsonPointer created = JsonPointer.compile(firstPath);
    ObjectNode parent = (ObjectNode) copy.at(created.head());
    if (original.at(created).isNull()) {
      parent.putNull(created.last().getMatchingProperty());
    } else {
      parent.remove(created.last().getMatchingProperty());
    }
    return copy;
  }

  private static JsonPointer pointer(List<String> head, String... tail) {
    JsonPointer pointer = JsonPointer.empty();
    for (String member : head) {
      pointer = pointer.appendProperty(member);
    }
    for (String member : tail) {
      pointer = pointer.appendProperty(member);
    }
    return pointer;
  }
}
