package io.qatvirt.plugin.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * QatFamily agrees with the device table of the reference (qat-sysfs.md in ../shared); skipped,
 * visibly, where ../shared is absent.
 */
class ReferenceTableTest {

  private static final Pattern HEX4 = Pattern.compile("\\b([0-9a-f]{4})\\b");

  private record Row(
      String family,
      int pfDevice,
      String pfDriver,
      List<Integer> vfDevices,
      String selector,
      boolean aware) {}

  private List<Row> rows;

  @BeforeEach
  void readTheReference() throws Exception {
    String shared = System.getProperty("qatvirt.shared.dir", "");
    Path table = Path.of(shared, "reference", "qat-sysfs.md");
    assumeTrue(
        !shared.isEmpty() && Files.isReadable(table),
        "needs ../shared: reference/qat-sysfs.md not found under "
            + (shared.isEmpty() ? "(qatvirt.shared.dir is not set)" : shared));
    rows = new ArrayList<>();
    for (String line : Files.readAllLines(table)) {
      String[] cells = line.split("\\|");
      // | family | PF device | PF driver | VF device | VF selector | capability-aware |
      if (cells.length < 7 || !cells[2].trim().matches("[0-9a-f]{4}")) {
        continue;
      }
      List<Integer> vfs = new ArrayList<>();
      Matcher m = HEX4.matcher(cells[4]);
      while (m.find()) {
        vfs.add(Integer.parseInt(m.group(1), 16));
      }
      rows.add(
          new Row(
              cells[1].trim(),
              Integer.parseInt(cells[2].trim(), 16),
              cells[3].trim(),
              vfs,
              cells[5].trim(),
              cells[6].trim().startsWith("yes")));
    }
    assertFalse(rows.isEmpty(), "found no device rows in " + table);
  }

  @Test
  void knowsEveryVfDeviceOfTheReferenceWithItsFamilysFacts() {
    assertEquals(10, rows.size(), "rows parsed: " + rows);
    for (Row row : rows) {
      for (int vfDevice : row.vfDevices()) {
        Optional<QatFamily> family = QatFamily.ofVfDevice(vfDevice);
        assertEquals(
            true, family.isPresent(), row.family() + " VF " + Integer.toHexString(vfDevice));
        assertEquals(row.pfDevice(), family.get().pfDeviceId(), row.family());
        assertEquals(row.pfDriver(), family.get().pfDriver(), row.family());
        assertEquals(row.selector(), family.get().vfDriver(), row.family());
        assertEquals(row.aware(), family.get().serviceAware(), row.family());
      }
    }
  }

  @Test
  void knowsEveryPfDeviceOfTheReference() {
    for (Row row : rows) {
      assertEquals(true, QatFamily.ofPfDevice(row.pfDevice()).isPresent(), row.family());
    }
    assertEquals(QatFamily.values().length, rows.size());
  }
}
