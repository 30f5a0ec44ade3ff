package org.dirpg.policy.dl4j;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.dirpg.env.State;
import org.dirpg.env.minigrid.MultiRoomEnvironment;
import org.dirpg.policy.WeightedStep;
import org.dirpg.policy.net.NetPolicy;
import org.dirpg.policy.net.NetSpec;
import org.dirpg.policy.net.Network;
import org.dirpg.policy.net.SpaceNets;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Throughput of the paper's MiniGrid network built from the twin's spaces: the DL4J graph's output at batch 1 and 64
 * and its back-propagation at batch 64 ({@link NetGraphs}), against the plain-array network's forward pass at batch 1
 * and {@link NetPolicy#addGradient} at batch 64, on random MiniGrid observations. Prints numbers, asserts nothing. Run
 * with {@code OMP_NUM_THREADS=1}; argument: {@code [seed]}.
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
            return 0b1111111L;
        }

        @Override
        public double[] features() {
            return features.clone();
        }
    }

    /** The lines {@link #run} prints: the network, then one per figure. */
    public static final int LINES = 6;

    public static void main(String[] args) {
        run(args.length > 0 ? Long.parseLong(args[0]) : 1L, System.out);
    }

    /** Runs the measurements and prints one line each to {@code out}. */
    public static void run(long seed, PrintStream out) {
        NetSpec spec = SpaceNets.paperNetwork(
                new MultiRoomEnvironment("MiniGrid-MultiRoom-N6-v0", true, null, null, 0b1111111L).spec());
        NetPolicy policy = new NetPolicy(spec, seed);
        ComputationGraph graph = NetGraphs.create(spec, policy.parameters(), DataType.FLOAT);
        Network network = new Network(spec, policy.parameters());
        SplittableRandom rng = new SplittableRandom(seed);
        List<State> states = new ArrayList<>();
        List<double[]> features = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            double[] f = randomFeatures(rng);
            states.add(new BenchState(f));
            features.add(f);
        }
        List<WeightedStep> steps = new ArrayList<>();
        double[][] dLogits = new double[64][7];
        for (int i = 0; i < 64; i++) {
            steps.add(new WeightedStep(states.get(i), rng.nextInt(7), rng.nextBoolean() ? 1.0 : -1.0));
            dLogits[i][rng.nextInt(7)] = 1.0;
        }
        double[] gradient = new double[policy.numParameters()];
        double[] logits = new double[7];
        out.printf("%s, OMP_NUM_THREADS=%s%n", SpaceNets.describe(spec), System.getenv("OMP_NUM_THREADS"));
        report(out, "graph output batch 1", 1, measure(300, 3000, i -> NetGraphs.logits(graph, spec,
                List.of(features.get(i % 64)))));
        report(out, "graph output batch 64", 64, measure(30, 300, i -> NetGraphs.logits(graph, spec, features)));
        report(out, "plain forward batch 1", 1, measure(3000, 30000,
                i -> network.logits(features.get(i % 64), logits)));
        report(out, "graph backprop batch 64", 64, measure(10, 100,
                i -> NetGraphs.gradient(graph, spec, features, dLogits)));
        // distinct random observations: no grouping
        report(out, "addGradient batch 64", 64, measure(10, 200, i -> policy.addGradient(steps, gradient)));
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

    /** A random view in MiniGrid's value ranges ([x][y][channel]: object 0..10, colour 0..5, state 0..2), a direction. */
    private static double[] randomFeatures(SplittableRandom rng) {
        double[] f = new double[148];
        for (int cell = 0; cell < 49; cell++) {
            f[cell * 3] = rng.nextInt(11);
            f[cell * 3 + 1] = rng.nextInt(6);
            f[cell * 3 + 2] = rng.nextInt(3);
        }
        f[147] = rng.nextInt(4);
        return f;
    }
}
