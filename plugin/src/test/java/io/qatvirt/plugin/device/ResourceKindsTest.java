package io.qatvirt.plugin.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceKindsTest {

  private static KindDecision up(String services) {
    return ResourceKinds.fromServices(Optional.of("up"), Optional.of(services));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sym;asym | cy",
        "asym;sym | cy",
        "dc | dc",
        "sym | sym",
        "asym | asym",
        "sym;dc | sym-dc",
        "asym;dc | asym-dc",
        "dc;sym | dc-sym",
        "dcc | dcc",
        "decomp | decomp",
        "asym;sym;dc | asym-sym-dc"
      })
  void namesTheKindAfterTheServices(String services, String kind) {
    assertEquals(new KindDecision(kind, Optional.empty()), up(services));
  }

  @Test
  void trimsTheFilesNewline() {
    assertEquals(
        new KindDecision("cy", Optional.empty()),
        ResourceKinds.fromServices(Optional.of("up\n"), Optional.of("sym;asym\n")));
  }

  @Test
  void fallsBackToGenericWhenTheStateIsNotUp() {
    assertEquals(
        new KindDecision("generic", Optional.of("qat/state reads 'down', not 'up'")),
        ResourceKinds.fromServices(Optional.of("down"), Optional.of("sym;asym")));
    assertEquals(
        new KindDecision("generic", Optional.of("qat/state is missing or unreadable")),
        ResourceKinds.fromServices(Optional.empty(), Optional.of("sym;asym")));
  }

  @Test
  void fallsBackToGenericWhenTheServicesAreMissingOrEmpty() {
    assertEquals(
        new KindDecision("generic", Optional.of("qat/cfg_services is missing or unreadable")),
        ResourceKinds.fromServices(Optional.of("up"), Optional.empty()));
    assertEquals(new KindDecision("generic", Optional.of("qat/cfg_services is empty")), up(" \n"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SYM;ASYM | qat/cfg_services reads 'SYM;ASYM', not services of [a-z0-9] separated by ';'",
        "sym;;dc | qat/cfg_services reads 'sym;;dc', not services of [a-z0-9] separated by ';'",
        "sym; dc | qat/cfg_services reads 'sym; dc', not services of [a-z0-9] separated by ';'",
        "../../etc | qat/cfg_services reads '../../etc', not services of [a-z0-9] separated by ';'",
        "sym-dc | qat/cfg_services reads 'sym-dc', not services of [a-z0-9] separated by ';'",
        "sym;sym | qat/cfg_services reads 'sym;sym', naming 'sym' twice"
      })
  void fallsBackToGenericForValuesThatCouldNotMakeAValidName(String services, String reason) {
    assertEquals(new KindDecision("generic", Optional.of(reason)), up(services));
  }

  @Test
  void escapesControlCharactersInTheReason() {
    assertEquals(
        Optional.of(
            "qat/cfg_services reads 'sym\\x1b[2J', not services of [a-z0-9] separated by ';'"),
        up("sym\u001b[2J").fallbackReason());
  }

  @Test
  void refusesNamesTooLongForAResource() {
    String services = "a".repeat(30) + ";" + "b".repeat(31) + ";" + "c";
    assertEquals(
        new KindDecision(
            "generic",
            Optional.of(
                "qat/cfg_services names more than 63 characters of services, too long for a"
                    + " resource name")),
        up(services));
    assertEquals(
        new KindDecision("a".repeat(30) + "-" + "b".repeat(32), Optional.empty()),
        up("a".repeat(30) + ";" + "b".repeat(32)));
  }
}
