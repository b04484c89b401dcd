package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the members an {@link ObjectProjection} keeps from UTF-8 JSON text into Jackson nodes,
 * checking the whole text against RFC 8259 on the way: structure, string escapes, UTF-8, numbers,
 * literals, and nesting up to {@link #MAX_DEPTH}. The nodes are those Jackson's {@code readTree}
 * builds (ints, longs, big integers and doubles typed as Jackson types them); {@code
 * ProjectingJsonReaderTest} holds it to Jackson on random text and on text broken in one place.
 *
 * <p>Why not Jackson's parser: it decodes and hashes every member name it passes, also inside the
 * values it skips, and that was most of the time an admission review took to parse (most of a VMI
 * is skipped). Here a skipped value is only checked, eight bytes at a time inside strings.
 */
final class ProjectingJsonReader {
  /** As Jackson's default {@code StreamReadConstraints}. */
  static final int MAX_DEPTH = 1000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

  /** Added to each byte's low 7 bits, sets bit 7 exactly when the byte is 0x20 or more. */
  private static final long LOW7_MINUS_1F = 0x6060606060606060L;

  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';

  private final byte[] in;
  private final int end;
  private int pos;

  private ProjectingJsonReader(byte[] in) {
    this.in = in;
    this.end = in.length;
  }

  /**
   * The one JSON value in {@code json}, reduced to what {@code projection} keeps.
   *
   * @throws MalformedJsonException saying where and what, when the text is not one JSON value
   */
  static JsonNode read(byte[] json, ObjectProjection projection) throws MalformedJsonException {
    ProjectingJsonReader reader = new ProjectingJsonReader(json);
    reader.whitespace();
    if (reader.pos == reader.end) {
      throw new MalformedJsonException("there is no JSON value (the text is empty)");
    }
    JsonNode value = reader.value(projection, 0);
    reader.whitespace();
    if (reader.pos < reader.end) {
      throw reader.unexpected("the end of the text after the JSON value");
    }
    return value;
  }

  private JsonNode value(ObjectProjection projection, int depth) throws MalformedJsonException {
    Map<String, ObjectProjection> members = projection.kept();
    if (members == null || !at('{')) {
      return build(depth);
    }
    ObjectNode node = JSON.objectNode();
    enter(depth);
    pos++;
    whitespace();
    if (at('}')) {
      pos++;
      return node;
    }
    String[] names = projection.keptNames();
    while (true) {
      expectName();
      int start = pos + 1;
      // an ASCII name is compared with the kept ones in place, without making a string of it
      String name =
          skipString() ? keptName(names, start, pos - 1 - start) : unescape(start, pos - 1);
      colon();
      ObjectProjection below = name == null ? null : members.get(name);
      if (below == null) {
        skipValue(depth + 1);
      } else {
        node.set(name, value(below, depth + 1));
      }
      if (endOfMembers('}')) {
        return node;
      }
    }
  }

  /** Reads {@code "name" :} and the whitespace after it. */
  private String memberName() throws MalformedJsonException {
    expectName();
    String name = string();
    colon();
    return name;
  }

  /** Refuses anything but the opening quote of a member name here. */
  private void expectName() throws MalformedJsonException {
    if (!at('"')) {
      throw unexpected("a member name in double quotes");
    }
  }

  /** Reads the whitespace, {@code :} and whitespace after a member name. */
  private void colon() throws MalformedJsonException {
    whitespace();
    if (!at(':')) {
      throw unexpected("':' after a member name");
    }
    pos++;
    whitespace();
  }

  /** The one of {@code names} spelled by the ASCII bytes at {@code start}, or null. */
  private String keptName(String[] names, int start, int length) {
    for (String name : names) {
      if (name.length() == length && spells(name, start)) {
        return name;
      }
    }
    return null;
  }

  private boolean spells(String name, int start) {
    for (int i = 0; i < name.length(); i++) {
      if (in[start + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Reads a string from its opening quote to past its closing one, decoded. */
  private String string() throws MalformedJsonException {
    int start = pos + 1;
    boolean plain = skipString();
    return plain
        ? new String(in, start, pos - 1 - start, StandardCharsets.ISO_8859_1)
        : unescape(start, pos - 1);
  }

  /** The text between two quotes, already checked: escapes resolved, UTF-8 decoded. */
  private String unescape(int from, int to) {
    StringBuilder text = new StringBuilder(to - from);
    int run = from;
    int i = from;
    while (i < to) {
      if (in[i] != '\\') {
        i++;
        continue;
      }
      text.append(new String(in, run, i - run, StandardCharsets.UTF_8));
      byte escaped = in[i + 1];
      switch (escaped) {
        case 'b' -> text.append('\b');
        case 'f' -> text.append('\f');
        case 'n' -> text.append('\n');
        case 'r' -> text.append('\r');
        case 't' -> text.append('\t');
        case 'u' -> {
          text.append(
              (char) Integer.parseInt(new String(in, i + 2, 4, StandardCharsets.US_ASCII), 16));
          i += 4;
        }
        default -> text.append((char) escaped);
      }
      i += 2;
      run = i;
    }
    return text.append(new String(in, run, to - run, StandardCharsets.UTF_8)).toString();
  }

  /** Reads a whole value into nodes, as {@link #skipValue} checks it. */
  private JsonNode build(int depth) throws MalformedJsonException {
    if (pos == end) {
      throw unexpected("a JSON value");
    }
    switch (in[pos]) {
      case '{' -> {
        enter(depth);
        ObjectNode object = JSON.objectNode();
        pos++;
        whitespace();
        if (at('}')) {
          pos++;
          return object;
        }
        do {
          String name = memberName();
          object.set(name, build(depth + 1));
        } while (!endOfMembers('}'));
        return object;
      }
      case '[' -> {
        enter(depth);
        ArrayNode array = JSON.arrayNode();
        pos++;
        whitespace();
        if (at(']')) {
          pos++;
          return array;
        }
        do {
          array.add(build(depth + 1));
        } while (!endOfMembers(']'));
        return array;
      }
      case '"' -> {
        return JSON.textNode(string());
      }
      case 't' -> {
        literal("true");
        return BooleanNode.TRUE;
      }
      case 'f' -> {
        literal("false");
        return BooleanNode.FALSE;
      }
      case 'n' -> {
        literal("null");
        return NullNode.instance;
      }
      case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
        int start = pos;
        boolean integral = number();
        String text = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
        if (!integral) {
          return JSON.numberNode(Double.parseDouble(text));
        }
        try {
          long value = Long.parseLong(text);
          return value == (int) value ? JSON.numberNode((int) value) : JSON.numberNode(value);
        } catch (NumberFormatException tooLong) {
          return JSON.numberNode(new BigInteger(text));
        }
      }
      default -> throw unexpected("a JSON value");
    }
  }

  /** After a member or element and its whitespace: true at the closing bracket, past it. */
  private boolean endOfMembers(char close) throws MalformedJsonException {
    whitespace();
    if (at(',')) {
      pos++;
      whitespace();
      return false;
    }
    if (at(close)) {
      pos++;
      return true;
    }
    throw unexpected("',' or '" + close + "'");
  }

  private void skipValue(int depth) throws MalformedJsonException {
    if (pos == end) {
      throw unexpected("a JSON value");
    }
    switch (in[pos]) {
      case '{' -> {
        enter(depth);
        pos++;
        whitespace();
        if (at('}')) {
          pos++;
          return;
        }
        do {
          expectName();
          skipString();
          colon();
          skipValue(depth + 1);
        } while (!endOfMembers('}'));
      }
      case '[' -> {
        enter(depth);
        pos++;
        whitespace();
        if (at(']')) {
          pos++;
          return;
        }
        do {
          skipValue(depth + 1);
        } while (!endOfMembers(']'));
      }
      case '"' -> skipString();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
      default -> throw unexpected("a JSON value");
    }
  }

  private void enter(int depth) throws MalformedJsonException {
    if (depth >= MAX_DEPTH) {
      throw new MalformedJsonException(
          "the value at byte " + pos + " is nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  /**
   * Skips a string from its opening quote to past its closing one.
   *
   * @return true when it holds neither escapes nor non-ASCII bytes
   */
  private boolean skipString() throws MalformedJsonException {
    int start = pos;
    pos++;
    boolean plain = true;
    while (true) {
      pos = skipPlain(in, pos, end);
      if (pos == end) {
        throw new MalformedJsonException("the string at byte " + start + " is not closed");
      }
      int b = in[pos] & 0xFF;
      if (b == '"') {
        pos++;
        return plain;
      }
      if (b == '\\') {
        plain = false;
        escape();
      } else if (b < 0x20) {
        throw new MalformedJsonException(
            "the string at byte "
                + start
                + " holds control character "
                + String.format("0x%02x", b)
                + " at byte "
                + pos
                + " unescaped");
      } else {
        plain = false;
        utf8(b);
      }
    }
  }

  /**
   * The first index from {@code from} that holds a quote, a backslash, a control character or a
   * non-ASCII byte (or {@code end}); eight bytes at a time where it can.
   */
  private static int skipPlain(byte[] in, int from, int end) {
    int i = from;
    while (i + 8 <= end) {
      long v = (long) LONGS.get(in, i);
      // a byte of 0x80 and up, or below 0x20, or equal to '"' or '\\' (SWAR zero-byte tests)
      long special =
          (v | ((v & LOW7) + LOW7_MINUS_1F) ^ HIGH) & HIGH
              | hasZero(v ^ QUOTES)
              | hasZero(v ^ BACKSLASHES);
      if (special != 0) {
        return i + (Long.numberOfTrailingZeros(special) >>> 3);
      }
      i += 8;
    }
    while (i < end) {
      byte b = in[i];
      if (b < 0x20 || b == '"' || b == '\\') {
        return i;
      }
      i++;
    }
    return end;
  }

  private static long hasZero(long v) {
    return (v - ONES) & ~v & HIGH;
  }

  private void escape() throws MalformedJsonException {
    int at = pos;
    pos++;
    if (pos == end) {
      throw new MalformedJsonException("the escape at byte " + at + " is cut off");
    }
    switch (in[pos]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> pos++;
      case 'u' -> {
        pos++;
        for (int i = 0; i < 4; i++, pos++) {
          if (pos == end || Character.digit(in[pos], 16) < 0) {
            throw new MalformedJsonException(
                "the escape at byte " + at + " is not \\u and four hex digits");
          }
        }
      }
      default -> throw new MalformedJsonException("the escape at byte " + at + " is not JSON's");
    }
  }

  /**
   * One UTF-8 encoded character from its lead byte {@code b} (RFC 3629: no overlongs, no
   * surrogates).
   */
  private void utf8(int b) throws MalformedJsonException {
    int at = pos;
    int more;
    int min = 0x80;
    int max = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      more = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      more = 2;
      min = b == 0xE0 ? 0xA0 : 0x80;
      max = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
      more = 3;
      min = b == 0xF0 ? 0x90 : 0x80;
      max = b == 0xF4 ? 0x8F : 0xBF;
    } else {
      throw invalidUtf8(at);
    }
    pos++;
    for (int i = 0; i < more; i++, pos++) {
      if (pos == end) {
        throw invalidUtf8(at);
      }
      int c = in[pos] & 0xFF;
      if (c < (i == 0 ? min : 0x80) || c > (i == 0 ? max : 0xBF)) {
        throw invalidUtf8(at);
      }
    }
  }

  private static MalformedJsonException invalidUtf8(int at) {
    return new MalformedJsonException("the bytes at byte " + at + " are not UTF-8");
  }

  private void literal(String word) throws MalformedJsonException {
    int at = pos;
    for (int i = 0; i < word.length(); i++, pos++) {
      if (pos == end || in[pos] != word.charAt(i)) {
        pos = at;
        throw unexpected("a JSON value");
      }
    }
  }

  /** Skips a number; true when it has neither fraction nor exponent. */
  private boolean number() throws MalformedJsonException {
    int at = pos;
    boolean integral = true;
    if (in[pos] == '-') {
      pos++;
    }
    if (pos < end && in[pos] == '0') {
      pos++;
    } else if (digits() == 0) {
      throw new MalformedJsonException("the number at byte " + at + " has no digits");
    }
    if (pos < end && in[pos] == '.') {
      integral = false;
      pos++;
      if (digits() == 0) {
        throw new MalformedJsonException("the number at byte " + at + " has no digits after '.'");
      }
    }
    if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
      integral = false;
      pos++;
      if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
        pos++;
      }
      if (digits() == 0) {
        throw new MalformedJsonException("the number at byte " + at + " has no exponent digits");
      }
    }
    return integral;
  }

  private int digits() {
    int start = pos;
    while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
      pos++;
    }
    return pos - start;
  }

  private void whitespace() {
    int i = pos;
    while (i < end) {
      byte b = in[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        break;
      }
      i++;
    }
    pos = i;
  }

  private boolean at(char c) {
    return pos < end && in[pos] == c;
  }

  private MalformedJsonException unexpected(String expected) {
    if (pos == end) {
      return new MalformedJsonException("the text ends at byte " + pos + ", expected " + expected);
    }
    int b = in[pos] & 0xFF;
    String found = b >= 0x20 && b < 0x7F ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
    return new MalformedJsonException(
        "unexpected " + found + " at byte " + pos + ", expected " + expected);
  }
}
