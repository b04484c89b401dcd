package io.qatvirt.webhook.cli;

import io.qatvirt.common.DurationConverter;
import io.qatvirt.webhook.http.ServerOptions;
import io.qatvirt.webhook.mutation.EvictionStrategyPolicy;
import io.qatvirt.webhook.mutation.MutatorConfig;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** The command line flags, and their checks beyond picocli's type conversion. */
public final class WebhookOptions {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern RESOURCE_SUFFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  @Option(
      names = "--port",
      defaultValue = "8443",
      description = "HTTPS port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind-address",
      defaultValue = "0.0.0.0",
      paramLabel = "<address>",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bindAddress;

  @Option(
      names = "--tls-cert-file",
      required = true,
      paramLabel = "<file>",
      description =
          "PEM certificate chain, leaf first (e.g. a TLS Secret's tls.crt). Reloaded when it"
              + " changes.")
  Path tlsCertFile;

  @Option(
      names = "--tls-key-file",
      required = true,
      paramLabel = "<file>",
      description = "PEM private key, RSA or EC, PKCS#1/SEC1 or PKCS#8 (e.g. tls.key).")
  Path tlsKeyFile;

  @Option(
      names = "--tls-reload-interval",
      defaultValue = "5s",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "How often the certificate and key files are checked for a change (default:"
              + " ${DEFAULT-VALUE}).")
  Duration tlsReloadInterval;

  @Option(
      names = "--resource-prefix",
      defaultValue = MutatorConfig.DEFAULT_PREFIX,
      paramLabel = "<prefix>",
      description = "Prefix of the device plugin's resource names (default: ${DEFAULT-VALUE}).")
  String resourcePrefix;

  @Option(
      names = "--allowed-resources",
      split = ",",
      defaultValue = "generic,cy,dc,sym,asym,sym-dc,asym-dc,dcc,decomp",
      paramLabel = "<name>",
      description =
          "Resource names after the prefix a VM may ask for, comma-separated (default:"
              + " ${DEFAULT-VALUE}).")
  List<String> allowedResources;

  @Option(
      names = "--max-vfs-per-vm",
      defaultValue = "16",
      paramLabel = "<n>",
      description = "Most VFs of one resource a VM may ask for (default: ${DEFAULT-VALUE}).")
  int maxVfsPerVm;

  @Option(
      names = "--check-permitted",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description =
          "Deny VMs asking for a resource the KubeVirt CR's permittedHostDevices doesn't list"
              + " with externalResourceProvider: true, or when the HostDevices feature gate is"
              + " off (default: ${DEFAULT-VALUE}).")
  boolean checkPermitted;

  @Option(
      names = "--on-api-unavailable",
      defaultValue = "allow",
      paramLabel = "<allow|deny>",
      description =
          "When the KubeVirt CR can't be read: allow with a warning, or deny (default:"
              + " ${DEFAULT-VALUE}).")
  String onApiUnavailable;

  @Option(
      names = "--eviction-strategy",
      defaultValue = "warn",
      paramLabel = "<warn|set-none|set-if-possible|off>",
      description =
          "A VM with QAT devices cannot live-migrate, so evictionStrategy LiveMigrate (its own or"
              + " the KubeVirt CR's default) blocks node drains. warn: an admission warning when"
              + " the effective strategy is LiveMigrate; set-none / set-if-possible: add"
              + " evictionStrategy None / LiveMigrateIfPossible (shut down on drain) to a QAT VM"
              + " that sets none, and warn about one that sets LiveMigrate itself (never"
              + " changed); off: neither (default: ${DEFAULT-VALUE}).")
  String evictionStrategy;

  @Option(
      names = "--max-concurrency",
      defaultValue = "32",
      paramLabel = "<n>",
      description =
          "Admission requests handled at once; more wait up to --queue-timeout, then get 503"
              + " (default: ${DEFAULT-VALUE}).")
  int maxConcurrency;

  @Option(
      names = "--queue-timeout",
      defaultValue = "2s",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "How long a request may wait for a free slot (default: ${DEFAULT-VALUE}).")
  Duration queueTimeout;

  @Option(
      names = "--idle-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "Close a connection silent this long, also mid-request (slow clients) (default:"
              + " ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(
      names = "--shutdown-timeout",
      defaultValue = "20s",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "On SIGTERM, how long in-flight requests may take to finish (default:"
              + " ${DEFAULT-VALUE}).")
  Duration shutdownTimeout;

  /** Thrown for a flag whose value is well-typed but unusable; names the flag. */
  public static final class InvalidOption extends Exception {
    InvalidOption(String flag, String message) {
      super("Invalid value for option '" + flag + "': " + message);
    }
  }

  public MutatorConfig mutatorConfig() throws InvalidOption {
    if (!DNS_SUBDOMAIN.matcher(resourcePrefix).matches() || resourcePrefix.length() > 253) {
      throw new InvalidOption(
          "--resource-prefix",
          "'" + resourcePrefix + "' is not a DNS subdomain like qat.intel.com");
    }
    for (String name : allowedResources) {
      if (!RESOURCE_SUFFIX.matcher(name).matches() || name.length() > 63) {
        throw new InvalidOption(
            "--allowed-resources", "'" + name + "' is not a resource name like generic or sym-dc");
      }
    }
    if (maxVfsPerVm < 1) {
      throw new InvalidOption("--max-vfs-per-vm", maxVfsPerVm + " is not a positive number");
    }
    EvictionStrategyPolicy policy =
        EvictionStrategyPolicy.ofFlag(evictionStrategy)
            .orElseThrow(
                () ->
                    new InvalidOption(
                        "--eviction-strategy",
                        "'"
                            + evictionStrategy
                            + "' is none of warn, set-none, set-if-possible, off"));
    return new MutatorConfig(
        resourcePrefix, new LinkedHashSet<>(allowedResources), maxVfsPerVm, policy);
  }

  public OnApiUnavailable onApiUnavailable() throws InvalidOption {
    return switch (onApiUnavailable) {
      case "allow" -> OnApiUnavailable.ALLOW;
      case "deny" -> OnApiUnavailable.DENY;
      default ->
          throw new InvalidOption(
              "--on-api-unavailable", "'" + onApiUnavailable + "' is neither allow nor deny");
    };
  }

  public ServerOptions serverOptions() throws InvalidOption {
    if (port < 0 || port > 65535) {
      throw new InvalidOption("--port", port + " is not a port number (0-65535)");
    }
    if (maxConcurrency < 1 || maxConcurrency > 1024) {
      throw new InvalidOption("--max-concurrency", maxConcurrency + " is not within 1-1024");
    }
    positive("--idle-timeout", idleTimeout);
    positive("--tls-reload-interval", tlsReloadInterval);
    return new ServerOptions(
        bindAddress,
        port,
        maxConcurrency,
        queueTimeout,
        idleTimeout,
        shutdownTimeout,
        ServerOptions.DEFAULT_MAX_BODY_BYTES);
  }

  private static void positive(String flag, Duration value) throws InvalidOption {
    if (value.isZero()) {
      throw new InvalidOption(flag, "must be longer than 0");
    }
  }

  public Path tlsCertFile() {
    return tlsCertFile;
  }

  public Path tlsKeyFile() {
    return tlsKeyFile;
  }

  public Duration tlsReloadInterval() {
    return tlsReloadInterval;
  }

  public boolean checkPermitted() {
    return checkPermitted;
  }
}
