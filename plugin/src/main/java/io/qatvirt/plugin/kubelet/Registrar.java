package io.qatvirt.plugin.kubelet;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.qatvirt.common.DaemonThreads;
import io.qatvirt.plugin.api.v1beta1.RegisterRequest;
import io.qatvirt.plugin.api.v1beta1.RegistrationGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers resources with kubelet through {@code kubelet.sock}: each call has a deadline and is
 * retried with exponential backoff while kubelet isn't there or refuses. A new registration of a
 * resource replaces a pending one.
 */
public final class Registrar implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);

  /** The API version this plugin speaks. */
  public static final String API_VERSION = "v1beta1";

  /** Kubelet's registration socket in the device plugin directory. */
  public static final String KUBELET_SOCKET = "kubelet.sock";

  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /**
   * The deadline starts when the call does, not when the stub is made: on a cold JVM (a slow node,
   * or emulation) loading the call's classes alone could use up a deadline set earlier.
   */
  private static final ClientInterceptor DEADLINE_FROM_CALL_START =
      new ClientInterceptor() {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(
            MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
          return next.newCall(
              method, options.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
        }
      };

  private final Path kubeletSocket;
  private final GrpcTransport transport;
  private final KubeletEvents events;
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("kubelet-registrar"));
  private final Map<String, Future<?>> pending = new ConcurrentHashMap<>();

  public Registrar(Path kubeletDir, GrpcTransport transport, KubeletEvents events) {
    this.kubeletSocket = kubeletDir.resolve(KUBELET_SOCKET);
    this.transport = transport;
    this.events = events;
  }

  /** Registers {@code resourceName} served at {@code endpoint} (a file name), now and until OK. */
  public void register(String resourceName, String endpoint) {
    RegisterRequest request =
        RegisterRequest.newBuilder()
            .setVersion(API_VERSION)
            .setEndpoint(endpoint)
            .setResourceName(resourceName)
            .setOptions(DevicePluginService.OPTIONS)
            .build();
    schedule(request, Duration.ZERO, FIRST_BACKOFF);
  }

  /** Stops retrying the registration of {@code resourceName}. */
  public void cancel(String resourceName) {
    Future<?> previous = pending.remove(resourceName);
    if (previous != null) {
      previous.cancel(false);
    }
  }

  private synchronized void schedule(RegisterRequest request, Duration delay, Duration backoff) {
    if (retries.isShutdown()) {
      return;
    }
    String resource = request.getResourceName();
    Future<?>[] self = new Future<?>[1];
    Runnable attempt =
        () -> {
          boolean accepted = attempt(request);
          synchronized (this) {
            if (pending.get(resource) != self[0]) {
              return;
            }
            if (accepted) {
              pending.remove(resource);
            } else {
              Duration next = backoff.multipliedBy(2);
              schedule(request, backoff, next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next);
            }
          }
        };
    self[0] = retries.schedule(attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
    Future<?> previous = pending.put(resource, self[0]);
    if (previous != null && previous != self[0]) {
      previous.cancel(false);
    }
  }

  private boolean attempt(RegisterRequest request) {
    ManagedChannel channel = transport.dial(kubeletSocket);
    try {
      RegistrationGrpc.newBlockingStub(channel)
          .withInterceptors(DEADLINE_FROM_CALL_START)
          .register(request);
      LOG.info(
          "registered {} with kubelet at {} (endpoint {})",
          request.getResourceName(),
          kubeletSocket,
          request.getEndpoint());
      events.registration(request.getResourceName(), true);
      return true;
    } catch (StatusRuntimeException e) {
      LOG.warn(
          "tried to register {} with kubelet at {}, but {}; retrying",
          request.getResourceName(),
          kubeletSocket,
          e.getStatus());
      events.registration(request.getResourceName(), false);
      return false;
    } finally {
      channel.shutdownNow();
    }
  }

  @Override
  public void close() {
    retries.shutdownNow();
  }
}
