package org.dirpg.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.policy.Adam;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;

/**
 * REINFORCE (Williams, 1992) as the paper's baseline (App. C.3): per update, {@code rollouts} trajectories sampled from
 * pi_theta on one fresh episode, the gradient averaged over them, one Adam step. Two estimators, each with a
 * leave-one-out baseline so that the gradient stays unbiased (a batch mean that includes the sample itself scales the
 * expected gradient by (n - 1) / n):
 * <ul>
 *   <li>trajectory-level: (1/n) sum_i sum_t grad log pi(a_it | s_it) (R_i - mean_{j != i} R_j);</li>
 *   <li>reward-to-go: (1/n) sum_i sum_t grad log pi(a_it | s_it) (G_it - b_it), b_it the mean of G_jt over the other
 *       rollouts j that reached step t (0 if none did).</li>
 * </ul>
 * The baselines use only the other rollouts, which are independent of rollout i given the episode, so
 * E[estimate] = grad E[R] (the policy gradient of eq. 1; tested against the exact evaluator). Without a baseline
 * ({@code baseline = false}: R_i and G_it themselves, as the authors' {@code reinforce.py}) the estimate is unbiased
 * too, with a larger variance.
 */
public final class ReinforceTrainer implements Trainer {
    private final Environment env;
    private final Policy policy;
    private final Adam adam;
    private final int rollouts;
    private final boolean rewardToGo;
    private final boolean baseline;
    private final int maxSteps;
    private final SplittableRandom rng;
    private long updates;
    private long interactions;

    public ReinforceTrainer(Environment env, Policy policy, Adam adam, int rollouts, boolean rewardToGo,
            boolean baseline, int maxSteps, long seed) {
        if (rollouts < 2) {
            throw new IllegalArgumentException("REINFORCE needs at least 2 rollouts per update for its leave-one-out baseline, got " + rollouts);
        }
        this.env = env;
        this.policy = policy;
        this.adam = adam;
        this.rollouts = rollouts;
        this.rewardToGo = rewardToGo;
        this.baseline = baseline;
        this.maxSteps = maxSteps;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public UpdateMetrics update() {
        State root = env.reset(rng.nextLong());
        List<Rollout> batch = Rollout.batch(env, policy, root, rollouts, rng, maxSteps);
        long spent = Rollout.interactions(batch);
        List<WeightedStep> steps = steps(batch, rewardToGo, baseline);
        double norm = Vectors.ascend(policy, adam, steps);
        interactions += spent;
        double mean = batch.stream().mapToDouble(Rollout::totalReturn).average().orElse(Double.NaN);
        return UpdateMetrics.simple(updates++, interactions, mean, spent, norm);
    }

    /** The estimator's per-step weights for one batch: grad = sum over steps of weight * grad log pi(a | s). */
    static List<WeightedStep> steps(List<Rollout> batch, boolean rewardToGo, boolean baseline) {
        if (batch.size() < 2) {
            throw new IllegalArgumentException("a leave-one-out baseline needs at least 2 rollouts, got " + batch.size());
        }
        return rewardToGo ? rewardToGoSteps(batch, baseline) : trajectorySteps(batch, baseline);
    }

    private static List<WeightedStep> trajectorySteps(List<Rollout> batch, boolean withBaseline) {
        int n = batch.size();
        double sum = batch.stream().mapToDouble(Rollout::totalReturn).sum();
        List<WeightedStep> steps = new ArrayList<>();
        for (Rollout r : batch) {
            double baseline = withBaseline ? (sum - r.totalReturn()) / (n - 1) : 0.0;
            double w = (r.totalReturn() - baseline) / n;
            for (int t = 0; t < r.actions().length; t++) {
                steps.add(new WeightedStep(r.states().get(t), r.actions()[t], w));
            }
        }
        return steps;
    }

    private static List<WeightedStep> rewardToGoSteps(List<Rollout> batch, boolean withBaseline) {
        int horizon = batch.stream().mapToInt(r -> r.actions().length).max().orElse(0);
        double[] sum = new double[horizon];
        int[] count = new int[horizon];
        List<double[]> togo = new ArrayList<>();
        for (Rollout r : batch) {
            double[] g = r.rewardsToGo();
            togo.add(g);
            for (int t = 0; t < g.length; t++) {
                sum[t] += g[t];
                count[t]++;
            }
        }
        List<WeightedStep> steps = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Rollout r = batch.get(i);
            double[] g = togo.get(i);
            for (int t = 0; t < g.length; t++) {
                double baseline = withBaseline && count[t] > 1 ? (sum[t] - g[t]) / (count[t] - 1) : 0.0;
                steps.add(new WeightedStep(r.states().get(t), r.actions()[t], (g[t] - baseline) / batch.size()));
            }
        }
        return steps;
    }

    @Override
    public Adam adam() {
        return adam;
    }

    @Override
    public Policy policy() {
        return policy;
    }

    @Override
    public String name() {
        return (rewardToGo ? "reinforce-rtg" : "reinforce") + (baseline ? "" : "-no-baseline");
    }
}
