package io.qatvirt.webhook.admission;

import java.util.List;
import java.util.Optional;

/**
 * The webhook's answer to one AdmissionReview.
 *
 * @param uid the request's uid
 * @param allowed whether the object is admitted
 * @param patch the JSON Patch document (a JSON array, UTF-8) when there is one to apply
 * @param status for a denial: the HTTP-like code and the message the user sees
 * @param warnings shown to the client by the API server
 */
public record AdmissionResponse(
    String uid,
    boolean allowed,
    Optional<String> patch,
    Optional<Status> status,
    List<String> warnings) {

  /** {@code response.status} of a denial. */
  public record Status(int code, String message) {}

  public AdmissionResponse {
    warnings = List.copyOf(warnings);
  }

  public static AdmissionResponse allow(String uid) {
    return new AdmissionResponse(uid, true, Optional.empty(), Optional.empty(), List.of());
  }

  public static AdmissionResponse deny(String uid, int code, String message) {
    return new AdmissionResponse(
        uid, false, Optional.empty(), Optional.of(new Status(code, message)), List.of());
  }
}
