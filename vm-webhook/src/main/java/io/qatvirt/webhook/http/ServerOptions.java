package io.qatvirt.webhook.http;

import java.time.Duration;

/**
 * How the HTTPS server runs.
 *
 * @param bindAddress the address to listen on ({@code 0.0.0.0} in a pod, {@code 127.0.0.1} in
 *     tests)
 * @param port the TCP port; 0 picks a free one
 * @param maxConcurrency requests handled at once; more wait up to {@code queueTimeout}, then get
 *     503
 * @param queueTimeout how long a request may wait for a free slot
 * @param idleTimeout how long a connection may stay silent, including mid-request (slow clients)
 * @param drainTimeout how long in-flight requests may take to finish at shutdown
 * @param maxBodyBytes the largest request body accepted
 */
public record ServerOptions(
    String bindAddress,
    int port,
    int maxConcurrency,
    Duration queueTimeout,
    Duration idleTimeout,
    Duration drainTimeout,
    long maxBodyBytes) {

  /** 3 MiB: the API server's own limit on an object is about 3 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 3L * 1024 * 1024;

  public ServerOptions {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be positive: " + maxConcurrency);
    }
  }
}
