package io.qatvirt.demo.manifests;

import static io.qatvirt.demo.manifests.Objects.container;
import static io.qatvirt.demo.manifests.Objects.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Renders manifests/overlays/openshift with the real {@code kubectl kustomize}: the service CA's
 * annotations instead of cert-manager, the plugin's SecurityContextConstraints and the Role that
 * lets only its ServiceAccount use it, and a webhook that restricted-v2 admits.
 */
class OpenShiftOverlayRenderIT {
  static final String NS = ManifestsRenderIT.NS;
  static final String SCC = "qatvirt-qat-device-plugin";

  static List<JsonNode> openshift;
  static List<JsonNode> certManager;

  @BeforeAll
  static void render() throws Exception {
    if (!Kustomize.kubectlPresent()) {
      return; // each test skips with the message
    }
    Path repo = Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();
    openshift = Kustomize.render(repo.resolve("manifests/overlays/openshift"));
    certManager = Kustomize.render(repo.resolve("manifests/overlays/cert-manager"));
  }

  @BeforeEach
  void needsKubectl() {
    Kustomize.assumeKubectl();
  }

  private static JsonNode yaml(String text) throws Exception {
    return new ObjectMapper(new YAMLFactory()).readTree(text);
  }

  @Test
  void rendersTheBaseAndTheSccWithItsRoleAndNothingOfCertManager() {
    assertEquals(
        new TreeSet<>(
            List.of(
                "Namespace/qatvirt",
                "ServiceAccount/qat-device-plugin",
                "ServiceAccount/qat-vm-webhook",
                "ClusterRole/qatvirt-qat-vm-webhook",
                "ClusterRoleBinding/qatvirt-qat-vm-webhook",
                "Service/qat-vm-webhook",
                "Deployment/qat-vm-webhook",
                "DaemonSet/qat-device-plugin",
                "PodDisruptionBudget/qat-vm-webhook",
                "MutatingWebhookConfiguration/qat-vm-webhook",
                "SecurityContextConstraints/" + SCC,
                "Role/qatvirt-qat-device-plugin-scc",
                "RoleBinding/qatvirt-qat-device-plugin-scc")),
        new TreeSet<>(Objects.kindsAndNames(openshift)));
    for (JsonNode o : openshift) {
      String kind = o.path("kind").asText();
      if (Set.of(
              "Namespace",
              "ClusterRole",
              "ClusterRoleBinding",
              "MutatingWebhookConfiguration",
              "SecurityContextConstraints")
          .contains(kind)) {
        assertFalse(o.path("metadata").has("namespace"), kind + " is cluster-scoped");
      } else {
        assertEquals(NS, o.path("metadata").path("namespace").asText(), kind + " namespace");
      }
      assertFalse(o.path("apiVersion").asText().startsWith("cert-manager.io/"), kind);
      assertFalse(
          o.path("metadata").path("annotations").has("cert-manager.io/inject-ca-from"), kind);
    }
  }

  @Test
  void theServiceCaIssuesTheSecretTheWebhookMountsAndInjectsItsCa() throws Exception {
    JsonNode service = find(openshift, "Service", "qat-vm-webhook");
    assertEquals(
        yaml("service.beta.openshift.io/serving-cert-secret-name: qat-vm-webhook-tls"),
        service.path("metadata").path("annotations"));
    String mounted = null;
    JsonNode deployment = find(openshift, "Deployment", "qat-vm-webhook");
    for (JsonNode v : deployment.at("/spec/template/spec/volumes")) {
      if (v.path("name").asText().equals("tls")) {
        mounted = v.path("secret").path("secretName").asText();
      }
    }
    assertEquals("qat-vm-webhook-tls", mounted, "the Secret the webhook mounts");

    JsonNode config = find(openshift, "MutatingWebhookConfiguration", "qat-vm-webhook");
    assertEquals(
        yaml("service.beta.openshift.io/inject-cabundle: \"true\""),
        config.path("metadata").path("annotations"));
    assertEquals(2, config.path("webhooks").size());
    for (JsonNode webhook : config.path("webhooks")) {
      assertFalse(webhook.path("clientConfig").has("caBundle"), "the service CA fills it in");
      assertEquals(
          yaml("{name: qat-vm-webhook, namespace: qatvirt, path: /mutate, port: 443}"),
          webhook.path("clientConfig").path("service"));
    }
  }

  @Test
  void thePluginsSccAllowsExactlyWhatItsPodNeeds() throws Exception {
    JsonNode scc = find(openshift, "SecurityContextConstraints", SCC).deepCopy();
    ObjectNode fields = (ObjectNode) scc;
    fields.remove("metadata");
    assertEquals(
        yaml(
            """
            apiVersion: security.openshift.io/v1
            kind: SecurityContextConstraints
            priority: null
            allowPrivilegedContainer: false
            allowPrivilegeEscalation: false
            defaultAllowPrivilegeEscalation: false
            allowHostDirVolumePlugin: true
            allowHostNetwork: false
            allowHostPID: false
            allowHostIPC: false
            allowHostPorts: false
            allowedCapabilities: []
            defaultAddCapabilities: []
            requiredDropCapabilities: [ALL]
            readOnlyRootFilesystem: true
            runAsUser: {type: MustRunAs, uid: 0}
            seLinuxContext:
              type: MustRunAs
              seLinuxOptions: {type: container_device_plugin_t, level: s0}
            fsGroup: {type: MustRunAs, ranges: [{min: 0, max: 0}]}
            supplementalGroups: {type: MustRunAs, ranges: [{min: 0, max: 0}]}
            seccompProfiles: [runtime/default]
            volumes: [emptyDir, hostPath]
            users: []
            groups: []
            """),
        fields);
  }

