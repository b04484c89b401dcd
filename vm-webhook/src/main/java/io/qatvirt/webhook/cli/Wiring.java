package io.qatvirt.webhook.cli;

import io.qatvirt.webhook.mutation.Mutator;
import io.qatvirt.webhook.mutation.MutatorConfig;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import io.qatvirt.webhook.permitted.PermittedDevices;

/** Builds the parts that talk to the cluster; the CLI owns and closes what it returns. */
@FunctionalInterface
public interface Wiring {

  /**
   * @param mutator decides patches
   * @param permitted checks KubeVirt's configuration (already started)
   * @param resources closed at shutdown, after the server (e.g. the Kubernetes client)
   */
  record Parts(Mutator mutator, PermittedDevices permitted, AutoCloseable resources) {}

  /**
   * @param checkPermitted false for {@code --check-permitted=false}: use {@link
   *     PermittedDevices#disabled()}
   */
  Parts wire(MutatorConfig config, boolean checkPermitted, OnApiUnavailable onApiUnavailable);
}
