package io.qatvirt.plugin.allocation;

import static io.qatvirt.plugin.allocation.TestVfs.ids;
import static io.qatvirt.plugin.allocation.TestVfs.threePfs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qatvirt.plugin.allocation.AllocationException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreferredAllocatorTest {
  private final PreferredAllocator balanced = new PreferredAllocator(AllocationPolicy.BALANCED);
  private final PreferredAllocator packed = new PreferredAllocator(AllocationPolicy.PACKED);
  private final PreferredAllocator none = new PreferredAllocator(AllocationPolicy.NONE);

  @Test
  void balancedSpreadsOverThePfsOfOneNumaNode() {
    assertEquals(
        List.of("0000:3d:01.0", "0000:3f:01.0", "0000:3d:01.1", "0000:3f:01.1"),
        balanced.choose(threePfs(), ids(threePfs()), List.of(), 4));
  }

  @Test
  void balancedStaysOnTheNodeOfTheMustIncludeDevice() {
    assertEquals(
        List.of("0000:da:01.2", "0000:da:01.0", "0000:da:01.1"),
        balanced.choose(threePfs(), ids(threePfs()), List.of("0000:da:01.2"), 3));
  }

  @Test
  void balancedSpreadsOverAllPfsWhenNoNodeHoldsTheRequest() {
    assertEquals(
        List.of(
            "0000:3d:01.0",
            "0000:3f:01.0",
            "0000:da:01.0",
            "0000:3d:01.1",
            "0000:3f:01.1",
            "0000:da:01.1",
            "0000:3d:01.2",
            "0000:3f:01.2",
            "0000:da:01.2"),
        balanced.choose(threePfs(), ids(threePfs()), List.of(), 9));
  }

  @Test
  void balancedPrefersPfsTheMustIncludeDevicesDontUse() {
    assertEquals(
        List.of("0000:3d:01.0", "0000:3f:01.0"),
        balanced.choose(threePfs(), ids(threePfs()), List.of("0000:3d:01.0"), 2));
  }

  @Test
  void packedFillsOnePfFirst() {
    assertEquals(
        List.of("0000:3d:01.0", "0000:3d:01.1", "0000:3d:01.2"),
        packed.choose(threePfs(), ids(threePfs()), List.of(), 3));
  }

  @Test
  void packedPicksThePfThatFitsMostTightly() {
    List<String> available =
        List.of(
            "0000:3d:01.0",
            "0000:3d:01.1",
            "0000:3d:01.2",
            "0000:3d:01.3",
            "0000:3f:01.2",
            "0000:3f:01.3");
    assertEquals(
        List.of("0000:3f:01.2", "0000:3f:01.3"),
        packed.choose(threePfs(), available, List.of(), 2));
  }

  @Test
  void packedMovesToTheNextPfWhenOneIsFull() {
    assertEquals(
        List.of(
            "0000:3d:01.0",
            "0000:3d:01.1",
            "0000:3d:01.2",
            "0000:3d:01.3",
            "0000:3f:01.0",
            "0000:3f:01.1"),
        packed.choose(threePfs(), ids(threePfs()), List.of(), 6));
  }

  @Test
  void packedContinuesOnThePfOfTheMustIncludeDevice() {
    assertEquals(
        List.of("0000:3f:01.2", "0000:3f:01.0", "0000:3f:01.1"),
        packed.choose(threePfs(), ids(threePfs()), List.of("0000:3f:01.2"), 3));
  }

  @Test
  void noneKeepsKubeletsOrderAfterTheMustIncludeDevices() {
    assertEquals(
        List.of("0000:da:01.3", "0000:3f:01.1", "0000:3d:01.0"),
        none.choose(
            threePfs(),
            List.of("0000:3f:01.1", "0000:3d:01.0", "0000:da:01.3", "0000:da:01.0"),
            List.of("0000:da:01.3"),
            3));
  }

  @Test
  void picksDevicesNoLongerAdvertisedOnlyWhenTheKnownOnesDontSuffice() {
    assertEquals(
        List.of("0000:3d:01.0", "0000:3f:01.0", "0000:99:01.0"),
        balanced.choose(
            threePfs(), List.of("0000:99:01.0", "0000:3d:01.0", "0000:3f:01.0"), List.of(), 3));
  }

  @Test
  void answersInKubeletsSpelling() {
    assertEquals(
        List.of("0000:3D:01.0"),
        balanced.choose(threePfs(), List.of("0000:3D:01.0"), List.of(), 1));
  }

  @Test
  void refusesAZeroOrNegativeSize() {
    assertInvalid(
        "tried to prefer 0 devices, but the size must be at least 1",
        () -> balanced.choose(threePfs(), ids(threePfs()), List.of(), 0));
    assertInvalid(
        "tried to prefer -2 devices, but the size must be at least 1",
        () -> packed.choose(threePfs(), ids(threePfs()), List.of(), -2));
  }

  @Test
  void refusesMoreThanAvailable() {
    assertInvalid(
        "tried to prefer 13 devices, but only 12 are available",
        () -> balanced.choose(threePfs(), ids(threePfs()), List.of(), 13));
  }

  @Test
  void refusesASizeBelowTheMustIncludeCount() {
    assertInvalid(
        "tried to prefer 1 devices, but 2 must be included, more than the size",
        () -> none.choose(threePfs(), ids(threePfs()), List.of("0000:3d:01.0", "0000:3d:01.1"), 1));
  }

  @Test
  void refusesAMalformedAvailableOrMustIncludeId() {
    assertInvalid(
        "tried to prefer device \"../../etc\", but it is not a PCI address (expected"
            + " dddd:bb:dd.f, e.g. 0000:3d:01.1)",
        () -> balanced.choose(threePfs(), List.of("0000:3d:01.0", "../../etc"), List.of(), 1));
    assertInvalid(
        "tried to prefer device \"\", but it is not a PCI address (expected"
            + " dddd:bb:dd.f, e.g. 0000:3d:01.1)",
        () -> balanced.choose(threePfs(), ids(threePfs()), List.of(""), 1));
  }

  private static void assertInvalid(String message, Runnable call) {
    AllocationException e = assertThrows(AllocationException.class, call::run);
    assertEquals(Kind.INVALID, e.kind());
    assertEquals(message, e.getMessage());
  }
}
