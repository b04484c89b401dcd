package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.qatvirt.kubevirt.KubeVirtJson;
import io.qatvirt.kubevirt.model.ObjectMeta;

/**
 * The mapper that binds an admitted object into the generated models for the mutator to read.
 * Members the OpenAPI subset doesn't declare are skipped instead of being copied into each model's
 * additional properties: the mutator only reads those models (its patch is built against the JSON
 * tree, which keeps everything), and a VM's disks, networks and cloud-init data would otherwise be
 * copied for nothing on every review. Declared members are read, and refused when mistyped, except
 * the object metadata's labels, uid and resourceVersion: the mutator never reads them, and the API
 * server checks them.
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
    module.setMixInAnnotation(ObjectMeta.class, UnreadMetadata.class);
    return KubeVirtJson.newMapper().registerModule(module);
  }

  @JsonIgnoreProperties({"labels", "uid", "resourceVersion"})
  private abstract static class UnreadMetadata {}
}
