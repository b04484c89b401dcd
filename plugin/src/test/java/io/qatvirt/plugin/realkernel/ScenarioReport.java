package io.qatvirt.plugin.realkernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What e2e/real-kernel/run.sh printed, read back: one {@code PASS <name>} or {@code FAIL <name>:
 * <why>} line per scenario, {@code TIMING ...} lines (the script repeats the guest's in its
 * summary; each is kept once), and its exit code.
 */
record ScenarioReport(
    Map<String, Optional<String>> outcomes, List<String> timings, int exitCode, String output) {

  /** Every scenario the guest runs; each must PASS. */
  static final List<String> SCENARIOS =
      List.of(
          "unbound-vfs-bound-and-advertised",
          "nvme-bound-vfs-rebound",
          "hot-removal-and-return",
          "vfio-bound-vf-left-untouched",
          "sigterm-cleanup");

  /** Reads the script's output; a scenario maps to empty when it passed, else to its reason. */
  static ScenarioReport parse(String output, int exitCode) {
    Map<String, Optional<String>> outcomes = new LinkedHashMap<>();
    List<String> timings = new ArrayList<>();
    for (String line : output.split("\r?\n")) {
      if (line.startsWith("PASS ")) {
        outcomes.putIfAbsent(line.substring(5).trim(), Optional.empty());
      } else if (line.startsWith("FAIL ")) {
        int colon = line.indexOf(':');
        String name = colon < 0 ? line.substring(5).trim() : line.substring(5, colon).trim();
        String why = colon < 0 ? "(no reason given)" : line.substring(colon + 1).trim();
        outcomes.put(name, Optional.of(why));
      } else if (line.startsWith("TIMING ") && !timings.contains(line.substring(7))) {
        timings.add(line.substring(7));
      }
    }
    return new ScenarioReport(
        Collections.unmodifiableMap(outcomes), List.copyOf(timings), exitCode, output);
  }

  /** Why the run does not count as a pass, one line per problem; empty when it does. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    outcomes.forEach(
        (name, why) -> why.ifPresent(reason -> problems.add("FAIL " + name + ": " + reason)));
    for (String scenario : SCENARIOS) {
      if (!outcomes.containsKey(scenario)) {
        problems.add("no result for scenario " + scenario);
      }
    }
    if (exitCode != 0 && problems.isEmpty()) {
      problems.add("run.sh exited with " + exitCode + " although every scenario passed");
    }
    return problems;
  }
}
