package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.sysfs.ScanConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A node's QAT hardware as Linux shows it, laid out in a folder: {@code <root>/sys} (sysfs, with
 * debugfs at {@code sys/kernel/debug}) and {@code <root>/dev} (the /dev/vfio nodes, as regular
 * empty files). Build PFs with VFs, guest-style VFs, other SR-IOV devices, then break things; let
 * {@link SimulatedKernel} apply the plugin's writes as the kernel would. Thread-safe.
 */
public final class SimulatedNode {

  private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*");
  private static final DeviceIds ROOT_PORT =
      new DeviceIds(
          0x8086, 0x347a, 0x347a, "pcieport", Optional.empty(), Optional.empty(), 1, 0x060400);

  final SimLayout layout;
  private final Path root;
  private final Map<PciAddress, SimDevice> devices = new TreeMap<>();
  private final Map<PciAddress, SimPf> pfs = new HashMap<>();
  private final Map<String, Path> bridges = new HashMap<>();
  private final Map<Integer, Integer> nextSlot = new HashMap<>();
  private final Set<Integer> usedGroups = new HashSet<>();
  private final Map<String, Set<PciId>> dynamicIds = new HashMap<>();
  private int nextGroup;
  private boolean disableDenylist;

  private SimulatedNode(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.layout = new SimLayout(this.root);
  }

  /** An empty node in {@code root}: vfio-pci loaded (denylist active), /dev/vfio/vfio present. */
  public static SimulatedNode create(Path root) throws IOException {
    SimulatedNode node = new SimulatedNode(root);
    node.layout.createRoots();
    node.layout.loadDriver("vfio-pci");
    node.layout.loadDriver("pcieport");
    return node;
  }

  public Path root() {
    return root;
  }

  public Path sysfsRoot() {
    return layout.sysfs;
  }

  public Path devRoot() {
    return layout.dev;
  }

  public Path debugfsRoot() {
    return layout.debugfs;
  }

  /** The scanner's defaults at this node's roots. */
  public ScanConfig scanConfig() {
    return ScanConfig.defaults(sysfsRoot(), devRoot(), debugfsRoot());
  }

  /** A kernel applying sysfs writes to this node. */
  public SimulatedKernel kernel() {
    return new SimulatedKernel(this);
  }

  public PfBuilder pf(QatFamily family, String address) {
    return new PfBuilder(this, DeviceIds.of(family), address);
  }

  public PfBuilder pf(DeviceIds ids, String address) {
    return new PfBuilder(this, ids, address);
  }

  public GuestVfBuilder guestVf(QatFamily family, String address) {
    return new GuestVfBuilder(this, DeviceIds.of(family), address);
  }

  public GuestVfBuilder guestVf(DeviceIds ids, String address) {
    return new GuestVfBuilder(this, ids, address);
  }

