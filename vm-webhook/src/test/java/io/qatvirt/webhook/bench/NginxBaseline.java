package io.qatvirt.webhook.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx on 127.0.0.1, configured in a temp folder, answering every {@code POST /mutate}
 * with one fixed AdmissionReview over TLS: the floor a webhook can't beat on this machine.
 */
final class NginxBaseline implements AutoCloseable {
  private final Process process;
  private final int port;

  NginxBaseline(Path workDir, Path certFile, Path keyFile, String response) throws Exception {
    if (response.contains("$") || response.contains("\\")) {
      throw new IllegalArgumentException("the fixed response must not contain $ or \\ for nginx");
    }
    port = freePort();
    Path prefix = Files.createDirectories(workDir.resolve("nginx"));
    Files.createDirectories(prefix.resolve("logs"));
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "worker_processes auto;",
            "pid " + prefix.resolve("nginx.pid") + ";",
            "error_log " + prefix.resolve("logs/error.log") + " warn;",
            "events { worker_connections 1024; }",
            "http {",
            "  access_log off;",
            "  client_body_temp_path " + prefix.resolve("body") + ";",
            "  proxy_temp_path " + prefix.resolve("proxy") + ";",
            "  fastcgi_temp_path " + prefix.resolve("fastcgi") + ";",
            "  uwsgi_temp_path " + prefix.resolve("uwsgi") + ";",
            "  scgi_temp_path " + prefix.resolve("scgi") + ";",
            "  keepalive_requests 10000000;",
            "  client_max_body_size 3m;",
            "  client_body_buffer_size 16k;",
            "  server {",
            "    listen 127.0.0.1:" + port + " ssl;",
            "    ssl_protocols TLSv1.2 TLSv1.3;",
            "    ssl_certificate " + certFile + ";",
            "    ssl_certificate_key " + keyFile + ";",
            "    location = /healthz {",
            "      default_type text/plain;",
            "      return 200 'ok\\n';",
            "    }",
            "    location = /mutate {",
            "      default_type application/json;",
            "      return 200 '" + response.replace("'", "\\'") + "';",
            "    }",
            "  }",
            "}",
            ""),
        StandardCharsets.UTF_8);
    process =
        new ProcessBuilder(
                "nginx",
                "-p",
                prefix.toString(),
                "-e",
                prefix.resolve("logs/error.log").toString(),
                "-c",
                conf.toString(),
                "-g",
                "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
            .start();
    waitForPort();
  }

  int port() {
    return port;
  }

  /** CPU time of the master and its workers so far. */
  java.time.Duration cpu() {
    java.time.Duration total =
        process.toHandle().info().totalCpuDuration().orElse(java.time.Duration.ZERO);
    for (ProcessHandle child : process.toHandle().descendants().toList()) {
      total = total.plus(child.info().totalCpuDuration().orElse(java.time.Duration.ZERO));
    }
    return total;
  }

  private void waitForPort() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("tried to start nginx, but it exited with " + process.exitValue());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("tried to start nginx, but port " + port + " never opened");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: nginx's fast shutdown, master and workers
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
