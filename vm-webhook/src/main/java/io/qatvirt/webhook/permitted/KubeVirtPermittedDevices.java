package io.qatvirt.webhook.permitted;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.qatvirt.kubevirt.KubeVirtJson;
import io.qatvirt.kubevirt.model.V1KubeVirt;
import io.qatvirt.webhook.cluster.KubeVirtResources;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cluster's {@code kubevirt.io/v1} KubeVirt CRs in a fabric8 informer (list + watch) and
 * checks requests against the first of them (by namespace/name; a cluster has one) with {@link
 * PermittedHostDevicesRules}. When the API server can't be asked (not yet listed, or the watch is
 * down) the {@link OnApiUnavailable} policy decides.
 */
public final class KubeVirtPermittedDevices implements PermittedDevices {
  private static final Logger LOG = LoggerFactory.getLogger(KubeVirtPermittedDevices.class);

  private final KubernetesClient client;
  private final OnApiUnavailable policy;
  private final ObjectMapper mapper = KubeVirtJson.newMapper();
  private volatile SharedIndexInformer<GenericKubernetesResource> informer;

  public KubeVirtPermittedDevices(KubernetesClient client, OnApiUnavailable policy) {
    this.client = Objects.requireNonNull(client, "client");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Starts listing and watching KubeVirt CRs in the background; returns at once. */
  public synchronized void start() {
    if (informer != null) {
      return;
    }
    SharedIndexInformer<GenericKubernetesResource> created =
        client
            .genericKubernetesResources(KubeVirtResources.KUBEVIRT)
            .inAnyNamespace()
            .runnableInformer(0);
    created.exceptionHandler(
        (started, t) -> {
          LOG.warn("KubeVirt CRs: tried to list/watch them, but {}; retrying", String.valueOf(t));
          return true;
        });
    informer = created;
    created
        .start()
        .whenComplete(
            (ok, failure) -> {
              if (failure == null) {
                LOG.info("KubeVirt CRs: synced, {} found", created.getStore().list().size());
              } else {
                LOG.warn("KubeVirt CRs: informer stopped: {}", failure.toString());
              }
            });
  }

  @Override
  public PermitDecision check(Collection<String> resourceNames) {
    return check("a VM", resourceNames);
  }

  @Override
  public PermitDecision check(String subject, Collection<String> resourceNames) {
    if (resourceNames.isEmpty()) {
      return new PermitDecision.Permit(Optional.empty());
    }
    SharedIndexInformer<GenericKubernetesResource> current = informer;
    if (current == null || !current.hasSynced() || !current.isWatching()) {
      String why =
          current == null
              ? "the KubeVirt CR watch was never started"
              : !current.hasSynced()
                  ? "the KubeVirt CRs have not been listed yet (API server unreachable?)"
                  : "the watch on KubeVirt CRs is down (API server unreachable?)";
      return unavailable(subject, resourceNames, why);
    }
    List<GenericKubernetesResource> crs =
        current.getStore().list().stream()
            .sorted(
                Comparator.comparing((GenericKubernetesResource r) -> ns(r))
                    .thenComparing(r -> r.getMetadata().getName()))
            .toList();
    if (crs.isEmpty()) {
      return new PermitDecision.Permit(
          Optional.of(
              "could not check that KubeVirt permits "
                  + String.join(", ", resourceNames)
                  + ": there is no KubeVirt CR in the cluster"));
    }
    GenericKubernetesResource cr = crs.get(0);
    String ref = ns(cr) + "/" + cr.getMetadata().getName();
    V1KubeVirt kubevirt;
    try {
      kubevirt = mapper.convertValue(cr, V1KubeVirt.class);
    } catch (IllegalArgumentException e) {
      return unavailable(
          subject,
          resourceNames,
          "the KubeVirt CR " + ref + " could not be read: " + e.getMessage());
    }
    return PermittedHostDevicesRules.decide(subject, ref, kubevirt, resourceNames);
  }

  private PermitDecision unavailable(String subject, Collection<String> resources, String why) {
    String names = String.join(", ", resources.stream().sorted().toList());
    return switch (policy) {
      case ALLOW ->
          new PermitDecision.Permit(
              Optional.of(
                  "could not check that KubeVirt permits " + names + " (" + why + "); admitted"));
      case DENY ->
          new PermitDecision.Deny(
              "tried to check that KubeVirt permits "
                  + names
                  + " for "
                  + subject
                  + ", but "
                  + why
                  + ": retry once the API server is reachable");
    };
  }

  /** True once the KubeVirt CRs have been listed (stays true while the watch reconnects). */
  @Override
  public boolean ready() {
    SharedIndexInformer<GenericKubernetesResource> current = informer;
    return current != null && current.hasSynced();
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
    }
  }

  private static String ns(GenericKubernetesResource r) {
    return r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace();
  }
}
