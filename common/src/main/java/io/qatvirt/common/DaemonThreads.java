package io.qatvirt.common;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the programs' background threads: daemon threads (they never keep the JVM
 * from exiting; shutdown is explicit) with a name that says what each does, as thread dumps and log
 * lines show it.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Every thread is called {@code name}: for an executor that runs one thread. */
  public static ThreadFactory named(String name) {
    return task -> daemon(task, name);
  }

  /** Threads called {@code prefix-1}, {@code prefix-2}, …: for a pool. */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> daemon(task, prefix + "-" + count.incrementAndGet());
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
