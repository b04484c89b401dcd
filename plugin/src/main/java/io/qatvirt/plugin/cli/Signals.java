package io.qatvirt.plugin.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end the plugin cleanly with exit code 0 (the JVM's own handling would exit
 * 143). Where the JVM doesn't allow handlers, the shutdown hook still cleans up.
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  static void onTermination(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(
            new Signal(name),
            signal -> {
              LOG.info("received SIG{}, stopping", signal.getName());
              action.run();
            });
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "tried to handle SIG{}, but {}; relying on the shutdown hook", name, e.getMessage());
      }
    }
  }
}