  synchronized SimulatedPf createPf(PfBuilder spec) throws IOException {
    PciAddress address = spec.address;
    requireFree(address);
    int rid = (address.bus() << 8) | (address.device() << 3) | address.function();
    List<PciAddress> vfs = new ArrayList<>();
    for (int i = 0; i < spec.total(); i++) {
      vfs.add(fromRid(address.domain(), rid + spec.ids.vfOffset() + i));
    }
    for (PciAddress vf : vfs.subList(0, spec.vfCount)) {
      requireFree(vf);
    }
    Path parent = bridgeFor(address);
    int pfGroup = spec.firstGroup.orElse(nextGroup);
    List<Integer> vfGroups = new ArrayList<>();
    for (int i = 0; i < spec.total(); i++) {
      vfGroups.add(pfGroup + 1 + i);
    }
    nextGroup = Math.max(nextGroup, pfGroup + 1 + spec.total());
    SimDevice pf =
        new SimDevice(
            address,
            spec.ids,
            SimDevice.Kind.PF,
            parent.resolve(address.toString()),
            group(pfGroup, spec.noIommu),
            Optional.empty(),
            -1,
            spec.numaNode);
    add(pf);
    Path dir = pf.dir();
    SimTree.write(dir.resolve("sriov_totalvfs"), spec.total() + "\n");
    SimTree.write(dir.resolve("sriov_numvfs"), "0\n");
    SimTree.write(dir.resolve("sriov_drivers_autoprobe"), "1\n");
    SimTree.write(dir.resolve("sriov_offset"), spec.ids.vfOffset() + "\n");
    SimTree.write(dir.resolve("sriov_stride"), "1\n");
    SimTree.write(dir.resolve("sriov_vf_device"), String.format("%04x%n", spec.ids.vfDevice()));
    if (spec.ids.serviceAware()) {
      SimTree.write(dir.resolve("qat/state"), spec.state + "\n");
      SimTree.write(dir.resolve("qat/cfg_services"), spec.services + "\n");
      SimTree.write(dir.resolve("qat/auto_reset"), "off\n");
    }
    if (spec.ids.qatFamily().isPresent()) {
      SimTree.write(layout.heartbeat(spec.ids, address), "0\n");
    }
    layout.loadDriver(spec.ids.pfDriver());
    layout.bind(pf, spec.ids.pfDriver());
    SimPf state = new SimPf(pf, vfs, vfGroups, spec.noIommu);
    pfs.put(address, state);
    enableVfs(state, spec.vfCount, spec::startOf);
    return new SimulatedPf(address, vfs.subList(0, spec.vfCount));
  }

  synchronized PciAddress createGuestVf(GuestVfBuilder spec) throws IOException {
    requireFree(spec.address);
    SimDevice vf =
        new SimDevice(
            spec.address,
            spec.ids,
            SimDevice.Kind.VF,
            bridgeFor(spec.address).resolve(spec.address.toString()),
            group(spec.group.orElse(nextGroup), spec.noIommu),
            Optional.empty(),
            -1,
            spec.numaNode);
    add(vf);
    start(vf, spec.start);
    return spec.address;
  }

  interface Starts {
    VfStart of(int index);
  }

  private void enableVfs(SimPf pf, int count, Starts starts) throws IOException {
    for (int i = 0; i < count; i++) {
      PciAddress address = pf.vfs.get(i);
      requireFree(address);
      SimDevice vf =
          new SimDevice(
              address,
              pf.device.ids(),
              SimDevice.Kind.VF,
              pf.device.dir().resolveSibling(address.toString()),
              group(pf.vfGroups.get(i), pf.noIommu),
              Optional.of(pf.device.address()),
              i,
              pf.device.numaNode());
      add(vf);
      SimTree.link(vf.dir().resolve("physfn"), pf.device.dir());
      SimTree.link(pf.device.dir().resolve("virtfn" + i), vf.dir());
      start(vf, starts.of(i));
    }
    SimTree.write(pf.device.dir().resolve("sriov_numvfs"), count + "\n");
    pf.enabled = count;
  }

