package io.qatvirt.webhook.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.qatvirt.webhook.cluster.ClusterInstancetypeLookup;
import io.qatvirt.webhook.cluster.KubeVirtPermittedDevices;
import io.qatvirt.webhook.mutation.MutatorConfig;
import io.qatvirt.webhook.mutation.QatMutator;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import io.qatvirt.webhook.permitted.PermittedDevices;

/**
 * The production parts: one fabric8 client (in-cluster service account, or {@code KUBECONFIG}
 * outside a cluster) shared by the instancetype lookup and the KubeVirt CR watch.
 */
public final class ClusterWiring implements Wiring {
  @Override
  public Parts wire(
      MutatorConfig config, boolean checkPermitted, OnApiUnavailable onApiUnavailable) {
    KubernetesClient client = new KubernetesClientBuilder().build();
    PermittedDevices permitted;
    if (checkPermitted) {
      KubeVirtPermittedDevices watched = new KubeVirtPermittedDevices(client, onApiUnavailable);
      watched.start();
      permitted = watched;
    } else {
      permitted = PermittedDevices.disabled();
    }
    return new Parts(
        new QatMutator(config, new ClusterInstancetypeLookup(client)), permitted, client::close);
  }
}
