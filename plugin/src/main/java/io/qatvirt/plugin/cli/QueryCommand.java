package io.qatvirt.plugin.cli;

import io.qatvirt.common.DurationConverter;
import io.qatvirt.plugin.kubelet.UnixSocketTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qat-device-plugin query}: plays kubelet against a running plugin's socket. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    sortOptions = false,
    description = {
      "Plays kubelet against a running plugin's socket, for debugging a node.",
      "Prints, one per line:",
      "  options pre_start_required=<bool> get_preferred_allocation_available=<bool>",
      "  device <ID> <Healthy|Unhealthy> numa=<n|none>       (the first ListAndWatch list)",
      "  devicespec <host path> <container path> <perm>      (with --allocate)",
      "  env <NAME>=<value>                                  (with --allocate)",
      "  update <epoch-ms> <n> devices (<h> healthy)         (with --watch, then its device lines)",
      "Exit codes: 0 ok, 1 the socket can't be reached or a call failed (the message says which),"
          + " 2 bad flags."
    })
public final class QueryCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--socket",
      paramLabel = "<path>",
      description = "The plugin's socket; overrides --kubelet-dir and --resource.")
  private Path socket;

  @Option(
      names = "--kubelet-dir",
      defaultValue = "/var/lib/kubelet/device-plugins",
      paramLabel = "<dir>",
      description = "Kubelet's device plugin directory (default: ${DEFAULT-VALUE}).")
  private Path kubeletDir;

  @Option(
      names = "--resource",
      defaultValue = "qat.intel.com/generic",
      paramLabel = "<name>",
      converter = Converters.ResourceNameConverter.class,
      description =
          "The resource whose socket (<kubelet-dir>/<name with / as ->.sock) to query"
              + " (default: ${DEFAULT-VALUE}).")
  private String resource;

  @Option(
      names = "--allocate",
      split = ",",
      paramLabel = "<id>",
      description = "Also call Allocate for one container with these device IDs.")
  private List<String> allocate;

  @Option(
      names = "--watch",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "Keep printing ListAndWatch updates for this long, e.g. 30s.")
  private Duration watch;

  @Option(
      names = "--timeout",
      defaultValue = "5s",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "Deadline of each call (default: ${DEFAULT-VALUE}).")
  private Duration timeout;

  @Override
  public Integer call() {
    Path target =
        socket != null ? socket : kubeletDir.resolve(resource.replace('/', '-') + ".sock");
    try (UnixSocketTransport transport = new UnixSocketTransport()) {
      return new PluginQuery(
              transport, target, timeout, spec.commandLine().getOut(), spec.commandLine().getErr())
          .run(Optional.ofNullable(allocate), Optional.ofNullable(watch));
    }
  }
}
