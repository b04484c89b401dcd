package io.qatvirt.plugin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.PluginSettings;
import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.sysfs.ScanConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class CliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli() {
    CommandLine cmd = Cli.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    return cmd;
  }

  private PluginSettings parse(String... args) {
    CommandLine cmd = cli();
    cmd.parseArgs(args);
    return ((PluginCommand) cmd.getCommand()).settings();
  }

  @Test
  void defaultsMatchANode() {
    assertEquals(
        new PluginSettings(
            new ScanConfig(
                Path.of("/sys"),
                Path.of("/dev"),
                Path.of("/sys/kernel/debug"),
                Set.of(
                    QatFamily.GEN4_4XXX,
                    QatFamily.GEN4_401XX,
                    QatFamily.GEN4_402XX,
                    QatFamily.GEN4_420XX),
                List.of(),
                64,
                true,
                Health.HEALTHY),
            Path.of("/var/lib/kubelet/device-plugins"),
            AllocationPolicy.BALANCED,
            Duration.ofSeconds(5),
            OptionalInt.empty(),
            "0.0.0.0"),
        parse());
  }

  @Test
  void readsEveryFlag() {
    assertEquals(
        new PluginSettings(
            new ScanConfig(
                Path.of("/host/sys"),
                Path.of("/host/dev"),
                Path.of("/host/debug"),
                Set.of(QatFamily.C62X),
                List.of(new PciId(0x1b36, 0x0010)),
                8,
                false,
                Health.UNHEALTHY),
            Path.of("/tmp/kubelet"),
            AllocationPolicy.PACKED,
            Duration.ofMillis(500),
            OptionalInt.of(9464),
            "127.0.0.1"),
        parse(
            "--sysfs-root=/host/sys",
            "--dev-root=/host/dev",
            "--debugfs-root=/host/debug",
            "--heartbeat-unreadable=unhealthy",
            "--kubelet-dir=/tmp/kubelet",
            "--kernel-vf-drivers=c6xxvf",
            "--extra-vf-ids=1b36:0010",
            "--max-num-devices=8",
            "--no-bind",
            "--dpdk-driver=vfio-pci",
            "--allocation-policy=packed",
            "--scan-period=500ms",
            "--metrics-port=9464",
            "--metrics-address=127.0.0.1"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--scan-period=5x|qat-device-plugin: Invalid value for option '--scan-period': '5x' is"
            + " not a duration such as 500ms, 5s, 2m or 1h (see qat-device-plugin --help)",
        "--scan-period=0s|qat-device-plugin: Invalid value for option '--scan-period': '0s' must"
            + " be longer than zero (see qat-device-plugin --help)",
        "--dpdk-driver=igb_uio|qat-device-plugin: Invalid value for option '--dpdk-driver':"
            + " 'igb_uio' is not supported: KubeVirt VMs need their VFs on vfio-pci, use vfio-pci"
            + " (see qat-device-plugin --help)",
        "--allocation-policy=random|qat-device-plugin: Invalid value for option"
            + " '--allocation-policy': 'random' is not a policy; use one of balanced, packed, none"
            + " (see qat-device-plugin --help)",
        "--max-num-devices=-1|qat-device-plugin: Invalid value for option '--max-num-devices':"
            + " '-1' is not a whole number from 1 to 4096 (see qat-device-plugin --help)",
        "--metrics-port=70000|qat-device-plugin: Invalid value for option '--metrics-port':"
            + " '70000' is not a TCP port (0 to 65535) (see qat-device-plugin --help)",
        "--kernel-vf-drivers=foo|qat-device-plugin: Invalid value for option"
            + " '--kernel-vf-drivers': tried to enable VF driver 'foo', but known values are"
            + " 420xxvf, 4xxxvf, 6xxxvf, c3xxxvf, c4xxxvf, c6xxvf, d15xxvf, dh895xccvf (see"
            + " qat-device-plugin --help)",
        "--extra-vf-ids=8086|qat-device-plugin: Invalid value for option '--extra-vf-ids': tried"
            + " to read --extra-vf-ids entry '8086', but it is not a vendor:device pair of four"
            + " hex digits each such as 1b36:0010 (see qat-device-plugin --help)",
        "--heartbeat-unreadable=sick|qat-device-plugin: Invalid value for option"
            + " '--heartbeat-unreadable': 'sick' is not healthy or unhealthy (see"
            + " qat-device-plugin --help)",
        "--heartbeat-unreadable=Healthy|qat-device-plugin: Invalid value for option"
            + " '--heartbeat-unreadable': 'Healthy' is not healthy or unhealthy (see"
            + " qat-device-plugin --help)",
        "--bogus|qat-device-plugin: Unknown option: '--bogus' (see qat-device-plugin --help)"
      })
  void refusesABadFlagWithExitCodeTwoAndOneLineNamingIt(String arg, String message) {
    int code = cli().execute(arg);

    assertEquals(2, code);
    assertEquals(message + System.lineSeparator(), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void refusesABadQueryResourceInOneLine() {
    int code = cli().execute("query", "--resource=../../etc/x");

    assertEquals(2, code);
    assertEquals(
        "qat-device-plugin query: Invalid value for option '--resource': '../../etc/x' is not a"
            + " resource name such as qat.intel.com/generic (see qat-device-plugin query --help)"
            + System.lineSeparator(),
        err.toString());
  }

  @Test
  void failsWithExitCodeOneWhenTheKubeletDirIsMissing(@org.junit.jupiter.api.io.TempDir Path tmp) {
    Path missing = tmp.resolve("missing");
    int code =
        cli()
            .execute(
                "--kubelet-dir=" + missing,
                "--sysfs-root=" + tmp,
                "--dev-root=" + tmp,
                "--debugfs-root=" + tmp);

    assertEquals(1, code);
    assertEquals(
        "qat-device-plugin: tried to serve in the kubelet directory "
            + missing
            + ", but it does not exist"
            + System.lineSeparator(),
        err.toString());
  }
}
