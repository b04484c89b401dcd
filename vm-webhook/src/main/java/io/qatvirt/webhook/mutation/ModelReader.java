package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.kubevirt.model.ObjectMeta;
import io.qatvirt.kubevirt.model.V1Devices;
import io.qatvirt.kubevirt.model.V1DomainSpec;
import io.qatvirt.kubevirt.model.V1HostDevice;
import io.qatvirt.kubevirt.model.V1InstancetypeMatcher;
import io.qatvirt.kubevirt.model.V1ResourceRequirements;
import io.qatvirt.kubevirt.model.V1VirtualMachine;
import io.qatvirt.kubevirt.model.V1VirtualMachineInstance;
import io.qatvirt.kubevirt.model.V1VirtualMachineInstanceSpec;
import io.qatvirt.kubevirt.model.V1VirtualMachineInstanceTemplateSpec;
import io.qatvirt.kubevirt.model.V1VirtualMachineSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads a VirtualMachineInstance or VirtualMachine tree into the generated models, giving what
 * Jackson's data binding with {@link ReadOnlyModels#newMapper()} gives: the declared members set (a
 * JSON {@code null} sets null), undeclared ones skipped, and the first mistyped member, in the
 * tree's order, refused with its path.
 *
 * <p>The shapes objects have (an object where a model is declared, a string where a string is, an
 * array of objects where a list of models is) are read here directly. Jackson decides every other
 * shape, so its coercions (a number read as a string, say) and refusals stay exactly its own. A
 * review spent a fifth of its admission CPU in Jackson's general binding of these few members, most
 * of it cache misses on its deserializer tables between requests.
 */
final class ModelReader {

  /** A declared member holds a value its type can't take. */
  static final class MistypedField extends Exception {
    MistypedField(String path) {
      super(path, null, false, false);
    }

    /** Where, as {@code spec.domain.devices.hostDevices[1].deviceName}. */
    String path() {
      return getMessage();
    }
  }

  /** The reader of one kind of model (or map) from an object node, member by member. */
  private interface Members<T> {
    /** Sets the member {@code name} of {@code model} from {@code value}, if it is declared. */
    void read(T model, String name, JsonNode value) throws MistypedField;
  }

  private final ObjectMapper jackson;
  private final JavaType textMap;
  private final JavaType valueMap;
  private final JavaType hostDeviceList;

  /** The steps from the root to the member being read: names, and indexes as Integers. */
  private final List<Object> at = new ArrayList<>();

  /**
   * A reader for one object at a time (it is not thread-safe: make one per object).
   *
   * @param jackson the mapper that decides the shapes not read here
   */
  ModelReader(ObjectMapper jackson) {
    this.jackson = jackson;
    this.textMap = jackson.getTypeFactory().constructMapType(Map.class, String.class, String.class);
    this.valueMap =
        jackson.getTypeFactory().constructMapType(Map.class, String.class, Object.class);
    this.hostDeviceList =
        jackson.getTypeFactory().constructCollectionType(List.class, V1HostDevice.class);
  }

  private ModelReader(ModelReader types) {
    this.jackson = types.jackson;
    this.textMap = types.textMap;
    this.valueMap = types.valueMap;
    this.hostDeviceList = types.hostDeviceList;
  }

  /** A reader for one more object, sharing this one's mapper and types. */
  ModelReader fresh() {
    return new ModelReader(this);
  }

  V1VirtualMachineInstance vmi(JsonNode object) throws MistypedField {
    return model(object, V1VirtualMachineInstance.class, V1VirtualMachineInstance::new, this::vmi);
  }

  V1VirtualMachine vm(JsonNode object) throws MistypedField {
    return model(object, V1VirtualMachine.class, V1VirtualMachine::new, this::vm);
  }

  private void vmi(V1VirtualMachineInstance vmi, String name, JsonNode value) throws MistypedField {
    switch (name) {
      case "apiVersion" -> vmi.setApiVersion(text(value));
      case "kind" -> vmi.setKind(text(value));
      case "metadata" -> vmi.setMetadata(meta(value));
      case "spec" -> vmi.setSpec(vmiSpec(value));
      default -> {}
    }
  }

