package io.qatvirt.webhook.cli;

import io.qatvirt.webhook.WebhookServer;
import io.qatvirt.webhook.http.JettyHttpsTransport;
import io.qatvirt.webhook.http.ServerOptions;
import io.qatvirt.webhook.mutation.MutatorConfig;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import io.qatvirt.webhook.tls.KeyMaterialException;
import io.qatvirt.webhook.tls.PemKeyPairFiles;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code qat-vm-webhook}: serves the mutating admission webhook until told to stop. */
@Command(
    name = "qat-vm-webhook",
    mixinStandardHelpOptions = true,
    version = "qat-vm-webhook 0.1.0",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Mutating admission webhook (admission.k8s.io/v1, HTTPS only) for KubeVirt",
      "VirtualMachineInstances and VirtualMachines: turns a request for Intel QAT VFs into",
      "spec.domain.devices.hostDevices entries, and denies requests KubeVirt could not run.",
      "Endpoints: POST /mutate, GET /healthz, GET /readyz, GET /metrics (Prometheus).",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped by SIGTERM/SIGINT after draining",
      "1:could not start (certificate, port, cluster)",
      "2:invalid command line"
    })
public final class WebhookCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookCommand.class);

  @Spec CommandSpec spec;
  @Mixin WebhookOptions options;

  private final Wiring wiring;
  private final ShutdownSignal shutdown;
  private final IntConsumer onListening;

  /**
   * @param onListening told the bound port once the server accepts connections
   */
  public WebhookCommand(Wiring wiring, ShutdownSignal shutdown, IntConsumer onListening) {
    this.wiring = wiring;
    this.shutdown = shutdown;
    this.onListening = onListening;
  }

  /** Parses {@code args} and runs; returns the exit code. */
  public static int run(
      String[] args,
      Wiring wiring,
      ShutdownSignal shutdown,
      IntConsumer onListening,
      PrintWriter out,
      PrintWriter err) {
    CommandLine cli = new CommandLine(new WebhookCommand(wiring, shutdown, onListening));
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, ignored) -> {
          // one line naming the flag; the usage text is one --help away
          e.getCommandLine()
              .getErr()
              .println(
                  "qat-vm-webhook: "
                      + e.getMessage().replaceAll("\\s*\\R\\s*", " ").trim()
                      + " (see --help)");
          e.getCommandLine().getErr().flush();
          return CommandLine.ExitCode.USAGE;
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    MutatorConfig config;
    ServerOptions serverOptions;
    OnApiUnavailable onApiUnavailable;
    try {
      config = options.mutatorConfig();
      serverOptions = options.serverOptions();
      onApiUnavailable = options.onApiUnavailable();
    } catch (WebhookOptions.InvalidOption e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Wiring.Parts parts;
    try {
      parts = wiring.wire(config, options.checkPermitted(), onApiUnavailable);
    } catch (RuntimeException e) {
      LOG.error("tried to connect to the Kubernetes API server, but {}", e.toString());
      return 1;
    }
    try (AutoCloseable resources = parts.resources();
        var permitted = parts.permitted()) {
      WebhookServer server;
      try {
        server =
            new WebhookServer(
                serverOptions,
                new PemKeyPairFiles(options.tlsCertFile(), options.tlsKeyFile()),
                options.tlsReloadInterval(),
                parts.mutator(),
                permitted,
                JettyHttpsTransport::new,
                Clock.systemUTC());
      } catch (KeyMaterialException e) {
        LOG.error(e.getMessage());
        return 1;
      }
      try (server) {
        server.start();
        LOG.info(
            "serving https://{}:{}/mutate with certificate {}",
            serverOptions.bindAddress(),
            server.port(),
            server.currentCertificate().describe());
        onListening.accept(server.port());
        shutdown.await();
        LOG.info(
            "stopping: no new connections, draining for up to {}", serverOptions.drainTimeout());
      }
      LOG.info("stopped");
      return 0;
    } catch (Exception e) {
      LOG.error("tried to serve the webhook, but {}", e.toString());
      return 1;
    }
  }
}
