package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.qatvirt.kubevirt.KubeVirtJson;

/**
 * The mapper for the generated models that {@link ModelReader} follows: it leaves to it the shapes
 * it doesn't read itself, and its tests compare the two. Members the OpenAPI subset doesn't declare
 * are skipped instead of being copied into each model's additional properties (the mutator only
 * reads those models; its patch is built against the JSON tree). Declared members are read, and
 * refused when mistyped; undeclared ones never could be mistyped.
 */
final class ReadOnlyModels {
  private ReadOnlyModels() {}

  static ObjectMapper newMapper() {
    SimpleModule module = new SimpleModule("qatvirt-read-only-models");
    module.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public BeanDeserializerBuilder updateBuilder(
              DeserializationConfig config,
              BeanDescription description,
              BeanDeserializerBuilder builder) {
            builder.setAnySetter(null);
            return builder;
          }
        });
    return KubeVirtJson.newMapper().registerModule(module);
  }
}
