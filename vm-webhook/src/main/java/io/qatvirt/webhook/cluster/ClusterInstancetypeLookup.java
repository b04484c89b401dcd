package io.qatvirt.webhook.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.qatvirt.kubevirt.KubeVirtJson;
import io.qatvirt.kubevirt.model.V1beta1VirtualMachineInstancetype;
import io.qatvirt.webhook.mutation.InstancetypeLookup;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the API server for a {@code VirtualMachineInstancetype} (namespaced) or {@code
 * VirtualMachineClusterInstancetype} ({@code instancetype.kubevirt.io/v1beta1}) and tells whether
 * it defines {@code hostDevices}. Missing, unreadable or unreachable: {@link Answer#UNKNOWN}.
 */
public final class ClusterInstancetypeLookup implements InstancetypeLookup {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterInstancetypeLookup.class);

  private final KubernetesClient client;
  private final ObjectMapper mapper = KubeVirtJson.newMapper();

  public ClusterInstancetypeLookup(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public Answer hostDevices(String namespace, String kind, String name) {
    boolean cluster = KubeVirtResources.CLUSTER_INSTANCETYPE.getKind().equals(kind);
    if (!cluster && !KubeVirtResources.INSTANCETYPE.getKind().equals(kind)) {
      LOG.warn(
          "instancetype {} {}: unknown kind, can't tell whether it defines hostDevices",
          kind,
          name);
      return Answer.UNKNOWN;
    }
    if (!cluster && (namespace == null || namespace.isEmpty())) {
      LOG.warn("instancetype {} {}: no namespace to look it up in", kind, name);
      return Answer.UNKNOWN;
    }
    String where = cluster ? kind + " " + name : kind + " " + namespace + "/" + name;
    GenericKubernetesResource found;
    try {
      found =
          cluster
              ? client
                  .genericKubernetesResources(KubeVirtResources.CLUSTER_INSTANCETYPE)
                  .withName(name)
                  .get()
              : client
                  .genericKubernetesResources(KubeVirtResources.INSTANCETYPE)
                  .inNamespace(namespace)
                  .withName(name)
                  .get();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "instancetype {}: tried to read it, but the API server said: {}", where, e.getMessage());
      return Answer.UNKNOWN;
    }
    if (found == null) {
      LOG.info("instancetype {}: not found", where);
      return Answer.UNKNOWN;
    }
    try {
      var instancetype = mapper.convertValue(found, V1beta1VirtualMachineInstancetype.class);
      var spec = instancetype.getSpec();
      boolean defines =
          spec != null && spec.getHostDevices() != null && !spec.getHostDevices().isEmpty();
      return defines ? Answer.DEFINES_HOST_DEVICES : Answer.NO_HOST_DEVICES;
    } catch (IllegalArgumentException e) {
      LOG.warn("instancetype {}: tried to read its spec, but {}", where, e.getMessage());
      return Answer.UNKNOWN;
    }
  }
}
