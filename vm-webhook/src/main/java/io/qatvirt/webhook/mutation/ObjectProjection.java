package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The members of a JSON object that a reader looks at, as a tree of member names: everything below
 * a name marked {@link #ALL} is kept, an object on the way keeps only the names listed for it, and
 * a value on the way that is not an object (a string where an object belongs, an array, a {@code
 * null}) is kept whole, so that a reader still sees what is wrong with it.
 *
 * <p>An admission review carries the whole object, most of which the mutator never reads (disks,
 * networks, cloud-init data, status): {@link #read} builds only the projected members, and checks
 * the rest of the text without building it (see {@link ProjectingJsonReader}). Immutable.
 */
public final class ObjectProjection {
  /** Everything. */
  public static final ObjectProjection ALL = new ObjectProjection(null);

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Member name → its projection; null for {@link #ALL}. */
  private final Map<String, ObjectProjection> members;

  /** The keys of {@link #members}; null for {@link #ALL}. */
  private final String[] names;

  private ObjectProjection(Map<String, ObjectProjection> members) {
    this.members = members;
    this.names = members == null ? null : members.keySet().toArray(String[]::new);
  }

  /** Only the named members, each whole. */
  public static ObjectProjection members(String... names) {
    ObjectProjection projection = new ObjectProjection(Map.of());
    for (String name : names) {
      projection = projection.with(name, ALL);
    }
    return projection;
  }

  /**
   * This projection, with {@code name} kept as far as {@code below} says (merged with what it
   * already keeps there).
   */
  public ObjectProjection with(String name, ObjectProjection below) {
    if (members == null) {
      return this;
    }
    Map<String, ObjectProjection> merged = new HashMap<>(members);
    merged.merge(name, below, ObjectProjection::union);
    return new ObjectProjection(Map.copyOf(merged));
  }

  /** Keeps what either keeps. */
  public ObjectProjection union(ObjectProjection other) {
    if (members == null || other.members == null) {
      return ALL;
    }
    ObjectProjection result = this;
    for (Map.Entry<String, ObjectProjection> member : other.members.entrySet()) {
      result = result.with(member.getKey(), member.getValue());
    }
    return result;
  }

  /**
   * Reads the one JSON value in {@code json} (UTF-8), keeping what this projection keeps; the whole
   * text is checked, also where nothing is kept. A JSON {@code null} is a NullNode.
   *
   * @throws MalformedJsonException when the text is not one well-formed JSON value
   */
  public JsonNode read(byte[] json) throws MalformedJsonException {
    return ProjectingJsonReader.read(json, this);
  }

  /** Member name → its projection; null for {@link #ALL}. */
  Map<String, ObjectProjection> kept() {
    return members;
  }

  /** The names {@link #kept()} holds; null for {@link #ALL}. Not to be changed. */
  String[] keptNames() {
    return names;
  }

  /** What {@link #read} would give for {@code value}'s JSON text. */
  public JsonNode apply(JsonNode value) {
    if (members == null || !value.isObject()) {
      return value.deepCopy();
    }
    ObjectNode node = JSON.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      ObjectProjection below = members.get(field.getKey());
      if (below != null) {
        node.set(field.getKey(), below.apply(field.getValue()));
      }
    }
    return node;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ObjectProjection that
        && java.util.Objects.equals(members, that.members);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hashCode(members);
  }

  @Override
  public String toString() {
    return members == null ? "*" : members.toString();
  }
}
