package io.qatvirt.webhook.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdmissionReviewCodecTest {
  private final AdmissionReviewCodec codec = new AdmissionReviewCodec(new ObjectMapper());

  private static byte[] json(String text) {
    return text.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  private static String review(String request) {
    return "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','request':"
        + request
        + "}";
  }

  @Test
  void readsUidKindOperationNamespaceAndName() throws Exception {
    AdmissionRequest request =
        codec.parse(
            json(
                review(
                    "{'uid':'u-1','kind':{'group':'kubevirt.io','version':'v1',"
                        + "'kind':'VirtualMachineInstance'},'operation':'CREATE','namespace':'vnf',"
                        + "'name':'gw','object':{'metadata':{'name':'other'}}}")));

    assertEquals("u-1", request.uid());
    assertEquals("VirtualMachineInstance", request.kind());
    assertEquals("CREATE", request.operation());
    assertEquals("vnf/gw", request.objectRef());
    assertEquals("other", request.object().path("metadata").path("name").asText());
  }

  @Test
  void takesTheNameFromTheObjectWhenTheRequestHasNone() throws Exception {
    AdmissionRequest request =
        codec.parse(
            json(review("{'uid':'u','namespace':'vnf','object':{'metadata':{'name':'gw-1'}}}")));

    assertEquals("vnf/gw-1", request.objectRef());
  }

  @Test
  void takesGenerateNameWithAStarWhenTheObjectHasNoName() throws Exception {
    AdmissionRequest request =
        codec.parse(
            json(
                review(
                    "{'uid':'u','namespace':'vnf','object':{'metadata':{'generateName':'gw-'}}}")));

    assertEquals("vnf/gw-*", request.objectRef());
  }

  @Test
  void aMissingOrNullObjectIsAMissingNode() throws Exception {
    assertTrue(codec.parse(json(review("{'uid':'u'}"))).object().isMissingNode());
    assertTrue(codec.parse(json(review("{'uid':'u','object':null}"))).object().isMissingNode());
  }

  @Test
  void refusesBodiesThatAreNotJson() {
    BadReviewException e =
        assertThrows(BadReviewException.class, () -> codec.parse(json("{'apiVersion': ")));
    assertTrue(
        e.getMessage()
            .startsWith("tried to read the AdmissionReview, but the body is not valid JSON: "),
        e.getMessage());
  }

  @Test
  void refusesJsonThatIsNotAnObject() {
    BadReviewException e = assertThrows(BadReviewException.class, () -> codec.parse(json("['a']")));
    assertEquals(
        "tried to read the AdmissionReview, but the body is not a JSON object", e.getMessage());
  }

  @Test
  void refusesV1beta1SayingV1IsRequired() {
    BadReviewException e =
        assertThrows(
            BadReviewException.class,
            () ->
                codec.parse(
                    json(
                        "{'apiVersion':'admission.k8s.io/v1beta1','kind':'AdmissionReview',"
                            + "'request':{'uid':'u'}}")));
    assertEquals(
        "tried to read the AdmissionReview, but its apiVersion is 'admission.k8s.io/v1beta1';"
            + " this webhook speaks admission.k8s.io/v1 only: set admissionReviewVersions:"
            + " [\"v1\"] in the MutatingWebhookConfiguration",
        e.getMessage());
  }

  @Test
  void refusesAnotherKind() {
    BadReviewException e =
        assertThrows(
            BadReviewException.class,
            () ->
                codec.parse(
                    json("{'apiVersion':'admission.k8s.io/v1','kind':'Pod','request':{}}")));
    assertEquals(
        "tried to read the AdmissionReview, but its kind is 'Pod', not AdmissionReview",
        e.getMessage());
  }

  @Test
  void refusesAReviewWithoutRequest() {
    BadReviewException e =
        assertThrows(
            BadReviewException.class,
            () ->
                codec.parse(json("{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview'}")));
    assertEquals("tried to read the AdmissionReview, but it has no request", e.getMessage());
  }

  @Test
  void refusesAMissingOrEmptyUid() {
    for (String request : List.of("{'name':'gw'}", "{'uid':''}", "{'uid':42}")) {
      BadReviewException e =
          assertThrows(BadReviewException.class, () -> codec.parse(json(review(request))));
      assertEquals(
          "tried to read the AdmissionReview, but request.uid is missing or empty", e.getMessage());
    }
  }

  @Test
  void keepsTheWholeObject() throws Exception {
    String object =
        "{'metadata':{'generateName':'gw-','namespace':'vnf','labels':{'a':'b'},"
            + "'managedFields':[{'manager':'kubectl'}]},"
            + "'spec':{'drop':{'deep':[1,{'x':'y'}]},'keep':{'k':[1,'2',null,1.5]}},"
            + "'status':{'ready':true}}";

    AdmissionRequest request =
        codec.parse(
            json(
                "{'apiVersion':'admission.k8s.io/v1','userInfo':{'groups':['a',{'b':[1,2]}]},"
                    + "'kind':'AdmissionReview','request':{'uid':'u-9','oldObject':{'x':[null]},"
                    + "'kind':{'kind':'VirtualMachine','group':'kubevirt.io'},'operation':'UPDATE','namespace':'vnf',"
                    + "'object':"
                    + object
                    + ",'dryRun':false}}"));

    assertEquals("u-9", request.uid());
    assertEquals("VirtualMachine", request.kind());
    assertEquals("UPDATE", request.operation());
    assertEquals("vnf/gw-*", request.objectRef());
    assertEquals(new ObjectMapper().readTree(json(object)), request.object());
  }

  @Test
  void refusesAnEmptyBody() {
    BadReviewException e = assertThrows(BadReviewException.class, () -> codec.parse(json("  ")));
    assertEquals("tried to read the AdmissionReview, but the body is empty", e.getMessage());
  }

  @Test
  void refusesTextAfterTheReviewNamingWhere() {
    BadReviewException e =
        assertThrows(
            BadReviewException.class, () -> codec.parse(json(review("{'uid':'u'}") + " {}")));
    assertTrue(
        e.getMessage()
            .startsWith("tried to read the AdmissionReview, but the body is not valid JSON: "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("(line 1, column 85)"), e.getMessage());
  }

  @Test
  void theLastOfDuplicateMembersCounts() throws Exception {
    AdmissionRequest request =
        codec.parse(
            json(
                "{'apiVersion':'v0','apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview',"
                    + "'request':{'uid':'old'},'request':{'uid':'new','operation':'DELETE',"
                    + "'operation':'CREATE'}}"));

    assertEquals("new", request.uid());
    assertEquals("CREATE", request.operation());
  }

  @Test
  void aSyntaxErrorAfterTheMembersItNeedsIsStillRefused() {
    BadReviewException e =
        assertThrows(
            BadReviewException.class,
            () ->
                codec.parse(json(review("{'uid':'u','object':{}}").replace("}}", "},'x':[1,}}"))));
    assertTrue(
        e.getMessage()
            .startsWith("tried to read the AdmissionReview, but the body is not valid JSON: "),
        e.getMessage());
  }

  @Test
  void writesAnAllowWithOnlyUidAndAllowed() {
    assertEquals(
        "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview',"
            + "'response':{'uid':'u-1','allowed':true}}",
        new String(codec.write(AdmissionResponse.allow("u-1")), StandardCharsets.UTF_8)
            .replace('"', '\''));
  }

  @Test
  void writesAPatchAsBase64JsonPatchWithWarnings() {
    String patch = "[{\"op\":\"add\",\"path\":\"/a\",\"value\":1}]";
    String expectedPatch =
        Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8));

    String written =
        new String(
            codec.write(
                new AdmissionResponse(
                    "u-2", true, Optional.of(patch), Optional.empty(), List.of("careful"))),
            StandardCharsets.UTF_8);

    assertEquals(
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":"
            + "{\"uid\":\"u-2\",\"allowed\":true,\"patchType\":\"JSONPatch\",\"patch\":\""
            + expectedPatch
            + "\",\"warnings\":[\"careful\"]}}",
        written);
  }

  @Test
  void writesADenialWithCodeAndMessage() {
    assertEquals(
        "{'apiVersion':'admission.k8s.io/v1','kind':'AdmissionReview','response':{'uid':'u-3',"
            + "'allowed':false,'status':{'code':403,'message':'no QAT for you'}}}",
        new String(
                codec.write(AdmissionResponse.deny("u-3", 403, "no QAT for you")),
                StandardCharsets.UTF_8)
            .replace('"', '\''));
  }
}
