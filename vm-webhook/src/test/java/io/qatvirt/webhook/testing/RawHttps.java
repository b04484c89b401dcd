package io.qatvirt.webhook.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** One HTTP/1.1 connection over TLS, written and read by hand, for what HttpClient won't do. */
public final class RawHttps implements Closeable {

  /** A response as read off the wire. */
  public record Response(int status, Map<String, String> headers, String body) {}

  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttps(SSLContext context, int port, int readTimeoutMillis) throws IOException {
    socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(readTimeoutMillis);
    socket.startHandshake();
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** The serial number (hex, upper case) of the certificate the server presented. */
  public String serverSerial() throws IOException {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
        .getSerialNumber()
        .toString(16)
        .toUpperCase(Locale.ROOT);
  }

  public void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** A complete POST with a Content-Length body. */
  public void post(String path, String contentType, byte[] body) throws IOException {
    send(
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            + contentType
            + "\r\nContent-Length: "
            + body.length
            + "\r\n\r\n");
    send(body);
  }

  /** Reads one response with a Content-Length body; empty at end of stream. */
  public Optional<Response> read() throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      return Optional.empty();
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new HashMap<>();
    String header;
    while ((header = line()) != null && !header.isEmpty()) {
      int colon = header.indexOf(':');
      headers.put(
          header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          header.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return Optional.of(new Response(status, headers, new String(body, StandardCharsets.UTF_8)));
  }

  /** True when the server closed the connection (end of stream or reset) before sending more. */
  public boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      bytes.write(c);
    }
    return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
