package io.qatvirt.demo.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.demo.webhook.SampleMutation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What each sample's guest does at first boot: valid cloud-config, clean shell, exact steps. */
class SampleGuestSetupTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final SampleMutation SAMPLES = SampleMutation.withDefaults();
  static final String NOIOMMU = "options vfio enable_unsafe_noiommu_mode=1\n";

  static List<String> samplesWithCloudInit() {
    return List.of("ipsec-gateway-vmi.yaml", "gen4-cy-dc-vm.yaml", "gen4-ipsec-vpp-vm.yaml");
  }

  static GuestCloudConfig cloudConfig(String sample) {
    return GuestCloudConfig.of(SAMPLES.readSample(sample))
        .orElseThrow(() -> new AssertionError(sample + " has no cloud-init user data"));
  }

  @Test
  void exactlyTheVnfSamplesCarryCloudInit() {
    Set<String> withCloudInit = new TreeSet<>();
    for (String name : SampleMutation.SAMPLES) {
      if (GuestCloudConfig.of(SAMPLES.readSample(name)).isPresent()) {
        withCloudInit.add(name);
      }
    }
    assertEquals(new TreeSet<>(samplesWithCloudInit()), withCloudInit);
  }

  @ParameterizedTest
  @MethodSource("samplesWithCloudInit")
  void userDataIsCloudConfigOfKnownModules(String sample) {
    GuestCloudConfig config = cloudConfig(sample);
    assertTrue(config.text().startsWith("#cloud-config\n"), sample + " starts with #cloud-config");
    assertTrue(config.config().isObject(), sample + " user data is a YAML mapping");
    assertEquals(Set.of(), config.unknownKeys(), sample + ": keys that are no cloud-config module");
    for (JsonNode file : config.files()) {
      Set<String> keys = new TreeSet<>();
      file.fieldNames().forEachRemaining(keys::add);
      keys.removeAll(GuestCloudConfig.WRITE_FILES_KEYS);
      assertEquals(Set.of(), keys, sample + ": write_files keys unknown to cloud-init: " + file);
      assertTrue(file.path("path").asText().startsWith("/"), sample + ": " + file);
      assertTrue(file.path("content").isTextual(), sample + ": " + file);
    }
    for (JsonNode command : config.config().path("runcmd")) {
      assertTrue(command.isTextual(), sample + ": runcmd entry " + command);
    }
  }

  @ParameterizedTest
  @MethodSource("samplesWithCloudInit")
  void everyShellScriptPassesShellcheck(String sample) throws Exception {
    ShellCheck shellcheck = ShellCheck.onPathOrSkip();
    List<GuestCloudConfig.ShellScript> scripts = cloudConfig(sample).shellScripts();
    assertTrue(!scripts.isEmpty(), sample + " runs no shell");
    List<String> findings = new ArrayList<>();
    for (GuestCloudConfig.ShellScript script : scripts) {
      String found = shellcheck.findings(script.text());
      if (!found.isEmpty()) {
        findings.add(script.name() + ":\n" + found);
      }
    }
    assertEquals(List.of(), findings, sample);
  }

  @Test
  void theShellCheckCatchesAnUnquotedVariable() throws Exception {
    ShellCheck shellcheck = ShellCheck.onPathOrSkip();
    String findings = shellcheck.findings("#!/bin/sh\nrm -rf $1/\n");
    assertTrue(findings.contains("SC2086"), findings);
  }

  @Test
  void theGen4VmLoadsVfioWithoutIommuReservesHugepagesAndSetsQatlibsPolicy() {
    JsonNode vm = SAMPLES.readSample("gen4-cy-dc-vm.yaml");
    GuestCloudConfig config = cloudConfig("gen4-cy-dc-vm.yaml");
    assertEquals(
        List.of("qatlib", "qatlib-service", "qatlib-tests", "qatengine", "pciutils"),
        config.packages());
    assertEquals(Optional.of(NOIOMMU), config.file("/etc/modprobe.d/vfio-noiommu.conf"));
    assertEquals(Optional.of("vfio-pci\n"), config.file("/etc/modules-load.d/vfio-pci.conf"));
    assertEquals(
        Optional.of("vm.nr_hugepages = 512\n"), config.file("/etc/sysctl.d/80-qat-hugepages.conf"));
    assertEquals(Optional.of("POLICY=2\n"), config.file("/etc/sysconfig/qat"));
    assertEquals(Optional.of("QAT_MAX_2M_HPG_PER_PROCESS=256\n"), config.file("/etc/environment"));
    assertEquals(
        List.of(
            "modprobe vfio-pci",
            "sysctl --system",
            "systemctl enable --now qat",
            "lspci -nnk -d 8086:",
            "/usr/local/sbin/qat-guest-check"),
        config.runcmd());
    assertEquals("2Mi", vm.at("/spec/template/spec/domain/memory/hugepages/pageSize").asText());
    assertEquals(
        "quay.io/containerdisks/fedora:43",
        vm.at("/spec/template/spec/volumes/0/containerDisk/image").asText());
  }

  @Test
  void theGen4IpsecVmRunsVppOnPinnedNumaAlignedCpusWithHugepagesAndVfioWithoutIommu()
      throws IOException {
    JsonNode vm = SAMPLES.readSample("gen4-ipsec-vpp-vm.yaml");
    GuestCloudConfig config = cloudConfig("gen4-ipsec-vpp-vm.yaml");
    assertEquals(
        JSON.readTree(
            "{\"sockets\":1,\"cores\":4,\"threads\":1,\"dedicatedCpuPlacement\":true,"
                + "\"isolateEmulatorThread\":true,\"numa\":{\"guestMappingPassthrough\":{}}}"),
        vm.at("/spec/template/spec/domain/cpu"));
    assertEquals(
        JSON.readTree("{\"guest\":\"8Gi\",\"hugepages\":{\"pageSize\":\"1Gi\"}}"),
        vm.at("/spec/template/spec/domain/memory"));
    assertEquals(Optional.of(NOIOMMU), config.file("/etc/modprobe.d/vfio-noiommu.conf"));
    assertEquals(
        Optional.of("vm.nr_hugepages = 1024\n"),
        config.file("/etc/sysctl.d/80-vpp-hugepages.conf"));
    assertEquals(
        List.of(
            "modprobe vfio-pci",
            "sysctl --system",
            "/usr/local/sbin/gen4-ipsec-setup",
            "lspci -nnk -d 8086:"),
        config.runcmd());
    String setup = config.file("/usr/local/sbin/gen4-ipsec-setup").orElseThrow();
    for (String line :
        List.of(
            "apt-get install -y vpp vpp-plugin-core vpp-plugin-dpdk",
            "  uio-driver vfio-pci",
            "  dev $qat_pci",
            "  main-core 1",
            "  corelist-workers 2-3",
            "set ipsec async mode on",
            "ikev2 profile add site")) {
      assertTrue(setup.lines().anyMatch(line::equals), "gen4-ipsec-setup lacks: " + line);
    }
  }

  @Test
  void thePreGen4GatewayKeepsEspInTheKernelOnTheVfDriversAlgorithms() {
    GuestCloudConfig config = cloudConfig("ipsec-gateway-vmi.yaml");
    assertEquals(
        Optional.of("qat_c62xvf\nqat_c3xxxvf\nqat_dh895xccvf\n"),
        config.file("/etc/modules-load.d/qat-vf.conf"));
    assertEquals(Optional.empty(), config.file("/etc/modprobe.d/vfio-noiommu.conf"));
    assertTrue(
        config
            .file("/etc/swanctl/conf.d/gateway.conf")
            .orElseThrow()
            .contains("esp_proposals = aes256-sha256-ecp384"),
        "ESP with AES-CBC and HMAC-SHA256, which the QAT VF drivers register (they have no GCM)");
    assertTrue(!config.packages().contains("qatengine"), "qatlib does not drive pre-Gen4 VFs");
  }
}
