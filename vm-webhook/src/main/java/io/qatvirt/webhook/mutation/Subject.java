package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.kubevirt.KubeVirtKinds;
import io.qatvirt.kubevirt.model.ObjectMeta;
import io.qatvirt.kubevirt.model.V1InstancetypeMatcher;
import io.qatvirt.kubevirt.model.V1VirtualMachine;
import io.qatvirt.kubevirt.model.V1VirtualMachineInstance;
import io.qatvirt.kubevirt.model.V1VirtualMachineInstanceSpec;
import io.qatvirt.kubevirt.model.V1VirtualMachineInstanceTemplateSpec;
import io.qatvirt.kubevirt.model.V1VirtualMachineSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of a VirtualMachineInstance, or of a VirtualMachine's template, that the mutator reads.
 *
 * @param kind {@code VirtualMachineInstance} or {@code VirtualMachine}
 * @param ref {@code namespace/name} for messages
 * @param namespace the object's namespace, empty when the object doesn't say
 * @param annotations where the QAT requests are: the VMI's, or the VM template's
 * @param spec the VMI spec, or the VM template's; an empty one when absent
 * @param specPath the property names from the object's root to {@code spec}
 * @param instancetype the VM's {@code spec.instancetype}, empty for a VMI
 */
record Subject(
    String kind,
    String ref,
    String namespace,
    Map<String, String> annotations,
    V1VirtualMachineInstanceSpec spec,
    List<String> specPath,
    Optional<V1InstancetypeMatcher> instancetype) {

  /** Where {@link #spec} is, as a reader of the object would write it. */
  String specField() {
    return String.join(".", specPath);
  }

  /**
   * A declared member of the object holds a value its type can't take.
   *
   * @param path where, as {@code spec.domain.devices.hostDevices[1].deviceName}; empty when Jackson
   *     doesn't say
   */
  static final class MistypedField extends Exception {
    MistypedField(String path) {
      super(path, null, false, false);
    }

    String path() {
      return getMessage();
    }
  }

  static Subject ofVmi(ObjectMapper models, JsonNode object) throws MistypedField {
    V1VirtualMachineInstance vmi = bind(models, object, V1VirtualMachineInstance.class);
    ObjectMeta meta = orEmpty(vmi.getMetadata());
    return new Subject(
        KubeVirtKinds.VMI,
        ref(meta),
        Optional.ofNullable(meta.getNamespace()).orElse(""),
        Optional.ofNullable(meta.getAnnotations()).orElse(Map.of()),
        Optional.ofNullable(vmi.getSpec()).orElseGet(V1VirtualMachineInstanceSpec::new),
        List.of("spec"),
        Optional.empty());
  }

  static Subject ofVm(ObjectMapper models, JsonNode object) throws MistypedField {
    V1VirtualMachine vm = bind(models, object, V1VirtualMachine.class);
    ObjectMeta meta = orEmpty(vm.getMetadata());
    V1VirtualMachineSpec spec =
        Optional.ofNullable(vm.getSpec()).orElseGet(V1VirtualMachineSpec::new);
    V1VirtualMachineInstanceTemplateSpec template =
        Optional.ofNullable(spec.getTemplate())
            .orElseGet(V1VirtualMachineInstanceTemplateSpec::new);
    return new Subject(
        KubeVirtKinds.VM,
        ref(meta),
        Optional.ofNullable(meta.getNamespace()).orElse(""),
        Optional.ofNullable(orEmpty(template.getMetadata()).getAnnotations()).orElse(Map.of()),
        Optional.ofNullable(template.getSpec()).orElseGet(V1VirtualMachineInstanceSpec::new),
        List.of("spec", "template", "spec"),
        Optional.ofNullable(spec.getInstancetype()));
  }

  /**
   * Jackson's data binding of the object into the generated model, with {@link
   * ReadOnlyModels#newMapper()}: declared members set, undeclared ones skipped, the first mistyped
   * member, in the object's order, refused with its path.
   */
  private static <T> T bind(ObjectMapper models, JsonNode object, Class<T> type)
      throws MistypedField {
    try {
      return models.treeToValue(object, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MistypedField(e instanceof JsonMappingException mapping ? path(mapping) : "");
    }
  }

  /** {@code spec.domain.devices.hostDevices[1].deviceName}, from Jackson's path of references. */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference step : e.getPath()) {
      if (step.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        path.append('[').append(step.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static ObjectMeta orEmpty(ObjectMeta meta) {
    return meta == null ? new ObjectMeta() : meta;
  }

  private static String ref(ObjectMeta meta) {
    String name =
        meta.getName() != null
            ? meta.getName()
            : meta.getGenerateName() != null ? meta.getGenerateName() + "<generated>" : "<unnamed>";
    return meta.getNamespace() == null ? name : meta.getNamespace() + "/" + name;
  }
}
