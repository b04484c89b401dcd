package io.qatvirt.plugin.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses the values of the plugin's device-selection flags ({@code --kernel-vf-drivers}, {@code
 * --extra-vf-ids}). Pure; bad input is an {@link IllegalArgumentException} whose message says what
 * was wrong and what is accepted.
 */
public final class ScanFlags {

  private ScanFlags() {}

  /**
   * The families whose VFs a comma list of VF selector names ({@code 4xxxvf,c6xxvf}) enables;
   * {@code 4xxxvf} enables every family with that selector (4xxx, 401xx, 402xx).
   */
  public static Set<QatFamily> parseKernelVfDrivers(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "tried to read --kernel-vf-drivers, but it is empty; known values are " + known());
    }
    Set<String> known = QatFamily.knownVfDrivers();
    Set<QatFamily> families = EnumSet.noneOf(QatFamily.class);
    for (String raw : value.split(",", -1)) {
      String name = raw.trim();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "tried to enable VF driver '"
                + Printable.of(name)
                + "', but known values are "
                + known());
      }
      Arrays.stream(QatFamily.values())
          .filter(f -> f.vfDriver().equals(name))
          .forEach(families::add);
    }
    return families;
  }

  /** The families enabled by default ({@link QatFamily#DEFAULT_VF_DRIVERS}). */
  public static Set<QatFamily> defaultFamilies() {
    return parseKernelVfDrivers(String.join(",", QatFamily.DEFAULT_VF_DRIVERS));
  }

  /**
   * Parses {@code 1b36:0010,8086:0d5a}: vendor:device pairs of four hex digits each; an empty value
   * is an empty list.
   */
  public static List<PciId> parseExtraVfIds(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    Set<PciId> ids = new LinkedHashSet<>();
    for (String raw : value.split(",", -1)) {
      String text = raw.trim();
      PciId id =
          PciId.parse(text)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "tried to read --extra-vf-ids entry '"
                              + Printable.of(text)
                              + "', but it is not a vendor:device pair of four hex digits each"
                              + " such as 1b36:0010"));
      ids.add(id);
    }
    return new ArrayList<>(ids);
  }

  private static String known() {
    return String.join(", ", new TreeSet<>(QatFamily.knownVfDrivers()));
  }
}
