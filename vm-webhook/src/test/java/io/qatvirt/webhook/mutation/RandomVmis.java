package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds VMIs and VMs with unknown fields, existing devices and odd annotations from a {@link
 * Random}, remembering what a correct mutator must do with each.
 */
final class RandomVmis {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> QAT = List.of("generic", "cy", "dc", "sym-dc");
  private static final List<String> DEVICE_NAMES =
      List.of(
          "qat.intel.com/generic",
          "qat.intel.com/cy",
          "qat.intel.com/dc",
          "nvidia.com/TU104GL_Tesla_T4",
          "example.com/nic");
  private static final List<String> HOST_DEVICE_NAMES =
      List.of(
          "qat-generic-0", "qat-generic-1", "qat-cy-0", "qat-dc-1", "gpu", "nic-1", "qat-sym-dc-0");
  private static final List<String> UNKNOWN_FIELDS = List.of("futureField", "x-vendor", "zz");
  private static final List<Map.Entry<String, String>> IGNORED_ANNOTATIONS =
      List.of(
          Map.entry("example.com/generic", "2"),
          Map.entry("qat.intel.com.evil/generic", "x"),
          Map.entry("qat.intel.com", "3"),
          Map.entry("app", "ipsec"),
          Map.entry("kubectl.kubernetes.io/last-applied-configuration", "{\"a\":1}"));
  private static final List<Map.Entry<String, String>> BAD_ANNOTATIONS =
      List.of(
          Map.entry("qat.intel.com/generic", "0"),
          Map.entry("qat.intel.com/cy", "two"),
          Map.entry("qat.intel.com/dc", " 1"),
          Map.entry("qat.intel.com/generic", "99"),
          Map.entry("qat.intel.com/foo/bar", "1"),
          Map.entry("qat.intel.com/nope", "1"));

  /** A generated object and what the annotations ask for. */
  record Case(
      JsonNode object, Map<String, Integer> valid, boolean badAnnotation, boolean tooManyPresent) {
    boolean shouldBeDenied() {
      return badAnnotation || tooManyPresent;
    }
  }

  private RandomVmis() {}

