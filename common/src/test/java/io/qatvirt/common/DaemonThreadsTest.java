package io.qatvirt.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @Test
  void namesEveryThreadOfASingleThreadExecutorTheSame() {
    ThreadFactory factory = DaemonThreads.named("tls-reloader");
    Thread first = factory.newThread(() -> {});
    Thread second = factory.newThread(() -> {});
    assertEquals(
        List.of("tls-reloader", "tls-reloader"), List.of(first.getName(), second.getName()));
    assertTrue(first.isDaemon() && second.isDaemon());
  }

  @Test
  void numbersAPoolsThreadsFromOne() {
    ThreadFactory factory = DaemonThreads.numbered("grpc-io");
    List<String> names =
        List.of(
            factory.newThread(() -> {}).getName(),
            factory.newThread(() -> {}).getName(),
            factory.newThread(() -> {}).getName());
    assertEquals(List.of("grpc-io-1", "grpc-io-2", "grpc-io-3"), names);
    assertTrue(factory.newThread(() -> {}).isDaemon());
  }
}
