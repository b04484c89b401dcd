package io.qatvirt.webhook.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qatvirt.kubevirt.model.V1VirtualMachine;
import io.qatvirt.kubevirt.model.V1VirtualMachineInstance;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelReader} against its oracle, Jackson's data binding with the same mapper: the same
 * models, or a refusal naming the same member, for generated VMIs and VMs with values of every JSON
 * type put in random places, declared members among them.
 */
class ModelReaderTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final ObjectMapper JACKSON = ReadOnlyModels.newMapper();

  @Property(tries = 1500)
  void readsWhatJacksonBindsAndRefusesWhereItRefuses(@ForAll long seed) {
    Random random = new Random(seed);
    JsonNode object = RandomVmis.next(random).object().deepCopy();
    boolean vm = object.path("kind").asText().equals("VirtualMachine");
    addDeclaredMembers(random, (ObjectNode) object, vm);
    int changes = random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      replaceSomeValue(random, object);
    }

    String expected = jackson(object, vm);
    String actual = ours(object, vm);

    Statistics.label("outcome").collect(expected.startsWith("refused") ? "refused" : "read");
    assertEquals(expected, actual, object.toString());
  }

  @Test
  void namesTheMistypedMemberWithItsIndexAndKey() {
    ObjectNode vmi = JSON.objectNode();
    vmi.putObject("metadata").putObject("annotations").put("a", 1).putArray("b.c");
    assertEquals("refused at metadata.annotations.b.c", ours(vmi, false));

    ObjectNode devices = JSON.objectNode();
    devices.putObject("spec").putObject("domain").putObject("devices");
    ArrayNode hostDevices =
        ((ObjectNode) devices.path("spec").path("domain").path("devices")).putArray("hostDevices");
    hostDevices.addObject().put("name", "a");
    hostDevices.addObject().putObject("deviceName");
    assertEquals("refused at spec.domain.devices.hostDevices[1].deviceName", ours(devices, false));
    assertEquals(jackson(devices, false), ours(devices, false));
  }

  @Test
  void readsNumbersAndBooleansAsJacksonCoercesThem() {
    ObjectNode vmi = JSON.objectNode();
    vmi.putObject("metadata").put("name", 12).putObject("annotations").put("x", true);
    ((ObjectNode) vmi.path("metadata")).put("namespace", 1.5);
    ObjectNode resources = vmi.putObject("spec").putObject("domain").putObject("resources");
    resources.putObject("requests").put("cpu", 2).put("memory", new BigDecimal("1.50"));

    assertEquals(jackson(vmi, false), ours(vmi, false));
    assertEquals(
        "read class V1VirtualMachineInstance {\n",
        ours(vmi, false).substring(0, ours(vmi, false).indexOf('\n') + 1));
  }

  /** Members the generated VMIs leave out: resources, instancetype, labels. */
  private static void addDeclaredMembers(Random random, ObjectNode object, boolean vm) {
    ObjectNode spec = vm ? template(object) : child(object, "spec");
    if (random.nextBoolean()) {
      ObjectNode resources = child(spec, "domain").putObject("resources");
      resources.putObject("requests").put("memory", "8Gi").put("qat.intel.com/generic", "2");
      if (random.nextBoolean()) {
        resources.putObject("limits").put("cpu", 4).put("qat.intel.com/cy", 1);
      }
      if (random.nextBoolean()) {
        resources.put("overcommitGuestOverhead", random.nextBoolean());
      }
    }
    if (vm && random.nextBoolean()) {
      ObjectNode matcher = child(object, "spec").putObject("instancetype");
      matcher.put("name", "u1.large").put("kind", "VirtualMachineInstancetype");
      matcher.put("revisionName", "r1");
    }
    if (random.nextBoolean()) {
      child(object, "metadata").putObject("labels").put("app", "ipsec");
      child(object, "metadata").put("uid", "u-1").put("resourceVersion", "7");
    }
  }

  private static ObjectNode template(ObjectNode vm) {
    return child(child(child(vm, "spec"), "template"), "spec");
  }

  /** The object member {@code name}, made when absent. */
  private static ObjectNode child(ObjectNode parent, String name) {
    JsonNode child = parent.get(name);
    return child instanceof ObjectNode object ? object : parent.putObject(name);
  }

  /** Puts a random value in place of a random member or element somewhere in the tree. */
  private static void replaceSomeValue(Random random, JsonNode root) {
    List<Map.Entry<JsonNode, Object>> places = new ArrayList<>();
    collect(root, places);
    Map.Entry<JsonNode, Object> place = places.get(random.nextInt(places.size()));
    JsonNode value = randomValue(random, 2);
    if (place.getValue() instanceof Integer index) {
      ((ArrayNode) place.getKey()).set(index, value);
    } else {
      ((ObjectNode) place.getKey()).set((String) place.getValue(), value);
    }
  }

  private static void collect(JsonNode node, List<Map.Entry<JsonNode, Object>> places) {
    if (node.isObject()) {
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        places.add(Map.entry(node, name));
        collect(node.get(name), places);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        places.add(Map.entry(node, i));
        collect(node.get(i), places);
      }
    }
  }

  private static JsonNode randomValue(Random random, int depth) {
    return switch (random.nextInt(depth == 0 ? 12 : 14)) {
      case 0 -> JSON.numberNode(random.nextInt(100));
      case 1 -> JSON.numberNode(Long.MAX_VALUE - random.nextInt(5));
      case 2 -> JSON.numberNode(new BigInteger("123456789012345678901234567890"));
      case 3 -> JSON.numberNode(random.nextDouble() * 10);
      case 4 -> JSON.textNode("");
      case 5 -> JSON.textNode("true");
      case 6 -> JSON.textNode("3");
      case 7 -> JSON.textNode("some text");
      case 8 -> JSON.booleanNode(random.nextBoolean());
      case 9 -> JSON.nullNode();
      case 10 -> JSON.arrayNode();
      case 11 -> JSON.objectNode();
      case 12 -> {
        ArrayNode array = JSON.arrayNode();
        for (int i = 1 + random.nextInt(2); i > 0; i--) {
          array.add(randomValue(random, depth - 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = JSON.objectNode();
        List<String> names = List.of("name", "deviceName", "annotations", "domain", "k");
        for (int i = 1 + random.nextInt(2); i > 0; i--) {
          object.set(names.get(random.nextInt(names.size())), randomValue(random, depth - 1));
        }
        yield object;
      }
    };
  }

  private static String ours(JsonNode object, boolean vm) {
    ModelReader reader = new ModelReader(JACKSON).fresh();
    try {
      return "read " + (vm ? reader.vm(object) : reader.vmi(object));
    } catch (ModelReader.MistypedField e) {
      return "refused at " + e.path();
    }
  }

  /** What Jackson's binding gives, with the member it refuses written as ModelReader writes it. */
  private static String jackson(JsonNode object, boolean vm) {
    try {
      Class<?> type = vm ? V1VirtualMachine.class : V1VirtualMachineInstance.class;
      return "read " + JACKSON.treeToValue(object, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      StringBuilder path = new StringBuilder();
      if (e instanceof JsonMappingException mapping) {
        for (JsonMappingException.Reference step : mapping.getPath()) {
          if (step.getFieldName() != null) {
            path.append(path.length() == 0 ? "" : ".").append(step.getFieldName());
          } else if (step.getIndex() >= 0) {
            path.append('[').append(step.getIndex()).append(']');
          }
        }
      }
      return "refused at " + path;
    }
  }
}