  private void vm(V1VirtualMachine vm, String name, JsonNode value) throws MistypedField {
    switch (name) {
      case "apiVersion" -> vm.setApiVersion(text(value));
      case "kind" -> vm.setKind(text(value));
      case "metadata" -> vm.setMetadata(meta(value));
      case "spec" ->
          vm.setSpec(
              model(value, V1VirtualMachineSpec.class, V1VirtualMachineSpec::new, this::vmSpec));
      default -> {}
    }
  }

  private void vmSpec(V1VirtualMachineSpec spec, String name, JsonNode value) throws MistypedField {
    switch (name) {
      case "template" ->
          spec.setTemplate(
              model(
                  value,
                  V1VirtualMachineInstanceTemplateSpec.class,
                  V1VirtualMachineInstanceTemplateSpec::new,
                  this::template));
      case "instancetype" ->
          spec.setInstancetype(
              model(
                  value,
                  V1InstancetypeMatcher.class,
                  V1InstancetypeMatcher::new,
                  this::instancetype));
      default -> {}
    }
  }

  private void template(V1VirtualMachineInstanceTemplateSpec template, String name, JsonNode value)
      throws MistypedField {
    switch (name) {
      case "metadata" -> template.setMetadata(meta(value));
      case "spec" -> template.setSpec(vmiSpec(value));
      default -> {}
    }
  }

  private void instancetype(V1InstancetypeMatcher matcher, String name, JsonNode value)
      throws MistypedField {
    switch (name) {
      case "kind" -> matcher.setKind(text(value));
      case "name" -> matcher.setName(text(value));
      case "revisionName" -> matcher.setRevisionName(text(value));
      case "inferFromVolume" -> matcher.setInferFromVolume(text(value));
      case "inferFromVolumeFailurePolicy" -> matcher.setInferFromVolumeFailurePolicy(text(value));
      default -> {}
    }
  }

  private ObjectMeta meta(JsonNode value) throws MistypedField {
    return model(value, ObjectMeta.class, ObjectMeta::new, this::meta);
  }

  private void meta(ObjectMeta meta, String name, JsonNode value) throws MistypedField {
    switch (name) {
      case "name" -> meta.setName(text(value));
      case "namespace" -> meta.setNamespace(text(value));
      case "generateName" -> meta.setGenerateName(text(value));
      case "uid" -> meta.setUid(text(value));
      case "resourceVersion" -> meta.setResourceVersion(text(value));
      case "annotations" -> meta.setAnnotations(textMap(value));
      case "labels" -> meta.setLabels(textMap(value));
      default -> {}
    }
  }

  private V1VirtualMachineInstanceSpec vmiSpec(JsonNode value) throws MistypedField {
    return model(
        value,
        V1VirtualMachineInstanceSpec.class,
        V1VirtualMachineInstanceSpec::new,
        this::vmiSpec);
  }

  private void vmiSpec(V1VirtualMachineInstanceSpec spec, String name, JsonNode value)
      throws MistypedField {
    if (name.equals("domain")) {
      spec.setDomain(model(value, V1DomainSpec.class, V1DomainSpec::new, this::domain));
    }
  }

  private void domain(V1DomainSpec domain, String name, JsonNode value) throws MistypedField {
    switch (name) {
      case "devices" ->
          domain.setDevices(model(value, V1Devices.class, V1Devices::new, this::devices));
      case "resources" ->
          domain.setResources(
              model(
                  value,
                  V1ResourceRequirements.class,
                  V1ResourceRequirements::new,
                  this::resources));
      default -> {}
    }
  }

  private void devices(V1Devices devices, String name, JsonNode value) throws MistypedField {
    if (name.equals("hostDevices")) {
      devices.setHostDevices(hostDevices(value));
    }
  }

