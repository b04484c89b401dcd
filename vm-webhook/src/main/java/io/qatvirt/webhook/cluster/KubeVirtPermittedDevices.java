package io.qatvirt.webhook.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.qatvirt.common.DaemonThreads;
import io.qatvirt.kubevirt.KubeVirtJson;
import io.qatvirt.kubevirt.model.ObjectMeta;
import io.qatvirt.kubevirt.model.V1KubeVirt;
import io.qatvirt.kubevirt.model.V1KubeVirtConfiguration;
import io.qatvirt.kubevirt.model.V1KubeVirtSpec;
import io.qatvirt.webhook.permitted.KubeVirtCrManager;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import io.qatvirt.webhook.permitted.PermitDecision;
import io.qatvirt.webhook.permitted.PermittedDevices;
import io.qatvirt.webhook.permitted.PermittedHostDevicesRules;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cluster's {@code kubevirt.io/v1} KubeVirt CRs in a fabric8 informer (list + watch) and
 * checks requests against the first of them (by namespace/name; a cluster has one) with {@link
 * PermittedHostDevicesRules}, telling them from its labels whether HCO manages it; the same CR
 * gives the cluster's default {@code evictionStrategy}.
 *
 * <p>The informer's watch reconnects on its own and never says that the API server is gone, so a
 * check lists KubeVirt CRs (limit 1) every {@code apiCheckInterval}: while the last check failed,
 * or before the first list, the {@link OnApiUnavailable} policy decides.
 */
public final class KubeVirtPermittedDevices implements PermittedDevices {
  private static final Logger LOG = LoggerFactory.getLogger(KubeVirtPermittedDevices.class);
  public static final Duration DEFAULT_API_CHECK_INTERVAL = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final OnApiUnavailable policy;
  private final Duration apiCheckInterval;
  private final ObjectMapper mapper = KubeVirtJson.newMapper();
  private volatile SharedIndexInformer<GenericKubernetesResource> informer;
  private volatile Converted converted;
  private volatile boolean lastApiCheckFailed;
  private ScheduledExecutorService apiChecker;

  public KubeVirtPermittedDevices(KubernetesClient client, OnApiUnavailable policy) {
    this(client, policy, DEFAULT_API_CHECK_INTERVAL);
  }

  public KubeVirtPermittedDevices(
      KubernetesClient client, OnApiUnavailable policy, Duration apiCheckInterval) {
    this.client = Objects.requireNonNull(client, "client");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.apiCheckInterval = Objects.requireNonNull(apiCheckInterval, "apiCheckInterval");
  }

