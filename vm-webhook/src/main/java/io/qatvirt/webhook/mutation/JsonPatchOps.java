package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Builds RFC 6902 {@code add} operations that append items to an array deep in an object, creating
 * the missing objects on the way and never replacing a value that is there (a JSON {@code null}
 * counts as absent). Pure.
 */
final class JsonPatchOps {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private JsonPatchOps() {}

  /** Thrown when a path member that must hold an object or array holds something else. */
  static final class NotAContainer extends RuntimeException {
    NotAContainer(String path) {
      super(path);
    }
  }

  /**
   * Appends {@code items} to the array at {@code path} within {@code object}.
   *
   * @param path the property names from the root down to the array, unescaped
   */
  static ArrayNode appendAll(JsonNode object, List<String> path, List<? extends JsonNode> items) {
    ArrayNode ops = JSON.arrayNode();
    if (items.isEmpty()) {
      return ops;
    }
    JsonNode node = object;
    StringBuilder pointer = new StringBuilder(64);
    for (int depth = 0; depth < path.size(); depth++) {
      String member = path.get(depth);
      boolean last = depth == path.size() - 1;
      JsonNode child = node.get(member);
      appendToken(pointer, member);
      if (child == null || child.isNull()) {
        JsonNode value = nest(path.subList(depth + 1, path.size()), items);
        ops.add(add(pointer.toString(), value));
        return ops;
      }
      if (last ? !child.isArray() : !child.isObject()) {
        throw new NotAContainer(pointer.toString());
      }
      node = child;
    }
    String append = pointer.append("/-").toString();
    for (JsonNode item : items) {
      ops.add(add(append, item.deepCopy()));
    }
    return ops;
  }

  /**
   * Adds {@code member} to the object at {@code path}, which the object or earlier operations of
   * the same patch must hold.
   */
  static ObjectNode addMember(List<String> path, String member, JsonNode value) {
    StringBuilder pointer = new StringBuilder(64);
    path.forEach(token -> appendToken(pointer, token));
    appendToken(pointer, member);
    return add(pointer.toString(), value);
  }

  /** Appends {@code /member} to a JSON Pointer, escaping {@code ~} and {@code /} (RFC 6901). */
  private static void appendToken(StringBuilder pointer, String member) {
    pointer.append('/');
    for (int i = 0; i < member.length(); i++) {
      char c = member.charAt(i);
      switch (c) {
        case '~' -> pointer.append("~0");
        case '/' -> pointer.append("~1");
        default -> pointer.append(c);
      }
    }
  }

  private static JsonNode nest(List<String> below, List<? extends JsonNode> items) {
    ArrayNode array = JSON.arrayNode();
    items.forEach(item -> array.add(item.deepCopy()));
    JsonNode value = array;
    for (int i = below.size() - 1; i >= 0; i--) {
      ObjectNode parent = JSON.objectNode();
      parent.set(below.get(i), value);
      value = parent;
    }
    return value;
  }

  private static ObjectNode add(String path, JsonNode value) {
    ObjectNode op = JSON.objectNode();
    op.put("op", "add");
    op.put("path", path);
    op.set("value", value);
    return op;
  }
}
