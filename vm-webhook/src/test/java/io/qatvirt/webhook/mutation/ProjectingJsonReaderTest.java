package io.qatvirt.webhook.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qatvirt.webhook.testing.Reviews;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The projecting reader against Jackson as the oracle: on well-formed text it keeps exactly what
 * {@link ObjectProjection#apply} keeps of Jackson's tree (equal nodes: the same number types, the
 * same decoded strings); on text broken in one place it refuses exactly what Jackson (strict, no
 * trailing tokens) refuses.
 */
class ProjectingJsonReaderTest {
  private static final ObjectMapper ORACLE =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Keeps some members whole, goes into others, and skips the rest. */
  private static final ObjectProjection PROJECTION =
      ObjectProjection.members("a", "ü")
          .with("spec", ObjectProjection.members("b").with("c", ObjectProjection.members("d")))
          .with("q\"x", ObjectProjection.members("a"));

  private static final String[] NAMES = {
    "a", "b", "c", "d", "spec", "ü", "q\"x", "e\u0001", "long-name"
  };

  @Property(tries = 400)
  void keepsWhatJacksonsTreeHoldsOfWellFormedText(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    JsonNode tree = randomValue(random, 0, false);
    byte[] text = write(tree, random).getBytes(StandardCharsets.UTF_8);

    JsonNode jackson = ORACLE.readTree(text);
    assertEquals(jackson, ObjectProjection.ALL.read(text));
    assertEquals(PROJECTION.apply(jackson), PROJECTION.read(text));
  }

  @Property(tries = 1500)
  void refusesWhatJacksonRefusesOfTextBrokenInOnePlace(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    String valid = write(randomValue(random, 0, true), random);
    byte[] text = breakOnce(valid, random).getBytes(StandardCharsets.UTF_8);

    Optional<JsonNode> jackson = oracle(text);
    Optional<JsonNode> ours;
    try {
      ours = Optional.of(PROJECTION.read(text));
    } catch (MalformedJsonException e) {
      ours = Optional.empty();
    }
    String shown = new String(text, StandardCharsets.UTF_8);
    assertEquals(jackson.isPresent(), ours.isPresent(), "verdicts differ on: " + shown);
    if (jackson.isPresent()) {
      assertEquals(PROJECTION.apply(jackson.get()), ours.get(), shown);
    }
  }

