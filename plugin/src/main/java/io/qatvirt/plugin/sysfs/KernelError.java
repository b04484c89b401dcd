package io.qatvirt.plugin.sysfs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** The kernel error behind a failed sysfs write, told from the {@link IOException}'s message. */
enum KernelError {
  ENXIO("No such device or address"),
  ENODEV("No such device"),
  EBUSY("Device or resource busy"),
  EEXIST("File exists"),
  EINVAL("Invalid argument"),
  ERANGE("Numerical result out of range"),
  EACCES("Permission denied"),
  EPERM("Operation not permitted"),
  ENOENT("No such file or directory"),
  OTHER("");

  private final String text;

  KernelError(String text) {
    this.text = text;
  }

  static KernelError of(IOException e) {
    if (e instanceof NoSuchFileException) {
      return ENOENT;
    }
    if (e instanceof AccessDeniedException) {
      return EACCES;
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    for (KernelError error : values()) {
      if (error != OTHER && (message.contains(error.text) || message.contains(error.name()))) {
        return error;
      }
    }
    return OTHER;
  }
}