  static Case next(Random random) {
    boolean vm = random.nextInt(3) == 0;
    Map<String, String> annotations = new HashMap<>();
    Map<String, Integer> valid = new HashMap<>();
    for (String resource : QAT) {
      if (random.nextInt(3) == 0) {
        int count = 1 + random.nextInt(4);
        annotations.put("qat.intel.com/" + resource, Integer.toString(count));
        valid.put("qat.intel.com/" + resource, count);
      }
    }
    for (Map.Entry<String, String> ignored : IGNORED_ANNOTATIONS) {
      if (random.nextInt(4) == 0) {
        annotations.put(ignored.getKey(), ignored.getValue());
      }
    }
    boolean bad = random.nextInt(8) == 0;
    if (bad) {
      Map.Entry<String, String> entry = BAD_ANNOTATIONS.get(random.nextInt(BAD_ANNOTATIONS.size()));
      annotations.put(entry.getKey(), entry.getValue());
      valid.remove(entry.getKey());
    }

    List<ObjectNode> existing = new ArrayList<>();
    List<String> names = new ArrayList<>(HOST_DEVICE_NAMES);
    java.util.Collections.shuffle(names, random);
    int existingCount = random.nextInt(4);
    for (int i = 0; i < existingCount; i++) {
      ObjectNode device = JSON.objectNode();
      device.put("name", names.get(i));
      device.put("deviceName", DEVICE_NAMES.get(random.nextInt(DEVICE_NAMES.size())));
      if (random.nextBoolean()) {
        device.put("tag", "t" + i);
      }
      unknownFields(random, device);
      existing.add(device);
    }
    if (random.nextInt(4) == 0) {
      // Already complete: as a second pass (or a hand-written VMI) would see it.
      for (Map.Entry<String, Integer> request : valid.entrySet()) {
        long present =
            existing.stream()
                .filter(d -> d.path("deviceName").asText().equals(request.getKey()))
                .count();
        for (long i = present; i < request.getValue(); i++) {
          ObjectNode device = JSON.objectNode();
          device.put("name", "pre-" + existing.size());
          device.put("deviceName", request.getKey());
          existing.add(device);
        }
      }
    }
    boolean tooMany = false;
    for (Map.Entry<String, Integer> request : valid.entrySet()) {
      long present =
          existing.stream()
              .filter(d -> d.path("deviceName").asText().equals(request.getKey()))
              .count();
      tooMany |= present > request.getValue();
    }

    ObjectNode spec = JSON.objectNode();
    unknownFields(random, spec);
    int shape = random.nextInt(5);
    if (shape >= 1) {
      ObjectNode domain = spec.putObject("domain");
      unknownFields(random, domain);
      if (random.nextBoolean()) {
        domain.putObject("cpu").put("cores", 1 + random.nextInt(8));
      }
      if (shape >= 2) {
        ObjectNode devices = domain.putObject("devices");
        unknownFields(random, devices);
        if (random.nextBoolean()) {
          devices.putArray("disks").addObject().put("name", "root").putObject("disk");
        }
        if (shape >= 3) {
          ArrayNode hostDevices = devices.putArray("hostDevices");
          existing.forEach(hostDevices::add);
        } else if (shape == 2 && random.nextInt(4) == 0) {
          devices.putNull("hostDevices");
        }
      }
    }
    if (shape < 3) {
      // the existing devices were never placed: they don't count
      tooMany = false;
    }

    ObjectNode metadata = JSON.objectNode();
    metadata.put("name", "vm-" + random.nextInt(1000));
    metadata.put("namespace", "ns-" + random.nextInt(3));
    ObjectNode annotationNode = metadata.putObject("annotations");
    annotations.forEach(annotationNode::put);
    unknownFields(random, metadata);

    ObjectNode object = JSON.objectNode();
    object.put("apiVersion", "kubevirt.io/v1");
    if (vm) {
      object.put("kind", "VirtualMachine");
      ObjectNode vmMeta = object.putObject("metadata");
      vmMeta.put("name", metadata.path("name").asText());
      vmMeta.put("namespace", metadata.path("namespace").asText());
      ObjectNode vmSpec = object.putObject("spec");
      vmSpec.put("runStrategy", "Always");
      ObjectNode template = vmSpec.putObject("template");
      metadata.remove("name");
      metadata.remove("namespace");
      template.set("metadata", metadata);
      template.set("spec", spec);
      unknownFields(random, vmSpec);
    } else {
      object.put("kind", "VirtualMachineInstance");
      object.set("metadata", metadata);
      object.set("spec", spec);
      if (random.nextBoolean()) {
        object.putObject("status").put("phase", "Pending");
      }
    }
    unknownFields(random, object);
    return new Case(object, valid, bad, tooMany);
  }

  private static void unknownFields(Random random, ObjectNode node) {
    for (String field : UNKNOWN_FIELDS) {
      if (random.nextInt(4) == 0) {
        node.set(field, randomValue(random, 2));
      }
    }
  }

  private static JsonNode randomValue(Random random, int depth) {
    return switch (depth == 0 ? random.nextInt(5) : random.nextInt(7)) {
      case 0 -> JSON.numberNode(random.nextInt());
      case 1 -> JSON.textNode("v/" + random.nextInt(100) + "~x");
      case 2 -> JSON.booleanNode(random.nextBoolean());
      case 3 -> JSON.nullNode();
      case 4 -> JSON.numberNode(random.nextDouble());
      case 5 -> {
        ArrayNode array = JSON.arrayNode();
        for (int i = random.nextInt(3); i > 0; i--) {
          array.add(randomValue(random, depth - 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = JSON.objectNode();
        for (int i = random.nextInt(3); i > 0; i--) {
          object.set("k" + i, randomValue(random, depth - 1));
        }
        yield object;
      }
    };
  }
}
