package io.qatvirt.demo.manifests;

import static io.qatvirt.demo.manifests.Objects.byField;
import static io.qatvirt.demo.manifests.Objects.container;
import static io.qatvirt.demo.manifests.Objects.find;
import static io.qatvirt.demo.manifests.Objects.hostPaths;
import static io.qatvirt.demo.manifests.Objects.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders every overlay of {@code manifests/} with the real {@code kubectl kustomize} and checks
 * the objects a cluster would get: mounts, security contexts, webhook rules, RBAC, images, certs.
 */
class ManifestsRenderIT {
  static final String NS = "qatvirt";
  static final String PLUGIN_IMAGE = "registry.example.com/qatvirt/qat-device-plugin:0.1.0";
  static final String WEBHOOK_IMAGE = "registry.example.com/qatvirt/qat-vm-webhook:0.1.0";

  static Path manifests;
  static List<JsonNode> certManager;
  static List<JsonNode> plain;
  static Path plainCerts;

  @BeforeAll
  static void render(@TempDir Path temp) throws Exception {
    if (!Kustomize.kubectlPresent()) {
      return; // each test skips with the message
    }
    Path repo = Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();
    manifests = repo.resolve("manifests");
    certManager = Kustomize.render(manifests.resolve("overlays/cert-manager"));
    // The plain overlay needs make-certs.sh's output: run the real script on a copy.
    Path copy = temp.resolve("manifests");
    copyTree(manifests, copy);
    Path script = copy.resolve("overlays/plain/make-certs.sh");
    Kustomize.run(List.of("bash", script.toString(), "--force"), copy);
    plainCerts = copy.resolve("overlays/plain/certs");
    plain = Kustomize.render(copy.resolve("overlays/plain"));
  }

  @BeforeEach
  void needsKubectl() {
    Kustomize.assumeKubectl();
  }

