package io.qatvirt.demo.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What virt-launcher does with the variables a device plugin put into its container: it walks the
 * VMI's {@code hostDevices} in order and gives each entry the first unused PCI address from {@code
 * PCI_RESOURCE_<deviceName upper-cased, '/' and '.' as '_'>}. Pure.
 */
public final class LauncherDevices {
  private LauncherDevices() {}

  /** One host device as the VM gets it: a libvirt {@code <hostdev managed='no'>}. */
  public record Attached(String name, String deviceName, String variable, String pciAddress) {}

  /** The variable virt-launcher reads for a resource: {@code qat.intel.com/cy} → ...{@code _CY}. */
  public static String variable(String resourceName) {
    return "PCI_RESOURCE_"
        + resourceName.toUpperCase(Locale.ROOT).replace('/', '_').replace('.', '_');
  }

  /**
   * Maps each host device to its PCI address.
   *
   * @param hostDevices the {@code hostDevices} array of the VMI's domain
   * @param env the compute container's environment
   * @throws IllegalStateException as virt-launcher fails the VM: a variable is missing or short
   */
  public static List<Attached> attach(JsonNode hostDevices, Map<String, String> env) {
    Map<String, Integer> used = new HashMap<>();
    List<Attached> attached = new ArrayList<>();
    for (JsonNode device : hostDevices) {
      String name = device.path("name").asText();
      String deviceName = device.path("deviceName").asText();
      String variable = variable(deviceName);
      List<String> addresses =
          Optional.ofNullable(env.get(variable)).map(v -> List.of(v.split(","))).orElse(List.of());
      int next = used.getOrDefault(variable, 0);
      if (next >= addresses.size()) {
        throw new IllegalStateException(
            "tried to attach host device "
                + name
                + " ("
                + deviceName
                + "), but "
                + variable
                + " holds "
                + addresses.size()
                + " address(es) for "
                + (next + 1)
                + " device(s): the number of device plugin HostDevice/s do not match");
      }
      used.put(variable, next + 1);
      attached.add(new Attached(name, deviceName, variable, addresses.get(next)));
    }
    return attached;
  }
}
