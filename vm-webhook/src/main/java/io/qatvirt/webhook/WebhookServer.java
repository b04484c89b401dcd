package io.qatvirt.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.webhook.admission.AdmissionController;
import io.qatvirt.webhook.admission.AdmissionReviewCodec;
import io.qatvirt.webhook.http.HttpsTransport;
import io.qatvirt.webhook.http.Readiness;
import io.qatvirt.webhook.http.ServerOptions;
import io.qatvirt.webhook.http.TransportFactory;
import io.qatvirt.webhook.http.WebhookEndpoints;
import io.qatvirt.webhook.metrics.WebhookMetrics;
import io.qatvirt.webhook.mutation.Mutator;
import io.qatvirt.webhook.permitted.PermittedDevices;
import io.qatvirt.webhook.tls.CertificateReloader;
import io.qatvirt.webhook.tls.KeyMaterial;
import io.qatvirt.webhook.tls.KeyMaterialException;
import io.qatvirt.webhook.tls.PemKeyPairFiles;
import io.qatvirt.webhook.tls.ReloadingKeyManager;
import io.qatvirt.webhook.tls.ServerTls;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The running webhook: TLS material with reload, metrics, the admission controller and the HTTPS
 * transport, wired from their parts. The mutator and the permitted-devices check come in from
 * outside (real ones from the CLI, fakes in tests).
 */
public final class WebhookServer implements AutoCloseable {
  private final ReloadingKeyManager keyManager;
  private final CertificateReloader reloader;
  private final HttpsTransport transport;
  private final Duration tlsReloadPeriod;

  public WebhookServer(
      ServerOptions options,
      PemKeyPairFiles tlsFiles,
      Duration tlsReloadPeriod,
      Mutator mutator,
      PermittedDevices permitted,
      TransportFactory transports,
      Clock clock)
      throws KeyMaterialException {
    this.tlsReloadPeriod = tlsReloadPeriod;
    keyManager = new ReloadingKeyManager(tlsFiles.load());
    WebhookMetrics metrics =
        new WebhookMetrics(() -> keyManager.current().notAfter().getEpochSecond() * 1.0);
    reloader =
        new CertificateReloader(
            tlsFiles,
            keyManager,
            new CertificateReloader.Listener() {
              @Override
              public void reloaded(KeyMaterial material) {
                metrics.certificateReloaded(true);
              }

              @Override
              public void rejected(String message) {
                metrics.certificateReloaded(false);
              }
            });
    AdmissionReviewCodec codec = new AdmissionReviewCodec(new ObjectMapper());
    Readiness readiness =
        () -> {
          KeyMaterial current = keyManager.current();
          if (!current.validAt(clock.instant())) {
            return Optional.of("the TLS certificate " + current.describe() + " is not valid now");
          }
          if (!permitted.ready()) {
            return Optional.of("the KubeVirt configuration has not been read yet");
          }
          return Optional.empty();
        };
    WebhookEndpoints endpoints =
        new WebhookEndpoints(
            new AdmissionController(mutator, permitted, codec),
            codec,
            readiness,
            metrics,
            options.maxBodyBytes());
    transport = transports.create(options, ServerTls.context(keyManager), endpoints);
  }

  public void start() throws Exception {
    transport.start();
    reloader.start(tlsReloadPeriod);
  }

  public int port() {
    return transport.port();
  }

  /** The certificate new handshakes get. */
  public KeyMaterial currentCertificate() {
    return keyManager.current();
  }

  /** Stops accepting, drains in-flight requests (bounded), stops watching the certificate. */
  @Override
  public void close() {
    reloader.close();
    transport.close();
  }
}
