package io.qatvirt.plugin.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KubeVirtEnvTest {

  @Test
  void upperCasesAndReplacesSlashAndDotButKeepsDash() {
    assertEquals(
        "PCI_RESOURCE_QAT_INTEL_COM_SYM-DC",
        KubeVirtEnv.pciResourceVariable("qat.intel.com/sym-dc"));
  }

  @Test
  void namesTheGenericResourceAsKubeVirtReadsIt() {
    assertEquals(
        "PCI_RESOURCE_QAT_INTEL_COM_GENERIC",
        KubeVirtEnv.pciResourceVariable("qat.intel.com/generic"));
    assertEquals(
        "PCI_RESOURCE_QAT_INTEL_COM_CY", KubeVirtEnv.pciResourceVariable("qat.intel.com/cy"));
  }

  @Test
  void numbersQatVariablesFromZero() {
    assertEquals("QAT0", KubeVirtEnv.qatVariable(0));
    assertEquals("QAT11", KubeVirtEnv.qatVariable(11));
  }
}