  /** Starts listing and watching KubeVirt CRs, and probing the API server; returns at once. */
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
          LOG.warn("KubeVirt CRs: tried to list/watch them, but {}; retrying", t.toString());
          return true;
        });
    informer = created;
    created
        .start()
        .whenComplete(
            (ok, failure) -> {
              if (failure == null) {
                LOG.info("KubeVirt CRs: listed, {} found", created.getStore().list().size());
              } else {
                LOG.warn("KubeVirt CRs: informer stopped: {}", failure.toString());
              }
            });
    apiChecker =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("api-server-check"));
    long millis = apiCheckInterval.toMillis();
    apiChecker.scheduleWithFixedDelay(this::checkApiServer, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void checkApiServer() {
    try {
      client
          .genericKubernetesResources(KubeVirtResources.KUBEVIRT)
          .inAnyNamespace()
          .list(new ListOptionsBuilder().withLimit(1L).build());
      if (lastApiCheckFailed) {
        LOG.info("KubeVirt CRs: the API server answers again");
      }
      lastApiCheckFailed = false;
    } catch (KubernetesClientException e) {
      if (!lastApiCheckFailed) {
        LOG.warn("KubeVirt CRs: tried to list them, but {}", e.getMessage());
      }
      lastApiCheckFailed = true;
    } catch (RuntimeException e) {
      LOG.warn("KubeVirt CRs: tried to list them, but {}", e.toString());
      lastApiCheckFailed = true;
    }
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
    if (current == null) {
      return unavailable(subject, resourceNames, "the KubeVirt CR watch was never started");
    }
    if (!current.hasSynced()) {
      return unavailable(
          subject,
          resourceNames,
          "the KubeVirt CRs have not been listed yet (API server unreachable?)");
    }
    if (lastApiCheckFailed) {
      return unavailable(
          subject, resourceNames, "the API server did not answer the last list of KubeVirt CRs");
    }
    Optional<GenericKubernetesResource> first = firstCr(current);
    if (first.isEmpty()) {
      return new PermitDecision.Permit(
          Optional.of(
              "could not check that KubeVirt permits "
                  + String.join(", ", resourceNames.stream().sorted().toList())
                  + ": there is no KubeVirt CR in the cluster"));
    }
    GenericKubernetesResource cr = first.get();
    String ref = ns(cr) + "/" + cr.getMetadata().getName();
    V1KubeVirt kubevirt;
    try {
      kubevirt = model(cr);
    } catch (IllegalArgumentException e) {
      return unavailable(
          subject,
          resourceNames,
          "the KubeVirt CR " + ref + " could not be read: " + e.getMessage());
    }
    return PermittedHostDevicesRules.decide(
        subject, ref, managerOf(cr, kubevirt), kubevirt, resourceNames);
  }

  /** Who manages the CR, as its labels say (HCO labels the KubeVirt CR it writes). */
  private static KubeVirtCrManager managerOf(GenericKubernetesResource cr, V1KubeVirt kubevirt) {
    Map<String, String> labels =
        Optional.ofNullable(kubevirt.getMetadata()).map(ObjectMeta::getLabels).orElse(Map.of());
    return KubeVirtCrManager.of(ns(cr), cr.getMetadata().getName(), labels);
  }

  /**
   * From the CR the informer last saw, also while the API server is unreachable: a default that was
   * true a minute ago is the best guess, and it only decides a warning.
   */
  @Override
  public Optional<String> defaultEvictionStrategy() {
    SharedIndexInformer<GenericKubernetesResource> current = informer;
    if (current == null || !current.hasSynced()) {
      return Optional.empty();
    }
    try {
      return firstCr(current)
          .map(this::model)
          .map(V1KubeVirt::getSpec)
          .map(V1KubeVirtSpec::getConfiguration)
          .map(V1KubeVirtConfiguration::getEvictionStrategy);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The first KubeVirt CR by namespace/name (a cluster has one). */
  private static Optional<GenericKubernetesResource> firstCr(
      SharedIndexInformer<GenericKubernetesResource> informer) {
    return informer.getStore().list().stream()
        .min(
            Comparator.comparing((GenericKubernetesResource r) -> ns(r))
                .thenComparing(r -> r.getMetadata().getName()));
  }

  /**
   * The CR read into the model, once per version: the informer's store holds a new object for each
   * change, and converting the whole CR was the most expensive part of a check.
   */
  private V1KubeVirt model(GenericKubernetesResource cr) {
    Converted last = converted;
    if (last != null && last.source() == cr) {
      return last.kubevirt();
    }
    V1KubeVirt kubevirt = mapper.convertValue(cr, V1KubeVirt.class);
    converted = new Converted(cr, kubevirt);
    return kubevirt;
  }

  /** A CR as the store holds it, and its model (only read, never changed). */
  private record Converted(GenericKubernetesResource source, V1KubeVirt kubevirt) {}

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

  /** True once the KubeVirt CRs have been listed (stays true through later outages). */
  @Override
  public boolean ready() {
    SharedIndexInformer<GenericKubernetesResource> current = informer;
    return current != null && current.hasSynced();
  }

  @Override
  public synchronized void close() {
    if (apiChecker != null) {
      apiChecker.shutdownNow();
    }
    if (informer != null) {
      informer.close();
    }
  }

  private static String ns(GenericKubernetesResource r) {
    return r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace();
  }
}