  private void resources(V1ResourceRequirements resources, String name, JsonNode value)
      throws MistypedField {
    switch (name) {
      case "requests" -> resources.setRequests(valueMap(value));
      case "limits" -> resources.setLimits(valueMap(value));
      case "overcommitGuestOverhead" ->
          resources.setOvercommitGuestOverhead(
              value.isBoolean() ? (Boolean) value.booleanValue() : byJackson(value, Boolean.class));
      default -> {}
    }
  }

  private List<V1HostDevice> hostDevices(JsonNode value) throws MistypedField {
    if (!value.isArray()) {
      return byJackson(value, hostDeviceList);
    }
    List<V1HostDevice> devices = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      at.add(i);
      devices.add(model(value.get(i), V1HostDevice.class, V1HostDevice::new, this::hostDevice));
      leave();
    }
    return devices;
  }

  private void hostDevice(V1HostDevice device, String name, JsonNode value) throws MistypedField {
    switch (name) {
      case "name" -> device.setName(text(value));
      case "deviceName" -> device.setDeviceName(text(value));
      case "tag" -> device.setTag(text(value));
      case "claimName" -> device.setClaimName(text(value));
      case "requestName" -> device.setRequestName(text(value));
      default -> {}
    }
  }

  /** A model from an object's members, in their order; any other value as Jackson reads it. */
  private <T> T model(JsonNode value, Class<T> type, Supplier<T> empty, Members<T> members)
      throws MistypedField {
    if (!value.isObject()) {
      return value.isNull() ? null : byJackson(value, type);
    }
    return members(value, empty.get(), members);
  }

  /** Reads each member of {@code object}, in order, into {@code into}, with its path. */
  private <T> T members(JsonNode object, T into, Members<T> members) throws MistypedField {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      at.add(member.getKey());
      members.read(into, member.getKey(), member.getValue());
      leave();
    }
    return into;
  }

  private String text(JsonNode value) throws MistypedField {
    if (value.isTextual()) {
      return value.textValue();
    }
    return value.isNull() ? null : byJackson(value, String.class);
  }

  private Map<String, String> textMap(JsonNode value) throws MistypedField {
    if (!value.isObject()) {
      return value.isNull() ? null : byJackson(value, textMap);
    }
    return members(
        value, new LinkedHashMap<String, String>(), (map, key, item) -> map.put(key, text(item)));
  }

  /** A {@code map[string]any} (resource quantities): strings as they are, the rest as Jackson's. */
  private Map<String, Object> valueMap(JsonNode value) throws MistypedField {
    if (!value.isObject()) {
      return value.isNull() ? null : byJackson(value, valueMap);
    }
    return members(
        value,
        new LinkedHashMap<String, Object>(),
        (map, key, item) ->
            map.put(
                key,
                item.isTextual()
                    ? item.textValue()
                    : item.isNull() ? null : byJackson(item, Object.class)));
  }

  private <T> T byJackson(JsonNode value, Class<T> type) throws MistypedField {
    return byJackson(value, jackson.getTypeFactory().constructType(type));
  }

  private <T> T byJackson(JsonNode value, JavaType type) throws MistypedField {
    try {
      return jackson.treeToValue(value, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MistypedField(path(e));
    }
  }

  private void leave() {
    at.remove(at.size() - 1);
  }

  /** The path to the member being read, followed by the path Jackson reports below it. */
  private String path(Exception e) {
    StringBuilder path = new StringBuilder();
    for (Object step : at) {
      append(path, step);
    }
    if (e instanceof JsonMappingException mapping) {
      for (JsonMappingException.Reference step : mapping.getPath()) {
        if (step.getFieldName() != null) {
          append(path, step.getFieldName());
        } else if (step.getIndex() >= 0) {
          append(path, step.getIndex());
        }
      }
    }
    return path.toString();
  }

  private static void append(StringBuilder path, Object step) {
    if (step instanceof Integer index) {
      path.append('[').append(index).append(']');
    } else {
      path.append(path.length() == 0 ? "" : ".").append(step);
    }
  }
}
