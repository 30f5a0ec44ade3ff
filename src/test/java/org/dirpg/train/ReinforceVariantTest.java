package org.dirpg.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.policy.Adam;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.dirpg.policy.WeightedStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The authors' departures from App. C.3 (issue 16's candidates), each checked against its definition on sampled
 * DeepSea batches: discounted returns, gradients summed over the rollouts, and the next map at the first success.
 */
class ReinforceVariantTest {
    private static final double GAMMA = 0.9;

    private static List<Rollout> batch(int n, long seed) {
        DeepSea sea = new DeepSea(5, 1.0, 20);
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0.7, 11);
        SplittableRandom rng = new SplittableRandom(seed);
        return Rollout.batch(sea, policy, sea.reset(rng.nextLong()), n, rng, 100);
    }

    @Test
    void discountedWeightsAreTheDiscountedReturnsByDefinition() {
        List<Rollout> batch = batch(4, 3);
        ReinforceVariant v = ReinforceVariant.PAPER.withDiscount(GAMMA);
        List<WeightedStep> traj = ReinforceTrainer.steps(batch, false, false, v);
        List<WeightedStep> togo = ReinforceTrainer.steps(batch, true, false, v);
        int k = 0;
        for (Rollout r : batch) {
            double[] rewards = r.rewards();
            double ret = 0;
            for (int t = 0; t < rewards.length; t++) {
                ret += Math.pow(GAMMA, t) * rewards[t];
            }
            for (int t = 0; t < rewards.length; t++, k++) {
                double g = 0;
                for (int u = t; u < rewards.length; u++) {
                    g += Math.pow(GAMMA, u - t) * rewards[u];
                }
                assertEquals(ret / batch.size(), traj.get(k).weight(), 1e-12, "trajectory weight, step " + t);
                assertEquals(g / batch.size(), togo.get(k).weight(), 1e-12, "reward-to-go weight, step " + t);
            }
        }
        assertEquals(k, traj.size());
    }

    @ParameterizedTest(name = "rewardToGo = {0}, baseline = {1}")
    @CsvSource({"false, true", "true, true", "false, false", "true, false"})
    void summedIsAveragedTimesTheRollouts(boolean rewardToGo, boolean baseline) {
        List<Rollout> batch = batch(5, 7);
        List<WeightedStep> mean = ReinforceTrainer.steps(batch, rewardToGo, baseline, ReinforceVariant.PAPER);
        List<WeightedStep> sum = ReinforceTrainer.steps(batch, rewardToGo, baseline,
                ReinforceVariant.PAPER.withSumRollouts(true));
        assertEquals(mean.size(), sum.size());
        for (int i = 0; i < mean.size(); i++) {
            assertEquals(5 * mean.get(i).weight(), sum.get(i).weight(), 1e-12);
        }
    }

    /** Every DeepSea episode terminates, after 4 steps: the batch is one rollout, or two with the baseline. */
    @ParameterizedTest(name = "baseline = {0}")
    @CsvSource({"false, 4", "true, 8"})
    void theNextMapComesAtTheFirstTerminatedRollout(boolean baseline, long spent) {
        DeepSea sea = new DeepSea(5, 1.0, 20);
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0.7, 11);
        ReinforceTrainer early = new ReinforceTrainer(sea, policy, new Adam(1e-3), 30, false, baseline,
                ReinforceVariant.PAPER.withNextMapOnSuccess(true), 100, 1);
        ReinforceTrainer full = new ReinforceTrainer(sea, policy, new Adam(1e-3), 30, false, baseline,
                ReinforceVariant.PAPER, 100, 1);
        assertEquals(spent, early.update().interactions());
        assertEquals(30 * 4, full.update().interactions());
    }

    @Test
    void aDiscountOutsideZeroToOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReinforceVariant(1.5, false, false));
        assertEquals("reinforce discount: must be in (0, 1], got 1.5", e.getMessage());
    }
}
