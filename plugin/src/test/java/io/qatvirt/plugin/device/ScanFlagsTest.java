package io.qatvirt.plugin.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScanFlagsTest {

  private static final String KNOWN =
      "known values are 420xxvf, 4xxxvf, 6xxxvf, c3xxxvf, c4xxxvf, c6xxvf, d15xxvf, dh895xccvf";

  @Test
  void enablesEveryFamilyOfASelectorName() {
    assertEquals(
        EnumSet.of(QatFamily.GEN4_4XXX, QatFamily.GEN4_401XX, QatFamily.GEN4_402XX),
        ScanFlags.parseKernelVfDrivers("4xxxvf"));
    assertEquals(
        EnumSet.of(QatFamily.C62X, QatFamily.GEN6_6XXX, QatFamily.DH895XCC),
        ScanFlags.parseKernelVfDrivers("c6xxvf, 6xxxvf,dh895xccvf"));
  }

  @Test
  void defaultsToTheGen4Selectors() {
    assertEquals(
        EnumSet.of(
            QatFamily.GEN4_4XXX, QatFamily.GEN4_401XX, QatFamily.GEN4_402XX, QatFamily.GEN4_420XX),
        ScanFlags.defaultFamilies());
  }

  @Test
  void refusesAnUnknownSelectorNamingTheKnownOnes() {
    assertEquals(
        "tried to enable VF driver 'qat_c62xvf', but " + KNOWN,
        assertThrows(
                IllegalArgumentException.class,
                () -> ScanFlags.parseKernelVfDrivers("4xxxvf,qat_c62xvf"))
            .getMessage());
    assertEquals(
        "tried to enable VF driver '', but " + KNOWN,
        assertThrows(
                IllegalArgumentException.class, () -> ScanFlags.parseKernelVfDrivers("4xxxvf,"))
            .getMessage());
    assertEquals(
        "tried to read --kernel-vf-drivers, but it is empty; " + KNOWN,
        assertThrows(IllegalArgumentException.class, () -> ScanFlags.parseKernelVfDrivers(" "))
            .getMessage());
  }

  @Test
  void parsesExtraIdsInOrderWithoutDuplicates() {
    assertEquals(
        List.of(new PciId(0x1b36, 0x0010), new PciId(0x8086, 0x0d5a)),
        ScanFlags.parseExtraVfIds("1b36:0010, 8086:0D5A,1b36:0010"));
    assertEquals(List.of(), ScanFlags.parseExtraVfIds(""));
  }

  @Test
  void refusesMalformedExtraIds() {
    for (String bad : List.of("1b36", "1b36:10", "0x1b36:0x0010", "1b36:0010:1", "zzzz:0010")) {
      assertEquals(
          "tried to read --extra-vf-ids entry '"
              + bad
              + "', but it is not a vendor:device pair of four hex digits each such as 1b36:0010",
          assertThrows(
                  IllegalArgumentException.class,
                  () -> ScanFlags.parseExtraVfIds("8086:4941," + bad))
              .getMessage());
    }
  }

  @Test
  void spellsPciIdsAsLowerCaseHex() {
    assertEquals("1b36:0010", new PciId(0x1B36, 0x10).toString());
    assertEquals(Optional.of(new PciId(0x8086, 0x4941)), PciId.parse("8086:4941"));
    assertEquals(Optional.empty(), PciId.parse(null));
  }
}
