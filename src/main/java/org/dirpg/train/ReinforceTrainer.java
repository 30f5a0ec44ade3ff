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
 * too, with a larger variance. A {@link ReinforceVariant} adds the authors' departures (discounted returns, gradients
 * summed over the rollouts, the next map at the first success); {@link ReinforceVariant#PAPER} adds none.
 */
public final class ReinforceTrainer implements Trainer {
    private final Environment env;
    private final Policy policy;
    private final Adam adam;
    private final int rollouts;
    private final boolean rewardToGo;
    private final boolean baseline;
    private final ReinforceVariant variant;
    private final int maxSteps;
    private final SplittableRandom rng;
    private long updates;
    private long interactions;

    public ReinforceTrainer(Environment env, Policy policy, Adam adam, int rollouts, boolean rewardToGo,
            boolean baseline, ReinforceVariant variant, int maxSteps, long seed) {
        if (rollouts < 2) {
            throw new IllegalArgumentException("REINFORCE needs at least 2 rollouts per update for its leave-one-out baseline, got " + rollouts);
        }
        this.env = env;
        this.policy = policy;
        this.adam = adam;
        this.rollouts = rollouts;
        this.rewardToGo = rewardToGo;
        this.baseline = baseline;
        this.variant = variant;
        this.maxSteps = maxSteps;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public UpdateMetrics update() {
        State root = env.reset(rng.nextLong());
        List<Rollout> batch = batch(root);
        long spent = Rollout.interactions(batch);
        List<WeightedStep> steps = steps(batch, rewardToGo, baseline, variant);
        double norm = Vectors.ascend(policy, adam, steps);
        interactions += spent;
        double mean = batch.stream().mapToDouble(Rollout::totalReturn).average().orElse(Double.NaN);
        return UpdateMetrics.simple(updates++, interactions, mean, spent, norm);
    }

    /**
     * The map's rollouts: {@code rollouts} of them, or with {@link ReinforceVariant#nextMapOnSuccess()} up to the first
     * whose episode terminated (at least 2 with a baseline).
     */
    private List<Rollout> batch(State root) {
        if (!variant.nextMapOnSuccess()) {
            return Rollout.batch(env, policy, root, rollouts, rng, maxSteps);
        }
        List<Rollout> out = new ArrayList<>(rollouts);
        int least = baseline ? 2 : 1;
        while (out.size() < rollouts) {
            Rollout r = Rollout.sampleFeasible(env, policy, root, rng, maxSteps);
            out.add(r);
            if (r.terminated() && out.size() >= least) {
                break;
            }
        }
        return out;
    }

    /** The estimator's per-step weights for one batch: grad = sum over steps of weight * grad log pi(a | s). */
    static List<WeightedStep> steps(List<Rollout> batch, boolean rewardToGo, boolean baseline) {
        return steps(batch, rewardToGo, baseline, ReinforceVariant.PAPER);
    }

    /** As {@link #steps(List, boolean, boolean)}, with the variant's discount and sum over rollouts. */
    static List<WeightedStep> steps(List<Rollout> batch, boolean rewardToGo, boolean baseline, ReinforceVariant variant) {
        if (baseline && batch.size() < 2) {
            throw new IllegalArgumentException("a leave-one-out baseline needs at least 2 rollouts, got " + batch.size());
        }
        double scale = variant.sumRollouts() ? 1.0 : 1.0 / batch.size();
        return rewardToGo ? rewardToGoSteps(batch, baseline, variant.discount(), scale)
                : trajectorySteps(batch, baseline, variant.discount(), scale);
    }

    private static List<WeightedStep> trajectorySteps(List<Rollout> batch, boolean withBaseline, double gamma,
                                                      double scale) {
        int n = batch.size();
        double[] ret = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double[] g = batch.get(i).rewardsToGo(gamma);
            ret[i] = g.length == 0 ? 0.0 : g[0];
            sum += ret[i];
        }
        List<WeightedStep> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Rollout r = batch.get(i);
            double baseline = withBaseline ? (sum - ret[i]) / (n - 1) : 0.0;
            double w = (ret[i] - baseline) * scale;
            for (int t = 0; t < r.actions().length; t++) {
                steps.add(new WeightedStep(r.states().get(t), r.actions()[t], w));
            }
        }
        return steps;
    }

    private static List<WeightedStep> rewardToGoSteps(List<Rollout> batch, boolean withBaseline, double gamma,
                                                      double scale) {
        int horizon = batch.stream().mapToInt(r -> r.actions().length).max().orElse(0);
        double[] sum = new double[horizon];
        int[] count = new int[horizon];
        List<double[]> togo = new ArrayList<>();
        for (Rollout r : batch) {
            double[] g = r.rewardsToGo(gamma);
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
                steps.add(new WeightedStep(r.states().get(t), r.actions()[t], (g[t] - baseline) * scale));
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
