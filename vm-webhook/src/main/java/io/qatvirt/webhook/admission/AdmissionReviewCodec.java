package io.qatvirt.webhook.admission;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.qatvirt.webhook.mutation.ObjectProjection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads and writes {@code admission.k8s.io/v1} AdmissionReview JSON. No I/O. */
public final class AdmissionReviewCodec {
  public static final String API_VERSION = "admission.k8s.io/v1";
  private static final String KIND = "AdmissionReview";

  /** What of {@code request.object} is kept: at least the names {@link #nameOf} reads. */
  private static final ObjectProjection NAMES =
      ObjectProjection.members()
          .with("metadata", ObjectProjection.members("name", "generateName", "namespace"));

  private final ObjectMapper mapper;
  private final ObjectProjection objectFields;

  /** A codec that keeps the whole {@code request.object}. */
  public AdmissionReviewCodec(ObjectMapper mapper) {
    this(mapper, ObjectProjection.ALL);
  }

  /**
   * A codec that keeps of {@code request.object} only what {@code objectFields} names (and the
   * metadata names log lines use); the rest of the review is read past without being kept.
   */
  public AdmissionReviewCodec(ObjectMapper mapper, ObjectProjection objectFields) {
    this.mapper = mapper;
    this.objectFields = objectFields.union(NAMES);
  }

  /** The members of an AdmissionReview this codec keeps; duplicates: the last one counts. */
  private static final class Review {
    String apiVersion = "";
    String kind = "";
    boolean hasRequest;
    String uid;
    String requestKind = "";
    String operation = "";
    String namespace = "";
    String name = "";
    JsonNode object = MissingNode.getInstance();
  }

  /** Parses a request body, or says what is wrong with it. */
  public AdmissionRequest parse(byte[] body) throws BadReviewException {
    Review review;
    try (JsonParser parser = mapper.createParser(body)) {
      review = read(parser);
    } catch (IOException e) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but the body is not valid JSON: "
              + firstLine(e.getMessage()));
    }
    if (review == null) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but the body is not a JSON object");
    }
    if (!API_VERSION.equals(review.apiVersion)) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but its apiVersion is '"
              + review.apiVersion
              + "'; this webhook speaks "
              + API_VERSION
              + " only: set admissionReviewVersions: [\"v1\"] in the"
              + " MutatingWebhookConfiguration");
    }
    if (!KIND.equals(review.kind)) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but its kind is '"
              + review.kind
              + "', not AdmissionReview");
    }
    if (!review.hasRequest) {
      throw new BadReviewException("tried to read the AdmissionReview, but it has no request");
    }
    if (review.uid == null || review.uid.isBlank()) {
      throw new BadReviewException(
          "tried to read the AdmissionReview, but request.uid is missing or empty");
    }
    return new AdmissionRequest(
        review.uid,
        review.requestKind,
        review.operation,
        review.namespace,
        nameOf(review.name, review.object),
        review.object);
  }

  /**
   * Reads the whole first JSON value (so that any syntax error in it is reported), keeping only
   * what {@link Review} holds; null when that value is not an object.
   */
  private Review read(JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return null;
    }
    Review review = new Review();
    String member;
    while ((member = parser.nextFieldName()) != null) {
      parser.nextToken();
      switch (member) {
        case "apiVersion" -> review.apiVersion = text(parser);
        case "kind" -> review.kind = text(parser);
        case "request" -> {
          review.hasRequest = parser.currentToken() == JsonToken.START_OBJECT;
          if (review.hasRequest) {
            readRequest(parser, review);
          } else {
            parser.skipChildren();
          }
        }
        default -> parser.skipChildren();
      }
    }
    return review;
  }

  private void readRequest(JsonParser parser, Review review) throws IOException {
    review.uid = null;
    review.requestKind = "";
    review.operation = "";
    review.namespace = "";
    review.name = "";
    review.object = MissingNode.getInstance();
    String member;
    while ((member = parser.nextFieldName()) != null) {
      parser.nextToken();
      switch (member) {
        case "uid" ->
            review.uid = parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
        case "kind" -> review.requestKind = groupVersionKind(parser);
        case "operation" -> review.operation = text(parser);
        case "namespace" -> review.namespace = text(parser);
        case "name" -> review.name = text(parser);
        case "object" -> {
          JsonNode object = objectFields.read(parser, mapper);
          review.object = object.isNull() ? MissingNode.getInstance() : object;
        }
        default -> parser.skipChildren();
      }
    }
  }

  /** {@code kind.kind} of a GroupVersionKind object, empty when absent. */
  private static String groupVersionKind(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return "";
    }
    String kind = "";
    String member;
    while ((member = parser.nextFieldName()) != null) {
      parser.nextToken();
      if ("kind".equals(member)) {
        kind = text(parser);
      } else {
        parser.skipChildren();
      }
    }
    return kind;
  }

  /** A scalar as text (numbers and booleans as written), "" for null, objects and arrays. */
  private static String text(JsonParser parser) throws IOException {
    String text = parser.currentToken().isScalarValue() ? parser.getValueAsString("") : "";
    parser.skipChildren();
    return text;
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
        json.writeStringField(
            "patch",
            Base64.getEncoder()
                .encodeToString(answer.patch().get().getBytes(StandardCharsets.UTF_8)));
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
