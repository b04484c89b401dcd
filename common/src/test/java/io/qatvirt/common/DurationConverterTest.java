package io.qatvirt.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @ParameterizedTest
  @CsvSource({"500ms,PT0.5S", "5s,PT5S", " 30s ,PT30S", "2m,PT2M", "1h,PT1H", "1ms,PT0.001S"})
  void readsAWholeNumberAndAUnit(String text, String iso) {
    assertEquals(Duration.parse(iso), converter.convert(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "s", "-1s", "1.5s", "5 s", "5d", "PT5S", "1234567890s"})
  void refusesOtherTextNamingIt(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> converter.convert(text));
    assertEquals("'" + text + "' is not a duration such as 500ms, 5s, 2m or 1h", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "0ms", "0m", "000h"})
  void refusesZero(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> converter.convert(text));
    assertEquals("'" + text + "' must be longer than zero", e.getMessage());
  }
}
