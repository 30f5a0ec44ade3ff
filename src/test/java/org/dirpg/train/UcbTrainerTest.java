package org.dirpg.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The UCB baselines of Sec. 6.1 follow the paper's index u_e = mu_hat_e + 1.5 log t / c_e, c_e the times edge e was
 * chosen (observed): an independent re-implementation with that index, fed the same episodes, picks the same tree
 * every time, and re-implementations with another exploration bonus do not.
 */
class UcbTrainerTest {
    private static final int EPISODES = 3000;

    /** The rewards of the trees a UCB with exploration bonus {@code bonus(t, c_e)} picks on the trainer's episodes. */
    private static double[] reference(SpanningTreeBandit env, boolean semi, long seed, BiFunction<Long, Long, Double> bonus) {
        SplittableRandom episodes = new SplittableRandom(seed); // UcbTrainer draws episode t's seed as its t-th nextLong
        double[] sum = new double[env.numEdges()];
        long[] count = new long[env.numEdges()];
        double[] rewards = new double[EPISODES];
        for (long t = 1; t <= EPISODES; t++) {
            double[] u = new double[sum.length];
            for (int e = 0; e < u.length; e++) {
                u[e] = count[e] == 0 ? Double.POSITIVE_INFINITY : sum[e] / count[e] + bonus.apply(t, count[e]);
            }
            boolean[] tree = env.maximumSpanningTree(u);
            double[] r = env.edgeRewards(episodes.nextLong());
            double total = 0;
            for (int e = 0; e < r.length; e++) {
                total += tree[e] ? r[e] : 0;
            }
            rewards[(int) t - 1] = total;
            for (int e = 0; e < r.length; e++) {
                if (tree[e]) {
                    sum[e] += semi ? r[e] : total / (env.numNodes() - 1);
                    count[e]++;
                }
            }
        }
        return rewards;
    }

    @ParameterizedTest(name = "semiBandit = {0}")
    @ValueSource(booleans = {true, false})
    void explorationBonusIsOnePointFiveLogTOverTimesObserved(boolean semi) {
        SpanningTreeBandit env = SpanningTreeBandit.complete(6, 17);
        UcbTrainer trainer = new UcbTrainer(env, semi, 5);
        double[] got = new double[EPISODES];
        for (int t = 0; t < EPISODES; t++) {
            got[t] = trainer.update().updateReturn();
        }
        assertArrayEquals(reference(env, semi, 5, (t, c) -> 1.5 * Math.log(t) / c), got, 1e-12);
        // The comparison can tell the paper's bonus from its neighbours.
        assertFalse(Arrays.equals(got, reference(env, semi, 5, (t, c) -> 1.0 * Math.log(t) / c)), "bonus log t / c_e");
        assertFalse(Arrays.equals(got, reference(env, semi, 5, (t, c) -> 2.0 * Math.log(t) / c)), "bonus 2 log t / c_e");
        assertFalse(Arrays.equals(got, reference(env, semi, 5, (t, c) -> Math.sqrt(1.5 * Math.log(t) / c))), "UCB1's sqrt bonus");
        assertFalse(Arrays.equals(got, reference(env, semi, 5, (t, c) -> 1.5 * Math.log(t + 1) / c)), "log(t + 1)");
    }
}
