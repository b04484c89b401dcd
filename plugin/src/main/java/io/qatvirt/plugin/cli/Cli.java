package io.qatvirt.plugin.cli;

import picocli.CommandLine;

/** The command line: the plugin command with its {@code query} subcommand. */
public final class Cli {
  private Cli() {}

  /** A fresh command line with one-line errors for bad flags (exit code 2). */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new PluginCommand());
    cmd.setParameterExceptionHandler(new OneLineErrors());
    cmd.setCaseInsensitiveEnumValuesAllowed(false);
    return cmd;
  }
}
