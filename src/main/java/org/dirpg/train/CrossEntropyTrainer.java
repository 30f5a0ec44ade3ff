package org.dirpg.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.Environment;
import org.dirpg.env.State;
import org.dirpg.policy.Adam;
import org.dirpg.policy.Policy;
import org.dirpg.policy.WeightedStep;

/**
 * The cross-entropy method as the paper's baseline (App. C.3): per update, sample n trajectories on one fresh
 * episode, keep the best k by return (ties broken by sampling order), and take one Adam step along the gradient of the
 * elites' mean log-likelihood (1/k) sum_elite grad log Pi(a | S).
 */
public final class CrossEntropyTrainer implements Trainer {
    private final Environment env;
    private final Policy policy;
    private final Adam adam;
    private final int samples;
    private final int elites;
    private final int maxSteps;
    private final SplittableRandom rng;
    private long updates;
    private long interactions;

    public CrossEntropyTrainer(Environment env, Policy policy, Adam adam, int samples, int elites, int maxSteps, long seed) {
        if (samples < 1 || elites < 1 || elites > samples) {
            throw new IllegalArgumentException("the cross-entropy method needs 1 <= elites <= samples, got elites = "
                    + elites + ", samples = " + samples);
        }
        this.env = env;
        this.policy = policy;
        this.adam = adam;
        this.samples = samples;
        this.elites = elites;
        this.maxSteps = maxSteps;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public UpdateMetrics update() {
        State root = env.reset(rng.nextLong());
        List<Rollout> batch = Rollout.batch(env, policy, root, samples, rng, maxSteps);
        long spent = Rollout.interactions(batch);
        double mean = batch.stream().mapToDouble(Rollout::totalReturn).average().orElse(Double.NaN);
        List<Rollout> best = new ArrayList<>(batch);
        best.sort(Comparator.comparingDouble(Rollout::totalReturn).reversed());
        List<WeightedStep> steps = new ArrayList<>();
        for (Rollout r : best.subList(0, elites)) {
            for (int t = 0; t < r.actions().length; t++) {
                steps.add(new WeightedStep(r.states().get(t), r.actions()[t], 1.0 / elites));
            }
        }
        double norm = Vectors.ascend(policy, adam, steps);
        interactions += spent;
        return UpdateMetrics.simple(updates++, interactions, mean, spent, norm);
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
        return "cem";
    }
}