  @Test
  void thePluginsPodIsOneTheSccAdmits() throws Exception {
    JsonNode scc = find(openshift, "SecurityContextConstraints", SCC);
    JsonNode ds = find(openshift, "DaemonSet", "qat-device-plugin");
    JsonNode pod = ds.at("/spec/template/spec");
    JsonNode sc = container(ds, "qat-device-plugin").path("securityContext");

    assertEquals(scc.at("/runAsUser/uid").asInt(), sc.path("runAsUser").asInt(-1));
    assertEquals(scc.at("/seLinuxContext/seLinuxOptions"), sc.path("seLinuxOptions"));
    assertEquals(yaml("drop: [ALL]"), sc.path("capabilities"), "nothing added");
    assertFalse(sc.path("privileged").asBoolean(true));
    assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true));
    assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(false));
    assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText());
    assertEquals(List.of("runtime/default"), Objects.texts(scc.path("seccompProfiles")));
    for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
      assertFalse(pod.path(host).asBoolean(false), host);
    }
    Set<String> volumeTypes = new TreeSet<>();
    for (JsonNode v : pod.path("volumes")) {
      v.fieldNames().forEachRemaining(f -> volumeTypes.add(f.equals("name") ? "" : f));
    }
    volumeTypes.remove("");
    assertEquals(new TreeSet<>(Objects.texts(scc.path("volumes"))), volumeTypes);
    assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), "no projected token");
  }

  @Test
  void onlyThePluginsServiceAccountMayUseTheScc() throws Exception {
    JsonNode ds = find(openshift, "DaemonSet", "qat-device-plugin");
    JsonNode role = find(openshift, "Role", "qatvirt-qat-device-plugin-scc");
    assertEquals(
        yaml(
            """
            - apiGroups: [security.openshift.io]
              resources: [securitycontextconstraints]
              resourceNames: [qatvirt-qat-device-plugin]
              verbs: [use]
            """),
        role.path("rules"));
    JsonNode binding = find(openshift, "RoleBinding", "qatvirt-qat-device-plugin-scc");
    assertEquals(ds.at("/metadata/namespace"), binding.at("/metadata/namespace"));
    assertEquals(
        yaml(
            "{apiGroup: rbac.authorization.k8s.io, kind: Role, name: qatvirt-qat-device-plugin-scc}"),
        binding.path("roleRef"));
    ObjectNode subject = new ObjectMapper().createObjectNode();
    subject.put("kind", "ServiceAccount");
    subject.put("name", ds.at("/spec/template/spec/serviceAccountName").asText());
    subject.put("namespace", ds.at("/metadata/namespace").asText());
    assertEquals(new ObjectMapper().createArrayNode().add(subject), binding.path("subjects"));
    JsonNode scc = find(openshift, "SecurityContextConstraints", SCC);
    assertEquals(0, scc.path("users").size(), "no user is granted the SCC directly");
    assertEquals(0, scc.path("groups").size(), "no group is granted the SCC directly");
  }

  @Test
  void thePluginDiffersFromTheOtherOverlaysOnlyByItsSelinuxDomain() {
    JsonNode here = find(openshift, "DaemonSet", "qat-device-plugin").deepCopy();
    ObjectNode sc = (ObjectNode) container(here, "qat-device-plugin").path("securityContext");
    sc.remove("seLinuxOptions");
    assertEquals(find(certManager, "DaemonSet", "qat-device-plugin"), here);
  }

  @Test
  void theWebhookLeavesItsUidAndGroupsToRestrictedV2AndChangesNothingElse() {
    JsonNode deployment = find(openshift, "Deployment", "qat-vm-webhook");
    JsonNode pod = deployment.at("/spec/template/spec");
    List<String> fixedIds = new ArrayList<>();
    for (JsonNode sc :
        List.of(
            pod.path("securityContext"),
            container(deployment, "qat-vm-webhook").path("securityContext"))) {
      for (String field : List.of("runAsUser", "runAsGroup", "fsGroup", "supplementalGroups")) {
        if (sc.has(field)) {
          fixedIds.add(field);
        }
      }
    }
    assertEquals(List.of(), fixedIds, "restricted-v2 assigns them from the namespace's ranges");
    // What restricted-v2 requires or allows, and no more:
    JsonNode sc = container(deployment, "qat-vm-webhook").path("securityContext");
    assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(false));
    assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText());
    assertEquals(
        new ObjectMapper()
            .createObjectNode()
            .set("drop", new ObjectMapper().createArrayNode().add("ALL")),
        sc.path("capabilities"));
    assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true));
    assertFalse(sc.path("privileged").asBoolean(true));
    Set<String> volumeTypes = new TreeSet<>();
    for (JsonNode v : pod.path("volumes")) {
      v.fieldNames().forEachRemaining(f -> volumeTypes.add(f.equals("name") ? "" : f));
    }
    volumeTypes.remove("");
    assertEquals(Set.of("secret", "emptyDir"), volumeTypes);

    ObjectNode expected = find(certManager, "Deployment", "qat-vm-webhook").deepCopy();
    ObjectNode podSc = (ObjectNode) expected.at("/spec/template/spec/securityContext");
    podSc.remove(List.of("runAsUser", "runAsGroup", "fsGroup"));
    assertEquals(expected, deployment);
  }
}
