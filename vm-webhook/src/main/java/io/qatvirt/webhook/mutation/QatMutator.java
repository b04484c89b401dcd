package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qatvirt.kubevirt.KubeVirtKinds;
import io.qatvirt.kubevirt.model.V1InstancetypeMatcher;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns QAT annotations ({@code qat.intel.com/generic: "2"}) on a VirtualMachineInstance, or on a
 * VirtualMachine's {@code spec.template.metadata}, into {@code spec.domain.devices.hostDevices}
 * entries. Pure apart from the {@link InstancetypeLookup} it is given, which may wait on the API
 * server: callers run it where waiting is allowed. Thread-safe.
 *
 * <p>VMIs are mutated on CREATE only (KubeVirt forbids later spec changes), VMs on CREATE and
 * UPDATE; any other kind is allowed untouched. When the lookup can't tell whether a VM's
 * instancetype defines host devices ({@link InstancetypeLookup.Answer#UNKNOWN}: API server
 * unreachable, instancetype missing) the VM is mutated anyway: KubeVirt itself rejects a VM whose
 * instancetype is missing, and the conflict check is repeated on every UPDATE.
 *
 * <p>A VM that gets QAT devices also gets an {@link EvictionCheck}; with {@code
 * --eviction-strategy=set-none} or {@code set-if-possible}, one that sets no {@code
 * evictionStrategy} gets it added (never replaced).
 */
public final class QatMutator implements Mutator {

  /** Where KubeVirt applies an instancetype whose {@code kind} is left out. */
  public static final String DEFAULT_INSTANCETYPE_KIND = "VirtualMachineClusterInstancetype";

  private static final String EVICTION_STRATEGY = "evictionStrategy";

  private final MutatorConfig config;
  private final InstancetypeLookup instancetypes;
  private final QatRequests requests;
  private final ObjectMapper models = ReadOnlyModels.newMapper();

  public QatMutator(MutatorConfig config, InstancetypeLookup instancetypes) {
    this.config = Objects.requireNonNull(config, "config");
    this.instancetypes = Objects.requireNonNull(instancetypes, "instancetypes");
    this.requests = new QatRequests(config);
  }

  /**
   * Mutates a whole object as a CREATE of its own {@code kind} would (for samples and tools that
   * hold a parsed YAML or JSON manifest).
   */
  public MutationOutcome mutate(JsonNode object) {
    return mutate(object.path("kind").asText(""), "CREATE", object);
  }

  @Override
  public MutationOutcome mutate(String kind, String operation, JsonNode object) {
    return decide(kind, operation, object);
  }

  private MutationOutcome decide(String kind, String operation, JsonNode object) {
    boolean vmi = KubeVirtKinds.VMI.equals(kind);
    boolean vm = KubeVirtKinds.VM.equals(kind);
    if (!(vmi && "CREATE".equals(operation))
        && !(vm && ("CREATE".equals(operation) || "UPDATE".equals(operation)))) {
      return nothing();
    }
    if (object == null || !object.isObject() || !asksForQat(object, vm)) {
      return nothing();
    }
    Subject subject;
    try {
      subject = vm ? Subject.ofVm(models, object) : Subject.ofVmi(models, object);
    } catch (Subject.MistypedField e) {
      return new MutationOutcome.Denied(
          "tried to add QAT host devices to "
              + kind
              + " "
              + rawRef(object)
              + ", but it is not a well-formed "
              + kind
              + ": "
              + (e.path().isEmpty() ? "a field" : e.path())
              + " has the wrong type");
    }
    return mutate(subject, object);
  }

  private MutationOutcome mutate(Subject subject, JsonNode object) {
    QatRequests.Parsed parsed = requests.parse(subject.annotations());
    if (parsed instanceof QatRequests.Invalid invalid) {
      return deny(subject, invalid.reason());
    }
    Map<String, Integer> counts = ((QatRequests.Requested) parsed).counts();
    if (counts.isEmpty()) {
      return nothing();
    }
    if (subject.instancetype().isPresent()) {
      V1InstancetypeMatcher matcher = subject.instancetype().get();
      String itKind = matcher.getKind() == null ? DEFAULT_INSTANCETYPE_KIND : matcher.getKind();
      String itName = matcher.getName() == null ? "" : matcher.getName();
      if (!itName.isEmpty()
          && instancetypes.hostDevices(subject.namespace(), itKind, itName)
              == InstancetypeLookup.Answer.DEFINES_HOST_DEVICES) {
        return deny(
            subject,
            "its instancetype "
                + itKind
                + " "
                + itName
                + " defines hostDevices, and KubeVirt rejects a VM whose template adds more: list"
                + " the QAT devices in the instancetype and remove the "
                + String.join(", ", counts.keySet())
                + " annotation(s), or choose an instancetype without hostDevices");
      }
    }
    HostDevicePlan.Result plan = new HostDevicePlan(config).plan(subject, counts);
    if (plan instanceof HostDevicePlan.Conflict conflict) {
      return deny(subject, conflict.reason());
    }
    HostDevicePlan.Additions additions = (HostDevicePlan.Additions) plan;
    ArrayNode patch;
    try {
      patch =
          JsonPatchOps.appendAll(
              object, additions.arrayPath(subject.specPath()), additions.entries());
    } catch (JsonPatchOps.NotAContainer e) {
      return deny(subject, "the member at " + e.getMessage() + " is not an object or array");
    }
    return new MutationOutcome.Allowed(patch, counts, eviction(subject, patch));
  }

  /**
   * Adds the policy's strategy to a subject that sets none (after the host devices, whose
   * operations make sure its spec exists), and says what to check once the cluster is known.
   */
  private Optional<EvictionCheck> eviction(Subject subject, ArrayNode patch) {
    EvictionStrategyPolicy policy = config.evictionStrategy();
    if (policy == EvictionStrategyPolicy.OFF) {
      return Optional.empty();
    }
    Optional<String> own = Optional.ofNullable(subject.spec().getEvictionStrategy());
    if (own.isEmpty() && policy.sets().isPresent()) {
      own = policy.sets();
      patch.add(
          JsonPatchOps.addMember(
              subject.specPath(), EVICTION_STRATEGY, JsonNodeFactory.instance.textNode(own.get())));
    }
    return Optional.of(
        new EvictionCheck(
            subject.kind() + " " + subject.ref(),
            subject.specField() + "." + EVICTION_STRATEGY,
            own));
  }

  /** Whether the annotations name anything under the prefix (before the object is parsed). */
  private boolean asksForQat(JsonNode object, boolean vm) {
    JsonNode meta = vm ? object.path("spec").path("template") : object;
    String keyPrefix = config.resourcePrefix() + "/";
    Iterator<String> keys = meta.path("metadata").path("annotations").fieldNames();
    while (keys.hasNext()) {
      if (keys.next().startsWith(keyPrefix)) {
        return true;
      }
    }
    return false;
  }

  private static MutationOutcome deny(Subject subject, String reason) {
    return new MutationOutcome.Denied(
        "tried to add QAT host devices to "
            + subject.kind()
            + " "
            + subject.ref()
            + ", but "
            + reason);
  }

  private static String rawRef(JsonNode object) {
    JsonNode meta = object.path("metadata");
    String name = meta.path("name").asText(meta.path("generateName").asText("") + "<generated>");
    String namespace = meta.path("namespace").asText("");
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  private static MutationOutcome nothing() {
    return new MutationOutcome.Allowed(JsonNodeFactory.instance.arrayNode(), Map.of());
  }
}
