package io.qatvirt.webhook.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {

  /** An endless body that counts what was read from it. */
  private static final class Endless extends InputStream {
    long read;

    @Override
    public int read() {
      read++;
      return 'x';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      read += len;
      return len;
    }
  }

  @Test
  void readsABodyUpToTheLimit() throws Exception {
    byte[] body = new byte[100];
    body[99] = 7;

    assertArrayEquals(body, BoundedBody.read(new ByteArrayInputStream(body), -1, 100));
  }

  @Test
  void refusesAnAnnouncedLengthOverTheLimitWithoutReading() {
    Endless in = new Endless();

    assertThrows(BodyTooLargeException.class, () -> BoundedBody.read(in, 101, 100));
    assertEquals(0, in.read);
  }

  @Test
  void stopsReadingAnEndlessBodyJustPastTheLimit() {
    Endless in = new Endless();

    BodyTooLargeException e =
        assertThrows(BodyTooLargeException.class, () -> BoundedBody.read(in, -1, 3 * 1024 * 1024));

    assertEquals("the request body is larger than 3145728 bytes", e.getMessage());
    assertEquals(3 * 1024 * 1024 + 16384, in.read, "read one buffer past the limit, no more");
  }
}
