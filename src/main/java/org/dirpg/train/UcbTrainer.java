package org.dirpg.train;

import java.util.SplittableRandom;
import org.dirpg.env.State;
import org.dirpg.env.Transition;
import org.dirpg.env.classic.SpanningTreeBandit;
import org.dirpg.policy.Policy;

/**
 * The UCB baselines of Sec. 6.1 (Auer, 2002; Cesa-Bianchi and Lugosi, 2012): at episode t choose the maximum spanning
 * tree under u_e = mu_hat_e + 1.5 log t / c_e (edges never chosen come first, u_e = +inf), play it for one
 * interaction, and update the per-edge means. Semi-bandit feedback observes every chosen edge's r_e; full-bandit
 * feedback only sees r_T and credits r_T / (n - 1) to each chosen edge. c_e counts the episodes in which edge e was
 * chosen (observed). Episode t (from 1) is {@code env.reset(s_t)}, s_t the t-th {@code nextLong()} of
 * {@code new SplittableRandom(seed)}, so a run is reproducible from its seed.
 */
public final class UcbTrainer implements Trainer {
    private final SpanningTreeBandit env;
    private final boolean semiBandit;
    private final SplittableRandom rng;
    private final double[] sum;
    private final long[] count;
    private long t;

    public UcbTrainer(SpanningTreeBandit env, boolean semiBandit, long seed) {
        this.env = env;
        this.semiBandit = semiBandit;
        this.rng = new SplittableRandom(seed);
        this.sum = new double[env.numEdges()];
        this.count = new long[env.numEdges()];
    }

    @Override
    public UpdateMetrics update() {
        t++;
        double[] u = new double[sum.length];
        for (int e = 0; e < u.length; e++) {
            u[e] = count[e] == 0 ? Double.POSITIVE_INFINITY : sum[e] / count[e] + 1.5 * Math.log(t) / count[e];
        }
        boolean[] tree = env.maximumSpanningTree(u);
        State s = env.reset(rng.nextLong());
        double reward = 0;
        for (int e = 0; e < tree.length; e++) {
            Transition tr = env.step(s, tree[e] ? SpanningTreeBandit.INCLUDE : SpanningTreeBandit.EXCLUDE);
            reward += tr.reward();
            s = tr.next();
        }
        double[] edgeRewards = env.edgeRewards(s);
        double share = reward / (env.numNodes() - 1);
        for (int e = 0; e < tree.length; e++) {
            if (tree[e]) {
                sum[e] += semiBandit ? edgeRewards[e] : share;
                count[e]++;
            }
        }
        return UpdateMetrics.simple(t - 1, t, reward, 1, Double.NaN);
    }

    /** The expected reward of the tree UCB would pick greedily now (by mu_hat alone). */
    public double greedyExpectedReward() {
        double[] mean = new double[sum.length];
        for (int e = 0; e < mean.length; e++) {
            mean[e] = count[e] == 0 ? 0 : sum[e] / count[e];
        }
        return env.expectedReward(env.maximumSpanningTree(mean));
    }

    @Override
    public org.dirpg.policy.Adam adam() {
        return null;
    }

    @Override
    public Policy policy() {
        return null;
    }

    @Override
    public String name() {
        return semiBandit ? "ucb-semi" : "ucb-full";
    }
}
