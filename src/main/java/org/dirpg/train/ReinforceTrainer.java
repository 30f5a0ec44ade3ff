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
 * pi_theta on one fresh episode, the gradient averaged over them, one Adam step. Two estimators:
 * trajectory-level, sum_t grad log pi(a_t|s_t) (R - mean R); and reward-to-go, sum_t grad log pi(a_t|s_t)
 * (G_t - mean G_t), the mean taken over the rollouts that reached step t.
 */
public final class ReinforceTrainer implements Trainer {
    private final Environment env;
    private final Policy policy;
    private final Adam adam;
    private final int rollouts;
    private final boolean rewardToGo;
    private final int maxSteps;
    private final SplittableRandom rng;
    private long updates;
    private long interactions;

    public ReinforceTrainer(Environment env, Policy policy, Adam adam, int rollouts, boolean rewardToGo, int maxSteps, long seed) {
        if (rollouts < 2) {
            throw new IllegalArgumentException("REINFORCE needs at least 2 rollouts per update for its mean baseline, got " + rollouts);
        }
        this.env = env;
        this.policy = policy;
        this.adam = adam;
        this.rollouts = rollouts;
        this.rewardToGo = rewardToGo;
        this.maxSteps = maxSteps;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public UpdateMetrics update() {
        State root = env.reset(rng.nextLong());
        List<Rollout> batch = Rollout.batch(env, policy, root, rollouts, rng, maxSteps);
        long spent = Rollout.interactions(batch);
        List<WeightedStep> steps = rewardToGo ? rewardToGoSteps(batch) : trajectorySteps(batch);
        double norm = Vectors.ascend(policy, adam, steps);
        interactions += spent;
        double mean = batch.stream().mapToDouble(Rollout::totalReturn).average().orElse(Double.NaN);
        return UpdateMetrics.simple(updates++, interactions, mean, spent, norm);
    }

    private List<WeightedStep> trajectorySteps(List<Rollout> batch) {
        double mean = batch.stream().mapToDouble(Rollout::totalReturn).average().orElseThrow();
        List<WeightedStep> steps = new ArrayList<>();
        for (Rollout r : batch) {
            double w = (r.totalReturn() - mean) / batch.size();
            for (int t = 0; t < r.actions().length; t++) {
                steps.add(new WeightedStep(r.states().get(t), r.actions()[t], w));
            }
        }
        return steps;
    }

    private List<WeightedStep> rewardToGoSteps(List<Rollout> batch) {
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
                double w = (g[t] - sum[t] / count[t]) / batch.size();
                steps.add(new WeightedStep(r.states().get(t), r.actions()[t], w));
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
        return rewardToGo ? "reinforce-rtg" : "reinforce";
    }
}
