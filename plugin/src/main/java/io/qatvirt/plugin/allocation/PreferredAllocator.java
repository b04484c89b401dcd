package io.qatvirt.plugin.allocation;

import io.qatvirt.plugin.allocation.AllocationException.Kind;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Answers kubelet's GetPreferredAllocation for one container under a policy. */
public final class PreferredAllocator {
  private final AllocationPolicy policy;

  public PreferredAllocator(AllocationPolicy policy) {
    this.policy = policy;
  }

  public AllocationPolicy policy() {
    return policy;
  }

  /**
   * Picks {@code size} device IDs: every must-include ID, then more from {@code available}. Devices
   * kubelet lists but this plugin no longer advertises are picked only when the known ones don't
   * suffice.
   *
   * @return the IDs as kubelet spelled them, must-include ones first
   * @throws AllocationException for a malformed ID or a size that can't be met
   */
  public List<String> choose(
      List<Vf> advertised, List<String> available, List<String> mustInclude, int size) {
    Map<PciAddress, String> spelling = new LinkedHashMap<>();
    List<PciAddress> must = new ArrayList<>();
    for (String id : mustInclude) {
      PciAddress address = KubeletIds.parse(id, "prefer");
      if (spelling.putIfAbsent(address, id) == null) {
        must.add(address);
      }
    }
    List<PciAddress> pool = new ArrayList<>();
    for (String id : available) {
      PciAddress address = KubeletIds.parse(id, "prefer");
      if (spelling.putIfAbsent(address, id) == null) {
        pool.add(address);
      }
    }
    checkSize(size, must.size(), spelling.size());
    List<PciAddress> chosen = new ArrayList<>(must);
    int wanted = size - must.size();
    if (policy == AllocationPolicy.NONE) {
      chosen.addAll(pool.subList(0, wanted));
    } else {
      chosen.addAll(new Placement(policy, KubeletIds.index(advertised), must).pick(pool, wanted));
    }
    return chosen.stream().map(spelling::get).toList();
  }

  private static void checkSize(int size, int mustCount, int candidates) {
    if (size <= 0) {
      throw new AllocationException(
          Kind.INVALID, "tried to prefer " + size + " devices, but the size must be at least 1");
    }
    if (size < mustCount) {
      throw new AllocationException(
          Kind.INVALID,
          "tried to prefer "
              + size
              + " devices, but "
              + mustCount
              + " must be included, more than the size");
    }
    if (size > candidates) {
      throw new AllocationException(
          Kind.INVALID,
          "tried to prefer " + size + " devices, but only " + candidates + " are available");
    }
  }

  /** Topology-aware picking for the balanced and packed policies. */
  private static final class Placement {
    private final AllocationPolicy policy;
    private final Map<PciAddress, Vf> known;
    private final List<PciAddress> must;
    private final Map<PciAddress, Integer> usedPerPf = new HashMap<>();

    Placement(AllocationPolicy policy, Map<PciAddress, Vf> known, List<PciAddress> must) {
      this.policy = policy;
      this.known = known;
      this.must = must;
      must.forEach(this::use);
    }

    List<PciAddress> pick(List<PciAddress> pool, int wanted) {
      List<PciAddress> unknown = pool.stream().filter(a -> !known.containsKey(a)).toList();
      List<Vf> candidates = pool.stream().filter(known::containsKey).map(known::get).toList();
      int node = numaNode(candidates, wanted);
      List<PciAddress> picked = new ArrayList<>();
      List<Vf> sameNode = candidates.stream().filter(vf -> vf.numaNode() == node).toList();
      List<Vf> otherNodes = candidates.stream().filter(vf -> vf.numaNode() != node).toList();
      picked.addAll(pickFrom(sameNode, wanted));
      picked.addAll(pickFrom(otherNodes, wanted - picked.size()));
      picked.addAll(unknown.subList(0, wanted - picked.size()));
      return picked;
    }

    /** The must-include devices' node if it can hold the rest, else the roomiest node that can. */
    private int numaNode(List<Vf> candidates, int wanted) {
      Map<Integer, Long> perNode =
          candidates.stream().collect(Collectors.groupingBy(Vf::numaNode, Collectors.counting()));
      Optional<Integer> mustNode =
          must.stream()
              .map(known::get)
              .filter(vf -> vf != null && vf.numaNode() >= 0)
              .map(Vf::numaNode)
              .findFirst();
      if (mustNode.isPresent() && perNode.getOrDefault(mustNode.get(), 0L) >= wanted) {
        return mustNode.get();
      }
      return perNode.entrySet().stream()
          .filter(e -> e.getValue() >= wanted)
          .max(
              Comparator.comparingLong((Map.Entry<Integer, Long> e) -> e.getValue())
                  .thenComparing(e -> -e.getKey()))
          .map(Map.Entry::getKey)
          .orElse(-1);
    }

    private List<PciAddress> pickFrom(List<Vf> candidates, int wanted) {
      Map<PciAddress, List<PciAddress>> byPf = new HashMap<>();
      candidates.stream()
          .sorted(Comparator.comparing(Vf::address))
          .forEach(vf -> byPf.computeIfAbsent(pfKey(vf), k -> new ArrayList<>()).add(vf.address()));
      List<PciAddress> picked = new ArrayList<>();
      while (picked.size() < wanted && !byPf.isEmpty()) {
        PciAddress pf = nextPf(byPf, wanted - picked.size());
        List<PciAddress> left = byPf.get(pf);
        PciAddress next = left.remove(0);
        if (left.isEmpty()) {
          byPf.remove(pf);
        }
        use(next);
        picked.add(next);
      }
      return picked;
    }

    private PciAddress nextPf(Map<PciAddress, List<PciAddress>> byPf, int stillWanted) {
      Comparator<PciAddress> byAddress = Comparator.naturalOrder();
      if (policy == AllocationPolicy.BALANCED) {
        return byPf.keySet().stream()
            .min(Comparator.comparingInt((PciAddress pf) -> used(pf)).thenComparing(byAddress))
            .orElseThrow();
      }
      Optional<PciAddress> started =
          byPf.keySet().stream()
              .filter(pf -> used(pf) > 0)
              .min(Comparator.comparingInt((PciAddress pf) -> -used(pf)).thenComparing(byAddress));
      if (started.isPresent()) {
        return started.get();
      }
      Comparator<PciAddress> bySize = Comparator.comparingInt(pf -> byPf.get(pf).size());
      Optional<PciAddress> bestFit =
          byPf.keySet().stream()
              .filter(pf -> byPf.get(pf).size() >= stillWanted)
              .min(bySize.thenComparing(byAddress));
      return bestFit.orElseGet(
          () -> byPf.keySet().stream().min(bySize.reversed().thenComparing(byAddress)).get());
    }

    private void use(PciAddress address) {
      Vf vf = known.get(address);
      PciAddress pf = vf == null ? address : pfKey(vf);
      usedPerPf.merge(pf, 1, Integer::sum);
    }

    private int used(PciAddress pf) {
      return usedPerPf.getOrDefault(pf, 0);
    }

    /** VFs without a visible PF (inside a guest) count as their own PF. */
    private static PciAddress pfKey(Vf vf) {
      return vf.pf().orElse(vf.address());
    }
  }
}
