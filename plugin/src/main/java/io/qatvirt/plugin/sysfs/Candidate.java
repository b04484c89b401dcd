package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A VF found in one scan, with what its PF adds, before binding and health are judged. */
record Candidate(VfFacts facts, int vfIndex, String kind, List<String> pfProblems) {

  /**
   * The stable advertising order: VFs with a PF by PF address, then VF index numerically (an
   * unknown index last, by address); then VFs without a PF by address.
   */
  static final Comparator<Candidate> ORDER = Candidate::compare;

  private static int compare(Candidate a, Candidate b) {
    Optional<PciAddress> pfA = a.facts().pf();
    Optional<PciAddress> pfB = b.facts().pf();
    if (pfA.isPresent() != pfB.isPresent()) {
      return pfA.isPresent() ? -1 : 1;
    }
    if (pfA.isPresent()) {
      int byPf = pfA.get().compareTo(pfB.get());
      if (byPf != 0) {
        return byPf;
      }
      int byIndex = Integer.compare(unknownLast(a.vfIndex()), unknownLast(b.vfIndex()));
      if (byIndex != 0) {
        return byIndex;
      }
    }
    return a.facts().address().compareTo(b.facts().address());
  }

  private static int unknownLast(int index) {
    return index < 0 ? Integer.MAX_VALUE : index;
  }

  Candidate withFacts(VfFacts newFacts) {
    return new Candidate(newFacts, vfIndex, kind, pfProblems);
  }
}
