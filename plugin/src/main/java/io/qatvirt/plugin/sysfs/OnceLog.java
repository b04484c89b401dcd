package io.qatvirt.plugin.sysfs;

import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Logs each distinct message once while it keeps recurring from scan to scan; a message that stops
 * and later comes back is logged again. Not thread-safe: used under the scanner's lock.
 */
final class OnceLog {

  private final Logger log;
  private Set<String> previous = new HashSet<>();
  private Set<String> current = new HashSet<>();

  OnceLog(Logger log) {
    this.log = log;
  }

  void warn(String message) {
    if (seen(message)) {
      log.warn(message);
    }
  }

  void info(String message) {
    if (seen(message)) {
      log.info(message);
    }
  }

  /** Ends one scan: messages not repeated in it will be logged again when they recur. */
  void endScan() {
    previous = current;
    current = new HashSet<>();
  }

  private boolean seen(String message) {
    return current.add(message) && !previous.contains(message);
  }
}
