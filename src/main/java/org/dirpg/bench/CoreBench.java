package org.dirpg.bench;

import java.io.PrintStream;
import java.util.function.LongSupplier;
import org.dirpg.env.Environment;
import org.dirpg.env.classic.CoinTree;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.estimator.DirectPolicyGradient;
import org.dirpg.estimator.SearchResult;
import org.dirpg.policy.Adam;
import org.dirpg.policy.BernoulliPolicy;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.policy.Policy;
import org.dirpg.search.SearchConfig;
import org.dirpg.train.DirPGTrainer;

/**
 * Throughput of the in-process path: search interactions per second and DirPG updates per second with the plain-array
 * policies on DeepSea, the spanning-tree bandit and a larger CoinTree. Each figure is measured after a warm-up of
 * the same work, over a fixed wall-clock window.
 */
public final class CoreBench {
    /** The result lines {@link #run} prints. */
    public static final int LINES = 5;

    private CoreBench() {
    }

    /** Runs {@code work} (returning units done) repeatedly for {@code seconds} after a warm-up; units per second. */
    static double rate(double seconds, LongSupplier work) {
        long warmEnd = System.nanoTime() + (long) (0.5e9 * seconds);
        while (System.nanoTime() < warmEnd) {
            work.getAsLong();
        }
        long units = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            units += work.getAsLong();
            now = System.nanoTime();
        } while (now < end);
        return units / ((now - start) / 1e9);
    }

    private static double searchRate(Environment env, Policy policy, SearchConfig config, double seconds, long[] counter) {
        DirectPolicyGradient dirpg = new DirectPolicyGradient(config);
        return rate(seconds, () -> {
            long seed = counter[0]++;
            SearchResult r = dirpg.search(env, policy, env.reset(seed), seed);
            return r.interactions();
        });
    }

    public static void run(double seconds, PrintStream out) {
        long[] counter = {0};
        DeepSea sea = new DeepSea();
        LinearSoftmaxPolicy seaPolicy = new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0.1, 1);
        SpanningTreeBandit bandit = SpanningTreeBandit.complete(6, 1);
        BernoulliPolicy banditPolicy = new BernoulliPolicy(bandit.numEdges());
        CoinTree tree = new CoinTree(8, 3, 1);
        LinearSoftmaxPolicy treePolicy = new LinearSoftmaxPolicy(tree.spec().featureSize(), 3, 0.1, 1);

        out.printf("search interactions/s, DeepSea 5x5, exhaustive (16 trajectories):   %,.0f%n",
                searchRate(sea, seaPolicy, SearchConfig.gumbel(1.0, Long.MAX_VALUE, false), seconds, counter));
        out.printf("search interactions/s, spanning-tree bandit K6, budget 100 (1 interaction = 1 tree): %,.0f%n",
                searchRate(bandit, banditPolicy, SearchConfig.gumbel(1.0, 100, false), seconds, counter));
        out.printf("search interactions/s, CoinTree depth 8, A* alpha 0.5, budget 10000: %,.0f%n",
                searchRate(tree, treePolicy, new SearchConfig(1.0, org.dirpg.search.Priority.ASTAR, 0.5, 10_000, false, true), seconds, counter));

        DirPGTrainer seaTrainer = new DirPGTrainer(sea, seaPolicy, SearchConfig.gumbel(1.0, Long.MAX_VALUE, false), new Adam(1e-3), 1);
        out.printf("DirPG updates/s, DeepSea, exhaustive search:                     %,.0f%n", rate(seconds, () -> {
            seaTrainer.update();
            return 1;
        }));
        DirPGTrainer banditTrainer = new DirPGTrainer(bandit, banditPolicy, SearchConfig.gumbel(1.0, 100, true), new Adam(1e-2), 1);
        out.printf("DirPG updates/s, spanning-tree bandit, budget 100, early stop:   %,.0f%n", rate(seconds, () -> {
            banditTrainer.update();
            return 1;
        }));
    }
}
