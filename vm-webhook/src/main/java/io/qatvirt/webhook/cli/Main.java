package io.qatvirt.webhook.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of qat-vm-webhook.jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code =
        WebhookCommand.run(
            args, new ClusterWiring(), ShutdownSignal.onTermination(), port -> {}, out, err);
    System.exit(code);
  }
}
