package io.qatvirt.webhook.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/** What ends the server: SIGTERM or SIGINT in production, a call in tests. */
public final class ShutdownSignal {
  private final CountDownLatch latch = new CountDownLatch(1);

  /**
   * Handles SIGTERM and SIGINT by releasing {@link #await()}, in place of the JVM's default (which
   * runs shutdown hooks and exits 143): the server drains and the process exits 0.
   */
  public static ShutdownSignal onTermination() {
    ShutdownSignal signal = new ShutdownSignal();
    Signal.handle(new Signal("TERM"), s -> signal.trigger());
    Signal.handle(new Signal("INT"), s -> signal.trigger());
    return signal;
  }

  public void trigger() {
    latch.countDown();
  }

  public void await() throws InterruptedException {
    latch.await();
  }
}
