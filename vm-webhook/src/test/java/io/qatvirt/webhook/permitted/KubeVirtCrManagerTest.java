package io.qatvirt.webhook.permitted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeVirtCrManagerTest {

  @Test
  void namesTheHyperConvergedCrHcoCopiesIntoTheKubeVirtCrItLabels() {
    assertEquals(
        new KubeVirtCrManager.HyperConverged("openshift-cnv", "kubevirt-hyperconverged"),
        KubeVirtCrManager.of(
            "openshift-cnv",
            "kubevirt-kubevirt-hyperconverged",
            Map.of(
                "app", "kubevirt-hyperconverged", "app.kubernetes.io/managed-by", "hco-operator")));
  }

  @Test
  void takesTheKubeVirtCrsNameForTheHyperConvergedCrsWhenItLacksHcosPrefix() {
    assertEquals(
        new KubeVirtCrManager.HyperConverged("kubevirt-hyperconverged", "hco"),
        KubeVirtCrManager.of(
            "kubevirt-hyperconverged",
            "hco",
            Map.of("app.kubernetes.io/managed-by", "hco-operator")));
  }

  @Test
  void leavesAKubeVirtCrWithoutHcosLabelToBeEditedDirectly() {
    KubeVirtCrManager direct = new KubeVirtCrManager.Direct();
    assertEquals(direct, KubeVirtCrManager.of("kubevirt", "kubevirt", Map.of()));
    assertEquals(
        direct,
        KubeVirtCrManager.of(
            "kubevirt", "kubevirt", Map.of("app.kubernetes.io/managed-by", "kubevirt-operator")));
    assertEquals(
        direct,
        KubeVirtCrManager.of(
            "openshift-cnv",
            "kubevirt-kubevirt-hyperconverged",
            Map.of("app", "kubevirt-hyperconverged")));
  }
}
