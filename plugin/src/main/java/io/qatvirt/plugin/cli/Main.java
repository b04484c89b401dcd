package io.qatvirt.plugin.cli;

/** Entry point of qat-device-plugin.jar: the plugin, or {@code query}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.commandLine().execute(args));
  }
}
