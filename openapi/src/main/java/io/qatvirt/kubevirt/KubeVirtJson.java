package io.qatvirt.kubevirt;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The Jackson settings the generated models ({@code io.qatvirt.kubevirt.model}) need to read a
 * KubeVirt object and write it back as it came: absent fields stay absent (no {@code null}s added),
 * and fields the subset doesn't declare are kept by each model's additional properties.
 */
public final class KubeVirtJson {
  private KubeVirtJson() {}

  /** A new mapper for the KubeVirt models; callers keep their own instance. */
  public static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .defaultPropertyInclusion(
            JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
        .build();
  }
}