  @Test
  void everyOverlayRendersTheSameBaseObjects() {
    List<String> shared =
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
            "MutatingWebhookConfiguration/qat-vm-webhook");
    assertTrue(Objects.kindsAndNames(certManager).containsAll(shared), "cert-manager overlay");
    assertTrue(Objects.kindsAndNames(plain).containsAll(shared), "plain overlay");
    assertTrue(
        Objects.kindsAndNames(certManager)
            .containsAll(
                List.of(
                    "Issuer/qatvirt-selfsigned",
                    "Certificate/qatvirt-ca",
                    "Issuer/qatvirt-ca",
                    "Certificate/qat-vm-webhook")));
    assertTrue(Objects.kindsAndNames(plain).contains("Secret/qat-vm-webhook-tls"));
    for (JsonNode o : plain) {
      String kind = o.path("kind").asText();
      if (!Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration")
          .contains(kind)) {
        assertEquals(NS, o.path("metadata").path("namespace").asText(), kind + " namespace");
      }
    }
  }

  @Test
  void pluginMountsOnlyTheSysfsSubtreesItNeedsAndDebugfsReadOnly() {
    JsonNode ds = find(plain, "DaemonSet", "qat-device-plugin");
    Map<String, String> hostPaths = hostPaths(ds);
    Map<String, String> mounts = new LinkedHashMap<>();
    for (JsonNode m : container(ds, "qat-device-plugin").path("volumeMounts")) {
      String host =
          hostPaths.getOrDefault(m.path("name").asText(), "(" + m.path("name").asText() + ")");
      mounts.put(
          m.path("mountPath").asText(),
          host
              + (m.path("readOnly").asBoolean(false) ? " ro" : " rw")
              + (m.has("mountPropagation") ? " " + m.path("mountPropagation").asText() : ""));
    }
    assertEquals(
        Map.of(
            "/host/sys/bus/pci", "/sys/bus/pci rw",
            "/host/sys/devices", "/sys/devices rw",
            "/host/sys/kernel/iommu_groups", "/sys/kernel/iommu_groups ro",
            "/host/sys/kernel/debug", "/sys/kernel/debug ro HostToContainer",
            "/host/dev/vfio", "/dev/vfio ro",
            "/var/lib/kubelet/device-plugins", "/var/lib/kubelet/device-plugins rw",
            "/tmp", "(tmp) rw"),
        mounts);
    assertFalse(hostPaths.containsValue("/sys"), "the whole of /sys is never mounted");
    List<String> args = texts(container(ds, "qat-device-plugin").path("args"));
    assertTrue(args.contains("--sysfs-root=/host/sys"), args.toString());
    assertTrue(args.contains("--debugfs-root=/host/sys/kernel/debug"), args.toString());
    assertTrue(args.contains("--dev-root=/host/dev"), args.toString());
    assertTrue(args.contains("--kubelet-dir=/var/lib/kubelet/device-plugins"), args.toString());
  }

  @Test
  void pluginRunsAsRootWithNoCapabilitiesNoPrivilegeAndAReadOnlyRoot() {
    JsonNode ds = find(plain, "DaemonSet", "qat-device-plugin");
    JsonNode pod = ds.path("spec").path("template").path("spec");
    JsonNode sc = container(ds, "qat-device-plugin").path("securityContext");
    assertEquals(0, sc.path("runAsUser").asInt(-1));
    assertFalse(sc.path("privileged").asBoolean(true));
    assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true));
    assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(false));
    assertEquals(List.of("ALL"), texts(sc.path("capabilities").path("drop")));
    assertFalse(sc.path("capabilities").has("add"), "no capability is added");
    assertEquals("RuntimeDefault", sc.path("seccompProfile").path("type").asText());
    assertEquals(
        "RuntimeDefault", pod.path("securityContext").path("seccompProfile").path("type").asText());
    assertFalse(pod.path("automountServiceAccountToken").asBoolean(true));
    assertFalse(pod.path("hostNetwork").asBoolean(false));
    assertFalse(pod.path("hostPID").asBoolean(false));
    assertEquals("system-node-critical", pod.path("priorityClassName").asText());
    assertEquals(
        "true", pod.path("nodeSelector").path("intel.feature.node.kubernetes.io/qat").asText());
    assertEquals(PLUGIN_IMAGE, container(ds, "qat-device-plugin").path("image").asText());
  }

  @Test
  void pluginMemoryLimitEqualsItsRequestAndTheHeapFitsInIt() {
    JsonNode c = container(find(plain, "DaemonSet", "qat-device-plugin"), "qat-device-plugin");
    String limit = c.path("resources").path("limits").path("memory").asText();
    assertEquals(limit, c.path("resources").path("requests").path("memory").asText());
    long limitMiB = mebibytes(limit);
    List<String> command = texts(c.path("command"));
    long heap =
        command.stream()
            .filter(a -> a.startsWith("-Xmx"))
            .map(a -> mebibytes(a.substring(4)))
            .findFirst()
            .orElseThrow();
    long meta =
        command.stream()
            .filter(a -> a.startsWith("-XX:MaxMetaspaceSize="))
            .map(a -> mebibytes(a.substring(21)))
            .findFirst()
            .orElseThrow();
    long code =
        command.stream()
            .filter(a -> a.startsWith("-XX:ReservedCodeCacheSize="))
            .map(a -> mebibytes(a.substring(26)))
            .findFirst()
            .orElseThrow();
    long direct =
        command.stream()
            .filter(a -> a.startsWith("-XX:MaxDirectMemorySize="))
            .map(a -> mebibytes(a.substring(24)))
            .findFirst()
            .orElseThrow();
    // Measured with io.qatvirt.demo.bench.PluginFootprint (see the DaemonSet's comment): the JVM's
    // own memory outside these bounds is under 30 MiB, and the liveness probe's JVM peaks at 61 MiB
    // (64 with margin). Both may run at once.
    long jvmOwn = 30;
    long probePeak = 64;
    assertTrue(
        heap + meta + code + direct + jvmOwn + probePeak <= limitMiB,
        "JVM bounds "
            + (heap + meta + code + direct)
            + " MiB + "
            + jvmOwn
            + " + probe "
            + probePeak
            + " MiB vs limit "
            + limitMiB);
    assertEquals(List.of("-Xms4m", "-Xmx32m"), command.subList(1, 3));
  }

  @Test
  void webhookRunsTwoNonRootReplicasSpreadOverNodesWithABudget() {
    JsonNode d = find(plain, "Deployment", "qat-vm-webhook");
    assertEquals(2, d.path("spec").path("replicas").asInt());
    JsonNode pod = d.path("spec").path("template").path("spec");
    JsonNode spread = pod.path("topologySpreadConstraints").get(0);
    assertEquals("kubernetes.io/hostname", spread.path("topologyKey").asText());
    assertEquals(1, spread.path("maxSkew").asInt());
    JsonNode labels = d.path("spec").path("template").path("metadata").path("labels");
    assertEquals(
        labels.path("app.kubernetes.io/name"),
        spread.path("labelSelector").path("matchLabels").path("app.kubernetes.io/name"));
    JsonNode c = container(d, "qat-vm-webhook");
    JsonNode sc = c.path("securityContext");
    assertTrue(sc.path("runAsNonRoot").asBoolean(false));
    assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(false));
    assertTrue(pod.path("securityContext").path("runAsUser").asInt(0) > 0);
    assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true));
    assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(false));
    assertEquals(List.of("ALL"), texts(sc.path("capabilities").path("drop")));
    assertEquals("RuntimeDefault", sc.path("seccompProfile").path("type").asText());
    assertEquals(WEBHOOK_IMAGE, c.path("image").asText());
    List<String> args = texts(c.path("args"));
    assertTrue(
        args.containsAll(
            List.of(
                "--port=8443",
                "--tls-cert-file=/etc/qatvirt/tls/tls.crt",
                "--tls-key-file=/etc/qatvirt/tls/tls.key")),
        args.toString());
    JsonNode tlsMount = byField(c.path("volumeMounts"), "name").get("tls");
    assertEquals("/etc/qatvirt/tls", tlsMount.path("mountPath").asText());
    assertTrue(tlsMount.path("readOnly").asBoolean());
    assertEquals(
        "qat-vm-webhook-tls",
        byField(pod.path("volumes"), "name").get("tls").path("secret").path("secretName").asText());
    assertEquals("/readyz", c.path("readinessProbe").path("httpGet").path("path").asText());
    assertEquals("HTTPS", c.path("readinessProbe").path("httpGet").path("scheme").asText());
    assertEquals("/healthz", c.path("livenessProbe").path("httpGet").path("path").asText());

    JsonNode pdb = find(plain, "PodDisruptionBudget", "qat-vm-webhook");
    assertEquals(1, pdb.path("spec").path("minAvailable").asInt());
    assertEquals(
        labels.path("app.kubernetes.io/name"),
        pdb.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/name"));
    JsonNode svc = find(plain, "Service", "qat-vm-webhook");
    assertEquals(
        labels.path("app.kubernetes.io/name"),
        svc.path("spec").path("selector").path("app.kubernetes.io/name"));
    JsonNode port = svc.path("spec").path("ports").get(0);
    assertEquals(443, port.path("port").asInt());
    assertEquals("https", port.path("targetPort").asText());
    assertEquals(8443, byField(c.path("ports"), "name").get("https").path("containerPort").asInt());
  }

  @Test
  void webhookIsCalledOnlyForQatAnnotatedVmisOnCreateAndVmsOnCreateAndUpdate() {
    for (List<JsonNode> overlay : List.of(plain, certManager)) {
      JsonNode mwc = find(overlay, "MutatingWebhookConfiguration", "qat-vm-webhook");
      Map<String, JsonNode> hooks = byField(mwc.path("webhooks"), "name");
      assertEquals(
          List.of("virtualmachineinstances.qat.intel.com", "virtualmachines.qat.intel.com"),
          List.copyOf(hooks.keySet()));
      for (JsonNode hook : hooks.values()) {
        assertEquals(List.of("v1"), texts(hook.path("admissionReviewVersions")));
        assertEquals("Fail", hook.path("failurePolicy").asText());
        assertEquals("None", hook.path("sideEffects").asText());
        assertEquals("IfNeeded", hook.path("reinvocationPolicy").asText());
        int timeout = hook.path("timeoutSeconds").asInt(30);
        assertTrue(timeout >= 1 && timeout <= 10, "timeoutSeconds " + timeout);
        JsonNode svc = hook.path("clientConfig").path("service");
        assertEquals("qat-vm-webhook", svc.path("name").asText());
        assertEquals(NS, svc.path("namespace").asText());
        assertEquals("/mutate", svc.path("path").asText());
        assertEquals(443, svc.path("port").asInt());
        JsonNode rule = hook.path("rules").get(0);
        assertEquals(1, hook.path("rules").size());
        assertEquals(List.of("kubevirt.io"), texts(rule.path("apiGroups")));
        assertEquals(List.of("v1"), texts(rule.path("apiVersions")));
      }
      JsonNode vmi = hooks.get("virtualmachineinstances.qat.intel.com");
      assertEquals(List.of("CREATE"), texts(vmi.path("rules").get(0).path("operations")));
      assertEquals(
          List.of("virtualmachineinstances"), texts(vmi.path("rules").get(0).path("resources")));
      assertEquals(
          "has(object.metadata.annotations) && object.metadata.annotations.exists(k,"
              + " k.startsWith('qat.intel.com/'))",
          vmi.path("matchConditions").get(0).path("expression").asText());
      JsonNode vm = hooks.get("virtualmachines.qat.intel.com");
      assertEquals(List.of("CREATE", "UPDATE"), texts(vm.path("rules").get(0).path("operations")));
      assertEquals(List.of("virtualmachines"), texts(vm.path("rules").get(0).path("resources")));
      assertEquals(
          "has(object.spec) && has(object.spec.template) && has(object.spec.template.metadata) &&"
              + " has(object.spec.template.metadata.annotations) &&"
              + " object.spec.template.metadata.annotations.exists(k,"
              + " k.startsWith('qat.intel.com/'))",
          vm.path("matchConditions").get(0).path("expression").asText());
    }
  }

  @Test
  void webhookMayOnlyReadKubeVirtCrsAndInstancetypes() {
    JsonNode role = find(plain, "ClusterRole", "qatvirt-qat-vm-webhook");
    List<String> rules = new ArrayList<>();
    role.path("rules")
        .forEach(
            r ->
                rules.add(
                    texts(r.path("apiGroups"))
                        + " "
                        + texts(r.path("resources"))
                        + " "
                        + texts(r.path("verbs"))));
    assertEquals(
        List.of(
            "[kubevirt.io] [kubevirts] [get, list, watch]",
            "[instancetype.kubevirt.io] [virtualmachineinstancetypes, virtualmachineclusterinstancetypes] [get]"),
        rules);
    JsonNode binding = find(plain, "ClusterRoleBinding", "qatvirt-qat-vm-webhook");
    assertEquals("qatvirt-qat-vm-webhook", binding.path("roleRef").path("name").asText());
    JsonNode subject = binding.path("subjects").get(0);
    assertEquals("ServiceAccount", subject.path("kind").asText());
    assertEquals("qat-vm-webhook", subject.path("name").asText());
    assertEquals(NS, subject.path("namespace").asText());
    assertFalse(
        find(plain, "ServiceAccount", "qat-device-plugin")
            .path("automountServiceAccountToken")
            .asBoolean(true));
    long pluginBindings =
        plain.stream()
            .filter(o -> o.path("kind").asText().endsWith("RoleBinding"))
            .filter(o -> o.path("subjects").toString().contains("qat-device-plugin"))
            .count();
    assertEquals(0, pluginBindings, "the plugin has no roles");
  }

  @Test
  void certManagerOverlayIssuesTheServiceNamesAndInjectsTheCa() {
    JsonNode mwc = find(certManager, "MutatingWebhookConfiguration", "qat-vm-webhook");
    assertEquals(
        "qatvirt/qat-vm-webhook",
        mwc.path("metadata").path("annotations").path("cert-manager.io/inject-ca-from").asText());
    JsonNode cert = find(certManager, "Certificate", "qat-vm-webhook");
    assertEquals("qat-vm-webhook-tls", cert.path("spec").path("secretName").asText());
    assertEquals(
        List.of("qat-vm-webhook.qatvirt.svc", "qat-vm-webhook.qatvirt.svc.cluster.local"),
        texts(cert.path("spec").path("dnsNames")));
    assertEquals("qatvirt-ca", cert.path("spec").path("issuerRef").path("name").asText());
    JsonNode ca = find(certManager, "Certificate", "qatvirt-ca");
    assertTrue(ca.path("spec").path("isCA").asBoolean());
    assertEquals(
        "qatvirt-ca",
        find(certManager, "Issuer", "qatvirt-ca")
            .path("spec")
            .path("ca")
            .path("secretName")
            .asText());
  }

  @Test
  void plainOverlayCarriesACaBundleThatSignedTheServingCertificate() throws Exception {
    JsonNode mwc = find(plain, "MutatingWebhookConfiguration", "qat-vm-webhook");
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    X509Certificate caFile =
        (X509Certificate)
            x509.generateCertificate(Files.newInputStream(plainCerts.resolve("ca.crt")));
    for (JsonNode hook : mwc.path("webhooks")) {
      byte[] bundle =
          Base64.getMimeDecoder().decode(hook.path("clientConfig").path("caBundle").asText());
      X509Certificate ca =
          (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(bundle));
      assertEquals(caFile, ca, hook.path("name").asText());
    }
    JsonNode secret = find(plain, "Secret", "qat-vm-webhook-tls");
    assertEquals("kubernetes.io/tls", secret.path("type").asText());
    byte[] crt = Base64.getMimeDecoder().decode(secret.path("data").path("tls.crt").asText());
    X509Certificate serving =
        (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(crt));
    serving.verify(caFile.getPublicKey());
    serving.checkValidity();
    List<String> names = new ArrayList<>();
    serving.getSubjectAlternativeNames().forEach(san -> names.add((String) san.get(1)));
    assertTrue(
        names.containsAll(
            List.of("qat-vm-webhook.qatvirt.svc", "qat-vm-webhook.qatvirt.svc.cluster.local")),
        names.toString());
    assertTrue(serving.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
    assertEquals(-1, serving.getBasicConstraints(), "not a CA");
    String key =
        new String(Base64.getMimeDecoder().decode(secret.path("data").path("tls.key").asText()));
    assertTrue(key.startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 key");
  }

  private static long mebibytes(String quantity) {
    String q = quantity.trim();
    if (q.endsWith("Mi")) return Long.parseLong(q.substring(0, q.length() - 2));
    if (q.endsWith("Gi")) return Long.parseLong(q.substring(0, q.length() - 2)) * 1024;
    if (q.endsWith("m") || q.endsWith("M")) return Long.parseLong(q.substring(0, q.length() - 1));
    if (q.endsWith("g") || q.endsWith("G"))
      return Long.parseLong(q.substring(0, q.length() - 1)) * 1024;
    throw new IllegalArgumentException(
        "tried to read " + quantity + " as MiB, but its unit is not Mi/Gi/m/g");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path rel = from.relativize(p);
        if (rel.toString().startsWith("overlays/plain/certs")
            || rel.toString().equals("overlays/plain/ca-bundle.yaml")) {
          continue; // a developer's own certificates stay out of the test
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
