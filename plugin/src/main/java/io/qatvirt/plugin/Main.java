package io.qatvirt.plugin;

/** Entry point of qat-device-plugin.jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("qat-device-plugin");
  }
}
