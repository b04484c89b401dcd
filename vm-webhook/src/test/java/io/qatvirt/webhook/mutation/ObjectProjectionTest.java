package io.qatvirt.webhook.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qatvirt.webhook.testing.Reviews;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ObjectProjectionTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode json(String text) throws IOException {
    return MAPPER.readTree(text.replace('\'', '"'));
  }

  private static JsonNode read(ObjectProjection projection, String text) throws IOException {
    return projection.read(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsTheNamedMembersWholeAndSkipsTheirSiblings() throws IOException {
    ObjectProjection projection =
        ObjectProjection.members("a").with("b", ObjectProjection.members("c"));
    String text =
        "{'x':{'y':[1,{'z':null}]},'a':{'deep':[1,'2',{'3':4}]},'b':{'c':[true],'d':'e'},'f':1.5}";

    JsonNode expected = json("{'a':{'deep':[1,'2',{'3':4}]},'b':{'c':[true]}}");
    assertEquals(expected, read(projection, text));
    assertEquals(expected, projection.apply(json(text)));
  }

  @Test
  void keepsWholeAValueOnThePathThatIsNotAnObject() throws IOException {
    ObjectProjection projection =
        ObjectProjection.members().with("spec", ObjectProjection.members("domain"));

    for (String spec : new String[] {"'text'", "[1,{'a':2}]", "null", "7"}) {
      String text = "{'spec':" + spec + ",'status':{}}";
      JsonNode expected = json("{'spec':" + spec + "}");
      assertEquals(expected, read(projection, text), spec);
      assertEquals(expected, projection.apply(json(text)), spec);
    }
  }

  @Test
  void allKeepsEverythingAndUnionKeepsWhatEitherKeeps() throws IOException {
    String text = "{'a':{'b':1,'c':2},'d':3}";
    assertEquals(json(text), read(ObjectProjection.ALL, text));

    ObjectProjection union =
        ObjectProjection.members()
            .with("a", ObjectProjection.members("b"))
            .union(ObjectProjection.members().with("a", ObjectProjection.members("c")));
    assertEquals(json("{'a':{'b':1,'c':2}}"), read(union, text));
    assertEquals(ObjectProjection.ALL, ObjectProjection.members("a").union(ObjectProjection.ALL));
  }

  @Test
  void theMutatorReadsOfTheBenchmarkVmiOnlyItsNamesAnnotationsHostDevicesAndResources()
      throws IOException {
    JsonNode object = MAPPER.readTree(Reviews.vmiCreate()).path("request").path("object");

    JsonNode expected =
        json(
            "{'apiVersion':'kubevirt.io/v1','kind':'VirtualMachineInstance',"
                + "'metadata':{'name':'ipsec-gw-0','namespace':'vnf','annotations':{}},"
                + "'spec':{'domain':{'resources':{'requests':{'memory':'8Gi','cpu':'4'},"
                + "'limits':{'memory':'8Gi','cpu':'4'}},'devices':{}}}}");
    ((ObjectNode) expected.path("metadata"))
        .set("annotations", object.path("metadata").path("annotations"));
    assertEquals(7, expected.path("metadata").path("annotations").size());

    assertEquals(expected, Subject.READ.apply(object));
  }
}
