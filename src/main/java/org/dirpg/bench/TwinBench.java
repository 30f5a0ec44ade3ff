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
 * interactions/s end to end at the paper's setting (MultiRoom-N6, paper reward, actions {0, 1, 2, 5}, budget 3,000 per map, A* alpha 0.2 with the discounted heuristic,
 * pruning, eps 1, one Adam step per map) with the paper's network as {@code train --policy conv} builds it, for K = 1
 * and K = 2 searches in flight, and their ratio. Beside each rate, the process's CPU time per interaction (all
 * threads, GC and JIT included): on a shared machine the rates move with the load, while this figure stays put unless
 * the K threads contend (then K = 2 costs more CPU per interaction than K = 1).
 */
public final class TwinBench {
    static final Map<String, String> PAPER = Map.of("paperReward", "true", "actions", "0,1,2,5");

    /** The result lines {@link #run} prints. */
    public static final int LINES = 5;

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
        double[] rate = new double[3];
        for (int k : new int[] {1, 2}) {
            // the paper's network as a run builds it (train --policy conv)
            org.dirpg.policy.Policy p = org.dirpg.train.TrainerFactory.policy(org.dirpg.train.TrainSettings.builder()
                    .envId(env.spec().id()).policy("conv").seed(7).build(), env);
            try (DirPGTrainer trainer = new DirPGTrainer(env, p, paperSearch(), new Adam(1e-3), 5, k)) {
                trainer.update();
                long cpu0 = ProcessCpu.nanos();
                long t0 = System.nanoTime();
                long interactions = 0;
                long updates = 0;
                do {
                    interactions += trainer.update().searchInteractions();
                    updates++;
                } while (System.nanoTime() - t0 < seconds * 1e9);
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpuMicros = (ProcessCpu.nanos() - cpu0) / 1e3 / interactions;
                rate[k] = interactions / secs;
                out.printf("DirPG end to end on the twin, paper setting, K = %d: %,10.0f interactions/s (%d maps, %s, "
                                + "%.1f us CPU/interaction)%s%n",
                        k, rate[k], updates * k, p.getClass().getSimpleName(), cpuMicros,
                        k == 1 ? "" : trainer.coalescing() ? ", coalesced" : ", K threads"
                                + (p.concurrentGradients() ? " (gradients too)" : " (gradient on one thread)"));
            }
        }
        out.printf("DirPG on the twin, K = 2 / K = 1 (%d cores):                  %12.2fx%n",
                Runtime.getRuntime().availableProcessors(), rate[2] / rate[1]);
        return steps;
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
