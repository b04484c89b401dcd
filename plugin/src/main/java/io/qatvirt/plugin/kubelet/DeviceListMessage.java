package io.qatvirt.plugin.kubelet;

import io.qatvirt.plugin.api.v1beta1.Device;
import io.qatvirt.plugin.api.v1beta1.ListAndWatchResponse;
import io.qatvirt.plugin.api.v1beta1.NUMANode;
import io.qatvirt.plugin.api.v1beta1.TopologyInfo;
import io.qatvirt.plugin.device.Vf;
import java.util.List;

/** The ListAndWatch message for a resource's VFs. */
final class DeviceListMessage {
  private DeviceListMessage() {}

  /** Device ID = the VF's address; topology only where the NUMA node is known. */
  static ListAndWatchResponse of(List<Vf> vfs) {
    ListAndWatchResponse.Builder response = ListAndWatchResponse.newBuilder();
    for (Vf vf : vfs) {
      Device.Builder device =
          Device.newBuilder().setID(vf.address().toString()).setHealth(vf.health().apiValue());
      if (vf.numaNode() >= 0) {
        device.setTopology(
            TopologyInfo.newBuilder().addNodes(NUMANode.newBuilder().setID(vf.numaNode())));
      }
      response.addDevices(device);
    }
    return response.build();
  }
}