  @Test
  void refusesInvalidUtf8InSkippedStrings() {
    for (byte[] bad :
        new byte[][] {
          {(byte) 0xC3}, // cut off
          {(byte) 0xC0, (byte) 0x80}, // overlong
          {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, // overlong
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
          {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
          {(byte) 0x80}, // a lone continuation byte
          {(byte) 0xFF}
        }) {
      byte[] text = new byte[bad.length + 10];
      System.arraycopy("{\"z\":\"".getBytes(StandardCharsets.US_ASCII), 0, text, 0, 6);
      System.arraycopy(bad, 0, text, 6, bad.length);
      System.arraycopy("\"}".getBytes(StandardCharsets.US_ASCII), 0, text, 6 + bad.length, 2);
      byte[] exact = java.util.Arrays.copyOf(text, bad.length + 8);

      MalformedJsonException e =
          assertThrows(MalformedJsonException.class, () -> PROJECTION.read(exact));
      assertEquals("the bytes at byte 6 are not UTF-8", e.getMessage());
    }
  }

  @Test
  void acceptsEveryUtf8LengthInSkippedStrings() throws Exception {
    byte[] text = "{\"z\":\"é€😀\",\"a\":1}".getBytes(StandardCharsets.UTF_8);

    assertEquals(ORACLE.readTree("{\"a\":1}"), PROJECTION.read(text));
  }

  @Test
  void nestsAsDeepAsJacksonAllowsAndNoDeeper() throws Exception {
    String ok =
        "{\"z\":"
            + "[".repeat(ProjectingJsonReader.MAX_DEPTH - 1)
            + "]".repeat(ProjectingJsonReader.MAX_DEPTH - 1)
            + "}";
    String deep =
        "{\"z\":"
            + "[".repeat(ProjectingJsonReader.MAX_DEPTH)
            + "]".repeat(ProjectingJsonReader.MAX_DEPTH)
            + "}";

    assertTrue(oracle(bytes(ok)).isPresent());
    assertEquals(JSON.objectNode(), PROJECTION.read(bytes(ok)));
    assertTrue(oracle(bytes(deep)).isEmpty());
    MalformedJsonException e =
        assertThrows(MalformedJsonException.class, () -> PROJECTION.read(bytes(deep)));
    assertEquals("the value at byte 1004 is nested deeper than 1000 levels", e.getMessage());
  }

  @Test
  void saysWhatWasExpectedWhere() {
    assertEquals("the text ends at byte 14, expected a JSON value", message("{\"apiVersion\":"));
    assertEquals("unexpected '}' at byte 8, expected a JSON value", message("{\"a\":[1,}"));
    assertEquals(
        "unexpected 'x' at byte 8, expected the end of the text after the JSON value",
        message("{\"a\":1} x"));
    assertEquals("there is no JSON value (the text is empty)", message(" \n"));
    assertEquals("the string at byte 5 is not closed", message("{\"z\":\"abc"));
    assertEquals("the escape at byte 8 is not JSON's", message("{\"z\":\"ab\\x\"}"));
    assertEquals("the number at byte 5 has no digits after '.'", message("{\"z\":1.}"));
  }

  @Test
  void readsTheBenchmarkReviewAsJacksonDoes() throws Exception {
    byte[] text = Reviews.vmiCreate().getBytes(StandardCharsets.UTF_8);

    assertEquals(ORACLE.readTree(text), ObjectProjection.ALL.read(text));
    assertEquals(
        Subject.READ.apply(ORACLE.readTree(text).path("request").path("object")),
        Subject.READ.read(bytes(ORACLE.readTree(text).path("request").path("object").toString())));
  }

  private static String message(String text) {
    return assertThrows(MalformedJsonException.class, () -> PROJECTION.read(bytes(text)))
        .getMessage();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Optional<JsonNode> oracle(byte[] text) {
    try {
      JsonNode node = ORACLE.readTree(text);
      return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static JsonNode randomValue(Random random, int depth, boolean ascii) {
    int kind = depth == 0 ? 0 : random.nextInt(depth > 3 ? 6 : 8);
    switch (kind) {
      case 0, 6 -> {
        ObjectNode object = JSON.objectNode();
        for (int i = random.nextInt(depth == 0 ? 6 : 4); i > 0; i--) {
          String name = NAMES[random.nextInt(NAMES.length)];
          object.set(ascii ? name.replace('ü', 'u') : name, randomValue(random, depth + 1, ascii));
        }
        return object;
      }
      case 1, 7 -> {
        ArrayNode array = JSON.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomValue(random, depth + 1, ascii));
        }
        return array;
      }
      case 2 -> {
        return JSON.textNode(randomString(random, ascii));
      }
      case 3 -> {
        return switch (random.nextInt(4)) {
          case 0 -> JSON.numberNode(random.nextInt(2001) - 1000);
          case 1 -> JSON.numberNode(random.nextLong());
          case 2 -> JSON.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
          default -> JSON.numberNode(0);
        };
      }
      case 4 -> {
        return JSON.booleanNode(random.nextBoolean());
      }
      default -> {
        return JSON.nullNode();
      }
    }
  }

  private static String randomString(Random random, boolean ascii) {
    String pool = ascii ? "abc xyz\"\\/\u0001\t\n09-.{}[]:," : "abc\"\\/\u0001\t\nüé€😀中";
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      int at = random.nextInt(pool.length());
      if (Character.isHighSurrogate(pool.charAt(at))) {
        text.append(pool, at, at + 2);
      } else if (!Character.isLowSurrogate(pool.charAt(at))) {
        text.append(pool.charAt(at));
      }
    }
    return text.toString();
  }

  /** JSON text of {@code value} with random whitespace and random escapes. */
  private static String write(JsonNode value, Random random) {
    StringBuilder out = new StringBuilder();
    write(value, random, out);
    return space(random) + out + space(random);
  }

  private static void write(JsonNode value, Random random, StringBuilder out) {
    if (value.isObject()) {
      out.append('{').append(space(random));
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        quote(field.getKey(), random, out);
        out.append(space(random)).append(':').append(space(random));
        write(field.getValue(), random, out);
        out.append(space(random));
        if (fields.hasNext()) {
          out.append(',').append(space(random));
        }
      }
      out.append('}');
    } else if (value.isArray()) {
      out.append('[').append(space(random));
      for (int i = 0; i < value.size(); i++) {
        write(value.get(i), random, out);
        out.append(space(random));
        if (i < value.size() - 1) {
          out.append(',').append(space(random));
        }
      }
      out.append(']');
    } else if (value.isTextual()) {
      quote(value.textValue(), random, out);
    } else {
      out.append(value);
    }
  }

  private static void quote(String text, Random random, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || random.nextInt(8) == 0) {
        switch (random.nextInt(c == '"' || c == '\\' || c == '/' ? 2 : 1)) {
          case 1 -> out.append('\\').append(c);
          default -> out.append(String.format("\\u%04X", (int) c));
        }
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  private static String space(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> " ";
      case 1 -> "\n  ";
      case 2 -> "\t\r\n";
      default -> "";
    };
  }

  private static String breakOnce(String text, Random random) {
    String chars = "{}[],:\"\\01-.eEtfnux \u0001";
    int at = text.isEmpty() ? 0 : random.nextInt(text.length());
    char c = chars.charAt(random.nextInt(chars.length()));
    return switch (random.nextInt(4)) {
      case 0 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1));
      case 1 -> text.substring(0, at) + c + text.substring(at);
      case 2 -> text.substring(0, at) + c + text.substring(Math.min(text.length(), at + 1));
      default -> text.substring(0, at);
    };
  }
}
