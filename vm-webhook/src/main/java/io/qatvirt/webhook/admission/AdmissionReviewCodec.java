package io.qatvirt.webhook.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads and writes {@code admission.k8s.io/v1} AdmissionReview JSON. No I/O. */
public final class AdmissionReviewCodec {
  public static final String API_VERSION = "admission.k8s.io/v1";
  private static final String KIND = "AdmissionReview";

  private final ObjectMapper mapper;

  public AdmissionReviewCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Parses a request body, or says what is wrong with it. */
  public AdmissionRequest parse(byte[] body) throws BadReviewException {
    JsonNode review;
    try {
      review = mapper.readTree(body);
    } catch (IOException e) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but the body is not valid JSON: "
              + firstLine(e.getMessage()));
    }
    if (review == null || !review.isObject()) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but the body is not a JSON object");
    }
    String apiVersion = review.path("apiVersion").asText("");
    if (!API_VERSION.equals(apiVersion)) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but its apiVersion is '"
              + apiVersion
              + "'; this webhook speaks "
              + API_VERSION
              + " only: set admissionReviewVersions: [\"v1\"] in the"
              + " MutatingWebhookConfiguration");
    }
    if (!KIND.equals(review.path("kind").asText(""))) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but its kind is '"
              + review.path("kind").asText("")
              + "', not AdmissionReview");
    }
    JsonNode request = review.path("request");
    if (!request.isObject()) {
      throw new BadReviewException("tried to read the AdmissionReview, but it has no request");
    }
    JsonNode uid = request.path("uid");
    if (!uid.isTextual() || uid.asText().isBlank()) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but request.uid is missing or empty");
    }
    JsonNode object = request.path("object");
    if (object.isNull()) {
      object = MissingNode.getInstance();
    }
    return new AdmissionRequest(
        uid.asText(),
        request.path("kind").path("kind").asText(""),
        request.path("operation").asText(""),
        request.path("namespace").asText(""),
        nameOf(request, object),
        object);
  }

  private static String nameOf(JsonNode request, JsonNode object) {
    String name = request.path("name").asText("");
    if (!name.isEmpty()) {
      return name;
    }
    JsonNode metadata = object.path("metadata");
    name = metadata.path("name").asText("");
    if (!name.isEmpty()) {
      return name;
    }
    String generateName = metadata.path("generateName").asText("");
    return generateName.isEmpty() ? "" : generateName + "*";
  }

  /** The JSON text of a patch, for {@link AdmissionResponse#patch()}. */
  public String patchText(ArrayNode patch) {
    try {
      return mapper.writeValueAsString(patch);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("tried to write a JSON Patch, but Jackson failed: " + e, e);
    }
  }

  /** The response body: an AdmissionReview whose {@code response} is {@code answer}. */
  public byte[] write(AdmissionResponse answer) {
    ObjectNode review = mapper.createObjectNode();
    review.put("apiVersion", API_VERSION);
    review.put("kind", KIND);
    ObjectNode response = review.putObject("response");
    response.put("uid", answer.uid());
    response.put("allowed", answer.allowed());
    answer
        .patch()
        .ifPresent(
            patch -> {
              response.put("patchType", "JSONPatch");
              response.put(
                  "patch",
                  Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
            });
    answer
        .status()
        .ifPresent(
            status -> {
              ObjectNode node = response.putObject("status");
              node.put("code", status.code());
              node.put("message", status.message());
            });
    if (!answer.warnings().isEmpty()) {
      ArrayNode warnings = response.putArray("warnings");
      answer.warnings().forEach(warnings::add);
    }
    try {
      return mapper.writeValueAsBytes(review);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "tried to write an AdmissionReview, but Jackson failed: " + e, e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
