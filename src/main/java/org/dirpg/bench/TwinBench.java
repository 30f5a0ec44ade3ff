package org.dirpg.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.env.classic.Environments;
import org.dirpg.policy.Adam;
import org.dirpg.search.Heuristic;
import org.dirpg.search.SearchConfig;
import org.dirpg.train.DirPGTrainer;

/**
 * The Java MiniGrid twin's figures: environment steps/s (stepping saved states with random legal actions, the
 * observation rendered, as the search uses it), the conv policy's states/s on the plain-array path, and DirPG
 * interactions/s at the paper's setting (MultiRoom-N6, paper reward, actions {0, 1, 2, 5}, budget 3,000 per map, A*
 * alpha 0.2 with the discounted heuristic, pruning, eps 1, one Adam step per update) with the paper's network as
 * {@code train --policy conv} builds it, for K = 1 and K = 2 searches in flight, twice:
 * <ul>
 *   <li>while learning (Adam 1e-3): K = 2 takes one Adam step per two maps, so after the same interactions its policy
 *       has moved less, stays broader, and its searches meet more distinct observations (forward passes per
 *       interaction, printed) &mdash; a difference in the work, not in how the threads share it;</li>
 *   <li>at a fixed policy ({@link #FROZEN}): the same work per interaction, so the ratio is the second thread's
 *       speed-up alone.</li>
 * </ul>
 * Beside each rate, the process's CPU time per interaction (all threads, GC and JIT included): on a shared machine the
 * rates move with the load, while this figure stays put unless the K threads contend.
 */
public final class TwinBench {
    static final Map<String, String> PAPER = Map.of("paperReward", "true", "actions", "0,1,2,5");

    /** The result lines {@link #run} prints. */
    public static final int LINES = 8;

    private TwinBench() {
    }

    /** The paper's Fig. 3 search setting. */
    public static SearchConfig paperSearch() {
        return SearchConfig.astar(1.0, 0.2, 3000, false).withHeuristic(Heuristic.DISCOUNTED);
    }

