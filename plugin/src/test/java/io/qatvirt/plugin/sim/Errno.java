package io.qatvirt.plugin.sim;

import java.io.IOException;

/** Kernel errors as a write(2) to sysfs reports them through Java: the error's text. */
enum Errno {
  ENODEV("No such device"),
  EBUSY("Device or resource busy"),
  EEXIST("File exists"),
  EINVAL("Invalid argument"),
  ERANGE("Numerical result out of range");

  private final String text;

  Errno(String text) {
    this.text = text;
  }

  IOException exception() {
    return new IOException(text);
  }
}
