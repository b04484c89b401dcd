package io.qatvirt.webhook.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** AdmissionReview bodies for tests. */
public final class Reviews {
  private Reviews() {}

  /** The ~6 KB VMI CREATE review in test resources (asks for 2 {@code qat.intel.com/generic}). */
  public static String vmiCreate() {
    try (InputStream in = Reviews.class.getResourceAsStream("/admission/vmi-create-review.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A small review of {@code kind} named {@code name} whose generic annotation is {@code qat}. */
  public static String review(String uid, String kind, String name, String qat) {
    String annotations = qat == null ? "{}" : "{\"qat.intel.com/generic\":\"" + qat + "\"}";
    return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
        + "\"uid\":\""
        + uid
        + "\",\"kind\":{\"group\":\"kubevirt.io\",\"version\":\"v1\",\"kind\":\""
        + kind
        + "\"},\"operation\":\"CREATE\",\"namespace\":\"vnf\",\"name\":\""
        + name
        + "\",\"object\":{\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\"vnf\",\"annotations\":"
        + annotations
        + "},\"spec\":{\"domain\":{\"devices\":{}}}}}}";
  }
}
