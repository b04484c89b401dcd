package io.qatvirt.webhook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.webhook.mutation.EvictionStrategyPolicy;
import io.qatvirt.webhook.mutation.MutatorConfig;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookCommandTest {
  private final RecordingWiring wiring = new RecordingWiring();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("--tls-cert-file=/nonexistent/tls.crt"));
    all.add("--tls-key-file=/nonexistent/tls.key");
    all.addAll(List.of(args));
    return runExactly(all.toArray(String[]::new));
  }

  private int runExactly(String... args) {
    return WebhookCommand.run(
        args,
        wiring,
        new ShutdownSignal(),
        port -> {},
        new PrintWriter(out, true),
        new PrintWriter(err, true));
  }

  private void assertOneLineNaming(String flag) {
    List<String> lines = err.toString().lines().toList();
    assertEquals(1, lines.size(), err.toString());
    assertTrue(lines.get(0).startsWith("qat-vm-webhook: "), lines.get(0));
    assertTrue(lines.get(0).contains(flag), lines.get(0));
    assertTrue(lines.get(0).endsWith("(see --help)"), lines.get(0));
  }

  @Test
  void exitsWith2AndOneLineNamingAMistypedFlag() {
    assertEquals(2, run("--port", "https"));
    assertOneLineNaming("--port");
    assertNull(wiring.asked);
  }

  @Test
  void exitsWith2AndOneLineNamingAnUnknownFlag() {
    assertEquals(2, run("--prot=8443"));
    assertOneLineNaming("--prot=8443");
  }

  @Test
  void exitsWith2NamingTheMissingCertificateFlags() {
    assertEquals(2, runExactly("--port=8443"));
    assertOneLineNaming("--tls-cert-file");
  }

  @Test
  void exitsWith2ForValuesThatAreWellTypedButUnusable() {
    for (String[] args :
        List.of(
            new String[] {"--on-api-unavailable=maybe", "--on-api-unavailable"},
            new String[] {"--resource-prefix=QAT_Intel", "--resource-prefix"},
            new String[] {"--allowed-resources=generic,Sym/DC", "--allowed-resources"},
            new String[] {"--max-vfs-per-vm=0", "--max-vfs-per-vm"},
            new String[] {"--port=70000", "--port"},
            new String[] {"--idle-timeout=soon", "--idle-timeout"},
            new String[] {"--check-permitted=perhaps", "--check-permitted"},
            new String[] {"--eviction-strategy=none", "--eviction-strategy"})) {
      err.getBuffer().setLength(0);
      assertEquals(2, run(args[0]), args[0]);
      assertOneLineNaming(args[1]);
    }
  }

  @Test
  void passesTheDefaultsToTheWiring() {
    assertEquals(1, run()); // the certificate files don't exist: exit 1 after wiring

    assertEquals(
        new RecordingWiring.Asked(MutatorConfig.defaults(), true, OnApiUnavailable.ALLOW),
        wiring.asked);
    assertTrue(wiring.resourcesClosed.get());
    assertTrue(wiring.permitted.closed());
  }

  @Test
  void passesTheMutationAndPermitFlagsToTheWiring() {
    assertEquals(
        1,
        run(
            "--check-permitted=false",
            "--on-api-unavailable=deny",
            "--resource-prefix=qat.example.com",
            "--allowed-resources=cy,dc",
            "--max-vfs-per-vm=4",
            "--eviction-strategy=set-if-possible"));

    assertEquals(
        new RecordingWiring.Asked(
            new MutatorConfig(
                "qat.example.com", Set.of("cy", "dc"), 4, EvictionStrategyPolicy.SET_IF_POSSIBLE),
            false,
            OnApiUnavailable.DENY),
        wiring.asked);
  }

  @Test
  void helpDescribesEveryFlag() {
    assertEquals(0, runExactly("--help"));

    String usage = out.toString().replaceAll("\\s+", " ");
    for (String flag :
        List.of(
            "--port",
            "--bind-address",
            "--tls-cert-file",
            "--tls-key-file",
            "--tls-reload-interval",
            "--resource-prefix",
            "--allowed-resources",
            "--max-vfs-per-vm",
            "--check-permitted",
            "--on-api-unavailable",
            "--eviction-strategy",
            "--max-concurrency",
            "--queue-timeout",
            "--idle-timeout",
            "--shutdown-timeout")) {
      assertTrue(usage.contains(flag), flag + " missing from\n" + usage);
    }
    assertTrue(usage.contains("(default: 8443)"), usage);
    assertTrue(
        usage.contains("(default: generic,cy,dc,sym,asym,sym-dc,asym-dc,dcc,decomp)"), usage);
  }
}
