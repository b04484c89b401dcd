package io.qatvirt.webhook.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class HostDeviceNamesTest {
  @Test
  void numbersFromZeroSkippingTakenNames() {
    assertEquals("qat-generic-0", HostDeviceNames.next("generic", Set.of()));
    assertEquals(
        "qat-generic-2", HostDeviceNames.next("generic", Set.of("qat-generic-0", "qat-generic-1")));
    assertEquals("qat-sym-dc-1", HostDeviceNames.next("sym-dc", Set.of("qat-sym-dc-0", "x")));
  }

  @Test
  void keepsNamesToLowercaseLettersDigitsAndDashes() {
    assertEquals("qat-sym-dc-0", HostDeviceNames.next("Sym_DC", Set.of()));
    assertEquals("qat-a-b-0", HostDeviceNames.next("-a..b-", Set.of()));
  }
}