    /** Returns the twin's steps/s (for ratios against Python). */
    public static double run(double seconds, PrintStream out) {
        Environment env = Environments.make("JavaMiniGrid-MultiRoom-N6-v0", PAPER);
        double steps = stepsPerSecond(env, seconds);
        out.printf("twin env steps/s (step from saved states + observation):      %,12.0f%n", steps);
        var policy = new org.dirpg.policy.net.NetPolicy(org.dirpg.policy.net.SpaceNets.paperNetwork(env.spec()), 7);
        List<State> distinct = distinctStates(env, 4096);
        double[] logp = new double[7];
        long start = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            policy.setParameters(policy.parameters()); // a new theta: every state is a cache miss
            for (State s : distinct.subList(0, 256)) {
                policy.logProbabilities(s, logp);
                n++;
            }
        }
        out.printf("paper network states/s, plain-array FLOAT forward, batch 1:   %,12.0f%n", n / ((System.nanoTime() - start) / 1e9));
        Measured learning1 = measure(env, 1, LEARNING_RATE, seconds);
        Measured learning2 = measure(env, 2, LEARNING_RATE, seconds);
        print(out, "DirPG end to end on the twin, paper setting, K = 1:", learning1);
        print(out, "DirPG end to end on the twin, paper setting, K = 2:", learning2);
        out.printf("DirPG on the twin, K = 2 / K = 1 while learning:             %12.2fx (forward passes per interaction "
                + "%.3f against %.3f)%n", learning2.rate / learning1.rate, learning2.forwardsPerInteraction,
                learning1.forwardsPerInteraction);
        measure(env, 1, FROZEN, Math.min(2, seconds)); // warm-up: both K compiled before the fixed-policy pair
        Measured fixed1 = measure(env, 1, FROZEN, seconds);
        Measured fixed2 = measure(env, 2, FROZEN, seconds);
        print(out, "DirPG on the twin, the initial policy held fixed, K = 1:", fixed1);
        print(out, "DirPG on the twin, the initial policy held fixed, K = 2:", fixed2);
        out.printf("DirPG on the twin, K = 2 / K = 1 at a fixed policy (%d cores):  %10.2fx%n",
                Runtime.getRuntime().availableProcessors(), fixed2.rate / fixed1.rate);
        return steps;
    }

    /** The paper's step size (App. C.3). */
    static final double LEARNING_RATE = 1e-3;

    /**
     * A step size that rounds away: theta is single precision, so each update takes its Adam step (and clears the
     * observation cache, as a real step does) but searches with the initial policy again, and K = 1 and K = 2 do the
     * same work per interaction.
     */
    static final double FROZEN = 1e-12;

    /** One K's figures: interactions/s, the process's CPU per interaction, forward passes per interaction. */
    private record Measured(double rate, long maps, double cpuMicros, double forwardsPerInteraction,
                            String threads) {
    }

    private static void print(PrintStream out, String label, Measured m) {
        out.printf("%-58s %,10.0f interactions/s (%d maps, %.1f us CPU/interaction)%s%n", label, m.rate, m.maps,
                m.cpuMicros, m.threads);
    }

    /** Trains the paper's network with K searches in flight for {@code seconds} after one untimed update. */
    private static Measured measure(Environment env, int k, double learningRate, double seconds) {
        // the paper's network as a run builds it (train --policy conv)
        org.dirpg.policy.Policy p = org.dirpg.train.TrainerFactory.policy(org.dirpg.train.TrainSettings.builder()
                .envId(env.spec().id()).policy("conv").seed(7).build(), env);
        var net = (org.dirpg.policy.net.NetPolicy) p;
        try (DirPGTrainer trainer = new DirPGTrainer(env, p, paperSearch(), new Adam(learningRate), 5, k)) {
            trainer.update();
            long misses0 = net.cacheMisses();
            long cpu0 = ProcessCpu.nanos();
            long t0 = System.nanoTime();
            long interactions = 0;
            long updates = 0;
            do {
                interactions += trainer.update().searchInteractions();
                updates++;
            } while (System.nanoTime() - t0 < seconds * 1e9);
            double secs = (System.nanoTime() - t0) / 1e9;
            String threads = k == 1 ? "" : trainer.coalescing() ? ", coalesced" : ", K threads"
                    + (p.concurrentGradients() ? " (gradients too)" : " (gradient on one thread)");
            return new Measured(interactions / secs, updates * k, (ProcessCpu.nanos() - cpu0) / 1e3 / interactions,
                    (double) (net.cacheMisses() - misses0) / interactions, threads);
        }
    }

    private static double stepsPerSecond(Environment env, double seconds) {
        SplittableRandom rng = new SplittableRandom(1);
        List<State> saved = new ArrayList<>();
        long start = System.nanoTime();
        long n = 0;
        long seed = 0;
        State s = env.reset(seed++);
        double sink = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            for (int i = 0; i < 1000; i++) {
                if (s.isTerminal()) {
                    s = saved.isEmpty() ? env.reset(seed++) : saved.get(rng.nextInt(saved.size()));
                }
                long legal = s.legalActions();
                int a = pick(legal, rng);
                State next = env.step(s, a).next();
                sink += next.features()[0];
                if (saved.size() < 4096 && !next.isTerminal()) {
                    saved.add(next);
                }
                s = next;
                n++;
            }
            if (rng.nextInt(10) == 0) {
                s = env.reset(seed++);
                saved.clear();
            }
        }
        if (sink < 0) {
            throw new AssertionError();
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static List<State> distinctStates(Environment env, int n) {
        SplittableRandom rng = new SplittableRandom(2);
        List<State> out = new ArrayList<>();
        long seed = 100;
        State s = env.reset(seed++);
        while (out.size() < n) {
            out.add(s);
            s = env.step(s, pick(s.legalActions(), rng)).next();
            if (s.isTerminal()) {
                s = env.reset(seed++);
            }
        }
        return out;
    }

    private static int pick(long legal, SplittableRandom rng) {
        int k = rng.nextInt(Long.bitCount(legal));
        for (int i = 0; i < k; i++) {
            legal &= legal - 1;
        }
        return Long.numberOfTrailingZeros(legal);
    }
}
