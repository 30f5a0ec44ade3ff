package org.dirpg.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dirpg.env.classic.CoinTree;
import org.dirpg.env.classic.DeepSea;
import org.dirpg.policy.LinearSoftmaxPolicy;
import org.junit.jupiter.api.Test;

/** The exact evaluator: eq. (12) is the gradient of eq. (11); l tends to J with slope E[var]/2 (eq. 14). */
class ExactEvaluatorTest {
    private final CoinTree env = new CoinTree(2, 3, 17L);

    @Test
    void gradientOfLMatchesFiniteDifferencesOfL() {
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(env.spec().featureSize(), 3, 0.7, 5L);
        for (double eps : new double[] {1.3, -0.8}) {
            ExactEvaluator.Result r = ExactEvaluator.evaluate(env, policy, eps);
            double[] theta = policy.parameters();
            double h = 1e-5;
            for (int k = 0; k < theta.length; k++) {
                double[] plus = theta.clone();
                plus[k] += h;
                policy.setParameters(plus);
                double lp = ExactEvaluator.evaluate(env, policy, eps).l();
                double[] minus = theta.clone();
                minus[k] -= h;
                policy.setParameters(minus);
                double lm = ExactEvaluator.evaluate(env, policy, eps).l();
                policy.setParameters(theta);
                assertEquals((lp - lm) / (2 * h), r.gradL()[k], 1e-7, "coordinate " + k + ", eps " + eps);
            }
        }
    }

    @Test
    void policyGradientMatchesFiniteDifferencesOfExpectedReturn() {
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(env.spec().featureSize(), 3, 0.7, 6L);
        ExactEvaluator.Result r = ExactEvaluator.evaluate(env, policy, 1.0);
        double[] theta = policy.parameters();
        double h = 1e-5;
        for (int k = 0; k < theta.length; k++) {
            double[] plus = theta.clone();
            plus[k] += h;
            policy.setParameters(plus);
            double jp = ExactEvaluator.evaluate(env, policy, 1.0).expectedReturn();
            double[] minus = theta.clone();
            minus[k] -= h;
            policy.setParameters(minus);
            double jm = ExactEvaluator.evaluate(env, policy, 1.0).expectedReturn();
            policy.setParameters(theta);
            assertEquals((jp - jm) / (2 * h), r.policyGradient()[k], 1e-7, "coordinate " + k);
        }
    }

    /** DirPG approaches the policy gradient as eps -> 0 (Sec. 3): the gap shrinks linearly in eps. */
    @Test
    void gradientOfLApproachesPolicyGradientAsEpsilonVanishes() {
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(env.spec().featureSize(), 3, 0.7, 5L);
        double previous = Double.POSITIVE_INFINITY;
        double norm = 0;
        for (double eps : new double[] {1.0, 0.1, 0.01, 0.001}) {
            ExactEvaluator.Result r = ExactEvaluator.evaluate(env, policy, eps);
            double gap = 0;
            norm = 0;
            for (int k = 0; k < r.gradL().length; k++) {
                gap += Math.pow(r.gradL()[k] - r.policyGradient()[k], 2);
                norm += Math.pow(r.policyGradient()[k], 2);
            }
            gap = Math.sqrt(gap);
            assertTrue(gap < previous, "gap " + gap + " at eps " + eps + " did not shrink from " + previous);
            if (eps <= 0.001) {
                // In the linear regime (eps << 1 / |R|) a tenth of eps leaves a tenth of the gap.
                assertEquals(10.0, previous / gap, 0.5, "the gap is O(eps)");
            }
            previous = gap;
        }
        assertTrue(previous < 1e-3 * Math.sqrt(norm) + 1e-12);
    }

    /** Eq. (14): l = J + (eps / 2) E_S[var(R | S)] + O(eps^2). */
    @Test
    void lExpandsAsExpectedReturnPlusHalfEpsilonConditionalVariance() {
        LinearSoftmaxPolicy policy = new LinearSoftmaxPolicy(env.spec().featureSize(), 3, 0.7, 5L);
        for (double eps : new double[] {0.01, -0.01, 0.001}) {
            ExactEvaluator.Result r = ExactEvaluator.evaluate(env, policy, eps);
            double taylor = r.expectedReturn() + eps / 2 * r.expectedConditionalVariance();
            assertEquals(taylor, r.l(), 20 * eps * eps, "eps " + eps);
        }
    }

    /** DeepSea (Sec. 6.2): LLLL and RRRR both have expected return 0; only RRRR has conditional variance sigma^2. */
    @Test
    void deepSeaRiskyAndSafePathsHaveEqualMeans() {
        DeepSea sea = new DeepSea();
        LinearSoftmaxPolicy uniform = new LinearSoftmaxPolicy(sea.spec().featureSize(), 2, 0.0, 1L);
        ExactEvaluator.Result r = ExactEvaluator.evaluate(sea, uniform, 0.5);
        assertEquals(20, r.realisations(), "only the corner reward is random: one draw, 20 quadrature nodes");
        // Under the uniform policy E[R] = sum over paths: each RIGHT not into the corner costs 1/3, the corner pays 1.
        double expected = 0;
        for (int mask = 0; mask < 16; mask++) {
            int col = 0;
            double ret = 0;
            for (int t = 0; t < 4; t++) {
                boolean right = (mask >> t & 1) == 1;
                if (right) {
                    col++;
                    ret += (t == 3 && col == 4) ? 1.0 : -1.0 / 3;
                } else {
                    col = Math.max(0, col - 1);
                }
            }
            expected += ret / 16;
        }
        assertEquals(expected, r.expectedReturn(), 1e-12);
        assertTrue(r.l() > r.expectedReturn(), "eps > 0 is risk seeking: l exceeds J");
    }
}
