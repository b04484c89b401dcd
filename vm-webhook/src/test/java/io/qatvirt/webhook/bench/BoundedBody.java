package io.qatvirt.webhook.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body from a stream (the JDK server candidate), stopping as soon as it goes past a
 * limit.
 */
final class BoundedBody {
  private BoundedBody() {}

  /**
   * @param expectedLength the Content-Length, or -1 when unknown (chunked)
   * @throws BodyTooLargeException once more than {@code limit} bytes arrived; the rest is unread
   */
  static byte[] read(InputStream in, long expectedLength, long limit)
      throws IOException, BodyTooLargeException {
    if (expectedLength > limit) {
      throw new BodyTooLargeException(limit);
    }
    int initial = expectedLength >= 0 ? (int) expectedLength : 8192;
    ByteArrayOutputStream out = new ByteArrayOutputStream(initial);
    byte[] buffer = new byte[16384];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      total += n;
      if (total > limit) {
        throw new BodyTooLargeException(limit);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
