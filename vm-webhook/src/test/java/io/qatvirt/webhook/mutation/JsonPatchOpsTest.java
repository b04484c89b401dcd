package io.qatvirt.webhook.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPatchOpsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void escapesSlashAndTildeInPathMembers() throws Exception {
    JsonNode object = json("{\"a/b\": {\"c~d\": {}}}");

    var ops = JsonPatchOps.appendAll(object, List.of("a/b", "c~d", "e"), List.of(json("1")));

    assertEquals(json("[{\"op\":\"add\",\"path\":\"/a~1b/c~0d/e\",\"value\":[1]}]"), ops);
    assertEquals(json("{\"a/b\": {\"c~d\": {\"e\": [1]}}}"), JsonPatch.apply(ops, object));
  }

  @Test
  void appendsOneOperationPerItemToAnExistingArray() throws Exception {
    JsonNode object = json("{\"a\": {\"list\": [0]}}");

    var ops = JsonPatchOps.appendAll(object, List.of("a", "list"), List.of(json("1"), json("2")));

    assertEquals(
        json(
            "[{\"op\":\"add\",\"path\":\"/a/list/-\",\"value\":1},"
                + "{\"op\":\"add\",\"path\":\"/a/list/-\",\"value\":2}]"),
        ops);
    assertEquals(json("{\"a\": {\"list\": [0, 1, 2]}}"), JsonPatch.apply(ops, object));
  }

  @Test
  void treatsAJsonNullAsAbsent() throws Exception {
    JsonNode object = json("{\"a\": null}");

    var ops = JsonPatchOps.appendAll(object, List.of("a", "list"), List.of(json("1")));

    assertEquals(json("[{\"op\":\"add\",\"path\":\"/a\",\"value\":{\"list\":[1]}}]"), ops);
  }

  @Test
  void addsNothingForNoItems() throws Exception {
    assertEquals(json("[]"), JsonPatchOps.appendAll(json("{}"), List.of("a"), List.of()));
  }

  @Test
  void refusesToReplaceAScalarOnThePath() throws Exception {
    JsonPatchOps.NotAContainer e =
        assertThrows(
            JsonPatchOps.NotAContainer.class,
            () ->
                JsonPatchOps.appendAll(json("{\"a\": 3}"), List.of("a", "b"), List.of(json("1"))));
    assertEquals("/a", e.getMessage());
  }
}
