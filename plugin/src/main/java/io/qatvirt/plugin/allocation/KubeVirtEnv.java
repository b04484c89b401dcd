package io.qatvirt.plugin.allocation;

import java.util.Locale;

/** The environment variable names through which virt-launcher learns its PCI addresses. */
public final class KubeVirtEnv {
  private KubeVirtEnv() {}

  /**
   * KubeVirt's rule: {@code PCI_RESOURCE_} + the resource name upper-cased with every {@code /} and
   * {@code .} replaced by {@code _}; nothing else changes ({@code -} stays). {@code
   * qat.intel.com/sym-dc} becomes {@code PCI_RESOURCE_QAT_INTEL_COM_SYM-DC}.
   */
  public static String pciResourceVariable(String resourceName) {
    return "PCI_RESOURCE_"
        + resourceName.toUpperCase(Locale.ROOT).replace('/', '_').replace('.', '_');
  }

  /** {@code QAT0}, {@code QAT1}, ...: the variables Intel's QAT plugin sets, for QAT-aware apps. */
  public static String qatVariable(int index) {
    return "QAT" + index;
  }
}
