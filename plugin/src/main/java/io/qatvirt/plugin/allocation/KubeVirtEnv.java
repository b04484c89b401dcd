package io.qatvirt.plugin.allocation;

import java.util.Locale;

/**
 * The environment variable names of an Allocate answer: {@code PCI_RESOURCE_*}, through which
 * virt-launcher learns its PCI addresses, and {@code QAT_*} for QAT-aware apps in containers. Every
 * name carries the resource, so the answers kubelet merges for one container never share a name.
 */
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

  /**
   * {@code QAT_<KIND>_<index>}, one per VF of the resource, numbered from 0 in address order:
   * {@code qat.intel.com/cy} gives {@code QAT_CY_0}, {@code qat.intel.com/sym-dc} gives {@code
   * QAT_SYM_DC_0}. For apps in containers that read addresses from variables starting with {@code
   * QAT} (Intel's DPDK demos expand {@code ${!QAT*}}); virt-launcher reads none of them.
   *
   * <p>Intel's plugin numbers {@code QAT0}, {@code QAT1}, ... per resource, so a container taking
   * two resources gets two {@code QAT0} and kubelet keeps one of them. The kind in the name keeps
   * every resource's variables apart: a kind is {@code [a-z0-9]} words joined by {@code -} (see
   * {@code ResourceKinds}), upper-cased here with {@code -} as {@code _}, so two kinds never give
   * the same name. The {@code -} is replaced because a shell can't name such a variable.
   */
  public static String qatVariable(String resourceName, int index) {
    String kind = resourceName.substring(resourceName.lastIndexOf('/') + 1);
    return "QAT_" + kind.toUpperCase(Locale.ROOT).replace('-', '_') + "_" + index;
  }
}
