package io.qatvirt.plugin.device;

/** Makes text read from a file or a flag safe for one log line. */
public final class Printable {

  private static final int MAX = 80;

  private Printable() {}

  /** Control characters escaped as {@code \xNN}, cut after 80 characters. */
  public static String of(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && i < MAX; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (text.length() > MAX) {
      out.append("...");
    }
    return out.toString();
  }
}
