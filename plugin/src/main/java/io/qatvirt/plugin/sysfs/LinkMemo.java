package io.qatvirt.plugin.sysfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One link of a device read on every scan ({@code iommu_group}, {@code driver}) and what its last
 * target meant: the link is read each time (one readlink), its target checked and interpreted only
 * when it changed. Not thread-safe.
 */
final class LinkMemo<T> {

  interface Interpreter<T> {
    T interpret(Path target) throws IOException;
  }

  private final Path link;
  private Path lastTarget;
  private T lastValue;

  LinkMemo(Path link) {
    this.link = link;
  }

  /** What the link means now; empty when there is no link. */
  Optional<T> read(Interpreter<T> interpreter) throws IOException {
    Optional<Path> target = SysfsFiles.linkTarget(link);
    if (target.isEmpty()) {
      return Optional.empty();
    }
    if (!target.get().equals(lastTarget)) {
      T value = interpreter.interpret(target.get());
      lastTarget = target.get();
      lastValue = value;
    }
    return Optional.of(lastValue);
  }
}
