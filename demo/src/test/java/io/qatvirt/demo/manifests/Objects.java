package io.qatvirt.demo.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Finding rendered objects and reading their fields in tests. */
final class Objects {
  private Objects() {}

  static JsonNode find(List<JsonNode> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .filter(o -> o.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError("no " + kind + " " + name + " among " + kindsAndNames(objects)));
  }

  static List<String> kindsAndNames(List<JsonNode> objects) {
    return objects.stream()
        .map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText())
        .toList();
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** A list of objects keyed by one of their fields, in order. */
  static Map<String, JsonNode> byField(JsonNode array, String field) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    array.forEach(n -> out.put(n.path(field).asText(), n));
    return out;
  }

  static JsonNode container(JsonNode workload, String name) {
    for (JsonNode c : workload.path("spec").path("template").path("spec").path("containers")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no container " + name + " in " + workload.path("metadata"));
  }

  /** A workload's hostPath volumes: volume name to host path, in order. */
  static Map<String, String> hostPaths(JsonNode workload) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode v : workload.path("spec").path("template").path("spec").path("volumes")) {
      if (v.has("hostPath")) {
        out.put(v.path("name").asText(), v.path("hostPath").path("path").asText());
      }
    }
    return out;
  }
}
