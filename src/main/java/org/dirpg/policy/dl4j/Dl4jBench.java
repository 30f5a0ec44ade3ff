package org.dirpg.policy.dl4j;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.State;
import org.dirpg.policy.WeightedStep;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Throughput of {@link MiniGridConvPolicy}: the DL4J graph's output at batch 1 and 64, its back-propagation at batch
 * 64, and the policy's {@code addGradient} at batch 64 (plain arrays in FLOAT), on random MiniGrid observations. Prints numbers, asserts nothing.
 * Run with {@code OMP_NUM_THREADS=1}; arguments: {@code [FLOAT|DOUBLE] [seed]}.
 */
public final class Dl4jBench {
    private Dl4jBench() {
    }

    /** A random observation with all actions legal. */
    private record BenchState(double[] features) implements State {
        @Override
        public boolean isTerminal() {
            return false;
        }

        @Override
        public long legalActions() {
            return (1L << MiniGridNetwork.NUM_ACTIONS) - 1;
        }

        @Override
        public double[] features() {
            return features.clone();
        }
    }

    public static void main(String[] args) {
        DataType type = args.length > 0 ? DataType.valueOf(args[0]) : DataType.FLOAT;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
        run(type, seed, System.out);
    }

    /** Runs the four measurements and prints one line each to {@code out}. */
    public static void run(DataType type, long seed, PrintStream out) {
        MiniGridConvPolicy policy = new MiniGridConvPolicy(seed, type);
        SplittableRandom rng = new SplittableRandom(seed);
        List<State> states = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            states.add(new BenchState(randomFeatures(rng)));
        }
        List<WeightedStep> steps = new ArrayList<>();
        for (State s : states) {
            steps.add(new WeightedStep(s, rng.nextInt(MiniGridNetwork.NUM_ACTIONS), rng.nextBoolean() ? 1.0 : -1.0));
        }
        double[] gradient = new double[policy.numParameters()];
        out.printf("MiniGridConvPolicy %s, %d parameters, OMP_NUM_THREADS=%s%n", type, policy.numParameters(),
                System.getenv("OMP_NUM_THREADS"));
        // The DL4J graph's own inference (the search uses ConvInference and the observation cache instead).
        report(out, "graph output batch 1", 1, measure(300, 3000, i -> policy.graphLogits(List.of(states.get(i % 64)))));
        report(out, "graph output batch 64", 64, measure(30, 300, i -> policy.graphLogits(states)));
        ConvInference plain = new ConvInference(policy.graph());
        double[] logits = new double[MiniGridNetwork.NUM_ACTIONS];
        report(out, "plain forward batch 1", 1, measure(3000, 30000,
                i -> plain.logits(states.get(i % 64).features(), logits)));
        report(out, "graph backprop batch 64", 64, measure(10, 100, i -> policy.graphGradient(steps, gradient)));
        // In FLOAT the policy's own gradient runs on ConvGradient (distinct random observations: no grouping).
        report(out, "addGradient batch 64", 64, measure(10, 100, i -> policy.addGradient(steps, gradient)));
        // The general plain-array network of the same architecture and theta (policy/net), on the same observations.
        org.dirpg.policy.net.NetSpec spec = org.dirpg.policy.net.SpaceNets.build(
                new org.dirpg.env.minigrid.MultiRoomEnvironment("MiniGrid-MultiRoom-N6-v0", true, null, null, 0b100111L)
                        .spec(), "auto", null, null);
        org.dirpg.policy.net.NetPolicy net = new org.dirpg.policy.net.NetPolicy(spec, policy.parameters());
        org.dirpg.policy.net.Network network = new org.dirpg.policy.net.Network(spec, policy.parameters());
        report(out, "net forward batch 1", 1, measure(3000, 30000,
                i -> network.logits(states.get(i % 64).features(), logits)));
        report(out, "net addGradient batch 64", 64, measure(10, 100, i -> net.addGradient(steps, gradient)));
        for (int round = 0; round < 3; round++) {
            report(out, "plain forward batch 1 (again)", 1, measure(300, 30000,
                    i -> plain.logits(states.get(i % 64).features(), logits)));
            report(out, "net forward batch 1 (again)", 1, measure(300, 30000,
                    i -> network.logits(states.get(i % 64).features(), logits)));
            report(out, "addGradient batch 64 (again)", 64, measure(10, 200, i -> policy.addGradient(steps, gradient)));
            report(out, "net addGradient 64 (again)", 64, measure(10, 200, i -> net.addGradient(steps, gradient)));
        }
    }

    private interface Call {
        void run(int i);
    }

    /** Per-call wall times in nanoseconds after {@code warmup} untimed calls. */
    private static long[] measure(int warmup, int calls, Call call) {
        for (int i = 0; i < warmup; i++) {
            call.run(i);
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            call.run(i);
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static void report(PrintStream out, String what, int batch, long[] nanos) {
        long total = Arrays.stream(nanos).sum();
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double callsPerSecond = nanos.length / (total / 1e9);
        out.printf("%-27s %9.0f calls/s %10.0f states/s  median %.3f ms  p99 %.3f ms%n", what, callsPerSecond,
                callsPerSecond * batch, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6);
    }

    private static double[] randomFeatures(SplittableRandom rng) {
        double[] f = new double[MiniGridObservation.FEATURE_LENGTH];
        for (int x = 0; x < MiniGridObservation.VIEW_SIZE; x++) {
            for (int y = 0; y < MiniGridObservation.VIEW_SIZE; y++) {
                f[MiniGridObservation.featureIndex(x, y, 0)] = rng.nextInt(11);
                f[MiniGridObservation.featureIndex(x, y, 1)] = rng.nextInt(6);
                f[MiniGridObservation.featureIndex(x, y, 2)] = rng.nextInt(3);
            }
        }
        f[MiniGridObservation.IMAGE_LENGTH] = rng.nextInt(MiniGridObservation.NUM_DIRECTIONS);
        return f;
    }
}
