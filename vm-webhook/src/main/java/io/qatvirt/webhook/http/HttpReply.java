package io.qatvirt.webhook.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP response, independent of the server library.
 *
 * @param status the status code
 * @param contentType the Content-Type header
 * @param body the body bytes
 * @param headers extra headers (e.g. {@code Allow})
 * @param closeConnection whether to close the connection after it (a body was left unread)
 */
public record HttpReply(
    int status,
    String contentType,
    byte[] body,
    Map<String, String> headers,
    boolean closeConnection) {

  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";

  public HttpReply {
    headers = Map.copyOf(headers);
  }

  static HttpReply json(byte[] body) {
    return new HttpReply(200, JSON, body, Map.of(), false);
  }

  static HttpReply text(int status, String message) {
    return new HttpReply(
        status, TEXT, (message + "\n").getBytes(StandardCharsets.UTF_8), Map.of(), false);
  }
}
