package io.qatvirt.plugin.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The java.net views of Unix socket channels that gRPC's OkHttp transport runs on. */
class UnixDomainSocketTest {
  @TempDir Path dir;

  private Path path;
  private UnixDomainServerSocket server;

  @BeforeEach
  void listen() throws IOException {
    path = dir.resolve("test.sock");
    server = new UnixDomainServerSocket();
    server.bind(UnixDomainSocketAddress.of(path));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void bindsTheSocketFileAndReportsItsAddress() {
    assertTrue(Files.exists(path));
    assertTrue(server.isBound());
    assertFalse(server.isClosed());
    assertEquals(UnixDomainSocketAddress.of(path), server.getLocalSocketAddress());
  }

  @Test
  void closingRemovesTheSocketFile() throws IOException {
    server.close();
    assertFalse(Files.exists(path));
  }

  @Test
  void refusesToBindAnInternetAddress() throws IOException {
    try (UnixDomainServerSocket other = new UnixDomainServerSocket()) {
      SocketException e =
          assertThrows(
              SocketException.class, () -> other.bind(new InetSocketAddress("127.0.0.1", 0)));
      assertEquals("not a Unix socket address: /127.0.0.1:0", e.getMessage());
      assertFalse(other.isBound());
    }
  }

  @Test
  void carriesBytesBothWays() throws Exception {
    CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(this::acceptOne);
    try (Socket client = UnixDomainSocket.connect(path);
        Socket peer = accepted.get(5, TimeUnit.SECONDS)) {
      assertTrue(client.isConnected());
      assertEquals(UnixDomainSocketAddress.of(path), client.getRemoteSocketAddress());
      assertEquals(UnixDomainSocketAddress.of(path), peer.getLocalSocketAddress());

      client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals(
          "ping".getBytes(StandardCharsets.US_ASCII), readN(peer.getInputStream(), 4));
      peer.getOutputStream().write(0xfe);
      assertEquals(0xfe, client.getInputStream().read());

      peer.shutdownOutput();
      assertEquals(-1, client.getInputStream().read());
    }
  }

  /**
   * OkHttp reads on one thread and writes on another. A write must not wait for a read that is
   * blocked (as it would with the streams of java.nio.channels.Channels on JDK 17, which hold one
   * lock for both).
   */
  @Test
  void writesWhileAnotherThreadIsBlockedReading() throws Exception {
    CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(this::acceptOne);
    try (Socket client = UnixDomainSocket.connect(path);
        Socket peer = accepted.get(5, TimeUnit.SECONDS)) {
      CompletableFuture<byte[]> reply = blockedIn(() -> readN(inputOf(client), 4));
      assertFalse(reply.isDone());

      CompletableFuture<Void> write =
          CompletableFuture.runAsync(
              () -> {
                try {
                  client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      write.get(5, TimeUnit.SECONDS);
      assertArrayEquals(
          "ping".getBytes(StandardCharsets.US_ASCII), readN(peer.getInputStream(), 4));
      peer.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
      assertArrayEquals("pong".getBytes(StandardCharsets.US_ASCII), reply.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void closingWakesABlockedReader() throws Exception {
    CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(this::acceptOne);
    try (Socket client = UnixDomainSocket.connect(path);
        Socket peer = accepted.get(5, TimeUnit.SECONDS)) {
      InputStream in = client.getInputStream();
      CompletableFuture<Integer> read =
          blockedIn(
              () -> {
                try {
                  return in.read();
                } catch (IOException e) {
                  return -2;
                }
              });
      client.close();
      assertEquals(-2, read.get(5, TimeUnit.SECONDS));
      assertTrue(client.isClosed());
      SocketException e = assertThrows(SocketException.class, client::getInputStream);
      assertEquals("Socket is closed", e.getMessage());
    }
  }

  @Test
  void closingTheServerSocketEndsABlockedAccept() throws Exception {
    CompletableFuture<Boolean> accept =
        blockedIn(
            () -> {
              try {
                server.accept().close();
                return false;
              } catch (IOException e) {
                return true;
              }
            });
    server.close();
    assertTrue(accept.get(5, TimeUnit.SECONDS));
    assertTrue(server.isClosed());
  }

  @Test
  void connectingToAMissingSocketFails() {
    assertThrows(IOException.class, () -> UnixDomainSocket.connect(dir.resolve("absent.sock")));
  }

  @Test
  void tcpOnlyOptionsAreHarmlessAndTimeoutsRefused() throws Exception {
    CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(this::acceptOne);
    try (Socket client = UnixDomainSocket.connect(path);
        Socket peer = accepted.get(5, TimeUnit.SECONDS)) {
      client.setTcpNoDelay(true);
      assertTrue(client.getTcpNoDelay());
      client.setSoTimeout(0);
      assertEquals(0, client.getSoTimeout());
      SocketException e = assertThrows(SocketException.class, () -> client.setSoTimeout(1000));
      assertEquals("read timeouts are not supported on this Unix socket", e.getMessage());
    }
  }

  private Socket acceptOne() {
    try {
      return server.accept();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private static InputStream inputOf(Socket socket) {
    try {
      return socket.getInputStream();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private static byte[] readN(InputStream in, int n) {
    try {
      return in.readNBytes(n);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  /**
   * Runs {@code call} on a thread of its own and returns once that thread sits in a blocking call
   * of a JDK channel (a native method of {@code sun.nio.ch}), or has finished.
   */
  private static <T> CompletableFuture<T> blockedIn(Supplier<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(call.get());
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
              }
            },
            "blocking-call");
    thread.setDaemon(true);
    thread.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                result.isDone()
                    || Arrays.stream(thread.getStackTrace())
                        .anyMatch(
                            f -> f.isNativeMethod() && f.getClassName().startsWith("sun.nio.ch.")));
    return result;
  }
}
