package org.dirpg.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.estimator.ExactEvaluator;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.testing.Stats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * REINFORCE's estimator is unbiased: over many batches its mean equals the exact policy gradient grad E[R] (from the
 * exact evaluator) within 4 standard errors in every coordinate. Batches of n = 2 make the test sharp: a baseline
 * that includes the sample itself would halve the expected gradient, and the test checks that such a bias would be
 * many standard errors wide. Without a baseline (the authors' variant) the estimator is unbiased as well.
 */
class ReinforceEstimatorTest {
    private static final int BATCH = 2;
    private static final int BATCHES = 40_000;

    @ParameterizedTest(name = "rewardToGo = {0}, baseline = {1}")
    @CsvSource({"false, true", "true, true", "false, false", "true, false"})
    void meanOfTheEstimatorIsTheExactPolicyGradient(boolean rewardToGo, boolean baseline) {
        DeepSea sea = new DeepSea(5, 1.0, 20);
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0.7, 11);
        double[] exact = ExactEvaluator.evaluate(sea, policy, 1.0).policyGradient();
        SplittableRandom rng = new SplittableRandom(2024);
        Stats.Moments moments = new Stats.Moments(exact.length);
        for (int b = 0; b < BATCHES; b++) {
            List<Rollout> batch = Rollout.batch(sea, policy, sea.reset(rng.nextLong()), BATCH, rng, 100);
            double[] g = new double[exact.length];
            policy.addGradient(ReinforceTrainer.steps(batch, rewardToGo, baseline), g);
            moments.add(g);
        }
        double sharpest = 0;
        for (int i = 0; i < exact.length; i++) {
            double se = moments.standardError(i);
            assertEquals(exact[i], moments.mean(i), 4 * se + 1e-12, "coordinate " + i + " (SE " + se + ")");
            if (se > 0) {
                sharpest = Math.max(sharpest, Math.abs(exact[i]) / (1.0 * BATCH) / se);
            }
        }
        assertTrue(sharpest > 8, "a (n-1)/n-scaled gradient would be off by " + sharpest + " SE at most: test too weak");
    }
}
