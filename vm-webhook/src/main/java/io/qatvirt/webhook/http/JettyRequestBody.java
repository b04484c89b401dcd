package io.qatvirt.webhook.http;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Reads a Jetty request's body without ever waiting: takes what has arrived, asks Jetty to call
 * again when more does, and once the body is whole hands it to the {@link Listener}, or stops as
 * soon as it goes past a limit (the rest left unread), or passes on the failure (the client went
 * away, or stalled past the idle timeout). Jetty calls again on its I/O thread, so the listener
 * must not wait on anything either.
 */
final class JettyRequestBody implements Invocable.Task {

  /** Hears exactly one of the three outcomes. */
  interface Listener {
    void onBody(byte[] body);

    void onTooLarge();

    void onFailure(Throwable failure);
  }

  private static final int UNKNOWN_LENGTH_START = 8192;

  private final Content.Source source;
  private final long limit;
  private final Listener listener;
  private byte[] bytes;
  private int length;

  private JettyRequestBody(
      Content.Source source, long expectedLength, long limit, Listener listener) {
    this.source = source;
    this.limit = limit;
    this.listener = listener;
    long start = expectedLength >= 0 ? expectedLength : Math.min(UNKNOWN_LENGTH_START, limit);
    this.bytes = new byte[(int) Math.min(start, limit)];
  }

  /**
   * Refuses a limit that a body array can't hold. A transport checks its limit once, when it is
   * built, rather than on every request.
   *
   * @return {@code limit}
   */
  static long checkLimit(long limit) {
    if (limit > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a body limit must fit in an array: " + limit);
    }
    return limit;
  }

  /**
   * Starts reading; the listener may hear the outcome before this returns.
   *
   * @param expectedLength the Content-Length, or -1 when unknown (chunked); at most {@code limit}
   * @param limit a limit {@link #checkLimit} accepted
   */
  static void read(Content.Source source, long expectedLength, long limit, Listener listener) {
    new JettyRequestBody(source, expectedLength, limit, listener).run();
  }

  @Override
  public void run() {
    while (true) {
      Content.Chunk chunk = source.read();
      if (chunk == null) {
        source.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        listener.onFailure(chunk.getFailure());
        return;
      }
      ByteBuffer data = chunk.getByteBuffer();
      int n = data.remaining();
      if ((long) length + n > limit) {
        chunk.release();
        listener.onTooLarge();
        return;
      }
      if (length + n > bytes.length) {
        bytes =
            Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(2L * bytes.length, length + n)));
      }
      data.get(bytes, length, n);
      length += n;
      boolean last = chunk.isLast();
      chunk.release();
      if (last) {
        listener.onBody(length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
        return;
      }
    }
  }

  /** Only copies bytes: Jetty may call it on the I/O thread. */
  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }
}
