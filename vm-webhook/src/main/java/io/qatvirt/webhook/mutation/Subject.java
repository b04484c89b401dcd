package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
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

  static final String VMI = "VirtualMachineInstance";
  static final String VM = "VirtualMachine";

  /**
   * What of a VMI or VM {@link #ofVmi}, {@link #ofVm}, the host device plan and the patch read: the
   * object's names and annotations, the VM's instancetype and template annotations, and in the spec
   * (the VMI's or the template's) the existing host devices and the resource requests and limits.
   * Members outside it are not type-checked here: the API server checks the object against
   * KubeVirt's schema after the webhooks have run.
   */
  static final ObjectProjection READ;

  static {
    ObjectProjection spec =
        ObjectProjection.members()
            .with(
                "domain",
                ObjectProjection.members()
                    .with("devices", ObjectProjection.members("hostDevices"))
                    .with("resources", ObjectProjection.members("requests", "limits")));
    ObjectProjection template =
        ObjectProjection.members()
            .with("metadata", ObjectProjection.members("annotations"))
            .with("spec", spec);
    READ =
        ObjectProjection.members("apiVersion", "kind")
            .with(
                "metadata",
                ObjectProjection.members("name", "generateName", "namespace", "annotations"))
            .with(
                "spec", spec.with("instancetype", ObjectProjection.ALL).with("template", template));
  }

  /** Where {@link #spec} is, as a reader of the object would write it. */
  String specField() {
    return String.join(".", specPath);
  }

  static Subject ofVmi(ModelReader models, JsonNode object) throws ModelReader.MistypedField {
    V1VirtualMachineInstance vmi = models.vmi(object);
    ObjectMeta meta = orEmpty(vmi.getMetadata());
    return new Subject(
        VMI,
        ref(meta),
        Optional.ofNullable(meta.getNamespace()).orElse(""),
        Optional.ofNullable(meta.getAnnotations()).orElse(Map.of()),
        Optional.ofNullable(vmi.getSpec()).orElseGet(V1VirtualMachineInstanceSpec::new),
        List.of("spec"),
        Optional.empty());
  }

  static Subject ofVm(ModelReader models, JsonNode object) throws ModelReader.MistypedField {
    V1VirtualMachine vm = models.vm(object);
    ObjectMeta meta = orEmpty(vm.getMetadata());
    V1VirtualMachineSpec spec =
        Optional.ofNullable(vm.getSpec()).orElseGet(V1VirtualMachineSpec::new);
    V1VirtualMachineInstanceTemplateSpec template =
        Optional.ofNullable(spec.getTemplate())
            .orElseGet(V1VirtualMachineInstanceTemplateSpec::new);
    return new Subject(
        VM,
        ref(meta),
        Optional.ofNullable(meta.getNamespace()).orElse(""),
        Optional.ofNullable(orEmpty(template.getMetadata()).getAnnotations()).orElse(Map.of()),
        Optional.ofNullable(template.getSpec()).orElseGet(V1VirtualMachineInstanceSpec::new),
        List.of("spec", "template", "spec"),
        Optional.ofNullable(spec.getInstancetype()));
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
