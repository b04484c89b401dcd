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
 * summary; each is kept once), {@code VALUE <scenario> <key> <value>} lines (what a scenario saw,
 * by key; the first of repeated lines is kept), and its exit code.
 */
record ScenarioReport(
    Map<String, Optional<String>> outcomes,
    List<String> timings,
    Map<String, Map<String, String>> values,
    int exitCode,
    String output) {

  /** Every scenario the guest runs; each must PASS. */
  static final List<String> SCENARIOS =
      List.of(
          "unbound-vfs-bound-and-advertised",
          "nvme-bound-vfs-rebound",
          "hot-removal-and-return",
          "vfio-bound-vf-left-untouched",
          "sigterm-cleanup",
          "guest-setup-gen4-cy-dc-vm",
          "guest-setup-gen4-ipsec-vpp-vm");

  /** Reads the script's output; a scenario maps to empty when it passed, else to its reason. */
  static ScenarioReport parse(String output, int exitCode) {
    Map<String, Optional<String>> outcomes = new LinkedHashMap<>();
    List<String> timings = new ArrayList<>();
    Map<String, Map<String, String>> values = new LinkedHashMap<>();
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
      } else if (line.startsWith("VALUE ")) {
        String[] parts = line.substring(6).split(" ", 3);
        if (parts.length >= 2) {
          values
              .computeIfAbsent(parts[0], scenario -> new LinkedHashMap<>())
              .putIfAbsent(parts[1], parts.length == 3 ? parts[2] : "");
        }
      }
    }
    Map<String, Map<String, String>> frozen = new LinkedHashMap<>();
    values.forEach((scenario, seen) -> frozen.put(scenario, Collections.unmodifiableMap(seen)));
    return new ScenarioReport(
        Collections.unmodifiableMap(outcomes),
        List.copyOf(timings),
        Collections.unmodifiableMap(frozen),
        exitCode,
        output);
  }

  /** What a scenario reported in its VALUE lines, by key; empty when it reported none. */
  Map<String, String> valuesOf(String scenario) {
    return values.getOrDefault(scenario, Map.of());
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
