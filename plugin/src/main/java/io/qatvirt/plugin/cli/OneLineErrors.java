package io.qatvirt.plugin.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/** Reports a bad flag in one line naming it, instead of picocli's usage text; exit code 2. */
final class OneLineErrors implements IParameterExceptionHandler {
  static final int USAGE_EXIT_CODE = 2;

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message = e.getMessage().replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    err.println(
        cmd.getCommandSpec().qualifiedName()
            + ": "
            + message
            + " (see "
            + cmd.getCommandSpec().qualifiedName()
            + " --help)");
    err.flush();
    return USAGE_EXIT_CODE;
  }
}
