package io.qatvirt.plugin.sysfs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes one value to one sysfs attribute, the way {@code echo -n value > file} does: the exact
 * bytes, no trailing newline (the kernel accepts both). A kernel error comes back as an {@link
 * IOException} whose message is the error's text ({@code No such device}, {@code Device or resource
 * busy}, {@code Invalid argument}, ...).
 */
@FunctionalInterface
public interface SysfsWriter {
  void write(Path attribute, String value) throws IOException;
}
