package io.qatvirt.plugin.sysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/** Small reads of sysfs attributes and links; every check a value needs before it names a path. */
final class SysfsFiles {

  /** A driver's or a module's name as sysfs spells it. */
  static final Pattern DRIVER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private SysfsFiles() {}

  /** The attribute's first line without the newline. */
  static String firstLine(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int end = 0;
    while (end < bytes.length && bytes[end] != '\n') {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.US_ASCII).trim();
  }

  /** The first line, or empty when the file is missing or unreadable. */
  static Optional<String> firstLineIfReadable(Path file) {
    try {
      return Optional.of(firstLine(file));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Where a symbolic link points, unresolved; empty when there is no such file. */
  static Optional<Path> linkTarget(Path link) throws IOException {
    try {
      return Optional.of(Files.readSymbolicLink(link));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Parses {@code 0x8086} (as in {@code vendor}, {@code device}); -1 when it isn't 16-bit hex. */
  static int hexId(String text) {
    if (text.length() != 6 || !text.startsWith("0x")) {
      return -1;
    }
    try {
      return Integer.parseInt(text.substring(2), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Parses a small non-negative decimal; -1 when it isn't one. */
  static int smallNumber(String text) {
    if (text.isEmpty() || text.length() > 9) {
      return -1;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(text);
  }

  /** The link's target resolved against the folder holding the link, without touching the disk. */
  static Path resolveLink(Path folder, Path target) {
    return folder.resolve(target).normalize();
  }

  /** One readable clause for a failure: the file and the error, or the message. */
  static String explain(Exception e) {
    if (e instanceof FileSystemException fse) {
      String reason = fse.getReason() == null ? e.getClass().getSimpleName() : fse.getReason();
      return fse.getFile() + ": " + reason;
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The name of the driver a device directory's {@code driver} link names; empty if none. */
  static Optional<String> driverName(Path deviceDir) {
    try {
      return linkTarget(deviceDir.resolve("driver"))
          .map(Path::getFileName)
          .map(Path::toString)
          .filter(name -> DRIVER_NAME.matcher(name).matches());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
