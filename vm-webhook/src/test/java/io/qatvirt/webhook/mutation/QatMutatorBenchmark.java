package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * How long one mutation takes (parse into the models, plan, build the patch), over generated VMIs
 * and VMs. Not a test: run it by hand, see the report for the command.
 */
public final class QatMutatorBenchmark {
  private QatMutatorBenchmark() {}

  public static void main(String[] args) {
    int objects = 2_000;
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Random random = new Random(42);
    List<JsonNode> inputs = new ArrayList<>();
    for (int i = 0; i < objects; i++) {
      inputs.add(RandomVmis.next(random).object());
    }
    QatMutator mutator =
        new QatMutator(
            MutatorConfig.defaults(),
            (ns, kind, name) -> InstancetypeLookup.Answer.NO_HOST_DEVICES);
    long sink = 0;
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      for (JsonNode input : inputs) {
        MutationOutcome outcome = mutator.mutate(input);
        sink += outcome instanceof MutationOutcome.Allowed a ? a.patch().size() : 1;
      }
      long micros = (System.nanoTime() - start) / 1_000;
      System.out.printf(
          "round %2d: %d objects in %d ms, %.1f us per mutation%n",
          round, objects, micros / 1_000, micros / (double) objects);
    }
    System.out.println("(checksum " + sink + ")");
  }
}
