package io.qatvirt.webhook.cli;

import io.qatvirt.webhook.mutation.MutatorConfig;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import io.qatvirt.webhook.testing.FakeMutator;
import io.qatvirt.webhook.testing.FakePermittedDevices;
import java.util.concurrent.atomic.AtomicBoolean;

/** Wiring with fakes that remembers what the command asked for and whether it closed it. */
final class RecordingWiring implements Wiring {
  record Asked(MutatorConfig config, boolean checkPermitted, OnApiUnavailable onApiUnavailable) {}

  final FakePermittedDevices permitted = new FakePermittedDevices();
  final AtomicBoolean resourcesClosed = new AtomicBoolean();
  volatile Asked asked;

  @Override
  public Parts wire(MutatorConfig config, boolean checkPermitted, OnApiUnavailable onApi) {
    asked = new Asked(config, checkPermitted, onApi);
    return new Parts(new FakeMutator(), permitted, () -> resourcesClosed.set(true));
  }
}