  private void start(SimDevice vf, VfStart start) throws IOException {
    switch (start) {
      case VFIO_PCI -> {
        if (!layout.driverLoaded("vfio-pci")) {
          throw new IllegalStateException(
              "tried to start " + vf.address() + " on vfio-pci, but vfio-pci is unloaded");
        }
        SimTree.write(vf.dir().resolve("driver_override"), "vfio-pci\n");
        layout.bind(vf, "vfio-pci");
      }
      case KERNEL_DRIVER -> {
        String driver =
            vf.ids()
                .vfKernelDriver()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "tried to start "
                                + vf.address()
                                + " on its kernel driver, but it has none"));
        layout.loadDriver(driver);
        layout.bind(vf, driver);
      }
      case UNBOUND -> {}
    }
  }

  // ---- driver binding, with the kernel's errors ----

  /**
   * Binds an unbound device to a loaded driver as the kernel would: {@code ENODEV} for an unknown
   * device, an unloaded driver, or vfio-pci refusing a denylisted device; {@code EBUSY} when bound.
   */
  public synchronized void bind(PciAddress address, String driver) throws IOException {
    SimDevice device = existing(address);
    if (layout.driver(device).isPresent()) {
      throw Errno.EBUSY.exception();
    }
    if (!layout.driverLoaded(driver)) {
      throw Errno.ENODEV.exception();
    }
    if (driver.equals("vfio-pci") && device.ids().denylisted() && !disableDenylist) {
      throw Errno.ENODEV.exception();
    }
    layout.bind(device, driver);
  }

  /** Unbinds a device; {@code ENODEV} when it has no driver. Leaving vfio-pci drops the node. */
  public synchronized void unbind(PciAddress address) throws IOException {
    SimDevice device = existing(address);
    String driver = layout.driver(device).orElseThrow(Errno.ENODEV::exception);
    boolean last = true;
    for (SimDevice other : devices.values()) {
      if (other != device
          && other.group().equals(device.group())
          && layout.driver(other).filter("vfio-pci"::equals).isPresent()) {
        last = false;
      }
    }
    layout.unbind(device, driver, last);
  }

  /**
   * The driver {@code drivers_probe} would pick: the override, else the device's own kernel driver
   * if loaded, else a driver whose {@code new_id} lists its IDs; {@code ENODEV} when none.
   */
  synchronized String probeDriver(PciAddress address) throws IOException {
    SimDevice device = existing(address);
    String override = driverOverride(address);
    if (!override.equals("(null)")) {
      return override;
    }
    Optional<String> own = device.nativeDriver().filter(layout::driverLoaded);
    if (own.isPresent()) {
      return own.get();
    }
    PciId id = new PciId(device.ids().vendor(), device.deviceId());
    for (Map.Entry<String, Set<PciId>> entry : dynamicIds.entrySet()) {
      if (entry.getValue().contains(id) && layout.driverLoaded(entry.getKey())) {
        return entry.getKey();
      }
    }
    throw Errno.ENODEV.exception();
  }

  /** A driver's {@code new_id}: {@code EEXIST} when listed; probes unbound matching devices. */
  synchronized void addDynamicId(String driver, PciId id) throws IOException {
    if (!dynamicIds.computeIfAbsent(driver, d -> new HashSet<>()).add(id)) {
      throw Errno.EEXIST.exception();
    }
    for (SimDevice device : List.copyOf(devices.values())) {
      if (device.ids().vendor() == id.vendor()
          && device.deviceId() == id.device()
          && layout.driver(device).isEmpty()
          && driverOverride(device.address()).equals("(null)")) {
        try {
          bind(device.address(), driver);
        } catch (IOException refused) {
          // the kernel skips devices the driver refuses (e.g. denylisted)
        }
      }
    }
  }

  /** A driver's {@code remove_id}: {@code ENODEV} when not listed. */
  synchronized void removeDynamicId(String driver, PciId id) throws IOException {
    if (!dynamicIds.getOrDefault(driver, Set.of()).remove(id)) {
      throw Errno.ENODEV.exception();
    }
  }

  /** Loads or unloads vfio-pci; unloading unbinds every device on it first, as rmmod does. */
  public synchronized void setVfioPciLoaded(boolean loaded) throws IOException {
    if (loaded) {
      layout.loadDriver("vfio-pci");
      return;
    }
    for (PciAddress address : devices.keySet()) {
      if (driver(address).filter("vfio-pci"::equals).isPresent()) {
        unbind(address);
      }
    }
    layout.unloadDriver("vfio-pci");
  }

  /** vfio-pci's {@code disable_denylist}; false (the default) refuses pre-Gen4 QAT VFs. */
  public synchronized void setVfioPciDisableDenylist(boolean disable) {
    this.disableDenylist = disable;
  }

  // ---- SR-IOV ----

  /**
   * Writes {@code sriov_numvfs} as the kernel takes it: 0 removes every VF (directories, links,
   * /dev/vfio nodes); N from 0 creates N VFs, probed with their kernel driver when {@code
   * sriov_drivers_autoprobe} is 1. {@code ERANGE} past {@code sriov_totalvfs}, {@code EBUSY} from
   * one non-zero count to another.
   */
  public synchronized void setNumVfs(PciAddress pfAddress, int count) throws IOException {
    SimPf pf = pfs.get(pfAddress);
    if (pf == null || count < 0) {
      throw Errno.EINVAL.exception();
    }
    if (count > pf.vfs.size()) {
      throw Errno.ERANGE.exception();
    }
    if (count == pf.enabled) {
      return;
    }
    if (count != 0 && pf.enabled != 0) {
      throw Errno.EBUSY.exception();
    }
    if (count == 0) {
      for (int i = pf.enabled - 1; i >= 0; i--) {
        removeDevice(pf.vfs.get(i));
      }
      SimTree.write(pf.device.dir().resolve("sriov_numvfs"), "0\n");
      pf.enabled = 0;
      return;
    }
    boolean autoprobe =
        SimTree.read(pf.device.dir().resolve("sriov_drivers_autoprobe")).trim().equals("1");
    enableVfs(pf, count, i -> VfStart.UNBOUND);
    if (autoprobe) {
      for (PciAddress vf : pf.vfs.subList(0, count)) {
        try {
          bind(vf, probeDriver(vf));
        } catch (IOException noDriver) {
          // stays unbound, as a Gen4 VF with no kernel VF driver does
        }
      }
    }
  }

  // ---- breaking things ----

  /** Removes a device as hot-unplug does: its directory, every link to it, its /dev/vfio node. */
  public synchronized void removeDevice(PciAddress address) throws IOException {
    SimDevice device = existing(address);
    if (layout.driver(device).isPresent()) {
      unbind(address);
    }
    device
        .physfn()
        .map(pfs::get)
        .ifPresent(
            pf -> {
              try {
                Files.deleteIfExists(pf.device.dir().resolve("virtfn" + device.vfIndex()));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    layout.removeDevice(device);
    devices.remove(address);
  }

  /** Deletes the device's {@code iommu_group} link (as with the IOMMU off). */
  public synchronized void removeIommuGroupLink(PciAddress address) throws IOException {
    Files.delete(existing(address).dir().resolve("iommu_group"));
  }

  /** Overwrites one attribute file of a device (e.g. {@code device}, {@code qat/state}) raw. */
  public synchronized void writeAttribute(PciAddress address, String attribute, String content)
      throws IOException {
    SimTree.write(attributePath(address, attribute), content);
  }

  /** Deletes one attribute file of a device (e.g. {@code qat/cfg_services}). */
  public synchronized void deleteAttribute(PciAddress address, String attribute)
      throws IOException {
    Files.deleteIfExists(attributePath(address, attribute));
  }

  /** Writes a QAT PF's heartbeat status ({@code 0} alive, {@code -1} failed). */
  public synchronized void setHeartbeat(PciAddress pf, int status) throws IOException {
    SimDevice device = existing(pf);
    SimTree.write(layout.heartbeat(device.ids(), pf), status + "\n");
  }

  /** Writes a Gen4+ PF's {@code qat/state} raw ({@code up}, {@code down}, or garbage). */
  public void setQatState(PciAddress pf, String state) throws IOException {
    writeAttribute(pf, "qat/state", state + "\n");
  }

  /** Writes a Gen4+ PF's {@code qat/cfg_services} raw. */
  public void setServices(PciAddress pf, String services) throws IOException {
    writeAttribute(pf, "qat/cfg_services", services + "\n");
  }

  /** Deletes the device's /dev/vfio node (as a lost devtmpfs entry). */
  public synchronized void removeVfioNode(PciAddress address) throws IOException {
    Files.deleteIfExists(layout.vfioNode(existing(address).group()));
  }

  // ---- queries ----

  public synchronized boolean exists(PciAddress address) {
    return devices.containsKey(address);
  }

  /** Every device present, bridges included, by address. */
  public synchronized List<PciAddress> devices() {
    return List.copyOf(devices.keySet());
  }

  /** The enabled VFs of a PF, in {@code virtfn} order. */
  public synchronized List<PciAddress> vfs(PciAddress pf) {
    SimPf state = pfs.get(pf);
    return state == null ? List.of() : List.copyOf(state.vfs.subList(0, state.enabled));
  }

  public synchronized VfioGroup group(PciAddress address) {
    return existing(address).group();
  }

  public synchronized Optional<String> driver(PciAddress address) throws IOException {
    return layout.driver(existing(address));
  }

  /** {@code driver_override} without its newline: {@code (null)} when unset. */
  public synchronized String driverOverride(PciAddress address) throws IOException {
    return SimTree.read(existing(address).dir().resolve("driver_override")).trim();
  }

  /** The device's real directory under {@code sys/devices}. */
  public synchronized Path deviceDir(PciAddress address) {
    return existing(address).dir();
  }

  /** The device's /dev/vfio node (present only while it is on vfio-pci). */
  public synchronized Path vfioNode(PciAddress address) {
    return layout.vfioNode(existing(address).group());
  }

  synchronized Optional<SimDevice> device(PciAddress address) {
    return Optional.ofNullable(devices.get(address));
  }

  synchronized Optional<SimDevice> deviceAt(Path realDir) {
    return devices.values().stream().filter(d -> d.dir().equals(realDir)).findFirst();
  }

  // ---- internals ----

  private SimDevice existing(PciAddress address) {
    SimDevice device = devices.get(address);
    if (device == null) {
      throw new IllegalArgumentException(
          "tried to use device " + address + ", but the simulated node has none");
    }
    return device;
  }

  private Path attributePath(PciAddress address, String attribute) {
    if (!ATTRIBUTE.matcher(attribute).matches()) {
      throw new IllegalArgumentException(
          "tried to name attribute '"
              + attribute
              + "', but only [A-Za-z0-9_/] relative names work");
    }
    return existing(address).dir().resolve(attribute);
  }

  private void add(SimDevice device) throws IOException {
    layout.addDevice(device);
    devices.put(device.address(), device);
    usedGroups.add(device.group().number());
    nextGroup = Math.max(nextGroup, device.group().number() + 1);
  }

  private static VfioGroup group(int number, boolean noIommu) {
    return new VfioGroup(number, noIommu);
  }

  private void requireFree(PciAddress address) {
    if (devices.containsKey(address)) {
      throw new IllegalArgumentException(
          "tried to add device " + address + ", but the simulated node already has one there");
    }
  }

  private Path bridgeFor(PciAddress address) throws IOException {
    String domain = String.format("%04x", address.domain());
    Path host = layout.devicesTree.resolve("pci" + domain + ":00");
    if (address.bus() == 0) {
      Files.createDirectories(host);
      return host;
    }
    String key = domain + ":" + address.bus();
    Path existing = bridges.get(key);
    if (existing != null) {
      return existing;
    }
    int slot = nextSlot.merge(address.domain(), 1, Integer::sum);
    PciAddress port = new PciAddress(address.domain(), 0, slot, 0);
    requireFree(port);
    SimDevice bridge =
        new SimDevice(
            port,
            ROOT_PORT,
            SimDevice.Kind.BRIDGE,
            host.resolve(port.toString()),
            group(nextGroup, false),
            Optional.empty(),
            -1,
            -1);
    add(bridge);
    layout.bind(bridge, "pcieport");
    bridges.put(key, bridge.dir());
    return bridge.dir();
  }

  private static PciAddress fromRid(int domain, int rid) {
    if (rid > 0xffff) {
      throw new IllegalArgumentException(
          "tried to place a VF at routing ID " + rid + ", but it is past bus ff");
    }
    return new PciAddress(domain, rid >> 8, (rid >> 3) & 0x1f, rid & 7);
  }

  static PciAddress parse(String address) {
    return PciAddress.parse(address)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "tried to read PCI address '"
                        + address
                        + "', but it is not like 0000:3d:00.0"));
  }

  /** A PF's SR-IOV state. */
  private static final class SimPf {
    final SimDevice device;
    final List<PciAddress> vfs;
    final List<Integer> vfGroups;
    final boolean noIommu;
    int enabled;

    SimPf(SimDevice device, List<PciAddress> vfs, List<Integer> vfGroups, boolean noIommu) {
      this.device = device;
      this.vfs = List.copyOf(vfs);
      this.vfGroups = List.copyOf(vfGroups);
      this.noIommu = noIommu;
    }
  }
}
