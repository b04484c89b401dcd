package io.qatvirt.plugin.sysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The production {@link SysfsWriter}: opens the existing attribute for writing (never creates or
 * truncates a file) and writes the value's bytes in one call, without a newline.
 */
public final class FileSysfsWriter implements SysfsWriter {

  @Override
  public void write(Path attribute, String value) throws IOException {
    Files.write(attribute, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
  }
}
