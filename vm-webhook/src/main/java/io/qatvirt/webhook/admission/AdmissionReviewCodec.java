package io.qatvirt.webhook.admission;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Reads and writes {@code admission.k8s.io/v1} AdmissionReview JSON. No I/O. */
public final class AdmissionReviewCodec {
  public static final String API_VERSION = "admission.k8s.io/v1";
  private static final String KIND = "AdmissionReview";

  private final ObjectMapper mapper;
  private final ObjectReader reader;

  public AdmissionReviewCodec(ObjectMapper mapper) {
    this.mapper = mapper;
    this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * Parses a request body, or says what is wrong with it: one JSON object, nothing after it, and of
   * duplicate members the last one counts.
   */
  public AdmissionRequest parse(byte[] body) throws BadReviewException {
    JsonNode review;
    try {
      review = reader.readTree(body);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new BadReviewException(
          "tried to read the AdmissionReview, but the body is not valid JSON: "
              + firstLine(e.getOriginalMessage())
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but the body is not valid JSON: "
              + firstLine(e.getMessage()));
    }
    if (review == null || review.isMissingNode()) {
      throw new BadReviewException("tried to read the AdmissionReview, but the body is empty");
    }
    if (!review.isObject()) {
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
        nameOf(request.path("name").asText(""), object),
        object);
  }

  private static String nameOf(String name, JsonNode object) {
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator json = mapper.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("apiVersion", API_VERSION);
      json.writeStringField("kind", KIND);
      json.writeObjectFieldStart("response");
      json.writeStringField("uid", answer.uid());
      json.writeBooleanField("allowed", answer.allowed());
      if (answer.patch().isPresent()) {
        json.writeStringField("patchType", "JSONPatch");
        // Jackson's default Base64 is the standard alphabet with padding and no line breaks
        json.writeFieldName("patch");
        json.writeBinary(answer.patch().get().getBytes(StandardCharsets.UTF_8));
      }
      if (answer.status().isPresent()) {
        json.writeObjectFieldStart("status");
        json.writeNumberField("code", answer.status().get().code());
        json.writeStringField("message", answer.status().get().message());
        json.writeEndObject();
      }
      if (!answer.warnings().isEmpty()) {
        json.writeArrayFieldStart("warnings");
        for (String warning : answer.warnings()) {
          json.writeString(warning);
        }
        json.writeEndArray();
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(
          "tried to write an AdmissionReview, but Jackson failed: " + e, e);
    }
    return out.toByteArray();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
