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
  void namesQatVariablesAfterTheKindNumberedFromZero() {
    assertEquals("QAT_CY_0", KubeVirtEnv.qatVariable("qat.intel.com/cy", 0));
    assertEquals("QAT_GENERIC_11", KubeVirtEnv.qatVariable("qat.intel.com/generic", 11));
  }

  @Test
  void spellsADashInTheKindAsAnUnderscoreAShellCanRead() {
    assertEquals("QAT_SYM_DC_0", KubeVirtEnv.qatVariable("qat.intel.com/sym-dc", 0));
    assertEquals("QAT_ASYM_SYM_DC_2", KubeVirtEnv.qatVariable("qat.intel.com/asym-sym-dc", 2));
  }
}
