package io.qatvirt.plugin.sysfs;

import java.util.Comparator;
import java.util.List;

/** A VF found in one scan, with what its PF adds, before binding and health are judged. */
record Candidate(VfFacts facts, int vfIndex, String kind, List<String> pfProblems) {

  /**
   * The stable advertising order: VFs with a PF by PF address, then VF index numerically (an
   * unknown index last, by address); then VFs without a PF by address.
   */
  static final Comparator<Candidate> ORDER =
      Comparator.<Candidate, Boolean>comparing(c -> c.facts().pf().isEmpty())
          .thenComparing(c -> c.facts().pf().orElse(c.facts().address()))
          .thenComparingInt(c -> c.vfIndex() < 0 ? Integer.MAX_VALUE : c.vfIndex())
          .thenComparing(c -> c.facts().address());

  Candidate withFacts(VfFacts newFacts) {
    return new Candidate(newFacts, vfIndex, kind, pfProblems);
  }
}
